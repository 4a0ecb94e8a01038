"""The shipped JSON Schema and the loader stay in step, both ways."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel.exceptions import PolicyDocumentError
from servicemodel.sla import (
    BusinessCalendar,
    PolicySet,
    dump_policies,
    load_policies,
    policy_schema,
)
from servicemodel.testing import policy_sets

SCHEMA = policy_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
CALENDARS = {
    "office": BusinessCalendar.weekly(
        "Europe/London",
        {"mon-fri": ["09:00-12:30", "13:30-17:00"], "sat": "22:00-06:00"},
        holidays=[pendulum.date(2024, 12, 25)],
        closures=[("2024-12-24T13:00", "2024-12-24T17:00")],
    ),
    "follow-the-sun": BusinessCalendar.weekly("UTC", {"mon-sun": "00:00-24:00"}),
}
documents = policy_sets(calendars=CALENDARS, max_policies=3).map(
    lambda p: dump_policies(p, format="mapping")
)


def loads(document: object) -> bool:
    try:
        load_policies(document)  # type: ignore[arg-type]
    except PolicyDocumentError:
        return False
    return True


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["required"] == ["policies"]


def test_hand_written_variants_are_accepted_by_both() -> None:
    document = {
        "version": 1.0,
        "calendars": {"office": {"timezone": "Europe/London", "hours": {"mon-fri": "09:00-17:00"}}},
        "policies": [
            {
                "name": "Office hours",
                "description": None,
                "calendar": "office",
                "when": {"any": [{"field": "attributes.product", "not_in": ["legacy"]}]},
                "targets": {
                    "high": {
                        "first_reply": "PT1H30M",
                        "resolution": {"within": "2d", "calendar": None, "warn_percent": 75.0},
                        "agent_work": {"within": "1w2d", "warn_before": "PT0.5S", "paused_by": []},
                    }
                },
            }
        ],
    }
    assert VALIDATOR.is_valid(document)
    assert loads(document)


@settings(max_examples=50)
@given(policy_sets(calendars=CALENDARS, max_policies=3))
def test_documents_the_schema_accepts_load_and_round_trip(policies: PolicySet) -> None:
    document = json.loads(dump_policies(policies, format="json"))
    assert VALIDATOR.is_valid(document), list(VALIDATOR.iter_errors(document))[:1]
    assert load_policies(document) == policies


# Replacement values never introduce a rule the schema cannot state (they are not text,
# so they cannot name an unknown calendar or repeat a policy name).
_replacements = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 150),
    st.floats(allow_nan=False, allow_infinity=False),
    st.just(float("nan")),
    st.just([]),
    st.just({}),
    st.lists(st.integers(0, 3), min_size=1, max_size=2),
    st.dictionaries(
        st.sampled_from(["within", "field", "all", "x"]), st.integers(0, 2), max_size=2
    ),
)


def _nodes(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_nodes(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_nodes(item, (*path, index)))
    return found


def _parent(document: Any, path: tuple[object, ...]) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(draw(documents))
    # Calendars stay: removing one would leave a dangling name, a rule only the loader states.
    nodes = [p for p in _nodes(document) if p and not (p[0] == "calendars" and len(p) <= 2)]
    path = draw(st.sampled_from(nodes))
    parent, last = _parent(document, path), path[-1]
    action = draw(st.sampled_from(["replace", "delete", "add_key"]))
    if action == "replace":
        parent[last] = draw(_replacements)
    elif action == "delete":
        del parent[last]
    else:
        target = parent[last] if isinstance(parent[last], dict) else parent
        if isinstance(target, dict):
            target[
                draw(st.sampled_from(["colour", "within", "field", "any", "urgent", "lunch"]))
            ] = draw(_replacements)
    return document


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@settings(max_examples=100)
@given(mutated())
def test_schema_and_loader_agree_on_shape_mutations(document: dict[str, Any]) -> None:
    # Documents the loader rejects for their shape, the schema rejects too, and the
    # schema accepts only what the loader loads.
    assert VALIDATOR.is_valid(document) == loads(document)


def _days_document(target: object, *, policy_calendar: str | None = "office") -> dict[str, Any]:
    policy: dict[str, Any] = {"name": "Office", "targets": {"normal": {"resolution": target}}}
    if policy_calendar is not None:
        policy["calendar"] = policy_calendar
    return {
        "calendars": {"office": {"timezone": "Europe/London", "hours": {"mon-fri": "09:00-17:00"}}},
        "on_reopen": "new_cycle",
        "breaches": "record",
        "policies": [policy],
    }


def test_business_day_targets_are_accepted_and_refused_alike_by_schema_and_loader() -> None:
    accepted = [
        _days_document("2 business days"),
        _days_document("1 business day"),
        _days_document("3660 business days"),
        _days_document({"within": "5 business days", "warn_percent": 80}),
        _days_document({"within": "5 business days", "calendar": "office"}, policy_calendar=None),
    ]
    refused = [
        _days_document("2 business days", policy_calendar=None),
        _days_document({"within": "2 business days", "calendar": None}),
        _days_document({"within": "2 business days", "warn_before": "1h"}),
        _days_document("0 business days"),
        _days_document("3661 business days"),
        _days_document("02 business days"),
        _days_document("2 business  days"),
        _days_document("two business days"),
    ]
    for document in accepted:
        assert VALIDATOR.is_valid(document), document
        assert loads(document), document
    for document in refused:
        assert not VALIDATOR.is_valid(document), document
        assert not loads(document), document
