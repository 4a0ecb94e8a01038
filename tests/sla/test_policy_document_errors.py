"""Policy documents: each document problem is reported at its own path with the offending value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pendulum
import pytest

from servicemodel.exceptions import PolicyDocumentError, ValidationError
from servicemodel.sla import (
    BusinessCalendar,
    Overnight,
    PolicySet,
    SlaPolicy,
    Target,
    dump_policies,
    load_policies,
)

POLICY: dict[str, Any] = {"name": "A", "targets": {"normal": {"first_reply": "1h"}}}
OFFICE: dict[str, Any] = {"timezone": "Europe/London", "hours": {"mon-fri": "09:00-17:00"}}
RANGE_HINT = "must be [start, end] local datetimes like ['2024-12-24T13:00', '2024-12-24T17:00']"


def problems(source: object, **kwargs: Any) -> list[tuple[str, str]]:
    with pytest.raises(PolicyDocumentError) as caught:
        load_policies(source, **kwargs)  # type: ignore[arg-type]
    return [(p.path, p.message) for p in caught.value.problems]


def with_office(**changes: Any) -> dict[str, Any]:
    return {"calendars": {"office": {**OFFICE, **changes}}, "policies": []}


class Hostile:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


# ------------------------------------------------------------ reading the source


def test_problems_past_the_limit_are_cut_off_with_one_closing_note() -> None:
    policy = {"name": "A", "targets": {}, **{f"x{i:04d}": 1 for i in range(1_005)}}
    found = problems({"policies": [policy]})
    assert len(found) == 1_001
    assert found[0] == (
        "policies[0].x0000",
        "is not a known key; expected one of name, description, when, calendar, targets",
    )
    assert found[999][0] == "policies[0].x0999"
    assert found[-1] == ("", "more than 1000 problems; stopped listing")


def test_a_value_whose_repr_raises_is_shown_by_its_type_name() -> None:
    assert problems({"policies": Hostile()}) == [
        ("policies", "must be an array of policies (got Hostile <Hostile>)")
    ]


def test_a_value_of_no_json_kind_is_named_by_its_python_type() -> None:
    doc = {"policies": [{"name": "A", "targets": {"normal": {"first_reply": {1, 2}}}}]}
    assert problems(doc) == [
        (
            "policies[0].targets.normal.first_reply",
            "must be an object (a duration or a target) (got set {1, 2})",
        )
    ]


def test_bytes_that_are_not_utf8_report_the_byte_offset() -> None:
    assert problems(b'{"policies": [\xff]}') == [
        ("", "document must be UTF-8 text (invalid start byte at byte 14)")
    ]


def test_a_file_that_is_not_utf8_reports_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b'{"policies": []}\n\xfe')
    assert problems(path) == [("", "document must be UTF-8 text (invalid start byte at byte 17)")]


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(b"#" * 1_000_001)
    assert problems(path) == [("", "document must be at most 1000000 bytes (got more)")]


def test_a_json_file_holding_an_array_is_not_a_policy_document(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert problems(path) == [("", "must be an object (a table) at the top (got array [1, 2])")]


def test_toml_nested_past_the_interpreter_limit_is_a_nesting_problem() -> None:
    text = "a = " + "[" * 100_000 + "]" * 100_000
    assert problems(text) == [("", "document must not nest deeper than 32 levels")]


def test_a_mapping_with_too_many_values_is_refused_before_walking() -> None:
    assert problems({"policies": [], "calendars": {"c": list(range(200_000))}}) == [
        ("calendars.c", "must not take the document past 200000 values (got 200000 here)")
    ]


def test_a_mapping_holding_an_oversized_string_is_refused() -> None:
    assert problems({"policies": [{"name": "x" * 1_000_001}]}) == [
        ("policies[0].name", "must be at most 1000000 characters")
    ]


# ------------------------------------------------------------ calendars


def test_calendars_must_be_an_object() -> None:
    assert problems({"calendars": ["office"], "policies": []}) == [
        ("calendars", "must be an object mapping names to calendars (got array ['office'])")
    ]


def test_at_most_one_hundred_calendars() -> None:
    doc = {"calendars": {f"c{i}": OFFICE for i in range(101)}, "policies": []}
    assert problems(doc) == [("calendars", "must hold at most 100 calendars (got 101)")]


def test_a_null_calendar_is_reported_at_its_name() -> None:
    assert problems({"calendars": {"office": None}, "policies": []}) == [
        ("calendars.office", "must be an object (a calendar) (got null None)")
    ]


@pytest.mark.parametrize(
    ("spec", "missing"),
    [({"timezone": "UTC"}, "hours"), ({"hours": {"mon": "09:00-10:00"}}, "timezone")],
)
def test_a_missing_calendar_key_is_reported_once_as_required(
    spec: dict[str, Any], missing: str
) -> None:
    # Not a second time as a bad value (None) once the calendar is built.
    assert problems({"calendars": {"office": spec}, "policies": []}) == [
        (f"calendars.office.{missing}", "is required")
    ]


def test_each_bad_holiday_is_reported_at_its_index() -> None:
    doc = with_office(holidays=["2024-12-25", "2024-02-30", 20240101, "24-1-1"])
    assert problems(doc) == [
        ("calendars.office.holidays[1]", "must be a date 'YYYY-MM-DD' (got string '2024-02-30')"),
        ("calendars.office.holidays[2]", "must be a date 'YYYY-MM-DD' (got integer 20240101)"),
        ("calendars.office.holidays[3]", "must be a date 'YYYY-MM-DD' (got string '24-1-1')"),
    ]


def test_closures_must_be_pairs_of_local_datetimes_without_offsets() -> None:
    doc = with_office(
        closures=[
            ["2024-12-24T13:00", "2024-12-24T17:00"],
            ["2024-12-24T13:00"],
            ["2024-12-24Tzz", "2024-12-25T00:00"],
            ["2024-12-24T13:00+01:00", "2024-12-24T17:00"],
        ]
    )
    assert problems(doc) == [
        ("calendars.office.closures[1]", f"{RANGE_HINT} (got array ['2024-12-24T13:00'])"),
        (
            "calendars.office.closures[2]",
            f"{RANGE_HINT} (got array ['2024-12-24Tzz', '2024-12-25T00:00'])",
        ),
        (
            "calendars.office.closures[3]",
            f"{RANGE_HINT} (got array ['2024-12-24T13:00+01:00', '2024-12-24T17:00'])",
        ),
    ]


def test_overnight_names_a_rule_and_the_named_rule_is_used() -> None:
    assert problems(with_office(overnight="wrap")) == [
        (
            "calendars.office.overnight",
            "must be one of 'split_at_midnight', 'start_day' (got string 'wrap')",
        )
    ]
    policies = load_policies(with_office(overnight="start_day"))
    office = policies.calendar("office")
    assert isinstance(office, BusinessCalendar)
    assert office.overnight is Overnight.START_DAY


@pytest.mark.parametrize(
    ("hours", "path", "message"),
    [
        (
            "9-5",
            "calendars.office.hours",
            "must map days to ranges, e.g. {'mon-fri': '09:00-17:00'} (got string '9-5')",
        ),
        (
            {f"d{i}": "09:00-10:00" for i in range(15)},
            "calendars.office.hours",
            "must name at most 14 day groups (got 15)",
        ),
        (
            {"mondaytuesdaywednesday": "09:00-10:00"},
            "calendars.office.hours",
            "day names must be like 'mon' or 'mon-fri' (got string 'mondaytuesdaywednesday')",
        ),
    ],
    ids=["not-a-mapping", "too-many-groups", "day-name-too-long"],
)
def test_bad_opening_hours_are_reported_at_hours(hours: object, path: str, message: str) -> None:
    assert problems(with_office(hours=hours)) == [(path, message)]


def test_an_unknown_zone_is_reported_at_the_calendars_timezone() -> None:
    assert problems(with_office(timezone="Mars/Olympus")) == [
        (
            "calendars.office.timezone",
            "must be an IANA zone name such as 'Europe/London' (got 'Mars/Olympus')",
        )
    ]


def test_given_calendars_that_are_not_calendars_are_refused_by_the_policy_set() -> None:
    found = problems({"policies": [POLICY]}, calendars={"office": 5})
    assert found == [
        (
            "calendars",
            "must map names to calendars such as BusinessCalendar (got int for 'office')",
        )
    ]


# ------------------------------------------------------------ policies and targets


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            {"description": 5},
            "policies[0].description",
            "must be a string of at most 4096 characters (got integer 5)",
        ),
        (
            {"calendar": 7},
            "policies[0].calendar",
            "must name a calendar, or be null for calendar time (got integer 7)",
        ),
        (
            {"targets": {"normal": "1h"}},
            "policies[0].targets.normal",
            "must map metrics to targets (got string '1h')",
        ),
        (
            {"when": [1]},
            "policies[0].when",
            "must be an object {'all': [...]} or {'any': [...]} (got array [1])",
        ),
        (
            {"when": {"all": [], "colour": 1}},
            "policies[0].when.colour",
            "is not a known key; a condition has exactly one of all, any",
        ),
        (
            {"when": {"colour": 1}},
            "policies[0].when.colour",
            "is not a known key; a condition has exactly one of all, any",
        ),
        (
            {"when": {"all": [], "any": []}},
            "policies[0].when",
            "must have exactly one of 'all' or 'any'",
        ),
    ],
    ids=[
        "description-not-text",
        "calendar-not-text",
        "metrics-not-a-mapping",
        "when-not-a-mapping",
        "when-extra-key",
        "when-only-an-unknown-key",
        "when-both-all-and-any",
    ],
)
def test_one_bad_policy_field_gives_one_problem_at_its_path(
    change: dict[str, Any], path: str, message: str
) -> None:
    assert problems({"policies": [{**POLICY, **change}]}) == [(path, message)]


NEEDS_CALENDAR = (
    "needs a calendar: business days are the days a calendar opens; name one with "
    "'calendar' on the target or its policy"
)


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        (
            {"policies": [{"name": "A", "targets": {"normal": {"resolution": "2 business days"}}}]},
            "policies[0].targets.normal.resolution",
            NEEDS_CALENDAR,
        ),
        (
            {
                "policies": [
                    {
                        "name": "A",
                        "targets": {
                            "normal": {
                                "resolution": {"within": "2 business days", "calendar": None}
                            }
                        },
                    }
                ]
            },
            "policies[0].targets.normal.resolution.within",
            NEEDS_CALENDAR,
        ),
        (
            {
                **with_office(),
                "policies": [
                    {
                        "name": "A",
                        "calendar": "office",
                        "targets": {
                            "normal": {
                                "resolution": {"within": "2 business days", "warn_before": "1h"}
                            }
                        },
                    }
                ],
            },
            "policies[0].targets.normal.resolution.warn_before",
            "must not be combined with a business-days target; use 'warn_percent'",
        ),
        (
            {
                "policies": [
                    {
                        "name": "A",
                        "when": {"all": [{"field": "priority", "in": ["urgent", "critical"]}]},
                        "targets": {},
                    }
                ]
            },
            "policies[0].when.all[0].in[1]",
            "must be one of 'low', 'normal', 'high', 'urgent', 'none' (got 'critical')",
        ),
        (
            {"policies": [{"name": "A", "targets": {"normal": {"lunch": "2 business days"}}}]},
            "policies[0].targets.normal.lunch",
            "must be one of 'first_reply', 'next_reply', 'periodic_update', 'requester_wait', "
            "'agent_work', 'resolution' (got string 'lunch')",
        ),
        (
            {"policies": [{"name": "A", "targets": {"normal": {"lunch": {"within": "1h"}}}}]},
            "policies[0].targets.normal.lunch",
            "must be one of 'first_reply', 'next_reply', 'periodic_update', 'requester_wait', "
            "'agent_work', 'resolution' (got string 'lunch')",
        ),
    ],
    ids=[
        "business-days-without-calendar",
        "business-days-on-calendar-time",
        "business-days-with-warn-before",
        "list-value-not-a-priority",
        "unknown-metric-with-business-days",
        "unknown-metric-with-a-table",
    ],
)
def test_a_target_or_condition_problem_is_reported_once_at_its_place(
    document: dict[str, Any], path: str, message: str
) -> None:
    assert problems(document) == [(path, message)]


def test_warn_before_and_warn_percent_together_are_refused_at_warn_before() -> None:
    target = {"within": "8h", "warn_percent": 50, "warn_before": "1h"}
    doc = {"policies": [{"name": "A", "targets": {"normal": {"resolution": target}}}]}
    assert problems(doc) == [
        (
            "policies[0].targets.normal.resolution.warn_before",
            "must not be combined with 'warn_percent'; choose one",
        )
    ]


def test_paused_by_reports_stopping_and_unknown_statuses_at_their_index() -> None:
    target = {"within": "8h", "paused_by": ["pending", "solved", "snoozed"]}
    doc = {"policies": [{"name": "A", "targets": {"normal": {"resolution": target}}}]}
    found = problems(doc)
    where = "policies[0].targets.normal.resolution.paused_by"
    assert found[0] == (
        f"{where}[1]",
        "must be new, open, pending or on_hold; solved and closed stop clocks (got 'solved')",
    )
    assert found[1][0] == f"{where}[2]"
    assert found[1][1].startswith("must be one of 'new', ")
    assert found[1][1].endswith("(got string 'snoozed')")
    assert len(found) == 2


# ------------------------------------------------------------ writing documents


def _night_policies(calendar_name: str) -> PolicySet:
    calendar = BusinessCalendar.weekly(
        "Europe/London", {"mon-fri": "22:00-06:00"}, overnight=Overnight.START_DAY
    )
    target = Target(metric="resolution", within=pendulum.duration(hours=8), calendar=calendar_name)
    return PolicySet(
        policies=[SlaPolicy(name="Night", targets={"normal": [target]})],
        calendars={calendar_name: calendar},
    )


def test_a_calendar_name_with_a_space_is_quoted_in_toml_and_overnight_is_kept() -> None:
    policies = _night_policies("Head office")
    text = dump_policies(policies)
    assert '[calendars."Head office"]' in text
    assert 'overnight = "start_day"' in text
    assert (
        dump_policies(policies, format="mapping")["calendars"]["Head office"]["overnight"]
        == "start_day"
    )
    assert load_policies(text) == policies


def test_writing_to_an_unknown_format_names_the_format() -> None:
    with pytest.raises(
        ValidationError, match=r"'format' must be one of 'toml', 'json', 'mapping' \(got 'yaml'\)"
    ):
        dump_policies(_night_policies("night"), format="yaml")  # type: ignore[call-overload]


def test_a_combined_calendar_cannot_be_written_to_a_document() -> None:
    weekdays = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
    weekend = BusinessCalendar.weekly("Europe/London", {"sat-sun": "10:00-14:00"})
    policies = PolicySet(policies=[], calendars={"both": weekdays.union(weekend)})
    with pytest.raises(ValidationError) as caught:
        dump_policies(policies)
    assert caught.value.field == "calendars"
    assert "written to a document (got BusinessCalendar 'both')" in str(caught.value)
