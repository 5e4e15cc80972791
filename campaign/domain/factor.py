"""Factor-support requests in the green channel (SPEC §3 file, extend, escalate and resolve a
factor request), and the idempotency keys that name them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from eventsourcing.domain import event

from campaign.domain.errors import Refused
from campaign.domain.events import Aggregate, Stamp, not_after_today
from campaign.domain.history import in_force
from campaign.domain.time import day_text
from campaign.domain.vocabulary import FactorCategory, Outcome

if TYPE_CHECKING:
    from campaign.domain.campaign import Campaign
    from campaign.domain.project import Project


class FactorRequest(Aggregate):
    """A factor-support request in the green channel (绿色通道) and its handling."""

    class Filed(Aggregate.Created):
        request_id: str
        code: str
        category: FactorCategory
        detail: str
        due: dt.date
        key: str | None = None

    class Extended(Aggregate.Event):
        request_id: str
        code: str
        due: dt.date
        reason: str

    class Escalated(Aggregate.Event):
        request_id: str
        code: str
        level: int
        note: str

    class Resolved(Aggregate.Event):
        request_id: str
        code: str
        outcome: Outcome
        note: str

    @staticmethod
    def create_id(request_id: str) -> str:
        return FactorRequest.id_for(request_id)

    @staticmethod
    def id_for(request_id: str) -> str:
        return f"factor:{request_id}"

    @staticmethod
    def base_request_id(code: str, category: FactorCategory, date: dt.date) -> str:
        """A readable id: project, filing date and category (a suffix tells same-day twins)."""
        # %Y pads a year below 1000 or not, as the C library does: such a day keeps strftime
        day = day_text(date).replace("-", "") if date.year >= 1000 else f"{date:%Y%m%d}"
        return f"{code}-{day}-{category.value}"

    @classmethod
    def file(
        cls,
        *,
        request_id: str,
        project: Project,
        campaign: Campaign,
        category: FactorCategory,
        detail: str,
        date: dt.date,
        key: str | None,
        stamp: Stamp,
    ) -> FactorRequest:
        campaign.check_in_year(date)
        not_after_today(date, stamp)
        project.check_open_on(date)
        # the time limit and the calendar in force on the filing date
        settings = campaign.settings_on(date)
        due = settings.calendar.nth_working_day_after(date, settings.sla_for(category))
        return cls(
            request_id=request_id,
            code=project.code,
            category=category,
            detail=detail,
            due=due,
            key=key,
            date=date,
            actor=stamp.actor,
            timestamp=stamp.at,
        )

    @event(Filed)
    def __init__(
        self,
        *,
        request_id: str,
        code: str,
        category: FactorCategory,
        detail: str,
        due: dt.date,
        key: str | None,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.request_id = request_id
        self.code = code
        self.category = category
        self.detail = detail
        self.filed_on = date
        self.sla_due = due
        self.key = key
        self.extensions: list[tuple[dt.date, dt.date]] = []  # (in force from, due)
        self.escalations: list[tuple[dt.date, int]] = []
        self.resolved_on: dt.date | None = None
        self.outcome: Outcome | None = None

    def due_in_force_on(self, day: dt.date) -> dt.date:
        """The due of the extension with the greatest date <= day (ties: the later), else SLA."""
        return in_force(self.extensions, day, self.sla_due)

    def _check_unresolved(self) -> None:
        if self.resolved_on is not None:
            raise Refused(
                "id",
                self.request_id,
                f"was already resolved ({self.outcome}) on {self.resolved_on}",
            )

    def _check_not_before_filing(self, date: dt.date) -> None:
        if date < self.filed_on:
            raise Refused("date", date, f"is before the request was filed ({self.filed_on})")

    def extend(
        self, *, due: dt.date, date: dt.date, reason: str, project: Project, stamp: Stamp
    ) -> None:
        self._check_unresolved()
        not_after_today(date, stamp)
        self._check_not_before_filing(date)
        if self.extensions and date < self.extensions[-1][0]:
            raise Refused(
                "date", date, f"is before the last extension's date ({self.extensions[-1][0]})"
            )
        project.check_not_after_termination(date)
        in_force = self.due_in_force_on(date)
        if due <= in_force:
            raise Refused(
                "due", due, f"is not later than the due date in force on {date} ({in_force})"
            )
        self._extended(
            request_id=self.request_id,
            code=self.code,
            due=due,
            reason=reason,
            date=date,
            actor=stamp.actor,
            timestamp=stamp.at,
        )

    @event(Extended)
    def _extended(
        self,
        *,
        request_id: str,
        code: str,
        due: dt.date,
        reason: str,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.extensions.append((date, due))

    def escalate(
        self, *, level: int, date: dt.date, note: str, project: Project, stamp: Stamp
    ) -> None:
        self._check_unresolved()
        not_after_today(date, stamp)
        self._check_not_before_filing(date)
        project.check_not_after_termination(date)
        self._escalated(
            request_id=self.request_id,
            code=self.code,
            level=level,
            note=note,
            date=date,
            actor=stamp.actor,
            timestamp=stamp.at,
        )

    @event(Escalated)
    def _escalated(
        self,
        *,
        request_id: str,
        code: str,
        level: int,
        note: str,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.escalations.append((date, level))

    def resolve(self, *, outcome: Outcome, date: dt.date, note: str, stamp: Stamp) -> None:
        self._check_unresolved()
        not_after_today(date, stamp)
        self._check_not_before_filing(date)
        for since, _ in self.extensions:
            if date < since:
                raise Refused("date", date, f"is before an extension of this request ({since})")
        for since, _ in self.escalations:
            if date < since:
                raise Refused("date", date, f"is before an escalation of this request ({since})")
        self._resolved(
            request_id=self.request_id,
            code=self.code,
            outcome=outcome,
            note=note,
            date=date,
            actor=stamp.actor,
            timestamp=stamp.at,
        )

    @event(Resolved)
    def _resolved(
        self,
        *,
        request_id: str,
        code: str,
        outcome: Outcome,
        note: str,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.resolved_on = date
        self.outcome = outcome


class FactorKey(Aggregate):
    """An idempotency key of a factor request: the same key always names the same request."""

    class Assigned(Aggregate.Created):
        key: str
        request_id: str

    @staticmethod
    def create_id(key: str) -> str:
        return FactorKey.id_for(key)

    @staticmethod
    def id_for(key: str) -> str:
        return f"factor-key:{key}"

    @event(Assigned)
    def __init__(
        self, *, key: str, request_id: str, date: dt.date, actor: str, timestamp: dt.datetime
    ) -> None:
        self.key = key
        self.request_id = request_id
