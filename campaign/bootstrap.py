"""The composition root: settings -> store -> engine. Everything that needs a store or an
engine asks here, and nothing is built at import time.

Settings come from the caller (the command line's `--db`), else the environment
(`CAMPAIGN_DB`), else the defaults below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from campaign.app.clock import Clock, ServerClock, SystemClock
from campaign.domain.errors import Refused

if TYPE_CHECKING:
    from campaign.app.engine import Engine
    from campaign.store.store import Mode, Store

DEFAULT_DB = "campaign.db"
"""The store when neither --db nor CAMPAIGN_DB names one: a SQLite file in the current folder."""

LOCK_TIMEOUT_S = 60
"""How long a writer waits for the write lock before it is refused."""

SNAPSHOT_EVERY = 100_000
"""Events between two projection snapshots taken by a long replay."""

SIGNING_KEY_ENV = "CAMPAIGN_SIGNING_KEY"
CACHE_KEY_ENV = "CAMPAIGN_CACHE_KEY"


@dataclass(frozen=True)
class Settings:
    db: str = DEFAULT_DB
    lock_timeout: int = LOCK_TIMEOUT_S
    snapshot_every: int = SNAPSHOT_EVERY
    clock: Clock = field(default_factory=SystemClock)
    signing_key: str | None = field(default_factory=lambda: os.environ.get(SIGNING_KEY_ENV))
    """The office's Ed25519 key (a file outside the store) that signs tree heads."""
    cache_key: str | None = field(default_factory=lambda: os.environ.get(CACHE_KEY_ENV))
    """The file holding the key that authenticates projection snapshots (default: one made
    in the user's configuration folder on first use)."""

    @classmethod
    def resolve(
        cls,
        db: str | None = None,
        *,
        lock_timeout: int | None = None,
        clock: Clock | None = None,
        signing_key: str | None = None,
    ) -> Settings:
        """`db`, else `CAMPAIGN_DB`, else `campaign.db`; the lock timeout as given, else
        `CAMPAIGN_LOCK_TIMEOUT`, else 60 s; the clock as given, else the system's; the signing
        key as given, else `CAMPAIGN_SIGNING_KEY`, else none."""
        if db is not None and not db.strip():
            # an unset shell variable (--db "$STORE") must not send writes to ./campaign.db
            raise Refused("db", db, "names no store: give a SQLite file or a postgresql:// URL")
        if lock_timeout is None:
            lock_timeout = _seconds(os.environ.get("CAMPAIGN_LOCK_TIMEOUT"), LOCK_TIMEOUT_S)
        return cls(
            db=db or os.environ.get("CAMPAIGN_DB") or DEFAULT_DB,
            lock_timeout=lock_timeout,
            clock=clock or SystemClock(),
            signing_key=signing_key or os.environ.get(SIGNING_KEY_ENV),
        )


def _seconds(text: str | None, default: int) -> int:
    """A number of seconds from the environment (CAMPAIGN_LOCK_TIMEOUT); the default when
    absent or empty."""
    value = "" if text is None else text.strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise Refused("CAMPAIGN_LOCK_TIMEOUT", text, "must be a whole number of seconds")
    return int(value)


def open_store(settings: Settings, *, create: bool = True, mode: Mode = "use") -> Store:
    """The store `settings.db` names (created, for a SQLite file, when `create`); `mode` "init"
    creates a shared store's schema, "migrate" moves it to this engine's (its owner's tasks)."""
    from campaign.store.store import Store  # noqa: PLC0415 (loads eventsourcing: not for --help)

    return Store(settings.db, lock_timeout=settings.lock_timeout, create=create, mode=mode)


def open_engine(settings: Settings, *, create: bool = True, mode: Mode = "use") -> Engine:
    """The engine on the store `settings.db` names, with its clock and its snapshots. On a
    shared store the recorded time is the server's clock, unless a clock is given."""
    from campaign.app.engine import Engine  # noqa: PLC0415 (the domain's models: not for --help)
    from campaign.read.snapshots import SnapshotStore  # noqa: PLC0415

    key = snapshot_key(settings.cache_key)  # first: a refused key leaves no new store behind
    store = open_store(settings, create=create, mode=mode)
    clock = settings.clock
    if isinstance(clock, SystemClock) and store.shared:
        clock = ServerClock(store.server_now)
    snapshots = None if key is None else SnapshotStore(store, settings.snapshot_every, key)
    return Engine(store, clock, snapshots, settings.signing_key)


def snapshot_key(path: str | None) -> bytes | None:
    """The key that authenticates the projection snapshots this user takes and trusts: kept
    outside the store, so that whoever can write the store cannot forge a snapshot this user
    would use. Made on first use (32 random bytes, readable by the user only). A file named
    by `path` (CAMPAIGN_CACHE_KEY) that can be neither read as a key nor made is refused; at
    the default place it gives None (queries then fold from the first event)."""
    if path:
        key = _read_or_make(Path(path))
        if isinstance(key, str):
            raise Refused(CACHE_KEY_ENV, path, key)
        return key
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    key = _read_or_make(Path(config) / "campaign" / "cache.key")
    return None if isinstance(key, str) else key


def _read_or_make(where: Path) -> bytes | str:
    """The key held at `where`, made there when there is none; else why not."""
    import secrets  # noqa: PLC0415

    try:
        key = where.read_bytes()
    except FileNotFoundError:
        pass
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    else:
        if len(key) != 32:
            return f"holds {len(key)} bytes, not a key of 32 (name another file, or a new one)"
        return key
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another process
        return _read_or_make(where)
    except OSError as error:
        return f"cannot be made ({error.strerror or error})"
    key = secrets.token_bytes(32)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key
