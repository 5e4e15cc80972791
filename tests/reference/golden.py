"""Golden outputs: what the command line prints for fixed scenarios, kept byte for byte.

The same log and query give the same bytes on every run (SPEC §6.7), so the outputs of a set of
commands over three scenarios (the reference, and two generated ones) are pinned here: every
checkpoint JSON and its state_hash, a series, the project states, the audit log, a diff, the
export and the tables. A change that moves any byte fails the test and names the output; a
change meant to move one is recorded by writing the goldens again:

    python -m tests.reference.golden --write
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner

from cli.context import Config
from cli.main import cli
from scenarios.generator import generate

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent / "golden"
MANIFEST = HERE / "manifest.json"
REFERENCE = ROOT / "scenarios" / "zaozhuang-2020.jsonl"

# (name, generator projects, generator seed); None: the reference file itself.
SCENARIOS: tuple[tuple[str, int | None, int | None], ...] = (
    ("zaozhuang-2020", None, None),
    ("p300-s11", 300, 11),
    ("p40-s5", 40, 5),
)
# (as_of, known_at): mid-year as now known and as known that day, a late view of mid-May, a
# month end known at an exact time, and a day early in the campaign.
POINTS: tuple[tuple[str, str | None], ...] = (
    ("2020-06-30", None),
    ("2020-06-30", "2020-06-30"),
    ("2020-05-15", "2020-05-20"),
    ("2020-04-30", "2020-05-06T12:00:00+08:00"),
    ("2020-03-31", None),
)


def commands() -> Iterator[tuple[str, list[str]]]:
    """(output name, command line) of every pinned output."""
    for as_of, known_at in POINTS:
        known = ["--known-at", known_at] if known_at else []
        tag = (known_at or "now").replace(":", "").replace("+", "p")
        yield f"checkpoint-{as_of}-{tag}.json", ["checkpoint", "--as-of", as_of, *known, "--json"]
    yield "checkpoint-2020-06-30.txt", ["checkpoint", "--as-of", "2020-06-30"]
    yield "checkpoint-2020-06-30.csv", ["checkpoint", "--as-of", "2020-06-30", "--csv"]
    yield "series-xun.json", ["checkpoint", "--series", "xun", "--as-of", "2020-06-30", "--json"]
    yield "series-monthly.txt", ["checkpoint", "--series", "monthly", "--as-of", "2020-06-30"]
    yield "replay-2020-05-31.json", ["replay", "--as-of", "2020-05-31", "--json"]
    yield "audit-log.json", ["audit", "log", "--json"]
    diff = ["audit", "diff", "--as-of", "2020-06-30", "--known-at", "2020-06-30"]
    diff += ["--vs", "2020-07-10"]
    yield "audit-diff.txt", diff
    yield "audit-diff.json", [*diff, "--json"]
    yield "export.jsonl", ["export", "-"]


def scenario_file(name: str, projects: int | None, seed: int | None, folder: Path) -> Path:
    if projects is None or seed is None:
        return REFERENCE
    path = folder / f"{name}.jsonl"
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        generate(handle, projects=projects, seed=seed)
    return path


def run(args: list[str], db: Path) -> bytes:
    result = CliRunner().invoke(
        cli,
        [*args, "--db", str(db)],
        obj=Config(),
        env={"COLUMNS": "80", "CAMPAIGN_LANG": None},  # the tables' width and language, pinned
        catch_exceptions=False,
    )
    if result.exit_code != 0:
        raise RuntimeError(f"campaign {' '.join(args)} exited {result.exit_code}: {result.output}")
    return result.stdout_bytes


def outputs(name: str, projects: int | None, seed: int | None) -> dict[str, bytes]:
    """Every pinned output of one scenario, loaded into a fresh SQLite store."""
    with tempfile.TemporaryDirectory(prefix="campaign-golden-") as tmp:
        folder = Path(tmp)
        source = scenario_file(name, projects, seed, folder)
        db = folder / "golden.db"
        found = {"scenario.jsonl": source.read_bytes()}
        run(["scenario", "run", str(source)], db)
        for output, args in commands():
            found[output] = run(args, db)
        return found


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def state_hashes(found: dict[str, bytes]) -> dict[str, str]:
    return {
        output: json.loads(data)["receipt"]["state_hash"]
        for output, data in found.items()
        if output.startswith("checkpoint-") and output.endswith(".json")
    }


def write() -> None:
    """Record the goldens: digests of every output, the state hashes, and the reference
    scenario's checkpoints in full (so that a failure can be read as a diff)."""
    manifest: dict[str, dict[str, object]] = {}
    HERE.mkdir(exist_ok=True)
    for name, projects, seed in SCENARIOS:
        found = outputs(name, projects, seed)
        manifest[name] = {
            "digests": {output: digest(data) for output, data in sorted(found.items())},
            "state_hashes": state_hashes(found),
        }
        if projects is None:
            for output, data in found.items():
                if output.startswith("checkpoint-"):
                    (HERE / f"{name}-{output}").write_bytes(data)
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="record the goldens again")
    if parser.parse_args().write:
        write()
        print(f"wrote {MANIFEST.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
