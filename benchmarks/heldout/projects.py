"""The held-out list: who is on it, how big, and what its year holds (drawn once, at
registration, so that a day of the simulation only reads the plan).

Money is kept in hundredths of 万元 (integers), the engine's two decimals, so that the file
never carries a float's rounding.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from benchmarks.heldout import words

if TYPE_CHECKING:
    import random

    from benchmarks.heldout.days import Calendar

SECTORS = (
    ("lithium", 0.20),
    ("photonics", 0.11),
    ("pharma", 0.14),
    ("smart_manufacturing", 0.23),
    ("big_data", 0.07),
    ("livelihood", 0.17),
    ("other", 0.08),
)
CATEGORIES = (("continuing", 0.36), ("new", 0.42), ("completing", 0.12), ("preparatory", 0.10))
INDUSTRIAL = frozenset({"lithium", "photonics", "pharma", "smart_manufacturing"})

CAMPAIGN_START = dt.date(2020, 3, 23)
CAMPAIGN_END = dt.date(2020, 6, 30)
YEAR_END = dt.date(2020, 12, 31)


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    roll = rng.random() * sum(w for _, w in weighted)
    for name, weight in weighted:
        roll -= weight
        if roll < 0:
            return name
    return weighted[-1][0]


def between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


@dataclass(slots=True)
class Project:
    """One listed project: what it registers with, and the days its year turns on."""

    code: str
    name: str
    sector: str
    category: str
    unit: str
    leader: str
    total: int  # hundredths of 万元
    plan: int
    registered: dt.date
    industrial: bool
    tech_renovation: bool
    factory_area: int | None
    planned_start: dt.date | None
    planned_completion: dt.date | None
    past: list[tuple[str, dt.date]]  # milestones reached before registration
    start_day: dt.date | None = None  # the start, within the simulated span
    complete_day: dt.date | None = None
    production_day: dt.date | None = None
    terminate_day: dt.date | None = None
    revisions: list[tuple[dt.date, int]] = field(default_factory=list)
    pace: float = 0.0  # hundredths of 万元 a working day while building
    opening: int = 0  # the year's investment before registration, reported on the first day
    reliability: float = 0.9  # the chance a due report is sent
    lateness: float = 0.12  # the chance a sent report is recorded days late
    physical: float = 0.0
    physical_step: float = 0.3
    workers: int = 50
    stage: str = "registered"
    last_report: dt.date = dt.date.min
    terminated: bool = False
    requests: int = 0


def draw(rng: random.Random, index: int, registered: dt.date, calendar: Calendar) -> Project:
    """A project registered on `registered` (the list on opening, or an addition 增补)."""
    sector = pick(rng, SECTORS)
    category = pick(rng, CATEGORIES)
    industrial = sector in INDUSTRIAL and rng.random() < 0.92
    total_wan = math.exp(rng.gauss(math.log(24_000), 1.0))
    if rng.random() < 0.004:  # an anchor: a 50–150亿 base
        total_wan = rng.uniform(500_000, 1_500_000)
    total = max(100_000, round(min(total_wan, 1_500_000) / 100) * 10_000)
    share = {
        "new": rng.uniform(0.22, 0.48),
        "continuing": rng.uniform(0.18, 0.40),
        "completing": rng.uniform(0.12, 0.35),
        "preparatory": 0.0 if rng.random() < 0.5 else rng.uniform(0.005, 0.02),
    }[category]
    plan = round(total * share / 100) * 100
    products = words.PRODUCTS[sector]
    suffixes = words.LIVELIHOOD_SUFFIXES if sector == "livelihood" else words.SUFFIXES
    firm = rng.choice(words.FIRM_HEADS) + rng.choice(words.FIRM_TAILS)
    name = f"{firm}{rng.choice(products)}{rng.choice(suffixes)}"
    if sector == "livelihood":
        name = f"{rng.choice(words.UNITS[14:])}{rng.choice(products)}{rng.choice(suffixes)}"
    tech = (
        industrial
        and total >= 50_000
        and rng.random() < (0.5 if category in ("continuing", "completing") else 0.15)
    )
    project = Project(
        code=f"HD-{index:05d}",
        name=name,
        sector=sector,
        category=category,
        unit=rng.choice(words.UNITS),
        leader=rng.choice(words.SURNAMES) + rng.choice(words.TITLES),
        total=total,
        plan=plan,
        registered=registered,
        industrial=industrial,
        tech_renovation=tech,
        factory_area=(
            rng.randrange(3_000, 80_000, 100)
            if industrial and category == "new" and rng.random() < 0.6
            else None
        ),
        planned_start=None,
        planned_completion=None,
        past=[],
    )
    _year(rng, project, calendar)
    return project


def _year(rng: random.Random, p: Project, calendar: Calendar) -> None:
    """The milestones, the pace and the habits of one project's year."""
    if p.category in ("continuing", "completing"):
        _under_way(rng, p)
        _completion(rng, p, calendar)
    elif p.category == "new":
        _new(rng, p, calendar)
    elif rng.random() < 0.4:  # preparatory: some are signed already
        p.past = [("signed", between(rng, dt.date(2019, 9, 1), dt.date(2020, 3, 1)))]
    _habits(rng, p, calendar)


def _under_way(rng: random.Random, p: Project) -> None:
    """A continuing or completing project: started years ago, part built."""
    started = between(rng, dt.date(2017, 6, 1), dt.date(2019, 11, 30))
    signed = started - dt.timedelta(days=rng.randint(30, 400))
    p.past = [("signed", signed), ("started", started)]
    p.planned_start = started
    if p.category == "completing":
        p.planned_completion = between(rng, dt.date(2020, 4, 1), dt.date(2020, 12, 15))
        p.physical = rng.uniform(55, 90)
    else:
        p.planned_completion = started + dt.timedelta(days=30 * rng.randint(8, 36) + 400)
        p.physical = rng.uniform(15, 75)
    p.stage = "started"
    p.opening = round(p.plan * rng.uniform(0.08, 0.18))


def _new(rng: random.Random, p: Project, calendar: Calendar) -> None:
    """A new project: signed (mostly), a planned start in the year, and the real one."""
    if rng.random() < 0.88:
        p.past = [("signed", between(rng, dt.date(2019, 5, 1), dt.date(2020, 3, 10)))]
    if rng.random() < 0.25:
        planned = CAMPAIGN_START  # 集中开工
    elif rng.random() < 0.7:
        planned = between(rng, dt.date(2020, 3, 24), CAMPAIGN_END)
    else:
        planned = between(rng, dt.date(2020, 7, 1), dt.date(2020, 10, 31))
    p.planned_start = planned
    p.planned_completion = planned + dt.timedelta(days=30 * rng.randint(8, 36))
    p.opening = round(p.plan * rng.uniform(0.02, 0.10))  # land and design paid early
    roll = rng.random()
    if roll < 0.10 or not p.past:
        return  # not started this year
    if roll < 0.82:
        start = planned + dt.timedelta(days=rng.randint(-7, 12))
    else:
        start = planned + dt.timedelta(days=rng.randint(20, 100))
    # never on the day of registration: the list is recorded all day long
    start = calendar.on_or_after(max(start, p.registered + dt.timedelta(days=1)))
    p.start_day = start if start <= YEAR_END else None


def _completion(rng: random.Random, p: Project, calendar: Calendar) -> None:
    """Completion near the planned date for most that plan it this year; production after."""
    if p.planned_completion is None or p.planned_completion > dt.date(2020, 12, 20):
        return
    if rng.random() >= (0.88 if p.category == "completing" else 0.6):
        return
    done = p.planned_completion + dt.timedelta(days=rng.randint(-20, 25))
    first = max(p.registered + dt.timedelta(days=14), CAMPAIGN_START)
    done = calendar.on_or_after(max(done, first))
    if done > dt.date(2020, 12, 20):
        return
    p.complete_day = done
    if rng.random() < 0.7:
        production = calendar.on_or_after(done + dt.timedelta(days=rng.randint(10, 60)))
        p.production_day = production if production <= YEAR_END else None


def _habits(rng: random.Random, p: Project, calendar: Calendar) -> None:
    """How fast it invests, how reliably and how late its team reports."""
    laggard = rng.random() < 0.09
    perf = math.exp(rng.gauss(0, 0.28)) * (rng.uniform(0.2, 0.5) if laggard else 1.0)
    p.pace = p.plan / 150 * perf
    if p.category == "new" and p.planned_start is not None:
        # a new project's plan is sized for the months after its planned start
        p.pace = p.plan * 1.1 / max(40, calendar.between(p.planned_start, YEAR_END)) * perf
    p.reliability = rng.uniform(0.85, 0.99)
    p.lateness = min(0.6, rng.expovariate(1 / 0.13))
    p.physical_step = rng.uniform(0.12, 0.45)
    p.workers = max(8, round(math.sqrt(p.total / 100) * rng.uniform(0.6, 1.6)))


def turns(rng: random.Random, listed: list[Project], calendar: Calendar) -> None:
    """Terminations for about 1% of the list and revised plans (年中调整) for about 5%, at
    least one of each: by quota rather than by chance, so that a list of 40 shows them too."""
    for p in rng.sample(listed, max(1, round(len(listed) * 0.011))):
        first = max(dt.date(2020, 4, 20), p.registered + dt.timedelta(days=7))
        p.terminate_day = calendar.on_or_after(between(rng, first, dt.date(2020, 11, 30)))
    revisable = [p for p in listed if p.plan > 0 and p.registered < dt.date(2020, 6, 1)]
    for p in rng.sample(revisable, min(len(revisable), max(1, round(len(listed) * 0.05)))):
        factor = rng.uniform(0.55, 0.95) if rng.random() < 0.7 else rng.uniform(1.05, 1.35)
        mid_year = calendar.on_or_after(between(rng, dt.date(2020, 6, 8), dt.date(2020, 6, 23)))
        p.revisions.append((mid_year, min(p.total, round(p.plan * factor / 100) * 100)))
        if rng.random() < 0.2:
            autumn = calendar.on_or_after(between(rng, dt.date(2020, 9, 14), dt.date(2020, 10, 30)))
            again = round(p.plan * factor * rng.uniform(0.8, 1.1) / 100) * 100
            p.revisions.append((autumn, min(p.total, again)))
