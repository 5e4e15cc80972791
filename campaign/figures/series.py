"""SPEC §6.6 series: the zone figures at each period end (weekly, 旬, monthly, or the
campaign's checkpoints), from one projection."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from campaign.domain.vocabulary import Period
from campaign.figures.checkpoint import figures_on, summary
from campaign.figures.rounding import exact, rate4

if TYPE_CHECKING:
    from collections.abc import Iterable

    from campaign.read.projection import CampaignInfo, Projection

PERIODS = tuple(Period)


def period_ends(campaign: CampaignInfo, period: str, last: dt.date) -> list[dt.date]:
    """Period ends within the campaign (start..end), up to `last`: weekly (Sundays), 旬
    (10th, 20th, month end), monthly (month ends) or the campaign's checkpoints; the
    campaign's end closes every series."""
    if period == "checkpoints":
        days = list(campaign.settings_on(last).checkpoints)
    else:
        days = []
        day = campaign.start
        while day <= campaign.end:
            month_end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
                days=1
            )
            if (
                (period == "weekly" and day.weekday() == 6)
                or (period == "xun" and (day.day in (10, 20) or day == month_end))
                or (period == "monthly" and day == month_end)
            ):
                days.append(day)
            day += dt.timedelta(days=1)
        if campaign.end not in days:
            days.append(campaign.end)
    return sorted(d for d in set(days) if d <= last)


def series_rows(projection: Projection, ends: Iterable[dt.date]) -> list[dict[str, Any]]:
    """The zone figures (and factor totals and targets) at each of `ends`, one row each."""
    rows = []
    for end in ends:
        at, figures = figures_on(projection, end)
        found = summary(at, figures, breakdowns=False)
        rows.append(
            {
                "as_of": at.text,
                "time_progress": rate4(exact(at.progress)),
                **found["zone"],
                "factors": found["factors"],
                "targets": [
                    {k: t[k] for k in ("kind", "actual", "ratio", "over_half")}
                    for t in found["targets"]
                ],
            }
        )
    return rows
