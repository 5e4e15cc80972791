"""百日会战 progress engine: an append-only campaign log and its replay.

The public API, by layer (each name is imported when first used, so that a command loads only
what it needs):
- open: `Settings`, `open_engine`, `open_store` (the composition root);
- commands: `COMMANDS`, `Command`, `parse_command`, `Engine.execute`, `load_scenario`;
- sheets: `progress_template`, `import_progress`, `import_requests`, `register_projects`;
- queries: `checkpoint_document`, `series_document`, `project_states`, `publish`, and
  `choose_as_of` (the day a query without one reads);
- the report officials circulate: `build_report` (its content), `write_html` (the 通报),
  `write_xlsx` (the Excel 调度表);
- look-ups: `project_list`, `project_card`, `factor_list`, `missing_reports`;
- audit: `verify`, `log_entries`, `LogFilter`, `diff`, `reproduce`, `export`, `import_log`;
- errors: `CampaignError`, `Refused` (and `LikelyDuplicate`), `StoreError`, `LineError`,
  `SheetError`, and `store_trouble` (the line for a database error met outside the store's checks);
- the vocabulary's names for people: `TARGET_LABELS`;
- the calendar: `WorkCalendar`, and the official 2020 days `HOLIDAYS_2020`, `WORKDAYS_2020`;
- time: `Clock`, `SystemClock`, `FixedClock`.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

# numpy serves element-wise array work here, never BLAS: a BLAS thread pool would only start
# threads that compete with the second replay process for the other core.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if TYPE_CHECKING:
    from campaign.app.bulk import (
        import_progress,
        import_requests,
        progress_template,
        register_projects,
    )
    from campaign.app.clock import Clock, FixedClock, SystemClock
    from campaign.app.commands import COMMANDS, Command, parse_command
    from campaign.app.engine import Engine, Status
    from campaign.app.handlers import Result
    from campaign.app.lookups import factor_list, missing_reports, project_card, project_list
    from campaign.app.queries import (
        checkpoint_document,
        choose_as_of,
        project_states,
        publish,
        series_document,
    )
    from campaign.app.scenario import load as load_scenario
    from campaign.app.sheets import SheetError
    from campaign.audit.diff import diff
    from campaign.audit.log import LogFilter, log_entries
    from campaign.audit.reproduce import reproduce
    from campaign.audit.transfer import export, import_log
    from campaign.audit.verify import verify
    from campaign.bootstrap import Settings, open_engine, open_store
    from campaign.domain.calendar import HOLIDAYS_2020, WORKDAYS_2020, WorkCalendar
    from campaign.domain.errors import (
        CampaignError,
        LikelyDuplicate,
        LineError,
        Refused,
        StoreError,
    )
    from campaign.domain.vocabulary import TARGET_LABELS
    from campaign.report.html import write as write_html
    from campaign.report.model import build as build_report
    from campaign.report.xlsx import write as write_xlsx
    from campaign.store.store import Store
    from campaign.store.store import trouble as store_trouble
    from campaign.version import __version__

_HOMES = {
    "Settings": "campaign.bootstrap",
    "open_engine": "campaign.bootstrap",
    "open_store": "campaign.bootstrap",
    "Clock": "campaign.app.clock",
    "FixedClock": "campaign.app.clock",
    "SystemClock": "campaign.app.clock",
    "COMMANDS": "campaign.app.commands",
    "Command": "campaign.app.commands",
    "parse_command": "campaign.app.commands",
    "Engine": "campaign.app.engine",
    "Status": "campaign.app.engine",
    "Result": "campaign.app.handlers",
    "checkpoint_document": "campaign.app.queries",
    "choose_as_of": "campaign.app.queries",
    "build_report": "campaign.report.model:build",
    "write_html": "campaign.report.html:write",
    "write_xlsx": "campaign.report.xlsx:write",
    "series_document": "campaign.app.queries",
    "project_states": "campaign.app.queries",
    "publish": "campaign.app.queries",
    "project_list": "campaign.app.lookups",
    "project_card": "campaign.app.lookups",
    "factor_list": "campaign.app.lookups",
    "missing_reports": "campaign.app.lookups",
    "load_scenario": "campaign.app.scenario:load",
    "progress_template": "campaign.app.bulk",
    "import_progress": "campaign.app.bulk",
    "import_requests": "campaign.app.bulk",
    "register_projects": "campaign.app.bulk",
    "SheetError": "campaign.app.sheets",
    "diff": "campaign.audit.diff",
    "LogFilter": "campaign.audit.log",
    "log_entries": "campaign.audit.log",
    "reproduce": "campaign.audit.reproduce",
    "export": "campaign.audit.transfer",
    "import_log": "campaign.audit.transfer",
    "verify": "campaign.audit.verify",
    "HOLIDAYS_2020": "campaign.domain.calendar",
    "WORKDAYS_2020": "campaign.domain.calendar",
    "WorkCalendar": "campaign.domain.calendar",
    "TARGET_LABELS": "campaign.domain.vocabulary",
    "CampaignError": "campaign.domain.errors",
    "LineError": "campaign.domain.errors",
    "LikelyDuplicate": "campaign.domain.errors",
    "Refused": "campaign.domain.errors",
    "StoreError": "campaign.domain.errors",
    "Store": "campaign.store.store",
    "store_trouble": "campaign.store.store:trouble",
    "__version__": "campaign.version",
}

__all__ = [
    "COMMANDS",
    "HOLIDAYS_2020",
    "TARGET_LABELS",
    "WORKDAYS_2020",
    "CampaignError",
    "Clock",
    "Command",
    "Engine",
    "FixedClock",
    "LikelyDuplicate",
    "LineError",
    "LogFilter",
    "Refused",
    "Result",
    "Settings",
    "SheetError",
    "Status",
    "Store",
    "StoreError",
    "SystemClock",
    "WorkCalendar",
    "__version__",
    "build_report",
    "checkpoint_document",
    "choose_as_of",
    "diff",
    "export",
    "factor_list",
    "import_log",
    "import_progress",
    "import_requests",
    "load_scenario",
    "log_entries",
    "missing_reports",
    "open_engine",
    "open_store",
    "parse_command",
    "progress_template",
    "project_card",
    "project_list",
    "project_states",
    "publish",
    "register_projects",
    "reproduce",
    "series_document",
    "store_trouble",
    "verify",
    "write_html",
    "write_xlsx",
]


def __getattr__(name: str) -> Any:
    try:
        home = _HOMES[name]
    except KeyError:
        raise AttributeError(f"module 'campaign' has no attribute {name!r}") from None
    module, _, attribute = home.partition(":")
    return getattr(importlib.import_module(module), attribute or name)
