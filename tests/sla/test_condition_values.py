"""Conditions built in code: each refused field test or condition names its field and value."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from servicemodel import Interaction
from servicemodel.exceptions import ValidationError
from servicemodel.sla import Condition, FieldTest, SlaPolicy

FIELDS = "'priority', 'channel', 'kind', 'tags', 'segment', 'tier', 'group' or 'attributes.<name>'"
VALUE_RULE = "must be a non-empty string of at most 256 characters without surrounding blanks"
CHAT = FieldTest(field="channel", operator="equals", values="chat")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"field": 5}, "field", f"'field' must be one of {FIELDS} (got 5)"),
        ({"field": "attributes."}, "field", f"'field' must be one of {FIELDS} (got 'attributes.')"),
        (
            {"field": "channel", "operator": "contains"},
            "operator",
            "'operator' 'channel' takes 'equals', 'not_equals', 'in' or 'not_in' (got 'contains')",
        ),
        (
            {"field": "tags", "operator": "equals"},
            "operator",
            "'operator' 'tags' takes 'contains', 'contains_any' or 'contains_none' (got 'equals')",
        ),
        (
            {"values": ["chat", "email"]},
            "values",
            "'values' must hold exactly one value for 'equals' (got 2)",
        ),
        ({"operator": "in", "values": []}, "values", "'values' must hold 1 to 100 values (got 0)"),
        (
            {"operator": "in", "values": [f"v{i}" for i in range(101)]},
            "values",
            "'values' must hold 1 to 100 values (got 101)",
        ),
        (
            {"values": 5},
            "values",
            "'values' must be a string or a collection of strings (got 5)",
        ),
        ({"values": [" chat"]}, "values", f"'values' {VALUE_RULE} (got ' chat')"),
        ({"values": [5]}, "values", f"'values' {VALUE_RULE} (got 5)"),
    ],
    ids=[
        "field-number",
        "attribute-without-name",
        "scalar-with-tag-operator",
        "tags-with-scalar-operator",
        "equals-two-values",
        "no-values",
        "too-many-values",
        "values-number",
        "value-with-blank",
        "value-number",
    ],
)
def test_a_bad_field_test_is_refused_naming_field_and_value(
    kwargs: dict[str, Any], field: str, message: str
) -> None:
    arguments = {"field": "channel", "operator": "equals", "values": "chat", **kwargs}
    with pytest.raises(ValidationError) as caught:
        FieldTest(**arguments)
    assert caught.value.field == field
    assert str(caught.value) == message


def test_a_condition_holds_field_tests_or_conditions_only() -> None:
    with pytest.raises(
        ValidationError, match=r"^'terms' must hold FieldTest or Condition values \(got 'x'\)$"
    ):
        Condition(terms=["x"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match=r"^'terms' must hold at most 100 terms \(got 101\)$"):
        Condition(terms=[CHAT] * 101)


def test_conditions_nest_at_most_five_deep() -> None:
    condition = Condition.all_of(CHAT)
    for _ in range(4):
        condition = Condition(terms=[condition])
    assert condition.depth() == 5
    with pytest.raises(
        ValidationError, match=r"^'terms' must nest at most 5 conditions deep \(got 6\)$"
    ):
        Condition(terms=[condition])


@pytest.mark.parametrize(
    ("channel", "applies"), [("email", True), ("chat", False), ("phone", False)]
)
def test_not_in_matches_values_outside_the_list(channel: str, applies: bool) -> None:
    policy = SlaPolicy(
        name="Not live",
        condition=Condition.all_of(
            FieldTest(field="channel", operator="not_in", values=["chat", "phone"])
        ),
    )
    ticket = Interaction(
        id="T", customer_id="C", channel=channel, created_at=pendulum.datetime(2024, 6, 10)
    )
    assert policy.applies_to(ticket) is applies
