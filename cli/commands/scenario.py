"""`campaign scenario`: whole simulated campaigns, one command a line (SPEC §8)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.commands.audit import removed_if_refused
from cli.context import Config, Refusal, engine_for, keep_snapshots, parse_date
from cli.options import write_options
from cli.output import counted, print_json, progress

if TYPE_CHECKING:
    import datetime as dt


@click.group()
def scenario() -> None:
    """Scenario files: whole simulated campaigns, one command a line (JSON Lines)."""


@scenario.command("run")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@write_options
def scenario_run(file: Path, db: str, actor: str, as_json: bool) -> None:
    """Load a scenario file into an empty store, all lines or none.

    Each line is {"at": "<recorded time with offset>", "cmd": "<command>", ...fields}; a factor
    request filed with "ref" is named by that ref on later lines.

    \b
    Example:
      campaign scenario run scenarios/demo.jsonl --db demo.db
    """
    import time

    from campaign import CampaignError, LineError, load_scenario

    if not file.exists():
        raise Refusal(f"no scenario file at {file}")
    started = time.perf_counter()
    loading = progress(f"loading {file.name}", unit="bytes")
    with removed_if_refused(db), engine_for(db, create=True) as engine, loading as tick:
        try:
            report = load_scenario(engine, file, actor=actor, progress=tick)
        except CampaignError as error:
            raise Refusal(
                f"{file.name} {error}" if isinstance(error, LineError) else str(error)
            ) from None
        seconds = time.perf_counter() - started
    keep_snapshots(db)
    rate = report.appended / seconds if seconds > 0 else 0.0
    if as_json:
        print_json(
            {
                "file": str(file),
                "lines": report.lines,
                "commands": report.commands,
                "appended": report.appended,
                "seconds": round(seconds, 3),
                "events_per_s": round(rate),
                "position": report.position,
                "head": report.head,
            }
        )
    else:
        click.echo(
            f"loaded {file.name}: {counted(report.commands, 'command')}, "
            f"{counted(report.appended, 'event')} appended in {seconds:.1f} s "
            f"({rate:,.0f} events/s)"
        )
        click.echo(f"receipt {report.head}@{report.position}")


@scenario.command("generate")
@click.option(
    "--projects", type=click.IntRange(min=1), required=True, help="How many key projects."
)
@click.option(
    "--seed", type=int, required=True, help="Random seed: the same seed gives the same bytes."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the scenario (JSON Lines); - for stdout.",
)
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    default=2020,
    show_default=True,
    help="The campaign year (as campaign open takes it).",
)
@click.option(
    "--start", help="First day of the campaign (default: the hundred days ending 30 June)."
)
@click.option("--end", help="Last day of the campaign (default: 30 June).")
@click.option(
    "--density",
    type=click.FloatRange(min=0.01, max=10.0),
    default=1.0,
    show_default=True,
    help="Scale of reporting and request rates (1 = the reference campaign).",
)
def scenario_generate(
    projects: int,
    seed: int,
    out: Path,
    year: int,
    start: str | None,
    end: str | None,
    density: float,
) -> None:
    """Write a realistic simulated campaign for any number of projects, streamed to a file.

    \b
    Example (the reference scenario):
      campaign scenario generate --projects 54 --seed 2020 \\
          --out scenarios/zaozhuang-2020.jsonl
    """
    import datetime as dt
    import tempfile

    from campaign import SystemClock
    from scenarios.generator import generate

    first = parse_date(start, "start")
    last = parse_date(end, "end")
    config = click.get_current_context().find_object(Config) or Config()
    now = (config.clock or SystemClock()).now()
    ends = last or dt.date(year, 6, 30)
    if ends >= now.date():
        # a run refuses lines recorded in the future: such a file could never be loaded
        raise Refusal(
            f"end={ends}: a simulated campaign is in the past: it must end before today "
            f"({now.date()}); give an earlier --year or --end"
        )
    options: dict[str, Any] = {
        "projects": projects,
        "seed": seed,
        "year": year,
        "start": first,
        "end": last,
        "density": density,
    }
    # Written to a file (beside the target; for stdout, in a folder of its own), checked, and
    # only then moved into place or copied out: a refused or interrupted run leaves the
    # target as it was, and never writes half a scenario to stdout.
    to_stdout = str(out) == "-"
    folder = Path(tempfile.mkdtemp(prefix="campaign-scenario-")) if to_stdout else None
    partial = folder / "scenario.jsonl" if folder else out.with_name(f".{out.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as handle:
            report = generate(handle, **options)
        _check_recorded_by(partial, now)
        if folder is None:
            partial.replace(out)
        else:
            with partial.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    click.echo(chunk, nl=False)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except OSError as error:
        raise Refusal(f"cannot write {out}: {error.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
        if folder is not None:
            folder.rmdir()
    click.echo(
        f"wrote {report.lines:,} lines for {projects:,} projects to {out}", err=str(out) == "-"
    )


def _check_recorded_by(scenario: Path, now: dt.datetime) -> None:
    """Refuse a written scenario whose last line (its latest: lines are in recorded-time
    order) is recorded after `now`: `scenario run` would refuse it."""
    import datetime as dt

    import orjson

    with scenario.open("rb") as handle:
        handle.seek(max(0, scenario.stat().st_size - 65_536))
        lines = handle.read().splitlines()
    if not lines:
        return
    latest = dt.datetime.fromisoformat(orjson.loads(lines[-1])["at"])
    if latest > now:
        raise Refusal(
            f"at={latest.isoformat()}: the campaign's last line is recorded after now "
            f"({now.isoformat(timespec='seconds')}): give an earlier --year or --end"
        )
