"""A checkpoint uses the settings in force on its as_of (SPEC §3 amend campaign): the light
thresholds, the targets, the checkpoints and the calendar of every working-day count; and the
amendments travel through snapshots like every other event."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from campaign import checkpoint_document, series_document
from campaign.read.replay import replay_log
from campaign.read.snapshots import SnapshotStore, dump, restore
from tests.conftest import CAMPAIGN_2020

if TYPE_CHECKING:
    from tests.conftest import Harness

D = dt.date.fromisoformat


def light_of(h: Harness, as_of: str, code: str = "ZZ-001") -> str:
    doc = checkpoint_document(h.engine, D(as_of), None, snapshots=False)
    (row,) = [p for p in doc["projects"] if p["code"] == code]
    return str(row["light"])


def reported(h: Harness) -> None:
    # 15,000 万元 planned, 5,000 done: a third of the plan; spi 0.8 at 序时 5/12 (31 May),
    # about 0.805 on 30 May (序时 (4 + 30/31) / 12)
    h.run("report_progress", code="ZZ-001", date="2020-05-20", investment="5000")
    h.run("reach_milestone", code="ZZ-001", milestone="signed", date="2020-04-01")
    h.run("reach_milestone", code="ZZ-001", milestone="started", date="2020-04-10")


def test_the_light_thresholds_in_force_on_as_of_colour_the_project(sqlite_opened: Harness) -> None:
    h = sqlite_opened
    reported(h)
    h.run("amend_campaign", date="2020-05-31", reason="提高门槛", lights={"green": "0.9"})
    assert light_of(h, "2020-05-30") == "green"  # spi ≈ 0.805 >= 0.8, the opening threshold
    assert light_of(h, "2020-05-31") == "yellow"  # spi 0.8 < 0.9 from 31 May, >= 0.6


def test_the_targets_in_force_on_as_of_are_reported(sqlite_opened: Harness) -> None:
    h = sqlite_opened
    reported(h)
    share = {"name": "技改投资占比", "kind": "tech_renovation_share", "goal": "40%"}
    h.run("amend_campaign", date="2020-05-01", reason="增设目标", targets=[share])
    before = checkpoint_document(h.engine, D("2020-04-30"), None, snapshots=False)
    after = checkpoint_document(h.engine, D("2020-05-01"), None, snapshots=False)
    assert [t["kind"] for t in before["targets"]] == ["fixed_asset_investment"]
    assert [(t["kind"], t["goal"]) for t in after["targets"]] == [("tech_renovation_share", 0.4)]


def test_the_calendar_in_force_on_as_of_counts_overdue_working_days(sqlite_opened: Harness) -> None:
    h = sqlite_opened
    request = h.run(
        "file_factor", code="ZZ-001", category="approval", detail="施工许可", date="2020-06-01"
    )  # due 7 working days after: 10 June

    def reasons(as_of: str) -> list[dict[str, Any]]:
        doc = checkpoint_document(h.engine, D(as_of), None, snapshots=False)
        return [
            r for row in doc["lagging"] for r in row["reasons"] if r.get("request") == request.id
        ]

    def overdue(wd: int) -> list[dict[str, Any]]:
        return [{"kind": "factor", "request": request.id, "category": "approval", "overdue_wd": wd}]

    # as of 12 June: overdue 11 and 12 June, 2 working days
    assert reasons("2020-06-12") == overdue(2)
    h.run(
        "amend_campaign",
        date="2020-06-12",
        reason="临时放假",
        holidays=[*CAMPAIGN_2020["holidays"], "2020-06-12"],
    )
    # from 12 June, 12 June rests: 1 working day; as of 11 June nothing changed
    assert reasons("2020-06-12") == overdue(1)
    assert reasons("2020-06-11") == overdue(1)


def test_the_checkpoint_series_follows_the_checkpoints_in_force(sqlite_opened: Harness) -> None:
    h = sqlite_opened
    h.run(
        "amend_campaign",
        date="2020-05-01",
        reason="调度节点调整",
        checkpoints=["2020-05-15", "2020-06-15"],
    )
    rows = series_document(h.engine, "checkpoints", D("2020-06-30"), None)["rows"]
    assert [r["as_of"] for r in rows] == ["2020-05-15", "2020-06-15"]


def test_an_amendment_recorded_later_changes_the_known_at_views_only(
    sqlite_opened: Harness,
) -> None:
    h = sqlite_opened
    reported(h)
    h.clock.advance(days=3)  # recorded on 13 July
    h.run("amend_campaign", date="2020-05-31", reason="提高门槛", lights={"green": "0.9"})
    then = checkpoint_document(h.engine, D("2020-05-31"), "2020-07-11", snapshots=False)
    now = checkpoint_document(h.engine, D("2020-05-31"), None, snapshots=False)
    assert then["zone"]["lights"]["green"] == 1
    assert now["zone"]["lights"]["yellow"] == 1


def test_a_snapshot_keeps_the_amendments(sqlite_opened: Harness) -> None:
    h = sqlite_opened
    reported(h)
    h.run("amend_campaign", date="2020-05-31", reason="提高门槛", lights={"green": "0.9"})
    reader = h.engine.store.reader()
    try:
        folded = replay_log(reader).projection
    finally:
        reader.close()
    restored = restore(dump(folded))
    assert restored.campaign is not None and folded.campaign is not None
    day = D("2020-06-30")
    assert restored.campaign.settings_on(day) == folded.campaign.settings_on(day)
    assert restored.amended == folded.amended
    cache = SnapshotStore(h.engine.store, 100_000, bytes(32))
    assert cache.every == 100_000
