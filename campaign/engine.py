"""The composition root: a store, a clock, and the commands run against them.

`Engine.execute_all` runs one or more commands as a single unit: it takes the write lock, stamps
the recorded time (never earlier than the last stored event's), runs every command's handler and
appends all their events in one commit, or nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from campaign.clock import Clock, SystemClock
from campaign.domain import Campaign
from campaign.errors import CampaignError, LineError, Refused
from campaign.handlers import Result, Session, run

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable

    from campaign.commands import Command
    from campaign.store import Store


@dataclass(frozen=True, slots=True)
class Status:
    campaign: Campaign | None
    events: int
    last_recorded: dt.datetime | None
    counts: dict[str, int]


class Engine:
    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        self.store = store
        self.clock: Clock = clock or SystemClock()

    def recorded_now(self) -> dt.datetime:
        """The clock's time, raised to the last recorded time so that the log never goes back."""
        now = self.clock.now()
        last = self.store.last_recorded()
        return max(now, last) if last is not None else now

    def execute(self, command: Command, *, actor: str) -> Result:
        return self.execute_all([command], actor=actor)[0]

    def execute_all(
        self,
        commands: Iterable[Command],
        *,
        actor: str,
        where: Callable[[int], str] | None = None,
    ) -> list[Result]:
        """All commands or none; an error is located by `where(index)` (1-based) when given."""
        if not actor.strip():
            raise Refused("actor", actor, "must name who records this")
        results: list[Result] = []
        with self.store.writing():
            at = self.recorded_now()
            session = Session(self.store)
            for index, command in enumerate(commands, 1):
                try:
                    results.append(run(command, session, at, actor))
                except CampaignError as error:
                    if where is None:
                        raise
                    raise LineError(where(index), error) from None
            session.flush()
        return results

    def campaign(self) -> Campaign | None:
        found = self.store.get(Campaign.ID)
        return found if isinstance(found, Campaign) else None

    def status(self) -> Status:
        return Status(
            campaign=self.campaign(),
            events=self.store.head(),
            last_recorded=self.store.last_recorded(),
            counts=self.store.count_by_topic(),
        )
