"""Service model documents: the four example models, path-named problems, type implications."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pendulum
import pytest

from servicemodel.exceptions import ModelDocumentError, ValidationError
from servicemodel.goals import Goal
from servicemodel.model import FollowUpRule, ModelType, ServiceModel, load_model

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
    assert "self_service_deflection" not in reactive.tracked_kpis()
    hybrid = load_model(EXAMPLES / "hybrid.toml")
    assert {"self_service_deflection", "nps", "ces"} <= set(hybrid.tracked_kpis())
    with_goal = ServiceModel(
        name="R", type="reactive", channels=["email"], goals=[Goal(name="g", metric="contact_rate")]
    )
    assert with_goal.tracked_kpis()[-1] == "contact_rate"
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
