"""Benchmark stores: generated scenarios loaded into SQLite files, built once and cached
outside the repository (CAMPAIGN_BENCH_CACHE, else ~/.cache/campaign-bench).

A cached file is named by the source of what writes it (the generator, and the engine's write
path), so a change to either builds it again instead of measuring a stale format; the files of
earlier versions are then removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from campaign import Settings, load_scenario, open_engine
from scenarios.generator import generate

ROOT = Path(__file__).resolve().parent.parent
EVENTS_PER_PROJECT = 93  # what the generator writes per project, on average


def cache_dir() -> Path:
    folder = Path(os.environ.get("CAMPAIGN_BENCH_CACHE", Path.home() / ".cache" / "campaign-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


WRITE_PATH = (
    "campaign/domain/*.py",
    "campaign/app/commands.py",
    "campaign/app/handlers.py",
    "campaign/app/session.py",
    "campaign/app/engine.py",
    "campaign/app/scenario.py",
    "campaign/store/codec.py",
    "campaign/store/chain.py",
    "campaign/store/tree.py",
    "campaign/store/schema.py",
    "campaign/store/store.py",
    "campaign/store/backends/sqlite.py",
    "scenarios/generator/*.py",
)
"""The sources of what writes a cached file (patterns, relative to the repository)."""


def write_path() -> list[Path]:
    """The files of WRITE_PATH, in a fixed order; a pattern that names nothing is an error
    (a moved module would otherwise silently stop keying the cache)."""
    files: list[Path] = []
    for pattern in WRITE_PATH:
        found = sorted(ROOT.glob(pattern))
        if not found:
            raise FileNotFoundError(f"benchmarks/stores.py WRITE_PATH: nothing at {pattern}")
        files.extend(found)
    return files


def source_key() -> str:
    digest = hashlib.sha256()
    for path in write_path():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _replace(stem: str, path: Path) -> None:
    """Remove the cached files of `stem` built by other versions."""
    for old in cache_dir().glob(f"{stem}-*"):
        if not old.name.startswith(path.stem):
            old.unlink(missing_ok=True)


def projects_for(events: int) -> int:
    """How many projects give about `events` events."""
    return max(20, round(events / EVENTS_PER_PROJECT))


def scenario(projects: int, seed: int = 1) -> Path:
    path = cache_dir() / f"scenario-{projects}-{seed}-{source_key()}.jsonl"
    if not path.exists():
        _replace(f"scenario-{projects}-{seed}", path)
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8", newline="\n") as handle:
            generate(handle, projects=projects, seed=seed)
        partial.rename(path)
    return path


def store(projects: int, seed: int = 1) -> Path:
    """A SQLite store holding the generated scenario (read it; copy it to append)."""
    path = cache_dir() / f"store-{projects}-{seed}-{source_key()}.db"
    if not path.exists():
        _replace(f"store-{projects}-{seed}", path)
        partial = path.with_suffix(".partial.db")
        for leftover in partial.parent.glob(partial.name + "*"):
            leftover.unlink()
        with open_engine(Settings(db=str(partial))) as engine:
            report = load_scenario(engine, scenario(projects, seed), actor="benchmark")
        if report.appended == 0:  # a load appends everything or raises: nothing is wrong
            raise RuntimeError(f"the benchmark scenario of {path.name} appended nothing")
        partial.rename(path)
    return path


def copy_of(path: Path, folder: Path) -> Path:
    """A private copy of a cached store, for benchmarks that append."""
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


def scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="campaign-bench-"))
