"""The checkpoint document of SPEC §6.8 at an `as_of` date: the assembly of the named figures
(`investment`, `rates`, `lights`, `factors`, `targets`, `ranking`) over every project's figures
(`project`). Everything is exact until a value is written into the document.

More than §6.8 asks: breakdowns by unit, sector and category, the lagging list with reasons,
factor figures by unit, and counts beside each rate.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from campaign.figures.factors import RequestView, factor_figures
from campaign.figures.investment import below_half, double_half, investment_figures
from campaign.figures.project import AsOf, ProjectFigures, project_figures, spi4
from campaign.figures.ranking import group, rank
from campaign.figures.rates import (
    commissioning_rate,
    early_starts,
    fulfilment_rate,
    funds_rate,
    start_rate,
)
from campaign.figures.rounding import amount, exact, percent, rate4
from campaign.figures.targets import targets

if TYPE_CHECKING:
    import datetime as dt
    from fractions import Fraction

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


def figures_on(projection: Projection, as_of: dt.date) -> tuple[AsOf, list[ProjectFigures]]:
    """Every project registered by as_of, by code, with its figures."""
    at = AsOf(projection, as_of)
    figures = [
        project_figures(state, at)
        for state in projection.projects.values()
        if state.registered_on <= at.text
    ]
    figures.sort(key=lambda f: f.state.code)
    return at, figures


def summary(at: AsOf, figures: list[ProjectFigures], *, breakdowns: bool) -> dict[str, Any]:
    """The zone figures, the factor figures (by category and unit with `breakdowns`) and the
    targets."""
    progress, day = at.progress, at.text
    listed = [f for f in figures if f.listed]
    plan = sum(f.plan for f in listed)
    ytd = sum(f.ytd_investment for f in listed)
    funds = sum(f.ytd_funds for f in listed)
    states = [f.state for f in listed]
    fulfilled, signed = fulfilment_rate((f.state for f in figures), day)
    started, due_to_start = start_rate(states, day)
    commissioned, due_to_commission = commissioning_rate(states, day)
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
            "double_half": double_half(progress, ytd, plan),
            "ytd_funds": amount(funds),
            "funds_rate": rate4(funds_rate(funds, plan)),
            "fulfilment_rate": rate4((fulfilled, signed)),
            "fulfilled": fulfilled,
            "signed": signed,
            "start_rate": rate4((started, due_to_start)),
            "started": started,
            "due_to_start": due_to_start,
            "early_starts": early_starts(states, day),
            "commissioning_rate": rate4((commissioned, due_to_commission)),
            "commissioned": commissioned,
            "due_to_commission": due_to_commission,
            "lights": lights,
            "below_half": sum(1 for f in listed if below_half(f.ytd_investment, f.plan)),
        },
        "factors": factors,
        "targets": targets(at.settings.targets, figures, at.campaign.year),
    }


def checkpoint(
    projection: Projection, as_of: dt.date, *, known_at: str | None = None
) -> dict[str, Any]:
    """The checkpoint document of SPEC §6.8 (without its receipt)."""
    at, figures = figures_on(projection, as_of)
    rank(figures)
    return document(at, figures, known_at=known_at)


def document(at: AsOf, figures: list[ProjectFigures], *, known_at: str | None) -> dict[str, Any]:
    """The checkpoint document of the figures of every project registered by as_of, ranked
    (what `checkpoint` gives; the report builds more from the same figures)."""
    progress = at.progress
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
                "code": f.state.code,
                "name": f.state.name,
                "light": f.light,
                "unit": f.state.unit,
                "leader": f.state.leader,
                "spi": spi4(f.spi_num, f.spi_den),
                "reasons": f.reasons,
            }
            for f in sorted(
                (f for f in figures if f.listed and f.light in ("red", "yellow")),
                key=lambda f: (f.light != "red", f.rank or 0),
            )
        ],
        "projects": [project_row(f, progress) for f in figures],
    }


def project_row(f: ProjectFigures, progress: Fraction) -> dict[str, Any]:
    """A project's figures as written: the keys of PROJECT_KEYS."""
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
