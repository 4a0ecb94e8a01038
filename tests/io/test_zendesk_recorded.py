"""Reading what Zendesk and dbt_zendesk recorded about SLAs (io.zendesk._recorded)."""

from __future__ import annotations

import io
import json
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel import Priority
from servicemodel.exceptions import RecordError
from servicemodel.io.zendesk import read_recorded_sla, read_ticket_metric_events
from servicemodel.sla import Metric
from zendesk_demo import SLA_POLICIES


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(year, month, day, hour, minute, tz="UTC")


def test_every_row_of_the_dbt_table_is_read_into_the_field_that_names_its_instant() -> None:
    rows = list(read_recorded_sla(SLA_POLICIES))
    assert len(rows) == 22
    by_key = {(r.interaction_id, r.metric, r.started_at): r for r in rows}
    breached = by_key[("102", Metric.FIRST_REPLY, utc(2025, 6, 6, 20, 30))]
    assert (breached.breached, breached.breached_at, breached.fulfilled_at) == (
        True,
        utc(2025, 6, 9, 13, 30),
        None,
    )
    assert breached.elapsed == pendulum.duration(minutes=105)
    assert (breached.policy, breached.priority, breached.business_hours) == (
        "Standard SLA",
        Priority.NORMAL,
        True,
    )
    met_reply = by_key[("104", Metric.NEXT_REPLY, utc(2025, 6, 10, 12))]
    assert (met_reply.breached, met_reply.fulfilled_at, met_reply.due_at) == (
        False,
        utc(2025, 6, 10, 13),
        None,
    )
    met_work = by_key[("110", Metric.AGENT_WORK, utc(2025, 6, 23, 10))]
    assert (met_work.fulfilled_at, met_work.due_at) == (None, utc(2025, 6, 24, 17))
    capped = by_key[("112", Metric.FIRST_REPLY, utc(2025, 9, 2, 14))]
    assert capped.elapsed == pendulum.duration(minutes=265725, seconds=27)
    assert capped.priority is Priority.HIGH
    assert by_key[("113", Metric.FIRST_REPLY, utc(2025, 6, 28, 12))].elapsed == pendulum.duration()
    assert {r.source for r in rows} == {"dbt_zendesk"}


HEADER = (
    "ticket_id,sla_policy_name,metric,sla_applied_at,target,in_business_hours,"
    "priority_applied,sla_breach_at,sla_elapsed_time,is_active_sla,is_sla_breach"
)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1,S,first_reply_time,2025-06-02,60,maybe,normal,,1,false,false", "'in_business_hours'"),
        ("1,S,first_reply_time,yesterday,60,true,normal,,1,false,false", "'sla_applied_at'"),
        ("1,S,first_reply_time,2025-06-02,-5,true,normal,,1,false,false", "'target'"),
        ("1,S,first_reply_time,2025-06-02,60,true,critical,,1,false,false", "'priority_applied'"),
        ("1,S,first_reply_time,2025-06-02,60,true", "must have 11 cells"),
        ("1,S,first_reply_time,2025-06-02,60,true,normal,,NaN,false,false", "'sla_elapsed_time'"),
    ],
)
def test_a_bad_dbt_row_names_its_line_and_column(row: str, message: str) -> None:
    table = io.StringIO(f"{HEADER}\n{row}\n")
    with pytest.raises(RecordError, match=message) as caught:
        list(read_recorded_sla(table))
    assert caught.value.line == 2


def test_an_active_dbt_row_keeps_its_predicted_breach_as_due_at_and_medium_is_normal() -> None:
    table = io.StringIO(
        f"{HEADER}\n7,S,requester_wait_time,2025-06-02 11:00:00+00,60,false,medium,"
        "2025-06-02 12:00:00,,true,\n"
    )
    [row] = read_recorded_sla(table)
    assert (row.breached, row.due_at, row.elapsed, row.priority) == (
        None,
        utc(2025, 6, 2, 12),
        None,
        Priority.NORMAL,
    )


def test_a_table_without_the_dbt_columns_is_refused_with_what_is_missing() -> None:
    with pytest.raises(RecordError, match="lacks the column\\(s\\) sla_policy_name") as caught:
        list(read_recorded_sla(io.StringIO("ticket_id,metric\n1,first_reply_time\n")))
    assert caught.value.line == 1


def event(kind: str, at: str, metric: str = "reply_time", instance: int = 1, **more: Any) -> Any:
    return {
        "id": hash((kind, at, metric, instance)) & 0xFFFF,
        "ticket_id": 7,
        "metric": metric,
        "instance_id": instance,
        "type": kind,
        "time": at,
        **more,
    }


def sla(target: int, business: bool = True) -> dict[str, Any]:
    return {"sla": {"target": target, "business_hours": business, "policy": {"title": "Gold"}}}


def read(events: list[Any], **options: Any) -> list[Any]:
    page = json.dumps({"ticket_metric_events": events, "count": len(events)})
    return list(read_ticket_metric_events(io.StringIO(page), **options))


def test_metric_events_fold_into_one_row_per_instance_with_a_target() -> None:
    rows = read(
        [
            event("activate", "2025-06-02T11:00:00Z"),
            event("apply_sla", "2025-06-02T11:00:00Z", **sla(60)),
            event("breach", "2025-06-02T14:00:00Z"),
            event("fulfill", "2025-06-02T13:40:00Z"),
            event(
                "update_status", "2025-06-02T13:40:00Z", status={"business": 40, "calendar": 160}
            ),
            event("activate", "2025-06-02T15:00:00Z", instance=2),
            event("apply_sla", "2025-06-02T15:00:00Z", instance=2, **sla(30, business=False)),
            event("breach", "2025-06-02T15:30:00Z", instance=2),
            event("activate", "2025-06-02T11:00:00Z", metric="agent_work_time"),
            event("activate", "2025-06-02T11:00:00Z", metric="pausable_update_time"),
            event("apply_sla", "2025-06-02T11:00:00Z", metric="pausable_update_time", **sla(5)),
            event("breach", "2025-06-02T11:00:00Z", metric="resolution_time", deleted=True),
        ]
    )
    first, following = rows
    # the breach scheduled for 14:00 did not happen: the reply came at 13:40
    assert (first.metric, first.cycle, first.breached, first.fulfilled_at) == (
        Metric.FIRST_REPLY,
        0,
        False,
        utc(2025, 6, 2, 13, 40),
    )
    assert (first.elapsed, first.target, first.policy) == (
        pendulum.duration(minutes=40),
        pendulum.duration(minutes=60),
        "Gold",
    )
    assert (following.metric, following.cycle, following.breached, following.breached_at) == (
        Metric.NEXT_REPLY,
        0,
        True,
        utc(2025, 6, 2, 15, 30),
    )
    assert following.business_hours is False
    assert following.source == "zendesk"


_ORDERED = [
    {**e, "id": number}
    for number, e in enumerate(
        [
            event("activate", "2025-06-02T11:00:00Z"),
            event("apply_sla", "2025-06-02T11:00:00Z", **sla(60)),
            event("breach", "2025-06-02T12:00:00Z"),
            event("fulfill", "2025-06-02T13:40:00Z"),
            event("update_status", "2025-06-02T13:40:00Z", status={"business": 40, "calendar": 9}),
            event("apply_sla", "2025-06-02T11:00:00Z", metric="resolution_time", **sla(600)),
            event("fulfill", "2025-06-02T12:00:00Z", metric="resolution_time"),
            event("activate", "2025-06-02T13:00:00Z", metric="resolution_time"),
            event("fulfill", "2025-06-02T13:00:00Z", metric="agent_work_time"),
            event("apply_sla", "2025-06-02T11:00:00Z", metric="agent_work_time", **sla(90)),
        ],
        start=1,
    )
]


@given(st.permutations(_ORDERED))
def test_events_in_any_file_order_fold_by_time_into_the_same_rows(
    shuffled: list[dict[str, Any]],
) -> None:
    """Issue 15 (1.3): events are folded by (time, id), not in the file's order."""

    def key(row: Any) -> tuple[str, str, int]:
        return (row.interaction_id, row.metric.value, row.cycle)

    expected = sorted(read(_ORDERED), key=key)
    assert sorted(read(shuffled), key=key) == expected
    assert [r.breached for r in expected] == [False, True, None]


def test_a_breach_after_the_export_is_the_running_clocks_due_time() -> None:
    events = [
        event("apply_sla", "2025-06-02T11:00:00Z", **sla(60)),
        event("breach", "2025-06-02T12:00:00Z"),
    ]
    [running] = read(events, as_of=utc(2025, 6, 2, 11, 30))
    assert (running.breached, running.breached_at, running.due_at) == (
        None,
        None,
        utc(2025, 6, 2, 12),
    )
    [late] = read(events)
    assert (late.breached, late.breached_at) == (True, utc(2025, 6, 2, 12))


def test_a_reopen_activates_a_fulfilled_clock_again() -> None:
    [row] = read(
        [
            event("apply_sla", "2025-06-02T11:00:00Z", metric="resolution_time", **sla(600)),
            event("fulfill", "2025-06-02T12:00:00Z", metric="resolution_time"),
            event("activate", "2025-06-02T13:00:00Z", metric="resolution_time"),
        ]
    )
    assert (row.metric, row.breached, row.fulfilled_at, row.started_at) == (
        Metric.RESOLUTION,
        None,
        None,
        utc(2025, 6, 2, 11),
    )


def test_json_lines_and_bad_events_name_their_line() -> None:
    lines = "\n".join(
        [
            json.dumps(event("apply_sla", "2025-06-02T11:00:00Z", **sla(60))),
            json.dumps(event("fulfill", "2025-06-02T11:20:00Z")),
        ]
    )
    [row] = read_ticket_metric_events(io.StringIO(lines))
    assert row.fulfilled_at == utc(2025, 6, 2, 11, 20)
    bad = lines + "\n" + json.dumps(event("explode", "2025-06-02T11:20:00Z"))
    with pytest.raises(RecordError, match="line 3: 'type' must be one of") as caught:
        list(read_ticket_metric_events(io.StringIO(bad)))
    assert caught.value.field == "type"
    with pytest.raises(RecordError, match="line 3: the record must be valid JSON"):
        list(read_ticket_metric_events(io.StringIO(lines + "\n{oops")))
    unknown = json.dumps(event("activate", "2025-06-02T11:00:00Z", metric="happiness"))
    with pytest.raises(RecordError, match="'metric' must be one of agent_work_time"):
        list(read_ticket_metric_events(io.StringIO(unknown)))
