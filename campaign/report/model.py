"""What the report says, before it is written: the checkpoint document (the same figures, the
same receipt as `campaign checkpoint --json`) and what a circulated report adds from the same
projection — the zone's burn-up by day, the change in rank since the previous checkpoint, the
projects behind on their start, the completions due, and the factor requests past due.

Nothing here is worded or formatted (that is `words`), drawn (`charts`) or written (`html`,
`xlsx`); every figure is a figure of `campaign.figures`, computed once from the projection.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from campaign.app.queries import replay, request_row, resolve_as_of
from campaign.figures.checkpoint import document, figures_on
from campaign.figures.investment import investment_figures, plan_in_force, time_progress
from campaign.figures.project import ProjectFigures
from campaign.figures.receipt import receipt
from campaign.figures.rounding import amount, exact, rate4
from campaign.figures.table import ledger_matrix, ranks_on, today_number
from campaign.read.replay import without_collector

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from campaign.app.engine import Engine
    from campaign.figures.project import AsOf
    from campaign.figures.table import Figures
    from campaign.read.projection import Projection, ProjectState
    from campaign.read.replay import Progress, Replayed

RATES = (
    ("fulfilment_rate", "fulfilled", "signed"),
    ("funds_rate", "ytd_funds", "annual_plan"),
    ("start_rate", "started", "due_to_start"),
    ("commissioning_rate", "commissioned", "due_to_commission"),
)
"""The four rates (履约率 资金到位率 开工率 竣工投产率): the zone's key, numerator, denominator."""


@dataclass(frozen=True, slots=True)
class Burnup:
    """The zone's cumulative YTD investment ÷ the annual plans of the projects listed each day,
    from 1 January to as_of, beside 序时进度; and the checkpoint days marked on it."""

    dates: list[str]
    rates: list[float | None]
    time: list[float]
    marks: list[str]  # checkpoint days in force up to as_of, and as_of


@dataclass(frozen=True, slots=True)
class Report:
    """The report's content: the checkpoint document and what the report adds to it."""

    document: dict[str, Any]
    campaign_start: str
    campaign_end: str
    previous: str | None  # the last checkpoint day before as_of (in force), if any
    total_investment: float  # 万元, the listed projects' total investment
    burnup: Burnup | None  # None when not asked for (only the charts draw it)
    groups: dict[str, list[dict[str, Any]]]  # categories, sectors, units: rows with gap_pp
    ranking: list[dict[str, Any]]  # every project row, ranked first, with its change in rank
    start_overdue: list[dict[str, Any]]
    start_not_due: int  # new projects listed, not started, whose planned start is to come
    completions: list[dict[str, Any]]
    overdue_requests: list[dict[str, Any]]

    @property
    def zone(self) -> dict[str, Any]:
        zone: dict[str, Any] = self.document["zone"]
        return zone

    @property
    def receipt(self) -> dict[str, Any]:
        found: dict[str, Any] = self.document["receipt"]
        return found

    def rates(self) -> list[dict[str, Any]]:
        """The four rates with their numerators and denominators (money for 资金到位率)."""
        zone = self.zone
        return [
            {
                "key": key,
                "rate": zone[key],
                "numerator": zone[numerator],
                "denominator": zone[denominator],
                "money": key == "funds_rate",
            }
            for key, numerator, denominator in RATES
        ]


@without_collector
def build(
    engine: Engine,
    as_of: dt.date | None,
    known_at: str | None,
    *,
    progress: Progress | None = None,
    snapshots: bool = True,
    with_burnup: bool = True,
) -> Report:
    """The report at as_of as known at known_at (the same replay as the checkpoint's);
    without the burn-up by day unless `with_burnup` (the text report draws no chart)."""
    day, timezone = resolve_as_of(engine, as_of)
    replayed = replay(engine, known_at, timezone, progress=progress, snapshots=snapshots)
    return report_of(replayed, day, known_at, with_burnup=with_burnup)


def report_of(
    replayed: Replayed, as_of: dt.date, known_at: str | None, *, with_burnup: bool = True
) -> Report:
    """The report of one replayed projection at as_of."""
    projection = replayed.projection
    at, figures = figures_on(projection, as_of)
    found = document(at, figures, known_at=known_at)
    found["receipt"] = receipt(found, replayed)
    checkpoints = sorted(d for d in at.settings.checkpoints if d <= as_of)
    earlier = [d for d in checkpoints if d < as_of]
    previous = earlier[-1] if earlier else None
    before = ranks_on(projection, previous) if previous is not None else None
    campaign = at.campaign
    listed = figures.listed
    states = figures.states
    not_due = figures.planned_start > figures.day  # or none planned
    return Report(
        document=found,
        campaign_start=campaign.start.isoformat(),
        campaign_end=campaign.end.isoformat(),
        previous=None if previous is None else previous.isoformat(),
        total_investment=amount(sum(states[i].total_investment for i in _where(listed))),
        burnup=burnup(projection, figures, [*checkpoints, as_of]) if with_burnup else None,
        groups=groups(found, figures, at),
        ranking=ranking(found["projects"], before),
        start_overdue=start_overdue(figures),
        start_not_due=len(_where(listed & figures.new & ~figures.reached["started"] & not_due)),
        completions=completions(figures, at),
        overdue_requests=overdue_requests(figures),
    )


def burnup(projection: Projection, figures: Figures, marks: list[dt.date]) -> Burnup:
    """The zone's YTD ÷ plan on each day from 1 January to as_of, over the projects listed that
    day (registered by then, not terminated), exactly as the checkpoint would give it that day.

    A project reports nothing before its registration, so the sum of every ledger is the
    zone's daily investment until a project is terminated: from then on its YTD leaves the
    zone's. The plans are summed from their changes (registration, revisions, termination):
    at once for the projects never revised, one by one for the others."""
    at = figures.at
    days = at.index + 1
    first = today_number(dt.date(at.campaign.year, 1, 1))
    rows = np.array(figures.order, dtype=np.int64)
    ledgers = ledger_matrix(projection.projects.ledgers, "investment", days)[rows]
    ended = figures.terminated
    stop = np.where(ended, figures.terminated_day - first, days)
    kept = np.where(np.arange(days) < stop[:, None], ledgers, 0)
    daily = kept.sum(axis=0)
    np.subtract.at(daily, stop[ended], kept[ended].sum(axis=1))
    plans = np.zeros(days + 1, dtype=np.int64)
    registered = figures.registered_day - first
    revisions = figures.column("revisions")
    once = np.array([len(r) == 1 for r in revisions], dtype=bool)
    first_plan = np.array([r[0][1] for r in revisions], dtype=np.int64)
    counted = once & (~ended | (figures.registered_day < figures.terminated_day))
    np.add.at(plans, registered[counted], first_plan[counted])
    np.subtract.at(plans, stop[counted & ended], first_plan[counted & ended])
    index = projection.day_index
    for i in np.flatnonzero(~once).tolist():
        state = figures.states[i]
        end = state.terminated_on if ended[i] else None
        changes = sorted(
            {state.registered_on}
            | {d for d, _ in state.revisions[1:] if state.registered_on < d <= at.text}
        )
        shown = 0
        for day in changes:
            if end is not None and day >= end:
                break
            plan = plan_in_force(state.revisions, day)
            plans[index.get(day, 0)] += plan - shown
            shown = plan
        if end is not None:
            plans[int(stop[i])] -= shown
    ytd = np.cumsum(daily).tolist()
    plan_by_day = np.cumsum(plans[:days]).tolist()
    dates = [projection.date_of(i) for i in range(days)]
    return Burnup(
        dates=dates,
        rates=[rate4((y, p)) for y, p in zip(ytd, plan_by_day, strict=True)],
        time=[rate4(exact(time_progress(dt.date.fromisoformat(d)))) or 0.0 for d in dates],
        marks=sorted({d.isoformat() for d in marks}),
    )


GROUPS = (("categories", "category"), ("sectors", "sector"), ("units", "unit"))
"""The document's breakdowns, in the order a report gives them, and the key of their rows."""


def groups(found: dict[str, Any], figures: Figures, at: AsOf) -> dict[str, Any]:
    """The document's breakdowns by category, sector and unit, each row with its gap to 序时
    in points (computed like the zone's, from the group's exact sums)."""
    shown: dict[str, Any] = {}
    listed = _where(figures.listed)
    plan, ytd_investment = figures.plan.tolist(), figures.ytd_investment.tolist()
    for key, field in GROUPS:
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        names = figures.column(field)
        for i in listed:
            total = sums[names[i]]
            total[0] += ytd_investment[i]
            total[1] += plan[i]
        rows = []
        for row in found[key]:
            ytd, in_force = sums[row[field]]
            rows.append({**row, "gap_pp": investment_figures(ytd, in_force, at.progress)["gap_pp"]})
        shown[key] = rows
    return shown


def ranking(projects: list[dict[str, Any]], before: dict[str, int] | None) -> list[dict[str, Any]]:
    """The project rows in rank order (the terminated ones last), each with `change`: places
    gained since the previous checkpoint (negative: lost), None without a previous checkpoint
    or a rank, and `new` for a project listed now and not then."""
    rows = []
    for p in sorted(projects, key=lambda p: (p["rank"] is None, p["rank"] or 0, p["code"])):
        then = None if before is None else before.get(p["code"])
        ranked = p["rank"] is not None and before is not None
        rows.append(
            {
                **p,
                "change": None if not ranked or then is None else then - p["rank"],
                "new": ranked and then is None,
            }
        )
    return rows


def start_overdue(figures: Figures) -> list[dict[str, Any]]:
    """The listed projects not started after their planned start, the longest overdue first."""
    days = figures.start_overdue_days.tolist()
    late = sorted(
        _where(figures.start_overdue_days > 0), key=lambda i: (-days[i], figures.order[i])
    )
    return [
        {
            **_who(figures.states[i]),
            "category": figures.states[i].category,
            "planned_start": figures.states[i].planned_start,
            "overdue_days": days[i],
            "stage": figures.stages[i],
            "light": figures.light_names[i],
        }
        for i in late
    ]


def completions(figures: Figures, at: AsOf) -> list[dict[str, Any]]:
    """竣工投产: the listed projects due to be completed by as_of (planned completion on or
    before it), and those completed or in production in the campaign year though not due yet;
    the due ones not done first, then by planned completion."""
    year = f"{at.campaign.year}-01-01"
    rows = []
    stages = figures.stages
    for i in _where(figures.listed):
        state = figures.states[i]
        milestones = state.milestones
        completed = milestones.get("completed")
        production = milestones.get("production")
        completed = completed if completed is not None and completed <= at.text else None
        production = production if production is not None and production <= at.text else None
        planned = state.planned_completion
        due = planned is not None and planned <= at.text
        done_this_year = any(d is not None and d >= year for d in (completed, production))
        if not due and not done_this_year:
            continue
        rows.append(
            {
                **_who(state),
                "planned_completion": planned,
                "completed_on": completed,
                "production_on": production,
                "due": due,
                "done": completed is not None or production is not None,
                "stage": stages[i],
            }
        )
    rows.sort(
        key=lambda r: (
            r["done"] or not r["due"],
            not r["due"],
            r["planned_completion"] or "",
            r["code"],
        )
    )
    return rows


def overdue_requests(figures: Figures) -> list[dict[str, Any]]:
    """The open factor requests past their due date in force (terminated projects' included:
    they stay open until resolved), the most overdue first, with their 督办 level."""
    requests = figures.requests
    owners = requests.owner.tolist()
    rows = []
    for k in _where(requests.overdue):
        v = requests.view(k)
        rows.append({**_who(figures.states[owners[k]]), **request_row(v), "level": v.level})
    rows.sort(key=lambda r: (-r["overdue_wd"], r["id"]))
    return rows


def _where(mask: NDArray[np.bool_]) -> list[int]:
    """The rows `mask` picks."""
    return list(np.flatnonzero(mask).tolist())


def _who(who: ProjectFigures | ProjectState) -> dict[str, Any]:
    s = who.state if isinstance(who, ProjectFigures) else who
    return {"code": s.code, "name": s.name, "unit": s.unit, "leader": s.leader}
