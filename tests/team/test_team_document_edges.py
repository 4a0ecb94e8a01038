"""Team documents and QA score states: odd numbers, missing parts and corrupt states."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from servicemodel.exceptions import TeamDocumentError, ValidationError
from servicemodel.team import (
    Criterion,
    QaScore,
    Rubric,
    dump_rubric,
    load_rubric,
    load_skill_profiles,
)


def problems(load: Any, source: object) -> list[tuple[str, str]]:
    with pytest.raises(TeamDocumentError) as caught:
        load(source)
    return [(p.path, p.message) for p in caught.value.problems]


def test_a_source_of_another_type_is_refused_by_name() -> None:
    with pytest.raises(
        ValidationError, match=r"'source' must be text, bytes or a mapping \(got int\)"
    ):
        load_rubric(5)  # type: ignore[arg-type]


def test_a_document_over_the_size_limit_is_refused() -> None:
    assert problems(load_rubric, "#" * 1_000_001) == [
        ("", "must be at most 1000000 characters (got 1000001)")
    ]


def test_weights_that_are_not_finite_numbers_are_reported_per_criterion() -> None:
    criteria = [
        {"name": "a", "weight": True},
        {"name": "b", "weight": float("nan")},
        {"name": "c", "weight": " 0.5 "},
        {"name": "d"},
    ]
    assert problems(load_rubric, {"name": "r", "criteria": criteria}) == [
        ("criteria[0].weight", "must be a number or a fraction such as '1/3' (got True)"),
        ("criteria[1].weight", "must be a finite number (got nan)"),
        ("criteria[3].weight", "is required"),
    ]


def test_decimal_text_weights_are_exact_and_descriptions_round_trip() -> None:
    rubric = load_rubric(
        {
            "name": "r",
            "criteria": [
                {"name": "a", "weight": " 0.25 "},
                {"name": "b", "weight": 0.75, "description": "tone of voice"},
            ],
        }
    )
    assert [c.weight for c in rubric.criteria] == [Fraction(1, 4), Fraction(3, 4)]
    text = dump_rubric(rubric)
    assert 'description = "tone of voice"' in text
    assert load_rubric(text) == rubric


def test_a_rubric_needs_a_list_of_tables_of_criteria() -> None:
    assert problems(load_rubric, {"name": "r"}) == [("criteria", "is required")]
    assert problems(load_rubric, {"name": "r", "criteria": [{"name": "a", "weight": 1}, 7]}) == [
        ("criteria[1]", "must be a table/object (got 7)")
    ]
    many = {"name": "r", "criteria": [{"name": "a", "weight": 1}] * 1_001}
    assert problems(load_rubric, many) == [
        ("criteria", "must have at most 1000 entries (got 1001)")
    ]


def test_a_role_may_require_at_most_a_thousand_skills() -> None:
    doc = {"profiles": [{"role": "x", "requirements": {f"s{i}": 1 for i in range(1_001)}}]}
    assert problems(load_skill_profiles, doc) == [
        ("profiles[0].requirements", "must have at most 1000 entries (got 1001)")
    ]


def test_dumping_to_an_unknown_format_names_it() -> None:
    rubric = Rubric(name="r", criteria=[Criterion(name="a", weight=1)])
    with pytest.raises(
        ValidationError, match=r"'format' must be one of 'toml', 'json' \(got 'yaml'\)"
    ):
        dump_rubric(rubric, format="yaml")


# ------------------------------------------------------------------ QA score states


def state(**changes: Any) -> dict[str, Any]:
    good = QaScore.empty().to_json()
    good["state"] = {**good["state"], **changes} if changes else good["state"]
    return good


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        ({**state(), "state": [1]}, "state", "'state' must be a dict (got [1])"),
        (state(n=-1), "state.n", "'state.n' must be a non-negative integer (got -1)"),
        (state(n=True), "state.n", "'state.n' must be a non-negative integer (got True)"),
        (
            state(total="1/0"),
            "state.total",
            "'state.total' must be a non-negative fraction such as '17/20' (got '1/0')",
        ),
        (
            state(squares="-1"),
            "state.squares",
            "'state.squares' must be a non-negative fraction such as '17/20' (got '-1')",
        ),
        (
            state(total=1.5),
            "state.total",
            "'state.total' must be a non-negative fraction such as '17/20' (got 1.5)",
        ),
    ],
    ids=[
        "not-a-dict",
        "negative-n",
        "bool-n",
        "zero-denominator",
        "negative-squares",
        "float-total",
    ],
)
def test_a_corrupt_qa_state_is_refused_naming_the_field(
    document: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        QaScore.from_json(document)
    assert caught.value.field == field
    assert str(caught.value) == message


def test_a_qa_state_may_write_whole_numbers_as_integers() -> None:
    loaded = QaScore.from_json(state(n=2, total=1, squares=1, denominator=1))
    assert loaded.result().value == Fraction(1, 2)
