from __future__ import annotations

from campaign import Store
from tests.conftest import Harness


def test_a_report_is_appended_once_and_a_repeat_appends_nothing(opened: Harness) -> None:
    before = opened.events()
    first = opened.run("report_progress", code="ZZ-001", date="2020-04-16", investment="120.5")
    again = opened.run("report_progress", code="ZZ-001", date="2020-04-16", investment="120.50")
    assert (first.appended, again.appended) == (1, 0)
    assert opened.events() == before + 1


def test_both_backends_store_a_campaign(any_db: str, clock) -> None:  # type: ignore[no-untyped-def]
    with Store(any_db) as store:
        h = Harness(store, clock)
        h.open()
        h.register()
        assert h.events() == 2
