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
import time
from array import array
from typing import TYPE_CHECKING, Any

import orjson

from campaign.domain.catalogue import Project
from campaign.read.fold import CORRECTED, REGISTERED, REPORTED, elided
from campaign.read.projection import LEDGERS, NO_PCT, record_day
from campaign.store.readers import SplitReader

if TYPE_CHECKING:
    from collections.abc import Iterator

    from campaign.read.fold import Folder
    from campaign.read.projection import Projection, ProjectState
    from campaign.store.readers import SplitRow

MIN_EVENTS = 200_000
SHARE = 3  # this process folds one report in three: it also folds every other event

Ledgers = tuple[memoryview, memoryview, memoryview]
"""A project's investment, funds and physical % ledgers, in the shared memory."""


PROCESSES = "CAMPAIGN_REPLAY_PROCESSES"
"""1: always one process; 2: two for every long stretch; unset: two when a core is spare."""


def two_processes(events: int, minimum: int) -> bool:
    """Whether `events` are worth two processes now: enough of them, a fork, and (unless
    CAMPAIGN_REPLAY_PROCESSES says) a second core with nothing else to run. With the other
    core busy, a second process is no faster and holds more memory."""
    if events < minimum or not hasattr(os, "fork"):
        return False
    chosen = os.environ.get(PROCESSES, "")
    if chosen in ("1", "2"):
        return chosen == "2"
    return spare_core()


def spare_core(samples: int = 5) -> bool:
    """Whether a core of those this process may run on has had nothing to run in each of a
    few looks at the kernel's count of runnable tasks (it counts this process too)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    if cores < 2:
        return False
    others = []
    for _ in range(samples):
        try:
            with open("/proc/loadavg", encoding="ascii") as handle:
                runnable = int(handle.read().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return True  # no way to look: as before, two
        others.append(runnable - 1)
        time.sleep(0.002)
    return min(others) < cores - 1


def usable(
    reader: object, projection: Projection, events: int, minimum: int = MIN_EVENTS
) -> SplitReader | None:
    """The reader, when a span of `events` is to be folded on two processes."""
    if (
        projection.campaign is not None
        and elided() is not None
        and isinstance(reader, SplitReader)
        and two_processes(events, minimum)
    ):
        return reader
    return None


class _Shared:
    """The projects' ledgers in shared memory: the projects already folded, in order, then
    each one registered in the span, in log order (both processes assign the same slots)."""

    def __init__(self, view: memoryview, days: int, codes: list[str]) -> None:
        self.view = view
        self.days = days
        self.slots: dict[str, Ledgers] = {}
        for code in codes:
            self.add(code)

    def add(self, code: str) -> None:
        base = len(self.slots) * 3 * self.days
        days = self.days
        self.slots[code] = (
            self.view[base : base + days],
            self.view[base + days : base + 2 * days],
            self.view[base + 2 * days : base + 3 * days],
        )


def fold_split(folder: Folder, reader: SplitReader, after: int, upto: int) -> int:
    """Fold the events with after < notification id <= upto; returns how many were read.
    The projects' ledgers are in the shared memory while it runs: after an exception the
    folder is not to be folded on (its callers let it go)."""
    p = folder.p
    days = p.year_days
    existing = list(p.projects.values())
    total = len(existing) + reader.count_created(Project.id_for(""), after, upto)
    memory = mmap.mmap(-1, max(8, total * 3 * days * 8))
    raw = memoryview(memory)
    view = raw.cast("q")
    empty_pct = array("q", [NO_PCT]) * days
    for k in range(total):
        view[(3 * k + 2) * days : (3 * k + 3) * days] = empty_pct
    shared = _Shared(view, days, [project.code for project in existing])
    for project in existing:
        for ledger, kept in zip(shared.slots[project.code], _ledgers(project), strict=True):
            ledger[:] = kept
        _held_in_shared_memory(project)

    child = os.fork()
    if child == 0:  # the second process: two reports in three into shared memory, then exit
        status = 1
        try:
            gc.disable()
            rows = reader.reopen().split_batches(
                after, upto, split=REPORTED, keep=REGISTERED, every=SHARE, first=False
            )
            _fold_reports(rows, shared, p.day_index)
            status = 0
        finally:
            os._exit(status)
    try:
        count, corrections = _fold_rest(folder, reader, (after, upto), shared)
    except BaseException:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        raise
    _, status = os.waitpid(child, 0)
    if status != 0:
        raise RuntimeError("the second replay process failed; nothing was folded from it")
    freed = 0  # the shared memory's pages copied out are given back as the copy proceeds
    for k, (code, ledgers) in enumerate(shared.slots.items(), 1):
        project = p.projects[code]
        for name, ledger in zip(LEDGERS, ledgers, strict=True):
            setattr(project, name, array("q", ledger.tobytes()))
            ledger.release()
        freed = _give_back(memory, freed, k * 3 * days * 8)
    view.release()
    raw.release()
    memory.close()
    corrected = folder.handlers[CORRECTED]
    for e in corrections:
        corrected(e)
    return count


FREE_EVERY = 1 << 22  # bytes of shared memory copied out before they are given back


def _give_back(memory: mmap.mmap, freed: int, copied: int) -> int:
    """Give the kernel back the whole pages of `memory` below `copied` bytes not given back
    yet (at most every FREE_EVERY bytes), so that the ledgers are not held twice at the end of
    the fold; returns where the pages given back end."""
    end = copied - copied % mmap.PAGESIZE
    if end - freed < FREE_EVERY or not hasattr(mmap, "MADV_REMOVE"):
        return freed
    memory.madvise(mmap.MADV_REMOVE, freed, end - freed)
    return end


def _held_in_shared_memory(project: ProjectState) -> None:
    """The project's ledgers live in the shared memory until the fold ends: its own copies
    are let go (they would hold the ledgers twice), and set again from the shared ones."""
    project.investment, project.funds, project.pct = array("q"), array("q"), array("q")


def _ledgers(project: ProjectState) -> tuple[array[int], array[int], array[int]]:
    return project.investment, project.funds, project.pct


def _fold_reports(
    batches: Iterator[list[SplitRow]], shared: _Shared, day_index: dict[str, int]
) -> int:
    """The second process: its share of the reports into the shared ledgers; registrations
    for the slots."""
    loads = orjson.loads
    slots = shared.slots
    count = 0
    for batch in batches:
        count += len(batch)
        for kind, state in batch:
            if kind == 0:
                e = loads(state)
                record_day(*slots[e["code"]], day_index[e["date"]], e)
            elif kind == REGISTERED:
                shared.add(loads(state)["code"])
    return count


def _fold_rest(
    folder: Folder, reader: SplitReader, span: tuple[int, int], shared: _Shared
) -> tuple[int, list[dict[str, Any]]]:
    """This process: its share of the reports into the shared ledgers, every other event
    into the projection, corrections kept for after."""
    handler_of = folder.handler
    loads = orjson.loads
    slots = shared.slots
    day_index = folder.p.day_index
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
                    e = loads(state)
                    record_day(*slots[e["code"]], day_index[e["date"]], e)
                    continue
                assert isinstance(kind, str)
                if kind == CORRECTED:
                    corrections.append(loads(state))
                    continue
                handler = handler_of(kind)
                if handler is not None:
                    e = loads(state)
                    handler(e)
                    if kind == REGISTERED:
                        shared.add(e["code"])
                        _held_in_shared_memory(folder.p.projects[e["code"]])
    finally:
        if collecting:
            gc.enable()
    return count, corrections
