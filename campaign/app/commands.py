"""The commands of SPEC §3: what a project team or the office asks the engine to record.

Each command is a frozen pydantic model that checks its own fields (types, ranges, enums);
rules that need the log (registration dates, order of milestones, due dates) are kept by the
aggregates. `parse_command` turns a mapping (a scenario line, a CSV row, CLI options) into a
command, and any field error into one `Refused` line.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from campaign.domain.errors import Refused
from campaign.domain.settings import check_settings
from campaign.domain.time import DEFAULT_TIMEZONE
from campaign.domain.values import (
    Amount,
    Frozen,
    IsoDate,
    Lights,
    Money,
    Percent,
    Ratio,
    Target,
    Text,
    normal_digits,
    plain_text,
)
from campaign.domain.vocabulary import Category, FactorCategory, Milestone, Outcome, Sector

if TYPE_CHECKING:
    import datetime as dt

Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
]
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.\-]*")


def _check_code(value: str) -> str:
    if not _CODE.fullmatch(value):
        raise ValueError(
            "must be letters, digits, '-', '_' or '.', starting with a letter or digit"
        )
    return value


def _digits(value: object) -> object:
    """A whole number given as text read as money is: full-width digits too (５ is 5)."""
    return normal_digits(value) if isinstance(value, str) else value


SlaDays = Annotated[int, BeforeValidator(_digits), Field(ge=1, le=365)]
"""Working days a factor category has to be handled in."""

SETTINGS = ("checkpoints", "holidays", "workdays", "sla_days", "targets", "lights")
"""What an amendment may change."""


class LightsChange(Frozen):
    """Light thresholds in an amendment: a threshold not given stays as it is in force."""

    green: Ratio | None = None
    yellow: Ratio | None = None


class Command(Frozen):
    """Base of the write commands; `cmd` is the command's name in scenario files."""

    cmd: ClassVar[str]


class OpenCampaign(Command):
    cmd: ClassVar[str] = "open_campaign"

    name: Text
    year: int = Field(ge=2000, le=2100)
    start: IsoDate
    end: IsoDate
    checkpoints: tuple[IsoDate, ...] = ()
    holidays: tuple[IsoDate, ...] = ()
    workdays: tuple[IsoDate, ...] = ()
    sla_days: dict[FactorCategory, SlaDays] = Field(default_factory=dict)
    targets: tuple[Target, ...] = ()
    lights: Lights = Lights()
    timezone: str = DEFAULT_TIMEZONE

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"is not a known time zone (e.g. {DEFAULT_TIMEZONE})") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> OpenCampaign:
        if self.start > self.end:
            raise Refused("end", self.end, f"is before start ({self.start})")
        for field in ("start", "end"):
            value = getattr(self, field)
            if value.year != self.year:
                raise Refused(field, value, f"is not in the campaign year {self.year}")
        check_settings(
            self.year,
            checkpoints=self.checkpoints,
            holidays=self.holidays,
            workdays=self.workdays,
            targets=self.targets,
            lights=self.lights,
        )
        return self


class AmendCampaign(Command):
    """Change settings from `date` on (SPEC §3 amend campaign): each list given replaces the
    one in force, SLA days merge by category, a light threshold not given stays as it is."""

    cmd: ClassVar[str] = "amend_campaign"

    date: IsoDate | None = None
    reason: Text
    checkpoints: tuple[IsoDate, ...] | None = None
    holidays: tuple[IsoDate, ...] | None = None
    workdays: tuple[IsoDate, ...] | None = None
    sla_days: dict[FactorCategory, SlaDays] | None = None
    targets: tuple[Target, ...] | None = None
    lights: LightsChange | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> AmendCampaign:
        if all(getattr(self, name) is None for name in SETTINGS):
            raise Refused(
                "settings",
                None,
                "an amendment changes at least one of " + ", ".join(SETTINGS),
            )
        return self


class RegisterProject(Command):
    cmd: ClassVar[str] = "register_project"

    code: Code
    name: Text
    sector: Sector
    category: Category
    unit: Text
    leader: Text
    total_investment: Money
    annual_plan: Money
    date: IsoDate | None = None
    planned_start: IsoDate | None = None
    planned_completion: IsoDate | None = None
    industrial: bool = False
    tech_renovation: bool = False
    factory_area_m2: Annotated[Amount, Field(ge=0)] | None = None

    _code = field_validator("code")(_check_code)


class RevisePlan(Command):
    cmd: ClassVar[str] = "revise_plan"

    code: Code
    annual_plan: Money
    date: IsoDate | None = None
    reason: Text


class ReportProgress(Command):
    cmd: ClassVar[str] = "report_progress"

    code: Code
    date: IsoDate | None = None
    investment: Money
    funds: Money | None = None
    physical_pct: Percent | None = None
    workers: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    note: Text | None = None

    def values(self) -> dict[str, Any]:
        return {
            "investment": self.investment,
            "funds": self.funds,
            "physical_pct": self.physical_pct,
            "workers": self.workers,
            "note": self.note,
        }


class CorrectProgress(Command):
    cmd: ClassVar[str] = "correct_progress"

    code: Code
    date: IsoDate | None = None
    investment: Money | None = None
    funds: Money | None = None
    physical_pct: Percent | None = None
    workers: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    note: Text | None = None
    reason: Text

    @model_validator(mode="after")
    def _some_value(self) -> CorrectProgress:
        if not self.values():
            raise Refused(
                "investment",
                None,
                "a correction must give at least one of investment, funds, "
                "physical_pct, workers, note",
            )
        return self

    def values(self) -> dict[str, Any]:
        given = {
            "investment": self.investment,
            "funds": self.funds,
            "physical_pct": self.physical_pct,
            "workers": self.workers,
            "note": self.note,
        }
        return {k: v for k, v in given.items() if v is not None}


class ReachMilestone(Command):
    cmd: ClassVar[str] = "reach_milestone"

    code: Code
    milestone: Milestone
    date: IsoDate | None = None


class TerminateProject(Command):
    cmd: ClassVar[str] = "terminate_project"

    code: Code
    date: IsoDate | None = None
    reason: Text


class FileFactor(Command):
    cmd: ClassVar[str] = "file_factor"

    code: Code
    category: FactorCategory
    detail: Text
    date: IsoDate | None = None
    key: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
            AfterValidator(plain_text),
        ]
        | None
    ) = None
    again: bool = False
    """File it even though an open request of the project, category and detail was filed the
    same day (without this, that is refused as a likely duplicate)."""


class ExtendFactor(Command):
    cmd: ClassVar[str] = "extend_factor"

    id: Text
    due: IsoDate
    date: IsoDate | None = None
    reason: Text


class EscalateFactor(Command):
    cmd: ClassVar[str] = "escalate_factor"

    id: Text
    level: int = Field(ge=1, le=3)
    date: IsoDate | None = None
    note: Text


class ResolveFactor(Command):
    cmd: ClassVar[str] = "resolve_factor"

    id: Text
    outcome: Outcome
    date: IsoDate | None = None
    note: Text


class PublishCheckpoint(Command):
    """Record a computed checkpoint in the log (`campaign checkpoint publish`); not a scenario
    command: its figures come from the log itself (`campaign.app.queries.publish`)."""

    cmd: ClassVar[str] = "publish_checkpoint"

    as_of: IsoDate
    known_at: str | None = None
    position: int = Field(ge=0)
    head_hash: str
    state_hash: str
    engine_version: str
    signed_head: dict[str, Any] | None = None  # the tree head at `position`, as on the receipt


class GrantAccess(Command):
    """Give a database role access to a shared store (`campaign admin grant`); the store's
    owner only. Not a scenario command."""

    cmd: ClassVar[str] = "grant_access"

    role: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=63)]
    kind: str
    projects: tuple[Code, ...] = ()


class RevokeAccess(Command):
    """Take a database role's access away (`campaign admin revoke`)."""

    cmd: ClassVar[str] = "revoke_access"

    role: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=63)]


COMMANDS: dict[str, type[Command]] = {
    cls.cmd: cls
    for cls in (
        OpenCampaign,
        AmendCampaign,
        RegisterProject,
        RevisePlan,
        ReportProgress,
        CorrectProgress,
        ReachMilestone,
        TerminateProject,
        FileFactor,
        ExtendFactor,
        EscalateFactor,
        ResolveFactor,
    )
}


def parse_command(kind: type[Command] | str, fields: dict[str, Any]) -> Command:
    """Build a command from plain values; a bad field becomes one `Refused` line."""
    if isinstance(kind, str):
        try:
            kind = COMMANDS[kind]
        except KeyError:
            raise Refused("cmd", kind, f"is not a command (one of {', '.join(COMMANDS)})") from None
    try:
        return kind.model_validate(fields)
    except ValidationError as error:
        raise refusal_from(error, fields) from None


def refusal_from(error: ValidationError, fields: dict[str, Any]) -> Refused:
    first = error.errors(include_url=False)[0]
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, Refused):
        return cause
    loc = [str(part) for part in first["loc"]]
    value: Any = first.get("input")
    if "[key]" in loc:  # a bad key of a mapping: name the mapping, show the key
        loc = loc[: loc.index("[key]") - 1]
    field = ".".join(loc) or "command"
    if first["type"] == "missing":
        return Refused(field, None, "is required")
    if first["type"] == "extra_forbidden":
        return Refused(field, value, "is not a field of this command")
    if first["type"] in ("list_type", "tuple_type"):
        return Refused(field, value, "must be a list, written [...]")
    message = str(first["msg"])
    message = message.removeprefix("Value error, ")
    message = message[0].lower() + message[1:] if message else message
    if isinstance(value, dict) and loc:
        value = fields.get(loc[0], value)
    return Refused(field, value, message)


def effective_date(command: Command, today: dt.date) -> dt.date:
    """A command's effective date; on the command line a missing date means today."""
    date: dt.date | None = getattr(command, "date", None)
    return today if date is None else date
