"""SPEC §6.4: factor support in the green channel, per request on as_of and over any set of
requests (the zone, a category, a unit).

Dates are ISO text; `day` is as_of. Working days are counted by a `WorkingDays` function,
"working days in (after, through]" of the campaign's calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

from campaign.domain.history import in_force
from campaign.figures.rounding import Exact, rate4

if TYPE_CHECKING:
    from collections.abc import Sequence

    from campaign.read.projection import RequestState

WorkingDays = Callable[[str, str], int]
"""Working days d with after < d <= through."""


class RequestFacts(Protocol):
    """What the figures read of a request (as known at the cut)."""

    @property
    def filed_on(self) -> str: ...
    @property
    def sla_due(self) -> str: ...
    @property
    def extensions(self) -> Sequence[tuple[str, str]]: ...
    @property
    def escalations(self) -> Sequence[tuple[str, int]]: ...
    @property
    def resolved_on(self) -> str | None: ...


def due_in_force(request: RequestFacts, day: str) -> str:
    """The due date in force on `day`: the `due` of the extension with the greatest date <= day
    (ties: the later in the log), else the SLA due date."""
    extensions = request.extensions
    return in_force(extensions, day, request.sla_due) if extensions else request.sla_due


def is_resolved(request: RequestFacts, day: str) -> bool:
    """Resolved (fulfilled or rejected) on or before `day`."""
    return request.resolved_on is not None and request.resolved_on <= day


def is_on_time(request: RequestFacts) -> bool:
    """Resolved on or before the due date in force on the resolution date."""
    resolved = request.resolved_on
    return resolved is not None and resolved <= due_in_force(request, resolved)


def overdue_wd(due: str, day: str, working_days: WorkingDays) -> int:
    """For an open request whose due date in force is before as_of: working days in
    (due, as_of]; else 0."""
    return working_days(due, day) if due < day else 0


def manual_level(request: RequestFacts, day: str) -> int:
    """The highest level escalated by hand (督办) with a date on or before `day`; 0 for none."""
    return highest_level(request.escalations, day)


def highest_level(escalations: Iterable[tuple[str, int]], day: str) -> int:
    """`manual_level` of a request's escalations, (date, level) each."""
    return max((level for since, level in escalations if since <= day), default=0)


def escalation_level(manual: int, overdue_wd: int) -> int:
    """max(manual levels to date, 1 if overdue >= 1 working day, 2 if >= 6, 3 if >= 16)."""
    derived = 3 if overdue_wd >= 16 else 2 if overdue_wd >= 6 else 1 if overdue_wd >= 1 else 0
    return max(manual, derived)


def closure_rate(resolved: int, filed: int) -> Exact:
    """办结率: resolved / filed."""
    return resolved, filed


def on_time_rate(on_time: int, due: int) -> Exact:
    """按期办结率: of the requests due (resolved, or whose deadline has come), the share
    resolved on time."""
    return on_time, due


def median_resolution_wd(values: Iterable[int]) -> Fraction | None:
    """The median of the working days in (filed, resolved] over resolved requests; the mean
    of the middle two for an even count; None for none."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


@dataclass(frozen=True, slots=True)
class RequestView:
    """One filed request as seen on as_of."""

    request: RequestState
    resolved: bool
    open: bool
    due: str  # the due date in force on as_of
    is_due: bool  # resolved, or its due date has come
    overdue: bool  # open and its due date is before as_of
    on_time: bool
    overdue_wd: int  # open and past due: working days in (due, as_of]
    level: int  # escalation level (open requests)
    resolution_wd: int | None


def view_request(request: RequestState, day: str, working_days: WorkingDays) -> RequestView:
    """A request filed on or before as_of, as seen that day."""
    resolved = is_resolved(request, day)
    due = due_in_force(request, day)
    on_time = False
    resolution_wd = None
    if resolved:
        assert request.resolved_on is not None
        on_time = is_on_time(request)
        resolution_wd = working_days(request.filed_on, request.resolved_on)
    late = 0
    level = 0
    if not resolved:
        late = overdue_wd(due, day, working_days)
        level = escalation_level(manual_level(request, day), late)
    return RequestView(
        request=request,
        resolved=resolved,
        open=not resolved,
        due=due,
        is_due=resolved or due <= day,
        overdue=not resolved and due < day,
        on_time=on_time,
        overdue_wd=late,
        level=level,
        resolution_wd=resolution_wd,
    )


def factor_figures(views: Iterable[RequestView]) -> dict[str, Any]:
    """filed, resolved, closure_rate, due, on_time, on_time_rate, overdue_open,
    median_resolution_wd (and open, escalated_open) over the given filed requests."""
    views = list(views)
    filed = len(views)
    resolved = sum(1 for v in views if v.resolved)
    due = sum(1 for v in views if v.is_due)
    on_time = sum(1 for v in views if v.is_due and v.on_time)
    median = median_resolution_wd(v.resolution_wd for v in views if v.resolution_wd is not None)
    return {
        "filed": filed,
        "resolved": resolved,
        "closure_rate": rate4(closure_rate(resolved, filed)),
        "due": due,
        "on_time": on_time,
        "on_time_rate": rate4(on_time_rate(on_time, due)),
        "overdue_open": sum(1 for v in views if v.overdue),
        "median_resolution_wd": None if median is None else float(median),
        "open": filed - resolved,
        "escalated_open": sum(1 for v in views if v.open and v.level >= 1),
    }
