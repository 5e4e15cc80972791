"""SPEC §6.5: the zone targets, each kind's actual on as_of, and whether it is over half.

"Started in the campaign year" = a started date from 1 January of the year to as_of. Amounts are
exact (whole yuan, m² in hundredths) until the report rounds them.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

from campaign.domain.values import YUAN_PER_WAN
from campaign.domain.vocabulary import TargetKind
from campaign.figures.rounding import exact, rate4, round2

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from campaign.domain.values import Target


class ProjectFacts(Protocol):
    """What the targets read of a project (`campaign.read.projection.ProjectState` has it)."""

    @property
    def industrial(self) -> bool: ...
    @property
    def tech_renovation(self) -> bool: ...
    @property
    def total_investment(self) -> int: ...
    @property
    def factory_area(self) -> int: ...


class TargetFacts(Protocol):
    """What the targets read of a project's figures (`campaign.figures.project`'s have it)."""

    @property
    def state(self) -> ProjectFacts: ...
    @property
    def listed(self) -> bool: ...
    @property
    def started_on(self) -> str | None: ...
    @property
    def ytd_investment(self) -> int: ...


INDUSTRIAL_MIN = 10_000 * YUAN_PER_WAN  # 1亿 = 10,000 万元
TECH_RENOVATION_MIN = 500 * YUAN_PER_WAN  # 500 万元


def started_in_year(f: TargetFacts, year: int) -> bool:
    return f.started_on is not None and f.started_on >= f"{year}-01-01"


def industrial_projects_started(listed: Sequence[TargetFacts], year: int) -> int:
    """Listed projects flagged industrial with total_investment >= 10,000 万元 that started in
    the campaign year."""
    return sum(
        1
        for f in listed
        if started_in_year(f, year)
        and f.state.industrial
        and f.state.total_investment >= INDUSTRIAL_MIN
    )


def factory_area_started_m2(listed: Sequence[TargetFacts], year: int) -> Fraction:
    """The factory area (m²) of the listed projects that started in the campaign year."""
    return Fraction(sum(f.state.factory_area for f in listed if started_in_year(f, year)), 100)


def fixed_asset_investment(registered: Sequence[TargetFacts]) -> Fraction:
    """YTD investment (万元) of all registered projects, terminated ones included."""
    return Fraction(sum(f.ytd_investment for f in registered), YUAN_PER_WAN)


def is_tech_renovation(f: TargetFacts) -> bool:
    return bool(f.state.tech_renovation) and f.state.total_investment >= TECH_RENOVATION_MIN


def tech_renovation_projects(listed: Sequence[TargetFacts]) -> int:
    """Listed projects flagged tech_renovation with total_investment >= 500 万元."""
    return sum(1 for f in listed if is_tech_renovation(f))


def tech_renovation_investment(listed: Sequence[TargetFacts]) -> Fraction:
    """Their YTD investment (万元)."""
    return Fraction(sum(f.ytd_investment for f in listed if is_tech_renovation(f)), YUAN_PER_WAN)


def tech_renovation_share(listed: Sequence[TargetFacts]) -> Fraction | None:
    """Their YTD investment / the listed projects' YTD investment; None with none."""
    total = sum(f.ytd_investment for f in listed)
    tech = sum(f.ytd_investment for f in listed if is_tech_renovation(f))
    return Fraction(tech, total) if total else None


def over_half(kind: TargetKind, actual: Fraction | int | None, goal: Fraction) -> bool:
    """ratio = actual / goal >= 0.5; for a share, actual >= goal; never for no actual."""
    if actual is None:
        return False
    if kind is TargetKind.tech_renovation_share:
        return actual >= goal
    return Fraction(actual) / goal >= Fraction(1, 2)


def targets(
    wanted: tuple[Target, ...], figures: Sequence[TargetFacts], year: int
) -> list[dict[str, Any]]:
    """Each of the campaign's targets on as_of: name, kind, goal, actual, ratio, over_half
    (a share's actual to 4 decimals, an amount's to 2), from each project's figures by the
    named functions above. The checkpoint counts the same over columns (`target_lines` with
    `Figures.target_actual`); this composition is the rule the tests hold that to."""
    listed = [f for f in figures if f.listed]
    actual_of: dict[TargetKind, Callable[[], Fraction | int | None]] = {
        TargetKind.industrial_projects_started: lambda: industrial_projects_started(listed, year),
        TargetKind.factory_area_started_m2: lambda: factory_area_started_m2(listed, year),
        TargetKind.fixed_asset_investment: lambda: fixed_asset_investment(figures),
        TargetKind.tech_renovation_projects: lambda: tech_renovation_projects(listed),
        TargetKind.tech_renovation_investment: lambda: tech_renovation_investment(listed),
        TargetKind.tech_renovation_share: lambda: tech_renovation_share(listed),
    }
    return target_lines(wanted, lambda kind: actual_of[kind]())


def target_lines(
    wanted: tuple[Target, ...], actual: Callable[[TargetKind], Fraction | int | None]
) -> list[dict[str, Any]]:
    """The rows of `targets`, given each kind's actual (`actual`: the named functions above,
    or the same over columns, `campaign.figures.table.Figures.target_actual`)."""
    rows = []
    for target in wanted:
        found = actual(target.kind)
        goal = Fraction(target.goal)
        share = target.kind is TargetKind.tech_renovation_share
        if found is None:
            shown: float | int | None = None
        elif share:
            shown = rate4(exact(Fraction(found)))
        elif isinstance(found, int):
            shown = found
        else:
            shown = round2(exact(found))
        target_ratio = None if found is None else Fraction(found) / goal
        rows.append(
            {
                "name": target.name,
                "kind": target.kind.value,
                "goal": float(target.goal) if target.goal % 1 else int(target.goal),
                "actual": shown,
                "ratio": None if target_ratio is None else rate4(exact(target_ratio)),
                "over_half": over_half(target.kind, found, goal),
            }
        )
    return rows
