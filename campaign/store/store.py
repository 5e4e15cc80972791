"""The campaign log as an eventsourcing application: a SQLite file or a PostgreSQL database.

A store is an eventsourcing application (its recorder, mapper and repository) configured from
the `--db` value, plus the write lock that a command holds from its first read to its commit.
Every eventsourcing setting we rely on is passed explicitly. Only the composition root
(`campaign.bootstrap`) opens one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast
from urllib.parse import quote, urlsplit, urlunsplit

import orjson
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.utils import get_topic

from campaign.domain.errors import StoreError
from campaign.store.codec import EventMapper, OrjsonTranscoder

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator

    from eventsourcing.persistence import StoredEvent

    from campaign.domain.events import Aggregate
    from campaign.store.backends.postgres import CampaignPostgresDatastore
    from campaign.store.backends.sqlite import CampaignSQLiteDatastore
    from campaign.store.readers import LogReader


def is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def shown(db: str) -> str:
    """A `--db` value fit to print: a URL's password is masked."""
    parts = urlsplit(db)
    if not parts.scheme or parts.password is None:
        return db
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


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


def _check_sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse, before touching it, a file that is not a campaign store (opening one would add
    tables and switch its journal mode); an empty or missing file only when not creating."""
    missing = StoreError(
        f"no campaign store at {path} (give --db or CAMPAIGN_DB, or open a campaign first)"
    )
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a store file")
    if not path.exists() or path.stat().st_size == 0:
        if create:
            return
        raise missing
    try:
        with closing(sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        raise StoreError(f"{path} is not a SQLite database") from None
    if not tables and create:
        return
    if not {"stored_events", "event_chain"} <= tables:
        if not tables:
            raise missing
        raise StoreError(f"{path} is not a campaign store (it holds other tables)")


class Store:
    """One campaign log, opened from a `--db` value."""

    def __init__(self, db: str, *, lock_timeout: int, create: bool) -> None:
        self.db = shown(db)  # what messages name: never the password
        self.lock_timeout = lock_timeout
        check_kind(db)
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
            probe(env)  # an unreachable server is named at once, not after the pool's wait
        else:
            path = Path(db)
            _check_sqlite_file(path, create=create)
            env = {
                "PERSISTENCE_MODULE": "campaign.store.backends.sqlite:CampaignSQLiteFactory",
                "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": str(lock_timeout),
            }
        env.update(
            {
                "ORIGINATOR_ID_TYPE": "text",
                "MAPPER_TOPIC": get_topic(EventMapper),
                "TRANSCODER_TOPIC": get_topic(OrjsonTranscoder),
                "CREATE_TABLE": "y",
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
        self.datastore: CampaignSQLiteDatastore | CampaignPostgresDatastore = (
            self.log.factory.datastore  # type: ignore[attr-defined]
        )

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock from the first read of a command to its commit."""
        busy = (
            f"the store {self.db} is busy: another writer held it for {self.lock_timeout} s; "
            "nothing was appended, try again"
        )
        with self.datastore.writing(busy):
            yield

    def get(self, aggregate_id: str) -> Aggregate | None:
        try:
            found: Aggregate = self.log.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found

    def get_many(self, aggregate_ids: Collection[str]) -> dict[str, Aggregate]:
        """The aggregates among `aggregate_ids` that exist, each from its events, read in a few
        queries for thousands of ids (a bulk import checks every row's project and report)."""
        found: dict[str, Aggregate] = {}
        mapper = self.log.mapper
        for stored in self.datastore.events_of(sorted(set(aggregate_ids))):
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
        mapper = self.log.mapper
        self.recorder.insert_events([mapper.to_stored_event(e) for e in events])
        return len(events)

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
