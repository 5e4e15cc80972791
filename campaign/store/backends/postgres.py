"""The PostgreSQL backend, for a shared deployment (`--db postgresql://user@host/dbname`).

The command's transaction takes the stored-events table's EXCLUSIVE lock first, as the
library's own inserts do, so that writers serialise and readers never block. Triggers refuse
UPDATE, DELETE and TRUNCATE of stored events. Importing this module loads psycopg, which is
slow: the store imports it only for a PostgreSQL URL.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from psycopg.sql import SQL, Identifier

from campaign.domain.errors import StoreError
from campaign.store.chain import GENESIS, link

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from campaign.store.readers import Link, Row, Snapshot


CONNECT_TIMEOUT_S = 3
"""How long to wait for a server that does not answer."""


def probe(env: dict[str, str]) -> None:
    """Connect once, so that a server that cannot be reached is refused within a few seconds,
    naming the host, the port and why."""
    host, port = env["POSTGRES_HOST"], env["POSTGRES_PORT"]
    try:
        with psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=host,
            port=port,
            user=env["POSTGRES_USER"],
            password=env.get("POSTGRES_PASSWORD") or None,
            connect_timeout=CONNECT_TIMEOUT_S,
        ):
            pass
    except psycopg.OperationalError as error:
        # libpq says "connection to server at ..., port ... failed: <cause>" and then hints
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        cause = first.rpartition("failed: ")[2] or first
        raise StoreError(f"cannot reach PostgreSQL at {host}:{port}: {cause}") from None


def no_password() -> str:
    """For servers that trust local users: libpq then looks in PGPASSWORD and ~/.pgpass."""
    return ""


def postgres_env(url: str, *, lock_timeout: int) -> dict[str, str]:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise StoreError(f"{url}: name the database, e.g. postgresql://user@localhost/campaign")
    env = {
        "PERSISTENCE_MODULE": "campaign.store.backends.postgres:CampaignPostgresFactory",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": unquote(parts.hostname or "localhost"),
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
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
        with super().get_connection() as connection, connection.transaction():
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        SQL("SET LOCAL lock_timeout = '{0}s'").format(self.lock_timeout or 0)
                    )
                    cursor.execute(
                        SQL("LOCK TABLE {0}.{1} IN EXCLUSIVE MODE").format(
                            Identifier(self.schema), Identifier(self.events_table)
                        )
                    )
            except psycopg.errors.LockNotAvailable:
                raise StoreError(busy_message) from None
            self._local.connection = connection
            try:
                yield
            finally:
                self._local.connection = None

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
        return kwargs

    def reader(self) -> PostgresLogReader:
        return PostgresLogReader(self._connect_kwargs(), self.schema, self.events_table)

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


class PostgresLogReader:
    """A read-only, repeatable-read snapshot of the log for the replay core."""

    def __init__(self, kwargs: dict[str, Any], schema: str, events_table: str) -> None:
        self.connection = psycopg.connect(**kwargs, autocommit=False)
        self.connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        names = {
            "schema": Identifier(schema),
            "events": Identifier(events_table),
            "chain": Identifier(f"{events_table}_chain"),
        }
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
        self.sql_snapshots = SQL(
            "SELECT position, head, data, digest FROM {schema}.{snapshots} "
            "WHERE position <= %s AND format = %s ORDER BY position DESC"
        ).format(snapshots=Identifier(f"{events_table}_snapshots"), **names)
        self.sql_rows = SQL(
            "SELECT CASE WHEN topic = %s THEN NULL ELSE topic END, state FROM {schema}.{events} "
            "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id"
        ).format(**names)

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

    def batches(self, after: int, upto: int, elide: str | None = None) -> Iterator[list[Row]]:
        with self.connection.cursor(name="replay", binary=True) as cursor:
            cursor.execute(self.sql_rows, (elide, after, upto))
            while batch := cursor.fetchmany(10_000):
                yield batch

    def snapshots_upto(self, position: int, fmt: int) -> Iterator[Snapshot]:
        rows = self.connection.execute(self.sql_snapshots, (position, fmt)).fetchall()
        for at, head, data, digest in rows:
            yield int(at), bytes(head), bytes(data), bytes(digest)

    def links(self) -> Iterator[list[Link]]:
        with self.connection.cursor(name="links", binary=True) as cursor:
            cursor.execute(self.sql_links)
            while batch := cursor.fetchmany(10_000):
                yield batch

    def close(self) -> None:
        self.connection.close()


class CampaignPostgresRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        if isinstance(datastore, CampaignPostgresDatastore):
            datastore.events_table = events_table_name
        self.chain_table = f"{events_table_name}_chain"
        schema, table = Identifier(datastore.schema), Identifier(events_table_name)
        chain = Identifier(self.chain_table)
        function = Identifier(f"{events_table_name}_refuse_change")
        self.select_chain_head = SQL(
            "SELECT position, hash FROM {schema}.{chain} ORDER BY position DESC LIMIT 1"
        ).format(schema=schema, chain=chain)
        self.insert_chain = SQL("INSERT INTO {schema}.{chain} VALUES (%s, %s, %s)").format(
            schema=schema, chain=chain
        )
        self.sql_create_statements += [
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{chain} (position bigint PRIMARY KEY, "
                "notification_id bigint NOT NULL UNIQUE, hash bytea NOT NULL)"
            ).format(schema=schema, chain=chain),
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{snapshots} (position bigint NOT NULL, "
                "format int NOT NULL, head bytea NOT NULL, data bytea NOT NULL, "
                "digest bytea NOT NULL, PRIMARY KEY (position, format))"
            ).format(schema=schema, snapshots=Identifier(f"{events_table_name}_snapshots")),
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'the campaign log is append-only: % refused', TG_OP; "
                "END $$"
            ).format(schema=schema, function=function),
            SQL(
                "CREATE OR REPLACE TRIGGER refuse_update_delete BEFORE UPDATE OR DELETE "
                "ON {schema}.{table} FOR EACH ROW EXECUTE FUNCTION {schema}.{function}()"
            ).format(schema=schema, table=table, function=function),
            SQL(
                "CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE "
                "ON {schema}.{table} FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{function}()"
            ).format(schema=schema, table=table, function=function),
            SQL(
                "CREATE OR REPLACE TRIGGER refuse_update_delete BEFORE UPDATE OR DELETE "
                "ON {schema}.{chain} FOR EACH ROW EXECUTE FUNCTION {schema}.{function}()"
            ).format(schema=schema, chain=chain, function=function),
            SQL(
                "CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE "
                "ON {schema}.{chain} FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{function}()"
            ).format(schema=schema, chain=chain, function=function),
        ]

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert, then extend the hash chain on the same connection (the command's
        transaction, which holds the table lock)."""
        ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
        assert ids is not None
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(self.select_chain_head)
            last = cursor.fetchone()
            position, head = (int(last["position"]), bytes(last["hash"])) if last else (0, GENESIS)
            rows = []
            for notification_id, event in zip(ids, stored_events, strict=True):
                head = link(
                    head,
                    str(event.originator_id),
                    event.originator_version,
                    event.topic,
                    event.state,
                )
                position += 1
                rows.append((position, notification_id, head))
            cursor.executemany(self.insert_chain, rows)
        return ids


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
            password=self.env.get(self.POSTGRES_PASSWORD) or "",
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
