"""A key project (SPEC §3): registration, plan revisions (年中调整), milestones and termination,
and the rules other aggregates ask of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from eventsourcing.domain import event

from campaign.domain.errors import Refused
from campaign.domain.events import Aggregate, Stamp, not_after_today
from campaign.domain.topics import PROJECT_ID_PREFIX
from campaign.domain.values import from_yuan, to_yuan
from campaign.domain.vocabulary import MILESTONE_NEEDS, MILESTONE_ORDER, Category, Milestone, Sector

if TYPE_CHECKING:
    from campaign.domain.campaign import Campaign


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
        return f"{PROJECT_ID_PREFIX}{code}"

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
        not_after_today(date, stamp)
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
        not_after_today(date, stamp)
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
        not_after_today(date, stamp)
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
        not_after_today(date, stamp)
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
