"""The checkpoint of SPEC §6 at an `as_of` date, computed from the replayed projection.

`checkpoint()` builds the whole document of §6.8 (and more: breakdowns by unit, sector and
category, the lagging list with reasons, factor figures by unit); `series()` gives the zone
figures at many period ends from the same projection. Every figure comes from exact integers
and Fractions; rounding happens once, when the document is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import orjson

from campaign.formulas import (
    Light,
    amount,
    escalation_level,
    factor_light,
    half_even,
    investment_figures,
    investment_light,
    median,
    percent,
    project_light,
    rate4,
    ratio,
    round2,
    spi_pair,
    start_light,
    time_progress,
)
from campaign.values import (
    CATEGORY_LABELS,
    SECTOR_LABELS,
    YUAN_PER_WAN,
    Category,
    Sector,
    TargetKind,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from campaign.replay import CampaignInfo, Projection, ProjectState, RequestState

MILESTONES = ("signed", "started", "completed", "production")
INDUSTRIAL_MIN = 10_000 * YUAN_PER_WAN  # 1亿 = 10,000 万元
TECH_RENOVATION_MIN = 500 * YUAN_PER_WAN  # 500 万元


@dataclass(frozen=True, slots=True)
class RequestView:
    """One factor request as seen on `as_of`."""

    request: RequestState
    resolved: bool
    open: bool
    due: str  # the due date in force on as_of
    is_due: bool  # resolved, or its due date has come
    overdue: bool  # open and its due date is before as_of
    on_time: bool
    overdue_wd: int  # open and past due: working days in (due, as_of]
    level: int  # escalation level (open requests)
    resolution_wd: int | None


class AsOf:
    """One checkpoint date and what every project's figures share: its text, its index in
    the day ledgers, 序时进度, the light thresholds, and working-day counts by ISO date."""

    def __init__(self, projection: Projection, as_of: dt.date) -> None:
        campaign = projection.campaign
        assert campaign is not None
        self.campaign = campaign
        self.date = as_of
        self.text = as_of.isoformat()
        self.index = projection.index_of(as_of)
        self.progress = time_progress(as_of)
        self.green = Fraction(campaign.lights.green)
        self.yellow = Fraction(campaign.lights.yellow)
        self._origin = dt.date(campaign.year - 2, 12, 31)
        self._counts: dict[str, int] = {}

    def _count(self, day: str) -> int:
        """Working days in (origin, day], remembered by the day's text."""
        count = self._counts.get(day)
        if count is None:
            count = self.campaign.calendar.working_days_between(
                self._origin, dt.date.fromisoformat(day)
            )
            self._counts[day] = count
        return count

    def working_days(self, after: str, through: str) -> int:
        """Working days d with after < d <= through."""
        return max(0, self._count(through) - self._count(after))


def view_request(request: RequestState, at: AsOf) -> RequestView:
    day = at.text
    resolved = request.resolved_on is not None and request.resolved_on <= day
    due = request.due_on(day)
    on_time = False
    resolution_wd = None
    if resolved:
        assert request.resolved_on is not None
        on_time = request.resolved_on <= request.due_on(request.resolved_on)
        resolution_wd = at.working_days(request.filed_on, request.resolved_on)
    overdue_wd = 0
    level = 0
    if not resolved:
        if due < day:
            overdue_wd = at.working_days(due, day)
        manual = max((lv for since, lv in request.escalations if since <= day), default=0)
        level = escalation_level(manual, overdue_wd)
    return RequestView(
        request=request,
        resolved=resolved,
        open=not resolved,
        due=due,
        is_due=resolved or due <= day,
        overdue=not resolved and due < day,
        on_time=on_time,
        overdue_wd=overdue_wd,
        level=level,
        resolution_wd=resolution_wd,
    )


def factor_figures(views: Iterable[RequestView]) -> dict[str, Any]:
    """filed, resolved, closure_rate, due, on_time, on_time_rate, overdue_open,
    median_resolution_wd (and open, escalated) over the given filed requests."""
    views = list(views)
    filed = len(views)
    resolved = sum(1 for v in views if v.resolved)
    due = sum(1 for v in views if v.is_due)
    on_time = sum(1 for v in views if v.is_due and v.on_time)
    med = median([v.resolution_wd for v in views if v.resolution_wd is not None])
    return {
        "filed": filed,
        "resolved": resolved,
        "closure_rate": rate4(ratio(resolved, filed)),
        "due": due,
        "on_time": on_time,
        "on_time_rate": rate4(ratio(on_time, due)),
        "overdue_open": sum(1 for v in views if v.overdue),
        "median_resolution_wd": None if med is None else float(med),
        "open": filed - resolved,
        "escalated_open": sum(1 for v in views if v.open and v.level >= 1),
    }


@dataclass(slots=True)
class ProjectFigures:
    """One registered project on `as_of`, unrounded.

    Its rate and spi are kept as integer pairs (a Fraction for each of ten thousand projects
    is slow): investment_rate = ytd_investment / plan, spi = spi_num / spi_den."""

    state: ProjectState
    listed: bool
    terminated: bool
    plan: int
    ytd_investment: int
    ytd_funds: int
    spi_num: int
    spi_den: int  # 0 when the plan in force is 0 (no rate, no spi)
    physical_hundredths: int | None
    stage: str
    started_on: str | None
    start_overdue_days: int
    requests: list[RequestView]
    light: Light
    reasons: list[str]
    rank: int | None = None

    @property
    def spi(self) -> Fraction | None:
        return ratio(self.spi_num, self.spi_den)

    def spi_key(self) -> float | None:
        """spi's nearest double (for sorting; exact ties are settled on `spi`)."""
        return self.spi_num / self.spi_den if self.spi_den else None


def _stage(state: ProjectState, day: str, terminated: bool) -> str:
    if terminated:
        return "terminated"
    reached = [m for m in MILESTONES if state.milestones.get(m, "9999") <= day]
    return reached[-1] if reached else "registered"


def project_figures(state: ProjectState, at: AsOf) -> ProjectFigures:
    day, index = at.text, at.index
    terminated = state.terminated_on is not None and state.terminated_on <= day
    listed = not terminated
    plan = state.plan_on(day)
    ytd_investment = sum(state.investment[: index + 1])
    ytd_funds = sum(state.funds[: index + 1])
    physical = None
    pct = state.pct
    for i in range(index, -1, -1):
        if pct[i] >= 0:
            physical = pct[i]
            break
    spi_num, spi_den = spi_pair(ytd_investment, plan, at.progress)
    started = state.milestones.get("started")
    started_on = started if started is not None and started <= day else None
    overdue_days = 0
    if (
        listed
        and started_on is None
        and state.planned_start is not None
        and state.planned_start < day
    ):
        overdue_days = (at.date - dt.date.fromisoformat(state.planned_start)).days
    views = [view_request(r, at) for r in state.requests if r.filed_on <= day]
    reasons: list[str] = []
    if listed:
        lights = at.campaign.lights
        inv = investment_light(spi_num, spi_den, at.green, at.yellow)
        start = start_light(overdue_days)
        worst_wd = max((v.overdue_wd for v in views if v.open), default=0)
        fac = factor_light(worst_wd)
        light = project_light(inv, start, fac)
        if inv in ("yellow", "red"):
            threshold = lights.yellow if inv == "red" else lights.green
            rate, shown_spi = half_even(ytd_investment, plan, 10_000), _spi4(spi_num, spi_den)
            reasons.append(f"investment {rate} of plan, spi {shown_spi} (below {threshold})")
        if start != "green":
            reasons.append(f"start overdue {overdue_days} days (planned {state.planned_start})")
        if fac != "green":
            late = sorted((v for v in views if v.overdue_wd), key=lambda v: -v.overdue_wd)
            reasons.extend(
                f"factor {v.request.id} ({v.request.category}) overdue {v.overdue_wd} working days"
                for v in late
                if v.overdue_wd >= 1
            )
    else:
        light = "na"
    return ProjectFigures(
        state=state,
        listed=listed,
        terminated=terminated,
        plan=plan,
        ytd_investment=ytd_investment,
        ytd_funds=ytd_funds,
        spi_num=spi_num,
        spi_den=spi_den,
        physical_hundredths=physical,
        stage=_stage(state, day, terminated),
        started_on=started_on,
        start_overdue_days=overdue_days,
        requests=views,
        light=light,
        reasons=reasons,
    )


def _spi4(spi_num: int, spi_den: int) -> float | None:
    return half_even(spi_num, spi_den, 10_000) if spi_den else None


def _rank(figures: list[ProjectFigures]) -> None:
    """Ranks 1..n by unrounded spi, descending (None last; exact ties by code).

    Sorting on exact Fractions is slow, so sort on their nearest doubles first: rounding is
    monotonic, so that order is right except that distinct values may share a double; each
    run of equal doubles is then put in exact order."""
    listed = [f for f in figures if f.listed]
    listed.sort(key=lambda f: (f.spi_den == 0, -(f.spi_key() or 0), f.state.code))
    start = 0
    while start < len(listed):
        end = start + 1
        key = listed[start].spi_key()
        while end < len(listed) and key is not None and listed[end].spi_key() == key:
            end += 1
        if end - start > 1:
            listed[start:end] = sorted(
                listed[start:end], key=lambda f: (-(f.spi or 0), f.state.code)
            )
        start = end
    for position, f in enumerate(listed, 1):
        f.rank = position


def _group(figures: list[ProjectFigures], key: str, progress: Fraction) -> list[dict[str, Any]]:
    """Listed projects summed by unit, sector or category, ranked by spi."""
    groups: dict[str, list[ProjectFigures]] = defaultdict(list)
    for f in figures:
        if f.listed:
            groups[getattr(f.state, key)].append(f)
    ranked: list[tuple[Fraction | None, str, dict[str, Any]]] = []
    for name, members in groups.items():
        plan = sum(f.plan for f in members)
        ytd = sum(f.ytd_investment for f in members)
        figures_of_group = investment_figures(ytd, plan, progress)
        row: dict[str, Any] = {
            key: name,
            "projects": len(members),
            "annual_plan": amount(plan),
            "ytd_investment": amount(ytd),
            "investment_rate": figures_of_group["investment_rate"],
            "spi": figures_of_group["spi"],
            "red": sum(1 for f in members if f.light == "red"),
            "yellow": sum(1 for f in members if f.light == "yellow"),
        }
        if key == "sector":
            row["label"] = SECTOR_LABELS.get(Sector(name), name)
        if key == "category":
            row["label"] = CATEGORY_LABELS.get(Category(name), name)
        ranked.append((ratio(*spi_pair(ytd, plan, progress)), name, row))
    ranked.sort(key=lambda r: (r[0] is None, -(r[0] or 0), r[1]))
    for rank, (_, _, row) in enumerate(ranked, 1):
        row["rank"] = rank
    return [row for _, _, row in ranked]


def _targets(
    campaign: CampaignInfo, figures: list[ProjectFigures], as_of: dt.date
) -> list[dict[str, Any]]:
    year_start = f"{campaign.year}-01-01"
    listed = [f for f in figures if f.listed]
    started_in_year = [f for f in listed if f.started_on is not None and f.started_on >= year_start]
    tech = [
        f
        for f in listed
        if f.state.tech_renovation and f.state.total_investment >= TECH_RENOVATION_MIN
    ]
    listed_ytd = sum(f.ytd_investment for f in listed)
    tech_ytd = sum(f.ytd_investment for f in tech)
    actuals: dict[TargetKind, Fraction | int | None] = {
        TargetKind.industrial_projects_started: sum(
            1
            for f in started_in_year
            if f.state.industrial and f.state.total_investment >= INDUSTRIAL_MIN
        ),
        TargetKind.factory_area_started_m2: Fraction(
            sum(f.state.factory_area for f in started_in_year), 100
        ),
        TargetKind.fixed_asset_investment: Fraction(
            sum(f.ytd_investment for f in figures), YUAN_PER_WAN
        ),
        TargetKind.tech_renovation_projects: len(tech),
        TargetKind.tech_renovation_investment: Fraction(tech_ytd, YUAN_PER_WAN),
        TargetKind.tech_renovation_share: ratio(tech_ytd, listed_ytd),
    }
    rows = []
    for target in campaign.targets:
        actual = actuals[target.kind]
        goal = Fraction(target.goal)
        share = target.kind is TargetKind.tech_renovation_share
        target_ratio = None if actual is None else Fraction(actual) / goal
        if share:
            over_half = actual is not None and actual >= goal
            shown: float | int | None = rate4(actual if actual is None else Fraction(actual))
        else:
            over_half = target_ratio is not None and target_ratio >= Fraction(1, 2)
            shown = actual if isinstance(actual, int) else round2(actual)
        rows.append(
            {
                "name": target.name,
                "kind": target.kind.value,
                "goal": float(target.goal) if target.goal % 1 else int(target.goal),
                "actual": shown,
                "ratio": rate4(target_ratio),
                "over_half": over_half,
            }
        )
    return rows


def _figures(projection: Projection, as_of: dt.date) -> tuple[AsOf, list[ProjectFigures]]:
    """Every project registered by as_of, by code, with its figures."""
    if projection.campaign is None:
        raise ValueError("no campaign was open in the log read")
    at = AsOf(projection, as_of)
    figures = [
        project_figures(state, at)
        for state in projection.projects.values()
        if state.registered_on <= at.text
    ]
    figures.sort(key=lambda f: f.state.code)
    return at, figures


def _summary(at: AsOf, figures: list[ProjectFigures], *, breakdowns: bool) -> dict[str, Any]:
    """The zone figures, the factor figures (by category and unit with `breakdowns`) and the
    targets."""
    progress, day = at.progress, at.text
    listed = [f for f in figures if f.listed]
    plan = sum(f.plan for f in listed)
    ytd = sum(f.ytd_investment for f in listed)
    funds = sum(f.ytd_funds for f in listed)

    signed = [f for f in figures if f.state.milestones.get("signed", "9999") <= day]
    fulfilled = sum(1 for f in signed if not f.terminated)
    due_to_start = [
        f
        for f in listed
        if f.state.category == "new"
        and f.state.planned_start is not None
        and f.state.planned_start <= day
    ]
    due_to_commission = [
        f
        for f in listed
        if f.state.planned_completion is not None and f.state.planned_completion <= day
    ]
    commissioned = [
        f
        for f in due_to_commission
        if any(f.state.milestones.get(m, "9999") <= day for m in ("completed", "production"))
    ]
    started = [f for f in due_to_start if f.started_on is not None]
    early = [
        f
        for f in listed
        if f.started_on is not None
        and f.state.planned_start is not None
        and f.state.planned_start > day
    ]
    lights = {"green": 0, "yellow": 0, "red": 0, "na": 0}
    for f in listed:
        lights[f.light] += 1

    factors = factor_figures(v for f in figures for v in f.requests)
    if breakdowns:
        by_category: dict[str, list[RequestView]] = defaultdict(list)
        by_unit: dict[str, list[RequestView]] = defaultdict(list)
        for f in figures:
            for v in f.requests:
                by_category[v.request.category].append(v)
                by_unit[f.state.unit].append(v)
        factors["by_category"] = {k: factor_figures(v) for k, v in sorted(by_category.items())}
        factors["by_unit"] = {k: factor_figures(v) for k, v in sorted(by_unit.items())}

    return {
        "zone": {
            "projects": len(listed),
            "registered": len(figures),
            "terminated": len(figures) - len(listed),
            "annual_plan": amount(plan),
            "ytd_investment": amount(ytd),
            **investment_figures(ytd, plan, progress),
            "double_half": progress >= Fraction(1, 2) and plan > 0 and 2 * ytd >= plan,
            "ytd_funds": amount(funds),
            "funds_rate": rate4(ratio(funds, plan)),
            "fulfilment_rate": rate4(ratio(fulfilled, len(signed))),
            "fulfilled": fulfilled,
            "signed": len(signed),
            "start_rate": rate4(ratio(len(started), len(due_to_start))),
            "started": len(started),
            "due_to_start": len(due_to_start),
            "early_starts": len(early),
            "commissioning_rate": rate4(ratio(len(commissioned), len(due_to_commission))),
            "commissioned": len(commissioned),
            "due_to_commission": len(due_to_commission),
            "lights": lights,
            "below_half": sum(1 for f in listed if f.plan and 2 * f.ytd_investment < f.plan),
        },
        "factors": factors,
        "targets": _targets(at.campaign, figures, at.date),
    }


def checkpoint(
    projection: Projection, as_of: dt.date, *, known_at: str | None = None
) -> dict[str, Any]:
    """The checkpoint document of SPEC §6.8 (without its receipt)."""
    at, figures = _figures(projection, as_of)
    _rank(figures)
    progress = at.progress
    return {
        "campaign": at.campaign.name,
        "as_of": at.text,
        "known_at": known_at,
        "time_progress": rate4(progress),
        **_summary(at, figures, breakdowns=True),
        "units": _group(figures, "unit", progress),
        "sectors": _group(figures, "sector", progress),
        "categories": _group(figures, "category", progress),
        "lagging": [
            {
                "code": f.state.code,
                "name": f.state.name,
                "light": f.light,
                "unit": f.state.unit,
                "leader": f.state.leader,
                "spi": _spi4(f.spi_num, f.spi_den),
                "reasons": f.reasons,
            }
            for f in sorted(
                (f for f in figures if f.listed and f.light in ("red", "yellow")),
                key=lambda f: (f.light != "red", f.rank or 0),
            )
        ],
        "projects": [_project_row(f, progress) for f in figures],
    }


PROJECT_KEYS = (
    "code",
    "name",
    "sector",
    "category",
    "unit",
    "leader",
    "annual_plan",
    "ytd_investment",
    "investment_rate",
    "gap_pp",
    "spi",
    "light",
    "stage",
    "started_on",
    "start_overdue_days",
    "ytd_funds",
    "physical_pct",
    "open_factors",
    "overdue_factors",
    "rank",
)
"""The keys of a project's row, in order (the projects table of the report and the CSV)."""


def _project_row(f: ProjectFigures, progress: Fraction) -> dict[str, Any]:
    s = f.state
    return {
        "code": s.code,
        "name": s.name,
        "sector": s.sector,
        "category": s.category,
        "unit": s.unit,
        "leader": s.leader,
        "annual_plan": amount(f.plan),
        "ytd_investment": amount(f.ytd_investment),
        **investment_figures(f.ytd_investment, f.plan, progress),
        "light": f.light,
        "stage": f.stage,
        "started_on": f.started_on,
        "start_overdue_days": f.start_overdue_days,
        "ytd_funds": amount(f.ytd_funds),
        "physical_pct": None if f.physical_hundredths is None else percent(f.physical_hundredths),
        "open_factors": sum(1 for v in f.requests if v.open),
        "overdue_factors": sum(1 for v in f.requests if v.overdue),
        "rank": f.rank,
    }


def state_hash(document: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) without the receipt."""
    body = {k: v for k, v in document.items() if k != "receipt"}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def series_rows(projection: Projection, ends: Iterable[dt.date]) -> list[dict[str, Any]]:
    """The zone figures (and factor totals and targets) at each of `ends`, one row each."""
    rows = []
    for end in ends:
        at, figures = _figures(projection, end)
        summary = _summary(at, figures, breakdowns=False)
        rows.append(
            {
                "as_of": at.text,
                "time_progress": rate4(at.progress),
                **summary["zone"],
                "factors": summary["factors"],
                "targets": [
                    {k: t[k] for k in ("kind", "actual", "ratio", "over_half")}
                    for t in summary["targets"]
                ],
            }
        )
    return rows
