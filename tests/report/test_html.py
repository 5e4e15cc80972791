"""The 通报 as one HTML file: in Chinese, self-contained, the same bytes for the same query,
every stored text escaped — and, in a real browser with the network off, it asks for nothing
but itself, logs no error, fits a phone's width, and shows the checkpoint's own figures.

Screenshots at 1280 and 390 pixels wide are written under the test's folder."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from campaign import write_html
from campaign.report.html import render
from campaign.report.words import money, pct
from tests.report import browser
from tests.report.browser import opened

if TYPE_CHECKING:
    from pathlib import Path

    from campaign.report.model import Report


def test_the_same_report_gives_the_same_bytes(reference_report: Report, tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_html(reference_report, first)
    write_html(reference_report, second)
    assert first.read_bytes() == second.read_bytes()


def test_the_page_is_chinese_self_contained_and_fetches_nothing(reference_report: Report) -> None:
    page = render(reference_report)
    assert page.startswith("<!doctype html>") and '<html lang="zh-CN">' in page
    assert "default-src 'none'" in page  # the page's policy: nothing from anywhere
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert re.search(r"""(src|href)=["'](?!#|data:)""", page) is None
    assert "url(http" not in page
    for heading in ("一、总体情况", "二、“四率”完成情况", "五、项目排名", "八、要素保障情况"):
        assert heading in page


def test_the_charts_are_svg_with_their_text_as_text(reference_report: Report) -> None:
    page = render(reference_report)
    assert page.count("<svg ") == 5
    assert "<image" not in page and "base64" not in page  # no picture of text
    assert ">序时进度<" in page and ">区工信局<" in page  # chart labels are text
    ids = Counter(re.findall(r' id="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []  # one id space for all the charts
    assert "dc:date" not in page  # no date: the same bytes tomorrow


def test_the_summary_says_the_headline_figures_as_the_tables_show_them(
    reference_report: Report,
) -> None:
    page = render(reference_report)
    summary = re.search(r'<p class="lead" id="summary-text">(.*?)</p>', page, re.S)
    assert summary is not None
    text = summary.group(1)
    zone = reference_report.zone
    assert text.startswith("截至6月30日，全区在列重点项目53个（另有1个已终止）")
    assert f"累计完成投资{money(zone['ytd_investment'])}" in text  # 50.80亿元
    assert "占年度计划的52.65%，超序时进度2.65个百分点，实现“双过半”" in text
    assert "双过半：已实现 — 完成年度计划 52.65%，超序时进度 2.65 个百分点" in page
    assert pct(zone["investment_rate"]) == "52.65%" and money(zone["ytd_investment"]) == "50.80亿元"


def test_the_ranking_shows_the_change_since_the_previous_checkpoint(
    reference_report: Report,
) -> None:
    page = render(reference_report)
    assert "较上期调度节点（5月31日）" in page
    assert '<td class="c up">↑1</td><td class="code">ZZ-053</td>' in page
    assert '<td class="c down">↓4</td><td class="code">ZZ-005</td>' in page


def test_the_lagging_reasons_are_chinese_words_with_the_tables_figures(
    reference_report: Report,
) -> None:
    page = render(reference_report)
    assert "投资完成38.11%，为序时进度的76.22%（低于80%）" in page
    assert "开工逾期62天（计划2020-04-29）" in page
    assert "要素ZZ-033-20200529-power（用电）逾期11个工作日" in page
    assert "spi" not in page.split("<main>")[1].split("<footer")[0].lower()


def test_the_receipt_is_the_footer_and_says_the_head_is_unsigned(
    reference_report: Report,
) -> None:
    page = render(reference_report)
    footer = page.split('<footer class="receipt" id="receipt">')[1]
    receipt = reference_report.receipt
    for shown in (str(receipt["position"]), receipt["digest"], receipt["state_hash"]):
        assert shown in footer
    assert '<td id="signed-head">未签名（unsigned）</td>' in footer


def test_every_stored_text_is_escaped_and_shown_printable(reference_report: Report) -> None:
    hostile = '<script>alert("x")</script>&\x1b[31m红\u202e$a^2$ id="x"'
    page = render(_renamed(reference_report, "ZZ-005", "区工信局", hostile))
    chart = page.split('id="figure-units"')[1].split("</figure>")[0]
    assert 'id="x"' in chart and 'id="units-x"' not in chart  # a label is text, not markup
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;" in page
    assert "\x1b" not in page and "\u202e" not in page
    assert "\\x1b[31m红\\u202e" in page  # shown as the escapes, never acted on
    assert page.count("$a^2$") >= 3  # ranking, lagging list, chart: a dollar is a dollar


def _renamed(report: Report, code: str, unit: str, name: str) -> Report:
    """The report with project `code` and unit `unit` renamed to `name`: what a log written
    before today's text rules may hold (the rules refuse such text now), so that what is
    tested is the page's own escaping."""
    document = copy.deepcopy(report.document)
    for row in [*document["projects"], *document["lagging"]]:
        if row["code"] == code:
            row["name"] = name
    for row in document["units"]:
        if row["unit"] == unit:
            row["unit"] = name
    ranking = [{**row, "name": name} if row["code"] == code else row for row in report.ranking]
    return dataclasses.replace(report, document=document, ranking=ranking)


# ------------------------------------------------------------------------------ browser


def _figures(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def test_in_a_browser_the_page_asks_for_nothing_logs_no_error_and_shows_the_json_figures(
    reference_report: Report, reference_checkpoint: dict[str, Any], tmp_path: Path
) -> None:
    report = tmp_path / "通报-0630.html"
    write_html(reference_report, report)
    with opened(report, tmp_path / "profile", width=1280) as visit:
        page = visit.page
        page.screenshot(path=str(tmp_path / "report-1280.png"), full_page=True)
        shown = page.eval_on_selector_all(
            "[data-figure]", "els => els.map(e => [e.dataset.figure, e.dataset.value, e.innerText])"
        )
        headline = page.inner_text("#headline")
        width_1280 = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(tmp_path / "report-390.png"), full_page=True)
        width_390 = page.evaluate("document.documentElement.scrollWidth")
        charts = page.eval_on_selector_all(
            "figure svg", "els => els.map(e => e.getBoundingClientRect().width)"
        )
        requests, errors = list(visit.requests), list(visit.errors)
    assert requests == [report.resolve().as_uri()]
    assert errors == []
    assert (width_1280, width_390) == (1280, 390)  # tables scroll inside the page, not the page
    assert len(charts) == 5 and all(0 < w <= 390 for w in charts)
    assert (tmp_path / "report-1280.png").stat().st_size > 0
    assert (tmp_path / "report-390.png").stat().st_size > 0
    assert headline == "双过半：已实现 — 完成年度计划 52.65%，超序时进度 2.65 个百分点"
    paths = {path for path, _, _ in shown}
    assert {
        "as_of",
        "time_progress",
        "zone.projects",
        "zone.annual_plan",
        "zone.ytd_investment",
        "zone.investment_rate",
        "zone.gap_pp",
        "zone.double_half",
        "zone.fulfilment_rate",
        "zone.funds_rate",
        "zone.start_rate",
        "zone.commissioning_rate",
        "zone.lights.red",
        "factors.closure_rate",
        "receipt.state_hash",
    } <= paths
    for path, value, text in shown:
        expected = _figures(reference_checkpoint, path)
        assert json.loads(value) == expected, path
        assert text.strip(), path
    by_path = {path: text for path, _, text in shown}
    assert by_path["zone.ytd_investment"] == "508,016.66"
    assert by_path["zone.investment_rate"] == "52.65%"
    assert by_path["zone.gap_pp"] == "+2.65"
    assert by_path["zone.double_half"] == "已实现"


def test_printed_the_page_is_a4_with_a_page_per_section(
    reference_report: Report, tmp_path: Path
) -> None:
    report = tmp_path / "通报.html"
    write_html(reference_report, report)
    with opened(report, tmp_path / "profile") as visit:
        visit.page.emulate_media(media="print")
        pdf = visit.page.pdf(format="A4", print_background=True)
        breaks = visit.page.eval_on_selector_all(
            "main > section", "els => els.map(e => getComputedStyle(e).breakBefore)"
        )
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= len(breaks) == 8
    assert breaks[0] == "auto" and set(breaks[1:]) == {"page"}


def test_without_chromium_the_browser_test_fails_and_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr("tests.report.browser.shutil.which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match=r"make test.*apt-get install -y chromium"):
        browser.chromium()
