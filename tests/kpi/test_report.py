"""Reports: partitions merge to the whole, the batch feed equals the item feed, exports."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import kpi_strategies as ks

from servicemodel import Interaction, NpsResponse, SatisfactionResponse
from servicemodel.exceptions import ValidationError
from servicemodel.kpi import (
    Fcr,
    FirstReplyTime,
    ReportState,
    interaction_columns,
    report,
)

nps_responses = st.builds(
    lambda minutes, score, channel: NpsResponse(
        customer_id="C1", at=ks.BASE.add(minutes=minutes), score=score, channel=channel
    ),
    st.integers(0, 60 * 24 * 40),
    st.integers(0, 10),
    st.sampled_from(ks.CHANNELS),
)
ITEMS = st.lists(st.one_of(ks.interactions(), nps_responses), max_size=14)
METRICS: list[Any] = [
    "csat",
    "nps",
    FirstReplyTime.empty(exact_limit=3),
    "fcr",
    "channel_mix",
    "reopen_rate",
    "repeat_contact_rate",
    "resolution_time",
]


@settings(max_examples=30)
@given(ITEMS, st.lists(st.integers(0, 14), max_size=3), st.permutations(range(4)))
def test_report_over_any_partition_equals_report_over_the_whole(
    items: list[Any], cuts: list[int], order: list[int]
) -> None:
    spec: dict[str, Any] = {
        "metrics": METRICS,
        "by": ["channel"],
        "period": "week",
        "timezone": "Europe/London",
    }
    whole = ReportState(**spec)
    whole.add_many(items)
    bounds = [0, *sorted(min(c, len(items)) for c in cuts), len(items)]
    parts = []
    for begin, end in itertools.pairwise(bounds):
        part = ReportState(**spec)
        part.add_many(items[begin:end])
        parts.append(part)
    parts = [parts[i] for i in order if i < len(parts)] + parts[len(order) :]
    merged = ReportState(**spec)
    for part in parts:
        merged = merged.merge(part)
    assert merged.result() == whole.result()


@settings(max_examples=15)
@given(ITEMS)
def test_a_state_rolled_up_equals_the_state_grouped_so_from_the_start(items: list[Any]) -> None:
    spec: dict[str, Any] = {"metrics": METRICS, "period": "week", "timezone": "Europe/London"}
    fine = ReportState(by=["channel", "priority"], **spec)
    fine.add_many(items)
    for by in ([], ["priority"], ["priority", "channel"]):
        coarse = ReportState(by=by, **spec)
        coarse.add_many(items)
        assert fine.rolled_up(by).result() == coarse.result()
    with pytest.raises(ValidationError, match="'by' must name dimensions this state is grouped"):
        fine.rolled_up(["kind"])


@pytest.mark.parametrize(
    ("by", "message"),
    [
        (5, r"'by' must name dimensions this state is grouped by, \['channel'\] \(got 5\)"),
        (None, r"'by' must name dimensions .* \(got None\)"),
        ("channel", r"'by' must name dimensions .* \(got 'channel'\)"),
        (["channel", "channel"], r"'by' must not repeat a dimension \(got 'channel' twice\)"),
    ],
)
def test_rolled_up_refuses_what_is_not_a_collection_of_its_dimensions(
    by: Any, message: str
) -> None:
    state = ReportState(metrics=["csat"], by=["channel"])
    with pytest.raises(ValidationError, match=message):
        state.rolled_up(by)


BATCH_METRICS: list[Any] = [
    "csat",
    FirstReplyTime.empty(exact_limit=2, percentiles=[0.5, 0.9]),
    "reopen_rate",
    "channel_mix",
    Fcr.empty(variant="no_customer_follow_up"),
    "handle_time",
]


@settings(max_examples=30)
@given(st.lists(ks.interactions(), max_size=14), st.sampled_from(["day", "week", "month"]))
def test_dataframe_report_equals_item_report(items: list[Interaction], period: str) -> None:
    spec: dict[str, Any] = {"by": ["channel"], "period": period, "timezone": "America/New_York"}
    from_items = report(items, metrics=BATCH_METRICS, **spec)
    from_columns = report(interaction_columns(items), metrics=BATCH_METRICS, **spec)
    assert from_columns == from_items


def test_pandas_dataframe_with_aware_columns_and_a_column_mapping() -> None:
    import pandas as pd

    t = pendulum.datetime(2024, 3, 31, 0, 30, tz="Europe/London")  # DST starts at 01:00
    items = [
        Interaction(
            id=str(i),
            customer_id="C",
            channel=ch,
            created_at=t.add(hours=h),
            events=[SatisfactionResponse(at=t.add(hours=h), score=s)],
        )
        for i, (ch, h, s) in enumerate([("chat", 0, 5), ("chat", 24, 1), ("email", 1, 4)])
    ]
    cols = interaction_columns(items)
    frame = pd.DataFrame(
        {
            "opened": pd.to_datetime(cols["created_at"])
            .tz_localize("UTC")
            .tz_convert("Asia/Tokyo"),
            "rating": pd.array([5, 1, None][: len(items)], dtype="Int64"),
            "via": cols["channel"],
        }
    )
    table = report(
        frame,
        metrics=["csat"],
        by=["channel"],
        period="week",
        timezone="Europe/London",
        columns={"created_at": "opened", "csat": "rating", "channel": "via"},
    )
    records = table.to_records()
    assert [(r["channel"], r["period"], r["csat"], r["csat_n"]) for r in records] == [
        ("chat", "2024-03-25", 1.0, 1),  # Sunday 31 March, still the week of Monday 25th
        ("chat", "2024-04-01", 0.0, 1),
        ("email", "2024-03-25", None, 0),  # no rating: a missing cell with n = 0
    ]


def test_week_boundaries_follow_the_report_timezone() -> None:
    sunday_late = pendulum.datetime(2024, 6, 9, 23, 30, tz="Europe/London")
    monday_early = pendulum.datetime(2024, 6, 10, 0, 30, tz="Europe/London")
    items = [
        Interaction(id=str(i), customer_id="C", channel="chat", created_at=t)
        for i, t in enumerate([sunday_late, monday_early])
    ]
    london = report(items, metrics=["channel_mix"], period="week", timezone="Europe/London")
    assert [str(r.period) for r in london.rows] == ["2024-06-03", "2024-06-10"]
    utc = report(items, metrics=["channel_mix"], period="week", timezone="UTC")
    assert [str(r.period) for r in utc.rows] == ["2024-06-03"]
    month = report(items, metrics=["channel_mix"], period="month", timezone="Pacific/Auckland")
    assert [str(r.period) for r in month.rows] == ["2024-06-01"]


def test_to_pandas_html_and_plot() -> None:
    import matplotlib

    matplotlib.use("Agg")
    t = pendulum.datetime(2024, 6, 3, 9)
    items = [
        Interaction(
            id=str(i),
            customer_id="C",
            channel=ch,
            created_at=t.add(weeks=w),
            events=[SatisfactionResponse(at=t.add(weeks=w), score=s)],
        )
        for i, (ch, w, s) in enumerate(
            [("chat", 0, 5), ("chat", 0, 2), ("chat", 1, 4), ("email", 1, 1), ("email", 2, 5)]
        )
    ]
    table = report(items, metrics=["csat", "first_reply_time"], by=["channel"], period="week")
    frame = table.to_pandas()
    assert list(frame["channel"]) == ["chat", "chat", "email", "email"]
    assert list(frame["csat"]) == [0.5, 1.0, 0.0, 1.0]
    assert frame["first_reply_time_n"].tolist() == [0, 0, 0, 0]
    page = table._repr_html_()
    assert "<table>" in page
    assert "50.0%" in page
    assert "— (n = 0)" in page
    ax = table.plot("csat")
    assert len(ax.lines) == 2  # a line per channel
    assert len(ax.collections) == 2  # and its interval band
    with pytest.raises(ValidationError, match="'metric' must be one of"):
        table.plot("nps")


def test_bad_report_requests_are_refused() -> None:
    with pytest.raises(ValidationError, match="'metrics' must hold KPI names"):
        report([], metrics=["happiness"])
    with pytest.raises(ValidationError, match="'metrics' entry 'retention' needs options"):
        report([], metrics=["retention"])
    with pytest.raises(ValidationError, match="'period' must be one of"):
        report([], metrics=["csat"], period="fortnight")
    with pytest.raises(ValidationError, match="'timezone' must be an IANA zone"):
        report([], metrics=["csat"], timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="'by' must name dimensions"):
        report([5], metrics=["csat"], by=["colour"])
    with pytest.raises(ValidationError, match="'item' must carry a time"):
        report([5], metrics=["csat"], period="week")
    cols = {"csat": np.array([5.0])}
    with pytest.raises(ValidationError, match=r"'columns' must include \['created_at'\]"):
        report(cols, metrics=["csat"], period="week")
    with pytest.raises(ValidationError, match="next_reply_time needs whole interactions"):
        report(cols, metrics=["next_reply_time"])
    with pytest.raises(ValidationError, match="'metrics' must not repeat"):
        report([], metrics=["csat", "csat"])


def test_report_state_pickles_and_refuses_foreign_merges() -> None:
    import pickle

    state = ReportState(metrics=["csat"], by=["channel"], period="day")
    state.add(
        Interaction(
            id="1",
            customer_id="C",
            channel="chat",
            created_at=dt.datetime(2024, 6, 3, tzinfo=dt.UTC),
        )
    )
    assert pickle.loads(pickle.dumps(state)).result() == state.result()
    with pytest.raises(ValidationError, match="'other' must be a report state with the same"):
        state.merge(ReportState(metrics=["nps"], by=["channel"], period="day"))


@settings(max_examples=20)
@given(ITEMS)
def test_two_tables_feeding_one_state_equal_the_mixed_item_stream(items: list[Any]) -> None:
    interactions = [i for i in items if isinstance(i, Interaction)]
    answers = [i for i in items if isinstance(i, NpsResponse)]
    spec: dict[str, Any] = {
        "metrics": ["csat", "nps", "channel_mix"],
        "by": ["channel"],
        "period": "week",
        "timezone": "Europe/London",
    }
    streamed = ReportState(**spec)
    streamed.add_many([*interactions, *answers])
    batched = ReportState(**spec)
    batched.add_batch(interaction_columns(interactions), only=["csat", "channel_mix"])
    table = {
        "answered_at": np.array([ks_micros(a.at) for a in answers], dtype=np.int64),
        "nps": np.array([float(a.score) for a in answers]),
        "channel": np.array(
            [None if a.channel is None else a.channel.value for a in answers], dtype=object
        ),
    }
    batched.add_batch(table, time="answered_at", only=["nps"])
    assert batched.result() == streamed.result()
    with pytest.raises(ValidationError, match="'only' must name metrics of this report"):
        batched.add_batch(table, only=["ces"])


def ks_micros(at: Any) -> int:
    from servicemodel._time import to_micros

    return to_micros(at)


def test_a_refused_batch_leaves_every_cell_of_the_report_state_unchanged() -> None:
    week = np.array(["2024-06-10T09:00", "2024-06-18T09:00"], dtype="datetime64[us]")
    spec: dict[str, Any] = {"metrics": ["csat", "nps"], "by": ["channel"], "period": "week"}
    state = ReportState(**spec)
    good = {"created_at": week, "csat": np.array([5.0, 2.0]), "channel": np.array(["a", "b"])}
    state.add_batch(good, only=["csat"])
    before = state.result()
    bad = {"created_at": week, "csat": np.array([4.0, 9.0]), "channel": np.array(["a", "c"])}
    with pytest.raises(
        ValidationError, match=r"'csat\[1\]' must be an integer from 1 to 5 \(got 9\)"
    ):
        state.add_batch(bad, only=["csat"])
    assert state.result() == before
    state.add_batch(good, only=["csat"])  # the same cells again: counts add up
    assert [r.cell("csat").n for r in state.result().rows] == [2, 2]
    assert [r.cell("nps").n for r in state.result().rows] == [0, 0]


def test_a_streamed_cell_keeps_a_bounded_state_past_its_exact_sample_cap() -> None:
    import pickle

    from servicemodel import Message

    t = pendulum.datetime(2024, 6, 10, 9, tz="UTC")

    def state_after(count: int) -> tuple[int, Any]:
        state = ReportState(
            metrics=[FirstReplyTime.empty(exact_limit=50)], by=["channel"], period="week"
        )
        for i in range(count):
            reply = Message(at=t.add(minutes=1 + i % 20), author="agent")
            state.add(
                Interaction(
                    id=str(i), customer_id="C", channel="chat", created_at=t, events=[reply]
                )
            )
        return len(pickle.dumps(state)), state.result().rows[0].cell("first_reply_time").result

    small, below = state_after(50)
    large, above = state_after(2_000)
    assert (below.estimate, below.count) == ("exact", 50)
    assert (above.estimate, above.count) == ("sketch", 2_000)
    # Past the cap only the sketch's bucket counts grow (in digits), not the stored values.
    assert large < small + 64


def test_a_categorical_dimension_groups_as_its_text_does() -> None:
    import pandas as pd

    when = pd.to_datetime(["2024-06-10", "2024-06-11", "2024-06-18", "2024-06-19"], utc=True)
    labels = ["chat", None, "chat", "email"]
    text = pd.DataFrame({"created_at": when, "csat": [5.0, 1.0, 4.0, 2.0], "channel": labels})
    categorical = text.assign(
        channel=pd.Categorical(labels, categories=["phone", "email", "chat"])  # one unused
    )
    spec: dict[str, Any] = {"metrics": ["csat"], "by": ["channel"], "period": "week"}
    expected = report(text, **spec)
    assert report(categorical, **spec) == expected
    assert [(r.group, str(r.period)) for r in expected.rows] == [
        (("chat",), "2024-06-10"),
        (("chat",), "2024-06-17"),
        (("email",), "2024-06-17"),
        ((None,), "2024-06-10"),
    ]


@settings(max_examples=30)
@given(items=ITEMS)
def test_a_report_builds_its_rows_on_first_read_equal_to_rows_given_whole(items: list[Any]) -> None:
    import pickle

    from servicemodel.kpi import Report

    state = ReportState(metrics=METRICS, by=["channel"], period="week", timezone="Europe/London")
    state.add_many(items)
    lazy = state.result()
    eager = Report(
        metrics=lazy.metrics,
        by=lazy.by,
        period=lazy.period,
        timezone=lazy.timezone,
        rows=list(state.result().rows),  # any sequence of rows: kept as a tuple
    )
    assert type(eager.rows) is tuple
    assert lazy == eager
    assert eager == lazy
    assert hash(lazy) == hash(eager)
    assert repr(lazy) == repr(eager)
    assert len(lazy.rows) == len(eager.rows)
    assert list(lazy.rows) == list(eager.rows)
    assert lazy.rows[:1] == eager.rows[:1]
    assert pickle.loads(pickle.dumps(lazy)) == eager
    assert lazy.to_records() == eager.to_records()
    different = state.result()
    state.add(NpsResponse(customer_id="C1", at=ks.BASE, score=10, channel="chat"))
    assert state.result() != different  # a new cell or a new count: the rows differ


@settings(max_examples=40)
@given(
    data=st.data(),
    zone_name=st.sampled_from(
        ["Europe/London", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]
    ),
    period=st.sampled_from(["day", "week", "month"]),
    span_days=st.sampled_from([3, 400, 5_000, 40_000]),
)
def test_period_keys_of_a_batch_equal_each_instant_read_alone(
    data: st.DataObject, zone_name: str, period: str, span_days: int
) -> None:
    from servicemodel.kpi._clock import Clock, Period

    # Spans past 1,024 days with few rows take the sparse path, shorter ones the dense one.
    start = 1_262_304_000_000_000  # 2010-01-01 UTC, in microseconds
    micros = data.draw(
        st.lists(st.integers(start, start + span_days * 86_400_000_000), min_size=1, max_size=40)
    )
    batch = Clock(Period(period), zone_name).keys(np.array(micros, dtype=np.int64)).tolist()
    alone = [Clock(Period(period), zone_name).key(m) for m in micros]
    assert batch == alone


def test_a_reports_metrics_are_kpi_names_and_a_misspelt_one_is_refused() -> None:
    from servicemodel.kpi import Cell, KpiName, Report

    table = report([5, 4, 1], metrics=["csat"])
    assert table.metrics == (KpiName.CSAT,)
    assert table.rows[0].cells[0].metric is KpiName.CSAT
    assert table.rows[0].cell(KpiName.CSAT) == table.rows[0].cell("csat")
    assert table.to_records()[0]["csat_n"] == 3
    with pytest.raises(
        ValidationError, match=r"'metrics\[0\]' must be one of 'csat', .*\(got 'cast'\)"
    ):
        Report(metrics=("cast",), by=(), period=None, timezone="UTC", rows=())
    with pytest.raises(ValidationError, match=r"'metric' must be one of 'csat', .*\(got 'nsp'\)"):
        Cell(metric="nsp", result=None, n=0)
