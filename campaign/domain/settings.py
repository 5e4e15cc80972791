"""The campaign's settings, what is in force on a day, and the checks every setting passes.

The settings are the checkpoints, the calendar (holidays, adjusted workdays), the factor time
limits (SLA days by category), the zone targets and the light thresholds. They are set when the
campaign opens and may be amended from a date (SPEC §3 amend campaign): on a day X the settings
in force are the opening ones with every amendment dated on or before X applied in date order
(ties: in log order); an amendment replaces each list it gives and merges SLA days by category.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from campaign.domain.calendar import WorkCalendar
from campaign.domain.errors import Refused
from campaign.domain.values import plain_text
from campaign.domain.vocabulary import DEFAULT_SLA_DAYS, TargetKind

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Mapping, Sequence

    from campaign.domain.values import Lights, Target

SHARE_KINDS = frozenset({TargetKind.tech_renovation_share})
"""Goals that are ratios in (0, 1]."""

COUNT_KINDS = frozenset(
    {TargetKind.industrial_projects_started, TargetKind.tech_renovation_projects}
)
"""Goals that count projects: whole numbers."""

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class CampaignSettings:
    checkpoints: tuple[dt.date, ...]
    holidays: tuple[dt.date, ...]
    workdays: tuple[dt.date, ...]
    sla_days: Mapping[str, int]
    targets: tuple[Target, ...]
    lights: Lights

    @cached_property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar(self.holidays, self.workdays)

    def sla_for(self, category: str) -> int:
        """Working days a request of `category` has (7 when the campaign names none)."""
        return self.sla_days.get(category, DEFAULT_SLA_DAYS)


@dataclass(frozen=True)
class Amendment:
    """What one amendment changes, from its date; None leaves a setting as it was."""

    date: dt.date
    checkpoints: tuple[dt.date, ...] | None = None
    holidays: tuple[dt.date, ...] | None = None
    workdays: tuple[dt.date, ...] | None = None
    sla_days: Mapping[str, int] | None = None
    targets: tuple[Target, ...] | None = None
    lights: Lights | None = None

    def applied_to(self, settings: CampaignSettings) -> CampaignSettings:
        changed = {
            name: value
            for name in ("checkpoints", "holidays", "workdays", "targets", "lights")
            if (value := getattr(self, name)) is not None
        }
        if self.sla_days is not None:
            changed["sla_days"] = {**settings.sla_days, **self.sla_days}
        return replace(settings, **changed) if changed else settings


def settings_on(
    opening: CampaignSettings, amendments: Sequence[Amendment], day: dt.date
) -> CampaignSettings:
    """The settings in force on `day`; `amendments` in log order."""
    settings = opening
    # sorted() is stable: amendments of the same date stay in log order, the later applied last
    for amendment in sorted(amendments, key=lambda a: a.date):
        if amendment.date <= day:
            settings = amendment.applied_to(settings)
    return settings


def check_settings(
    year: int,
    *,
    checkpoints: Iterable[dt.date] | None = None,
    holidays: Iterable[dt.date] | None = None,
    workdays: Iterable[dt.date] | None = None,
    targets: Sequence[Target] | None = None,
    lights: Lights | None = None,
) -> None:
    """The checks of SPEC §3 for settings given at open or in an amendment (one `Refused`)."""
    for field, days in (
        ("checkpoints", checkpoints),
        ("holidays", holidays),
        ("workdays", workdays),
    ):
        for day in days or ():
            if day.year != year:
                raise Refused(field, day, f"is not in the campaign year {year}")
    for day in workdays or ():
        if day.weekday() < 5:
            raise Refused(
                "workdays",
                day,
                f"is a {_WEEKDAYS[day.weekday()]}: an adjusted workday (调休) is a Saturday or "
                "Sunday that is worked",
            )
    both = sorted(set(holidays or ()) & set(workdays or ()))
    if both:
        raise Refused("workdays", both[0], "is also listed as a holiday")
    if targets is not None:
        _check_targets(targets)
    if lights is not None:
        for name, threshold in (("green", lights.green), ("yellow", lights.yellow)):
            _check_ratio(f"lights.{name}", threshold, "a light threshold is a ratio of spi")
        if lights.yellow > lights.green:
            raise Refused("lights.yellow", lights.yellow, f"must be at most green ({lights.green})")


def _check_targets(targets: Sequence[Target]) -> None:
    names = [t.name for t in targets]
    for target in targets:
        field = f"targets.{target.name}.goal"
        try:
            plain_text(target.name)
        except ValueError as error:
            raise Refused("targets.name", target.name, str(error)) from None
        if names.count(target.name) > 1:
            raise Refused("targets.name", target.name, "is used by two targets")
        if target.goal <= 0:
            raise Refused(field, target.goal, "must be greater than 0")
        if target.kind in SHARE_KINDS:
            _check_ratio(field, target.goal, "a share is a ratio")
        elif target.kind in COUNT_KINDS and target.goal != target.goal.to_integral_value():
            raise Refused(field, target.goal, "counts projects: must be a whole number")
        elif target.goal != target.goal.quantize(Decimal("0.01")):
            raise Refused(field, target.goal, "has more than 2 decimal places")


def _check_ratio(field: str, value: Decimal, what: str) -> None:
    if 0 < value <= 1:
        return
    hint = ""
    if 5 <= value <= 100:  # a percentage written without its sign
        meant = value.scaleb(-2)
        two_places = meant.quantize(Decimal("0.01"))
        shown = two_places if two_places == meant else meant.normalize()
        hint = f"; did you mean {shown:f} (or {value.normalize():f}%)?"
    raise Refused(field, value, f"{what} in (0, 1]{hint}")
