"""`make bench`: every figure of the performance targets, with its target and its ratio to the
floor, measured in one run on stores built once from the generator.

    python -m benchmarks.report            # 100k and 1M events
    python -m benchmarks.report --curve    # also the replay at 3M events
    python -m benchmarks.report --imports  # only the bulk import against the scenario load
    python -m benchmarks.report --reports  # only the 通报 and the checkpoint's tables
    python -m benchmarks.report --shared   # only N=8 writers x 50 commands and kill -9, both
                                           # backends (a durable PostgreSQL is started)
    python -m benchmarks.report --scale    # only the scale targets, on the 1M and 3M stores of
                                           # both generators (the project's and
                                           # benchmarks/heldout), and on PostgreSQL
    python -m benchmarks.report --heldout  # only the floor and the replay, on stores from both
                                           # generators (benchmarks/heldout)
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmarks import imports, measure, shared, stores
from campaign import Settings, load_scenario, open_engine

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

QUERIES = (
    ("mid-year", "2020-06-30", None),
    ("as of 05-31 known at 06-05", "2020-05-31", "2020-06-05"),
)


@dataclass
class Row:
    figure: str
    value: str
    target: str = ""
    floor_ratio: str = ""
    ok: bool | None = None


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def replay_rows(events: int, label: str, source: stores.Source = "generator") -> list[Row]:
    if source != "generator":
        label = f"{label} {source}"
    say(f"the {label} store (built once, cached in {stores.cache_dir()}) ...")
    db = stores.store(stores.projects_for(events, source), source=source)
    floor = measure.floor_rate(db)
    replay = measure.replay_rate(db)
    return [
        Row(
            f"floor: sqlite3 + orjson.loads, {label} ({measure.events_in(db):,} events)",
            f"{floor:,.0f} events/s",
            "",
            "1.00",
        ),
        Row(
            f"full replay (decode + fold), {label}",
            f"{replay:,.0f} events/s",
            ">= 0.5 x floor",
            f"{replay / floor:.2f}",
            replay / floor >= 0.5,
        ),
    ]


def checkpoint_rows() -> list[Row]:
    say("checkpoints ...")
    big = stores.store(stores.projects_for(1_000_000))
    rows = []
    for name, as_of, known_at in QUERIES:
        wall = measure.cold_checkpoint_wall(big, as_of, known_at)
        rows.append(
            Row(
                f"checkpoint {name}, 1M, cold process", f"{wall:.2f} s", "<= 1.5 s", "", wall <= 1.5
            )
        )
    full = measure.checkpoint_seconds(big, "2020-06-30", None, snapshots=False)
    rows.append(Row("checkpoint mid-year, 1M, --no-snapshot (in process)", f"{full:.2f} s"))
    return rows


def append_rows() -> list[Row]:
    say("appends ...")
    folder = stores.scratch()
    scenario = stores.scenario(stores.projects_for(100_000))
    opening = folder / "open.jsonl"
    with scenario.open("rb") as source, opening.open("wb") as target:
        target.write(source.readline())  # the campaign
        target.write(source.readline())  # its first project
    empty = folder / "empty.db"
    with open_engine(Settings(db=str(empty))) as engine:
        if load_scenario(engine, opening, actor="benchmark").appended != 2:
            raise RuntimeError(f"{opening} did not open a campaign with one project")
    big = stores.copy_of(stores.store(stores.projects_for(100_000)), folder)
    ratio = measure.latency_ratio(measure.append_latencies(big), measure.append_latencies(empty))
    rows = [
        Row(
            "one report, 100k-event store / empty store (median, in process)",
            f"{ratio:.2f} x",
            "<= 1.5",
            "",
            ratio <= 1.5,
        )
    ]
    for db, name in ((empty, "empty store"), (big, "100k-event store")):
        wall = measure.cold_append_wall(db)
        rows.append(
            Row(f"one report, {name}, cold process", f"{wall:.3f} s", "<= 0.35 s", "", wall <= 0.35)
        )
    rate = measure.bulk_load_rate(scenario, folder)
    rows.append(
        Row(
            "bulk scenario load (100k events)",
            f"{rate:,.0f} events/s",
            ">= 20,000",
            "",
            rate >= 20_000,
        )
    )
    return rows


def import_rows(rows: int = 10_000) -> list[Row]:
    say("bulk import against the scenario load ...")
    figures = imports.measure(rows, stores.scratch())
    table = [
        Row(
            f"scenario run: campaign, {rows:,} projects, their {rows:,} reports",
            f"{figures.scenario_s:.2f} s",
        ),
        Row(
            f"  of which the {rows:,} reports (less the projects alone)",
            f"{figures.reports_s:.2f} s",
        ),
    ]
    for kind, seconds in (("xlsx", figures.xlsx_s), ("csv", figures.csv_s)):
        ratio = figures.ratio(seconds)
        table.append(
            Row(
                f"progress import, {rows:,}-row .{kind} / that scenario run",
                f"{ratio:.2f} x ({seconds:.2f} s)",
                f"<= {imports.TARGET} x",
                "",
                ratio <= imports.TARGET,
            )
        )
    return table


def report_rows() -> list[Row]:
    say("reports ...")
    big = stores.store(stores.projects_for(1_000_000))
    out = stores.scratch() / "通报.html"
    report, checkpoint, ratio = measure.report_ratio(big, "2020-06-30", out)
    rows = [
        Row(
            f"通报 (HTML) mid-year, 1M, in process / checkpoint ({checkpoint:.2f} s)",
            f"{ratio:.2f} x ({report:.2f} s)",
            "<= 2 x",
            "",
            ratio <= 2,
        )
    ]
    report, checkpoint, ratio = measure.cold_report_ratio(big, "2020-06-30", out)
    rows.append(
        Row(
            f"通报 (HTML) mid-year, 1M, cold process / checkpoint --json ({checkpoint:.2f} s)",
            f"{ratio:.2f} x ({report:.2f} s)",
            "<= 2 x",
            "",
            ratio <= 2,
        )
    )
    table, as_json, ratio = measure.table_ratio(stores.store(3_000), "2020-06-30")
    rows.append(
        Row(
            f"checkpoint tables, 3,000 projects, cold / --json ({as_json:.2f} s)",
            f"{ratio:.2f} x ({table:.2f} s)",
            "<= 1.5 x",
            "",
            ratio <= 1.5,
        )
    )
    return rows


def memory_and_audit_rows() -> list[Row]:
    say("memory and audit ...")
    big = stores.store(stores.projects_for(1_000_000))
    rss = measure.replay_peak_rss_mb(big)
    verify = measure.verify_rate(big)
    return [
        Row("peak RSS of a full 1M replay", f"{rss:,.0f} MB", "<= 600 MB", "", rss <= 600),
        Row("audit verify, 1M", f"{verify:,.0f} events/s", ">= 300,000", "", verify >= 300_000),
    ]


def beside_floor_row(
    figure: str, db: Path, run: Callable[[Path], float], target: float | None = None
) -> Row:
    """The row of a whole pass over `db` by `run`, in events/s and as a ratio to the floor
    measured beside it (`measure.beside_floor`), with `target` as its least ratio."""
    seconds, beside = measure.beside_floor(db, lambda: run(db))
    rate = measure.events_in(db) / seconds
    return Row(
        figure,
        f"{rate:,.0f} events/s (floor beside it {beside:,.0f})",
        "" if target is None else f">= {target} x floor",
        f"{rate / beside:.2f}",
        None if target is None else rate / beside >= target,
    )


def scale_rows(source: stores.Source) -> list[Row]:
    """The rows of the scale targets on the 1M store of `source` (cold processes, the floor
    measured in the same run, and beside each ratio its own)."""
    say(f"at scale, {source} ...")
    folder = stores.scratch()
    big = stores.store(stores.projects_for(1_000_000, source), source=source)
    events = measure.events_in(big)
    floor = measure.floor_rate(big)
    label = f"1M {source}"
    rows = [Row(f"floor, {label} ({events:,} events)", f"{floor:,.0f} events/s", "", "1.00")]
    wall, beside = measure.beside_floor(
        big,
        lambda: measure.command_wall(
            "checkpoint", "--as-of", "2020-06-30", "--db", str(big), "--json", "--no-snapshot"
        ),
    )
    ratio = events / wall / beside
    rows.append(
        Row(
            f"cold checkpoint --no-snapshot, {label}",
            f"{events / wall:,.0f} events/s ({wall:.2f} s; floor beside it {beside:,.0f})",
            ">= 0.6 x floor",
            f"{ratio:.2f}",
            ratio >= 0.6,
        )
    )
    load_tail, first, later = measure.first_and_later_walls(big, folder, "2020-06-30")
    rows.append(
        Row(
            f"first query after a load / a later one, {label}",
            f"{first / later:.1f} x ({first:.2f} s / {later:.2f} s)",
            "<= 2",
            "",
            first / later <= 2,
        )
    )
    rows.append(Row(f"snapshots taken at the end of the load, {label}", f"{load_tail:.1f} s"))
    for as_of, known_at in (("2020-06-30", None), ("2020-05-15", "2020-05-20")):
        wall = measure.cold_checkpoint_wall(big, as_of, known_at, rounds=2)
        name = as_of[5:] + (f" known at {known_at[5:]}" if known_at else "")
        rows.append(
            Row(f"cold checkpoint {name}, {label}", f"{wall:.2f} s", "<= 0.8 s", "", wall <= 0.8)
        )
    seconds, projects = measure.computation_seconds(big, "2020-06-30")
    rows.append(
        Row(
            f"checkpoint computation, {projects:,} projects, in process",
            f"{seconds:.3f} s",
            "<= 0.15 s",
            "",
            seconds <= 0.15,
        )
    )
    rows.append(beside_floor_row(f"audit verify, {label}", big, measure.verify_seconds, 0.6))
    rows.append(
        beside_floor_row(
            f"  its bound: its reads and hashes alone, {label}", big, measure.verify_least_seconds
        )
    )
    rss = measure.replay_peak_rss_mb(big)
    rows.append(
        Row(f"peak RSS, full replay, {label}", f"{rss:,.0f} MB", "<= 250 MB", "", rss <= 250)
    )
    scenario = stores.scenario(stores.projects_for(100_000, source), source=source)
    rate = measure.bulk_load_rate(scenario, folder)
    rows.append(
        Row(f"bulk load, 100k {source}", f"{rate:,.0f} events/s", ">= 25,000", "", rate >= 25_000)
    )
    wall = measure.cold_append_wall(stores.copy_of(big, folder))
    rows.append(
        Row(f"cold one-report command, {label}", f"{wall:.3f} s", "<= 0.25 s", "", wall <= 0.25)
    )
    listed, wall = measure.cold_audit_log_wall(big)
    rows.append(Row(f"cold `audit log --project` ({listed} events), {label}", f"{wall:.2f} s"))
    return rows


def large_rows(source: stores.Source) -> list[Row]:
    """The cold checkpoint on the 3M store of `source` (32k projects and more)."""
    say(f"the 3M {source} store ...")
    big = stores.store(stores.projects_for(3_000_000, source), source=source)
    events = measure.events_in(big)
    wall = measure.cold_checkpoint_wall(big, "2020-06-30", None, rounds=2)
    projects = stores.projects_for(3_000_000, source)
    return [
        Row(
            f"cold checkpoint 06-30, 3M {source} ({events:,} events, {projects:,} projects)",
            f"{wall:.2f} s",
            "<= 1.5 s",
            "",
            wall <= 1.5,
        )
    ]


def postgres_rows(source: stores.Source) -> list[Row]:
    """The full replay on PostgreSQL against its own floor: the 1M store of `source`, exported
    and imported into a PostgreSQL started for the purpose."""
    say(f"PostgreSQL replay, 1M {source} (export, import, replay) ...")
    big = stores.store(stores.projects_for(1_000_000, source), source=source)
    log = stores.scratch() / f"log-{source}.jsonl"
    measure.command_wall("export", str(log), "--db", str(big))
    with shared.server() as pg:
        url = pg.create_database(f"replay_{source}")
        shared.ok("admin", "init", db=url)
        measure.command_wall("import", str(log), "--db", url)
        events, floor, replay = measure.postgres_floor_and_replay(url)
    log.unlink()
    return [
        Row(
            f"PostgreSQL floor: named cursor + orjson.loads, 1M {source} ({events:,} events)",
            f"{floor:,.0f} events/s",
            "",
            "1.00",
        ),
        Row(
            f"PostgreSQL full replay, 1M {source}",
            f"{replay:,.0f} events/s",
            ">= 0.7 x its floor",
            f"{replay / floor:.2f}",
            replay / floor >= 0.7,
        ),
    ]


def scale(source: stores.Source) -> list[Row]:
    """Every row of the scale targets for one generator's stores."""
    return scale_rows(source) + large_rows(source) + postgres_rows(source)


def shared_rows(writers: int = 8, commands: int = 50, kills: int = 5) -> list[Row]:
    say(f"{writers} writers x {commands} commands and kill -9, on SQLite and PostgreSQL ...")
    writes, killed = shared.measure(writers, commands, kills)
    table = []
    for f in writes:
        table.append(
            Row(
                f"{f.writers} x {f.commands} writers at once, {f.backend}: failed/lost/duplicated",
                f"{f.failed}/{f.lost}/{f.duplicated}",
                "0/0/0, in order",
                "",
                f.held,
            )
        )
        table.append(
            Row(
                f"  one command as a writer waits, {f.backend}: p50 / p99",
                f"{f.p50:.2f} / {f.p99:.2f} s",
            )
        )
    for k in killed:
        table.append(
            Row(
                f"kill -9 mid-write of {k.what}, {k.backend}: partial / rerun ok / verified",
                f"{k.partial}/{k.reruns_completed}/{k.verified} of {k.kills}",
                "0 partial",
                "",
                k.partial == 0 and k.reruns_completed == k.verified == k.kills > 0,
            )
        )
    return table


def print_table(rows: list[Row]) -> None:
    widths = (max(len(r.figure) for r in rows), max(len(r.value) for r in rows), 14, 6)
    header = ("figure", "measured", "target", "/floor")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + "  met")
    print("  ".join("-" * w for w in widths) + "  ---")
    for r in rows:
        met = "" if r.ok is None else ("yes" if r.ok else "NO")
        cells = (
            r.figure.ljust(widths[0]),
            r.value.rjust(widths[1]),
            r.target.ljust(widths[2]),
            r.floor_ratio.rjust(widths[3]),
        )
        print("  ".join(cells) + f"  {met}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description="The performance figures, their targets and ratios."
    )
    parser.add_argument("--curve", action="store_true", help="also measure the replay at 3M events")
    parser.add_argument(
        "--imports", action="store_true", help="only the bulk import against the scenario load"
    )
    parser.add_argument(
        "--reports", action="store_true", help="only the 通报 and the checkpoint's tables"
    )
    parser.add_argument(
        "--shared", action="store_true", help="only the writers at once and kill -9, both backends"
    )
    parser.add_argument(
        "--appends", action="store_true", help="only one report's latency and the bulk load"
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="only the scale targets, on the 1M and 3M stores of both generators",
    )
    parser.add_argument(
        "--heldout",
        action="store_true",
        help="only the floor and the replay, on the generator's and the held-out stores",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    measure.compile_sources()
    if args.imports:
        rows = import_rows()
    elif args.reports:
        rows = report_rows()
    elif args.shared:
        rows = shared_rows()
    elif args.appends:
        rows = append_rows()
    elif args.scale:
        rows = scale("generator") + scale("heldout")
    elif args.heldout:
        rows = []
        for events, label in ((100_000, "100k"), (1_000_000, "1M")):
            rows += replay_rows(events, label) + replay_rows(events, label, "heldout")
    else:
        rows = replay_rows(100_000, "100k") + replay_rows(1_000_000, "1M")
        if args.curve:
            rows += replay_rows(3_000_000, "3M")
        rows += checkpoint_rows() + report_rows() + append_rows() + import_rows()
        rows += memory_and_audit_rows() + scale("generator") + scale("heldout")
        rows += shared_rows()
    print_table(rows)
    say(f"measured in {time.perf_counter() - started:.0f} s, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
