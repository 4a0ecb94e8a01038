"""Service model documents: the four example models, path-named problems, type implications."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings

from servicemodel.exceptions import ModelDocumentError, ValidationError
from servicemodel.goals import Goal
from servicemodel.kpi import KpiName
from servicemodel.loyalty import Policies, Programme
from servicemodel.model import FollowUpRule, ModelType, ServiceModel, dump_model, load_model
from servicemodel.team import RecognitionPolicy
from servicemodel.testing import goals

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


@pytest.mark.parametrize("kind", ["reactive", "proactive", "self_service", "hybrid"])
def test_each_bundled_example_model_is_valid(kind: str) -> None:
    model = load_model(EXAMPLES / f"{kind}.toml")
    assert model.type is ModelType(kind)
    assert model.goals, "every example states at least one goal"
    assert all(goal.smart_check().letter("M").holds for goal in model.goals)
    if model.type.needs_follow_ups():
        assert model.follow_ups


def test_the_sample_model_is_the_hybrid_example() -> None:
    text = resources.files("servicemodel.samples").joinpath("sample_model.toml").read_text()
    assert load_model(text) == load_model(EXAMPLES / "hybrid.toml")


def test_every_problem_is_reported_with_its_path() -> None:
    with pytest.raises(ModelDocumentError) as info:
        load_model(
            {
                "name": "Broken",
                "type": "hybrid",
                "channels": ["email", "fax"],
                "timezone": "Mars/Base",
                "sla": {"policies": [{"name": "A", "targets": {"urgent": {"first_reply": "0m"}}}]},
                "goals": [
                    {"name": "ok", "metric": "csat", "target": 0.9},
                    {"name": "bad", "metric": "happiness", "target": "lots", "colour": "red"},
                ],
                "follow_ups": [
                    {"name": "x", "trigger": "birthday", "after": "-1d", "channel": "email"}
                ],
                "recognition": {"minimum_samples": -3},
            }
        )
    paths = {p.path for p in info.value.problems}
    assert {
        "timezone",
        "channels",
        "sla.policies[0].targets.urgent.first_reply",
        "goals[1].target",
        "goals[1].colour",
        "follow_ups[0].after",
        "recognition.minimum_samples",
    } <= paths, paths
    message = str(info.value)
    assert "goals[1].colour: is not a known key" in message
    assert "'fax'" in message


def test_an_unknown_goal_metric_is_named() -> None:
    with pytest.raises(ModelDocumentError) as info:
        load_model(
            {
                "name": "X",
                "type": "reactive",
                "channels": ["email"],
                "goals": [{"name": "g", "metric": "happiness"}],
            }
        )
    assert [p.path for p in info.value.problems] == ["goals[0].metric"]


def test_required_keys_and_text_sources() -> None:
    with pytest.raises(ModelDocumentError) as info:
        load_model("{}")
    assert {p.path for p in info.value.problems} == {"name", "type", "channels"}
    with pytest.raises(ModelDocumentError):
        load_model("name = ")  # not TOML
    with pytest.raises(ModelDocumentError, match="sla: must be an SLA policy document"):
        load_model({"name": "X", "type": "reactive", "channels": ["email"], "sla": [1]})


def test_goal_values_take_numbers_and_durations() -> None:
    model = load_model(
        {
            "name": "X",
            "type": "reactive",
            "timezone": "Europe/London",
            "channels": ["email"],
            "goals": [
                {
                    "name": "t",
                    "metric": "first_reply_time",
                    "baseline": "1h",
                    "target": "30m",
                    "start": "2024-01-01",
                    "deadline": "2024-06-01T00:00:00+01:00",
                },
                {"name": "r", "metric": "csat", "baseline": 0.8, "target": "0.9"},
            ],
        }
    )
    first, second = model.goals
    assert first.baseline == 3600
    assert first.target == 1800
    assert first.start == pendulum.datetime(2024, 1, 1, tz="Europe/London")
    assert second.target is not None
    assert float(second.target) == 0.9


def test_a_proactive_model_needs_follow_up_rules() -> None:
    with pytest.raises(ValidationError, match="'follow_ups' must hold at least one rule"):
        ServiceModel(name="P", type="proactive", channels=["email"])
    rule = FollowUpRule(
        name="r", trigger="solved", after=pendulum.duration(days=1), channel="email"
    )
    assert ServiceModel(
        name="P", type="proactive", channels=["email"], follow_ups=[rule]
    ).follow_ups


def test_a_self_service_model_needs_the_self_service_channel() -> None:
    with pytest.raises(ValidationError, match="'channels' must include 'self_service'"):
        ServiceModel(name="S", type="self_service", channels=["email"])


def test_business_calendar_must_be_a_policy_calendar() -> None:
    with pytest.raises(ValidationError, match="'business_calendar' must name a calendar"):
        ServiceModel(name="R", type="reactive", channels=["email"], business_calendar="office")


def test_type_implies_the_tracked_kpis() -> None:
    reactive = ServiceModel(name="R", type="reactive", channels=["email"])
    assert KpiName.FIRST_REPLY_TIME in reactive.tracked_kpis()
    assert KpiName.SELF_SERVICE_DEFLECTION not in reactive.tracked_kpis()
    hybrid = load_model(EXAMPLES / "hybrid.toml")
    assert {KpiName.SELF_SERVICE_DEFLECTION, KpiName.NPS, KpiName.CES} <= set(hybrid.tracked_kpis())
    with_goal = ServiceModel(
        name="R", type="reactive", channels=["email"], goals=[Goal(name="g", metric="contact_rate")]
    )
    assert with_goal.tracked_kpis()[-1] is KpiName.CONTACT_RATE
    with pytest.raises(ValidationError, match=r"'metric' must be one of 'csat', .*\(got 'vibes'\)"):
        Goal(name="g", metric="vibes")


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), "1e30000000", 10**5000, "nan", True, [1]],
    ids=["nan", "inf", "exponent-string", "huge-int", "nan-string", "bool", "list"],
)
def test_hostile_goal_values_are_problems_not_crashes(value: object) -> None:
    with pytest.raises(ModelDocumentError) as info:
        load_model(
            {
                "name": "X",
                "type": "reactive",
                "channels": ["email"],
                "goals": [{"name": "g", "metric": "csat", "target": value}],
            }
        )
    assert [p.path for p in info.value.problems] == ["goals[0].target"]


def test_huge_integers_anywhere_are_one_document_error() -> None:
    for doc in (
        {"name": 10**5000, "type": "reactive", "channels": ["email"]},
        {"name": "X", "type": "reactive", "channels": [10**5000]},
        '{"name": "X", "type": "reactive", "channels": ["email"], "x": 1' + "0" * 5000 + "}",
    ):
        with pytest.raises(ModelDocumentError):
            load_model(doc)


def test_model_collections_are_checked() -> None:
    with pytest.raises(ValidationError, match=r"'goals\[0\]' must be a Goal"):
        ServiceModel(name="X", type="reactive", channels=["email"], goals=[1])
    with pytest.raises(ValidationError, match="'policies' must be a PolicySet"):
        ServiceModel(name="X", type="reactive", channels=["email"], policies="p")  # type: ignore[arg-type]
    with pytest.raises(ModelDocumentError) as info:
        load_model({"name": " X ", "type": "reactive", "channels": ["email"]})
    assert info.value.problems[0].path == "name"


BASE: dict[str, Any] = {
    "name": "X",
    "type": "reactive",
    "channels": ["email"],
    "timezone": "Europe/London",
}


def problems(**changes: Any) -> list[tuple[str, str]]:
    with pytest.raises(ModelDocumentError) as caught:
        load_model({**BASE, **changes})
    return [(p.path, p.message) for p in caught.value.problems]


def goal(**fields: Any) -> dict[str, Any]:
    return {"name": "g", "metric": "csat", "target": 1, **fields}


def test_toml_dates_and_local_times_are_read_in_the_model_zone() -> None:
    model = load_model(
        """
name = "X"
type = "reactive"
channels = ["email"]
timezone = "Europe/London"
[[goals]]
name = "g"
metric = "csat"
target = 1
start = 2024-07-01
deadline = 2024-12-01T09:30:00
"""
    )
    (only,) = model.goals
    assert only.start == pendulum.datetime(2024, 7, 1, tz="Europe/London")
    assert only.deadline == pendulum.datetime(2024, 12, 1, 9, 30, tz="Europe/London")


def test_aware_datetimes_keep_their_offset_and_local_text_takes_the_model_zone() -> None:
    start = dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC)
    model = load_model({**BASE, "goals": [goal(start=start, deadline="2024-12-01T09:30")]})
    (only,) = model.goals
    assert only.start == pendulum.datetime(2024, 7, 1, 9, tz="UTC")  # 10:00 in London
    assert only.deadline == pendulum.datetime(2024, 12, 1, 9, 30, tz="Europe/London")


def test_goal_dates_that_are_not_dates_are_each_reported() -> None:
    rule = "must be a date 'YYYY-MM-DD' or an ISO timestamp"
    assert problems(goals=[goal(start="soon", deadline=5)]) == [
        ("goals[0].start", f"{rule} (got 'soon')"),
        ("goals[0].deadline", f"{rule} (got 5)"),
    ]


@pytest.mark.parametrize(
    ("goals", "expected"),
    [
        ({"g": 1}, [("goals", "must be an array of at most 100 goals")]),
        (
            [goal(name=f"g{i}") for i in range(101)],
            [("goals", "must be an array of at most 100 goals")],
        ),
        ([{"metric": "csat", "target": 0.9}], [("goals[0].name", "is required")]),
        (
            [goal(scope={"channel": "fax"})],
            [
                (
                    "goals[0].scope.channel",
                    "must be one of 'phone', 'email', 'chat', 'social', 'web_form', "
                    "'self_service', 'in_person' (got 'fax')",
                )
            ],
        ),
        ([goal(owner=5)], [("goals[0].owner", "must be a non-empty string (got 5)")]),
    ],
    ids=["not-a-list", "too-many", "no-name", "bad-scope", "owner-number"],
)
def test_goal_problems_are_reported_at_their_path(
    goals: object, expected: list[tuple[str, str]]
) -> None:
    assert problems(goals=goals) == expected


def test_follow_ups_must_be_a_list_and_each_rule_complete() -> None:
    assert problems(follow_ups={"x": 1}) == [("follow_ups", "must be an array of follow-up rules")]
    assert problems(follow_ups=[{"name": "x", "after": "1d"}]) == [
        ("follow_ups[0].trigger", "is required"),
        ("follow_ups[0].channel", "is required"),
    ]


def test_a_bad_recognition_duration_is_reported_at_its_key() -> None:
    assert problems(recognition={"fast_under": "fast", "resolve_within": "1d"}) == [
        (
            "recognition.fast_under",
            "must be a duration such as '90m', '1h30m', '2d' or 'PT1H30M' (got 'fast')",
        )
    ]


def test_recognition_names_its_csat_variant() -> None:
    assert problems(recognition={"csat": "mean", "happy_from": 4}) == [
        (
            "recognition.happy_from",
            "is not a known key; expected one of fast_under, resolve_within, fast_points, "
            "on_time_points, late_points, first_contact_points, happy_points, unhappy_points, "
            "csat, minimum_samples, tie_break, speed, on_time, rescoring",
        ),
        (
            "recognition.csat",
            "must be 'top_two_box' or 'top_box': the CSAT variant whose satisfied ratings "
            "are happy (got 'mean')",
        ),
    ]


def test_feedback_must_name_a_collection_of_measures() -> None:
    assert problems(feedback="csat") == [
        ("feedback", "must be a collection of names, not a single value (got 'csat')")
    ]


def test_an_embedded_loyalty_programme_is_loaded() -> None:
    model = load_model({**BASE, "loyalty": {"name": "club", "policies": {"zone": "Europe/London"}}})
    assert model.programme is not None
    assert model.programme.name == "club"
    assert model.programme.policies.zone == "Europe/London"


@pytest.mark.parametrize(
    ("loyalty", "expected"),
    [
        (
            {"name": "club", "policies": {"zone": "Mars/Base"}},
            (
                "loyalty.policies.zone",
                "'zone' must be an IANA zone name such as 'Europe/London' (got 'Mars/Base')",
            ),
        ),
        (
            {"name": "club", "colour": "red"},
            (
                "loyalty.colour",
                "is not a field of Programme (name, policies, earn, tiers, catalogue)",
            ),
        ),
        ([1], ("loyalty", "must be a programme document (got array [1])")),
    ],
    ids=["bad-zone", "unknown-key", "not-a-table"],
)
def test_loyalty_programme_problems_are_prefixed_with_loyalty(
    loyalty: object, expected: tuple[str, str]
) -> None:
    assert problems(loyalty=loyalty) == [expected]


def test_a_goal_field_of_the_wrong_type_is_reported_at_its_path() -> None:
    assert problems(goals=[goal(description=7), goal(scope="all")]) == [
        ("goals[0].description", "must be a str (got 7)"),
        ("goals[1].scope", "must be an object (a table) (got string 'all')"),
    ]


# ------------------------------------------------------------------ writing documents


@pytest.mark.parametrize("kind", ["reactive", "proactive", "self_service", "hybrid"])
@pytest.mark.parametrize("format", ["toml", "json", "mapping"])
def test_each_example_model_reads_back_from_what_dump_model_writes(kind: str, format: str) -> None:
    model = load_model(EXAMPLES / f"{kind}.toml")
    written = dump_model(model, format=format)  # type: ignore[call-overload]
    assert load_model(written) == model
    assert dump_model(load_model(written), format=format) == written  # type: ignore[call-overload]


def test_a_model_with_a_loyalty_programme_and_every_part_reads_back_whole() -> None:
    model = load_model(EXAMPLES / "hybrid.toml")
    programme = Programme(name="club", policies=Policies(zone="Europe/London"))
    whole = attrs.evolve(
        model,
        theme_tag_prefix="theme:",
        goals=[*model.goals, attrs.evolve(model.goals[0], target=Fraction(1, 3), owner="ops")],
        programme=programme,
    )
    again = load_model(dump_model(whole))
    assert again == whole
    assert again.programme == programme  # not part of a model's equality
    assert again.goals[-1].target == Fraction(1, 3)


@pytest.mark.parametrize("target", [Fraction(1, 3 * 10**15), Fraction(10**16)])
def test_a_goal_value_no_document_can_hold_is_refused_when_written_not_when_read(
    target: Fraction,
) -> None:
    model = load_model(EXAMPLES / "hybrid.toml")
    odd = attrs.evolve(model, goals=[attrs.evolve(model.goals[0], target=target)])
    with pytest.raises(ValidationError, match="at most 15 digits") as caught:
        dump_model(odd)
    assert caught.value.field == "value"


@settings(max_examples=25)
@given(goal=goals())
def test_any_judgeable_goal_reads_back_from_a_model_document(goal: Goal) -> None:
    model = ServiceModel(name="Desk", type="reactive", channels=["email"], goals=[goal])
    assert load_model(dump_model(model)) == model
    assert load_model(dump_model(model, format="json")) == model


def test_a_recognition_policy_in_another_zone_is_not_written_silently() -> None:
    model = ServiceModel(
        name="Desk",
        type="reactive",
        channels=["email"],
        recognition=RecognitionPolicy(zone="Asia/Tokyo"),
    )
    with pytest.raises(ValidationError, match=r"'recognition' must run in the model's zone 'UTC'"):
        dump_model(model)
