"""`make bench`: every figure of the performance targets, with its target and its ratio to the
floor, measured in one run on stores built once from the generator.

    python -m benchmarks.report            # 100k and 1M events
    python -m benchmarks.report --curve    # also the replay curve at 3M events
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

from benchmarks import measure, stores

MID_YEAR = ("2020-06-30", None)
KNOWN_AT = ("2020-05-31", "2020-06-05")


@dataclass
class Row:
    figure: str
    value: str
    target: str = ""
    floor_ratio: str = ""
    ok: bool | None = None


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def replay_rows(events: int, label: str) -> tuple[list[Row], float, float]:
    say(f"building or finding the {label} store (cached in {stores.cache_dir()}) ...")
    db = stores.store(stores.projects_for(events))
    count = measure.events_in(db)
    floor = measure.floor_rate(db)
    replay = measure.replay_rate(db)
    rows = [
        Row(f"floor: sqlite3 + orjson.loads, {label} ({count:,} events)", f"{floor:,.0f} events/s", "", "1.00"),
        Row(
            f"full replay (decode + fold), {label}",
            f"{replay:,.0f} events/s",
            ">= 0.5 x floor",
            f"{replay / floor:.2f}",
            replay / floor >= 0.5,
        ),
    ]
    return rows, floor, replay


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--curve", action="store_true", help="also measure the replay at 3M events")
    args = parser.parse_args()
    started = time.perf_counter()
    rows: list[Row] = []

    small_rows, _, _ = replay_rows(100_000, "100k")
    rows += small_rows
    big_rows, _, _ = replay_rows(1_000_000, "1M")
    rows += big_rows
    big = stores.store(stores.projects_for(1_000_000))
    small = stores.store(stores.projects_for(100_000))

    say("checkpoints ...")
    for (as_of, known_at), name in ((MID_YEAR, "mid-year"), (KNOWN_AT, "as of 05-31 known at 06-05")):
        wall = measure.cold_checkpoint_wall(big, as_of, known_at)
        rows.append(Row(f"checkpoint {name}, 1M, cold process", f"{wall:.2f} s", "<= 1.5 s", "", wall <= 1.5))
    full = measure.checkpoint_seconds(big, *MID_YEAR, snapshots=False)
    rows.append(Row("checkpoint mid-year, 1M, --no-snapshot (in process)", f"{full:.2f} s"))

    say("appends ...")
    folder = stores.scratch()
    empty = folder / "empty.db"
    opening = stores.scenario(stores.projects_for(100_000))
    with opening.open("rb") as handle, (folder / "open.jsonl").open("wb") as head:
        head.write(handle.readline())  # the campaign
        head.write(handle.readline())  # its first project
    from campaign import Engine, Store
    from campaign.scenario import load

    with Store(str(empty)) as store:
        load(Engine(store), folder / "open.jsonl", actor="benchmark")
    copy = stores.copy_of(small, folder)
    on_empty = measure.append_latencies(empty)
    on_big = measure.append_latencies(copy)
    latency = measure.latency_ratio(on_big, on_empty)
    rows.append(
        Row(
            "one report, 100k-event store / empty store (median in process)",
            f"{latency:.2f} x",
            "<= 1.5",
            "",
            latency <= 1.5,
        )
    )
    for db, name in ((empty, "empty store"), (copy, "100k-event store")):
        wall = measure.cold_append_wall(db)
        rows.append(Row(f"one report, {name}, cold process", f"{wall:.3f} s", "<= 0.35 s", "", wall <= 0.35))
    rate = measure.bulk_load_rate(opening, folder)
    rows.append(Row("bulk scenario load (100k events)", f"{rate:,.0f} events/s", ">= 20,000", "", rate >= 20_000))

    say("memory and audit ...")
    rss = measure.replay_peak_rss_mb(big)
    rows.append(Row("peak RSS of a full 1M replay", f"{rss:,.0f} MB", "<= 600 MB", "", rss <= 600))
    verify = measure.verify_rate(big)
    rows.append(Row("audit verify, 1M", f"{verify:,.0f} events/s", ">= 300,000", "", verify >= 300_000))

    if args.curve:
        say("the 3M store (built once; several minutes the first time) ...")
        curve_rows, _, _ = replay_rows(3_000_000, "3M")
        rows += curve_rows

    widths = [max(len(r.figure) for r in rows), max(len(r.value) for r in rows), 14, 6]
    header = ("figure", "measured", "target", "/floor")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + "  met")
    print("  ".join("-" * w for w in widths) + "  ---")
    for r in rows:
        met = "" if r.ok is None else ("yes" if r.ok else "NO")
        print(
            f"{r.figure.ljust(widths[0])}  {r.value.rjust(widths[1])}  {r.target.ljust(widths[2])}  "
            f"{r.floor_ratio.rjust(widths[3])}  {met}"
        )
    say(f"measured in {time.perf_counter() - started:.0f} s on {sys.platform}, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
