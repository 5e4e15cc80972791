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
from array import array
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
    from collections.abc import Callable, Iterable, Iterator

Row = tuple[str, str, bytes]  # topic, originator id, state
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
        self.total_investment = cents(e["total_investment"])
        self.registered_on: str = e["date"]
        self.planned_start: str | None = e.get("planned_start")
        self.planned_completion: str | None = e.get("planned_completion")
        self.industrial: bool = e.get("industrial", False)
        self.tech_renovation: bool = e.get("tech_renovation", False)
        area = e.get("factory_area_m2")
        self.factory_area = cents(area) if area is not None else 0
        self.revisions: list[tuple[str, int]] = [("", cents(e["annual_plan"]))]
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


def _upcasting(
    topic: str, handler: Callable[[str, dict[str, Any]], None]
) -> Callable[[str, dict[str, Any]], None]:
    def fold_upcast(originator_id: str, state: dict[str, Any]) -> None:
        handler(originator_id, upcast(topic, state))

    return fold_upcast


def _year_index(year: int) -> dict[str, int]:
    first = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - first).days
    return {(first + dt.timedelta(days=i)).isoformat(): i for i in range(days)}


class Folder:
    """Folds decoded events into a Projection; one method per event type."""

    def __init__(self, projection: Projection | None = None) -> None:
        self.p = projection or Projection()
        t = get_topic
        self.handlers: dict[str, Callable[[str, dict[str, Any]], None]] = {
            t(DailyReport.Reported): self._reported,
            t(DailyReport.Corrected): self._corrected,
            t(Campaign.Opened): self._opened,
            t(Project.Registered): self._registered,
            t(Project.PlanRevised): self._plan_revised,
            t(Project.MilestoneReached): self._milestone,
            t(Project.Terminated): self._terminated,
            t(FactorRequest.Filed): self._filed,
            t(FactorRequest.Extended): self._extended,
            t(FactorRequest.Escalated): self._escalated,
            t(FactorRequest.Resolved): self._resolved,
            t(Publication.Published): self._published,
        }
        self.ignored = {t(FactorKey.Assigned)}
        for topic, handler in list(self.handlers.items()):
            if current_schema(topic) > 1:  # old states in the log are upcast first
                self.handlers[topic] = _upcasting(topic, handler)

    def fold(self, rows: Iterable[Row]) -> int:
        """Fold rows in log order; returns how many were folded."""
        handlers = self.handlers
        loads = orjson.loads
        count = 0
        for topic, originator_id, state in rows:
            count += 1
            handler = handlers.get(topic)
            if handler is not None:
                handler(originator_id, loads(state))
            elif topic not in self.ignored:
                raise ValueError(f"the log holds an event of unknown type {topic}")
        self.p.position += count
        return count

    # campaign

    def _opened(self, _: str, e: dict[str, Any]) -> None:
        year = e["year"]
        self.p.day_index = _year_index(year)
        self.p.campaign = CampaignInfo(
            name=e["name"],
            year=year,
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

    # projects

    def _registered(self, _: str, e: dict[str, Any]) -> None:
        self.p.projects[e["code"]] = ProjectState(e, len(self.p.day_index))

    def _plan_revised(self, _: str, e: dict[str, Any]) -> None:
        self.p.projects[e["code"]].revisions.append((e["date"], cents(e["annual_plan"])))

    def _milestone(self, _: str, e: dict[str, Any]) -> None:
        self.p.projects[e["code"]].milestones[e["milestone"]] = e["date"]

    def _terminated(self, _: str, e: dict[str, Any]) -> None:
        self.p.projects[e["code"]].terminated_on = e["date"]

    # daily reports

    def _reported(self, _: str, e: dict[str, Any]) -> None:
        project = self.p.projects[e["code"]]
        i = self.p.day_index[e["date"]]
        project.investment[i] = cents(e["investment"])
        funds = e.get("funds")
        project.funds[i] = cents(funds) if funds is not None else 0
        pct = e.get("physical_pct")
        project.pct[i] = cents(pct) if pct is not None else NO_PCT

    def _corrected(self, _: str, e: dict[str, Any]) -> None:
        project = self.p.projects[e["code"]]
        i = self.p.day_index[e["date"]]
        if "investment" in e:
            project.investment[i] = cents(e["investment"])
        if "funds" in e:
            project.funds[i] = cents(e["funds"])
        if "physical_pct" in e:
            project.pct[i] = cents(e["physical_pct"])

    # factor requests

    def _filed(self, _: str, e: dict[str, Any]) -> None:
        request = RequestState(
            request_id=e["request_id"],
            code=e["code"],
            category=e["category"],
            detail=e["detail"],
            filed_on=e["date"],
            sla_due=e["due"],
        )
        self.p.requests[request.id] = request
        self.p.projects[request.code].requests.append(request)

    def _request(self, originator_id: str) -> RequestState:
        return self.p.requests[originator_id.removeprefix("factor:")]

    def _extended(self, originator_id: str, e: dict[str, Any]) -> None:
        self._request(originator_id).extensions.append((e["date"], e["due"]))

    def _escalated(self, originator_id: str, e: dict[str, Any]) -> None:
        self._request(originator_id).escalations.append((e["date"], e["level"]))

    def _resolved(self, originator_id: str, e: dict[str, Any]) -> None:
        request = self._request(originator_id)
        request.resolved_on = e["date"]
        request.outcome = e["outcome"]

    # publications

    def _published(self, _: str, e: dict[str, Any]) -> None:
        self.p.publications.append(e)


class LogReader(Protocol):
    def head(self) -> tuple[int, int, bytes]: ...
    def chain_at(self, position: int) -> tuple[int, bytes]: ...
    def state_at(self, position: int) -> bytes: ...
    def rows(self, after: int, upto: int) -> Iterator[Row]: ...
    def close(self) -> None: ...


def known_at_cut(text: str, timezone: str) -> dt.datetime:
    """The recorded-time cutoff a user means: a bare date is the end of that day in the
    campaign's time zone; a time without an offset is read in that zone too."""
    zone = ZoneInfo(timezone)
    text = text.strip()
    try:
        if len(text) == 10:
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
) -> Replayed:
    """Fold the log from its first event up to `upto` (a position) and `known_at`."""
    head, _, _ = reader.head()
    position = head if upto is None else max(0, min(upto, head))
    if known_at is not None:
        position = cut_position(reader, known_at, position)
    notification_id, head_hash = reader.chain_at(position)
    folder = Folder()
    rows: Iterable[Row] = reader.rows(0, notification_id)
    if progress is not None:
        rows = _reporting(rows, position, progress)
    folder.fold(rows)
    folder.p.position = position
    return Replayed(folder.p, position, head_hash, head)


def _reporting(
    rows: Iterable[Row], total: int, progress: Callable[[int, int], None], every: int = 50_000
) -> Iterator[Row]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % every == 0:
            progress(done, total)
    progress(done, total)
