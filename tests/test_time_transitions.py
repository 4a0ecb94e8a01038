"""Timestamps read in a record's zone next to its changes of offset (gaps and repeated hours)."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel._time import ZONES, ZoneStretches, read_instant

#: Zones whose changes of offset the property visits: an hour at 01:00 UTC (London,
#: Lisbon), the Americas' 02:00 local, the southern hemisphere's, Lord Howe's half
#: hour, Chatham's 45-minute offsets, and a standard time with negative DST (Dublin).
ZONE_NAMES = (
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Dublin",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/St_Johns",
)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_HOUR_US = 3_600_000_000
_FROM, _TO = 0, 4_102_444_800_000_000  # 1970-2100: changes on the tz database's rules


@cache
def _changes(name: str) -> tuple[tuple[int, int, int], ...]:
    """(instant, offset before, offset after) of each change of *name*'s offset, 1970-2100."""
    table = ZONES.offsets(name)
    times, offsets = table.times, table.offsets
    return tuple(
        (times[k], offsets[k - 1], offsets[k])
        for k in range(1, len(times))
        if _FROM <= times[k] < _TO
    )


def _text(micros: int, offset_us: int, zulu: bool) -> str:
    """The instant *micros* written at a UTC offset, as a writer (or another system) would."""
    at = (_EPOCH + dt.timedelta(microseconds=micros)).astimezone(
        dt.timezone(dt.timedelta(microseconds=offset_us))
    )
    text = at.isoformat()
    return text.replace("+00:00", "Z") if zulu else text


def _shown(micros: int, name: str) -> pendulum.DateTime:
    """The correct value: the instant as pendulum shows it in the zone."""
    return pendulum.instance(_EPOCH + dt.timedelta(microseconds=micros)).in_timezone(name)


def _fields(value: dt.datetime) -> tuple[object, ...]:
    return (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        value.fold,
        value.utcoffset(),
    )


@st.composite
def readings(draw: st.DrawFn, name: str) -> tuple[int, int, bool]:
    """An instant near one of the zone's changes, and an offset to write it at."""
    instant, before, after = draw(st.sampled_from(_changes(name)))
    shift = draw(st.integers(-3 * _HOUR_US, 3 * _HOUR_US - 1))
    micros = (
        instant + shift // 1_000_000 * 1_000_000 + draw(st.sampled_from((0, shift % 1_000_000)))
    )
    own = _shown(micros, name).utcoffset()
    assert own is not None
    offset_us = draw(
        st.sampled_from((0, own // dt.timedelta(microseconds=1), before, after))
        | st.integers(-14 * 4, 14 * 4).map(lambda quarters: quarters * 900_000_000)
    )
    return micros, offset_us, draw(st.booleans())


@given(st.data(), st.sampled_from(ZONE_NAMES))
def test_an_instant_near_a_change_of_offset_is_read_as_its_zone_shows_it(
    data: st.DataObject, name: str
) -> None:
    # Several readings in turn with one zone table, as a reader does (the stretch found
    # for one reading is asked first for the next): each is the instant written, shown in
    # the record's zone exactly as pendulum shows it, field by field, fold and offset too.
    table = ZONES.stretches(name)
    for micros, offset_us, zulu in data.draw(st.lists(readings(name), min_size=1, max_size=6)):
        text = _text(micros, offset_us, zulu)
        expected = _shown(micros, name)
        at, read_us = read_instant(text, table, {}, "at")
        assert read_us == micros, text
        assert at.tzinfo is table.tz
        assert _fields(at) == _fields(expected), text
        assert at == expected, text  # one zone: compared by wall clock and fold
        assert at.isoformat() == expected.isoformat()


@given(
    st.sampled_from(ZONE_NAMES),
    st.integers(1_700_000_000, 1_800_000_000),
    st.lists(st.tuples(st.integers(-400 * 86_400, 400 * 86_400), st.booleans()), max_size=12),
)
def test_instants_months_apart_read_in_turn_are_each_read_as_their_zone_shows_them(
    name: str, middle: int, moves: list[tuple[int, bool]]
) -> None:
    # A reader's instants jump back and forth over months (the stretches of the days
    # scanned for one join those of the days next to them): each, written in UTC or at
    # its zone's own offset, is still the instant as its zone shows it.
    table = ZONES.stretches(name)
    for seconds, zulu in moves:
        micros = (middle + seconds) * 1_000_000
        expected = _shown(micros, name)
        own = expected.utcoffset()
        assert own is not None
        text = _text(micros, 0 if zulu else own // dt.timedelta(microseconds=1), zulu)
        at, read_us = read_instant(text, table, {}, "at")
        assert (read_us, _fields(at)) == (micros, _fields(expected)), text


LONDON = ZONES.stretches("Europe/London")


@pytest.mark.parametrize(
    ("text", "hour", "offset_hours"),
    [
        ("2024-03-31T00:59:59Z", 0, 0),  # the last second of GMT
        ("2024-03-31T01:00:00Z", 2, 1),  # the clocks go forward: 02:00 BST
        ("2024-03-31T01:30:00Z", 2, 1),
        ("2024-03-31T01:30:00+00:00", 2, 1),
        ("2024-03-31T01:59:59Z", 2, 1),
    ],
)
def test_utc_text_in_londons_spring_forward_hour_reads_as_british_summer_time(
    text: str, hour: int, offset_hours: int
) -> None:
    # 01:00-02:00 GMT never shows on a London clock on 31 March 2024: UTC text in that
    # hour is 02:00-03:00 BST. Read as written it would be a 01:30 that never was, one
    # hour off and unequal to the right value (one zone: compared by wall clock).
    at, micros = read_instant(text, LONDON, {}, "at")
    expected = pendulum.parse(text).in_timezone("Europe/London")  # type: ignore[union-attr]
    assert (at.hour, at.utcoffset()) == (hour, dt.timedelta(hours=offset_hours))
    assert (at.minute, at.second, at.fold) == (expected.minute, expected.second, 0)
    assert at == expected
    assert micros == pendulum.parse(text).int_timestamp * 1_000_000  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("2024-03-31T01:30:00Z", "Europe/Lisbon", "2024-03-31T02:30:00+01:00"),
        ("2024-03-31T01:30:00Z", "Europe/Dublin", "2024-03-31T02:30:00+01:00"),
        # At the offset from before the gap, in any zone: 02:30 EST is 03:30 EDT.
        ("2024-03-10T02:30:00-05:00", "America/New_York", "2024-03-10T03:30:00-04:00"),
        # Lord Howe goes forward half an hour: 02:15 at +10:30 is 02:45 at +11:00.
        ("2024-10-06T02:15:00+10:30", "Australia/Lord_Howe", "2024-10-06T02:45:00+11:00"),
        # Chatham goes forward an hour from 02:45 at +12:45.
        ("2024-09-29T03:00:00+12:45", "Pacific/Chatham", "2024-09-29T04:00:00+13:45"),
    ],
)
def test_text_at_the_offset_before_a_gap_is_read_past_the_gap(
    text: str, name: str, expected: str
) -> None:
    at, _ = read_instant(text, ZONES.stretches(name), {}, "at")
    assert at.isoformat() == expected
    assert at == pendulum.parse(expected)


@pytest.mark.parametrize(
    ("text", "fold"),
    [
        ("2024-10-27T01:30:00+01:00", 0),  # 01:30 BST: the first time
        ("2024-10-27T00:30:00Z", 0),
        ("2024-10-27T01:30:00+00:00", 1),  # 01:30 GMT: the second time
        ("2024-10-27T01:30:00Z", 1),
        ("2024-10-27T01:59:59.999999Z", 1),
        ("2024-10-27T02:00:00Z", 0),  # 02:00 GMT: once only
    ],
)
def test_londons_repeated_hour_keeps_its_fold_for_either_offset(text: str, fold: int) -> None:
    # In the hour the clocks go back, 01:00-02:00 shows twice: at +01:00 first (fold 0),
    # then at +00:00 (fold 1). Both readings keep the instant and say which pass they are.
    at, micros = read_instant(text, LONDON, {}, "at")
    expected = pendulum.parse(text).in_timezone("Europe/London")  # type: ignore[union-attr]
    assert at.fold == expected.fold == fold
    assert (at.hour, at.minute, at.utcoffset()) == (
        expected.hour,
        expected.minute,
        expected.utcoffset(),
    )
    assert at == expected
    assert micros == int(pendulum.parse(text).timestamp() * 1_000_000)  # type: ignore[union-attr]


def test_readings_on_both_sides_of_a_change_in_turn_each_read_their_own_offset() -> None:
    # One table read in turn on both sides of a change, back and forth (a record opened
    # before the clocks go forward and answered after): each reading its own offset.
    table = ZONES.stretches("Europe/Lisbon")
    texts = ["2024-03-31T00:30:00Z", "2024-03-31T01:30:00Z", "2024-03-31T00:30:00Z"]
    texts += ["2024-03-31T02:30:00+01:00", "2024-03-31T01:30:00Z", "2024-03-31T00:59:59Z"]
    shown = [read_instant(text, table, {}, "at")[0].isoformat() for text in texts]
    assert shown == [
        "2024-03-31T00:30:00+00:00",
        "2024-03-31T02:30:00+01:00",
        "2024-03-31T00:30:00+00:00",
        "2024-03-31T02:30:00+01:00",
        "2024-03-31T02:30:00+01:00",
        "2024-03-31T00:59:59+00:00",
    ]


_DAY_US = 86_400_000_000


def _wall_micros(value: dt.datetime) -> int:
    """The fields of *value* (any datetime: pendulum's too) as micros from 1970-01-01 00:00."""
    days = value.toordinal() - _EPOCH.toordinal()
    seconds = days * 86_400 + value.hour * 3_600 + value.minute * 60 + value.second
    return seconds * 1_000_000 + value.microsecond


class _Shifting(dt.tzinfo):
    """A made-up zone (PEP 495 folds) whose clocks go back two hours at 23:00 UTC every third day.

    From 1 June 2024, each cycle of three days j: +02:00 from day 3j 06:00 UTC, back to
    +00:00 on day 3j+1 at 23:00 UTC (so 23:00-01:00 shows twice, the second time across
    a midnight UTC), forward again on day 3j+3 at 06:00. Sixteen cycles repeat the
    second pass across midnights 3j+2, every residue of 16 days, so across the start of
    whatever run of days the reader scans a zone by.
    """

    def __init__(self) -> None:
        first = (dt.datetime(2024, 6, 1, tzinfo=dt.UTC) - _EPOCH) // dt.timedelta(microseconds=1)
        #: (instant, offset from then on), in micros; +00:00 before the first.
        self.changes: list[tuple[int, int]] = []
        for j in range(16):
            day = first + 3 * j * _DAY_US
            self.changes.append((day + 6 * _HOUR_US, 2 * _HOUR_US))
            self.changes.append((day + _DAY_US + 23 * _HOUR_US, 0))

    def _offset_at(self, micros: int) -> int:
        offset = 0
        for instant, after in self.changes:
            if instant > micros:
                break
            offset = after
        return offset

    def fromutc(self, value: dt.datetime) -> dt.datetime:
        micros = _wall_micros(value)
        offset = self._offset_at(micros)
        # The second pass: less than two hours after a change back.
        fold = int(offset == 0 and self._offset_at(micros - 2 * _HOUR_US) == 2 * _HOUR_US)
        local = _EPOCH + dt.timedelta(microseconds=micros + offset)
        return local.replace(tzinfo=self, fold=fold)

    def utcoffset(self, value: dt.datetime | None) -> dt.timedelta:
        assert value is not None
        wall = _wall_micros(value)
        # The instants showing this wall clock, at either offset, earliest first.
        shown = [o for o in (2 * _HOUR_US, 0) if self._offset_at(wall - o) == o]
        if not shown:  # a gap: fold 0 reads it at the offset from before, fold 1 after
            shown = [0, 2 * _HOUR_US]
        return dt.timedelta(microseconds=shown[min(value.fold, len(shown) - 1)])

    def dst(self, value: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, value: dt.datetime | None) -> str:
        return "Shifting"


def test_a_repeated_hour_across_midnight_utc_keeps_its_fold_wherever_the_reader_starts() -> None:
    # Every minute of the 48 days, each a new instant to the reader, written at the
    # offset it has (second passes included) and at the other one: each reads as the
    # zone itself shows it, fold included.
    zone = _Shifting()
    stretches = ZoneStretches(zone)
    start = zone.changes[0][0] - _DAY_US
    for micros in range(start, start + 50 * _DAY_US, 20 * 60_000_000):
        expected = (_EPOCH + dt.timedelta(microseconds=micros)).astimezone(zone)
        for offset_us in (0, 2 * _HOUR_US):
            at, read_us = read_instant(_text(micros, offset_us, False), stretches, {}, "at")
            assert read_us == micros
            assert _fields(at) == _fields(expected), micros
