"""Every aggregate the log can hold, all defined at once (the audit's log lists them; the tests
hold the topic table to them). Reading the log does not need this module: `campaign.domain`
names each aggregate lazily, and the read side folds by `campaign.domain.topics`."""

from __future__ import annotations

from campaign.domain.access import Access
from campaign.domain.campaign import Campaign
from campaign.domain.factor import FactorKey, FactorRequest
from campaign.domain.project import Project
from campaign.domain.publication import Publication
from campaign.domain.report import DailyReport

AGGREGATES = (Campaign, Project, DailyReport, FactorRequest, FactorKey, Publication, Access)

__all__ = [
    "AGGREGATES",
    "Access",
    "Campaign",
    "DailyReport",
    "FactorKey",
    "FactorRequest",
    "Project",
    "Publication",
]
