"""`campaign admin`: the store owner's tasks: create the schema once, move it on, and grant and
revoke database roles on a shared (PostgreSQL) store."""

from __future__ import annotations

import click

from cli.context import Config, Refusal, engine_for
from cli.options import store_options, write_options
from cli.output import emit_results, print_json


@click.group()
def admin() -> None:
    """The store owner's tasks: schema, migration, and who may do what (PostgreSQL)."""


def _open(db: str, mode: str) -> tuple[str, int]:
    from campaign import CampaignError, Settings, open_store
    from campaign.store.schema import SCHEMA_VERSION

    config = click.get_current_context().find_object(Config) or Config()
    try:
        settings = Settings.resolve(db, lock_timeout=config.lock_timeout, clock=config.clock)
        store = open_store(settings, create=True, mode=mode)  # type: ignore[arg-type]
    except CampaignError as error:
        raise Refusal(str(error)) from None
    shown = store.db
    store.close()
    return shown, SCHEMA_VERSION


@admin.command("init")
@store_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def admin_init(db: str, as_json: bool) -> None:
    """Create the store's tables, triggers, functions and schema version (its owner, once).

    On PostgreSQL, ordinary commands never change the schema and refuse a store that is not
    initialised; the role that runs this owns the store. A SQLite file is initialised on its
    first use.

    \b
    Example:
      campaign admin init
    """
    shown, version = _open(db, "init")
    if as_json:
        print_json({"store": shown, "schema_version": version})
    else:
        click.echo(f"initialised the store {shown} (schema version {version})")


@admin.command("migrate")
@store_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def admin_migrate(db: str, as_json: bool) -> None:
    """Bring a store's schema to this engine's version (its owner); the log is not touched.

    \b
    Example:
      campaign admin migrate
    """
    shown, version = _open(db, "migrate")
    if as_json:
        print_json({"store": shown, "schema_version": version})
    else:
        click.echo(f"the store {shown} is at schema version {version}")


@admin.command("grant")
@click.argument("role")
@click.option(
    "--as",
    "kind",
    required=True,
    type=click.Choice(["office", "team", "auditor"]),
    help="office: every command; team: its projects' events; auditor: reads only.",
)
@click.option(
    "--project", "projects", multiple=True, metavar="CODE", help="A team's project (repeat)."
)
@write_options
def admin_grant(
    role: str, kind: str, projects: tuple[str, ...], db: str, actor: str, as_json: bool
) -> None:
    """Give a PostgreSQL login role access to a shared store, recorded in the log.

    The database then enforces it: an office appends anything but grants, a team only its
    projects' reports, corrections, milestones and factor requests, an auditor nothing. Each
    is recorded as the role (`--actor` only adds a display name) at the server's clock. Run by
    the store's owner; the role must exist (CREATE ROLE ... LOGIN).

    \b
    Examples:
      campaign admin grant zz_office --as office
      campaign admin grant zz_team_001 --as team --project ZZ-001 --project ZZ-002
      campaign admin grant zz_audit --as auditor
    """
    from campaign.app.admin import grant

    with engine_for(db, create=False) as engine:
        result = grant(engine, role, kind, projects, actor=actor)
    emit_results([result], as_json)


@admin.command("revoke")
@click.argument("role")
@write_options
def admin_revoke(role: str, db: str, actor: str, as_json: bool) -> None:
    """Take a role's access to a shared store away, recorded in the log.

    \b
    Example:
      campaign admin revoke zz_team_001
    """
    from campaign.app.admin import revoke

    with engine_for(db, create=False) as engine:
        result = revoke(engine, role, actor=actor)
    emit_results([result], as_json)
