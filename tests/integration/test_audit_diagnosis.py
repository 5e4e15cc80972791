"""What `audit verify` and `import` say when a check fails: what is wrong, told truthfully, and
at which position. Events swapped, a node of the tree changed, events deleted at the end with
their links kept, a log shorter than a digest or a head (cut, or rewritten), a head whose time
is not its log's, and an exported file rewritten with a fresh chain around what the engine
refuses.

The attacker holds the SQLite file (tests/forger.py) or the exported file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from campaign import Settings, open_store, parse_command
from campaign.app.queries import publish
from campaign.audit.proofs import current_head, verify_against
from campaign.audit.transfer import import_log
from campaign.domain.errors import LineError
from campaign.store.chain import GENESIS, link
from campaign.store.keys import generate
from cli.context import Config
from cli.main import cli
from tests.forger import attacker, exchange, exported, flip_node, rechain, rewritten
from tests.integration.demo import EVENTS, LATER, check, opened

if TYPE_CHECKING:
    from pathlib import Path

    from campaign import Engine


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), obj=Config(clock=LATER))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def error_line(done: Any) -> str:
    """The one line of a refusal on stderr (the store may warn, on a line of its own, that it
    put back the triggers the attacker dropped)."""
    (line,) = [line for line in done.stderr.splitlines() if not line.startswith("warning:")]
    assert line.startswith("Error: ")
    return str(line)


def rewrite_with_links_only(db: str, rowid: int) -> None:
    """The event at `rowid` given a blank after its JSON, and the chain written again over
    the events; the tree kept as it was (a forger who knew of the chain only)."""
    with attacker(db) as conn:
        conn.execute(
            "UPDATE stored_events SET state = CAST(CAST(state AS TEXT) || ' ' AS BLOB) "
            "WHERE rowid = ?",
            (rowid,),
        )
        head = GENESIS
        rows = conn.execute(
            "SELECT c.position, e.originator_id, e.originator_version, e.topic, e.state "
            "FROM event_chain c JOIN stored_events e ON e.rowid = c.notification_id "
            "ORDER BY c.position"
        ).fetchall()
        for position, oid, version, topic, state in rows:
            head = link(head, oid, version, topic, state)
            conn.execute("UPDATE event_chain SET hash = ? WHERE position = ?", (head, position))


def report(engine: Engine, day: str) -> None:
    command = parse_command("report_progress", {"code": "DM-002", "date": day, "investment": "1"})
    engine.execute(command, actor="clerk")


@pytest.mark.usefixtures("processes")
class TestEventsOutOfOrder:
    def test_two_swapped_events_are_named_out_of_order_at_both_positions(self, demo: str) -> None:
        exchange(demo, 21, 22)
        result = check(demo)
        assert (result.ok, result.position) == (False, 21)
        assert "the events at positions 21 and 22 are out of order" in str(result.problem)
        assert "each one's bytes give the other's link" in str(result.problem)

    def test_two_events_exchanged_further_apart_are_named_in_each_others_places(
        self, demo: str
    ) -> None:
        exchange(demo, 30, 35)
        result = check(demo)
        assert (result.ok, result.position) == (False, 30)
        assert "the events at positions 30 and 35 are in each other's places" in str(result.problem)

    def test_a_changed_event_is_still_told_as_modified(self, demo: str) -> None:
        with attacker(demo) as conn:
            conn.execute(
                "UPDATE stored_events SET state = CAST(CAST(state AS TEXT) || ' ' AS BLOB) "
                "WHERE rowid = 21"
            )
        result = check(demo)
        assert (result.ok, result.position) == (False, 21)
        assert "modified" in str(result.problem) and "out of order" not in str(result.problem)

    def test_the_command_line_names_both_positions(self, demo: str) -> None:
        exchange(demo, 21, 22)
        done = run("audit", "verify", "--db", demo)
        assert done.exit_code == 1
        line = error_line(done)
        assert "position 21: the events at positions 21 and 22 are out of order" in line


@pytest.mark.usefixtures("processes")
class TestChangedTreeNodes:
    def test_a_node_over_many_events_is_told_as_changed_itself(self, demo: str) -> None:
        flip_node(demo, 32, 5)
        result = check(demo)
        assert (result.ok, result.position) == (False, 1)
        assert str(result.problem).startswith(
            "the Merkle tree's node over positions 1–32 (stored at 32) was changed: it is not "
            "the hash of the two nodes under it, over positions 1–16 and 17–32"
        )

    @pytest.mark.parametrize("position", [40, 42])
    def test_a_node_over_two_events_is_told_as_changed_by_the_node_above_it(
        self, demo: str, position: int
    ) -> None:
        """The node above a pair is in the same row (40) or in the next one (42)."""
        flip_node(demo, position, 1)
        result = check(demo)
        assert (result.ok, result.position) == (False, position - 1)
        problem = str(result.problem)
        assert f"node over positions {position - 1}–{position} (stored at {position})" in problem
        assert "was changed" in problem and "still holds theirs" in problem

    def test_events_written_again_with_their_links_after_the_tree_are_told_apart(
        self, demo: str
    ) -> None:
        rewrite_with_links_only(demo, 41)
        result = check(demo)
        assert (result.ok, result.position) == (False, 41)
        assert "the events at positions 41–42 match their links in the chain but not" in str(
            result.problem
        )
        assert "written again, with their links, after the tree" in str(result.problem)

    def test_no_proof_blames_an_event_for_a_changed_node(self, demo: str, tmp_path: Path) -> None:
        flip_node(demo, 40, 1)
        done = run("audit", "prove", "39", "--db", demo, "--out", str(tmp_path / "p.json"))
        assert done.exit_code == 1
        line = error_line(done)
        assert "node over positions 39–40 (stored at 40) is not the hash of those events" in line
        assert "which give their links in the chain" in line and "an event was changed" not in line

    def test_no_consistency_proof_blames_the_events_for_a_changed_node(
        self, demo: str, tmp_path: Path
    ) -> None:
        head = tmp_path / "head.json"
        head.write_text(run("audit", "head", "--db", demo, "--json").stdout)
        flip_node(demo, 32, 5)  # on the head's right edge: its root is read from it
        done = run("audit", "prove", "--since", str(head), "--db", demo, "--out", str(head) + "x")
        assert done.exit_code == 1
        line = error_line(done)
        assert "the store's Merkle tree does not give the head's root at its size 49" in line
        assert "or the tree kept beside them was changed" in line


@pytest.mark.usefixtures("processes")
class TestEventsDeletedAtTheEnd:
    def test_the_first_of_the_last_events_deleted_is_named_not_a_tree_node_after_it(
        self, demo: str
    ) -> None:
        """47, 48 and 49 deleted, their links and 48's tree nodes kept."""
        with attacker(demo) as conn:
            conn.execute("DELETE FROM stored_events WHERE rowid >= 47")
        result = check(demo)
        assert (result.ok, result.position) == (False, 47)
        assert "the chain goes on to position 49, the events end at position 46 (deleted)" in (
            str(result.problem)
        )

    def test_a_last_event_deleted_at_an_even_position_is_named_as_deleted(self, demo: str) -> None:
        with opened(demo) as engine:
            report(engine, "2020-07-01")  # the 50th event: it completes nodes of the tree
        with attacker(demo) as conn:
            conn.execute(f"DELETE FROM stored_events WHERE rowid = {EVENTS + 1}")
        result = check(demo)
        assert (result.ok, result.position) == (False, EVENTS + 1)
        assert "event missing" in str(result.problem) and "deleted" in str(result.problem)


def receipts(db: str) -> list[int]:
    """The positions the log's publications recorded their receipts at."""
    conn = sqlite3.connect(db)
    with conn:
        rows = conn.execute(
            "SELECT state FROM stored_events WHERE topic LIKE '%Publication.Published'"
        ).fetchall()
    conn.close()
    return sorted(json.loads(state)["position"] for (state,) in rows)


class TestShorterThanTheDigestOrTheHead:
    def test_a_log_rewritten_shorter_is_not_called_only_cut(self, demo: str) -> None:
        kept = check(demo).digest
        with attacker(demo) as conn:
            conn.execute("DELETE FROM stored_events WHERE rowid IN (10, 11)")
            rechain(conn)
        result = check(demo, kept)
        assert (result.ok, result.position) == (False, EVENTS - 1)
        assert f"the log holds {EVENTS - 2} events, fewer than the digest's {EVENTS}" in str(
            result.problem
        )
        assert "events were cut from the end, or the log was rewritten shorter" in str(
            result.problem
        )

    def test_its_own_receipts_tell_a_log_rewritten_shorter_from_a_cut_one(self, demo: str) -> None:
        with opened(demo) as engine:
            publish(engine, dt.date(2020, 4, 30), "2020-05-01", actor="office")
            publish(engine, dt.date(2020, 6, 30), None, actor="office")
        kept = check(demo).digest
        first = receipts(demo)[0]
        with attacker(demo) as conn:  # an event before the first receipt's position dropped
            conn.execute("DELETE FROM stored_events WHERE rowid = 10")
            rechain(conn)
        result = check(demo, kept)
        assert (result.ok, result.position) == (False, first)
        problem = str(result.problem)
        assert "and it was rewritten, not only cut" in problem
        assert f"its chain at position {first} is not the one its own receipt recorded" in problem

    def test_a_log_as_long_as_the_digest_is_bounded_by_its_own_receipts(self, demo: str) -> None:
        with opened(demo) as engine:
            publish(engine, dt.date(2020, 4, 30), "2020-05-01", actor="office")
            publish(engine, dt.date(2020, 6, 30), None, actor="office")
        kept = check(demo).digest
        early = receipts(demo)[0]
        with attacker(demo) as conn:  # an event before the first receipt's position changed
            conn.execute(
                'UPDATE stored_events SET state = replace(state, \'"actor":"\', '
                '\'"actor":"x\') WHERE rowid = 10'
            )
            rechain(conn)
        result = check(demo, kept)
        assert (result.ok, result.position) == (False, early)
        problem = str(result.problem)
        assert "the chain at position 51 does not match the digest" in problem
        assert f"its chain at position {early} is not the one its own receipt recorded" in problem
        assert f"(the first difference lies between positions 1 and {early})" in problem

    def test_a_receipt_rewritten_with_the_log_bounds_nothing(self, demo: str) -> None:
        """Whoever rewrote the log could rewrite a receipt to agree with it: a receipt the log
        agrees with is no lower bound on where the log changed."""
        with opened(demo) as engine:
            publish(engine, dt.date(2020, 6, 30), None, actor="office")
            report(engine, "2020-06-29")
        kept = check(demo).digest
        (read,) = receipts(demo)
        with attacker(demo) as conn:
            conn.execute(
                'UPDATE stored_events SET state = replace(state, \'"actor":"\', '
                '\'"actor":"x\') WHERE rowid = 10'
            )
            rechain(conn)
            (head,) = conn.execute(
                "SELECT hash FROM event_chain WHERE position = ?", (read,)
            ).fetchone()
            conn.execute(
                "UPDATE stored_events SET state = json_set(state, '$.head_hash', ?) "
                "WHERE topic LIKE '%Publication.Published'",
                (bytes(head).hex(),),
            )
            rechain(conn)
        result = check(demo, kept)
        assert (result.ok, result.position) == (False, EVENTS + 2)
        assert "between positions" not in str(result.problem)

    def test_an_event_recorded_after_the_heads_time_tells_a_rewrite(self, demo: str) -> None:
        with opened(demo) as engine:
            head = current_head(engine)
        with attacker(demo) as conn:
            conn.execute("DELETE FROM stored_events WHERE rowid IN (10, 11, 12)")
            rechain(conn)
        with opened(demo) as engine:
            report(engine, "2020-07-01")  # recorded now, after the head's last event
            found = verify_against(engine, head)
        assert found.log.ok and not found.ok
        assert "rewritten, not only cut" in str(found.problem)
        assert f"its event at position {EVENTS - 2} was recorded at 2020-12-31T04:00" in str(
            found.problem
        )
        assert (found.position, found.between) == (None, (1, EVENTS - 2))


class TestTheHeadsTime:
    @pytest.mark.parametrize(
        ("time", "named"),
        [
            ("2020-07-03T02:00:00.000001+00:00", "is later than the recorded time"),
            ("2020-07-03T01:59:59.999999+00:00", "is earlier than the recorded time"),
            (None, "the head gives no time"),
        ],
    )
    def test_a_head_whose_time_is_not_its_last_events_is_named(
        self, demo: str, time: str | None, named: str
    ) -> None:
        with opened(demo) as engine:
            head = current_head(engine)
            assert head.time == "2020-07-03T02:00:00.000000+00:00"
            found = verify_against(engine, dataclasses.replace(head, time=time))
        assert found.log.ok and not found.ok
        assert found.problem is None  # the log gives the head's root: it is not to blame
        assert named in str(found.head_problem)
        assert f"at its size {EVENTS}" in str(found.head_problem)

    def test_the_office_key_does_not_make_a_wrong_time_right(
        self, demo: str, tmp_path: Path
    ) -> None:
        signer = generate(tmp_path / "office.key")
        with opened(demo) as engine:
            head = current_head(engine)
            wrong = dataclasses.replace(head, time="2020-07-04T00:00:00.000000+00:00")
            found = verify_against(engine, wrong.signed_by(signer), public=signer.public)
        assert found.signature is None and not found.ok
        assert "is later than the recorded time of the event at its size 49" in str(
            found.head_problem
        )

    def test_a_head_of_the_log_as_it_is_still_holds(self, demo: str) -> None:
        with opened(demo) as engine:
            assert verify_against(engine, current_head(engine)).ok


def with_state(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    state = json.loads(record["state"]) | changes
    return record | {"state": json.dumps(state, ensure_ascii=False, separators=(",", ":"))}


def import_into_empty(db: str, file: Path) -> LineError:
    with open_store(Settings(db=db)) as store, file.open("rb") as handle:
        with pytest.raises(LineError) as refused:
            import_log(store, iter(handle))
        assert store.head() == 0  # nothing is stored
    return refused.value


class TestImportRefusesWhatTheEngineRefuses:
    """Each file is consistent in itself (its chain and header written afresh), and holds one
    event the engine would never have written: the line is named, with the field, the value
    and the rule, and the store stays empty."""

    @pytest.mark.parametrize(
        ("position", "changes", "named"),
        [
            (13, {"investment_yuan": -1000}, "investment_yuan=-1000: must be 0 or more"),
            (13, {"physical_pct": 120}, "physical_pct=120: input should be less than or equal"),
            (13, {"code": "DM-404"}, "code=DM-404: names a project the log does not register"),
            (13, {"date": "2020-02-30"}, "date=2020-02-30: "),
            (13, {"date": "2021-03-20"}, "date=2021-03-20: is not a day of the campaign's year"),
            (
                20,
                {"timestamp": "2020-03-01T00:00:00.000000+00:00"},
                "timestamp=2020-03-01T00:00:00.000000+00:00: is earlier than the recorded time "
                "of the event before it (2020-03-31T10:05:00.000000+00:00)",
            ),
            (
                20,
                {"timestamp": "2020-04-01T01:00:00Z"},
                "timestamp=2020-04-01T01:00:00Z: is not a recorded time in the engine's form",
            ),
        ],
        ids=[
            "negative investment",
            "percentage over 100",
            "unregistered project",
            "no such day",
            "outside the year",
            "time going back",
            "time in another form",
        ],
    )
    def test_an_event_the_engine_refuses_is_named_by_line_field_value_and_rule(
        self, demo: str, tmp_path: Path, position: int, changes: dict[str, Any], named: str
    ) -> None:
        records = exported(demo, tmp_path / "log.jsonl")
        records[position - 1] = with_state(records[position - 1], **changes)
        refused = import_into_empty(
            str(tmp_path / "copy.db"), rewritten(records, tmp_path / "bad.jsonl")
        )
        assert refused.where == f"line {position + 1}"
        assert str(refused.error).startswith(named)

    def test_an_event_repeated_is_named_by_its_version(self, demo: str, tmp_path: Path) -> None:
        records = exported(demo, tmp_path / "log.jsonl")
        records[13] = records[12]  # position 14 holds the event at 13 again
        refused = import_into_empty(
            str(tmp_path / "copy.db"), rewritten(records, tmp_path / "bad.jsonl")
        )
        assert refused.where == "line 15"
        assert str(refused.error).startswith("originator_version=1: should be 2")

    def test_nothing_is_stored_though_earlier_events_were_written_in_batches(
        self, demo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("campaign.audit.transfer.BATCH", 10)
        records = exported(demo, tmp_path / "log.jsonl")
        records[44] = with_state(records[44], code="DM-404")
        refused = import_into_empty(
            str(tmp_path / "copy.db"), rewritten(records, tmp_path / "bad.jsonl")
        )
        assert refused.where == "line 46"

    @pytest.mark.postgres
    def test_nothing_is_stored_on_postgresql_either(
        self, demo: str, postgres_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("campaign.audit.transfer.BATCH", 10)
        records = exported(demo, tmp_path / "log.jsonl")
        records[44] = with_state(records[44], timestamp="2020-01-01T00:00:00.000000+00:00")
        refused = import_into_empty(postgres_db, rewritten(records, tmp_path / "bad.jsonl"))
        assert refused.where == "line 46"
        assert str(refused.error).startswith("timestamp=2020-01-01T00:00:00.000000+00:00: is")

    def test_an_untouched_export_still_imports(self, demo: str, tmp_path: Path) -> None:
        records = exported(demo, tmp_path / "log.jsonl")
        file = rewritten(records, tmp_path / "same.jsonl")
        with open_store(Settings(db=str(tmp_path / "copy.db"))) as store, file.open("rb") as f:
            assert import_log(store, iter(f)).digest == check(demo).digest

    def test_the_command_line_refuses_in_one_line_and_leaves_no_store(
        self, demo: str, tmp_path: Path
    ) -> None:
        records = exported(demo, tmp_path / "log.jsonl")
        records[12] = with_state(records[12], investment_yuan=-1000)
        file = rewritten(records, tmp_path / "bad.jsonl")
        copy = tmp_path / "copy.db"
        done = run("import", str(file), "--db", str(copy))
        assert done.exit_code == 1
        assert done.stderr.splitlines() == [
            "Error: bad.jsonl line 14: investment_yuan=-1000: must be 0 or more "
            "(as investment, -0.10 万元)"
        ]
        assert not copy.exists()
