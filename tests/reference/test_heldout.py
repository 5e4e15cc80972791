"""The held-out generator (benchmarks/heldout): a campaign written apart from the project's
generator, for the benchmarks to measure on. Every line it writes must be accepted, it must hold
what makes it hard (late reports, corrections twice over, revisions, terminations, extended and
escalated requests), and the same seed must give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from benchmarks import stores
from benchmarks.heldout import generate
from benchmarks.heldout.__main__ import main
from campaign import Settings, checkpoint_document, load_scenario, open_engine

if TYPE_CHECKING:
    from pathlib import Path

    from benchmarks.heldout import Tally
    from campaign.app.scenario import ScenarioReport

PROJECTS = 40


def written(projects: int = PROJECTS, seed: int = 1) -> tuple[str, Tally]:
    out = io.StringIO()
    tally = generate(out, projects=projects, seed=seed)
    return out.getvalue(), tally


@pytest.fixture(scope="module")
def loaded(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[dict[str, Any]], Tally, ScenarioReport, Path]:
    folder = tmp_path_factory.mktemp("heldout")
    text, tally = written()
    scenario = folder / "held.jsonl"
    scenario.write_text(text, encoding="utf-8")
    db = folder / "held.db"
    with open_engine(Settings(db=str(db))) as engine:
        report = load_scenario(engine, scenario, actor="test")
    lines = [json.loads(line) for line in text.splitlines()]
    return lines, tally, report, db


def test_every_line_of_a_small_campaign_is_accepted(loaded: Any) -> None:
    lines, tally, report, _ = loaded
    assert report.lines == report.commands == len(lines) == tally.lines
    # only the identical re-sends append nothing
    assert report.appended == tally.events == len(lines) - tally.resends
    assert 65 * PROJECTS <= report.appended <= 95 * PROJECTS
    assert sum(line["cmd"] == "register_project" for line in lines) == PROJECTS


def test_it_holds_late_reports_corrections_and_the_rest(loaded: Any) -> None:
    lines, tally, _, _ = loaded
    commands = Counter(line["cmd"] for line in lines)
    reports = [line for line in lines if line["cmd"] == "report_progress"]
    late = [r for r in reports if r["date"] < r["at"][:10]]
    assert 0.06 <= len(late) / len(reports) <= 0.25
    assert len(late) == tally.late_reports
    assert (
        max(
            (dt.date.fromisoformat(r["at"][:10]) - dt.date.fromisoformat(r["date"])).days
            for r in late
        )
        <= 10
    )
    corrected = Counter(
        (line["code"], line["date"]) for line in lines if line["cmd"] == "correct_progress"
    )
    assert 0.025 <= len(corrected) / len(reports) <= 0.07
    assert sum(times >= 2 for times in corrected.values()) == tally.double_corrections >= 2
    assert commands["revise_plan"] >= 1
    assert commands["terminate_project"] >= 1
    assert commands["extend_factor"] >= 1
    escalations = Counter(line["level"] for line in lines if line["cmd"] == "escalate_factor")
    assert escalations[1] >= 1 and escalations[2] >= 1
    outcomes = Counter(line["outcome"] for line in lines if line["cmd"] == "resolve_factor")
    assert outcomes["fulfilled"] > outcomes["rejected"] >= 1
    assert commands["resolve_factor"] < commands["file_factor"]  # some are left open
    milestones = Counter(line["milestone"] for line in lines if line["cmd"] == "reach_milestone")
    assert milestones["started"] > PROJECTS / 2 and milestones["production"] >= 1


def test_recorded_times_never_go_back_and_no_date_follows_its_recording(loaded: Any) -> None:
    lines, _, _, _ = loaded
    times = [dt.datetime.fromisoformat(line["at"]) for line in lines]
    assert times == sorted(times)
    assert all(line["date"] <= line["at"][:10] for line in lines if "date" in line)


def test_the_same_seed_gives_the_same_bytes_and_another_seed_differs() -> None:
    first, _ = written(seed=3)
    assert written(seed=3)[0] == first
    assert written(seed=4)[0] != first


def test_a_checkpoint_at_mid_year_sees_the_late_reports_only_once_known(loaded: Any) -> None:
    _, _, _, db = loaded
    with open_engine(Settings(db=str(db))) as engine:
        now = checkpoint_document(engine, dt.date(2020, 6, 30), None)
        then = checkpoint_document(engine, dt.date(2020, 6, 30), "2020-06-30")
    assert now["as_of"] == "2020-06-30"
    assert len(now["projects"]) == PROJECTS  # the additions (增补) end by 19 June
    assert now["factors"]["filed"] > 0
    # reports for the last days of June are recorded in July: known later, counted now
    assert then["zone"]["ytd_investment"] < now["zone"]["ytd_investment"]


def test_the_command_line_writes_the_file_and_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "held.jsonl"
    assert main(["--projects", "5", "--seed", "7", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = out.read_text(encoding="utf-8").splitlines()
    assert captured.err.count("\n") == 1
    assert f"{len(lines):,} lines written" in captured.err
    assert "events expected" in captured.err
    assert out.read_text(encoding="utf-8") == written(5, 7)[0]


def test_benchmark_stores_come_from_either_generator_under_their_own_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMPAIGN_BENCH_CACHE", str(tmp_path))
    assert stores.source_key("heldout") != stores.source_key()
    assert any(p.match("benchmarks/heldout/*.py") for p in stores.write_path("heldout"))
    assert not any(p.match("scenarios/generator/*.py") for p in stores.write_path("heldout"))
    held = stores.scenario(5, seed=2, source="heldout")
    assert held.name.startswith("scenario-heldout-5-2-")
    assert held.read_text(encoding="utf-8") == written(5, 2)[0]
    assert stores.projects_for(1_000_000, "heldout") > stores.projects_for(1_000_000)
