"""The topics the log stores events under, and the version of each event's shape: what reading
the log needs to know of the events without defining their classes (a query folds stored
states; it never builds an event). The tests hold every name here to its class's topic and
every version to its class's `event_version`.
"""

from __future__ import annotations

STORED_AS = "campaign.domain"
"""The module part of every topic: `campaign.domain:<Aggregate>.<Event>` (see `events.py`)."""


def topic(name: str) -> str:
    return f"{STORED_AS}:{name}"


CAMPAIGN_OPENED = topic("Campaign.Opened")
CAMPAIGN_AMENDED = topic("Campaign.Amended")
PROJECT_REGISTERED = topic("Project.Registered")
PROJECT_PLAN_REVISED = topic("Project.PlanRevised")
PROJECT_MILESTONE_REACHED = topic("Project.MilestoneReached")
PROJECT_TERMINATED = topic("Project.Terminated")
REPORT_REPORTED = topic("DailyReport.Reported")
REPORT_CORRECTED = topic("DailyReport.Corrected")
REQUEST_FILED = topic("FactorRequest.Filed")
REQUEST_EXTENDED = topic("FactorRequest.Extended")
REQUEST_ESCALATED = topic("FactorRequest.Escalated")
REQUEST_RESOLVED = topic("FactorRequest.Resolved")
KEY_ASSIGNED = topic("FactorKey.Assigned")
PUBLISHED = topic("Publication.Published")
ACCESS_GRANTED = topic("Access.Granted")
ACCESS_REGRANTED = topic("Access.Regranted")
ACCESS_REVOKED = topic("Access.Revoked")

VERSIONS: dict[str, int] = {}
"""The events whose shape changed since the first: their current version (the others are at 1).
Raising a class's `event_version` means adding it here, with its upcaster (`store.codec`)."""

CAMPAIGN_ID = "campaign"
"""The id of the one campaign aggregate (`Campaign.ID`)."""

PROJECT_ID_PREFIX = "project:"
"""The start of every project aggregate's id (`Project.id_for`)."""


def version(name: str) -> int:
    """The current version of the events stored under topic `name`."""
    return VERSIONS.get(name, 1)
