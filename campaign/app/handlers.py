"""The use cases: one handler per command of SPEC §3, run inside a unit of work.

A handler reads the aggregates it needs through the session, lets them check their rules and
record their events, and returns what happened. Nothing is saved here: the engine saves the
session's aggregates together once every command of the unit has passed.
"""

from __future__ import annotations

from functools import singledispatch
from typing import TYPE_CHECKING, Any, NamedTuple

from campaign.app.commands import (
    SETTINGS,
    AmendCampaign,
    Command,
    CorrectProgress,
    EscalateFactor,
    ExtendFactor,
    FileFactor,
    GrantAccess,
    OpenCampaign,
    PublishCheckpoint,
    ReachMilestone,
    RegisterProject,
    ReportProgress,
    ResolveFactor,
    RevisePlan,
    RevokeAccess,
    TerminateProject,
    effective_date,
)
from campaign.app.session import Session
from campaign.domain.campaign import Campaign
from campaign.domain.errors import LikelyDuplicate, Refused
from campaign.domain.project import Project
from campaign.domain.report import DailyReport
from campaign.domain.time import DEFAULT_TIMEZONE, day_text

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from campaign.domain.factor import FactorRequest


class Result(NamedTuple):
    """What one command did: its name, the events it appended, the id it names, a summary;
    and the receipt of its unit of work: the log's position and chain head once it was kept."""

    command: str
    appended: int
    id: str | None
    message: str
    position: int = 0
    head: str = ""

    @property
    def receipt(self) -> str:
        """The log's head after the write, as HASH@POSITION (kept outside the store, it pins
        the log up to that position)."""
        return f"{self.head}@{self.position}"


class Done(NamedTuple):
    """What a handler did: the id it names and a summary (its Result counts the events).

    Summaries write decimals with `!s` and dates with `day_text`: the text `format` gives,
    without its way round through a format spec (a scenario writes a hundred thousand)."""

    id: str | None
    message: str


def run(command: Command, session: Session, at: dt.datetime, actor: str) -> Result:
    """Stamp and handle one command; the caller owns the transaction and the flush."""
    # By exact class, as the handlers are found (no command class is subclassed):
    # `isinstance` asks a pydantic model's metaclass (an ABCMeta), 0.2 µs a command
    kind = type(command)
    if type(command) is OpenCampaign:  # (written so: the type checker narrows it)
        session.begin(at, actor, zone=command.timezone)
    elif kind is GrantAccess or kind is RevokeAccess:  # a store may be shared before it opens
        campaign = session.find(Campaign, Campaign.ID)
        session.begin(at, actor, zone=campaign.timezone if campaign else DEFAULT_TIMEZONE)
    else:
        session.begin(at, actor)
    done: Done = _HANDLERS.get(kind, handle)(command, session)
    return Result(command.cmd, session.end_command(), done.id, done.message)


@singledispatch
def handle(command: Command, session: Session) -> Done:
    raise NotImplementedError(type(command).__name__)


@handle.register
def _open(command: OpenCampaign, session: Session) -> Done:
    if session.find(Campaign, Campaign.ID) is not None:
        raise Refused(
            "name",
            command.name,
            "a campaign is already open in this store (once per store): change its settings "
            "with `campaign amend`, or give another --db",
        )
    campaign = Campaign(
        name=command.name,
        year=command.year,
        start=command.start,
        end=command.end,
        checkpoints=tuple(sorted(set(command.checkpoints))),
        holidays=tuple(sorted(set(command.holidays))),
        workdays=tuple(sorted(set(command.workdays))),
        sla_days=dict(sorted(command.sla_days.items())),
        targets=command.targets,
        lights=command.lights,
        timezone=command.timezone,
        simulated=session.simulated,
        date=session.stamp.today,
        actor=session.stamp.actor,
        timestamp=session.stamp.at,
    )
    session.add(campaign)
    return Done(
        Campaign.ID,
        f"opened campaign {command.name} ({command.start} – {command.end})",
    )


@handle.register
def _register(command: RegisterProject, session: Session) -> Done:
    campaign = session.campaign()
    if session.find(Project, Project.id_for(command.code)) is not None:
        raise Refused("code", command.code, "is already registered")
    date = effective_date(command, session.stamp.today)
    project = Project.register(
        campaign=campaign,
        code=command.code,
        name=command.name,
        sector=command.sector,
        category=command.category,
        unit=command.unit,
        leader=command.leader,
        total_investment=command.total_investment,
        annual_plan=command.annual_plan,
        date=date,
        planned_start=command.planned_start,
        planned_completion=command.planned_completion,
        industrial=command.industrial,
        tech_renovation=command.tech_renovation,
        factory_area_m2=command.factory_area_m2,
        stamp=session.stamp,
    )
    session.add(project)
    return Done(command.code, f"registered {command.code} {command.name} on {day_text(date)}")


@handle.register
def _revise(command: RevisePlan, session: Session) -> Done:
    campaign = session.campaign()
    project = session.project(command.code)
    date = effective_date(command, session.stamp.today)
    project.revise_plan(
        annual_plan=command.annual_plan,
        date=date,
        reason=command.reason,
        campaign=campaign,
        stamp=session.stamp,
    )
    session.add(project)
    return Done(
        command.code,
        f"{command.code}: annual plan {command.annual_plan!s} from {day_text(date)}",
    )


@handle.register
def _report(command: ReportProgress, session: Session) -> Done:
    campaign = session.campaign()
    project = session.project(command.code)
    date = effective_date(command, session.stamp.today)
    values = command.values()
    existing = session.find(DailyReport, DailyReport.id_for(command.code, date))
    if existing is not None:
        existing.check_same_as(values)
        return Done(
            command.code,
            f"{command.code} {day_text(date)}: already recorded, nothing appended",
        )
    session.add_created(
        DailyReport.report(
            project=project, campaign=campaign, date=date, values=values, stamp=session.stamp
        )
    )
    return Done(
        command.code,
        f"{command.code} {day_text(date)}: investment {command.investment!s} recorded",
    )


@handle.register
def _correct(command: CorrectProgress, session: Session) -> Done:
    session.campaign()
    project = session.project(command.code)
    date = effective_date(command, session.stamp.today)
    report = session.find(DailyReport, DailyReport.id_for(command.code, date))
    if report is None:
        raise Refused("date", date, f"project {command.code} has no report for that day to correct")
    report.correct(
        values=command.values(), reason=command.reason, project=project, stamp=session.stamp
    )
    session.add(report)
    changed = ", ".join(f"{k} {v!s}" for k, v in command.values().items())
    return Done(command.code, f"{command.code} {day_text(date)}: corrected ({changed})")


@handle.register
def _milestone(command: ReachMilestone, session: Session) -> Done:
    session.campaign()
    project = session.project(command.code)
    date = effective_date(command, session.stamp.today)
    project.reach_milestone(milestone=command.milestone, date=date, stamp=session.stamp)
    session.add(project)
    return Done(command.code, f"{command.code}: {command.milestone} on {day_text(date)}")


@handle.register
def _terminate(command: TerminateProject, session: Session) -> Done:
    session.campaign()
    project = session.project(command.code)
    date = effective_date(command, session.stamp.today)
    project.terminate(date=date, reason=command.reason, stamp=session.stamp)
    session.add(project)
    return Done(command.code, f"{command.code}: terminated on {day_text(date)}")


@handle.register
def _amend(command: AmendCampaign, session: Session) -> Done:
    campaign = session.campaign()
    date = effective_date(command, session.stamp.today)
    lights = command.lights
    campaign.amend(
        date=date,
        reason=command.reason,
        checkpoints=_days(command.checkpoints),
        holidays=_days(command.holidays),
        workdays=_days(command.workdays),
        sla_days=None if command.sla_days is None else dict(sorted(command.sla_days.items())),
        targets=command.targets,
        green=None if lights is None else lights.green,
        yellow=None if lights is None else lights.yellow,
        stamp=session.stamp,
    )
    session.add(campaign)
    changed = ", ".join(name for name in SETTINGS if getattr(command, name) is not None)
    return Done(Campaign.ID, f"amended the campaign from {day_text(date)}: {changed}")


def _days(days: tuple[dt.date, ...] | None) -> tuple[dt.date, ...] | None:
    return None if days is None else tuple(sorted(set(days)))


@handle.register
def _file(command: FileFactor, session: Session) -> Done:
    from campaign.domain.factor import FactorKey, FactorRequest  # noqa: PLC0415 (an aggregate defined when first used)

    date = effective_date(command, session.stamp.today)
    if command.key is not None:
        keyed = session.find(FactorKey, FactorKey.id_for(command.key))
        if keyed is not None:
            filed = session.request(keyed.request_id)
            _check_same_request(command, date, filed)
            return Done(
                keyed.request_id,
                f"key {command.key}: already filed as {keyed.request_id}, nothing appended",
            )
    campaign = session.campaign()
    project = session.project(command.code)
    base = FactorRequest.base_request_id(command.code, command.category, date)
    request_id, twin = base, 1
    while (earlier := session.find(FactorRequest, FactorRequest.id_for(request_id))) is not None:
        if (
            command.key is None
            and not command.again
            and earlier.detail == command.detail
            and earlier.resolved_on is None
        ):
            raise LikelyDuplicate(command.detail, request_id)
        twin += 1
        request_id = f"{base}-{twin}"
    request = FactorRequest.file(
        request_id=request_id,
        project=project,
        campaign=campaign,
        category=command.category,
        detail=command.detail,
        date=date,
        key=command.key,
        stamp=session.stamp,
    )
    session.add(request)
    if command.key is not None:
        stamp = session.stamp
        session.add(
            FactorKey(
                key=command.key,
                request_id=request_id,
                date=date,
                actor=stamp.actor,
                timestamp=stamp.at,
            )
        )
    return Done(request_id, f"filed {request_id}, due {day_text(request.sla_due)}")


def _check_same_request(command: FileFactor, date: dt.date, filed: FactorRequest) -> None:
    """A key names one request: filing it again must say the same thing."""
    given = {
        "code": command.code,
        "category": command.category,
        "detail": command.detail,
        "date": date,
    }
    kept = {
        "code": filed.code,
        "category": filed.category,
        "detail": filed.detail,
        "date": filed.filed_on,
    }
    for field, value in given.items():
        if value != kept[field]:
            raise Refused(
                field,
                value,
                f"differs from request {filed.request_id} filed under key {command.key} "
                f"({field} {kept[field]}); a key always names the same request",
            )


@handle.register
def _extend(command: ExtendFactor, session: Session) -> Done:
    session.campaign()
    request = session.request(command.id)
    project = session.project(request.code)
    date = effective_date(command, session.stamp.today)
    request.extend(
        due=command.due, date=date, reason=command.reason, project=project, stamp=session.stamp
    )
    session.add(request)
    return Done(command.id, f"{command.id}: due {day_text(command.due)} from {day_text(date)}")


@handle.register
def _escalate(command: EscalateFactor, session: Session) -> Done:
    session.campaign()
    request = session.request(command.id)
    project = session.project(request.code)
    date = effective_date(command, session.stamp.today)
    request.escalate(
        level=command.level, date=date, note=command.note, project=project, stamp=session.stamp
    )
    session.add(request)
    return Done(command.id, f"{command.id}: escalated to level {command.level} on {day_text(date)}")


@handle.register
def _resolve(command: ResolveFactor, session: Session) -> Done:
    session.campaign()
    request = session.request(command.id)
    date = effective_date(command, session.stamp.today)
    request.resolve(outcome=command.outcome, date=date, note=command.note, stamp=session.stamp)
    session.add(request)
    return Done(command.id, f"{command.id}: {command.outcome} on {day_text(date)}")


@handle.register
def _publish(command: PublishCheckpoint, session: Session) -> Done:
    from campaign.domain.publication import Publication  # noqa: PLC0415 (an aggregate defined when first used)

    session.campaign()
    publication_id = Publication.create_id(command.as_of, command.known_at, command.position)
    if session.find(Publication, publication_id) is not None:
        return Done(publication_id, "already published, nothing appended")
    today = session.stamp.today
    if command.as_of > today:
        raise Refused(
            "as_of", command.as_of, f"is after the engine's today ({today}): nothing to publish"
        )
    stamp = session.stamp
    session.add(
        Publication(
            as_of=command.as_of,
            known_at=command.known_at,
            position=command.position,
            head_hash=command.head_hash,
            state_hash=command.state_hash,
            engine_version=command.engine_version,
            date=command.as_of,
            actor=stamp.actor,
            timestamp=stamp.at,
            signed_head=command.signed_head,
        )
    )
    return Done(publication_id, f"published the checkpoint of {command.as_of}")


@handle.register
def _grant(command: GrantAccess, session: Session) -> Done:
    from campaign.domain.access import Access, check_role  # noqa: PLC0415 (an aggregate defined when first used)

    check_role(command.role)
    projects = tuple(sorted(set(command.projects)))
    access = session.find(Access, Access.id_for(command.role))
    if access is None:
        access = Access.grant(
            role=command.role, kind=command.kind, projects=projects, stamp=session.stamp
        )
    else:
        access.regrant(kind=command.kind, projects=projects, stamp=session.stamp)
    session.add(access)
    scope = f" for {', '.join(projects)}" if projects else ""
    return Done(command.role, f"granted {command.role} access as {command.kind}{scope}")


@handle.register
def _revoke(command: RevokeAccess, session: Session) -> Done:
    from campaign.domain.access import Access, check_role  # noqa: PLC0415 (an aggregate defined when first used)

    check_role(command.role)
    access = session.find(Access, Access.id_for(command.role))
    if access is None:
        raise Refused("role", command.role, "has no access to revoke")
    access.revoke(stamp=session.stamp)
    session.add(access)
    return Done(command.role, f"revoked the access of {command.role}")


_HANDLERS: dict[type, Callable[[Any, Session], Done]] = dict(handle.registry)
"""Each command's handler by the command's own class, registered above: `run` looks it up here
(a command is never subclassed), where `handle` would look it up through a cache of weak
references (0.6 µs a command, of a scenario line's 40)."""
