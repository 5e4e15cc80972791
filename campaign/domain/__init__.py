"""The domain: the campaign's vocabulary, its calendar, its aggregates and their events.

Pure: it imports the standard library, pydantic and `eventsourcing.domain` only, never the
store, the read side or the command line. Its events are what the log holds; each is stored
under the topic `campaign.domain:<Aggregate>.<Event>` (see `events.py`), whatever module
defines it.
"""

from __future__ import annotations

import importlib
from typing import Any

AGGREGATE_MODULES = {
    "Access": "campaign.domain.access",
    "Campaign": "campaign.domain.campaign",
    "DailyReport": "campaign.domain.report",
    "FactorKey": "campaign.domain.factor",
    "FactorRequest": "campaign.domain.factor",
    "Project": "campaign.domain.project",
    "Publication": "campaign.domain.publication",
}
"""Where each aggregate is defined. A stored topic names `campaign.domain:<Aggregate>.<Event>`,
so the library finds an event's class here: the aggregate's module is imported on first use,
and a command or a query loads only the aggregates it reads."""


def __getattr__(name: str) -> Any:
    module = AGGREGATE_MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
