"""Acceptance tests of bulk entry from sheets on the command line (issue 10): `progress
template`, `progress import`, `factor import` and `project register --from` a workbook or a CSV
file, with their receipts, their errors and their exit codes. The engine's today is 2020-07-10.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from typing import TYPE_CHECKING, Any

import pytest

from campaign import FixedClock, Settings, open_engine, open_store
from campaign.app.queries import checkpoint_document
from tests.clerk import fill_template, text_file, workbook
from tests.cli.test_cli import OPEN, REGISTER_ZZ, Campaign, one_line, stored_states
from tests.conftest import at


def receipt_of(db: str) -> str:
    """The receipt line a write prints: the log's head after it, HASH@POSITION."""
    with open_store(Settings(db=db), create=False) as store:
        position, head = store.tip()
    return f"receipt {head.hex()}@{position}"


if TYPE_CHECKING:
    from pathlib import Path

PROGRESS = [
    "项目编号",
    "本日完成投资(万元)",
    "本日到位资金(万元)",
    "形象进度(%)",
    "在岗人数",
    "备注",
]


def office(folder: Path) -> Campaign:
    """The 2020 campaign with ZZ-001, ZZ-002 and ZZ-003, through the command line."""
    folder.mkdir(exist_ok=True)
    run = Campaign(folder)
    run.ok(*OPEN)
    for code in ("ZZ-001", "ZZ-002", "ZZ-003"):
        run.ok(*shlex.split(REGISTER_ZZ.format(code=code, plan="15000")))
    return run


@pytest.fixture
def run(tmp_path: Path) -> Campaign:
    return office(tmp_path / "office")


def advice_runs(run: Campaign, command: list[str], text: str) -> None:
    """Every option an error names is an option of the command that printed it."""
    shown = run.ok(*command, "--help").stdout
    for option in re.findall(r"--[a-z][a-z-]*", text):
        assert re.search(rf"{option}\b", shown), f"{option} is no option of {' '.join(command)}"


def template(run: Campaign, day: str) -> Path:
    out = run.folder / f"调度表-{day}.xlsx"
    result = run.ok("progress", "template", "--date", day, "--out", str(out))
    assert result.stdout.splitlines()[0] == f"调度表 {out.name}：3 个项目，日期 {day}"
    return out


# ------------------------------------------------- the same figures as typed on the command line


TYPED = [
    "progress report ZZ-001 --date 2020-06-26 --investment 80 --funds 60",
    "progress report ZZ-002 --date 2020-06-26 --investment 15.25",
    "progress report ZZ-001 --date 2020-06-29 --investment 120.5 --funds 1200 --physical-pct 45"
    " --workers 30 --note 桩基施工",
    "progress report ZZ-003 --date 2020-06-29 --investment 0.3 --physical-pct 12.5",
    "progress report ZZ-001 --date 2020-06-30 --investment 98.6 --funds 1234.5",
    "progress report ZZ-002 --date 2020-06-30 --investment 35 --workers 18 --note 设备进场",
    "progress report ZZ-003 --date 2020-06-30 --investment 1 --physical-pct 13",
]


def figures(db: str) -> dict[str, Any]:
    later = FixedClock(at("2020-07-10 10:00"))
    with open_engine(Settings(db=db, clock=later), create=False) as engine:
        document = checkpoint_document(engine, dt.date(2020, 6, 30), None)
    receipt = document.pop("receipt")
    return {"document": document, "state_hash": receipt["state_hash"]}


def test_sheets_give_the_checkpoint_of_the_same_reports_typed_on_the_command_line(
    tmp_path: Path,
) -> None:
    typed = office(tmp_path / "typed")
    for line in TYPED:
        typed.ok(*shlex.split(line))

    run = office(tmp_path / "sheets")
    # 06-26: a workbook with a 日期 column of Excel dates, made from scratch.
    dated = workbook(
        run.folder / "补报.xlsx",
        ["日期", "项目编号", "本日完成投资(万元)", "本日到位资金(万元)"],
        [
            [dt.datetime(2020, 6, 26), "ZZ-001", 80, 60],
            [dt.datetime(2020, 6, 26), "ZZ-002", 15.25, None],
        ],
        formats={1: "yyyy-mm-dd"},
    )
    # 06-29: the template as the clerk fills it: text numbers, full-width digits, a float
    # artefact, a thousands separator; ZZ-002 left blank.
    filled = fill_template(
        template(run, "2020-06-29"),
        run.folder / "调度表-0629-已填.xlsx",
        {
            "ZZ-001": ["120.50", "1,200", "45", 30, "桩基施工"],
            "ZZ-003": [0.1 + 0.2, None, "１２.５"],
        },
    )
    # 06-30: a CSV file saved by Excel on Chinese Windows (GBK), Chinese headers.
    gbk = text_file(
        run.folder / "调度表-0630.csv",
        ["日期", *PROGRESS],
        [
            ["2020/6/30", "ZZ-001", "98.6", "1,234.50", "", "", ""],
            ["2020/6/30", "ZZ-002", "35", "", "", "18", "设备进场"],
            ["2020/6/30", "ZZ-003", "1", "", "13%", "", ""],
        ],
        encoding="gbk",
    )
    for source in (dated, filled, gbk):
        run.ok("progress", "import", str(source))

    assert figures(run.db) == figures(typed.db)
    assert run.events() == typed.events()


# ------------------------------------------------------------------------ receipts


def test_an_import_prints_its_receipt_in_chinese_first_and_json_with_the_same_keys(
    run: Campaign,
) -> None:
    filled = fill_template(
        template(run, "2020-06-30"), run.folder / "f.xlsx", {"ZZ-001": [1], "ZZ-002": [2]}
    )
    result = run.ok("progress", "import", str(filled))
    assert result.stdout.splitlines() == [
        "导入 f.xlsx：3 行，新报 2，已有 0，更正 0，未填 1",
        "  2020-06-30: 3 rows: 2 reported, 0 already recorded, 0 corrected, 1 blank; "
        "2 events appended",
        receipt_of(run.db),
    ]
    assert result.stderr == ""
    again = json.loads(run.ok("progress", "import", str(filled), "--json").stdout)
    head, _, position = receipt_of(run.db).removeprefix("receipt ").partition("@")
    assert again == {
        "file": "f.xlsx",
        "sheet": "调度表 2020-06-30",
        "dates": ["2020-06-30"],
        "rows": 3,
        "reported": 0,
        "already_recorded": 2,
        "corrected": 0,
        "blank": 1,
        "appended": 0,
        "position": int(position),  # the log's head, as every write gives it
        "head": head,
    }


def test_a_differing_sheet_is_refused_and_then_corrected_with_a_reason(run: Campaign) -> None:
    run.ok(*shlex.split("progress report ZZ-001 --date 2020-06-30 --investment 5 --funds 9"))
    filled = fill_template(template(run, "2020-06-30"), run.folder / "f.xlsx", {"ZZ-001": [6, 9]})
    before = run.events()
    refused = run("progress", "import", str(filled))
    assert refused.exit_code == 1
    assert one_line(refused.stderr) == (
        "Error: f.xlsx 调度表 2020-06-30 row 4, 本日完成投资(万元)=6.00: differs from the "
        "2020-06-30 report of ZZ-001 (5.00); to replace it, import with --correct --reason"
    )
    assert run.events() == before
    corrected = run.ok("progress", "import", str(filled), "--correct", "--reason", "发票核对")
    assert "更正 1" in corrected.stdout
    last = stored_states(run.db)[-1]
    assert (last["investment_yuan"], last["reason"]) == (60_000, "发票核对")
    assert "funds_yuan" not in last


@pytest.mark.parametrize(
    "args",
    [["--correct"], ["--reason", "核对"]],
    ids=["correct without a reason", "a reason without correct"],
)
def test_correct_and_reason_go_together(run: Campaign, args: list[str]) -> None:
    source = text_file(run.folder / "p.csv", PROGRESS, [["ZZ-001", "1"]])
    result = run("progress", "import", str(source), *args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_every_bad_cell_is_one_line_on_stderr_and_nothing_is_appended(run: Campaign) -> None:
    filled = fill_template(
        template(run, "2020-06-30"),
        run.folder / "f.xlsx",
        {"ZZ-001": ["abc"], "ZZ-002": [1, None, 101], "ZZ-003": [1, None, None, "三十"]},
    )
    before = run.events()
    result = run("progress", "import", str(filled))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: f.xlsx 调度表 2020-06-30 row 4, 本日完成投资(万元)=abc: must be a decimal number",
        "f.xlsx 调度表 2020-06-30 row 5, 形象进度(%)=101: input should be less than or equal to "
        "100",
        "f.xlsx 调度表 2020-06-30 row 6, 在岗人数=三十: must be a whole number",
        "f.xlsx：3 处错误，未导入 (3 errors; nothing imported)",
    ]
    assert run.events() == before


def test_every_row_the_rules_refuse_is_listed_in_one_run_and_nothing_is_appended(
    run: Campaign,
) -> None:
    run.ok(*shlex.split("progress report ZZ-002 --date 2020-06-30 --investment 5"))
    run.ok(*shlex.split("project terminate ZZ-003 --date 2020-06-20 --reason 投资方撤资"))
    source = text_file(
        run.folder / "调度表.csv",
        ["日期", "项目编号", "本日完成投资(万元)"],
        [
            ["2020-06-30", "ZZ-001", "10"],  # row 2
            ["2020-06-25", "ZZ-003", "1"],  # after its termination
            ["2021-01-04", "ZZ-001", "1"],  # outside the campaign year
            ["2020-06-30", "ZZ-002", "9"],  # differs from the day's report
            ["2020-06-30", "ZZ-404", "1"],  # no such project
            ["2020-06-29", "ZZ-001", "abc"],  # a bad cell
            ["2020-06-30", "ZZ-001", "10"],  # the project and day of row 2
            ["2020-06-29", "ZZ-002", "3"],
        ],
    )
    before = run.events()
    result = run("progress", "import", str(source))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: 调度表.csv row 3, 日期=2020-06-25: is after project ZZ-003 was terminated "
        "(2020-06-20)",
        "调度表.csv row 4, 日期=2021-01-04: is not in the campaign year 2020",
        "调度表.csv row 5, 本日完成投资(万元)=9.00: differs from the 2020-06-30 report of ZZ-002 "
        "(5.00); to replace it, import with --correct --reason",
        "调度表.csv row 6, 项目编号=ZZ-404: is not a registered project",
        "调度表.csv row 7, 本日完成投资(万元)=abc: must be a decimal number",
        "调度表.csv row 8, 项目编号=ZZ-001: is also on row 2 for 2020-06-30",
        "调度表.csv：6 处错误，未导入 (6 errors; nothing imported)",
    ]
    assert run.events() == before
    advice_runs(run, ["progress", "import"], result.stderr)


def test_a_sheet_refused_on_many_rows_lists_the_first_20_and_counts_the_others(
    run: Campaign,
) -> None:
    unknown = [[f"ZZ-{n}", "1"] for n in range(101, 131)]
    source = text_file(run.folder / "p.csv", ["项目编号", "本日完成投资(万元)"], unknown)
    result = run("progress", "import", str(source), "--date", "2020-06-30")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: p.csv row 2, 项目编号=ZZ-101: is not a registered project"
    assert lines[19] == "p.csv row 21, 项目编号=ZZ-120: is not a registered project"
    assert lines[20:] == [
        "… 另有 10 处 (10 more)",
        "p.csv：30 处错误，未导入 (30 errors; nothing imported)",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.xlsx", None, "cannot read"),
        (
            "p.csv",
            "项目编号,投资额\nZZ-001,1\n",
            "p.csv row 1, unknown column 投资额; expected one of",
        ),
        ("p.csv", "项目编号,备注\nZZ-001,x\n", "missing column 本日完成投资(万元) (investment)"),
    ],
)
def test_a_file_that_is_not_a_progress_sheet_is_refused(
    run: Campaign, name: str, content: str | None, message: str
) -> None:
    path = run.folder / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run("progress", "import", str(path))
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.startswith("Error: ")


def test_the_template_refuses_a_store_without_a_campaign(tmp_path: Path) -> None:
    empty = Campaign(tmp_path)
    result = empty(
        "progress", "template", "--date", "2020-06-30", "--out", str(tmp_path / "t.xlsx")
    )
    assert result.exit_code == 1
    assert "no campaign store" in result.stderr or "no campaign is open" in result.stderr


# --------------------------------------------------------------------------- factor import


def test_factor_import_prints_each_request_id(run: Campaign) -> None:
    source = text_file(
        run.folder / "要素需求.csv",
        ["项目编号", "要素类别", "需求内容", "提报日期", "申请编号"],
        [["ZZ-001", "用电", "10kV 双回路接入", "2020-04-16", "YS-01"], ["ZZ-002"]],
        encoding="gbk",
    )
    result = run.ok("factor", "import", str(source))
    assert result.stdout.splitlines() == [
        "导入 要素需求.csv：2 行，新报 1，已有 0，未填 1",
        "  2 rows: 1 filed, 0 already filed (same key), 1 blank; 2 events appended",
        "  row 2  ZZ-001-20200416-power  新报，期限 2020-04-30 (filed, due 2020-04-30)",
        receipt_of(run.db),
    ]
    doc = json.loads(run.ok("factor", "import", str(source), "--json").stdout)
    assert [(r["id"], r["appended"]) for r in doc["requests"]] == [("ZZ-001-20200416-power", False)]
    assert f"receipt {doc['head']}@{doc['position']}" == receipt_of(run.db)


REQUESTS = ["项目编号", "要素类别", "需求内容", "提报日期", "申请编号"]


def test_factor_import_lists_every_refused_row_and_names_both_rows_of_a_repeat(
    run: Campaign,
) -> None:
    run.ok(*shlex.split("project terminate ZZ-003 --date 2020-06-20 --reason 投资方撤资"))
    source = text_file(
        run.folder / "要素需求.csv",
        REQUESTS,
        [
            ["ZZ-404", "用地", "二期用地", "2020-06-22", ""],  # row 2: no such project
            ["ZZ-003", "用电", "专线接入", "2020-06-22", ""],  # terminated before
            ["ZZ-001", "用地", "二期用地", "2020-06-22", "YD-1"],
            ["ZZ-001", "用地", "二期用地", "2020-06-22", "YD-1"],  # row 4 again
            ["ZZ-002", "用电", "专线接入", "2020-06-22", ""],
            ["ZZ-002", "用电", "专线接入", "2020-06-22", ""],  # row 6 again
        ],
    )
    before = run.events()
    result = run("factor", "import", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: 要素需求.csv row 2, 项目编号=ZZ-404: is not a registered project",
        "要素需求.csv row 3, 提报日期=2020-06-22: project ZZ-003 was terminated on 2020-06-20, "
        "on or before it",
        "要素需求.csv row 5, 申请编号=YD-1: is also on row 4 (a 申请编号 names one request): keep "
        "one of the rows, or give each request its own 申请编号",
        "要素需求.csv row 7, 需求内容=专线接入: is also on row 6 (ZZ-002 用电 2020-06-22): keep "
        "one of the rows, or give each request its own 申请编号",
        "要素需求.csv：4 处错误，未导入 (4 errors; nothing imported)",
    ]
    assert run.events() == before


def test_a_likely_duplicate_request_is_refused_with_advice_the_import_can_follow(
    run: Campaign,
) -> None:
    run.ok(*shlex.split("factor file ZZ-001 --category land --detail 二期用地 --date 2020-06-22"))
    row = ["ZZ-001", "用地", "二期用地", "2020-06-22"]
    again = text_file(run.folder / "要素需求.csv", REQUESTS, [[*row, ""]])
    refused = run("factor", "import", str(again))
    assert refused.exit_code == 1
    line = one_line(refused.stderr)
    assert line == (
        "Error: 要素需求.csv row 2, 需求内容=二期用地: is the detail of request "
        "ZZ-001-20200622-land, filed that day and still open: if this row is another request, "
        "give each request its own 申请编号; if it is that one, delete the row"
    )
    advice_runs(run, ["factor", "import"], line)
    keyed = text_file(run.folder / "要素需求-编号.csv", REQUESTS, [[*row, "YD-2"]])
    filed = run.ok("factor", "import", str(keyed))
    assert "row 2  ZZ-001-20200622-land-2  新报" in filed.stdout


# ------------------------------------------------------------------ project register --from


REGISTER_HEADER = ["项目编号", "项目名称", "领域", "类别", "帮包单位", "包保领导", "总投资(万元)"]
REGISTER_HEADER += ["年度计划投资(万元)", "登记日期", "工业项目", "技改项目"]
REGISTER_ROW = ["ZZ-101", "隔膜项目", "锂电", "新开工", "区招商局", "张三", "50000", "15000"]
REGISTER_ROW += ["2020-01-06", "是", "否"]


@pytest.mark.parametrize(
    ("name", "encoding", "bom"),
    [("p.xlsx", "", False), ("p.csv", "gbk", False), ("p.csv", "utf-8", True)],
    ids=["xlsx", "gbk", "bom"],
)
def test_projects_register_from_a_sheet_with_chinese_headers(
    run: Campaign, name: str, encoding: str, bom: bool
) -> None:
    path = run.folder / name
    if name.endswith(".xlsx"):
        workbook(path, REGISTER_HEADER, [REGISTER_ROW])
    else:
        text_file(path, REGISTER_HEADER, [REGISTER_ROW], encoding=encoding, bom=bom)
    result = run.ok("project", "register", "--from", str(path))
    assert result.stdout.splitlines() == [
        f"登记 {name}：1 个项目 (registered 1 project, 1 event)",
        receipt_of(run.db),
    ]
    state = stored_states(run.db)[-1]
    assert (state["code"], state["sector"], state["category"], state["industrial"]) == (
        "ZZ-101",
        "lithium",
        "new",
        True,
    )


def test_register_from_a_sheet_refuses_an_unknown_header_naming_it(run: Campaign) -> None:
    path = text_file(run.folder / "p.csv", [*REGISTER_HEADER, "投资方"], [REGISTER_ROW])
    result = run("project", "register", "--from", str(path))
    assert result.exit_code == 1
    assert "unknown column 投资方" in one_line(result.stderr)


def test_register_from_a_sheet_lists_every_refused_row_and_names_both_rows_of_a_repeat(
    run: Campaign,
) -> None:
    def project(code: str, plan: str = "15000", date: str = "2020-01-06") -> list[str]:
        return [code, *REGISTER_ROW[1:7], plan, date, *REGISTER_ROW[9:]]

    source = text_file(
        run.folder / "p.csv",
        REGISTER_HEADER,
        [
            project("ZZ-001"),  # row 2: registered by the office already
            project("ZZ-101"),
            project("ZZ-102", plan="60000"),  # more than its total investment
            project("ZZ-101"),  # row 3 again
            project("ZZ-103", date="2021-01-06"),  # outside the campaign year
        ],
    )
    before = run.events()
    result = run("project", "register", "--from", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: p.csv row 2, 项目编号=ZZ-001: is already registered",
        "p.csv row 4, 年度计划投资(万元)=60000.00: is more than total_investment (50000.00)",
        "p.csv row 5, 项目编号=ZZ-101: is also on row 3: keep one of the rows",
        "p.csv row 6, 登记日期=2021-01-06: is not in the campaign year 2020",
        "p.csv：4 处错误，未导入 (4 errors; nothing imported)",
    ]
    assert run.events() == before
