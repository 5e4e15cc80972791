"""The replay on both cores: the day ledgers are folded by two processes at once.

Nine events in ten are daily reports, and each writes its own cell of a project's day ledger
(one report per project and day), so the order in which reports are folded does not matter;
corrections, which do depend on order, are kept back and applied after, in log order. The
ledgers are moved to shared memory first (`campaign.read.projection.Ledgers`). This process
folds every event but the reports, in log order, while a forked second process folds the
reports stretch by stretch (CHUNK notification ids at a time) from the front of the span;
once done with the rest, this process folds reports too, stretch by stretch from the back,
until the two meet. However fast each core is at that moment, both finish at about the same
time.

Used for long stretches of a SQLite or PostgreSQL log (each process reads its own rows, on its
own connection; on PostgreSQL both read the same snapshot of the log); shorter ones, other
stores, or a daily report whose events need upcasting, fold in one process.
"""

from __future__ import annotations

import gc
import mmap
import os
import signal
from typing import TYPE_CHECKING, Any

from orjson import loads

from campaign.domain import topics
from campaign.domain.topics import PROJECT_ID_PREFIX
from campaign.read.cores import spare_core
from campaign.read.fold import (
    CORRECTED,
    REGISTERED,
    REPORTED,
    Report,
    elided,
    read_report,
    reporter,
)
from campaign.read.projection import record_values
from campaign.store.readers import FoldReader

if TYPE_CHECKING:
    from campaign.read.fold import Folder
    from campaign.read.projection import Projection, Projects

MIN_EVENTS = 200_000

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


def usable(
    reader: object, projection: Projection, events: int, minimum: int = MIN_EVENTS
) -> FoldReader | None:
    """The reader, when a span of `events` is to be folded on two processes."""
    if (
        projection.campaign is not None
        and elided() is not None
        and isinstance(reader, FoldReader)
        and reader.shareable()
        and two_processes(events, minimum)
    ):
        return reader
    return None


CHUNK = 8192
"""The stretch of notification ids whose reports one process takes at a time."""


class SplitFailed(Exception):
    """The two-process fold could not fold a span as one process would (a store that is not
    what the engine writes): the caller folds it again on one process, from the start."""


def fold_split(folder: Folder, reader: FoldReader, after: int, upto: int) -> int:
    """Fold the events with after < notification id <= upto; returns how many there are.
    The ledgers' mapping is made big enough for every project registered by `upto` first, so
    that both processes write into the same pages and add the same rows. Raises SplitFailed
    where one process would fold differently or fail."""
    p = folder.p
    projects = p.projects
    ledgers = projects.ledgers
    before = len(projects.code)
    # the projects registered in the span, by the primary key's index: the second process
    # gives them their rows at once, and this one checks that they are those it registers
    registered = [
        (at_id, loads(state)["code"])
        for at_id, state in reader.created_between(PROJECT_ID_PREFIX, REGISTERED, after, upto)
    ]
    born = {code: at_id for at_id, code in registered}
    ledgers.reserve(before + len(registered), shared=True)
    mapping = ledgers.memory  # both processes must write into it to the end
    claims = _Claims(-(-(upto - after) // CHUNK))
    child = os.fork()
    if child == 0:  # the second process: reports into shared memory, then exit
        status = 1
        try:
            gc.disable()
            own = reader.reopen()
            try:
                for _, code in registered:  # their rows: the next, as in the other process
                    projects.row_of[code] = ledgers.add()
                reports = _Reports(projects, p.day_index, born)
                while (k := claims.front()) is not None:
                    reports.fold(own, _stretch(after, upto, k))
            finally:
                own.close()  # its own connection, ended as the server expects
            status = 0 if ledgers.memory is mapping else 1
        finally:
            os._exit(status)
    try:
        corrections = _fold_rest(folder, reader, (after, upto))
        if projects.code[before:] != [code for _, code in registered]:
            raise SplitFailed("the projects registered are not those the index has")
        reports = _Reports(projects, p.day_index, born)
        while (k := claims.back()) is not None:
            reports.fold(reader, _stretch(after, upto, k))
    except BaseException as error:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        if isinstance(error, KeyError | SplitFailed):  # as one process would fold it, again
            raise SplitFailed(str(error)) from None
        raise
    _, status = os.waitpid(child, 0)
    if status != 0 or ledgers.memory is not mapping:
        raise SplitFailed("the second process failed")
    _correct(folder, corrections)
    return upto - after


def _correct(folder: Folder, corrections: list[Report | dict[str, Any]]) -> None:
    """Fold the corrections kept back, in log order (`_fold_rest` read them)."""
    p = folder.p
    projects = p.projects
    ledgers = projects.ledgers
    row_of, days, day_index = projects.row_of, ledgers.days, p.day_index
    investment, funds, pct = ledgers.investment, ledgers.funds, ledgers.pct
    corrected = folder.handlers[CORRECTED]
    for c in corrections:
        if isinstance(c, Report):
            at = row_of[c.code] * days + day_index[c.date]
            record_values(
                investment, funds, pct, at, c.investment_yuan, c.funds_yuan, c.physical_pct
            )
        else:
            corrected(c)


def _stretch(after: int, upto: int, k: int) -> tuple[int, int]:
    """The span of notification ids of stretch `k`."""
    return after + k * CHUNK, min(upto, after + (k + 1) * CHUNK)


class _Claims:
    """The stretches of a span, taken from the front by the second process and from the back
    by this one: two counters in shared memory, each written by one process only. A stretch
    both take at the same moment is folded twice, which writes the same values into the same
    cells (one report per project and day), and none is left out (each process takes a
    stretch before it folds it)."""

    def __init__(self, stretches: int) -> None:
        self.memory = mmap.mmap(-1, 16)  # shared with a forked process
        self.ends = memoryview(self.memory).cast("q")
        self.ends[0], self.ends[1] = 0, stretches

    def front(self) -> int | None:
        k = self.ends[0]
        if k >= self.ends[1]:
            return None
        self.ends[0] = k + 1
        return k

    def back(self) -> int | None:
        k = self.ends[1] - 1
        if k < self.ends[0]:
            return None
        self.ends[1] = k
        return k


class _Reports:
    """Folds the daily reports of a stretch into the shared ledgers. A report is checked
    against its project's registration only in a stretch that starts before the last
    registration of the span: a report after it cannot come before its project's."""

    def __init__(self, projects: Projects, day_index: dict[str, int], born: dict[str, int]) -> None:
        self.checked = reporter(projects, day_index, born)
        self.unchecked = reporter(projects, day_index)
        self.last_born = max(born.values(), default=0)

    def fold(self, reader: FoldReader, span: tuple[int, int]) -> None:
        report = self.checked if span[0] < self.last_born else self.unchecked
        for at_id, state in reader.states_of(*span, REPORTED):
            report(state, at_id)


def _fold_rest(
    folder: Folder, reader: FoldReader, span: tuple[int, int]
) -> list[Report | dict[str, Any]]:
    """This process: every event but the reports into the projection, corrections read and
    kept for after (as a report is read, when their events need no upcasting)."""
    handler_of = folder.handler
    corrections: list[Report | dict[str, Any]] = []
    read = read_report if topics.version(CORRECTED) == 1 else loads
    collecting = gc.isenabled()
    gc.disable()
    try:
        for batch in reader.batches_without(*span, REPORTED):
            for kind, state in batch:
                assert kind is not None
                if kind == CORRECTED:
                    corrections.append(read(state))
                    continue
                handler = handler_of(kind)
                if handler is not None:
                    handler(loads(state))
    finally:
        if collecting:
            gc.enable()
    return corrections
