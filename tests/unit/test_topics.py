"""The topic table the read side folds by (`campaign.domain.topics`) is the domain's own: every
stored event's topic and version, no more and no fewer; and the domain names its aggregates
lazily, so a query that folds the log defines no event class."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from eventsourcing.utils import get_topic, resolve_topic

import campaign.domain
from campaign import FixedClock, Settings, open_engine
from campaign.app.scenario import load
from campaign.domain import topics
from campaign.domain.catalogue import AGGREGATES, Campaign, Project

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo.jsonl"


def event_classes() -> dict[str, type]:
    """Every event class of every aggregate, by its stored topic (not the library's bases,
    `Event` and `Created`, which no event is stored as)."""
    found: dict[str, type] = {}
    for aggregate in AGGREGATES:
        for name in dir(aggregate):
            member = getattr(aggregate, name)
            if name in ("Event", "Created"):
                continue
            own = isinstance(member, type) and bool(getattr(member, "TOPIC", ""))
            if own and member.__qualname__.startswith(f"{aggregate.__name__}."):
                found[get_topic(member)] = member
    return found


def table() -> set[str]:
    return {
        value
        for name, value in vars(topics).items()
        if name.isupper() and isinstance(value, str) and value.startswith(topics.STORED_AS + ":")
    }


def test_the_table_names_every_stored_event_and_nothing_else() -> None:
    classes = event_classes()
    assert len(classes) >= 17
    assert table() == set(classes)


def test_each_version_is_its_class_version() -> None:
    for topic, cls in event_classes().items():
        assert topics.version(topic) == int(getattr(cls, "event_version", 1)), topic
    assert set(topics.VERSIONS) <= set(event_classes())


def test_ids_are_the_aggregates_own() -> None:
    assert topics.CAMPAIGN_ID == Campaign.ID
    assert Project.id_for("ZZ-001") == topics.PROJECT_ID_PREFIX + "ZZ-001"


def test_a_stored_topic_resolves_through_the_lazy_names() -> None:
    assert campaign.domain.Project is Project
    assert resolve_topic(topics.PROJECT_REGISTERED) is Project.Registered
    with pytest.raises(AttributeError, match="Nothing"):
        _ = campaign.domain.Nothing  # type: ignore[attr-defined]


QUERY = """
import datetime as dt, sys
from campaign import FixedClock, Settings, open_engine, checkpoint_document
clock = FixedClock(dt.datetime(2020, 12, 31, 4, tzinfo=dt.UTC))
with open_engine(Settings(db=sys.argv[1], clock=clock)) as engine:
    document = checkpoint_document(engine, dt.date(2020, 6, 30), None)
assert document["projects"], document
print(" ".join(sorted(m for m in sys.modules if m.startswith("campaign"))))
"""
APPEND = """
import datetime as dt, sys
from campaign import FixedClock, Settings, open_engine, parse_command
clock = FixedClock(dt.datetime(2020, 12, 31, 4, tzinfo=dt.UTC))
with open_engine(Settings(db=sys.argv[1], clock=clock)) as engine:
    command = parse_command(
        "report_progress", {"code": "DM-001", "date": "2020-07-01", "investment": "1"}
    )
    engine.execute(command, actor="clerk")
print(" ".join(sorted(m for m in sys.modules if m.startswith("campaign"))))
"""
LATER = FixedClock(dt.datetime(2020, 12, 31, 4, tzinfo=dt.UTC))


def modules_of(script: str, tmp_path: Path) -> set[str]:
    """The engine's modules a process running `script` on the demo's store has imported."""
    db = str(tmp_path / "q.db")
    with open_engine(Settings(db=db, clock=LATER)) as engine:
        load(engine, DEMO, actor="loader")
    done = subprocess.run(
        [sys.executable, "-c", script, db], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(done.stdout.split())


def test_a_daily_report_defines_only_the_aggregates_it_uses(tmp_path: Path) -> None:
    """A clerk's one report reads the campaign and the project and writes the day's report:
    the factor, access and publication aggregates are not defined (a cold command is quick)."""
    loaded = modules_of(APPEND, tmp_path)
    assert {"campaign.domain.report", "campaign.app.handlers"} <= loaded
    for module in (
        "campaign.domain.factor",
        "campaign.domain.access",
        "campaign.domain.publication",
    ):
        assert module not in loaded, module


def test_a_checkpoint_query_defines_no_event_class(tmp_path: Path) -> None:
    """What a query imports: the fold, the figures, the store; not the aggregates, their
    events or the commands (a cold query does not pay for defining them)."""
    loaded = modules_of(QUERY, tmp_path)
    assert "campaign.figures.checkpoint" in loaded
    for module in (
        "campaign.domain.events",
        "campaign.domain.campaign",
        "campaign.domain.project",
        "campaign.domain.report",
        "campaign.domain.factor",
        "campaign.domain.access",
        "campaign.domain.publication",
        "campaign.app.commands",
        "campaign.app.handlers",
    ):
        assert module not in loaded, module


def test_the_lazy_names_are_the_catalogue() -> None:
    assert set(campaign.domain.AGGREGATE_MODULES) == {a.__name__ for a in AGGREGATES}
    for aggregate in AGGREGATES:
        assert getattr(campaign.domain, aggregate.__name__) is aggregate


RESOLVE = """
import sys
from eventsourcing.utils import resolve_topic
from campaign.domain import topics
prefix = topics.STORED_AS + ":"
names = [v for k, v in vars(topics).items() if isinstance(v, str) and v.startswith(prefix)]
print(" ".join(sorted(resolve_topic(name).__qualname__ for name in names)))
"""


def test_every_stored_topic_resolves_in_a_process_that_defined_nothing() -> None:
    """What reading any event of the log needs (an import, `audit log`, `Store.get`): each
    topic found through `campaign.domain`'s lazy names, nothing defined beforehand."""
    done = subprocess.run(
        [sys.executable, "-c", RESOLVE], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert set(done.stdout.split()) == {name.partition(":")[2] for name in event_classes()}
