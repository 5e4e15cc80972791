"""The replay on both cores: the day ledgers are folded by two processes at once.

Nine events in ten are daily reports, and each writes its own cell of a project's day ledger
(one report per project and day), so the order in which reports are folded does not matter;
corrections, which do depend on order, are kept back and applied after, in log order. The
ledgers go into shared memory; this process folds the reports whose notification id is a
multiple of three and every other event, a forked second process the other two reports in
three. Each side reads all rows but decodes only its own share (the rest come without their
state), so a long replay runs much faster than on one process.

Used for long stretches of a SQLite log; shorter ones, other backends, or a daily report
whose events need upcasting, fold in one process.
"""

from __future__ import annotations

import gc
import mmap
import os
import signal
from array import array
from typing import TYPE_CHECKING, Any

import orjson
from eventsourcing.utils import get_topic

from campaign.domain import DailyReport, Project
from campaign.replay import NO_PCT, elided

if TYPE_CHECKING:
    from collections.abc import Iterator

    from campaign.replay import Folder, Projection

MIN_EVENTS = 200_000
SHARE = 3  # this process folds one report in three: it also folds every other event
REGISTERED = get_topic(Project.Registered)
REPORTED = get_topic(DailyReport.Reported)
CORRECTED = get_topic(DailyReport.Corrected)


def usable(reader: Any, projection: Projection, events: int, minimum: int = MIN_EVENTS) -> bool:
    return (
        events >= minimum
        and projection.campaign is not None
        and elided() is not None
        and hasattr(reader, "split_batches")
        and hasattr(os, "fork")
        and os.environ.get("CAMPAIGN_REPLAY_PROCESSES", "2") != "1"
    )


def fold_split(
    folder: Folder,
    reader: Any,
    after: int,
    upto: int,
) -> int:
    """Fold the events with after < notification id <= upto; returns how many were read."""
    p = folder.p
    days = p.year_days
    width = 3 * days
    existing = list(p.projects.values())
    total = len(existing) + reader.count_created(Project.id_for(""), after, upto)
    shared = mmap.mmap(-1, max(8, total * width * 8))
    raw = memoryview(shared)
    view = raw.cast("q")
    offsets: dict[str, int] = {}
    for k, project in enumerate(existing):
        base = k * width
        view[base : base + days] = project.investment
        view[base + days : base + 2 * days] = project.funds
        view[base + 2 * days : base + width] = project.pct
        offsets[project.code] = base
    empty_pct = array("q", [NO_PCT]) * days
    for k in range(len(existing), total):
        view[k * width + 2 * days : (k + 1) * width] = empty_pct

    child = os.fork()
    if child == 0:  # the second process: odd reports into shared memory, then exit
        status = 1
        try:
            gc.disable()
            second = reader.reopen()
            rows = second.split_batches(
                after, upto, split=REPORTED, keep=REGISTERED, every=SHARE, first=False
            )
            _fold_reports(rows, view, offsets, p)
            status = 0
        finally:
            os._exit(status)
    try:
        count, corrections = _fold_rest(folder, reader, (after, upto), view=view, offsets=offsets)
    except BaseException:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        raise
    _, status = os.waitpid(child, 0)
    if status != 0:
        raise RuntimeError("the second replay process failed; nothing was folded from it")
    for code, base in offsets.items():
        project = p.projects[code]
        for name, start in (("investment", 0), ("funds", days), ("pct", 2 * days)):
            ledger = array("q")
            ledger.frombytes(raw[(base + start) * 8 : (base + start + days) * 8])
            setattr(project, name, ledger)
    view.release()
    raw.release()
    shared.close()
    corrected = folder.handlers[CORRECTED]
    for e in corrections:
        corrected(e)
    return count


def _fold_reports(
    batches: Iterator[list[tuple[Any, Any]]],
    view: memoryview,
    offsets: dict[str, int],
    p: Projection,
) -> int:
    """The second process: its share of the reports into the shared ledgers; registrations
    for the offsets."""
    loads = orjson.loads
    day_index = p.day_index
    days = p.year_days
    width = 3 * days
    following = len(offsets) * width
    count = 0
    for batch in batches:
        count += len(batch)
        for kind, state in batch:
            if kind == 0:
                _write(loads(state), view, offsets, day_index, days)
            elif kind == REGISTERED:
                offsets[loads(state)["code"]] = following
                following += width
    return count


def _write(
    e: dict[str, Any],
    view: memoryview,
    offsets: dict[str, int],
    day_index: dict[str, int],
    days: int,
) -> None:
    i = offsets[e["code"]] + day_index[e["date"]]
    view[i] = e["investment_yuan"]
    v = e.get("funds_yuan")
    if v is not None:
        view[i + days] = v
    v = e.get("physical_pct")
    if v is not None:
        view[i + 2 * days] = round(v * 100)


def _fold_rest(
    folder: Folder,
    reader: Any,
    span: tuple[int, int],
    *,
    view: memoryview,
    offsets: dict[str, int],
) -> tuple[int, list[dict[str, Any]]]:
    """This process: its share of the reports into the shared ledgers, every other event
    into the projection, corrections kept for after."""
    p = folder.p
    handlers = folder.handlers
    ignored = folder.ignored
    loads = orjson.loads
    day_index = p.day_index
    days = p.year_days
    width = 3 * days
    following = len(offsets) * width
    corrections: list[dict[str, Any]] = []
    count = 0
    collecting = gc.isenabled()
    gc.disable()
    try:
        after, upto = span
        rows = reader.split_batches(
            after, upto, split=REPORTED, keep=REGISTERED, every=SHARE, first=True
        )
        for batch in rows:
            count += len(batch)
            for kind, state in batch:
                if kind == 0:
                    _write(loads(state), view, offsets, day_index, days)
                elif kind == CORRECTED:
                    corrections.append(loads(state))
                else:
                    handler = handlers.get(kind)
                    if handler is None:
                        if kind in ignored:
                            continue
                        raise ValueError(f"the log holds an event of unknown type {kind}")
                    e = loads(state)
                    handler(e)
                    if kind == REGISTERED:
                        offsets[e["code"]] = following
                        following += width
    finally:
        if collecting:
            gc.enable()
    return count, corrections
