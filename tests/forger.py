"""What an insider who holds a SQLite store's file can do, with the project's own functions:
drop the triggers that guard it, change or delete rows, and write the hash chain and the Merkle
tree again so that they match what the file now holds. Only what is kept outside the store (a
digest, a signed head) or signed with a key the insider does not hold can catch that. And
what anyone can do to an exported log: change its records and write its chain again."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

import orjson

from campaign import Settings, open_store
from campaign.audit.transfer import export
from campaign.store.backends.sqlite import extend
from campaign.store.chain import GENESIS, digest, link

if TYPE_CHECKING:
    from pathlib import Path


def attacker(db: str) -> sqlite3.Connection:
    """A connection to the file with every trigger dropped (autocommit)."""
    conn = sqlite3.connect(db, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    return conn


def rechain(conn: sqlite3.Connection) -> None:
    """The chain and the tree written again over the stored events, in their order."""
    rows = conn.execute(
        "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
        "ORDER BY rowid"
    ).fetchall()
    conn.execute("DELETE FROM event_chain")
    conn.execute("DELETE FROM event_tree")
    events = [
        (oid, version, topic, state.encode() if isinstance(state, str) else state)
        for _, oid, version, topic, state in rows
    ]
    extend(conn.cursor(), 0, GENESIS, [row[0] for row in rows], events)


def exchange(db: str, first: int, second: int) -> None:
    """The stored events at two positions put in each other's rows; the chain left as it is."""
    columns = "originator_id, originator_version, topic, state"
    with attacker(db) as conn:
        a = conn.execute(f"SELECT {columns} FROM stored_events WHERE rowid = ?", (first,))
        b = conn.execute(f"SELECT {columns} FROM stored_events WHERE rowid = ?", (second,))
        rows = a.fetchone(), b.fetchone()
        conn.execute("DELETE FROM stored_events WHERE rowid IN (?, ?)", (first, second))
        insert = f"INSERT INTO stored_events (rowid, {columns}) VALUES (?, ?, ?, ?, ?)"
        conn.execute(insert, (first, *rows[1]))
        conn.execute(insert, (second, *rows[0]))


def cut(conn: sqlite3.Connection, after: int) -> None:
    """Every event after position `after` dropped, with its link and its tree nodes."""
    conn.execute("DELETE FROM stored_events WHERE rowid > ?", (after,))
    conn.execute("DELETE FROM event_chain WHERE position > ?", (after,))
    conn.execute("DELETE FROM event_tree WHERE position > ?", (after,))


def rewrite_first_report(db: str) -> None:
    """The first daily report's investment rewritten (a 9 put before it), and the chain and
    the tree written again to match: consistent in itself, caught only from outside."""
    with attacker(db) as conn:
        conn.execute(
            "UPDATE stored_events SET state = replace(state, '\"investment_yuan\":', "
            "'\"investment_yuan\":9') WHERE rowid = (SELECT min(rowid) FROM stored_events "
            "WHERE topic LIKE '%DailyReport.Reported')"
        )
        rechain(conn)


def flip_node(db: str, position: int, level: int) -> None:
    """One bit of the stored tree's node of `level` (1: over two events) at `position`."""
    with attacker(db) as conn:
        (nodes,) = conn.execute(
            "SELECT nodes FROM event_tree WHERE position = ?", (position,)
        ).fetchone()
        changed = bytearray(nodes)
        changed[32 * (level - 1)] ^= 1
        conn.execute(
            "UPDATE event_tree SET nodes = ? WHERE position = ?", (bytes(changed), position)
        )


def exported(db: str, where: Path) -> list[dict[str, Any]]:
    """The log's events as export writes them to `where` (the header left out)."""
    with open_store(Settings(db=db)) as store, where.open("wb") as out:
        export(store, out)
    return [json.loads(line) for line in where.read_bytes().splitlines()[1:]]


def rewritten(records: list[dict[str, Any]], where: Path) -> Path:
    """The records written to `where` as an export, their chain and the header's digest
    computed afresh: a file consistent in itself, as anyone who rewrote one could make it."""
    head = GENESIS
    lines = []
    for position, record in enumerate(records, 1):
        state = record["state"].encode()
        head = link(
            head, record["originator_id"], record["originator_version"], record["topic"], state
        )
        lines.append(orjson.dumps(record | {"position": position, "hash": head.hex()}))
    header = {"format": "campaign-log", "version": 1, "events": len(records)}
    header["digest"] = digest(head, len(records))
    where.write_bytes(b"\n".join([orjson.dumps(header), *lines]) + b"\n")
    return where
