"""Sheets as a district office's clerk makes them: a template filled in with openpyxl (numbers
typed as numbers or as text, rows left blank), a workbook or a CSV file made from scratch in any
encoding. The tests of the sheet imports (tests/app, tests/integration, tests/cli) build their
inputs here, so that what the engine reads is what Excel or a text editor would have saved."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import openpyxl

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

# The progress template's columns (campaign.app.sheets.PROGRESS as the template writes them).
CODE, INVESTMENT, FUNDS, PCT, WORKERS, NOTE = 1, 5, 6, 7, 8, 9
FIRST_ROW = 4  # the title, the date, the header, then the projects


def fill_template(source: Path, target: Path, values: Mapping[str, Sequence[Any]]) -> Path:
    """The template at `source`, filled in as a clerk would and saved at `target`: for each
    project code in `values`, its investment, funds, physical %, workers and note as typed
    (None leaves a cell empty); the other projects' rows are left blank."""
    book = openpyxl.load_workbook(source)
    sheet = book.active
    assert sheet is not None
    for row in range(FIRST_ROW, sheet.max_row + 1):
        code = sheet.cell(row, CODE).value
        typed = values.get(str(code))
        if typed is None:
            continue
        for column, value in zip(range(INVESTMENT, NOTE + 1), typed, strict=False):
            sheet.cell(row, column, value)
    book.save(target)
    return target


def workbook(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    above: Sequence[Sequence[Any]] = (),
    sheet_name: str = "Sheet1",
    formats: Mapping[int, str] | None = None,
) -> Path:
    """A workbook whose active sheet holds the rows `above` (titles), the header and the rows;
    `formats` gives a column (1-based) a number format in every row."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name
    for values in (*above, header, *rows):
        sheet.append(list(values))
    first = len(above) + 2
    for column, number_format in (formats or {}).items():
        for row in range(first, first + len(rows)):
            sheet.cell(row, column).number_format = number_format
    book.save(path)
    return path


def text_file(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    bom: bool = False,
) -> Path:
    """A CSV file in `encoding` (a byte-order mark first, with `bom`), as Excel writes it."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path
