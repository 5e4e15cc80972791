"""What is in force on a day: the one rule behind the plan in force (SPEC §3 revise plan), the
due date in force (§6.4) and, later, any setting that changes from a date.

Each change takes effect from its own date; on a day X the change in force is the one with the
greatest date <= X, ties going to the later in the log; with none, the original value holds.
Dates may be `datetime.date` or ISO text (they order alike).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterable

D = TypeVar("D", dt.date, str)
V = TypeVar("V")


def in_force(changes: Iterable[tuple[D, V]], day: D, original: V) -> V:
    """The value in force on `day`: of the (date, value) changes, given in log order, the one
    with the greatest date <= day (ties: the later), else `original`."""
    value = original
    best: D | None = None
    for since, changed in changes:
        if since <= day and (best is None or since >= best):
            best, value = since, changed
    return value
