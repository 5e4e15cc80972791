"""A SQLite store in the hands of whoever holds the file: what SQL can do to it is refused or
found before the next write, a damaged file gets one clear line from every command, and a store
on read-only media is read and verified but never written."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from typing import TYPE_CHECKING

import pytest

from tests.cli.test_cli import Campaign, one_line
from tests.forger import attacker, rechain

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

WRITE = ("progress", "report", "DM-001", "--date", "2020-07-10", "--investment", "1")
READS = [
    ("status",),
    ("checkpoint", "--as-of", "2020-06-30"),
    ("audit", "verify"),
    ("audit", "log"),
    ("project", "list"),
    ("replay", "--as-of", "2020-05-01"),
]


def sql(db: str, *statements: str) -> None:
    with closing(sqlite3.connect(db)) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()


def without_triggers(db: str) -> None:
    """What the holder of the file can always do: drop the triggers that guard it."""
    with closing(sqlite3.connect(db)) as connection:
        names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        for (name,) in names.fetchall():
            connection.execute(f"DROP TRIGGER {name}")
        connection.commit()


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT OR REPLACE INTO stored_events (originator_id, originator_version, topic, state) "
        "SELECT originator_id, originator_version, topic, state FROM stored_events "
        "ORDER BY rowid DESC LIMIT 1",
        "REPLACE INTO stored_events (rowid, originator_id, originator_version, topic, state) "
        "SELECT 1, 'x', 1, topic, state FROM stored_events LIMIT 1",
        "INSERT OR REPLACE INTO event_chain SELECT position, notification_id, zeroblob(32) "
        "FROM event_chain ORDER BY position DESC LIMIT 1",
        "UPDATE stored_events SET state = state WHERE rowid = 1",
        "DELETE FROM event_chain WHERE position = (SELECT MAX(position) FROM event_chain)",
    ],
    ids=["replace-event", "replace-rowid", "replace-link", "update", "delete-link"],
)
def test_sql_that_would_change_a_stored_row_is_refused_by_the_file(
    demo: Campaign, statement: str
) -> None:
    before = demo.events()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sql(demo.db, statement)
    assert demo.events() == before
    demo.ok("audit", "verify")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), '2020-', "
            "'2021-') AS BLOB) WHERE rowid = (SELECT MAX(rowid) FROM stored_events)",
            "does not match its link",
        ),
        (
            "DELETE FROM stored_events WHERE rowid = (SELECT MAX(rowid) FROM stored_events)",
            "not at the last stored event",
        ),
        (
            "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version + 1000, topic, state FROM stored_events "
            "ORDER BY rowid DESC LIMIT 1",
            "not at the last stored event",
        ),
    ],
    ids=["rewritten", "removed", "added"],
)
def test_a_tail_changed_behind_the_triggers_is_refused_before_the_next_write(
    demo: Campaign, change: str, problem: str
) -> None:
    without_triggers(demo.db)
    sql(demo.db, change)
    before = demo.events()
    result = demo(*WRITE)
    assert result.exit_code == 1
    dropped, line = result.stderr.splitlines()
    assert dropped == DROPPED
    assert "fails its check before a write" in line and problem in line
    assert "nothing was appended" in line and "campaign audit verify" in line
    assert demo.events() == before
    assert demo("audit", "verify").exit_code == 1


DROPPED = (
    "warning: 9 of the triggers that keep the store append-only had been dropped or changed "
    "(put back now): run campaign audit verify"
)


def test_triggers_dropped_by_the_files_holder_are_put_back_and_said_so(demo: Campaign) -> None:
    without_triggers(demo.db)
    first = demo(*WRITE)
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines() == [DROPPED]
    again = demo(*READS[0])
    assert again.exit_code == 0 and again.stderr == ""
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sql(demo.db, "DELETE FROM stored_events WHERE rowid = 1")


def test_a_trigger_written_again_to_do_nothing_is_put_back_and_said_so(demo: Campaign) -> None:
    sql(
        demo.db,
        "DROP TRIGGER stored_events_refuse_update",
        "CREATE TRIGGER stored_events_refuse_update BEFORE UPDATE ON stored_events "
        "BEGIN SELECT 1; END",
    )
    first = demo(*READS[0])
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines() == [DROPPED.replace("9 of", "1 of")]
    assert demo(*READS[0]).stderr == ""
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sql(demo.db, "UPDATE stored_events SET state = state WHERE rowid = 1")


def test_a_damaged_file_gets_one_clear_line_from_every_command(demo: Campaign) -> None:
    page = 4096
    with open(demo.db, "r+b") as handle:
        handle.seek(page * 3)
        handle.write(bytes(page * 4))
    for command in [*READS, WRITE]:
        result = demo(*command)
        assert result.exit_code == 1, command
        line = one_line(result.stderr)
        assert f"the store {demo.db} is damaged" in line, command
        assert "restore it from a copy" in line, command


@pytest.fixture
def read_only(demo: Campaign, tmp_path: Path) -> Iterator[Campaign]:
    """The demo store seen through a read-only mount of its folder (as on a CD or a share
    mounted read-only): SQLite can make no journal or -shm file there."""
    mounted = tmp_path / "mounted"
    mounted.mkdir()
    done = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(demo.folder), str(mounted)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a folder read-only here: {done.stderr.strip()}")
    try:
        run = Campaign(mounted)
        run.clock = demo.clock
        yield run
    finally:
        subprocess.run(["umount", str(mounted)], check=True)


def test_a_store_on_read_only_media_is_read_and_verified_but_never_written(
    demo: Campaign, read_only: Campaign
) -> None:
    for command in READS:
        seen = read_only(*command).output.replace(read_only.db, demo.db)
        assert seen == demo(*command).output, command
    before = demo.events()
    result = read_only(*WRITE)
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert f"the store {read_only.db} is read-only here" in line
    assert "nothing was appended" in line
    assert demo.events() == before
    read_only.db = str(read_only.folder / "new.db")
    made = read_only("open", "x", "--year", "2020", "--start", "2020-03-23", "--end", "2020-06-30")
    assert made.exit_code == 1
    assert "its folder is read-only here" in one_line(made.stderr)


def test_a_store_in_a_missing_folder_is_named_not_made(tmp_path: Path) -> None:
    run = Campaign(tmp_path / "no" / "such")
    result = run("open", "x", "--year", "2020", "--start", "2020-03-23", "--end", "2020-06-30")
    assert result.exit_code == 1
    assert f"no folder {tmp_path / 'no' / 'such'}" in one_line(result.stderr)


QUERIES = [
    ("checkpoint", "--as-of", "2020-06-30"),
    ("replay", "--as-of", "2020-06-30"),
    ("project", "list", "--as-of", "2020-06-30"),
    ("audit", "diff", "--as-of", "2020-06-30", "--known-at", "2020-06-01", "--vs", "2020-07-01"),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: " ".join(q[:2]))
def test_a_log_rewritten_around_a_project_it_never_registers_gets_one_clear_line(
    demo: Campaign, query: tuple[str, ...]
) -> None:
    """A report renamed to a project the log never registers, and the chain and the tree
    written again over it: the log verifies in itself, and every query refuses it in one
    line (the engine could not have written it), never with an unexpected error."""
    with attacker(demo.db) as conn:
        conn.execute(
            "UPDATE stored_events SET originator_id = replace(originator_id, 'DM-00', 'DM-99'), "
            'state = replace(state, \'"code":"DM-00\', \'"code":"DM-99\') WHERE rowid = '
            "(SELECT MIN(rowid) FROM stored_events WHERE topic LIKE '%DailyReport.Reported')"
        )
        rechain(conn)
    assert demo("audit", "verify").exit_code == 0  # consistent in itself
    result = demo(*query)
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "'DM-991'" in line and "the engine did not write this log" in line
