"""Sheets that people fill in: Excel workbooks (.xlsx) and CSV files, read into the fields of
SPEC §3 and written from them.

A sheet is title rows (a campaign's name, `日期 2020-06-30`), a header row, then one row per
record. Headers are matched as the templates write them (Chinese), by a few aliases, or by
SPEC's field names; full-width characters and spaces do not matter. An unknown header is
refused, so that a column meant for the engine is never silently dropped. Cells are read as a
clerk means them:

- numbers: Excel's numbers (a float is the shortest decimal that reads back as it: 120.5 is
  120.5; its binary noise beyond Excel's 15 significant digits goes, so 0.1 + 0.2 is 0.3), or
  text, with full-width digits (１２０.５) and thousands separators (`1,234.50`: commas only
  between groups of three digits, so `1,23` is refused rather than guessed);
- dates: Excel's dates, or text `2020-06-30`, `2020/6/30`, `2020.6.30`, `2020年6月30日`,
  `20200630`;
- percentages: `45`, `45%`, or a cell Excel shows as a percentage (0.45 shown 45%) read as 45;
- flags: 是/否 (or yes/no, true/false, 1/0); names: Chinese labels or the enum values.

A CSV file is UTF-8 (with or without a byte-order mark), UTF-16 with a mark (Excel's "Unicode
text"), else GB18030 (a superset of GBK, what Chinese Windows writes). Every error is one line
naming the file, the sheet (of a workbook), the row number, the column header and the rule.

A template written here is deterministic: the same rows and date give the same bytes (the
workbook's times and every zip entry's time are the sheet's date). openpyxl is imported only
when a workbook is read or written, so that the command line starts light.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from campaign.domain.errors import CampaignError, Refused
from campaign.domain.values import CENT
from campaign.domain.vocabulary import (
    CATEGORY_LABELS,
    FACTOR_CATEGORY_LABELS,
    SECTOR_LABELS,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from pathlib import Path

    from _typeshed import SizedBuffer
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    CellReader = Callable[[Any], Any]
    """Reads one non-empty cell; raises ValueError with the rule it breaks."""

    Found = tuple[list[tuple[int, Sequence[Any]]], int, Sequence[Any]]
    """The rows above the header, the header's row number, and its cells."""

E = TypeVar("E", bound=StrEnum)

HEADER_SCAN = 10
"""The header must be among the first rows of a sheet (title rows may stand above it)."""

MAX_SHOWN = 20
"""Errors listed for one file; the count of the others follows."""

WORKBOOK = (".xlsx", ".xlsm")
TEXT = (".csv", ".txt", ".tsv")


class SheetError(CampaignError):
    """A sheet that cannot be imported: one line per problem, each naming its place. Nothing
    was appended."""

    def __init__(self, lines: Sequence[str], *, file: str | None = None) -> None:
        self.lines = list(lines)
        shown = self.lines[:MAX_SHOWN]
        if len(self.lines) > MAX_SHOWN:
            more = len(self.lines) - MAX_SHOWN
            shown.append(f"… 另有 {more} 处 ({more} more)")
        if len(self.lines) > 1 and file is not None:
            count = len(self.lines)
            shown.append(f"{file}：{count} 处错误，未导入 ({count} errors; nothing imported)")
        super().__init__("\n".join(shown))


# ----------------------------------------------------------------------------- cell readers


class PercentCell(float):
    """A number that Excel shows as a percentage: 0.45 in a cell shown as 45%."""


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_WHOLE = re.compile(r"[+-]?\d+(\.0*)?")
_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+0?0:00(:00)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TRUE = frozenset({"是", "y", "yes", "true", "t", "1", "√", "✓"})
_FALSE = frozenset({"否", "n", "no", "false", "f", "0", "×", "✗"})


def _plain(text: str) -> str:
    """Full-width forms as their ASCII twins (１２０．５ -> 120.5, （） -> ()), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def name_key(text: str) -> str:
    """How headers and names are compared: full-width forms folded, case and spaces ignored,
    '-' as '_'."""
    return "".join(_plain(text).casefold().split()).replace("-", "_")


def excel_decimal(number: float) -> Decimal:
    """A number Excel stored: the shortest decimal that reads back as the same float (120.5
    is 120.5); when that has more than two places, the number as Excel shows it, to its 15
    significant digits (0.1 + 0.2 is stored 0.30000000000000004 and shown 0.3). What still
    has more places is returned as it is, for the command's own rule to refuse."""
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    exact = Decimal(repr(float(number)))
    if _places(exact) <= 2:
        return exact
    shown = Decimal(f"{number:.15g}")
    return shown if _places(shown) <= 2 else exact


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def decimal_text(text: str, *, percent: bool = False) -> Decimal:
    """A number typed as text: full-width digits, thousands separators between groups of
    three (1,234.50), and with `percent` a trailing % sign."""
    t = "".join(_plain(text).split())
    if percent and t.endswith("%"):
        t = t[:-1]
    if "," in t:
        if not _GROUPED.fullmatch(t):
            raise ValueError("must be a decimal number (commas only between thousands: 1,234.50)")
        t = t.replace(",", "")
    if not _NUMBER.fullmatch(t):
        raise ValueError("must be a decimal number")
    try:
        return Decimal(t)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValueError("must be a decimal number") from None


def read_text(value: Any) -> str:
    """Text as typed; a number in a text cell as Excel shows it (101, not 101.0)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def read_code(value: Any) -> str:
    """A project code: full-width letters and digits as ASCII (ＺＺ－００１ is ZZ-001)."""
    return _plain(read_text(value))


def read_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("must be a decimal number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return excel_decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        return decimal_text(value)
    if isinstance(value, (dt.date, dt.datetime)):
        raise ValueError("must be a decimal number, not a date")
    raise ValueError("must be a decimal number")


def read_percent(value: Any) -> Decimal:
    """Physical progress 0-100: `45`, `45%`, or a cell Excel shows as 45% (it holds 0.45)."""
    if isinstance(value, PercentCell):
        return excel_decimal(float(value) * 100)
    if isinstance(value, str):
        return decimal_text(value, percent=True)
    return read_decimal(value)


def read_whole(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError("must be a whole number")
    if isinstance(value, str):
        t = "".join(_plain(value).split())
        if "," in t and _GROUPED.fullmatch(t):
            t = t.replace(",", "")
        if _WHOLE.fullmatch(t):
            return int(Decimal(t))
    raise ValueError("must be a whole number")


def read_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise ValueError("must be a date, not a date and time")
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = read_text(value) if isinstance(value, (int, float)) else value
    if isinstance(text, str):
        t = _plain(text)
        found = _COMPACT_DATE.fullmatch(t) or _DATE_TEXT.fullmatch(t)
        if found:
            try:
                return dt.date(int(found[1]), int(found[2]), int(found[3]))
            except ValueError:
                raise ValueError("is not a calendar date") from None
    if isinstance(value, (int, float)):
        raise ValueError("must be a date (YYYY-MM-DD); format the cell as a date")
    raise ValueError("must be a date written YYYY-MM-DD")


def read_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = name_key(read_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError("must be 是 or 否 (yes or no)")


def labelled(labels: Mapping[E, str]) -> CellReader:
    """A name from a vocabulary: its Chinese label or its enum value."""
    names = {name_key(label): str(member) for member, label in labels.items()}
    names.update({name_key(str(member)): str(member) for member in labels})
    rule = f"must be one of {'、'.join(labels.values())} (or {', '.join(map(str, labels))})"

    def read(value: Any) -> str:
        try:
            return names[name_key(read_text(value))]
        except KeyError:
            raise ValueError(rule) from None

    return read


def shown(value: Any) -> str:
    """A cell's value as an error message quotes it."""
    if isinstance(value, PercentCell):
        return f"{float(value):.15g} (shown as a percentage)"
    if isinstance(value, float):
        return f"{value:.15g}"
    return read_text(value)


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


# ------------------------------------------------------------------------------- layouts


@dataclass(frozen=True, slots=True)
class Check:
    """What Excel itself checks as the clerk types (a data validation of the template)."""

    kind: Literal["decimal", "whole"]
    low: str
    high: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a sheet: the field it fills, the header the templates write, how a cell is
    read (None: a column for people, such as a project's name, that is never read), the other
    headers that mean it, and how a template shows it."""

    field: str
    header: str
    read: CellReader | None = None
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: float = 12
    number_format: str = ""  # Excel's General
    check: Check | None = None


class Layout:
    """The columns of one kind of sheet. The first is the row's key (the project's code): the
    header row is the one that names it."""

    def __init__(self, name: str, columns: Sequence[Column], *, values: Sequence[str]) -> None:
        self.name = name
        self.columns = tuple(columns)
        self.values = tuple(values)
        self.by_field = {c.field: c for c in self.columns}
        self.by_name: dict[str, Column] = {}
        for column in self.columns:
            for text in (column.header, column.field, *column.aliases):
                self.by_name.setdefault(name_key(text), column)
        key = self.columns[0]
        self.key_names = {k for k, c in self.by_name.items() if c is key}

    def expected(self) -> str:
        headers = ", ".join(c.header for c in self.columns)
        fields = ", ".join(c.field for c in self.columns if not c.field.startswith("_"))
        return f"{headers} (or {fields})"


MONEY = "#,##0.00"
MONEY_CHECK = Check("decimal", "0", None, "请填写不小于 0 的金额（万元，最多两位小数）")
CODE = Column("code", "项目编号", read_code, ("编号", "项目代码", "代码"), required=True, width=12)
NAME = Column("name", "项目名称", None, ("名称",), width=32)
UNIT = Column("unit", "帮包单位", None, ("责任单位",), width=16)
LEADER = Column("leader", "包保领导", None, ("责任领导",), width=10)
ROW_NUMBER = Column("_row", "序号", None, ("行号", "no"), width=6)

PROGRESS = Layout(
    "progress",
    [
        CODE,
        NAME,
        UNIT,
        LEADER,
        Column(
            "investment",
            "本日完成投资(万元)",
            read_decimal,
            ("本日完成投资", "当日完成投资(万元)", "当日完成投资", "完成投资(万元)", "完成投资"),
            required=True,
            width=18,
            number_format=MONEY,
            check=MONEY_CHECK,
        ),
        Column(
            "funds",
            "本日到位资金(万元)",
            read_decimal,
            ("本日到位资金", "当日到位资金(万元)", "当日到位资金", "到位资金(万元)", "到位资金"),
            width=18,
            number_format=MONEY,
            check=MONEY_CHECK,
        ),
        Column(
            "physical_pct",
            "形象进度(%)",
            read_percent,
            ("形象进度", "形象进度%"),
            width=12,
            number_format="0.00",
            check=Check("decimal", "0", "100", "请填写 0 到 100 之间的数（形象进度，百分数）"),
        ),
        Column(
            "workers",
            "在岗人数",
            read_whole,
            ("在岗工人", "用工人数", "施工人数", "在岗人员"),
            width=10,
            number_format="0",
            check=Check("whole", "0", "1000000", "请填写不小于 0 的整数（人）"),
        ),
        Column("note", "备注", read_text, ("说明",), width=30),
        Column("date", "日期", read_date, ("填报日期", "调度日期", "报告日期"), width=12),
        ROW_NUMBER,
    ],
    values=("investment", "funds", "physical_pct", "workers", "note"),
)
"""The daily progress sheet (调度表): one row per project, the day's values."""

REQUESTS = Layout(
    "requests",
    [
        CODE,
        NAME,
        Column(
            "category",
            "要素类别",
            labelled(FACTOR_CATEGORY_LABELS),
            ("类别", "要素类型", "要素", "诉求类别"),
            required=True,
        ),
        Column(
            "detail",
            "需求内容",
            read_text,
            ("诉求内容", "具体需求", "需求", "内容", "事项"),
            required=True,
            width=40,
        ),
        Column("date", "提报日期", read_date, ("日期", "申请日期", "提出日期", "填报日期")),
        Column("key", "申请编号", read_text, ("诉求编号", "唯一编号"), width=16),
        UNIT,
        LEADER,
        ROW_NUMBER,
    ],
    values=("category", "detail", "key"),
)
"""Factor-support requests (要素保障需求): one row per request."""

PROJECTS = Layout(
    "projects",
    [
        CODE,
        Column("name", "项目名称", read_text, ("名称",), required=True, width=32),
        Column(
            "sector", "领域", labelled(SECTOR_LABELS), ("行业", "产业", "所属领域"), required=True
        ),
        Column(
            "category", "类别", labelled(CATEGORY_LABELS), ("项目类别", "项目类型"), required=True
        ),
        Column("unit", "帮包单位", read_text, ("责任单位",), required=True, width=16),
        Column("leader", "包保领导", read_text, ("责任领导",), required=True),
        Column(
            "total_investment",
            "总投资(万元)",
            read_decimal,
            ("总投资", "计划总投资(万元)", "计划总投资"),
            required=True,
            number_format=MONEY,
        ),
        Column(
            "annual_plan",
            "年度计划投资(万元)",
            read_decimal,
            ("年度计划投资", "年度计划(万元)", "年度计划", "年度投资计划(万元)", "年度投资计划"),
            required=True,
            number_format=MONEY,
        ),
        Column("date", "登记日期", read_date, ("日期",)),
        Column("planned_start", "计划开工", read_date, ("计划开工日期", "计划开工时间")),
        Column("planned_completion", "计划竣工", read_date, ("计划竣工日期", "计划竣工时间")),
        Column("industrial", "工业项目", read_flag, ("是否工业项目",)),
        Column("tech_renovation", "技改项目", read_flag, ("是否技改项目",)),
        Column(
            "factory_area_m2",
            "厂房面积(㎡)",
            read_decimal,
            ("厂房面积", "厂房面积(平方米)", "标准厂房面积(㎡)", "标准厂房面积"),
        ),
        ROW_NUMBER,
    ],
    values=(),
)
"""Key projects to register (重点项目): one row per project."""


# -------------------------------------------------------------------------------- reading


@dataclass(slots=True)
class SheetRow:
    """A record of a sheet: its row number (as Excel numbers rows, or a CSV file's records)
    and its read cells by field (empty cells left out)."""

    number: int
    fields: dict[str, Any]
    bad: bool = False  # a cell could not be read (its error is noted)


@dataclass
class Sheet:
    """A sheet read: where it came from, its header, the date written above the header, its
    records, and the errors found reading them."""

    file: str
    sheet: str | None
    layout: Layout
    headers: dict[str, str] = field(default_factory=dict)  # field -> header as written
    date: dt.date | None = None
    date_row: int | None = None
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, line)

    def where(self, number: int) -> str:
        place = self.file if self.sheet is None else f"{self.file} {self.sheet}"
        return f"{place} row {number}"

    def header(self, name: str) -> str:
        """The column that holds a field: its header as the file writes it, else the
        template's."""
        written = self.headers.get(name)
        if written is not None:
            return written
        column = self.layout.by_field.get(name)
        return column.header if column is not None else name

    def locate(self, number: int, error: CampaignError) -> str:
        """An error about row `number`, as one line naming the column by its header."""
        if isinstance(error, Refused):
            error = Refused(self.header(error.field), error.value, error.rule)
        return f"{self.where(number)}, {error}"

    def note(self, number: int, error: CampaignError | str) -> None:
        """Note what is wrong with row `number` (the sheet is refused by `check`)."""
        line = error if isinstance(error, str) else self.locate(number, error)
        self.errors.append((number, line))

    def check(self) -> None:
        """Refuse the sheet if anything was found wrong in it: every error, in row order."""
        if self.errors:
            lines = [line for _, line in sorted(self.errors, key=lambda e: e[0])]
            raise SheetError(lines, file=self.file)


def read_sheet(path: Path, layout: Layout) -> Sheet:
    """Read a workbook (.xlsx: the active sheet, else the first that has the header) or a CSV
    file. Header errors are raised at once; a bad cell is noted in `errors`, with every other
    bad cell, and the caller refuses the sheet when it has looked at the rows too."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK:
        return _read_workbook(path, layout)
    if suffix in TEXT:
        text = decode_text(_bytes(path), path.name)
        return _read_rows(path.name, None, layout, enumerate(_csv_rows(text, path.name), 1))
    if suffix == ".xls":
        raise SheetError([f"{path.name}: an Excel 97-2003 workbook; save it as .xlsx first"])
    raise SheetError([f"{path.name}: must be an Excel workbook (.xlsx) or a CSV file (.csv)"])


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise SheetError([f"cannot read {path}: {error.strerror}"]) from None


def decode_text(data: bytes, name: str) -> str:
    """A text file's characters: UTF-8 (a byte-order mark or not), UTF-16 with its mark, else
    GB18030 (which reads GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SheetError([f"{name}: not readable UTF-16 text"]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SheetError([f"{name}: neither UTF-8 nor GB18030 (GBK) text"]) from None


def _csv_rows(text: str, name: str) -> Iterator[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise SheetError([f"{name}: not a readable CSV file ({error})"]) from None


def _read_workbook(path: Path, layout: Layout) -> Sheet:
    from openpyxl import load_workbook  # noqa: PLC0415 (a second's import: only for a workbook)

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except OSError as error:
        raise SheetError([f"cannot read {path}: {error.strerror}"]) from None
    except Exception as error:  # openpyxl raises zip, XML and key errors for a broken file
        raise SheetError([f"{path.name}: not a readable Excel workbook ({error})"]) from None
    try:
        active = book.active
        sheets = [s for s in book.worksheets if s is active] + [
            s for s in book.worksheets if s is not active
        ]
        for worksheet in sheets:
            if not hasattr(worksheet, "reset_dimensions"):
                continue  # a chart sheet
            # A workbook's stated dimensions may be wrong: read the rows as they are.
            worksheet.reset_dimensions()
            rows = enumerate(_cell_values(worksheet), 1)
            found = _find_header(rows, layout)
            if found is not None:
                return _read_rows(path.name, worksheet.title, layout, rows, found)
        names = "、".join(s.title for s in book.worksheets)
        raise SheetError(
            [
                f"{path.name}: no sheet has a header row with {layout.columns[0].header} "
                f"in its first {HEADER_SCAN} rows (sheets: {names})"
            ]
        )
    finally:
        book.close()


def _cell_values(worksheet: Worksheet) -> Iterator[list[Any]]:
    """Each row's values; a number shown as a percentage comes as a PercentCell."""
    for row in worksheet.iter_rows():
        values = [cell.value for cell in row]
        for i, value in enumerate(values):
            if (type(value) is float or type(value) is int) and "%" in row[i].number_format:
                values[i] = PercentCell(value)
        yield values


def _find_header(rows: Iterator[tuple[int, Sequence[Any]]], layout: Layout) -> Found | None:
    above: list[tuple[int, Sequence[Any]]] = []
    for number, cells in rows:
        if any(isinstance(c, str) and name_key(c) in layout.key_names for c in cells):
            return above, number, cells
        above.append((number, cells))
        if number >= HEADER_SCAN:
            return None
    return None


def _read_rows(
    file: str,
    sheet_name: str | None,
    layout: Layout,
    rows: Iterator[tuple[int, Sequence[Any]]],
    found: Found | None = None,
) -> Sheet:
    sheet = Sheet(file=file, sheet=sheet_name, layout=layout)
    if found is None:
        found = _find_header(rows, layout)
    if found is None:
        key = layout.columns[0]
        raise SheetError(
            [
                f"{file}: no header row with {key.header} ({key.field}) "
                f"in the first {HEADER_SCAN} rows"
            ]
        )
    above, header_row, header = found
    columns, headerless = _match_header(sheet, header_row, header)
    _title_date(sheet, above)
    readers = [(i, c, c.read) for i, c in columns if c.read is not None]
    width = len(header)
    for number, cells in rows:
        if not any(_present(v) for v in cells):
            continue  # an empty row is no record
        record = SheetRow(number, {})
        fields = record.fields
        for i, column, read in readers:
            if i >= len(cells):
                break
            raw = cells[i]
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                fields[column.field] = read(raw)
            except ValueError as error:
                sheet.note(number, Refused(column.field, shown(raw), str(error)))
                record.bad = True
        stray = [i for i in headerless if i < len(cells) and _present(cells[i])]
        stray += [i for i in range(width, len(cells)) if _present(cells[i])]
        if stray:
            sheet.note(
                number,
                f"{sheet.where(number)}, column {_letter(stray[0])}={shown(cells[stray[0]])}: "
                "has no header; name the column or clear it",
            )
            record.bad = True
        sheet.rows.append(record)
    return sheet


def _match_header(
    sheet: Sheet, number: int, header: Sequence[Any]
) -> tuple[list[tuple[int, Column]], list[int]]:
    layout = sheet.layout
    columns: list[tuple[int, Column]] = []
    headerless: list[int] = []
    errors: list[str] = []
    unknown: list[str] = []
    for i, cell in enumerate(header):
        text = read_text(cell) if _present(cell) else ""
        if not text:
            headerless.append(i)
            continue
        column = layout.by_name.get(name_key(text))
        if column is None:
            unknown.append(text)
        elif column.field in sheet.headers:
            errors.append(
                f"{sheet.where(number)}, columns {sheet.headers[column.field]} and {text} "
                f"both mean {column.header} ({column.field}); keep one"
            )
        else:
            sheet.headers[column.field] = text
            columns.append((i, column))
    if unknown:
        named = f"column {unknown[0]}" if len(unknown) == 1 else f"columns {', '.join(unknown)}"
        errors.insert(
            0, f"{sheet.where(number)}, unknown {named}; expected one of {layout.expected()}"
        )
    for column in layout.columns:
        if column.required and column.field not in sheet.headers:
            errors.append(f"{sheet.where(number)}, missing column {column.header} ({column.field})")
    if errors:
        raise SheetError(errors, file=sheet.file)
    return columns, headerless


_DATE_LABEL = re.compile(
    r"(日期|填报日期|调度日期|报告日期|date)\s*[:：]?\s*(\d.*)?", re.IGNORECASE
)


def _title_date(sheet: Sheet, above: list[tuple[int, Sequence[Any]]]) -> None:
    """The date written above the header: a cell `日期 2020-06-30` (or `日期：…`), or a cell
    `日期` and the date in a cell to its right."""
    for number, cells in above:
        for j, cell in enumerate(cells):
            if not isinstance(cell, str):
                continue
            label = _DATE_LABEL.fullmatch(_plain(cell))
            if label is None:
                continue
            value: Any = label[2] or next((c for c in cells[j + 1 :] if _present(c)), None)
            if value is None:
                continue
            try:
                sheet.date = read_date(value)
            except ValueError as error:
                sheet.note(number, Refused(label[1], shown(value), str(error)))
            sheet.date_row = number
            return


def _letter(index: int) -> str:
    """The Excel name of a column (0 -> A, 26 -> AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


# -------------------------------------------------------------------------------- writing


def write_workbook(
    path: Path,
    *,
    title: str,
    date: dt.date,
    sheet_name: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
) -> None:
    """A sheet as the readers above expect it: a title row, `日期` and the date, the header
    (frozen, with a filter), then the rows; each column with its width and number format, and
    Excel's own checks on the value columns. Deterministic: the workbook's created and modified
    times, and every zip entry's time, are the date."""
    # openpyxl takes a fraction of a second to import: only when a workbook is written.
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = sheet_name
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["日期", date])
    sheet["A2"].font = Font(bold=True)
    sheet["B2"].number_format = "yyyy-mm-dd"
    sheet["B2"].alignment = Alignment(horizontal="left")
    sheet.append([c.header for c in columns])
    header_row = 3
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, column in enumerate(columns, 1):
        cell = sheet.cell(header_row, i)
        cell.font, cell.fill, cell.alignment = bold, fill, center
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    last = header_row
    formats = [(i, c.number_format) for i, c in enumerate(columns, 1) if c.number_format]
    for last, values in enumerate(rows, header_row + 1):
        for i, value in enumerate(values, 1):
            sheet.cell(last, i, value)
        for i, number_format in formats:
            sheet.cell(last, i).number_format = number_format
    sheet.freeze_panes = f"C{header_row + 1}"  # the header, and the code and name
    width = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A{header_row}:{width}{max(last, header_row)}"
    for i, column in enumerate(columns, 1):
        if column.check is None or last == header_row:
            continue
        check = column.check
        rule = DataValidation(
            type=check.kind,
            operator="between" if check.high is not None else "greaterThanOrEqual",
            formula1=check.low,
            formula2=check.high,
            allow_blank=True,
            showErrorMessage=True,
            error=check.message,
            errorTitle=column.header,
        )
        letter = get_column_letter(i)
        rule.add(f"{letter}{header_row + 1}:{letter}{last}")
        sheet.add_data_validation(rule)
    save_workbook(book, path, title=title, date=date)


def save_workbook(book: Workbook, path: Path, *, title: str, date: dt.date) -> None:
    """Write a workbook so that the same content gives the same bytes: its created and
    modified times, and every zip entry's time, are `date` (the sheet's, not the clock's).
    Written through a partial file, so that a reader never opens half a workbook."""
    from openpyxl.writer.excel import ExcelWriter  # noqa: PLC0415

    moment = dt.datetime.combine(date, dt.time())
    book.properties.creator = "campaign"
    book.properties.title = title
    book.properties.created = moment
    book.properties.modified = moment
    partial = path.with_name(path.name + ".partial")
    try:
        with _FixedTimeZip(partial, moment) as archive:
            ExcelWriter(book, archive).save()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


class _FixedTimeZip(zipfile.ZipFile):
    """A zip file whose entries all carry one time (the template's date), so that the same
    workbook gives the same bytes whenever it is written."""

    def __init__(self, path: Path, moment: dt.datetime) -> None:
        super().__init__(path, "w", zipfile.ZIP_DEFLATED)
        self._stamp = (moment.year, moment.month, moment.day, 0, 0, 0)

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: SizedBuffer | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: str | os.PathLike[str],
        arcname: str | os.PathLike[str] | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        with open(filename, "rb") as handle:
            data = handle.read()
        self.writestr(os.fspath(arcname or filename), data, compress_type, compresslevel)


def write_text(path: Path, *, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> None:
    """A CSV file for Excel: UTF-8 with a byte-order mark (so that Excel reads the Chinese),
    a header row, CRLF line ends."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.header for c in columns])
            for values in rows:
                writer.writerow(["" if v is None else _text_cell(v) for v in values])
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _text_cell(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(CENT)) if _places(value) <= 2 else str(value)
    return str(value)
