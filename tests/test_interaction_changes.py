"""Tags, fields and schedules that change while a ticket is open; vendor SLA stamps; no priority."""

from __future__ import annotations

import json

import pendulum
import pytest
from hypothesis import given

from servicemodel import (
    FieldChange,
    Interaction,
    PolicyApplied,
    Priority,
    PriorityChange,
    ScheduleChange,
    StatusChange,
    TagChange,
    TargetApplied,
)
from servicemodel.exceptions import ValidationError
from servicemodel.io import _codec
from servicemodel.io._decoder import decode_interaction
from servicemodel.testing import interactions

T = pendulum.datetime(2024, 6, 10, 9, tz="Europe/London")


def ticket(*events: object, **fields: object) -> Interaction:
    return Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        created_at=T,
        events=events,  # type: ignore[arg-type]
        **fields,
    )


def test_tags_at_applies_changes_up_to_and_including_the_instant() -> None:
    i = ticket(
        TagChange(at=T.add(hours=1), added=["vip"]),
        TagChange(at=T.add(hours=2), added=["billing"], removed=["vip", "absent"]),
        tags=["new"],
    )
    assert i.tags_at(T) == {"new"}
    assert i.tags_at(T.add(minutes=59)) == {"new"}
    assert i.tags_at(T.add(hours=1)) == {"new", "vip"}
    assert i.tags_at(T.add(hours=5)) == {"new", "billing"}
    assert i.tags == {"new"}  # the tags at creation


def test_attributes_at_sets_changes_and_clears_fields() -> None:
    i = ticket(
        FieldChange(at=T.add(hours=1), name="form", value="returns"),
        FieldChange(at=T.add(hours=2), name="brand", value="acme"),
        FieldChange(at=T.add(hours=3), name="form"),
        attributes={"form": "general"},
    )
    assert i.attributes_at(T) == (("form", "general"),)
    assert i.attributes_at(T.add(hours=1)) == (("form", "returns"),)
    assert i.attributes_at(T.add(hours=2)) == (("brand", "acme"), ("form", "returns"))
    assert i.attributes_at(T.add(hours=3)) == (("brand", "acme"),)


def test_schedule_at_is_the_last_schedule_change() -> None:
    i = ticket(
        ScheduleChange(at=T, schedule="north"),
        ScheduleChange(at=T.add(hours=4), schedule="south"),
    )
    assert i.schedule_at(T) == "north"
    assert i.schedule_at(T.add(hours=3, minutes=59)) == "north"
    assert i.schedule_at(T.add(hours=4)) == "south"
    assert ticket().schedule_at(T) is None


@given(interactions())
def test_without_changes_the_facts_at_any_instant_are_the_creation_facts(i: Interaction) -> None:
    end = i.events[-1].at if i.events else i.created_at
    for at in (i.created_at, end):
        assert i.tags_at(at) == i.tags
        assert i.attributes_at(at) == i.attributes
        assert i.schedule_at(at) is None


@given(interactions(routing=True))
def test_tags_at_folds_the_changes_in_order(i: Interaction) -> None:
    tags = i.tags
    for event in i.events:
        if isinstance(event, TagChange):
            tags = (tags | event.added) - event.removed
    end = i.events[-1].at if i.events else i.created_at
    assert i.tags_at(end) == tags


def test_a_tag_change_must_change_something_and_not_both_ways() -> None:
    with pytest.raises(ValidationError, match="'added' or 'removed' must name at least one tag"):
        TagChange(at=T)
    with pytest.raises(ValidationError, match="'removed' must not name a tag that is also added"):
        TagChange(at=T, added=["x", "y"], removed=["y"])
    with pytest.raises(ValidationError, match="'added' must be a collection of strings"):
        TagChange(at=T, added="vip")


def test_field_change_names_a_field_and_holds_text_or_none() -> None:
    with pytest.raises(ValidationError, match="'name' must be a non-empty string"):
        FieldChange(at=T, name="", value="x")
    with pytest.raises(ValidationError, match="'value' must be a string, or None"):
        FieldChange(at=T, name="form", value=3)  # type: ignore[arg-type]


def test_vendor_stamps_check_their_fields() -> None:
    with pytest.raises(ValidationError, match="'policy' must be a non-empty string"):
        PolicyApplied(at=T, policy="")
    with pytest.raises(ValidationError, match="'within'"):
        TargetApplied(at=T, metric="next_reply", within=pendulum.duration())
    with pytest.raises(ValidationError, match="'schedule' must be a non-empty string"):
        ScheduleChange(at=T, schedule=" ")


def test_nothing_but_a_rating_follows_the_close_not_even_a_tag_change() -> None:
    with pytest.raises(ValidationError, match=r"'events\[1\]' must not follow the close"):
        ticket(
            StatusChange(at=T.add(hours=1), status="closed"),
            TagChange(at=T.add(hours=2), added=["late"]),
        )


def test_a_ticket_may_have_no_priority_and_get_one_later() -> None:
    i = ticket(PriorityChange(at=T.add(hours=1), priority="high"), priority="none")
    assert i.priority is Priority.NONE
    assert i.priority_at(T) is Priority.NONE
    assert i.current_priority() is Priority.HIGH
    assert Priority.NONE.rank < Priority.LOW.rank
    with pytest.raises(ValidationError, match="must change the priority"):
        ticket(PriorityChange(at=T, priority="none"), priority="none")


def test_changes_and_stamps_round_trip_through_json_lines() -> None:
    i = ticket(
        ScheduleChange(at=T, schedule="north"),
        PolicyApplied(at=T, policy="Gold"),
        TargetApplied(
            at=T, metric="first_reply", within=pendulum.duration(hours=1), calendar="@schedule"
        ),
        TagChange(at=T.add(hours=1), added=["vip"]),
        FieldChange(at=T.add(hours=1), name="form", value="returns"),
        FieldChange(at=T.add(hours=2), name="form"),
        PolicyApplied(at=T.add(hours=2), policy=None),
        priority="none",
    )
    record = json.loads(json.dumps(_codec.encode_interaction(i)))
    assert record["events"][2] == {
        "type": "target_applied",
        "at": "2024-06-10T09:00:00+01:00",
        "metric": "first_reply",
        "within": "PT1H",
        "calendar": "@schedule",
    }
    assert record["events"][5] == {
        "type": "field_change",
        "at": "2024-06-10T11:00:00+01:00",
        "name": "form",
        "value": None,
    }
    back = decode_interaction(record)
    assert back == i
    assert [type(e) for e in back.events] == [type(e) for e in i.events]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"type": "tag_change"}, "'events[0].added' or 'removed' must name at least one tag"),
        ({"type": "tag_change", "added": "vip"}, "'events[0].added' must be a list of strings"),
        ({"type": "field_change", "value": "x"}, "'events[0].name' is required"),
        ({"type": "field_change", "name": "form"}, "'events[0].value' is required"),
        ({"type": "schedule_change"}, "'events[0].schedule' is required"),
        ({"type": "policy_applied", "policy": 7}, "'events[0].policy' must be a non-empty string"),
        ({"type": "target_applied", "within": "PT1H"}, "'events[0].metric' is required"),
        ({"type": "target_applied", "metric": "next_reply", "within": "P1M"}, "'events[0].within'"),
        (
            {"type": "schedule_change", "schedule": "x", "zone": "y"},
            "'events[0].zone' is not a field",
        ),
    ],
)
def test_bad_change_records_name_the_field(event: dict[str, object], message: str) -> None:
    record = {
        "id": "T-1",
        "customer_id": "C-1",
        "channel": "email",
        "created_at": "2024-06-10T09:00:00Z",
        "events": [{"at": "2024-06-10T09:00:00Z", **event}],
    }
    with pytest.raises(ValidationError) as caught:
        decode_interaction(record)
    assert str(caught.value).startswith(message)
