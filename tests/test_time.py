"""Time helpers: aware instants, exact microseconds, duration parsing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel import Interaction
from servicemodel._time import (
    MAX_DURATION_DAYS,
    ZONES,
    ZoneTable,
    aware,
    checked_micros,
    duration_from_micros,
    duration_micros,
    from_micros,
    parse_duration,
    read_instant,
    shown_in,
    to_duration,
    to_micros,
    zone,
)
from servicemodel._time import (
    _same_duration as same_duration,
)
from servicemodel.exceptions import ValidationError
from servicemodel.testing import instants, timezones


def test_naive_datetime_is_rejected_with_a_remedy() -> None:
    with pytest.raises(ValidationError) as info:
        aware(dt.datetime(2024, 6, 7, 9), field="created_at")
    assert info.value.field == "created_at"
    assert "timezone-aware" in str(info.value)
    assert "tz=" in str(info.value)  # says how to fix it


def test_naive_pendulum_datetime_is_rejected() -> None:
    with pytest.raises(ValidationError, match="'at' must be timezone-aware"):
        aware(pendulum.naive(2024, 6, 7, 9), field="at")


@pytest.mark.parametrize("value", [dt.date(2024, 1, 1), "2024-01-01T00:00:00Z", 1717750800, None])
def test_non_datetimes_are_rejected(value: object) -> None:
    with pytest.raises(ValidationError, match="'at' must be an aware datetime"):
        aware(value, field="at")


def test_stdlib_zoneinfo_becomes_the_pendulum_zone_of_the_same_name() -> None:
    value = aware(dt.datetime(2024, 3, 31, 3, tzinfo=ZoneInfo("Europe/Berlin")), field="at")
    assert isinstance(value, pendulum.DateTime)
    assert value.timezone_name == "Europe/Berlin"
    assert value.utcoffset() == dt.timedelta(hours=2)


def test_stdlib_fixed_offset_is_kept() -> None:
    value = aware(
        dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))), field="at"
    )
    assert value.utcoffset() == dt.timedelta(hours=5, minutes=30)


def test_fold_is_kept_for_the_repeated_hour() -> None:
    london = ZoneInfo("Europe/London")
    first = aware(dt.datetime(2024, 10, 27, 1, 30, tzinfo=london, fold=0), field="at")
    second = aware(dt.datetime(2024, 10, 27, 1, 30, tzinfo=london, fold=1), field="at")
    assert to_micros(second) - to_micros(first) == 3_600_000_000


@given(instants())
def test_micros_round_trip_exactly(instant: pendulum.DateTime) -> None:
    micros = to_micros(instant)
    back = from_micros(micros, instant.tzinfo or pendulum.UTC)
    assert back == instant
    assert to_micros(back) == micros
    assert back.utcoffset() == instant.utcoffset()


@given(instants(), timezones())
def test_micros_do_not_depend_on_the_zone_it_is_written_in(
    instant: pendulum.DateTime, tz: dt.tzinfo
) -> None:
    assert to_micros(instant.astimezone(tz)) == to_micros(instant)


@given(instants(zones=timezones()))
def test_a_timestamp_read_from_text_is_its_value_and_its_instant(
    instant: pendulum.DateTime,
) -> None:
    # What a reader does: the timestamp as written (its wall clock at its own offset),
    # read in its zone, or at its offset when the record names no zone; the instant
    # exactly the timedelta's. (The second pass through a repeated hour is not read as
    # written: it is converted, as its zone reads that wall clock at the first pass's offset.)
    text = instant.isoformat()
    parsed = dt.datetime.fromisoformat(text)
    tz = instant.tzinfo or pendulum.UTC
    exact = (parsed - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
    at, micros = read_instant(text, ZONES.stretches(tz), {}, "at")
    assert micros == exact == to_micros(instant)
    assert at.tzinfo is ZONES.stretches(tz).tz
    assert (at.fold, at.isoformat()) == (instant.fold, text)
    fixed: dict[object, dt.tzinfo] = {}
    at, micros = read_instant(text, None, fixed, "at")
    assert (micros, at.isoformat()) == (exact, text)
    assert fixed == {parsed.tzinfo: at.tzinfo}
    assert read_instant(text, None, fixed, "at")[0].tzinfo is at.tzinfo  # kept, not built again


@given(instants(zones=timezones()), st.booleans())
def test_shown_in_builds_what_the_constructor_builds_from_each_field(
    instant: pendulum.DateTime, plain: bool
) -> None:
    # shown_in builds from the packed fields (the constructor's unpickling form): the
    # same value, zone and fold as the constructor given each field.
    local = dt.datetime.fromisoformat(instant.isoformat()) if plain else instant
    tz = instant.tzinfo or pendulum.UTC
    fields = (local.year, local.month, local.day, local.hour, local.minute, local.second)
    expected = pendulum.DateTime(*fields, local.microsecond, tzinfo=tz, fold=local.fold)
    built = shown_in(local, tz)
    assert type(built) is pendulum.DateTime
    assert built.tzinfo is tz
    assert (built.fold, built.isoformat()) == (expected.fold, expected.isoformat())


def test_a_timestamp_written_at_another_offset_than_its_zone_is_converted() -> None:
    at, micros = read_instant(
        "2024-10-27T01:30:00+00:00", ZONES.stretches("Europe/London"), {}, "at"
    )
    assert (at.fold, at.isoformat()) == (
        1,
        "2024-10-27T01:30:00+00:00",
    )  # 01:30 GMT, the second time
    assert micros == 1_729_992_600_000_000
    at, micros = read_instant(
        "2024-06-10T09:00:00+02:00", ZONES.stretches("Europe/London"), {}, "at"
    )
    assert (at.isoformat(), micros) == ("2024-06-10T08:00:00+01:00", 1_718_002_800_000_000)


@pytest.mark.parametrize("zone_name", [None, "Europe/London"])
def test_a_timestamp_without_an_offset_is_refused_naming_its_field(zone_name: str | None) -> None:
    named = None if zone_name is None else ZONES.stretches(zone_name)
    with pytest.raises(ValidationError, match="'created_at' must be timezone-aware") as info:
        read_instant("2024-06-10T09:00:00", named, {}, "created_at")
    assert info.value.field == "created_at"


def test_micros_agree_with_stdlib_timestamp_at_whole_seconds() -> None:
    instant = pendulum.datetime(2031, 5, 17, 13, 14, 15, tz="America/New_York")
    assert to_micros(instant) == int(instant.timestamp()) * 1_000_000


@pytest.mark.parametrize(
    ("text", "micros"),
    [
        ("90m", 90 * 60 * 10**6),
        ("1h30m", 90 * 60 * 10**6),
        ("2d", 2 * 86_400 * 10**6),
        ("1w2d", 9 * 86_400 * 10**6),
        ("45s", 45 * 10**6),
        (" 4h ", 4 * 3_600 * 10**6),
        ("PT1H30M", 90 * 60 * 10**6),
        ("P2DT4H", (2 * 86_400 + 4 * 3_600) * 10**6),
        ("P1W", 7 * 86_400 * 10**6),
        ("PT0.5S", 500_000),
        ("pt15m", 15 * 60 * 10**6),
    ],
)
def test_durations_parse(text: str, micros: int) -> None:
    assert duration_micros(parse_duration(text, field="within")) == micros


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("-1h", "must not be negative"),
        ("+1h", "must not be negative"),
        ("0m", "must be positive"),
        ("PT0S", "must be positive"),
        ("P1M", "must not use months or years"),
        ("P1Y2D", "must not use months or years"),
        ("3mo", "must not use months or years"),
        ("1y", "must not use months or years"),
        ("1.5h", "must be a duration such as"),
        ("h", "must be a duration such as"),
        ("", "must be a duration such as"),
        ("P", "must be a duration such as"),
        ("PT", "must be a duration such as"),
        ("30m1h", "must be a duration such as"),
        ("99999999d", "must be at most"),
        ("1" * 80 + "m", "at most 64 characters"),
    ],
)
def test_bad_durations_are_rejected_with_the_field(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_duration(text, field="targets.urgent.first_reply")
    assert fragment in str(info.value)
    assert info.value.field == "targets.urgent.first_reply"
    assert "'targets.urgent.first_reply'" in str(info.value)


def test_zero_is_accepted_where_allowed() -> None:
    assert duration_micros(parse_duration("0m", field="grace", allow_zero=True)) == 0


def test_non_text_duration_is_rejected() -> None:
    with pytest.raises(ValidationError, match="must be a duration string"):
        parse_duration(90, field="within")


@given(st.integers(1, MAX_DURATION_DAYS * 86_400))
def test_compact_and_iso_forms_agree(seconds: int) -> None:
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    compact = f"{days}d{hours}h{minutes}m{secs}s"
    iso = f"P{days}DT{hours}H{minutes}M{secs}S"
    assert parse_duration(compact, field="d") == parse_duration(iso, field="d")
    assert duration_micros(parse_duration(compact, field="d")) == seconds * 1_000_000


@given(st.integers(-(10**15), 10**15))
def test_duration_micros_round_trip(micros: int) -> None:
    assert duration_micros(duration_from_micros(micros)) == micros


def test_to_duration_accepts_timedelta_and_refuses_months_and_negatives() -> None:
    assert to_duration(dt.timedelta(hours=2), field="w") == pendulum.duration(hours=2)
    with pytest.raises(ValidationError, match="month- or year-based"):
        to_duration(pendulum.duration(years=1), field="w")
    with pytest.raises(ValidationError, match="must not be negative"):
        to_duration(dt.timedelta(seconds=-1), field="w")
    with pytest.raises(ValidationError, match="must be positive"):
        to_duration(dt.timedelta(0), field="w")
    with pytest.raises(ValidationError, match="must be a duration"):
        to_duration("4h", field="w")


def test_zone_names() -> None:
    assert zone("Asia/Kolkata").utcoffset(dt.datetime(2024, 1, 1)) == dt.timedelta(
        hours=5, minutes=30
    )
    assert zone(ZoneInfo("Europe/Paris")) == pendulum.timezone("Europe/Paris")
    for bad in ["", "Not/AZone", "x" * 100]:
        with pytest.raises(ValidationError, match="'timezone' must be an IANA zone name"):
            zone(bad)


DAY = 86_400_000_000


@given(
    micros=st.integers(-MAX_DURATION_DAYS * DAY, MAX_DURATION_DAYS * DAY)
    | st.sampled_from([0, 1, -1, 999_999, -999_999, DAY, -DAY, DAY - 1, 7 * DAY, -7 * DAY - 1])
)
def test_duration_from_micros_builds_exactly_pendulums_duration(micros: int) -> None:
    fast, slow = duration_from_micros(micros), pendulum.Duration(microseconds=micros)
    assert same_duration(fast, slow)
    at = pendulum.datetime(2024, 3, 30, 12, tz="Europe/London")
    assert at + fast == at + slow  # pendulum adds through the stored signature
    assert at - fast == at - slow
    assert same_duration(-fast, -slow)
    assert same_duration(fast * 3, slow * 3)
    assert abs(fast) == abs(slow)
    assert type(abs(fast)) is type(abs(slow))
    again = duration_from_micros(micros)
    assert again is not fast  # a fresh object each time (pendulum caches fields on it)
    assert again.__dict__["_signature"] is not fast.__dict__["_signature"]


def test_the_duration_check_tells_builds_apart() -> None:
    assert not same_duration(duration_from_micros(3_600_000_000), pendulum.Duration(hours=1))
    assert not same_duration(duration_from_micros(1), duration_from_micros(2))
    wrong = duration_from_micros(90_000_000)
    wrong.__dict__["_seconds"] = 30  # what a builder that forgot the minutes would give
    assert not same_duration(wrong, pendulum.Duration(microseconds=90_000_000))


# --- the zone table -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["localtime", "Factory", "posixrules", "europe/london", "../etc/passwd", "/UTC", 7]
)
def test_names_that_are_not_portable_iana_zones_are_refused(name: object) -> None:
    with pytest.raises(ValidationError, match="'tz' must be an IANA zone name") as info:
        ZONES.zone(name, field="tz")  # type: ignore[arg-type]
    assert info.value.field == "tz"
    assert info.value.value == name


def test_the_table_hands_out_one_offset_table_per_zone() -> None:
    table = ZoneTable()
    london = table.offsets("Europe/London")
    assert table.offsets(pendulum.timezone("Europe/London")) is london
    assert table.offsets(ZoneInfo("Europe/London")) is london  # the same zone, from the stdlib
    assert table.offsets("Europe/Paris") is not london


@given(moment=instants(zones=timezones()), far=st.booleans())
def test_the_offset_table_reads_instants_as_the_zone_itself_does(
    moment: pendulum.DateTime, far: bool
) -> None:
    if far:  # outside the tabled range the zone itself is asked
        moment = moment.replace(year=moment.year + 300 if moment.year < 2000 else 1700)
    assert moment.tzinfo is not None
    table = ZONES.offsets(moment.tzinfo)
    u = to_micros(moment)
    offset = moment.utcoffset()
    assert offset is not None
    assert table.offset_at(u) == duration_micros(offset)
    assert table.instant_of(moment) == u
    wall, fold = table.wall_fold(u)
    assert (wall, fold) == (u + duration_micros(offset), moment.fold)
    assert table.instant_of_wall(wall, fold) == u
    shown = table.show(u)
    assert (shown, shown.fold, shown.tzinfo) == (moment, moment.fold, moment.tzinfo)
    assert shown.isoformat() == moment.isoformat()


@pytest.mark.parametrize("fold", [0, 1])
@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        # a gap (31 March 2024, 02:30 does not exist in Warsaw): fold 0 reads it at UTC+1
        (dt.datetime(2024, 3, 31, 2, 30), {0: "2024-03-31T01:30:00", 1: "2024-03-31T00:30:00"}),
        # a repeated hour (27 October 2024, 02:30 happens twice): fold 0 is the first
        (dt.datetime(2024, 10, 27, 2, 30), {0: "2024-10-27T00:30:00", 1: "2024-10-27T01:30:00"}),
    ],
)
def test_wall_readings_in_gaps_and_repeats_follow_pep_495(
    wall: dt.datetime, expected: dict[int, str], fold: int
) -> None:
    warsaw = ZONES.offsets("Europe/Warsaw")
    micros = round((wall - dt.datetime(1970, 1, 1)) / dt.timedelta(microseconds=1))
    u = warsaw.instant_of_wall(micros, fold)
    assert from_micros(u).isoformat() == expected[fold] + "+00:00"
    assert u == to_micros(wall.replace(tzinfo=ZoneInfo("Europe/Warsaw"), fold=fold))


def test_a_day_starts_at_its_first_wall_clock_midnight() -> None:
    santiago = ZONES.offsets("America/Santiago")  # clocks jump from 00:00 to 01:00
    day = (dt.date(2024, 9, 8) - dt.date(1970, 1, 1)).days
    start = santiago.show(santiago.day_start(day))
    assert (start.day, start.hour) == (8, 1)
    assert santiago.show(santiago.day_start(day) - 1).day == 7


def test_one_duration_rule_with_one_message() -> None:
    assert parse_duration("1h30m") == pendulum.duration(hours=1, minutes=30)
    with pytest.raises(ValidationError, match="'duration' must be a duration such as"):
        parse_duration("soon")
    assert checked_micros(dt.timedelta(minutes=-1), "d", allow_negative=True) == -60_000_000
    too_long = dt.timedelta(days=MAX_DURATION_DAYS + 1)
    for value, flags in ((too_long, {}), (-too_long, {"allow_negative": True})):
        with pytest.raises(ValidationError, match=f"'d' must be at most {MAX_DURATION_DAYS} days"):
            checked_micros(value, "d", **flags)
    with pytest.raises(ValidationError, match="'d' must not be negative"):
        checked_micros(dt.timedelta(minutes=-1), "d")
    with pytest.raises(ValidationError, match="'d' must be positive"):
        checked_micros(dt.timedelta(), "d")
    assert checked_micros(dt.timedelta(), "d", allow_zero=True) == 0


class PlusTwo(dt.tzinfo):
    """A hand-written fixed zone: neither zoneinfo, datetime.timezone nor pendulum."""

    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(hours=2)

    def dst(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, when: dt.datetime | None) -> str:
        return "PLUS2"


def test_a_custom_tzinfo_is_kept_and_counted_by_its_offset() -> None:
    created = dt.datetime(2024, 6, 10, 9, tzinfo=PlusTwo())
    ticket = Interaction(id="T", customer_id="C", channel="chat", created_at=created)
    assert isinstance(ticket.created_at.tzinfo, PlusTwo)
    assert to_micros(ticket.created_at) == to_micros(pendulum.datetime(2024, 6, 10, 7))


def test_a_naive_instant_is_refused_with_the_remedy() -> None:
    with pytest.raises(ValidationError) as caught:
        to_micros(dt.datetime(2024, 1, 1))
    assert caught.value.field == "instant"
    assert str(caught.value).startswith(
        "'instant' must be timezone-aware (got naive 2024-01-01T00:00:00); attach a timezone"
    )
