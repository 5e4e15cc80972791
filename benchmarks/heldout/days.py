"""Working days for the held-out campaign, counted here rather than by the engine.

Only the official 2020 facts (which days rest, which weekend days are worked) come from the
engine's vocabulary; the arithmetic is a sorted list and a bisect, so that a due date the
generator extends past is worked out independently of the code under test.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right

from campaign import HOLIDAYS_2020, WORKDAYS_2020

ONE_DAY = dt.timedelta(days=1)


class Calendar:
    """The working days of 2020 and of the first weeks after it (2021 has weekends only, as
    the campaign's own calendar lists 2020's holidays alone)."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        rest = set(HOLIDAYS_2020)
        worked = set(WORKDAYS_2020)
        days: list[dt.date] = []
        day = first
        while day <= last:
            if day in worked or (day not in rest and day.weekday() < 5):
                days.append(day)
            day += ONE_DAY
        self.days = days
        self._working = frozenset(days)

    def is_working(self, day: dt.date) -> bool:
        return day in self._working

    def after(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (n >= 1), as SPEC §2 counts a time limit."""
        index = bisect_right(self.days, day) + n - 1
        return self.days[index]

    def between(self, after: dt.date, through: dt.date) -> int:
        """Working days d with after < d <= through."""
        if through <= after:
            return 0
        return bisect_right(self.days, through) - bisect_right(self.days, after)

    def on_or_after(self, day: dt.date) -> dt.date:
        return self.after(day - ONE_DAY, 1)
