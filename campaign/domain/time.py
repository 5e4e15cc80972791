"""The two time axes of SPEC §2, as values: the campaign's time zone, the engine's today, the
stored form of recorded times, and the `known_at` cut a user means."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_written(text: str) -> dt.date:
    """A day written YYYY-MM-DD; ValueError naming the rule otherwise."""
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError("is not a calendar date (YYYY-MM-DD)") from None
    raise ValueError("must be a date written YYYY-MM-DD")


_DAYS: dict[dt.date, str] = {}
_DAYS_KEPT = 4096  # a campaign's year, many times over; forgotten at once when full


def day_text(day: dt.date) -> str:
    """`day.isoformat()`, remembered: ids and summaries name the same few hundred days again
    and again, and `isoformat` writes a date through C's general formatter (a scenario's ids
    and summaries spent 2.6% of a load's instructions there)."""
    text = _DAYS.get(day)
    if text is None:
        if len(_DAYS) >= _DAYS_KEPT:
            _DAYS.clear()
        text = _DAYS[day] = day.isoformat()
    return text


_TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))


def format_recorded(value: dt.datetime) -> str:
    """Recorded times are stored in one fixed UTC form, so that text order is time order."""
    if value.tzinfo is not dt.UTC:  # an event's time is UTC already
        value = value.astimezone(dt.UTC)
    # What isoformat(timespec="microseconds") writes, in pieces kept at hand: every event's
    # time is written once as it is stored, and a %-format of its seven numbers took 2% of a
    # load's instructions (isoformat, which also asks the zone for its offset, more)
    micro = value.microsecond
    return (
        f"{day_text(value.date())}T{_TWO_DIGITS[value.hour]}:{_TWO_DIGITS[value.minute]}:"
        f"{_TWO_DIGITS[value.second]}.{str(micro).zfill(6) if micro else '000000'}+00:00"
    )


def today_in(moment: dt.datetime, timezone: str) -> dt.date:
    """The calendar day of `moment` in the campaign's time zone (the engine's today)."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def in_zone(recorded: str, timezone: str) -> str:
    """A stored recorded time, shown in the campaign's time zone to the second."""
    return (
        dt.datetime.fromisoformat(recorded)
        .astimezone(ZoneInfo(timezone))
        .isoformat(timespec="seconds")
    )


def known_at_cut(text: str, timezone: str) -> dt.datetime:
    """The recorded-time cutoff a user means: a bare date is the end of that day in the
    campaign's time zone; a time without an offset is read in that zone too."""
    zone = ZoneInfo(timezone)
    text = text.strip()
    try:
        if "T" not in text and " " not in text and len(text) <= 10:  # a date: 2020-06-30
            day = date_written(text)
            moment = dt.datetime.combine(day, dt.time.max, tzinfo=zone)
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("is neither a date (YYYY-MM-DD) nor an ISO-8601 time") from None
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    try:
        moment.astimezone(dt.UTC)
    except OverflowError:
        # At the very ends of the calendar, where UTC cannot hold it (its day in UTC would be
        # before the year 1 or after 9999): the first or the last time that can be recorded,
        # which cut the log as it does, before or after every recorded time
        end = dt.datetime.min if moment.year == 1 else dt.datetime.max
        return end.replace(tzinfo=dt.UTC)
    return moment
