"""`campaign checkpoint` (and `publish`) and `campaign replay`: the office's reports, as of a
date and as known at a time."""

from __future__ import annotations

import click

from campaign.domain.vocabulary import Period
from cli.context import engine_for, parse_date
from cli.options import query_options, read_options, write_options
from cli.output import console, print_csv, print_json, progress


@click.group(invoke_without_command=True)
@query_options
@click.option(
    "--series",
    type=click.Choice(list(Period)),
    help="Zone figures at each period end instead (旬 = xun).",
)
@click.option("--csv", "as_csv", is_flag=True, help="Print the projects table as CSV.")
@click.option(
    "--no-snapshot",
    is_flag=True,
    help="Replay the whole log from its first event (no projection snapshots).",
)
@read_options
@click.pass_context
def checkpoint(
    ctx: click.Context,
    as_of: str | None,
    known_at: str | None,
    series: str | None,
    as_csv: bool,
    no_snapshot: bool,
    db: str,
    as_json: bool,
) -> None:
    """The checkpoint report at a date: 双过半, the four rates, targets, factors, lights, ranking.

    --as-of says which facts count (effective dates up to that day); --known-at says what
    was known (events recorded up to then). "What did the June 30 report say on June 30?" is
    --as-of 2020-06-30 --known-at 2020-06-30.

    \b
    Examples:
      campaign checkpoint --as-of 2020-06-30
      campaign checkpoint --as-of 2020-06-30 --known-at 2020-06-30 --json --db demo.db
      campaign checkpoint --as-of 2020-06-30 --csv > projects.csv
      campaign checkpoint --series monthly
      campaign checkpoint publish --as-of 2020-06-30
    """
    if ctx.invoked_subcommand is not None:
        given = [
            param.opts[0]
            for param in ctx.command.params
            if param.name is not None
            and ctx.get_parameter_source(param.name) is click.core.ParameterSource.COMMANDLINE
        ]
        if given:
            options = ", ".join(given)
            raise click.UsageError(
                f"{options}: give them after '{ctx.invoked_subcommand}' "
                f"(campaign checkpoint {ctx.invoked_subcommand} --as-of ... --db ...)"
            )
        return
    from campaign import checkpoint_document, series_document

    with engine_for(db, create=False) as engine, progress("replaying") as tick:
        snapshots = not no_snapshot
        if series:
            document = series_document(
                engine, series, parse_date(as_of), known_at, progress=tick, snapshots=snapshots
            )
        else:
            document = checkpoint_document(
                engine, parse_date(as_of), known_at, progress=tick, snapshots=snapshots
            )
    if as_json:
        print_json(document)
    elif as_csv:
        if series:
            print_csv(document["rows"])
        else:
            from campaign.figures.checkpoint import PROJECT_KEYS

            print_csv(document["projects"], list(PROJECT_KEYS))
    else:
        from cli.report import print_checkpoint, print_series

        (print_series if series else print_checkpoint)(document, console())


@checkpoint.command("publish")
@query_options
@write_options
def checkpoint_publish(
    as_of: str | None, known_at: str | None, db: str, actor: str, as_json: bool
) -> None:
    """Publish a checkpoint: append its query, the log position read and its state hash.

    Auditors can later reproduce every published checkpoint and compare the hashes.

    \b
    Example:
      campaign checkpoint publish --as-of 2020-06-30 --known-at 2020-07-05 --db demo.db
    """
    from campaign import publish

    with engine_for(db, create=False) as engine:
        document, appended = publish(engine, parse_date(as_of), known_at, actor=actor)
        position, head = engine.store.tip()  # the log with the publication in it
    receipt = document["receipt"]
    if as_json:
        print_json(
            {
                "published": appended,
                "as_of": document["as_of"],
                "known_at": known_at,
                "receipt": receipt,
                "position": position,
                "head": head.hex(),
            }
        )
        return
    what = "published" if appended else "already published, nothing appended"
    click.echo(
        f"checkpoint {document['as_of']} {what}: state {receipt['state_hash']} "
        f"digest {receipt['digest']}"
    )
    click.echo(f"receipt {head.hex()}@{position}")


@click.command("replay")
@query_options
@click.option("--project", help="Only this project.")
@read_options
def replay_command(
    as_of: str | None, known_at: str | None, project: str | None, db: str, as_json: bool
) -> None:
    """Each project's state at a date: YTD totals, physical %, milestones, open requests.

    \b
    Examples:
      campaign replay --as-of 2020-05-31
      campaign replay --as-of 2020-05-31 --known-at 2020-05-31 --project DM-001 --db demo.db
    """
    from campaign import project_states

    with engine_for(db, create=False) as engine, progress("replaying") as tick:
        document = project_states(engine, parse_date(as_of), known_at, project, progress=tick)
    if as_json:
        print_json(document)
    else:
        from cli.report import print_projects

        print_projects(document, console())
