"""SPEC §6.2: the four rates of the zone, and who counts in them.

Dates are ISO text (they order as dates do); `day` is as_of. Each rate is an exact pair whose
numerator and denominator are the counts the report shows beside it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from campaign.figures.rounding import Exact

NEVER = "9999-12-31"  # later than any day: a milestone not reached


class ProjectFacts(Protocol):
    """What the rates read of a project (as known at the cut)."""

    @property
    def category(self) -> str: ...
    @property
    def planned_start(self) -> str | None: ...
    @property
    def planned_completion(self) -> str | None: ...
    @property
    def milestones(self) -> Mapping[str, str]: ...
    @property
    def terminated_on(self) -> str | None: ...


def reached_by(facts: ProjectFacts, milestone: str, day: str) -> str | None:
    """The date of `milestone` when reached on or before `day`."""
    date = facts.milestones.get(milestone)
    return date if date is not None and date <= day else None


def is_terminated(terminated_on: str | None, day: str) -> bool:
    """Terminated with a date on or before `day`."""
    return terminated_on is not None and terminated_on <= day


def is_listed(registered_on: str, terminated_on: str | None, day: str) -> bool:
    """ "Listed" (SPEC §6): registered with date <= as_of and not terminated with date <= as_of."""
    return registered_on <= day and not is_terminated(terminated_on, day)


def fulfilment_rate(registered: Iterable[ProjectFacts], day: str) -> Exact:
    """履约率: of the projects registered by as_of whose signed date is on or before it
    (terminated ones included), the share not terminated by as_of: (fulfilled, signed)."""
    signed = [f for f in registered if reached_by(f, "signed", day) is not None]
    fulfilled = sum(1 for f in signed if not is_terminated(f.terminated_on, day))
    return fulfilled, len(signed)


def funds_rate(ytd_funds: int, annual_plan: int) -> Exact:
    """资金到位率: YTD funds / the annual plans in force (of listed projects)."""
    return ytd_funds, annual_plan


def is_due_to_start(facts: ProjectFacts, day: str) -> bool:
    """A project of category `new` whose planned start is on or before as_of."""
    return (
        facts.category == "new" and facts.planned_start is not None and facts.planned_start <= day
    )


def start_rate(listed: Iterable[ProjectFacts], day: str) -> Exact:
    """开工率: of the listed projects due to start, the share started by as_of:
    (started, due_to_start)."""
    due = [f for f in listed if is_due_to_start(f, day)]
    return sum(1 for f in due if reached_by(f, "started", day) is not None), len(due)


def is_early_start(facts: ProjectFacts, day: str) -> bool:
    """Started by as_of although its planned start is after as_of."""
    return (
        reached_by(facts, "started", day) is not None
        and facts.planned_start is not None
        and facts.planned_start > day
    )


def early_starts(listed: Iterable[ProjectFacts], day: str) -> int:
    """Listed projects started by as_of whose planned start is after as_of."""
    return sum(1 for f in listed if is_early_start(f, day))


def start_overdue_days(facts: ProjectFacts, as_of: dt.date) -> int:
    """Calendar days from the planned start to as_of, for a project not started by as_of whose
    planned start is before it; 0 otherwise (the caller gives 0 to terminated projects)."""
    day = as_of.isoformat()
    planned = facts.planned_start
    if planned is None or planned >= day or reached_by(facts, "started", day) is not None:
        return 0
    return (as_of - dt.date.fromisoformat(planned)).days


def is_due_to_commission(facts: ProjectFacts, day: str) -> bool:
    """A project whose planned completion is on or before as_of."""
    return facts.planned_completion is not None and facts.planned_completion <= day


def is_commissioned(facts: ProjectFacts, day: str) -> bool:
    """Completed or in production by as_of."""
    return any(reached_by(facts, m, day) is not None for m in ("completed", "production"))


def commissioning_rate(listed: Iterable[ProjectFacts], day: str) -> Exact:
    """竣工投产率: of the listed projects due to commission, the share completed or in
    production by as_of: (commissioned, due_to_commission)."""
    due = [f for f in listed if is_due_to_commission(f, day)]
    return sum(1 for f in due if is_commissioned(f, day)), len(due)
