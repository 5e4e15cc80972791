"""The report officials circulate, on the command line (issue 11): the checkpoint's tables in
Chinese on 80 columns (English with --lang en, every column with --wide), the day a bare
checkpoint reads and why, the CSV files for Excel and for machines, and `campaign report`
writing the 通报 and the 调度表.

The store holds the reference campaign (scenarios/zaozhuang-2020.jsonl)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result
from rich.cells import cell_len

from campaign import FixedClock, Settings, open_engine
from campaign.app.scenario import load
from campaign.figures.checkpoint import PROJECT_KEYS
from cli.context import Config
from cli.main import cli
from tests.cli.test_cli import campaign_command
from tests.conftest import at

if TYPE_CHECKING:
    from tests.conftest import Harness

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "scenarios" / "zaozhuang-2020.jsonl"
LATER = "2020-12-31 20:00"


class Office:
    """The command line on a store, with the engine's clock at `now`."""

    def __init__(self, db: Path, now: str = LATER) -> None:
        self.db = db
        self.now = now

    def __call__(self, line: str, *, now: str | None = None, **env: str | None) -> Result:
        argv = [*shlex.split(line), "--db", str(self.db)]
        environment: dict[str, str | None] = {
            "CAMPAIGN_DB": None,
            "CAMPAIGN_LANG": None,
            "COLUMNS": "80",
        }
        clock = FixedClock(at(now or self.now))
        result = CliRunner().invoke(cli, argv, obj=Config(clock=clock), env=environment | env)
        assert "Traceback" not in result.output + result.stderr
        return result

    def ok(self, line: str, **kwargs: Any) -> Result:
        result = self(line, **kwargs)
        assert result.exit_code == 0, result.output + result.stderr
        return result


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    db = tmp_path_factory.mktemp("reference") / "zz.db"
    with open_engine(Settings(db=str(db), clock=FixedClock(at(LATER)))) as engine:
        load(engine, REFERENCE, actor="tester")
    return Office(db)


def assert_fits(text: str, width: int = 80) -> None:
    for line in text.splitlines():
        assert cell_len(line) <= width, f"{cell_len(line)} cells: {line!r}"
        assert line == line.rstrip(), f"trailing blanks: {line!r}"


# -------------------------------------------------------------------------- the tables


def test_the_checkpoint_tables_are_chinese_and_fit_80_columns(office: Office) -> None:
    text = office.ok("checkpoint --as-of 2020-06-30").stdout
    assert_fits(text)
    assert "双过半：已实现 — 完成年度计划 52.65%，超序时进度 2.65 个百分点" in text
    for shown in ("全区（在列项目）", "“四率”", "履约率", "要素保障", "审批", "用地", "按帮包单位"):
        assert shown in text, shown
    assert "投资完成38.11%，为序时进度的76.22%（低于80%）" in text
    assert "开工逾期62天（计划2020-04-29）" in text
    assert "要素ZZ-033-20200529-power（用电）逾期11个工作日" in text
    for english in ("spi", "of plan", "approval", "started", "investment 0.", "reached"):
        assert english not in text, english
    ranking = next(line for line in text.splitlines() if " ZZ-005 " in line and "%" in line)
    assert "38.11%" in ranking and "-11.89" in ranking and "签约" in ranking and "-4" in ranking


def test_a_real_pipe_gets_the_same_80_columns_without_trailing_blanks(office: Office) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "CAMPAIGN_LANG"}}
    done = subprocess.run(
        [*campaign_command(), "checkpoint", "--as-of", "2020-06-30", "--db", str(office.db)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    )
    assert_fits(done.stdout)
    assert "双过半：已实现" in done.stdout


def test_two_names_that_shorten_alike_stay_apart_by_their_code(
    sqlite_harness: Harness, sqlite_db: str
) -> None:
    h = sqlite_harness
    h.open()
    long = "高新区新能源汽车动力电池正极材料产业化项目"
    for code, phase in (("ZZ-101", "一期工程"), ("ZZ-102", "二期工程")):
        h.register(code=code, name=long + phase, unit="区工业和信息化局招商服务中心")
        h.run("report_progress", code=code, date="2020-06-30", investment="100")
    text = Office(Path(sqlite_db)).ok("checkpoint --as-of 2020-06-30").stdout
    assert_fits(text)
    rows = [line for line in text.splitlines() if "ZZ-101" in line or "ZZ-102" in line]
    ranking = [line for line in rows if "%" in line]
    assert len(ranking) == 2 and ranking[0] != ranking[1]
    assert all("…" in line for line in ranking)  # the names were shortened, the codes not
    assert [re.findall(r"ZZ-10[12]", line) for line in ranking] in (
        [["ZZ-101"], ["ZZ-102"]],
        [["ZZ-102"], ["ZZ-101"]],
    )


def test_english_on_request(office: Office) -> None:
    text = office.ok("checkpoint --as-of 2020-06-30 --lang en").stdout
    assert_fits(text)
    assert "双过半 (half the year, half the plan): reached — 52.65% of the annual plan done" in (
        " ".join(text.split())
    )
    for shown in ("Zone (listed projects)", "The four rates", "fulfilment", "approval"):
        assert shown in text, shown
    assert "investment 38.11% of plan, 76.22% of time progress (below 80%)" in text
    assert "factor ZZ-033-20200529-power (power) overdue 11 working days" in text
    assert "超序时" not in text and "履约率" not in text


def test_wide_shows_every_column_and_shortens_nothing(office: Office) -> None:
    text = office.ok("checkpoint --as-of 2020-06-30 --wide").stdout
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) > 80
    assert all(line == line.rstrip() for line in lines)
    assert "…" not in text
    header = next(line for line in lines if line.startswith("名次  变化  代码"))
    for column in ("领导", "领域", "年度计划", "累计完成", "为序时的", "到位资金", "开工逾期"):
        assert column in header, column
    row = next(line for line in lines if " ZZ-016 " in line and "%" in line)
    assert "194,870.00" in row and "104,328.61" in row


def test_the_series_is_chinese_on_80_columns(office: Office) -> None:
    text = office.ok("checkpoint --series monthly --as-of 2020-06-30").stdout
    assert_fits(text)
    assert "每月序列" in text and "双过半" in text and "06-30" in text


# ---------------------------------------------------------------- the day a bare query reads


@pytest.mark.parametrize(
    ("now", "day", "why"),
    [
        ("2020-12-31 20:00", "2020-06-30", "取最近的调度节点 2020-06-30"),
        ("2025-03-01 09:00", "2020-06-30", "取最近的调度节点 2020-06-30"),
        ("2020-05-10 09:00", "2020-04-30", "取最近的调度节点 2020-04-30"),
        ("2020-03-25 09:00", "2020-03-25", "尚无已到的调度节点，取今天 2020-03-25"),
    ],
)
def test_a_bare_checkpoint_reads_the_latest_checkpoint_day_and_says_why(
    office: Office, now: str, day: str, why: str
) -> None:
    text = office.ok("checkpoint", now=now).stdout
    heading = text.splitlines()[:2]
    assert heading[0].endswith(f"调度 {day}")
    assert heading[1] == f"（未指定 --as-of：{why}）"
    as_json = office.ok("checkpoint --json", now=now)
    assert json.loads(as_json.stdout)["as_of"] == day
    assert as_json.stderr.strip() == f"（未指定 --as-of：{why}）"  # data alone on stdout


def test_a_bare_checkpoint_after_a_campaign_without_checkpoints_reads_its_last_day(
    sqlite_harness: Harness, sqlite_db: str
) -> None:
    h = sqlite_harness
    h.open(checkpoints=[])
    h.register()
    office = Office(Path(sqlite_db))
    result = office.ok("checkpoint --json", now="2020-09-01 09:00")
    assert json.loads(result.stdout)["as_of"] == "2020-06-30"
    assert "活动已结束且未设调度节点，取结束日 2020-06-30" in result.stderr


def test_a_given_as_of_is_read_as_given_and_says_nothing(office: Office) -> None:
    result = office.ok("checkpoint --as-of 2020-05-15 --json")
    assert json.loads(result.stdout)["as_of"] == "2020-05-15" and result.stderr == ""


# --------------------------------------------------------------------------------- CSV


def test_the_csv_is_for_excel_a_bom_chinese_headers_and_money_with_two_places(
    office: Office,
) -> None:
    out = office.ok("checkpoint --as-of 2020-06-30 --csv").stdout
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert list(rows[0])[:4] == ["项目编号", "项目名称", "产业领域", "项目类别"]
    first = next(r for r in rows if r["项目编号"] == "ZZ-016")
    assert (first["年度计划(万元)"], first["累计完成投资(万元)"]) == ("194870.00", "104328.61")
    assert (first["投资完成率"], first["灯"], first["阶段"], first["产业领域"]) == (
        "53.54%",
        "绿",
        "开工",
        "锂电",
    )
    money = [r["年度计划(万元)"] for r in rows]
    assert all(re.fullmatch(r"\d+\.\d\d", m) for m in money)


def test_csv_keys_is_for_machines_spec_names_ratios_and_no_bom(office: Office) -> None:
    out = office.ok("checkpoint --as-of 2020-06-30 --csv-keys").stdout
    assert not out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(PROJECT_KEYS)
    first = next(r for r in rows if r["code"] == "ZZ-016")
    assert (first["annual_plan"], first["investment_rate"], first["light"]) == (
        "194870.00",
        "0.5354",
        "green",
    )
    assert (first["sector"], first["stage"]) == ("lithium", "started")


def test_two_outputs_at_once_are_a_usage_error(office: Office) -> None:
    result = office("checkpoint --as-of 2020-06-30 --csv --json")
    assert result.exit_code == 2 and "choose one" in result.stderr


# ------------------------------------------------------------------------ campaign report


def test_report_writes_the_html_and_the_workbook_and_says_where(
    office: Office, tmp_path: Path
) -> None:
    html, xlsx = tmp_path / "通报.html", tmp_path / "调度表.xlsx"
    result = office.ok(f"report --as-of 2020-06-30 --out {html} --xlsx {xlsx}")
    assert result.stdout.splitlines()[:2] == [
        f"通报 2020-06-30 已写入 {html}",
        f"调度表 2020-06-30 已写入 {xlsx}",
    ]
    assert result.stdout.splitlines()[2].startswith("receipt ")
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert xlsx.read_bytes().startswith(b"PK")


def test_the_same_query_gives_the_same_files(office: Office, tmp_path: Path) -> None:
    for name in ("a", "b"):
        office.ok(f"report --as-of 2020-06-30 --out {tmp_path / name}.html")
        office.ok(f"checkpoint --as-of 2020-06-30 --xlsx {tmp_path / name}.xlsx")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_report_json_names_the_files_and_carries_the_receipt(
    office: Office, tmp_path: Path
) -> None:
    html = tmp_path / "r.html"
    document = json.loads(office.ok(f"report --as-of 2020-06-30 --out {html} --json").stdout)
    checkpoint = json.loads(office.ok("checkpoint --as-of 2020-06-30 --json").stdout)
    assert document["html"] == str(html) and document["xlsx"] is None
    assert (document["as_of"], document["previous"]) == ("2020-06-30", "2020-05-31")
    assert document["receipt"] == checkpoint["receipt"]


def test_a_bare_report_says_which_day_it_reads(office: Office, tmp_path: Path) -> None:
    result = office.ok(f"report --out {tmp_path / 'r.html'}", now="2020-06-05 09:00")
    assert result.stderr.strip() == "（未指定 --as-of：取最近的调度节点 2020-05-31）"
    assert "通报 2020-05-31 已写入" in result.stdout


def test_report_without_a_file_is_a_usage_error(office: Office) -> None:
    result = office("report --as-of 2020-06-30")
    assert result.exit_code == 2 and "--out FILE.html" in result.stderr
