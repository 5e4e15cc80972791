"""Proof for auditors that nobody rewrote history: the Merkle tree the store keeps (on both
backends, as pymerkle computes it), signed heads, `audit verify --against` against each way an
insider rewrote the log, inclusion proofs checked by the standalone verifier, and consistency
proofs between every two sizes of a log."""

from __future__ import annotations

import base64
import datetime as dt
import json
import sqlite3
import time
from typing import TYPE_CHECKING, Any

import pymerkle
import pytest
from click.testing import CliRunner

from campaign import Settings, open_engine, open_store
from campaign.app.queries import checkpoint_document, publish
from campaign.app.scenario import load
from campaign.audit.proofs import consistency_proof, current_head, verify_against
from campaign.store.backends.postgres import PostgresLogReader
from campaign.store.heads import PUBLICATIONS, head_at, parse_head
from campaign.store.keys import generate, public_pem
from campaign.store.readers import stored_bytes
from campaign.store.tree import entry
from cli.context import Config
from cli.main import cli
from tests.forger import attacker, cut, rechain, rewrite_first_report
from tests.integration.demo import DEMO, EVENTS, LATER, loaded
from tests.proofs import load_verifier

if TYPE_CHECKING:
    from pathlib import Path

    from campaign import Engine
    from campaign.store.keys import Signer
    from tests.postgres_server import PostgresServer

verifier = load_verifier()


def opened(db: str, key: Path | None = None) -> Engine:
    return open_engine(Settings(db=db, clock=LATER, signing_key=None if key is None else str(key)))


@pytest.fixture
def demo(any_db: str) -> str:
    return loaded(any_db)


@pytest.fixture
def sqlite_demo(sqlite_db: str) -> str:
    with opened(sqlite_db) as engine:
        assert load(engine, DEMO, actor="loader").appended == EVENTS
    return sqlite_db


@pytest.fixture
def key(tmp_path: Path) -> tuple[Path, Path, Signer]:
    """The office's key (private, public) as keygen writes them."""
    private = tmp_path / "office.key"
    signer = generate(private)
    public = tmp_path / "office.pub"
    public.write_bytes(public_pem(signer.public))
    return private, public, signer


def entries(db: str) -> list[bytes]:
    with open_store(Settings(db=db), create=False) as store:
        reader = store.reader()
        try:
            return [
                entry(str(oid), int(version), str(topic), stored_bytes(state))
                for batch in reader.links()
                for _, oid, version, topic, state, _, _ in batch
            ]
        finally:
            reader.close()


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), obj=Config(clock=LATER))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def error_line(done: Any) -> str:
    """The one line of a refusal on stderr (beside it, the store may warn on a line of its
    own that it put back the triggers the attacker dropped)."""
    (line,) = [line for line in done.stderr.splitlines() if not line.startswith("warning:")]
    assert line.startswith("Error: ")
    return str(line)


def test_the_stored_tree_is_rfc_9162s_on_both_backends(demo: str) -> None:
    oracle = pymerkle.InmemoryTree(algorithm="sha256")
    with opened(demo) as engine:
        reader = engine.store.reader()
        try:
            for size, data in enumerate(entries(demo), 1):
                oracle.append_entry(data)
                assert head_at(reader, size).root == oracle.get_root(size), size
        finally:
            reader.close()
        assert current_head(engine).size == EVENTS


def test_both_backends_keep_the_same_tree_for_the_same_log(
    sqlite_db: str, postgres_db: str
) -> None:
    heads = []
    for db in (sqlite_db, postgres_db):
        with opened(db) as engine:
            load(engine, DEMO, actor="loader")
            heads.append(current_head(engine))
    assert heads[0] == heads[1]


def test_every_consistency_proof_between_two_sizes_of_the_log_verifies(demo: str) -> None:
    with opened(demo) as engine:
        reader = engine.store.reader()
        try:
            heads = [head_at(reader, size) for size in range(EVENTS + 1)]
            for new in range(1, EVENTS + 1):
                for old in range(new + 1):
                    proof = consistency_proof(reader, heads[old], heads[new])
                    path = [bytes.fromhex(step) for step in proof["path"]]
                    verifier.check_consistency(old, new, heads[old].root, heads[new].root, path)
        finally:
            reader.close()


class TestSignedHeads:
    def test_a_head_is_signed_deterministically_and_checks_with_the_public_key(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer]
    ) -> None:
        private, _, signer = key
        first = run("audit", "head", "--db", sqlite_demo, "--key", str(private), "--json")
        again = run("audit", "head", "--db", sqlite_demo, "--key", str(private), "--json")
        assert first.exit_code == 0 and first.stdout == again.stdout
        head = parse_head(first.stdout)
        assert (head.size, head.key_id) == (EVENTS, signer.key_id)
        assert head.check(signer.public) is None
        assert head.time is not None and head.time.endswith("+00:00")
        printed = run("audit", "head", "--db", sqlite_demo, "--key", str(private)).stdout
        assert parse_head(printed) == head  # the printed form reads back

    def test_every_receipt_carries_the_signed_head_it_was_computed_at(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer]
    ) -> None:
        private, _, signer = key
        with opened(sqlite_demo, private) as engine:
            signed = checkpoint_document(engine, dt.date(2020, 5, 31), "2020-06-05")
            document, _ = publish(engine, dt.date(2020, 6, 30), None, actor="office")
        with opened(sqlite_demo) as engine:
            unsigned = checkpoint_document(engine, dt.date(2020, 5, 31), "2020-06-05")
        head = parse_head(json.dumps(signed))
        assert head.size == signed["receipt"]["position"] < EVENTS
        assert head.check(signer.public) is None
        assert signed["receipt"]["tail_verified"] is True
        assert unsigned["receipt"]["signed_head"]["signature"] is None
        assert unsigned["receipt"]["signed_head"]["root"] == head.root.hex()
        with sqlite3.connect(sqlite_demo) as conn:
            (state,) = conn.execute(
                "SELECT state FROM stored_events WHERE topic LIKE '%Publication.Published'"
            ).fetchone()
        conn.close()
        assert json.loads(state)["signed_head"] == document["receipt"]["signed_head"]

    def test_keygen_never_overwrites_a_key(self, tmp_path: Path) -> None:
        out = tmp_path / "office.key"
        made = run("audit", "keygen", "--out", str(out))
        assert made.exit_code == 0 and made.stdout.startswith("-----BEGIN PUBLIC KEY-----")
        assert out.stat().st_mode & 0o777 == 0o600
        again = run("audit", "keygen", "--out", str(out))
        assert again.exit_code == 1 and "never overwritten" in again.stderr

    @pytest.mark.parametrize("problem", ["missing", "readable by others", "not a key", "public"])
    def test_a_key_that_cannot_sign_is_refused_naming_it(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer], tmp_path: Path, problem: str
    ) -> None:
        private, public, _ = key
        given = {"missing": tmp_path / "none.key", "public": public}.get(problem, private)
        if problem == "readable by others":
            private.chmod(0o644)
        elif problem == "not a key":
            private.write_text("hello")
        done = run("audit", "head", "--db", sqlite_demo, "--key", str(given))
        assert done.exit_code == 1
        line = error_line(done)
        assert line.startswith("Error: key=") and given.name in line
        assert "PRIVATE" not in done.output and "BEGIN" not in done.output


def kept_head(db: str, private: Path, tmp_path: Path) -> Path:
    """The office's signed head, kept outside the store."""
    done = run("audit", "head", "--db", db, "--key", str(private), "--json")
    assert done.exit_code == 0
    where = tmp_path / "head.json"
    where.write_text(done.stdout, encoding="utf-8")
    return where


def against(db: str, head: Path, public: Path) -> Any:
    return run("audit", "verify", "--db", db, "--against", str(head), "--public-key", str(public))


class TestRewrittenHistory:
    """Each way an insider with write access rewrote the log, caught by `verify --against`
    a head the office signed before (plain `verify` passes: the chain and the tree were
    written again to match)."""

    def test_an_untouched_log_extends_the_head(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer], tmp_path: Path
    ) -> None:
        private, public, _ = key
        head = kept_head(sqlite_demo, private, tmp_path)
        with opened(sqlite_demo) as engine:  # and a later log still extends it
            from campaign import parse_command

            command = parse_command(
                "report_progress", {"code": "DM-002", "date": "2020-07-01", "investment": "1"}
            )
            engine.execute(command, actor="clerk")
        done = against(sqlite_demo, head, public)
        assert done.exit_code == 0, done.stderr
        assert "the log extends the head of 49 events" in done.stdout

    def test_a_report_replaced_and_the_chain_recomputed(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer], tmp_path: Path
    ) -> None:
        private, public, _ = key
        with opened(sqlite_demo, private) as engine:  # signed heads published on the way
            for day in ("2020-04-30", "2020-05-31"):
                publish(engine, dt.date.fromisoformat(day), day, actor="office")
        head = kept_head(sqlite_demo, private, tmp_path)
        sizes = sorted(p["signed_head"]["size"] for p in published(sqlite_demo))
        with attacker(sqlite_demo) as conn:
            row = conn.execute(
                "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
                "WHERE topic LIKE '%DailyReport.Reported' AND rowid > ? ORDER BY rowid LIMIT 1",
                (sizes[0],),
            ).fetchone()
            rowid, oid, version, topic, state = row
            forged = state.replace(b'"investment_yuan":', b'"investment_yuan":9', 1)
            conn.execute("DELETE FROM stored_events WHERE rowid = ?", (rowid,))
            conn.execute(
                "INSERT OR REPLACE INTO stored_events (rowid, originator_id, originator_version, "
                "topic, state) VALUES (?, ?, ?, ?, ?)",
                (rowid, oid, version, topic, forged),
            )
            rechain(conn)
        assert run("audit", "verify", "--db", sqlite_demo).exit_code == 0  # consistent in itself
        done = against(sqlite_demo, head, public)
        assert done.exit_code == 1
        line = error_line(done)
        assert "the log does not extend the head" in line and "rewritten" in line
        # the publications' signed heads bound where: after the first, by the second
        assert f"between positions {sizes[0] + 1} and {sizes[1]}" in line
        assert sizes[0] < rowid <= sizes[1]

    def test_the_office_signs_nothing_over_a_history_rewritten_since_it_signed(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer], tmp_path: Path
    ) -> None:
        private, _, _ = key
        with opened(sqlite_demo, private) as engine:
            publish(engine, dt.date(2020, 5, 31), "2020-05-31", actor="office")
        signed = run(
            "checkpoint", "--as-of", "2020-06-30", "--db", sqlite_demo, "--key", str(private)
        )
        assert signed.exit_code == 0
        rewrite_first_report(sqlite_demo)
        for command in (["audit", "head"], ["checkpoint", "--as-of", "2020-06-30"]):
            done = run(*command, "--db", sqlite_demo, "--key", str(private))
            assert done.exit_code == 1, command
            line = error_line(done)
            assert "are not those this key signed" in line and "nothing is signed" in line
        unsigned = run("checkpoint", "--as-of", "2020-06-30", "--db", sqlite_demo, "--json")
        assert unsigned.exit_code == 0  # the figures are the log's; nothing vouches for them

    def test_the_tail_dropped(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer], tmp_path: Path
    ) -> None:
        private, public, _ = key
        head = kept_head(sqlite_demo, private, tmp_path)
        with attacker(sqlite_demo) as conn:
            cut(conn, EVENTS - 8)
        assert run("audit", "verify", "--db", sqlite_demo).exit_code == 0
        done = against(sqlite_demo, head, public)
        assert done.exit_code == 1
        line = error_line(done)
        assert f"the log holds {EVENTS - 8} events, fewer than the head's {EVENTS}" in line
        # a head pins its whole log: that the log was only cut cannot be told from it
        assert "events were cut from the end, or the log was rewritten shorter" in line
        assert f"between positions 1 and {EVENTS - 7}" in line

    def test_a_forged_head_is_refused(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer], tmp_path: Path
    ) -> None:
        private, public, _ = key
        head = kept_head(sqlite_demo, private, tmp_path)
        document = json.loads(head.read_text())
        document["size"] = EVENTS - 1
        head.write_text(json.dumps(document))
        done = against(sqlite_demo, head, public)
        assert done.exit_code == 1
        assert "signature does not match its size, root and time" in done.stderr


def published(db: str) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT state FROM stored_events WHERE topic LIKE '%Publication.Published' "
            "ORDER BY rowid"
        ).fetchall()
    conn.close()
    return [json.loads(state) for (state,) in rows]


@pytest.mark.postgres
def test_a_forged_append_with_an_earlier_time_is_named_on_postgresql(demo_pg: str) -> None:
    """The table's owner turns the triggers off and appends an event whose recorded time is
    before the last one's, with its link and its tree nodes computed as the database would."""
    import psycopg

    from campaign.store.chain import link
    from campaign.store.tree import Frontier, leaf_hash

    rows = entries_and_links(demo_pg)
    frontier = Frontier([])
    for data in rows:
        frontier.append(leaf_hash(data))
    with psycopg.connect(demo_pg, autocommit=True) as conn:
        (last,) = conn.execute(
            "SELECT hash FROM campaign_events_chain ORDER BY position DESC LIMIT 1"
        ).fetchone()  # type: ignore[misc]
        state = (
            b'{"timestamp":"2020-03-01T00:00:00.000000+00:00","originator_topic":'
            b'"campaign.domain:DailyReport","actor":"office","date":"2020-02-28",'
            b'"code":"DM-001","investment_yuan":999999900}'
        )
        oid, topic = "report:DM-001:2020-02-28", "campaign.domain:DailyReport.Reported"
        conn.execute("ALTER TABLE campaign_events DISABLE TRIGGER USER")
        conn.execute("ALTER TABLE campaign_events_chain DISABLE TRIGGER USER")
        conn.execute("ALTER TABLE campaign_events_tree DISABLE TRIGGER USER")
        (nid,) = conn.execute(
            "INSERT INTO campaign_events (originator_id, originator_version, topic, state) "
            "VALUES (%s, 1, %s, %s) RETURNING notification_id",
            (oid, topic, state),
        ).fetchone()  # type: ignore[misc]
        conn.execute(
            "INSERT INTO campaign_events_chain VALUES (%s, %s, %s)",
            (EVENTS + 1, nid, link(bytes(last), oid, 1, topic, state)),
        )
        nodes = frontier.append(leaf_hash(entry(oid, 1, topic, state)))
        if nodes:
            conn.execute("INSERT INTO campaign_events_tree VALUES (%s, %s)", (EVENTS + 1, nodes))
        conn.execute("ALTER TABLE campaign_events ENABLE TRIGGER USER")
    done = run("audit", "verify", "--db", demo_pg)
    assert done.exit_code == 1
    line = error_line(done)
    assert f"position {EVENTS + 1}" in line and "earlier than the event before" in line


def entries_and_links(db: str) -> list[bytes]:
    return entries(db)


@pytest.fixture
def demo_pg(postgres_db: str) -> str:
    with opened(postgres_db) as engine:
        assert load(engine, DEMO, actor="loader").appended == EVENTS
    return postgres_db


class TestTheTail:
    def test_a_checkpoint_refuses_a_log_whose_last_event_was_changed_in_place(
        self, sqlite_demo: str
    ) -> None:
        with attacker(sqlite_demo) as conn:
            conn.execute(
                "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), "
                "'\"investment_yuan\":', '\"investment_yuan\":1') AS BLOB) WHERE rowid = ?",
                (EVENTS,),
            )
        done = run("checkpoint", "--as-of", "2020-06-30", "--json", "--db", sqlite_demo)
        assert done.exit_code == 1
        line = error_line(done)
        assert f"fails its check at position {EVENTS}" in line and "audit verify" in line

    @pytest.mark.parametrize(
        "command",
        [
            ("audit", "head"),
            ("audit", "prove", str(EVENTS), "--out", "proof.json"),
            ("audit", "prove", "--since", "HEAD", "--out", "proof.json"),
        ],
        ids=["head", "inclusion", "consistency"],
    )
    def test_no_head_is_signed_over_a_last_event_changed_in_place(
        self,
        sqlite_demo: str,
        key: tuple[Path, Path, Signer],
        tmp_path: Path,
        command: tuple[str, ...],
    ) -> None:
        """A head's root (the size odd) and its time come from the last event's bytes: the
        office's key vouches for none of a changed last event, in any command."""
        private, _, _ = key
        kept = kept_head(sqlite_demo, private, tmp_path)
        with attacker(sqlite_demo) as conn:
            conn.execute(
                "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), "
                "'\"investment_yuan\":', '\"investment_yuan\":1') AS BLOB) WHERE rowid = ?",
                (EVENTS,),
            )
        args = [
            str(kept) if a == "HEAD" else str(tmp_path / a) if a == "proof.json" else a
            for a in command
        ]
        done = run(*args, "--db", sqlite_demo, "--key", str(private))
        assert done.exit_code == 1
        line = error_line(done)
        assert f"fails its check at position {EVENTS}" in line and "no head is given" in line
        assert not (tmp_path / "proof.json").exists()

    @pytest.mark.parametrize("position", [23, 24])
    def test_no_proof_is_written_through_a_changed_event(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer], tmp_path: Path, position: int
    ) -> None:
        """The event at 23 changed in place: neither its proof nor its neighbour's (whose
        path starts with 23's leaf) would check, so neither is written."""
        private, _, _ = key
        with attacker(sqlite_demo) as conn:
            conn.execute(  # a blank after its JSON: the same values, other bytes
                "UPDATE stored_events SET state = CAST(CAST(state AS TEXT) || ' ' AS BLOB) "
                "WHERE rowid = 23"
            )
        out = tmp_path / "proof.json"
        done = run(
            "audit",
            "prove",
            str(position),
            "--db",
            sqlite_demo,
            "--key",
            str(private),
            "--out",
            str(out),
        )
        assert done.exit_code == 1
        line = error_line(done)
        assert "the event at position 23 does not give its link in the chain" in line
        assert not out.exists()
        untouched = run(
            "audit", "prove", "25", "--db", sqlite_demo, "--key", str(private), "--out", str(out)
        )
        assert untouched.exit_code == 0, untouched.stderr

    def test_a_digit_changed_anywhere_is_named_by_audit_verify(self, sqlite_demo: str) -> None:
        with attacker(sqlite_demo) as conn:
            (rowid,) = conn.execute(
                "SELECT MIN(rowid) FROM stored_events WHERE topic LIKE '%DailyReport.Reported' "
                "AND rowid > 15"
            ).fetchone()
            conn.execute(
                "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), "
                "'\"investment_yuan\":', '\"investment_yuan\":1') AS BLOB) WHERE rowid = ?",
                (rowid,),
            )
        done = run("audit", "verify", "--db", sqlite_demo)
        assert done.exit_code == 1 and f"position {rowid}:" in done.stderr


class TestInclusionProofs:
    def prove(self, db: str, private: Path, tmp_path: Path, *extra: str) -> Path:
        out = tmp_path / "proof.json"
        done = run(
            "audit", "prove", "12", "--db", db, "--key", str(private), "--out", str(out), *extra
        )
        assert done.exit_code == 0, done.stderr
        return out

    def test_a_proof_is_checked_offline_by_the_standalone_verifier(
        self, demo: str, key: tuple[Path, Path, Signer], tmp_path: Path
    ) -> None:
        private, public, _ = key
        proof = self.prove(demo, private, tmp_path)
        assert verifier.main([str(proof), "--public-key", str(public)]) == 0
        head = kept_head(demo, private, tmp_path)
        again = self.prove(demo, private, tmp_path, "--against", str(head))
        assert verifier.main([str(again), "--public-key", str(public)]) == 0

    @pytest.mark.parametrize(
        ("change", "named"),
        [
            ("path", "do not give the head's root"),
            ("state", "do not give the head's root"),
            ("signature", "signature does not match"),
            ("size", "signature does not match"),
            ("unsigned", "unsigned"),
            ("position", "do not give the head's root"),
        ],
    )
    def test_a_changed_byte_is_refused_naming_what_failed(
        self,
        sqlite_demo: str,
        key: tuple[Path, Path, Signer],
        tmp_path: Path,
        *,
        capsys: pytest.CaptureFixture[str],
        change: str,
        named: str,
    ) -> None:
        private, public, _ = key
        path = self.prove(sqlite_demo, private, tmp_path)
        proof = json.loads(path.read_text())
        if change == "path":
            step = bytearray.fromhex(proof["path"][1])
            step[0] ^= 1
            proof["path"][1] = step.hex()
        elif change == "state":
            state = bytearray(base64.b64decode(proof["event"]["state"]))
            state[-3] ^= 1
            proof["event"]["state"] = base64.b64encode(state).decode()
        elif change == "signature":
            signature = bytearray(base64.b64decode(proof["head"]["signature"]))
            signature[5] ^= 1
            proof["head"]["signature"] = base64.b64encode(signature).decode()
        elif change == "size":
            proof["head"]["size"] -= 1
            proof["tree_size"] -= 1
        elif change == "unsigned":
            proof["head"]["signature"] = None
        else:
            proof["event"]["position"] = 13
        path.write_text(json.dumps(proof))
        capsys.readouterr()
        assert verifier.main([str(path), "--public-key", str(public)]) == 1
        assert named in capsys.readouterr().err

    def test_a_proof_for_another_key_is_refused(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer], tmp_path: Path
    ) -> None:
        private, _, _ = key
        path = self.prove(sqlite_demo, private, tmp_path)
        other = tmp_path / "other"
        other.mkdir()
        stranger = generate(other / "k")
        (other / "k.pub").write_bytes(public_pem(stranger.public))
        assert verifier.main([str(path), "--public-key", str(other / "k.pub")]) == 1


class TestConsistencyProofs:
    """`audit prove --since HEAD`: the log of a head an auditor kept is a prefix of the log
    now, checked offline by the standalone verifier."""

    def test_a_later_log_extends_a_kept_head_offline(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer], tmp_path: Path
    ) -> None:
        private, public, _ = key
        head = kept_head(sqlite_demo, private, tmp_path)
        with opened(sqlite_demo) as engine:
            publish(engine, dt.date(2020, 6, 30), "2020-06-30", actor="office")
        out = tmp_path / "extends.json"
        done = run(
            "audit", "prove", "--since", str(head), "--db", sqlite_demo, "--key", str(private),
            "--out", str(out),
        )  # fmt: skip
        assert done.exit_code == 0, done.stderr
        assert f"the log of {EVENTS} events is a prefix of the log of {EVENTS + 1}" in done.stdout
        assert verifier.main([str(out), "--public-key", str(public)]) == 0
        proof = json.loads(out.read_text())
        proof["path"][0] = proof["path"][-1]
        out.write_text(json.dumps(proof))
        assert verifier.main([str(out), "--public-key", str(public)]) == 1

    def test_a_rewritten_log_gives_no_proof(
        self, sqlite_demo: str, key: tuple[Path, Path, Signer], tmp_path: Path
    ) -> None:
        private, _, _ = key
        head = kept_head(sqlite_demo, private, tmp_path)
        rewrite_first_report(sqlite_demo)
        assert run("audit", "verify", "--db", sqlite_demo).exit_code == 0
        done = run(
            "audit", "prove", "--since", str(head), "--db", sqlite_demo, "--out",
            str(tmp_path / "p.json"),
        )  # fmt: skip
        assert done.exit_code == 1
        assert f"does not give the head's root at its size {EVENTS}" in done.stderr
        assert not (tmp_path / "p.json").exists()

    @pytest.mark.parametrize(
        ("args", "named"),
        [((), "position=(none): is required"), (("3", "--since", "x"), "since=x: proves")],
    )
    def test_a_position_or_since_not_both(
        self, sqlite_demo: str, tmp_path: Path, args: tuple[str, ...], named: str
    ) -> None:
        done = run("audit", "prove", *args, "--db", sqlite_demo, "--out", str(tmp_path / "p"))
        assert done.exit_code == 1 and named in done.stderr


def test_a_store_from_before_the_tree_is_migrated_and_then_verifies(
    sqlite_demo: str, tmp_path: Path
) -> None:
    with opened(sqlite_demo) as engine:
        before = current_head(engine)
    with attacker(sqlite_demo) as conn:  # as version 2 left it: no tree
        conn.execute("DROP TABLE event_tree")
        conn.execute("PRAGMA user_version = 2")
    refused = run("status", "--db", sqlite_demo)
    assert refused.exit_code == 1 and "campaign admin migrate" in refused.stderr
    assert run("admin", "migrate", "--db", sqlite_demo).exit_code == 0
    with opened(sqlite_demo) as engine:
        assert current_head(engine) == before
        assert verify_against(engine, before).ok
    assert run("audit", "verify", "--db", sqlite_demo).exit_code == 0
    conn = sqlite3.connect(sqlite_demo)  # and the triggers guard the tree again
    with conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE event_tree SET nodes = zeroblob(32)")
    conn.close()


@pytest.mark.postgres
def test_a_postgresql_store_from_before_the_tree_is_migrated(demo_pg: str) -> None:
    import psycopg

    with opened(demo_pg) as engine:
        before = current_head(engine)
    with psycopg.connect(demo_pg, autocommit=True) as conn:
        conn.execute("DROP TABLE campaign_events_tree")
        conn.execute("UPDATE campaign_events_schema SET version = 2")
    assert run("admin", "migrate", "--db", demo_pg).exit_code == 0
    with opened(demo_pg) as engine:
        assert current_head(engine) == before
        from campaign import parse_command

        command = parse_command(
            "report_progress", {"code": "DM-002", "date": "2020-07-01", "investment": "1"}
        )
        engine.execute(command, actor="clerk")  # the trigger extends the migrated tree
    assert run("audit", "verify", "--db", demo_pg).exit_code == 0


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ("size -5\nroot 00\nunsigned", "head=(the head given as text): a head gives its size"),
        (f"size {10**25}\nroot {'0' * 64}\ntime None\nunsigned", "below 2**63"),
        ("{" + '"size": 1, "root": "' + "A" * 64 + '", "time": null}', "lower-case"),
        ('{"size": 1, "root": "' + "a" * 64 + '", "time": "2020-01-01T00:00:00Z"}', "UTC"),
        ('{"size": 1, "root": "' + "a" * 64 + '", "time": null, "signature": 1234}', "base64"),
        ("[" * 5000 + "]" * 5000, "head"),
        (".", "is a folder"),
    ],
)
def test_a_malformed_head_is_refused_in_one_line(sqlite_demo: str, given: str, named: str) -> None:
    done = run("audit", "verify", "--db", sqlite_demo, "--against", given)
    assert done.exit_code == 1
    line = error_line(done)
    assert line.startswith("Error: head=") and named in line


@pytest.mark.postgres
def test_the_publications_are_found_whatever_the_databases_collation(
    postgres: PostgresServer, key: tuple[Path, Path, Signer]
) -> None:
    """Signing checks the tree against the head signed at the latest publication, found by
    the prefix of its id. Under a collation for people (ICU's here; a server set up in
    en_US.UTF-8 or zh_CN.UTF-8 is alike) `publication:…` does not sort between `publication:`
    and `publication;`: the publications must be found there as in a database ordered byte
    by byte, where the primary key's index finds them."""
    if postgres.version() < 150000:
        pytest.skip("ICU as a database's own collation needs PostgreSQL 15")
    private, _, _ = key
    found = []
    for name, collation, by_index in (
        ("bytes", {"locale": "C"}, True),
        ("people", {"icu_locale": "en-US"}, False),
    ):
        url = postgres.create_database(
            f"campaign_collation_{name}_{time.monotonic_ns()}", **collation
        )
        open_store(Settings(db=url), mode="init").close()
        with opened(url, private) as engine:
            assert load(engine, DEMO, actor="loader").appended == EVENTS
            publish(engine, dt.date(2020, 5, 31), "2020-05-31", actor="office")
            publish(engine, dt.date(2020, 6, 30), None, actor="office")
        with open_store(Settings(db=url), create=False) as store:
            reader = store.reader()
            try:
                assert isinstance(reader, PostgresLogReader)
                assert reader.byte_ordered is by_index
                head = reader.head()[1]
                found.append(reader.created_states(PUBLICATIONS, head))
                # a prefix is matched as written: `_` is no wildcard (it would match the `:`)
                assert reader.created_states("publication_", head) == []
            finally:
                reader.close()
    assert len(found[0]) == 2
    assert found[1] == found[0]
