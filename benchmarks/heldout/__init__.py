"""A second campaign generator, written apart from `scenarios/generator`, for the benchmarks.

The engine's figures are tuned on the project's own scenarios; a store from another hand shows
whether they hold on a campaign shaped differently: fewer lines per project (about 79 against
93, so more projects for the same events), a list registered in March with additions (增补)
until June, daily reports through the hundred days and one every 旬 to December, more late
reports (补报, about one in eight, up to ten days late), more corrections (about 4% of reports,
a fifth of them corrected twice), plan revisions, terminations, and factor requests that are
extended, escalated (督办) or left open.

    generate(handle, projects=300, seed=7)                # a file for `campaign scenario run`
    python -m benchmarks.heldout --projects 300 --seed 7 --out held.jsonl

It shares nothing with the project's generator but the scenario format (SPEC §8) and the
official 2020 calendar; the same (projects, seed, through) always writes the same bytes.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from benchmarks.heldout.projects import YEAR_END
from benchmarks.heldout.simulation import Simulation, Tally

if TYPE_CHECKING:
    import datetime as dt

EVENTS_PER_PROJECT = 79
"""What a held-out file appends per project, on average (measured on 1,000 projects)."""

__all__ = ["EVENTS_PER_PROJECT", "Tally", "generate"]


def generate(out: IO[str], *, projects: int, seed: int = 1, through: dt.date = YEAR_END) -> Tally:
    """Write a held-out campaign of `projects` projects to `out`, simulated through `through`
    (lines recorded late follow it), and say what was written."""
    if projects < 1:
        raise ValueError("a campaign needs at least one project")
    return Simulation(out, projects=projects, seed=seed, through=through).run()
