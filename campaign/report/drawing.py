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

import contextlib
import importlib
import os
import pickle
import select
import signal
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from campaign.read.parallel import spare_core

if TYPE_CHECKING:
    from collections.abc import Sequence

    from campaign.report.model import Report

READ = ("units", "time_progress", "targets", "zone", "factors")
"""What of the checkpoint document the charts read (`campaign.report.charts`): the rest of
the report (every project's row) is not sent to the second process."""

PRELOAD = ("matplotlib.figure", "matplotlib.ticker", "matplotlib.backends.backend_svg")
"""What the second process imports before it is asked for anything."""

WAIT = 60.0
"""Seconds the charts are waited for before they are drawn here instead."""


class Drawer:
    """A second process ready to draw the charts (none where it would not help; see the
    module's docstring). Use it as a context manager: the process is ended on the way out,
    whatever happened."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._request = self._answer = -1
        if not hasattr(os, "fork") or not spare_core(samples=2):
            return
        request, requested = os.pipe()
        answered, answer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the second process: it only ever draws, and ends without clean-up
            status = 1
            try:
                os.close(requested)
                os.close(answered)
                _serve(request, answer)
                status = 0
            finally:
                os._exit(status)
        os.close(request)
        os.close(answer)
        self._pid, self._request, self._answer = pid, requested, answered

    def __enter__(self) -> Drawer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def ask(self, report: Report, names: Sequence[str]) -> bool:
        """Hand the second process `report` to draw the charts `names`; whether it took it."""
        if self._pid is None:
            return False
        try:
            _write(self._request, pickle.dumps((slim(report), list(names))))
        except OSError:  # it has ended already
            self.close()
            return False
        finally:
            if self._request >= 0:
                os.close(self._request)
                self._request = -1
        return True

    def drawn(self) -> dict[str, str | None] | None:
        """The charts asked for, as the second process drew them; None when it did not
        answer in full (then it is ended)."""
        if self._pid is None:
            return None
        received = _read(self._answer, time.monotonic() + WAIT)
        pid, self._pid = self._pid, None
        os.close(self._answer)
        self._answer = -1
        if received is None:
            _end(pid)
            return None
        _, status = os.waitpid(pid, 0)
        if status != 0:
            return None
        try:
            found: Any = pickle.loads(received)  # our own child's bytes
        except Exception:  # a short or broken answer: drawn here
            return None
        if not isinstance(found, dict) or not all(isinstance(k, str) for k in found):
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
            _end(pid)


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


def _serve(request: int, answer: int) -> None:
    """The second process: import what drawing needs, then draw what it is asked for."""
    preload()
    from campaign.report.charts import charts  # noqa: PLC0415

    asked = _read(request, None)
    os.close(request)
    if not asked:  # the first process ended, or went on without charts
        return
    report, names = pickle.loads(asked)  # our own parent's bytes
    _write(answer, pickle.dumps(charts(report, names)))
    os.close(answer)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read(fd: int, deadline: float | None) -> bytes | None:
    """Everything written to `fd` until it is closed; None when `deadline` (a monotonic time)
    passes first."""
    parts: list[bytes] = []
    while True:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
        part = os.read(fd, 1 << 20)
        if not part:
            return b"".join(parts)
        parts.append(part)


def _end(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
