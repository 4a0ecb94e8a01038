"""Policy documents: loading, every problem with its path, round trips, limits and fuzzing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel import Priority, Status
from servicemodel.exceptions import PolicyDocumentError, Problem
from servicemodel.sla import (
    Condition,
    FieldTest,
    Match,
    Metric,
    Operator,
    PolicySet,
    PriorityChangeRule,
    dump_policies,
    load_policies,
)
from servicemodel.testing import policy_sets

GOOD: dict[str, Any] = {
    "version": 1,
    "on_priority_change": "restart",
    "policies": [
        {
            "name": "VIP",
            "description": "Customers tagged vip",
            "when": {
                "all": [
                    {"field": "tags", "contains": "vip"},
                    {"any": [{"field": "channel", "in": ["email", "chat"]}]},
                ]
            },
            "targets": {
                "urgent": {
                    "first_reply": "30m",
                    "resolution": {"within": "PT4H", "warn_percent": 75, "paused_by": ["pending"]},
                }
            },
        },
        {
            "name": "Default",
            "targets": {"normal": {"first_reply": {"within": "1h30m", "warn_before": "15m"}}},
        },
    ],
}


def problems(source: object) -> list[tuple[str, str]]:
    with pytest.raises(PolicyDocumentError) as caught:
        load_policies(source)  # type: ignore[arg-type]
    return [(p.path, p.message) for p in caught.value.problems]


def test_a_good_document_loads_into_values() -> None:
    policies = load_policies(GOOD)
    assert policies.on_priority_change is PriorityChangeRule.RESTART
    vip, default = policies.policies
    assert vip.condition == Condition.all_of(
        FieldTest(field="tags", operator=Operator.CONTAINS, values="vip"),
        Condition(
            match=Match.ANY,
            terms=[FieldTest(field="channel", operator="in", values=["email", "chat"])],
        ),
    )
    resolution = vip.target(Priority.URGENT, Metric.RESOLUTION)
    assert resolution is not None
    assert resolution.within == pendulum.duration(hours=4)
    assert resolution.warn_percent == 75
    assert resolution.paused_by == frozenset({Status.PENDING})
    first = default.target(Priority.NORMAL, Metric.FIRST_REPLY)
    assert first is not None
    assert first.warn_before == pendulum.duration(minutes=15)
    assert first.calendar is None


def test_json_toml_and_files_give_the_same_policies(tmp_path: Path) -> None:
    expected = load_policies(GOOD)
    assert load_policies(json.dumps(GOOD)) == expected
    assert load_policies(json.dumps(GOOD).encode()) == expected
    assert load_policies(dump_policies(expected)) == expected
    (tmp_path / "p.json").write_text(json.dumps(GOOD))
    (tmp_path / "p.toml").write_text(dump_policies(expected))
    assert load_policies(tmp_path / "p.json") == expected
    assert load_policies(tmp_path / "p.toml") == expected


def test_every_problem_is_reported_with_its_path() -> None:
    document = {
        "version": 2,
        "colour": "red",
        "policies": [
            {"name": "A", "targets": {"urgent": {"first_reply": "0m"}}},
            {
                "name": "A",
                "targets": {"normal": {"resolution": {"within": "4h", "calendar": "office"}}},
            },
            {
                "name": " padded",
                "when": {"all": [{"field": "priority", "equals": "critical"}]},
                "targets": {
                    "urgent": {
                        "first_reply": {"within": "1h", "warn_before": "2h"},
                        "agent_work": {"within": "1h", "warn_percent": 100},
                        "next_reply": 5,
                        "resolution": {"within": "P1M"},
                        "lunch": "1h",
                    },
                    "critical": {},
                },
            },
        ],
    }
    assert problems(document) == [
        (
            "colour",
            "is not a known key; expected one of version, on_priority_change, breaches, on_reopen, opening_message, calendars, schedule, policies",
        ),
        ("version", "must be 1 (got integer 2)"),
        ("policies[0].targets.urgent.first_reply", "must be positive (got '0m')"),
        (
            "policies[1].targets.normal.resolution.calendar",
            "must name a calendar of the document (got 'office'); known: none defined",
        ),
        ("policies[1].name", "duplicate policy name 'A' (also policies[0])"),
        (
            "policies[2].name",
            "must not start or end with blanks (got ' padded')",
        ),
        (
            "policies[2].when.all[0].equals",
            "must be one of 'low', 'normal', 'high', 'urgent', 'none' (got 'critical')",
        ),
        (
            "policies[2].targets.urgent.first_reply.warn_before",
            "must be shorter than 'within' (got '2h' >= '1h')",
        ),
        (
            "policies[2].targets.urgent.agent_work.warn_percent",
            "must be an integer from 1 to 99 (got integer 100)",
        ),
        (
            "policies[2].targets.urgent.next_reply",
            "must be an object (a duration or a target) (got integer 5)",
        ),
        (
            "policies[2].targets.urgent.resolution.within",
            "must not use months or years (got 'P1M'); their length varies, write days instead, e.g. 'P30D' or '30d'",
        ),
        (
            "policies[2].targets.urgent.lunch",
            "must be one of 'first_reply', 'next_reply', 'periodic_update', 'requester_wait', 'agent_work', 'resolution' (got string 'lunch')",
        ),
        (
            "policies[2].targets.critical",
            "must be one of 'low', 'normal', 'high', 'urgent', 'none' (got string 'critical')",
        ),
    ]


def test_condition_problems_name_their_place() -> None:
    def when(condition: object) -> list[tuple[str, str]]:
        return problems({"policies": [{"name": "P", "when": condition, "targets": {}}]})

    assert when({"all": [{"field": "tags", "equals": "vip"}]}) == [
        (
            "policies[0].when.all[0].equals",
            "'tags' takes 'contains', 'contains_any' or 'contains_none' (got 'equals')",
        )
    ]
    assert when({"any": [{"field": "group", "in": []}]}) == [
        ("policies[0].when.any[0].in", "must hold at least one value")
    ]
    assert when({"all": [], "any": []}) == [
        ("policies[0].when", "must have exactly one of 'all' or 'any'")
    ]
    assert (
        when({"all": [{"field": "colour", "equals": "red"}]})[0][0]
        == "policies[0].when.all[0].field"
    )
    assert when({"all": [{"field": "kind", "equals": "enquiry", "in": ["request"]}]}) == [
        (
            "policies[0].when.all[0]",
            "must have exactly one operator of equals, not_equals, in, not_in, contains, contains_any, contains_none (got 2)",
        )
    ]


def test_conditions_nest_at_most_five_levels() -> None:
    condition: dict[str, Any] = {"all": [{"field": "kind", "equals": "enquiry"}]}
    for _ in range(4):
        condition = {"any": [condition]}
    loaded = load_policies({"policies": [{"name": "P", "when": condition, "targets": {}}]})
    assert loaded.policies[0].condition.depth() == 5
    too_deep = {"all": [condition]}
    assert problems({"policies": [{"name": "P", "when": too_deep, "targets": {}}]}) == [
        (
            "policies[0].when.all[0].any[0].any[0].any[0].any[0]",
            "must not nest conditions deeper than 5 levels",
        )
    ]


def test_sizes_are_bounded() -> None:
    many = {"policies": [{"name": f"P{i}", "targets": {}} for i in range(1_001)]}
    assert problems(many) == [("policies", "must hold at most 1000 policies (got 1001)")]
    assert problems("{" * 100_000) == [
        ("", "document must not nest deeper than 32 levels")
    ] or problems("{" * 100_000)[0][1].startswith("invalid JSON")
    deep: Any = "x"
    for _ in range(40):
        deep = [deep]
    assert problems({"policies": deep}) == [
        ("policies" + "[0]" * 31, "must not nest deeper than 32 levels")
    ]
    assert problems("x" * 1_000_001)[0][1].startswith("document must be at most 1000000 bytes")


def test_text_problems() -> None:
    assert problems('{"policies": [], "policies": []}') == [
        ("policies", "must not be repeated (the key appears more than once in the JSON text)")
    ]
    assert problems("policies.toml")[0][1].endswith(
        "to read a file pass a pathlib.Path, not a string"
    )
    assert problems(Path("/nonexistent/policies.toml"))[0][1].startswith(
        "cannot read '/nonexistent/policies.toml'"
    )
    assert problems(42) == [
        (
            "",
            "document must be a mapping, JSON or TOML text, bytes, or a path to a .json or .toml file (got integer 42)",
        )
    ]
    assert problems({}) == [("policies", "is required")]


@settings(max_examples=50)
@given(policy_sets(max_policies=3))
def test_dump_then_load_round_trips(policies: PolicySet) -> None:
    assert load_policies(dump_policies(policies, format="mapping")) == policies
    assert load_policies(dump_policies(policies, format="json")) == policies
    assert load_policies(dump_policies(policies)) == policies


_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
    st.text(min_size=5_000, max_size=5_000).map(lambda s: s * 20),
    st.sampled_from(
        ["4h", "0m", "PT1H", "P1M", "urgent", "first_reply", "all", "any", "field", "tags"]
    ),
)
_keys = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "policies",
            "name",
            "targets",
            "when",
            "all",
            "any",
            "field",
            "equals",
            "in",
            "within",
            "calendar",
            "calendars",
            "warn_percent",
            "warn_before",
            "paused_by",
            "urgent",
            "normal",
            "first_reply",
            "resolution",
            "version",
            "timezone",
            "hours",
        ]
    ),
)
json_like = st.recursive(
    _json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=6), st.dictionaries(_keys, inner, max_size=6)),
    max_leaves=60,
)


def _deep(depth: int) -> object:
    value: object = {"policies": []}
    for i in range(depth):
        value = [value] if i % 2 else {"all": value}
    return value


def _deep_text(depth: int) -> str:
    return '{"policies": ' + "[" * depth + "]" * depth + "}"


@settings(max_examples=150)
@given(
    st.one_of(
        json_like, st.dictionaries(st.just("policies"), json_like), st.integers(0, 150).map(_deep)
    )
)
def test_fuzz_only_policy_document_errors_escape(value: object) -> None:
    for source in (value, json.dumps(value)):
        found = _problems_or_none(source)
        assert found is None or (
            found and all(isinstance(p.path, str) and p.message for p in found)
        )


def _problems_or_none(source: object) -> tuple[Problem, ...] | None:
    try:
        load_policies(source)  # type: ignore[arg-type]
    except PolicyDocumentError as error:
        return error.problems
    return None


@given(st.integers(2, 200_000))
def test_fuzz_deeply_nested_text_is_refused(depth: int) -> None:
    with pytest.raises(PolicyDocumentError) as caught:
        load_policies(_deep_text(depth))
    (problem,) = caught.value.problems
    if depth < 30:
        assert problem.path == "policies[0]"
    elif depth > 33:
        assert "nest deeper than 32 levels" in problem.message
