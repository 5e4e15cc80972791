"""The audit trail: tampering with the stored log is caught, and at the right position.

The attacker here holds the SQLite file: they drop the append-only triggers and edit the
tables directly, as anyone with the file could.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import orjson
import pytest
from click.testing import CliRunner

from campaign import FixedClock, Settings, open_store
from campaign.app.queries import checkpoint_document, publish
from campaign.app.scenario import load
from campaign.audit.diff import diff
from campaign.audit.reproduce import reproduce
from campaign.audit.transfer import export, import_log
from campaign.audit.verify import verify
from campaign.domain.errors import LineError, StoreError
from cli.context import Config
from cli.main import cli
from tests.conftest import SHANGHAI
from tests.forger import attacker, cut, flip_node, rechain
from tests.integration.demo import DEMO, EVENTS, LATER, check, opened

if TYPE_CHECKING:
    from pathlib import Path


pytestmark = pytest.mark.usefixtures("processes")  # every check, one process and two


def test_an_untouched_log_verifies_and_gives_its_digest(demo: str) -> None:
    result = check(demo)
    assert result.ok and result.events == EVENTS
    assert check(demo, result.digest).ok


def test_a_log_rewritten_with_an_event_dropped_is_read_alike_by_one_walk_and_two(
    demo: str,
) -> None:
    """An event deleted and the chain and the tree written again over the rest: the ids now
    skip one, and the log is consistent in itself (only a digest kept outside catches it).
    Both walks find it whole, the two halves parting at the middle position's event, not at
    the id of the same number."""
    kept = check(demo).digest
    with attacker(demo) as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid = 10")
        rechain(conn)
    result = check(demo)
    assert (result.ok, result.events) == (True, EVENTS - 1)
    refused = check(demo, kept)
    assert (refused.ok, refused.position) == (False, EVENTS)


def test_a_changed_value_is_caught_at_its_position(demo: str) -> None:
    with attacker(demo) as conn:
        (state,) = conn.execute("SELECT state FROM stored_events WHERE rowid = 17").fetchone()
        forged = orjson.loads(state)
        forged["investment"] = "18000.00"
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = 17", (orjson.dumps(forged),))
    result = check(demo)
    assert (result.ok, result.position) == (False, 17)
    assert "modified" in (result.problem or "")


def test_a_deleted_event_is_caught_at_its_position(demo: str) -> None:
    with attacker(demo) as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid = 30")
    result = check(demo)
    assert (result.ok, result.position) == (False, 30)
    assert "deleted" in (result.problem or "")


def test_a_deleted_last_event_whose_link_remains_is_caught(demo: str) -> None:
    with attacker(demo) as conn:
        conn.execute(f"DELETE FROM stored_events WHERE rowid = {EVENTS}")
    result = check(demo)
    assert (result.ok, result.position) == (False, EVENTS)


def test_a_forged_event_inserted_is_caught_at_its_position(demo: str) -> None:
    with attacker(demo) as conn:
        row = conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid = 20"
        ).fetchone()
        forged = orjson.loads(row[3])
        forged["date"] = "2020-06-29"
        conn.execute(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?, ?)",
            (EVENTS + 1, "report:DM-001:2020-06-29", 1, row[2], orjson.dumps(forged)),
        )
    result = check(demo)
    assert (result.ok, result.position) == (False, EVENTS + 1)
    assert "inserted" in (result.problem or "")


def test_a_forged_event_slipped_into_the_middle_is_caught_there(demo: str) -> None:
    # Moving every later event up one rowid to make room, as a careful forger would.
    with attacker(demo) as conn:
        conn.execute("UPDATE stored_events SET rowid = rowid + 1000 WHERE rowid >= 25")
        conn.execute("UPDATE stored_events SET rowid = rowid - 999 WHERE rowid >= 1025")
        row = conn.execute(
            "SELECT originator_id, topic, state FROM stored_events WHERE rowid = 24"
        ).fetchone()
        conn.execute(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
            "VALUES (25, 'report:DM-009:2020-04-20', 1, ?, ?)",
            (row[1], row[2]),
        )
    result = check(demo)
    assert (result.ok, result.position) == (False, 25)


def test_two_swapped_events_are_caught_at_the_first(demo: str) -> None:
    columns = "originator_id, originator_version, topic, state"
    with attacker(demo) as conn:
        a = conn.execute(f"SELECT {columns} FROM stored_events WHERE rowid = 21").fetchone()
        b = conn.execute(f"SELECT {columns} FROM stored_events WHERE rowid = 22").fetchone()
        conn.execute("DELETE FROM stored_events WHERE rowid IN (21, 22)")
        insert = f"INSERT INTO stored_events (rowid, {columns}) VALUES (?, ?, ?, ?, ?)"
        conn.execute(insert, (21, *b))
        conn.execute(insert, (22, *a))
    result = check(demo)
    assert (result.ok, result.position) == (False, 21)


def test_a_cut_tail_passes_the_chain_but_not_the_digest(demo: str) -> None:
    kept = check(demo).digest
    with attacker(demo) as conn:
        cut(conn, 45)
    assert check(demo).ok  # the shortened chain is consistent in itself...
    result = check(demo, kept)  # ...but not with the digest kept outside the store
    assert not result.ok
    assert "cut" in (result.problem or "") and str(EVENTS) in (result.problem or "")


def test_a_rewritten_history_with_a_recomputed_chain_fails_the_digest(demo: str) -> None:
    kept = check(demo).digest
    with attacker(demo) as conn:
        cut(conn, 40)
    clock = FixedClock(dt.datetime(2021, 1, 1, tzinfo=SHANGHAI))
    with opened(demo, clock) as engine:  # the forger appends a different future
        for extra in range(EVENTS - 40):
            from campaign import parse_command

            command = parse_command(
                "report_progress",
                {"code": "DM-002", "date": f"2020-12-{extra + 1:02d}", "investment": "9999"},
            )
            engine.execute(command, actor="forger")
    assert check(demo).ok
    result = check(demo, kept)
    assert (result.ok, result.position) == (False, EVENTS)


def test_verify_on_the_command_line_exits_1_naming_the_position(demo: str) -> None:
    with attacker(demo) as conn:
        conn.execute("UPDATE stored_events SET topic = topic WHERE rowid = 3")
        conn.execute("UPDATE event_chain SET hash = zeroblob(32) WHERE position = 12")
    result = CliRunner().invoke(cli, ["audit", "verify", "--db", demo], obj=Config(clock=LATER))
    assert result.exit_code == 1
    # the attacker dropped the triggers: the store warns that it put them back, on its own line
    (error,) = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert error.startswith("Error:") and "position 12" in error


@pytest.mark.postgres
def test_a_changed_value_is_caught_on_postgresql_too(postgres_db: str) -> None:
    import psycopg

    with opened(postgres_db) as engine:
        assert load(engine, DEMO, actor="loader").appended == EVENTS
    with psycopg.connect(postgres_db, autocommit=True) as conn:
        conn.execute("ALTER TABLE campaign_events DISABLE TRIGGER refuse_update_delete")
        conn.execute(
            "UPDATE campaign_events SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            "'26000000', '96000000'), 'UTF8') WHERE notification_id = 13"
        )
    result = check(postgres_db)
    assert (result.ok, result.position) == (False, 13)


class TestExportImport:
    def test_export_then_import_gives_the_same_head_and_state_hashes(
        self, demo: str, tmp_path: Path
    ) -> None:
        with opened(demo) as engine:
            publish(engine, dt.date(2020, 6, 30), "2020-07-01", actor="office")
            before = checkpoint_document(engine, dt.date(2020, 6, 30), None)
            with (tmp_path / "log.jsonl").open("wb") as out:
                exported = export(engine.store, out)
        copy = str(tmp_path / "copy.db")
        with opened(copy) as engine, (tmp_path / "log.jsonl").open("rb") as handle:
            imported = import_log(engine.store, iter(handle))
            after = checkpoint_document(engine, dt.date(2020, 6, 30), None)
            reproduced = reproduce(engine)
        assert imported.digest == exported.digest
        assert after["receipt"] == before["receipt"]
        assert [r.ok for r in reproduced] == [True]

    @pytest.mark.parametrize(
        ("line", "edit"),
        [
            (12, lambda r: r | {"state": r["state"].replace("DM-00", "DM-09")}),
            (20, lambda r: r | {"hash": "00" * 32}),
            (30, lambda r: r | {"position": 31}),
        ],
    )
    def test_a_tampered_file_is_refused_naming_its_line_and_nothing_is_stored(
        self, demo: str, tmp_path: Path, line: int, edit: Any
    ) -> None:
        with open_store(Settings(db=demo)) as store, (tmp_path / "log.jsonl").open("wb") as out:
            export(store, out)
        lines = (tmp_path / "log.jsonl").read_bytes().splitlines()
        lines[line - 1] = orjson.dumps(edit(json.loads(lines[line - 1])))
        (tmp_path / "bad.jsonl").write_bytes(b"\n".join(lines) + b"\n")
        copy = str(tmp_path / "copy.db")
        with open_store(Settings(db=copy)) as store, (tmp_path / "bad.jsonl").open("rb") as handle:
            with pytest.raises(LineError, match=f"line {line}"):
                import_log(store, iter(handle))
            assert store.head() == 0

    def test_a_file_cut_short_is_refused(self, demo: str, tmp_path: Path) -> None:
        with open_store(Settings(db=demo)) as store, (tmp_path / "log.jsonl").open("wb") as out:
            export(store, out)
        lines = (tmp_path / "log.jsonl").read_bytes().splitlines()
        (tmp_path / "short.jsonl").write_bytes(b"\n".join(lines[:-3]) + b"\n")
        with (
            open_store(Settings(db=str(tmp_path / "copy.db"))) as store,
            (tmp_path / "short.jsonl").open("rb") as handle,
        ):
            with pytest.raises(StoreError, match="cut or added"):
                import_log(store, iter(handle))
            assert store.head() == 0

    def test_import_needs_an_empty_store(self, demo: str, tmp_path: Path) -> None:
        with open_store(Settings(db=demo)) as store, (tmp_path / "log.jsonl").open("wb") as out:
            export(store, out)
        with (
            open_store(Settings(db=demo)) as store,
            (tmp_path / "log.jsonl").open("rb") as handle,
            pytest.raises(StoreError, match="empty"),
        ):
            import_log(store, iter(handle))


def test_reproduce_names_a_publication_whose_figures_no_longer_reproduce(demo: str) -> None:
    with opened(demo) as engine:
        publish(engine, dt.date(2020, 6, 30), None, actor="office")
    with attacker(demo) as conn:  # a report rewritten, the chain and the tree recomputed
        conn.execute(
            "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), '18000000', "
            "'19000000') AS BLOB) WHERE rowid = 18"
        )
        rechain(conn)
    with opened(demo) as engine:
        assert verify(engine.store).ok  # the forger recomputed the chain...
        (result,) = reproduce(engine)
    assert not result.ok  # ...but the published checkpoint no longer reproduces


def test_diff_names_the_events_that_changed_the_june_report(demo: str) -> None:
    with opened(demo) as engine:
        result = diff(engine, dt.date(2020, 6, 30), "2020-06-30", "2020-07-10")
    changed = {c["figure"]: (c["before"], c["after"]) for c in result.changes}
    assert changed["projects.DM-001.ytd_investment"] == (14700.0, 15100.0)
    assert changed["projects.DM-003.ytd_investment"] == (2750.0, 3050.0)
    assert [(e["type"], e["project"]) for e in result.causes] == [
        ("DailyReport.Reported", "DM-003"),
        ("DailyReport.Corrected", "DM-001"),
    ]


@pytest.mark.parametrize(("position", "level", "first"), [(8, 3, 1), (40, 1, 39), (48, 4, 33)])
def test_a_changed_node_of_the_tree_is_named_by_the_positions_it_covers(
    demo: str, position: int, level: int, first: int
) -> None:
    flip_node(demo, position, level)
    result = check(demo)
    assert (result.ok, result.position) == (False, first)
    assert f"node over positions {first}–{position} (stored at {position})" in str(result.problem)
    assert "was changed" in str(result.problem)


@pytest.mark.parametrize(
    "moment",
    [
        "2020-07-03T02:00:00.000000+23:00",  # an earlier instant, written with another offset
        "2020-07-04T00:00:00",  # no offset
        "yesterday",
        "2020-07-04T00:00:00.000000+00:00Z",
    ],
)
def test_a_recorded_time_not_in_the_engines_form_is_named_even_rechained(
    demo: str, moment: str
) -> None:
    with attacker(demo) as conn:
        (state,) = conn.execute(
            "SELECT state FROM stored_events WHERE rowid = ?", (EVENTS,)
        ).fetchone()
        found = orjson.loads(state)
        found["timestamp"] = moment
        conn.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?", (orjson.dumps(found), EVENTS)
        )
        rechain(conn)
    result = check(demo)
    assert (result.ok, result.position) == (False, EVENTS)
    assert "no recorded time in the engine's form" in str(result.problem)
    done = CliRunner().invoke(cli, ["audit", "head", "--db", demo], obj=Config(clock=LATER))
    assert done.exit_code == 1 and "unexpected" not in done.output


@pytest.mark.parametrize(
    ("column", "value"),
    [("originator_version", "abc"), ("originator_version", -3), ("originator_id", b"\xff")],
)
def test_a_column_rewritten_with_another_type_is_named(
    demo: str, column: str, value: object
) -> None:
    with attacker(demo) as conn:
        conn.execute(f"UPDATE stored_events SET {column} = ? WHERE rowid = 12", (value,))
    result = check(demo)
    assert (result.ok, result.position) == (False, 12)
