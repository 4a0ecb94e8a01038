"""The HTML report: charts a manager can read, a page that fits a phone and a desktop.

The layout itself (nothing wider than a 400 px or 1280 px window) is measured in
a real browser by ``scripts/check-html-report.sh``; these tests check the page's
markup and the charts' axes, units and ticks.
"""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from importlib import resources

import attrs
import pendulum
import pytest

from servicemodel import samples
from servicemodel.model import Assessment, assess, load_model

NS = "{http://www.w3.org/2000/svg}"
START = pendulum.datetime(2024, 1, 1, tz="Europe/London")
AS_OF = pendulum.datetime(2024, 1, 16, tz="Europe/London")


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    text = resources.files("servicemodel.samples").joinpath("sample_model.toml").read_text()
    model = load_model(text)
    data = list(samples.generate(5_000, seed=7, start=START))
    return assess(model, data, as_of=AS_OF, period="week")


@pytest.fixture(scope="module")
def page(assessment: Assessment) -> str:
    return assessment.to_html()


def figures(page: str) -> list[tuple[str, ET.Element]]:
    """Every chart as (its title, parsed SVG)."""
    charts = [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", page, re.S)]
    assert charts, "the report has no charts"
    return [(svg.findtext(f"{NS}title") or "", svg) for svg in charts]


def texts(svg: ET.Element, kind: str) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{NS}text") if t.get("class") == kind]


def number(tick: str) -> float:
    return float(tick.replace(",", "").rstrip("%"))


def test_the_page_fits_the_screen_it_is_opened_on(page: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "svg.chart{display:block;width:100%;height:auto}" in page
    for _, svg in figures(page):
        assert svg.get("width") is None
        assert svg.get("height") is None
    assert ".sm-report pre{white-space:pre-wrap;overflow-wrap:anywhere" in page
    # Wide tables scroll inside their own box instead of widening the page.
    assert page.count("<div class='scroll'><table>") == page.count("<table>")


def test_the_header_shows_the_instant_as_a_person_writes_it(page: str) -> None:
    assert "<p>As of Tuesday 16 January 2024, 00:00 (Europe/London); 5,000 interactions" in page
    assert "T00:00:00" not in page.split("<h2>")[0]


def test_every_chart_names_the_unit_of_both_axes(page: str) -> None:
    for caption, svg in figures(page):
        assert [u for u in texts(svg, "y-unit") if u.strip()], caption
        assert [x for x in texts(svg, "x-title") if x.strip()], caption


def test_value_ticks_step_by_one_two_or_five_and_read_as_plain_numbers(page: str) -> None:
    for caption, svg in figures(page):
        ticks = texts(svg, "y-tick")
        assert not [t for t in ticks if "e+" in t or "e-" in t], caption
        values = [number(t) for t in ticks]
        steps = {round(b - a, 9) for a, b in itertools.pairwise(values)}
        assert len(steps) == 1, (caption, ticks)
        step = steps.pop()
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 6) in (1.0, 2.0, 5.0), (caption, ticks)


def test_rates_are_per_cent_in_charts_as_in_tables(page: str) -> None:
    charts = dict(figures(page))
    csat = charts["csat by week, with 95% interval"]
    assert texts(csat, "y-unit") == ["per cent"]
    ticks = texts(csat, "y-tick")
    assert all(t.endswith("%") for t in ticks)
    assert max(number(t) for t in ticks) > 1  # 80%, not 0.8
    # the goal charts of rates too: 'csat, per cent', ticks like 85%, not 0.85
    goals = [svg for caption, svg in figures(page) if caption.startswith("Goal: Happier")]
    assert goals
    (goal,) = goals
    assert texts(goal, "y-unit") == ["csat, per cent"]
    goal_ticks = texts(goal, "y-tick")
    assert all(t.endswith("%") for t in goal_ticks)
    assert max(number(t) for t in goal_ticks) > 1


def test_the_sla_table_says_pending_as_the_text_and_json_do(page: str) -> None:
    assert "<th class='n'>pending</th>" in page
    assert "running</th>" not in page


def test_a_chart_promises_an_interval_only_when_it_draws_one(page: str) -> None:
    banded = 0
    for caption, svg in figures(page):
        bands = [p for p in svg.iter(f"{NS}polygon") if p.get("class") == "band"]
        assert ("95% interval" in caption) == bool(bands), caption
        banded += bool(bands)
    assert banded >= 3  # the rates all draw theirs


def test_durations_are_charted_in_minutes_or_hours_never_seconds(page: str) -> None:
    charts = dict(figures(page))
    first_reply = charts["median first_reply_time by week"]
    assert texts(first_reply, "y-unit")[0] in ("minutes", "hours")
    goal = charts["Goal: Faster first replies — observed vs expected path to the target"]
    assert texts(goal, "y-unit") == ["first_reply_time, minutes"]
    assert min(number(t) for t in texts(goal, "y-tick")) >= 0  # no -125 below the data


def test_goal_and_trend_charts_put_a_week_on_the_same_day(
    page: str, assessment: Assessment
) -> None:
    charts = figures(page)
    trend = next(texts(svg, "x-tick") for caption, svg in charts if caption.startswith("csat by"))
    goals = [texts(svg, "x-tick") for caption, svg in charts if caption.startswith("Goal:")]
    assert goals
    assert trend == ["1 Jan", "8 Jan", "15 Jan"]  # Mondays, the report's week start
    for labels in goals:
        assert set(labels) <= set(trend)
    for _, svg in charts:
        assert texts(svg, "x-title") == ["week starting (Monday), 2024"]


def test_a_lone_surrogate_in_the_data_does_not_break_the_page() -> None:
    text = resources.files("servicemodel.samples").joinpath("sample_model.toml").read_text()
    model = load_model(text)
    data = [
        attrs.evolve(i, tags=frozenset({"theme:bill\udc00ing"}))
        for i in samples.generate(300, seed=1, start=START)
    ]
    page = assess(model, data, as_of=AS_OF, period="week").to_html()
    assert "theme:bill\\udc00ing" in page
    page.encode("utf-8")  # writable as it is


def test_each_finding_on_the_page_says_why_it_was_flagged_and_what_next(
    assessment: Assessment, page: str
) -> None:
    assert assessment.findings
    listed = page.split("<h2>What needs attention most</h2>", 1)[1].split("</ol>", 1)[0]
    assert listed.count("<li>") == len(assessment.findings)
    assert listed.count("why flagged: ") == len(assessment.findings)
    assert listed.count("next: ") == len(assessment.findings)
