"""The SQLite backend: one file, no server.

`BEGIN IMMEDIATE` takes SQLite's write lock when a command starts, so a second writer waits
(up to the lock timeout) instead of failing half way. While a command holds it, every read and
write of the recorder goes through that one transaction: validation sees the committed log plus
what the command has appended so far, and nothing is visible to others until it commits.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore, SQLiteFactory

from campaign.errors import StoreError

if TYPE_CHECKING:
    from collections.abc import Iterator

APPEND_ONLY_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS stored_events_refuse_update BEFORE UPDATE ON stored_events "
    "BEGIN SELECT RAISE(ABORT, 'the campaign log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS stored_events_refuse_delete BEFORE DELETE ON stored_events "
    "BEGIN SELECT RAISE(ABORT, 'the campaign log is append-only: DELETE refused'); END",
]


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
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                cursor.close()
                if "locked" in str(error) or "busy" in str(error):
                    raise StoreError(busy_message) from None
                raise StoreError(f"cannot write to the store: {error}") from None
            self._local.cursor = cursor
            try:
                yield
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

    def count_by_topic(self) -> dict[str, int]:
        with self.transaction(commit=False) as cursor:
            cursor.execute("SELECT topic, COUNT(*) FROM stored_events GROUP BY topic")
            return {row[0]: int(row[1]) for row in cursor.fetchall()}


class CampaignSQLiteRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *APPEND_ONLY_TRIGGERS]


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
