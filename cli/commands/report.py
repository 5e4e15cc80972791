"""`campaign report`: the report officials circulate — the 通报 as one HTML file that opens
anywhere (a USB stick, a phone, a printer), and the Excel 调度表."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.context import engine_for, parse_date, writing
from cli.options import key_option, query_options, read_options
from cli.output import print_json, progress

if TYPE_CHECKING:
    from campaign import Engine
    from campaign.report.drawing import Drawer
    from campaign.report.model import Report

FILE = click.Path(dir_okay=False, writable=True, path_type=Path)


@click.command("report")
@query_options
@click.option("--out", type=FILE, help="Write the 通报 here: one self-contained HTML file.")
@click.option("--xlsx", type=FILE, help="Write the Excel 调度表 here (.xlsx).")
@key_option
@read_options
def report(
    as_of: str | None,
    known_at: str | None,
    out: Path | None,
    xlsx: Path | None,
    signing_key: str | None,
    db: str,
    as_json: bool,
) -> None:
    """Write the report officials circulate: the 通报 (HTML) and the 调度表 (Excel).

    \b
    The 通报 is one HTML file with its styles and charts inside it, in Chinese:
    the summary and the headline table, the four rates, charts, the tables by
    category, sector and unit, the ranking with its change since the previous
    checkpoint, the lagging projects with their reasons, 开工 and 竣工投产, the
    overdue factor requests with their 督办 level, and the receipt. It opens
    without a network, on a phone, and prints on A4. The 调度表 has the same
    tables as sheets, with numbers Excel can sum. Without --as-of: the latest
    checkpoint day (see campaign checkpoint --help). The same log and query give
    the same bytes.

    \b
    Examples:
      campaign report --as-of 2020-06-30 --out 通报-0630.html --db demo.db
      campaign report --as-of 2020-06-30 --known-at 2020-07-05 \\
          --xlsx 调度表-0630.xlsx --db demo.db
    """
    if out is None and xlsx is None:
        raise click.UsageError("say where to write it: --out FILE.html, --xlsx FILE.xlsx, or both")
    from campaign.report import model  # noqa: F401 (before the fork: numpy, the figures)
    from campaign.report.drawing import Drawer

    # the charts' process starts now, to import matplotlib while the log is replayed; what the
    # two processes both import (the report's model) is imported once, before it
    with Drawer() if out is not None else nullcontext() as drawer:
        with (
            engine_for(db, create=False, signing_key=signing_key) as engine,
            progress("replaying") as tick,
        ):
            built = build_report(engine, as_of, known_at, tick)
        written = write_report(built, out, xlsx, drawer)
    if as_json:
        document = built.document
        print_json(
            {
                "as_of": document["as_of"],
                "known_at": document["known_at"],
                "previous": built.previous,
                **written,
                "receipt": document["receipt"],
            }
        )
        return
    receipt = built.receipt
    for what, path in written.items():
        if path is not None:
            name = "通报" if what == "html" else "调度表"
            click.echo(f"{name} {built.document['as_of']} 已写入 {path}")
    click.echo(f"receipt {receipt['digest']} state {receipt['state_hash']}")


def build_report(engine: Engine, as_of: str | None, known_at: str | None, tick: Any) -> Report:
    """The report's content on the day asked (or the day chosen, said on stderr)."""
    from campaign import build_report as build
    from campaign import choose_as_of
    from campaign.report.words import as_of_choice

    choice = choose_as_of(engine, parse_date(as_of))
    if choice.why != "given":
        click.echo(as_of_choice(choice.why, choice.day.isoformat()), err=True)
    return build(engine, choice.day, known_at, progress=tick)


def write_report(
    built: Report, out: Path | None, xlsx: Path | None, drawer: Drawer | None = None
) -> dict[str, str | None]:
    """Write the files asked for; what was written where."""
    written: dict[str, str | None] = {"html": None, "xlsx": None}
    if out is not None:
        from campaign import write_html

        with writing(out):
            write_html(built, out, drawer)
        written["html"] = str(out)
    if xlsx is not None:
        from campaign import write_xlsx

        with writing(xlsx):
            write_xlsx(built, xlsx)
        written["xlsx"] = str(xlsx)
    return written
