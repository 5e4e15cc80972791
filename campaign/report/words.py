"""How figures read to people, in Chinese (the default) and in English: the names of lights,
stages, sectors, categories and factor categories, the reasons a project lags, the 双过半
verdict, and numbers as officials write them — percentages with two decimals (52.65%), money
in 万元 or 亿元 with thousands separators, points against 序时 ("超序时进度 2.65 个百分点").

Every renderer (the terminal tables, the HTML report, the Excel 调度表, the CSV file) words the
checkpoint document through this module, so that a figure reads the same everywhere. The
document itself keeps figures and SPEC's names; nothing here computes a figure.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any, Literal

from campaign.domain.vocabulary import (
    CATEGORY_LABELS,
    FACTOR_CATEGORY_LABELS,
    SECTOR_LABELS,
    STAGE_LABELS,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
NONE = "—"

WAN_PER_YI = Decimal(10_000)
"""1 亿元 = 10,000 万元."""

# ------------------------------------------------------------------------------- labels

LIGHTS: dict[Lang, dict[str, str]] = {
    "zh": {"green": "绿", "yellow": "黄", "red": "红", "na": NONE},
    "en": {"green": "green", "yellow": "yellow", "red": "red", "na": NONE},
}
LIGHT_NAMES: dict[Lang, dict[str, str]] = {
    "zh": {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "na": "无灯"},
    "en": {"green": "green", "yellow": "yellow", "red": "red", "na": "no light"},
}
MILESTONES: dict[Lang, dict[str, str]] = {
    "zh": {"signed": "签约", "started": "开工", "completed": "竣工", "production": "投产"},
    "en": {
        "signed": "signed",
        "started": "started",
        "completed": "completed",
        "production": "in production",
    },
}
_LABELS: dict[str, dict[Lang, Mapping[Any, str]]] = {
    "stage": {
        "zh": STAGE_LABELS,
        "en": {"production": "in production"},
    },
    "sector": {
        "zh": SECTOR_LABELS,
        "en": {"smart_manufacturing": "smart manufacturing", "big_data": "big data"},
    },
    "category": {"zh": CATEGORY_LABELS, "en": {}},
    "factor": {
        "zh": FACTOR_CATEGORY_LABELS,
        "en": {"gas_heat": "gas/heat", "road_pipe": "roads/pipes"},
    },
    "light": {"zh": LIGHTS["zh"], "en": LIGHTS["en"]},
}


def label(kind: str, value: str | None, lang: Lang = "zh") -> str:
    """The name people read for a word of the vocabulary (`kind`: stage, sector, category,
    factor or light): 锂电 for lithium; in English the word itself, spaced. A value the
    vocabulary does not know (an old log's) is shown as it is."""
    if value is None:
        return NONE
    labels = _LABELS[kind][lang]
    # The vocabulary's labels are keyed by StrEnum members, which hash and compare as their text.
    return labels.get(value, value if lang == "zh" else value.replace("_", " "))


# ------------------------------------------------------------------------------ numbers


def pct(ratio: float | None) -> str:
    """A ratio as a percentage with two decimals: 0.5265 -> 52.65%."""
    return NONE if ratio is None else f"{ratio * 100:.2f}%"


def pp(points: float | None) -> str:
    """Percentage points against 序时, signed: +2.65, -11.89."""
    return NONE if points is None else f"{points:+.2f}"


def wan(amount: float | None) -> str:
    """万元 with thousands separators and two decimals: 964,960.00."""
    return NONE if amount is None else f"{amount:,.2f}"


def wan0(amount: float | None) -> str:
    """万元 to the whole 万 (where a narrow table has no room for cents): 964,960."""
    return NONE if amount is None else f"{amount:,.0f}"


def yi(amount: float | None) -> str:
    """万元 as 亿元, two decimals (half-even, like every figure): 508,016.66 -> 50.80."""
    if amount is None:
        return NONE
    value = (Decimal(repr(amount)) / WAN_PER_YI).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
    return f"{value:,.2f}"


def money(amount: float | None, lang: Lang = "zh") -> str:
    """An amount for a sentence: in 亿元 from 1 亿 up, else in 万元 (50.80亿元, 4,000.00万元)."""
    if amount is None:
        return NONE
    if lang == "en":
        return f"{wan(amount)} 万元 (10k yuan)"
    if abs(amount) >= WAN_PER_YI:
        return f"{yi(amount)}亿元"
    return f"{wan(amount)}万元"


def count(value: float | None) -> str:
    """A whole number with separators; a number with a fraction with two decimals."""
    if value is None:
        return NONE
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def days_of(value: float | None) -> str:
    """Working days (a median may be a half): 6, 5.5."""
    return NONE if value is None else f"{value:g}"


def short_date(date: str | None) -> str:
    """A date of the campaign year for a narrow column: 06-30."""
    return NONE if date is None else date[5:]


def cn_date(date: str) -> str:
    """2020-06-30 -> 6月30日 (the year is the campaign's, said once in the title)."""
    _, month, day = date.split("-")
    return f"{int(month)}月{int(day)}日"


def cn_full_date(date: str) -> str:
    """2020-06-30 -> 2020年6月30日."""
    return f"{int(date[:4])}年{cn_date(date)}"


# ------------------------------------------------------------------------------ phrases


def against_time(points: float | None, lang: Lang = "zh", *, spaced: bool = True) -> str:
    """The gap to 序时 as officials say it: 超序时进度 2.65 个百分点, 低于序时进度 11.89 个百分点;
    `spaced` False writes it as a sentence does (超序时进度2.65个百分点)."""
    if points is None:
        return NONE
    gap = f"{abs(points):.2f}"
    if lang == "en":
        if points == 0:
            return "on time progress"
        side = "ahead of" if points > 0 else "behind"
        return f"{gap} pp {side} time progress"
    if points == 0:
        return "与序时进度持平"
    side = "超序时进度" if points > 0 else "低于序时进度"
    return f"{side} {gap} 个百分点" if spaced else f"{side}{gap}个百分点"


def verdict(reached: bool, lang: Lang = "zh") -> str:
    """双过半: 已实现 / 未实现."""
    if lang == "en":
        return "reached" if reached else "not reached"
    return "已实现" if reached else "未实现"


def headline(zone: Mapping[str, Any], lang: Lang = "zh") -> str:
    """The verdict with the share that decides it and the gap to 序时:
    双过半：已实现 — 完成年度计划 52.65%，超序时进度 2.65 个百分点."""
    rate, gap = zone["investment_rate"], zone["gap_pp"]
    if rate is None:  # no listed project has a plan yet: nothing to measure against
        if lang == "en":
            return f"双过半 (half the year, half the plan): {verdict(False, 'en')} — no plan yet"
        return f"双过半：{verdict(False)} — 尚无在列项目的年度计划投资"
    if lang == "en":
        return (
            f"双过半 (half the year, half the plan): {verdict(zone['double_half'], 'en')} — "
            f"{pct(rate)} of the annual plan done, {against_time(gap, 'en')}"
        )
    return f"双过半：{verdict(zone['double_half'])} — 完成年度计划 {pct(rate)}，{against_time(gap)}"


def reason(found: Mapping[str, Any], lang: Lang = "zh") -> str:
    """Why a project lags, from a reason of the checkpoint document
    (`campaign.figures.project.Reason`), with figures as the tables show them:
    投资完成38.11%，为序时进度的76.22%（低于80%）; 开工逾期9天（计划2020-06-21）;
    要素ZZ-001-20200416-power（用电）逾期6个工作日."""
    words = _REASONS.get(str(found.get("kind")))
    # a kind this engine does not know (a later engine's) is shown as it is, never dropped
    return str(dict(found)) if words is None else words(found, lang)


def _investment(found: Mapping[str, Any], lang: Lang) -> str:
    rate, spi, below = pct(found["investment_rate"]), pct(found["spi"]), pct(found["below"])
    below = below.replace(".00%", "%")  # a threshold is a round share: 80%, not 80.00%
    if lang == "en":
        return f"investment {rate} of plan, {spi} of time progress (below {below})"
    return f"投资完成{rate}，为序时进度的{spi}（低于{below}）"


def _start(found: Mapping[str, Any], lang: Lang) -> str:
    days, planned = found["overdue_days"], found["planned_start"] or NONE
    if lang == "en":
        return f"start overdue {days} days (planned {planned})"
    return f"开工逾期{days}天（计划{planned}）"


def _factor(found: Mapping[str, Any], lang: Lang) -> str:
    request, wd = found["request"], found["overdue_wd"]
    category = label("factor", found["category"], lang)
    if lang == "en":
        return f"factor {request} ({category}) overdue {wd} working days"
    return f"要素{request}（{category}）逾期{wd}个工作日"


_REASONS: dict[str, Callable[[Mapping[str, Any], Lang], str]] = {
    "investment": _investment,
    "start": _start,
    "factor": _factor,
}


def reasons(found: Sequence[Mapping[str, Any]], lang: Lang = "zh") -> str:
    """A project's reasons, one phrase after another."""
    return ("；" if lang == "zh" else "; ").join(reason(r, lang) for r in found)


RATE_NAMES: dict[Lang, dict[str, tuple[str, str]]] = {
    "zh": {
        "fulfilment_rate": ("履约率", "已签约项目中未终止的比例"),
        "funds_rate": ("资金到位率", "到位资金 ÷ 年度计划投资（万元）"),
        "start_rate": ("开工率", "已开工 ÷ 计划开工日已到的新开工项目"),
        "commissioning_rate": ("竣工投产率", "已竣工投产 ÷ 计划竣工日已到的项目"),
    },
    "en": {
        "fulfilment_rate": ("fulfilment", "signed projects not terminated"),
        "funds_rate": ("funds in place", "YTD funds / annual plans (万元)"),
        "start_rate": ("start rate", "started / new projects due to start"),
        "commissioning_rate": ("commissioning", "completed or producing / due"),
    },
}
"""The four rates: name and what they count."""

LEVELS: dict[Lang, dict[int, str]] = {
    "zh": {0: NONE, 1: "一级督办", 2: "二级督办", 3: "三级督办"},
    "en": {0: NONE, 1: "level 1", 2: "level 2", 3: "level 3"},
}


def level(value: int, lang: Lang = "zh") -> str:
    """An escalation (督办) level, 1–3."""
    return LEVELS[lang].get(value, str(value))


def change(row: Mapping[str, Any], lang: Lang = "zh") -> str:
    """A project's change in rank since the previous checkpoint: ↑3, ↓2, — (the same place),
    新 (not listed then); "" without a previous checkpoint or a rank."""
    if row.get("new"):
        return "新" if lang == "zh" else "new"
    moved = row.get("change")
    if moved is None:
        return ""
    if moved == 0:
        return NONE
    return f"↑{moved}" if moved > 0 else f"↓{-moved}"


def summary(document: Mapping[str, Any], total_investment: float) -> str:
    """The report's opening paragraph, as a 通报 begins, with the figures of its tables:
    截至6月30日，全区在列重点项目53个……占年度计划的52.65%，超序时进度2.65个百分点，实现“双过半”。"""
    zone, factors = document["zone"], document["factors"]
    terminated = f"（另有{zone['terminated']}个已终止）" if zone["terminated"] else ""
    if zone["double_half"]:
        verdict_text = "，实现“双过半”"
    elif document["time_progress"] >= 0.5:
        verdict_text = "，未实现“双过半”"
    else:
        verdict_text = ""
    lights = zone["lights"]
    opening = f"截至{cn_date(document['as_of'])}，全区在列重点项目{zone['projects']}个{terminated}"
    if zone["investment_rate"] is None:
        first = f"{opening}，尚无年度计划投资。"
    else:
        first = (
            f"{opening}，总投资{money(total_investment)}，"
            f"年度计划投资{money(zone['annual_plan'])}；"
            f"累计完成投资{money(zone['ytd_investment'])}，"
            f"占年度计划的{pct(zone['investment_rate'])}，"
            f"{against_time(zone['gap_pp'], spaced=False)}{verdict_text}。"
        )
    parts = [
        first,
        f"资金到位{money(zone['ytd_funds'])}，资金到位率{pct(zone['funds_rate'])}；"
        f"应开工项目{zone['due_to_start']}个，已开工{zone['started']}个，"
        f"开工率{pct(zone['start_rate'])}；"
        f"应竣工投产项目{zone['due_to_commission']}个，已竣工投产{zone['commissioned']}个，"
        f"竣工投产率{pct(zone['commissioning_rate'])}。",
        f"红灯项目{lights['red']}个、黄灯项目{lights['yellow']}个；"
        f"要素保障事项提出{factors['filed']}件，办结{factors['resolved']}件，"
        f"办结率{pct(factors['closure_rate'])}，按期办结率{pct(factors['on_time_rate'])}，"
        f"在办逾期{factors['overdue_open']}件。",
    ]
    return "".join(parts)


def as_of_choice(why: str, day: str, lang: Lang = "zh") -> str:
    """Why a query without --as-of reads the day it reads (`campaign.app.queries.AsOfChoice`)."""
    if lang == "en":
        return {
            "checkpoint": f"(no --as-of: the latest checkpoint day, {day})",
            "today": f"(no --as-of: no checkpoint day has come yet; today, {day})",
            "campaign_end": f"(no --as-of: the campaign is over and names no checkpoint day; "
            f"its last day, {day})",
            "year_start": f"(no --as-of: the campaign year has not begun; {day})",
        }.get(why, "")
    return {
        "checkpoint": f"（未指定 --as-of：取最近的调度节点 {day}）",
        "today": f"（未指定 --as-of：尚无已到的调度节点，取今天 {day}）",
        "campaign_end": f"（未指定 --as-of：活动已结束且未设调度节点，取结束日 {day}）",
        "year_start": f"（未指定 --as-of：活动年度尚未开始，取 {day}）",
    }.get(why, "")


# ------------------------------------------------------------------------------ columns

FIELDS: dict[str, tuple[str, str, str]] = {
    "code": ("项目编号", "code", "code"),
    "name": ("项目名称", "name", "text"),
    "sector": ("产业领域", "sector", "sector"),
    "category": ("项目类别", "category", "category"),
    "unit": ("帮包单位", "unit", "text"),
    "leader": ("包保领导", "leader", "text"),
    "annual_plan": ("年度计划(万元)", "annual plan (万元)", "money"),
    "ytd_investment": ("累计完成投资(万元)", "YTD investment (万元)", "money"),
    "investment_rate": ("投资完成率", "of plan", "rate"),
    "gap_pp": ("比序时(个百分点)", "vs time progress (pp)", "pp"),
    "spi": ("为序时进度的", "of time progress", "rate"),
    "light": ("灯", "light", "light"),
    "stage": ("阶段", "stage", "stage"),
    "started_on": ("开工日期", "started on", "date"),
    "start_overdue_days": ("开工逾期(天)", "start overdue (days)", "count"),
    "ytd_funds": ("到位资金(万元)", "YTD funds (万元)", "money"),
    "physical_pct": ("形象进度(%)", "physical progress (%)", "number"),
    "open_factors": ("在办要素", "open factor requests", "count"),
    "overdue_factors": ("逾期要素", "overdue factor requests", "count"),
    "rank": ("排名", "rank", "count"),
    # the zone at a date (a series row)
    "as_of": ("日期", "as of", "date"),
    "time_progress": ("序时进度", "time progress", "rate"),
    "projects": ("在列项目", "listed projects", "count"),
    "registered": ("登记项目", "registered", "count"),
    "terminated": ("终止项目", "terminated", "count"),
    "double_half": ("双过半", "双过半", "flag"),
    "funds_rate": ("资金到位率", "funds rate", "rate"),
    "fulfilment_rate": ("履约率", "fulfilment rate", "rate"),
    "fulfilled": ("履约项目", "fulfilled", "count"),
    "signed": ("签约项目", "signed", "count"),
    "start_rate": ("开工率", "start rate", "rate"),
    "started": ("已开工", "started", "count"),
    "due_to_start": ("应开工", "due to start", "count"),
    "early_starts": ("提前开工", "early starts", "count"),
    "commissioning_rate": ("竣工投产率", "commissioning rate", "rate"),
    "commissioned": ("已竣工投产", "commissioned", "count"),
    "due_to_commission": ("应竣工投产", "due to commission", "count"),
    "below_half": ("不足计划一半", "below half of plan", "count"),
}
"""The columns of a table of projects (and of a series of zone figures): SPEC's key, then its
Chinese header, its English header, and the kind of value it holds."""

FLAGS: dict[Lang, tuple[str, str]] = {"zh": ("是", "否"), "en": ("yes", "no")}
KINDS_WITH_LABELS = {"sector", "category", "stage", "light"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula: a stored text that starts so is written
with a leading apostrophe in a sheet for people, so that a name is never run."""


def header(key: str, lang: Lang = "zh") -> str:
    """A column's header for people (SPEC's key for a column this module does not name)."""
    found = FIELDS.get(key)
    return key if found is None else found[0 if lang == "zh" else 1]


def kind_of(key: str) -> str:
    found = FIELDS.get(key)
    return "text" if found is None else found[2]


def cell(key: str, value: Any, lang: Lang = "zh") -> str:
    """A value of a table of projects for people, as a CSV file for Excel gives it: money with
    two places (12000.00, no separators, so that Excel reads a number), rates as percentages
    (52.65%, which Excel reads as 0.5265), labels in the language, "" for none."""
    if value is None:
        return ""
    kind = kind_of(key)
    if kind in KINDS_WITH_LABELS:
        shown = label(kind, value, lang)
    elif kind in {"money", "pp", "number"}:
        shown = f"{value:.2f}"
    elif kind == "rate":
        shown = f"{value * 100:.2f}%"
    elif kind == "flag":
        shown = FLAGS[lang][0 if value else 1]
    else:
        shown = str(value)
        if kind == "text" and shown.startswith(FORMULA_STARTS):
            shown = "'" + shown
    return shown


def key_cell(key: str, value: Any) -> str:
    """A value for machines (SPEC's field names): figures as the JSON has them, money with two
    places, "" for none."""
    if value is None:
        return ""
    kind = kind_of(key)
    if kind == "money":
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
