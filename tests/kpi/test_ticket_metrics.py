"""Ticket metrics an analyst who knows Zendesk expects: status times, assignments, ratings, touches."""

from __future__ import annotations

import itertools
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel import (
    Assignment,
    Interaction,
    Message,
    SatisfactionResponse,
    Status,
    StatusChange,
)
from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.kpi import (
    AgentWaitTime,
    AgentWorkTime,
    Backlog,
    Better,
    Csat,
    DistinctAssignees,
    DistinctGroups,
    DurationStats,
    Fcr,
    FirstCsat,
    KpiName,
    KpiUnit,
    MultiTouchResolution,
    OnHoldTime,
    OpenAge,
    Reassignments,
    RequesterWaitTime,
    SatisfactionBadToGood,
    SatisfactionGoodToBad,
    TimeToFirstAssignment,
    TwoTouchResolution,
    UnassignedTime,
    catalogue,
    report,
)
from servicemodel.sla import BusinessCalendar

sys.path.insert(0, str(Path(__file__).parent))
import kpi_strategies as ks

T = pendulum.datetime(2024, 6, 10, 9, tz="Europe/London")  # a Monday, 09:00 London
OFFICE = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})


def thread(*events: Any, at: pendulum.DateTime = T, **fields: Any) -> Interaction:
    fields.setdefault("id", "T")
    fields.setdefault("customer_id", "C")
    fields.setdefault("channel", "email")
    return Interaction(created_at=at, events=list(events), **fields)


def hours(acc_type: Any, items: list[Interaction], **options: Any) -> list[Any]:
    acc = acc_type.empty(**options)
    acc.add_many(items)
    result = acc.result()
    return [Fraction(result.total.in_seconds(), 3600), result.count]


# ------------------------------------------------------------------ status times (point 22)

REOPENED = thread(
    StatusChange(at=T.add(hours=1), status="pending"),  # 1 h new
    StatusChange(at=T.add(hours=3), status="open"),  # 2 h pending
    StatusChange(at=T.add(hours=4), status="on_hold"),  # 1 h open
    StatusChange(at=T.add(hours=6), status="solved"),  # 2 h on hold
    StatusChange(at=T.add(days=1), status="open"),  # reopened the next morning
    StatusChange(at=T.add(days=1, hours=1), status="solved"),  # 1 h open
)


def test_status_times_split_a_reopened_tickets_life_by_status_in_calendar_time() -> None:
    assert hours(RequesterWaitTime, [REOPENED]) == [5, 1]  # new 1 + open 2 + on hold 2
    assert hours(AgentWorkTime, [REOPENED]) == [3, 1]  # new 1 + open 2
    assert hours(AgentWaitTime, [REOPENED]) == [2, 1]  # pending 2
    assert hours(OnHoldTime, [REOPENED]) == [2, 1]


def test_status_times_in_business_time_count_only_open_hours() -> None:
    friday = pendulum.datetime(2024, 6, 14, 16, tz="Europe/London")
    waited_over_weekend = thread(
        StatusChange(at=friday.add(days=3), status="solved"),  # Fri 16:00 -> Mon 16:00
        at=friday,
    )
    assert hours(RequesterWaitTime, [waited_over_weekend]) == [72, 1]
    assert hours(RequesterWaitTime, [waited_over_weekend], calendar=OFFICE) == [8, 1]
    assert hours(AgentWorkTime, [REOPENED], calendar=OFFICE) == [3, 1]


def test_status_times_skip_unresolved_interactions_unless_read_as_of_an_instant() -> None:
    still_open = thread(StatusChange(at=T.add(hours=1), status="on_hold"))
    with pytest.raises(EmptySampleError):
        RequesterWaitTime.summarise_items([still_open])
    # As of T + 5 h: 1 h new + 4 h on hold so far; an interaction created later is skipped.
    later = thread(at=T.add(days=2), id="later")
    as_of = T.add(hours=5)
    assert hours(RequesterWaitTime, [still_open, later], as_of=as_of) == [5, 1]
    assert hours(OnHoldTime, [still_open], as_of=as_of) == [4, 1]
    # A resolved interaction read before its solve counts only up to the instant.
    assert hours(AgentWaitTime, [REOPENED], as_of=T.add(hours=2)) == [1, 1]


def test_status_time_kpis_are_named_durations_with_a_better_direction() -> None:
    for name, cls, better in [
        ("requester_wait_time", RequesterWaitTime, Better.LOWER),
        ("agent_work_time", AgentWorkTime, Better.LOWER),
        ("agent_wait_time", AgentWaitTime, Better.NEITHER),
        ("on_hold_time", OnHoldTime, Better.LOWER),
    ]:
        kpi = KpiName.of(name)
        assert catalogue()[kpi] is cls
        assert kpi.spec.unit is KpiUnit.DURATION
        assert kpi.spec.low == 0
        assert kpi.spec.better is better


def test_status_times_come_out_of_a_report_in_business_time() -> None:
    email = thread(StatusChange(at=T.add(hours=2), status="solved"))
    chat = thread(
        StatusChange(at=T.add(hours=1), status="pending"),
        StatusChange(at=T.add(hours=9), status="solved"),
        id="chat",
        channel="chat",
    )
    table = report(
        [email, chat],
        metrics=["requester_wait_time", "agent_wait_time"],
        by=["channel"],
        calendar=OFFICE,
    )
    cells = {}
    for row in table.rows:
        for name in ("requester_wait_time", "agent_wait_time"):
            result = row.cell(name).result
            if result is not None:
                assert isinstance(result, DurationStats)
                cells[row.group[0], name] = result.median.in_minutes()
    # Chat: pending 10:00 -> 18:00 London, business time stops at 17:00.
    assert cells == {
        ("chat", "requester_wait_time"): 60,
        ("chat", "agent_wait_time"): 7 * 60,
        ("email", "requester_wait_time"): 120,
        ("email", "agent_wait_time"): 0,  # resolved without a pending stretch: zero, counted
    }


def test_status_time_refuses_a_naive_as_of() -> None:
    import datetime as dt

    with pytest.raises(ValidationError, match="'as_of'"):
        RequesterWaitTime.empty(as_of=dt.datetime(2024, 1, 1))


def test_interaction_status_spans_cut_at_until_and_leave_later_stretches_out() -> None:
    spans = REOPENED.status_spans({"open"}, until=T.add(hours=3, minutes=30))
    assert [(s.start, s.end) for s in spans] == [(T.add(hours=3), T.add(hours=3, minutes=30))]
    assert REOPENED.status_spans({"open"}, until=T.add(hours=3)) == ()
    spans = REOPENED.status_spans({"open"}, until=T.add(days=1, minutes=30))
    assert [(s.start, s.end) for s in spans] == [
        (T.add(hours=3), T.add(hours=4)),
        (T.add(days=1), T.add(days=1, minutes=30)),
    ]
    assert REOPENED.status_at(T.add(hours=3, minutes=30)).value == "open"


# ------------------------------------------------------------------ assignment history (point 23)

HANDED_ON = thread(
    Assignment(at=T, group="tier-1"),  # a group alone: still no agent
    Assignment(at=T.add(minutes=20), agent_id="A-1", group="tier-1"),
    Assignment(at=T.add(hours=1), agent_id=None),  # back to the queue
    Assignment(at=T.add(hours=2), agent_id="A-2", group="billing"),
    Assignment(at=T.add(hours=3), agent_id="A-2"),  # the same agent again: no handoff
    Assignment(at=T.add(hours=4), agent_id="A-1"),
    StatusChange(at=T.add(hours=5), status="solved"),
)


def test_interaction_tells_its_assignment_history() -> None:
    assert HANDED_ON.reassignment_count() == 2  # A-1 -> A-2 -> A-1
    assert HANDED_ON.assignees() == ("A-1", "A-2")
    assert HANDED_ON.assigned_groups() == ("tier-1", "billing")
    assert HANDED_ON.first_assigned_at() == T.add(minutes=20)
    assert HANDED_ON.unassigned_spans(T.add(hours=5)) == (
        (T, T.add(minutes=20)),
        (T.add(hours=1), T.add(hours=2)),
    )
    assert thread().first_assigned_at() is None
    assert thread().unassigned_spans(T.add(hours=1)) == ((T, T.add(hours=1)),)


def mean(acc_type: Any, items: list[Interaction]) -> Any:
    acc = acc_type.empty()
    acc.add_many(items)
    return acc.result().value


def test_assignment_kpis_average_over_every_interaction_zero_included() -> None:
    never = thread(id="never")
    assert mean(Reassignments, [HANDED_ON, never]) == 1
    assert mean(DistinctAssignees, [HANDED_ON, never]) == 1
    assert mean(DistinctGroups, [HANDED_ON, never, never]) == Fraction(2, 3)


def test_time_to_first_assignment_and_unassigned_time_in_calendar_and_business_time() -> None:
    friday = pendulum.datetime(2024, 6, 14, 16, tz="Europe/London")
    weekend = thread(
        Assignment(at=friday.add(days=3), agent_id="A-1"),  # Mon 16:00
        StatusChange(at=friday.add(days=3, hours=2), status="solved"),
        at=friday,
        id="weekend",
    )
    assert hours(TimeToFirstAssignment, [weekend]) == [72, 1]
    assert hours(TimeToFirstAssignment, [weekend], calendar=OFFICE) == [8, 1]
    assert hours(TimeToFirstAssignment, [thread(id="never")] * 2 + [weekend]) == [72, 1]
    assert hours(UnassignedTime, [HANDED_ON]) == [Fraction(4, 3), 1]
    assert hours(UnassignedTime, [weekend], calendar=OFFICE) == [8, 1]


def test_unassigned_time_waits_for_the_resolution_unless_read_as_of_an_instant() -> None:
    queued = thread(id="queued")  # never assigned, still open
    with pytest.raises(EmptySampleError):
        hours(UnassignedTime, [queued])
    assert hours(UnassignedTime, [queued], as_of=T.add(hours=3)) == [3, 1]
    # HANDED_ON as it stood at T + 1 h 30: unresolved, 20 min + 30 min unassigned so far.
    assert hours(UnassignedTime, [HANDED_ON], as_of=T.add(hours=1, minutes=30)) == [
        Fraction(5, 6),
        1,
    ]


def test_assignment_kpis_are_named_with_units_and_directions() -> None:
    for name, cls, unit in [
        ("reassignments", Reassignments, KpiUnit.RATIO),
        ("distinct_assignees", DistinctAssignees, KpiUnit.RATIO),
        ("distinct_groups", DistinctGroups, KpiUnit.RATIO),
        ("time_to_first_assignment", TimeToFirstAssignment, KpiUnit.DURATION),
        ("unassigned_time", UnassignedTime, KpiUnit.DURATION),
    ]:
        kpi = KpiName.of(name)
        assert catalogue()[kpi] is cls
        assert kpi.spec.unit is unit
        assert kpi.spec.better is Better.LOWER


def test_reassignments_come_out_of_a_report_by_channel() -> None:
    table = report(
        [HANDED_ON, thread(id="chat", channel="chat")], metrics=["reassignments"], by=["channel"]
    )
    values = {row.group[0]: row.cell("reassignments").result for row in table.rows}
    assert {k: (v.value, v.n) for k, v in values.items()} == {  # type: ignore[union-attr]
        "chat": (0, 1),
        "email": (2, 1),
    }


# ------------------------------------------------------------------ satisfaction history (point 23)


def rated(*scores: int, id: str = "R") -> Interaction:
    return thread(
        *(SatisfactionResponse(at=T.add(days=d + 1), score=s) for d, s in enumerate(scores)),
        id=id,
    )


def test_interaction_tells_its_first_and_latest_rating_and_verdict_changes() -> None:
    changed = rated(5, 3, 1, 4)
    assert changed.first_rating().score == 5  # type: ignore[union-attr]
    assert changed.satisfaction() == 4  # the latest, which CSAT reads
    assert [r.score for r in changed.ratings()] == [5, 3, 1, 4]
    assert changed.went_good_to_bad()  # 5 -> (3 passed over) -> 1
    assert changed.went_bad_to_good()  # 1 -> 4
    assert not rated(4, 3, 5).went_good_to_bad()  # neutral is not bad
    assert not rated(2, 3).went_bad_to_good()
    assert thread().first_rating() is None


def test_first_csat_reads_first_ratings_where_csat_reads_latest_ones() -> None:
    items = [rated(5, 1, id="a"), rated(2, 5, id="b"), rated(4, id="c"), thread(id="unrated")]
    first, latest = FirstCsat.empty(), Csat.empty()
    first.add_many(items)
    latest.add_many(items)
    assert (first.result().value, first.result().n) == (Fraction(2, 3), 3)
    assert (latest.result().value, latest.result().n) == (Fraction(2, 3), 3)
    # The same interactions, judged differently: a and b swapped verdicts.
    good_bad = FirstCsat.empty(variant="good_over_good_and_bad")
    good_bad.add_many([rated(5, id="a"), rated(3, id="n"), rated(1, 5, id="b")])
    assert good_bad.result().value == Fraction(1, 2)
    with pytest.raises(ValidationError, match="'item' must be one of Interaction"):
        FirstCsat.empty().add(5)


def test_satisfaction_changes_are_rates_among_rated_interactions() -> None:
    items = [rated(5, 1, id="a"), rated(2, 5, id="b"), rated(4, id="c"), thread(id="unrated")]
    down, up = SatisfactionGoodToBad.empty(), SatisfactionBadToGood.empty()
    down.add_many(items)
    up.add_many(items)
    assert (down.result().value, down.result().n) == (Fraction(1, 3), 3)
    assert (up.result().value, up.result().n) == (Fraction(1, 3), 3)
    assert KpiName.SATISFACTION_GOOD_TO_BAD.spec.better is Better.LOWER
    assert KpiName.SATISFACTION_BAD_TO_GOOD.spec.better is Better.HIGHER
    assert KpiName.FIRST_CSAT.spec.unit is KpiUnit.RATE
    table = report(items, metrics=["first_csat", "satisfaction_good_to_bad"])
    assert table.rows[0].cell("satisfaction_good_to_bad").n == 3


# ------------------------------------------------------------------ touches and open age (point 23)


def solved_after(replies: int, id: str = "S") -> Interaction:
    events: list[Any] = [Message(at=T.add(minutes=m), author="agent") for m in range(replies)]
    events.append(Message(at=T.add(minutes=30), author="agent", visibility="private"))
    return thread(*events, StatusChange(at=T.add(hours=1), status="solved"), id=id)


def test_one_two_and_multi_touch_split_the_solved_interactions() -> None:
    items = [solved_after(n, id=str(n)) for n in (0, 1, 2, 2, 3, 7)]
    items.append(thread(Message(at=T, author="agent"), id="open"))  # unsolved: not counted
    shares = []
    for acc in (Fcr.empty(), TwoTouchResolution.empty(), MultiTouchResolution.empty()):
        acc.add_many(items)
        shares.append((acc.result().value, acc.result().n))
    assert shares == [(Fraction(1, 3), 6), (Fraction(1, 3), 6), (Fraction(1, 3), 6)]
    assert KpiName.MULTI_TOUCH_RESOLUTION.spec.better is Better.LOWER
    assert KpiName.TWO_TOUCH_RESOLUTION.spec.better is Better.NEITHER


def test_open_age_measures_the_backlog_at_the_instant_in_calendar_and_business_time() -> None:
    friday = pendulum.datetime(2024, 6, 14, 16, tz="Europe/London")
    monday = friday.add(days=3)  # Mon 16:00
    items = [
        thread(at=friday, id="weekend"),  # open: 72 h, 8 business hours
        thread(StatusChange(at=monday, status="solved"), at=friday, id="solved at the instant"),
        thread(
            StatusChange(at=friday.add(hours=1), status="solved"),
            StatusChange(at=friday.add(days=1), status="open"),
            at=friday,
            id="reopened",
        ),
        thread(at=monday.add(minutes=1), id="later"),
    ]
    assert hours(OpenAge, items, at=monday) == [144, 2]
    assert hours(OpenAge, items, at=monday, calendar=OFFICE) == [16, 2]
    backlog = Backlog.empty(at=monday)
    backlog.add_many(items)
    assert backlog.result().value == 2  # the same interactions are open
    with pytest.raises(EmptySampleError):
        hours(OpenAge, items, at=friday.subtract(days=1))
    table = report(items, metrics=[OpenAge.empty(at=monday, calendar=OFFICE)])
    assert table.rows[0].cell("open_age").n == 2
    with pytest.raises(ValidationError, match="needs options"):
        report(items, metrics=["open_age"])


# ------------------------------------------------------------------ laws


@settings(max_examples=60)
@given(item=ks.interactions(), cut=st.integers(0, 60 * 24 * 50))
def test_requester_wait_is_agent_work_plus_on_hold_and_all_statuses_fill_the_life(
    item: Interaction, cut: int
) -> None:
    as_of = ks.BASE.add(minutes=cut)
    if item.created_at > as_of:
        with pytest.raises(EmptySampleError):
            hours(RequesterWaitTime, [item], as_of=as_of)
        return
    for calendar in (None, ks.OFFICE):
        wait, work, hold = (
            hours(kind, [item], as_of=as_of, calendar=calendar)[0]
            for kind in (RequesterWaitTime, AgentWorkTime, OnHoldTime)
        )
        assert wait == work + hold
    spans = item.status_spans(list(Status), until=as_of)
    if item.created_at < as_of:
        assert spans[0].start == item.created_at
        assert all(a.end == b.start for a, b in itertools.pairwise(spans))
        assert spans[-1].end == as_of
    else:
        assert spans == ()


@settings(max_examples=60)
@given(item=ks.interactions())
def test_assignment_history_laws(item: Interaction) -> None:
    agents = item.assignees()
    assert item.reassignment_count() >= max(len(agents) - 1, 0)
    assert (item.first_assigned_at() is None) == (not agents)
    until = item.created_at.add(days=60)
    unassigned = sum((b - a for a, b in item.unassigned_spans(until)), start=pendulum.duration())
    assert pendulum.duration() <= unassigned <= until - item.created_at
    if not agents:
        assert unassigned == until - item.created_at
