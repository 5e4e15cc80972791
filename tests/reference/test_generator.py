"""The scenario generator (issue 3): deterministic, loadable, calibrated, streamed.

Given a seed, `campaign scenario generate` writes a simulated campaign (SPEC §8) whose figures
look like a real 2020 mid-year report (DOMAIN.md, the issue's ranges); `scenario run` loads it
without a refusal; the reference file is exactly what its documented command writes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tracemalloc
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import pytest
from click.testing import CliRunner

from campaign import FixedClock
from cli.context import Config
from cli.main import cli
from scenarios import generator
from scenarios.generator import REFERENCE_PROJECTS, REFERENCE_SEED, generate
from tests.reference.generator_figures import figures

if TYPE_CHECKING:
    from collections.abc import Iterator

REFERENCE = Path(__file__).resolve().parents[2] / "scenarios" / "zaozhuang-2020.jsonl"
REFERENCE_COMMAND = [
    "scenario",
    "generate",
    "--projects",
    str(REFERENCE_PROJECTS),
    "--seed",
    str(REFERENCE_SEED),
]


def written(**options: Any) -> str:
    handle = io.StringIO()
    generate(handle, **options)
    return handle.getvalue()


def load(path: Path, db: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli, ["scenario", "run", str(path), "--db", str(db), "--json"], obj=Config()
    )
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.output)
    return doc


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Blocks of 25 projects, so that a small scenario goes through the block merge."""
    monkeypatch.setattr(generator, "BLOCK", 25)
    yield


# ---------------------------------------------------------------------------- determinism


def test_the_same_seed_gives_the_same_bytes_and_another_seed_differs() -> None:
    first = written(projects=60, seed=7)
    assert written(projects=60, seed=7) == first
    assert written(projects=60, seed=8) != first


@pytest.mark.usefixtures("small_blocks")
def test_merged_blocks_are_deterministic_too() -> None:
    first = written(projects=80, seed=3)
    assert written(projects=80, seed=3) == first
    assert written(projects=80, seed=4) != first
    codes = {json.loads(line).get("code") for line in first.splitlines()} - {None}
    assert len(codes) == 80


def test_the_reference_file_is_what_its_documented_command_writes(tmp_path: Path) -> None:
    out = tmp_path / "reference.jsonl"
    result = CliRunner().invoke(cli, [*REFERENCE_COMMAND, "--out", str(out)], obj=Config())
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == REFERENCE.read_bytes()


# ------------------------------------------------------------------------------- loading


@pytest.mark.parametrize(
    "options",
    [
        {"projects": 1, "seed": 1},
        {"projects": 5, "seed": 2},
        {"projects": 54, "seed": 11},
        {"projects": 150, "seed": 5},
        {"projects": 60, "seed": 9, "year": 2021},
        {"projects": 60, "seed": 4, "start": dt.date(2020, 9, 1), "end": dt.date(2020, 12, 10)},
        {"projects": 40, "seed": 6, "density": 2.5},
    ],
    ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()),
)
def test_generated_scenarios_load_without_a_refusal(tmp_path: Path, options: Any) -> None:
    path = tmp_path / "scenario.jsonl"
    path.write_text(written(**options), encoding="utf-8")
    loaded = load(path, tmp_path / "store.db")
    assert loaded["commands"] == loaded["lines"] == len(path.read_text().splitlines())


@pytest.mark.usefixtures("small_blocks")
def test_a_scenario_merged_from_blocks_loads(tmp_path: Path) -> None:
    path = tmp_path / "scenario.jsonl"
    path.write_text(written(projects=70, seed=12), encoding="utf-8")
    assert load(path, tmp_path / "store.db")["commands"] > 70 * 50


def test_the_reference_scenario_loads(tmp_path: Path) -> None:
    loaded = load(REFERENCE, tmp_path / "reference.db")
    assert loaded["commands"] == len(REFERENCE.read_text().splitlines())


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_recorded_times_never_decrease_and_no_date_is_after_its_recording(seed: int) -> None:
    previous = ""
    for text in written(projects=300, seed=seed).splitlines():
        line = json.loads(text)
        assert line["at"] >= previous
        previous = line["at"]
        if "date" in line:
            assert line["date"] <= line["at"][:10]
            if line["cmd"] not in {"reach_milestone", "open_campaign"}:
                assert line["date"].startswith("2020-")


# ------------------------------------------------------------------------- the reference


def test_the_reference_looks_like_zaozhuang_at_mid_year() -> None:
    with REFERENCE.open(encoding="utf-8") as handle:
        f = figures(handle, dt.date(2020, 6, 30))
    assert f["projects"] == 54
    assert f["categories"] == {"continuing": 20, "new": 24, "completing": 6, "preparatory": 4}
    assert f["sectors"]["lithium"] == 16
    assert 0.40 <= f["sector_investment_share"]["lithium"] <= 0.50
    assert 25_000 <= f["total_median"] <= 35_000
    assert 500_000 <= f["total_max"] <= 2_000_000  # the anchor
    assert 0.5 <= f["zone_rate"] <= 0.6  # just 双过半
    assert 3 <= len(f["below_half"]) <= 8
    assert 1 <= len(f["stalled"]) <= 3
    assert 1 <= f["terminated"] <= 2
    assert 0.3 <= f["requests_per_project_month"] <= 0.6
    assert 0.85 <= f["closure_rate"] <= 0.95
    assert 0.7 <= f["start_rate"][0] <= 0.9
    for kind, target in f["targets"].items():
        if kind == "tech_renovation_share":
            assert target["actual"] >= 0.4
        else:
            assert target["ratio"] >= 0.5, kind


# ------------------------------------------------------------------ the distributions


@pytest.fixture(scope="module", params=[1, 2])
def large(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The figures of a list ten times the reference's, at mid-year."""
    text = written(projects=540, seed=request.param)
    return figures(text.splitlines(), dt.date(2020, 6, 30))


def test_the_category_and_sector_mix_is_the_reference_mix(large: dict[str, Any]) -> None:
    share = {k: v / large["projects"] for k, v in large["categories"].items()}
    assert share["continuing"] == pytest.approx(20 / 54, abs=0.01)
    assert share["new"] == pytest.approx(24 / 54, abs=0.01)
    assert share["completing"] == pytest.approx(6 / 54, abs=0.01)
    assert share["preparatory"] == pytest.approx(4 / 54, abs=0.01)
    assert large["sectors"]["lithium"] / large["projects"] == pytest.approx(0.30, abs=0.01)
    assert 0.38 <= large["sector_investment_share"]["lithium"] <= 0.52


def test_sizes_and_annual_plans_are_in_range(large: dict[str, Any]) -> None:
    assert 24_000 <= large["total_median"] <= 36_000
    assert large["over_100000"] / large["projects"] <= 0.2
    for category in ("new", "continuing", "completing"):
        assert 0.2 <= large["plan_ratio_median"][category] <= 0.4, category
        assert large["plan_ratio_range"][category][1] <= 0.6
    assert large["plan_ratio_range"]["preparatory"][1] <= 0.03


def test_factor_requests_come_at_the_observed_rate_and_mostly_close_by_mid_year(
    large: dict[str, Any],
) -> None:
    assert 0.3 <= large["requests_per_project_month"] <= 0.6
    assert 0.85 <= large["closure_rate"] <= 0.95
    assert 0.7 <= large["on_time_rate"] <= 0.9
    mix = large["request_categories"]
    assert max(mix, key=mix.get) == "approval"
    assert (mix["approval"] + mix["land"]) / large["requests_filed"] >= 0.4


def test_the_zone_just_reaches_double_half_with_a_few_laggards(large: dict[str, Any]) -> None:
    assert 0.5 <= large["zone_rate"] <= 0.6
    assert 3 / 54 <= len(large["below_half"]) / large["listed"] <= 8 / 54 + 0.02
    assert 1 / 54 <= len(large["stalled"]) / large["listed"] <= 3 / 54
    assert 0.7 <= large["start_rate"][0] <= 0.9
    assert large["commissioning_rate"][0] >= 0.7
    assert 0.01 <= large["terminated"] / large["projects"] <= 0.04
    for kind, target in large["targets"].items():
        if kind == "tech_renovation_share":
            assert 0.4 <= target["actual"] <= 0.46
        else:
            assert target["ratio"] >= 0.5, kind
    assert 90 <= large["lines"] / large["projects"] <= 110  # ≈ a million lines at N = 10,000


# --------------------------------------------------------------------- streaming, errors


class _Sink(io.TextIOBase):
    """A handle that keeps nothing, and remembers the largest single write."""

    def __init__(self) -> None:
        self.largest = 0
        self.calls = 0

    def write(self, text: str) -> int:
        self.largest = max(self.largest, len(text))
        self.calls += 1
        return len(text)


def test_memory_stays_flat_as_the_list_grows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "BLOCK", 100)
    peaks = []
    for projects in (200, 800):  # 2 blocks, then 8: four times the lines
        sink = _Sink()
        tracemalloc.start()
        generate(cast("IO[str]", sink), projects=projects, seed=5)  # a text handle in all but name
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert sink.largest < 200_000  # written as it goes, in small chunks
    assert peaks[1] < 1.5 * peaks[0]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"projects": 0}, "at least 1"),
        ({"density": 0.0}, "density"),
        ({"start": dt.date(2021, 3, 1)}, "not in the campaign year"),
        ({"start": dt.date(2020, 6, 1), "end": dt.date(2020, 5, 1)}, "after end"),
        ({"end": dt.date(2020, 1, 5)}, "too early"),
    ],
)
def test_impossible_arguments_are_refused_before_anything_is_written(
    options: dict[str, Any], message: str
) -> None:
    handle = io.StringIO()
    with pytest.raises(ValueError, match=message):
        generate(handle, **({"projects": 10, "seed": 1} | options))
    assert handle.getvalue() == ""


def test_the_command_line_reports_impossible_arguments_as_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    argv = ["scenario", "generate", "--projects", "5", "--seed", "1", "--start", "2019-05-01"]
    result = CliRunner().invoke(cli, [*argv, "--out", str(out)], obj=Config())
    assert result.exit_code == 2
    assert "not in the campaign year 2020" in result.output


@pytest.mark.parametrize(("projects", "seed"), [(60, 3), (150, 8)])
def test_every_line_is_recorded_in_the_campaign_year_or_soon_after(
    projects: int, seed: int
) -> None:
    # Projects registered after the sites reopened have no January to back-fill (a late
    # registration once sent such a report to the year 4757).
    buffer = io.StringIO()
    generate(buffer, projects=projects, seed=seed)
    years = {json.loads(line)["at"][:4] for line in buffer.getvalue().splitlines()}
    assert years <= {"2020"}


@pytest.mark.parametrize(
    ("today", "args", "refused"),
    [
        ("2026-12-06 10:00", ("--year", "2027"), "end=2027-06-30: a simulated campaign is in"),
        ("2020-06-30 10:00", (), "end=2020-06-30: a simulated campaign is in the past"),
        ("2020-07-03 10:00", (), "the campaign's last line is recorded after now"),
    ],
    ids=["a later year", "ending today", "lines after now"],
)
def test_a_campaign_that_scenario_run_would_refuse_as_future_is_not_written(
    tmp_path: Path, today: str, args: tuple[str, ...], refused: str
) -> None:
    target = tmp_path / "keep.jsonl"
    target.write_text("keep\n", encoding="utf-8")
    argv = ["scenario", "generate", "--projects", "5", "--seed", "1", *args, "--out", str(target)]
    clock = FixedClock(dt.datetime.fromisoformat(today).replace(tzinfo=dt.UTC))
    result = CliRunner().invoke(cli, argv, obj=Config(clock=clock))
    assert result.exit_code == 1
    assert refused in result.output
    assert target.read_text(encoding="utf-8") == "keep\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.jsonl"]


def test_a_campaign_written_to_stdout_is_checked_before_a_line_is_written() -> None:
    argv = ["scenario", "generate", "--projects", "5", "--seed", "1", "--out", "-"]
    clock = FixedClock(dt.datetime(2020, 7, 3, 10, tzinfo=dt.UTC))
    result = CliRunner().invoke(cli, argv, obj=Config(clock=clock))
    assert result.exit_code == 1
    assert "the campaign's last line is recorded after now" in result.stderr
    assert result.stdout == ""
    kept = CliRunner().invoke(cli, argv, obj=Config())
    assert kept.exit_code == 0
    assert kept.stdout == written(projects=5, seed=1)


@pytest.mark.parametrize("year", ["0", "1999", "10000"])
def test_a_year_no_campaign_can_have_is_a_usage_error(year: str) -> None:
    argv = ["scenario", "generate", "--projects", "5", "--seed", "1", "--year", year]
    result = CliRunner().invoke(cli, [*argv, "--out", "-"], obj=Config())
    assert result.exit_code == 2
    assert "--year" in result.stderr
