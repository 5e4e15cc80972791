"""One project's report for one day and its corrections (SPEC §3 report and correct progress)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import event

from campaign.domain.errors import Refused
from campaign.domain.events import Aggregate, Stamp, not_after_today
from campaign.domain.time import day_text
from campaign.domain.values import StoredPercent, from_yuan, to_yuan

if TYPE_CHECKING:
    from campaign.domain.campaign import Campaign
    from campaign.domain.project import Project


REPORT_VALUES = ("investment", "funds", "physical_pct", "workers", "note")


def _stored_values(values: dict[str, Any]) -> dict[str, Any]:
    """A report's values as its events hold them: money in whole yuan."""
    investment, funds = values.get("investment"), values.get("funds")
    return {
        "investment_yuan": None if investment is None else to_yuan(investment),
        "funds_yuan": None if funds is None else to_yuan(funds),
        "physical_pct": values.get("physical_pct"),
        "workers": values.get("workers"),
        "note": values.get("note"),
    }


class DailyReport(Aggregate):
    """One project's report for one day, and its corrections (the later wins).

    Its events hold money as whole yuan (integers: exact, and read without parsing decimals
    by the replay core); the aggregate itself speaks 万元 like the commands.
    """

    class Reported(Aggregate.Created):
        code: str
        investment_yuan: int
        funds_yuan: int | None = None
        physical_pct: StoredPercent | None = None
        workers: int | None = None
        note: str | None = None

    class Corrected(Aggregate.Event):
        code: str
        reason: str
        investment_yuan: int | None = None
        funds_yuan: int | None = None
        physical_pct: StoredPercent | None = None
        workers: int | None = None
        note: str | None = None

    @staticmethod
    def create_id(code: str, date: dt.date) -> str:
        return DailyReport.id_for(code, date)

    @staticmethod
    def id_for(code: str, date: dt.date) -> str:
        return f"report:{code}:{day_text(date)}"

    @classmethod
    def report(
        cls,
        *,
        project: Project,
        campaign: Campaign,
        date: dt.date,
        values: dict[str, Any],
        stamp: Stamp,
    ) -> DailyReport.Reported:
        """The event of a new report, once its rules pass: the event the library's creation
        of the aggregate records (`cls(...)`), without the aggregate. A unit of work makes the
        aggregate from it only when a later command reads the report (`Session.find`): a
        scenario load appends a hundred thousand reports and reads back the few that are
        corrected or repeated."""
        campaign.check_in_year(date)
        not_after_today(date, stamp)
        project.check_registered_by(date)
        project.check_not_after_termination(date)
        return cls.Reported(
            originator_topic=cls.TOPIC,  # the topic the class is registered under
            originator_id=cls.id_for(project.code, date),
            originator_version=cls.INITIAL_VERSION,
            timestamp=stamp.at,
            code=project.code,
            date=date,
            actor=stamp.actor,
            **_stored_values(values),
        )

    @event(Reported)
    def __init__(
        self,
        *,
        code: str,
        investment_yuan: int,
        funds_yuan: int | None,
        physical_pct: Decimal | None,
        workers: int | None,
        note: str | None,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.code = code
        self.date = date
        self.investment = from_yuan(investment_yuan)
        self.funds = None if funds_yuan is None else from_yuan(funds_yuan)
        self.physical_pct = physical_pct
        self.workers = workers
        self.note = note

    def current_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in REPORT_VALUES}

    def check_same_as(self, values: dict[str, Any]) -> None:
        """A repeated report must equal the day's current values (as corrected)."""
        for name in REPORT_VALUES:
            if values.get(name) != getattr(self, name):
                raise Refused(
                    name,
                    values.get(name),
                    f"differs from the {self.date} report of {self.code} "
                    f"({getattr(self, name)}); use correct to change it",
                )

    def correct(
        self, *, values: dict[str, Any], reason: str, project: Project, stamp: Stamp
    ) -> None:
        project.check_not_after_termination(self.date)
        self._corrected(
            code=self.code,
            reason=reason,
            date=self.date,
            actor=stamp.actor,
            timestamp=stamp.at,
            **_stored_values(values),
        )

    @event(Corrected)
    def _corrected(
        self,
        *,
        code: str,
        reason: str,
        investment_yuan: int | None,
        funds_yuan: int | None,
        physical_pct: Decimal | None,
        workers: int | None,
        note: str | None,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        if investment_yuan is not None:
            self.investment = from_yuan(investment_yuan)
        if funds_yuan is not None:
            self.funds = from_yuan(funds_yuan)
        if physical_pct is not None:
            self.physical_pct = physical_pct
        if workers is not None:
            self.workers = workers
        if note is not None:
            self.note = note
