"""Every aggregate the log can hold, so that reading the log resolves each stored topic to its
class (importing this module registers them all)."""

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
