from __future__ import annotations

from campaign import FixedClock, Settings, open_engine
from tests.conftest import Harness


def test_a_report_is_appended_once_and_a_repeat_appends_nothing(opened: Harness) -> None:
    before = opened.events()
    first = opened.run("report_progress", code="ZZ-001", date="2020-04-16", investment="120.5")
    again = opened.run("report_progress", code="ZZ-001", date="2020-04-16", investment="120.50")
    assert (first.appended, again.appended) == (1, 0)
    assert opened.events() == before + 1


def test_both_backends_store_a_campaign(any_db: str, clock: FixedClock) -> None:
    with open_engine(Settings(db=any_db, clock=clock)) as engine:
        h = Harness(engine)
        h.open()
        h.register()
        assert h.events() == 2
