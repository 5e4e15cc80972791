"""The figures over columns on a campaign built to sit on their edges, against the named
functions: terminated projects that would count toward the zone targets, projects just under
the targets' minimums, a project's late requests filed out of the order of their lateness, and
a request escalated by hand before it is due (so that its level is the hand's, not the
calendar's)."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from campaign import FixedClock, Settings
from campaign.bootstrap import open_store
from campaign.domain.vocabulary import TargetKind
from campaign.figures.checkpoint import figures_on
from campaign.figures.factors import factor_figures
from campaign.figures.project import project_figures
from campaign.figures.targets import (
    factory_area_started_m2,
    fixed_asset_investment,
    industrial_projects_started,
    tech_renovation_investment,
    tech_renovation_projects,
    tech_renovation_share,
)
from campaign.read.replay import replay_log
from cli.context import Config
from cli.main import cli

if TYPE_CHECKING:
    from pathlib import Path

    from campaign.figures.project import ProjectFigures
    from campaign.figures.table import Figures

DAY = dt.date(2020, 5, 6)


def _project(code: str, total: int, **flags: Any) -> dict[str, Any]:
    return {
        "cmd": "register_project",
        "code": code,
        "name": f"项目{code}",
        "sector": "other",
        "category": "continuing",
        "unit": "单位",
        "leader": "张三",
        "total_investment": total,
        "annual_plan": min(total, 1000),
        "date": "2020-01-06",
        **flags,
    }


def _started(code: str) -> list[dict[str, Any]]:
    return [
        {"cmd": "reach_milestone", "code": code, "milestone": "signed", "date": "2020-01-10"},
        {"cmd": "reach_milestone", "code": code, "milestone": "started", "date": "2020-02-03"},
    ]


LINES: list[dict[str, Any]] = [
    {
        "cmd": "open_campaign",
        "name": "边界",
        "year": 2020,
        "start": "2020-03-01",
        "end": "2020-06-30",
        "sla_days": {"land": 5, "labour": 30},
    },
    _project("T1", 6000, tech_renovation=True),  # terminated: counts toward no target
    _project("T2", 6000, tech_renovation=True),
    _project("T3", 499, tech_renovation=True),  # under 500 万
    _project("I1", 10000, industrial=True, factory_area_m2=1000),
    _project("I2", 9999, industrial=True, factory_area_m2=300),  # under 1 亿
    _project("I3", 20000, industrial=True, factory_area_m2=500),  # terminated
    *_started("I1"),
    *_started("I2"),
    *_started("I3"),
    *(
        {"cmd": "report_progress", "code": code, "date": "2020-02-03", "investment": amount}
        for code, amount in (("T1", 300), ("T2", 100), ("T3", 50), ("I1", 70), ("I3", 90))
    ),
    {"cmd": "terminate_project", "code": "T1", "date": "2020-03-01", "reason": "撤销"},
    {"cmd": "terminate_project", "code": "I3", "date": "2020-04-01", "reason": "撤销"},
    # T2's land requests: the later filed is the later due, so the less late
    {"cmd": "file_factor", "code": "T2", "category": "land", "detail": "一", "date": "2020-04-01"},
    {"cmd": "file_factor", "code": "T2", "category": "land", "detail": "二", "date": "2020-03-02"},
    {
        "cmd": "file_factor",
        "ref": "c",
        "code": "T2",
        "category": "labour",
        "detail": "三",
        "date": "2020-05-01",
    },
    {"cmd": "escalate_factor", "ref": "c", "level": 3, "date": "2020-05-02", "note": "督办"},
]


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> tuple[Figures, list[ProjectFigures]]:
    folder: Path = tmp_path_factory.mktemp("edges")
    scenario = folder / "scenario.jsonl"
    scenario.write_text(
        "".join(
            json.dumps({"at": f"2020-12-31T10:00:{k:02d}+08:00", **line}, ensure_ascii=False) + "\n"
            for k, line in enumerate(LINES)
        ),
        encoding="utf-8",
    )
    db = str(folder / "store.db")
    clock = FixedClock(dt.datetime(2021, 3, 1, tzinfo=dt.UTC))
    result = CliRunner().invoke(
        cli, ["scenario", "run", str(scenario), "--db", db], obj=Config(clock=clock)
    )
    assert result.exit_code == 0, result.output
    with open_store(Settings(db=db), create=False) as store:
        reader = store.reader()
        projection = replay_log(reader).projection
        reader.close()
    at, table = figures_on(projection, DAY)
    states = sorted(projection.projects.values(), key=lambda s: s.code)
    return table, [project_figures(state, at) for state in states]


def test_the_targets_count_neither_terminated_projects_nor_those_under_the_minimums(
    figures: tuple[Figures, list[ProjectFigures]],
) -> None:
    table, _ = figures
    rows = list(table)
    listed = [f for f in rows if f.listed]
    expected = {
        TargetKind.industrial_projects_started: (industrial_projects_started(listed, 2020), 1),
        TargetKind.factory_area_started_m2: (factory_area_started_m2(listed, 2020), Fraction(1300)),
        TargetKind.fixed_asset_investment: (fixed_asset_investment(rows), 610),
        TargetKind.tech_renovation_projects: (tech_renovation_projects(listed), 1),
        TargetKind.tech_renovation_investment: (tech_renovation_investment(listed), 100),
        TargetKind.tech_renovation_share: (tech_renovation_share(listed), Fraction(100, 220)),
    }
    for kind, (named, by_hand) in expected.items():
        assert table.target_actual(kind) == named, kind
        assert named == by_hand, kind


def test_a_projects_late_requests_are_its_reasons_the_latest_first(
    figures: tuple[Figures, list[ProjectFigures]],
) -> None:
    table, named = figures
    t2 = table.column("code").index("T2")
    late = [r for r in table.reasons(t2) if r["kind"] == "factor"]
    assert [r["overdue_wd"] for r in late] == sorted((r["overdue_wd"] for r in late), reverse=True)
    assert len(late) == 2 and late[0]["overdue_wd"] > late[1]["overdue_wd"]
    assert table.reasons(t2) == named[t2].reasons


def test_a_request_escalated_by_hand_before_its_due_date_is_at_the_hands_level(
    figures: tuple[Figures, list[ProjectFigures]],
) -> None:
    table, named = figures
    expected = factor_figures(v for f in named for v in f.requests)
    assert table.requests.figures() == expected
    assert expected["escalated_open"] == 3  # the two late land requests, and by hand
    requests = table.requests
    labour = requests.column("category").index("labour")
    assert (int(requests.level[labour]), int(requests.overdue_wd[labour])) == (3, 0)
