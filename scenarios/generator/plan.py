"""Planning the projects before the simulation: the settings of a run, each project's category,
sector, size, plan and dates, its performance at mid-year, and the calibration of sizes and flags
to the zone's targets."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING

from scenarios.generator.days import SPRING_FESTIVAL_2020, Days
from scenarios.generator.vocabulary import (
    ANCHOR_LIMITS,
    ANCHOR_RANGE,
    CATEGORY_SHARES,
    FIRMS,
    HEALTHY,
    INDUSTRIAL,
    LEADERS,
    MONTHLY_2020,
    MONTHLY_NORMAL,
    NAMES,
    PLACES,
    REFERENCE_PROJECTS,
    SECTOR_MEDIAN,
    SECTOR_SHARES,
    SIZE_RANGE,
    SIZE_SIGMA,
    UNITS,
    Mix,
)

if TYPE_CHECKING:
    import random


@dataclass(frozen=True, slots=True)
class Settings:
    projects: int
    seed: int
    year: int
    start: int  # day indexes of the campaign year
    end: int
    mid: int  # 30 June: the 双过半 checkpoint the sizes are calibrated to
    list_day: int  # the day the key-project list is registered
    covid: bool
    density: float


def settings(
    calendar: Days,
    *,
    projects: int,
    seed: int,
    start: dt.date | None,
    end: dt.date | None,
    density: float,
) -> Settings:
    year = calendar.year
    if projects < 1:
        raise ValueError("projects must be at least 1")
    if not 0 < density <= 10:
        raise ValueError("density must be greater than 0 and at most 10")
    if start is None and end is None:
        end = dt.date(year, 6, 30)
    if end is None:
        assert start is not None
        end = min(start + dt.timedelta(days=99), dt.date(year, 12, 31))
    if start is None:
        start = max(end - dt.timedelta(days=99), dt.date(year, 1, 1))
    for name, day in (("start", start), ("end", end)):
        if day.year != year:
            raise ValueError(f"{name} {day} is not in the campaign year {year}")
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    list_day = calendar.working_day_on_or_after(calendar.index(dt.date(year, 1, 2)))
    end_i = calendar.index(end)
    if end_i < list_day + 14:
        raise ValueError(
            f"end {end} is too early: the simulation runs from the registration of the list "
            f"({calendar.iso(list_day)}) and needs at least two weeks"
        )
    return Settings(
        projects=projects,
        seed=seed,
        year=year,
        start=calendar.index(start),
        end=end_i,
        mid=calendar.index(dt.date(year, 6, 30)),
        list_day=list_day,
        covid=year == 2020,
        density=density,
    )


class Project:
    """One key project: what is planned for it, and the state the simulation carries."""

    __slots__ = (
        "actor",
        "anchor",
        "backfill",
        "before",
        "category",
        "code",
        "completed",
        "crew",
        "cum",
        "cum_at_start",
        "diligence",
        "factory_area",
        "funds_factor",
        "index",
        "industrial",
        "k",
        "last_day",
        "last_ms_at",
        "leader",
        "milestones",
        "ms_next",
        "name",
        "pause",
        "pending",
        "pending_funds",
        "phys",
        "plan",
        "planned_completion",
        "planned_start",
        "production",
        "reg",
        "reg_at",
        "requests",
        "resume",
        "revision",
        "rho",
        "sector",
        "seg_i",
        "segments",
        "signed",
        "stall",
        "started",
        "terminated",
        "total",
        "tr",
        "unit",
    )

    def __init__(self, index: int, code: str, category: str, sector: str) -> None:
        self.index = index
        self.code = code
        self.actor = f"{code}项目部"
        self.category = category
        self.sector = sector
        self.anchor = False
        self.name = ""
        self.unit = ""
        self.leader = ""
        self.total = 0.0  # 万元, before calibration; later rounded
        self.plan = 0.0
        self.before = 0.0  # investment done before the year
        self.reg = 0
        self.reg_at = 0
        self.signed: int | None = None
        self.started: int | None = None
        self.completed: int | None = None
        self.production: int | None = None
        self.planned_start: int | None = None
        self.planned_completion: int | None = None
        self.pause = 10**6  # the COVID stop: no work in [pause, resume)
        self.resume = 10**6
        self.stall: int | None = None
        self.terminated: int | None = None
        self.revision: tuple[int, float, str] | None = None
        self.rho = 1.0  # performance at mid-year against the zone's curve
        self.industrial = False
        self.tr = False
        self.factory_area = 0
        self.backfill = False
        self.diligence = 1.0
        self.funds_factor = 1.0
        self.crew = 0
        self.k = 0.0
        self.segments: list[tuple[int, float]] = []
        self.seg_i = 0
        self.last_day = 0
        self.milestones: list[tuple[int, str]] = []
        self.ms_next = 0
        self.last_ms_at = 0
        self.pending = 0.0
        self.pending_funds = 0.0
        self.cum = 0.0
        self.cum_at_start = 0.0
        self.phys = 0.0
        self.requests = 0

    def is_new_before_start(self, d: int) -> bool:
        return self.category in {"new", "preparatory"} and (
            self.started is None or d < self.started
        )


def apportion(n: int, shares: tuple[tuple[str, float], ...]) -> list[str]:
    """n labels in the given shares by largest remainder (ties in the order given)."""
    raw = [(label, n * share) for label, share in shares]
    counts = {label: int(x) for label, x in raw}
    left = n - sum(counts.values())
    by_remainder = sorted(raw, key=lambda lx: -(lx[1] - int(lx[1])))
    for label, _ in by_remainder[:left]:
        counts[label] += 1
    return [label for label, _ in shares for _ in range(counts[label])]


def spread(n: int, shares: tuple[tuple[str, float], ...], rng: random.Random) -> list[str]:
    """The labels of `apportion`, in an order where every stretch holds each in its share."""
    counts = dict.fromkeys((label for label, _ in shares), 0)
    for label in apportion(n, shares):
        counts[label] += 1
    dealt = dict.fromkeys(counts, 0)
    out = []
    for k in range(1, n + 1):
        label = max(counts, key=lambda x: counts[x] * k / n - dealt[x])
        dealt[label] += 1
        out.append(label)
    turn = int(rng.random() * n) if n else 0
    return out[turn:] + out[:turn]


def uniform_int(rng: random.Random, low: int, high: int) -> int:
    """A day (or count) drawn uniformly from [low, high]; low when the range is empty."""
    if high <= low:
        return low
    return low + int(rng.random() * (high - low + 1))


def weighted(rng: random.Random, mix: Mix) -> str:
    total = sum(w for _, w in mix)
    x = rng.random() * total
    for label, w in mix:
        x -= w
        if x < 0:
            return label
    return mix[-1][0]


def plan_projects(
    s: Settings, cal: Days, rng: random.Random, prefix: list[float], block: range
) -> list[Project]:
    """The projects numbered `block` (0-based), planned and calibrated as a list of their own."""
    n = len(block)
    categories = apportion(n, CATEGORY_SHARES)
    rng.shuffle(categories)
    # Sectors spread evenly over the categories: go through the projects category by category
    # and deal the sectors in a low-discrepancy order, so every category gets its share.
    order = sorted(range(n), key=lambda j: (categories[j], rng.random()))
    sectors = [""] * n
    for j, sector in zip(order, spread(n, SECTOR_SHARES, rng), strict=True):
        sectors[j] = sector
    width = max(3, len(str(s.projects)))
    projects = [
        Project(i, f"ZZ-{i + 1:0{width}d}", categories[j], sectors[j]) for j, i in enumerate(block)
    ]
    choose_anchors(projects, rng)
    draw_sizes(projects, rng)
    for p in projects:
        describe(p, rng)
    register(projects, s, cal, rng)
    new = [p for p in projects if p.category == "new"]
    rng.shuffle(new)
    first_half = {p.index for p in new[: round(len(new) * 0.8)]}
    for p in projects:
        schedule(p, s, cal, rng, first_half=p.index in first_half)
    decide_starts(projects, s, cal, rng)
    decide_completions(projects, s, cal, rng)
    decide_signatures(projects, s, rng)
    decide_terminations(projects, s, rng)
    decide_performance(projects, s, cal, rng)
    calibrate_pace(projects, s, rng, prefix[s.mid + 1])
    calibrate_sizes(projects, rng, prefix[s.mid + 1])
    flag(projects, s, rng)
    decide_revisions(projects, s, cal, rng)
    for p in projects:
        finish(p, s, cal, prefix)
    return projects


def choose_anchors(projects: list[Project], rng: random.Random) -> None:
    """One lithium anchor (a 50–200亿 base, DOMAIN.md) per 54 projects, continuing if possible."""
    wanted = max(1, round(len(projects) / REFERENCE_PROJECTS))
    order = list(projects)
    rng.shuffle(order)
    order.sort(key=lambda p: p.category != "continuing")
    lithium = [p for p in order if p.sector == "lithium"]
    for p in order[:wanted]:
        p.anchor = True
        if p.sector != "lithium":
            # Swap sectors with a non-anchor lithium project, so that the quotas stay.
            donor = next((q for q in lithium if not q.anchor and q.sector == "lithium"), None)
            if donor is not None:
                donor.sector = p.sector
            p.sector = "lithium"


def draw_sizes(projects: list[Project], rng: random.Random) -> None:
    """Total investment: log-normal by sector, drawn stratified (each of a sector's k projects
    from its own k-quantile band), so that even a short list has the distribution's shape."""
    normal = NormalDist()
    for sector, _ in SECTOR_SHARES:
        group = [p for p in projects if p.sector == sector and not p.anchor]
        bands = list(range(len(group)))
        rng.shuffle(bands)
        for p, band in zip(group, bands, strict=True):
            q = (band + 0.02 + 0.96 * rng.random()) / len(group)
            total = SECTOR_MEDIAN[sector] * math.exp(SIZE_SIGMA * normal.inv_cdf(q))
            p.total = min(max(total, SIZE_RANGE[0]), SIZE_RANGE[1])
    low, high = ANCHOR_RANGE
    for p in projects:
        if p.anchor:
            p.total = math.exp(math.log(low) + rng.random() * math.log(high / low))
        plan_of(p, rng)


def plan_of(p: Project, rng: random.Random) -> None:
    """The annual plan as a share of the total (DOMAIN.md), and the work done before the year."""
    if p.anchor:  # a multi-phase base: 10–20% a year
        p.plan = p.total * (0.12 + 0.06 * rng.random())
        p.before = p.total * (0.05 + 0.1 * rng.random())
        return
    scale = math.log(p.total / 30_000.0)
    if p.category == "new":  # new small plants 30–50%, large multi-phase 10–20%
        ratio = 0.38 - 0.02 * scale + rng.gauss(0.0, 0.04)
        ratio = min(max(ratio, 0.12), 0.55)
    elif p.category == "continuing":
        ratio = 0.32 - 0.02 * scale + rng.gauss(0.0, 0.04)
        ratio = min(max(ratio, 0.12), 0.45)
    elif p.category == "completing":  # the rest of the work, finished this year
        ratio = 0.2 + 0.2 * rng.random()
    else:  # preparatory: near 0 (design and other early costs, or nothing)
        ratio = 0.0 if rng.random() < 0.4 else 0.005 + 0.015 * rng.random()
    p.plan = p.total * ratio
    if p.category == "continuing":
        p.before = p.total * (0.1 + min(0.5, 0.95 - ratio - 0.1) * rng.random())
    elif p.category == "completing":
        p.before = p.total - p.plan * (1.0 + 0.1 * rng.random())
        p.before = max(p.before, 0.0)


def describe(p: Project, rng: random.Random) -> None:
    units = UNITS[p.sector]
    p.unit = units[int(rng.random() * len(units))]
    p.leader = LEADERS[p.unit]
    templates = NAMES[p.sector]
    template = templates[int(rng.random() * len(templates))]
    gwh = 1 + int(rng.random() * 9)
    tons = 1 + int(rng.random() * 5)
    if p.anchor:
        firm = FIRMS[int(rng.random() * len(FIRMS))]
        p.name = f"{firm}锂电新能源产业基地项目"
    elif p.sector == "livelihood":
        p.name = PLACES[int(rng.random() * len(PLACES))] + template
    else:
        firm = FIRMS[int(rng.random() * len(FIRMS))]
        p.name = firm + template.format(g=gwh, t=tons)
    if p.category in {"continuing", "completing"} and rng.random() < 0.3:
        p.name += "(二期)" if rng.random() < 0.5 else "(一期)"


def register(projects: list[Project], s: Settings, cal: Days, rng: random.Random) -> None:
    """The list is registered on its first working day; ~6% are added later (增补), all new."""
    late_window = (
        max(s.list_day + 30, cal.index(dt.date(s.year, 2, 10))),
        min(cal.index(dt.date(s.year, 4, 30)), s.end - 20),
    )
    new = [p for p in projects if p.category == "new" and not p.anchor]
    late = set()
    if late_window[0] <= late_window[1]:
        wanted = round(len(projects) * 0.06)
        rng.shuffle(new)
        late = {p.index for p in new[:wanted]}
    listed = 0
    step = 3600 / max(1, len(projects) - len(late))
    for p in projects:
        if p.index in late:
            p.reg = cal.working_day_on_or_after(uniform_int(rng, *late_window))
            p.reg_at = p.reg * 86400 + 9 * 3600 + int(rng.random() * 1800)
        else:
            p.reg = s.list_day
            p.reg_at = s.list_day * 86400 + 8 * 3600 + 600 + int(listed * step)
            listed += 1


def schedule(p: Project, s: Settings, cal: Days, rng: random.Random, *, first_half: bool) -> None:
    """Planned dates, earlier milestones, and the COVID stop of 2020.

    80% of the new projects plan to start in the first half (`first_half`), the rest later.
    """
    year_days = cal.days_in_year
    if p.category == "continuing":
        p.signed = uniform_int(rng, -3 * 365, -420)
        p.started = min(p.signed + uniform_int(rng, 30, 300), -15)
        p.planned_start = p.started - uniform_int(rng, 0, 20)
        p.planned_completion = uniform_int(rng, 272, 2 * year_days + 180)
    elif p.category == "completing":
        p.signed = uniform_int(rng, -3 * 365, -500)
        p.started = min(p.signed + uniform_int(rng, 30, 200), -100)
        p.planned_start = p.started - uniform_int(rng, 0, 15)
        if rng.random() < 0.5:
            p.planned_completion = uniform_int(rng, 91, 181)  # April to June
        else:
            p.planned_completion = uniform_int(rng, 182, year_days - 1)
    elif p.category == "new":
        if first_half:
            # The campaign's push: starts planned from mid-February to June, most in Mar–May.
            month = weighted(rng, (("2", 8), ("3", 27), ("4", 30), ("5", 22), ("6", 13)))
            first = cal.index(dt.date(s.year, int(month), 15 if month == "2" else 1))
            last = cal.index(dt.date(s.year, int(month) + 1, 1)) - 1
            p.planned_start = uniform_int(rng, first, last)
        else:
            p.planned_start = uniform_int(rng, 182, 304)  # July to October
        p.planned_start = max(p.planned_start, p.reg + 10)
        p.planned_completion = p.planned_start + uniform_int(rng, 180, 900)
    else:  # preparatory: next year
        p.planned_start = year_days + uniform_int(rng, 0, 180)
        p.planned_completion = p.planned_start + uniform_int(rng, 365, 1000)
    if p.anchor:
        p.planned_completion = max(p.planned_completion or 0, year_days + 365)
    if s.covid:
        # Sites stop for the Spring Festival and stay shut by COVID until they resume, from
        # 10 February (Shandong's first key projects) to mid-March.
        p.pause = cal.index(dt.date(s.year, 1, 15)) + uniform_int(rng, 0, 7)
        feb10 = cal.index(dt.date(s.year, 2, 10))
        p.resume = min(feb10 + int(rng.expovariate(1 / 11)), feb10 + 35)
        if p.reg >= p.resume:
            p.pause = p.resume = 10**6
        p.backfill = rng.random() < 0.08
    p.diligence = 0.85 + 0.25 * rng.random()
    p.funds_factor = 0.85 + 0.35 * rng.random()


def lower_start_bound(p: Project, s: Settings) -> int:
    bound = p.reg + 1
    if s.covid and p.resume < 10**6:
        bound = max(bound, p.resume)
    if p.signed is not None and p.signed >= 0:
        bound = max(bound, p.signed)
    return bound


def decide_starts(projects: list[Project], s: Settings, cal: Days, rng: random.Random) -> None:
    """New projects due by the end mostly start (开工率 70–90%); a few others start early."""
    new = [p for p in projects if p.category == "new"]
    due = [p for p in new if p.planned_start is not None and p.planned_start <= s.end]
    # Which due projects miss their start: more often the ones planned late.
    late_first = sorted(due, key=lambda p: -(p.planned_start or 0) * (0.5 + rng.random()))
    missing = {p.index for p in late_first[: round(len(due) * (0.12 + 0.16 * rng.random()))]}
    for p in new:
        assert p.planned_start is not None
        low = lower_start_bound(p, s)
        if p.planned_start <= s.end:
            if p.index in missing or low > s.end:
                continue
            day = p.planned_start + int(rng.gauss(5.0, 12.0))
            if day > s.end:
                day = s.end - uniform_int(rng, 0, 5)
            day = max(day, low)
            if abs(day - s.start) <= 7 and s.start >= low and rng.random() < 0.5:
                day = s.start  # 百日会战启动暨集中开工
        elif rng.random() < 0.12:
            day = max(s.end - uniform_int(rng, 3, 40), low)
        else:
            continue
        if day > s.end:
            continue
        started = cal.working_day_on_or_after(day)
        if started > s.end:
            started = cal.working_day_on_or_before(day)
        p.started = started if low <= started <= s.end else day


def decide_completions(projects: list[Project], s: Settings, cal: Days, rng: random.Random) -> None:
    """Projects due to complete by the end mostly do (竣工投产); a few finish early."""
    due = [
        p
        for p in projects
        if p.started is not None
        and p.planned_completion is not None
        and p.planned_completion <= s.end
    ]
    rng.shuffle(due)
    done = {p.index for p in due[: round(len(due) * (0.78 + 0.15 * rng.random()))]}
    for p in projects:
        if p.started is None or p.planned_completion is None or p.anchor:
            continue
        low = max(p.started + 30, p.resume if p.resume < 10**6 else 0, p.reg, 0)
        if p.index in done:
            day = p.planned_completion + int(rng.gauss(-3.0, 10.0))
        elif p.category == "completing" and p.planned_completion > s.end and rng.random() < 0.08:
            day = p.planned_completion - uniform_int(rng, 10, 60)
        else:
            continue
        day = min(max(day, low), s.end)
        if day < low:
            continue
        p.completed = day
        if rng.random() < 0.7:
            production = day + uniform_int(rng, 0, 30)
            if production <= s.end:
                p.production = production


def decide_signatures(projects: list[Project], s: Settings, rng: random.Random) -> None:
    """New projects signed last year (70%) or this year before they start; some preparatory."""
    for p in projects:
        if p.category == "new":
            latest = (p.started if p.started is not None else p.planned_start or s.end) - 5
            latest = min(latest, s.end)
            if rng.random() < 0.7 or latest <= p.reg:
                p.signed = -uniform_int(rng, 20, 240)
            else:
                p.signed = uniform_int(rng, p.reg, latest)
        elif p.category == "preparatory":
            if rng.random() < 0.35:
                p.signed = uniform_int(rng, p.reg + 5, min(s.end - 5, p.reg + 140))
                if p.signed > s.end:
                    p.signed = None
            elif rng.random() < 0.5:
                p.signed = -uniform_int(rng, 30, 300)


def last_milestone(p: Project) -> int:
    days = [d for d in (p.signed, p.started, p.completed, p.production) if d is not None]
    return max(days) if days else -(10**6)


def decide_terminations(projects: list[Project], s: Settings, rng: random.Random) -> None:
    """One or two per 54 leave the list near the end (投资方撤资), mostly ones not due to start."""
    wanted = round(len(projects) * (0.018 + 0.019 * rng.random()))

    def rank(p: Project) -> int:
        if p.category == "preparatory" or (p.planned_start or 0) > s.end:
            return 0  # not due to start yet
        return 1 if p.started is None else 2

    candidates = [p for p in projects if not p.anchor and p.category in {"new", "preparatory"}]
    rng.shuffle(candidates)
    candidates.sort(key=rank)
    for p in candidates[:wanted]:
        low = max(p.reg + 1, last_milestone(p), s.end - 28)
        day = uniform_int(rng, low, s.end - 4)
        if day <= s.end:
            p.terminated = day


def decide_performance(projects: list[Project], s: Settings, cal: Days, rng: random.Random) -> None:
    """Who is ahead, who lags and who stalls at mid-year (3–8 of 54 under half, 1–3 stalled)."""
    n = len(projects)
    eligible = [p for p in projects if p.category != "preparatory" and p.terminated is None]
    below = round(n * (0.065 + 0.055 * rng.random()))
    stalled_n = min(below, max(1 if n >= 20 else 0, round(n * (0.02 + 0.025 * rng.random()))))
    chosen: set[int] = set()
    # Stalls: projects under construction that stop (停工) in April or May.
    stallable = [
        p for p in eligible if not p.anchor and p.started is not None and p.completed is None
    ]
    rng.shuffle(stallable)
    for p in stallable:
        if len(chosen) >= stalled_n:
            break
        assert p.started is not None
        low = max(p.started + 10, (p.resume if p.resume < 10**6 else p.reg) + 20, p.reg + 20)
        high = min(s.end - 40, s.mid - 40)
        if low > high:
            continue
        p.stall = uniform_int(rng, low, high)
        p.rho = 0.1 + 0.3 * rng.random()
        chosen.add(p.index)
    # Laggards: first the new projects that missed their start, then any others.
    missed = [
        p
        for p in eligible
        if p.category == "new"
        and p.started is None
        and p.planned_start is not None
        and p.planned_start <= s.end
        and p.index not in chosen
    ]
    missed_ids = {p.index for p in missed}
    rest = [
        p for p in eligible if p.index not in chosen and not p.anchor and p.index not in missed_ids
    ]
    rng.shuffle(missed)
    rng.shuffle(rest)
    for p in missed + rest:
        if len(chosen) >= below:
            break
        p.rho = 0.5 + 0.38 * rng.random()
        chosen.add(p.index)
    for p in projects:
        if p.index in chosen:
            continue
        if p.terminated is not None:
            p.rho = 0.4 + 0.5 * rng.random()
        elif p.category == "preparatory":
            p.rho = 1.0 + 0.4 * rng.random()
        elif p.anchor:
            p.rho = 0.99 + 0.1 * rng.random()
        else:
            p.rho = max(HEALTHY, rng.gauss(1.04, 0.07))


def curve(s: Settings, cal: Days) -> list[float]:
    """Share of the annual plan done on each day of the year (the portfolio's curve)."""
    monthly = MONTHLY_2020 if s.covid else MONTHLY_NORMAL
    first, last = (cal.index(d) for d in SPRING_FESTIVAL_2020)
    festival = range(first, last + 1) if s.covid else range(0)
    weights = []
    for d in range(cal.days_in_year):
        if d in festival:
            w = 0.0
        elif cal.working[d]:
            w = 1.0
        elif s.start <= d <= s.end:
            w = 0.4  # the campaign works weekends (5+2, 白+黑)
        else:
            w = 0.15
        weights.append(w)
    base = [0.0] * cal.days_in_year
    for month in range(12):
        first = cal.index(dt.date(s.year, month + 1, 1))
        last = cal.index(dt.date(s.year, month + 2, 1)) if month < 11 else cal.days_in_year
        total = sum(weights[first:last])
        for d in range(first, last):
            base[d] = monthly[month] / 100 * weights[d] / total if total else 0.0
    return base


def segments_of(p: Project) -> list[tuple[int, float]]:
    """How much of its daily share a project works, as (from day, factor) steps."""
    cuts = {p.reg, p.pause, p.resume}
    for day in (p.started, p.completed, p.production):
        if day is not None:
            cuts.add(day)
    if p.stall is not None:
        cuts.add(p.stall)
    if p.terminated is not None:
        cuts.add(p.terminated + 1)
    steps: list[tuple[int, float]] = []
    for day in sorted(c for c in cuts if c >= p.reg):
        steps.append((day, factor_on(p, day)))
    return steps


def factor_on(p: Project, d: int) -> float:
    """The share of its daily work a project does on day d."""
    if (
        p.pause <= d < p.resume
        or (p.stall is not None and d >= p.stall)
        or (p.terminated is not None and d > p.terminated)
    ):
        return 0.0
    if p.category == "new" and (p.started is None or d < p.started):
        return 0.3  # before the start: land, design, deposits
    if p.production is not None and d >= p.production:
        return 0.15  # in production: the last payments
    return 0.3 if p.completed is not None and d >= p.completed else 1.0


def integral(segments: list[tuple[int, float]], prefix: list[float], upto: int) -> float:
    """The sum of factor × curve over the days from the first step through `upto`."""
    total = 0.0
    for i, (day, factor) in enumerate(segments):
        if day > upto:
            break
        stop = segments[i + 1][0] if i + 1 < len(segments) else upto + 1
        stop = min(stop, upto + 1)
        if factor and stop > day:
            total += factor * (prefix[stop] - prefix[day])
    return total


def calibrate_pace(projects: list[Project], s: Settings, rng: random.Random, at_mid: float) -> None:
    """Nudge the healthy projects' pace so that the zone is just over half at mid-year (52–56%).

    Real mid-year reports show a zone just past 双过半 (DOMAIN.md); the laggards and stalled
    projects keep their pace, and a healthy project never drops under half.
    """
    listed = [p for p in projects if p.terminated is None and p.plan > 0]
    plan = sum(p.plan for p in listed)
    if not plan:
        return
    wanted = (0.52 + 0.04 * rng.random()) / at_mid * plan
    healthy = [p for p in listed if p.rho >= HEALTHY]
    fixed = sum(p.plan * p.rho for p in listed if p.rho < HEALTHY)

    def done(factor: float) -> float:
        return fixed + sum(p.plan * max(HEALTHY, p.rho * factor) for p in healthy)

    low, high = 0.5, 2.0
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if done(middle) < wanted else (low, middle)
    for p in healthy:
        p.rho = max(HEALTHY, p.rho * low)


def calibrate_sizes(projects: list[Project], rng: random.Random, at_mid: float) -> None:
    """Size the list to the zone's goal: mid-year investment 49–52% of fixed-asset investment.

    The anchor (50–200亿, the widest range) takes up the difference first; the other projects
    are scaled only by what is left, so their drawn sizes mostly stay as drawn.
    """
    goal = zone_goals(len(projects))["fixed_asset_investment"] * (0.49 + 0.03 * rng.random())
    anchors = [p for p in projects if p.anchor]
    others = [p for p in projects if not p.anchor]
    rest = sum(p.plan * p.rho * at_mid for p in others)
    unit = sum(p.plan * p.rho * at_mid for p in anchors)
    if unit > 0:
        factor = min(max((goal - rest) / unit, 0.7), 1.3)
        for p in anchors:
            total = min(max(p.total * factor, ANCHOR_LIMITS[0]), ANCHOR_LIMITS[1])
            rescale(p, total / p.total)
    left = goal - sum(p.plan * p.rho * at_mid for p in anchors)
    if rest > 0 and left > 0:
        for p in others:
            rescale(p, min(left / rest, SIZE_RANGE[1] / p.total))
    for p in projects:
        p.total = max(round(p.total / 100) * 100, 600.0)
        p.plan = min(round(p.plan / 10) * 10, p.total)
        p.before = min(p.before, p.total - p.plan)


def rescale(p: Project, factor: float) -> None:
    p.total *= factor
    p.plan *= factor
    p.before *= factor


def zone_goals(n: int) -> dict[str, float]:
    """The zone's targets for 54 projects (DOMAIN.md), scaled to n projects."""
    scale = n / REFERENCE_PROJECTS
    return {
        "industrial_projects_started": max(1, round(20 * scale)),
        "factory_area_started_m2": max(100, round(200_000 * scale / 100) * 100),
        "fixed_asset_investment": max(10_000, round(1_000_000 * scale / 10_000) * 10_000),
        "tech_renovation_projects": max(1, round(21 * scale)),
        "tech_renovation_investment": max(100, round(250_000 * scale / 100) * 100),
    }


def flag(projects: list[Project], s: Settings, rng: random.Random) -> None:
    """Industrial, tech-renovation (双千) and factory-area flags, calibrated to the targets.

    At mid-year a real report shows about half of each count and area target done. Flagged 技改
    projects: 52–62% of the target's count, big enough to carry just over 40% of the list's
    investment. Standard factories: the new industrial projects that start by mid-year build
    52–60% of the area target.
    """
    goals = zone_goals(len(projects))
    for p in projects:
        p.industrial = p.sector in INDUSTRIAL
    # Tech renovation: existing enterprises' upgrades, the big ones first until the share holds.
    wanted = round(goals["tech_renovation_projects"] * (0.52 + 0.1 * rng.random()))
    candidates = [
        p
        for p in projects
        if p.industrial
        and not p.anchor
        and p.category != "preparatory"
        and p.terminated is None
        and p.total >= 500
    ]
    listed_ytd = sum(p.plan * p.rho for p in projects if p.terminated is None)
    share_goal = 0.405 + 0.025 * rng.random()
    by_size = sorted(candidates, key=lambda p: -p.plan * p.rho)
    shuffled = list(candidates)
    rng.shuffle(shuffled)
    # When even the biggest ones cannot carry the share, flag a few more (up to 85% of the goal).
    cap = min(len(candidates), max(wanted, round(goals["tech_renovation_projects"] * 0.85)))
    wanted = min(wanted, len(candidates))
    biggest = sum(p.plan * p.rho for p in by_size[:wanted])
    while wanted < cap and biggest < share_goal * listed_ytd:
        biggest += by_size[wanted].plan * by_size[wanted].rho
        wanted += 1

    def pick(top: int) -> list[Project]:
        head = by_size[:top]
        chosen = {p.index for p in head}
        tail = [p for p in shuffled if p.index not in chosen][: wanted - top]
        return head + tail

    low, high = 0, wanted
    while low < high:  # the fewest "big ones first" that reach the share
        middle = (low + high) // 2
        share = sum(p.plan * p.rho for p in pick(middle)) / listed_ytd if listed_ytd else 0
        if share >= share_goal:
            high = middle
        else:
            low = middle + 1
    for p in pick(low):
        p.tr = True
    # Standard factories: most new industrial projects build some.
    builders = [p for p in projects if p.category == "new" and p.industrial]
    weights: dict[int, float] = {}
    for p in builders:
        if rng.random() < 0.75:
            weights[p.index] = math.sqrt(p.total) * (0.7 + 0.6 * rng.random())
    cutoff = min(s.end, s.mid)
    started = sum(
        w
        for p in builders
        if (w := weights.get(p.index)) and p.started is not None and p.started <= cutoff
    )
    if started > 0:
        area_per_weight = goals["factory_area_started_m2"] * (0.52 + 0.08 * rng.random()) / started
    else:
        area_per_weight = 8.0
    for p in builders:
        w = weights.get(p.index)
        if w:
            p.factory_area = max(1000, round(w * area_per_weight / 100) * 100)


def decide_revisions(projects: list[Project], s: Settings, cal: Days, rng: random.Random) -> None:
    """Mid-year plan revisions (年中调整) for 4–8% of the list, late in the campaign."""
    wanted = round(len(projects) * (0.04 + 0.04 * rng.random()))
    candidates = [
        p
        for p in projects
        if p.category != "preparatory" and p.terminated is None and p.stall is None and p.plan > 0
    ]
    rng.shuffle(candidates)
    for p in candidates[:wanted]:
        day = cal.working_day_on_or_before(uniform_int(rng, s.end - 20, s.end - 3))
        if day < p.reg:
            continue
        if p.rho >= 1.15 and rng.random() < 0.5:
            plan = min(p.plan * (1.05 + 0.07 * rng.random()), p.total)
            reason = "年中调整: 进度超前, 调增年度计划"
        else:
            plan = p.plan * (0.75 + 0.15 * rng.random())
            reason = (
                "年中调整: 受疫情影响, 调减年度计划"
                if s.covid
                else "年中调整: 二期推迟至明年, 调减年度计划"
            )
        p.revision = (day, round(plan / 10) * 10, reason)


def finish(p: Project, s: Settings, cal: Days, prefix: list[float]) -> None:
    """The daily work factor, its scale, the milestones to record, and the crew size."""
    p.segments = segments_of(p)
    plan = p.plan if p.plan > 0 else p.total * 0.004
    target = plan * p.rho * prefix[s.mid + 1]
    weight = integral(p.segments, prefix, s.mid)
    if weight <= 0:  # nothing to do before mid-year: scale on the year instead
        weight = integral(p.segments, prefix, cal.days_in_year - 1)
        target = plan * p.rho
    p.k = target / weight if weight > 0 else 0.0
    p.last_day = min(s.end, p.terminated if p.terminated is not None else s.end)
    milestones = (
        (p.signed, "signed"),
        (p.started, "started"),
        (p.completed, "completed"),
        (p.production, "production"),
    )
    p.milestones = [(d, m) for d, m in milestones if d is not None]
    p.crew = max(8, min(3000, round(2.5 * math.sqrt(max(p.plan, 100.0)))))


def prefix_sums(values: list[float]) -> list[float]:
    out = [0.0]
    for v in values:
        out.append(out[-1] + v)
    return out
