"""Effective-dated calendars and policies: an edit does not rewrite history; as then and as now."""

from __future__ import annotations

import pendulum
import pytest

from servicemodel import Interaction, Message
from servicemodel.exceptions import ValidationError
from servicemodel.sla import (
    BusinessCalendar,
    DatedCalendar,
    History,
    PolicySet,
    SlaPolicy,
    Target,
    dump_policies,
    evaluate,
)

NINE_TO_FIVE = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
EIGHT_TO_SIX = BusinessCalendar.weekly("UTC", {"mon-fri": "08:00-18:00"})
EDIT = pendulum.datetime(2024, 6, 12)  # Wednesday 00:00 UTC: the hours were widened
OFFICE = DatedCalendar(versions={pendulum.datetime(2024, 1, 1): NINE_TO_FIVE, EDIT: EIGHT_TO_SIX})
MON = pendulum.datetime(2024, 6, 10, 8)


def ticket(created: pendulum.DateTime, *events: object) -> Interaction:
    return Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        created_at=created,
        events=events,  # type: ignore[arg-type]
    )


def calendar_policies(history: str) -> PolicySet:
    target = Target(metric="resolution", within=pendulum.duration(hours=40), calendar="office")
    return PolicySet(
        policies=[SlaPolicy(name="All", targets={"normal": [target]})],
        calendars={"office": OFFICE},
        history=history,
    )


def test_a_dated_calendar_counts_each_instant_on_the_version_then_in_force() -> None:
    # Mon and Tue on 9-17 (16h), Wed on 8-18 (10h)
    assert OFFICE.elapsed(MON, MON.add(days=2, hours=16)) == pendulum.duration(hours=26)
    assert OFFICE.add(MON, pendulum.duration(hours=17)) == pendulum.datetime(2024, 6, 12, 9)
    assert OFFICE.version_at(EDIT) is EIGHT_TO_SIX
    assert OFFICE.version_at(EDIT.subtract(microseconds=1)) is NINE_TO_FIVE


def test_as_then_and_as_now_differ_only_for_time_before_the_edit() -> None:
    i = ticket(MON)
    as_of = pendulum.datetime(2024, 6, 12, 18)
    then = evaluate(i, calendar_policies("as_then"), as_of=as_of).clocks[0]
    now = evaluate(i, calendar_policies("as_now"), as_of=as_of).clocks[0]
    assert then.business_elapsed == pendulum.duration(hours=26)
    assert now.business_elapsed == pendulum.duration(hours=30)  # Mon and Tue on 8-18 too
    before = pendulum.datetime(2024, 6, 11, 18)  # evaluated before the edit: both agree
    assert (
        evaluate(i, calendar_policies("as_then"), as_of=before).clocks[0].business_elapsed
        == evaluate(i, calendar_policies("as_now"), as_of=before).clocks[0].business_elapsed
        == pendulum.duration(hours=16)
    )
    assert calendar_policies("as_now").history is History.AS_NOW


def first_reply(hours: int) -> list[Target]:
    return [Target(metric="first_reply", within=pendulum.duration(hours=hours))]


V1 = SlaPolicy(name="Standard", targets={"normal": first_reply(8)})
V2 = SlaPolicy(name="Standard", targets={"normal": first_reply(4)}, effective_from=EDIT)


def test_a_policy_edit_applies_from_its_instant_and_keeps_the_targets_before_it() -> None:
    before = ticket(MON, Message(at=MON.add(hours=6), author="agent"))
    after = ticket(EDIT.add(hours=8), Message(at=EDIT.add(hours=14), author="agent"))
    ps = PolicySet(policies=[V1, V2])
    assert not evaluate(before, ps, as_of=EDIT.add(days=2)).clocks[0].breached
    assert evaluate(after, ps, as_of=EDIT.add(days=2)).clocks[0].breached
    as_now = PolicySet(policies=[V1, V2], history="as_now")
    assert evaluate(before, as_now, as_of=EDIT.add(days=2)).clocks[0].breached
    # as of an instant before the edit, "now" is still the first version
    assert not evaluate(before, as_now, as_of=MON.add(hours=7)).clocks[0].breached


def test_an_open_clock_takes_the_new_version_when_the_edit_arrives() -> None:
    running = ticket(EDIT.subtract(hours=2))
    ps = PolicySet(policies=[V1, V2])
    assert evaluate(running, ps, as_of=EDIT.subtract(minutes=1)).clocks[0].target.within == (
        pendulum.duration(hours=8)
    )
    assert evaluate(running, ps, as_of=EDIT.add(hours=3)).clocks[0].target.within == (
        pendulum.duration(hours=4)
    )


def test_a_policy_that_starts_later_does_not_apply_before_it_starts() -> None:
    vip = SlaPolicy(name="New", targets={"normal": first_reply(1)}, effective_from=EDIT)
    ps = PolicySet(policies=[vip, V1])
    early = ticket(MON, Message(at=MON.add(hours=2), author="agent"))
    assert evaluate(early, ps, as_of=MON.add(hours=3)).policy == "Standard"
    late = ticket(EDIT.add(hours=1))
    assert evaluate(late, ps, as_of=EDIT.add(hours=2)).policy == "New"
    assert ps.policy_for(early, at=MON) is V1
    assert ps.policy_for(early) is vip  # without an instant: the latest versions


def test_versions_need_distinct_instants_and_calendars_need_versions() -> None:
    with pytest.raises(ValidationError, match="'policies' must give each version of 'Standard'"):
        PolicySet(policies=[V2, V2])
    with pytest.raises(ValidationError, match="'policies' must have unique names"):
        PolicySet(policies=[V1, V1])
    with pytest.raises(ValidationError, match="'versions' must hold at least one calendar"):
        DatedCalendar(versions={})
    with pytest.raises(ValidationError, match="'versions' must give each version its own instant"):
        DatedCalendar(versions=[(EDIT, NINE_TO_FIVE), (EDIT.in_tz("Europe/Paris"), EIGHT_TO_SIX)])
    with pytest.raises(ValidationError, match="'versions' must map instants to BusinessCalendar"):
        DatedCalendar(versions={EDIT: "office"})
    with pytest.raises(ValidationError, match="'effective_from'"):
        SlaPolicy(name="Naive", effective_from=pendulum.naive(2024, 1, 1))


def test_what_a_policy_document_cannot_hold_is_refused_when_writing() -> None:
    with pytest.raises(ValidationError, match="'effective_from' cannot be written"):
        dump_policies(PolicySet(policies=[V1, V2]))
    with pytest.raises(ValidationError, match="'history' cannot be written"):
        dump_policies(PolicySet(policies=[V1], history="as_now"))
    with pytest.raises(ValidationError, match="'calendars' must hold weekly BusinessCalendar"):
        dump_policies(calendar_policies("as_then"))
