"""The engine's clock, injected so that the domain never reads the time itself."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock that says what it is told (tests, drills)."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a clock's time must be timezone-aware")
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at = self.at + dt.timedelta(**delta)


class ServerClock:
    """The clock of a shared store's server: every writer stamps its events by one clock, taken
    under the write lock, whatever its own machine's time."""

    def __init__(self, read: Callable[[], dt.datetime | None]) -> None:
        self.read = read

    def now(self) -> dt.datetime:
        now = self.read()
        if now is None:
            raise ValueError("this store has no server clock")
        return now
