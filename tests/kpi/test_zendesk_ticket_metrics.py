"""Zendesk-style ticket metrics checked against a peer: fivetran/dbt_zendesk's zendesk__ticket_metrics.

The reference folder (/work/shared/reference/zendesk-dbt) holds 15 designed
tickets in the tables of Fivetran's Zendesk connector and what dbt_zendesk
v1.7.0 computes from them. A few seed tickets are rebuilt by hand below
(their status field history, assignee rows and public comments; user 1 is
the agent, 10 and 11 are end users) and the figures of
``zendesk__ticket_metrics`` are written next to them; the last test reads
all 15 through the real importer (``read_tables``) and compares them with
every row of the peer's table.

Schedule 100 is Mon-Fri 09:00-17:00 "Eastern Time (US & Canada)"
(America/New_York) with holidays 2025-07-04 and 2025-12-24..26.

Peer approximations, noted where a figure differs:
- calendar work/wait minutes are ``datediff('minute')`` (minute boundaries);
  the seed times are whole minutes, so they equal ours;
- the open ticket 112 is read at the run clock 2026-12-06 02:45:27Z; its
  business figures stop after 52 weeks (``max_ticket_length_weeks``), so only
  its calendar figure is compared;
- ``is_multi_touch_resolution`` is "solved and neither one- nor two-touch",
  where one-touch means exactly one public agent comment: ticket 114 (solved
  with no public agent reply) is multi-touch for the peer and one-touch for
  us (and for Zendesk, whose one-touch counts solves without a reply).
"""

from __future__ import annotations

import csv
from fractions import Fraction
from typing import Any

import pendulum
import pytest

from servicemodel import Assignment, Interaction, Message, StatusChange
from servicemodel.io.zendesk import read_tables
from servicemodel.kpi import (
    AgentWaitTime,
    AgentWorkTime,
    DistinctAssignees,
    Fcr,
    MultiTouchResolution,
    OnHoldTime,
    OpenAge,
    Reassignments,
    RequesterWaitTime,
    TimeToFirstAssignment,
    TwoTouchResolution,
    UnassignedTime,
)
from servicemodel.sla import BusinessCalendar
from zendesk_demo import REFERENCE
from zendesk_demo import SEEDS as SEED_TABLES

SCHEDULE_100 = BusinessCalendar.weekly(
    "America/New_York",
    {"mon-fri": "09:00-17:00"},
    holidays=[
        pendulum.date(2025, 7, 4),
        pendulum.date(2025, 12, 24),
        pendulum.date(2025, 12, 25),
        pendulum.date(2025, 12, 26),
    ],
)
#: The peer's run clock: 02:45 plus 27 s, as its unsolved_ticket_age_minutes of ticket 112
#: (661725.45 minutes after creation) shows.
RUN_CLOCK = pendulum.datetime(2026, 12, 6, 2, 45, 27)

# ticket -> (created, [(at, status)], [public agent comment times]); UTC, from the seeds.
SEEDS: dict[int, tuple[str, list[tuple[str, str]], list[str]]] = {
    101: (
        "2025-06-02 11:00",
        [
            ("2025-06-02 13:40", "open"),
            ("2025-06-02 15:00", "solved"),
            ("2025-06-06 16:00", "closed"),
        ],
        ["2025-06-02 13:40"],
    ),
    104: (
        "2025-06-10 09:00",
        [
            ("2025-06-10 10:30", "pending"),
            ("2025-06-10 12:00", "open"),
            ("2025-06-10 13:00", "pending"),
            ("2025-06-11 08:00", "open"),
            ("2025-06-11 11:05", "solved"),
        ],
        ["2025-06-10 10:30", "2025-06-10 13:00", "2025-06-11 11:00"],
    ),
    105: (
        "2025-06-11 14:00",
        [
            ("2025-06-11 14:20", "pending"),
            ("2025-06-11 20:00", "open"),
            ("2025-06-12 13:30", "pending"),
            ("2025-06-12 15:00", "solved"),
        ],
        ["2025-06-11 14:20", "2025-06-12 13:30"],
    ),
    109: (
        "2025-06-17 13:00",
        [
            ("2025-06-17 13:30", "open"),
            ("2025-06-17 15:00", "pending"),
            ("2025-06-18 14:00", "open"),
            ("2025-06-18 16:30", "on_hold"),  # Zendesk's "hold"
            ("2025-06-19 14:00", "open"),
            ("2025-06-19 17:00", "solved"),
        ],
        ["2025-06-17 13:30", "2025-06-17 15:00", "2025-06-19 17:00"],
    ),
    110: (
        "2025-06-23 10:00",
        [
            ("2025-06-23 11:00", "open"),
            ("2025-06-23 12:00", "pending"),
            ("2025-06-24 09:00", "open"),
            ("2025-06-24 12:00", "solved"),
        ],
        ["2025-06-23 11:00", "2025-06-23 12:00", "2025-06-24 12:00"],
    ),
    112: ("2025-09-02 14:00", [("2025-09-02 14:05", "open")], []),
    114: ("2025-06-25 14:00", [("2025-06-25 14:40", "solved")], []),
}
#: Private agent comments (internal notes): not replies.
NOTES = {114: ["2025-06-25 14:30"]}


def _at(text: str) -> pendulum.DateTime:
    return pendulum.parse(text.replace(" ", "T") + ":00Z")  # type: ignore[return-value]


def ticket(number: int) -> Interaction:
    """Seed ticket *number* as an interaction: assigned to agent 1 at creation, as in the seeds."""
    created, statuses, replies = SEEDS[number]
    events: list[Any] = [Assignment(at=_at(created), agent_id="1")]
    events += [StatusChange(at=_at(at), status=status) for at, status in statuses]
    events += [Message(at=_at(at), author="agent") for at in replies]
    events += [
        Message(at=_at(at), author="agent", visibility="private") for at in NOTES.get(number, [])
    ]
    events.sort(key=lambda e: (e.at, isinstance(e, StatusChange)))
    return Interaction(
        id=str(number), customer_id="10", channel="email", created_at=_at(created), events=events
    )


def minutes(acc_type: Any, number: int, **options: Any) -> float:
    acc = acc_type.empty(**options)
    acc.add(ticket(number))
    return float(acc.result().total.total_seconds()) / 60


# zendesk__ticket_metrics: *_in_calendar_minutes and *_in_business_minutes.
PEER = {
    101: ((240, 240, 0, 0), (120, 120, 0, 0)),
    # ticket: (requester wait, agent work, agent wait, on hold) calendar; then business
    104: ((335, 335, 1230, 0), (0, 0, 480, 0)),
    105: ((1070, 1070, 430, 0), (110, 110, 430, 0)),
    109: ((1740, 450, 1380, 1290), (780, 450, 420, 330)),
    110: ((300, 300, 1260, 0), (0, 0, 480, 0)),
    114: ((40, 40, 0, 0), (40, 40, 0, 0)),
}
KPIS = (RequesterWaitTime, AgentWorkTime, AgentWaitTime, OnHoldTime)


@pytest.mark.parametrize("number", sorted(PEER))
def test_status_times_match_dbt_zendesk_ticket_metrics_in_calendar_and_business_minutes(
    number: int,
) -> None:
    calendar_figures, business_figures = PEER[number]
    assert tuple(minutes(k, number) for k in KPIS) == calendar_figures
    assert tuple(minutes(k, number, calendar=SCHEDULE_100) for k in KPIS) == business_figures


def test_open_ticket_112_at_the_run_clock_matches_the_peer() -> None:
    # Still open: measured as it stands at the report instant (the peer's "now").
    # The peer counts calendar wait in minute boundaries crossed (661725); we count
    # the 27 seconds too. Its unsolved age keeps them: 661725.45, as ours.
    assert minutes(RequesterWaitTime, 112, as_of=RUN_CLOCK) == 661725.45
    assert minutes(AgentWorkTime, 112, as_of=RUN_CLOCK.subtract(seconds=27)) == 661725
    assert minutes(OpenAge, 112, at=RUN_CLOCK) == 661725.45
    with pytest.raises(Exception, match="needs at least one observation"):
        minutes(RequesterWaitTime, 112)  # without as_of only final (resolved) figures count


def test_assignment_history_matches_dbt_zendesk_for_the_seed_tickets() -> None:
    # Every seed ticket has one assignee row, agent 1 at creation: the peer's
    # unique_assignee_count and assignee_stations_count are 1, its
    # first_agent_assignment_date is created_at and its
    # ticket_unassigned_duration_calendar_minutes is 0. (Its count_ticket_handoffs
    # is another figure: distinct internal users who commented, 0 for ticket 112.)
    seeds = [ticket(n) for n in sorted(SEEDS)]
    distinct = DistinctAssignees.empty()
    distinct.add_many(seeds)
    assert distinct.result().value == 1
    assert distinct.result().n == len(seeds)
    handoffs = Reassignments.empty()
    handoffs.add_many(seeds)
    assert handoffs.result().value == 0
    first = TimeToFirstAssignment.empty()
    first.add_many(seeds)
    assert first.result().maximum == pendulum.duration()
    unassigned = UnassignedTime.empty(as_of=RUN_CLOCK)
    unassigned.add_many(seeds)
    assert unassigned.result().maximum == pendulum.duration()


def test_touches_match_dbt_zendesk_except_a_solve_without_a_public_reply() -> None:
    # Peer: is_one_touch 101; is_two_touch 105; is_multi_touch 104, 109, 110 and 114.
    # Ticket 114 was solved with a private note only: the peer's multi-touch is
    # "solved and neither one- nor two-touch" with one-touch = exactly one reply, so
    # it lands there; ours (and Zendesk's) one-touch counts a solve without a reply.
    solved = {n: ticket(n) for n in (101, 104, 105, 109, 110, 114)}
    peer_two, peer_multi = {105}, {104, 109, 110, 114}

    def judged(kind: Any) -> set[int]:
        hits = set()
        for number, item in solved.items():
            acc = kind.empty()
            acc.add(item)
            if acc.result().value == 1:
                hits.add(number)
        return hits

    assert judged(TwoTouchResolution) == peer_two
    assert judged(MultiTouchResolution) == peer_multi - {114}
    one_touch = Fcr.empty()
    one_touch.add(solved[114])
    assert one_touch.result().value == 1


#: zendesk__ticket_metrics columns -> servicemodel's figure of an imported ticket.
_IMPORTED_COLUMNS = {
    "requester_wait_time_in_calendar_minutes": RequesterWaitTime,
    "agent_work_time_in_calendar_minutes": AgentWorkTime,
    "agent_wait_time_in_calendar_minutes": AgentWaitTime,
    "on_hold_time_in_calendar_minutes": OnHoldTime,
}
#: (ticket, column) -> why the peer's figure differs from ours (the peer's figure is checked).
_IMPORTED_KNOWN = {
    ("112", "requester_wait_time_in_calendar_minutes"): "datediff counts whole minutes (.45 cut)",
    ("112", "agent_work_time_in_calendar_minutes"): "datediff counts whole minutes (.45 cut)",
}


def test_every_seed_ticket_imported_by_read_tables_matches_the_peers_ticket_metrics() -> None:
    """Issue 15: all 15 seed tickets through the real importer, not rebuilt by hand.

    The status-time columns, the first reply and the reopen count of every
    row of zendesk__ticket_metrics.csv; a difference is allowed only where
    listed with its reason (then the peer's figure is the floor of ours).
    """
    with (REFERENCE / "outputs" / "zendesk__ticket_metrics.csv").open(encoding="utf-8") as file:
        peer = {row["ticket_id"]: row for row in csv.DictReader(file)}
    imported = {t.id: t for t in read_tables(SEED_TABLES)}
    assert sorted(imported) == sorted(peer)
    for ticket_id, row in peer.items():
        item = imported[ticket_id]
        for column, kpi in _IMPORTED_COLUMNS.items():
            acc = kpi.empty(as_of=RUN_CLOCK)
            acc.add(item)
            ours = Fraction(round(acc.result().total.total_seconds() * 1_000_000), 60_000_000)
            theirs = Fraction(row[column])
            if (ticket_id, column) in _IMPORTED_KNOWN:
                assert theirs == int(ours) != ours, (ticket_id, column)
            else:
                assert theirs == ours, (ticket_id, column)
        reply = item.first_reply_at()
        frt = row["first_reply_time_calendar_minutes"]
        if reply is None:
            assert frt == "", ticket_id
        else:
            assert Fraction(frt) == Fraction(int((reply - item.created_at).total_seconds()), 60), (
                ticket_id
            )
        assert item.reopen_count() == int(row["count_reopens"] or 0), ticket_id
