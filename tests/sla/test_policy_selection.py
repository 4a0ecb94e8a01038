"""Which policy applies: conditions over a ticket's changing tags and fields, or the vendor's record."""

from __future__ import annotations

import pendulum
import pytest

from servicemodel import (
    FieldChange,
    Interaction,
    Message,
    PolicyApplied,
    PriorityChange,
    TagChange,
)
from servicemodel.exceptions import ValidationError
from servicemodel.sla import (
    Condition,
    FieldTest,
    Metric,
    PolicySet,
    Selection,
    SlaPolicy,
    Target,
    evaluate,
)

T = pendulum.datetime(2024, 6, 10, 9)  # Monday, UTC


def first_reply(minutes: int) -> list[Target]:
    return [Target(metric="first_reply", within=pendulum.duration(minutes=minutes))]


VIP = SlaPolicy(
    name="VIP",
    condition=Condition.all_of(FieldTest(field="tags", operator="contains", values="vip")),
    targets={"normal": first_reply(30), "none": first_reply(45)},
)
RETURNS = SlaPolicy(
    name="Returns",
    condition=Condition.all_of(
        FieldTest(field="attributes.form", operator="equals", values="returns")
    ),
    targets={"normal": first_reply(120)},
)
STANDARD = SlaPolicy(name="Standard", targets={"normal": first_reply(480)})
POLICIES = PolicySet(policies=[VIP, RETURNS, STANDARD])


def ticket(*events: object, **fields: object) -> Interaction:
    return Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        created_at=T,
        events=events,  # type: ignore[arg-type]
        **fields,
    )


def test_a_vip_tag_added_while_open_swaps_the_policy_and_the_breach_is_retroactive() -> None:
    i = ticket(
        TagChange(at=T.add(hours=1), added=["vip"]),
        Message(at=T.add(hours=1, minutes=20), author="agent"),
    )
    clock = evaluate(i, POLICIES, as_of=T.add(hours=2)).clock(Metric.FIRST_REPLY)
    assert clock is not None
    assert clock.policy == "VIP"
    assert clock.breached
    assert clock.breached_at == T.add(minutes=30)


def test_before_the_tag_is_added_the_standard_policy_applies() -> None:
    i = ticket(TagChange(at=T.add(hours=1), added=["vip"]))
    early = evaluate(i, POLICIES, as_of=T.add(minutes=50))
    assert early.policy == "Standard"
    assert early.clocks[0].target.within == pendulum.duration(hours=8)
    late = evaluate(i, POLICIES, as_of=T.add(hours=1))
    assert late.policy == "VIP"
    assert late.clocks[0].breached


def test_removing_the_tag_hands_the_ticket_back() -> None:
    i = ticket(
        TagChange(at=T.add(minutes=10), removed=["vip"]),
        Message(at=T.add(hours=1), author="agent"),
        tags=["vip"],
    )
    clock = evaluate(i, POLICIES, as_of=T.add(hours=2)).clocks[0]
    assert (clock.policy, clock.breached) == ("Standard", False)


def test_a_form_change_selects_the_policy_of_the_new_form() -> None:
    i = ticket(
        FieldChange(at=T.add(minutes=5), name="form", value="returns"),
        FieldChange(at=T.add(hours=3), name="form"),
        attributes={"form": "general"},
    )
    assert evaluate(i, POLICIES, as_of=T.add(minutes=4)).policy == "Standard"
    assert evaluate(i, POLICIES, as_of=T.add(hours=2)).policy == "Returns"
    result = evaluate(i, POLICIES, as_of=T.add(hours=4))
    assert result.policy == "Standard"
    assert not result.clocks[0].breached  # 4h of 8h: the return to Standard un-breaches


def test_applies_to_and_policy_for_read_the_tags_and_fields_as_of_the_instant() -> None:
    i = ticket(TagChange(at=T.add(hours=1), added=["vip"]))
    assert not VIP.applies_to(i, at=T)
    assert VIP.applies_to(i, at=T.add(hours=1))
    assert VIP.applies_to(i)  # without an instant: after the whole log
    assert POLICIES.policy_for(i, at=T) is STANDARD


def test_a_ticket_without_priority_gets_only_targets_set_for_none() -> None:
    i = ticket(priority="none")
    assert evaluate(i, POLICIES, as_of=T.add(hours=1)).clocks == ()
    vip = ticket(priority="none", tags=["vip"])
    clock = evaluate(vip, POLICIES, as_of=T.add(hours=1)).clocks[0]
    assert (clock.policy, clock.target.within) == ("VIP", pendulum.duration(minutes=45))
    raised = ticket(PriorityChange(at=T.add(minutes=5), priority="normal"), priority="none")
    assert evaluate(raised, POLICIES, as_of=T.add(hours=1)).clocks[0].target.within == (
        pendulum.duration(hours=8)
    )


VENDOR = PolicySet(policies=[VIP, RETURNS, STANDARD], selection="vendor")


def test_vendor_selection_uses_the_policy_the_helpdesk_applied_whatever_the_conditions() -> None:
    i = ticket(PolicyApplied(at=T, policy="Returns"), tags=["vip"])
    assert evaluate(i, POLICIES, as_of=T.add(hours=1)).policy == "VIP"
    result = evaluate(i, VENDOR, as_of=T.add(hours=1))
    assert result.policy == "Returns"
    assert result.clocks[0].target.within == pendulum.duration(hours=2)
    assert VENDOR.selection is Selection.VENDOR


def test_vendor_selection_without_a_record_applies_no_policy() -> None:
    assert evaluate(ticket(), VENDOR, as_of=T.add(hours=1)).clocks == ()


def test_a_vendor_policy_change_applies_from_its_instant_and_none_removes_it() -> None:
    i = ticket(
        PolicyApplied(at=T, policy="Standard"),
        PolicyApplied(at=T.add(hours=1), policy="VIP"),
        PolicyApplied(at=T.add(hours=3), policy=None),
    )
    assert evaluate(i, VENDOR, as_of=T.add(minutes=30)).policy == "Standard"
    assert evaluate(i, VENDOR, as_of=T.add(hours=2)).clocks[0].breached
    assert evaluate(i, VENDOR, as_of=T.add(hours=4)).clocks == ()


def test_an_unknown_vendor_policy_is_refused_by_name() -> None:
    i = ticket(PolicyApplied(at=T, policy="Platinum"))
    with pytest.raises(
        ValidationError,
        match="'policy' must name a policy of the policy set "
        r"\(got 'Platinum', applied at 2024-06-10T09:00:00\+00:00\)",
    ) as caught:
        evaluate(i, VENDOR, as_of=T.add(hours=1))
    assert (caught.value.field, caught.value.value) == ("policy", "Platinum")
    # under conditions the vendor's record is not read, so it cannot fail
    assert evaluate(i, POLICIES, as_of=T.add(hours=1)).policy == "Standard"
