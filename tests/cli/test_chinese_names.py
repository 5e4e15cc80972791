"""A clerk may give a word of the vocabulary by the Chinese name people read (锂电, 用电, 签约,
办结) wherever a command takes one, as the sheets and the look-ups' filters already take it;
the log holds the same name either way."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.cli.test_cli import OPEN, Campaign, confirmed, one_line, stored_states

if TYPE_CHECKING:
    from pathlib import Path

    import click

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


def test_a_refusal_of_a_word_given_in_chinese_names_it_as_typed(demo: Campaign) -> None:
    result = demo("project", "milestone", "DM-004", "投产", "--date", "2020-06-29")
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert line.startswith("Error: milestone=投产 (production): project DM-004 already reached")
    assert demo.events() == 49


def test_a_refusal_of_a_word_given_by_its_name_is_the_engines_own(demo: Campaign) -> None:
    result = demo("project", "milestone", "DM-004", "production", "--date", "2020-06-29")
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith("Error: milestone=production: project DM-004")


@pytest.mark.parametrize(
    ("args", "chinese"),
    [
        ((*REGISTER, "--sector", "锂", "--category", "新开工"), "锂电, 光电, 医药, 智能制造"),
        ((*REGISTER, "--sector", "锂电", "--category", "新"), "新开工, 续建, 竣工, 预备"),
        (("project", "milestone", "DM-002", "开始"), "签约, 开工, 竣工, 投产"),
        ((*REGISTER, "--sector", "", "--category", "新开工"), "锂电, 光电, 医药, 智能制造"),
        (("project", "milestone", "DM-002", ""), "签约, 开工, 竣工, 投产"),
        (("project", "milestone", "DM-002", "签 约"), "签约, 开工, 竣工, 投产"),
        (("factor", "file", "DM-002", "--category", "电", "--detail", "x"), "用地, 能耗, 环评"),
        (
            ("factor", "resolve", "DM-002-20200605-finance", "--outcome", "完", "--note", "x"),
            "办结, 驳回",
        ),
    ],
    ids=[
        "sector",
        "category",
        "milestone",
        "empty sector",
        "empty milestone",
        "spaced milestone",
        "factor category",
        "outcome",
    ],
)
def test_an_unknown_word_is_refused_with_the_chinese_names_too(
    demo: Campaign, args: tuple[str, ...], chinese: str
) -> None:
    result = demo(*args)
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert ": input should be '" in line
    assert f"(or in Chinese, in that order: {chinese}" in line
    assert demo.events() == 49


def test_a_look_up_filter_refuses_an_unknown_word_listing_the_words(demo: Campaign) -> None:
    result = demo("project", "list", "--sector", "锂")
    assert result.exit_code == 2
    assert "'锂' is not one of: lithium 锂电, photonics 光电, pharma 医药" in result.stderr


def test_the_write_options_and_the_filters_read_a_word_in_one_way() -> None:
    from cli.commands.factor import factor_file, factor_resolve
    from cli.commands.lookups import FACTOR_CATEGORY, SECTOR, STAGE
    from cli.commands.project import project_milestone, project_register
    from cli.options import Vocabulary

    def word(command: click.Command, name: str) -> click.ParamType[Any]:
        return next(p.type for p in command.params if p.name == name)

    written = [
        word(project_register, "sector"),
        word(project_register, "category"),
        word(project_milestone, "milestone"),
        word(factor_file, "category"),
        word(factor_resolve, "outcome"),
    ]
    assert all(type(t) is Vocabulary and not t.strict for t in written)
    assert all(type(t) is Vocabulary and t.strict for t in (SECTOR, STAGE, FACTOR_CATEGORY))


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (("project", "register"), "smart_manufacturing 智能制造"),
        (("project", "milestone"), "production 投产"),
        (("factor", "file"), "gas_heat 供气供热"),
        (("factor", "resolve"), "fulfilled 办结"),
        (("open",), "用地=20"),
        (("amend",), "用地=20"),
    ],
)
def test_the_help_of_a_write_gives_each_word_with_its_chinese_name(
    demo: Campaign, command: tuple[str, ...], shown: str
) -> None:
    assert shown in demo.ok(*command, "--help").stdout


def test_a_time_limit_may_name_its_factor_category_in_chinese(tmp_path: Path) -> None:
    run = Campaign(tmp_path)
    opened = (*OPEN[:8], "--sla", "用地=20", "--sla", " 用电 =10", "--sla", "approval=5")
    run.ok(*opened)
    assert stored_states(run.db)[0]["sla_days"] == {"land": 20, "power": 10, "approval": 5}
    run.ok("amend", "--date", "2020-05-06", "--reason", "调整时限", "--sla", "环评=15")
    assert stored_states(run.db)[1]["sla_days"] == {"environment": 15}


def test_a_time_limit_of_no_factor_category_is_refused_naming_it(tmp_path: Path) -> None:
    run = Campaign(tmp_path)
    result = run(*OPEN[:8], "--sla", "用=20")
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith("Error: sla_days=用: input should be 'land'")
    assert run.events() == 0


def test_a_time_limit_in_full_width_digits_is_read_as_money_is(tmp_path: Path) -> None:
    run = Campaign(tmp_path)
    run.ok(*OPEN[:8], "--sla", "用地=２０")
    assert stored_states(run.db)[0]["sla_days"] == {"land": 20}


def test_an_amendment_from_a_file_says_its_reason_belongs_in_the_file(demo: Campaign) -> None:
    settings = demo.folder / "amend.json"
    settings.write_text('{"date": "2020-06-01", "holidays": ["2020-06-26"]}', encoding="utf-8")
    result = demo("amend", "--from", str(settings), "--reason", "端午调休")
    assert result.exit_code == 2
    assert "its date and reason too" in result.stderr.splitlines()[-1]
    assert demo.events() == 49


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("2020-13-01", "is not a calendar date (YYYY-MM-DD)"),
        ("2020-02-30", "is not a calendar date (YYYY-MM-DD)"),
        ("20200630", "must be a date written YYYY-MM-DD"),
        ("２０２０-06-30", "must be a date written YYYY-MM-DD"),
        ("6月30日", "must be a date written YYYY-MM-DD"),
    ],
)
def test_a_date_on_the_command_line_is_read_by_the_engines_rule(
    demo: Campaign, typed: str, rule: str
) -> None:
    register = (*REGISTER[:-1], typed, "--sector", "锂电", "--category", "新开工")
    for field, args in (("as_of", ("checkpoint", "--as-of", typed)), ("date", register)):
        result = demo(*args)
        assert result.exit_code == 1
        assert one_line(result.stderr) == f"Error: {field}={typed}: {rule}"
    assert demo.events() == 49


def test_a_known_at_day_and_a_generated_campaigns_dates_follow_the_same_rule(
    demo: Campaign,
) -> None:
    known = demo("checkpoint", "--as-of", "2020-06-30", "--known-at", "20200630")
    assert known.exit_code == 1
    assert one_line(known.stderr) == (
        "Error: known_at=20200630: is neither a date (YYYY-MM-DD) nor an ISO-8601 time"
    )
    # Times at the calendar's ends that UTC cannot hold cut before or after every event.
    early, late = "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-05:00"
    before = demo("checkpoint", "--as-of", "2020-06-30", "--known-at", early)
    assert before.exit_code == 1
    assert "nothing was known then" in one_line(before.stderr)
    after = demo("checkpoint", "--as-of", "2020-06-30", "--known-at", late, "--json")
    assert after.exit_code == 0, after.stderr
    assert json.loads(after.stdout)["known_at"] == late
    listed = demo("audit", "log", "--recorded-from", early, "--recorded-to", late, "--json")
    assert listed.exit_code == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 49
    generate = ("scenario", "generate", "--projects", "3", "--seed", "1", "--out", "-")
    generated = demo(*generate, "--start", "2020-3-23", db=False)
    assert generated.exit_code == 1
    assert one_line(generated.stderr) == (
        "Error: start=2020-3-23: must be a date written YYYY-MM-DD"
    )
