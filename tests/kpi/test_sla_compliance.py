"""SLA compliance as a KPI: a hand-computed example, filters, customers, JSON and pickle.

The merge laws and round trips for ``sla_compliance`` run with every other KPI
in tests/kpi/test_accumulators.py (cases ``sla_compliance*``).
"""

from __future__ import annotations

import json
import pickle
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import kpi_strategies as ks

from servicemodel import Customer, Interaction, Message, Priority, StatusChange
from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.kpi import (
    Accumulator,
    Rate,
    SlaCompliance,
    TargetCompliance,
    report,
    sla_compliance,
    wilson_interval,
)
from servicemodel.sla import (
    BusinessCalendar,
    Condition,
    FieldTest,
    Metric,
    Outcome,
    PolicySet,
    SlaPolicy,
    Target,
    evaluate,
)

LONDON = "Europe/London"
OFFICE = BusinessCalendar.weekly(LONDON, {"mon-fri": "09:00-17:00"})
POLICIES = PolicySet(
    policies=[
        SlaPolicy(
            name="Standard",
            targets={
                "normal": [
                    Target(
                        metric="first_reply", within=pendulum.duration(hours=2), calendar="office"
                    ),
                    Target(
                        metric="resolution", within=pendulum.duration(hours=8), calendar="office"
                    ),
                ],
                "urgent": [Target(metric="first_reply", within=pendulum.duration(minutes=30))],
            },
        )
    ],
    calendars={"office": OFFICE},
)
# Tuesday 11 June 2024, noon in London.
AS_OF = pendulum.datetime(2024, 6, 11, 12, tz=LONDON)


def at(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2024, 6, day, hour, minute, tz=LONDON)


def ticket(
    name: str,
    created: pendulum.DateTime,
    *,
    reply: pendulum.DateTime | None = None,
    solved: pendulum.DateTime | None = None,
    priority: str = "normal",
    customer: str = "C-1",
) -> Interaction:
    events: list[Any] = []
    if reply is not None:
        events.append(Message(at=reply, author="agent"))
    if solved is not None:
        events.append(StatusChange(at=solved, status="solved"))
    return Interaction(
        id=name,
        customer_id=customer,
        channel="email",
        priority=priority,
        created_at=created,
        events=events,
    )


# Business hours Mon-Fri 09:00-17:00; as of Tue 11 June 12:00.
#   A normal, Fri 16:00, reply Mon 10:30: 1h + 1.5h = 2.5h > 2h   first_reply breached
#            solved Mon 12:00: 1h + 3h = 4h <= 8h                 resolution met
#   B normal, Mon 09:00, reply 10:59 (1h59m)                      first_reply met
#            unsolved: Mon 8h + Tue 3h = 11h > 8h                 resolution breached (running)
#   C normal, Tue 10:30, nothing yet: 1.5h                        both pending
#   D urgent, Mon 20:00, reply 20:45 (calendar time, 45m > 30m)   first_reply breached
#   E normal, created Wed 12 June, after as_of                    skipped
#   F urgent, Tue 11:00, reply 11:10                              first_reply met
#   G normal, Mon 13:00, reply 13:30, solved 15:00                both met
EXAMPLE = [
    ticket("A", at(7, 16), reply=at(10, 10, 30), solved=at(10, 12)),
    ticket("B", at(10, 9), reply=at(10, 10, 59)),
    ticket("C", at(11, 10, 30)),
    ticket("D", at(10, 20), reply=at(10, 20, 45), priority="urgent"),
    ticket("E", at(12, 9), reply=at(12, 9, 5)),
    ticket("F", at(11, 11), reply=at(11, 11, 10), priority="urgent"),
    ticket("G", at(10, 13), reply=at(10, 13, 30), solved=at(10, 15)),
]


def folded(**options: Any) -> SlaCompliance:
    acc = SlaCompliance.empty(policies=POLICIES, as_of=AS_OF, **options)
    acc.add_many(EXAMPLE)
    return acc


def test_hand_computed_example_five_met_three_breached_two_pending() -> None:
    acc = folded()
    result = acc.result()
    assert (result.numerator, result.denominator) == (5, 8)
    assert result == wilson_interval(5, 8)
    assert sla_compliance(EXAMPLE, POLICIES, as_of=AS_OF) == result
    normal, urgent = Priority.NORMAL, Priority.URGENT
    assert acc.breakdown() == (
        TargetCompliance(
            policy="Standard",
            priority=normal,
            metric=Metric.FIRST_REPLY,
            met=2,
            breached=1,
            pending=1,
        ),
        TargetCompliance(
            policy="Standard",
            priority=normal,
            metric=Metric.RESOLUTION,
            met=2,
            breached=1,
            pending=1,
        ),
        TargetCompliance(
            policy="Standard",
            priority=urgent,
            metric=Metric.FIRST_REPLY,
            met=1,
            breached=1,
            pending=0,
        ),
    )


def test_hand_computed_example_restricted_to_a_metric_or_a_priority() -> None:
    first = sla_compliance(EXAMPLE, POLICIES, as_of=AS_OF, metric="first_reply")
    assert (first.numerator, first.denominator) == (3, 5)
    resolution = sla_compliance(EXAMPLE, POLICIES, as_of=AS_OF, metric=Metric.RESOLUTION)
    assert (resolution.numerator, resolution.denominator) == (2, 3)
    urgent = sla_compliance(EXAMPLE, POLICIES, as_of=AS_OF, priority="urgent")
    assert (urgent.numerator, urgent.denominator) == (1, 2)
    both = folded(metric="first_reply", priority="normal")
    assert (both.result().numerator, both.result().denominator) == (2, 3)
    assert [r.metric for r in both.breakdown()] == [Metric.FIRST_REPLY]


def test_pending_clocks_stay_out_until_they_resolve() -> None:
    only_c = SlaCompliance.empty(policies=POLICIES, as_of=AS_OF)
    only_c.add(EXAMPLE[2])
    with pytest.raises(EmptySampleError, match="got 0; 2 pending"):
        only_c.result()
    (first_reply, resolution) = only_c.breakdown()
    assert first_reply.pending == resolution.pending == 1
    with pytest.raises(EmptySampleError):
        first_reply.rate()
    # Two business hours later C's first reply is overdue: breached, though nobody replied.
    later = SlaCompliance.empty(policies=POLICIES, as_of=at(11, 14))
    later.add(EXAMPLE[2])
    assert later.result().value == 0
    assert [(r.metric, r.breached, r.pending) for r in later.breakdown()] == [
        (Metric.FIRST_REPLY, 1, 0),
        (Metric.RESOLUTION, 0, 1),
    ]


def test_an_interaction_created_after_as_of_is_skipped() -> None:
    acc = SlaCompliance.empty(policies=POLICIES, as_of=AS_OF)
    acc.add(EXAMPLE[4])
    assert acc == SlaCompliance.empty(policies=POLICIES, as_of=AS_OF)


def test_segment_conditions_read_the_customers_given() -> None:
    vip = SlaPolicy(
        name="VIP",
        condition=Condition.all_of(FieldTest(field="segment", operator="equals", values="vip")),
        targets={"normal": [Target(metric="first_reply", within=pendulum.duration(minutes=15))]},
    )
    policies = PolicySet(policies=[vip, *POLICIES.policies], calendars={"office": OFFICE})
    # G's reply after 30 minutes meets Standard's 2h but breaches VIP's 15m.
    g = EXAMPLE[6]
    customers = [Customer(id="C-1", acquired_at=at(1, 9), segment="vip")]
    plain = sla_compliance([g], policies, as_of=AS_OF, metric="first_reply")
    as_vip = sla_compliance([g], policies, as_of=AS_OF, metric="first_reply", customers=customers)
    assert (plain.numerator, plain.denominator) == (1, 1)
    assert (as_vip.numerator, as_vip.denominator) == (0, 1)
    with pytest.raises(ValidationError, match="'customers\\[1\\]' must not repeat"):
        SlaCompliance.empty(policies=policies, as_of=AS_OF, customers=[*customers, *customers])
    with pytest.raises(ValidationError, match="'customers' must be a collection"):
        SlaCompliance.empty(policies=policies, as_of=AS_OF, customers={"C-1": customers[0]})


def test_json_names_the_policies_and_needs_them_again() -> None:
    acc = folded()
    data = json.loads(json.dumps(acc.to_json()))
    assert data["options"]["policies"] == ["Standard"]
    assert data["options"]["as_of"] == 1718103600000000
    back = SlaCompliance.from_json(data, policies=POLICIES)
    assert back == acc
    assert back.result() == acc.result()
    with pytest.raises(ValidationError, match="'policies' must be given"):
        Accumulator.from_json(data)
    with pytest.raises(ValidationError, match="'policies' must be given"):
        SlaCompliance.from_json(data)
    other = PolicySet(policies=[SlaPolicy(name="Other")])
    with pytest.raises(ValidationError, match="'policies' must be the policy set this state"):
        SlaCompliance.from_json(data, policies=other)
    with pytest.raises(ValidationError, match="'customers' must be given exactly when"):
        SlaCompliance.from_json(data, policies=POLICIES, customers=[])
    with pytest.raises(ValidationError, match="'calendar' must be None"):
        SlaCompliance.from_json(data, policies=POLICIES, calendar=OFFICE)


@pytest.mark.parametrize(
    ("state", "problem"),
    [
        ({"targets": "no"}, "a list of targets"),
        ({"targets": [["Standard", "normal", "first_reply", 1, 0]]}, "rows \\[policy"),
        ({"targets": [["Nope", "normal", "first_reply", 1, 0, 0]]}, "policies of the policy set"),
        ({"targets": [["Standard", "whenever", "first_reply", 1, 0, 0]]}, "known priorities"),
        ({"targets": [["Standard", "normal", "first_reply", 1, -1, 0]]}, "non-negative"),
        (
            {"targets": [["Standard", "low", "resolution", 1, 0, 0]] * 2},
            "each target once",
        ),
    ],
)
def test_bad_states_are_refused_naming_the_problem(state: Any, problem: str) -> None:
    data = {"kpi": "sla_compliance", "options": folded().options(), "state": state}
    with pytest.raises(ValidationError, match=f"'state' must hold {problem}"):
        SlaCompliance.from_json(data, policies=POLICIES)


def test_a_state_outside_the_filters_is_refused() -> None:
    data = folded(metric="first_reply").to_json()
    data["state"] = {"targets": [["Standard", "normal", "resolution", 1, 0, 0]]}
    with pytest.raises(ValidationError, match="only targets within the metric and priority"):
        SlaCompliance.from_json(data, policies=POLICIES)


def test_pickle_carries_the_policy_set_and_customers() -> None:
    customers = [Customer(id="C-1", acquired_at=at(1, 9), segment="smb")]
    acc = SlaCompliance.empty(policies=POLICIES, as_of=AS_OF, customers=customers)
    acc.add_many(EXAMPLE)
    back = pickle.loads(pickle.dumps(acc))
    assert back == acc
    back.add(ticket("H", at(11, 9), reply=at(11, 9, 30)))
    assert back.result().numerator == acc.result().numerator + 1


def test_merge_refuses_another_policy_set_or_instant() -> None:
    looser = PolicySet(
        policies=[
            SlaPolicy(
                name="Standard",
                targets={
                    "normal": [Target(metric="first_reply", within=pendulum.duration(days=1))]
                },
            )
        ]
    )
    a = folded()
    with pytest.raises(ValidationError, match="same policy set"):
        a.merge(SlaCompliance.empty(policies=looser, as_of=AS_OF))
    with pytest.raises(ValidationError, match="'other' must be sla_compliance with options"):
        a.merge(SlaCompliance.empty(policies=POLICIES, as_of=at(12, 12)))
    assert a == folded()


def test_bad_options_and_items_are_refused() -> None:
    with pytest.raises(ValidationError, match="'policies' must be a PolicySet"):
        SlaCompliance.empty(policies=[], as_of=AS_OF)
    with pytest.raises(ValidationError, match="'as_of' must be timezone-aware"):
        SlaCompliance.empty(policies=POLICIES, as_of=AS_OF.naive())
    with pytest.raises(ValidationError, match="'metric' must be one of"):
        SlaCompliance.empty(policies=POLICIES, as_of=AS_OF, metric="speed")
    with pytest.raises(ValidationError, match="'priority' must be one of"):
        SlaCompliance.empty(policies=POLICIES, as_of=AS_OF, priority="asap")
    acc = folded()
    with pytest.raises(ValidationError, match="'item' must be one of Interaction"):
        acc.add(5)
    with pytest.raises(ValidationError, match="needs whole interactions"):
        acc.add_batch({})
    assert acc == folded()


def test_report_groups_compliance_like_any_other_kpi() -> None:
    table = report(
        EXAMPLE,
        metrics=[SlaCompliance.empty(policies=POLICIES, as_of=AS_OF), "fcr"],
        by=["priority"],
    )
    cells = {row.group: row.cell("sla_compliance") for row in table.rows}
    normal = cells[("normal",)].result
    assert isinstance(normal, Rate)
    assert (normal.numerator, normal.denominator) == (4, 6)
    assert cells[("urgent",)].n == 2
    with pytest.raises(ValidationError, match="'metrics' entry 'sla_compliance' needs options"):
        report(EXAMPLE, metrics=["sla_compliance"])


@settings(max_examples=30)
@given(st.lists(ks.interactions(), max_size=8, unique_by=lambda i: i.id))
def test_counts_are_the_evaluators_outcomes(xs: list[Interaction]) -> None:
    acc = SlaCompliance.empty(policies=ks.POLICIES, as_of=ks.AS_OF)
    acc.add_many(xs)
    expected: Counter[tuple[str, Priority, Metric, Outcome]] = Counter()
    for interaction in xs:
        if interaction.created_at <= ks.AS_OF:
            for o in evaluate(interaction, ks.POLICIES, as_of=ks.AS_OF).outcomes():
                expected[(o.policy, o.priority, o.metric, o.outcome)] += 1
    got: Counter[tuple[str, Priority, Metric, Outcome]] = Counter()
    for row in acc.breakdown():
        key = (row.policy, row.priority, row.metric)
        got[(*key, Outcome.MET)] += row.met
        got[(*key, Outcome.BREACHED)] += row.breached
        got[(*key, Outcome.PENDING)] += row.pending
    assert +got == +expected
    met = sum(n for k, n in expected.items() if k[3] is Outcome.MET)
    breached = sum(n for k, n in expected.items() if k[3] is Outcome.BREACHED)
    if met + breached:
        assert acc.result() == wilson_interval(met, met + breached)
    else:
        with pytest.raises(EmptySampleError):
            acc.result()
