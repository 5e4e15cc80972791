"""The report's charts drawn by a second process while this one writes the page.

Drawing the charts with matplotlib takes about as long as writing the page of a large zone,
and a cold command spends a third of a second more importing matplotlib first. A `Drawer`
started as the command starts forks a process that imports what drawing needs at once, while
this one replays the log; handed the report, it draws the charts asked for and sends their
SVG back while this process writes the page (`campaign.report.html`).

Where no core is free, no fork is to be had, or the second process fails in any way (it
ends, it answers nothing or something else, it takes longer than `WAIT`), the charts are
drawn here: a chart is the same SVG whichever process draws it, so the page is the same to
the byte.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import pickle
import select
import signal
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NoReturn

from campaign.read.cores import companion, spare_core

if TYPE_CHECKING:
    from collections.abc import Sequence

    from campaign.report.model import Report

READ = ("units", "time_progress", "targets", "zone", "factors")
"""What of the checkpoint document the charts read (`campaign.report.charts`): the rest of
the report (every project's row) is not sent to the second process."""

PRELOAD = ("matplotlib.figure", "matplotlib.ticker", "matplotlib.backends.backend_svg")
"""What the second process imports before it is asked for anything."""

WAIT = 60.0
"""Seconds the second process is waited for before the charts are drawn here instead: long,
because matplotlib's first import on a machine builds its font cache, which the second process
is not to be stopped in the middle of."""


class Drawer:
    """A second process ready to draw the charts (none where it would not help; see the
    module's docstring). Use it as a context manager: the process is ended on the way out,
    whatever happened."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._request = self._answer = -1
        self._names: list[str] | None = None  # the charts asked for
        if not hasattr(os, "fork") or not spare_core(samples=2):
            return
        pipes: list[int] = []
        try:
            pipes.extend(os.pipe())
            pipes.extend(os.pipe())
            pid = os.fork()
        except OSError:  # no process or pipe to be had (a limit, memory): drawn here
            for fd in pipes:
                os.close(fd)
            return
        request, requested, answered, answer = pipes
        if pid == 0:  # the second process
            _child(request, requested, answered, answer)
        os.close(request)
        os.close(answer)
        os.set_blocking(requested, False)  # a write waits no longer than its deadline
        self._pid, self._request, self._answer = pid, requested, answered
        companion(pid)

    def __enter__(self) -> Drawer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def ask(self, report: Report, names: Sequence[str]) -> bool:
        """Hand the second process `report` to draw the charts `names`; whether it took it."""
        if self._pid is None:
            return False
        self._names = list(names)
        try:
            sent = _write(self._request, pickle.dumps((slim(report), self._names)), _deadline())
        except OSError:  # it has ended already
            sent = False
        os.close(self._request)
        self._request = -1
        if not sent:
            self.close()
        return sent

    def drawn(self) -> dict[str, str] | None:
        """The charts asked for, each as SVG, as the second process drew them; None when it
        was not asked, or did not answer with every one of them (then it is ended)."""
        names, self._names = self._names, None
        if self._pid is None or names is None:
            return None
        received = _read(self._answer, _deadline())
        pid, self._pid = self._pid, None
        os.close(self._answer)
        self._answer = -1
        ended = _ended(pid, stop=received is None)
        if received is None or not ended:
            return None
        try:
            found: Any = pickle.loads(received)  # our own child's bytes
        except Exception:  # a short or broken answer: drawn here
            return None
        if (
            not isinstance(found, dict)
            or sorted(found) != sorted(names)
            or not all(isinstance(svg, str) for svg in found.values())
        ):
            return None
        return found

    def close(self) -> None:
        """End the second process if it is still there, and let go of its pipes."""
        for fd in (self._request, self._answer):
            if fd >= 0:
                os.close(fd)
        self._request = self._answer = -1
        if self._pid is not None:
            pid, self._pid = self._pid, None
            _ended(pid, stop=True)


def slim(report: Report) -> Report:
    """The report with only what the charts read."""
    document = {key: report.document[key] for key in READ if key in report.document}
    return replace(
        report,
        document=document,
        groups={},
        ranking=[],
        start_overdue=[],
        completions=[],
        overdue_requests=[],
    )


def preload() -> None:
    """Import what drawing needs (at once where it is imported already)."""
    for module in PRELOAD:
        importlib.import_module(module)


def _child(request: int, requested: int, answered: int, answer: int) -> NoReturn:
    """The second process: it draws, and ends without this process's clean-up (its exit
    handlers, its buffered output), running only the exit handlers of what it imported
    itself (matplotlib's removal of a temporary folder it made for its cache)."""
    atexit._clear()
    status = 1
    try:
        os.close(requested)
        os.close(answered)
        _serve(request, answer)
        status = 0
    finally:
        try:
            atexit._run_exitfuncs()
        finally:
            os._exit(status)


def _serve(request: int, answer: int) -> None:
    """The second process: import what drawing needs, then draw what it is asked for."""
    preload()
    from campaign.report.charts import charts  # noqa: PLC0415

    asked = _read(request, None)
    os.close(request)
    if not asked:  # the first process ended, or went on without charts
        return
    report, names = pickle.loads(asked)  # our own parent's bytes
    _write(answer, pickle.dumps(charts(report, names)), None)
    os.close(answer)


def _deadline() -> float:
    return time.monotonic() + WAIT


def _ready(fd: int, events: int, deadline: float | None) -> bool:
    """Whether `fd` is ready (`events`, for poll) before `deadline` (a monotonic time; None:
    whenever it is)."""
    if deadline is None:
        return True
    poller = select.poll()
    poller.register(fd, events)
    left = deadline - time.monotonic()
    return left > 0 and bool(poller.poll(left * 1000))


def _write(fd: int, data: bytes, deadline: float | None) -> bool:
    """Write all of `data` to `fd`; False when `deadline` passes first."""
    view = memoryview(data)
    while view:
        if not _ready(fd, select.POLLOUT, deadline):
            return False
        view = view[os.write(fd, view) :]
    return True


def _read(fd: int, deadline: float | None) -> bytes | None:
    """Everything written to `fd` until it is closed; None when `deadline` passes first."""
    parts: list[bytes] = []
    while True:
        if not _ready(fd, select.POLLIN, deadline):
            return None
        part = os.read(fd, 1 << 20)
        if not part:
            return b"".join(parts)
        parts.append(part)


def _ended(pid: int, *, stop: bool) -> bool:
    """Wait for the second process to end, stopped first with `stop` (it is then no
    companion); whether it ended well."""
    companion(pid, alive=False)
    if stop:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already (a program that ignores SIGCHLD)
        return False
    return status == 0
