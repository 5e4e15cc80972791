"""The campaign's aggregates, their events, and the rules of SPEC §3 that each one keeps.

Aggregates are kept small so that a command's cost never grows with the log: the campaign
(opened once), one aggregate per project (registration, plan revisions, milestones,
termination), one per project-day report (the report and its corrections), one per factor
request, and one per idempotency key. A public command method checks the rules and then calls a
private `@event` method that only assigns state; that body re-runs on every replay.

Every event carries its effective `date`, the recorded time (`timestamp`, from the engine's
injected clock) and the `actor`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate, event
from pydantic import AfterValidator, AwareDatetime, PlainSerializer

from campaign.calendar import WorkCalendar
from campaign.errors import Refused
from campaign.values import (
    DEFAULT_SLA_DAYS,
    MILESTONE_NEEDS,
    MILESTONE_ORDER,
    Category,
    FactorCategory,
    Frozen,
    Lights,
    Milestone,
    Outcome,
    Sector,
    StoredPercent,
    Target,
    from_yuan,
    to_yuan,
)


def _to_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def format_recorded(value: dt.datetime) -> str:
    """Recorded times are stored in one fixed UTC form, so that text order is time order."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


RecordedTime = Annotated[
    AwareDatetime,
    AfterValidator(_to_utc),
    PlainSerializer(format_recorded, return_type=str, when_used="json"),
]


@dataclass(frozen=True, slots=True)
class Stamp:
    """Who appends, when the engine records it, and the engine's today in the campaign zone."""

    actor: str
    at: dt.datetime
    today: dt.date


class DomainEvent(Frozen):
    """Fields hold values the commands have already checked (dates, two-place decimals), so
    events use pydantic's own fast types; the rules live in the commands and aggregates."""

    originator_id: str
    originator_version: int
    timestamp: RecordedTime
    actor: str
    date: dt.date


class Aggregate(BaseAggregate[str]):
    class Event(DomainEvent, CanMutateAggregate[str]):
        pass

    class Created(Event, CanInitAggregate[str]):
        originator_topic: str


def _not_after_today(date: dt.date, stamp: Stamp, field: str = "date") -> None:
    if date > stamp.today:
        raise Refused(field, date, f"is after the engine's today ({stamp.today})")


# --------------------------------------------------------------------------------- campaign


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


# ---------------------------------------------------------------------------------- project


class Project(Aggregate):
    """A key project: registration, plan revisions (年中调整), milestones, termination."""

    class Registered(Aggregate.Created):
        code: str
        name: str
        sector: Sector
        category: Category
        unit: str
        leader: str
        total_investment_yuan: int
        annual_plan_yuan: int
        planned_start: dt.date | None = None
        planned_completion: dt.date | None = None
        industrial: bool = False
        tech_renovation: bool = False
        factory_area_m2: Decimal | None = None

    class PlanRevised(Aggregate.Event):
        code: str
        annual_plan_yuan: int
        reason: str

    class MilestoneReached(Aggregate.Event):
        code: str
        milestone: Milestone

    class Terminated(Aggregate.Event):
        code: str
        reason: str

    @staticmethod
    def create_id(code: str) -> str:
        return Project.id_for(code)

    @staticmethod
    def id_for(code: str) -> str:
        return f"project:{code}"

    @classmethod
    def register(
        cls,
        *,
        campaign: Campaign,
        code: str,
        name: str,
        sector: Sector,
        category: Category,
        unit: str,
        leader: str,
        total_investment: Decimal,
        annual_plan: Decimal,
        date: dt.date,
        planned_start: dt.date | None,
        planned_completion: dt.date | None,
        industrial: bool,
        tech_renovation: bool,
        factory_area_m2: Decimal | None,
        stamp: Stamp,
    ) -> Project:
        _check_plan(annual_plan, total_investment)
        campaign.check_in_year(date)
        _not_after_today(date, stamp)
        if (
            planned_start is not None
            and planned_completion is not None
            and planned_completion < planned_start
        ):
            raise Refused(
                "planned_completion",
                planned_completion,
                f"is before planned_start ({planned_start})",
            )
        return cls(
            code=code,
            name=name,
            sector=sector,
            category=category,
            unit=unit,
            leader=leader,
            total_investment_yuan=to_yuan(total_investment),
            annual_plan_yuan=to_yuan(annual_plan),
            planned_start=planned_start,
            planned_completion=planned_completion,
            industrial=industrial,
            tech_renovation=tech_renovation,
            factory_area_m2=factory_area_m2,
            date=date,
            actor=stamp.actor,
            timestamp=stamp.at,
        )

    @event(Registered)
    def __init__(
        self,
        *,
        code: str,
        name: str,
        sector: Sector,
        category: Category,
        unit: str,
        leader: str,
        total_investment_yuan: int,
        annual_plan_yuan: int,
        planned_start: dt.date | None,
        planned_completion: dt.date | None,
        industrial: bool,
        tech_renovation: bool,
        factory_area_m2: Decimal | None,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.code = code
        self.name = name
        self.sector = sector
        self.category = category
        self.unit = unit
        self.leader = leader
        self.total_investment = from_yuan(total_investment_yuan)
        self.annual_plan = from_yuan(annual_plan_yuan)
        self.planned_start = planned_start
        self.planned_completion = planned_completion
        self.industrial = industrial
        self.tech_renovation = tech_renovation
        self.factory_area_m2 = factory_area_m2
        self.registered_on = date
        self.milestones: dict[Milestone, dt.date] = {}
        self.terminated_on: dt.date | None = None

    # The rules other aggregates ask of a project.

    def check_registered_by(self, date: dt.date, field: str = "date") -> None:
        if date < self.registered_on:
            raise Refused(
                field, date, f"is before project {self.code} was registered ({self.registered_on})"
            )

    def check_not_after_termination(self, date: dt.date, field: str = "date") -> None:
        if self.terminated_on is not None and date > self.terminated_on:
            raise Refused(
                field, date, f"is after project {self.code} was terminated ({self.terminated_on})"
            )

    def check_open_on(self, date: dt.date) -> None:
        """Registered by `date` and not terminated on or before it (filing a factor request)."""
        self.check_registered_by(date)
        if self.terminated_on is not None and date >= self.terminated_on:
            raise Refused(
                "date",
                date,
                f"project {self.code} was terminated on {self.terminated_on}, on or before it",
            )

    # Commands.

    def revise_plan(
        self, *, annual_plan: Decimal, date: dt.date, reason: str, campaign: Campaign, stamp: Stamp
    ) -> None:
        _check_plan(annual_plan, self.total_investment)
        campaign.check_in_year(date)
        _not_after_today(date, stamp)
        self.check_registered_by(date)
        self.check_not_after_termination(date)
        self._plan_revised(
            code=self.code,
            annual_plan_yuan=to_yuan(annual_plan),
            reason=reason,
            date=date,
            actor=stamp.actor,
            timestamp=stamp.at,
        )

    @event(PlanRevised)
    def _plan_revised(
        self,
        *,
        code: str,
        annual_plan_yuan: int,
        reason: str,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.annual_plan = from_yuan(annual_plan_yuan)

    def reach_milestone(self, *, milestone: Milestone, date: dt.date, stamp: Stamp) -> None:
        _not_after_today(date, stamp)
        if milestone in self.milestones:
            raise Refused(
                "milestone",
                milestone,
                f"project {self.code} already reached it on {self.milestones[milestone]}",
            )
        later = [m for m in self.milestones if MILESTONE_ORDER[m] > MILESTONE_ORDER[milestone]]
        if later:
            raise Refused(
                "milestone",
                milestone,
                f"comes before {later[0]}, which project {self.code} already reached "
                "(order: signed → started → completed → production)",
            )
        needed = MILESTONE_NEEDS[milestone]
        if needed is not None and needed not in self.milestones:
            raise Refused(
                "milestone", milestone, f"needs {needed} first (project {self.code} has not)"
            )
        if self.milestones:
            previous, previous_date = max(self.milestones.items(), key=lambda kv: kv[1])
            if date < previous_date:
                raise Refused(
                    "date", date, f"is before {previous} ({previous_date}) of project {self.code}"
                )
        self.check_not_after_termination(date)
        self._milestone_reached(
            code=self.code, milestone=milestone, date=date, actor=stamp.actor, timestamp=stamp.at
        )

    @event(MilestoneReached)
    def _milestone_reached(
        self, *, code: str, milestone: Milestone, date: dt.date, actor: str, timestamp: dt.datetime
    ) -> None:
        self.milestones[milestone] = date

    def terminate(self, *, date: dt.date, reason: str, stamp: Stamp) -> None:
        if self.terminated_on is not None:
            raise Refused("code", self.code, f"was already terminated on {self.terminated_on}")
        self.check_registered_by(date)
        _not_after_today(date, stamp)
        self._terminated(
            code=self.code, reason=reason, date=date, actor=stamp.actor, timestamp=stamp.at
        )

    @event(Terminated)
    def _terminated(
        self, *, code: str, reason: str, date: dt.date, actor: str, timestamp: dt.datetime
    ) -> None:
        self.terminated_on = date


def _check_plan(annual_plan: Decimal, total_investment: Decimal) -> None:
    if annual_plan > total_investment:
        raise Refused(
            "annual_plan", annual_plan, f"is more than total_investment ({total_investment})"
        )


# ----------------------------------------------------------------------------- daily report


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
        return f"report:{code}:{date.isoformat()}"

    @classmethod
    def report(
        cls,
        *,
        project: Project,
        campaign: Campaign,
        date: dt.date,
        values: dict[str, Any],
        stamp: Stamp,
    ) -> DailyReport:
        campaign.check_in_year(date)
        _not_after_today(date, stamp)
        project.check_registered_by(date)
        project.check_not_after_termination(date)
        return cls(
            code=project.code,
            date=date,
            actor=stamp.actor,
            timestamp=stamp.at,
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


# --------------------------------------------------------------------------- factor request


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
        return f"{code}-{date:%Y%m%d}-{category.value}"

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
        _not_after_today(date, stamp)
        project.check_open_on(date)
        due = campaign.calendar.nth_working_day_after(date, campaign.sla_for(category))
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
        due = self.sla_due
        for since, extended_due in self.extensions:
            if since <= day:
                due = extended_due
        return due

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
        _not_after_today(date, stamp)
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
        _not_after_today(date, stamp)
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
        _not_after_today(date, stamp)
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


class Publication(Aggregate):
    """A checkpoint published into the log: the query, the position read, and its state hash."""

    class Published(Aggregate.Created):
        as_of: dt.date
        known_at: str | None = None
        position: int
        head_hash: str
        state_hash: str
        engine_version: str

    @staticmethod
    def create_id(as_of: dt.date, known_at: str | None, position: int) -> str:
        return f"publication:{as_of.isoformat()}|{known_at or '-'}|{position}"

    @event(Published)
    def __init__(
        self,
        *,
        as_of: dt.date,
        known_at: str | None,
        position: int,
        head_hash: str,
        state_hash: str,
        engine_version: str,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.as_of = as_of
        self.known_at = known_at
        self.position = position
        self.state_hash = state_hash


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
