"""The stored bytes of an event: a first version's state has no version mark, a later
version's ends with it, every time its class is mapped (the mapper finds each class's topic
and mark once); recorded times, days and request ids are written in their fixed forms."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import orjson
from hypothesis import given
from hypothesis import strategies as st

from campaign.domain import time as time_module
from campaign.domain.events import Aggregate
from campaign.domain.factor import FactorRequest
from campaign.domain.time import day_text, format_recorded
from campaign.domain.vocabulary import FactorCategory
from campaign.store.codec import EventMapper, OrjsonTranscoder


class Renamed(Aggregate.Event):
    name: str


class Retitled(Aggregate.Event):
    event_version: ClassVar[int] = 3
    name: str


class Versions:
    class Renamed(Aggregate.Event):  # the same name as another event class, a later version
        event_version: ClassVar[int] = 2
        name: str


AT = dt.datetime(2020, 4, 16, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _event(
    cls: type[Renamed | Retitled | Versions.Renamed], name: str
) -> Renamed | Retitled | Versions.Renamed:
    return cls(
        originator_id="x",
        originator_version=2,
        timestamp=AT,
        actor="office",
        date=AT.date(),
        name=name,
    )


def test_each_version_of_an_event_is_stored_with_its_mark_every_time() -> None:
    mapper = EventMapper(OrjsonTranscoder())
    for name in ("甲", "乙"):  # mapped again: the same topic and mark
        first = mapper.to_stored_event(_event(Renamed, name))
        later = mapper.to_stored_event(_event(Retitled, name))
        assert first.topic == Renamed.TOPIC == "campaign.domain:Renamed"
        assert later.topic == Retitled.TOPIC
        assert (
            first.state
            == (
                '{"timestamp":"2020-04-16T10:00:00.000000+00:00","actor":"office",'
                f'"date":"2020-04-16","name":"{name}"}}'
            ).encode()
        )
        assert later.state == first.state[:-1] + b',"v":3}'
        assert orjson.loads(later.state)["v"] == 3
        other = mapper.to_stored_event(_event(Versions.Renamed, name))
        assert other.topic == Versions.Renamed.TOPIC == "campaign.domain:Versions.Renamed"
        assert other.state == first.state[:-1] + b',"v":2}'
        assert (later.originator_id, later.originator_version) == ("x", 2)


@given(
    st.datetimes(
        timezones=st.one_of(
            st.just(dt.UTC),
            st.builds(dt.timezone, st.timedeltas(dt.timedelta(hours=-23), dt.timedelta(hours=23))),
        ),
        min_value=dt.datetime.min + dt.timedelta(days=1),  # in UTC too, at any offset
        max_value=dt.datetime.max - dt.timedelta(days=1),
        allow_imaginary=False,
    )
)
def test_a_recorded_time_is_written_as_isoformat_writes_it_in_utc(moment: dt.datetime) -> None:
    utc = moment.astimezone(dt.UTC)
    assert format_recorded(moment) == utc.isoformat(timespec="microseconds")
    assert format_recorded(utc) == utc.isoformat(timespec="microseconds")


def test_a_recorded_time_keeps_its_fixed_width() -> None:
    early = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    assert format_recorded(early) == "0001-01-01T00:00:00.000000+00:00"
    late = dt.datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)
    assert format_recorded(late) == "9999-12-31T23:59:59.999999+00:00"


@given(st.dates())
def test_a_day_is_written_as_isoformat_writes_it(day: dt.date) -> None:
    assert day_text(day) == day.isoformat()
    assert day_text(day) == day.isoformat()  # remembered: the same text


def test_the_days_remembered_are_forgotten_when_there_are_too_many() -> None:
    first = dt.date(2020, 1, 1)
    for offset in range(5000):  # more than are kept
        day = first + dt.timedelta(days=offset)
        assert day_text(day) == day.isoformat()
    assert 0 < len(time_module._DAYS) <= time_module._DAYS_KEPT


@given(st.dates(), st.sampled_from(FactorCategory))
def test_a_request_id_names_its_day_as_strftime_does(
    day: dt.date, category: FactorCategory
) -> None:
    assert FactorRequest.base_request_id("P-1", category, day) == (
        f"P-1-{day:%Y%m%d}-{category.value}"
    )
