"""The checkpoint document of SPEC §6.8 at an `as_of` date: the assembly of the named figures
(`investment`, `rates`, `lights`, `factors`, `targets`, `ranking`) over every project's figures,
computed as columns (`table`). Everything is exact until a value is written into the
document.

More than §6.8 asks: breakdowns by unit, sector and category, the lagging list with reasons,
factor figures by unit, and counts beside each rate.
"""

from __future__ import annotations

from itertools import starmap
from typing import TYPE_CHECKING, Any

import numpy as np

from campaign.figures.investment import double_half, investment_figures
from campaign.figures.lights import GREEN, NA, RED, YELLOW
from campaign.figures.project import AsOf
from campaign.figures.ranking import group
from campaign.figures.rates import funds_rate
from campaign.figures.rounding import amount, exact, percent, rate4
from campaign.figures.table import Figures, amounts
from campaign.figures.targets import target_lines
from campaign.read.projection import NEVER

if TYPE_CHECKING:
    import datetime as dt

    from numpy.typing import NDArray

    from campaign.figures.table import Ints
    from campaign.read.projection import Projection

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


def figures_on(projection: Projection, as_of: dt.date) -> tuple[AsOf, Figures]:
    """Every project registered by as_of, by code, with its figures (as columns)."""
    at = AsOf(projection, as_of)
    return at, Figures(projection, at)


def _sum(column: Ints, mask: NDArray[np.bool_]) -> int:
    return int(column[mask].sum())


def _count(mask: NDArray[np.bool_]) -> int:
    return int(np.count_nonzero(mask))


def summary(at: AsOf, figures: Figures, *, breakdowns: bool) -> dict[str, Any]:
    """The zone figures, the factor figures (by category and unit with `breakdowns`) and the
    targets."""
    progress, f = at.progress, figures
    listed = f.listed
    plan = _sum(f.plan, listed)
    ytd = _sum(f.ytd_investment, listed)
    funds = _sum(f.ytd_funds, listed)
    day = f.day
    reached = f.reached
    # The named functions of `rates` and `investment` over masks (tests/unit/test_table.py
    # holds each count to them, applied project by project): 履约率 (`fulfilment_rate`) over
    # every registered project, the other rates over the listed ones.
    signed = reached["signed"]
    fulfilled = _count(signed & ~f.terminated)
    due_to_start = listed & f.new & (f.planned_start <= day)  # `is_due_to_start`
    started = _count(due_to_start & reached["started"])  # `start_rate`
    planned_later = (f.planned_start > day) & (f.planned_start != NEVER)
    early = _count(listed & reached["started"] & planned_later)  # `early_starts`
    due_to_commission = listed & (f.planned_completion <= day)  # `is_due_to_commission`
    commissioned = _count(due_to_commission & (reached["completed"] | reached["production"]))
    lights = {name: _count(listed & (f.light == code)) for code, name in _LIGHT_ORDER}
    below = listed & (f.plan > 0) & (2 * f.ytd_investment < f.plan)  # `below_half`

    requests = f.requests
    factors = requests.figures()
    wanted = at.settings.targets
    if breakdowns:
        factors["by_category"] = requests.figures_by(*requests.categories("category"))
        units = f.categories("unit")
        factors["by_unit"] = requests.figures_by(units.names, units.codes[requests.owner])

    return {
        "zone": {
            "projects": _count(listed),
            "registered": len(f),
            "terminated": len(f) - _count(listed),
            "annual_plan": amount(plan),
            "ytd_investment": amount(ytd),
            **investment_figures(ytd, plan, progress),
            "double_half": double_half(progress, ytd, plan),
            "ytd_funds": amount(funds),
            "funds_rate": rate4(funds_rate(funds, plan)),
            "fulfilment_rate": rate4((fulfilled, _count(signed))),
            "fulfilled": fulfilled,
            "signed": _count(signed),
            "start_rate": rate4((started, _count(due_to_start))),
            "started": started,
            "due_to_start": _count(due_to_start),
            "early_starts": early,
            "commissioning_rate": rate4((commissioned, _count(due_to_commission))),
            "commissioned": commissioned,
            "due_to_commission": _count(due_to_commission),
            "lights": lights,
            "below_half": _count(below),
        },
        "factors": factors,
        "targets": target_lines(wanted, f.target_actual),
    }


_LIGHT_ORDER = ((GREEN, "green"), (YELLOW, "yellow"), (RED, "red"), (NA, "na"))


def checkpoint(
    projection: Projection, as_of: dt.date, *, known_at: str | None = None
) -> dict[str, Any]:
    """The checkpoint document of SPEC §6.8 (without its receipt)."""
    at, figures = figures_on(projection, as_of)
    return document(at, figures, known_at=known_at)


def document(at: AsOf, figures: Figures, *, known_at: str | None) -> dict[str, Any]:
    """The checkpoint document of the figures of every project registered by as_of, ranked
    (what `checkpoint` gives; the report builds more from the same figures)."""
    progress = at.progress
    f = figures
    lights = f.light_names
    lagging = f.lagging()
    code, name, unit, leader = (f.column(key) for key in ("code", "name", "unit", "leader"))
    spi = f.shown["spi"]
    return {
        "campaign": at.campaign.name,
        "as_of": at.text,
        "known_at": known_at,
        "time_progress": rate4(exact(progress)),
        **summary(at, figures, breakdowns=True),
        "units": group(figures, "unit", progress),
        "sectors": group(figures, "sector", progress),
        "categories": group(figures, "category", progress),
        "lagging": [
            {
                "code": code[i],
                "name": name[i],
                "light": lights[i],
                "unit": unit[i],
                "leader": leader[i],
                "spi": spi[i],
                "reasons": f.reasons(i),
            }
            for i in lagging
        ],
        "projects": project_rows(f),
    }


def project_rows(f: Figures) -> list[dict[str, Any]]:
    """Each project's figures as written: the keys of PROJECT_KEYS, a row each."""
    plan, ytd = f.plan, f.ytd_investment
    shown = f.shown
    physical = f.physical.tolist()
    columns = (
        f.column("code"),
        f.column("name"),
        f.column("sector"),
        f.column("category"),
        f.column("unit"),
        f.column("leader"),
        amounts(plan),
        amounts(ytd),
        shown["investment_rate"],
        shown["gap_pp"],
        shown["spi"],
        f.light_names,
        f.stages,
        f.started_on,
        f.start_overdue_days.tolist(),
        amounts(f.ytd_funds),
        [None if p < 0 else percent(p) for p in physical],
        f.open_factors.tolist(),
        f.overdue_factors.tolist(),
        f.ranks,
    )
    return list(starmap(_project_row, zip(*columns, strict=True)))


def _project_row(  # noqa: PLR0917 (one positional per column: starmap feeds them)
    code: str,
    name: str,
    sector: str,
    category: str,
    unit: str,
    leader: str,
    annual_plan: float,
    ytd_investment: float,
    investment_rate: float | None,
    gap_pp: float | None,
    spi: float | None,
    light: str,
    stage: str,
    started_on: str | None,
    start_overdue_days: int,
    ytd_funds: float,
    physical_pct: float | None,
    open_factors: int,
    overdue_factors: int,
    rank: int | None,
) -> dict[str, Any]:
    """One project's row, its keys those of PROJECT_KEYS in order (a dict display is built
    at once, where `dict(zip(...))` grows pair by pair: ten thousand rows a checkpoint)."""
    return {
        "code": code,
        "name": name,
        "sector": sector,
        "category": category,
        "unit": unit,
        "leader": leader,
        "annual_plan": annual_plan,
        "ytd_investment": ytd_investment,
        "investment_rate": investment_rate,
        "gap_pp": gap_pp,
        "spi": spi,
        "light": light,
        "stage": stage,
        "started_on": started_on,
        "start_overdue_days": start_overdue_days,
        "ytd_funds": ytd_funds,
        "physical_pct": physical_pct,
        "open_factors": open_factors,
        "overdue_factors": overdue_factors,
        "rank": rank,
    }
