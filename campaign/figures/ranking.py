"""SPEC §6.6: listed projects ranked by unrounded spi, and the zone by unit (帮包单位), sector
and category, each with its investment rate and spi, ranked alike."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from campaign.domain.vocabulary import CATEGORY_LABELS, SECTOR_LABELS, Category, Sector
from campaign.figures.investment import (
    investment_figures,
    spi,
)
from campaign.figures.lights import RED, YELLOW
from campaign.figures.rounding import amount, value

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from campaign.figures.project import ProjectFigures


class Members(Protocol):
    """What `group` reads of the projects' figures (`campaign.figures.table.Figures`)."""

    listed: NDArray[Any]
    light: NDArray[Any]  # codes: the index in `lights.LIGHTS`
    plan: NDArray[Any]
    ytd_investment: NDArray[Any]

    def categories(self, name: str) -> tuple[list[str], NDArray[np.int64]]:
        """A text column as its distinct values, sorted, and each project's index in them."""
        ...


def rank(figures: list[ProjectFigures]) -> None:
    """Ranks 1..n of the listed projects by unrounded spi, descending (None last; only
    exactly equal values tie, and ties go by code); `rank` stays None for the others."""
    listed = {f.state.code: f for f in figures if f.listed}
    order = ranked([(code, f.spi_num, f.spi_den) for code, f in listed.items()])
    for position, code in enumerate(order, 1):
        listed[code].rank = position


def ranked(entries: list[tuple[str, int, int]]) -> list[str]:
    """The codes of (code, spi numerator, spi denominator) in rank order: by unrounded spi,
    descending, a denominator of 0 (no spi) last; only exactly equal values tie, and ties go
    by code.

    Sorting on exact Fractions is slow, so sort on their nearest doubles first: rounding is
    monotonic, so that order is right except that distinct values may share a double; each
    run of equal doubles is then put in exact order."""

    def key(entry: tuple[str, int, int]) -> float | None:
        return entry[1] / entry[2] if entry[2] else None

    def exact(entry: tuple[str, int, int]) -> Fraction:
        return Fraction(entry[1], entry[2]) if entry[2] else Fraction(0)

    order = sorted(entries, key=lambda e: (e[2] == 0, -(key(e) or 0), e[0]))
    start = 0
    while start < len(order):
        end = start + 1
        first = key(order[start])
        while end < len(order) and first is not None and key(order[end]) == first:
            end += 1
        if end - start > 1:
            order[start:end] = sorted(order[start:end], key=lambda e: (-exact(e), e[0]))
        start = end
    return [code for code, _, _ in order]


def group(figures: Members, key: str, progress: Fraction) -> list[dict[str, Any]]:
    """Listed projects summed by `key` (unit, sector or category), ranked by spi like the
    projects (None last, ties by name)."""
    listed = np.flatnonzero(figures.listed)
    names, every = figures.categories(key)
    codes = every[listed]
    counts = np.bincount(codes, minlength=len(names))
    present: list[int] = np.flatnonzero(counts).tolist()
    light = figures.light[listed]
    red = np.bincount(codes[light == RED], minlength=len(names))[present]
    yellow = np.bincount(codes[light == YELLOW], minlength=len(names))[present]
    # each group's projects one run after another, summed run by run (exact: int64 within
    # FITS, else Python ints)
    order = np.argsort(codes, kind="stable")
    members = counts[present]
    starts = np.cumsum(members) - members
    plans = np.add.reduceat(figures.plan[listed][order], starts).tolist() if present else []
    ytds = (
        np.add.reduceat(figures.ytd_investment[listed][order], starts).tolist() if present else []
    )
    ranked: list[tuple[Fraction | None, str, dict[str, Any]]] = []
    for k, g in enumerate(present):
        name = names[g]
        plan, ytd = int(plans[k]), int(ytds[k])
        shown = investment_figures(ytd, plan, progress)
        row: dict[str, Any] = {
            key: name,
            "projects": int(members[k]),
            "annual_plan": amount(plan),
            "ytd_investment": amount(ytd),
            "investment_rate": shown["investment_rate"],
            "spi": shown["spi"],
            "red": int(red[k]),
            "yellow": int(yellow[k]),
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
