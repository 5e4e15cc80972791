"""The projection: the campaign's state as known at a cut of the log (SPEC §5).

Per project: the plan and its revisions, a day-by-day ledger of investment, funds and physical
progress (as corrected) for the campaign year, milestones, termination, and every factor
request with its history. Which days have a report at all is read from the ledgers
(`has_report`: a report of 0 investment is still a report, and the 未报送 lists need it).
Dates are ISO text (they order as dates do), each also kept as a day number for the figures
over arrays (`day_number`, one date built per distinct text), money integer yuan, percentages
integer hundredths: the fold builds no Decimal and no pydantic model. Which revision or
extension is in force on a day is `campaign.domain.history.in_force`.

It is kept in columns: `Projects` and `Requests` hold a list per field and a row per project
or request, `ProjectState` and `RequestState` are views of a row, and `Ledgers` holds every
project's day ledgers in one block.
"""

from __future__ import annotations

import datetime as dt
import mmap
from array import array
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from campaign.domain.settings import Amendment, CampaignSettings, settings_on
from campaign.domain.time import DEFAULT_TIMEZONE
from campaign.domain.values import Lights, Target
from campaign.domain.vocabulary import Milestone

if TYPE_CHECKING:
    from collections.abc import KeysView, Sequence
    from typing import Protocol

    class Ledger(Protocol):
        """A day ledger: an array, or a view of one in the ledgers' mapping."""

        def __getitem__(self, i: int, /) -> int: ...
        def __setitem__(self, i: int, value: int, /) -> None: ...


NO_PCT = -1
"""A day of the physical-progress ledger with no report that gives one."""

ZERO_REPORT = -2
"""A day of the physical-progress ledger whose report gives no physical % and 0 investment:
such a report leaves no other trace in the ledgers (a day without any report reads 0, 0,
NO_PCT), so it marks its day here. Like NO_PCT, it is not a physical %."""


NEVER = 2**63 - 1
"""The day number of a date not given (a milestone not reached, no termination, no
resolution): later than any day."""

EPOCH = dt.date(1970, 1, 1)

_NUMBERS: dict[str, int] = {}


def day_number(text: str | None) -> int:
    """An ISO date as a day number (days since 1970-01-01); None as NEVER."""
    if text is None:
        return NEVER
    number = _NUMBERS.get(text)
    if number is None:
        number = _NUMBERS[text] = (dt.date.fromisoformat(text) - EPOCH).days
    return number


def cents(text: str) -> int:
    """'120.50' -> 12050 (the stored form always has two places; anything else is parsed)."""
    if len(text) > 3 and text[-3] == ".":
        return int(text[:-3] + text[-2:])
    return int((Decimal(text) * 100).to_integral_value())


def _dates(days: list[str] | None) -> tuple[dt.date, ...] | None:
    return None if days is None else tuple(dt.date.fromisoformat(d) for d in days)


@dataclass(slots=True)
class CampaignInfo:
    name: str
    year: int
    start: dt.date
    end: dt.date
    opening: CampaignSettings
    timezone: str
    simulated: bool
    amendments: list[Amendment] = field(default_factory=list)

    @classmethod
    def opened(cls, e: dict[str, Any]) -> CampaignInfo:
        """From the campaign's Opened event, as stored."""
        return cls(
            name=e["name"],
            year=e["year"],
            start=dt.date.fromisoformat(e["start"]),
            end=dt.date.fromisoformat(e["end"]),
            opening=CampaignSettings(
                checkpoints=_dates(e.get("checkpoints")) or (),
                holidays=_dates(e.get("holidays")) or (),
                workdays=_dates(e.get("workdays")) or (),
                sla_days=dict(e.get("sla_days", {})),
                targets=tuple(Target.model_validate(t) for t in e.get("targets", ())),
                lights=Lights.model_validate(e.get("lights", {})),
            ),
            timezone=e.get("timezone", DEFAULT_TIMEZONE),
            simulated=e.get("simulated", False),
        )

    def amend(self, e: dict[str, Any]) -> None:
        """Take an Amended event, as stored."""
        targets, lights = e.get("targets"), e.get("lights")
        self.amendments.append(
            Amendment(
                date=dt.date.fromisoformat(e["date"]),
                checkpoints=_dates(e.get("checkpoints")),
                holidays=_dates(e.get("holidays")),
                workdays=_dates(e.get("workdays")),
                sla_days=e.get("sla_days"),
                targets=None
                if targets is None
                else tuple(Target.model_validate(t) for t in targets),
                lights=None if lights is None else Lights.model_validate(lights),
            )
        )

    def settings_on(self, day: dt.date) -> CampaignSettings:
        """The settings in force on `day`."""
        return settings_on(self.opening, self.amendments, day)

    def every_checkpoint(self) -> set[dt.date]:
        """Every checkpoint day the campaign has named, at opening or since."""
        days = set(self.opening.checkpoints)
        for amendment in self.amendments:
            days.update(amendment.checkpoints or ())
        return days


REQUEST_FIELDS = (
    "id",
    "code",
    "category",
    "detail",
    "filed_on",
    "sla_due",
    "extensions",
    "escalations",
    "resolved_on",
    "outcome",
)
"""A request's state: the columns of `Requests`, in the order snapshots keep them."""

REQUEST_DAYS = ("filed_on", "sla_due", "resolved_on")
"""The request dates also kept as day numbers."""


V = TypeVar("V")


class Rows(Generic[V]):
    """A table's rows by key (a project's code, a request's id), read as a mapping from the
    key to a view of the row (`view`)."""

    row_of: dict[str, int]

    def view(self, row: int) -> V:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.row_of)

    def __getitem__(self, key: str) -> V:
        return self.view(self.row_of[key])

    def __contains__(self, key: object) -> bool:
        return key in self.row_of

    def get(self, key: str) -> V | None:
        row = self.row_of.get(key)
        return None if row is None else self.view(row)

    def keys(self) -> KeysView[str]:
        return self.row_of.keys()

    def values(self) -> list[V]:
        return [self.view(row) for row in range(len(self.row_of))]


class Requests(Rows["RequestState"]):
    """Every factor request filed in the log, as columns (one list per field of
    REQUEST_FIELDS, a row per request in filing order), with a `RequestState` view of each
    row; a mapping from request id to that view."""

    def __init__(self) -> None:
        self.row_of: dict[str, int] = {}
        self.id: list[str] = []
        self.code: list[str] = []
        self.category: list[str] = []
        self.detail: list[str] = []
        self.filed_on: list[str] = []
        self.sla_due: list[str] = []
        self.extensions: list[list[tuple[str, str]]] = []  # (in force from, due), log order
        self.escalations: list[list[tuple[str, int]]] = []  # (date, level)
        self.resolved_on: list[str | None] = []
        self.outcome: list[str | None] = []
        # for the figures over arrays: the same dates as day numbers (`day_number`), each
        # request's project (its row of `Projects`, -1 for none) and the rows of the requests
        # extended or escalated
        self.days: dict[str, array[int]] = {name: array("q") for name in REQUEST_DAYS}
        self.project: array[int] = array("q")
        self.with_history: set[int] = set()

    def file(self, e: dict[str, Any], project: int = -1) -> int:
        """A request from its Filed event, as stored, of the project at row `project`; its
        row. Every field is read before a column grows, so a malformed event changes
        nothing."""
        request_id, code, category, detail = e["request_id"], e["code"], e["category"], e["detail"]
        date, due = e["date"], e["due"]
        filed_day, due_day = day_number(date), day_number(due)
        row = len(self.id)
        self.id.append(request_id)
        self.code.append(code)
        self.category.append(category)
        self.detail.append(detail)
        self.filed_on.append(date)
        self.sla_due.append(due)
        self.extensions.append([])
        self.escalations.append([])
        self.resolved_on.append(None)
        self.outcome.append(None)
        days = self.days
        days["filed_on"].append(filed_day)
        days["sla_due"].append(due_day)
        days["resolved_on"].append(NEVER)
        self.project.append(project)
        self.row_of[request_id] = row
        return row

    def extend(self, row: int, date: str, due: str) -> None:
        self.extensions[row].append((date, due))
        self.with_history.add(row)

    def escalate(self, row: int, date: str, level: int) -> None:
        self.escalations[row].append((date, level))
        self.with_history.add(row)

    def resolve(self, row: int, date: str, outcome: str) -> None:
        self.resolved_on[row] = date
        self.outcome[row] = outcome
        self.days["resolved_on"][row] = day_number(date)

    def restore(
        self, columns: dict[str, Any], days: dict[str, array[int]], project: array[int]
    ) -> None:
        """Every column as a snapshot keeps it: the fields of REQUEST_FIELDS, the day numbers
        of REQUEST_DAYS and each request's project row."""
        for name in REQUEST_FIELDS:
            setattr(self, name, columns[name])
        self.days = {name: days[name] for name in REQUEST_DAYS}
        self.project = project
        self.with_history = {
            row
            for row, (extended, escalated) in enumerate(
                zip(self.extensions, self.escalations, strict=True)
            )
            if extended or escalated
        }
        self.row_of = {request_id: row for row, request_id in enumerate(self.id)}

    def columns(self) -> dict[str, Any]:
        """The fields of REQUEST_FIELDS (the day numbers and project rows are kept apart)."""
        return {name: getattr(self, name) for name in REQUEST_FIELDS}

    def view(self, row: int) -> RequestState:
        return RequestState.at(self, row)


def _column(name: str, *, settable: bool = True) -> property:
    """A field of a view: the view's row of its table's column `name` (not `settable`: a
    key, which the table's index holds)."""

    def get(view: Any) -> Any:
        return getattr(view.table, name)[view.row]

    def put(view: Any, value: Any) -> None:
        getattr(view.table, name)[view.row] = value

    return property(get, put if settable else None, doc=f"The {name} of this row.")


def _date_column(name: str) -> property:
    """A date field of a view (a project's or a request's): setting it sets its day number in
    the table's `days` too."""

    def get(view: Any) -> Any:
        return getattr(view.table, name)[view.row]

    def put(view: Any, value: str | None) -> None:
        getattr(view.table, name)[view.row] = value
        view.table.days[name][view.row] = day_number(value)

    return property(get, put, doc=f"The {name} of this row.")


def _request_history(name: str) -> property:
    """The extensions or escalations of a request view: setting them keeps `with_history`."""

    def get(view: Any) -> Any:
        return getattr(view.table, name)[view.row]

    def put(view: Any, value: list[Any]) -> None:
        table = view.table
        getattr(table, name)[view.row] = value
        if table.extensions[view.row] or table.escalations[view.row]:
            table.with_history.add(view.row)
        else:
            table.with_history.discard(view.row)

    return property(get, put, doc=f"The {name} of this row.")


T = TypeVar("T")


class RowView(Generic[T]):
    """A view of one row of a table (`Projects`, `Requests`): equal to another view of the
    same row of the same table."""

    __slots__ = ("row", "table")
    table: T
    row: int

    @classmethod
    def at(cls, table: T, row: int) -> Self:
        view = cls.__new__(cls)
        view.table = table
        view.row = row
        return view

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and (other.table, other.row) == (self.table, self.row)

    def __hash__(self) -> int:
        return hash((id(self.table), self.row))


class RequestState(RowView["Requests"]):
    """A factor request and its history, as known at the cut: a row of `Requests`.

    Its fields read the table's columns; a list read (the extensions, the escalations) is the
    column's own, so it is changed through `Requests` (`extend`, `escalate`, `resolve`), or
    set whole, never in place."""

    __slots__ = ()

    def __init__(
        self, *, request_id: str, code: str, category: str, detail: str, filed_on: str, sla_due: str
    ) -> None:
        """A request of its own (a table of one row)."""
        self.table = Requests()
        self.row = self.table.file(
            {
                "request_id": request_id,
                "code": code,
                "category": category,
                "detail": detail,
                "date": filed_on,
                "due": sla_due,
            }
        )

    id = _column("id", settable=False)
    code = _column("code")
    category = _column("category")
    detail = _column("detail")
    filed_on = _date_column("filed_on")
    sla_due = _date_column("sla_due")
    extensions = _request_history("extensions")
    escalations = _request_history("escalations")
    resolved_on = _date_column("resolved_on")
    outcome = _column("outcome")


PROJECT_FIELDS = (
    "code",
    "name",
    "sector",
    "category",
    "unit",
    "leader",
    "total_investment",
    "registered_on",
    "planned_start",
    "planned_completion",
    "industrial",
    "tech_renovation",
    "factory_area",
    "milestones",
    "terminated_on",
    "revisions",
)
"""A project's facts: columns of `Projects`, in the order snapshots keep them (its ledgers and
requests aside)."""

PROJECT_DAYS = (
    "registered_on",
    "planned_start",
    "planned_completion",
    "terminated_on",
    *(m.value for m in Milestone),
)
"""The project dates also kept as day numbers: its own, and each milestone's."""

LEDGERS = ("investment", "funds", "pct")
"""A project's day ledgers: investment and funds in yuan, physical % in hundredths."""


class Ledgers:
    """Every project's day ledgers: for each of LEDGERS a block of 64-bit integers, `days` of
    them per project (row r's day i at r × days + i), the three blocks in one anonymous
    mapping. Rows are added as projects register; a full mapping is copied into one twice its
    size (`reserve` maps one of the size asked for).

    The mapping is private, in small pages (`_anonymous`). The two-process fold asks for a
    shared one (`reserve(..., shared=True)`), so that a forked second process writes into the
    same pages, and the ledgers stay shared as they grow after it."""

    def __init__(self, days: int, capacity: int = 64) -> None:
        self.days = days
        self.rows = 0
        self.filled = 0  # rows whose physical % ledger is set to NO_PCT
        self.capacity = 0
        self.shared = False
        self.memory: mmap.mmap | None = None
        self.investment = self.funds = self.pct = memoryview(bytearray(8)).cast("q")[:0]
        self._empty_pct = array("q", [NO_PCT]) * days
        self._map(max(1, capacity), shared=False)

    def _map(self, capacity: int, *, shared: bool) -> None:
        """Move to a mapping of `capacity` rows, keeping the rows there are."""
        size = capacity * self.days
        memory = _anonymous(max(8, 3 * size * 8), shared=shared)
        whole = memoryview(memory).cast("q")
        blocks = (whole[:size], whole[size : 2 * size], whole[2 * size : 3 * size])
        used = max(self.rows, self.filled) * self.days
        if used:
            for block, kept in zip(blocks, (self.investment, self.funds, self.pct), strict=True):
                block[:used] = kept[:used]
        self.investment, self.funds, self.pct = blocks
        self.memory = memory
        self.capacity = capacity
        self.shared = shared

    def add(self) -> int:
        """A new row (its ledgers empty); its number."""
        row = self.rows
        if row == self.capacity:
            self._map(2 * self.capacity, shared=self.shared)
        if row >= self.filled:
            self.pct[row * self.days : (row + 1) * self.days] = self._empty_pct
            self.filled = row + 1
        self.rows = row + 1
        return row

    def reserve(self, rows: int, *, set_empty: bool = True, shared: bool = False) -> None:
        """Room for `rows` rows in all, their physical % ledgers set already: adding them
        writes nothing and maps nothing (a forked process adds the same rows); with `shared`,
        in a mapping a forked process shares. Without `set_empty`, the caller sets every day
        of the new rows' physical % ledgers itself."""
        if rows > self.capacity or (shared and not self.shared):
            self._map(max(rows, self.capacity), shared=shared or self.shared)
        days = self.days
        if set_empty:
            for row in range(self.filled, rows):
                self.pct[row * days : (row + 1) * days] = self._empty_pct
        self.filled = max(self.filled, rows)

    def ledger(self, name: str, row: int) -> memoryview:
        """One ledger of one row (a view: writing to it writes the block)."""
        block: memoryview = getattr(self, name)
        return block[row * self.days : (row + 1) * self.days]

    def used(self, name: str) -> memoryview:
        """One block's rows there are."""
        block: memoryview = getattr(self, name)
        return block[: self.rows * self.days]


class Projects(Rows["ProjectState"]):
    """Every project registered in the log, as columns (one list per field of PROJECT_FIELDS,
    a row per project in registration order), their day ledgers (`Ledgers`) and their
    requests' rows in `requests`; a mapping from code to a `ProjectState` view of a row."""

    def __init__(self, days: int, requests: Requests | None = None) -> None:
        self.ledgers = Ledgers(days)
        self.request_table = Requests() if requests is None else requests
        self.row_of: dict[str, int] = {}
        self.code: list[str] = []
        self.name: list[str] = []
        self.sector: list[str] = []
        self.category: list[str] = []
        self.unit: list[str] = []
        self.leader: list[str] = []
        self.total_investment: list[int] = []
        self.registered_on: list[str] = []
        self.planned_start: list[str | None] = []
        self.planned_completion: list[str | None] = []
        self.industrial: list[bool] = []
        self.tech_renovation: list[bool] = []
        self.factory_area: list[int] = []  # m², hundredths
        self.milestones: list[dict[str, str]] = []
        self.terminated_on: list[str | None] = []
        # The registered plan, then each revision (in force from, plan), in log order.
        self.revisions: list[list[tuple[str, int]]] = []
        self.requests: list[list[int]] = []  # rows of `request_table`, in filing order
        # the dates as day numbers (`day_number`), for the figures over arrays
        self.days: dict[str, array[int]] = {name: array("q") for name in PROJECT_DAYS}
        self._by_code: list[int] | None = None

    def register(self, e: dict[str, Any]) -> int:
        """A project from its Registered event, as stored, with empty ledgers; its row. Every
        field is read before a column grows, so a malformed event changes nothing."""
        code, name, sector, category = e["code"], e["name"], e["sector"], e["category"]
        unit, leader, total, date = e["unit"], e["leader"], e["total_investment_yuan"], e["date"]
        plan, area = e["annual_plan_yuan"], e.get("factory_area_m2")
        planned_start, planned_completion = e.get("planned_start"), e.get("planned_completion")
        industrial, tech = e.get("industrial", False), e.get("tech_renovation", False)
        factory_area = cents(area) if area is not None else 0
        numbers = (day_number(date), day_number(planned_start), day_number(planned_completion))
        row = self.ledgers.add()
        self.code.append(code)
        self.name.append(name)
        self.sector.append(sector)
        self.category.append(category)
        self.unit.append(unit)
        self.leader.append(leader)
        self.total_investment.append(total)
        self.registered_on.append(date)
        self.planned_start.append(planned_start)
        self.planned_completion.append(planned_completion)
        self.industrial.append(industrial)
        self.tech_renovation.append(tech)
        self.factory_area.append(factory_area)
        self.milestones.append({})
        self.terminated_on.append(None)
        self.revisions.append([("", plan)])
        self.requests.append([])
        for days, number in zip(self.days.values(), (*numbers, *[NEVER] * 5), strict=True):
            days.append(number)
        self.row_of[code] = row
        self._by_code = None
        return row

    def reach(self, row: int, milestone: str, date: str) -> None:
        """Project `row` reached `milestone` on `date`."""
        self.milestones[row][milestone] = date
        self.days[milestone][row] = day_number(date)

    def terminate(self, row: int, date: str) -> None:
        self.terminated_on[row] = date
        self.days["terminated_on"][row] = day_number(date)

    def by_code(self) -> list[int]:
        """Every row, by code (sorted once)."""
        if self._by_code is None:
            self._by_code = sorted(range(len(self.code)), key=self.code.__getitem__)
        return self._by_code

    def restore(self, columns: dict[str, Any], days: dict[str, array[int]]) -> None:
        """Every column as a snapshot keeps it: the fields of PROJECT_FIELDS, the requests'
        rows and the day numbers of PROJECT_DAYS (the ledgers' rows added apart)."""
        for name in (*PROJECT_FIELDS, "requests"):
            setattr(self, name, columns[name])
        self.days = {name: days[name] for name in PROJECT_DAYS}
        self.row_of = {code: row for row, code in enumerate(self.code)}
        self._by_code = None

    def columns(self) -> dict[str, Any]:
        """The fields of PROJECT_FIELDS and the requests' rows (the day numbers kept apart)."""
        return {name: getattr(self, name) for name in (*PROJECT_FIELDS, "requests")}

    def view(self, row: int) -> ProjectState:
        return ProjectState.at(self, row)


def _milestones() -> property:
    """The milestones of a project view: setting them sets their day numbers too."""

    def get(view: Any) -> dict[str, str]:
        found: dict[str, str] = view.table.milestones[view.row]
        return found

    def put(view: Any, value: dict[str, str]) -> None:
        view.table.milestones[view.row] = dict(value)
        for m in Milestone:
            view.table.days[m.value][view.row] = day_number(value.get(m.value))

    return property(get, put, doc="The milestones reached, by name: their dates.")


def _ledger(name: str) -> property:
    """A day ledger of a view: its row of the block (writing to it writes the block)."""

    def get(view: Any) -> memoryview:
        ledger: memoryview = view.table.ledgers.ledger(name, view.row)
        return ledger

    def put(view: Any, value: Sequence[int]) -> None:
        view.table.ledgers.ledger(name, view.row)[:] = array("q", value)

    return property(get, put, doc=f"The {name} ledger of this row.")


class ProjectState(RowView["Projects"]):
    """One project as known at the cut (dates ISO text, money integer yuan): a row of
    `Projects`.

    Its fields read the table's columns; a dict or list read (the milestones, the revisions)
    is the column's own, so it is changed through `Projects` (`reach`, `terminate`), or set
    whole, never in place. A ledger read is a view of the block as it is mapped then: a
    registration that maps a larger block leaves it behind, so it is read again after one."""

    __slots__ = ()

    def __init__(self, e: dict[str, Any], days: int) -> None:
        """A project of its own (a table of one row), from its Registered event as stored."""
        self.table = Projects(days)
        self.row = self.table.register(e)

    @property
    def requests(self) -> list[RequestState]:
        """Its factor requests, in filing order."""
        table = self.table.request_table
        return [RequestState.at(table, k) for k in self.table.requests[self.row]]

    code = _column("code", settable=False)
    name = _column("name")
    sector = _column("sector")
    category = _column("category")
    unit = _column("unit")
    leader = _column("leader")
    total_investment = _column("total_investment")
    registered_on = _date_column("registered_on")
    planned_start = _date_column("planned_start")
    planned_completion = _date_column("planned_completion")
    industrial = _column("industrial")
    tech_renovation = _column("tech_renovation")
    factory_area = _column("factory_area")
    milestones = _milestones()
    terminated_on = _date_column("terminated_on")
    revisions = _column("revisions")
    investment = _ledger("investment")
    funds = _ledger("funds")
    pct = _ledger("pct")


def _anonymous(size: int, *, shared: bool) -> mmap.mmap:
    """`size` bytes of zeros: shared with forked processes, or private.

    Not on huge pages, though folding and restoring touch every page: in a fresh process on
    this virtual machine, the first touch of 333 MB (37,975 projects' ledgers) took 0.04 to
    0.79 s on huge pages and 0.10 to 0.11 s on small ones, and a cold checkpoint of a
    3M-event store 1.00 to 1.69 s against 1.02 to 1.09 s. A huge page comes from the kernel's
    free blocks of 2 MiB and more, the blocks a balloon driver hands back to the host, which
    must then find memory for each again."""
    if shared or not hasattr(mmap, "MAP_PRIVATE"):
        return mmap.mmap(-1, size)
    return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)


def record_day(
    investment: Ledger,
    funds: Ledger,
    pct: Ledger,
    i: int,
    e: dict[str, Any],
) -> None:
    """A daily report's values, as stored, into day `i` of a project's ledgers (a report
    gives investment and perhaps the others; a correction gives only what it changes)."""
    record_values(
        investment,
        funds,
        pct,
        i,
        e.get("investment_yuan"),
        e.get("funds_yuan"),
        e.get("physical_pct"),
    )


def record_values(  # noqa: PLR0917 (positional: called once a correction)
    investment: Ledger,
    funds: Ledger,
    pct: Ledger,
    i: int,
    invested: int | None,
    funded: int | None,
    physical: float | None,
    /,
) -> None:
    """`record_day` of a report's values, each None where the report does not give it (by
    position: the two-process fold calls it once for each correction; its reports are
    folded by `campaign.read.fold.reporter`, which writes the same out)."""
    if invested is not None:
        investment[i] = invested
        if not invested and pct[i] == NO_PCT:  # a report of 0 (or a correction to 0) marks its day
            pct[i] = ZERO_REPORT
    if funded is not None:
        funds[i] = funded
    if physical is not None:
        pct[i] = round(physical * 100)


def has_report(state: ProjectState, i: int) -> bool:
    """Day `i` has a report (as corrected): any trace in the ledgers (see ZERO_REPORT)."""
    return bool(state.investment[i] != 0 or state.funds[i] != 0 or state.pct[i] != NO_PCT)


def last_report(state: ProjectState, index: int) -> int | None:
    """The index of the last day with a report on or before day `index`; None for none."""
    for i in range(index, -1, -1):
        if has_report(state, i):
            return i
    return None


def days_with_report(state: ProjectState, first: int, last: int) -> int:
    """How many days from day `first` through day `last` have a report."""
    return sum(1 for i in range(first, last + 1) if has_report(state, i))


def reported_between(state: ProjectState, first: int, last: int) -> bool:
    """Some day from day `first` through day `last` has a report (`has_report`, a ledger at
    a time: the office asks this of every project over weeks)."""
    days = slice(first, last + 1)
    pct = state.pct[days].tolist()
    return any(state.investment[days]) or any(state.funds[days]) or pct.count(NO_PCT) < len(pct)


@dataclass
class Projection:
    """Everything the queries need, folded from the log up to `position`."""

    campaign: CampaignInfo | None = None
    opened: dict[str, Any] | None = None  # the campaign's Opened event, as stored
    amended: list[dict[str, Any]] = field(default_factory=list)  # its Amended events, as stored
    requests: Requests = field(default_factory=Requests)
    projects: Projects = field(default_factory=lambda: Projects(0))
    publications: list[dict[str, Any]] = field(default_factory=list)
    position: int = 0
    day_index: dict[str, int] = field(default_factory=dict)

    @property
    def year_days(self) -> int:
        return len(self.day_index)

    def date_of(self, index: int) -> str:
        """The ISO date of the day at `index` in the ledgers (the inverse of `index_of`)."""
        assert self.campaign is not None
        return (dt.date(self.campaign.year, 1, 1) + dt.timedelta(days=index)).isoformat()

    def index_of(self, day: dt.date) -> int:
        """Day-of-year index of `day` (clamped to the campaign year)."""
        assert self.campaign is not None
        first = dt.date(self.campaign.year, 1, 1)
        return max(0, min((day - first).days, self.year_days - 1))

    def open(self, e: dict[str, Any]) -> None:
        """Open the campaign (its Opened event, as stored): the year's days and its settings."""
        first = dt.date(e["year"], 1, 1)
        days = (dt.date(e["year"] + 1, 1, 1) - first).days
        self.day_index.clear()
        self.day_index.update({(first + dt.timedelta(days=i)).isoformat(): i for i in range(days)})
        self.campaign = CampaignInfo.opened(e)
        self.opened = e
        self.projects = Projects(days, self.requests)

    def amend(self, e: dict[str, Any]) -> None:
        """Amend the campaign's settings (its Amended event, as stored)."""
        assert self.campaign is not None
        self.campaign.amend(e)
        self.amended.append(e)
