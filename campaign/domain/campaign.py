"""The campaign itself (SPEC §3 open campaign, amend campaign): its year, dates, and its settings
(calendar, time limits, targets, light thresholds), which may be amended from a date. Opened
once per store."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from eventsourcing.domain import event

from campaign.domain.errors import Refused
from campaign.domain.events import Aggregate, Stamp, not_after_today
from campaign.domain.settings import Amendment, CampaignSettings, check_settings, settings_on
from campaign.domain.topics import CAMPAIGN_ID
from campaign.domain.values import Lights, Target
from campaign.domain.vocabulary import FactorCategory

if TYPE_CHECKING:
    from decimal import Decimal


class Campaign(Aggregate):
    """The campaign itself: its year, dates, calendar, time limits, targets and light thresholds."""

    ID = CAMPAIGN_ID

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

    class Amended(Aggregate.Event):
        """Settings changed from `date` on; each field given replaces the one in force (SLA
        days merge by category)."""

        reason: str
        checkpoints: tuple[dt.date, ...] | None = None
        holidays: tuple[dt.date, ...] | None = None
        workdays: tuple[dt.date, ...] | None = None
        sla_days: dict[FactorCategory, int] | None = None
        targets: tuple[Target, ...] | None = None
        lights: Lights | None = None

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
        self.timezone = timezone
        self.simulated = simulated
        self.opening = CampaignSettings(
            checkpoints=checkpoints,
            holidays=holidays,
            workdays=workdays,
            sla_days={str(category): days for category, days in sla_days.items()},
            targets=targets,
            lights=lights,
        )
        self.amendments: list[Amendment] = []

    def settings_on(self, day: dt.date) -> CampaignSettings:
        """The settings in force on `day` (SPEC §3 amend campaign)."""
        return settings_on(self.opening, self.amendments, day)

    def check_in_year(self, date: dt.date, field: str = "date") -> None:
        if date.year != self.year:
            raise Refused(field, date, f"is not in the campaign year {self.year}")

    def amend(
        self,
        *,
        date: dt.date,
        reason: str,
        checkpoints: tuple[dt.date, ...] | None,
        holidays: tuple[dt.date, ...] | None,
        workdays: tuple[dt.date, ...] | None,
        sla_days: dict[FactorCategory, int] | None,
        targets: tuple[Target, ...] | None,
        green: Decimal | None,
        yellow: Decimal | None,
        stamp: Stamp,
    ) -> None:
        self.check_in_year(date)
        not_after_today(date, stamp)
        in_force = self.settings_on(date)
        lights = None
        if green is not None or yellow is not None:
            lights = Lights(
                green=in_force.lights.green if green is None else green,
                yellow=in_force.lights.yellow if yellow is None else yellow,
            )
        check_settings(
            self.year,
            checkpoints=checkpoints,
            holidays=holidays,
            workdays=workdays,
            targets=targets,
            lights=lights,
        )
        # the calendar as it will stand: a day may not become both a holiday and a workday
        check_settings(
            self.year,
            holidays=in_force.holidays if holidays is None else holidays,
            workdays=in_force.workdays if workdays is None else workdays,
        )
        self._amended(
            reason=reason,
            checkpoints=checkpoints,
            holidays=holidays,
            workdays=workdays,
            sla_days=sla_days,
            targets=targets,
            lights=lights,
            date=date,
            actor=stamp.actor,
            timestamp=stamp.at,
        )

    @event(Amended)
    def _amended(
        self,
        *,
        reason: str,
        checkpoints: tuple[dt.date, ...] | None,
        holidays: tuple[dt.date, ...] | None,
        workdays: tuple[dt.date, ...] | None,
        sla_days: dict[FactorCategory, int] | None,
        targets: tuple[Target, ...] | None,
        lights: Lights | None,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.amendments.append(
            Amendment(
                date=date,
                checkpoints=checkpoints,
                holidays=holidays,
                workdays=workdays,
                sla_days=None
                if sla_days is None
                else {str(category): days for category, days in sla_days.items()},
                targets=targets,
                lights=lights,
            )
        )
