"""Benchmark stores: generated scenarios loaded into SQLite files, built once and cached
outside the repository (CAMPAIGN_BENCH_CACHE, else ~/.cache/campaign-bench).

A cached file is named by the engine's and the generator's source, so a change to either
builds it again instead of measuring a stale format.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from campaign import Engine, Store
from campaign.scenario import load
from scenarios.generator import generate

ROOT = Path(__file__).resolve().parent.parent
EVENTS_PER_PROJECT = 93  # what the generator writes per project, on average


def cache_dir() -> Path:
    folder = Path(os.environ.get("CAMPAIGN_BENCH_CACHE", Path.home() / ".cache" / "campaign-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def source_key() -> str:
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "campaign").rglob("*.py"), ROOT / "scenarios" / "generator.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def projects_for(events: int) -> int:
    """How many projects give about `events` events."""
    return max(20, round(events / EVENTS_PER_PROJECT))


def scenario(projects: int, seed: int = 1) -> Path:
    path = cache_dir() / f"scenario-{projects}-{seed}-{source_key()}.jsonl"
    if not path.exists():
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8", newline="\n") as handle:
            generate(handle, projects=projects, seed=seed)
        partial.rename(path)
    return path


def store(projects: int, seed: int = 1) -> Path:
    """A SQLite store holding the generated scenario (read it; copy it to append)."""
    path = cache_dir() / f"store-{projects}-{seed}-{source_key()}.db"
    if not path.exists():
        partial = path.with_suffix(".partial.db")
        for leftover in partial.parent.glob(partial.name + "*"):
            leftover.unlink()
        with Store(str(partial)) as target:
            load(Engine(target), scenario(projects, seed), actor="benchmark")
        partial.rename(path)
    return path


def copy_of(path: Path, folder: Path) -> Path:
    """A private copy of a cached store, for benchmarks that append."""
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


def scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="campaign-bench-"))
