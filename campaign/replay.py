"""The replay core: fold the log, in its global order and cut at `known_at`, into projection state.

The store's rows are read in large batches and decoded with orjson straight into compact
per-project state: a day-by-day ledger of investment, funds and physical progress (as corrected)
for the campaign year, the plan history, milestones, termination, and every factor request with
its history. Any `as_of` is then answered from that state without reading the log again.

This module is the hot path of every query: it avoids pydantic and Decimal per event. Money
arrives as decimal text with exactly two places (how the events are written) and is kept as
integer hundredths.
"""

from __future__ import annotations

import datetime as dt
import gc
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

import orjson
from eventsourcing.utils import get_topic

from campaign.calendar import WorkCalendar
from campaign.codec import current_schema, upcast
from campaign.domain import (
    Campaign,
    DailyReport,
    FactorKey,
    FactorRequest,
    Project,
    Publication,
    format_recorded,
)
from campaign.values import DEFAULT_SLA_DAYS, Lights, Target

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from campaign.snapshots import SnapshotStore

Row = tuple[str | None, bytes]  # topic (None: the elided topic, a daily report), state


def elided() -> str | None:
    """The topic the reader may leave out (the fold knows it by its absence): the daily
    report, unless its events have a newer version and old states need upcasting."""
    topic = get_topic(DailyReport.Reported)
    return topic if current_schema(topic) == 1 else None


NO_PCT = -1


def cents(text: str) -> int:
    """'120.50' -> 12050 (the stored form always has two places; anything else is parsed)."""
    if len(text) > 3 and text[-3] == ".":
        return int(text[:-3] + text[-2:])
    return int((Decimal(text) * 100).to_integral_value())


@dataclass(slots=True)
class CampaignInfo:
    name: str
    year: int
    start: dt.date
    end: dt.date
    checkpoints: tuple[dt.date, ...]
    calendar: WorkCalendar
    sla_days: dict[str, int]
    targets: tuple[Target, ...]
    lights: Lights
    timezone: str
    simulated: bool

    def sla_for(self, category: str) -> int:
        return self.sla_days.get(category, DEFAULT_SLA_DAYS)


class RequestState:
    """A factor request and its history, as known at the cut."""

    __slots__ = (
        "category",
        "code",
        "detail",
        "escalations",
        "extensions",
        "filed_on",
        "id",
        "outcome",
        "resolved_on",
        "sla_due",
    )

    def __init__(
        self, *, request_id: str, code: str, category: str, detail: str, filed_on: str, sla_due: str
    ) -> None:
        self.id = request_id
        self.code = code
        self.category = category
        self.detail = detail
        self.filed_on = filed_on
        self.sla_due = sla_due
        self.extensions: list[tuple[str, str]] = []  # (in force from, due), in log order
        self.escalations: list[tuple[str, int]] = []  # (date, level)
        self.resolved_on: str | None = None
        self.outcome: str | None = None

    def due_on(self, day: str) -> str:
        """The due date in force on `day`: the extension with the greatest date <= day (ties:
        the later in the log), else the SLA due date."""
        due = self.sla_due
        best = ""
        for since, extended in self.extensions:
            if since <= day and since >= best:
                best, due = since, extended
        return due


class ProjectState:
    """One project as known at the cut; dates are ISO text, money integer hundredths."""

    __slots__ = (
        "category",
        "code",
        "factory_area",
        "funds",
        "industrial",
        "investment",
        "leader",
        "milestones",
        "name",
        "pct",
        "planned_completion",
        "planned_start",
        "registered_on",
        "requests",
        "revisions",
        "sector",
        "tech_renovation",
        "terminated_on",
        "total_investment",
        "unit",
    )

    def __init__(self, e: dict[str, Any], days: int) -> None:
        self.code: str = e["code"]
        self.name: str = e["name"]
        self.sector: str = e["sector"]
        self.category: str = e["category"]
        self.unit: str = e["unit"]
        self.leader: str = e["leader"]
        self.total_investment: int = e["total_investment_yuan"]
        self.registered_on: str = e["date"]
        self.planned_start: str | None = e.get("planned_start")
        self.planned_completion: str | None = e.get("planned_completion")
        self.industrial: bool = e.get("industrial", False)
        self.tech_renovation: bool = e.get("tech_renovation", False)
        area = e.get("factory_area_m2")
        self.factory_area = cents(area) if area is not None else 0
        self.revisions: list[tuple[str, int]] = [("", e["annual_plan_yuan"])]
        self.investment = array("q", bytes(8 * days))
        self.funds = array("q", bytes(8 * days))
        self.pct = array("q", [NO_PCT]) * days
        self.milestones: dict[str, str] = {}
        self.terminated_on: str | None = None
        self.requests: list[RequestState] = []

    def plan_on(self, day: str) -> int:
        """The plan in force on `day`: the revision with the greatest date <= day (ties: the
        later in the log), else the registered plan."""
        plan = self.revisions[0][1]
        best = ""
        for since, value in self.revisions[1:]:
            if since <= day and since >= best:
                best, plan = since, value
        return plan


@dataclass
class Projection:
    """Everything the queries need, folded from the log up to `position`."""

    campaign: CampaignInfo | None = None
    opened: dict[str, Any] | None = None  # the campaign's Opened event, as stored
    projects: dict[str, ProjectState] = field(default_factory=dict)
    requests: dict[str, RequestState] = field(default_factory=dict)
    publications: list[dict[str, Any]] = field(default_factory=list)
    position: int = 0
    day_index: dict[str, int] = field(default_factory=dict)

    @property
    def year_days(self) -> int:
        return len(self.day_index)

    def index_of(self, day: dt.date) -> int:
        """Day-of-year index of `day` (clamped to the campaign year)."""
        assert self.campaign is not None
        first = dt.date(self.campaign.year, 1, 1)
        return max(0, min((day - first).days, self.year_days - 1))


Handler = Callable[[dict[str, Any]], None]


class Folder:
    """Folds decoded events into a Projection: one small function per event type.

    The handlers are closures over the projection's dictionaries (no attribute lookups per
    event), and the daily report, nine events in ten, converts its money inline.
    """

    def __init__(self, projection: Projection | None = None) -> None:
        self.p = projection or Projection()
        t = get_topic
        self.handlers: dict[str, Handler] = {
            **_report_handlers(self.p),
            **_project_handlers(self.p),
            **_request_handlers(self.p),
            t(Publication.Published): self.p.publications.append,
        }
        for topic, handler in list(self.handlers.items()):
            if current_schema(topic) > 1:  # old states in the log are upcast first
                self.handlers[topic] = _upcasting(topic, handler)
        self.ignored = {t(FactorKey.Assigned)}

    def open(self, opened: dict[str, Any]) -> None:
        """Apply the campaign's opening event (when restoring a snapshot)."""
        self.handlers[get_topic(Campaign.Opened)](opened)

    def fold(self, batches: Iterable[list[Row]]) -> int:
        """Fold batches of (topic, state) rows in log order; returns how many were read.

        The daily report (nine events in ten) comes with no topic (the reader leaves out the
        topic `elided` names) and is folded inline: no handler call, and its money is already
        whole yuan. Nothing here makes reference cycles, so the cyclic collector is paused.
        """
        handlers = self.handlers
        loads = orjson.loads
        projects = self.p.projects
        day_index = self.p.day_index
        count = 0
        collecting = gc.isenabled()
        gc.disable()
        try:
            for batch in batches:
                count += len(batch)
                for topic, state in batch:
                    e = loads(state)
                    if topic is None:  # a daily report (see `elided`)
                        project = projects[e["code"]]
                        i = day_index[e["date"]]
                        project.investment[i] = e["investment_yuan"]
                        v = e.get("funds_yuan")
                        if v is not None:
                            project.funds[i] = v
                        v = e.get("physical_pct")
                        if v is not None:
                            project.pct[i] = round(v * 100)
                        continue
                    handler = handlers.get(topic)
                    if handler is not None:
                        handler(e)
                    elif topic not in self.ignored:
                        raise ValueError(f"the log holds an event of unknown type {topic}")
        finally:
            if collecting:
                gc.enable()
        self.p.position += count
        return count


def _report_handlers(p: Projection) -> dict[str, Handler]:
    projects = p.projects
    day_index = p.day_index

    def reported(e: dict[str, Any]) -> None:  # the way of upcast older reports
        project = projects[e["code"]]
        i = day_index[e["date"]]
        project.investment[i] = e["investment_yuan"]
        if e.get("funds_yuan") is not None:
            project.funds[i] = e["funds_yuan"]
        if e.get("physical_pct") is not None:
            project.pct[i] = round(e["physical_pct"] * 100)

    def corrected(e: dict[str, Any]) -> None:
        project = projects[e["code"]]
        i = day_index[e["date"]]
        if "investment_yuan" in e:
            project.investment[i] = e["investment_yuan"]
        if "funds_yuan" in e:
            project.funds[i] = e["funds_yuan"]
        if "physical_pct" in e:
            project.pct[i] = round(e["physical_pct"] * 100)

    return {get_topic(DailyReport.Reported): reported, get_topic(DailyReport.Corrected): corrected}


def _project_handlers(p: Projection) -> dict[str, Handler]:
    projects = p.projects
    day_index = p.day_index

    def opened(e: dict[str, Any]) -> None:
        day_index.clear()
        day_index.update(_year_index(e["year"]))
        p.campaign = _campaign_info(e)
        p.opened = e

    def registered(e: dict[str, Any]) -> None:
        projects[e["code"]] = ProjectState(e, len(day_index))

    def plan_revised(e: dict[str, Any]) -> None:
        projects[e["code"]].revisions.append((e["date"], e["annual_plan_yuan"]))

    def milestone(e: dict[str, Any]) -> None:
        projects[e["code"]].milestones[e["milestone"]] = e["date"]

    def terminated(e: dict[str, Any]) -> None:
        projects[e["code"]].terminated_on = e["date"]

    return {
        get_topic(Campaign.Opened): opened,
        get_topic(Project.Registered): registered,
        get_topic(Project.PlanRevised): plan_revised,
        get_topic(Project.MilestoneReached): milestone,
        get_topic(Project.Terminated): terminated,
    }


def _request_handlers(p: Projection) -> dict[str, Handler]:
    projects = p.projects
    requests = p.requests

    def filed(e: dict[str, Any]) -> None:
        request = RequestState(
            request_id=e["request_id"],
            code=e["code"],
            category=e["category"],
            detail=e["detail"],
            filed_on=e["date"],
            sla_due=e["due"],
        )
        requests[request.id] = request
        projects[request.code].requests.append(request)

    def extended(e: dict[str, Any]) -> None:
        requests[e["request_id"]].extensions.append((e["date"], e["due"]))

    def escalated(e: dict[str, Any]) -> None:
        requests[e["request_id"]].escalations.append((e["date"], e["level"]))

    def resolved(e: dict[str, Any]) -> None:
        request = requests[e["request_id"]]
        request.resolved_on = e["date"]
        request.outcome = e["outcome"]

    return {
        get_topic(FactorRequest.Filed): filed,
        get_topic(FactorRequest.Extended): extended,
        get_topic(FactorRequest.Escalated): escalated,
        get_topic(FactorRequest.Resolved): resolved,
    }


def _campaign_info(e: dict[str, Any]) -> CampaignInfo:
    return CampaignInfo(
        name=e["name"],
        year=e["year"],
        start=dt.date.fromisoformat(e["start"]),
        end=dt.date.fromisoformat(e["end"]),
        checkpoints=tuple(dt.date.fromisoformat(d) for d in e.get("checkpoints", ())),
        calendar=WorkCalendar(
            (dt.date.fromisoformat(d) for d in e.get("holidays", ())),
            (dt.date.fromisoformat(d) for d in e.get("workdays", ())),
        ),
        sla_days=dict(e.get("sla_days", {})),
        targets=tuple(Target.model_validate(t) for t in e.get("targets", ())),
        lights=Lights.model_validate(e.get("lights", {})),
        timezone=e.get("timezone", "Asia/Shanghai"),
        simulated=e.get("simulated", False),
    )


def _upcasting(topic: str, handler: Handler) -> Handler:
    def fold_upcast(state: dict[str, Any]) -> None:
        handler(upcast(topic, state))

    return fold_upcast


def _year_index(year: int) -> dict[str, int]:
    first = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - first).days
    return {(first + dt.timedelta(days=i)).isoformat(): i for i in range(days)}


class LogReader(Protocol):
    def head(self) -> tuple[int, int, bytes]: ...
    def chain_at(self, position: int) -> tuple[int, bytes]: ...
    def state_at(self, position: int) -> bytes: ...
    def batches(self, after: int, upto: int, elide: str | None = None) -> Iterator[list[Row]]:
        """(topic, state) rows with after < notification id <= upto, in log order, in
        batches; rows of the topic `elide` come with None for their topic."""
        ...

    def close(self) -> None: ...


def known_at_cut(text: str, timezone: str) -> dt.datetime:
    """The recorded-time cutoff a user means: a bare date is the end of that day in the
    campaign's time zone; a time without an offset is read in that zone too."""
    zone = ZoneInfo(timezone)
    text = text.strip()
    try:
        if "T" not in text and " " not in text and len(text) <= 10:  # a date: 2020-06-30, 20200630
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time.max, tzinfo=zone)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"known_at {text!r} is neither a date (YYYY-MM-DD) nor an ISO-8601 time"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _recorded(reader: LogReader, position: int) -> str:
    stamp: str = orjson.loads(reader.state_at(position))["timestamp"]
    return stamp


def cut_position(reader: LogReader, known_at: dt.datetime, head: int) -> int:
    """The last position recorded at or before `known_at` (recorded times never decrease
    along the log, so the events known then are a prefix: a binary search finds its end)."""
    bound = format_recorded(known_at)
    low, high = 0, head  # invariant: position low is known (0 = nothing), high+1.. are not
    if head and _recorded(reader, head) <= bound:
        return head
    while low < high:
        middle = (low + high + 1) // 2
        if _recorded(reader, middle) <= bound:
            low = middle
        else:
            high = middle - 1
    return low


@dataclass(frozen=True, slots=True)
class Replayed:
    projection: Projection
    position: int
    head_hash: bytes
    head: int


def replay_log(
    reader: LogReader,
    *,
    known_at: dt.datetime | None = None,
    upto: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    snapshots: SnapshotStore | None = None,
    split_min: int | None = None,
) -> Replayed:
    """Fold the log up to `upto` (a position) and `known_at`: from the nearest usable snapshot
    when `snapshots` is given (taking new ones on the way), else from the first event. Long
    stretches fold on two processes (see `campaign.parallel`; `split_min` events at least)."""
    head, _, _ = reader.head()
    position = head if upto is None else max(0, min(upto, head))
    if known_at is not None:
        position = cut_position(reader, known_at, position)
    target, head_hash = reader.chain_at(position)
    base = snapshots.best(reader, position) if snapshots is not None else None
    folder = Folder(base)
    start = folder.p.position
    stops = _snapshot_stops(reader, folder.p, start, position, snapshots) if snapshots else []
    done = start
    after, _ = reader.chain_at(start)
    for stop in [*stops, position]:
        upto_id, stop_hash = (target, head_hash) if stop == position else reader.chain_at(stop)
        fold_range(
            folder,
            reader,
            (after, upto_id),
            (done, position),
            progress=progress,
            split_min=split_min,
        )
        folder.p.position = stop
        if snapshots is not None and (stop != position or stop - done >= snapshots.every // 4):
            # every stop; and the query's own position when it took a long fold to reach,
            # so that asking again (the office asks about the same day many times) is quick
            snapshots.save(folder.p, stop_hash)
        after, done = upto_id, stop
    return Replayed(folder.p, position, head_hash, head)


def fold_range(
    folder: Folder,
    reader: LogReader,
    span: tuple[int, int],
    counts: tuple[int, int],
    *,
    progress: Callable[[int, int], None] | None,
    split_min: int | None,
) -> None:
    """Fold the events with after < notification id <= upto (the span), on two processes
    when long; `counts` are the events done before and in all, for progress."""
    after, upto = span
    done, total = counts
    from campaign import parallel  # noqa: PLC0415 (it builds on this module)

    minimum = parallel.MIN_EVENTS if split_min is None else split_min
    if folder.p.campaign is None and upto - after > max(minimum, 1):
        # the first event opens the campaign: fold it alone, so that the year is known
        folder.fold(reader.batches(after, after + 1, elided()))
        done += 1
        after += 1
    if parallel.usable(reader, folder.p, upto - after, minimum):
        folder.p.position += parallel.fold_split(folder, reader, after, upto)
        if progress is not None:  # the two sides read different rows: report the whole span
            progress(done + upto - after, total)
    else:
        folder.fold(_maybe_reporting(reader.batches(after, upto, elided()), done, total, progress))


def _maybe_reporting(
    batches: Iterable[list[Row]],
    done: int,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> Iterable[list[Row]]:
    return batches if progress is None else _reporting(batches, done, total, progress)


def _snapshot_stops(
    reader: LogReader,
    projection: Projection,
    start: int,
    position: int,
    snapshots: SnapshotStore,
) -> list[int]:
    """Where to take snapshots between start and position: every `every` events, and at the
    end of each of the campaign's checkpoint days (as recorded)."""
    stops = set(range((start // snapshots.every + 1) * snapshots.every, position, snapshots.every))
    opened = projection.opened
    if opened is None and position >= 1:
        opened = orjson.loads(reader.state_at(1))
    if opened is not None and "checkpoints" in opened:
        zone = ZoneInfo(opened.get("timezone", "Asia/Shanghai"))
        for day in opened["checkpoints"]:
            end = dt.datetime.combine(dt.date.fromisoformat(day), dt.time.max, tzinfo=zone)
            stops.add(cut_position(reader, end, position))
    return sorted(s for s in stops if start < s < position)


def _reporting(
    batches: Iterable[list[Row]], done: int, total: int, progress: Callable[[int, int], None]
) -> Iterator[list[Row]]:
    for batch in batches:
        yield batch
        done += len(batch)
        progress(done, total)
    progress(done, total)
