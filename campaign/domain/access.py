"""Who may do what on a shared store: a database role, its kind (office, team, auditor) and a
team's projects. Granted and revoked by the store's owner (`campaign admin grant / revoke`);
every grant and revoke is an event of the log, and the database enforces the one in force."""

from __future__ import annotations

import datetime as dt
import re

from eventsourcing.domain import event

from campaign.domain.errors import Refused
from campaign.domain.events import Aggregate, Stamp

ROLE_KINDS = ("office", "team", "auditor")
_ROLE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,62}")


def check_role(role: str) -> None:
    if not _ROLE.fullmatch(role):
        raise Refused(
            "role",
            role,
            "must be a PostgreSQL role name: letters, digits, _ or $, starting with a letter or _, "
            "at most 63 characters",
        )


def check_kind(kind: str, projects: tuple[str, ...]) -> None:
    if kind not in ROLE_KINDS:
        raise Refused("kind", kind, f"must be one of {', '.join(ROLE_KINDS)}")
    if kind == "team" and not projects:
        raise Refused("projects", None, "a team is granted its projects: give at least one")
    if kind != "team" and projects:
        raise Refused("projects", ", ".join(projects), f"only a team has projects, not an {kind}")


class Access(Aggregate):
    """One database role's access to the log."""

    class Granted(Aggregate.Created):
        role: str
        kind: str
        projects: tuple[str, ...] = ()

    class Regranted(Aggregate.Event):
        role: str
        kind: str
        projects: tuple[str, ...] = ()

    class Revoked(Aggregate.Event):
        role: str

    @staticmethod
    def create_id(role: str) -> str:
        return Access.id_for(role)

    @staticmethod
    def id_for(role: str) -> str:
        return f"access:{role}"

    @classmethod
    def grant(cls, *, role: str, kind: str, projects: tuple[str, ...], stamp: Stamp) -> Access:
        check_role(role)
        check_kind(kind, projects)
        return cls(
            role=role,
            kind=kind,
            projects=projects,
            date=stamp.today,
            actor=stamp.actor,
            timestamp=stamp.at,
        )

    @event(Granted)
    def __init__(
        self,
        *,
        role: str,
        kind: str,
        projects: tuple[str, ...],
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.role = role
        self.kind: str | None = kind
        self.projects = projects

    def regrant(self, *, kind: str, projects: tuple[str, ...], stamp: Stamp) -> None:
        check_kind(kind, projects)
        self._regranted(
            role=self.role,
            kind=kind,
            projects=projects,
            date=stamp.today,
            actor=stamp.actor,
            timestamp=stamp.at,
        )

    @event(Regranted)
    def _regranted(
        self,
        *,
        role: str,
        kind: str,
        projects: tuple[str, ...],
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.kind = kind
        self.projects = projects

    def revoke(self, *, stamp: Stamp) -> None:
        if self.kind is None:
            raise Refused("role", self.role, "has no access to revoke")
        self._revoked(role=self.role, date=stamp.today, actor=stamp.actor, timestamp=stamp.at)

    @event(Revoked)
    def _revoked(self, *, role: str, date: dt.date, actor: str, timestamp: dt.datetime) -> None:
        self.kind = None
        self.projects = ()
