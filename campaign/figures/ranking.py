"""SPEC §6.6: listed projects ranked by unrounded spi, and the zone by unit (帮包单位), sector
and category, each with its investment rate and spi, ranked alike."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from campaign.domain.vocabulary import CATEGORY_LABELS, SECTOR_LABELS, Category, Sector
from campaign.figures.investment import investment_figures, spi
from campaign.figures.rounding import amount, value

if TYPE_CHECKING:
    from fractions import Fraction

    from campaign.figures.project import ProjectFigures


def rank(figures: list[ProjectFigures]) -> None:
    """Ranks 1..n of the listed projects by unrounded spi, descending (None last; only
    exactly equal values tie, and ties go by code); `rank` stays None for the others.

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


def group(figures: list[ProjectFigures], key: str, progress: Fraction) -> list[dict[str, Any]]:
    """Listed projects summed by `key` (unit, sector or category), ranked by spi like the
    projects (None last, ties by name)."""
    groups: dict[str, list[ProjectFigures]] = defaultdict(list)
    for f in figures:
        if f.listed:
            groups[getattr(f.state, key)].append(f)
    ranked: list[tuple[Fraction | None, str, dict[str, Any]]] = []
    for name, members in groups.items():
        plan = sum(f.plan for f in members)
        ytd = sum(f.ytd_investment for f in members)
        shown = investment_figures(ytd, plan, progress)
        row: dict[str, Any] = {
            key: name,
            "projects": len(members),
            "annual_plan": amount(plan),
            "ytd_investment": amount(ytd),
            "investment_rate": shown["investment_rate"],
            "spi": shown["spi"],
            "red": sum(1 for f in members if f.light == "red"),
            "yellow": sum(1 for f in members if f.light == "yellow"),
        }
        if key == "sector":
            row["label"] = SECTOR_LABELS.get(Sector(name), name)
        if key == "category":
            row["label"] = CATEGORY_LABELS.get(Category(name), name)
        ranked.append((value(spi(ytd, plan, progress)), name, row))
    ranked.sort(key=lambda r: (r[0] is None, -(r[0] or 0), r[1]))
    for position, (_, _, row) in enumerate(ranked, 1):
        row["rank"] = position
    return [row for _, _, row in ranked]
