"""The campaign itself (SPEC §3 open campaign): its year, dates, calendar, time limits, targets
and light thresholds. Opened once per store."""

from __future__ import annotations

import datetime as dt

from eventsourcing.domain import event

from campaign.domain.calendar import WorkCalendar
from campaign.domain.errors import Refused
from campaign.domain.events import Aggregate
from campaign.domain.values import Lights, Target
from campaign.domain.vocabulary import DEFAULT_SLA_DAYS, FactorCategory


class Campaign(Aggregate):
    """The campaign itself: its year, dates, calendar, time limits, targets and light thresholds."""

    ID = "campaign"

    class Opened(Aggregate.Created):
        name: str
        year: int
        start: dt.date
        end: dt.date
        checkpoints: tuple[dt.date, ...]
        holidays: tuple[dt.date, ...]
        workdays: tuple[dt.date, ...]
        sla_days: dict[FactorCategory, int]
        targets: tuple[Target, ...]
        lights: Lights
        timezone: str
        simulated: bool

    @staticmethod
    def create_id() -> str:
        return Campaign.ID

    @event(Opened)
    def __init__(
        self,
        *,
        name: str,
        year: int,
        start: dt.date,
        end: dt.date,
        checkpoints: tuple[dt.date, ...],
        holidays: tuple[dt.date, ...],
        workdays: tuple[dt.date, ...],
        sla_days: dict[FactorCategory, int],
        targets: tuple[Target, ...],
        lights: Lights,
        timezone: str,
        simulated: bool,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.name = name
        self.year = year
        self.start = start
        self.end = end
        self.checkpoints = checkpoints
        self.holidays = holidays
        self.workdays = workdays
        self.sla_days = sla_days
        self.targets = targets
        self.lights = lights
        self.timezone = timezone
        self.simulated = simulated
        self._calendar: WorkCalendar | None = None

    @property
    def calendar(self) -> WorkCalendar:
        if getattr(self, "_calendar", None) is None:
            self._calendar = WorkCalendar(self.holidays, self.workdays)
        assert self._calendar is not None
        return self._calendar

    def sla_for(self, category: FactorCategory) -> int:
        return self.sla_days.get(category, DEFAULT_SLA_DAYS)

    def check_in_year(self, date: dt.date, field: str = "date") -> None:
        if date.year != self.year:
            raise Refused(field, date, f"is not in the campaign year {self.year}")
