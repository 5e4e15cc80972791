"""The store shared by many writers, measured as a deployment meets it: N `campaign` processes
at once, each a team appending its own project's daily reports (on PostgreSQL each as its own
login role, granted by the owner), then what the log holds; and `kill -9` of a scenario load and
of a bulk command while they hold the write lock, then what is stored and whether a rerun
completes.

    python -m benchmarks.report --shared     # N=8 x 50 on SQLite and PostgreSQL, 5 kills each

The PostgreSQL server is started here from the machine's binaries with its durable defaults
(fsync and synchronous commit on), unlike the suite's throwaway server.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from campaign import Settings, StoreError, open_store
from scenarios.generator import generate
from tests import postgres_server

if TYPE_CHECKING:
    from collections.abc import Iterator

CAMPAIGN = str(Path(sys.executable).parent / "campaign")
FIRST_DAY = dt.date(2026, 2, 1)
OWNER = "postgres"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}


def campaign(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAMPAIGN, *args, "--db", db], capture_output=True, text=True, env=_env(), check=False
    )


def ok(*args: str, db: str) -> None:
    done = campaign(*args, db=db)
    if done.returncode != 0:
        raise RuntimeError(f"campaign {' '.join(args)}: {done.stderr.strip()}")


@dataclass
class SharedFigures:
    backend: str
    writers: int
    commands: int
    failed: int
    lost: int
    duplicated: int
    times_in_order: bool
    verified: bool
    latencies: list[float] = field(repr=False)
    failures: list[str] = field(repr=False)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]

    @property
    def held(self) -> bool:
        return (
            self.failed == 0
            and self.lost == 0
            and self.duplicated == 0
            and self.times_in_order
            and self.verified
        )


@dataclass
class KillFigures:
    backend: str
    what: str
    kills: int
    partial: int  # kills after which the store held any of the killed command's events
    reruns_completed: int
    verified: int


@dataclass
class Backend:
    """A store on one backend and the --db value each writer uses."""

    name: str
    owner: str
    writer_urls: list[str]


def _stored(db: str) -> list[tuple[str, int, str, str]]:
    """(originator id, version, recorded time, topic) of every stored event, in log order
    (none for a SQLite file a killed command made but never wrote)."""
    if not db.startswith("postgresql://"):
        try:
            found = open_store(Settings(db=db), create=False)
        except StoreError:
            return []
        found.close()
    with open_store(Settings(db=db), create=False) as store:
        reader = store.reader()
        try:
            return [
                (str(link[1]), int(link[2]), orjson.loads(link[4])["timestamp"], str(link[3]))
                for batch in reader.links()
                for link in batch
            ]
        finally:
            reader.close()


@contextmanager
def server() -> Iterator[postgres_server.PostgresServer]:
    started = postgres_server.start(durable=True)
    if isinstance(started, str):
        raise RuntimeError(started)
    try:
        yield started
    finally:
        started.stop()


def _with_role(url: str, role: str) -> str:
    return url.replace(f"postgresql://{OWNER}@", f"postgresql://{role}@", 1)


def prepare(
    name: str, folder: Path, writers: int, pg: postgres_server.PostgresServer | None
) -> Backend:
    """A 2026 campaign (recorded times are today's) with one project per writer, and on
    PostgreSQL one team role per writer granted that project."""
    if name == "sqlite":
        db = str(folder / f"shared-{writers}.db")
        urls = [db] * writers
    else:
        assert pg is not None
        db = pg.create_database(f"shared_{writers}_{time.monotonic_ns()}")
        ok("admin", "init", db=db)
        roles = [f"bench_team_{n}" for n in range(writers)]
        pg.create_roles(*roles)
        urls = [_with_role(db, role) for role in roles]
    ok("open", "并发基准 2026", "--year", "2026", "--start", "2026-01-01", "--end", "2026-12-31",
       db=db)  # fmt: skip
    for n in range(writers):
        ok(
            "project", "register", "--code", f"W{n}", "--name", f"项目{n}", "--sector", "other",
            "--category", "continuing", "--unit", "区发改局", "--leader", "李四",
            "--total-investment", "1000", "--annual-plan", "500", "--date", "2026-01-05",
            db=db,
        )  # fmt: skip
        if name == "postgres":
            ok("admin", "grant", f"bench_team_{n}", "--as", "team", "--project", f"W{n}", db=db)
    return Backend(name, db, urls)


def concurrent_writers(backend: Backend, commands: int) -> SharedFigures:
    """Every writer appends `commands` daily reports, one process each, all writers at once."""
    before = _stored(backend.owner)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def write(number: int, db: str) -> None:
        for day in range(commands):
            date = (FIRST_DAY + dt.timedelta(days=day)).isoformat()
            started = time.perf_counter()
            done = campaign(
                "progress", "report", f"W{number}", "--date", date, "--investment", "1", db=db
            )
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if done.returncode != 0:
                    failures.append(done.stderr.strip())

    threads = [
        threading.Thread(target=write, args=(n, url)) for n, url in enumerate(backend.writer_urls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = _stored(backend.owner)
    new = after[len(before) :]
    reports = [row for row in new if row[3].endswith("DailyReport.Reported")]
    expected = len(backend.writer_urls) * commands
    keys = [(oid, version) for oid, version, _, _ in after]
    times = [recorded for _, _, recorded, _ in after]
    return SharedFigures(
        backend=backend.name,
        writers=len(backend.writer_urls),
        commands=commands,
        failed=len(failures),
        lost=max(0, expected - len(failures) - len(reports)),
        duplicated=len(keys) - len(set(keys)) + max(0, len(reports) - expected),
        times_in_order=times == sorted(times),
        verified=campaign("audit", "verify", db=backend.owner).returncode == 0,
        latencies=latencies,
        failures=failures,
    )


def writing(db: str) -> bool:
    """Whether some process holds the store's write lock right now."""
    if db.startswith("postgresql://"):
        import psycopg  # noqa: PLC0415

        with psycopg.connect(db) as connection:
            held = connection.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                " WHERE c.relname = 'campaign_events' AND l.mode = 'ExclusiveLock' AND l.granted"
            ).fetchone()
            return bool(held and held[0])
    import sqlite3  # noqa: PLC0415

    if not Path(db).exists():
        return False
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def kill_while_writing(command: list[str], db: str, after: float) -> bool:
    """Start `command`, kill -9 it `after` seconds into its hold of the write lock; False when
    it finished before it could be killed."""
    process = subprocess.Popen(
        command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while not writing(db):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            return False
        time.sleep(0.01)
    time.sleep(after)
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGKILL)
    process.wait()
    return True


def kills(
    backend: str,
    folder: Path,
    pg: postgres_server.PostgresServer | None,
    times: int,
    *,
    projects: int = 400,
    rows: int = 30_000,
) -> list[KillFigures]:
    """`times` kills of a scenario load and of `project register --from` a sheet of `rows`
    projects, each at a different moment of its write."""
    scenario = folder / f"kill-{projects}.jsonl"
    if not scenario.exists():
        with scenario.open("w", encoding="utf-8") as handle:
            generate(handle, projects=projects, seed=9)
    sheet = folder / f"kill-{rows}.csv"
    if not sheet.exists():
        header = "code,name,sector,category,unit,leader,total_investment,annual_plan,date\n"
        lines = (
            f"K{i:05d},项目{i},other,new,区发改局,王五,100,50,2026-01-05\n" for i in range(rows)
        )
        sheet.write_text(header + "".join(lines), encoding="utf-8")
    figures = []
    for what in ("scenario run", "project register --from"):
        partial = completed = verified = done = 0
        for attempt in range(times):
            if backend == "sqlite":
                db = str(folder / f"kill-{what.split()[0]}-{attempt}.db")
            else:
                assert pg is not None
                db = pg.create_database(f"kill_{attempt}_{time.monotonic_ns()}")
                ok("admin", "init", db=db)
            if what == "scenario run":
                argv = ["scenario", "run", str(scenario)]
            else:
                ok("open", "中断基准 2026", "--year", "2026", "--start", "2026-01-01", "--end",
                   "2026-12-31", db=db)  # fmt: skip
                argv = ["project", "register", "--from", str(sheet)]
            before = _stored(db)
            if not kill_while_writing([CAMPAIGN, *argv, "--db", db], db, 0.1 + 0.4 * attempt):
                continue
            done += 1
            partial += _stored(db) != before
            completed += campaign(*argv, db=db).returncode == 0
            verified += campaign("audit", "verify", db=db).returncode == 0
        figures.append(KillFigures(backend, what, done, partial, completed, verified))
    return figures


def measure(
    writers: int,
    commands: int,
    times: int,
    *,
    sizes: tuple[int, int] = (400, 30_000),
    backends: tuple[str, ...] = ("sqlite", "postgres"),
) -> tuple[list[SharedFigures], list[KillFigures]]:
    """The writers at once on each backend, then `times` kills of each long command there;
    `sizes`: the killed scenario's projects and the killed sheet's rows."""
    shared: list[SharedFigures] = []
    killed: list[KillFigures] = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="campaign-shared-")))
        pg = stack.enter_context(server()) if "postgres" in backends else None
        for name in backends:
            shared.append(concurrent_writers(prepare(name, folder, writers, pg), commands))
            killed.extend(kills(name, folder, pg, times, projects=sizes[0], rows=sizes[1]))
    return shared, killed
