"""`reproduce` on a log the engine did not write (SPEC §6.7): a publication that cannot be
reproduced is named with what keeps it from reproducing, and the others are still checked.

The store is a SQLite file holding the demo scenario (49 events, the last recorded on
2020-07-03); the forger drops its triggers, rewrites stored events and writes the chain and
the tree again, so that the log verifies in itself.
"""

from __future__ import annotations

import datetime as dt

import pytest

from campaign import Settings, open_engine
from campaign.app.queries import publish
from campaign.audit.reproduce import Problem, Unfolded, reproduce
from campaign.audit.verify import verify
from tests.forger import attacker, rechain
from tests.integration.demo import LATER

APRIL = 30  # the position the checkpoint of 2020-04-30 as known at 2020-05-01 reads
JUNE = 47  # the position the checkpoint of 2020-06-30 as known at 2020-07-01 reads


def published(db: str, *queries: tuple[dt.date, str | None]) -> None:
    with open_engine(Settings(db=db, clock=LATER)) as engine:
        for as_of, known_at in queries:
            publish(engine, as_of, known_at, actor="office")


def test_the_results_come_in_the_order_of_the_publications_in_the_log(demo: str) -> None:
    """Given the June checkpoint published before the April one (which reads less of the
    log), the results follow the publications, each with its own position and the one read."""
    published(demo, (dt.date(2020, 6, 30), "2020-07-01"), (dt.date(2020, 4, 30), "2020-05-01"))
    with open_engine(Settings(db=demo, clock=LATER)) as engine:
        results = reproduce(engine)
    assert [(r.at, r.as_of, r.position, r.status) for r in results] == [
        (50, "2020-06-30", JUNE, "ok"),
        (51, "2020-04-30", APRIL, "ok"),
    ]
    assert all(r.head_hash == r.log_head_hash and r.published == r.computed for r in results)


def test_a_log_that_cannot_be_folded_names_the_stretch_and_spares_what_comes_before_it(
    demo: str,
) -> None:
    """Given a June report renamed to a project the log never registers: the April
    publication, which reads the log before it, still reproduces; the June one is named not
    reproducible, with the stretch of the log the fold refused and what it named."""
    published(demo, (dt.date(2020, 4, 30), "2020-05-01"), (dt.date(2020, 6, 30), "2020-07-01"))
    with attacker(demo) as conn:
        conn.execute(
            "UPDATE stored_events SET originator_id = replace(originator_id, 'DM-00', 'DM-99'), "
            'state = replace(state, \'"code":"DM-00\', \'"code":"DM-99\') WHERE rowid = 44'
        )
        rechain(conn)
    with open_engine(Settings(db=demo, clock=LATER)) as engine:
        assert verify(engine.store).ok  # consistent in itself
        april, june = reproduce(engine)
    assert april.ok
    assert june.status == "not_reproducible"
    assert june.problem == Problem(
        "position", JUNE, "unreadable", Unfolded(APRIL + 1, JUNE, "DM-991", None)
    )
    assert "'DM-991'" in june.problem.text() and "did not write this log" in june.problem.text()


@pytest.mark.parametrize(
    ("position", "rule"),
    [(-3, "not_position"), (True, "not_whole"), ([47], "not_whole"), (51, "not_before")],
)
def test_a_position_that_is_not_one_the_publication_could_have_read_is_named(
    demo: str, position: object, rule: str
) -> None:
    published(demo, (dt.date(2020, 4, 30), "2020-05-01"), (dt.date(2020, 6, 30), "2020-07-01"))
    with attacker(demo) as conn:
        conn.execute(
            "UPDATE stored_events SET state = CAST(json_set(CAST(state AS TEXT), '$.position', "
            "json(?)) AS BLOB) WHERE rowid = 51",
            (str(position).lower() if isinstance(position, bool) else str(position),),
        )
        rechain(conn)
    with open_engine(Settings(db=demo, clock=LATER)) as engine:
        april, june = reproduce(engine)
    assert april.ok
    assert june.problem is not None
    assert (june.problem.field, june.problem.value, june.problem.rule) == (
        "position",
        position,
        rule,
    )
    assert june.computed is None and june.status == "not_reproducible"
