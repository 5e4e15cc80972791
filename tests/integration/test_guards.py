"""Guards against misuse: forged snapshots, hand-edited rows, foreign files, future times,
publications that are not final, and inputs that would quietly lose or misplace data."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from typing import TYPE_CHECKING, Any

import orjson
import pytest
from click.testing import CliRunner

from campaign import (
    Refused,
    Settings,
    StoreError,
    open_store,
    parse_command,
)
from campaign.app.queries import checkpoint_document, publish, replay
from campaign.audit.transfer import export, import_log
from campaign.audit.verify import verify
from campaign.domain.errors import LineError
from campaign.read.snapshots import dump
from cli.context import Config
from cli.main import cli
from tests.integration.demo import DEMO, LATER, opened

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import Harness


def cli_run(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), obj=Config(clock=LATER))
    assert "Traceback" not in result.output
    return result


class TestForgedSnapshots:
    def forge(self, db: str, *, keep_key_id: bool) -> int:
        """The real projection with 9,999 万元 more on DM-001 written over the latest genuine
        snapshot: what anyone holding the file can write, without the key kept outside it
        (its key id copied, or a plain checksum in its place); the position forged."""
        with opened(db) as engine:
            checkpoint_document(engine, dt.date(2020, 6, 30), None)  # takes snapshots
            replayed = replay(engine, None, "Asia/Shanghai", snapshots=False)
        projection = replayed.projection
        projection.projects["DM-001"].investment[100] += 99_990_000
        with sqlite3.connect(db) as conn:
            at, digest = conn.execute(
                "SELECT position, digest FROM projection_snapshots ORDER BY position DESC LIMIT 1"
            ).fetchone()
            projection.position = at
            data = dump(projection)
            forged = (digest[:8] if keep_key_id else b"") + hashlib.sha256(data).digest()
            conn.execute(
                "UPDATE projection_snapshots SET data = ?, digest = ? WHERE position = ?",
                (data, forged, at),
            )
        conn.close()
        return int(at)

    def test_audit_verify_names_a_forged_snapshot(self, demo: str) -> None:
        at = self.forge(demo, keep_key_id=True)
        with open_store(Settings(db=demo)) as store:
            result = verify(store, snapshots=True)
            assert (result.ok, result.position) == (False, at)
            assert verify(store).ok  # the log itself is intact

    @pytest.mark.parametrize("keep_key_id", [True, False])
    def test_a_checkpoint_never_uses_a_forged_snapshot(self, demo: str, keep_key_id: bool) -> None:
        with opened(demo) as engine:
            honest = checkpoint_document(engine, dt.date(2020, 6, 30), None, snapshots=False)
        at = self.forge(demo, keep_key_id=keep_key_id)
        with opened(demo) as engine:
            assert checkpoint_document(engine, dt.date(2020, 6, 30), None) == honest
            published, _ = publish(engine, dt.date(2020, 6, 30), None, actor="office")
            assert engine.snapshots is not None
            assert engine.snapshots.refused == [at]  # a plain checksum is no key's either
        assert published["receipt"]["state_hash"] == honest["receipt"]["state_hash"]

    def test_a_snapshot_rewritten_as_text_is_not_used_and_is_named(self, demo: str) -> None:
        at = self.forge(demo, keep_key_id=True)
        with sqlite3.connect(demo) as conn:
            conn.execute(
                "UPDATE projection_snapshots SET digest = 'not a digest' WHERE position = ?", (at,)
            )
        result = cli_run("checkpoint", "--as-of", "2020-06-30", "--json", "--db", demo)
        assert result.exit_code == 0
        assert f"snapshot at position {at} changed since it was taken" in result.stderr

    def test_the_command_line_says_a_changed_snapshot_was_not_used(self, demo: str) -> None:
        at = self.forge(demo, keep_key_id=True)
        result = cli_run("checkpoint", "--as-of", "2020-06-30", "--json", "--db", demo)
        assert result.exit_code == 0
        assert result.stderr.splitlines() == [
            f"warning: the projection snapshot at position {at} changed since it was taken: "
            "not used, these figures come from the log"
        ]


def test_a_state_rewritten_as_text_is_caught_at_its_position(demo: str) -> None:
    with sqlite3.connect(demo, isolation_level=None) as conn:
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        # replace() hands back TEXT: the value is now a string, and a different one
        conn.execute(
            "UPDATE stored_events SET state = replace(state, 'DM-00', 'DM-09') WHERE rowid = 9"
        )
    with open_store(Settings(db=demo)) as store:
        result = verify(store)
    assert (result.ok, result.position) == (False, 9)


class TestImport:
    def exported(self, demo: str, tmp_path: Path) -> list[bytes]:
        with open_store(Settings(db=demo)) as store, (tmp_path / "log.jsonl").open("wb") as out:
            export(store, out)
        return (tmp_path / "log.jsonl").read_bytes().splitlines()

    def test_an_event_the_engine_cannot_read_is_refused_even_with_a_consistent_chain(
        self, demo: str, tmp_path: Path
    ) -> None:
        from campaign.store.chain import GENESIS, link

        lines = self.exported(demo, tmp_path)
        records = [json.loads(line) for line in lines[1:]]
        records[4]["topic"] = "os:system"  # and the whole chain recomputed to match
        head = GENESIS
        for record in records:
            head = link(
                head,
                record["originator_id"],
                record["originator_version"],
                record["topic"],
                record["state"].encode(),
            )
            record["hash"] = head.hex()
        header = json.loads(lines[0]) | {"digest": f"{head.hex()}@{len(records)}"}
        forged = b"\n".join(orjson.dumps(r) for r in [header, *records])
        with open_store(Settings(db=str(tmp_path / "copy.db"))) as store:
            with pytest.raises(LineError, match="line 6: event=os:system"):
                import_log(store, iter(forged.splitlines()))
            assert store.head() == 0

    def test_a_digest_pins_the_import_to_the_log_meant(self, demo: str, tmp_path: Path) -> None:
        lines = self.exported(demo, tmp_path)
        with open_store(Settings(db=demo)) as store:
            right = verify(store).digest
        wrong = "ab" * 32 + "@40"
        with (
            open_store(Settings(db=str(tmp_path / "a.db"))) as store,
            pytest.raises(StoreError, match="not the log you meant"),
        ):
            import_log(store, iter(lines), expected=wrong)
        with open_store(Settings(db=str(tmp_path / "b.db"))) as store:
            assert import_log(store, iter(lines), expected=right).digest == right


class TestPublication:
    def test_publishing_the_same_query_with_the_same_result_appends_once(self, demo: str) -> None:
        with opened(demo) as engine:
            store = engine.store
            before = store.head()
            _, first = publish(engine, dt.date(2020, 6, 30), None, actor="office")
            _, second = publish(engine, dt.date(2020, 6, 30), None, actor="office")
            assert (first, second) == (True, False)
            assert store.head() == before + 1

    def test_a_known_at_that_has_not_passed_cannot_be_published(self, demo: str) -> None:
        with opened(demo) as engine, pytest.raises(Refused, match="has not passed yet"):
            publish(engine, dt.date(2020, 6, 30), "2099-01-01", actor="office")


def test_group_options_before_a_subcommand_are_refused_not_dropped(demo: str) -> None:
    result = cli_run("checkpoint", "--db", demo, "--as-of", "2020-06-30", "publish")
    assert result.exit_code == 2
    assert "--as-of, --db: give them after 'publish'" in result.stderr


def test_a_scenario_line_recorded_in_the_future_is_refused(tmp_path: Path) -> None:
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    future = json.loads(lines[20]) | {"at": "2021-06-01T09:00:00+08:00"}
    (tmp_path / "s.jsonl").write_text(
        "\n".join([*lines[:20], json.dumps(future, ensure_ascii=False)]) + "\n", encoding="utf-8"
    )
    result = cli_run("scenario", "run", str(tmp_path / "s.jsonl"), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 1
    assert "line 21: at=2021-06-01T09:00:00+08:00: is in the future" in result.stderr
    assert not (tmp_path / "s.db").exists()


def test_a_foreign_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE readings (x)")
    before = other.read_bytes()
    for args in (
        ["status"],
        ["checkpoint", "--as-of", "2020-06-30"],
        ["open", "x", "--year", "2020", "--start", "2020-03-23", "--end", "2020-06-30"],
    ):
        result = cli_run(*args, "--db", str(other))
        assert result.exit_code == 1
        assert "is not a campaign store" in result.stderr
    assert other.read_bytes() == before


def test_a_blank_actor_is_refused(opened: Harness) -> None:
    before = opened.events()
    with pytest.raises(Refused, match="actor"):
        opened.engine.execute(
            parse_command(
                "report_progress", {"code": "ZZ-001", "date": "2020-04-16", "investment": "1"}
            ),
            actor="  ",
        )
    assert opened.events() == before


def test_a_csv_row_longer_than_its_header_is_refused(tmp_path: Path, demo: str) -> None:
    rows = "code,name,sector,category,unit,leader,total_investment,annual_plan,date\n"
    rows += "ZZ-101,甲项目,lithium,new,区发改局,王,1000,300,2020-02-03,extra\n"
    (tmp_path / "p.csv").write_text(rows, encoding="utf-8")
    result = cli_run("project", "register", "--from", str(tmp_path / "p.csv"), "--db", demo)
    assert result.exit_code == 1
    assert "p.csv row 2, column J=extra: has no header" in result.stderr


def test_a_factor_key_of_another_projects_request_is_refused(opened: Harness) -> None:
    opened.register(code="ZZ-002")
    opened.run(
        "file_factor", code="ZZ-001", category="land", detail="x", date="2020-04-16", key="k-1"
    )
    before = opened.events()
    with pytest.raises(Refused, match=r"code=ZZ-002: differs from request .* key k-1 .*ZZ-001"):
        opened.run(
            "file_factor", code="ZZ-002", category="land", detail="x", date="2020-04-16", key="k-1"
        )
    assert opened.events() == before


def test_a_refused_generate_leaves_the_target_file_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "keep.jsonl"
    target.write_text("keep\n", encoding="utf-8")
    result = cli_run(
        "scenario",
        "generate",
        "--projects",
        "5",
        "--seed",
        "1",
        "--start",
        "2020-07-01",
        "--end",
        "2020-06-01",
        "--out",
        str(target),
    )
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "keep\n"


@pytest.mark.postgres
def test_status_counts_events_not_notification_ids_on_postgresql(
    postgres_db: str, tmp_path: Path
) -> None:
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    # Enough lines to flush a batch before the bad last line rolls everything back: the
    # sequence of notification ids keeps its gap.
    from campaign.app import scenario

    bad = json.loads(lines[-1]) | {"code": "NOPE"}
    (tmp_path / "bad.jsonl").write_text(
        "\n".join([*lines, json.dumps(bad, ensure_ascii=False)]) + "\n", encoding="utf-8"
    )
    flush, scenario.FLUSH_EVERY = scenario.FLUSH_EVERY, 10
    try:
        assert (
            cli_run("scenario", "run", str(tmp_path / "bad.jsonl"), "--db", postgres_db).exit_code
            == 1
        )
    finally:
        scenario.FLUSH_EVERY = flush
    assert cli_run("scenario", "run", str(DEMO), "--db", postgres_db).exit_code == 0
    status = json.loads(cli_run("status", "--json", "--db", postgres_db).stdout)
    assert status["events"] == 49
