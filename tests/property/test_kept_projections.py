"""The projection kept as the log grows is the projection a full replay gives (issue 14's
acceptance), over random logs (hypothesis).

Between the appends of a random log (reports, some late or corrected, factor requests,
milestones, revisions, terminations), queries and bulk catch-ups keep projection snapshots,
every few events, at the ends of checkpoint days and at the head, as they do in use. Then
any (as_of, known_at) asked of the kept projection (a snapshot and the tail folded after it)
gives what the full replay from the first event gives: the same projection, the same
checkpoint document, the same state_hash.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING, Any

from hypothesis import given
from hypothesis import strategies as st

from campaign import Engine, FixedClock
from campaign.app.queries import catch_up, checkpoint_document, replay, resolve_as_of
from campaign.read.snapshots import content, dump
from tests.conftest import SHANGHAI
from tests.strategies import DAYS, SETTINGS, START, Tally, as_of_days, build, cut_hours, logs

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

LATER = FixedClock(dt.datetime(2020, 12, 31, tzinfo=SHANGHAI))
FIRST_DAY = DAYS[0]
EVERY = 4
"""Events between snapshots taken by a long fold: small, so that the short logs here get many."""

known_ats = st.one_of(st.none(), cut_hours)
# (the hour before whose command it runs, as_of, known_at hour, a bulk catch-up instead)
between = st.lists(st.tuples(cut_hours, as_of_days, known_ats, st.booleans()), max_size=6)
asked = st.lists(st.tuples(as_of_days, known_ats), min_size=1, max_size=4)


def known(hours: int | None) -> str | None:
    return None if hours is None else (START + dt.timedelta(hours=hours, minutes=30)).isoformat()


def later(engine: Engine) -> Engine:
    """The engine on the same store and snapshots, asked later than anything in the log."""
    return Engine(engine.store, LATER, engine.snapshots)


def kept_positions(db: Path) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT position FROM projection_snapshots")]


def state(engine: Engine, as_of: dt.date, known_at: str | None, *, snapshots: bool) -> bytes:
    """The whole projection replayed for the query, as the bytes a snapshot of it holds."""
    _, timezone = resolve_as_of(engine, as_of)
    return content(dump(replay(engine, known_at, timezone, snapshots=snapshots).projection))


def test_the_projection_kept_as_the_log_grows_is_what_a_full_replay_gives(
    tmp_path_factory: pytest.TempPathFactory, record_property: Any
) -> None:
    tally = Tally()
    served = []  # per example: did snapshots exist when the final queries ran

    @SETTINGS
    @given(log=logs(), between=between, asked=asked)
    def example(
        log: list[Any],
        between: list[tuple[int, dt.date, int | None, bool]],
        asked: list[tuple[dt.date, int | None]],
    ) -> None:
        # and a bulk catch-up halfway through, so that every log of a few commands has
        # snapshots kept before its end (the queries drawn may all fall before its first)
        middle = [(log[len(log) // 2][0], FIRST_DAY, None, True)] if len(log) > 1 else []
        pending = sorted([*between, *middle], key=lambda query: query[0])

        def before(engine: Engine, hours: int) -> None:
            while pending and pending[0][0] <= hours:
                _, as_of, cut, bulk = pending.pop(0)
                if bulk:
                    catch_up(engine)
                else:
                    checkpoint_document(later(engine), as_of, known(cut))

        db = tmp_path_factory.mktemp("kept") / "c.db"
        with build(db, log, snapshot_every=EVERY, before=before) as built:
            tally.add(built)
            served.append(bool(kept_positions(db)))
            engine = later(built.engine)
            for _ in range(2):  # the second round is served by what the first one kept
                for as_of, cut in asked:
                    at = known(cut)
                    kept = checkpoint_document(engine, as_of, at)
                    full = checkpoint_document(engine, as_of, at, snapshots=False)
                    assert kept == full
                    assert kept["receipt"]["state_hash"] == full["receipt"]["state_hash"]
                    assert state(engine, as_of, at, snapshots=True) == state(
                        engine, as_of, at, snapshots=False
                    )
            assert kept_positions(db), "no snapshot was kept: the kept projection went untested"

    example()
    record_property("accepted", tally.summary())
    tally.check(mean_at_least=10)
    # the queries between the appends kept snapshots in most logs before the final ones ran
    assert sum(served) >= len(served) // 2, f"snapshots kept before the end in {served}"
