"""回头看 as the provider and the Big Data Center live it: attach data, check, rectify, re-check."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import lookback
from catalog.models import QualityFinding, QualityRun
from catalog.tests.factories import make_resource
from core.calendar import get_calendar
from core.errors import DomainError, NotAllowed
from core.identifiers import resident_id_check_char
from core.models import AuditEntry, Notification
from indicators.models import Indicator

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 6, 16, 10, 0, tzinfo=SHANGHAI)  # a Monday


def resident_id(serial: int) -> str:
    first17 = f"32132419800101{serial:03d}"
    return first17 + resident_id_check_char(first17)


GOOD_IDS = [resident_id(n) for n in range(1, 9)]
BAD_ID = GOOD_IDS[0][:-1] + ("0" if GOOD_IDS[0][-1] != "0" else "1")  # wrong check digit


def csv_upload(rows: list[tuple[str, str, str]], *, name: str = "人口.csv", encoding: str = "utf-8",
               header: tuple[str, ...] = ("姓名", "公民身份号码", "户籍地址")) -> SimpleUploadedFile:
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def clean_rows() -> list[tuple[str, str, str]]:
    return [(f"居民{n}", GOOD_IDS[n], "泗洪县青阳街道") for n in range(8)]


def dirty_rows() -> list[tuple[str, str, str]]:
    rows = clean_rows()
    rows[1] = ("", rows[1][1], rows[1][2])  # 姓名 missing: completeness
    rows[2] = (rows[2][0], BAD_ID, rows[2][2])  # wrong check digit: validity
    rows[3] = (rows[3][0], GOOD_IDS[4], rows[3][2])  # duplicate of row 5: uniqueness
    return rows


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.QUALITY_SQLITE_DIRS = [str(tmp_path / "exchange")]
    (tmp_path / "exchange").mkdir()
    return tmp_path


@pytest.fixture
def people(cdo, admin, units):
    return make_resource(cdo, units.finance, publish=True, admin=admin)


def attach_and_run(actor, resource, upload, **kwargs) -> QualityRun:
    lookback.attach_file(actor, resource, upload, **kwargs)
    run = resource.quality_runs.get(state=QualityRun.State.QUEUED)
    return lookback.execute(run.pk, now=NOW)


# ---- checks and findings -----------------------------------------------------------------------


def test_checks_follow_the_items_and_failures_go_to_the_provider_with_a_deadline(cdo, admin, units, people):
    run = attach_and_run(cdo, people, csv_upload(dirty_rows()))

    assert run.state == QualityRun.State.DONE
    assert run.row_count == 8
    failed = {(r["kind"], r["column"]) for r in run.results if not r["passed"]}
    assert failed == {("completeness", "姓名"), ("validity", "公民身份号码"), ("uniqueness", "公民身份号码")}
    findings = QualityFinding.objects.filter(resource=people).order_by("check_kind")
    assert [(f.check_kind, f.column, f.failed) for f in findings] == [
        ("completeness", "姓名", 1), ("uniqueness", "公民身份号码", 1), ("validity", "公民身份号码", 1)]
    due = get_calendar().add_workdays(NOW, 10).at  # CatalogSettings.rectify_days
    assert all(f.unit == units.finance and f.state == QualityFinding.State.OPEN and f.due == due for f in findings)
    # The provider's keepers are told; the audit log has the request and the result.
    assert Notification.objects.filter(recipient=cdo, kind="catalog.quality", title__contains="待整改").exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"catalog.dataset.attach", "catalog.quality.request", "catalog.quality.done"} <= actions


def test_samples_never_show_a_whole_id_number(cdo, admin, units, people, client_for):
    run = attach_and_run(cdo, people, csv_upload(dirty_rows()))
    html = client_for(cdo).get(f"/catalog/quality/runs/{run.pk}/").content.decode()
    assert "未通过" in html and "校验位" in html
    assert BAD_ID not in html and GOOD_IDS[4] not in html


def test_clean_data_passes_and_counts_towards_the_mount_rate(cdo, admin, units, people):
    assert Indicator.objects.get(code="catalog-mount-rate").live().value == 0
    run = attach_and_run(cdo, people, csv_upload(clean_rows()))
    assert run.summary.endswith("全部通过")
    assert not QualityFinding.objects.exists()
    assert Indicator.objects.get(code="catalog-mount-rate").live().value == 100


def test_gbk_csv_xlsx_and_parquet_are_read(cdo, admin, units, people, tmp_path):
    run = attach_and_run(cdo, people, csv_upload(clean_rows(), encoding="gbk"))
    assert run.state == QualityRun.State.DONE and "GBK" in " ".join(run.warnings)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025 年户籍人口"])  # a title row above the header is fine
    ws.append(["姓名", "公民身份号码", "户籍地址"])
    for row in clean_rows():
        ws.append(list(row))
    path = tmp_path / "人口.xlsx"
    wb.save(path)
    run = attach_and_run(cdo, people, SimpleUploadedFile("人口.xlsx", path.read_bytes()))
    assert run.state == QualityRun.State.DONE and run.row_count == 8

    table = pa.table({"姓名": [r[0] for r in clean_rows()], "公民身份号码": [r[1] for r in clean_rows()],
                      "户籍地址": [r[2] for r in clean_rows()]})
    pq.write_table(table, tmp_path / "人口.parquet")
    run = attach_and_run(cdo, people, SimpleUploadedFile("人口.parquet", (tmp_path / "人口.parquet").read_bytes()))
    assert run.state == QualityRun.State.DONE and run.row_count == 8


def test_timeliness_follows_the_update_cycle(cdo, admin, units, people):
    rows = [(*r, "2025-03-01") for r in clean_rows()]
    upload = csv_upload(rows, header=("姓名", "公民身份号码", "户籍地址", "更新时间"))
    run = attach_and_run(cdo, people, upload, timestamp_column="更新时间")
    late = [r for r in run.results if r["kind"] == "timeliness"]
    assert len(late) == 1 and not late[0]["passed"]  # monthly data last updated in March, checked in June
    assert QualityFinding.objects.get(resource=people).check_kind == "timeliness"


# ---- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "message"), [
    ("人口.xls", b"\xd0\xcf\x11\xe0", "另存为 .xlsx"),
    ("人口.docx", b"PK", "请上传 CSV、xlsx 或 Parquet"),
    ("人口.csv", b"", "空"),
])
def test_wrong_files_are_refused_before_anything_is_stored(cdo, people, media, name, content, message):
    with pytest.raises(DomainError, match=message):
        lookback.attach_file(cdo, people, SimpleUploadedFile(name, content))
    assert not people.datasets.exists()
    assert not list((media / "media").rglob("*.*")) if (media / "media").exists() else True


def test_a_file_over_the_limit_is_refused(cdo, people, settings):
    settings.QUALITY_MAX_UPLOAD_BYTES = 100
    with pytest.raises(DomainError, match="文件过大"):
        lookback.attach_file(cdo, people, csv_upload(clean_rows()))
    assert not people.datasets.exists()


def test_a_resource_without_items_cannot_be_checked(cdo, units):
    bare = make_resource(cdo, units.finance, items=[], name="无信息项资源")
    with pytest.raises(DomainError, match="还没有信息项"):
        lookback.attach_file(cdo, bare, csv_upload(clean_rows()))
    assert not bare.datasets.exists()


def test_unreadable_data_fails_the_run_in_chinese_and_writes_no_findings(cdo, people, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "公民身份号码", "户籍地址"])
    ws.append(["居民", GOOD_IDS[0], "地址"])
    ws.merge_cells("A2:B2")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    run = attach_and_run(cdo, people, SimpleUploadedFile("merged.xlsx", path.read_bytes()))
    assert run.state == QualityRun.State.FAILED and "合并单元格" in run.error
    assert not QualityFinding.objects.exists()

    missing = csv_upload(clean_rows(), header=("名字", "公民身份号码", "户籍地址"))
    run = attach_and_run(cdo, people, missing)
    assert run.state == QualityRun.State.FAILED and "姓名" in run.error


def test_private_database_addresses_need_the_setting(cdo, people, settings):
    settings.QUALITY_ALLOW_PRIVATE_DB = False
    with pytest.raises(DomainError, match="内网或本机地址"):
        lookback.attach_database(cdo, people, url="postgres://u:secret@10.1.2.3:5432/db", table="t_people")
    with pytest.raises(DomainError, match="postgres://"):
        lookback.attach_database(cdo, people, url="mysql://u@example.com/db", table="t")
    with pytest.raises(DomainError, match="表名"):
        lookback.attach_database(cdo, people, url="sqlite:///x.db", table='a."b')
    assert not people.datasets.exists()

    settings.QUALITY_ALLOW_PRIVATE_DB = True
    dataset = lookback.attach_database(cdo, people, url="postgres://u:secret@127.0.0.1:9/db", table="t_people")
    assert "secret" not in lookback.source_label(dataset)
    run = lookback.execute(people.quality_runs.get().pk, now=NOW)
    assert run.state == QualityRun.State.FAILED and "连接" in run.error and "secret" not in run.error


def test_a_sqlite_exchange_table_is_checked_and_other_files_are_refused(cdo, people, media, settings):
    db = media / "exchange" / "前置库.sqlite3"
    with sqlite3.connect(db) as con:
        con.execute('CREATE TABLE t_people ("姓名" TEXT, "公民身份号码" TEXT, "户籍地址" TEXT)')
        con.executemany("INSERT INTO t_people VALUES (?, ?, ?)", dirty_rows())
    lookback.attach_database(cdo, people, url=f"sqlite:///{db}", table="t_people")
    run = lookback.execute(people.quality_runs.get().pk, now=NOW)
    assert run.state == QualityRun.State.DONE and run.row_count == 8
    assert QualityFinding.objects.filter(resource=people).count() == 3

    platform_db = Path(settings.DATABASES["default"]["NAME"])
    lookback.attach_database(cdo, people, url=f"sqlite:///{platform_db}", table="core_user")
    run = lookback.execute(people.quality_runs.get(state=QualityRun.State.QUEUED).pk, now=NOW)
    assert run.state == QualityRun.State.FAILED and "不在允许" in run.error or "不允许" in run.error


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_table_is_checked_when_the_suite_runs_on_postgresql(cdo, admin, units, settings):
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("PostgreSQL pass only (TEST_DATABASE_URL)")
    from django.db import connection

    people = make_resource(cdo, units.finance, publish=True, admin=admin)
    with connection.cursor() as cur:
        cur.execute('CREATE TABLE quality_people ("姓名" text, "公民身份号码" text, "户籍地址" text)')
        for row in dirty_rows():
            cur.execute("INSERT INTO quality_people VALUES (%s, %s, %s)", row)
    settings.QUALITY_ALLOW_PRIVATE_DB = True
    url = (f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/"
           f"{connection.settings_dict['NAME']}")
    lookback.attach_database(cdo, people, url=url, table="quality_people")
    run = lookback.execute(people.quality_runs.get().pk, now=NOW)
    assert run.state == QualityRun.State.DONE, run.error
    assert QualityFinding.objects.filter(resource=people).count() == 3


# ---- rectification and re-check -----------------------------------------------------------------


def test_rectified_data_resolves_what_was_fixed_and_reopens_the_rest(cdo, admin, units, people):
    attach_and_run(cdo, people, csv_upload(dirty_rows()))
    first = QualityFinding.objects.get(resource=people, check_kind="completeness")

    with pytest.raises(DomainError, match="整改后的数据文件"):
        lookback.submit_rectification(cdo, people, note="已补录姓名")
    with pytest.raises(DomainError, match="整改说明"):
        lookback.submit_rectification(cdo, people, note=" ", upload=csv_upload(clean_rows()))

    half_fixed = dirty_rows()
    half_fixed[1] = clean_rows()[1]  # 姓名 filled in; the ID number problems stay
    recheck = lookback.submit_rectification(cdo, people, note="已补录姓名", upload=csv_upload(half_fixed))
    assert set(QualityFinding.objects.values_list("state", flat=True)) == {QualityFinding.State.SUBMITTED}
    lookback.execute(recheck.pk, now=NOW + timedelta(days=2))

    first.refresh_from_db()
    assert first.state == QualityFinding.State.RESOLVED and first.resolved_by_run_id == recheck.pk
    still = QualityFinding.objects.exclude(pk=first.pk)
    assert {f.state for f in still} == {QualityFinding.State.OPEN}
    assert all("复查未通过" in f.recheck_note and f.due == first.due for f in still)  # the deadline stays
    assert QualityFinding.objects.count() == 3  # the re-check found nothing new: no duplicates


def test_a_database_table_is_rechecked_as_it_is_now(cdo, people, media):
    db = media / "exchange" / "前置库.sqlite3"
    with sqlite3.connect(db) as con:
        con.execute('CREATE TABLE t_people ("姓名" TEXT, "公民身份号码" TEXT, "户籍地址" TEXT)')
        con.executemany("INSERT INTO t_people VALUES (?, ?, ?)", dirty_rows())
    lookback.attach_database(cdo, people, url=f"sqlite:///{db}", table="t_people")
    lookback.execute(people.quality_runs.get().pk, now=NOW)
    with sqlite3.connect(db) as con:
        con.execute("DELETE FROM t_people")
        con.executemany("INSERT INTO t_people VALUES (?, ?, ?)", clean_rows())
    recheck = lookback.submit_rectification(cdo, people, note="源库已修正")
    lookback.execute(recheck.pk, now=NOW)
    assert set(QualityFinding.objects.values_list("state", flat=True)) == {QualityFinding.State.RESOLVED}


def test_overdue_findings_escalate_once_to_the_big_data_center(cdo, admin, units, people):
    attach_and_run(cdo, people, csv_upload(dirty_rows()))
    assert lookback.escalate_overdue_findings(NOW) == 0
    later = NOW + timedelta(days=30)
    assert lookback.escalate_overdue_findings(later) == 3
    assert lookback.escalate_overdue_findings(later) == 0
    assert Notification.objects.filter(recipient=admin, kind="catalog.escalation").count() == 3
    assert AuditEntry.objects.filter(action="catalog.quality.escalate").count() == 3


def test_only_the_big_data_center_dismisses_a_finding(cdo, admin, people):
    attach_and_run(cdo, people, csv_upload(dirty_rows()))
    finding = QualityFinding.objects.first()
    with pytest.raises(NotAllowed):
        lookback.dismiss_finding(cdo, finding, reason="不是问题")
    with pytest.raises(DomainError, match="核销理由"):
        lookback.dismiss_finding(admin, finding, reason="")
    lookback.dismiss_finding(admin, finding, reason="历史数据，经核实无误")
    finding.refresh_from_db()
    assert finding.state == QualityFinding.State.RESOLVED and "核销" in finding.recheck_note
    assert AuditEntry.objects.filter(action="catalog.quality.dismiss", actor=admin).exists()


# ---- who may ------------------------------------------------------------------------------------


def test_only_keepers_of_the_provider_and_the_big_data_center_attach_data(cdo, admin, editor, outsider, people):
    for person in (editor, outsider):  # a plain editor of the unit; another unit's editor
        with pytest.raises(NotAllowed):
            lookback.attach_file(person, people, csv_upload(clean_rows()))
    lookback.attach_file(admin, people, csv_upload(clean_rows()))  # the Big Data Center's spot check
    assert people.datasets.count() == 1


def test_pages_are_for_the_provider_and_county_wide_roles(cdo, admin, supervisor, editor, outsider, people,
                                                          client_for):
    run = attach_and_run(cdo, people, csv_upload(dirty_rows()))
    for person in (cdo, admin, supervisor, editor):
        assert client_for(person).get(f"/catalog/resources/{people.pk}/quality/").status_code == 200
        assert client_for(person).get(f"/catalog/quality/runs/{run.pk}/").status_code == 200
    for url in (f"/catalog/resources/{people.pk}/quality/", f"/catalog/quality/runs/{run.pk}/"):
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(None).get(url).status_code == 302
    response = client_for(outsider).post(f"/catalog/resources/{people.pk}/quality/upload/",
                                         {"file": csv_upload(clean_rows())})
    assert response.status_code == 404
    assert client_for(outsider).get("/catalog/quality/").content.decode().count("<tr>") == 2  # header + empty
    # Forms only for those who may use them; the editor's POST is refused with the reason.
    assert "上传并检查" not in client_for(editor).get(f"/catalog/resources/{people.pk}/quality/").content.decode()
    response = client_for(editor).post(f"/catalog/resources/{people.pk}/quality/upload/",
                                       {"file": csv_upload(clean_rows())})
    assert response.status_code == 403 and "首席数据官" in response.content.decode()


def test_the_upload_form_queues_a_check_and_shows_errors_on_the_field(cdo, people, client_for):
    client = client_for(cdo)
    response = client.post(f"/catalog/resources/{people.pk}/quality/upload/",
                           {"file": SimpleUploadedFile("人口.xls", b"x")})
    assert response.status_code == 400 and "另存为 .xlsx" in response.content.decode()
    response = client.post(f"/catalog/resources/{people.pk}/quality/upload/", {"file": csv_upload(dirty_rows())})
    assert response.status_code == 302
    run = people.quality_runs.get()
    assert run.state == QualityRun.State.QUEUED
    page = client.get(f"/catalog/resources/{people.pk}/quality/").content.decode()
    assert "排队中" in page and "人口.csv" in page
    lookback.execute(run.pk, now=NOW)
    page = client.get(f"/catalog/resources/{people.pk}/quality/").content.decode()
    assert "待整改的问题（3）" in page and "提交整改" in page
    listing = client.get("/catalog/quality/").content.decode()
    assert listing.count(people.name) == 3


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when it is done
def test_the_worker_runs_queued_checks(cdo, people):
    from django.core.management import call_command

    lookback.attach_file(cdo, people, csv_upload(dirty_rows()))  # commits: the task is enqueued
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    run = people.quality_runs.get()
    assert run.state == QualityRun.State.DONE
    assert QualityFinding.objects.filter(resource=people).count() == 3


# ---- the JSON API -------------------------------------------------------------------------------


def test_the_api_attaches_reads_and_rectifies(cdo, outsider, editor, people, client_for, settings):
    client = client_for(cdo)
    response = client.post(f"/api/v1/catalog/resources/{people.pk}/datasets/file",
                           {"file": csv_upload(dirty_rows()), "note": "2025 年 6 月抽取"})
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["state"] == "queued" and run["dataset"]["source"] == "人口.csv"
    lookback.execute(run["id"], now=NOW)

    body = client.get(f"/api/v1/catalog/resources/{people.pk}/quality").json()
    assert [r["state"] for r in body["runs"]] == ["done"]
    assert len(body["findings"]) == 3 and {f["state"] for f in body["findings"]} == {"open"}
    assert client.get(f"/api/v1/catalog/quality/runs/{run['id']}").json()["row_count"] == 8
    assert client.get("/api/v1/catalog/quality/findings").json()["count"] == 3

    response = client.post(f"/api/v1/catalog/resources/{people.pk}/quality/rectify", {"note": "已修正"})
    assert response.status_code == 400 and "整改后的数据文件" in response.json()["detail"]
    response = client.post(f"/api/v1/catalog/resources/{people.pk}/quality/rectify",
                           {"note": "已修正", "file": csv_upload(clean_rows())})
    assert response.status_code == 201, response.content.decode()
    lookback.execute(response.json()["id"], now=NOW)
    assert client.get("/api/v1/catalog/quality/findings").json()["count"] == 0
    assert client.get("/api/v1/catalog/quality/findings?state=all").json()["count"] == 3

    settings.QUALITY_ALLOW_PRIVATE_DB = False
    response = client.post(f"/api/v1/catalog/resources/{people.pk}/datasets/database",
                           {"db_url": "postgres://u:p@192.168.1.5/db", "table": "t"}, content_type="application/json")
    assert response.status_code == 400 and "内网" in response.json()["detail"]

    # Another unit: 404 everywhere, and nothing in its findings list; a plain editor may read, not act.
    other = client_for(outsider)
    assert other.get(f"/api/v1/catalog/resources/{people.pk}/quality").status_code == 404
    assert other.get(f"/api/v1/catalog/quality/runs/{run['id']}").status_code == 404
    assert other.get("/api/v1/catalog/quality/findings?state=all").json()["count"] == 0
    response = client_for(editor).post(f"/api/v1/catalog/resources/{people.pk}/datasets/file",
                                       {"file": csv_upload(clean_rows())})
    assert response.status_code == 403 and "首席数据官" in response.json()["detail"]


def test_attached_tables_are_rechecked_weekly(cdo, people, media):
    db = media / "exchange" / "前置库.sqlite3"
    with sqlite3.connect(db) as con:
        con.execute('CREATE TABLE t_people ("姓名" TEXT, "公民身份号码" TEXT, "户籍地址" TEXT)')
        con.executemany("INSERT INTO t_people VALUES (?, ?, ?)", dirty_rows())
    lookback.attach_database(cdo, people, url=f"sqlite:///{db}", table="t_people")
    assert lookback.recheck_tables(NOW) == 0  # already queued
    first = people.quality_runs.get()
    QualityRun.objects.filter(pk=first.pk).update(requested_at=NOW)
    lookback.execute(first.pk, now=NOW)
    lookback.attach_file(cdo, people, csv_upload(clean_rows()), run=False)  # files are not re-read
    assert lookback.recheck_tables(NOW + timedelta(days=3)) == 0
    # The uploaded file is now the resource's newest data; make the table the newest again.
    people.datasets.filter(kind="file").delete()
    with sqlite3.connect(db) as con:
        con.execute("DELETE FROM t_people")
        con.executemany("INSERT INTO t_people VALUES (?, ?, ?)", clean_rows())
    assert lookback.recheck_tables(NOW + timedelta(days=8)) == 1
    again = people.quality_runs.get(state=QualityRun.State.QUEUED)
    assert again.requested_by is None and again.recheck_of_id == first.pk
    lookback.execute(again.pk, now=NOW + timedelta(days=8))
    assert set(QualityFinding.objects.values_list("state", flat=True)) == {QualityFinding.State.RESOLVED}
