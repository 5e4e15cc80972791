"""`campaign import` refuses a log the engine could not have written, even when its chain and
header were written afresh to match: an event under another aggregate's id, values its command
refuses, money that is not whole cents of 万元, an event the log before it does not allow (a
milestone out of order, a report outside its project's registration and termination, a request
handled against its history), bytes the engine does not write. The line, the field, the value
and the rule are named, and nothing is stored.

Each file is the demo campaign's export, with one event changed as a forger holding the file
would change it (tests/integration/test_audit_diagnosis.py builds the same files).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson
import pytest
from click.testing import CliRunner

from campaign import Settings, open_engine, open_store, parse_command
from campaign.app.scenario import load
from campaign.audit.transfer import import_log
from campaign.domain.access import Access
from campaign.domain.errors import LineError
from campaign.domain.events import Stamp
from campaign.store.codec import EventMapper, OrjsonTranscoder
from cli.context import Config
from cli.main import cli
from tests.forger import exported, rewritten
from tests.integration.demo import DEMO, LATER

if TYPE_CHECKING:
    from pathlib import Path

DROP = object()
"""A field left out of the changed event."""

Records = list[dict[str, Any]]


@pytest.fixture(scope="module")
def demo_log(tmp_path_factory: pytest.TempPathFactory) -> Records:
    """The demo campaign's 49 events, then an amendment of its checkpoints (position 50)."""
    folder = tmp_path_factory.mktemp("demo")
    db = str(folder / "demo.db")
    with open_engine(Settings(db=db, clock=LATER)) as engine:
        load(engine, DEMO, actor="loader")
        amend = {"date": "2020-07-03", "reason": "加开调度会", "checkpoints": ["2020-07-15"]}
        engine.execute(parse_command("amend_campaign", amend), actor="office")
    return exported(db, folder / "log.jsonl")


@pytest.fixture
def records(demo_log: Records) -> Records:
    return [dict(record) for record in demo_log]


def changed(
    records: Records,
    position: int,
    *,
    oid: str | None = None,
    version: int | None = None,
    **changes: Any,
) -> Records:
    """The event at `position` given new values (DROP leaves a field out), and a new
    originator id or version when the forger needs them."""
    record = records[position - 1]
    state = {k: v for k, v in (json.loads(record["state"]) | changes).items() if v is not DROP}
    record = record | {"state": orjson.dumps(state).decode()}
    if oid is not None:
        record["originator_id"] = oid
    if version is not None:
        record["originator_version"] = version
    records[position - 1] = record
    return records


def refused(records: Records, tmp_path: Path) -> str:
    """What the import of the rewritten records says (`line N: field=value: rule`); the
    store stays empty."""
    file = rewritten(records, tmp_path / "forged.jsonl")
    with open_store(Settings(db=str(tmp_path / "copy.db"))) as store, file.open("rb") as handle:
        with pytest.raises(LineError) as refusal:
            import_log(store, iter(handle))
        assert store.head() == 0
    return str(refusal.value)


Forgery = Callable[[Records], Records]


def case(position: int, said: str, **changes: Any) -> tuple[Forgery, str]:
    """One event changed, and what the import must say of its line (line = position + 1)."""
    return (lambda records: changed(records, position, **changes)), f"line {position + 1}: {said}"


def run_cases(cases: dict[str, tuple[Forgery, str]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("forge", "said"), list(cases.values()), ids=list(cases.keys()))


THE_AGGREGATE = {
    "a report moved to another project under its first project's id": case(
        13,
        "originator_id=report:DM-001:2020-03-20: is not report:DM-002:2020-03-20, the id the "
        "engine gives the aggregate of a DailyReport.Reported event of code DM-002, date "
        "2020-03-20",
        code="DM-002",
    ),
    "a correction of one project's report naming another project": case(
        31,
        "originator_id=report:DM-003:2020-04-30: is not report:DM-001:2020-04-30",
        code="DM-001",
    ),
    "a correction of a report naming another day": case(
        31,
        "originator_id=report:DM-003:2020-04-30: is not report:DM-003:2020-04-15",
        date="2020-04-15",
    ),
    "an escalation of one project's request naming another project": case(
        26,
        "code=DM-002: is not DM-001, the project factor:DM-001-20200408-power was created for",
        code="DM-002",
    ),
    "a report created as another kind of aggregate": case(
        13,
        "originator_topic=campaign.domain:Project: is not campaign.domain:DailyReport",
        originator_topic="campaign.domain:Project",
    ),
    "an amendment of a campaign that was never opened": case(
        50,
        "originator_version=1: is 1, yet a Campaign.Amended event does not create its "
        "aggregate: the log creates no campaign-2 before it",
        oid="campaign-2",
        version=1,
    ),
}


@run_cases(THE_AGGREGATE)
def test_an_event_is_refused_unless_it_belongs_to_the_aggregate_the_engine_gives_it(
    records: Records, tmp_path: Path, forge: Forgery, said: str
) -> None:
    assert refused(forge(records), tmp_path).startswith(said)


def opened_again(records: Records, oid: str, version: int) -> Records:
    """The campaign's opening, recorded once more at the end of the log."""
    last = json.loads(records[-1]["state"])["timestamp"]
    records.append(records[0] | {"originator_id": oid, "originator_version": version})
    return changed(records, len(records), timestamp=last, name="又一场会战")


def test_a_campaign_opened_again_as_the_campaigns_next_version_is_refused(
    records: Records, tmp_path: Path
) -> None:
    assert refused(opened_again(records, "campaign", 3), tmp_path).startswith(
        "line 52: originator_version=3: is not 1, yet a Campaign.Opened event creates its "
        "aggregate: the log creates campaign before it"
    )


def test_a_campaign_opened_again_under_another_id_is_refused(
    records: Records, tmp_path: Path
) -> None:
    assert refused(opened_again(records, "campaign-2", 1), tmp_path).startswith(
        "line 52: name=又一场会战: a campaign is already open in this log (once per store)"
    )


def test_a_request_filed_with_a_key_the_log_never_assigns_is_refused(
    records: Records, tmp_path: Path
) -> None:
    """The engine writes a key's FactorKey.Assigned with the filing (the demo's at position
    22, after its filing at 21): a log without it was not written by the engine."""
    assert json.loads(records[21]["state"])["key"] == "DM-001/2020/power-1"
    del records[21]
    assert refused(records, tmp_path).startswith(
        "line 22: key=DM-001/2020/power-1: files request DM-001-20200408-power, but the log "
        "never assigns the key (FactorKey.Assigned)"
    )
    file = rewritten(records, tmp_path / "blank.jsonl")  # a blank line counts as a line
    lines = file.read_bytes().split(b"\n")
    file.write_bytes(b"\n".join([*lines[:3], b"", *lines[3:]]))
    with (
        open_store(Settings(db=str(tmp_path / "blank.db"))) as store,
        file.open("rb") as handle,
        pytest.raises(LineError) as refusal,
    ):
        import_log(store, iter(handle))
    assert str(refusal.value).startswith("line 23: key=DM-001/2020/power-1: files")


THE_COMMANDS_RULES = {
    "an annual plan over the total investment": case(
        3,
        "annual_plan_yuan=400000000: is more than total_investment_yuan (300000000)",
        annual_plan_yuan=400_000_000,
    ),
    "a planned completion before the planned start": case(
        3,
        "planned_completion=2020-01-01: is before planned_start (2020-04-10)",
        planned_completion="2020-01-01",
    ),
    "a revised plan over the total investment": case(
        42,
        "annual_plan_yuan=400000000: is more than total_investment_yuan (300000000)",
        annual_plan_yuan=400_000_000,
    ),
    "a correction that changes nothing": case(
        31,
        "investment_yuan=(none): a correction must give at least one of investment",
        investment_yuan=DROP,
    ),
    "a time zone the world does not know": case(
        1,
        "timezone=Mars/Olympus: is not a known time zone",
        timezone="Mars/Olympus",
    ),
    "an amendment making a Wednesday a workday": case(
        50,
        "workdays=2020-07-01: is a Wednesday: an adjusted workday (调休) is a Saturday or Sunday",
        workdays=["2020-07-01"],
    ),
    "a percentage over 100, in the command line's words": case(
        13,
        "physical_pct=120: input should be less than or equal to 100",
        physical_pct=120,
    ),
    "a field no event has, in the command line's words": case(
        13,
        "bonus=1: is not a field of this command (in a DailyReport.Reported event)",
        bonus=1,
    ),
}


@run_cases(THE_COMMANDS_RULES)
def test_an_event_is_refused_by_the_rules_of_the_command_that_records_it(
    records: Records, tmp_path: Path, forge: Forgery, said: str
) -> None:
    assert refused(forge(records), tmp_path).startswith(said)


MONEY = {
    "a negative amount that rounds to 0.00": case(
        13, "investment_yuan=-5: is not a multiple of 100 yuan", investment_yuan=-5
    ),
    "an amount of less than a cent of 万元": case(
        13, "investment_yuan=12345: is not a multiple of 100 yuan", investment_yuan=12345
    ),
    "funds in odd yuan": case(
        14, "funds_yuan=7000050: is not a multiple of 100", funds_yuan=7_000_050
    ),
    "a total investment in odd yuan": case(
        2,
        "total_investment_yuan=800000001: is not a multiple of 100",
        total_investment_yuan=800_000_001,
    ),
    "money as a decimal number": case(
        13,
        "investment_yuan=26000000.0: is not a whole number of yuan",
        investment_yuan=26_000_000.0,
    ),
}


@run_cases(MONEY)
def test_money_that_is_not_whole_cents_of_wan_yuan_is_refused(
    records: Records, tmp_path: Path, forge: Forgery, said: str
) -> None:
    assert refused(forge(records), tmp_path).startswith(said)


THE_LOG_BEFORE = {
    "a project's first milestone is production": case(
        10,
        "milestone=production: needs started first (project DM-003 has not)",
        milestone="production",
    ),
    "a milestone reached twice": case(
        33,
        "milestone=signed: project DM-002 already reached it on 2019-12-20",
        milestone="signed",
    ),
    "a milestone reached again after a later one": case(
        39,
        "milestone=signed: project DM-004 already reached it on 2019-02-01",
        milestone="signed",
    ),
    "a milestone dated before the one before it": case(
        20, "date=2020-01-01: is before signed (2020-01-10) of project DM-003", date="2020-01-01"
    ),
    "a milestone after the project's termination": case(
        43,
        "date=2020-06-18: is after project DM-005 was terminated (2020-06-10)",
        oid="project:DM-005",
        version=3,
        code="DM-005",
        milestone="signed",
    ),
    "a plan revised after the project's termination": case(
        42,
        "date=2020-06-15: is after project DM-005 was terminated (2020-06-10)",
        oid="project:DM-005",
        version=3,
        code="DM-005",
    ),
    "a report dated before its project's registration": case(
        13,
        "date=2020-01-05: is before project DM-001 was registered (2020-01-06)",
        oid="report:DM-001:2020-01-05",
        date="2020-01-05",
    ),
    "a report dated after its project's termination": case(
        47,
        "date=2020-06-30: is after project DM-005 was terminated (2020-06-10)",
        oid="report:DM-005:2020-06-30",
        code="DM-005",
    ),
    "a report dated after the day it was recorded": case(
        13,
        "date=2020-03-21: is after the day it was recorded (2020-03-20 in Asia/Shanghai)",
        oid="report:DM-001:2020-03-21",
        date="2020-03-21",
    ),
    "a request due on another day than its time limit gives": case(
        15,
        "due=2020-04-30: is not 2020-04-21, the time limit of land in force on 2020-03-23",
        due="2020-04-30",
    ),
    "a request under an id the engine does not give": case(
        40,
        "request_id=财务-1: is not the id the engine gives this request: DM-002-20200605-finance",
        oid="factor:财务-1",
        request_id="财务-1",
    ),
    "a request filed under a key another request holds": case(
        40,
        "key=DM-001/2020/power-1: already names request DM-001-20200408-power",
        key="DM-001/2020/power-1",
    ),
    "a key assigned to a request not filed with it": case(
        22,
        "request_id=DM-002-20200323-land: is not the request filed with key DM-001/2020/power-1",
        request_id="DM-002-20200323-land",
    ),
    "an extension that does not extend": case(
        25,
        "due=2020-04-20: is not later than the due date in force on 2020-04-17 (2020-04-21)",
        due="2020-04-20",
    ),
    "a resolution dated before the request was filed": case(
        17, "date=2020-03-20: is before the request was filed (2020-03-23)", date="2020-03-20"
    ),
    "a resolution dated before the request's escalation": case(
        27,
        "date=2020-04-23: is before an escalation of this request (2020-04-24)",
        date="2020-04-23",
    ),
}


@run_cases(THE_LOG_BEFORE)
def test_an_event_the_log_before_it_does_not_allow_is_refused(
    records: Records, tmp_path: Path, forge: Forgery, said: str
) -> None:
    assert refused(forge(records), tmp_path).startswith(said)


def test_a_milestone_before_one_already_reached_is_refused(
    records: Records, tmp_path: Path
) -> None:
    changed(records, 39, milestone="production")  # DM-004 in production before completion
    changed(records, 43, milestone="completed", date="2020-06-18")
    assert refused(records, tmp_path).startswith(
        "line 44: milestone=completed: comes before production, which project DM-004 already "
        "reached"
    )


def test_a_project_terminated_twice_is_refused(records: Records, tmp_path: Path) -> None:
    records.insert(41, records[40] | {"originator_version": 3})  # DM-005's termination again
    assert refused(records, tmp_path).startswith(
        "line 43: code=DM-005: was already terminated on 2020-06-10"
    )


def test_a_request_handled_after_its_resolution_is_refused(
    records: Records, tmp_path: Path
) -> None:
    resolved = json.loads(records[33]["state"])  # the land request, resolved (version 3)
    kept = ("timestamp", "actor", "date", "request_id", "code")
    escalated = {k: resolved[k] for k in kept} | {"level": 2, "note": "再次督办"}
    records.insert(
        34,
        records[33]
        | {
            "originator_version": 4,
            "topic": "campaign.domain:FactorRequest.Escalated",
            "state": orjson.dumps(escalated).decode(),
        },
    )
    assert refused(records, tmp_path).startswith(
        "line 36: request_id=DM-002-20200323-land: was already resolved (fulfilled) on 2020-05-29"
    )


WRITTEN = {
    "a value given as null": case(14, "note=(none): is a value the engine leaves out", note=None),
    "a percentage written as a whole number": case(
        14, "physical_pct=70: is not written as the engine writes it (70.0)", physical_pct=70
    ),
}


@run_cases(WRITTEN)
def test_an_event_whose_bytes_the_engine_does_not_write_is_refused(
    records: Records, tmp_path: Path, forge: Forgery, said: str
) -> None:
    assert refused(forge(records), tmp_path).startswith(said)


def test_the_same_fields_in_another_order_are_refused(records: Records, tmp_path: Path) -> None:
    state = json.loads(records[12]["state"])
    first, *rest = state.items()
    reordered = dict([first, *reversed(rest)])  # the recorded time still leads
    records[12] = records[12] | {"state": orjson.dumps(reordered).decode()}
    assert refused(records, tmp_path).startswith(
        'line 14: state={"timestamp":"2020-03-20T09:30:00.000000+00:00","note"'
    )


def test_the_command_line_names_the_line_and_leaves_no_store(
    records: Records, tmp_path: Path
) -> None:
    file = rewritten(changed(records, 13, code="DM-002"), tmp_path / "forged.jsonl")
    copy = tmp_path / "copy.db"
    done = CliRunner().invoke(
        cli, ["import", str(file), "--db", str(copy)], obj=Config(clock=LATER)
    )
    assert done.exit_code == 1
    assert done.stderr.splitlines() == [
        "Error: forged.jsonl line 14: originator_id=report:DM-001:2020-03-20: is not "
        "report:DM-002:2020-03-20, the id the engine gives the aggregate of a "
        "DailyReport.Reported event of code DM-002, date 2020-03-20"
    ]
    assert not copy.exists()


def access_events(records: Records) -> Records:
    """A role granted access as an auditor and then revoked, as the engine's own classes
    record it, appended to the log at its last recorded time."""
    at = dt.datetime.fromisoformat(json.loads(records[-1]["state"])["timestamp"])
    stamp = Stamp(actor="office", at=at, today=at.date())
    access = Access.grant(role="auditor_li", kind="auditor", projects=(), stamp=stamp)
    access.revoke(stamp=stamp)
    mapper = EventMapper(OrjsonTranscoder())
    for event in access.collect_events():
        stored = mapper.to_stored_event(event)
        records.append(
            {
                "originator_id": stored.originator_id,
                "originator_version": stored.originator_version,
                "topic": stored.topic,
                "state": stored.state.decode(),
            }
        )
    return records


def test_access_granted_as_no_kind_of_role_is_refused(records: Records, tmp_path: Path) -> None:
    changed(access_events(records), 51, kind="superuser")
    assert refused(records, tmp_path).startswith(
        "line 52: kind=superuser: must be one of office, team, auditor"
    )


def test_access_revoked_from_a_role_without_it_is_refused(records: Records, tmp_path: Path) -> None:
    access_events(records)
    records.append(records[-1] | {"originator_version": 3})  # revoked once more
    assert refused(records, tmp_path).startswith(
        "line 54: role=auditor_li: has no access to revoke"
    )


def test_a_day_recorded_before_the_year_1_in_the_campaigns_zone_is_named_so(
    records: Records, tmp_path: Path
) -> None:
    # Recorded at the first moment UTC holds, in a zone west of it: the year before the year 1.
    for position, record in enumerate(records, 1):
        if "timestamp" in json.loads(record["state"]):
            changed(records, position, timestamp="0001-01-01T00:00:00.000000+00:00")
    changed(records, 1, timezone="America/New_York")
    assert refused(records, tmp_path) == (
        "line 2: date=2020-03-20: is after the day it was recorded (before the year 1 in "
        "America/New_York): no effective date is after the engine's today"
    )
