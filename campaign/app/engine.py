"""The engine: a store, a clock, and the one write path every command takes.

A unit of work holds the store's write lock from its first read to its commit, stamps each
command with the recorded time (never earlier than the last stored event's, so the log never
goes back), runs the command's handler and appends the events of every command together, or
nothing at all. `execute_all` runs the commands a user gives; a scenario runs its lines through
the same unit of work (`campaign.app.scenario`).
"""

from __future__ import annotations

import functools
import gc
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from campaign.domain import topics
from campaign.domain.errors import CampaignError, LineError, Refused, StoreError
from campaign.domain.values import plain_text
from campaign.read.collector import collector_paused

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Iterator

    from campaign.app.clock import Clock
    from campaign.app.commands import Command
    from campaign.app.handlers import Result
    from campaign.app.ports import EventStore
    from campaign.app.rights import Rights
    from campaign.app.session import Session
    from campaign.domain.campaign import Campaign
    from campaign.read.projection import CampaignInfo
    from campaign.read.snapshots import SnapshotStore
    from campaign.store.keys import Signer


@dataclass(frozen=True, slots=True)
class Status:
    campaign: Campaign | None
    events: int
    last_recorded: dt.datetime | None
    counts: dict[str, int]


class UnitOfWork:
    """The commands run under one write lock, and their events, appended on `flush` (within
    the same transaction) and when the unit ends."""

    def __init__(self, session: Session, rights: Rights | None = None) -> None:
        from campaign.app.handlers import run  # noqa: PLC0415 (the write side: not for queries)

        self._handle = run  # once a unit, not once a command: a scenario runs 100,000
        self.session = session
        self.rights = rights  # a shared store's role without every right: what it may append
        self.tip: tuple[int, bytes] = (0, b"")  # the log's position and head when it ended

    def actor(self, display: str) -> str:
        """Who the commands are recorded as: on a shared store the database role, with
        `display` beside it as a name; elsewhere `display`."""
        return self.session.store.actor_for(check_actor(display))

    def run(self, command: Command, at: dt.datetime, actor: str) -> Result:
        """Run one command recorded at `at` by `actor` (see `actor`); its events wait for the
        flush, and are refused here when the role may not append them."""
        made = len(self.session.events)
        result = self._handle(command, self.session, at, actor)
        if self.rights is not None:
            self.rights.check(self.session.events[made:])
        return result

    def flush(self) -> int:
        """Append the events queued so far; how many."""
        return self.session.flush()


class Engine:
    def __init__(
        self,
        store: EventStore,
        clock: Clock,
        snapshots: SnapshotStore | None = None,
        signing_key: str | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.snapshots = snapshots
        self.signing_key = signing_key  # a file outside the store: the office's Ed25519 key

    @functools.cached_property
    def signer(self) -> Signer | None:
        """The office's signing key, read when a head is first signed (None: heads unsigned)."""
        if not self.signing_key:
            return None
        from campaign.store.keys import load_signer  # noqa: PLC0415 (cryptography: only if used)

        try:
            return load_signer(Path(self.signing_key))
        except StoreError as error:  # the whole path: which key file is the point
            shown = self.signing_key.replace("\n", "\\n")
            raise StoreError(f"key={shown}: {error}") from None

    def recorded_now(self) -> dt.datetime:
        """The clock's time, raised to the last recorded time so that the log never goes back."""
        now = self.clock.now()
        last = self.store.last_recorded()
        return max(now, last) if last is not None else now

    @contextmanager
    def unit_of_work(self, *, batch: bool = False, simulated: bool = False) -> Iterator[UnitOfWork]:
        """The write lock, a session, and one commit at the end (nothing, if an error leaves).

        `batch`: a long run of commands (a scenario): the often-read aggregates stay in memory
        and, in an empty store, aggregates the batch did not create are known not to exist."""
        from campaign.app.session import Session  # noqa: PLC0415

        with self.store.writing(), _collector_paused() if batch else nullcontext():
            fresh = batch and self.store.head() == 0
            writer = self.store.writer_role()
            rights = None if writer is None or writer[1] else _rights(self.store, writer[0])
            session = Session(self.store, simulated=simulated, keep=batch, fresh=fresh)
            work = UnitOfWork(session, rights)
            yield work
            work.flush()
            work.tip = self.store.tip()

    def execute(self, command: Command, *, actor: str) -> Result:
        return self.execute_all([command], actor=actor)[0]

    def execute_all(
        self,
        commands: Iterable[Command],
        *,
        actor: str,
        where: Callable[[int], str] | None = None,
        then: Callable[[], None] | None = None,
    ) -> list[Result]:
        """All commands or none; an error is located by `where(index)` (1-based) when given.
        `then` runs in the same transaction once every command has passed (what the store
        does beside the events, as an owner's grants). On a shared store the actor recorded is
        the database role, with `actor` as a display name beside it, and each command's events
        are checked against the role's rights (the database checks them again)."""
        display = check_actor(actor)
        results: list[Result] = []
        with self.unit_of_work() as work:
            actor = work.actor(display)
            at = self.recorded_now()
            for index, command in enumerate(commands, 1):
                try:
                    results.append(work.run(command, at, actor))
                except CampaignError as error:
                    if where is None:
                        raise
                    raise LineError(where(index), error) from None
            if then is not None:
                then()
        position, head = work.tip
        return [r._replace(position=position, head=head.hex()) for r in results]

    def campaign(self) -> Campaign | None:
        from campaign.domain.campaign import Campaign  # noqa: PLC0415 (defines its events)

        found = self.store.get(Campaign.ID)
        return found if isinstance(found, Campaign) else None

    def campaign_info(self) -> CampaignInfo | None:
        """The campaign as a query reads it (its year, dates, time zone and settings), folded
        from its stored events like the projection's: no domain class is defined."""
        from campaign.read.projection import CampaignInfo  # noqa: PLC0415

        info: CampaignInfo | None = None
        for topic, state in self.store.states_of(topics.CAMPAIGN_ID):
            if topic == topics.CAMPAIGN_OPENED:
                info = CampaignInfo.opened(state)
            elif topic == topics.CAMPAIGN_AMENDED and info is not None:
                info.amend(state)
        return info

    def status(self) -> Status:
        return Status(
            campaign=self.campaign(),
            events=self.store.head(),
            last_recorded=self.store.last_recorded(),
            counts=self.store.count_by_topic(),
        )

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_actor(actor: str) -> str:
    """Who records a command: a name, with no control or direction-changing character."""
    if not actor.strip():
        raise Refused("actor", actor, "must name who records this")
    try:
        plain_text(actor)
    except ValueError as error:
        raise Refused("actor", actor, str(error)) from None
    return actor.strip()


def _rights(store: EventStore, role: str) -> Rights:
    """What `role` may append (a shared store's role without every right)."""
    from campaign.app.rights import Rights  # noqa: PLC0415 (defines the access aggregate)

    return Rights.of(store, role)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A long batch allocates millions of short-lived objects without reference cycles;
    Python's cyclic collector would rescan the growing heap again and again (a fifth of a
    load's time at a million lines). Collect once at the end instead."""
    try:
        with collector_paused():
            yield
    finally:
        gc.collect()
