"""Catalog search: latency and relevance of the embedded engine against a plain SQLite FTS5 baseline.

    .venv/bin/python bench/search_catalog.py [--docs 100000] [--rounds 3] [--workers 2] [--keep DIR]

``--keep DIR`` keeps both indexes and reuses them on the next run (same ``--docs``), so query latency
can be measured again without re-indexing.

Generates synthetic 政务信息资源目录 entries (names, 摘要, 3–8 信息项, provider, 分类, 共享类型,
开放属性, grade) from real vocabulary: the service matters, departments and materials in
``../shared/data/services/gd_service_matters.jsonl`` and the official-writing terms in
``../shared/data/lexicon/`` (read here, never copied into the project), plus hand-written data
topics. Thirty hand-written "needle" resources with known queries give a small labelled set.

It then indexes everything with ``search.TantivyIndex`` (reporting time and size) and with SQLite FTS5
(trigram tokenizer, the reference; 1–2 character terms fall back to a LIKE scan because trigram
cannot match them), runs one fixed mixed query set (Chinese words, 2-character words, pinyin initials,
full pinyin, facet filters, several words, blank browse) on one thread against both, every query asking
for all five facet counts and the first page of 20 hits, and prints p50/p95/p99 latency, QPS, the
ratio, and MRR@10 / Success@1 / nDCG@10 on the labelled set per query type.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"

from search import Doc, IndexSchema, TantivyIndex, TextField  # noqa: E402
from search.analysis import word_pinyin  # noqa: E402

SEED = 20250601
GENERATOR_VERSION = 2  # bump when the synthetic corpus changes (kept indexes are then rebuilt)
FACETS = ["category", "provider", "share", "open", "grade"]
SCHEMA = IndexSchema(
    text=(
        TextField("name", boost=3.0, pinyin=True, exact=True, snippet=False),
        TextField("items", boost=2.0, pinyin=True),
        TextField("summary", boost=1.0),
    ),
    keywords=tuple(FACETS),
    sortable=("updated",),
)

DEPARTMENTS = [
    "县公安局", "县民政局", "县司法局", "县财政局", "县人力资源和社会保障局", "县自然资源和规划局",
    "县生态环境局", "县住房和城乡建设局", "县交通运输局", "县水利局", "县农业农村局", "县商务局",
    "县文化广电和旅游局", "县卫生健康委员会", "县退役军人事务局", "县应急管理局", "县审计局",
    "县市场监督管理局", "县统计局", "县医疗保障局", "县行政审批局", "县数据资源管理局", "县教育局",
    "县发展和改革委员会", "县工业和信息化局", "县林业局", "县城市管理局", "县税务局", "县气象局",
    "县住房公积金管理中心", "县不动产登记中心", "县残疾人联合会", "县供电公司", "县消防救援大队",
]
TOWNS = ["青阳镇", "城头镇", "双沟镇", "上塘镇", "魏营镇", "龙集镇", "半城镇", "孙园镇", "梅花镇", "石集乡",
         "天岗湖乡", "峰山镇", "四河乡", "瑶沟乡", "界集镇", "太平镇", "车门乡", "曹庙乡", "朱湖镇", "临淮镇"]
TOPICS = {
    "人口": ["户籍人口", "常住人口", "流动人口", "人口基础", "出生人口", "死亡人口", "老年人口"],
    "法人": ["法人基础", "企业登记", "个体工商户", "社会组织", "事业单位登记", "市场主体"],
    "社保": ["社会保险缴纳", "养老保险参保", "失业保险待遇", "工伤保险认定", "社会保险稽核"],
    "医保": ["医疗保险参保", "医保结算", "医疗保险报销", "门诊慢特病", "医保定点机构"],
    "救助": ["最低生活保障", "特困供养", "临时救助", "残疾人两项补贴", "孤儿基本生活"],
    "不动产": ["不动产登记", "不动产抵押", "房屋交易备案", "国有土地使用权", "商品房预售许可"],
    "公积金": ["住房公积金缴存", "住房公积金提取", "住房公积金贷款"],
    "证照": ["营业执照", "食品经营许可证", "药品经营许可证", "建设工程规划许可证", "施工许可证", "电子证照"],
    "教育": ["学籍", "义务教育入学", "教师资格", "学生资助", "校外培训机构"],
    "卫生": ["医疗机构执业", "执业医师注册", "预防接种", "出生医学证明", "疫苗流通"],
    "交通": ["道路运输经营许可", "机动车驾驶证", "公路超限运输", "公交线路", "出租汽车经营"],
    "自然资源": ["耕地保护", "土地利用现状", "地质灾害隐患点", "矿产资源开采", "林地保护"],
    "环境": ["排污许可", "环境影响评价", "空气质量监测", "水质监测", "固体废物处置"],
    "信用": ["公共信用", "行政许可公示", "行政处罚公示", "失信被执行人", "守信激励对象"],
    "政务服务": ["政务服务事项", "12345热线工单", "一网通办办件", "好差评评价", "便民服务中心窗口"],
    "农业": ["农村土地承包经营权", "家庭农场", "农民专业合作社", "农作物种植面积", "畜禽养殖场"],
    "水利": ["河道管理范围", "取水许可", "水利工程", "防汛抗旱物资", "农村饮水安全"],
    "财政": ["财政预算执行", "政府采购", "非税收入", "财政专项资金", "惠企政策兑现"],
}
KINDS = ["基础信息", "登记信息", "变更信息", "注销信息", "统计信息", "名单", "台账", "明细", "目录",
         "审批结果", "备案信息", "核查结果", "年度统计", "发放信息", "缴纳信息", "监测数据", "办件信息"]
GENERIC_ITEMS = ["姓名", "公民身份号码", "性别", "出生日期", "民族", "联系电话", "住址", "所属乡镇",
                 "统一社会信用代码", "单位名称", "法定代表人", "登记机关", "登记日期", "经营范围", "注册资本",
                 "更新时间", "数据来源", "办理状态", "审批结果", "有效期限", "证照编号", "发证机关", "金额",
                 "参保状态", "缴费基数", "待遇类型", "户籍地址", "婚姻状况", "文化程度", "行政区划代码",
                 "坐标", "面积", "用途", "权利人", "不动产单元号", "监测时间", "监测值", "备注"]
FREQS = ["实时", "每日", "每周", "每月", "每季度", "每半年", "每年"]
USES = ["政务服务办理", "一网通办材料免提交", "社会救助对象核查", "经济运行监测", "基层治理", "信用监管",
        "领导决策分析", "统计调查", "应急管理", "精准扶贫", "营商环境评价", "公共服务"]
CATEGORIES = {
    "基础信息资源": ["人口", "法人", "自然资源和空间地理", "电子证照", "社会信用"],
    "主题信息资源": ["社会保障", "医疗健康", "教育", "交通出行", "生态环境", "市场监管", "农业农村"],
    "部门信息资源": ["公共服务", "行政执法", "综合政务"],
}
SHARES = ["无条件共享", "有条件共享", "不予共享"]
OPENS = ["无条件开放", "有条件开放", "不予开放"]
GRADES = ["一般数据", "重要数据", "核心数据"]

# Hand-written resources with known queries: (name, items, summary, [(query, type)]).
NEEDLES: list[tuple[str, list[str], str, list[tuple[str, str]]]] = [
    ("古树名木保护信息", ["树种", "树龄", "保护等级", "坐标"], "全县古树名木的调查、挂牌和养护记录。",
     [("古树名木", "exact"), ("gsmm", "initials")]),
    ("非物质文化遗产代表性项目名录", ["项目名称", "类别", "级别", "传承人"], "县级以上非遗项目及其保护单位。",
     [("非物质文化遗产", "word"), ("feiwuzhi", "pinyin")]),
    ("河长制巡河记录", ["河道名称", "河长姓名", "巡河日期", "问题描述"], "各级河长巡河发现和处理的问题。",
     [("巡河", "2char"), ("hzzxh", "initials")]),
    ("渔船登记信息", ["船名", "船籍港", "船长", "主机功率"], "本县登记在册的渔业船舶。",
     [("渔船", "2char"), ("yuchuan", "pinyin")]),
    ("文物保护单位名录", ["名称", "年代", "保护级别", "公布批次"], "各级文物保护单位及保护范围。",
     [("文物保护单位", "exact"), ("wwbh", "initials")]),
    ("殡葬服务机构信息", ["机构名称", "服务项目", "收费标准", "联系电话"], "殡仪馆、公墓等殡葬服务机构。",
     [("殡葬服雾", "typo"), ("binzang", "pinyin")]),
    ("生猪定点屠宰企业名单", ["企业名称", "屠宰证号", "设计产能", "所属乡镇"], "取得生猪定点屠宰证的企业。",
     [("生猪屠宰", "word"), ("szddtz", "initials")]),
    ("校车使用许可信息", ["车牌号", "驾驶人", "核载人数", "许可期限"], "校车使用许可的申请与审批结果。",
     [("校车", "2char"), ("校车许可", "multi")]),
    ("特种设备使用登记信息", ["设备类别", "设备代码", "使用单位", "检验日期"], "锅炉、电梯等特种设备的使用登记。",
     [("特种设备", "word"), ("tezhongshebei", "pinyin")]),
    ("新型农村合作医疗报销信息", ["参合人员", "报销金额", "就诊机构", "报销日期"], "历年新农合报销明细。",
     [("新农合报销", "synonym"), ("xxnchz", "initials")]),
    ("机动车驾驶证审验信息", ["驾驶证号", "准驾车型", "审验日期", "审验结果"], "驾驶证审验及记分情况。",
     [("驾照审验", "synonym"), ("驾驶证审验", "exact")]),
    ("个体工商户年度报告信息", ["字号名称", "经营者", "从业人数", "营业额"], "个体工商户年度报告公示内容。",
     [("个体户年报", "synonym"), ("个体工商户 年度报告", "multi")]),
    ("出生医学证明签发信息", ["新生儿姓名", "出生时间", "母亲姓名", "签发机构"], "助产机构签发出生医学证明的记录。",
     [("出生证签发", "synonym"), ("签发", "2char")]),
    ("地名地址信息", ["标准地名", "地名类别", "门牌号", "坐标"], "标准地名和门楼牌地址。",
     [("地名地址", "exact"), ("dmdz", "initials")]),
    ("献血者信息", ["献血者姓名", "血型", "献血量", "献血日期"], "无偿献血者及献血记录。",
     [("献血", "2char"), ("xianxue", "pinyin")]),
    ("慈善组织认定信息", ["组织名称", "认定日期", "公开募捐资格"], "认定为慈善组织的社会组织。",
     [("慈善组织", "word"), ("慈善组只", "typo")]),
    ("高龄津贴发放名单", ["老人姓名", "年龄", "发放金额", "发放月份"], "八十周岁以上老人高龄津贴发放。",
     [("高龄津贴", "exact"), ("gljt", "initials")]),
    ("农机购置补贴信息", ["购机者", "机具品目", "补贴金额", "经销商"], "农业机械购置补贴的申请和兑付。",
     [("农机补贴", "multi"), ("nongjigouzhi", "pinyin")]),
    ("耕地地力保护补贴发放信息", ["农户姓名", "补贴面积", "补贴标准", "发放金额"], "耕地地力保护补贴按户发放明细。",
     [("地力保护", "word"), ("耕地地力补贴", "multi")]),
    ("适龄儿童入学登记信息", ["儿童姓名", "出生日期", "监护人", "学区"], "义务教育阶段适龄儿童入学登记。",
     [("适龄儿童", "word"), ("入学登记", "word")]),
    ("志愿者注册信息", ["志愿者姓名", "服务时长", "服务类别", "所属队伍"], "注册志愿者及服务记录。",
     [("志愿者", "word"), ("zyz", "initials")]),
    ("人民调解案件信息", ["案件编号", "纠纷类型", "调解结果", "调解员"], "人民调解委员会受理的矛盾纠纷案件。",
     [("人民调解", "exact"), ("调节案件", "typo")]),
    ("法律援助案件信息", ["受援人", "案由", "承办律师", "结案日期"], "法律援助中心受理和指派的案件。",
     [("法律援助", "exact"), ("falvyuanzhu", "pinyin")]),
    ("燃气经营许可信息", ["企业名称", "许可证号", "经营区域", "有效期"], "燃气经营许可证的核发与变更。",
     [("燃气", "2char"), ("燃气经营许可", "exact")]),
    ("消防安全重点单位名单", ["单位名称", "消防安全责任人", "检查日期", "隐患情况"], "消防安全重点单位及检查情况。",
     [("消防安全重点单位", "exact"), ("xfaq", "initials")]),
    ("退役士兵安置信息", ["姓名", "入伍时间", "退役时间", "安置去向"], "退役士兵的安置方式和去向。",
     [("退役士兵", "word"), ("退伍兵安置", "multi")]),
    ("病死畜禽无害化处理信息", ["养殖场", "畜禽种类", "处理数量", "处理方式"], "病死畜禽收集和无害化处理记录。",
     [("无害化处理", "word"), ("病死猪", "multi")]),
    ("城乡居民基本养老保险待遇领取信息", ["姓名", "待遇标准", "领取月份", "发放银行"], "居民养老保险待遇按月发放。",
     [("居民养老保险待遇", "synonym"), ("养老保险领取", "multi")]),
    ("公共租赁住房保障对象名单", ["申请人", "家庭人数", "保障方式", "房源地址"], "公租房实物配租和租赁补贴对象。",
     [("公租房", "word"), ("公共租赁住房", "exact")]),
    ("旅游星级饭店名录", ["饭店名称", "星级", "客房数", "评定日期"], "经评定的旅游星级饭店。",
     [("星级饭店", "word"), ("xingjifandian", "pinyin")]),
]


# The background corpus leaves these out, so each needle is the one right answer to its queries.
NEEDLE_WORDS = (
    "古树", "名木", "非物质文化遗产", "非遗", "河长", "巡河", "渔船", "文物", "殡葬", "屠宰", "校车", "特种设备",
    "新型农村合作医疗", "新农合", "审验", "年度报告", "年报", "签发", "地名", "献血", "慈善", "高龄", "农机",
    "地力", "适龄儿童", "入学登记", "志愿者", "调解", "法律援助", "燃气", "消防", "退役士兵", "无害化", "病死",
    "公共租赁", "公租房", "星级饭店", "饭店", "养老保险待遇",
)


def background(text: str) -> bool:
    return not any(word in text for word in NEEDLE_WORDS)


@dataclass
class Vocab:
    matters: list[str]
    materials: list[str]
    phrases: list[str]


@dataclass
class Query:
    text: str
    kind: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str | None = None


def load_vocab() -> Vocab:
    matters: set[str] = set()
    materials: set[str] = set()
    with (SHARED / "services" / "gd_service_matters.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            name = re.sub(r"[（(].*", "", row.get("TASK_NAME") or "").strip()
            if 4 <= len(name) <= 18:
                matters.add(name)
            for material in row.get("material_intro") or []:
                material = re.sub(r"[《》（）()]", "", material).strip()
                if 3 <= len(material) <= 12 and material != "无":
                    materials.add(material)
    phrases = [
        line.split("\t", 1)[0].strip()
        for line in (SHARED / "lexicon" / "gongwen_terms.tsv").read_text(encoding="utf-8").splitlines()
        if len(line.split("\t", 1)[0].strip()) >= 4
    ]
    return Vocab(
        sorted(filter(background, matters)), sorted(filter(background, materials)), list(filter(background, phrases))
    )


def synthetic_docs(n: int, vocab: Vocab, rng: random.Random) -> Iterator[dict[str, Any]]:
    topics = [(group, t) for group, ts in TOPICS.items() for t in ts]
    cat_pairs = [(top, sub) for top, subs in CATEGORIES.items() for sub in subs]
    for i in range(n):
        dept = rng.choice(DEPARTMENTS)
        if rng.random() < 0.3:
            base = rng.choice(vocab.matters)
            name = base + rng.choice(["办件信息", "审批结果", "申请信息", "受理信息"])
            group = "政务服务"
        else:
            group, topic = rng.choice(topics)
            name = topic + rng.choice(KINDS)
            r = rng.random()
            if r < 0.25:
                name = rng.choice(TOWNS) + name
            elif r < 0.45:
                name = f"{rng.randint(2015, 2024)}年" + name
        items = rng.sample(GENERIC_ITEMS, rng.randint(2, 5))
        items += rng.sample(vocab.materials, rng.randint(1, 3))
        rng.shuffle(items)
        items = items[:8]
        summary = (
            f"{dept}在履行职责过程中产生的{name}，包括{'、'.join(items[:3])}等{len(items)}项信息，"
            f"{rng.choice(FREQS)}更新，主要用于{rng.choice(USES)}。"
            f"{rng.choice(vocab.phrases)}，{rng.choice(vocab.phrases)}。"
        )
        top, sub = rng.choice(cat_pairs)
        share = rng.choices(SHARES, weights=[6, 3, 1])[0]
        open_attr = "不予开放" if share == "不予共享" else rng.choices(OPENS, weights=[2, 3, 5])[0]
        yield {
            "id": f"r{i:06d}",
            "name": name,
            "items": items,
            "summary": summary,
            "category": [top, f"{top}/{sub}"],
            "provider": dept,
            "share": share,
            "open": open_attr,
            "grade": rng.choices(GRADES, weights=[8, 3, 1])[0],
            "updated": 19000 + rng.randint(0, 1800),
            "group": group,
        }


def needle_docs(rng: random.Random) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    docs, labelled = [], []
    for k, (name, items, summary, queries) in enumerate(NEEDLES):
        doc_id = f"n{k:03d}"
        docs.append({
            "id": doc_id, "name": name, "items": items, "summary": summary,
            "category": ["部门信息资源", "部门信息资源/公共服务"], "provider": rng.choice(DEPARTMENTS),
            "share": "无条件共享", "open": "有条件开放", "grade": "一般数据", "updated": 20500, "group": "needle",
        })
        labelled.extend((q, kind, doc_id) for q, kind in queries)
    return docs, labelled


def to_doc(row: dict[str, Any]) -> Doc:
    return Doc(
        id=row["id"],
        text={"name": row["name"], "items": row["items"], "summary": row["summary"]},
        keywords={k: row[k] for k in FACETS},
        stored={"provider": row["provider"]},
        sort={"updated": row["updated"]},
    )


def initials(text: str) -> str:
    return "".join(s[0] for s in word_pinyin(text) if s)


def full_pinyin(text: str) -> str:
    return "".join(word_pinyin(text))


def query_set(vocab: Vocab, rng: random.Random) -> list[Query]:
    topics = [t for ts in TOPICS.values() for t in ts]
    words = topics + GENERIC_ITEMS[:20] + [d.removeprefix("县") for d in DEPARTMENTS[:20]]
    two = ["户籍", "社保", "医保", "低保", "法人", "房产", "学籍", "执照", "许可", "救助", "补贴", "登记",
           "养老", "公积", "监测", "备案", "名单", "企业", "税务", "车辆", "疫苗", "河道", "耕地", "合作"]
    queries: list[Query] = []
    queries += [Query(w, "word") for w in rng.sample(words, 60)]
    queries += [Query(w, "2char") for w in two]
    queries += [Query(initials(t), "initials") for t in rng.sample(topics, 30)]
    queries += [Query(full_pinyin(t)[: rng.randint(6, 14)], "pinyin") for t in rng.sample(topics, 30)]
    for _ in range(40):
        facet = rng.choice(["provider", "share", "open", "grade", "category"])
        value = {
            "provider": rng.choice(DEPARTMENTS), "share": rng.choice(SHARES), "open": rng.choice(OPENS),
            "grade": rng.choice(GRADES), "category": rng.choice(list(CATEGORIES)),
        }[facet]
        queries.append(Query(rng.choice(words + two), "filtered", {facet: [value]}))
    for _ in range(30):
        a, b = rng.sample(topics, 2)
        queries.append(Query(f"{a} {rng.choice(KINDS)}" if rng.random() < 0.5 else f"{a[:2]} {b[:2]}", "multi"))
    queries += [Query(rng.choice(vocab.matters)[:8], "matter") for _ in range(10)]
    for _ in range(6):
        queries.append(Query("", "browse", {"share": [rng.choice(SHARES)]}, sort="-updated"))
    return queries


# -- the two engines ---------------------------------------------------------------------------


def build_tantivy(rows: list[dict[str, Any]], path: Path, workers: int) -> tuple[TantivyIndex, float]:
    started = time.perf_counter()
    ix = TantivyIndex(SCHEMA, path, writer_heap_bytes=256_000_000, writer_threads=2)
    ix.index((to_doc(r) for r in rows), workers=workers, chunk_size=1000)
    ix.commit()
    ix.optimize()
    return ix, time.perf_counter() - started


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_fts(rows: list[dict[str, Any]], path: Path) -> tuple[sqlite3.Connection, float]:
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE res(id INTEGER PRIMARY KEY, rid TEXT, name TEXT, items TEXT, summary TEXT,
                         cat1 TEXT, cat2 TEXT, provider TEXT, share TEXT, open TEXT, grade TEXT, updated INT);
        CREATE VIRTUAL TABLE res_fts USING fts5(name, items, summary, content='res', content_rowid='id',
                                                tokenize='trigram');
        """
    )
    conn.executemany(
        "INSERT INTO res VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (i, r["id"], r["name"], "、".join(r["items"]), r["summary"], r["category"][0], r["category"][1],
             r["provider"], r["share"], r["open"], r["grade"], r["updated"])
            for i, r in enumerate(rows, start=1)
        ],
    )
    conn.execute("INSERT INTO res_fts(res_fts) VALUES ('rebuild')")
    conn.commit()
    return conn, time.perf_counter() - started


_FACET_COLUMN = {"category": "cat1", "provider": "provider", "share": "share", "open": "open", "grade": "grade"}


def fts_search(conn: sqlite3.Connection, q: Query, limit: int = 20) -> tuple[list[str], int]:
    """The reference: FTS5 trigram MATCH (bm25, name > items > summary), LIKE for 1–2 character terms."""
    terms = [t for t in q.text.split() if t]
    long_terms = [t for t in terms if len(t) >= 3]
    short_terms = [t for t in terms if len(t) < 3]
    filter_sql: dict[str, tuple[str, list[Any]]] = {}
    for name, values in q.filters.items():
        marks = ",".join("?" * len(values))
        if name == "category":
            filter_sql[name] = (f"(r.cat1 IN ({marks}) OR r.cat2 IN ({marks}))", values + values)
        else:
            filter_sql[name] = (f"r.{_FACET_COLUMN[name]} IN ({marks})", list(values))
    text_where: list[str] = []
    text_params: list[Any] = []
    for t in short_terms:
        text_where.append("(r.name LIKE ? OR r.items LIKE ? OR r.summary LIKE ?)")
        text_params += [f"%{t}%"] * 3
    if long_terms:
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        base = "FROM res_fts JOIN res r ON r.id = res_fts.rowid WHERE res_fts MATCH ?"
        text_params = [match, *text_params]
        order = "bm25(res_fts, 3.0, 2.0, 1.0)"
    else:
        base = "FROM res r WHERE 1"
        order = "r.updated DESC" if q.sort else "(r.name LIKE ?) DESC, r.id" if short_terms else "r.id"

    def where(skip: str | None = None) -> tuple[str, list[Any]]:
        parts = [*text_where, *(sql for name, (sql, _) in filter_sql.items() if name != skip)]
        values = text_params + [v for name, (_, vs) in filter_sql.items() if name != skip for v in vs]
        return "".join(f" AND {p}" for p in parts), values

    cond, params = where()
    order_params = [f"%{short_terms[0]}%"] if (not long_terms and short_terms and not q.sort) else []
    rows = conn.execute(f"SELECT r.rid {base}{cond} ORDER BY {order} LIMIT {limit}", params + order_params).fetchall()
    total = conn.execute(f"SELECT count(*) {base}{cond}", params).fetchone()[0]
    for facet in FACETS:  # the same facet counts the engine computes (each under the other filters)
        fcond, fparams = where(skip=facet)
        conn.execute(f"SELECT r.{_FACET_COLUMN[facet]}, count(*) {base}{fcond} GROUP BY 1", fparams).fetchall()
    return [r[0] for r in rows], total


# -- measuring ---------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Timing:
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU: unaffected by other load
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    hits: dict[str, list[int]] = field(default_factory=dict)
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after


def time_queries(run: Callable[[Query], tuple[list[str], int]], queries: list[Query], rounds: int) -> Timing:
    """Latencies (all, and by query type) after one warm-up pass, and the hit counts by type."""
    timing = Timing()
    for q in queries:  # warm-up, and the hit counts
        timing.hits.setdefault(q.kind, []).append(run(q)[1])
    before = os.getloadavg()[0]
    for _ in range(rounds):
        for q in queries:
            c0, t0 = time.process_time(), time.perf_counter()
            run(q)
            ms = (time.perf_counter() - t0) * 1000
            timing.cpu_ms.append((time.process_time() - c0) * 1000)
            timing.wall_ms.append(ms)
            timing.by_kind.setdefault(q.kind, []).append(ms)
    timing.load = (before, os.getloadavg()[0])
    return timing


def rank_metrics(ranked: list[str], target: str) -> tuple[float, float, float]:
    """MRR@10, Success@1, nDCG@10 for one query with one relevant document."""
    top = ranked[:10]
    if target not in top:
        return 0.0, 0.0, 0.0
    rank = top.index(target) + 1
    return 1 / rank, 1.0 if rank == 1 else 0.0, 1 / math.log2(rank + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ref-rounds", type=int, default=1, help="timed rounds for the (slow) fts5 reference")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--keep", type=Path, help="keep both indexes in this folder and reuse them on the next run with the same corpus"
    )
    args = parser.parse_args()

    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # after the import, which sets it to DEBUG
    rng = random.Random(SEED)
    vocab = load_vocab()
    needles, labelled = needle_docs(rng)
    rows = list(synthetic_docs(args.docs - len(needles), vocab, rng)) + needles
    queries = query_set(vocab, rng)
    chars = sum(len(r["name"]) + sum(map(len, r["items"])) + len(r["summary"]) for r in rows)
    print(f"corpus: {len(rows):,} resources, {chars / len(rows):.0f} characters each on average "
          f"({sum(len(r['items']) for r in rows) / len(rows):.1f} 信息项); {len(queries)} queries; "
          f"{len(labelled)} labelled queries")

    work = args.keep or Path(tempfile.mkdtemp(prefix="zt-search-bench-"))
    marker = work / "bench.json"
    fingerprint = {"docs": len(rows), "seed": SEED, "generator": GENERATOR_VERSION}
    reuse = bool(args.keep) and marker.exists() and json.loads(marker.read_text())["corpus"] == fingerprint
    if args.keep and work.exists() and not reuse:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        if reuse:  # indexes kept by an earlier run on the same corpus: measure queries only
            built = json.loads(marker.read_text())
            t_index, t_fts = built["tantivy_s"], built["fts_s"]
            ix = TantivyIndex(SCHEMA, work / "catalog", writable=False)
            conn = sqlite3.connect(work / "fts.sqlite3")
            print(f"(reusing the indexes in {work}, built earlier)")
        else:
            ix, t_index = build_tantivy(rows, work / "catalog", args.workers)
            conn, t_fts = build_fts(rows, work / "fts.sqlite3")
            marker.write_text(json.dumps({"corpus": fingerprint, "tantivy_s": t_index, "fts_s": t_fts}))
        size = dir_size(work / "catalog")
        print(f"tantivy: indexed in {t_index:.1f} s ({len(rows) / t_index:,.0f} docs/s, {args.workers} analysis "
              f"processes), index {size / 1e6:.1f} MB")
        print(f"fts5:    indexed in {t_fts:.1f} s, database {(work / 'fts.sqlite3').stat().st_size / 1e6:.1f} MB")

        def run_engine(q: Query) -> tuple[list[str], int]:
            r = ix.search(q.text, filters=q.filters, facets=FACETS, limit=20, sort=q.sort)
            return [h.id for h in r.hits], r.total

        def run_fts(q: Query) -> tuple[list[str], int]:
            return fts_search(conn, q)

        eng = time_queries(run_engine, queries, args.rounds)
        ref = time_queries(run_fts, queries, args.ref_rounds)

        print(f"\nlatency, one thread, {len(queries)} queries (20 hits with snippets + 5 facet counts each), "
              f"after a warm-up pass; tantivy {args.rounds} rounds, fts5 {args.ref_rounds}:")
        print(f"{'engine':<8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'QPS':>8}   {'CPU p50':>8} {'CPU p95':>8}"
              f"   load avg (1 min, {os.cpu_count()} CPUs)")
        for label, t in (("tantivy", eng), ("fts5", ref)):
            ms = t.wall_ms
            qps = len(ms) / (sum(ms) / 1000)
            print(f"{label:<8} {percentile(ms, 50):8.2f} {percentile(ms, 95):8.2f} {percentile(ms, 99):8.2f} {qps:8.1f}"
                  f"   {percentile(t.cpu_ms, 50):8.2f} {percentile(t.cpu_ms, 95):8.2f}"
                  f"   {t.load[0]:.1f} → {t.load[1]:.1f}")
        print(f"ratio fts5/tantivy: p50 {percentile(ref.wall_ms, 50) / percentile(eng.wall_ms, 50):.1f}x, "
              f"p95 {percentile(ref.wall_ms, 95) / percentile(eng.wall_ms, 95):.1f}x")
        print("\np50 by query type (ms)    tantivy     fts5  mean hits: tantivy   fts5")
        for kind in eng.by_kind:
            n = len(eng.hits[kind])
            print(f"  {kind:<22} {percentile(eng.by_kind[kind], 50):8.2f} {percentile(ref.by_kind[kind], 50):8.2f} "
                  f"{statistics.mean(eng.hits[kind]):18.0f} {statistics.mean(ref.hits[kind]):6.0f}   ({n} queries)")

        print(f"\nrelevance on {len(labelled)} labelled queries (one target resource each):")
        print(f"  {'type':<10} {'n':>3}  {'MRR@10':>14}  {'Success@1':>14}  {'nDCG@10':>14}")
        print(f"  {'':<10} {'':>3}  {'tantivy  fts5':>14}  {'tantivy  fts5':>14}  {'tantivy  fts5':>14}")
        kinds = list(dict.fromkeys(k for _, k, _ in labelled)) + ["all"]
        misses: list[str] = []
        for kind in kinds:
            subset = [x for x in labelled if kind in ("all", x[1])]
            eng_m = [rank_metrics(run_engine(Query(q, kind))[0], target) for q, _, target in subset]
            ref_m = [rank_metrics(run_fts(Query(q, kind))[0], target) for q, _, target in subset]
            if kind == "all":
                misses = [q for (q, _, _), m in zip(subset, eng_m, strict=True) if m[0] == 0]
            cols = [
                f"{statistics.mean(m[i] for m in eng_m):7.3f}{statistics.mean(m[i] for m in ref_m):7.3f}"
                for i in range(3)
            ]
            print(f"  {kind:<10} {len(subset):>3}  {cols[0]}  {cols[1]}  {cols[2]}")
        if misses:
            print(f"  tantivy misses (target not in top 10): {', '.join(misses)}")
        conn.close()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
