"""Look-ups for clerks and the office: the project list, one project's card, the factor
requests, and the projects that have not reported (未报送).

Each is a read-side query like those of `campaign.app.queries`: it replays the log as known at
`known_at`, reads the projection on `as_of` and carries a receipt. No figure is computed here:
a project's plan in force, YTD, rate, gap, spi, light, reasons and stage are
`campaign.figures.project.project_figures`' (a project's card: its row of
`campaign.figures.table.Figures`, with its rank among them all), a request's due date in
force, overdue working days and escalation level `campaign.figures.factors.view_request`'s.
What the figures do not give, the days with a report, is read from the projection
(`campaign.read.projection.has_report`).

`known_at` applies to every look-up, the 未报送 list included: "as known at T, who had not
reported?" leaves out the reports recorded after T, so a late report (补报) takes a project off
the list as now known, never off the list as known then.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from campaign.app.queries import open_request, replay, resolve_as_of
from campaign.domain.errors import Refused
from campaign.domain.vocabulary import FactorCategory, Sector, Stage
from campaign.figures.checkpoint import figures_on
from campaign.figures.factors import view_request
from campaign.figures.investment import investment_figures
from campaign.figures.project import MILESTONES, AsOf, project_figures
from campaign.figures.rates import is_listed, reached_by
from campaign.figures.receipt import receipt
from campaign.figures.rounding import amount, exact, percent, rate4, round2
from campaign.read.projection import days_with_report, last_report, reported_between
from campaign.read.replay import without_collector

if TYPE_CHECKING:
    from enum import StrEnum

    from campaign.app.engine import Engine
    from campaign.figures.factors import RequestView
    from campaign.figures.project import ProjectFigures
    from campaign.read.projection import Projection, ProjectState
    from campaign.read.replay import Progress, Replayed

NOT_REGISTERED = "is not a registered project (as known then)"


@without_collector
def project_list(
    engine: Engine,
    as_of: dt.date | None,
    known_at: str | None,
    *,
    unit: str | None = None,
    sector: str | None = None,
    stage: str | None = None,
    progress: Progress | None = None,
    snapshots: bool = True,
) -> dict[str, Any]:
    """The projects registered by as_of, the listed ones first, then the terminated ones, each
    by code: who they are, their stage, plan in force, YTD, rate, light and last report date.
    The filters combine."""
    _one_of("sector", sector, Sector)
    _one_of("stage", stage, Stage)
    replayed, at = _replayed(engine, as_of, known_at, progress, snapshots)
    projection = replayed.projection
    registered = _registered(projection, at)
    _known_unit(unit, registered, at)
    chosen = [
        project_figures(s, at)
        for s in registered
        if (unit is None or s.unit == unit) and (sector is None or s.sector == sector)
    ]
    rows = [
        _list_row(f, at, projection)
        for f in sorted(chosen, key=lambda f: (f.terminated, f.state.code))
        if stage is None or f.stage == stage
    ]
    document = {
        **_heading(at, known_at),
        "filters": {"unit": unit, "sector": sector, "stage": stage},
        "projects": rows,
    }
    return _with_receipt(document, replayed)


@without_collector
def project_card(
    engine: Engine,
    code: str,
    as_of: dt.date | None,
    known_at: str | None,
    *,
    progress: Progress | None = None,
    snapshots: bool = True,
) -> dict[str, Any]:
    """One project on as_of: its registration, plan in force and revisions, YTD investment and
    funds, rate, gap to 序时, spi, light and why, stage and milestones, physical %, reports,
    and its open factor requests."""
    replayed, at = _replayed(engine, as_of, known_at, progress, snapshots)
    projection = replayed.projection
    state = projection.projects.get(code)
    if state is None or state.registered_on > at.text:
        raise Refused("project", code, _unknown(projection, code, at))
    _, figures = figures_on(projection, at.date)  # its rank among the listed projects
    (f,) = (figures.row(i) for i, s in enumerate(figures.states) if s.code == code)
    document = {
        **_heading(at, known_at),
        "time_progress": rate4(exact(at.progress)),
        "project": _card(f, at, projection),
    }
    return _with_receipt(document, replayed)


@without_collector
def factor_list(
    engine: Engine,
    as_of: dt.date | None,
    known_at: str | None,
    *,
    open_only: bool = False,
    overdue_only: bool = False,
    code: str | None = None,
    unit: str | None = None,
    category: str | None = None,
    progress: Progress | None = None,
    snapshots: bool = True,
) -> dict[str, Any]:
    """The factor requests filed by as_of (terminated projects' included: they stay open until
    resolved), with their due date in force, status, overdue working days and escalation
    level; `overdue_only` keeps the open ones past due, most overdue first, else they go by
    filing date and id."""
    _one_of("category", category, FactorCategory)
    replayed, at = _replayed(engine, as_of, known_at, progress, snapshots)
    registered = _registered(replayed.projection, at)
    if code is not None and code not in {s.code for s in registered}:
        raise Refused("project", code, _unknown(replayed.projection, code, at))
    _known_unit(unit, registered, at)
    views = [
        (s, view_request(r, at.text, at.working_days))
        for s in registered
        if (code is None or s.code == code) and (unit is None or s.unit == unit)
        for r in s.requests
        if r.filed_on <= at.text and (category is None or r.category == category)
    ]
    kept = [
        (s, v) for s, v in views if (v.open or not open_only) and (v.overdue or not overdue_only)
    ]
    if overdue_only:
        kept.sort(key=lambda sv: (-sv[1].overdue_wd, sv[1].request.filed_on, sv[1].request.id))
    else:
        kept.sort(key=lambda sv: (sv[1].request.filed_on, sv[1].request.id))
    document = {
        **_heading(at, known_at),
        "filters": {
            "open": open_only,
            "overdue": overdue_only,
            "project": code,
            "unit": unit,
            "category": category,
        },
        "requests": [_request_row(s, v) for s, v in kept],
    }
    return _with_receipt(document, replayed)


@without_collector
def missing_reports(
    engine: Engine,
    day: dt.date | None,
    known_at: str | None,
    *,
    since: dt.date | None = None,
    unit: str | None = None,
    progress: Progress | None = None,
    snapshots: bool = True,
) -> dict[str, Any]:
    """未报送: the projects listed on `day` (default the engine's today) with no report dated
    that day, or with none dated from `since` through `day` (listed on `day`: a project
    terminated within the period owes nothing more); by unit, then code, each with its last
    report date (on or before `day`)."""
    end, timezone = resolve_as_of(engine, day)
    if since is not None and since.year != end.year:
        raise Refused("since", since, f"is not in the campaign year {end.year}")
    if since is not None and since > end:
        raise Refused("since", since, f"is after the last day asked about ({end})")
    first = end if since is None else since
    replayed = replay(engine, known_at, timezone, progress=progress, snapshots=snapshots)
    projection = replayed.projection
    at = AsOf(projection, end)
    registered = _registered(projection, at)
    _known_unit(unit, registered, at)
    listed = [
        s
        for s in registered
        if is_listed(s.registered_on, s.terminated_on, at.text) and unit in (None, s.unit)
    ]
    start = projection.index_of(first)
    missing = [s for s in listed if not reported_between(s, start, at.index)]
    missing.sort(key=lambda s: (s.unit, s.code))
    document = {
        "campaign": at.campaign.name,
        "since": first.isoformat(),
        "as_of": at.text,
        "known_at": known_at,
        "working_days": at.working_days((first - dt.timedelta(days=1)).isoformat(), at.text),
        "filters": {"unit": unit},
        "listed": len(listed),
        "reported": len(listed) - len(missing),
        "projects": [
            {
                "unit": s.unit,
                "code": s.code,
                "name": s.name,
                "leader": s.leader,
                "last_reported_on": _last_reported_on(s, at.index, projection),
            }
            for s in missing
        ],
    }
    return _with_receipt(document, replayed)


# ------------------------------------------------------------------------------ helpers


def _replayed(
    engine: Engine,
    as_of: dt.date | None,
    known_at: str | None,
    progress: Progress | None,
    snapshots: bool,
) -> tuple[Replayed, AsOf]:
    day, timezone = resolve_as_of(engine, as_of)
    replayed = replay(engine, known_at, timezone, progress=progress, snapshots=snapshots)
    return replayed, AsOf(replayed.projection, day)


def _heading(at: AsOf, known_at: str | None) -> dict[str, Any]:
    return {"campaign": at.campaign.name, "as_of": at.text, "known_at": known_at}


def _with_receipt(document: dict[str, Any], replayed: Replayed) -> dict[str, Any]:
    document["receipt"] = receipt(document, replayed)
    return document


def _registered(projection: Projection, at: AsOf) -> list[ProjectState]:
    return sorted(
        (s for s in projection.projects.values() if s.registered_on <= at.text),
        key=lambda s: s.code,
    )


def _unknown(projection: Projection, code: str, at: AsOf) -> str:
    state = projection.projects.get(code)
    if state is None:
        return NOT_REGISTERED
    return f"was registered on {state.registered_on}, after {at.text}"


def _one_of(field: str, value: str | None, choices: type[StrEnum]) -> None:
    if value is not None and value not in {c.value for c in choices}:
        raise Refused(field, value, f"must be one of {', '.join(choices)}")


def _known_unit(unit: str | None, states: list[ProjectState], at: AsOf) -> None:
    """A unit no project has is a typo more often than an empty answer: refuse it, naming
    the units there are."""
    if unit is None:
        return
    units = sorted({s.unit for s in states})
    if unit not in units:
        raise Refused(
            "unit",
            unit,
            f"no project registered by {at.text} has this unit (units: {', '.join(units)})"
            if units
            else f"no project is registered by {at.text}",
        )


def _last_reported_on(state: ProjectState, index: int, projection: Projection) -> str | None:
    last = last_report(state, index)
    return None if last is None else projection.date_of(last)


def _list_row(f: ProjectFigures, at: AsOf, projection: Projection) -> dict[str, Any]:
    s = f.state
    return {
        "code": s.code,
        "name": s.name,
        "unit": s.unit,
        "leader": s.leader,
        "sector": s.sector,
        "category": s.category,
        "stage": f.stage,
        "annual_plan": amount(f.plan),
        "ytd_investment": amount(f.ytd_investment),
        **investment_figures(f.ytd_investment, f.plan, at.progress),
        "light": f.light,
        "last_reported_on": _last_reported_on(s, at.index, projection),
        "listed": f.listed,
        "terminated_on": s.terminated_on if f.terminated else None,
    }


def _card(f: ProjectFigures, at: AsOf, projection: Projection) -> dict[str, Any]:
    s = f.state
    views = f.requests
    return {
        "code": s.code,
        "name": s.name,
        "sector": s.sector,
        "category": s.category,
        "unit": s.unit,
        "leader": s.leader,
        "registered_on": s.registered_on,
        "total_investment": amount(s.total_investment),
        "planned_start": s.planned_start,
        "planned_completion": s.planned_completion,
        "industrial": s.industrial,
        "tech_renovation": s.tech_renovation,
        "factory_area_m2": round2((s.factory_area, 100)),
        "listed": f.listed,
        "terminated_on": s.terminated_on if f.terminated else None,
        "annual_plan": amount(f.plan),
        "registered_plan": amount(s.revisions[0][1]),
        "plan_revisions": [
            {"date": since, "annual_plan": amount(plan)}
            for since, plan in s.revisions[1:]
            if since <= at.text
        ],
        "ytd_investment": amount(f.ytd_investment),
        "ytd_funds": amount(f.ytd_funds),
        **investment_figures(f.ytd_investment, f.plan, at.progress),
        "light": f.light,
        "reasons": f.reasons,
        "rank": f.rank,
        "stage": f.stage,
        "milestones": {m: d for m in MILESTONES if (d := reached_by(s, m, at.text)) is not None},
        "started_on": f.started_on,
        "start_overdue_days": f.start_overdue_days,
        "physical_pct": None if f.physical_hundredths is None else percent(f.physical_hundredths),
        "last_reported_on": _last_reported_on(s, at.index, projection),
        "days_reported": days_with_report(s, 0, at.index),
        "filed_factors": len(views),
        "resolved_factors": sum(1 for v in views if v.resolved),
        "open_factors": sum(1 for v in views if v.open),
        "overdue_factors": sum(1 for v in views if v.overdue),
        "open_requests": [
            open_request(v)
            for v in sorted(views, key=lambda v: (v.request.filed_on, v.request.id))
            if v.open
        ],
    }


def _request_row(s: ProjectState, v: RequestView) -> dict[str, Any]:
    r = v.request
    return {
        "id": r.id,
        "code": s.code,
        "unit": s.unit,
        "category": r.category,
        "detail": r.detail,
        "filed_on": r.filed_on,
        "due": v.due,
        "status": "resolved" if v.resolved else "open",
        "outcome": r.outcome if v.resolved else None,
        "resolved_on": r.resolved_on if v.resolved else None,
        "on_time": v.on_time if v.resolved else None,
        "overdue_wd": v.overdue_wd,
        "escalation_level": v.level,
    }
