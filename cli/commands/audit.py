"""`campaign audit`, `campaign export` and `campaign import`: for auditors."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.context import Refusal, engine_for, parse_date
from cli.options import read_options, store_options
from cli.output import console, print_json, progress

if TYPE_CHECKING:
    from collections.abc import Iterator


@click.group()
def audit() -> None:
    """For auditors: verify the hash chain, list events, explain differences, reproduce."""


@audit.command("verify")
@click.option(
    "--digest",
    "expected",
    metavar="HASH@POSITION",
    help="Also check against a digest kept outside the store (as printed on receipts).",
)
@click.option(
    "--snapshots",
    is_flag=True,
    help="Also check every projection snapshot against the log (a full replay).",
)
@read_options
def audit_verify(expected: str | None, snapshots: bool, db: str, as_json: bool) -> None:
    """Check the whole hash chain; name the first position that fails (exit 1).

    Catches an event modified, deleted, inserted or reordered; with --digest also a tail
    cut from the log. Projection snapshots (a cache that speeds up queries) are outside the
    chain: --snapshots checks each against what the log folds to. Published and reproduced
    checkpoints never use them.

    \b
    Examples:
      campaign audit verify
      campaign audit verify --db demo.db --snapshots \\
          --digest 19c02ad633d2203a55272b58ee07f621d6e536e16a5feb45f7b7b10f171eef10@49
    """
    import time

    from campaign import verify

    started = time.perf_counter()
    with engine_for(db, create=False) as engine, progress("verifying") as tick:
        result = verify(engine.store, expected=expected, progress=tick, snapshots=snapshots)
    seconds = time.perf_counter() - started
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "events": result.events,
                "digest": result.digest,
                "first_bad_position": result.position,
                "problem": result.problem,
            }
        )
    elif result.ok:
        checked = " and the digest" if expected else ""
        click.echo(
            f"verified {result.events:,} events{checked} in {seconds:.2f} s: head {result.digest}"
        )
    if not result.ok:
        if not as_json:
            click.echo(
                f"Error: the log fails verification at position {result.position}: "
                f"{result.problem}",
                err=True,
            )
        sys.exit(1)


@audit.command("log")
@click.option("--project", help="Only this project's events.")
@click.option(
    "--type",
    "types",
    multiple=True,
    help="Only this event type, e.g. Reported or DailyReport.Corrected (repeat).",
)
@click.option("--from", "date_from", help="Effective dates from this day.")
@click.option("--to", "date_to", help="Effective dates up to this day.")
@click.option("--recorded-from", help="Recorded at or after this time (date or ISO time).")
@click.option("--recorded-to", help="Recorded at or before this time (date: the end of that day).")
@click.option("--actor", "who", help="Only what this actor recorded.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many events.")
@read_options
def audit_log(
    project: str | None,
    types: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    recorded_from: str | None,
    recorded_to: str | None,
    who: str | None,
    limit: int | None,
    db: str,
    as_json: bool,
) -> None:
    """List the events, with both times (effective date, recorded time) and the actor.

    \b
    Examples:
      campaign audit log --project ZZ-001 --type Corrected
      campaign audit log --from 2020-06-01 --to 2020-06-30 --recorded-from 2020-07-01 --json
    """
    from campaign import LogFilter, log_entries
    from campaign.domain.time import DEFAULT_TIMEZONE, known_at_cut

    with engine_for(db, create=False) as engine:
        campaign = engine.campaign()
        zone = campaign.timezone if campaign else DEFAULT_TIMEZONE

        def moment(value: str | None, field: str, *, start: bool) -> Any:
            if value is None:
                return None
            try:
                if start and len(value.strip()) == 10:
                    return known_at_cut(value, zone).replace(
                        hour=0, minute=0, second=0, microsecond=0
                    )
                return known_at_cut(value, zone)
            except ValueError:
                raise Refusal(f"{field}={value}: must be a date or an ISO time") from None

        where = LogFilter(
            project=project,
            types=types,
            date_from=parse_date(date_from, "from"),
            date_to=parse_date(date_to, "to"),
            recorded_from=moment(recorded_from, "recorded_from", start=True),
            recorded_to=moment(recorded_to, "recorded_to", start=False),
            actor=who,
        )
        entries = list(log_entries(engine.store, where, timezone=zone, limit=limit))
    if as_json:
        print_json(entries)
        return
    from cli.report import print_log

    print_log(entries, zone, console())
    click.echo(f"{len(entries)} events", err=True)


@audit.command("diff")
@click.option("--as-of", required=True, help="The effective date of the checkpoint.")
@click.option("--known-at", required=True, help="The earlier view: what was known then.")
@click.option("--vs", required=True, help="The later view to compare with.")
@read_options
def audit_diff(as_of: str, known_at: str, vs: str, db: str, as_json: bool) -> None:
    """What changed in a checkpoint between two views of the log, and which events did it.

    \b
    Example (what the late reports and corrections changed in the June report):
      campaign audit diff --as-of 2020-06-30 --known-at 2020-06-30 --vs 2020-07-10 --db demo.db
    """
    from campaign import diff
    from campaign.domain.time import DEFAULT_TIMEZONE, in_zone
    from cli.report import shown_fields

    day = parse_date(as_of)
    with engine_for(db, create=False) as engine:
        campaign = engine.campaign()
        result = diff(engine, day, known_at, vs)
    if as_json:
        print_json(result.document())
        return
    low, high = result.positions
    click.echo(
        f"checkpoint {result.as_of}: known at {known_at} (position {low}) vs {vs} (position {high})"
    )
    if not result.changes:
        click.echo("no figure changed")
    for change in result.changes:
        click.echo(f"  {change['figure']}: {change['before']} -> {change['after']}")
    zone = campaign.timezone if campaign else DEFAULT_TIMEZONE
    if result.causes:
        click.echo("caused by the events recorded in between:")
    for e in result.causes:
        fields = shown_fields(e["fields"])
        click.echo(
            f"  #{e['position']} {in_zone(e['recorded'], zone)} {e['actor']}: {e['type']} "
            f"{e['project'] or ''} {e['date'] or ''} {fields}"
        )


@audit.command("reproduce")
@read_options
def audit_reproduce(db: str, as_json: bool) -> None:
    """Recompute every published checkpoint and compare state hashes; any mismatch exits 1.

    \b
    Example:
      campaign audit reproduce
    """
    from campaign import reproduce

    with engine_for(db, create=False) as engine:
        results = reproduce(engine)
    bad = [r for r in results if not r.ok]
    if as_json:
        print_json(
            {
                "published": len(results),
                "mismatches": len(bad),
                "checkpoints": [
                    {
                        "as_of": r.as_of,
                        "known_at": r.known_at,
                        "position": r.position,
                        "published": r.published,
                        "computed": r.computed,
                        "ok": r.ok,
                    }
                    for r in results
                ],
            }
        )
    else:
        for r in results:
            mark = "ok      " if r.ok else "MISMATCH"
            click.echo(
                f"{mark} {r.as_of} known at {r.known_at or 'publication'} "
                f"(position {r.position}): {r.computed}"
            )
        click.echo(f"{len(results)} published checkpoints, {len(bad)} mismatches")
    for r in bad:
        click.echo(
            f"Error: checkpoint {r.as_of} (known at {r.known_at}, position {r.position}) "
            f"was published as {r.published} but reproduces as {r.computed}",
            err=True,
        )
    if bad:
        sys.exit(1)


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@store_options
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (on stderr with -)."
)
def export_command(file: Path, db: str, as_json: bool) -> None:
    """Write the whole log, with its hash chain, to a JSON Lines file (- for stdout).

    \b
    Example:
      campaign export campaign-2020.jsonl
      campaign export demo-2020.jsonl --db demo.db
    """
    from campaign import export

    with engine_for(db, create=False) as engine:
        if str(file) == "-":
            result = export(engine.store, sys.stdout.buffer)
        else:
            try:
                out = file.open("wb")
            except OSError as error:
                raise Refusal(f"cannot write {file}: {error.strerror}") from None
            with out:
                result = export(engine.store, out)
    if as_json:
        document = {"file": str(file), "events": result.events, "digest": result.digest}
        print_json(document, compact=True, err=str(file) == "-")
    else:
        click.echo(f"exported {result.events:,} events: head {result.digest}", err=str(file) == "-")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@store_options
@click.option(
    "--digest",
    "expected",
    metavar="HASH@POSITION",
    help="Refuse the file unless its chain ends at this digest (kept outside the store).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_command(file: Path, db: str, expected: str | None, as_json: bool) -> None:
    """Load an exported log into an empty store, re-verifying every link and event (all or
    nothing). An exported file can be rewritten whole, with a fresh chain: give --digest (as
    printed on a receipt) to be sure it is the log you meant.

    \b
    Example:
      campaign import demo-2020.jsonl --db copy.db \\
          --digest 19c02ad633d2203a55272b58ee07f621d6e536e16a5feb45f7b7b10f171eef10@49
    """
    from campaign import CampaignError, LineError, import_log

    with removed_if_refused(db), engine_for(db, create=True) as engine, file.open("rb") as handle:
        try:
            result = import_log(engine.store, iter(handle), expected=expected)
        except CampaignError as error:
            raise Refusal(
                f"{file.name} {error}" if isinstance(error, LineError) else str(error)
            ) from None
    if as_json:
        print_json({"file": str(file), "events": result.events, "digest": result.digest})
    else:
        click.echo(f"imported {result.events:,} events: head {result.digest}")


@contextmanager
def removed_if_refused(db: str) -> Iterator[None]:
    """A SQLite store file this command creates is removed again if the command fails, so a
    refused import or scenario leaves nothing behind."""
    from campaign.store.store import is_postgres

    path = None if is_postgres(db) else Path(db)
    fresh = path is not None and not path.exists()
    try:
        yield
    except BaseException:
        if fresh and path is not None:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        raise
