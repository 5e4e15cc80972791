"""The owner's tasks on a store: create its schema once (`init`), move it to this engine's
(`migrate`), and say which database role may do what (`grant`, `revoke`): each grant and revoke
is an event of the log, and the database's rights change in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from campaign.app.commands import GrantAccess, RevokeAccess, parse_command
from campaign.domain.errors import StoreError
from campaign.store.schema import SCHEMA_VERSION
from campaign.store.store import NO_ROLES

if TYPE_CHECKING:
    from campaign.app.engine import Engine
    from campaign.app.handlers import Result

__all__ = ["SCHEMA_VERSION", "grant", "revoke"]


def grant(engine: Engine, role: str, kind: str, projects: tuple[str, ...], *, actor: str) -> Result:
    """Give `role` the access of `kind` (a team: to `projects`), replacing what it had."""
    _check_roles(engine)
    command = parse_command(GrantAccess, {"role": role, "kind": kind, "projects": projects})
    assert isinstance(command, GrantAccess)
    (result,) = engine.execute_all(
        [command],
        actor=actor,
        then=lambda: engine.store.set_access(
            command.role, command.kind, tuple(sorted(set(command.projects)))
        ),
    )
    return result


def revoke(engine: Engine, role: str, *, actor: str) -> Result:
    """Take every right of `role` away."""
    _check_roles(engine)
    command = parse_command(RevokeAccess, {"role": role})
    assert isinstance(command, RevokeAccess)
    (result,) = engine.execute_all(
        [command], actor=actor, then=lambda: engine.store.set_access(command.role, None, ())
    )
    return result


def _check_roles(engine: Engine) -> None:
    """Refuse at once on a store without roles (a SQLite file), before any rule on the role:
    that is the reason, whatever the role."""
    if engine.store.writer_role() is None:
        raise StoreError(NO_ROLES)
