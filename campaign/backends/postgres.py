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
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from psycopg.sql import SQL, Identifier

from campaign.errors import StoreError

if TYPE_CHECKING:
    from collections.abc import Iterator


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
        "PERSISTENCE_MODULE": "campaign.backends.postgres:CampaignPostgresFactory",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": unquote(parts.hostname or "localhost"),
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_SCHEMA": query.get("schema", ["public"])[0],
        "POSTGRES_LOCK_TIMEOUT": str(lock_timeout),
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "600",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "2",
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
    }
    if parts.password:
        env["POSTGRES_PASSWORD"] = unquote(parts.password)
    else:
        env["POSTGRES_GET_PASSWORD_TOPIC"] = "campaign.backends.postgres:no_password"
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

    def count_by_topic(self) -> dict[str, int]:
        statement = SQL("SELECT topic, COUNT(*) AS n FROM {0}.{1} GROUP BY topic").format(
            Identifier(self.schema), Identifier(self.events_table)
        )
        with self.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(statement)
            return {row["topic"]: int(row["n"]) for row in cursor.fetchall()}


class CampaignPostgresRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        if isinstance(datastore, CampaignPostgresDatastore):
            datastore.events_table = events_table_name
        schema, table = Identifier(datastore.schema), Identifier(events_table_name)
        function = Identifier(f"{events_table_name}_refuse_change")
        self.sql_create_statements += [
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
        ]


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
