"""The figures of the benchmark table, each measured on its own (best of a few runs).

The floor is what the machine does with no engine at all: the store's stored events read
with plain sqlite3 and decoded with orjson. Replay figures are reported as a ratio to it.
"""

from __future__ import annotations

import compileall
import datetime as dt
import gc
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from hashlib import sha256
from itertools import chain, islice
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from campaign import (
    FixedClock,
    Settings,
    build_report,
    open_engine,
    open_store,
    parse_command,
    write_html,
)
from campaign.app.queries import catch_up, checkpoint_document
from campaign.app.scenario import load
from campaign.audit.verify import verify
from campaign.figures.checkpoint import checkpoint
from campaign.read.collector import collector_paused
from campaign.read.replay import replay_log
from campaign.store.readers import SplitReader
from campaign.store.tree import LEAF, NODE

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_benchmark.fixture import BenchmarkFixture

    from campaign.app.ports import EventStore

T = TypeVar("T")

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
LATER = FixedClock(dt.datetime(2020, 12, 31, 20, tzinfo=SHANGHAI))
CAMPAIGN = Path(sys.executable).parent / "campaign"


def pedantic(
    benchmark: BenchmarkFixture,
    target: Callable[..., T],
    *,
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    rounds: int,
    iterations: int = 1,
) -> T:
    """`benchmark.pedantic(target, ...)`, typed: pytest-benchmark leaves that method without
    annotations (mypy --strict refuses to call it untyped), and it returns what `target` does."""
    result: T = benchmark.pedantic(  # type: ignore[no-untyped-call]  # see the docstring
        target, args=args, kwargs=kwargs, rounds=rounds, iterations=iterations
    )
    return result


def best(run: Callable[[], float], rounds: int) -> float:
    """The shortest of `rounds` timings (the machine is noisy; the floor is what it can do)."""
    return min(run() for _ in range(rounds))


def events_in(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0])


def floor_seconds(db: Path) -> float:
    """One pass of the floor: plain sqlite3 reading every stored state, orjson decoding it."""
    conn = sqlite3.connect(db)
    started = time.perf_counter()
    for (state,) in conn.execute("SELECT state FROM stored_events ORDER BY rowid"):
        orjson.loads(state)
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def floor_rate(db: Path, rounds: int = 3) -> float:
    """Events/s of the floor (`floor_seconds`), the best of `rounds`."""
    return events_in(db) / best(lambda: floor_seconds(db), rounds)


def beside_floor(db: Path, run: Callable[[], float], rounds: int = 2) -> tuple[float, float]:
    """(the best of `rounds` timings of `run`, the floor's events/s at its best), the two
    taken in turn, round after round. The machine's speed drifts from minute to minute (the
    floor alone has gone from 505,000 to 960,000 events/s within a run), so a ratio to a floor
    measured minutes earlier says as much about the drift as about the engine; taken side by
    side, both timings meet the same minutes."""
    subject, floor = [], []
    for _ in range(rounds):
        floor.append(floor_seconds(db))
        subject.append(run())
    return min(subject), events_in(db) / min(floor)


def replay_seconds(db: Path) -> float:
    """One full replay: every event decoded and folded into all projection state."""
    with open_store(Settings(db=str(db)), create=False) as store:
        reader = store.reader()
        gc.collect()
        started = time.perf_counter()
        replayed = replay_log(reader)
        seconds = time.perf_counter() - started
        reader.close()
    if replayed.position != replayed.head or replayed.head == 0:
        raise RuntimeError(f"the replay of {db} stopped at {replayed.position} of {replayed.head}")
    return seconds


def replay_rate(db: Path, rounds: int = 3) -> float:
    return events_in(db) / best(lambda: replay_seconds(db), rounds)


def checkpoint_seconds(
    db: Path, as_of: str, known_at: str | None, *, snapshots: bool = True
) -> float:
    with open_engine(Settings(db=str(db), clock=LATER), create=False) as engine:
        started = time.perf_counter()
        checkpoint_document(engine, dt.date.fromisoformat(as_of), known_at, snapshots=snapshots)
        return time.perf_counter() - started


def computation_seconds(db: Path, as_of: str, rounds: int = 3) -> tuple[float, int]:
    """(seconds, projects): the checkpoint's computation alone over a replayed projection,
    in process (no reading, no folding), the best of `rounds`."""
    with open_store(Settings(db=str(db)), create=False) as store:
        reader = store.reader()
        replayed = replay_log(reader)
        reader.close()
    day = dt.date.fromisoformat(as_of)

    def run() -> float:
        with collector_paused():  # as every query runs (`campaign.read.replay.without_collector`)
            started = time.perf_counter()
            checkpoint(replayed.projection, day, known_at=None)
            return time.perf_counter() - started

    return best(run, rounds), len(replayed.projection.projects)


def first_and_later_walls(db: Path, folder: Path, as_of: str) -> tuple[float, float, float]:
    """(the snapshots a load takes at its end, as `scenario run` and the imports do; the first
    cold checkpoint after it; the best of two cold ones after that), on a copy of the store
    with its snapshots removed: as right after the load."""
    copy = folder / f"first-{db.name}"
    shutil.copyfile(db, copy)
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute("DELETE FROM projection_snapshots")
    with open_engine(Settings(db=str(copy), clock=LATER), create=False) as engine:
        started = time.perf_counter()
        catch_up(engine)
        load_tail = time.perf_counter() - started
    args = ["checkpoint", "--as-of", as_of, "--db", str(copy), "--json"]
    first = command_wall(*args)
    later = best(lambda: command_wall(*args), 2)
    copy.unlink()
    return load_tail, first, later


def compile_sources() -> None:
    """The engine's and the command line's bytecode written beside their sources, as an
    installed package has it: a cold command is timed as a user runs it, not with its modules
    compiled again in every process (which happens where PYTHONDONTWRITEBYTECODE is set)."""
    root = Path(__file__).resolve().parent.parent
    for package in ("campaign", "cli"):
        compileall.compile_dir(root / package, quiet=1)


def command_wall(*args: str) -> float:
    """Wall time of one `campaign` process, from start to exit."""
    started = time.perf_counter()
    done = subprocess.run([str(CAMPAIGN), *args], capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace"))
    return seconds


def cold_checkpoint_wall(db: Path, as_of: str, known_at: str | None, rounds: int = 3) -> float:
    args = ["checkpoint", "--as-of", as_of, "--db", str(db), "--json"]
    if known_at:
        args += ["--known-at", known_at]
    command_wall(*args)  # the first query takes the snapshots it will use
    return best(lambda: command_wall(*args), rounds)


def append_latencies(db: Path, count: int = 30) -> list[float]:
    """Seconds per report command in one engine (validate, stamp, append, commit), each on a
    day the project has not reported yet (`free_days`)."""
    latencies = []
    with open_engine(Settings(db=str(db), clock=LATER)) as engine:
        code = _a_project(engine.store)
        for day in free_days(db, code, count):
            command = parse_command(
                "report_progress", {"code": code, "date": day, "investment": "1"}
            )
            started = time.perf_counter()
            engine.execute(command, actor="benchmark")
            latencies.append(time.perf_counter() - started)
    return latencies


def free_days(db: Path, code: str, count: int) -> list[str]:
    """The first `count` days of 2020's second half that project `code` has not reported in
    the store `db`: a report of a day reported already would be another command (one that
    appends nothing, or a refusal), and each run of the appends takes days of its own."""
    with closing(sqlite3.connect(db)) as conn:
        taken = {
            row[0].rsplit(":", 1)[1]
            for row in conn.execute(
                "SELECT originator_id FROM stored_events WHERE originator_id LIKE ?",
                (f"report:{code}:2020-%",),
            )
        }
    first = dt.date(2020, 7, 1)
    days = [(first + dt.timedelta(days=n)).isoformat() for n in range(184)]  # to 12-31
    free = [day for day in days if day not in taken][:count]
    if len(free) < count:
        raise RuntimeError(f"{code} has reported almost every day after June in {db}")
    return free


def _a_project(store: EventStore) -> str:
    reader = store.reader()
    try:
        for batch in reader.batches(0, 100):
            for topic, state in batch:
                if topic and topic.endswith("Project.Registered"):
                    code: str = orjson.loads(state)["code"]
                    return code
    finally:
        reader.close()
    raise RuntimeError("the store holds no project")


def cold_append_wall(db: Path, rounds: int = 5) -> float:
    """The best wall time of a `progress report` process, each on a day the project has not
    reported yet (`free_days`)."""
    with open_store(Settings(db=str(db))) as store:
        code = _a_project(store)
    walls = []
    for day in free_days(db, code, rounds):
        walls.append(
            command_wall(
                "progress", "report", code, "--date", day, "--investment", "1", "--db", str(db)
            )
        )
    return min(walls)


def cold_audit_log_wall(db: Path, rounds: int = 2) -> tuple[int, float]:
    """(events listed, best wall time) of `audit log --project CODE --json` for the store's
    first project: an auditor's look at one project's history in a whole log."""
    with open_store(Settings(db=str(db)), create=False) as store:
        code = _a_project(store)
    args = ("audit", "log", "--project", code, "--json", "--db", str(db))
    done = subprocess.run([str(CAMPAIGN), *args], capture_output=True, check=True)
    return len(orjson.loads(done.stdout)), best(lambda: command_wall(*args), rounds)


def bulk_load_seconds(scenario: Path, folder: Path) -> tuple[int, float]:
    """The events a load of `scenario` into a new store appends, and its wall time."""
    db = folder / f"load-{time.monotonic_ns()}.db"
    try:
        with open_engine(Settings(db=str(db))) as engine:
            started = time.perf_counter()
            report = load(engine, scenario, actor="benchmark")
            seconds = time.perf_counter() - started
    finally:
        for path in folder.glob(f"{db.name}*"):  # the store, and its WAL and index if left
            path.unlink()
    if report.appended == 0:  # a load appends everything or raises
        raise RuntimeError(f"the scenario {scenario} appended nothing")
    return report.appended, seconds


def bulk_load_rate(scenario: Path, folder: Path, rounds: int = 2) -> float:
    """Events/s of a scenario load into a new store, the best of `rounds` loads (as every
    other row takes its best of a few)."""
    runs = [bulk_load_seconds(scenario, folder) for _ in range(rounds)]
    return max(appended / seconds for appended, seconds in runs)


PEAK_RSS = textwrap.dedent(
    """
    import pathlib, resource, sys
    status = pathlib.Path("/proc/self/status")
    # A new process starts with its parent's high-water mark (it survives fork and exec):
    # reset it first where Linux allows, so that only this replay is measured.
    try:
        pathlib.Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    from campaign import Settings, open_store
    from campaign.read.replay import replay_log
    store = open_store(Settings(db=sys.argv[1]), create=False)
    reader = store.reader()
    replayed = replay_log(reader)
    if replayed.position != replayed.head or replayed.head == 0:
        sys.exit(f"the replay stopped at {replayed.position} of {replayed.head}")
    if status.exists():
        print(status.read_text().split("VmHWM:")[1].split()[0])
    else:
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)


def replay_peak_rss_mb(db: Path) -> float:
    """Peak resident memory of a process that replays the whole log (no snapshots)."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(db)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip()) / 1024  # KiB


def verify_seconds(db: Path) -> float:
    """One `audit verify` of the whole store, in process."""
    with open_store(Settings(db=str(db)), create=False) as store:
        started = time.perf_counter()
        result = verify(store)
        seconds = time.perf_counter() - started
    assert result.ok
    return seconds


def verify_rate(db: Path, rounds: int = 2) -> float:
    return events_in(db) / best(lambda: verify_seconds(db), rounds)


def verify_least_seconds(db: Path) -> float:
    """A bound under `audit verify` of this chain and tree with hashlib and sqlite3, as verify
    runs on two idle cores: each half of the log read by the queries verify reads it with
    (events, links, tree nodes), every row of them, and each event hashed three times (its
    link, its leaf, an inner node: verify hashes n - 1 inner nodes for n events, or a few
    fewer), over the state alone (shorter than the entry verify hashes), with no framing,
    comparison or check at all. The halves are timed one after the other, and the longer
    taken: two processes at once would need at least that."""
    halves = []
    with open_store(Settings(db=str(db)), create=False) as store, collector_paused():
        reader = store.reader()
        assert isinstance(reader, SplitReader)
        try:
            total = events_in(db)
            for after, upto in ((0, total // 2), (total // 2, total)):
                head = bytes(32)
                hashed = links_read = nodes_read = 0
                started = time.perf_counter()
                links = chain.from_iterable(reader.hashes_between(after, upto))
                nodes = chain.from_iterable(reader.tree_rows_between(after, upto))
                for batch in reader.entries_between(after, upto):
                    for _, _, _, state in batch:
                        head = sha256(head + state).digest()
                        sha256(NODE + head + sha256(LEAF + state).digest()).digest()
                    hashed += len(batch)
                    links_read += len(list(islice(links, len(batch))))
                    nodes_read += len(list(islice(nodes, len(batch) // 2)))
                links_read += sum(1 for _ in links)
                nodes_read += sum(1 for _ in nodes)
                halves.append(time.perf_counter() - started)
                # every event, link and node of the half (a node row at each even position)
                expected = (upto - after, upto - after, upto // 2 - after // 2)
                if (hashed, links_read, nodes_read) != expected:
                    raise RuntimeError(f"the bound did not read the whole log of {db}")
        finally:
            reader.close()
    return max(halves)


def latency_ratio(on_big: list[float], on_empty: list[float]) -> float:
    """How much slower a command is on a big store than on an empty one (medians)."""
    return median(on_big) / median(on_empty)


# ------------------------------------------------------------------------------- reports


def report_seconds(db: Path, as_of: str, out: Path) -> float:
    """The 通报 in process: its content (the checkpoint and what the report adds) and its page,
    charts and all, written to `out` (the replay's snapshots warm, like the checkpoint's)."""
    with open_engine(Settings(db=str(db), clock=LATER), create=False) as engine:
        started = time.perf_counter()
        write_html(build_report(engine, dt.date.fromisoformat(as_of), None), out)
        return time.perf_counter() - started


def report_ratio(db: Path, as_of: str, out: Path, rounds: int = 3) -> tuple[float, float, float]:
    """(report, checkpoint, report / checkpoint): the best of `rounds` in process each, after
    one of each has run (imports done, snapshots taken)."""
    report_seconds(db, as_of, out)
    checkpoint_seconds(db, as_of, None)
    report = best(lambda: report_seconds(db, as_of, out), rounds)
    checkpoint = best(lambda: checkpoint_seconds(db, as_of, None), rounds)
    return report, checkpoint, report / checkpoint


def cold_report_ratio(
    db: Path, as_of: str, out: Path, rounds: int = 3
) -> tuple[float, float, float]:
    """(report, checkpoint --json, report / checkpoint): the best wall time of `rounds` cold
    `campaign` processes each."""
    report = ["report", "--as-of", as_of, "--out", str(out), "--db", str(db)]
    checkpoint = ["checkpoint", "--as-of", as_of, "--json", "--db", str(db)]
    command_wall(*checkpoint)  # the first query takes the snapshots both use
    walls = (
        best(lambda: command_wall(*report), rounds),
        best(lambda: command_wall(*checkpoint), rounds),
    )
    return walls[0], walls[1], walls[0] / walls[1]


def table_ratio(db: Path, as_of: str, rounds: int = 3) -> tuple[float, float, float]:
    """(the checkpoint's tables, its --json, tables / --json): the best wall time of `rounds`
    cold `campaign checkpoint` processes each, their output piped."""
    query = ["checkpoint", "--as-of", as_of, "--db", str(db)]
    command_wall(*query, "--json")
    table = best(lambda: command_wall(*query), rounds)
    as_json = best(lambda: command_wall(*query, "--json"), rounds)
    return table, as_json, table / as_json


def postgres_floor_and_replay(url: str, rounds: int = 3) -> tuple[int, float, float]:
    """(events, floor events/s, full replay events/s) on a PostgreSQL store: the floor reads
    the rows the replay reads, through the same named (server-side) cursor, and decodes each
    state with orjson; the replay is `replay_log` from the first event. Each the best of
    `rounds`, interleaved."""
    floors, replays = [], []
    with open_store(Settings(db=url), create=False) as store:
        for _ in range(rounds):
            reader = store.reader()
            head, _, _ = reader.head()
            upto, _ = reader.chain_at(head)  # the notification id of the last position
            started = time.perf_counter()
            count = 0
            for batch in reader.batches(0, upto):
                for _topic, state in batch:
                    orjson.loads(state)
                count += len(batch)
            floors.append(time.perf_counter() - started)
            reader.close()
            if count != head:
                raise RuntimeError(f"the floor read {count} of {head} events")
            reader = store.reader()
            gc.collect()
            started = time.perf_counter()
            replayed = replay_log(reader)
            replays.append(time.perf_counter() - started)
            reader.close()
            if replayed.position != head:
                raise RuntimeError(f"the replay stopped at {replayed.position} of {head}")
    return head, head / min(floors), head / min(replays)
