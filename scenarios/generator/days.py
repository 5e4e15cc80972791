"""Days of the simulated year as indexes from 1 January (negative before it), over the
engine's own working-day calendar (`campaign.WorkCalendar`)."""

from __future__ import annotations

import datetime as dt

from campaign import HOLIDAYS_2020, WORKDAYS_2020, WorkCalendar

SPRING_FESTIVAL_2020 = (dt.date(2020, 1, 24), dt.date(2020, 2, 2))
"""The Spring Festival holiday of 2020, extended for COVID: work on sites stopped."""


def official_days(year: int) -> tuple[tuple[dt.date, ...], tuple[dt.date, ...]]:
    """Holidays and adjusted workdays (调休): the official list for 2020; for another year only
    the fixed-date holidays (New Year, Labour Day, National Day), as the lunar ones move."""
    if year == 2020:
        return HOLIDAYS_2020, WORKDAYS_2020
    fixed = [dt.date(year, 1, 1), *(dt.date(year, 5, d) for d in (1, 2, 3))]
    fixed += [dt.date(year, 10, d) for d in range(1, 8)]
    return tuple(fixed), ()


class Days:
    """Day indexes of the campaign year and the working days among them."""

    def __init__(self, year: int, holidays: tuple[dt.date, ...], workdays: tuple[dt.date, ...]):
        self.year = year
        self.calendar = WorkCalendar(holidays, workdays)
        self.jan1 = dt.date(year, 1, 1).toordinal()
        self.days_in_year = dt.date(year, 12, 31).timetuple().tm_yday
        # Working days of the year and some way past it (due dates run over the year's end).
        self.working = [
            self.calendar.is_working(self.date(d)) for d in range(self.days_in_year + 200)
        ]
        self._iso: dict[int, str] = {}

    def index(self, day: dt.date) -> int:
        return day.toordinal() - self.jan1

    def date(self, d: int) -> dt.date:
        return dt.date.fromordinal(self.jan1 + d)

    def iso(self, d: int) -> str:
        text = self._iso.get(d)
        if text is None:
            text = self._iso[d] = self.date(d).isoformat()
        return text

    def weekday(self, d: int) -> int:
        return (self.jan1 + d - 1) % 7  # ordinal 1 (0001-01-01) is a Monday

    def is_working(self, d: int) -> bool:
        if 0 <= d < len(self.working):
            return self.working[d]
        return self.calendar.is_working(self.date(d))

    def nth_working_day_after(self, d: int, n: int) -> int:
        """The smallest day with n working days in (d, day]; SPEC §2."""
        return self.index(self.calendar.nth_working_day_after(self.date(d), n))

    def working_day_on_or_after(self, d: int) -> int:
        return self.index(self.calendar.working_day_on_or_after(self.date(d)))

    def working_day_on_or_before(self, d: int) -> int:
        return self.index(self.calendar.working_day_on_or_before(self.date(d)))

    def month_end(self, d: int) -> bool:
        return self.date(d + 1).day == 1
