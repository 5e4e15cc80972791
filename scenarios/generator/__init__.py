"""The seeded scenario generator: a realistic simulated 百日会战 for any number of projects.

`generate` writes a scenario file (SPEC §8) line by line: the campaign, its key projects, and
half a year of what their teams and the campaign office record — daily progress reports (most the
same evening, some late, a few back-filled or corrected), milestones, factor-support requests with
their extensions, escalations (督办) and resolutions, mid-year plan revisions and a few
terminations. The same arguments give the same bytes: one `random.Random(seed)` is drawn in a
fixed order, and every line's keys are written in a fixed order.

How it is built, and why it stays fast and flat in memory:
1. *Plan* the projects (a compact record each): category and sector by quota, total investment
   (log-normal, one lithium anchor per 54 projects), annual plan, the dates of every milestone,
   the COVID stop and resumption, stalls, terminations, plan revisions, and each project's
   performance at mid-year; then calibrate sizes and flags to the zone's targets (DOMAIN.md).
2. *Simulate* day by day from the registration of the list to the campaign's end. Work accrues
   every day along the year's investment curve; a report carries what accrued since the last one.
   A line recorded later than its day (a late report, a request's whole handling) waits in a heap
   keyed by its recorded time, so the file comes out in recorded-time order while the memory held
   is the project records plus a few days of lines, whatever the number of projects.

Where the figures come from is written down in scenarios/README.md. The generator uses the
engine's public API for the calendar only: a scenario is just JSON lines, checked when it is
loaded. Modules: `days` (the calendar as day indexes), `vocabulary` (the words and mixes), `plan`
(the projects, planned and calibrated), `simulate` (the lines, day by day).
"""

from __future__ import annotations

import heapq
import random
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import IO, TYPE_CHECKING

from scenarios.generator.days import Days, official_days
from scenarios.generator.plan import curve, plan_projects, prefix_sums, settings
from scenarios.generator.report import GenerateReport
from scenarios.generator.simulate import Simulation
from scenarios.generator.vocabulary import REFERENCE_PROJECTS, REFERENCE_SEED

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["REFERENCE_PROJECTS", "REFERENCE_SEED", "GenerateReport", "generate"]

# Projects planned and simulated together: memory is bounded by a block, whatever the total.
BLOCK = 2000


def generate(
    handle: IO[str],
    *,
    projects: int,
    seed: int,
    year: int = 2020,
    start: dt.date | None = None,
    end: dt.date | None = None,
    density: float = 1.0,
) -> GenerateReport:
    """Write a simulated campaign of `projects` key projects to `handle`, streamed.

    `start`/`end` default to the hundred days ending 30 June; `density` scales how often teams
    report and file requests (1 = the reference). The same arguments give the same bytes.
    Raises ValueError for arguments no campaign can have.
    """
    holidays, workdays = official_days(year)
    cal = Days(year, holidays, workdays)
    s = settings(cal, projects=projects, seed=seed, start=start, end=end, density=density)
    base = curve(s, cal)
    prefix = prefix_sums(base)
    count = -(-projects // BLOCK)
    blocks = [range(projects * b // count, projects * (b + 1) // count) for b in range(count)]

    def run_block(b: int, out: IO[str]) -> GenerateReport:
        rng = random.Random(seed if b == 0 else f"{seed}:{b}")
        planned = plan_projects(s, cal, rng, prefix, blocks[b])
        return Simulation(s, cal, rng, planned, base).run(out, first=b == 0)

    if count == 1:
        return run_block(0, handle)
    # Each block is written, in recorded-time order, to a file of its own; then the files are
    # merged on the recorded time that opens every line (one offset, so text order is time
    # order; equal times keep block order).
    reports = []
    with tempfile.TemporaryDirectory(prefix="campaign-scenario-") as folder:
        paths = [Path(folder) / f"block-{b:05d}.jsonl" for b in range(count)]
        for b, path in enumerate(paths):
            with path.open("w", encoding="utf-8", newline="\n") as part:
                reports.append(run_block(b, part))
        with ExitStack() as stack:
            parts = [stack.enter_context(p.open(encoding="utf-8", newline="\n")) for p in paths]
            handle.writelines(heapq.merge(*parts, key=recorded_text))
    return GenerateReport(
        lines=sum(r.lines for r in reports),
        projects=projects,
        reports=sum(r.reports for r in reports),
        factor_requests=sum(r.factor_requests for r in reports),
    )


def recorded_text(line: str) -> str:
    return line[7:32]  # {"at":"2020-01-02T08:00:00+08:00",...
