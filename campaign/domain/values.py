"""The campaign's value types: money, dates, percentages, targets and light thresholds.

Frozen pydantic types, shared by the commands (what a user asks) and the events (what the log
holds). Money is a Decimal in 万元 with at most two fractional digits, never a float; events
keep it as whole yuan.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)

from campaign.domain.errors import UNSAFE
from campaign.domain.time import date_written
from campaign.domain.vocabulary import TARGET_LABELS, TargetKind

# Digits with an optional fraction, as people write them (after NFKC: full-width digits are
# digits); no exponents, no underscores, no words like "Infinity".
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
CENT = Decimal("0.01")
MONEY_LIMIT = Decimal("1000000000000")  # 万元; far above any project, and exact as a JSON number
_LIMIT_DIGITS = 13  # digits before the point that reach MONEY_LIMIT


def plain_text(value: str) -> str:
    """Refuse text holding a control character (ESC, a line break...) or a bidirectional
    control (a right-to-left override): it would show something else than it holds."""
    found = UNSAFE.search(value)
    if found is not None:
        raise ValueError(
            f"holds the control character U+{ord(found.group()):04X}; text may not hold "
            "control or direction-changing characters"
        )
    return value


def normal_digits(text: str) -> str:
    """Full-width digits and signs read as digits (NFKC), surrounding spaces dropped."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_date(value: Any) -> Any:
    """A date written YYYY-MM-DD (or a date already); ValueError naming the rule otherwise."""
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return date_written(value)
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
        text = normal_digits(value)
        if not _DECIMAL.fullmatch(text):
            raise ValueError("must be a decimal number written with digits, e.g. 120.5")
        return Decimal(text)
    raise ValueError("must be a decimal number")


def _parse_ratio(value: Any) -> Any:
    """A decimal, or a percentage written with % ("40%" is 0.40)."""
    if isinstance(value, str):
        text = normal_digits(value)
        if text.endswith("%"):
            number = _parse_decimal(text[:-1])
            assert isinstance(number, Decimal)
            return number.scaleb(-2)
    return _parse_decimal(value)


def _two_places(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    # adjusted() reads the exponent without arithmetic: no overflow, however large the number
    if value.adjusted() >= _LIMIT_DIGITS - 1 and value.copy_abs() >= MONEY_LIMIT:
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

IsoDate = Annotated[dt.date, BeforeValidator(parse_date)]
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


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    if value.adjusted() >= _LIMIT_DIGITS or value.adjusted() < -_LIMIT_DIGITS:
        raise ValueError(f"must be between 1e-{_LIMIT_DIGITS} and {MONEY_LIMIT}")
    return value


Ratio = Annotated[
    Decimal,
    BeforeValidator(_parse_ratio),
    AfterValidator(_finite),
    PlainSerializer(_decimal_out, return_type=str, when_used="json"),
]
"""An exact decimal with no fixed scale (light thresholds, goals, shares); "40%" reads 0.40."""

Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(plain_text),
]
"""Text a person types: a name, a reason, a note (no control or bidirectional characters)."""


class Frozen(BaseModel):
    """An immutable value. Its validator is built when first used, not when it is defined:
    a command imports every model and uses one or two."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


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
