"""Fuzz-ish robustness: arbitrary input may only ever raise DocumentError.

No hypothesis dependency: a seeded PRNG assembles strings from plan-shaped
tokens (numbering, unit labels, brackets, page marks, targets, tables) mixed
with random code points, so the structural code paths are hit thousands of
times deterministically.
"""

from __future__ import annotations

import json
import random

from text.documents import read_document
from text.errors import DocumentError
from text.plan_parser import parse_plan

TOKENS = [
    "1.", "2.", "10.", "14.强化", "1.5", "(一)", "（二）", "(十一)", "一、", "二、", "三是", "(1)",
    "牵头单位:", "配合单位：", "责任单位:", "配合部", "门:", "完成时限：", "(", ")", "（", "）", "〔", "〕", "[", "]", "【",
    "。", "，", ",", "、", ";", "；", ":", "\"", "“", "”", "《", "》", "\n", "\n\n", "\t", "|", "|---|", " ",
    "— 5 —", "-20 -", "**—** 5 **—**", "#### ", "# ", "- ", "  - ", "**", "\\", "第3页", "\r\n", "\r",
    "2023年", "2023 年", "XX县数字政府建设工作要点", "工作要点", "一、工作目标", "二、重点任务", "三、保障措施",
    "年底", "年内", "全年", "每季度", "每周", "每月", "每年", "6月底前", "13月底前", "2月30日前", "12月底",
    "率达到", "达", "97%", "100%", "不少于", "至少开展", "一次", "两家", "2家以上", "新增", "新建", "个工作日答复",
    "答复时限压缩至", "3个工作日", "每周有", "发布", "不超过", "百千万", "十", "0", "9999", "万条",
    "附件:", "附件", "等有关部门和单位", "各有关部门和单位", "等", "各", "大数据中心", "行政审批局作为", "负责",
    "洪政办发", "号", "文件", "关于", "通知", "\u2f00", "\ufeff", "\x00", "\u3000", "\u200b", "政 务", "IPv6",
]  # fmt: skip


def _random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(0, 120)):
        roll = rng.random()
        if roll < 0.8:
            parts.append(rng.choice(TOKENS))
        elif roll < 0.95:
            parts.append(chr(rng.randint(0x4E00, 0x9FFF)) * rng.randint(1, 4))
        else:
            parts.append(chr(rng.randint(0, 0x10FFFF)) if rng.random() < 0.5 else chr(rng.randint(0, 0x7F)))
    return "".join(parts)


def test_it_never_raises_anything_but_document_error_on_garbage() -> None:
    rng = random.Random(16)
    parsed = 0
    for _ in range(3000):
        text = _random_text(rng)
        try:
            plan = parse_plan(text)
        except DocumentError as exc:
            assert exc.code == "no_tasks"
            continue
        parsed += 1
        json.dumps(plan.to_json(), ensure_ascii=False)
        assert all(isinstance(t.number, int) for _, t in plan.iter_tasks())
    assert parsed > 100  # the generator really reaches the task-building code


def test_it_survives_mutations_of_the_seed() -> None:
    from .test_plan_seed import SEED

    seed = SEED.read_text(encoding="utf-8")
    rng = random.Random(2023)
    for _ in range(80):
        chars = list(seed)
        for _ in range(rng.randint(1, 40)):
            pos = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                del chars[pos]
            elif op < 0.8:
                chars.insert(pos, rng.choice(TOKENS))
            else:
                chars[pos] = "\n"
        try:
            json.dumps(parse_plan("".join(chars)).to_json(), ensure_ascii=False)
        except DocumentError:
            pass


def test_it_never_raises_anything_but_document_error_on_random_uploads() -> None:
    rng = random.Random(7)
    for i in range(300):
        size = rng.choice([1, 7, 100, 2048])
        data = rng.randbytes(size)
        if i % 3 == 0:
            data = b"%PDF-1.4\n" + data
        elif i % 3 == 1:
            data = b"PK\x03\x04" + data
        for name in ("a.txt", "a.md", "a.docx", "a.pdf", "a.bin"):
            try:
                text = read_document(data, name)
            except DocumentError:
                continue
            assert isinstance(text, str)
            try:
                parse_plan(text)
            except DocumentError:
                pass


def test_it_parses_pathological_long_lines_quickly() -> None:
    import time

    text = "2024年XX工作要点\n1. " + "率达到" * 20000 + "(" * 5000 + "牵头单位:" * 2000 + "\n" + "、" * 50000
    start = time.perf_counter()
    try:
        parse_plan(text)
    except DocumentError:
        pass
    assert time.perf_counter() - start < 5
