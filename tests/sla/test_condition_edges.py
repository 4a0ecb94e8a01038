"""Edge cases of SLA policy conditions, found unchecked by mutation testing:
every operator's truth table, attribute fields, long values shortened in
messages, and the exact error sentences with their field and value.
"""

from __future__ import annotations

import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.sla import Condition, FieldTest
from servicemodel.sla._conditions import Facts, check_field_name, check_value_for

FIELDS = "'priority', 'channel', 'kind', 'tags', 'segment', 'tier', 'group' or 'attributes.<name>'"


def facts(*tags: str, segment: str | None = None, **attributes: str) -> Facts:
    return Facts("high", "email", "incident", frozenset(tags), segment, None, None, attributes)


@pytest.mark.parametrize(
    ("operator", "values", "tags", "expected"),
    [
        ("contains", ["vip"], {"vip", "eu"}, True),
        ("contains", ["vip"], {"eu"}, False),
        ("contains_any", ["vip", "eu"], {"eu"}, True),
        ("contains_any", ["vip", "eu"], {"us"}, False),
        ("contains_none", ["vip", "eu"], {"eu"}, False),
        ("contains_none", ["vip", "eu"], {"us"}, True),
        ("contains_none", ["vip"], set(), True),
    ],
)
def test_tag_operators(operator: str, values: list[str], tags: set[str], expected: bool) -> None:
    assert (
        FieldTest(field="tags", operator=operator, values=values).matches(facts(*tags)) is expected
    )


@pytest.mark.parametrize(
    ("operator", "values", "expected"),
    [
        ("equals", "gold", True),
        ("equals", "silver", False),
        ("not_equals", "gold", False),
        ("not_equals", "silver", True),
        ("in", ["silver", "gold"], True),
        ("in", ["silver", "bronze"], False),
        ("not_in", ["silver", "gold"], False),
        ("not_in", ["silver", "bronze"], True),
    ],
)
def test_scalar_operators_on_fields_and_attributes(
    operator: str, values: str | list[str], expected: bool
) -> None:
    on_segment = FieldTest(field="segment", operator=operator, values=values)
    on_attribute = FieldTest(field="attributes.plan", operator=operator, values=values)
    assert on_segment.matches(facts(segment="gold")) is expected
    assert on_attribute.matches(facts(plan="gold")) is expected
    # a missing value equals nothing
    assert on_attribute.matches(facts()) is (operator in ("not_equals", "not_in"))


def test_all_of_and_any_of_keep_their_terms() -> None:
    vip = FieldTest(field="tags", operator="contains", values="vip")
    eu = FieldTest(field="tags", operator="contains", values="eu")
    assert Condition.any_of(vip, eu).terms == (vip, eu)
    assert Condition.any_of(vip, eu).matches(facts("eu"))
    assert not Condition.any_of(vip, eu).matches(facts("us"))
    assert not Condition.all_of(vip, eu).matches(facts("eu"))
    assert Condition.all_of(vip, eu).matches(facts("eu", "vip"))
    assert not Condition.any_of().matches(facts())


def test_field_names() -> None:
    assert check_field_name("attributes.plan") is None
    assert check_field_name("tags") is None
    assert check_field_name("attributes." + "p" * 245) is None  # 256 characters
    for bad in ("attributes.", "attributes. plan", "Priority", 7):
        assert check_field_name(bad) == f"must be one of {FIELDS} (got {bad!r})"
    too_long = "attributes." + "p" * 246
    assert check_field_name(too_long) == f"must be one of {FIELDS} (got {too_long[:77] + '...'!r})"
    long = "x" * 81
    assert check_field_name(long) == f"must be one of {FIELDS} (got {'x' * 77 + '...'!r})"
    assert check_field_name("x" * 80) == f"must be one of {FIELDS} (got {'x' * 80!r})"
    with pytest.raises(ValidationError) as err:
        FieldTest(field="prio", operator="equals", values="x")
    assert (err.value.message, err.value.field, err.value.value) == (
        f"'field' must be one of {FIELDS} (got 'prio')",
        "field",
        "prio",
    )


def test_values() -> None:
    rule = "must be a non-empty string of at most 256 characters without surrounding blanks"
    assert check_value_for("segment", "v" * 256) is None
    assert check_value_for("segment", "v" * 257) == f"{rule} (got {'v' * 77 + '...'!r})"
    assert check_value_for("segment", "v" * 80 + " ") == f"{rule} (got {'v' * 77 + '...'!r})"
    assert check_value_for("segment", " " + "v" * 79) == f"{rule} (got {' ' + 'v' * 79!r})"
    assert check_value_for("segment", "") == f"{rule} (got '')"
    assert check_value_for("segment", 5) == f"{rule} (got 5)"
    with pytest.raises(ValidationError) as err:
        FieldTest(field="segment", operator="in", values=5)
    assert (err.value.message, err.value.field, err.value.value) == (
        "'values' must be a string or a collection of strings (got 5)",
        "values",
        5,
    )


def test_operator_and_match_errors_name_their_field() -> None:
    with pytest.raises(ValidationError) as err:
        FieldTest(field="segment", operator="like", values="x")
    assert (err.value.field, err.value.value) == ("operator", "like")
    assert err.value.message.startswith("'operator' must be one of 'equals'")
    with pytest.raises(ValidationError) as err:
        Condition(match="some")
    assert (err.value.field, err.value.value) == ("match", "some")
    assert err.value.message == "'match' must be one of 'all', 'any' (got 'some')"
