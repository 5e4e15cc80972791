"""Recompute every published checkpoint from the log as it stood at the position it read, and
compare state hashes (SPEC §6.7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from campaign.figures.checkpoint import checkpoint
from campaign.figures.receipt import state_hash
from campaign.read.fold import Folder, elided

if TYPE_CHECKING:
    from campaign.app.engine import Engine


@dataclass(frozen=True, slots=True)
class Reproduction:
    as_of: str
    known_at: str | None
    position: int
    published: str
    computed: str
    head_matches: bool

    @property
    def ok(self) -> bool:
        return self.published == self.computed and self.head_matches


def reproduce(engine: Engine) -> list[Reproduction]:
    """Recompute every published checkpoint from the log as it stood at the position it read:
    one pass over the log (no snapshots), stopping at each publication's position in turn."""
    reader = engine.store.reader()
    try:
        everything = Folder()
        everything.fold(reader.batches(0, reader.head()[1], elided()))
        publications = sorted(everything.p.publications, key=lambda p: int(p["position"]))
        folder = Folder()
        after = 0
        results = []
        for published in publications:
            position = int(published["position"])
            upto, head = reader.chain_at(position)
            folder.fold(reader.batches(after, upto, elided()))
            folder.p.position, after = position, upto
            known_at = published.get("known_at")
            document = checkpoint(
                folder.p, dt.date.fromisoformat(published["as_of"]), known_at=known_at
            )
            results.append(
                Reproduction(
                    as_of=published["as_of"],
                    known_at=known_at,
                    position=position,
                    published=published["state_hash"],
                    computed=state_hash(document),
                    head_matches=head.hex() == published["head_hash"],
                )
            )
    finally:
        reader.close()
    return results
