"""Every project's §6 figures on as_of, computed over arrays: one column per figure, one row
per project registered by as_of (by code), and one row per factor request filed by then.

A checkpoint of ten thousand projects is a few dozen array operations instead of ten
thousand Python objects. The formulas are those of `investment`, `rates`, `lights` and
`factors`, applied to whole columns: `tests/unit/test_table.py` holds each column to its
named function, project by project and request by request, on random campaigns. Money and
spi products are 64-bit integers while every value fits with room to spare
(`FITS`), and Python integers in object arrays beyond that, so no figure is ever rounded
or wrapped on the way. Dates become day numbers (days since 1970-01-01; a date not given is
`NEVER`, later than any day).

`ProjectFigures` objects, the rows the report's lists and the look-ups read, are built from
the columns only for the projects asked for (`Figures.row`).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from campaign.domain.history import in_force
from campaign.domain.values import YUAN_PER_WAN
from campaign.domain.vocabulary import TargetKind
from campaign.figures.factors import RequestView, highest_level, median_resolution_wd
from campaign.figures.investment import plan_in_force, time_progress
from campaign.figures.lights import GREEN, LIGHTS, NA, RED, YELLOW
from campaign.figures.project import MILESTONES, AsOf, ProjectFigures
from campaign.figures.ranking import ranked
from campaign.figures.rounding import amount, half_even
from campaign.figures.targets import INDUSTRIAL_MIN, TECH_RENOVATION_MIN
from campaign.read.projection import EPOCH, NEVER, day_number

if TYPE_CHECKING:
    from array import array
    from collections.abc import Iterator, Sequence

    from numpy.typing import NDArray

    from campaign.read.projection import Ledgers, Projection, ProjectState, RequestState
    from campaign.read.projection import Requests as RequestTable

    Ints = NDArray[Any]  # int64, or object (Python ints) for values beyond FITS

FITS = 1 << 36
"""Money columns stay 64-bit integers while every amount is below this many yuan (687 亿):
their products with the largest factors used (372 for time progress's denominator, 100 × 100
for gap_pp's rounding, a light threshold's terms) stay well below 2^63."""

TERMS = 1 << 12
"""A light threshold whose numerator or denominator reaches this compares in Python ints."""

STAGES = ("registered", *MILESTONES, "terminated")


def numbers(column: array[int]) -> NDArray[np.int64]:
    """A column of day numbers (or rows) as an array of its own (a copy: the column may grow
    while the array lives)."""
    return np.array(column, dtype=np.int64).reshape(len(column))


def today_number(day: dt.date) -> int:
    return (day - EPOCH).days


def integers(values: Sequence[int]) -> Ints:
    """Integers as int64 when all are below FITS in magnitude, else as Python ints."""
    array = np.array(values, dtype=np.int64) if _fit(values) else np.array(values, dtype=object)
    return array.reshape(len(values))


def _fit(values: Sequence[int]) -> bool:
    return not values or (max(values) < FITS and min(values) > -FITS)


def half_even_all(numerators: Ints, denominators: Ints, scale: int) -> list[float | None]:
    """`rounding.half_even` of each pair (None where the denominator is 0): integer arithmetic
    in int64, and each quotient's nearest double (exact below 2^53; beyond, in Python)."""
    if object in (numerators.dtype, denominators.dtype):
        return [
            None if d == 0 else half_even(n, d, scale)
            for n, d in zip(numerators.tolist(), denominators.tolist(), strict=True)
        ]
    defined = denominators != 0
    safe = np.where(defined, denominators, 1)
    scaled = numerators * scale
    quotient = scaled // safe
    twice = 2 * (scaled - quotient * safe)
    quotient += (twice > safe) | ((twice == safe) & (quotient % 2 == 1))
    if quotient.size and int(np.abs(quotient).max()) >= 1 << 53:  # beyond a double's integers
        return half_even_all(numerators.astype(object), denominators.astype(object), scale)
    shown = quotient / scale
    if defined.all():
        return list(shown.tolist())
    return [v if ok else None for v, ok in zip(shown.tolist(), defined.tolist(), strict=True)]


def amounts(yuan: Ints) -> list[float]:
    """`rounding.amount` of each value (万元)."""
    if yuan.dtype == object:
        return [amount(v) for v in yuan.tolist()]
    return list((yuan / YUAN_PER_WAN).tolist())


def investment_columns(ytd: Ints, plan: Ints, progress: Fraction) -> dict[str, list[float | None]]:
    """`investment.investment_figures` of each project: investment_rate, gap_pp and spi,
    rounded; None where the plan is 0."""
    p, q = progress.numerator, progress.denominator
    return {
        "investment_rate": half_even_all(ytd, plan, 10_000),
        "gap_pp": half_even_all(100 * (ytd * q - p * plan), plan * q, 100),
        "spi": half_even_all(ytd * q, plan * p, 10_000),
    }


def categories(values: Sequence[str]) -> Categories:
    """The distinct values in order, and each value's place among them."""
    names = sorted(set(values))
    place = {name: g for g, name in enumerate(names)}
    codes = np.fromiter(map(place.__getitem__, values), dtype=np.int64, count=len(values))
    return Categories(names, codes)


class Categories(NamedTuple):
    """A text column as its distinct values and, for each row, its value's place among them."""

    names: list[str]
    codes: NDArray[np.int64]  # one per value: its index in `names`


def picked(values: Sequence[Any], rows: Sequence[int]) -> list[Any]:
    """values[row] for each of `rows`, in order."""
    if len(rows) > 1:
        return list(itemgetter(*rows)(values))
    return [values[row] for row in rows]


def ledger_matrix(ledgers: Ledgers, name: str, width: int) -> NDArray[np.int64]:
    """Days 0..width-1 of one day ledger of every project, a row each (a view of the block)."""
    block = np.frombuffer(ledgers.used(name), dtype=np.int64)
    return block.reshape(ledgers.rows, ledgers.days)[:, :width]


def year_to_date_all(matrix: NDArray[np.int64]) -> Ints:
    """`investment.year_to_date` of each row (the matrix holds days 0..index): summed in
    64 bits unless a row could overflow them, and as Python integers (`integers`) when a sum
    reaches FITS."""
    limit = (1 << 63) // max(1, matrix.shape[1])
    # the largest magnitude, read without an array of magnitudes as large as the matrix
    if matrix.size and max(int(matrix.max()), -int(matrix.min())) >= limit:
        return integers([sum(row) for row in matrix.tolist()])
    sums: Ints = matrix.sum(axis=1, dtype=np.int64)
    if sums.size and int(np.abs(sums).max()) >= FITS:
        return integers(sums.tolist())
    return sums


def physical_pct_all(matrix: NDArray[np.int64]) -> NDArray[np.int64]:
    """`project.physical_pct` of each row (-1 for None): the last day that gives one."""
    given = matrix >= 0
    if not matrix.shape[1]:
        return np.full(matrix.shape[0], -1, dtype=np.int64)
    rows = np.arange(matrix.shape[0])
    last = matrix.shape[1] - 1 - np.argmax(given[:, ::-1], axis=1)
    return np.where(given[rows, last], matrix[rows, last], -1)  # argmax finds none as 0


def rank_order(num: Ints, den: Ints, codes: Sequence[str]) -> list[int]:
    """`ranking.ranked` over columns of spi terms, given by code: the indices in rank order.

    Sorted on spi's nearest doubles (exact for 64-bit columns, whose terms are below 2^53),
    each run of equal doubles then put in exact order; the sort is stable, so ties stay by
    code. Beyond 64 bits, `ranking.ranked` itself."""
    if object in (num.dtype, den.dtype):
        where = {code: k for k, code in enumerate(codes)}
        entries = [(c, int(n), int(d)) for c, n, d in zip(codes, num, den, strict=True)]
        return [where[code] for code in ranked(entries)]
    none = den == 0
    doubles = np.where(none, 0.0, num / np.where(none, 1, den))
    ranked_at = np.lexsort((-doubles, none))
    order: list[int] = ranked_at.tolist()
    # where the next project's spi has the same double (no spi sorts last, untied)
    keys = doubles[ranked_at]
    tied: list[int] = np.flatnonzero((keys[1:] == keys[:-1]) & ~none[ranked_at][1:]).tolist()
    nums, dens = num.tolist(), den.tolist()
    k = 0
    while k < len(tied):  # each run of equal doubles, in exact order
        start = end = tied[k]
        while k < len(tied) and tied[k] == end:
            end += 1
            k += 1
        order[start : end + 1] = sorted(
            order[start : end + 1], key=lambda i: -Fraction(nums[i], dens[i])
        )
    return order


def ranks_on(projection: Projection, day: dt.date) -> dict[str, int]:
    """The ranks of the projects listed on `day` (an earlier checkpoint's, for the change in
    rank since then), from their plans in force and YTD investment alone: what
    `Figures.ranks` gives for that day, without the rest of the figures."""
    projects = projection.projects
    number, text = today_number(day), day.isoformat()
    by_code = np.array(projects.by_code(), dtype=np.int64)
    registered = numbers(projects.days["registered_on"])[by_code] <= number
    terminated = numbers(projects.days["terminated_on"])[by_code] <= number
    rows = by_code[registered & ~terminated]
    listed: list[int] = rows.tolist()
    plans = integers([plan_in_force(projects.revisions[row], text) for row in listed])
    width = projection.index_of(day) + 1
    ytd = year_to_date_all(ledger_matrix(projects.ledgers, "investment", width))[rows]
    progress = time_progress(day)
    codes = picked(projects.code, listed)
    order = rank_order(ytd * progress.denominator, plans * progress.numerator, codes)
    return {codes[k]: position for position, k in enumerate(order, 1)}


class Requests:
    """The factor requests filed by as_of, project by project (by code), each project's in the
    order the log filed them; `owner` is the project's index in the figures, `rows` the
    request's row of the projection's `Requests`."""

    def __init__(self, projection: Projection, order: Sequence[int], at: AsOf, day: int) -> None:
        text = at.text
        table = projection.requests
        self.table = table
        # every request of a project in `order` filed by as_of: by the project's place in
        # `order`, then in filing order
        place = np.full(len(projection.projects) + 1, -1, dtype=np.int64)  # [-1]: no project
        place[np.array(order, dtype=np.int64)] = np.arange(len(order))
        owner = place[numbers(table.project)]
        filed = numbers(table.days["filed_on"])
        chosen_at = np.flatnonzero((filed <= day) & (owner >= 0))
        chosen_at = chosen_at[np.argsort(owner[chosen_at], kind="stable")]
        chosen: list[int] = chosen_at.tolist()
        self.rows = chosen
        self.owner = owner[chosen_at]
        self.filed = filed[chosen_at]
        self.resolved_on = numbers(table.days["resolved_on"])[chosen_at]
        # what needs a request's history: the due in force on as_of and on resolution, and
        # the manual level; only requests that were extended or escalated have one
        self.due = numbers(table.days["sla_due"])[chosen_at]
        due_at_resolution = self.due.copy()
        manual = np.zeros(len(chosen), dtype=np.int64)
        history = _history(table, chosen, chosen_at, text)
        self.due_text = history.due_text  # the due in force, where it is not the SLA's
        self.due[list(history.due_text)] = [day_number(due) for due in history.due_text.values()]
        due_at_resolution[history.settled] = history.settled_dues
        manual[history.escalated] = history.levels
        self.resolved = self.resolved_on <= day
        self.open = ~self.resolved
        self.is_due = self.resolved | (self.due <= day)
        self.overdue = self.open & (self.due < day)
        self.on_time = self.resolved & (self.resolved_on <= due_at_resolution)
        counts = _working_day_counts(at, [self.filed, self.due, self.resolved_on], day)
        today = counts(np.array([day], dtype=np.int64))[0]
        self.overdue_wd = np.where(self.overdue, np.maximum(0, today - counts(self.due)), 0)
        self.resolution_wd = np.where(
            self.resolved,
            np.maximum(0, counts(self.resolved_on) - counts(self.filed)),
            -1,
        )
        derived = np.select(
            [self.overdue_wd >= 16, self.overdue_wd >= 6, self.overdue_wd >= 1], [3, 2, 1], 0
        )
        self.level = np.where(self.open, np.maximum(manual, derived), 0)

    def item(self, k: int) -> RequestState:
        """Request `k` (of those filed by as_of)."""
        return self.table.view(self.rows[k])

    def column(self, name: str) -> list[Any]:
        """One column of the projection's requests, for those filed by as_of."""
        return picked(getattr(self.table, name), self.rows)

    def categories(self, name: str) -> Categories:
        """A text column of the requests as `categories`."""
        return categories(self.column(name))

    def __len__(self) -> int:
        return len(self.rows)

    def figures(self, mask: NDArray[np.bool_] | None = None) -> dict[str, Any]:
        """`factors.factor_figures` over the requests `mask` picks (all by default; the
        checkpoint takes all, and its groups come from `figures_by`; a mask lets the tests
        hold one group to the named function)."""
        if mask is None:
            mask = np.ones(len(self.rows), dtype=bool)
        return _factor_figures(
            filed=int(mask.sum()),
            resolved=int((mask & self.resolved).sum()),
            due=int((mask & self.is_due).sum()),
            on_time=int((mask & self.is_due & self.on_time).sum()),
            overdue_open=int((mask & self.overdue).sum()),
            median=median_resolution_wd(self.resolution_wd[mask & self.resolved].tolist()),
            escalated_open=int((mask & self.open & (self.level >= 1)).sum()),
        )

    def figures_by(self, names: Sequence[str], group: NDArray[np.int64]) -> dict[str, Any]:
        """`figures` of the requests of each key that has any (`group`: each request's key,
        an index in `names`, which are sorted): every key counted at once."""

        def counts(mask: NDArray[np.bool_] | None = None) -> list[int]:
            chosen = group if mask is None else group[mask]
            return list(np.bincount(chosen, minlength=len(names)).tolist())

        resolved = counts(self.resolved)
        # each key's resolution times, in order, one run after another
        done = np.flatnonzero(self.resolved)
        times = self.resolution_wd[done]
        times = times[np.lexsort((times, group[done]))].tolist()
        ends = np.cumsum(resolved).tolist()
        found = {}
        for g, (filed, due, on_time, overdue, escalated) in enumerate(
            zip(
                counts(),
                counts(self.is_due),
                counts(self.is_due & self.on_time),
                counts(self.overdue),
                counts(self.open & (self.level >= 1)),
                strict=True,
            )
        ):
            if not filed:
                continue
            found[names[g]] = _factor_figures(
                filed=filed,
                resolved=resolved[g],
                due=due,
                on_time=on_time,
                overdue_open=overdue,
                median=median_resolution_wd(times[ends[g] - resolved[g] : ends[g]]),
                escalated_open=escalated,
            )
        return found

    def view(self, k: int) -> RequestView:
        """Request `k` as `factors.view_request` gives it."""
        resolved = bool(self.resolved[k])
        return RequestView(
            request=self.item(k),
            resolved=resolved,
            open=not resolved,
            due=self.due_text.get(k) or self.table.sla_due[self.rows[k]],
            is_due=bool(self.is_due[k]),
            overdue=bool(self.overdue[k]),
            on_time=bool(self.on_time[k]),
            overdue_wd=int(self.overdue_wd[k]),
            level=int(self.level[k]),
            resolution_wd=int(self.resolution_wd[k]) if resolved else None,
        )


class _History(NamedTuple):
    """What the requests with a history (extended or escalated) have on as_of: the due in
    force then and on resolution, and the manual level; as lists, to set into the columns at
    once (`j`: a request's place among those filed by as_of)."""

    due_text: dict[int, str]  # j of each extended request: the due in force on as_of
    settled: list[int]  # j of each extended request that is resolved (by now or later)
    settled_dues: list[int]  # its due in force on the day it was resolved
    escalated: list[int]  # j of each escalated request
    levels: list[int]  # its manual level on as_of


def _history(table: RequestTable, chosen: list[int], chosen_at: Ints, text: str) -> _History:
    """The `_History` of the requests `chosen` (their rows of the table) that have one."""
    due_text: dict[int, str] = {}
    settled: list[int] = []
    settled_dues: list[int] = []
    escalated: list[int] = []
    levels: list[int] = []
    extensions, escalations = table.extensions, table.escalations
    sla_due, resolved_on = table.sla_due, table.resolved_on
    with_history = np.array(sorted(table.with_history), dtype=np.int64)
    for j in np.flatnonzero(np.isin(chosen_at, with_history)).tolist():
        k = chosen[j]
        changes = extensions[k]
        if changes:
            due_text[j] = in_force(changes, text, sla_due[k])
            resolved = resolved_on[k]
            if resolved is not None:
                settled.append(j)
                settled_dues.append(day_number(in_force(changes, resolved, sla_due[k])))
        if escalations[k]:
            escalated.append(j)
            levels.append(highest_level(escalations[k], text))
    return _History(due_text, settled, settled_dues, escalated, levels)


def _factor_figures(
    *,
    filed: int,
    resolved: int,
    due: int,
    on_time: int,
    overdue_open: int,
    median: Fraction | None,
    escalated_open: int,
) -> dict[str, Any]:
    """The factor figures of SPEC §6.4 as the document writes them, from their counts."""
    return {
        "filed": filed,
        "resolved": resolved,
        "closure_rate": half_even(resolved, filed, 10_000) if filed else None,
        "due": due,
        "on_time": on_time,
        "on_time_rate": half_even(on_time, due, 10_000) if due else None,
        "overdue_open": overdue_open,
        "median_resolution_wd": None if median is None else float(median),
        "open": filed - resolved,
        "escalated_open": escalated_open,
    }


DAYS_MARKED = 1 << 16
"""The distinct days of the requests' columns are found by marking them in an array as long
as the span of days when it is shorter than this (179 years), else by sorting."""


def _working_day_counts(at: AsOf, columns: list[NDArray[np.int64]], day: int) -> Any:
    """A function from day numbers to working days counted from a fixed origin (so that the
    working days in (a, b] are counts(b) - counts(a)), exact for the days in `columns`."""
    days = np.concatenate([*[c[c != NEVER] for c in columns], [day]])
    low, high = int(days.min()), int(days.max())
    if high - low < DAYS_MARKED:  # the distinct days, marked rather than sorted
        marked = np.zeros(high - low + 1, dtype=bool)
        marked[days - low] = True
        known = np.flatnonzero(marked) + low
    else:
        known = np.unique(days)
    counted = np.array(
        [at.working_days_count((EPOCH + dt.timedelta(days=int(d))).isoformat()) for d in known],
        dtype=np.int64,
    )

    def counts(days: NDArray[np.int64]) -> NDArray[np.int64]:
        where = np.searchsorted(known, np.where(days == NEVER, known[-1], days))
        return np.asarray(counted[np.minimum(where, len(known) - 1)])

    return counts


class Figures:
    """Every project registered by as_of, by code, with its figures as columns."""

    def __init__(self, projection: Projection, at: AsOf) -> None:
        self.at = at
        text = at.text
        projects = projection.projects
        self.projects = projects
        day = today_number(at.date)
        self.day = day
        by_code = np.array(projects.by_code(), dtype=np.int64)
        rows = by_code[numbers(projects.days["registered_on"])[by_code] <= day]
        order: list[int] = rows.tolist()
        self.order = order  # the projects' rows of the projection's `Projects`, by code
        self._columns: dict[str, list[Any]] = {}
        self._arrays: dict[str, Ints] = {}
        self._categories: dict[str, Categories] = {}
        n = len(order)
        days = {name: numbers(column)[rows] for name, column in projects.days.items()}
        self.registered_day = days["registered_on"]
        self.terminated_day = days["terminated_on"]
        self.terminated = days["terminated_on"] <= day
        self.listed = ~self.terminated
        self.plan = integers(
            [plan_in_force(revisions, text) for revisions in self.column("revisions")]
        )
        width = at.index + 1
        ledgers = projects.ledgers
        self.ytd_investment = year_to_date_all(ledger_matrix(ledgers, "investment", width))[rows]
        self.ytd_funds = year_to_date_all(ledger_matrix(ledgers, "funds", width))[rows]
        self.physical = physical_pct_all(ledger_matrix(ledgers, "pct", width))[rows]
        progress = at.progress
        self.spi_num = self.ytd_investment * progress.denominator
        self.spi_den = self.plan * progress.numerator
        self.milestone = {m: days[m] for m in MILESTONES}
        reached = {m: done <= day for m, done in self.milestone.items()}
        self.reached = reached
        stage = np.zeros(n, dtype=np.int64)
        for k, m in enumerate(MILESTONES, 1):
            stage = np.where(reached[m], k, stage)
        self.stage_code = np.where(self.terminated, len(STAGES) - 1, stage)
        self.new = np.array([c == "new" for c in self.column("category")], dtype=bool)
        self.planned_start = days["planned_start"]
        self.planned_completion = days["planned_completion"]
        started = reached["started"]
        late_start = self.listed & (self.planned_start < day) & ~started
        self.start_overdue_days = np.where(late_start, day - self.planned_start, 0)
        self.requests = Requests(projection, order, at, day)
        requests = self.requests
        self.open_factors = np.bincount(requests.owner[requests.open], minlength=n)
        self.overdue_factors = np.bincount(requests.owner[requests.overdue], minlength=n)
        worst = np.zeros(n, dtype=np.int64)
        np.maximum.at(worst, requests.owner, np.where(requests.open, requests.overdue_wd, 0))
        self.worst_overdue_wd = worst
        self._lights(worst)
        self._rows: dict[int, ProjectFigures] = {}

    def _lights(self, worst: NDArray[np.int64]) -> None:
        """`lights.project_light` of each listed project, and the three lights it is of."""
        self.investment_light = self._investment_lights()
        start_light = np.select(
            [self.start_overdue_days > 30, self.start_overdue_days >= 1], [RED, YELLOW], GREEN
        )
        factor_light = np.select([worst >= 6, worst >= 1], [RED, YELLOW], GREEN)
        self.start_light = start_light
        self.factor_light = factor_light
        worst_light = np.maximum(np.maximum(self.investment_light, start_light), factor_light)
        light = np.where(worst_light == NA, GREEN, worst_light)
        only_na = (self.investment_light == NA) & (start_light == GREEN) & (factor_light == GREEN)
        self.light = np.where(self.listed, np.where(only_na, NA, light), NA)

    def __len__(self) -> int:
        return len(self.order)

    def column(self, name: str) -> list[Any]:
        """One column of the projects (a field of PROJECT_FIELDS), by code (read once)."""
        found = self._columns.get(name)
        if found is None:
            found = self._columns[name] = picked(getattr(self.projects, name), self.order)
        return found

    def categories(self, name: str) -> Categories:
        """A text column of the projects as `categories` (read once)."""
        found = self._categories.get(name)
        if found is None:
            found = self._categories[name] = categories(self.column(name))
        return found

    @cached_property
    def states(self) -> list[ProjectState]:
        """A `ProjectState` view of each project, by code."""
        return [self.projects.view(row) for row in self.order]

    def _investment_lights(self) -> NDArray[np.int64]:
        """`lights.investment_light` of each project."""
        green, yellow = self.at.green, self.at.yellow
        num, den = self.spi_num, self.spi_den
        terms = (green.numerator, green.denominator, yellow.numerator, yellow.denominator)
        if max(terms) >= TERMS:
            num, den = num.astype(object), den.astype(object)
        at_green = num * green.denominator >= green.numerator * den
        at_yellow = num * yellow.denominator >= yellow.numerator * den
        return np.where(den == 0, NA, np.where(at_green, GREEN, np.where(at_yellow, YELLOW, RED)))

    @cached_property
    def ranks(self) -> list[int | None]:
        """`ranking.rank`: 1..n over the listed projects by unrounded spi (None for others)."""
        return [rank or None for rank in self.rank_numbers.tolist()]

    @cached_property
    def rank_numbers(self) -> NDArray[np.int64]:
        """`ranks` as a column, 0 for None."""
        listed = np.flatnonzero(self.listed)
        codes = self.column("code")
        order = rank_order(
            self.spi_num[listed], self.spi_den[listed], picked(codes, listed.tolist())
        )
        numbers = np.zeros(len(self.order), dtype=np.int64)
        numbers[listed[order]] = np.arange(1, len(order) + 1)
        return numbers

    def lagging(self) -> list[int]:
        """The projects whose light is red or yellow: the red ones first, each light's by
        rank."""
        light = self.light
        shown = np.flatnonzero((light == RED) | (light == YELLOW))
        return list(shown[np.lexsort((self.rank_numbers[shown], light[shown] != RED))].tolist())

    @cached_property
    def light_names(self) -> list[str]:
        return [LIGHTS[k] for k in self.light.tolist()]

    @cached_property
    def stages(self) -> list[str]:
        return [STAGES[k] for k in self.stage_code.tolist()]

    @cached_property
    def started_on(self) -> list[str | None]:
        return [
            done.get("started") if ok else None
            for done, ok in zip(
                self.column("milestones"), self.reached["started"].tolist(), strict=True
            )
        ]

    @cached_property
    def requests_of(self) -> list[list[int]]:
        """Each project's requests (their rows), in filing order."""
        of: list[list[int]] = [[] for _ in self.order]
        for k, row in enumerate(self.requests.owner.tolist()):
            of[row].append(k)
        return of

    @cached_property
    def late_of(self) -> dict[int, list[dict[str, Any]]]:
        """The factor reasons of each project (`reasons`): its requests past due by a working
        day or more (`overdue_wd`), the most overdue first, ties in filing order."""
        requests = self.requests
        late = np.flatnonzero(requests.overdue_wd > 0)
        late = late[np.lexsort((-requests.overdue_wd[late], requests.owner[late]))]
        rows = requests.owner[late].tolist()
        ids, categories = requests.table.id, requests.table.category
        of: dict[int, list[dict[str, Any]]] = {}
        for i, row, wd in zip(
            rows,
            picked(requests.rows, late.tolist()),
            requests.overdue_wd[late].tolist(),
            strict=True,
        ):
            of.setdefault(i, []).append(
                {
                    "kind": "factor",
                    "request": ids[row],
                    "category": categories[row],
                    "overdue_wd": wd,
                }
            )
        return of

    @cached_property
    def shown(self) -> dict[str, list[float | None]]:
        """investment_rate, gap_pp and spi of each project, rounded (`investment_columns`)."""
        return investment_columns(self.ytd_investment, self.plan, self.at.progress)

    @cached_property
    def _reason_columns(self) -> tuple[list[bool], list[int], list[int], list[int], list[int]]:
        """listed, the three lights and the start's overdue days, as lists (`reasons` reads
        them a project at a time)."""
        return (
            self.listed.tolist(),
            self.investment_light.tolist(),
            self.start_light.tolist(),
            self.factor_light.tolist(),
            self.start_overdue_days.tolist(),
        )

    @cached_property
    def _below(self) -> dict[int, float]:
        """The threshold a yellow or a red investment light is below."""
        lights = self.at.settings.lights
        return {YELLOW: float(lights.green), RED: float(lights.yellow)}

    def reasons(self, i: int) -> list[dict[str, Any]]:
        """Why project `i`'s light is not green (see `project.Reason`); none when unlisted."""
        listed, investment_light, start_light, factor_light, overdue_days = self._reason_columns
        if not listed[i]:
            return []
        reasons: list[dict[str, Any]] = []
        below = self._below.get(investment_light[i])
        if below is not None:  # a yellow or red investment light
            shown = self.shown
            reasons.append(
                {
                    "kind": "investment",
                    "investment_rate": shown["investment_rate"][i],
                    "spi": shown["spi"][i],
                    "below": below,
                }
            )
        if start_light[i] != GREEN:
            reasons.append(
                {
                    "kind": "start",
                    "overdue_days": overdue_days[i],
                    "planned_start": self.projects.planned_start[self.order[i]],
                }
            )
        if factor_light[i] != GREEN:  # new dicts: a caller may change the reasons it gets
            reasons.extend(dict(reason) for reason in self.late_of.get(i, ()))
        return reasons

    def target_actual(self, kind: TargetKind) -> Fraction | int | None:
        """The actual of a zone target of `kind`: `targets`' named functions over columns
        (`tests/unit/test_table.py` holds each to its function over the rows)."""
        listed = self.listed
        if kind is TargetKind.fixed_asset_investment:  # every registered project
            return Fraction(int(self.ytd_investment.sum()), YUAN_PER_WAN)
        if kind is TargetKind.industrial_projects_started:
            industrial = self._flags("industrial")
            industrial &= self._integers("total_investment") >= INDUSTRIAL_MIN
            return int(np.count_nonzero(listed & self._started_in_year & industrial))
        if kind is TargetKind.factory_area_started_m2:
            area = self._integers("factory_area")[listed & self._started_in_year]
            return Fraction(int(area.sum()), 100)
        tech = listed & self._tech_renovation  # `is_tech_renovation`
        if kind is TargetKind.tech_renovation_projects:
            return int(np.count_nonzero(tech))
        invested = int(self.ytd_investment[tech].sum())
        if kind is TargetKind.tech_renovation_investment:
            return Fraction(invested, YUAN_PER_WAN)
        if kind is TargetKind.tech_renovation_share:
            total = int(self.ytd_investment[listed].sum())
            return Fraction(invested, total) if total else None
        raise ValueError(f"no actual for the target kind {kind}")

    @cached_property
    def _tech_renovation(self) -> NDArray[np.bool_]:
        """`targets.is_tech_renovation` of each project."""
        flagged = self._flags("tech_renovation")
        return flagged & (self._integers("total_investment") >= TECH_RENOVATION_MIN)

    @cached_property
    def _started_in_year(self) -> NDArray[np.bool_]:
        """`targets.started_in_year` of each project: started by as_of, on or after 1 January
        of the campaign's year."""
        first = today_number(dt.date(self.at.campaign.year, 1, 1))
        return self.reached["started"] & (self.milestone["started"] >= first)

    def _flags(self, name: str) -> NDArray[np.bool_]:
        """A column of flags as a new array (the caller may change it)."""
        return np.array(self.column(name), dtype=bool).reshape(len(self.order))

    def _integers(self, name: str) -> Ints:
        """A column of integers as `integers` gives it (read once; not to be changed)."""
        found = self._arrays.get(name)
        if found is None:
            found = self._arrays[name] = integers(self.column(name))
        return found

    def row(self, i: int) -> ProjectFigures:
        """Project `i` as a `ProjectFigures` (what `project.project_figures` gives, ranked)."""
        found = self._rows.get(i)
        if found is None:
            physical = int(self.physical[i])
            found = ProjectFigures(
                state=self.states[i],
                listed=bool(self.listed[i]),
                terminated=bool(self.terminated[i]),
                plan=int(self.plan[i]),
                ytd_investment=int(self.ytd_investment[i]),
                ytd_funds=int(self.ytd_funds[i]),
                spi_num=int(self.spi_num[i]),
                spi_den=int(self.spi_den[i]),
                physical_hundredths=None if physical < 0 else physical,
                stage=self.stages[i],
                started_on=self.started_on[i],
                start_overdue_days=int(self.start_overdue_days[i]),
                requests=[self.requests.view(k) for k in self.requests_of[i]],
                light=self.light_names[i],  # type: ignore[arg-type]
                reasons=self.reasons(i),
                rank=self.ranks[i],
            )
            self._rows[i] = found
        return found

    def __iter__(self) -> Iterator[ProjectFigures]:
        return (self.row(i) for i in range(len(self.order)))
