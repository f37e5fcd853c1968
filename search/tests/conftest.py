"""Fixtures for the search tests: one shared analyzer (jieba loads once) and a small catalog."""

from __future__ import annotations

import pytest

from search import Analyzer, Doc, IndexSchema, TantivyIndex, TextField, default_analyzer

CATALOG = IndexSchema(
    text=(
        TextField("name", boost=3.0, pinyin=True, exact=True, snippet=False),
        TextField("items", boost=2.0, pinyin=True),
        TextField("summary", boost=1.0),
    ),
    keywords=("category", "provider", "share", "open", "grade"),
    sortable=("updated",),
)


def resource(
    id: str,
    name: str,
    items: list[str] | None = None,
    summary: str = "",
    *,
    provider: str = "县公安局",
    share: str = "无条件共享",
    open: str = "不予开放",
    grade: str = "一般数据",
    category: list[str] | None = None,
    updated: int = 0,
) -> Doc:
    return Doc(
        id=id,
        text={"name": name, "items": items or [], "summary": summary},
        keywords={
            "category": category or ["基础信息资源"],
            "provider": provider,
            "share": share,
            "open": open,
            "grade": grade,
        },
        stored={"provider": provider, "code": f"C-{id}"},
        sort={"updated": updated},
    )


DOCS = [
    resource("pop", "人口基础信息", ["姓名", "公民身份号码", "户籍地址"], "全县户籍人口和常住人口的基础信息。",
             category=["基础信息资源", "基础信息资源/人口"], updated=5),
    resource("ss", "社会保险缴纳信息", ["姓名", "缴费基数", "参保状态"], "参保人员社会保险缴纳明细。",
             provider="县人力资源和社会保障局", share="有条件共享", updated=9,
             category=["主题信息资源", "主题信息资源/社会保障"]),
    resource("biz", "企业登记信息", ["统一社会信用代码", "法定代表人", "注册资本"], "市场主体设立、变更和注销登记。",
             provider="县市场监督管理局", open="无条件开放", updated=7, category=["基础信息资源", "基础信息资源/法人"]),
    resource("house", "不动产登记信息", ["不动产单元号", "权利人", "坐标"], "房屋和土地的不动产登记簿。",
             provider="县自然资源和规划局", share="有条件共享", grade="重要数据", updated=3),
    resource("hukou", "户籍人口统计表", ["乡镇", "户数", "人数"], "按乡镇统计的户籍人口。", provider="县统计局", updated=1),
    resource("med", "医疗保险参保信息", ["姓名", "参保险种"], "城乡居民和职工医保参保登记。",
             provider="县医疗保障局", share="有条件共享", updated=8),
    resource("xss", "网站留言", ["留言内容"], "来信原文：<script>alert('x')</script> & 其他", provider="县政府办公室", updated=2),
    resource("shebao-body", "业务经办台账", ["经办人"], "本台账记录社保业务经办情况。", provider="县人力资源和社会保障局", updated=4),
]


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    a = default_analyzer()
    a.warm_up()
    return a


@pytest.fixture
def catalog(analyzer: Analyzer) -> TantivyIndex:
    index = TantivyIndex(CATALOG, analyzer=analyzer)
    index.index(DOCS)
    index.commit()
    return index
