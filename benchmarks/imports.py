"""The bulk import against the bulk load: `progress import` of a sheet of N rows (one report per
project, as a clerk fills the day's template) against `scenario run` of the same N reports, on
the same machine in the same run.

A scenario loads only into an empty store, so the scenario holds what the import's store holds
first (the campaign and the N registered projects) and then the N reports: the import must take
at most 1.5 times what that load takes. The load of the campaign and the projects alone is
timed too, so that the reports' own share of the scenario (the difference) is reported beside
it. Both sides run in process through the library (no process start), each on a fresh store;
the figure is the best of a few rounds.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import openpyxl

from campaign import FixedClock, Settings, load_scenario, open_engine
from campaign.app.bulk import import_progress, progress_template
from campaign.app.queries import checkpoint_document

if TYPE_CHECKING:
    from pathlib import Path

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
LATER = FixedClock(dt.datetime(2020, 12, 31, 20, tzinfo=SHANGHAI))
DAY = dt.date(2020, 6, 30)
TARGET = 1.5
CAMPAIGN: dict[str, Any] = {
    "name": "导入基准 2020",
    "year": 2020,
    "start": "2020-03-23",
    "end": "2020-06-30",
    "sla_days": {"land": 20},
}


@dataclass(frozen=True)
class ImportFigures:
    rows: int
    scenario_s: float  # the campaign, the projects and the reports
    registrations_s: float  # the campaign and the projects alone
    xlsx_s: float
    csv_s: float

    @property
    def reports_s(self) -> float:
        """The reports' own share of the scenario's load."""
        return self.scenario_s - self.registrations_s

    def ratio(self, seconds: float) -> float:
        return seconds / self.scenario_s


def code(i: int) -> str:
    return f"BM-{i:05d}"


def report(i: int) -> dict[str, Any]:
    """Project i's report of the day, with every value a clerk fills in (money as text)."""
    return {
        "investment": f"{100 + i % 97}.25",
        "funds": f"{50 + i % 13}",
        "physical_pct": f"{i % 100}",
        "workers": 10 + i % 40,
        "note": "正常施工" if i % 10 == 0 else None,
    }


def write_scenarios(rows: int, folder: Path) -> tuple[Path, Path]:
    """Two scenario files: the campaign and `rows` projects; and the same, then one report of
    `DAY` for each project."""
    opening = {"at": "2020-01-02T08:00:00+08:00", "cmd": "open_campaign", **CAMPAIGN}
    registrations = [
        {
            "at": "2020-01-02T09:00:00+08:00",
            "cmd": "register_project",
            "code": code(i),
            "name": f"基准项目 {i}",
            "sector": "lithium",
            "category": "continuing",
            "unit": f"第{i % 12 + 1}帮包组",
            "leader": "张三",
            "total_investment": "50000",
            "annual_plan": "15000",
            "date": "2020-01-02",
        }
        for i in range(rows)
    ]
    reports = [
        {"at": "2020-06-30T20:00:00+08:00", "cmd": "report_progress", "code": code(i)}
        | {"date": DAY.isoformat()}
        | {k: v for k, v in report(i).items() if v is not None}
        for i in range(rows)
    ]
    projects, everything = folder / "projects.jsonl", folder / "projects-and-reports.jsonl"
    for path, lines in (
        (projects, [opening, *registrations]),
        (everything, [opening, *registrations, *reports]),
    ):
        with path.open("w", encoding="utf-8") as handle:
            for line in lines:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    return projects, everything


def write_sheets(store: Path, rows: int, folder: Path) -> tuple[Path, Path]:
    """The day's template from `store`, filled in: as a workbook (numbers as numbers) and as a
    CSV file (as Excel saves it: text)."""
    blank_xlsx, blank_csv = folder / "template.xlsx", folder / "template.csv"
    with open_engine(Settings(db=str(store), clock=LATER), create=False) as engine:
        progress_template(engine, blank_xlsx, date=DAY)
        progress_template(engine, blank_csv, date=DAY)
    values = {code(i): report(i) for i in range(rows)}
    book = openpyxl.load_workbook(blank_xlsx)
    sheet = book.active
    assert sheet is not None
    for row in range(4, sheet.max_row + 1):
        typed = values[str(sheet.cell(row, 1).value)]
        sheet.cell(row, 5, float(typed["investment"]))
        sheet.cell(row, 6, int(typed["funds"]))
        sheet.cell(row, 7, int(typed["physical_pct"]))
        sheet.cell(row, 8, typed["workers"])
        sheet.cell(row, 9, typed["note"])
    filled_xlsx = folder / "filled.xlsx"
    book.save(filled_xlsx)
    with blank_csv.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    for line in lines[1:]:
        typed = values[line[1]]
        line[5:10] = ["" if v is None else str(v) for v in typed.values()]
    filled_csv = folder / "filled.csv"
    with filled_csv.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(lines)
    return filled_xlsx, filled_csv


def load_seconds(scenario: Path, db: Path) -> float:
    db.unlink(missing_ok=True)
    with open_engine(Settings(db=str(db), clock=LATER)) as engine:
        started = time.perf_counter()
        loaded = load_scenario(engine, scenario, actor="benchmark")
        seconds = time.perf_counter() - started
    if loaded.appended == 0:
        raise RuntimeError(f"{scenario} appended nothing")
    return seconds


def import_seconds(sheet: Path, store: Path, db: Path, rows: int) -> float:
    shutil.copyfile(store, db)
    with open_engine(Settings(db=str(db), clock=LATER), create=False) as engine:
        started = time.perf_counter()
        receipt = import_progress(engine, sheet, actor="benchmark")
        seconds = time.perf_counter() - started
    if receipt.appended != rows:
        raise RuntimeError(f"the import of {sheet.name} appended {receipt.appended} of {rows}")
    return seconds


def state_hash(db: Path) -> str:
    with open_engine(Settings(db=str(db), clock=LATER), create=False) as engine:
        hashed: str = checkpoint_document(engine, DAY, None)["receipt"]["state_hash"]
        return hashed


def measure(rows: int, folder: Path, rounds: int = 3) -> ImportFigures:
    """Build the scenarios, the store of `rows` projects and the sheets in `folder`; time each
    side `rounds` times, the sides taking turns so that a busy moment of the machine falls on
    all of them (the best of each counts); check that both give the same checkpoint."""
    projects, everything = write_scenarios(rows, folder)
    store = folder / "projects.db"
    load_seconds(projects, store)
    xlsx, text = write_sheets(store, rows, folder)
    loaded, imported = folder / "loaded.db", folder / "imported.db"
    timings: dict[str, list[float]] = {"scenario": [], "projects": [], "xlsx": [], "csv": []}
    for _ in range(rounds):
        timings["scenario"].append(load_seconds(everything, loaded))
        timings["xlsx"].append(import_seconds(xlsx, store, imported, rows))
        timings["projects"].append(load_seconds(projects, folder / "r.db"))
        timings["csv"].append(import_seconds(text, store, folder / "c.db", rows))
    if state_hash(imported) != state_hash(loaded):
        raise RuntimeError("the import and the scenario gave different checkpoints")
    return ImportFigures(
        rows=rows,
        scenario_s=min(timings["scenario"]),
        registrations_s=min(timings["projects"]),
        xlsx_s=min(timings["xlsx"]),
        csv_s=min(timings["csv"]),
    )
