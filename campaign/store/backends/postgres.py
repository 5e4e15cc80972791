"""The PostgreSQL backend, for a shared deployment (`--db postgresql://user@host/dbname`).

The command's transaction takes the stored-events table's EXCLUSIVE lock first, as the
library's own inserts do, so that writers serialise and readers never block. Triggers refuse
UPDATE, DELETE and TRUNCATE of stored events. Importing this module loads psycopg, which is
slow: the store imports it only for a PostgreSQL URL.
"""

from __future__ import annotations

import functools
import os
import threading
from contextlib import contextmanager
from getpass import getuser
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from psycopg.sql import SQL, Composed, Identifier, Literal

from campaign.domain.errors import StoreError
from campaign.store.backends import postgres_schema
from campaign.store.chain import GENESIS
from campaign.store.readers import LAST_ID, may_pass, numbered, prefix_range
from campaign.store.tree import Frontier, entry, leaf_hash

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator, Sequence

    from campaign.store.codec import Columns
    from campaign.store.readers import Candidate, Link, Row, Snapshot


CONNECT_TIMEOUT_S = 3
"""How long to wait for a server that does not answer."""


def probe(env: dict[str, str]) -> int | None:
    """Connect once, so that a server that cannot be reached is refused within a few seconds,
    naming the host, the port and why; the store's schema version (1 for a store from before
    it recorded one, None for a database without a campaign store)."""
    host, port = env["POSTGRES_HOST"], env["POSTGRES_PORT"]
    schema, events = env["POSTGRES_SCHEMA"], "campaign_events"
    try:
        with psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=host,
            port=port,
            user=env["POSTGRES_USER"],
            password=env.get("POSTGRES_PASSWORD") or None,
            connect_timeout=CONNECT_TIMEOUT_S,
        ) as connection:
            row = connection.execute(
                "SELECT to_regclass(%s), to_regclass(%s)",
                (f"{schema}.{events}_schema", f"{schema}.{events}"),
            ).fetchone()
            assert row is not None
            if row[0] is None:
                return None if row[1] is None else 1
            n = postgres_schema.names(schema, events)
            found = connection.execute(
                SQL("SELECT version FROM {schema}.{meta} LIMIT 1").format(**n)
            ).fetchone()
            return None if found is None else int(found[0])
    except psycopg.errors.InsufficientPrivilege:
        raise StoreError(
            f"role {env['POSTGRES_USER']} may not read the campaign store at {host}:{port}: "
            "its owner grants access with campaign admin grant"
        ) from None
    except psycopg.OperationalError as error:
        # libpq says "connection to server at ..., port ... failed: <cause>" and then hints
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        cause = first.rpartition("failed: ")[2] or first
        raise StoreError(f"cannot reach PostgreSQL at {host}:{port}: {cause}") from None


def no_password() -> str | None:
    """No password in the URL: none is given to libpq, which then looks in PGPASSWORD, in
    PGPASSFILE or ~/.pgpass, or needs none (a server that trusts the user)."""
    return None


def postgres_env(url: str, *, lock_timeout: int) -> dict[str, str]:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    dbname = unquote(parts.path.lstrip("/")) or os.environ.get("PGDATABASE", "")
    if not dbname:
        raise StoreError(f"{url}: name the database, e.g. postgresql://user@localhost/campaign")
    env = {
        "PERSISTENCE_MODULE": "campaign.store.backends.postgres:CampaignPostgresFactory",
        "POSTGRES_DBNAME": dbname,
        # what the URL leaves out comes from libpq's environment, as psql would take it
        "POSTGRES_HOST": unquote(parts.hostname or os.environ.get("PGHOST") or "localhost"),
        "POSTGRES_PORT": str(parts.port or os.environ.get("PGPORT") or 5432),
        "POSTGRES_USER": unquote(parts.username or os.environ.get("PGUSER") or getuser()),
        "POSTGRES_SCHEMA": query.get("schema", ["public"])[0],
        "POSTGRES_LOCK_TIMEOUT": str(lock_timeout),
        "POSTGRES_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT_S),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "600",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "2",
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
    }
    if parts.password:
        env["POSTGRES_PASSWORD"] = unquote(parts.password)
    else:
        env["POSTGRES_GET_PASSWORD_TOPIC"] = "campaign.store.backends.postgres:no_password"
    return env


class CampaignPostgresDatastore(PostgresDatastore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._local = threading.local()
        self.events_table = "campaign_events"
        self.user: str = kwargs.get("user", "")

    @contextmanager
    def get_connection(self) -> Iterator[Any]:
        held = getattr(self._local, "connection", None)
        if held is not None:
            yield held
            return
        with super().get_connection() as connection:
            yield connection

    @contextmanager
    def writing(self, busy_message: str) -> Iterator[None]:
        if getattr(self._local, "connection", None) is not None:
            raise StoreError("a write is already in progress in this process")
        n = postgres_schema.names(self.schema, self.events_table)
        with super().get_connection() as connection, connection.transaction():
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        SQL("SET LOCAL lock_timeout = '{0}s'").format(self.lock_timeout or 0)
                    )
                    cursor.execute(SQL("SELECT {schema}.{lock}()").format(**n))
            except psycopg.errors.LockNotAvailable:
                raise StoreError(busy_message) from None
            except psycopg.errors.InsufficientPrivilege:
                raise StoreError(
                    f"role {self.user} may not write to this campaign log (it reads only)"
                ) from None
            self._local.connection = connection
            try:
                yield
            finally:
                self._local.connection = None

    def now(self) -> dt.datetime:
        """The server's clock (in a write, the transaction's connection: after the lock)."""
        with self.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp() AS now")
            row = cursor.fetchone()
            assert row is not None
            now: dt.datetime = row["now"]
            return now

    def session_role(self) -> tuple[str, bool]:
        """The role this connection appends as, and whether it has every right (the store's
        owner or a superuser), as the append trigger decides it."""
        n = postgres_schema.names(self.schema, self.events_table)
        with self.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(
                SQL(
                    "SELECT session_user AS role, (session_user = (SELECT owner FROM "
                    "{schema}.{meta} LIMIT 1) OR EXISTS (SELECT 1 FROM pg_roles "
                    "WHERE rolname = session_user AND rolsuper)) AS privileged"
                ).format(**n)
            )
            row = cursor.fetchone()
            assert row is not None
            return str(row["role"]), bool(row["privileged"])

    def set_access(self, role: str, kind: str | None, projects: tuple[str, ...]) -> None:
        """Grant `role` the rights of `kind` (None: revoke them), on the connection of the
        write in progress: the grant goes with the event that records it."""
        statements = postgres_schema.access(self.schema, self.events_table, role, kind, projects)
        with self.get_connection() as connection, connection.cursor() as cursor:
            try:
                for statement in statements:
                    cursor.execute(statement)
            except psycopg.errors.InsufficientPrivilege:
                raise StoreError(
                    f"role {self.user} may not grant or revoke: only the store's owner does"
                ) from None
            except psycopg.errors.UndefinedObject as error:  # no such role
                raise StoreError(
                    f"role={role}: {error.diag.message_primary}; create it first "
                    "(CREATE ROLE ... LOGIN)"
                ) from None

    def chain_tip(self) -> tuple[int, bytes]:
        """(position, hash) of the last event in the chain; (0, genesis) for an empty log."""
        statement = SQL("SELECT position, hash FROM {0}.{1} ORDER BY position DESC LIMIT 1").format(
            Identifier(self.schema), Identifier(f"{self.events_table}_chain")
        )
        with self.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(statement)
            row = cursor.fetchone()
            return (int(row["position"]), bytes(row["hash"])) if row else (0, GENESIS)

    def count_by_topic(self) -> dict[str, int]:
        statement = SQL("SELECT topic, COUNT(*) AS n FROM {0}.{1} GROUP BY topic").format(
            Identifier(self.schema), Identifier(self.events_table)
        )
        with self.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(statement)
            return {row["topic"]: int(row["n"]) for row in cursor.fetchall()}

    def events_of(self, aggregate_ids: Sequence[str]) -> list[StoredEvent]:
        """The stored events of many aggregates, each aggregate's in version order, in one
        query (within the writer's transaction when one is held)."""
        statement = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {0}.{1} "
            "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
        ).format(Identifier(self.schema), Identifier(self.events_table))
        with self.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(statement, (list(aggregate_ids),))
            return [
                StoredEvent(
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in cursor.fetchall()
            ]

    def _connect_kwargs(self) -> dict[str, Any]:
        pool_kwargs: dict[str, Any] = self.pool.kwargs  # type: ignore[assignment]
        kwargs = {k: v for k, v in pool_kwargs.items() if k != "row_factory"}
        if self.pool.get_password_func is not None:
            kwargs["password"] = self.pool.get_password_func()
        return {k: v for k, v in kwargs.items() if v is not None}

    def reader(self) -> PostgresLogReader:
        return PostgresLogReader(self._connect_kwargs(), self.schema, self.events_table)

    def backfill_tree(self) -> int:
        """Write the tree's nodes for events stored before the store had a tree, and let every
        role that reads the log read the tree (a migration, by the owner); how many positions
        were written."""
        n = postgres_schema.names(self.schema, self.events_table)
        with psycopg.connect(**self._connect_kwargs(), autocommit=False) as connection:
            connection.execute(SQL("SELECT {schema}.{lock}()").format(**n))
            found = connection.execute(
                SQL("SELECT COALESCE(MAX(position), 0) FROM {schema}.{tree}").format(**n)
            ).fetchone()
            have = int(found[0]) if found else 0
            frontier = Frontier([])
            rows = []
            with connection.cursor(name="backfill", binary=True) as cursor:
                cursor.execute(
                    SQL(
                        "SELECT e.originator_id, e.originator_version, e.topic, e.state "
                        "FROM {schema}.{chain} c JOIN {schema}.{events} e "
                        "ON e.notification_id = c.notification_id ORDER BY c.position"
                    ).format(**n)
                )
                position = 0
                while batch := cursor.fetchmany(10_000):
                    for oid, version, topic, state in batch:
                        position += 1
                        completed = frontier.append(
                            leaf_hash(entry(str(oid), int(version), str(topic), bytes(state)))
                        )
                        if completed and position > have:
                            rows.append((position, completed))
            with connection.cursor() as cursor:
                cursor.executemany(
                    SQL("INSERT INTO {schema}.{tree} VALUES (%s, %s)").format(**n), rows
                )
                readers = connection.execute(
                    SQL("SELECT DISTINCT role FROM {schema}.{access}").format(**n)
                ).fetchall()
                for (role,) in readers:
                    cursor.execute(
                        SQL("GRANT SELECT ON {schema}.{tree} TO {who}").format(
                            who=Identifier(role), **n
                        )
                    )
            connection.commit()
        return len(rows)

    def save_snapshot(
        self, position: int, fmt: int, head: bytes, data: bytes, digest: bytes
    ) -> None:
        """Keep a projection snapshot; a cache, so a failure just skips it."""
        statement = SQL(
            "INSERT INTO {0}.{1} VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
        ).format(Identifier(self.schema), Identifier(f"{self.events_table}_snapshots"))
        try:
            with psycopg.connect(**self._connect_kwargs(), autocommit=True) as connection:
                connection.execute("SET lock_timeout = '500ms'")
                connection.execute(statement, (position, fmt, head, data, digest))
        except psycopg.Error:
            pass


BYTE_ORDERED = ("C", "POSIX", "C.UTF-8", "C.utf8")
"""The libc collations that compare text as its UTF-8 bytes (code point order)."""


def _like(prefix: str) -> str:
    """The LIKE pattern of the ids starting with `prefix` (its own wildcards escaped)."""
    return "".join("\\" + c if c in "\\%_" else c for c in prefix) + "%"


_READ_ONLY = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"


def _first_events(names: dict[str, Identifier], then: str) -> tuple[Composed, Composed]:
    """(notification id, state) of the first event of each aggregate whose id starts with a
    prefix, and `then` (more terms, the order): by a range of ids, and by a LIKE pattern."""
    query = SQL(
        "SELECT notification_id, state FROM {schema}.{events} WHERE {test} "
        "AND originator_version = 1 AND " + then
    )
    return (
        query.format(test=SQL("originator_id >= %s AND originator_id < %s"), **names),
        query.format(test=SQL("originator_id LIKE %s"), **names),
    )


class PostgresLogReader:
    """A read-only, repeatable-read snapshot of the log for the replay core. Its snapshot is
    exported, so that a reader reopened in a forked process (`reopen`) reads the log as this
    one does."""

    def __init__(
        self, kwargs: dict[str, Any], schema: str, events_table: str, snapshot: str | None = None
    ) -> None:
        self.opened = (kwargs, schema, events_table)
        self.connection = psycopg.connect(**kwargs, autocommit=False)
        try:
            self.snapshot = self._begin(snapshot)
        except BaseException:
            self.connection.close()
            raise
        names = {
            "schema": Identifier(schema),
            "events": Identifier(events_table),
            "chain": Identifier(f"{events_table}_chain"),
            "tree": Identifier(f"{events_table}_tree"),
        }
        self.names = names
        self.sql_event_at = SQL(
            "SELECT e.originator_id, e.originator_version, e.topic, e.state "
            "FROM {schema}.{chain} c JOIN {schema}.{events} e "
            "ON e.notification_id = c.notification_id WHERE c.position = %s"
        ).format(**names)
        self.sql_tree_nodes = SQL("SELECT nodes FROM {schema}.{tree} WHERE position = %s").format(
            **names
        )
        self.sql_tree_rows = SQL(
            "SELECT position, nodes FROM {schema}.{tree} ORDER BY position"
        ).format(**names)
        self.sql_head = SQL(
            "SELECT position, notification_id, hash FROM {schema}.{chain} "
            "ORDER BY position DESC LIMIT 1"
        ).format(**names)
        self.sql_chain_at = SQL(
            "SELECT notification_id, hash FROM {schema}.{chain} WHERE position = %s"
        ).format(**names)
        self.sql_state_at = SQL(
            "SELECT e.state FROM {schema}.{chain} c JOIN {schema}.{events} e "
            "ON e.notification_id = c.notification_id WHERE c.position = %s"
        ).format(**names)
        self.sql_links = SQL(
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
            "c.position, c.hash FROM {schema}.{events} e LEFT JOIN {schema}.{chain} c "
            "ON c.notification_id = e.notification_id ORDER BY e.notification_id"
        ).format(**names)
        self.sql_created_upto = _first_events(
            names, "notification_id <= %s ORDER BY notification_id DESC"
        )
        # the column's collation: "C" (950), "POSIX" (951), or the database's own (100), which
        # is libc's (before PostgreSQL 15 always) or ICU's; any other is taken as for people
        libc = "d.datlocprovider = 'c'" if self.connection.info.server_version >= 150000 else "true"
        self.sql_byte_ordered = SQL(
            "SELECT CASE a.attcollation WHEN 950 THEN true WHEN 951 THEN true "
            f"WHEN 100 THEN {libc} AND d.datcollate = ANY(%s) ELSE false END "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_database d ON d.datname = current_database() "
            "WHERE n.nspname = %s AND c.relname = %s AND a.attname = 'originator_id'"
        )
        self.table = (schema, events_table)
        self.sql_latest_snapshot = SQL(
            "SELECT MAX(position) FROM {schema}.{snapshots} WHERE format = %s "
            "AND substring(digest from 1 for 8) = %s"
        ).format(snapshots=Identifier(f"{events_table}_snapshots"), **names)
        self.sql_snapshots = SQL(
            "SELECT position, head, data, digest FROM {schema}.{snapshots} "
            "WHERE position <= %s AND format = %s ORDER BY position DESC"
        ).format(snapshots=Identifier(f"{events_table}_snapshots"), **names)
        self.sql_rows = SQL(
            "SELECT CASE WHEN topic = %s THEN NULL ELSE topic END, state FROM {schema}.{events} "
            "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id"
        ).format(**names)
        span = "notification_id > %s AND notification_id <= %s ORDER BY notification_id"
        self.sql_rows_without = SQL(
            "SELECT topic, state FROM {schema}.{events} WHERE topic <> %s AND " + span
        ).format(**names)
        self.sql_states_of = SQL(
            "SELECT notification_id, state FROM {schema}.{events} "
            "WHERE (topic = %s OR topic IS NULL) AND " + span
        ).format(**names)
        self.sql_created_in = _first_events(names, "topic = %s AND " + span)

    def _begin(self, snapshot: str | None) -> str | None:
        """Begin the reader's transaction: in `snapshot` (the one of the reader this one was
        reopened from), or in its own, exported; the snapshot, None where the server exports
        none (then the fold is not shared out: see `shareable`)."""
        self.connection.execute(_READ_ONLY)
        if snapshot is not None:
            self.connection.execute(SQL("SET TRANSACTION SNAPSHOT {}").format(Literal(snapshot)))
            return snapshot
        try:
            exported = self.connection.execute("SELECT pg_export_snapshot()").fetchone()
        except psycopg.Error:
            self.connection.rollback()
            self.connection.execute(_READ_ONLY)
            return None
        return None if exported is None else str(exported[0])

    def shareable(self) -> bool:
        """See `FoldReader.shareable`: when the snapshot was exported."""
        return self.snapshot is not None

    def head(self) -> tuple[int, int, bytes]:
        row = self.connection.execute(self.sql_head).fetchone()
        return (int(row[0]), int(row[1]), bytes(row[2])) if row else (0, 0, GENESIS)

    def chain_at(self, position: int) -> tuple[int, bytes]:
        if position == 0:
            return 0, GENESIS
        row = self.connection.execute(self.sql_chain_at, (position,)).fetchone()
        if row is None:
            raise StoreError(f"the log has no event at position {position}")
        return int(row[0]), bytes(row[1])

    def state_at(self, position: int) -> bytes:
        row = self.connection.execute(self.sql_state_at, (position,)).fetchone()
        if row is None:
            raise StoreError(f"the log has no event at position {position}")
        return bytes(row[0])

    def event_at(self, position: int) -> tuple[str, int, str, bytes]:
        """(originator id, version, topic, state) of the event at `position`."""
        row = self.connection.execute(self.sql_event_at, (position,)).fetchone()
        if row is None:
            raise StoreError(f"the log has no event at position {position}")
        return str(row[0]), int(row[1]), str(row[2]), bytes(row[3])

    def entry_at(self, position: int) -> bytes:
        """The framed bytes of the event at `position`: its leaf in the tree."""
        return entry(*self.event_at(position))

    def tree_nodes(self, position: int) -> bytes | None:
        row = self.connection.execute(self.sql_tree_nodes, (position,)).fetchone()
        return None if row is None else bytes(row[0])

    def tree_rows(self) -> Iterator[list[tuple[int, bytes]]]:
        with self.connection.cursor(name="tree", binary=True) as cursor:
            cursor.execute(self.sql_tree_rows)
            while batch := cursor.fetchmany(10_000):
                yield [(int(position), bytes(nodes)) for position, nodes in batch]

    def batches(self, after: int, upto: int, elide: str | None = None) -> Iterator[list[Row]]:
        with self.connection.cursor(name="replay", binary=True) as cursor:
            cursor.execute(self.sql_rows, (elide, after, upto))
            while batch := cursor.fetchmany(10_000):
                yield batch

    def batches_without(self, after: int, upto: int, topic: str) -> Iterator[list[Row]]:
        """See `FoldReader.batches_without`."""
        with self.connection.cursor(name="rest", binary=True) as cursor:
            cursor.execute(self.sql_rows_without, (topic, after, upto))
            while batch := cursor.fetchmany(10_000):
                yield batch

    def states_of(self, after: int, upto: int, topic: str) -> list[tuple[int, bytes]]:
        """See `FoldReader.states_of`: an event without a topic is taken as of `topic`, as
        `batches` gives it when eliding `topic`."""
        with self.connection.cursor(binary=True) as cursor:
            rows: list[tuple[int, bytes]] = cursor.execute(
                self.sql_states_of, (topic, after, upto)
            ).fetchall()
        return rows

    def created_between(
        self, prefix: str, topic: str, after: int, upto: int
    ) -> list[tuple[int, bytes]]:
        """See `FoldReader.created_between` (found as `created_states` finds them)."""
        return self._created(self.sql_created_in, prefix, topic, after, upto)

    def reopen(self) -> PostgresLogReader:
        """See `FoldReader.reopen`: a connection of its own, in this reader's snapshot."""
        if self.snapshot is None:
            raise StoreError("this reader's snapshot of the log cannot be shared")
        return PostgresLogReader(*self.opened, snapshot=self.snapshot)

    def candidates(
        self, after: int, upto: int | None, topics: Sequence[str], words: Sequence[bytes]
    ) -> Iterator[list[Candidate]]:
        """See `LogReader.candidates`: the server marks the rows that may pass, one pass over
        the span; the marked rows are then read by their ids."""
        last = LAST_ID if upto is None else upto
        span = "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id"
        if not topics and not words:
            every = SQL(
                "SELECT originator_id, originator_version, topic, state FROM {schema}.{events} "
                + span
            ).format(**self.names)
            with self.connection.cursor(name="log", binary=True) as cursor:
                cursor.execute(every, (after, last))
                yield from numbered(iter(lambda: cursor.fetchmany(10_000), []))
            return
        test = may_pass(
            lambda column: f"position(%s IN {column}) > 0",
            "position(%s IN state) > 0",
            len(topics),
            len(words),
        )
        marks = SQL(
            "SELECT CASE WHEN " + test + " THEN notification_id END FROM {schema}.{events} " + span
        ).format(**self.names)
        details = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {schema}.{events} WHERE notification_id = ANY(%s) ORDER BY notification_id"
        ).format(**self.names)
        with self.connection.cursor(name="log", binary=True) as cursor:
            escape = [b"\\"] if words else []
            cursor.execute(marks, (*topics, *words, *escape, after, last))
            counted = 0
            while batch := cursor.fetchmany(10_000):
                hits = {at: counted + i for i, (at,) in enumerate(batch, 1) if at is not None}
                counted += len(batch)
                if hits:
                    rows = self.connection.execute(details, (list(hits),)).fetchall()
                    yield [(hits[row[0]], row[1], row[2], row[3], bytes(row[4])) for row in rows]

    def latest_snapshot(self, fmt: int, key: bytes) -> int:
        try:
            row = self.connection.execute(self.sql_latest_snapshot, (fmt, key)).fetchone()
        except psycopg.Error as error:
            raise StoreError(f"the store's snapshots cannot be read ({error})") from None
        return int(row[0] or 0) if row else 0

    def snapshots_upto(self, position: int, fmt: int) -> Iterator[Snapshot]:
        rows = self.connection.execute(self.sql_snapshots, (position, fmt)).fetchall()
        for at, head, data, digest in rows:
            yield int(at), bytes(head), bytes(data), bytes(digest)

    def created_states(self, prefix: str, upto: int) -> list[tuple[int, bytes]]:
        """(notification id, state) of the first event of each aggregate whose id starts with
        `prefix`, up to notification id `upto`, latest first: by the primary key's index where
        the ids' order is their bytes', else by looking at every event."""
        return self._created(self.sql_created_upto, prefix, upto)

    def _created(
        self, queries: tuple[Composed, Composed], prefix: str, *rest: object
    ) -> list[tuple[int, bytes]]:
        """The rows of one of `_first_events`' pairs of queries: the range of ids starting with
        `prefix` where the ids' order is their bytes' (`byte_ordered`), else the pattern."""
        by_range, by_pattern = queries
        if self.byte_ordered:
            found = self.connection.execute(by_range, (*prefix_range(prefix), *rest))
        else:
            found = self.connection.execute(by_pattern, (_like(prefix), *rest))
        return [(int(at), bytes(state)) for at, state in found.fetchall()]

    @functools.cached_property
    def byte_ordered(self) -> bool:
        """Whether the database orders aggregate ids byte by byte, so that the ids starting
        with a prefix are a range of them (under a collation for people, such as ICU's or
        en_US.UTF-8, `publication:…` does not sort between `publication:` and `publication;`).
        Only libc's C collations are known to: any other is looked up the slow way, which
        gives the same ids."""
        row = self.connection.execute(
            self.sql_byte_ordered, (list(BYTE_ORDERED), *self.table)
        ).fetchone()
        return bool(row and row[0])

    def links(self) -> Iterator[list[Link]]:
        with self.connection.cursor(name="links", binary=True) as cursor:
            cursor.execute(self.sql_links)
            while batch := cursor.fetchmany(10_000):
                yield batch

    def close(self) -> None:
        self.connection.close()


class CampaignPostgresRecorder(PostgresApplicationRecorder):
    """The library's recorder, with the campaign's schema (created by `admin init` only) and
    the write lock taken through the owner's function; the database extends the hash chain
    itself (see `postgres_schema`)."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        if isinstance(datastore, CampaignPostgresDatastore):
            datastore.events_table = events_table_name
        self.sql_create_statements.extend(
            cast("list[Composed]", postgres_schema.tables(datastore.schema, events_table_name))
        )
        self.sql_create_statements.extend(
            cast("list[Composed]", postgres_schema.functions(datastore.schema, events_table_name))
        )
        n = postgres_schema.names(datastore.schema, events_table_name)
        self.lock_table_statements = [
            SQL("SET LOCAL lock_timeout = '{0}s'").format(datastore.lock_timeout),
            SQL("SELECT {schema}.{lock}()").format(**n),
        ]

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert in one statement; the database checks each event against the role that
        appends it and extends the hash chain, or refuses the whole write with its reason.
        (No pipeline, unlike the library's: a refusal keeps its own message.)"""
        return self.insert_columns(
            [(str(e.originator_id), e.originator_version, e.topic, e.state) for e in stored_events]
        )

    def insert_columns(self, columns: Sequence[Columns]) -> Sequence[int]:
        """`insert_events` for events as plain columns (`EventMapper.columns`)."""
        if not columns:
            return []
        rows = [self.construct_pg_stored_event(*c) for c in columns]
        with (
            self.datastore.get_connection() as connection,
            connection.transaction(),
            connection.cursor() as cursor,
        ):
            try:
                self._lock_table(cursor)
                cursor.execute(self.insert_events_statement, (rows,))
            except psycopg.errors.UniqueViolation as error:
                raise IntegrityError(str(error)) from None
            except (psycopg.errors.RaiseException, psycopg.errors.InsufficientPrivilege) as error:
                reason = error.diag.message_primary or str(error)
                raise StoreError(f"the store refused the write: {reason}") from None
            return [int(row["notification_id"]) for row in cursor.fetchall()]


class CampaignPostgresFactory(PostgresFactory):
    application_recorder_class = CampaignPostgresRecorder

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        plain = self.datastore
        self.datastore = CampaignPostgresDatastore(
            dbname=self.env.get(self.POSTGRES_DBNAME) or "",
            host=self.env.get(self.POSTGRES_HOST) or "localhost",
            port=self.env.get(self.POSTGRES_PORT) or "5432",
            user=self.env.get(self.POSTGRES_USER) or "",
            password=cast("str", self.env.get(self.POSTGRES_PASSWORD) or None),
            connect_timeout=float(self.env.get(self.POSTGRES_CONNECT_TIMEOUT) or 10),
            idle_in_transaction_session_timeout=plain.idle_in_transaction_session_timeout,
            pool_size=2,
            max_overflow=2,
            lock_timeout=plain.lock_timeout,
            schema=plain.schema,
            get_password_func=plain.pool.get_password_func,
            single_row_tracking=plain.single_row_tracking,
            originator_id_type="text",
        )
        plain.close()
