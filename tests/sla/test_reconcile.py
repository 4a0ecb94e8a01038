"""sla.reconcile: servicemodel's clocks beside a vendor's recorded figures, with named reasons.

The tickets are the reference demo's (../shared/reference/zendesk-dbt, SCENARIOS.txt),
built by hand on the NY schedule (Mon-Fri 09:00-17:00 America/New_York), and the
recorded rows carry dbt_zendesk's figures for them (outputs/zendesk__sla_policies.csv).
"""

from __future__ import annotations

from fractions import Fraction

import attrs
import pendulum
import pytest

from servicemodel import Interaction, Message, PriorityChange, StatusChange
from servicemodel.exceptions import ValidationError
from servicemodel.sla import (
    Figure,
    PolicySet,
    Profile,
    Reason,
    RecordedSla,
    SlaPolicy,
    SlaResult,
    Verdict,
    evaluate,
    reconcile,
)
from zendesk_demo import (
    NY,
    RUN,
    business,
    calendar_time,
    minutes,
    policies,
    ticket_109,
    ticket_110,
    utc,
)


def dbt_row(ticket: str, metric: str, **figures: object) -> RecordedSla:
    return RecordedSla(interaction_id=ticket, metric=metric, source="dbt_zendesk", **figures)  # type: ignore[arg-type]


def rows_109() -> list[RecordedSla]:
    common = {"policy": "Standard SLA", "priority": "normal", "business_hours": True}
    return [
        dbt_row("109", "agent_work", started_at=utc("2025-06-17 13:00"), target=minutes(240),
                breached=True, breached_at=utc("2025-06-19 13:30"), elapsed=minutes(450), **common),
        dbt_row("109", "first_reply", started_at=utc("2025-06-17 13:00"), target=minutes(60),
                breached=False, fulfilled_at=utc("2025-06-17 13:30"), elapsed=minutes(30), **common),
        dbt_row("109", "requester_wait", started_at=utc("2025-06-17 13:00"), target=minutes(480),
                breached=True, breached_at=utc("2025-06-19 12:00"), elapsed=minutes(780), **common),
    ]  # fmt: skip


def result_109() -> SlaResult:
    chosen = policies(
        first=business("first_reply", 60),
        work=business("agent_work", 240),
        wait=business("requester_wait", 480),
    )
    return evaluate(ticket_109(), Profile.dbt_zendesk().apply(chosen), as_of=RUN)


def test_dbt_work_and_wait_breach_times_are_the_peers_max_over_periods() -> None:
    outcome = reconcile([result_109()], rows_109(), profile=Profile.dbt_zendesk())
    by_metric = {row.metric.value: row for row in outcome.rows}
    assert by_metric["first_reply"].verdict is Verdict.AGREE
    work, wait = by_metric["agent_work"], by_metric["requester_wait"]
    assert [d.field for d in work.differences] == [Figure.BREACHED_AT]
    assert [d.field for d in wait.differences] == [Figure.BREACHED_AT]
    # the true breach: Wed 18 June 16:00Z (AWT) and 20:00Z (RWT), the peer's a day later
    assert work.differences[0].servicemodel == "2025-06-18T16:00:00Z"
    assert work.differences[0].size_minutes() == -(21 * 60 + 30)
    assert wait.differences[0].servicemodel == "2025-06-18T20:00:00Z"
    assert wait.differences[0].size_minutes() == -16 * 60
    assert {d.reason for d in work.differences + wait.differences} == {Reason.PEER_MAX_OVER_PERIODS}
    assert outcome.unexplained() == ()
    assert outcome.counts() == {"agree": 1, "differ": 2, "vendor_only": 0, "servicemodel_only": 0}


def test_without_the_peers_rules_the_same_differences_are_unexplained() -> None:
    outcome = reconcile([result_109()], rows_109(), profile=Profile.zendesk())
    assert len(outcome.unexplained()) == 2
    assert outcome.reasons() == {"unexplained": 2}


def test_a_met_work_clock_is_compared_by_the_deadline_it_had_when_it_stopped() -> None:
    chosen = policies(
        "Calendar SLA",
        first=calendar_time("first_reply", 240),
        work=calendar_time("agent_work", 600),
        wait=calendar_time("requester_wait", 1440),
    )
    result = evaluate(ticket_110(), chosen, as_of=RUN)
    common = {
        "policy": "Calendar SLA",
        "priority": "normal",
        "business_hours": False,
        "started_at": utc("2025-06-23 10:00"),
        "breached": False,
        "elapsed": minutes(300),
    }
    recorded = [
        dbt_row("110", "agent_work", target=minutes(600), due_at=utc("2025-06-24 17:00"), **common),
        dbt_row("110", "requester_wait", target=minutes(1440), due_at=utc("2025-06-25 07:00"),
                **common),
    ]  # fmt: skip
    outcome = reconcile([result], recorded, profile=Profile.dbt_zendesk())
    assert [row.verdict for row in outcome.rows if row.recorded is not None] == [Verdict.AGREE] * 2
    # servicemodel's first reply clock has no vendor row here
    [only] = [row for row in outcome.rows if row.recorded is None]
    assert (only.metric.value, only.verdict) == ("first_reply", Verdict.SERVICEMODEL_ONLY)
    moved = attrs.evolve(recorded[0], due_at=utc("2025-06-24 18:00"))
    [row] = [r for r in reconcile([result], [moved]).rows if r.recorded is not None]
    assert [(d.field, d.size_minutes()) for d in row.differences] == [
        (Figure.DUE_AT, Fraction(-60))
    ]


def test_a_priority_raised_after_creation_is_reported_at_start_by_dbt() -> None:
    start = utc("2025-06-24 14:00")
    ticket = Interaction(
        id="111",
        customer_id="10",
        channel="email",
        created_at=start,
        events=[
            Message(at=start, author="customer"),
            PriorityChange(at=start.add(minutes=10), priority="urgent"),
            Message(at=start.add(minutes=20), author="agent"),
        ],
    )
    chosen = PolicySet(
        policies=[
            SlaPolicy(
                name="Standard SLA",
                targets={
                    "normal": [business("first_reply", 60)],
                    "urgent": [business("first_reply", 15)],
                },
            )
        ],
        calendars={"ny": NY},
    )
    result = evaluate(ticket, chosen, as_of=RUN)
    vendor = dbt_row("111", "first_reply", started_at=start, policy="Standard SLA",
                     priority="normal", target=minutes(15), business_hours=True, breached=True,
                     breached_at=utc("2025-06-24 14:15"), elapsed=minutes(20))  # fmt: skip
    [row] = reconcile([result], [vendor], profile=Profile.dbt_zendesk()).rows
    assert [(d.field, d.vendor, d.servicemodel, d.reason) for d in row.differences] == [
        (Figure.PRIORITY, "normal", "urgent", Reason.PRIORITY_AT_START)
    ]
    [row] = reconcile([result], [vendor], profile=Profile.zendesk()).rows
    assert row.differences[0].reason is Reason.UNEXPLAINED


def test_an_open_clock_older_than_52_weeks_differs_in_elapsed_by_the_week_cap() -> None:
    start = utc("2025-09-02 14:00")
    ticket = Interaction(
        id="112",
        customer_id="10",
        channel="email",
        priority="high",
        created_at=start,
        events=[Message(at=start, author="customer"), StatusChange(at=start.add(minutes=5), status="open")],
    )  # fmt: skip
    chosen = PolicySet(
        policies=[SlaPolicy(name="Standard SLA", targets={"high": [business("first_reply", 480)]})],
        calendars={"ny": NY},
    )
    result = evaluate(ticket, chosen, as_of=RUN)
    vendor = dbt_row("112", "first_reply", started_at=start, target=minutes(480), breached=True,
                     breached_at=utc("2025-09-03 14:00"), elapsed=minutes(265725.45))  # fmt: skip
    [row] = reconcile([result], [vendor], profile=Profile.dbt_zendesk()).rows
    [difference] = row.differences
    assert difference.field is Figure.ELAPSED
    assert difference.reason is Reason.WEEK_CAP
    assert (
        difference.servicemodel
        == f"{result.clocks[0].business_elapsed // pendulum.duration(minutes=1)} min"
    )
    # a shorter run would be an open clock, not the cap
    early = evaluate(ticket, chosen, as_of=start.add(days=30))
    [row] = reconcile([early], [vendor], profile=Profile.dbt_zendesk()).rows
    assert row.differences[0].reason is Reason.OPEN_CLOCK


def test_a_different_target_explains_every_figure_that_follows_from_it() -> None:
    chosen = policies(first=business("first_reply", 60))
    result = evaluate(ticket_109(), chosen, as_of=RUN)
    vendor = dbt_row("109", "first_reply", started_at=utc("2025-06-17 13:00"), target=minutes(20),
                     business_hours=True, breached=True, breached_at=utc("2025-06-17 13:20"),
                     elapsed=minutes(30))  # fmt: skip
    [row] = reconcile([result], [vendor]).rows
    assert [(d.field, d.reason) for d in row.differences] == [
        (Figure.TARGET, Reason.TARGET),
        (Figure.BREACHED, Reason.TARGET),
        (Figure.BREACHED_AT, Reason.TARGET),
    ]
    assert row.differences[0].size_minutes() == 40


def test_rows_match_by_start_or_cycle_and_unmatched_rows_are_listed() -> None:
    chosen = policies(first=business("first_reply", 60), next=business("next_reply", 120))
    result = evaluate(ticket_109(), chosen, as_of=RUN)
    by_cycle = dbt_row("109", "next_reply", cycle=0, breached=True)
    elsewhere = dbt_row("999", "first_reply", started_at=utc("2025-01-01 00:00"))
    wrong_start = dbt_row("109", "first_reply", started_at=utc("2025-06-17 14:00"))
    outcome = reconcile([result], [by_cycle, elsewhere, wrong_start])
    verdicts = [(r.interaction_id, r.metric.value, r.verdict.value) for r in outcome.rows]
    assert verdicts == [
        ("109", "first_reply", "servicemodel_only"),
        ("109", "first_reply", "vendor_only"),
        ("109", "next_reply", "agree"),
        ("999", "first_reply", "vendor_only"),
    ]
    notes = {r.interaction_id: r.note for r in outcome.rows if r.verdict is Verdict.VENDOR_ONLY}
    assert notes["999"] == "the interaction is not in the evaluated data"
    # NRT #0 runs from the customer's message Wed 14:00Z to the reply Thu 17:00Z (360
    # business minutes): breached, as recorded; a row recording "met" differs
    met = attrs.evolve(by_cycle, breached=False)
    [nrt] = [r for r in reconcile([result], [met]).rows if r.metric.value == "next_reply"]
    assert [(d.field, d.vendor, d.servicemodel) for d in nrt.differences] == [
        (Figure.BREACHED, "met", "breached")
    ]


def test_the_json_record_carries_both_sides_and_each_reason() -> None:
    outcome = reconcile([result_109()], rows_109(), profile=Profile.dbt_zendesk())
    record = outcome.to_record()
    assert record["profile"] == "dbt_zendesk"
    work = next(r for r in record["rows"] if r["metric"] == "agent_work")
    assert work["vendor"]["breached_at"] == "2025-06-19T13:30:00Z"
    assert work["servicemodel"]["breached_at"] == "2025-06-18T16:00:00Z"
    assert work["differences"][0]["size_minutes"] == -1290
    assert work["differences"][0]["reason"] == "peer_max_over_periods"
    assert record["reasons"] == {"peer_max_over_periods": 2}


def test_bad_input_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match=r"'results\[0\]' must be a SlaResult"):
        reconcile(["109"], [])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="'recorded' must be a collection"):
        reconcile([], "rows")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'profile' must be a Profile"):
        reconcile([], [], profile="zendesk")  # type: ignore[arg-type]
    with pytest.raises(
        ValidationError, match="'breached_at' must be None when 'breached' is false"
    ):
        RecordedSla(interaction_id="1", metric="first_reply", breached=False,
                    breached_at=utc("2025-01-01"))  # fmt: skip
    with pytest.raises(ValidationError, match="'elapsed' must not be negative"):
        RecordedSla(interaction_id="1", metric="first_reply", elapsed=minutes(-1))
    with pytest.raises(ValidationError, match="'peer_rules' must only name"):
        Profile(name="x", description="y", peer_rules=[Reason.TARGET])


def test_a_profile_sets_its_options_on_a_policy_set() -> None:
    restart = attrs.evolve(
        policies(first=business("first_reply", 60)), on_priority_change="restart"
    )
    applied = Profile.zendesk().apply(restart)
    assert applied.on_priority_change.value == "keep_elapsed"
    assert applied.policies == restart.policies
    assert dict(applied.calendars) == dict(restart.calendars)
