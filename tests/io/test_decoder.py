"""The interaction decoder: it restores what was written, and accepts only valid values."""

from __future__ import annotations

import copy
import json
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel import Interaction
from servicemodel._log._facts import log_created_us, log_event_us
from servicemodel._time import to_micros
from servicemodel.exceptions import ValidationError
from servicemodel.io import _codec
from servicemodel.io._decoder import InteractionDecoder, decode_interaction
from servicemodel.testing import interactions


def same(a: Interaction, b: Interaction) -> None:
    assert a == b
    assert a.created_at.utcoffset() == b.created_at.utcoffset()
    # The instants the decoder read as integers are the values' own.
    assert log_created_us(a) == to_micros(a.created_at)
    assert log_event_us(a) == tuple(to_micros(e.at) for e in a.events)
    for x, y in zip(a.events, b.events, strict=True):
        assert type(x) is type(y)
        assert x == y
        assert type(x.at) is pendulum.DateTime
        assert x.at.utcoffset() == y.at.utcoffset()


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@given(interactions() | interactions(routing=True))
def test_a_written_interaction_reads_back_the_same(interaction: Interaction) -> None:
    record = json.loads(json.dumps(_codec.encode_interaction(interaction)))
    decoder = InteractionDecoder()
    same(decoder.decode(record), interaction)
    same(decoder.decode(copy.deepcopy(record)), interaction)  # again, with what it has seen


def rebuilt(interaction: Interaction) -> Interaction:
    """The same values, built again through the classes' own constructors and rules."""
    events = [
        type(e)(**{f.name: getattr(e, f.name) for f in attrs.fields(type(e))})
        for e in interaction.events
    ]
    fields = {f.name: getattr(interaction, f.name) for f in attrs.fields(Interaction)}
    return Interaction(**{**fields, "events": events})


_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 12),
    st.sampled_from(
        [
            "",
            " x",
            "new",
            "closed",
            "solved",
            "open",
            "urgent",
            "low",
            "chat",
            "fax",
            "agent",
            "bot",
            "private",
            "message",
            "status_change",
            "priority_change",
            "assignment",
            "satisfaction",
            "PT5M",
            "-PT5M",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00Z",
            "1999-01-01T00:00:00+01:00",
            "Europe/London",
            "Mars/Base",
        ]
    ),
    st.lists(st.sampled_from(["a", "", " b"]), max_size=2),
    st.dictionaries(st.sampled_from(["a", ""]), st.sampled_from(["x", 1]), max_size=2),
)


@st.composite
def mutated_records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(
        json.dumps(_codec.encode_interaction(draw(interactions(max_events=6))))
    )
    for _ in range(draw(st.integers(1, 3))):
        target: Any = record
        events = record.get("events")
        if not isinstance(events, list):
            events = []
        dicts = [e for e in events if isinstance(e, dict)]
        if len(dicts) > 0 and draw(st.booleans()):
            target = dicts[draw(st.integers(0, len(dicts) - 1))]
        action = draw(st.sampled_from(["set", "delete", "add", "swap"]))
        keys = sorted(target)
        if action == "set" and keys:
            target[draw(st.sampled_from(keys))] = draw(_JUNK)
        elif action == "delete" and keys:
            del target[draw(st.sampled_from(keys))]
        elif action == "add":
            target[draw(st.sampled_from(["extra", "score", "status", "work", "timezone"]))] = draw(
                _JUNK
            )
        elif action == "swap" and len(events) > 1:
            i = draw(st.integers(0, len(events) - 2))
            events[i], events[i + 1] = events[i + 1], events[i]
    return record


@given(mutated_records())
def test_the_decoder_accepts_only_valid_interactions(record: dict[str, Any]) -> None:
    check_judged(record)


_SINGLE_JUNK = [
    None,
    True,
    0,
    6,
    -1,
    "",
    " x",
    "new",
    "closed",
    "urgent",
    "fax",
    "bot",
    "PT5M",
    "-PT5M",
    "2024-01-01T00:00:00",
    "1999-01-01T00:00:00+01:00",
    "Mars/Base",
    ["a", ""],
    {"": "x"},
]


def check_judged(record: dict[str, Any], decoder: InteractionDecoder | None = None) -> None:
    """A record is refused with a field-named error, or read into a valid interaction."""
    try:
        decoded = (decoder or InteractionDecoder()).decode(copy.deepcopy(record))
    except ValidationError:
        with pytest.raises(ValidationError) as fresh:  # a fresh decoder refuses it too
            decode_interaction(copy.deepcopy(record))
        assert fresh.value.field, record  # naming the field
        return
    same(rebuilt(decoded), decoded)  # every class rule holds for what was accepted


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@settings(max_examples=25)
@given(interactions(max_events=5))
def test_every_single_field_mutation_is_refused_or_valid(interaction: Interaction) -> None:
    base = json.loads(json.dumps(_codec.encode_interaction(interaction)))
    decoder = InteractionDecoder()
    decoder.decode(base)  # the decoder has now seen the record's zones, ids and durations
    places: list[tuple[Any, ...]] = [(k,) for k in [*sorted(base), "extra"]]
    for index, event in enumerate(base["events"]):
        places += [("events", index, k) for k in [*sorted(event), "extra", "score", "status"]]
    for place in places:
        for junk in _SINGLE_JUNK:
            record = copy.deepcopy(base)
            target = record
            for step in place[:-1]:
                target = target[step]
            target[place[-1]] = junk
            check_judged(record, decoder)


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"type": "message", "author": "agent", "author_id": ["A-1"]}, "events[0].author_id"),
        ({"type": "assignment", "agent_id": ["A-1"]}, "events[0].agent_id"),
        ({"type": "assignment", "agent_id": "A-1", "group": {"g": 1}}, "events[0].group"),
    ],
)
def test_an_unhashable_id_is_named_by_its_field(event: dict[str, Any], field: str) -> None:
    record = {
        "id": "T-1",
        "customer_id": "C-1",
        "channel": "chat",
        "created_at": "2024-06-10T09:00:00Z",
        "events": [{"at": "2024-06-10T09:00:00Z", **event}],
    }
    decoder = InteractionDecoder()
    decoder.decode({**record, "events": []})  # the decoder has met "T-1" and "C-1"
    with pytest.raises(ValidationError, match="must be a non-empty string") as caught:
        decoder.decode(record)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("timezone", "created", "ats", "refused"),
    [
        # London's repeated hour: 01:50 BST, then 01:10 GMT (40 minutes later).
        ("Europe/London", "2024-10-27T00:50:00+01:00",
         ["2024-10-27T01:50:00+01:00", "2024-10-27T01:10:00+00:00"], None),
        ("Europe/London", "2024-10-27T00:50:00+01:00",
         ["2024-10-27T01:10:00+00:00", "2024-10-27T01:50:00+01:00"], "events[1].at"),
        # 01:30+00:00 on the day the clocks go forward (a wall time that is skipped,
        # read in the offset written), then 02:10 BST = 01:10 UTC: 20 minutes earlier.
        ("Europe/London", "2024-03-31T00:30:00+00:00",
         ["2024-03-31T01:30:00+00:00", "2024-03-31T02:10:00+01:00"], "events[1].at"),
        ("Europe/London", "2024-03-31T00:30:00+00:00",
         ["2024-03-31T02:10:00+01:00", "2024-03-31T01:30:00+00:00"], None),
        # Fixed offsets: 09:00+02:00 is 07:00 UTC.
        (None, "2024-06-10T09:00:00+02:00",
         ["2024-06-10T07:30:00+00:00", "2024-06-10T09:40:00+02:00"], None),
        (None, "2024-06-10T09:00:00+02:00",
         ["2024-06-10T07:30:00+00:00", "2024-06-10T09:20:00+02:00"], "events[1].at"),
        (None, "2024-06-10T09:00:00+02:00", ["2024-06-10T06:59:59+00:00"], "events[0].at"),
    ],
)  # fmt: skip
def test_events_are_ordered_by_instant_whatever_offsets_they_are_written_in(
    timezone: str | None, created: str, ats: list[str], refused: str | None
) -> None:
    record: dict[str, Any] = {
        "id": "T-1",
        "customer_id": "C-1",
        "channel": "chat",
        "created_at": created,
        "events": [
            {"type": "message", "at": at, "author": "customer", "visibility": "public"}
            for at in ats
        ],
    }
    if timezone is not None:
        record["timezone"] = timezone
    if refused is None:
        decoded = decode_interaction(record)
        same(rebuilt(decoded), decoded)
        seconds = [e.at.timestamp() for e in decoded.events]  # (zone fields would mislead)
        assert seconds == sorted(seconds)
    else:
        with pytest.raises(ValidationError, match="must not be before") as caught:
            decode_interaction(record)
        assert caught.value.field == refused


def test_a_long_tag_met_before_does_not_pass_as_an_id() -> None:
    # A tag has no length bound; an id has one. A decoder remembers the names it
    # checked, each by its own rule.
    long = "x" * 300
    decoder = InteractionDecoder()
    opening = {"customer_id": "C-1", "channel": "chat", "created_at": "2024-06-10T09:00:00Z"}
    assert decoder.decode({"id": "T-1", "tags": [long], **opening}).tags == {long}
    reply = {"type": "message", "at": "2024-06-10T09:00:00Z", "author": "agent"}
    with pytest.raises(ValidationError, match="must be at most 256 characters") as caught:
        decoder.decode({"id": "T-2", "events": [{**reply, "author_id": long}], **opening})
    assert caught.value.field == "events[0].author_id"


_AT = "2024-06-10T09:00:00Z"


@pytest.mark.parametrize(
    "event",
    [
        {"type": "message", "at": _AT, "author": "agent", "note": "x"},
        {"type": "message", "at": "yesterday", "author": "agent", "note": "x"},
        {"type": "message", "at": _AT, "author": "agent", "work": "soon", "note": "x"},
        {"type": "message", "at": _AT, "author_id": None, "work": None, "note": "x"},
        {"type": "status_change", "at": _AT, "status": "open", "note": "x"},
        {"type": "status_change", "at": _AT, "note": "x"},
        {"type": "status_change", "at": _AT, "status": "new", "note": "x"},
        {"type": "assignment", "at": _AT, "agent_id": " A", "note": "x"},
        {"type": "priority_change", "at": _AT, "priority": "normal", "note": "x"},
        {"type": "satisfaction", "at": _AT, "score": 9, "note": "x"},
        {"type": "tag_change", "at": _AT, "added": "vip", "note": "x"},
    ],
)
def test_a_key_not_of_the_events_kind_is_reported_before_its_other_problems(
    event: dict[str, Any],
) -> None:
    record = {"id": "T-1", "customer_id": "C-1", "channel": "chat", "created_at": _AT}
    with pytest.raises(ValidationError, match=r"'events\[0\]\.note' is not a field of") as info:
        decode_interaction({**record, "events": [event]})
    assert (info.value.field, info.value.value) == ("events[0].note", "x")


def test_an_explicit_null_is_a_key_of_the_events_kind() -> None:
    record = {"id": "T-1", "customer_id": "C-1", "channel": "chat", "created_at": _AT}
    events = [
        {"type": "message", "at": _AT, "author": "agent", "author_id": None, "work": None},
        {"type": "assignment", "at": _AT, "agent_id": None, "group": "g"},
    ]
    read = decode_interaction({**record, "events": events})
    assert [getattr(e, "author_id", None) for e in read.events] == [None, None]


def test_an_event_given_as_a_read_only_mapping_is_refused_an_unknown_key_too() -> None:
    from types import MappingProxyType

    record = {"id": "T-1", "customer_id": "C-1", "channel": "chat", "created_at": _AT}
    event = MappingProxyType({"type": "status_change", "at": _AT, "status": "open", "note": "x"})
    with pytest.raises(ValidationError, match=r"'events\[0\]\.note' is not a field of") as info:
        decode_interaction({**record, "events": [event]})
    assert info.value.field == "events[0].note"
