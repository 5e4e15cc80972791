"""What a database role may append to a shared store, checked on the events a command makes,
before anything is written. The database enforces the same rules in its append trigger, for
every insert, typed in psql included; this check gives the person one clear line first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from campaign.domain.access import Access
from campaign.domain.errors import Refused
from campaign.store.schema import TEAM_TOPICS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from campaign.app.ports import EventStore
    from campaign.domain.events import Aggregate

TEAM_EVENTS = frozenset(topic.rpartition(":")[2] for topic in TEAM_TOPICS)
TEAM_WORK = "its projects' daily reports, corrections, milestones and factor requests"


class Rights:
    """A role's access as the log records it (the grant in force)."""

    def __init__(self, role: str, kind: str, projects: tuple[str, ...]) -> None:
        self.role = role
        self.kind = kind
        self.projects = projects

    @classmethod
    def of(cls, store: EventStore, role: str) -> Rights:
        """The rights of `role`, refused at once when it may append nothing."""
        found = store.get(Access.id_for(role))
        kind = found.kind if isinstance(found, Access) else None
        if kind is None:
            raise Refused(
                "role",
                role,
                "has no access to this campaign log: the store's owner grants it "
                "(campaign admin grant)",
            )
        if kind == "auditor":
            raise Refused("role", role, "is an auditor: it reads the log and appends nothing")
        projects = found.projects if isinstance(found, Access) else ()
        return cls(role, kind, tuple(projects))

    def check(self, events: Sequence[Aggregate.Event]) -> None:
        """Refuse what this role may not append among one command's events."""
        for event in events:
            name = type(event).__qualname__
            if isinstance(event, Access.Event):
                raise Refused(
                    "role", self.role, "may not grant or revoke: only the store's owner does"
                )
            if self.kind != "team":
                continue  # the office appends every other command's events
            if name not in TEAM_EVENTS:
                raise Refused(
                    "role",
                    self.role,
                    f"a project team records {TEAM_WORK}, not {name}",
                )
            code = getattr(event, "code", None)
            if code is not None and code not in self.projects:
                raise Refused(
                    "project",
                    code,
                    f"role {self.role} records only for its projects ({', '.join(self.projects)})",
                )
