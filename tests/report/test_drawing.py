"""The charts drawn by a second process while the page is written: the same page to the byte
as the charts drawn here, whatever the second process does (answers, ends, hangs, answers
nonsense), and no process left behind."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from campaign.read import cores
from campaign.report import drawing
from campaign.report.charts import DRAW, NAMES, SHOWN, charts, shown
from campaign.report.drawing import Drawer
from campaign.report.html import render
from cli.context import Config
from cli.main import cli
from tests.report.conftest import MID_YEAR, clock
from tests.report.test_html import _renamed

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from campaign.report.model import Report


@pytest.fixture
def spare(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second core is free, whatever else runs beside the tests."""
    monkeypatch.setattr(drawing, "spare_core", lambda samples=5: True)


@pytest.fixture
def busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """No core is free: the charts are drawn here."""
    monkeypatch.setattr(drawing, "spare_core", lambda samples=5: False)


@pytest.fixture(scope="module")
def here(reference_report: Report) -> str:
    """The page with its charts drawn in this process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(drawing, "spare_core", lambda samples=5: False)
        return render(reference_report)


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.usefixtures("spare")
def test_the_second_process_draws_the_charts_as_they_are_drawn_here(
    reference_report: Report, here: str
) -> None:
    with Drawer() as drawer:
        pid = drawer._pid
        assert pid is not None
        assert drawer.ask(reference_report, NAMES)
        drawn = drawer.drawn()
    assert drawn == charts(reference_report)
    assert _gone(pid)
    with Drawer() as drawer:
        assert render(reference_report, drawer) == here
    assert render(reference_report) == here  # a drawer of its own


@pytest.mark.usefixtures("busy")
def test_with_no_core_free_no_process_is_started(reference_report: Report, here: str) -> None:
    with Drawer() as drawer:
        assert drawer._pid is None
        assert not drawer.ask(reference_report, NAMES)
        assert drawer.drawn() is None
        assert render(reference_report, drawer) == here


def _ends(request: int, answer: int) -> None:
    os._exit(3)


def _says_nothing(request: int, answer: int) -> None:
    os.close(answer)


def _says_nonsense(request: int, answer: int) -> None:
    os.write(answer, b"not a pickle")


def _draws_too_little(request: int, answer: int) -> None:
    os.write(answer, pickle.dumps({"burnup": "<svg/>"}))


def _draws_nothing(request: int, answer: int) -> None:
    os.write(answer, pickle.dumps(dict.fromkeys(NAMES)))


def _hangs(request: int, answer: int) -> None:
    time.sleep(60)


@pytest.mark.usefixtures("spare")
@pytest.mark.parametrize(
    "serve", [_ends, _says_nothing, _says_nonsense, _draws_too_little, _draws_nothing, _hangs]
)
def test_whatever_the_second_process_does_the_page_is_the_same(
    reference_report: Report,
    here: str,
    serve: Callable[[int, int], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(drawing, "_serve", serve)
    monkeypatch.setattr(drawing, "WAIT", 1.0)
    with Drawer() as drawer:
        pid = drawer._pid
        assert pid is not None
        assert render(reference_report, drawer) == here
    assert _gone(pid)


@pytest.mark.usefixtures("spare")
def test_a_drawer_never_asked_ends_its_process() -> None:
    with Drawer() as drawer:
        pid = drawer._pid
        assert pid is not None
    assert _gone(pid)


def _empty(report: Report) -> Report:
    document: dict[str, Any] = {
        **report.document,
        "units": [],
        "targets": [],
        "factors": {**report.document["factors"], "by_category": {}},
        "zone": {**report.zone, "lights": dict.fromkeys(report.zone["lights"], 0)},
    }
    return dataclasses.replace(report, document=document, burnup=None)


def _mixed(report: Report) -> Report:
    """Units and lights to show; no burn-up rate, target or factor request."""
    assert report.burnup is not None
    burnup = dataclasses.replace(report.burnup, rates=[None] * len(report.burnup.rates))
    document: dict[str, Any] = {
        **report.document,
        "targets": [{**t, "ratio": None} for t in report.document["targets"]],
        "factors": {**report.document["factors"], "by_category": {}},
    }
    return dataclasses.replace(report, document=document, burnup=burnup)


def test_which_charts_are_shown_is_what_drawing_them_finds(reference_report: Report) -> None:
    assert tuple(DRAW) == tuple(SHOWN) == NAMES
    cases = (reference_report, _empty(reference_report), _mixed(reference_report))
    for report in cases:
        drawn = charts(report)
        assert shown(report) == {name: drawn[name] is not None for name in NAMES}
    assert [[name for name, on in shown(report).items() if on] for report in cases] == [
        list(NAMES),
        [],
        ["units", "lights"],
    ]


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@pytest.mark.usefixtures("spare")
def test_with_no_process_to_be_had_the_charts_are_drawn_here(
    reference_report: Report, here: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", fork)
    before = _open_fds()
    with Drawer() as drawer:
        assert drawer._pid is None
        assert render(reference_report, drawer) == here
    assert render(reference_report) == here
    assert _open_fds() == before


@pytest.mark.usefixtures("spare")
def test_every_way_out_lets_go_of_the_pipes(reference_report: Report) -> None:
    before = _open_fds()
    with Drawer() as drawer:  # asked and answered
        assert drawer.ask(reference_report, ["lights"])
        assert drawer.drawn() is not None
    with Drawer():  # never asked
        pass
    with Drawer() as drawer:  # asked, never read
        assert drawer.ask(reference_report, ["lights"])
    assert _open_fds() == before


CHILD = """
import pickle, sys
from campaign.read import cores
from campaign.report import drawing
drawing.spare_core = lambda samples=5: True
report = pickle.loads(open(sys.argv[1], "rb").read())
with drawing.Drawer() as drawer:
    assert drawer.ask(report, ["lights"])
    drawn = drawer.drawn()
assert drawn is not None and drawn["lights"].startswith("<svg"), drawn
assert "matplotlib" not in sys.modules  # imported by the second process alone
"""


def test_the_second_process_leaves_no_temporary_folder(
    reference_report: Report, tmp_path: Path
) -> None:
    """Where matplotlib cannot keep its cache in the user's folders, it makes a temporary one,
    to be removed at exit: the second process removes the one it made."""
    data = tmp_path / "report.pickle"
    data.write_bytes(pickle.dumps(reference_report))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
    }
    env |= {"HOME": "/proc/no-such-home", "TMPDIR": str(temporary)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "temporary cache directory" in done.stderr  # matplotlib made one
    assert list(temporary.iterdir()) == []


@pytest.mark.usefixtures("spare")
def test_a_stored_text_like_a_charts_place_stays_text(reference_report: Report) -> None:
    page = render(_renamed(reference_report, "ZZ-005", "区工信局", "\x00units\x00"))
    assert "\x00" not in page
    assert page.count("<svg ") == 5
    assert "\\x00units\\x00" in page


@pytest.mark.usefixtures("spare")
def test_the_command_writes_the_page_drawn_here(
    reference_db: Path, here: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_here(*_: object) -> None:
        raise AssertionError("the charts were to be drawn by the second process")

    monkeypatch.setattr("campaign.report.html.charts", not_here)
    out = tmp_path / "通报.html"
    result = CliRunner().invoke(
        cli,
        ["report", "--as-of", MID_YEAR.isoformat(), "--out", str(out), "--db", str(reference_db)],
        obj=Config(clock=clock()),
        env={"CAMPAIGN_DB": None},
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == here


def test_with_no_chart_to_draw_no_process_is_started(
    reference_report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_drawer() -> None:
        raise AssertionError("a second process for no chart")

    monkeypatch.setattr("campaign.report.html.Drawer", no_drawer)
    page = render(_empty(reference_report))
    assert "<svg " not in page and page.count("（暂无数据）") == 5


@pytest.mark.usefixtures("spare")
def test_the_second_process_is_this_ones_companion_while_it_lives(
    reference_report: Report,
) -> None:
    with Drawer() as drawer:
        pid = drawer._pid
        assert pid is not None and pid in cores._companions
        assert drawer.ask(reference_report, ["lights"])
        assert drawer.drawn() is not None
        assert pid not in cores._companions
    with Drawer() as drawer:
        pid = drawer._pid
        assert pid in cores._companions
    assert pid not in cores._companions
