"""`campaign progress template`, `campaign progress import` and `campaign factor import`: bulk
entry from the sheets a district office lives in (Excel workbooks and CSV files). The use cases
are `campaign.app.bulk`'s; this module parses the options and prints the receipts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.context import engine_for, keep_snapshots, parse_date
from cli.options import read_options, write_options

if TYPE_CHECKING:
    from campaign.app.bulk import ProgressReceipt, RequestsReceipt, TemplateReceipt

SHEET = click.Path(dir_okay=False, path_type=Path)


@click.command("template")
@click.option("--date", help="The day the sheet is for (default today).")
@click.option(
    "--out", required=True, type=SHEET, help="The sheet to write: FILE.xlsx, or FILE.csv for Excel."
)
@read_options
def progress_template(date: str | None, out: Path, db: str, as_json: bool) -> None:
    """Write the day's progress sheet (调度表) for the clerk to fill in.

    \b
    One row per project listed that day (registered, not terminated): its
    项目编号, 项目名称, 帮包单位 and 包保领导, and empty columns for the day's
    investment and funds (万元), 形象进度 (%), workers and a note.

    An .xlsx has the date above the header and in the sheet's name; a .csv (UTF-8
    that Excel reads) has it in a 日期 column. The same log and date give the same
    file, byte for byte.

    \b
    Example:
      campaign progress template --date 2020-06-30 --out 调度表-0630.xlsx
      campaign progress import 调度表-0630.xlsx
    """
    from campaign import progress_template as write_template

    day = parse_date(date, "date")
    with engine_for(db, create=False) as engine:
        receipt = write_template(engine, out, date=day)
    _print(receipt, as_json)


@click.command("import", short_help="Import a filled progress sheet, all rows or none.")
@click.argument("file", type=SHEET)
@click.option(
    "--date", help="The day of the rows, when neither they nor the sheet say (default today)."
)
@click.option(
    "--correct", is_flag=True, help="Correct the day's reports that differ (needs --reason)."
)
@click.option("--reason", help="Why the reports are corrected.")
@write_options
def progress_import(
    file: Path,
    date: str | None,
    correct: bool,
    reason: str | None,
    db: str,
    actor: str,
    as_json: bool,
) -> None:
    """Import a filled progress sheet (.xlsx or .csv): all rows or none.

    A row with no value is not reported and is skipped. A row equal to the day's
    report appends nothing, so importing the same sheet again appends nothing; a
    row that differs is refused, unless --correct --reason is given: then the
    values that differ are corrected. Every refused row is listed in one run (the
    first 20 errors, then a count), each naming the file, the sheet, the row and
    the column; a project and day given twice names both rows.

    \b
    Columns (the template's headers, or SPEC's names):
      项目编号            code
      本日完成投资(万元)  investment
      本日到位资金(万元)  funds
      形象进度(%)         physical_pct (45, 45% or a cell shown as 45%)
      在岗人数            workers
      备注                note
      日期                date (else the sheet's 日期, else --date, else today)
      项目名称, 帮包单位, 包保领导, 序号: for people, not read

    A CSV file may be UTF-8 (with or without a byte-order mark) or GBK.

    \b
    Example:
      campaign progress template --date 2020-06-30 --out 调度表-0630.xlsx
      campaign progress import 调度表-0630.xlsx
      campaign progress import 调度表-0630.xlsx --correct --reason "核对更正"
    """
    from campaign import import_progress

    if correct and reason is None:
        raise click.UsageError("--correct needs --reason TEXT: why the reports are corrected")
    if reason is not None and not correct:
        raise click.UsageError("--reason goes with --correct")
    day = parse_date(date, "date")
    with engine_for(db, create=False) as engine:
        receipt = import_progress(engine, file, actor=actor, date=day, reason=reason)
    keep_snapshots(db)
    _print(receipt, as_json)


@click.command("import", short_help="File the requests of a sheet, all rows or none.")
@click.argument("file", type=SHEET)
@click.option(
    "--date",
    help="The filing date of the rows, when neither they nor the sheet say (default today).",
)
@write_options
def factor_import(file: Path, date: str | None, db: str, actor: str, as_json: bool) -> None:
    """File a sheet of factor-support requests (.xlsx or .csv), all or none.

    Prints each request's id and due date.

    \b
    Columns (the headers, or SPEC's names):
      项目编号   code
      要素类别   category: 用地 能耗 环评 用水 用电 供气供热 道路管网
                 融资 用工 审批 拆迁 其他 (or land, energy, ...)
      需求内容   detail
      提报日期   date (else the sheet's 日期, else --date, else today)
      申请编号   key (optional)

    \b
    A row whose key was filed before names that request and appends nothing, so
    a sheet with keys can be imported again. A row without a key that repeats an
    open request of the same project, category, day and detail is refused as a
    likely duplicate: give each request its own 申请编号. Every refused row is
    listed in one run (the first 20 errors, then a count), and nothing is filed.
    A CSV file may be UTF-8 or GBK.

    \b
    Example:
      campaign factor import scenarios/examples/要素需求.csv
    """
    from campaign import import_requests

    day = parse_date(date, "date")
    with engine_for(db, create=False) as engine:
        receipt = import_requests(engine, file, actor=actor, date=day)
    keep_snapshots(db)
    _print(receipt, as_json)


def _print(receipt: TemplateReceipt | ProgressReceipt | RequestsReceipt, as_json: bool) -> None:
    from cli.output import print_json

    if as_json:
        print_json(receipt.document())
        return
    for line in receipt.lines():
        click.echo(line)
