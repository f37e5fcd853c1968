"""Quantitative targets and deadlines in plan text.

Targets are found by a small table of regex rules (``TARGET_RULES``): each
rule matches the *core* of a target ("率达到97%", "至少开展一次", "新增2家以上")
and says how to find the metric name around it.  Metric names are recovered by
walking back/forward to the clause boundary and dropping leading verbs such as
推动/确保, which is far more robust than trying to capture the noun phrase in
the regex itself.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .normalize import CN_NUMERAL_CHARS, cn_to_int
from .plan_model import Deadline, Target

_NUM = rf"(?P<num>\d+(?:\.\d+)?|[{CN_NUMERAL_CHARS}]{{1,6}})"
_NUM_AR = r"(?P<num>\d+(?:\.\d+)?)"
_COUNT_UNIT = r"(?P<unit>(?:万|亿)?(?:课时|学时|人次|个工作日|工作日|元|家|个|项|次|条|场|期|篇|人|所|座|处|套|批|户|件|类|张|本|部))"

# Comparator words → comparator.  Tails (以上/以内) win over leading words.
_CMP = {
    "达到": ">=", "达": ">=", "要达到": ">=", "提升至": ">=", "提升到": ">=", "提高至": ">=",
    "提高到": ">=", "保持在": ">=", "确保": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=",
    "超过": ">=", "高于": ">=", "至少": ">=", "最少": ">=", "以上": ">=", "及以上": ">=",
    "控制在": "<=", "低于": "<=", "不高于": "<=", "不超过": "<=", "不多于": "<=", "少于": "<=",
    "以内": "<=", "以下": "<=", "内": "<=",
}  # fmt: skip
# Leading words that show intent to reach a level ("确保…合格率100%").
_INTENT = re.compile(r"确保|力争|达到|实现")
# Clause boundaries for metric recovery ("、" is not one: "省、市两级…合格率").
_CLAUSE_DELIMS = '。；;，,：:！!？?"“”「」《》\n'
_SENTENCE_DELIMS = "。；;！!？?\n"
# Verbs after which the metric noun phrase starts ("推动公共数据按需共享率").
_LEAD_VERB = re.compile(r"确保|推动|推进|力争|促进|保证|严格落实|落实|实现(?!率)")
_FILLER = re.compile(
    r"^(?:(?:19|20)\d{2}年度?|年底前?|年内|全年|今年|到年底|每年|每季度|每月|每周|要|并|将|同时|进一步|持续|不断|全面|逐步|累计)+"
)
# Action verbs whose object is the counted thing ("策划政务专题不少于1次").
_ACTION_VERB = re.compile(
    r"策划|开展|发布|组织|举办|完成|制作|开设|新增|更新|报送|转发|建设|建成|培育|打造|创建|新建|引进|培训|上报|推送|采用|召开"
)
_PERIOD = re.compile(r"每(?P<p>年度?|季度|季|月|周|日|天)|(?P<all>全年)")
_PERIOD_NAME = {
    "年": "年",
    "年度": "年",
    "季度": "季度",
    "季": "季度",
    "月": "月",
    "周": "周",
    "日": "日",
    "天": "日",
}


# Metric names and target phrases are short; bounding the walk keeps a
# delimiter-free pathological text linear instead of quadratic.
_MAX_WALK = 160


def _clause_start(text: str, pos: int, delims: str = _CLAUSE_DELIMS) -> int:
    i, stop = pos, max(0, pos - _MAX_WALK)
    while i > stop and text[i - 1] not in delims:
        i -= 1
    return i


def _clause_end(text: str, pos: int, delims: str = _CLAUSE_DELIMS) -> int:
    i, stop = pos, min(len(text), pos + _MAX_WALK)
    while i < stop and text[i] not in delims:
        i += 1
    return i


def _strip_paren(text: str) -> str:
    return re.sub(r"\([^()]*\)", "", text)


def _before(text: str, pos: int) -> str:
    """Noun phrase between the clause start and ``pos``, minus leading verbs."""
    chunk = text[_clause_start(text, pos) : pos]
    verbs = list(_LEAD_VERB.finditer(chunk))
    if verbs:
        chunk = chunk[verbs[-1].end() :]
    return _FILLER.sub("", chunk).strip()


def _after(text: str, pos: int) -> str:
    """Noun phrase after ``pos`` up to the clause end ("的专题学习培训" → "专题学习培训")."""
    chunk = _strip_paren(text[pos : _clause_end(text, pos)])
    return chunk.lstrip("的").strip()


def _object(chunk: str) -> str:
    """Object of the last action verb in ``chunk`` ("…单位开设政务新媒体" → "政务新媒体")."""
    verbs = list(_ACTION_VERB.finditer(chunk))
    return chunk[verbs[-1].end() :] if verbs else ""


def _previous_clause(text: str, pos: int) -> str:
    start = _clause_start(text, pos)
    if start == 0:
        return ""
    return text[_clause_start(text, start - 1) : start - 1]


# --- metric strategies: (text, match) → metric name -------------------------

MetricFn = Callable[[str, "re.Match[str]"], str]


def _metric_rate(text: str, m: re.Match[str]) -> str:
    return _before(text, m.start()) + "率"


def _metric_percent(text: str, m: re.Match[str]) -> str:
    return _before(text, m.start())


def _metric_counted(text: str, m: re.Match[str]) -> str:
    # "至少开展一次安全检测" names the thing after the count; "策划政务专题
    # 不少于1次" names it before.
    return (
        _after(text, m.end())
        or _object(text[_clause_start(text, m.start()) : m.start()])
        or _before(text, m.start())
    )


def _metric_new(text: str, m: re.Match[str]) -> str:
    verb = m.group("verb") or ""
    thing = _after(text, m.end()) or _object(text[_clause_start(text, m.start()) : m.start()])
    if not thing:
        # "…单位开设政务新媒体，年内确保新增2家以上": the object is in the clause before.
        thing = _object(_previous_clause(text, m.start()))
    return verb + thing if thing else verb or _before(text, m.start())


def _metric_turnaround(text: str, m: re.Match[str]) -> str:
    return _before(text, m.start()) + m.group("act") + "时限"


def _metric_planned(text: str, m: re.Match[str]) -> str:
    return m.group("what").strip()


def _metric_published(text: str, m: re.Match[str]) -> str:
    what = _strip_paren(m.group("what"))
    return what.rsplit("的", 1)[-1].strip() or what


@dataclass(frozen=True, slots=True)
class TargetRule:
    name: str
    pattern: re.Pattern[str]
    metric: MetricFn
    default_comparator: str = "="
    fixed_value: int | None = None  # for implicit quotas ("每周有…发布" = at least 1)
    fixed_unit: str | None = None


TARGET_RULES: tuple[TargetRule, ...] = (
    # 按需共享率达到97% / 合格率确保100% / 上云率达100% / 合格率100%
    TargetRule(
        "rate",
        re.compile(
            r"率(?P<cmp>要达到|达到|达|提升至|提升到|提高至|提高到|保持在|确保|不低于|超过|控制在|(?<!不)低于|不高于|不超过)?"
            + _NUM_AR
            + r"%(?P<tail>以上|以内|以下)?"
        ),
        _metric_rate,
    ),
    # 覆盖面达到95% (a percentage without 率)
    TargetRule(
        "percent",
        re.compile(
            r"(?P<cmp>达到|达|提升至|提高至|不低于|超过|控制在|(?<!不)低于|不超过)"
            + _NUM_AR
            + r"%(?P<tail>以上|以内|以下)?"
        ),
        _metric_percent,
    ),
    # 至少开展一次安全检测 / 不少于1次 / 每年至少开展2课时的专题学习培训
    TargetRule(
        "at_least",
        re.compile(
            r"(?P<cmp>不少于|不低于|不小于|至少|最少)(?:开展|完成|组织|举办|发布|更新|召开)?"
            + _NUM
            + _COUNT_UNIT
            + r"(?P<tail>以上)?"
        ),
        _metric_counted,
        ">=",
    ),
    # 不超过3次 / 控制在5个以内
    TargetRule(
        "at_most",
        re.compile(
            r"(?P<cmp>不超过|不多于|不高于|控制在|(?<!不)少于)" + _NUM + _COUNT_UNIT + r"(?P<tail>以内|以下)?"
        ),
        _metric_counted,
        "<=",
    ),
    # 新增2家以上 / 建成10个以上
    TargetRule(
        "new_count",
        re.compile(
            r"(?P<verb>新增|新建|建成|完成|培育|打造|创建|开设|引进|举办|开展)?"
            + _NUM
            + _COUNT_UNIT
            + r"(?P<tail>以上|及以上)"
        ),
        _metric_new,
        ">=",
    ),
    # "简单咨询1个工作日答复" → 简单咨询答复时限 <= 1 工作日
    TargetRule(
        "turnaround",
        re.compile(_NUM + r"个?(?P<unit>工作日|小时|天)内?(?P<act>答复|回复|办结|反馈|处置|响应|受理|完成)"),
        _metric_turnaround,
        "<=",
    ),
    # 答复时限压缩至3个工作日
    TargetRule(
        "turnaround_named",
        re.compile(
            r"(?P<act>答复|回复|办结|办理|反馈|处置|响应)时限?(?:压缩|缩短|控制)?[在至到]"
            + _NUM
            + r"个?(?P<unit>工作日|小时|天)(?P<tail>以内)?"
        ),
        _metric_turnaround,
        "<=",
    ),
    # 每周有…原创类政务信息…发布 → at least one item per week
    TargetRule(
        "periodic_publication",
        re.compile(
            r"每(?P<per>年|季度|月|周|日|天)(?:至少)?有(?P<what>[^。；;，,]{1,60}?)(?:发布|推送|更新)"
        ),
        _metric_published,
        ">=",
        fixed_value=1,
        fixed_unit="条",
    ),
    # 培育数字农业示范基地2个 / 新建5G基站200个: a planned quantity closing the clause
    TargetRule(
        "planned_count",
        re.compile(
            r"(?P<verb>新增|新建|建成|培育|打造|创建|引进)(?P<what>[^，,。；;、]{1,20}?)"
            + _NUM
            + _COUNT_UNIT
            + r"(?=[，,。；;]|$)"
        ),
        _metric_planned,
        ">=",
    ),
    # 达到10万人 / 达到5家以上 (a count without 不少于)
    TargetRule(
        "reach_count",
        re.compile(r"(?P<cmp>达到|达)" + _NUM + _COUNT_UNIT + r"(?P<tail>以上)?"),
        _metric_percent,
        ">=",
    ),
)


def _number(raw: str) -> int | float | None:
    if re.fullmatch(r"\d+\.\d+", raw):
        v = float(raw)
        return int(v) if v.is_integer() else v
    return cn_to_int(raw)


def _comparator(rule: TargetRule, text: str, m: re.Match[str]) -> str:
    groups = m.groupdict()
    if groups.get("tail"):
        return _CMP[groups["tail"]]
    if groups.get("cmp"):
        return _CMP[groups["cmp"]]
    if rule.default_comparator != "=":
        return rule.default_comparator
    prefix = text[_clause_start(text, m.start()) : m.start()]
    return ">=" if _INTENT.search(prefix) else "="


def _period(text: str, m: re.Match[str]) -> str | None:
    if m.groupdict().get("per"):
        return _PERIOD_NAME[m.group("per")]
    sentence = text[_clause_start(text, m.start(), _SENTENCE_DELIMS) : m.start()]
    found = list(_PERIOD.finditer(sentence))
    if not found:
        return None
    last = found[-1]
    return "年" if last.group("all") else _PERIOD_NAME[last.group("p")]


def extract_targets(text: str) -> list[Target]:
    """All quantitative targets in ``text`` (already tidied), in text order."""
    found: list[tuple[int, Target]] = []
    starts: list[int] = []  # claimed spans, sorted and non-overlapping
    ends: list[int] = []
    for rule in TARGET_RULES:
        for m in rule.pattern.finditer(text):
            i = bisect_left(starts, m.end())
            if i and ends[i - 1] > m.start():
                continue  # an earlier, more specific rule already claimed it
            value: int | float | None = rule.fixed_value
            if value is None:
                value = _number(m.group("num"))
            if value is None:
                continue
            unit = rule.fixed_unit or (m.groupdict().get("unit") or "%")
            unit = unit.removeprefix("个") if unit == "个工作日" else unit
            metric = rule.metric(text, m).strip(" 的")
            start, end = _clause_start(text, m.start()), _clause_end(text, m.end())
            target = Target(
                text=text[start:end].strip(),
                metric=metric,
                comparator=_comparator(rule, text, m),
                value=value,
                unit=unit,
                period=_period(text, m),
            )
            starts.insert(i, m.start())
            ends.insert(i, m.end())
            found.append((m.start(), target))
    found.sort(key=lambda pair: pair[0])
    return [t for _, t in found]


# --- deadlines ---------------------------------------------------------------

_DEADLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # 2023年6月底前 / 6月30日前 / 12月底 — an explicit month wins (see _resolve)
    (
        re.compile(
            r"(?:(?P<y>(?:19|20)\d{2})年)?(?P<m>1[0-2]|0?[1-9])月(?:(?P<d>[1-3]?\d)日前|(?P<end>底|末)前?|前)"
        ),
        "by_date",
    ),
    # 年底 / 2023年底 / 年末
    (re.compile(r"(?:(?:19|20)\d{2}年?)?(?:年底前?|年末)"), "year_end"),
    # 年内 / 全年 (not 三年内)
    (re.compile(rf"(?<![{CN_NUMERAL_CHARS}\d])(?:今年|本年度?)?年内|全年"), "within_year"),
    (re.compile(r"上半年"), "first_half"),
    (re.compile(r"每季度|每季|按季度?"), "quarterly"),
    (re.compile(r"每个?月|按月"), "monthly"),
    (re.compile(r"每周|按周|每个?星期"), "weekly"),
    (re.compile(r"每日|每天|按日"), "daily"),
    (re.compile(r"每年度?"), "yearly"),
)


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def _resolve(code: str, m: re.Match[str], year: int | None) -> tuple[str, date | None]:
    if code == "by_date":
        y = int(m.group("y")) if m.group("y") else year
        month = int(m.group("m"))
        if m.group("end") and month == 12:
            code = "year_end"
        if y is None:
            return code, None
        if m.group("d"):
            try:
                return code, date(y, month, int(m.group("d")))
            except ValueError:
                return code, None
        return code, _month_end(y, month)
    if year is None:
        return code, None
    if code in ("year_end", "within_year"):
        return code, date(year, 12, 31)
    if code == "first_half":
        return code, date(year, 6, 30)
    return code, None


def detect_deadline(text: str, year: int | None) -> Deadline | None:
    """The earliest deadline/frequency phrase in ``text``."""
    best: tuple[int, int, str, re.Match[str]] | None = None
    for pattern, code in _DEADLINE_RULES:
        m = pattern.search(text)
        if m and (best is None or (m.start(), -len(m.group(0))) < (best[0], best[1])):
            best = (m.start(), -len(m.group(0)), code, m)
    if best is None:
        return None
    code, due = _resolve(best[2], best[3], year)
    return Deadline(code=code, text=best[3].group(0), due=due)
