"""百日会战 progress engine: an append-only campaign log and its replay.

The public API: open a store, build an engine on it, run commands.
"""

from __future__ import annotations

from campaign.clock import Clock, FixedClock, SystemClock
from campaign.commands import COMMANDS, Command, parse_command
from campaign.engine import Engine, Status
from campaign.errors import CampaignError, LineError, Refused, StoreError
from campaign.handlers import Result
from campaign.store import Store, resolve_db
from campaign.version import __version__

__all__ = [
    "COMMANDS",
    "CampaignError",
    "Clock",
    "Command",
    "Engine",
    "FixedClock",
    "LineError",
    "Refused",
    "Result",
    "Status",
    "Store",
    "StoreError",
    "SystemClock",
    "__version__",
    "open_engine",
    "parse_command",
    "resolve_db",
]


def open_engine(
    db: str | None = None, *, clock: Clock | None = None, create: bool = True
) -> Engine:
    """The engine on the store named by `db` (else `CAMPAIGN_DB`, else `campaign.db`)."""
    return Engine(Store(resolve_db(db), create=create), clock)
