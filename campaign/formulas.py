"""The arithmetic of SPEC §6, as small pure functions.

Every figure is computed exactly (integers and Fractions) from unrounded values; rounding
happens only on output: ratios half-even to 4 decimals, amounts (万元) to 2.
"""

from __future__ import annotations

import calendar
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import datetime as dt

Light = Literal["green", "yellow", "red", "na"]
_SEVERITY: dict[str, int] = {"na": 0, "green": 1, "yellow": 2, "red": 3}


def time_progress(day: dt.date) -> Fraction:
    """序时进度: (month − 1 + day / days_in_month) / 12; exactly m/12 at each month end."""
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    return (Fraction(day.month - 1) + Fraction(day.day, days_in_month)) / 12


def ratio(numerator: int | Fraction, denominator: int | Fraction) -> Fraction | None:
    """numerator / denominator, or None when the denominator is 0."""
    if denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def half_even(numerator: int, denominator: int, scale: int) -> float:
    """numerator / denominator (denominator > 0) rounded half-even to 1/scale, as the nearest
    double; integer arithmetic only, so exact for any size."""
    quotient, remainder = divmod(numerator * scale, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2):
        quotient += 1
    return quotient / scale


def _half_even(value: Fraction, scale: int) -> float:
    return half_even(value.numerator, value.denominator, scale)


def rate4(value: Fraction | None) -> float | None:
    """A ratio for output: half-even to 4 decimals."""
    return None if value is None else _half_even(value, 10_000)


def round2(value: Fraction | None) -> float | None:
    """A value for output with 2 decimals, half-even (gap_pp, m², 万元 as a Fraction)."""
    return None if value is None else _half_even(value, 100)


def amount(yuan: int) -> float:
    """Money kept as whole yuan, for output in 万元 (the nearest double of yuan / 10,000: the
    exact two-place figure, since amounts are whole hundreds of yuan)."""
    return yuan / 10_000


def percent(hundredths: int) -> float:
    """A percentage kept as integer hundredths, for output."""
    return hundredths / 100


def spi_pair(done: int, plan: int, progress: Fraction) -> tuple[int, int]:
    """spi = (done / plan) / progress as (numerator, denominator); (0, 0) for a plan of 0."""
    return done * progress.denominator, plan * progress.numerator


def investment_figures(done: int, plan: int, progress: Fraction) -> dict[str, float | None]:
    """investment_rate (done / plan), gap_pp (超序时: (rate − 序时进度) × 100) and spi
    (rate / 序时进度) for output, rounded half-even from exact integers; None for a plan of 0."""
    if plan == 0:
        return {"investment_rate": None, "gap_pp": None, "spi": None}
    p, q = progress.numerator, progress.denominator
    return {
        "investment_rate": half_even(done, plan, 10_000),
        # (done / plan − p / q) × 100 = 100 (done q − p plan) / (plan q)
        "gap_pp": half_even(100 * (done * q - p * plan), plan * q, 100),
        "spi": half_even(*spi_pair(done, plan, progress), 10_000),
    }


def investment_light(
    spi_numerator: int, spi_denominator: int, green: Fraction, yellow: Fraction
) -> Light:
    """From unrounded spi (numerator / denominator, compared exactly): green at or above
    `green`, yellow at or above `yellow`, else red; na when there is no spi (denominator 0:
    a plan of 0)."""
    if spi_denominator == 0:
        return "na"
    if spi_numerator * green.denominator >= green.numerator * spi_denominator:
        return "green"
    if spi_numerator * yellow.denominator >= yellow.numerator * spi_denominator:
        return "yellow"
    return "red"


def start_light(overdue_days: int) -> Light:
    if overdue_days > 30:
        return "red"
    if overdue_days >= 1:
        return "yellow"
    return "green"


def factor_light(worst_overdue_wd: int) -> Light:
    if worst_overdue_wd >= 6:
        return "red"
    if worst_overdue_wd >= 1:
        return "yellow"
    return "green"


def project_light(investment: Light, start: Light, factor: Light) -> Light:
    """The worst of the three (red > yellow > green); na only when the investment light is
    na and the other two are green."""
    if investment == "na" and start == "green" and factor == "green":
        return "na"
    worst = max((investment, start, factor), key=_SEVERITY.__getitem__)
    return "green" if worst == "na" else worst


def escalation_level(manual: int, overdue_wd: int) -> int:
    """max(manual levels to date, 1 if overdue >= 1 working day, 2 if >= 6, 3 if >= 16)."""
    derived = 3 if overdue_wd >= 16 else 2 if overdue_wd >= 6 else 1 if overdue_wd >= 1 else 0
    return max(manual, derived)


def median(values: list[int]) -> Fraction | None:
    """The median; the mean of the middle two for an even count; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)
