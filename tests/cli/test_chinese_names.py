"""A clerk may give a word of the vocabulary by the Chinese name people read (锂电, 用电, 签约,
办结) wherever a command takes one, as the sheets and the look-ups' filters already take it;
the log holds the same name either way."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.cli.test_cli import confirmed, one_line

if TYPE_CHECKING:
    from tests.cli.test_cli import Campaign

REGISTER = (
    "project",
    "register",
    "--code",
    "DM-009",
    "--name",
    "测试项目",
    "--unit",
    "区招商局",
    "--leader",
    "张三",
    "--total-investment",
    "1000",
    "--annual-plan",
    "500",
    "--date",
    "2020-06-29",
)


def stored(demo: Campaign, position: int) -> dict[str, object]:
    result = demo.ok("audit", "log", "--json")
    event: dict[str, object] = json.loads(result.output)[position - 1]
    return event


def test_chinese_names_are_taken_and_stored_as_the_names_they_stand_for(demo: Campaign) -> None:
    confirmed(demo.ok(*REGISTER, "--sector", "锂电", "--category", "新开工").output, 50)
    confirmed(demo.ok("project", "milestone", "DM-009", "签约", "--date", "2020-06-29").output, 51)
    filed = ("factor", "file", "DM-009", "--category", "用电", "--detail", "10kV", "--date")
    confirmed(demo.ok(*filed, "2020-06-29").output, 52)
    closed = ("factor", "resolve", "DM-009-20200629-power", "--outcome", "办结", "--note", "已送电")
    confirmed(demo.ok(*closed, "--date", "2020-06-30").output, 53)
    fields = [json.dumps(stored(demo, p), ensure_ascii=False) for p in (50, 51, 52, 53)]
    assert '"lithium"' in fields[0] and '"new"' in fields[0]
    assert '"signed"' in fields[1]
    assert '"power"' in fields[2]
    assert '"fulfilled"' in fields[3]


def test_a_word_that_is_neither_name_is_refused_naming_the_field(demo: Campaign) -> None:
    result = demo(*REGISTER, "--sector", "锂", "--category", "新开工")
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith("Error: sector=锂: input should be 'lithium'")
    assert demo.events() == 49
