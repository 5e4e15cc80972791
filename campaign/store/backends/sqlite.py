"""The SQLite backend: one file, no server; the file's permissions are its access control.

`BEGIN IMMEDIATE` takes SQLite's write lock when a command starts, so a second writer waits
(up to the lock timeout) instead of failing half way. While a command holds it, every read and
write of the recorder goes through that one transaction: validation sees the committed log plus
what the command has appended so far, and nothing is visible to others until it commits.

The file refuses to change what it holds: triggers refuse UPDATE, DELETE, and an INSERT that
would replace a stored row (INSERT OR REPLACE deletes the old row without firing a DELETE
trigger). Before each write the last event is checked against its link in the hash chain (a
few indexed reads: the cost does not grow with the log), and SQLite's own report of a damaged
file refuses the write: nothing is appended into a store that is not what it was.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from contextlib import closing, contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore, SQLiteFactory

from campaign.domain.errors import StoreError
from campaign.store.chain import GENESIS, link, link_entry
from campaign.store.readers import LAST_ID, may_pass, numbered, prefix_range, stored_bytes
from campaign.store.schema import SCHEMA_VERSION
from campaign.store.tree import Frontier, entry, frontier_of, leaf_hash, nodes_at

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from campaign.store.codec import Columns
    from campaign.store.readers import Candidate, Entry, Link, Row, Snapshot

CHAIN_TABLE = "event_chain"
TREE_TABLE = "event_tree"
SNAPSHOT_TABLE = "projection_snapshots"
IDS_PER_QUERY = 500  # well under SQLite's limit on a statement's parameters

APPEND_ONLY = [
    f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} ("
    "position INTEGER PRIMARY KEY, notification_id INTEGER NOT NULL UNIQUE, hash BLOB NOT NULL)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {table}_refuse_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'the campaign log is append-only: {verb} refused'); END"
        for table in ("stored_events", CHAIN_TABLE)
        for verb in ("UPDATE", "DELETE")
    ),
    "CREATE TRIGGER IF NOT EXISTS stored_events_refuse_replace BEFORE INSERT ON stored_events "
    "WHEN EXISTS (SELECT 1 FROM stored_events WHERE originator_id = NEW.originator_id "
    "AND originator_version = NEW.originator_version) "
    "OR (NEW.rowid > 0 AND EXISTS (SELECT 1 FROM stored_events WHERE rowid = NEW.rowid)) "
    "BEGIN SELECT RAISE(ABORT, 'the campaign log is append-only: a stored event may not be "
    "replaced'); END",
    f"CREATE TRIGGER IF NOT EXISTS {CHAIN_TABLE}_refuse_replace BEFORE INSERT ON {CHAIN_TABLE} "
    f"WHEN EXISTS (SELECT 1 FROM {CHAIN_TABLE} WHERE position = NEW.position "
    "OR notification_id = NEW.notification_id) "
    "BEGIN SELECT RAISE(ABORT, 'the campaign log is append-only: a link of the chain may not be "
    "replaced'); END",
    f"CREATE TABLE IF NOT EXISTS {TREE_TABLE} (position INTEGER PRIMARY KEY, nodes BLOB NOT NULL)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {TREE_TABLE}_refuse_{verb.lower()} BEFORE {verb} "
        f"ON {TREE_TABLE} BEGIN SELECT RAISE(ABORT, 'the campaign log is append-only: {verb} "
        "refused'); END"
        for verb in ("UPDATE", "DELETE")
    ),
    f"CREATE TRIGGER IF NOT EXISTS {TREE_TABLE}_refuse_replace BEFORE INSERT ON {TREE_TABLE} "
    f"WHEN EXISTS (SELECT 1 FROM {TREE_TABLE} WHERE position = NEW.position) "
    "BEGIN SELECT RAISE(ABORT, 'the campaign log is append-only: a node of the tree may not be "
    "replaced'); END",
    f"CREATE TABLE IF NOT EXISTS {SNAPSHOT_TABLE} (position INTEGER NOT NULL, "
    "format INTEGER NOT NULL, head BLOB NOT NULL, data BLOB NOT NULL, digest BLOB NOT NULL, "
    "PRIMARY KEY (position, format))",
]

GUARDS = {
    match[1]: match[0].replace(" IF NOT EXISTS", "", 1)
    for statement in APPEND_ONLY
    if (match := re.match(r"CREATE TRIGGER IF NOT EXISTS (\w+).*", statement, re.DOTALL))
}
"""The triggers that keep the file append-only, by name: each as SQLite keeps its statement
(`sqlite_master.sql`), to tell one dropped or written again otherwise from the engine's."""

LOG_TABLES = {
    "stored_events": "CREATE TABLE stored_events (originator_id TEXT, originator_version "
    "INTEGER, topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))",
    **{
        match[1]: match[0].replace(" IF NOT EXISTS", "", 1)
        for statement in APPEND_ONLY
        if (
            match := re.match(
                rf"CREATE TABLE IF NOT EXISTS ({CHAIN_TABLE}|{TREE_TABLE}) .*", statement
            )
        )
    },
}
"""The log's tables as the engine creates them (the events' by the library's recorder), as
SQLite keeps their statements."""


def _linked(previous: bytes, row: Sequence[Any]) -> bytes | None:
    """The link of a stored (originator id, version, topic, state) after `previous`; None
    for a version no entry can hold (rewritten by hand: no link matches it)."""
    try:
        return link(previous, str(row[0]), int(row[1]), str(row[2]), stored_bytes(row[3]))
    except (ValueError, OverflowError):
        return None


def _in_batches(cursor: sqlite3.Cursor) -> Iterator[list[Any]]:
    """A query's rows, ten thousand at a time."""
    cursor.arraysize = 10_000
    while batch := cursor.fetchmany():
        yield batch


def damaged(error: sqlite3.Error) -> bool:
    """SQLite's own report of a damaged file."""
    text = str(error).lower()
    return "malformed" in text or "corrupt" in text or "not a database" in text


EVENT_AT = (
    "SELECT e.originator_id, e.originator_version, e.topic, e.state "
    f"FROM {CHAIN_TABLE} c JOIN stored_events e ON e.rowid = c.notification_id "
    "WHERE c.position = ?"
)


def _entry_at(cursor: Any, position: int) -> bytes:
    """The framed bytes of the event at `position` (a leaf of the tree); no bytes for a
    version no entry can hold (rewritten by hand: no link or node matches it)."""
    cursor.execute(EVENT_AT, (position,))
    row = cursor.fetchone()
    if row is None:
        raise StoreError(f"the log has no event at position {position}")
    try:
        return entry(str(row[0]), int(row[1]), str(row[2]), stored_bytes(row[3]))
    except (ValueError, OverflowError):
        return b""


def _frontier(cursor: Any, size: int) -> Frontier:
    """The right edge of the stored tree of `size` events (O(log size) reads)."""

    def subtree(start: int, width: int) -> bytes:
        if width == 1:
            return leaf_hash(_entry_at(cursor, start + 1))
        cursor.execute(f"SELECT nodes FROM {TREE_TABLE} WHERE position = ?", (start + width,))
        row = cursor.fetchone()
        if row is None:
            raise StoreError(
                f"the store's Merkle tree has no node at position {start + width}: its owner "
                "runs campaign admin migrate"
            )
        return nodes_at(stored_bytes(row[0]), width.bit_length() - 1)

    return frontier_of(size, subtree)


as_blob = bytearray
"""What the store binds a blob as. sqlite3 binds a bytearray as it is, but offers bytes to its
adapters first (two failed attribute lookups, each formatting an AttributeError): 0.3 µs a
value, 1.2% of a load's instructions for its states, links and nodes. Stored, both are the
same BLOB."""


def extend(
    cursor: Any, position: int, head: bytes, ids: Iterable[int], rows: Sequence[Columns]
) -> None:
    """Write the links of the chain and the nodes of the tree for the events `rows` (one
    notification id each, in `ids`), which follow the event at `position` whose link is
    `head`."""
    frontier = _frontier(cursor, position)
    links = []
    nodes = []
    for notification_id, (originator_id, version, topic, state) in zip(ids, rows, strict=True):
        framed = entry(originator_id, version, topic, state)
        head = link_entry(head, framed)
        position += 1
        links.append((position, notification_id, as_blob(head)))
        if completed := frontier.append(leaf_hash(framed)):
            nodes.append((position, as_blob(completed)))
    cursor.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?, ?)", links)
    cursor.executemany(f"INSERT INTO {TREE_TABLE} VALUES (?, ?)", nodes)


class CampaignSQLiteDatastore(SQLiteDatastore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._local = threading.local()

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Any]:
        held = getattr(self._local, "cursor", None)
        if held is not None:
            yield held
            return
        with super().transaction(commit=commit) as cursor:
            yield cursor

    @contextmanager
    def writing(self, busy_message: str) -> Iterator[None]:
        if getattr(self._local, "cursor", None) is not None:
            raise StoreError("a write is already in progress in this process")
        with self.get_connection(commit=True) as connection:
            raw = connection._sqlite_conn  # the library's wrapper has no BEGIN IMMEDIATE
            cursor = raw.cursor()
            # A long write (a scenario, an import) touches the whole primary-key index: give
            # it a page cache of 256 MB instead of SQLite's 8 MB (memory is used as it fills).
            cursor.execute("PRAGMA cache_size = -262144")
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                cursor.close()
                if "locked" in str(error) or "busy" in str(error):
                    raise StoreError(busy_message) from None
                raise StoreError(f"cannot write to the store: {error}") from None
            self._local.cursor = cursor
            try:
                self._check_tail(cursor)
                yield
            except sqlite3.DatabaseError as error:
                raw.rollback()
                if damaged(error):
                    raise StoreError(
                        f"the store {self.pool.db_name} is damaged (SQLite: {error}): nothing "
                        "was appended; restore it from a copy, or import an export of it"
                    ) from None
                if "readonly" in str(error):
                    raise StoreError(
                        f"the store {self.pool.db_name} is read-only here (SQLite: {error}): "
                        "nothing was appended"
                    ) from None
                raise
            except BaseException:
                raw.rollback()
                raise
            else:
                try:
                    raw.commit()
                except sqlite3.Error as error:
                    raw.rollback()
                    raise StoreError(f"the store refused the commit: {error}") from None
            finally:
                self._local.cursor = None
                cursor.close()

    def _check_tail(self, cursor: sqlite3.Cursor) -> None:
        """The last stored event is the last link of the chain, and its bytes give that link:
        an overwritten, added or removed tail is refused before anything is appended."""
        cursor.execute(
            f"SELECT position, notification_id, hash FROM {CHAIN_TABLE} "
            "ORDER BY position DESC LIMIT 2"
        )
        links = cursor.fetchall()
        cursor.execute("SELECT MAX(rowid) FROM stored_events")
        last_id = cursor.fetchone()[0]
        if not links:
            if last_id is None:
                return
            problem = "events are stored that are not in the hash chain"
        else:
            position, notification_id, stored = links[0]
            previous = stored_bytes(links[1][2]) if len(links) > 1 else GENESIS
            cursor.execute(
                "SELECT originator_id, originator_version, topic, state FROM stored_events "
                "WHERE rowid = ?",
                (notification_id,),
            )
            row = cursor.fetchone()
            if last_id != notification_id or row is None:
                problem = f"the chain ends at position {position}, not at the last stored event"
            elif _linked(previous, row) != stored_bytes(stored):
                problem = f"the event at position {position} does not match its link"
            else:
                return
        raise StoreError(
            f"the store {self.pool.db_name} fails its check before a write ({problem}): nothing "
            "was appended; run campaign audit verify"
        )

    def backfill_tree(self) -> int:
        """Write the tree's nodes for events stored before the store had a tree (a migration;
        one pass over the log); how many positions were written."""
        with self.transaction(commit=True) as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(position), 0) FROM {TREE_TABLE}")
            have = int(cursor.fetchone()[0])
            cursor.execute(
                "SELECT e.originator_id, e.originator_version, e.topic, e.state "
                f"FROM {CHAIN_TABLE} c JOIN stored_events e ON e.rowid = c.notification_id "
                "ORDER BY c.position"
            )
            frontier = Frontier([])
            rows = []
            raw = cursor.sqlite_cursor if hasattr(cursor, "sqlite_cursor") else cursor
            for position, row in enumerate(raw, 1):  # row by row: the log may be long
                framed = entry(str(row[0]), int(row[1]), str(row[2]), stored_bytes(row[3]))
                completed = frontier.append(leaf_hash(framed))
                if completed and position > have:
                    rows.append((position, completed))
            cursor.executemany(f"INSERT INTO {TREE_TABLE} VALUES (?, ?)", rows)
            return len(rows)

    def mark_version(self) -> None:
        """Record this engine's schema version in the file (a new or migrated store: a write,
        so never done by an ordinary command on a store in use)."""
        with self.transaction(commit=True) as cursor:
            cursor.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def chain_tip(self) -> tuple[int, bytes]:
        """(position, hash) of the last event in the chain; (0, genesis) for an empty log."""
        with self.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT position, hash FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1"
            )
            row = cursor.fetchone()
            return (int(row[0]), stored_bytes(row[1])) if row else (0, GENESIS)

    def count_by_topic(self) -> dict[str, int]:
        with self.transaction(commit=False) as cursor:
            cursor.execute("SELECT topic, COUNT(*) FROM stored_events GROUP BY topic")
            return {row[0]: int(row[1]) for row in cursor.fetchall()}

    def events_of(self, aggregate_ids: Sequence[str]) -> list[StoredEvent]:
        """The stored events of many aggregates, each aggregate's in version order: a query per
        few hundred ids (within the writer's transaction when one is held)."""
        found: list[StoredEvent] = []
        with self.transaction(commit=False) as cursor:
            for start in range(0, len(aggregate_ids), IDS_PER_QUERY):
                chunk = aggregate_ids[start : start + IDS_PER_QUERY]
                cursor.execute(
                    "SELECT originator_id, originator_version, topic, state FROM stored_events "
                    f"WHERE originator_id IN ({', '.join('?' * len(chunk))}) "
                    "ORDER BY originator_id, originator_version",
                    chunk,
                )
                found.extend(StoredEvent(*row) for row in cursor.fetchall())
        return found

    def reader(self) -> SQLiteLogReader:
        return SQLiteLogReader(self.pool.db_name)

    def save_snapshot(
        self, position: int, fmt: int, head: bytes, data: bytes, digest: bytes
    ) -> None:
        """Keep a projection snapshot; a cache, so a busy or read-only store just skips it."""
        if self.pool.db_name.startswith("file:"):
            return  # opened by URI: on read-only media
        try:
            with closing(sqlite3.connect(self.pool.db_name, timeout=0.5)) as connection:
                connection.execute(
                    f"INSERT OR IGNORE INTO {SNAPSHOT_TABLE} VALUES (?, ?, ?, ?, ?)",
                    (position, fmt, head, data, digest),
                )
                connection.commit()
        except sqlite3.Error:
            pass


INDEX_SHARE = 8
"""A span of at least one eighth of the log finds its aggregates' first events by the primary
key's index (the ids of one kind of aggregate: a few events in a hundred, without their states)
rather than by reading every event of the span. The two cost about the same at a span of about
a sixth of the log on the 1M-event stores (the whole log: 0.02 to 0.04 s by the index, 0.15 to
0.19 s by the span) and of a sixteenth to a thirtieth on one of 56,000 events: near the
threshold, either way costs little."""


class SQLiteLogReader:
    """A read-only snapshot of the log for the replay core: plain sqlite3, no library layers."""

    def __init__(self, path: str) -> None:
        """`path` is a file name, or the URI a store on read-only media was opened with."""
        self.path = path
        uri = path if path.startswith("file:") else f"file:{quote(path)}?mode=ro"
        self.connection = sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False
        )
        self.connection.execute("BEGIN")  # one snapshot for every read below

    def head(self) -> tuple[int, int, bytes]:
        """(position, notification id, hash) of the last event, or (0, 0, genesis)."""
        row = self.connection.execute(
            f"SELECT position, notification_id, hash FROM {CHAIN_TABLE} "
            "ORDER BY position DESC LIMIT 1"
        ).fetchone()
        return (int(row[0]), int(row[1]), stored_bytes(row[2])) if row else (0, 0, GENESIS)

    def chain_at(self, position: int) -> tuple[int, bytes]:
        """(notification id, hash) of the event at `position` (0: before the first)."""
        if position == 0:
            return 0, GENESIS
        row = self.connection.execute(
            f"SELECT notification_id, hash FROM {CHAIN_TABLE} WHERE position = ?", (position,)
        ).fetchone()
        if row is None:
            raise StoreError(f"the log has no event at position {position}")
        return int(row[0]), stored_bytes(row[1])

    def state_at(self, position: int) -> bytes:
        row = self.connection.execute(
            f"SELECT e.state FROM {CHAIN_TABLE} c JOIN stored_events e "
            "ON e.rowid = c.notification_id WHERE c.position = ?",
            (position,),
        ).fetchone()
        if row is None:
            raise StoreError(f"the log has no event at position {position}")
        return stored_bytes(row[0])

    def entry_at(self, position: int) -> bytes:
        """The framed bytes of the event at `position`: its leaf in the tree."""
        return _entry_at(self.connection.cursor(), position)

    def event_at(self, position: int) -> tuple[str, int, str, bytes]:
        """(originator id, version, topic, state) of the event at `position`."""
        row = self.connection.execute(EVENT_AT, (position,)).fetchone()
        if row is None:
            raise StoreError(f"the log has no event at position {position}")
        return str(row[0]), int(row[1]), str(row[2]), stored_bytes(row[3])

    def tree_nodes(self, position: int) -> bytes | None:
        """The hashes of the perfect subtrees the event at `position` completes (None when
        none is stored there)."""
        row = self.connection.execute(
            f"SELECT nodes FROM {TREE_TABLE} WHERE position = ?", (position,)
        ).fetchone()
        return None if row is None else stored_bytes(row[0])

    def tree_rows(self) -> Iterator[list[tuple[int, bytes]]]:
        """Every stored (position, nodes) of the tree, in position order."""
        return self.tree_rows_between(0, None)

    def tree_rows_between(self, after: int, upto: int | None) -> Iterator[list[tuple[int, bytes]]]:
        """The same, for the positions after < position <= upto (None: the end)."""
        yield from _in_batches(
            self.connection.execute(
                f"SELECT position, nodes FROM {TREE_TABLE} WHERE position > ? AND position <= ? "
                "ORDER BY position",
                (after, LAST_ID if upto is None else upto),
            )
        )

    def batches(self, after: int, upto: int, elide: str | None = None) -> Iterator[list[Row]]:
        """(topic, state) of the events with after < notification id <= upto, in log order,
        in batches; the topic `elide` comes as None (not built a million times over)."""
        yield from _in_batches(
            self.connection.execute(
                "SELECT CASE WHEN topic = ? THEN NULL ELSE topic END, state FROM stored_events "
                "WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
                (elide, after, upto),
            )
        )

    def candidates(
        self, after: int, upto: int | None, topics: Sequence[str], words: Sequence[bytes]
    ) -> Iterator[list[Candidate]]:
        """See `LogReader.candidates`: the store marks the rows that may pass, one pass over
        the span; the marked rows are then read by their ids."""
        span = (after, LAST_ID if upto is None else upto)
        if not topics and not words:
            cursor = self.connection.execute(
                "SELECT originator_id, originator_version, topic, state FROM stored_events "
                "WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
                span,
            )
            cursor.arraysize = 10_000
            yield from numbered(iter(cursor.fetchmany, []))
            return
        test = may_pass(
            lambda column: f"instr({column}, ?) > 0",
            "instr(state, X'5c') > 0",
            len(topics),
            len(words),
        )
        marks = self.connection.execute(
            f"SELECT CASE WHEN {test} THEN rowid END FROM stored_events "
            "WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
            (*topics, *words, *span),
        )
        marks.arraysize = 10_000
        counted = 0
        reader = self.connection.cursor()
        while batch := marks.fetchmany():
            hits = {rowid: counted + i for i, (rowid,) in enumerate(batch, 1) if rowid is not None}
            counted += len(batch)
            ids = list(hits)
            for start in range(0, len(ids), IDS_PER_QUERY):
                chunk = ids[start : start + IDS_PER_QUERY]
                rows = reader.execute(
                    "SELECT rowid, originator_id, originator_version, topic, state "
                    f"FROM stored_events WHERE rowid IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY rowid",
                    chunk,
                ).fetchall()
                yield [(hits[row[0]], *row[1:]) for row in rows]

    def batches_without(self, after: int, upto: int, topic: str) -> Iterator[list[Row]]:
        """(topic, state) of the events with after < notification id <= upto that are not of
        `topic`, in log order, in batches."""
        yield from _in_batches(
            self.connection.execute(
                "SELECT topic, state FROM stored_events "
                "WHERE rowid > ? AND rowid <= ? AND topic != ? ORDER BY rowid",
                (after, upto, topic),
            )
        )

    def states_of(self, after: int, upto: int, topic: str) -> list[tuple[int, bytes]]:
        """(notification id, state) of the events of `topic` with after < notification id <=
        upto, in log order (a stretch short enough to hold); an event without a topic is
        taken as of `topic`, as `batches` gives it when eliding `topic`."""
        return self.connection.execute(
            "SELECT rowid, state FROM stored_events WHERE rowid > ? AND rowid <= ? "
            "AND (topic = ? OR topic IS NULL) ORDER BY rowid",
            (after, upto, topic),
        ).fetchall()

    def created_between(
        self, prefix: str, topic: str, after: int, upto: int
    ) -> list[tuple[int, bytes]]:
        """(notification id, state) of the first events of the aggregates whose ids start
        with `prefix`, of `topic`, with after < notification id <= upto, in log order (a range
        of the primary key's index, not a scan of the log, when the span is long)."""
        (last,) = self.connection.execute("SELECT MAX(rowid) FROM stored_events").fetchone()
        # SQLite plans a span of ids as a scan of every event in it unless the term is
        # hidden from the planner (`+rowid`): worth it when the span is a fair part of the log
        rowid = "+rowid" if (upto - after) * INDEX_SHARE >= int(last or 0) else "rowid"
        rows = self.connection.execute(
            "SELECT rowid, state FROM stored_events WHERE originator_id >= ? AND originator_id < ? "
            f"AND originator_version = 1 AND topic = ? AND {rowid} > ? AND {rowid} <= ?",
            (*prefix_range(prefix), topic, after, upto),
        ).fetchall()
        return [(int(at_id), state) for at_id, state in sorted(rows)]

    def created_states(self, prefix: str, upto: int) -> list[tuple[int, bytes]]:
        """(notification id, state) of the first event of each aggregate whose id starts with
        `prefix`, up to notification id `upto`, latest first (the primary key's index)."""
        rows = self.connection.execute(  # `+rowid`: by the index, not a scan up to `upto`
            "SELECT rowid, state FROM stored_events WHERE originator_id >= ? AND originator_id < ? "
            "AND originator_version = 1 AND +rowid <= ? ORDER BY rowid DESC",
            (*prefix_range(prefix), upto),
        ).fetchall()
        return [(int(at), stored_bytes(state)) for at, state in rows]

    def reopen(self) -> SQLiteLogReader:
        """A reader of its own (for a forked process: connections are not shared)."""
        return SQLiteLogReader(self.path)

    def shareable(self) -> bool:
        """See `FoldReader.shareable`: a file any process can open."""
        return True

    def latest_snapshot(self, fmt: int, key: bytes) -> int:
        """The position of the latest snapshot of format `fmt` under the key id `key`; 0 when
        there is none."""
        try:
            (at,) = self.connection.execute(
                f"SELECT MAX(position) FROM {SNAPSHOT_TABLE} WHERE format = ? "
                "AND substr(digest, 1, 8) = ?",
                (fmt, key),
            ).fetchone()
        except sqlite3.OperationalError:  # a store from before snapshots existed
            return 0
        return int(at or 0)

    def snapshots_upto(self, position: int, fmt: int) -> Iterator[Snapshot]:
        """(position, head, data, digest) of the snapshots at or before `position`, latest first."""
        try:
            cursor = self.connection.execute(
                f"SELECT position, head, data, digest FROM {SNAPSHOT_TABLE} "
                "WHERE position <= ? AND format = ? ORDER BY position DESC",
                (position, fmt),
            )
        except sqlite3.OperationalError:  # a store from before snapshots existed
            return
        for at, head, data, digest in cursor:
            if not all(isinstance(value, bytes) for value in (head, data, digest)):
                yield int(at), b"", b"", b""  # not what the engine writes: changed by hand
                continue
            yield int(at), head, data, digest

    def links(self) -> Iterator[list[Link]]:
        """Every stored event beside its link in the chain (None when it has none), in
        notification order: (notification id, originator id, version, topic, state,
        chain position, chain hash)."""
        return self.links_between(None, None)

    def extent(self) -> tuple[int, int, int]:
        """(the first and the last notification id of an event, the last position of a tree
        node). One query each: SQLite reads a MIN or a MAX alone from the end of its b-tree,
        but both in one query by a scan of the whole table."""
        (first,) = self.connection.execute("SELECT MIN(rowid) FROM stored_events").fetchone()
        (last,) = self.connection.execute("SELECT MAX(rowid) FROM stored_events").fetchone()
        (last_node,) = self.connection.execute(f"SELECT MAX(position) FROM {TREE_TABLE}").fetchone()
        return int(first or 0), int(last or 0), int(last_node or 0)

    def links_between(self, after: int | None, upto: int | None) -> Iterator[list[Link]]:
        """The same, for the events with after < notification id <= upto (None: from the
        first, whatever its id (an event stored below 1 is in no chain); to the end)."""
        yield from _in_batches(
            self.connection.execute(
                "SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state, "
                f"c.position, c.hash FROM stored_events e LEFT JOIN {CHAIN_TABLE} c "
                "ON c.notification_id = e.rowid WHERE e.rowid <= ? "
                f"{'' if after is None else 'AND e.rowid > ?'} ORDER BY e.rowid",
                (LAST_ID if upto is None else upto, *(() if after is None else (after,))),
            )
        )

    def in_engine_form(self) -> bool:
        """Whether the log's tables are the engine's, as it creates them, in a UTF-8 file:
        what `entries_between` and `hashes_between` assume (see `campaign.audit.sweep`)."""
        (encoding,) = self.connection.execute("PRAGMA encoding").fetchone()
        tables = dict(
            self.connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?)",
                tuple(LOG_TABLES),
            ).fetchall()
        )
        return bool(encoding == "UTF-8" and tables == LOG_TABLES)

    def entries_between(self, after: int, upto: int) -> Iterator[list[Entry]]:
        """See `SplitReader.entries_between`."""
        yield from _in_batches(
            self.connection.execute(
                "SELECT CASE WHEN typeof(originator_id) = 'text' "
                "AND typeof(originator_version) = 'integer' THEN CAST(originator_id AS BLOB) END, "
                "originator_version, topic, state "
                "FROM stored_events WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
                (after, upto),
            )
        )

    def hashes_between(self, after: int, upto: int | None) -> Iterator[list[tuple[bytes]]]:
        """See `SplitReader.hashes_between`: read by the index of the links' ids, as the walk
        joins them to the events (a file whose index and table differ is not swept)."""
        yield from _in_batches(
            self.connection.execute(
                f"SELECT hash FROM {CHAIN_TABLE} WHERE notification_id > ? "
                "AND notification_id <= ? AND position = notification_id ORDER BY notification_id",
                (after, LAST_ID if upto is None else upto),
            )
        )

    def close(self) -> None:
        self.connection.close()


class CampaignSQLiteRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *APPEND_ONLY]

    def _insert_events(
        self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        return self._insert_columns(
            c,
            [(str(e.originator_id), e.originator_version, e.topic, e.state) for e in stored_events],
        )

    def insert_columns(self, rows: Sequence[Columns]) -> Sequence[int]:
        """`insert_events` for events as plain columns (`EventMapper.columns`)."""
        with self.datastore.transaction(commit=True) as c:
            return self._insert_columns(c, rows)

    def _insert_columns(self, c: Any, rows: Sequence[Columns]) -> Sequence[int]:
        """Insert the events and their links in the chain, in one statement each. The write
        lock is held, so the new rows take the notification ids after the current last one;
        that is checked, not assumed."""
        c.execute("SELECT MAX(rowid) FROM stored_events")
        first = int(c.fetchone()[0] or 0) + 1
        c.executemany(
            self.insert_events_statement, [(o, v, t, as_blob(s)) for o, v, t, s in rows]
        )  # each state bound as a bytearray (see `as_blob`)
        ids = list(range(first, first + len(rows)))
        c.execute("SELECT MAX(rowid) FROM stored_events")
        if rows and int(c.fetchone()[0]) != ids[-1]:
            raise StoreError("the store assigned notification ids out of order; nothing appended")
        c.execute(f"SELECT position, hash FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1")
        last = c.fetchone()
        position, head = (int(last[0]), bytes(last[1])) if last else (0, GENESIS)
        extend(c, position, head, ids, rows)
        return ids


class CampaignSQLiteFactory(SQLiteFactory):
    application_recorder_class = CampaignSQLiteRecorder

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        plain = self.datastore
        self.datastore = CampaignSQLiteDatastore(
            db_name=plain.pool.db_name,
            lock_timeout=plain.pool.lock_timeout,
            single_row_tracking=plain.single_row_tracking,
            originator_id_type=plain.originator_id_type,
        )
        plain.close()
