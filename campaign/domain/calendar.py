"""Working days of the campaign's calendar (SPEC §2).

Saturdays and Sundays rest, except the campaign's adjusted workdays (调休); its holidays rest.
"Working days in (a, b]" counts the working days d with a < d <= b; the N-th working day after a
is the smallest d with N working days in (a, d]. Pure arithmetic, no I/O.

The official 2020 calendar (国务院办公厅 notice, the Spring Festival extended for COVID; see
DOMAIN.md) lives here too: the reference campaign and the generator both open with it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

_ONE_DAY = dt.timedelta(days=1)


def _days(*spans: tuple[str, str]) -> tuple[dt.date, ...]:
    """Every day of each inclusive (first, last) span, in order."""
    days: list[dt.date] = []
    for first, last in spans:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            days.append(day)
            day += _ONE_DAY
    return tuple(days)


HOLIDAYS_2020 = _days(
    ("2020-01-01", "2020-01-01"),  # New Year
    ("2020-01-24", "2020-02-02"),  # Spring Festival, extended
    ("2020-04-04", "2020-04-06"),  # 清明
    ("2020-05-01", "2020-05-05"),  # Labour Day
    ("2020-06-25", "2020-06-27"),  # 端午
    ("2020-10-01", "2020-10-08"),  # National Day and Mid-Autumn
)
"""The rest days of 2020's official calendar."""

WORKDAYS_2020 = tuple(
    dt.date.fromisoformat(d)
    for d in ("2020-01-19", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10")
)
"""The adjusted workdays (调休) of 2020: weekend days that are worked."""


def _weekdays_through(day: dt.date) -> int:
    """Mon-Fri days from a fixed origin (0001-01-01, a Monday) through `day`, inclusive."""
    n = day.toordinal()  # ordinal 1 is a Monday
    weeks, rest = divmod(n, 7)
    return weeks * 5 + min(rest, 5)


class WorkCalendar:
    """Which days are worked, and counts between them."""

    __slots__ = ("_extra", "_holidays", "_missing", "_workdays")

    def __init__(self, holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()) -> None:
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)
        # Weekdays that rest, and weekend days that are worked, sorted for range counts.
        self._missing = sorted(
            d for d in self._holidays if d.weekday() < 5 and d not in self._workdays
        )
        self._extra = sorted(d for d in self._workdays if d.weekday() >= 5)

    def is_working(self, day: dt.date) -> bool:
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        return day.weekday() < 5

    def working_days_between(self, after: dt.date, through: dt.date) -> int:
        """Working days d with after < d <= through (0 when through <= after)."""
        if through <= after:
            return 0
        count = _weekdays_through(through) - _weekdays_through(after)
        count -= _count_in(self._missing, after, through)
        count += _count_in(self._extra, after, through)
        return count

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working(day):
            day += _ONE_DAY
        return day

    def working_day_on_or_before(self, day: dt.date) -> dt.date:
        while not self.is_working(day):
            day -= _ONE_DAY
        return day

    def nth_working_day_after(self, after: dt.date, n: int) -> dt.date:
        """The smallest d with n working days in (after, d]; n >= 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        # Jump close with the weekday arithmetic, then walk the last stretch.
        day = after + dt.timedelta(days=max(0, (n * 7) // 5 - 3))
        while self.working_days_between(after, day) >= n:
            day -= dt.timedelta(days=7)
        counted = self.working_days_between(after, day)
        while counted < n:
            day += _ONE_DAY
            if self.is_working(day):
                counted += 1
        return day


def _count_in(days: list[dt.date], after: dt.date, through: dt.date) -> int:
    return bisect_right(days, through) - bisect_left(days, after + _ONE_DAY)
