"""The unit of work: the aggregates that one command, or one batch of commands, reads and
changes, and the events they record, appended together by the engine once every command of the
unit has passed."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, TypeVar, cast

from campaign.domain.campaign import Campaign
from campaign.domain.errors import Refused
from campaign.domain.events import Aggregate, Stamp
from campaign.domain.project import Project

if TYPE_CHECKING:
    from collections.abc import Iterable

    from campaign.app.ports import EventStore
    from campaign.domain.factor import FactorRequest

A = TypeVar("A", bound=Aggregate)

# Aggregates worth keeping in memory across a long batch (a scenario): few, and read often
# (by name: the factor aggregates are defined only when a command uses them).
_KEEP = frozenset({"Campaign", "Project", "FactorRequest", "FactorKey"})

_MADE: dict[type, bool] = {}
"""Whether a class of what a command touched is an aggregate's (or an event's, of an aggregate
not made yet), asked once a class: `isinstance` asks ABCMeta, 0.1 µs a command."""


class Session:
    """A unit of work: the aggregates that one command (or one batch) reads and changes."""

    def __init__(
        self, store: EventStore, *, simulated: bool = False, keep: bool = False, fresh: bool = False
    ) -> None:
        """`keep`: hold the few, often-read aggregates across a long batch. `fresh`: the store
        was empty when the batch began, so an aggregate this session did not create does not
        exist (no need to ask the store); ids are remembered by their hash, and a collision
        only costs a look in the store."""
        self.store = store
        self.simulated = simulated
        self.created: set[int] | None = set() if fresh else None
        self.recent: dict[str, Aggregate] = {}  # changed since the last flush
        # Created since the last flush by their events alone (`add_created`), each aggregate
        # made from its event when a command first reads it.
        self.unmade: dict[str, Aggregate.Created] = {}
        self.events: list[Aggregate.Event] = []  # their events, in the order the commands ran
        self._touched: list[Aggregate | Aggregate.Created] = []
        self.kept: dict[str, Aggregate] | None = {} if keep else None
        # Aggregates read ahead by `preload`; None marks an id known not to exist.
        self.preloaded: dict[str, Aggregate | None] = {}
        self.stamp = Stamp(actor="", at=dt.datetime.min.replace(tzinfo=dt.UTC), today=dt.date.min)
        self._campaign: Campaign | None = None
        self._zone: zoneinfo.ZoneInfo | None = None

    # Reading.

    def find(self, cls: type[A], aggregate_id: str) -> A | None:
        found = self.recent.get(aggregate_id)
        if found is None and self.kept is not None:
            found = self.kept.get(aggregate_id)
        if found is None and aggregate_id in self.unmade:
            found = self._make(aggregate_id)
        elif found is None and aggregate_id in self.preloaded:
            found = self.preloaded[aggregate_id]
        elif found is None and (self.created is None or hash(aggregate_id) in self.created):
            found = self.store.get(aggregate_id)
            if found is not None and self.kept is not None and type(found).__name__ in _KEEP:
                self.kept[aggregate_id] = found
        if found is not None and not isinstance(found, cls):
            raise Refused(
                "id", aggregate_id, f"names a {type(found).__name__}, not a {cls.__name__}"
            )
        return found

    def _make(self, aggregate_id: str) -> Aggregate:
        """The aggregate of an event `add_created` queued, as the library's creation makes
        it; changed since the last flush like any other."""
        made = self.unmade.pop(aggregate_id).mutate(None)
        assert made is not None  # a created event always makes its aggregate
        self.recent[aggregate_id] = made
        return made

    def campaign(self) -> Campaign:
        if self._campaign is None:
            found = self.find(Campaign, Campaign.ID)
            if found is None:
                raise Refused("campaign", None, "no campaign is open in this store; open one first")
            self._campaign = found
        return self._campaign

    def project(self, code: str) -> Project:
        found = self.find(Project, Project.id_for(code))
        if found is None:
            raise Refused("code", code, "is not a registered project")
        return found

    def request(self, request_id: str) -> FactorRequest:
        from campaign.domain.factor import FactorRequest  # noqa: PLC0415 (defined when first used)

        found = self.find(FactorRequest, FactorRequest.id_for(request_id))
        if found is None:
            raise Refused("id", request_id, "is not a filed factor request")
        return found

    def preload(self, aggregate_ids: Iterable[str]) -> None:
        """Read many aggregates at once, ahead of the commands that need them (a bulk import:
        a row's project and its report for the day); the ids not found are then known not to
        exist, so those commands ask the store nothing. Only inside the unit of work: the
        write lock keeps what was read current."""
        wanted = [
            i
            for i in aggregate_ids
            if i not in self.preloaded and i not in self.recent and i not in self.unmade
        ]
        found = self.store.get_many(wanted)
        for aggregate_id in wanted:
            self.preloaded[aggregate_id] = found.get(aggregate_id)

    # Writing.

    def begin(self, at: dt.datetime, actor: str, zone: str | None = None) -> None:
        """Stamp the next command: recorded at `at`; today is `at`'s date in the campaign zone."""
        if zone is not None:
            tz = zoneinfo.ZoneInfo(zone)
        else:
            if self._zone is None:
                self._zone = zoneinfo.ZoneInfo(self.campaign().timezone)
            tz = self._zone
        try:
            today = at.astimezone(tz).date()
        except OverflowError:  # a simulated time at the very ends of the calendar
            raise Refused(
                "at",
                at.isoformat(),
                f"is outside the times that can be recorded (in the campaign's time zone, "
                f"{tz.key}, it falls before the year 1 or after 9999)",
            ) from None
        # by position: a named tuple made from keywords costs a scenario line 0.2 µs more
        self.stamp = Stamp(actor, at, today)

    def add(self, aggregate: Aggregate) -> None:
        """Mark an aggregate changed by the running command (in the order of its events)."""
        if all(aggregate is not t for t in self._touched):
            self._touched.append(aggregate)
        self.recent[aggregate.id] = aggregate
        if aggregate.id in self.preloaded:  # created (or changed) by this unit: no longer absent
            self.preloaded[aggregate.id] = aggregate
        if self.created is not None:
            self.created.add(hash(aggregate.id))
        if self.kept is not None and type(aggregate).__name__ in _KEEP:
            self.kept[aggregate.id] = aggregate

    def add_created(self, created: Aggregate.Created) -> None:
        """A new aggregate, by the event that creates it (one the library's creation would
        record): its event is queued as `add`'s are, and the aggregate made only if a later
        command reads it (`find`)."""
        aggregate_id = created.originator_id
        self._touched.append(created)
        self.unmade[aggregate_id] = created
        if aggregate_id in self.preloaded:  # read ahead as absent: found here after a flush too
            self.preloaded[aggregate_id] = self._make(aggregate_id)
        if self.created is not None:
            self.created.add(hash(aggregate_id))

    def end_command(self) -> int:
        """Queue the running command's events after those of the commands before it."""
        before = len(self.events)
        for touched in self._touched:
            kind = type(touched)
            made = _MADE.get(kind)
            if made is None:
                made = _MADE[kind] = isinstance(touched, Aggregate)
            if made:
                events = cast("Aggregate", touched).collect_events()
                self.events.extend(cast("list[Aggregate.Event]", events))
            else:
                self.events.append(cast("Aggregate.Created", touched))
        self._touched.clear()
        return len(self.events) - before

    def mark(self) -> int:
        """Where the queue stands before a command that `undo` may take back."""
        return len(self.events)

    def undo(self, mark: int) -> None:
        """Take back the running command, refused: forget the events it made (queued after
        `mark`, or still pending on its aggregates when it was refused half way), and read the
        aggregates they changed again, as the log and the commands before it leave them. A
        command's rules are checked before its events are made, so usually there is nothing to
        take back; a shared store's rights, though, are checked on the events made."""
        self.end_command()
        dropped = self.events[mark:]
        del self.events[mark:]
        created = {e.originator_id: isinstance(e, Aggregate.Created) for e in reversed(dropped)}
        for aggregate_id, new in created.items():
            restored = None if new else self._as_left(aggregate_id)
            self.recent.pop(aggregate_id, None)
            self.unmade.pop(aggregate_id, None)
            if self.kept is not None:
                self.kept.pop(aggregate_id, None)
            if aggregate_id in self.preloaded:
                self.preloaded[aggregate_id] = restored
            if restored is not None:
                self.recent[aggregate_id] = restored

    def _as_left(self, aggregate_id: str) -> Aggregate | None:
        """An aggregate as the log (with what the unit flushed) and the queued events leave it."""
        aggregate = self.store.get(aggregate_id)
        for event in self.events:
            if event.originator_id == aggregate_id and (
                aggregate is None or event.originator_version > aggregate.version
            ):
                aggregate = event.mutate(aggregate)
        return aggregate

    def flush(self) -> int:
        """Append the queued events in command order (inside the caller's write transaction)."""
        if not self.events:
            return 0
        appended = self.store.append(self.events)
        self.events.clear()
        self.recent.clear()
        self.unmade.clear()
        return appended
