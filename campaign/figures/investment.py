"""SPEC §6.1: time and investment. Each function takes whole yuan and gives an exact ratio.

With p/q = time_progress: investment_rate = ytd / plan; gap_pp = (investment_rate − p/q) × 100
= 100 (ytd q − p plan) / (plan q); spi = investment_rate / (p/q) = ytd q / (plan p). A plan of
0 gives no rate, gap or spi.
"""

from __future__ import annotations

import calendar
from fractions import Fraction
from typing import TYPE_CHECKING

from campaign.domain.history import in_force
from campaign.figures.rounding import Exact, half_even

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

HALF = Fraction(1, 2)


def time_progress(day: dt.date) -> Fraction:
    """序时进度: (month − 1 + day / days_in_month) / 12; exactly m/12 at each month end."""
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    return (Fraction(day.month - 1) + Fraction(day.day, days_in_month)) / 12


def investment_rate(ytd: int, plan: int) -> Exact:
    """年度投资完成率: YTD investment / the annual plan in force."""
    return ytd, plan


def gap_pp(ytd: int, plan: int, progress: Fraction) -> Exact:
    """超序时, in percentage points: (investment_rate − time_progress) × 100."""
    p, q = progress.numerator, progress.denominator
    return 100 * (ytd * q - p * plan), plan * q


def spi(ytd: int, plan: int, progress: Fraction) -> Exact:
    """investment_rate / time_progress."""
    return ytd * progress.denominator, plan * progress.numerator


def double_half(progress: Fraction, ytd: int, plan: int) -> bool:
    """双过半: half the year gone (time_progress >= 0.5) and half the plan done."""
    return progress >= HALF and plan > 0 and 2 * ytd >= plan


def below_half(ytd: int, plan: int) -> bool:
    """A project with a plan that has done less than half of it."""
    return plan > 0 and 2 * ytd < plan


def investment_figures(ytd: int, plan: int, progress: Fraction) -> dict[str, float | None]:
    """investment_rate, gap_pp and spi for output: rounded half-even (4, 2 and 4 decimals)
    from the exact ratios; None for a plan of 0."""
    if plan == 0:
        return {"investment_rate": None, "gap_pp": None, "spi": None}
    return {
        "investment_rate": half_even(*investment_rate(ytd, plan), 10_000),
        "gap_pp": half_even(*gap_pp(ytd, plan, progress), 100),
        "spi": half_even(*spi(ytd, plan, progress), 10_000),
    }


def plan_in_force(revisions: Sequence[tuple[str, int]], day: str) -> int:
    """The annual plan in force on `day`: the revision with the greatest date <= day (ties:
    the later in the log), else the registered plan (`revisions[0]`, dated "")."""
    registered = revisions[0][1]
    return in_force(revisions[1:], day, registered) if len(revisions) > 1 else registered


def year_to_date(ledger: Sequence[int], index: int) -> int:
    """The sum of a day ledger from 1 January through day `index` (YTD)."""
    return sum(ledger[: index + 1])
