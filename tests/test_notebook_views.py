"""What a notebook shows: short reprs, HTML views, and DataFrames with dates and durations."""

from __future__ import annotations

import pandas as pd
import pendulum
import pytest

from servicemodel import Interaction, Message, StatusChange, samples
from servicemodel.kpi import report
from servicemodel.model import Assessment, ServiceModel, assess

START = pendulum.datetime(2024, 1, 1, tz="Europe/London")


@pytest.fixture(scope="module")
def data() -> list[Interaction]:
    return list(samples.generate(400, seed=2, start=START))


@pytest.fixture(scope="module")
def assessment(data: list[Interaction]) -> Assessment:
    model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat", "phone"])
    return assess(model, data, as_of=pendulum.datetime(2024, 1, 20, tz="Europe/London"))


def test_an_interactions_repr_is_one_short_line(data: list[Interaction]) -> None:
    longest = max(data, key=lambda i: len(i.events))
    assert len(longest.events) >= 5
    text = repr(longest)
    assert len(text) < 150
    assert "\n" not in text
    assert text.startswith(f"<Interaction {longest.id}: {longest.channel.value} ")
    assert text.endswith(f", {len(longest.events)} events>")


def test_an_interactions_html_view_lists_its_events_escaped() -> None:
    t = pendulum.datetime(2024, 6, 10, 9)
    interaction = Interaction(
        id="<T&1>",
        customer_id="C",
        channel="chat",
        created_at=t,
        events=[
            Message(at=t, author="customer"),
            StatusChange(at=t.add(minutes=5), status="open"),
        ],
    )
    page = interaction._repr_html_()
    assert "<strong>Interaction &lt;T&amp;1&gt;</strong>" in page
    assert page.count("<tr><td>") == 2
    assert "<td>StatusChange</td><td>status open</td>" in page
    assert "now open" in page


def test_an_assessments_html_view_is_the_report_without_a_page_around_it(
    assessment: Assessment,
) -> None:
    view = assessment._repr_html_()
    assert view.startswith('<div class="sm-report">')
    assert "<html" not in view
    assert "<svg" in view
    assert view in assessment.to_html()  # the same report as the page


def test_an_assessments_dataframe_has_dates_and_durations(assessment: Assessment) -> None:
    frame = assessment.to_pandas()
    assert pd.api.types.is_datetime64_any_dtype(frame["period"])
    assert pd.api.types.is_timedelta64_dtype(frame["first_reply_time_median"])
    assert len(frame) == len(assessment.kpis.rows) + len(assessment.overall.rows)
    overall = frame[frame["channel"] == "all"]
    assert len(overall) == len(assessment.overall.rows)
    first = assessment.overall.rows[0]
    assert overall["period"].iloc[0] == pd.Timestamp(str(first.period))
    median = first.cell("first_reply_time").result.median  # type: ignore[union-attr]
    assert overall["first_reply_time_median"].iloc[0] == pd.Timedelta(median)


def test_a_reports_dataframe_has_dates_and_durations(data: list[Interaction]) -> None:
    table = report(data, metrics=["csat", "first_reply_time"], by=["channel"], period="week")
    frame = table.to_pandas()
    assert pd.api.types.is_datetime64_any_dtype(frame["period"])
    for column in ("first_reply_time_mean", "first_reply_time_median", "first_reply_time_p90"):
        assert pd.api.types.is_timedelta64_dtype(frame[column]), column
    for value, row in zip(frame["first_reply_time_median"], table.rows, strict=True):
        result = row.cell("first_reply_time").result
        if result is None:
            assert pd.isna(value)
        else:  # exactly the report's median, to the microsecond
            assert value == pd.Timedelta(result.median)  # type: ignore[union-attr]
    assert frame["period"].iloc[0] == pd.Timestamp(str(table.rows[0].period))
    assert frame["csat"].dtype.kind == "f"  # rates stay numbers
