"""The campaign log as an eventsourcing application: a SQLite file or a PostgreSQL database.

A store is an eventsourcing application (its recorder, mapper and repository) configured from
the `--db` value, plus the write lock that a command holds from its first read to its commit.
Every eventsourcing setting we rely on is passed explicitly. Only the composition root
(`campaign.bootstrap`) opens one.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast
from urllib.parse import quote, urlsplit, urlunsplit

import orjson
from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from campaign.domain.errors import StoreError
from campaign.store.backends.sqlite import GUARDS, CampaignSQLiteDatastore
from campaign.store.codec import EventMapper, OrjsonTranscoder, upcast
from campaign.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator

    from eventsourcing.persistence import StoredEvent

    from campaign.domain.events import Aggregate
    from campaign.store.backends.postgres import CampaignPostgresDatastore, CampaignPostgresRecorder
    from campaign.store.backends.sqlite import CampaignSQLiteRecorder
    from campaign.store.readers import LogReader

NO_ROLES = "a SQLite store has no roles: the file's own permissions say who may read and write it"


def is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def shown(db: str) -> str:
    """A `--db` value fit to print: a URL's password is masked."""
    parts = urlsplit(db)
    if not parts.scheme or parts.password is None:
        return db
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def trouble(error: BaseException, db: str) -> str | None:
    """The one line a user reads for a database error met outside the store's own checks (a
    file damaged under a read, a server gone mid-command); None when `error` is not one."""
    from eventsourcing.persistence import PersistenceError  # noqa: PLC0415

    from campaign.store.backends.sqlite import damaged  # noqa: PLC0415

    cause = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, sqlite3.DatabaseError | PersistenceError):
        if damaged(error):  # type: ignore[arg-type]
            return (
                f"the store {shown(db)} is damaged (SQLite: {cause}): restore it from a copy, "
                "or import an export of it; nothing was appended"
            )
        return f"the store {shown(db)} failed ({cause}): nothing was appended"
    if type(error).__module__.startswith("psycopg"):
        return f"the store {shown(db)} failed (PostgreSQL: {cause}): nothing was appended"
    if isinstance(error, orjson.JSONDecodeError):  # what a command reads is checked before
        return (
            f"the store {shown(db)} holds an event the engine could not have written, its "
            f"state not JSON ({cause}): run campaign audit verify; nothing was appended"
        )
    return None


def check_kind(db: str) -> None:
    """A SQLite file path or a postgresql:// URL; any other URL is refused by name."""
    scheme, sep, _ = db.partition("://")
    if sep and not is_postgres(db) and scheme.isidentifier():
        raise StoreError(
            f"the store {shown(db)}: {scheme}:// is not a kind of store this engine opens "
            "(give a SQLite file path, or a postgresql:// URL)"
        )


class EventLog(Application[str]):
    """The eventsourcing application that holds the campaign's events."""

    name = "campaign"
    env: ClassVar[dict[str, str]] = {}


Mode = Literal["use", "init", "migrate"]
"""How a store is opened: by an ordinary command (refusing a schema it does not know), by its
owner creating the schema (`campaign admin init`), or moving it to this engine's version."""


@dataclass(frozen=True)
class SQLiteFile:
    """What a SQLite store file is before it is opened."""

    path: Path
    fresh: bool  # missing or empty: the store is made on first use
    version: int  # its schema version (0 when it has none)
    read_only: bool  # on read-only media, or without the right to write it
    unguarded: tuple[str, ...] = ()  # the triggers that guard it, missing or not the engine's
    changed: tuple[str, ...] = ()  # those of them that are there, written otherwise


def _check_sqlite_file(path: Path, *, create: bool) -> SQLiteFile:
    """Refuse, before touching it, a file that is not a campaign store (opening one would add
    tables and switch its journal mode); an empty or missing file only when not creating."""
    missing = StoreError(
        f"no campaign store at {path} (give --db or CAMPAIGN_DB, or open a campaign first)"
    )
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a store file")
    if not path.exists() or path.stat().st_size == 0:
        if not create:
            raise missing
        if not path.parent.is_dir():
            raise StoreError(f"cannot make the store {path}: no folder {path.parent}")
        if not os.access(path.parent, os.W_OK):
            raise StoreError(f"cannot make the store {path}: its folder is read-only here")
        return SQLiteFile(path, fresh=True, version=0, read_only=False)
    read_only = not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
    try:
        with closing(sqlite3.connect(_read_only_uri(path, read_only), uri=True)) as conn:
            kept = dict(conn.execute("SELECT name, sql FROM sqlite_master").fetchall())
            tables = set(kept)
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as error:
        if read_only and "unable to open" in str(error):
            raise StoreError(f"{path} cannot be read: it is on read-only media") from None
        raise StoreError(f"{path} is not a SQLite database ({error})") from None
    if not tables and create and not read_only:
        return SQLiteFile(path, fresh=True, version=0, read_only=False)
    if not {"stored_events", "event_chain"} <= tables:
        if not tables:
            raise missing
        raise StoreError(f"{path} is not a campaign store (it holds other tables)")
    unguarded: tuple[str, ...] = ()
    if version == SCHEMA_VERSION:  # (an older store's are put right by its migration)
        unguarded = tuple(name for name, sql in GUARDS.items() if kept.get(name) != sql)
    return SQLiteFile(
        path,
        fresh=False,
        version=version or 1,
        read_only=read_only,
        unguarded=unguarded,
        changed=tuple(name for name in unguarded if name in kept),
    )


def _drop_triggers(path: Path, names: tuple[str, ...]) -> None:
    """Drop the triggers `names` (written otherwise than the engine writes them), for the
    store's own statements to make them again as it opens."""
    with closing(sqlite3.connect(path)) as conn:
        for name in names:
            conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        conn.commit()


def _read_only_uri(path: Path, read_only: bool) -> str:
    """The URI to read `path` with: on read-only media, as an immutable file (SQLite can make
    no -shm file there), unless a write-ahead log holds what the file does not."""
    uri = f"file:{quote(str(path))}?mode=ro"
    wal = Path(f"{path}-wal")
    if read_only and not (wal.exists() and wal.stat().st_size > 0):
        uri += "&immutable=1"
    return uri


def _check_version(db: str, version: int | None, mode: Mode) -> None:
    """An ordinary command uses a store of this engine's schema only; `init` makes one;
    `migrate` moves one on."""
    migrate = f"its owner runs campaign admin migrate --db {db}"
    if mode == "use":
        if version is None:
            raise StoreError(
                f"the store {db} is not initialised: its owner runs campaign admin init --db {db}"
            )
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"the store {db} has schema version {version}, this engine needs "
                f"{SCHEMA_VERSION}: {migrate}"
            )
    elif mode == "init" and version is not None:
        raise StoreError(
            f"the store {db} is already initialised (schema version {version})"
            + ("" if version == SCHEMA_VERSION else f": {migrate}")
        )
    elif mode == "migrate" and version is None:
        raise StoreError(
            f"the store {db} is not initialised: its owner runs campaign admin init --db {db}"
        )


class Store:
    """One campaign log, opened from a `--db` value."""

    def __init__(self, db: str, *, lock_timeout: int, create: bool, mode: Mode = "use") -> None:
        self.db = shown(db)  # what messages name: never the password
        self.lock_timeout = lock_timeout
        self.read_only = False
        self.dropped_guards = 0
        """Triggers that guard a SQLite file, found missing or written otherwise when it was
        opened (the file's holder can drop or replace them); put back unless the file is
        read-only here."""
        check_kind(db)
        create_tables = True
        sqlite_fresh = False
        if is_postgres(db):
            try:
                # psycopg takes a fifth of a second to import: only for a PostgreSQL store.
                from campaign.store.backends.postgres import (  # noqa: PLC0415
                    postgres_env,
                    probe,
                )
            except ImportError:
                raise StoreError(
                    "a postgresql:// store needs the PostgreSQL driver: "
                    "pip install 'campaign[postgres]'"
                ) from None
            env = postgres_env(db, lock_timeout=lock_timeout)
            # an unreachable server is named at once, not after the pool's wait
            _check_version(self.db, probe(env), mode)
            create_tables = mode != "use"  # the schema is its owner's: never per command
        else:
            found = _check_sqlite_file(Path(db), create=create or mode == "init")
            # a SQLite store is made on first use; migrating it brings its schema up to date
            if not found.fresh and mode != "migrate":
                _check_version(self.db, found.version, "use")
            self.read_only = found.read_only
            self.dropped_guards = len(found.unguarded)
            if found.changed and not found.read_only:  # dropped, so that they are made again
                _drop_triggers(found.path, found.changed)
            sqlite_fresh = found.fresh
            create_tables = not found.read_only
            env = {
                "PERSISTENCE_MODULE": "campaign.store.backends.sqlite:CampaignSQLiteFactory",
                "SQLITE_DBNAME": _read_only_uri(found.path, True)
                if found.read_only
                else str(found.path),
                "SQLITE_LOCK_TIMEOUT": str(lock_timeout),
            }
        env.update(
            {
                "ORIGINATOR_ID_TYPE": "text",
                "MAPPER_TOPIC": get_topic(EventMapper),
                "TRANSCODER_TOPIC": get_topic(OrjsonTranscoder),
                "CREATE_TABLE": "y" if create_tables else "n",
                "IS_SNAPSHOTTING_ENABLED": "n",
                "AGGREGATE_CACHE_MAXSIZE": "",
                "COMPRESSOR_TOPIC": "",
                "CIPHER_TOPIC": "",
            }
        )
        try:
            self.log = EventLog(env={f"CAMPAIGN_{k}": v for k, v in env.items()} | env)
        except Exception as error:  # the library raises plain errors for a bad file or URL
            raise StoreError(f"cannot open the store {self.db}: {error}") from None
        self.recorder = self.log.recorder
        # What `append` writes through: the engine's recorders take events as plain columns.
        self._insert = cast(
            "CampaignSQLiteRecorder | CampaignPostgresRecorder", self.recorder
        ).insert_columns
        self._columns = cast("EventMapper", self.log.mapper).columns
        self.datastore: CampaignSQLiteDatastore | CampaignPostgresDatastore = (
            self.log.factory.datastore  # type: ignore[attr-defined]
        )
        if mode == "migrate":
            self.datastore.backfill_tree()
        if isinstance(self.datastore, CampaignSQLiteDatastore) and (
            sqlite_fresh or mode == "migrate"
        ):
            self.datastore.mark_version()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock from the first read of a command to its commit."""
        if self.read_only:
            raise StoreError(
                f"the store {self.db} is read-only here (read-only media, or no right to write "
                "the file or its folder): it can be read and verified, nothing was appended"
            )
        busy = (
            f"the store {self.db} is busy: another writer held it for {self.lock_timeout} s; "
            "nothing was appended, try again"
        )
        with self.datastore.writing(busy):
            yield

    def get(self, aggregate_id: str) -> Aggregate | None:
        """An aggregate from its events, None if it has none: folded as the library's
        repository folds them (`_folded`), without its checks of each call's options (a
        scenario load reads back thousands of reports to correct them)."""
        return self._folded(self.recorder.select_events(aggregate_id)).get(aggregate_id)

    def states_of(self, aggregate_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The topic and state (decoded, brought to its current version) of each of one
        aggregate's events, in order: an aggregate as a query reads it, with no event class
        defined."""
        return [
            (stored.topic, upcast(stored.topic, orjson.loads(stored.state)))
            for stored in self.recorder.select_events(aggregate_id)
        ]

    def get_many(self, aggregate_ids: Collection[str]) -> dict[str, Aggregate]:
        """The aggregates among `aggregate_ids` that exist, each from its events, read in a few
        queries for thousands of ids (a bulk import checks every row's project and report)."""
        return self._folded(self.datastore.events_of(sorted(set(aggregate_ids))))

    def _folded(self, stored_events: Iterable[StoredEvent]) -> dict[str, Aggregate]:
        """The aggregates of `stored_events` (each aggregate's in version order), by id: each
        event decoded and mutating the aggregate its events before it made, as the library's
        repository folds them."""
        found: dict[str, Aggregate] = {}
        mapper = self.log.mapper
        for stored in stored_events:
            event = cast("Aggregate.Event", mapper.to_domain_event(stored))
            aggregate_id = str(stored.originator_id)
            aggregate = event.mutate(found.get(aggregate_id))
            if aggregate is not None:
                found[aggregate_id] = aggregate
        return found

    def append(self, events: list[Aggregate.Event]) -> int:
        """Append domain events in the given order, straight through the mapper and the
        recorder (no snapshots or notifications are configured, so the application's save()
        would add only per-object checks)."""
        if not events:
            return 0
        columns = self._columns
        self._insert([columns(e) for e in events])
        return len(events)

    @property
    def shared(self) -> bool:
        """A PostgreSQL store: roles, the server's clock and the database's checks apply."""
        return not isinstance(self.datastore, CampaignSQLiteDatastore)

    def server_now(self) -> dt.datetime | None:
        """The server's clock, for a shared store (None for a SQLite file: the engine's own)."""
        if isinstance(self.datastore, CampaignSQLiteDatastore):
            return None
        return self.datastore.now()

    def actor_for(self, display: str) -> str:
        """Who a command is recorded as: on a shared store the database role that appends it,
        with `display` beside it as a name; on a SQLite file, `display`."""
        writer = self.writer_role()
        if writer is None:
            return display
        role = writer[0]
        return role if display in ("", role) else f"{role} ({display})"

    def writer_role(self) -> tuple[str, bool] | None:
        """On a shared store, the database role that appends and whether it is the store's
        owner or a superuser; None for a SQLite file (its permissions are its access control)."""
        if isinstance(self.datastore, CampaignSQLiteDatastore):
            return None
        return self.datastore.session_role()

    def set_access(self, role: str, kind: str | None, projects: tuple[str, ...]) -> None:
        """Give `role` the table rights and the rows that let the database enforce `kind`
        (None: take every right away), in the write in progress."""
        if isinstance(self.datastore, CampaignSQLiteDatastore):
            raise StoreError(NO_ROLES)
        self.datastore.set_access(role, kind, projects)

    def insert_stored(self, events: list[StoredEvent]) -> None:
        """Insert events exactly as stored elsewhere (an import), each with its link."""
        self.recorder.insert_events(events)

    def decode(self, event: StoredEvent) -> Aggregate.Event:
        """A stored event read back as the engine reads it (refusing what it cannot read)."""
        return cast("Aggregate.Event", self.log.mapper.to_domain_event(event))

    def head(self) -> int:
        """The position of the last stored event, i.e. how many events the log holds (0 for
        an empty log). Not the last notification id: PostgreSQL's ids keep the gaps of
        rolled-back transactions."""
        return self.tip()[0]

    def tip(self) -> tuple[int, bytes]:
        """(position, chain hash) of the last stored event: the receipt of a write."""
        return self.datastore.chain_tip()

    def last_recorded(self) -> dt.datetime | None:
        last_id = int(self.recorder.max_notification_id() or 0)
        if last_id == 0:
            return None
        (last,) = self.recorder.select_notifications(start=last_id, limit=1)
        stamp = orjson.loads(last.state)["timestamp"]
        return dt.datetime.fromisoformat(stamp)

    def reader(self) -> LogReader:
        """A read-only snapshot of the log for the read side (see `campaign.store.readers`)."""
        return self.datastore.reader()

    def save_snapshot(
        self, position: int, fmt: int, head: bytes, data: bytes, digest: bytes
    ) -> None:
        """Keep a projection snapshot beside the log (a cache: a failure just skips it)."""
        self.datastore.save_snapshot(position, fmt, head, data, digest)

    def count_by_topic(self) -> dict[str, int]:
        counts: dict[str, int] = self.datastore.count_by_topic()
        return counts

    def close(self) -> None:
        self.log.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
