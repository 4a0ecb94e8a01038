"""Rubric and role-profile documents: path-named problems, collected; round trips."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import DocumentError, TeamDocumentError, ValidationError
from servicemodel.team import (
    Criterion,
    Rubric,
    SkillProfile,
    SkillRequirement,
    dump_rubric,
    dump_skill_profiles,
    load_rubric,
    load_skill_profiles,
)
from servicemodel.testing import identifiers, rubrics

RUBRIC_TOML = """
name = "chat"

[[criteria]]
name = "clear_communication"
weight = "1/3"

[[criteria]]
name = "empathy"
weight = "1/3"
scale = 5

[[criteria]]
name = "accuracy"
weight = "1/3"
auto_fail_at = 0
description = "wrong information fails the review"
"""


def test_toml_rubric_loads_with_exact_weights_and_auto_fail() -> None:
    rubric = load_rubric(RUBRIC_TOML)
    assert rubric.name == "chat"
    assert [c.weight for c in rubric.criteria] == [Fraction(1, 3)] * 3
    assert rubric.criterion("empathy").scale == 5
    assert rubric.criterion("accuracy").auto_fail_at == 0


def test_every_problem_is_collected_with_its_path() -> None:
    document = {
        "name": 7,
        "criteria": [
            {"name": "a", "weight": "lots", "colour": "red"},
            {"weight": 0.5, "scale": "four"},
            {"name": "c", "weight": 0.5, "auto_fail_at": 9},
        ],
    }
    with pytest.raises(TeamDocumentError) as info:
        load_rubric(document)
    found = {p.path: p.message for p in info.value.problems}
    assert set(found) == {
        "name",
        "criteria[0].weight",
        "criteria[0].colour",
        "criteria[1].name",
        "criteria[1].scale",
        "criteria[2].auto_fail_at",
    }
    assert (
        found["criteria[0].weight"] == "must be a number or a fraction such as '1/3' (got 'lots')"
    )
    assert found["criteria[2].auto_fail_at"].startswith("must be an integer from 0 to 3")
    assert isinstance(info.value, DocumentError)
    assert isinstance(info.value, ValueError)


def test_weights_not_summing_to_one_is_a_document_problem() -> None:
    with pytest.raises(TeamDocumentError) as info:
        load_rubric('{"name": "r", "criteria": [{"name": "a", "weight": 0.6}]}', format="json")
    assert [str(p) for p in info.value.problems] == ["criteria: weights must sum to 1 (got 3/5)"]


def test_syntax_errors_and_wrong_shapes_are_problems_not_crashes() -> None:
    cases: list[tuple[str | bytes, str]] = [
        ("name = ", "toml"),
        ("{", "json"),
        ("[1, 2]", "json"),
        (b"\xff", "json"),
    ]
    for text, fmt in cases:
        with pytest.raises(TeamDocumentError):
            load_rubric(text, format=fmt)
    with pytest.raises(TeamDocumentError, match="must not nest deeper than 32 levels"):
        load_rubric("[" * 100_000 + "]" * 100_000, format="json")
    with pytest.raises(TeamDocumentError, match="criteria: must be an array"):
        load_rubric({"name": "r", "criteria": {"a": 1}})
    with pytest.raises(ValidationError, match="'format' must be one of 'toml', 'json'"):
        load_rubric("name = 'r'", format="yaml")


PROFILES_TOML = """
[[profiles]]
role = "tier1"
description = "First line"
requirements = { empathy = 3, patience = 3, "product:router" = 2 }

[[profiles]]
role = "tier2"
requirements = { empathy = 3, "product:router" = 4 }
"""


def test_role_profiles_load_in_document_order() -> None:
    tier1, tier2 = load_skill_profiles(PROFILES_TOML)
    assert (tier1.role, tier1.description, tier2.role) == ("tier1", "First line", "tier2")
    assert SkillRequirement("product:router", 4) in tier2.requirements


def test_role_profile_problems_name_their_paths() -> None:
    document = {
        "profiles": [
            {"role": "tier1", "requirements": {"empathy": 0, "patience": "high"}},
            {"role": "tier1", "requirements": {}},
            {"requirements": []},
        ],
        "extra": 1,
    }
    with pytest.raises(TeamDocumentError) as info:
        load_skill_profiles(document)
    assert [p.path for p in info.value.problems] == [
        "extra",
        "profiles[0].requirements.empathy",
        "profiles[0].requirements.patience",
        "profiles[1].role",
        "profiles[2].role",
        "profiles[2].requirements",
    ]


@given(rubrics(), st.sampled_from(["toml", "json"]))
def test_rubric_documents_round_trip(rubric: Rubric, fmt: Literal["toml", "json"]) -> None:
    assert load_rubric(dump_rubric(rubric, format=fmt), format=fmt) == rubric


@given(
    st.lists(
        st.builds(
            SkillProfile,
            role=identifiers(),
            requirements=st.dictionaries(identifiers(), st.integers(1, 5), max_size=4).map(
                lambda d: [SkillRequirement(k, v) for k, v in d.items()]
            ),
            description=st.text(max_size=10),
        ),
        max_size=3,
        unique_by=lambda p: p.role,
    ),
    st.sampled_from(["toml", "json"]),
)
def test_profile_documents_round_trip(
    profiles: list[SkillProfile], fmt: Literal["toml", "json"]
) -> None:
    assert load_skill_profiles(dump_skill_profiles(profiles, format=fmt), format=fmt) == tuple(
        profiles
    )


def problems(load: Any, source: object) -> list[tuple[str, str]]:
    with pytest.raises(TeamDocumentError) as caught:
        load(source)
    return [(p.path, p.message) for p in caught.value.problems]


def test_a_source_of_another_type_is_refused_by_name() -> None:
    assert problems(load_rubric, 5) == [
        (
            "",
            "document must be a mapping, JSON or TOML text, bytes, or a path to a .json or "
            ".toml file (got integer 5)",
        )
    ]


def test_a_document_over_the_size_limit_is_refused() -> None:
    assert problems(load_rubric, "#" * 1_000_001) == [
        ("", "document must be at most 1000000 bytes (got 1000001 characters)")
    ]


def test_weights_that_are_not_numbers_are_reported_per_criterion() -> None:
    criteria = [
        {"name": "a", "weight": True},
        {"name": "c", "weight": " 0.5 "},
        {"name": "d"},
    ]
    assert problems(load_rubric, {"name": "r", "criteria": criteria}) == [
        ("criteria[0].weight", "must be a number or a fraction such as '1/3' (got True)"),
        ("criteria[2].weight", "is required"),
    ]


def test_a_weight_that_is_not_a_finite_number_is_refused_before_the_walk() -> None:
    criteria = [{"name": "a", "weight": True}, {"name": "b", "weight": float("nan")}]
    assert problems(load_rubric, {"name": "r", "criteria": criteria}) == [
        ("criteria[1].weight", "must be a finite number (got nan)")
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
        ("criteria", "must hold at most 1000 tables/objects (got 1001)")
    ]


def test_a_role_may_require_at_most_a_thousand_skills() -> None:
    document = {"profiles": [{"role": "x", "requirements": {f"s{i}": 1 for i in range(1_001)}}]}
    assert problems(load_skill_profiles, document) == [
        ("profiles[0].requirements", "must have at most 1000 entries (got 1001)")
    ]


def test_dumping_to_an_unknown_format_names_it() -> None:
    rubric = Rubric(name="r", criteria=[Criterion(name="a", weight=1)])
    with pytest.raises(
        ValidationError, match=r"'format' must be one of 'toml', 'json', 'mapping' \(got 'yaml'\)"
    ):
        dump_rubric(rubric, format="yaml")  # type: ignore[call-overload]
