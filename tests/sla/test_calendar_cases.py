"""The calendar cases 1-11 of docs reference/sla.md, one test each, named for the case."""

from __future__ import annotations

import pendulum

from servicemodel.sla import BusinessCalendar

LONDON = "Europe/London"
NINE_TO_FIVE = BusinessCalendar.weekly(LONDON, {"mon-fri": "09:00-17:00"})


def at(day: int, hour: int, minute: int = 0, tz: str = LONDON) -> pendulum.DateTime:
    return pendulum.datetime(2024, 6, day, hour, minute, tz=tz)


def hours(n: float) -> pendulum.Duration:
    return pendulum.duration(minutes=round(n * 60))


def test_case_1_friday_after_close_plus_4h_is_monday_13() -> None:
    assert NINE_TO_FIVE.add(at(7, 17, 30), hours(4)) == at(10, 13)


def test_case_2_deadline_at_closing_time_is_the_close_instant_not_monday() -> None:
    result = NINE_TO_FIVE.add(at(7, 16), hours(1))
    assert result == at(7, 17)
    assert result.timezone_name == LONDON


def test_case_3_monday_9_plus_8h_is_monday_17() -> None:
    assert NINE_TO_FIVE.add(at(10, 9), hours(8)) == at(10, 17)


def test_case_4_monday_17_plus_1h_is_tuesday_10_and_9_counts_from_9() -> None:
    assert NINE_TO_FIVE.add(at(10, 17), hours(1)) == at(11, 10)
    assert NINE_TO_FIVE.add(at(10, 9), pendulum.duration(minutes=1)) == at(10, 9, 1)
    assert NINE_TO_FIVE.elapsed(at(10, 9), at(10, 9, 30)) == pendulum.duration(minutes=30)


def test_case_5_saturday_plus_zero_is_saturday_plus_1_min_is_monday_0901() -> None:
    assert NINE_TO_FIVE.add(at(8, 10), pendulum.duration()) == at(8, 10)
    assert NINE_TO_FIVE.add(at(8, 10), pendulum.duration(minutes=1)) == at(10, 9, 1)


def test_case_6_uneven_week_monday_11_plus_16h_is_thursday_11() -> None:
    cal = BusinessCalendar.weekly(
        LONDON, {"mon": "09:00-17:00", "tue": "09:00-16:00", "thu": "08:00-17:00"}
    )
    assert cal.add(at(10, 11), hours(16)) == at(13, 11)


def test_case_7_thursday_holiday_wednesday_10_plus_8h_is_friday_10() -> None:
    cal = BusinessCalendar.weekly(
        LONDON, {"mon-fri": "09:00-17:00"}, holidays=[pendulum.date(2024, 6, 13)]
    )
    assert cal.add(at(12, 10), hours(8)) == at(14, 10)
    assert NINE_TO_FIVE.add(at(12, 10), hours(8)) == at(13, 10)


def test_case_8_lunch_break_1130_plus_1h_is_1330_and_11_plus_1h_is_12() -> None:
    cal = BusinessCalendar.weekly(LONDON, {"mon-fri": ["09:00-12:00", "13:00-17:00"]})
    assert cal.add(at(10, 11, 30), hours(1)) == at(10, 13, 30)
    assert cal.add(at(10, 11), hours(1)) == at(10, 12)


def test_case_9_night_shift_monday_23_plus_4h_and_friday_23_plus_8h() -> None:
    cal = BusinessCalendar.weekly(LONDON, {"mon-fri": "22:00-06:00"})
    assert cal.add(at(10, 23), hours(4)) == at(11, 3)
    assert cal.add(at(7, 23), hours(8)) == at(10, 23)


def test_case_10_berlin_spring_forward_night_is_5_hours() -> None:
    berlin = "Europe/Berlin"
    cal = BusinessCalendar.weekly(berlin, {"mon-sun": "00:00-06:00"})
    start = pendulum.datetime(2024, 3, 31, 0, tz=berlin)
    end = pendulum.datetime(2024, 3, 31, 6, tz=berlin)
    assert cal.elapsed(start, end) == hours(5)
    due = cal.add(start, hours(5))
    assert due == end
    assert due.utcoffset() == pendulum.duration(hours=2)  # CEST


def test_case_11_whole_day_ranges_count_exactly_24h() -> None:
    cal = BusinessCalendar.weekly(LONDON, {"mon-sun": "00:00-24:00"})
    assert cal.elapsed(at(10, 0), at(11, 0)) == hours(24)
    # and across the autumn change the same calendar counts the real 25 hours
    sat = pendulum.datetime(2024, 10, 26, 12, tz=LONDON)
    assert cal.elapsed(sat, sat.add(days=1)) == hours(25)
