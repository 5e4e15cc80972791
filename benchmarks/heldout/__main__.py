"""`python -m benchmarks.heldout --projects 300 --seed 7 --out held.jsonl`: write a held-out
campaign; one line of summary on stderr, nothing on stdout unless the file is `-`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from benchmarks.heldout import generate
from benchmarks.heldout.projects import YEAR_END


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.heldout",
        description="Write a held-out campaign (a scenario file for `campaign scenario run`).",
    )
    parser.add_argument("--projects", type=int, required=True, help="how many projects")
    parser.add_argument("--seed", type=int, default=1, help="the seed (default 1)")
    parser.add_argument(
        "--through",
        type=dt.date.fromisoformat,
        default=YEAR_END,
        help="the last day simulated (default 2020-12-31)",
    )
    parser.add_argument("--out", required=True, help="the file to write, or - for stdout")
    args = parser.parse_args(argv)
    if args.projects < 1:
        parser.error("--projects must be at least 1")
    began = time.perf_counter()
    if args.out == "-":
        tally = generate(sys.stdout, projects=args.projects, seed=args.seed, through=args.through)
    else:
        with Path(args.out).open("w", encoding="utf-8", newline="\n") as handle:
            tally = generate(handle, projects=args.projects, seed=args.seed, through=args.through)
    print(
        f"{args.out}: {tally.lines:,} lines written, {tally.events:,} events expected "
        f"({tally.events / args.projects:.1f} per project) in {time.perf_counter() - began:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
