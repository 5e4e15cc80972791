"""The log itself: append-only enforced by the store, concurrent writers, the write lock."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import orjson
import pytest

from campaign import FixedClock, Settings, StoreError, SystemClock, open_engine, parse_command
from tests.conftest import CAMPAIGN_2020, PROJECT, Harness


def stored_rows(db: str) -> list[tuple[int, str, int, str, bytes]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
            "ORDER BY rowid"
        ).fetchall()


class TestTheStoreRefusesToChangeHistory:
    def test_raw_sql_update_is_refused_by_sqlite(self, opened: Harness, sqlite_db: str) -> None:
        with (
            sqlite3.connect(sqlite_db) as conn,
            pytest.raises(sqlite3.DatabaseError, match="append-only"),
        ):
            conn.execute("UPDATE stored_events SET state = x'00' WHERE rowid = 1")
        assert len(stored_rows(sqlite_db)) == 2

    def test_raw_sql_delete_is_refused_by_sqlite(self, opened: Harness, sqlite_db: str) -> None:
        with (
            sqlite3.connect(sqlite_db) as conn,
            pytest.raises(sqlite3.DatabaseError, match="append-only"),
        ):
            conn.execute("DELETE FROM stored_events")
        assert len(stored_rows(sqlite_db)) == 2

    def test_states_links_and_nodes_are_stored_as_blobs(
        self, opened: Harness, sqlite_db: str
    ) -> None:
        opened.run("report_progress", code="ZZ-001", date="2020-07-01", investment="1")
        with sqlite3.connect(sqlite_db) as conn:
            kinds = conn.execute(
                "SELECT (SELECT group_concat(DISTINCT typeof(state)) FROM stored_events), "
                "(SELECT group_concat(DISTINCT typeof(hash)) FROM event_chain), "
                "(SELECT group_concat(DISTINCT typeof(nodes)) FROM event_tree)"
            ).fetchone()
            states = conn.execute("SELECT state FROM stored_events ORDER BY rowid").fetchall()
        assert kinds == ("blob", "blob", "blob")
        assert all(orjson.loads(state)["actor"] for (state,) in states)

    @pytest.mark.postgres
    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE campaign_events SET topic = 'x'",
            "DELETE FROM campaign_events",
            "TRUNCATE campaign_events",
        ],
    )
    def test_raw_sql_changes_are_refused_by_postgres(
        self, postgres_db: str, clock: FixedClock, statement: str
    ) -> None:
        import psycopg

        with open_engine(Settings(db=postgres_db, clock=clock)) as engine:
            Harness(engine).open()
        with psycopg.connect(postgres_db, autocommit=True) as conn:
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
            (count,) = conn.execute("SELECT count(*) FROM campaign_events").fetchone()  # type: ignore[misc]
        assert count == 1


class TestRecordedTime:
    def test_a_clock_that_goes_back_never_makes_the_log_go_back(
        self, opened: Harness, sqlite_db: str
    ) -> None:
        opened.clock.at = opened.clock.at - dt.timedelta(days=3)
        opened.run("report_progress", code="ZZ-001", date="2020-07-01", investment="1")
        stamps = [orjson.loads(row[4])["timestamp"] for row in stored_rows(sqlite_db)]
        assert stamps == sorted(stamps)
        assert stamps[-1] == stamps[-2]

    def test_recorded_times_are_stored_in_one_fixed_utc_form(
        self, opened: Harness, sqlite_db: str
    ) -> None:
        stamp = orjson.loads(stored_rows(sqlite_db)[-1][4])["timestamp"]
        assert dt.datetime.fromisoformat(stamp).utcoffset() == dt.timedelta(0)
        assert len(stamp) == len("2020-07-10T02:00:02.000000+00:00")


WRITER = textwrap.dedent(
    """
    import datetime as dt
    import sys
    import time
    from pathlib import Path
    from campaign import Settings, SystemClock, open_engine, parse_command
    db, code, first_day, days = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    engine = open_engine(Settings(db=db, clock=SystemClock()))
    ready, go = Path(db + "." + code + ".ready"), Path(db + ".go")
    ready.touch()
    while not go.exists():  # start together with the other writer
        time.sleep(0.005)
    appended = 0
    for day in range(first_day, first_day + days):
        date = (dt.date(2026, 1, 1) + dt.timedelta(days=day)).isoformat()
        for cmd in (
            parse_command("report_progress", {"code": code, "date": date, "investment": "10"}),
            parse_command("report_progress", {"code": "SHARED", "date": date, "investment": "5"}),
            parse_command("file_factor", {"code": "SHARED", "category": "land", "detail": "x",
                                          "date": date, "key": f"shared-{day}"}),
        ):
            appended += engine.execute(cmd, actor=code).appended
            time.sleep(0.002)  # commands arrive one by one, as from separate invocations
    print(appended)
    """
)


def test_two_processes_appending_at_once_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "concurrent.db")
    today = dt.datetime.now(dt.UTC)
    assert today.year == 2026 or today.date() > dt.date(2026, 6, 1)
    with open_engine(Settings(db=db, clock=SystemClock())) as engine:
        campaign = CAMPAIGN_2020 | {
            "year": 2026,
            "start": "2026-01-01",
            "end": "2026-06-30",
            "checkpoints": [],
            "holidays": [],
            "workdays": [],
        }
        engine.execute(parse_command("open_campaign", campaign), actor="office")
        for code in ("A", "B", "SHARED"):
            fields = PROJECT | {
                "code": code,
                "date": "2026-01-01",
                "planned_start": None,
                "planned_completion": None,
            }
            engine.execute(
                parse_command(
                    "register_project", {k: v for k, v in fields.items() if v is not None}
                ),
                actor="office",
            )
    days = 150
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, db, code, "0", str(days)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for code in ("A", "B")
    ]
    deadline = time.monotonic() + 60
    while not all(Path(f"{db}.{code}.ready").exists() for code in ("A", "B")):
        assert time.monotonic() < deadline, "the writers did not start"
        time.sleep(0.01)
    Path(f"{db}.go").touch()
    outputs = [w.communicate(timeout=300) for w in writers]
    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
    appended = sum(int(out.strip()) for out, _ in outputs)
    # Each writer's own reports, one shared report per day (whoever came first), and one
    # keyed request per day: the same key names the same request, its key record once.
    expected = 2 * days + days + 2 * days
    rows = stored_rows(db)
    assert appended == expected
    assert len(rows) == 4 + expected
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert len({(r[1], r[2]) for r in rows}) == len(rows)
    stamps = [orjson.loads(r[4])["timestamp"] for r in rows]
    assert stamps == sorted(stamps)
    reports = [json.loads(r[4]) for r in rows if r[3].endswith("DailyReport.Reported")]
    assert sorted(r["code"] for r in reports).count("SHARED") == days
    # The two writers really ran at once: their events interleave in the log.
    actors = [json.loads(r[4])["actor"] for r in rows[4:]]
    switches = sum(1 for a, b in itertools.pairwise(actors) if a != b)
    assert switches >= 20


def test_a_writer_waits_for_the_lock_and_is_refused_clearly_only_after_the_timeout(
    tmp_path: Path, clock: FixedClock
) -> None:
    db = str(tmp_path / "locked.db")
    with open_engine(Settings(db=db, clock=clock)) as engine:
        Harness(engine).open()
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with open_engine(Settings(db=db, clock=clock, lock_timeout=1)) as engine:
            command = parse_command("register_project", PROJECT)
            with pytest.raises(StoreError, match=r"busy.*nothing was appended"):
                engine.execute(command, actor="t")
            released = threading.Timer(0.5, holder.rollback)
            released.start()
            with open_engine(Settings(db=db, clock=clock, lock_timeout=5)) as patient:
                assert patient.execute(command, actor="t").appended == 1
            released.join()
    finally:
        holder.close()
    assert len(stored_rows(db)) == 2
