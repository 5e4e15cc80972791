"""The replay on both cores: the day ledgers are folded by two processes at once.

Nine events in ten are daily reports, and each writes its own cell of a project's day ledger
(one report per project and day), so the order in which reports are folded does not matter;
corrections, which do depend on order, are kept back and applied after, in log order. The
ledgers are moved to shared memory first (`campaign.read.projection.Ledgers`); this process
folds the reports whose notification id is a multiple of SHARE and every other event, a
forked second process the other reports (three in four). Each side reads all rows but
decodes only its own share (the rest come without their state), so a long replay runs much
faster than on one process.

Used for long stretches of a SQLite log; shorter ones, other backends, or a daily report
whose events need upcasting, fold in one process.
"""

from __future__ import annotations

import gc
import os
import signal
import time
from typing import TYPE_CHECKING, Any

import orjson

from campaign.domain.topics import PROJECT_ID_PREFIX
from campaign.read.fold import CORRECTED, REGISTERED, REPORTED, elided, reporter
from campaign.store.readers import SplitReader

if TYPE_CHECKING:
    from collections.abc import Iterator

    from campaign.read.fold import Folder
    from campaign.read.projection import Projection, Projects
    from campaign.store.readers import SplitRow

MIN_EVENTS = 200_000
SHARE = 4  # this process folds one report in four: it also folds every other event

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
    few looks at the kernel's count of runnable tasks (less this process's own threads)."""
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
        others.append(runnable - _own_running())
        time.sleep(0.002)
    return min(others) < cores - 1


def _own_running() -> int:
    """How many of this process's threads are runnable (at least itself, which is)."""
    running = 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 1
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/stat", encoding="ascii", errors="replace") as f:
                running += f.read().rsplit(")", 1)[-1].split()[0] == "R"
        except (OSError, IndexError):  # a thread that has just ended
            continue
    return max(running, 1)


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


def fold_split(folder: Folder, reader: SplitReader, after: int, upto: int) -> int:
    """Fold the events with after < notification id <= upto; returns how many were read.
    The ledgers' mapping is made big enough for every project registered by `upto` first, so
    that both processes write into the same pages and add the same rows."""
    p = folder.p
    projects = p.projects
    ledgers = projects.ledgers
    ledgers.reserve(
        len(projects) + reader.count_created(PROJECT_ID_PREFIX, after, upto), shared=True
    )
    mapping = ledgers.memory  # both processes must write into it to the end
    child = os.fork()
    if child == 0:  # the second process: its reports into shared memory, then exit
        status = 1
        try:
            gc.disable()
            rows = reader.reopen().split_batches(
                after, upto, split=REPORTED, keep=REGISTERED, every=SHARE, first=False
            )
            _fold_reports(rows, projects, p.day_index)
            status = 0 if ledgers.memory is mapping else 1
        finally:
            os._exit(status)
    try:
        count, corrections = _fold_rest(folder, reader, (after, upto))
    except BaseException:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        raise
    _, status = os.waitpid(child, 0)
    if status != 0 or ledgers.memory is not mapping:
        raise RuntimeError("the second replay process failed; nothing was folded from it")
    corrected = folder.handlers[CORRECTED]
    for e in corrections:
        corrected(e)
    return count


def _fold_reports(
    batches: Iterator[list[SplitRow]], projects: Projects, day_index: dict[str, int]
) -> int:
    """The second process: its share of the reports into the shared ledgers; registrations
    for their rows (their code alone: nothing else of them is kept here)."""
    loads = orjson.loads
    row_of = projects.row_of
    ledgers = projects.ledgers
    report = reporter(projects, day_index)
    count = 0
    for batch in batches:
        count += len(batch)
        for kind, state in batch:
            if kind == 0:
                report(state)
            elif kind == REGISTERED:  # its row: the next, as in the other process
                row_of[loads(state)["code"]] = ledgers.add()
    return count


def _fold_rest(
    folder: Folder, reader: SplitReader, span: tuple[int, int]
) -> tuple[int, list[dict[str, Any]]]:
    """This process: its share of the reports into the shared ledgers, every other event
    into the projection, corrections kept for after."""
    handler_of = folder.handler
    loads = orjson.loads
    report = reporter(folder.p.projects, folder.p.day_index)
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
                    report(state)
                    continue
                assert isinstance(kind, str)
                if kind == CORRECTED:
                    corrections.append(loads(state))
                    continue
                handler = handler_of(kind)
                if handler is not None:
                    handler(loads(state))
    finally:
        if collecting:
            gc.enable()
    return count, corrections
