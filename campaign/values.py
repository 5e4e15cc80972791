"""The vocabulary of the campaign: sectors, categories, milestones, money, dates, targets.

Value types are frozen pydantic models and enums, shared by the commands (what a user asks) and
the events (what the log holds). Money is a Decimal in 万元 with at most two fractional digits,
never a float.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer


class Sector(StrEnum):
    lithium = "lithium"
    photonics = "photonics"
    pharma = "pharma"
    smart_manufacturing = "smart_manufacturing"
    big_data = "big_data"
    livelihood = "livelihood"
    other = "other"


SECTOR_LABELS: dict[Sector, str] = {
    Sector.lithium: "锂电",
    Sector.photonics: "光电",
    Sector.pharma: "医药",
    Sector.smart_manufacturing: "智能制造",
    Sector.big_data: "大数据",
    Sector.livelihood: "民生",
    Sector.other: "其他",
}


class Category(StrEnum):
    new = "new"
    continuing = "continuing"
    completing = "completing"
    preparatory = "preparatory"


CATEGORY_LABELS: dict[Category, str] = {
    Category.new: "新开工",
    Category.continuing: "续建",
    Category.completing: "竣工",
    Category.preparatory: "预备",
}


class FactorCategory(StrEnum):
    land = "land"
    energy = "energy"
    environment = "environment"
    water = "water"
    power = "power"
    gas_heat = "gas_heat"
    road_pipe = "road_pipe"
    finance = "finance"
    labour = "labour"
    approval = "approval"
    demolition = "demolition"
    other = "other"


DEFAULT_SLA_DAYS = 7


class Milestone(StrEnum):
    signed = "signed"
    started = "started"
    completed = "completed"
    production = "production"


MILESTONE_ORDER: dict[Milestone, int] = {
    Milestone.signed: 1,
    Milestone.started: 2,
    Milestone.completed: 3,
    Milestone.production: 4,
}

# The milestone each one needs before it (production may follow started directly).
MILESTONE_NEEDS: dict[Milestone, Milestone | None] = {
    Milestone.signed: None,
    Milestone.started: Milestone.signed,
    Milestone.completed: Milestone.started,
    Milestone.production: Milestone.started,
}


class Outcome(StrEnum):
    fulfilled = "fulfilled"
    rejected = "rejected"


class TargetKind(StrEnum):
    industrial_projects_started = "industrial_projects_started"
    factory_area_started_m2 = "factory_area_started_m2"
    fixed_asset_investment = "fixed_asset_investment"
    tech_renovation_projects = "tech_renovation_projects"
    tech_renovation_investment = "tech_renovation_investment"
    tech_renovation_share = "tech_renovation_share"


TARGET_LABELS: dict[TargetKind, str] = {
    TargetKind.industrial_projects_started: "亿元以上工业项目开工",
    TargetKind.factory_area_started_m2: "标准厂房开工面积(m²)",
    TargetKind.fixed_asset_investment: "固定资产投资(万元)",
    TargetKind.tech_renovation_projects: "500万元以上技改项目",
    TargetKind.tech_renovation_investment: "技改投资(万元)",
    TargetKind.tech_renovation_share: "技改投资占比",
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CENT = Decimal("0.01")
MONEY_LIMIT = Decimal("1000000000000")  # 万元; far above any project, and exact as a JSON number


def _parse_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("is not a calendar date (YYYY-MM-DD)") from None
    raise ValueError("must be a date written YYYY-MM-DD")


def _parse_decimal(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # A JSON number read as a float: its shortest repr is the text that was written.
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise ValueError("must be a decimal number") from None
    raise ValueError("must be a decimal number")


def _two_places(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    if abs(value) >= MONEY_LIMIT:
        raise ValueError(f"must be below {MONEY_LIMIT}")
    exact = value.quantize(CENT)
    if exact != value:
        raise ValueError("has more than 2 decimal places")
    return exact


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


def _decimal_out(value: Decimal) -> str:
    return str(value)


YUAN_PER_WAN = 10_000


def to_yuan(wan: Decimal) -> int:
    """万元 (at most two places) as whole yuan: exact."""
    return int(wan * YUAN_PER_WAN)


def from_yuan(yuan: int) -> Decimal:
    return (Decimal(yuan) / YUAN_PER_WAN).quantize(CENT)


def _pct_out(value: Decimal) -> float:
    return float(value)


StoredPercent = Annotated[Decimal, PlainSerializer(_pct_out, return_type=float, when_used="json")]
"""A percentage in an event: a JSON number (two places at most, so its text is exact)."""

IsoDate = Annotated[dt.date, BeforeValidator(_parse_date)]
"""A calendar date written YYYY-MM-DD (no times, no timestamps)."""

Amount = Annotated[
    Decimal,
    BeforeValidator(_parse_decimal),
    AfterValidator(_two_places),
    PlainSerializer(_decimal_out, return_type=str, when_used="json"),
]
"""A decimal with at most two fractional digits, kept at exactly two (万元, m², %)."""

Money = Annotated[Amount, AfterValidator(_non_negative)]
"""万元, >= 0."""

Percent = Annotated[Amount, Field(ge=0, le=100)]

Ratio = Annotated[
    Decimal,
    BeforeValidator(_parse_decimal),
    PlainSerializer(_decimal_out, return_type=str, when_used="json"),
]
"""An exact decimal with no fixed scale (light thresholds, goals, shares)."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Target(Frozen):
    """A zone target of the campaign (SPEC §6.5)."""

    name: str = Field(min_length=1)
    kind: TargetKind
    goal: Ratio

    @classmethod
    def of(cls, kind: TargetKind | str, goal: Any, name: str | None = None) -> Target:
        kind = TargetKind(kind)
        return cls(name=name or TARGET_LABELS[kind], kind=kind, goal=goal)


class Lights(Frozen):
    """Thresholds of the investment light on spi (SPEC §6.3): green at or above `green`."""

    green: Ratio = Decimal("0.8")
    yellow: Ratio = Decimal("0.6")
