"""Bulk entry from sheets (issue 10): the daily progress template (调度表) and its import, factor-
support requests from a sheet, and key projects registered from a sheet.

An import reads the whole sheet and turns every row into a command first (`parse_command`, the
rules of the command line); a key the sheet holds twice (a project and day, a 申请编号, a project
to register) is named with both rows. The commands then run through the one write path in one
unit of work (`Engine.unit_of_work`), each row against the state the rows before it leave. A row
the engine refuses is noted and what it changed in the unit is undone (`_Rows`), so that every
refused row of the sheet is listed in one run, each on its own line naming the file, the sheet,
the row and the column, beside every bad cell; a sheet with any error appends nothing. The unit
reads every row's project and report at once (`Session.preload`) and appends in batches, as a
scenario does.

Progress rows follow SPEC §3's report rule: a row whose values equal the day's report appends
nothing, so importing the same sheet again appends nothing; a row that differs is refused,
unless the import corrects, when it becomes a correction of the values that differ. A row that
reports nothing (no value in any value column) is "not reported" and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from campaign.app.commands import (
    Command,
    CorrectProgress,
    FileFactor,
    RegisterProject,
    ReportProgress,
    parse_command,
)
from campaign.app.queries import replay
from campaign.app.scenario import FLUSH_EVERY
from campaign.app.sheets import (
    CODE,
    LEADER,
    NAME,
    PROGRESS,
    PROJECTS,
    REQUESTS,
    UNIT,
    Layout,
    Sheet,
    SheetError,
    read_sheet,
    write_text,
    write_workbook,
)
from campaign.domain.errors import CampaignError, LikelyDuplicate, Refused
from campaign.domain.factor import FactorKey
from campaign.domain.project import Project
from campaign.domain.report import REPORT_VALUES, DailyReport
from campaign.domain.time import today_in
from campaign.domain.vocabulary import FACTOR_CATEGORY_LABELS

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Hashable
    from pathlib import Path

    from campaign.app.engine import Engine, UnitOfWork
    from campaign.app.handlers import Result
    from campaign.app.session import Session
    from campaign.domain.campaign import Campaign

C = TypeVar("C", bound=Command)

TEMPLATE_VALUES = ("investment", "funds", "physical_pct", "workers", "note")
"""The columns of the progress template that the clerk fills, in order."""


# -------------------------------------------------------------------------------- receipts


@dataclass(frozen=True, slots=True)
class TemplateReceipt:
    file: str
    date: dt.date
    projects: int

    def lines(self) -> list[str]:
        return [
            f"调度表 {self.file}：{self.projects} 个项目，日期 {self.date}",
            f"  template of the {self.projects} projects listed on {self.date}",
        ]

    def document(self) -> dict[str, Any]:
        return {"file": self.file, "date": self.date.isoformat(), "projects": self.projects}


@dataclass(frozen=True, slots=True)
class ProgressReceipt:
    """What a progress import did: rows read (records, blank ones included), reports new,
    already recorded with the same values, corrected, and rows left blank."""

    file: str
    sheet: str | None
    dates: tuple[str, ...]
    rows: int
    reported: int
    already: int
    corrected: int
    blank: int
    appended: int
    position: int
    head: str

    def lines(self) -> list[str]:
        days = _days(self.dates)
        return [
            f"导入 {self.file}：{self.rows} 行，新报 {self.reported}，已有 {self.already}，"
            f"更正 {self.corrected}，未填 {self.blank}",
            f"  {days}{_rows(self.rows)}: {self.reported} reported, {self.already} already "
            f"recorded, {self.corrected} corrected, {self.blank} blank; "
            f"{_events(self.appended)} appended",
            _receipt(self.head, self.position),
        ]

    def document(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "dates": list(self.dates),
            "rows": self.rows,
            "reported": self.reported,
            "already_recorded": self.already,
            "corrected": self.corrected,
            "blank": self.blank,
            "appended": self.appended,
            "position": self.position,
            "head": self.head,
        }


@dataclass(frozen=True, slots=True)
class FiledRow:
    row: int
    id: str
    code: str
    category: str
    date: dt.date
    due: dt.date
    new: bool


@dataclass(frozen=True, slots=True)
class RequestsReceipt:
    file: str
    sheet: str | None
    rows: int
    blank: int
    filed: tuple[FiledRow, ...]
    appended: int
    position: int
    head: str

    def lines(self) -> list[str]:
        new = sum(f.new for f in self.filed)
        already = len(self.filed) - new
        lines = [
            f"导入 {self.file}：{self.rows} 行，新报 {new}，已有 {already}，未填 {self.blank}",
            f"  {_rows(self.rows)}: {new} filed, {already} already filed (same key), "
            f"{self.blank} blank; {_events(self.appended)} appended",
        ]
        rows = max((len(str(f.row)) for f in self.filed), default=0)
        ids = max((len(f.id) for f in self.filed), default=0)
        for f in self.filed:
            state = f"新报，期限 {f.due} (filed, due {f.due})" if f.new else "已有 (already filed)"
            lines.append(f"  row {f.row:<{rows}}  {f.id:<{ids}}  {state}")
        lines.append(_receipt(self.head, self.position))
        return lines

    def document(self) -> dict[str, Any]:
        new = sum(f.new for f in self.filed)
        return {
            "file": self.file,
            "sheet": self.sheet,
            "rows": self.rows,
            "filed": new,
            "already_filed": len(self.filed) - new,
            "blank": self.blank,
            "appended": self.appended,
            "position": self.position,
            "head": self.head,
            "requests": [
                {
                    "row": f.row,
                    "id": f.id,
                    "code": f.code,
                    "category": f.category,
                    "date": f.date.isoformat(),
                    "due": f.due.isoformat(),
                    "appended": f.new,
                }
                for f in self.filed
            ],
        }


@dataclass(frozen=True, slots=True)
class RegisterReceipt:
    file: str
    sheet: str | None
    results: tuple[Result, ...]

    def lines(self) -> list[str]:
        count = len(self.results)
        appended = sum(r.appended for r in self.results)
        noun = "project" if count == 1 else "projects"
        what = f"registered {count} {noun}, {_events(appended)}"
        lines = [f"登记 {self.file}：{count} 个项目 ({what})"]
        if self.results:
            lines.append(f"receipt {self.results[-1].receipt}")
        return lines


def _rows(count: int) -> str:
    return f"{count} row{'' if count == 1 else 's'}"


def _receipt(head: str, position: int) -> str:
    """The log's head after the import, as every write prints it (HASH@POSITION)."""
    return f"receipt {head}@{position}"


def _events(count: int) -> str:
    return f"{count} event{'' if count == 1 else 's'}"


def _days(dates: tuple[str, ...]) -> str:
    if not dates:
        return ""
    if len(dates) == 1:
        return f"{dates[0]}: "
    return f"{dates[0]} – {dates[-1]}: "


# ------------------------------------------------------------------------------- template


def progress_template(engine: Engine, out: Path, *, date: dt.date | None) -> TemplateReceipt:
    """Write the day's progress sheet: one row per project listed on `date` (registered by
    then, not terminated on or before it), as the log says now, with its code, name, unit and
    leader, and empty value columns. An .xlsx carries the date above the header and in the
    sheet's name; a .csv in a 日期 column on every row."""
    campaign = _campaign(engine)
    day = date or today_in(engine.clock.now(), campaign.timezone)
    if date is None and day.year != campaign.year:
        raise Refused(
            "date", day, f"today is not in the campaign year {campaign.year}; give --date"
        )
    campaign.check_in_year(day)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise Refused("out", out.name, "must name an .xlsx or a .csv file")
    replayed = replay(engine, None, campaign.timezone)
    text = day.isoformat()
    listed = sorted(
        (
            s
            for s in replayed.projection.projects.values()
            if s.registered_on <= text and (s.terminated_on is None or s.terminated_on > text)
        ),
        key=lambda s: s.code,
    )
    values = [PROGRESS.by_field[name] for name in TEMPLATE_VALUES]
    blanks = (None,) * len(values)
    try:
        if suffix == ".xlsx":
            write_workbook(
                out,
                title=f"{campaign.name} 进度调度表",
                date=day,
                sheet_name=f"调度表 {day}",
                columns=[CODE, NAME, UNIT, LEADER, *values],
                rows=((s.code, s.name, s.unit, s.leader, *blanks) for s in listed),
            )
        else:
            write_text(
                out,
                columns=[PROGRESS.by_field["date"], CODE, NAME, UNIT, LEADER, *values],
                rows=((day, s.code, s.name, s.unit, s.leader, *blanks) for s in listed),
            )
    except OSError as error:
        raise SheetError([f"cannot write {out}: {error.strerror}"]) from None
    return TemplateReceipt(out.name, day, len(listed))


# -------------------------------------------------------------------------------- imports


def import_progress(
    engine: Engine,
    path: Path,
    *,
    actor: str,
    date: dt.date | None = None,
    reason: str | None = None,
) -> ProgressReceipt:
    """Import a progress sheet: every row with a value reports its project's day (the row's
    日期, else the sheet's, else `date`, else today). With a `reason`, a row that differs from
    the day's report corrects the values that differ instead of being refused."""
    _check_actor(actor)
    if reason is not None and not reason.strip():
        raise Refused("reason", reason, "must say why the reports are corrected")
    sheet = read_sheet(path, PROGRESS)
    campaign = _campaign(engine)
    commands, blank = _reports(sheet, _sheet_date(engine, campaign, sheet, date))
    reported = already = corrected = appended = 0
    with engine.unit_of_work(batch=True) as work:
        at = engine.recorded_now()
        actor = work.actor(actor)
        session = work.session
        session.preload(
            [Project.id_for(c.code) for _, c in commands]
            + [DailyReport.id_for(c.code, _day(c.date)) for _, c in commands]
        )
        rows = _Rows(sheet, session)
        for done, (number, command) in enumerate(commands, 1):
            with rows.row(number):
                existing = session.find(
                    DailyReport, DailyReport.id_for(command.code, _day(command.date))
                )
                if existing is None:
                    work.run(command, at, actor)
                    reported += 1
                elif (correction := _correction(existing, command, reason)) is None:
                    already += 1
                else:
                    work.run(correction, at, actor)
                    corrected += 1
            if done % FLUSH_EVERY == 0:
                appended += work.flush()
        sheet.check()
        appended += work.flush()
    position, head = work.tip
    return ProgressReceipt(
        file=sheet.file,
        sheet=sheet.sheet,
        dates=tuple(sorted({_day(c.date).isoformat() for _, c in commands})),
        rows=len(sheet.rows),
        reported=reported,
        already=already,
        corrected=corrected,
        blank=blank,
        appended=appended,
        position=position,
        head=head.hex(),
    )


class _Rows:
    """A sheet's rows tried one by one in a unit of work (`with rows.row(number): ...`). A row
    the rules refuse is noted on the sheet, and what it changed in the unit is undone, so that
    every later row is tried against the state the rows before it leave, as if the refused row
    were not there. The caller refuses the sheet (`Sheet.check`) inside the unit, which then
    appends nothing, not even what it flushed."""

    def __init__(self, sheet: Sheet, session: Session) -> None:
        self.sheet = sheet
        self.session = session
        self.number = 0
        self.made = 0  # the events the unit had queued when the row began

    def row(self, number: int) -> _Rows:
        self.number = number
        return self

    def __enter__(self) -> None:
        self.made = self.session.mark()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: object
    ) -> bool:
        if not isinstance(error, Refused):
            return False  # done, or not a rule's refusal (the store's trouble): it goes up
        self.session.undo(self.made)
        self.sheet.note(self.number, error)
        return True


def _row_commands(
    sheet: Sheet, layout: Layout, kind: type[Command], day: dt.date | None
) -> tuple[list[tuple[int, Any]], int]:
    """Each filled row of the sheet as a command of `kind` (its date the row's, else `day`
    when given), with its row number, and how many rows are blank; a row that is no valid
    command is noted on the sheet (the caller refuses it with `Sheet.check`)."""
    names = frozenset(kind.model_fields)
    commands: list[tuple[int, Any]] = []
    blank = 0
    for row in sheet.rows:
        fields = row.fields
        if row.bad:
            continue  # its error is noted
        if layout.values and not any(name in fields for name in layout.values):
            blank += 1
            continue
        given = {k: v for k, v in fields.items() if k in names}
        if day is not None:
            given.setdefault("date", day)
        try:
            command = parse_command(kind, given)
        except CampaignError as error:
            sheet.note(row.number, error)
            continue
        assert isinstance(command, kind)
        commands.append((row.number, command))
    return commands, blank


def _once(
    sheet: Sheet,
    rows: list[tuple[int, C]],
    key: Callable[[C], Hashable],
    repeated: Callable[[C, int], Refused],
) -> list[tuple[int, C]]:
    """The rows whose key the sheet has not held above them; a row that repeats one is noted
    (`repeated(command, first row)` says how), and is not tried against the log: it would only
    be refused as if the first row were already recorded."""
    first: dict[Hashable, int] = {}
    kept: list[tuple[int, C]] = []
    for number, command in rows:
        above = first.setdefault(key(command), number)
        if above == number:
            kept.append((number, command))
        else:
            sheet.note(number, repeated(command, above))
    return kept


def _reports(sheet: Sheet, day: dt.date) -> tuple[list[tuple[int, ReportProgress]], int]:
    """The sheet's rows as reports, each with its row number, and how many rows are blank; a
    row that is no report, or reports a project and day a row above it reports, is noted."""
    parsed, blank = _row_commands(sheet, PROGRESS, ReportProgress, day)
    commands = _once(
        sheet,
        parsed,
        lambda c: (c.code, c.date),
        lambda c, above: Refused("code", c.code, f"is also on row {above} for {c.date}"),
    )
    return commands, blank


def _correction(
    existing: DailyReport, command: ReportProgress, reason: str | None
) -> CorrectProgress | None:
    """What a row changes in the day's report: None when nothing; refused without a reason.
    A blank cell never erases a reported value: only the values given are corrected."""
    new = command.values()
    current = existing.current_values()
    differing = [name for name in REPORT_VALUES if new.get(name) != current[name]]
    if not differing:
        return None
    if reason is None:
        name = differing[0]
        raise Refused(
            name,
            new.get(name),
            f"differs from the {existing.date} report of {command.code} ({current[name]}); "
            "to replace it, import with --correct --reason",
        )
    given = {name: new[name] for name in differing if new.get(name) is not None}
    if not given:
        return None
    fields = {"code": command.code, "date": existing.date, "reason": reason, **given}
    correction = parse_command(CorrectProgress, fields)
    assert isinstance(correction, CorrectProgress)
    return correction


def import_requests(
    engine: Engine, path: Path, *, actor: str, date: dt.date | None = None
) -> RequestsReceipt:
    """File the factor-support requests of a sheet (the row's date, else the sheet's, else
    `date`, else today). A row whose key was filed before names that request and appends
    nothing, so a sheet with keys can be imported again."""
    _check_actor(actor)
    sheet = read_sheet(path, REQUESTS)
    campaign = _campaign(engine)
    day = _sheet_date(engine, campaign, sheet, date)
    commands, blank = _requests(sheet, day)
    filed: list[FiledRow] = []
    appended = 0
    with engine.unit_of_work(batch=True) as work:
        at = engine.recorded_now()
        actor = work.actor(actor)
        session = work.session
        session.preload(
            [Project.id_for(c.code) for _, c in commands]
            + [FactorKey.id_for(c.key) for _, c in commands if c.key is not None]
        )
        rows = _Rows(sheet, session)
        for done, (number, command) in enumerate(commands, 1):
            with rows.row(number):
                result = _file(work, sheet, command, at, actor)
                assert result.id is not None  # a filing names its request
                request = session.request(result.id)
                filed.append(
                    FiledRow(
                        row=number,
                        id=result.id,
                        code=command.code,
                        category=str(command.category),
                        date=request.filed_on,
                        due=request.sla_due,
                        new=result.appended > 0,
                    )
                )
            if done % FLUSH_EVERY == 0:
                appended += work.flush()
        sheet.check()
        appended += work.flush()
    position, head = work.tip
    return RequestsReceipt(
        sheet.file,
        sheet.sheet,
        len(sheet.rows),
        blank,
        tuple(filed),
        appended,
        position,
        head.hex(),
    )


def _requests(sheet: Sheet, day: dt.date) -> tuple[list[tuple[int, FileFactor]], int]:
    """The sheet's rows as filings, each with its row number, and how many rows are blank; a
    row that is no filing, or repeats a row above it (its 申请编号, or without one its project,
    category, day and detail), is noted."""
    parsed: list[tuple[int, FileFactor]]
    parsed, blank = _row_commands(sheet, REQUESTS, FileFactor, day)
    key = sheet.header("key")
    keyed = _once(
        sheet,
        [(n, c) for n, c in parsed if c.key is not None],
        lambda c: c.key,
        lambda c, above: Refused(
            "key",
            c.key,
            f"is also on row {above} (a {key} names one request): keep one of the rows, or "
            f"give each request its own {key}",
        ),
    )
    unkeyed = _once(
        sheet,
        [(n, c) for n, c in parsed if c.key is None],
        lambda c: (c.code, c.category, c.date, c.detail),
        lambda c, above: Refused(
            "detail",
            c.detail,
            f"is also on row {above} ({c.code} {FACTOR_CATEGORY_LABELS[c.category]} {c.date}): "
            f"keep one of the rows, or give each request its own {key}",
        ),
    )
    return sorted(keyed + unkeyed, key=lambda row: row[0]), blank


def _file(
    work: UnitOfWork, sheet: Sheet, command: FileFactor, at: dt.datetime, actor: str
) -> Result:
    """File one row's request. The likely duplicate that `factor file --again` would file
    anyway is refused with what a sheet offers instead: a 申请编号 for each request."""
    try:
        return work.run(command, at, actor)
    except LikelyDuplicate as error:
        key = sheet.header("key")
        raise Refused(
            "detail",
            command.detail,
            f"is the detail of request {error.request_id}, filed that day and still open: if "
            f"this row is another request, give each request its own {key}; if it is that "
            "one, delete the row",
        ) from None


def register_projects(engine: Engine, path: Path, *, actor: str) -> RegisterReceipt:
    """Register every project of a sheet, all or none."""
    _check_actor(actor)
    sheet = read_sheet(path, PROJECTS)
    if not sheet.rows:
        raise SheetError([f"{sheet.file}: no project rows under the header"])
    parsed: list[tuple[int, RegisterProject]]
    parsed, _ = _row_commands(sheet, PROJECTS, RegisterProject, None)
    commands = _once(
        sheet,
        parsed,
        lambda c: c.code,
        lambda c, above: Refused("code", c.code, f"is also on row {above}: keep one of the rows"),
    )
    results: list[Result] = []
    with engine.unit_of_work(batch=True) as work:
        at = engine.recorded_now()
        actor = work.actor(actor)
        work.session.preload([Project.id_for(c.code) for _, c in commands])
        rows = _Rows(sheet, work.session)
        for done, (number, command) in enumerate(commands, 1):
            with rows.row(number):
                results.append(work.run(command, at, actor))
            if done % FLUSH_EVERY == 0:
                work.flush()
        sheet.check()
    position, head = work.tip
    kept = tuple(r._replace(position=position, head=head.hex()) for r in results)
    return RegisterReceipt(sheet.file, sheet.sheet, kept)


# -------------------------------------------------------------------------------- helpers


def _campaign(engine: Engine) -> Campaign:
    campaign = engine.campaign()
    if campaign is None:
        raise Refused("campaign", None, "no campaign is open in this store; open one first")
    return campaign


def _check_actor(actor: str) -> None:
    if not actor.strip():
        raise Refused("actor", actor, "must name who records this")


def _sheet_date(engine: Engine, campaign: Campaign, sheet: Sheet, date: dt.date | None) -> dt.date:
    """The day of the rows that have no date of their own: the date written above the header,
    else `date`, else the engine's today. A sheet that says one day is not imported as
    another."""
    if sheet.date is not None:
        if date is not None and date != sheet.date:
            row = sheet.date_row or 1
            raise SheetError(
                [
                    f"{sheet.where(row)}, 日期={sheet.date}: the sheet is for that day, "
                    f"not for {date}; import it without --date, or change the sheet's 日期"
                ]
            )
        return sheet.date
    if date is not None:
        return date
    return today_in(engine.recorded_now(), campaign.timezone)


def _day(date: dt.date | None) -> dt.date:
    assert date is not None  # every imported row has its date filled in
    return date
