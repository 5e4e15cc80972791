"""The store under stress, on both backends, with real `campaign` processes: writers at once
lose nothing, duplicate nothing and keep recorded times in order; a lock held too long is
refused clearly while readers go on; a process killed mid-write leaves nothing half written.
(Kept small to run in the suite; benchmarks/ measures the same at full size.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import pytest

from benchmarks.shared import writing
from campaign import Settings, open_store
from scenarios.generator import generate

if TYPE_CHECKING:
    from collections.abc import Iterator

CAMPAIGN = str(Path(sys.executable).parent / "campaign")
WRITERS, COMMANDS = 4, 5


def run(*args: str, db: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}
    return subprocess.run(
        [CAMPAIGN, *args, "--db", db],
        capture_output=True,
        text=True,
        env=environment | (env or {}),
        check=False,
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "stress.db")
    url: str = request.getfixturevalue("postgres_db")
    return url


def opened(db: str) -> None:
    """A 2026 campaign (the recorded times are today's) with one project per writer."""
    assert (
        run(
            "open",
            "压力测试 2026",
            "--year",
            "2026",
            "--start",
            "2026-01-01",
            "--end",
            "2026-12-31",
            db=db,
        ).returncode
        == 0
    )
    for writer in range(WRITERS):
        done = run(
            "project", "register", "--code", f"W{writer}", "--name", f"项目{writer}",
            "--sector", "other", "--category", "continuing", "--unit", "区发改局",
            "--leader", "李四", "--total-investment", "1000", "--annual-plan", "500",
            "--date", "2026-01-05",
            db=db,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr


def rows(db: str) -> list[tuple[str, int, str]]:
    """(originator id, version, recorded time) of every stored event, in log order."""
    with open_store(Settings(db=db), create=False) as store:
        reader = store.reader()
        try:
            return [
                (str(link[1]), int(link[2]), orjson.loads(link[4])["timestamp"])
                for batch in reader.links()
                for link in batch
            ]
        finally:
            reader.close()


def writer(db: str, number: int, failures: list[str]) -> None:
    for day in range(COMMANDS):
        date = f"2026-02-{day + 1:02d}"
        done = run("progress", "report", f"W{number}", "--date", date, "--investment", "1", db=db)
        if done.returncode != 0:
            failures.append(done.stderr)


def test_writers_at_once_lose_nothing_duplicate_nothing_and_keep_time_in_order(db: str) -> None:
    opened(db)
    before = len(rows(db))
    failures: list[str] = []
    threads = [
        threading.Thread(target=writer, args=(db, number, failures)) for number in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    stored = rows(db)
    assert len(stored) == before + WRITERS * COMMANDS  # none lost
    assert len({(oid, version) for oid, version, _ in stored}) == len(stored)  # none twice
    times = [recorded for _, _, recorded in stored]
    assert times == sorted(times)
    verified = run("audit", "verify", db=db)
    assert verified.returncode == 0, verified.stderr


@pytest.fixture
def lock_held(db: str) -> Iterator[str]:
    """The store's write lock, held by another connection."""
    opened(db)
    if db.startswith("postgresql://"):
        import psycopg

        holder = psycopg.connect(db)
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE campaign_events IN EXCLUSIVE MODE")
        yield db
        holder.rollback()
        holder.close()
    else:
        import sqlite3

        holder_sqlite = sqlite3.connect(db, isolation_level=None)
        holder_sqlite.execute("BEGIN IMMEDIATE")
        yield db
        holder_sqlite.rollback()
        holder_sqlite.close()


def test_a_lock_held_past_the_timeout_is_refused_clearly_and_readers_never_wait(
    lock_held: str,
) -> None:
    db = lock_held
    before = len(rows(db))
    started = time.monotonic()
    done = run(
        "progress", "report", "W0", "--date", "2026-03-02", "--investment", "1",
        db=db, env={"CAMPAIGN_LOCK_TIMEOUT": "1"},
    )  # fmt: skip
    waited = time.monotonic() - started
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert "busy" in line and "nothing was appended" in line
    assert 1 <= waited < 10
    for reader in (
        ["status"],
        ["checkpoint", "--as-of", "2026-06-30", "--json"],
        ["audit", "verify"],
    ):
        started = time.monotonic()
        read = run(*reader, db=db)
        assert read.returncode == 0, read.stderr
        assert time.monotonic() - started < 5, f"{reader} waited behind the writer"
    assert len(rows(db)) == before


def kill_while_writing(process: subprocess.Popen[bytes], db: str) -> None:
    """Kill -9 the process once it holds the write lock (and some time after, mid-write)."""
    deadline = time.monotonic() + 120
    while not writing(db):
        assert process.poll() is None, "the command ended before it could be killed"
        assert time.monotonic() < deadline, "the command never took the write lock"
        time.sleep(0.02)
    time.sleep(0.2)
    assert process.poll() is None, "the command ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_a_scenario_load_killed_midway_leaves_nothing_and_a_rerun_completes(
    db: str, tmp_path: Path
) -> None:
    scenario = tmp_path / "big.jsonl"
    with scenario.open("w", encoding="utf-8") as handle:
        generate(handle, projects=200, seed=9)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}
    loading = subprocess.Popen(
        [CAMPAIGN, "scenario", "run", str(scenario), "--db", db],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    kill_while_writing(loading, db)
    assert rows(db) == []  # all lines or none
    done = run("scenario", "run", str(scenario), db=db)
    assert done.returncode == 0, done.stderr
    assert run("audit", "verify", db=db).returncode == 0


def test_a_command_killed_midway_leaves_nothing_and_a_rerun_completes(
    db: str, tmp_path: Path
) -> None:
    opened(db)
    sheet = tmp_path / "projects.csv"
    header = "code,name,sector,category,unit,leader,total_investment,annual_plan,date\n"
    lines = [f"K{i:05d},项目{i},other,new,区发改局,王五,100,50,2026-01-05\n" for i in range(15_000)]
    sheet.write_text(header + "".join(lines), encoding="utf-8")
    before = rows(db)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}
    command = [CAMPAIGN, "project", "register", "--from", str(sheet), "--db", db]
    registering = subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    kill_while_writing(registering, db)
    assert rows(db) == before  # one command, one transaction: nothing of it
    done = run("project", "register", "--from", str(sheet), db=db)
    assert done.returncode == 0, done.stderr
    assert len(rows(db)) == len(before) + 15_000
    assert run("audit", "verify", db=db).returncode == 0
