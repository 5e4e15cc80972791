"""百日会战 progress engine: an append-only campaign log and its replay.

The public API, by layer (each name is imported when first used, so that a command loads only
what it needs):
- open: `Settings`, `open_engine`, `open_store` (the composition root);
- commands: `COMMANDS`, `Command`, `parse_command`, `Engine.execute`, `load_scenario`;
- queries: `checkpoint_document`, `series_document`, `project_states`, `publish`;
- look-ups: `project_list`, `project_card`, `factor_list`, `missing_reports`;
- audit: `verify`, `log_entries`, `LogFilter`, `diff`, `reproduce`, `export`, `import_log`;
- errors: `CampaignError`, `Refused`, `StoreError`, `LineError`;
- the vocabulary's names for people: `TARGET_LABELS`;
- the calendar: `WorkCalendar`, and the official 2020 days `HOLIDAYS_2020`, `WORKDAYS_2020`;
- time: `Clock`, `SystemClock`, `FixedClock`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from campaign.app.clock import Clock, FixedClock, SystemClock
    from campaign.app.commands import COMMANDS, Command, parse_command
    from campaign.app.engine import Engine, Status
    from campaign.app.handlers import Result
    from campaign.app.lookups import factor_list, missing_reports, project_card, project_list
    from campaign.app.queries import checkpoint_document, project_states, publish, series_document
    from campaign.app.scenario import load as load_scenario
    from campaign.audit.diff import diff
    from campaign.audit.log import LogFilter, log_entries
    from campaign.audit.reproduce import reproduce
    from campaign.audit.transfer import export, import_log
    from campaign.audit.verify import verify
    from campaign.bootstrap import Settings, open_engine, open_store
    from campaign.domain.calendar import HOLIDAYS_2020, WORKDAYS_2020, WorkCalendar
    from campaign.domain.errors import CampaignError, LineError, Refused, StoreError
    from campaign.domain.vocabulary import TARGET_LABELS
    from campaign.store.store import Store
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
    "series_document": "campaign.app.queries",
    "project_states": "campaign.app.queries",
    "publish": "campaign.app.queries",
    "project_list": "campaign.app.lookups",
    "project_card": "campaign.app.lookups",
    "factor_list": "campaign.app.lookups",
    "missing_reports": "campaign.app.lookups",
    "load_scenario": "campaign.app.scenario:load",
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
    "Refused": "campaign.domain.errors",
    "StoreError": "campaign.domain.errors",
    "Store": "campaign.store.store",
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
    "LineError",
    "LogFilter",
    "Refused",
    "Result",
    "Settings",
    "Status",
    "Store",
    "StoreError",
    "SystemClock",
    "WorkCalendar",
    "__version__",
    "checkpoint_document",
    "diff",
    "export",
    "factor_list",
    "import_log",
    "load_scenario",
    "log_entries",
    "missing_reports",
    "open_engine",
    "open_store",
    "parse_command",
    "project_card",
    "project_list",
    "project_states",
    "publish",
    "reproduce",
    "series_document",
    "verify",
]


def __getattr__(name: str) -> Any:
    try:
        home = _HOMES[name]
    except KeyError:
        raise AttributeError(f"module 'campaign' has no attribute {name!r}") from None
    module, _, attribute = home.partition(":")
    return getattr(importlib.import_module(module), attribute or name)
