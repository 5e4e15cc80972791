"""The domain: the campaign's vocabulary, its calendar, its aggregates and their events.

Pure: it imports the standard library, pydantic and `eventsourcing.domain` only, never the
store, the read side or the command line. Its events are what the log holds; each is stored
under the topic `campaign.domain:<Aggregate>.<Event>` (see `events.py`), whatever module
defines it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names the checker sees; at run time, `__getattr__` below
    from campaign.domain.access import Access as Access
    from campaign.domain.campaign import Campaign as Campaign
    from campaign.domain.factor import FactorKey as FactorKey
    from campaign.domain.factor import FactorRequest as FactorRequest
    from campaign.domain.project import Project as Project
    from campaign.domain.publication import Publication as Publication
    from campaign.domain.report import DailyReport as DailyReport

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
so the library finds an event's class here: the aggregate's module is imported on first use. A
query defines none; a command defines the campaign, the project and the daily report, and the
factor, access and publication aggregates only when it uses them."""


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        module = AGGREGATE_MODULES.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)
