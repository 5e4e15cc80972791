"""Benchmark stores: generated scenarios loaded into SQLite files, built once and cached
outside the repository (CAMPAIGN_BENCH_CACHE, else ~/.cache/campaign-bench).

A store comes from one of two sources: the project's generator (`scenarios/generator`, the
default) or the held-out one (`benchmarks/heldout`, written apart from it, so that a figure is not
only measured on the campaigns the engine was tuned on). A cached file is named by its source
and by the code of what writes it (that generator, and the engine's write path), so a change to
either builds it again instead of measuring a stale format; the files of earlier versions are
then removed.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Literal

from benchmarks import heldout
from campaign import Settings, load_scenario, open_engine
from scenarios.generator import generate

ROOT = Path(__file__).resolve().parent.parent
EVENTS_PER_PROJECT = 93  # what the generator writes per project, on average

Source = Literal["generator", "heldout"]
SOURCES: tuple[Source, ...] = ("generator", "heldout")
PER_PROJECT: dict[Source, int] = {
    "generator": EVENTS_PER_PROJECT,
    "heldout": heldout.EVENTS_PER_PROJECT,
}


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
"""The sources of what writes a cached file from the project's generator (patterns, relative to
the repository)."""

HELDOUT_WRITE_PATH = (
    *(pattern for pattern in WRITE_PATH if not pattern.startswith("scenarios/generator/")),
    "benchmarks/heldout/*.py",
)
"""The same for the held-out generator: the engine's write path and that generator."""

PATTERNS: dict[Source, tuple[str, ...]] = {"generator": WRITE_PATH, "heldout": HELDOUT_WRITE_PATH}


def write_path(source: Source = "generator") -> list[Path]:
    """The files of the source's write path, in a fixed order; a pattern that names nothing is
    an error (a moved module would otherwise silently stop keying the cache)."""
    files: list[Path] = []
    for pattern in PATTERNS[source]:
        found = sorted(ROOT.glob(pattern))
        if not found:
            raise FileNotFoundError(f"benchmarks/stores.py WRITE_PATH: nothing at {pattern}")
        files.extend(found)
    return files


def source_key(source: Source = "generator") -> str:
    digest = hashlib.sha256()
    for path in write_path(source):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _replace(stem: str, path: Path) -> None:
    """Remove the cached files of `stem` built by other versions."""
    for old in cache_dir().glob(f"{stem}-*"):
        if not old.name.startswith(path.stem):
            old.unlink(missing_ok=True)


def projects_for(events: int, source: Source = "generator") -> int:
    """How many projects give about `events` events from the source."""
    return max(20, round(events / PER_PROJECT[source]))


def _stem(kind: str, projects: int, seed: int, source: Source) -> str:
    """The default source keeps the names it always had; the held-out one says so."""
    prefix = kind if source == "generator" else f"{kind}-{source}"
    return f"{prefix}-{projects}-{seed}"


def scenario(projects: int, seed: int = 1, source: Source = "generator") -> Path:
    stem = _stem("scenario", projects, seed, source)
    path = cache_dir() / f"{stem}-{source_key(source)}.jsonl"
    if not path.exists():
        _replace(stem, path)
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8", newline="\n") as handle:
            if source == "heldout":
                heldout.generate(handle, projects=projects, seed=seed)
            else:
                generate(handle, projects=projects, seed=seed)
        partial.rename(path)
    return path


def store(projects: int, seed: int = 1, source: Source = "generator") -> Path:
    """A SQLite store holding the generated scenario (read it; copy it to append)."""
    stem = _stem("store", projects, seed, source)
    path = cache_dir() / f"{stem}-{source_key(source)}.db"
    if not path.exists():
        _replace(stem, path)
        partial = path.with_suffix(".partial.db")
        for leftover in partial.parent.glob(partial.name + "*"):
            leftover.unlink()
        with open_engine(Settings(db=str(partial))) as engine:
            report = load_scenario(engine, scenario(projects, seed, source), actor="benchmark")
        if report.appended == 0:  # a load appends everything or raises: nothing is wrong
            raise RuntimeError(f"the benchmark scenario of {path.name} appended nothing")
        _settle(partial)
        partial.rename(path)
    return path


def _settle(db: Path) -> None:
    """Make sure the finished store is all in its file before it is renamed: a SQLite file in
    WAL mode renamed while a connection still holds it (or beside its write-ahead log) would
    be read later without the pages that log holds. The last connection to close removes the
    emptied log itself."""
    fds = Path("/proc/self/fd")  # Linux: which files this process holds open
    name = str(db.resolve())
    still = [
        target
        for fd in (os.listdir(fds) if fds.is_dir() else ())
        if (target := _link(f"{fds}/{fd}")) and target.startswith(name)
    ]
    if still:
        raise RuntimeError(f"{db.name} is still open after its load closed: {still}")
    with closing(sqlite3.connect(db)) as connection:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        raise RuntimeError(f"{db.name}: its write-ahead log could not be checkpointed")


def _link(path: str) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def copy_of(path: Path, folder: Path) -> Path:
    """A private copy of a cached store, for benchmarks that append."""
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


def scratch() -> Path:
    """A folder of this run's own, removed when the run ends (it may hold copies of the 1M
    stores, half a gigabyte each)."""
    folder = Path(tempfile.mkdtemp(prefix="campaign-bench-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
