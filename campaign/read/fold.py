"""The fold: stored events, decoded with orjson, into the projection; one small function per
event type.

This is the hot path of every query: it avoids pydantic and Decimal per event. The daily
report, nine events in ten, is folded without a handler, straight into its cell of the
ledgers' block (`reporter`): msgspec decodes only the five fields it needs, with no dict and
no string for the rest; the other events go to small closures over the projection.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import msgspec
import orjson

from campaign.domain import topics
from campaign.read.projection import NO_PCT, ZERO_REPORT, Projection, record_day
from campaign.store.codec import upcast

if TYPE_CHECKING:
    from collections.abc import Iterable

    from campaign.read.projection import Projects
    from campaign.store.readers import Row

Handler = Callable[[dict[str, Any]], None]

REPORTED = topics.REPORT_REPORTED
CORRECTED = topics.REPORT_CORRECTED
REGISTERED = topics.PROJECT_REGISTERED
OPENED = topics.CAMPAIGN_OPENED


Int64 = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]
"""What a ledger cell holds: a larger whole number is left to `record_day`, which refuses it."""


class Report(msgspec.Struct, gc=False):
    """The fields of a stored daily report the fold reads (the others are skipped unread)."""

    code: str
    date: str
    investment_yuan: Int64 | None = None
    funds_yuan: Int64 | None = None
    physical_pct: int | float | None = None  # a whole number stays one, as orjson reads it


_decode_report = msgspec.json.Decoder(Report).decode


def read_report(state: bytes) -> Report | dict[str, Any]:
    """A stored daily report or correction as the fold reads it: the fields it needs, or, for
    a state of another shape, the whole state decoded (for `record_day`, which fails on it as
    it always has)."""
    try:
        return _decode_report(state)
    except (msgspec.MsgspecError, RecursionError, TypeError):  # TypeError: not bytes
        decoded: dict[str, Any] = orjson.loads(state)
        return decoded


class Reporter(Protocol):
    """Folds one daily report (see `reporter`); `at_id`: its notification id."""

    def __call__(self, state: bytes, at_id: int = 0) -> None: ...


def reporter(
    projects: Projects, day_index: dict[str, int], born: dict[str, int] | None = None
) -> Reporter:
    """A function that folds a daily report's stored state into its cell of the ledgers as
    they are now (make another when a project registers: its row may move them): what
    `record_values` does, written out in it (a call less for each of a million reports; a
    test holds the two to the same cells), as `record_day` folds it decoded. A state of
    another shape is decoded whole and given to `record_day`, which fails on it as it always
    has. The fields it skips are not read, so a state the engine could not have written there
    (a note that is not UTF-8) is not noticed here: what proves the stored bytes is the hash
    chain (`audit verify`). With `born` (the notification id of each project registered in a
    span folded out of order), a report given its own id before its project's registration
    fails as it would in log order."""
    row_of = projects.row_of
    ledgers = projects.ledgers
    investment, funds, pct, days = ledgers.investment, ledgers.funds, ledgers.pct, ledgers.days
    loads = orjson.loads

    def report(state: bytes, at_id: int = 0) -> None:
        try:
            r = _decode_report(state)
        except (msgspec.MsgspecError, RecursionError, TypeError):  # TypeError: not bytes
            e = loads(state)
            if born is not None and born.get(e["code"], 0) > at_id:
                raise KeyError(e["code"]) from None
            record_day(investment, funds, pct, row_of[e["code"]] * days + day_index[e["date"]], e)
            return
        code = r.code
        if born is not None and born.get(code, 0) > at_id:
            raise KeyError(code)
        i = row_of[code] * days + day_index[r.date]
        # `record_values`, written out
        invested = r.investment_yuan
        if invested is not None:
            investment[i] = invested
            if not invested and pct[i] == NO_PCT:
                pct[i] = ZERO_REPORT
        funded = r.funds_yuan
        if funded is not None:
            funds[i] = funded
        physical = r.physical_pct
        if physical is not None:
            pct[i] = round(physical * 100)

    return report


def elided() -> str | None:
    """The topic the reader may leave out (the fold knows it by its absence): the daily
    report, unless its events have a newer version and old states need upcasting."""
    return REPORTED if topics.version(REPORTED) == 1 else None


class Folder:
    """Folds decoded events into a Projection."""

    def __init__(self, projection: Projection | None = None) -> None:
        self.p = projection or Projection()
        self.handlers: dict[str, Handler] = {
            **_report_handlers(self.p),
            **_project_handlers(self.p),
            **_request_handlers(self.p),
            topics.PUBLISHED: self.p.publications.append,
        }
        for topic, handler in list(self.handlers.items()):
            if topics.version(topic) > 1:  # old states in the log are upcast first
                self.handlers[topic] = _upcasting(topic, handler)
        self.reshaping = {REGISTERED, OPENED}
        self.ignored = {
            topics.KEY_ASSIGNED,
            topics.ACCESS_GRANTED,
            topics.ACCESS_REGRANTED,
            topics.ACCESS_REVOKED,
        }

    def handler(self, topic: str) -> Handler | None:
        """The handler of `topic`; None for a topic the projection does not need. An unknown
        topic is refused: the log holds an event this engine cannot read."""
        handler = self.handlers.get(topic)
        if handler is None and topic not in self.ignored:
            raise ValueError(f"the log holds an event of unknown type {topic}")
        return handler

    def fold(self, batches: Iterable[list[Row]]) -> int:
        """Fold batches of (topic, state) rows in log order; returns how many were read.

        The daily report comes with no topic (the reader leaves out the topic `elided` names).
        Nothing here makes reference cycles, so the cyclic collector is paused."""
        handler_of = self.handler
        loads = orjson.loads
        report = reporter(self.p.projects, self.p.day_index)
        count = 0
        collecting = gc.isenabled()
        gc.disable()
        try:
            for batch in batches:
                count += len(batch)
                for topic, state in batch:
                    if topic is None:  # a daily report (see `elided`)
                        report(state)
                        continue
                    handler = handler_of(topic)
                    if handler is not None:
                        handler(loads(state))
                        if topic in self.reshaping:  # a new campaign or project: new blocks
                            report = reporter(self.p.projects, self.p.day_index)
        finally:
            if collecting:
                gc.enable()
        self.p.position += count
        return count


def _report_handlers(p: Projection) -> dict[str, Handler]:
    day_index = p.day_index

    def reported(e: dict[str, Any]) -> None:  # a report or its correction: the later wins
        projects = p.projects
        ledgers = projects.ledgers
        at = projects.row_of[e["code"]] * ledgers.days + day_index[e["date"]]
        record_day(ledgers.investment, ledgers.funds, ledgers.pct, at, e)

    return {REPORTED: reported, CORRECTED: reported}


def _project_handlers(p: Projection) -> dict[str, Handler]:
    def registered(e: dict[str, Any]) -> None:
        p.projects.register(e)

    def plan_revised(e: dict[str, Any]) -> None:
        projects = p.projects
        projects.revisions[projects.row_of[e["code"]]].append((e["date"], e["annual_plan_yuan"]))

    def milestone(e: dict[str, Any]) -> None:
        projects = p.projects
        projects.reach(projects.row_of[e["code"]], e["milestone"], e["date"])

    def terminated(e: dict[str, Any]) -> None:
        projects = p.projects
        projects.terminate(projects.row_of[e["code"]], e["date"])

    return {
        OPENED: p.open,
        topics.CAMPAIGN_AMENDED: p.amend,
        REGISTERED: registered,
        topics.PROJECT_PLAN_REVISED: plan_revised,
        topics.PROJECT_MILESTONE_REACHED: milestone,
        topics.PROJECT_TERMINATED: terminated,
    }


def _request_handlers(p: Projection) -> dict[str, Handler]:
    requests = p.requests

    def filed(e: dict[str, Any]) -> None:
        projects = p.projects
        project = projects.row_of[e["code"]]
        projects.requests[project].append(requests.file(e, project))

    def extended(e: dict[str, Any]) -> None:
        requests.extend(requests.row_of[e["request_id"]], e["date"], e["due"])

    def escalated(e: dict[str, Any]) -> None:
        requests.escalate(requests.row_of[e["request_id"]], e["date"], e["level"])

    def resolved(e: dict[str, Any]) -> None:
        requests.resolve(requests.row_of[e["request_id"]], e["date"], e["outcome"])

    return {
        topics.REQUEST_FILED: filed,
        topics.REQUEST_EXTENDED: extended,
        topics.REQUEST_ESCALATED: escalated,
        topics.REQUEST_RESOLVED: resolved,
    }


def _upcasting(topic: str, handler: Handler) -> Handler:
    def fold_upcast(state: dict[str, Any]) -> None:
        handler(upcast(topic, state))

    return fold_upcast
