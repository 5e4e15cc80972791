"""A unit of work appends a new day's report by its event alone, and makes the report itself
only when a later command of the unit reads it (`Session.add_created`): what it appends is
the event the library's creation of the report records, and a report read back in the same
unit (repeated, corrected), before or after a flush, is the one the log holds."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from campaign import LineError, Settings, open_engine, parse_command
from campaign.app import scenario
from campaign.app.commands import COMMANDS, Command
from campaign.app.handlers import _HANDLERS, handle
from campaign.app.scenario import load
from campaign.domain.campaign import Campaign
from campaign.domain.events import Stamp
from campaign.domain.project import Project
from campaign.domain.report import DailyReport, _stored_values
from tests.conftest import CAMPAIGN_2020, PROJECT, at, stored_events

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import Harness


def test_a_reports_event_is_the_one_the_librarys_creation_records(opened: Harness) -> None:
    campaign = opened.store.get(Campaign.ID)
    project = opened.store.get(Project.id_for("ZZ-001"))
    assert isinstance(campaign, Campaign) and isinstance(project, Project)
    stamp = Stamp(actor="ZZ-001项目部", at=at("2020-04-17 09:30"), today=dt.date(2020, 4, 17))
    day = dt.date(2020, 4, 16)
    values = {
        "investment": Decimal("120.5"),
        "funds": Decimal("100"),
        "physical_pct": Decimal("12.5"),
        "workers": 40,
        "note": "主体施工",
    }
    created = DailyReport(  # the library's creation: the aggregate and its pending event
        code="ZZ-001", date=day, actor=stamp.actor, timestamp=stamp.at, **_stored_values(values)
    )
    (recorded,) = created.collect_events()
    event = DailyReport.report(
        project=project, campaign=campaign, date=day, values=values, stamp=stamp
    )
    assert event == recorded
    assert event.originator_id == "report:ZZ-001:2020-04-16" and event.originator_version == 1
    made = event.mutate(None)  # the report a later command reads
    assert isinstance(made, DailyReport)
    assert made.current_values() == created.current_values() == values
    assert (made.id, made.version) == (created.id, created.version)


def line(when: str, cmd: str, **fields: Any) -> str:
    return json.dumps({"at": f"{when}+08:00", "cmd": cmd, **fields}, ensure_ascii=False)


OPENING = [
    line("2020-03-23T09:00:00", "open_campaign", **CAMPAIGN_2020),
    line("2020-03-23T09:00:01", "register_project", **PROJECT),
]
DAY = {"code": "ZZ-001", "date": "2020-04-16"}
READ_BACK = [
    line("2020-04-16T18:00:00", "report_progress", **DAY, investment="120.5"),
    line("2020-04-16T18:00:01", "report_progress", **DAY, investment="120.5"),  # again: nothing
    line("2020-04-17T09:00:00", "correct_progress", **DAY, investment="130", reason="漏报"),
    line("2020-04-17T09:00:01", "report_progress", **DAY, investment="130"),  # as corrected
    line("2020-04-17T18:00:00", "report_progress", code="ZZ-001", investment="5"),  # 04-17
    line(
        "2020-04-18T09:00:00",
        "correct_progress",
        code="ZZ-001",
        date="2020-04-17",
        funds="3",
        reason="补报到位资金",
    ),
]


def loaded(tmp_path: Path, lines: list[str]) -> list[tuple[str, dict[str, Any]]]:
    path = tmp_path / "s.jsonl"
    path.write_text("".join(f"{text}\n" for text in lines), encoding="utf-8")
    db = str(tmp_path / "s.db")
    with open_engine(Settings(db=db)) as engine:
        load(engine, path, actor="办公室")
        return stored_events(engine.store)


@pytest.mark.parametrize("every", [1, 2, scenario.FLUSH_EVERY])
def test_reports_read_back_in_the_same_load_are_the_ones_appended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, every: int
) -> None:
    """Flushed after every command, every other command, or once at the end: the repeats
    append nothing, the corrections follow their reports, whether the report was read from
    the unit or from the store."""
    monkeypatch.setattr(scenario, "FLUSH_EVERY", every)
    events = loaded(tmp_path, OPENING + READ_BACK)
    reports = [(kind, state) for kind, state in events if kind.startswith("DailyReport.")]
    assert [(kind, state["date"]) for kind, state in reports] == [
        ("DailyReport.Reported", "2020-04-16"),
        ("DailyReport.Corrected", "2020-04-16"),
        ("DailyReport.Reported", "2020-04-17"),
        ("DailyReport.Corrected", "2020-04-17"),
    ]
    assert reports[0][1]["investment_yuan"] == 1_205_000
    assert reports[1][1]["investment_yuan"] == 1_300_000
    assert reports[3][1]["funds_yuan"] == 30_000 and "investment_yuan" not in reports[3][1]


@pytest.mark.parametrize("every", [1, scenario.FLUSH_EVERY])
def test_the_reports_first_values_repeated_after_its_correction_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, every: int
) -> None:
    monkeypatch.setattr(scenario, "FLUSH_EVERY", every)
    stale = line("2020-04-17T10:00:00", "report_progress", **DAY, investment="120.5")
    lines = OPENING + READ_BACK[:3] + [stale]
    with pytest.raises(LineError) as caught:
        loaded(tmp_path, lines)
    assert str(caught.value) == (
        "line 6: investment=120.50: differs from the 2020-04-16 report of ZZ-001 (130.00); "
        "use correct to change it"
    )


REPORT = {"code": "ZZ-001", "date": "2020-04-16", "investment": "120.5"}


def test_a_report_taken_back_in_its_unit_is_appended_again(opened: Harness) -> None:
    """A command taken back (a refused row of an import) forgets the report it made: the
    same report again is a new one, not a repeat."""
    command = parse_command("report_progress", REPORT)
    before = opened.events()
    with opened.engine.unit_of_work() as work:
        mark = work.session.mark()
        assert work.run(command, opened.clock.now(), "t").appended == 1
        work.session.undo(mark)
        assert work.run(command, opened.clock.now(), "t").appended == 1
    assert opened.events() == before + 1


def test_a_report_made_in_the_unit_is_not_read_ahead_as_absent(opened: Harness) -> None:
    """Read ahead after it was made and before a flush, the report is still the unit's: the
    same report after the flush is a repeat."""
    command = parse_command("report_progress", REPORT)
    day = DailyReport.id_for("ZZ-001", dt.date(2020, 4, 16))
    with opened.engine.unit_of_work() as work:
        assert work.run(command, opened.clock.now(), "t").appended == 1
        work.session.preload([day])
        work.flush()
        again = work.run(command, opened.clock.now(), "t")
    assert again.appended == 0 and again.message.endswith("already recorded, nothing appended")


def _commands(cls: type[Command]) -> list[type[Command]]:
    """The engine's commands (not those a test makes up)."""
    found = [c for sub in cls.__subclasses__() for c in (sub, *_commands(sub))]
    return [c for c in found if c.__module__.startswith("campaign.")]


def test_every_command_is_run_by_its_own_handler() -> None:
    commands = _commands(Command)
    assert set(COMMANDS.values()) < set(commands)  # and those a scenario does not name
    for cls in commands:
        assert _HANDLERS[cls] is handle.dispatch(cls) is not handle.dispatch(object)


def test_a_command_without_a_handler_is_not_run(opened: Harness) -> None:
    class Unheard(Command):
        cmd: ClassVar[str] = "unheard"

    with opened.engine.unit_of_work() as work, pytest.raises(NotImplementedError, match="Unheard"):
        work.run(Unheard(), at("2020-04-17 09:30"), "区重点项目办")
