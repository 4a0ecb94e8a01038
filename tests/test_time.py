"""Time helpers: aware instants, exact microseconds, duration parsing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel._time import (
    MAX_DURATION_DAYS,
    aware,
    duration_from_micros,
    duration_micros,
    from_micros,
    parse_duration,
    to_duration,
    to_micros,
    zone,
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
