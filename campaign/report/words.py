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
    from collections.abc import Callable, Mapping

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


def reasons(found: list[Mapping[str, Any]], lang: Lang = "zh") -> str:
    """A project's reasons, one phrase after another."""
    return ("；" if lang == "zh" else "; ").join(reason(r, lang) for r in found)
