"""One project's figures on as_of: the §6 figures of a project, unrounded, and what every
project of one checkpoint shares (the date, 序时进度, the thresholds, working-day counts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from campaign.figures.factors import RequestView, view_request
from campaign.figures.investment import plan_in_force, spi, time_progress, year_to_date
from campaign.figures.lights import (
    Light,
    factor_light,
    investment_light,
    project_light,
    start_light,
)
from campaign.figures.rates import is_terminated, reached_by, start_overdue_days
from campaign.figures.rounding import half_even

if TYPE_CHECKING:
    from collections.abc import Sequence

    from campaign.read.projection import CampaignInfo, Projection, ProjectState

MILESTONES = ("signed", "started", "completed", "production")

Reason = dict[str, Any]
"""Why a listed project's light is not green, as figures each reader words in its language
(`campaign.report.words.reason`), one of:

- `{"kind": "investment", "investment_rate": 0.3811, "spi": 0.7622, "below": 0.8}`: the
  investment light, with the threshold spi fell below (yellow's for red, green's for yellow);
- `{"kind": "start", "overdue_days": 9, "planned_start": "2020-06-21"}`: not started;
- `{"kind": "factor", "request": id, "category": "power", "overdue_wd": 6}`: an open request
  past its due date, one each, the most overdue first.
"""


class AsOf:
    """One checkpoint date and what every project's figures share: its text, its index in
    the day ledgers, 序时进度, the light thresholds, and working-day counts by ISO date."""

    def __init__(self, projection: Projection, as_of: dt.date) -> None:
        campaign = projection.campaign
        if campaign is None:
            raise ValueError("no campaign was open in the log read")
        self.campaign: CampaignInfo = campaign
        # every figure of one checkpoint uses the settings in force on as_of
        self.settings = campaign.settings_on(as_of)
        self.date = as_of
        self.text = as_of.isoformat()
        self.index = projection.index_of(as_of)
        self.progress = time_progress(as_of)
        self.green = Fraction(self.settings.lights.green)
        self.yellow = Fraction(self.settings.lights.yellow)
        self._origin = dt.date(campaign.year - 2, 12, 31)
        self._counts: dict[str, int] = {}

    def working_days_count(self, day: str) -> int:
        """Working days in (origin, day], remembered by the day's text: the working days in
        (a, b] are the count of b less the count of a."""
        count = self._counts.get(day)
        if count is None:
            count = self.settings.calendar.working_days_between(
                self._origin, dt.date.fromisoformat(day)
            )
            self._counts[day] = count
        return count

    def working_days(self, after: str, through: str) -> int:
        """Working days d with after < d <= through."""
        return max(0, self.working_days_count(through) - self.working_days_count(after))


@dataclass(slots=True)
class ProjectFigures:
    """One registered project on as_of, unrounded.

    Its rate and spi are kept as integer pairs: investment_rate = ytd_investment / plan,
    spi = spi_num / spi_den (spi_den is 0 when the plan in force is 0: no rate, no spi)."""

    state: ProjectState
    listed: bool
    terminated: bool
    plan: int
    ytd_investment: int
    ytd_funds: int
    spi_num: int
    spi_den: int
    physical_hundredths: int | None
    stage: str
    started_on: str | None
    start_overdue_days: int
    requests: list[RequestView]
    light: Light
    reasons: list[Reason]
    rank: int | None = None

    @property
    def spi(self) -> Fraction | None:
        return Fraction(self.spi_num, self.spi_den) if self.spi_den else None

    def spi_key(self) -> float | None:
        """spi's nearest double (for sorting; exact ties are settled on `spi`)."""
        return self.spi_num / self.spi_den if self.spi_den else None


def stage(state: ProjectState, day: str, terminated: bool) -> str:
    """The last milestone reached by as_of (registered before any; terminated above all)."""
    if terminated:
        return "terminated"
    reached = "registered"
    milestones = state.milestones
    for m in MILESTONES:  # in order: the last one reached by as_of is the stage
        date = milestones.get(m)
        if date is not None and date <= day:
            reached = m
    return reached


def physical_pct(ledger: Sequence[int], index: int) -> int | None:
    """The physical % (hundredths) of the report with the greatest date <= as_of that carries
    one; None when none does."""
    for i in range(index, -1, -1):
        if ledger[i] >= 0:
            return ledger[i]
    return None


def spi4(spi_num: int, spi_den: int) -> float | None:
    return half_even(spi_num, spi_den, 10_000) if spi_den else None


def project_figures(state: ProjectState, at: AsOf) -> ProjectFigures:
    day, index = at.text, at.index
    terminated = is_terminated(state.terminated_on, day)
    listed = not terminated  # the caller gives projects registered by as_of
    plan = plan_in_force(state.revisions, day)
    ytd_investment = year_to_date(state.investment, index)
    spi_num, spi_den = spi(ytd_investment, plan, at.progress)
    overdue_days = start_overdue_days(state, at.date) if listed else 0
    views = [view_request(r, day, at.working_days) for r in state.requests if r.filed_on <= day]
    reasons: list[Reason] = []
    light: Light = "na"
    if listed:
        lights = at.settings.lights
        inv = investment_light((spi_num, spi_den), at.green, at.yellow)
        start = start_light(overdue_days)
        fac = factor_light(max((v.overdue_wd for v in views if v.open), default=0))
        light = project_light(inv, start, fac)
        if inv in ("yellow", "red"):
            threshold = lights.yellow if inv == "red" else lights.green
            reasons.append(
                {
                    "kind": "investment",
                    "investment_rate": half_even(ytd_investment, plan, 10_000),
                    "spi": spi4(spi_num, spi_den),
                    "below": float(threshold),
                }
            )
        if start != "green":
            reasons.append(
                {
                    "kind": "start",
                    "overdue_days": overdue_days,
                    "planned_start": state.planned_start,
                }
            )
        if fac != "green":
            late = sorted((v for v in views if v.overdue_wd), key=lambda v: -v.overdue_wd)
            reasons.extend(
                {
                    "kind": "factor",
                    "request": v.request.id,
                    "category": v.request.category,
                    "overdue_wd": v.overdue_wd,
                }
                for v in late
                if v.overdue_wd >= 1
            )
    return ProjectFigures(
        state=state,
        listed=listed,
        terminated=terminated,
        plan=plan,
        ytd_investment=ytd_investment,
        ytd_funds=year_to_date(state.funds, index),
        spi_num=spi_num,
        spi_den=spi_den,
        physical_hundredths=physical_pct(state.pct, index),
        stage=stage(state, day, terminated),
        started_on=reached_by(state, "started", day),
        start_overdue_days=overdue_days,
        requests=views,
        light=light,
        reasons=reasons,
    )
