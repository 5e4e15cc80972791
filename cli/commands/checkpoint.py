"""`campaign checkpoint` (and `publish`) and `campaign replay`: the office's reports, as of a
date and as known at a time."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from campaign.domain.vocabulary import Period
from campaign.report.words import LANGS, as_of_choice
from cli.context import engine_for, parse_date, writing
from cli.options import key_option, query_options, read_options, write_options
from cli.output import print_csv, print_json, progress

if TYPE_CHECKING:
    from campaign.report.words import Lang


@click.group(invoke_without_command=True)
@query_options
@click.option(
    "--series",
    type=click.Choice(list(Period)),
    help="Zone figures at each period end instead (旬 = xun).",
)
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="Print the projects table as CSV for Excel: a byte-order mark, Chinese headers and "
    "labels, money with two places, rates as percentages.",
)
@click.option(
    "--csv-keys",
    is_flag=True,
    help="Print the projects table as CSV for machines: SPEC's field names and words, rates "
    "as ratios, money with two places; UTF-8 without a byte-order mark.",
)
@click.option(
    "--xlsx",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the Excel 调度表 to this file (as report --xlsx).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="zh",
    envvar="CAMPAIGN_LANG",
    show_default=True,
    help="The tables' language (env CAMPAIGN_LANG).",
)
@click.option(
    "--wide", is_flag=True, help="Every column, money to the cent; nothing shortened to fit."
)
@click.option(
    "--no-snapshot",
    is_flag=True,
    help="Replay the whole log from its first event (no projection snapshots).",
)
@key_option
@read_options
@click.pass_context
def checkpoint(
    ctx: click.Context,
    as_of: str | None,
    known_at: str | None,
    series: str | None,
    as_csv: bool,
    csv_keys: bool,
    xlsx: Path | None,
    lang: Lang,
    wide: bool,
    no_snapshot: bool,
    signing_key: str | None,
    db: str,
    as_json: bool,
) -> None:
    """The checkpoint report at a date: 双过半, the four rates, targets, factors, lights, ranking.

    --as-of says which facts count (effective dates up to that day); --known-at says what
    was known (events recorded up to then). "What did the June 30 report say on June 30?" is
    --as-of 2020-06-30 --known-at 2020-06-30. Without --as-of, the checkpoint is read on the
    campaign's latest checkpoint day (in force) not after today — before the first one, on
    today — and says so. The tables are in Chinese on 80 columns (--lang en, --wide).

    \b
    Examples:
      campaign checkpoint --as-of 2020-06-30
      campaign checkpoint --as-of 2020-06-30 --known-at 2020-06-30 --json \\
          --db demo.db
      campaign checkpoint --as-of 2020-06-30 --csv > projects.csv
      campaign checkpoint --as-of 2020-06-30 --csv-keys > projects-keys.csv
      campaign checkpoint --as-of 2020-06-30 --lang en --wide
      campaign checkpoint --as-of 2020-06-30 --xlsx 调度表.xlsx
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
    _one_output(as_json, as_csv, csv_keys, xlsx, series)
    machine = as_json or as_csv or csv_keys
    with (
        engine_for(db, create=False, signing_key=signing_key) as engine,
        progress("replaying") as tick,
    ):
        snapshots = not no_snapshot
        if series:
            from campaign import series_document

            document = series_document(
                engine, series, parse_date(as_of), known_at, progress=tick, snapshots=snapshots
            )
            _print_series(document, as_json, as_csv, csv_keys, lang, wide)
            return
        from campaign import build_report, checkpoint_document, choose_as_of

        choice = choose_as_of(engine, parse_date(as_of))
        note = None if choice.why == "given" else as_of_choice(choice.why, str(choice.day), lang)
        if machine and xlsx is None:
            document = checkpoint_document(
                engine, choice.day, known_at, progress=tick, snapshots=snapshots
            )
            built = None
        else:
            built = build_report(
                engine,
                choice.day,
                known_at,
                progress=tick,
                snapshots=snapshots,
                with_burnup=False,  # the 调度表 and the tables draw no chart
            )
            document = built.document
    if note is not None and (machine or xlsx is not None):
        click.echo(note, err=True)  # the data alone on stdout
    if built is not None and xlsx is not None:
        from campaign import write_xlsx

        with writing(xlsx):
            write_xlsx(built, xlsx)
        if not machine:
            receipt = document["receipt"]
            click.echo(f"调度表 {document['as_of']} 已写入 {xlsx}")
            click.echo(f"receipt {receipt['digest']} state {receipt['state_hash']}")
    if as_json:
        print_json(document)
    elif as_csv or csv_keys:
        from campaign.figures.checkpoint import PROJECT_KEYS

        print_csv(document["projects"], list(PROJECT_KEYS), keys=csv_keys)
    elif built is not None and xlsx is None:
        from cli.checkpoint_tables import print_checkpoint
        from cli.tables import console

        print_checkpoint(built, console(), lang=lang, wide=wide, note=note)


def _one_output(
    as_json: bool, as_csv: bool, csv_keys: bool, xlsx: Path | None, series: str | None
) -> None:
    given = [
        name
        for name, on in (("--json", as_json), ("--csv", as_csv), ("--csv-keys", csv_keys))
        if on
    ]
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join(given)}: choose one")
    if xlsx is not None and (series or as_csv or csv_keys):
        raise click.UsageError(
            "--xlsx writes one checkpoint's 调度表: not with --series, --csv or --csv-keys"
        )


def _print_series(
    document: dict[str, Any], as_json: bool, as_csv: bool, csv_keys: bool, lang: Lang, wide: bool
) -> None:
    if as_json:
        print_json(document)
    elif as_csv or csv_keys:
        print_csv(document["rows"], keys=csv_keys)
    else:
        from cli.checkpoint_tables import print_series
        from cli.tables import console

        print_series(document, console(), lang=lang, wide=wide)


@checkpoint.command("publish")
@query_options
@key_option
@write_options
def checkpoint_publish(
    as_of: str | None,
    known_at: str | None,
    signing_key: str | None,
    db: str,
    actor: str,
    as_json: bool,
) -> None:
    """Publish a checkpoint: append its query, the log position read and its state hash.

    Auditors can later reproduce every published checkpoint and compare the hashes. With the
    office's key (--key), the publication also carries the signed head of the log it read.

    \b
    Example:
      campaign checkpoint publish --as-of 2020-06-30 --known-at 2020-07-05 \\
          --db demo.db
    """
    from campaign import publish

    with engine_for(db, create=False, signing_key=signing_key) as engine:
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

    In Chinese, a few lines a project, wrapped to the terminal's width (80 columns on a pipe).
    Without --as-of, today (within the campaign year); after the campaign year, its last day,
    and a note on stderr says so.

    \b
    Examples:
      campaign replay --as-of 2020-05-31
      campaign replay --as-of 2020-05-31 --known-at 2020-05-31 --project DM-001 \\
          --db demo.db
    """
    from campaign import project_states
    from cli.commands.lookups import default_day_note

    with engine_for(db, create=False) as engine, progress("replaying") as tick:
        document = project_states(engine, parse_date(as_of), known_at, project, progress=tick)
        note = None if as_of is not None else default_day_note(engine, document["as_of"])
    if note is not None:
        click.echo(note, err=True)
    if as_json:
        print_json(document)
    else:
        from cli.lookup_tables import print_project_states
        from cli.tables import console

        print_project_states(document, console())
