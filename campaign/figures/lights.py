"""SPEC §6.3: the red, yellow and green lights of a listed project."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from fractions import Fraction

    from campaign.figures.rounding import Exact

Light = Literal["green", "yellow", "red", "na"]
LIGHTS: tuple[Light, ...] = ("na", "green", "yellow", "red")
"""The lights in order of severity; a light's index is its code in the figures' columns."""
NA, GREEN, YELLOW, RED = range(len(LIGHTS))
"""The lights' codes."""
_SEVERITY: dict[str, int] = {light: code for code, light in enumerate(LIGHTS)}


def investment_light(spi: Exact, green: Fraction, yellow: Fraction) -> Light:
    """From the unrounded spi (compared exactly): green at or above `green`, yellow at or
    above `yellow`, else red; na when there is no spi (a plan of 0)."""
    numerator, denominator = spi
    if denominator == 0:
        return "na"
    if numerator * green.denominator >= green.numerator * denominator:
        return "green"
    if numerator * yellow.denominator >= yellow.numerator * denominator:
        return "yellow"
    return "red"


def start_light(start_overdue_days: int) -> Light:
    """Yellow when the start is 1–30 days overdue, red beyond 30, else green."""
    if start_overdue_days > 30:
        return "red"
    if start_overdue_days >= 1:
        return "yellow"
    return "green"


def factor_light(worst_overdue_wd: int) -> Light:
    """Yellow when an open request is 1–5 working days overdue, red at 6 or more, else green."""
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
