"""The proofreader as the platform exposes it: dictionaries in the database, the command, the API."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command

from content import checking, dictionaries
from content.models import DictionaryEntry, DictionaryVersion
from core.errors import DomainError, NotAllowed
from core.models import AuditEntry

SAMPLE = "认真学习贯彻党的20大精神，按照国办发[2018]123号文件要求。"


def run_command(monkeypatch, data: bytes, *args: str) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    out = io.StringIO()
    call_command("proofread", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_command_reports_one_json_object_per_line_with_offsets_into_the_line(db, monkeypatch):
    gbk = "联系电话13812345678".encode("gb18030")
    records = run_command(monkeypatch, (SAMPLE + "\n\n").encode() + gbk + b"\n\xff\xfe\xfa\n",
                          "--format", "jsonl")
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    first = {(f["kind"], f["text"], f["suggestion"]) for f in records[0]["findings"]}
    assert ("formulation", "党的20大", "党的二十大") in first
    assert ("format", "国办发[2018]123号", "国办发〔2018〕123号") in first
    for f in records[0]["findings"]:
        assert SAMPLE[f["start"]:f["end"]] == f["text"]
        assert set(f) >= {"start", "end", "text", "suggestion", "kind", "severity"}
    assert records[1] == {"line": 2, "findings": []}
    assert [f["kind"] for f in records[2]["findings"]] == ["privacy"]  # GBK line read as GBK
    assert "编码" in records[3]["error"]


def test_prepare_turns_word_html_into_text_and_refuses_empty_or_huge_input():
    html = '<html><head><style>p{}</style></head><body><p class=MsoNormal><span>党的</span><span>二十大</span></p>' \
           '<p>第二段<script>alert(1)</script></p></body></html>'
    assert checking.prepare(html) == "党的二十大\n第二段"
    assert checking.prepare("甲\x00乙\x1b丙\r\n丁") == "甲乙丙\n丁"
    with pytest.raises(DomainError, match="空"):
        checking.prepare(" \n\x00 ")
    with pytest.raises(DomainError, match="过长"):
        checking.prepare("字" * 101, limit=100)


def test_the_api_checks_text_for_logged_in_people_only(client_for, editor):
    response = client_for(editor).post("/api/v1/text/check", {"text": SAMPLE}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == SAMPLE and body["dictionary_version"] >= 1
    assert {f["kind_label"] for f in body["findings"]} >= {"严重表述错误", "格式"}
    response = client_for(editor).post("/api/v1/text/check", {"text": "字" * 50_001},
                                       content_type="application/json")
    assert response.status_code == 400 and "过长" in response.json()["detail"]
    assert client_for(None).post("/api/v1/text/check", {"text": SAMPLE},
                                 content_type="application/json").status_code == 401


def test_dictionary_edits_take_effect_at_once_are_versioned_and_audited(db, admin, editor):
    text = "会上，县长王五主持会议。"
    dictionaries.save_entry(admin, DictionaryEntry(family="office_holder"), term="王五", replacement="常务副县长")
    assert not [f for f in checking.check(text).findings if f.kind == "formulation"]
    with pytest.raises(NotAllowed):
        dictionaries.save_entry(editor, DictionaryEntry(family="office_holder"), term="李四", replacement="县长")
    with pytest.raises(DomainError) as error:
        dictionaries.save_entry(admin, DictionaryEntry(family="office_holder"), term="李四", replacement="")
    assert error.value.field == "replacement"
    before = dictionaries.version()
    entry = dictionaries.save_entry(admin, DictionaryEntry(family="office_holder"), term="李四", replacement="县长",
                                    holder_unit="泗洪县人民政府")
    assert dictionaries.version() == before + 1
    found = [f for f in checking.check(text).findings if f.kind == "formulation"]
    assert found and found[0].suggestion == "常务副县长王五"
    dictionaries.delete_entry(admin, entry)
    assert not [f for f in checking.check(text).findings if f.kind == "formulation"]
    assert AuditEntry.objects.filter(action__startswith="content.dictionary.").count() == 3
    assert DictionaryVersion.objects.count() == before + 2


def test_a_bad_pattern_is_an_error_on_its_field(db, admin):
    with pytest.raises(DomainError) as error:
        dictionaries.save_entry(admin, DictionaryEntry(family="formulation"), term="两个维护", pattern="(a+)+")
    assert error.value.field == "pattern"


def test_the_seed_is_loaded_once(db):
    assert DictionaryEntry.objects.filter(family="outdated").count() > 40
    assert dictionaries.load_seed() == 0
