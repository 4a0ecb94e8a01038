"""Agents, role profiles and the gap assessment."""

from __future__ import annotations

import datetime as dt

import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.team import (
    Agent,
    Candidate,
    GapKind,
    Skill,
    SkillProfile,
    SkillRequirement,
)

TIER1 = SkillProfile(
    role="tier1",
    requirements=[
        SkillRequirement("empathy", 3),
        SkillRequirement("patience", 3),
        SkillRequirement("product:router", 3),
        SkillRequirement("spanish", 2),
    ],
)


def agent(**skills: int) -> Agent:
    return Agent(id="A-1", name="Ana", team="support", hired_on=dt.date(2024, 1, 8), skills=skills)


def test_agent_below_a_roles_level_is_reported_with_both_levels() -> None:
    result = TIER1.assess(agent(empathy=4, patience=3, **{"product:router": 1, "spanish": 2}))
    assert not result.qualified
    assert result.below_level() == ("product:router",)
    assert result.missing() == ()
    (gap,) = result.gaps
    assert (gap.skill, gap.required, gap.held, gap.kind) == (
        "product:router",
        3,
        1,
        GapKind.BELOW_LEVEL,
    )
    assert result.met == ("empathy", "patience", "spanish")


def test_missing_skills_come_before_below_level_and_larger_shortfalls_first() -> None:
    result = TIER1.assess(agent(empathy=2, **{"product:router": 1}))
    assert [g.skill for g in result.gaps] == ["patience", "spanish", "product:router", "empathy"]
    assert result.missing() == ("patience", "spanish")


def test_exactly_at_the_level_meets_the_requirement() -> None:
    result = TIER1.assess(agent(empathy=3, patience=3, spanish=2, **{"product:router": 3}))
    assert result.qualified
    assert result.gaps == ()


def test_candidate_is_assessed_like_an_agent() -> None:
    result = TIER1.assess(Candidate(id="C-1", name="Bo", skills={"empathy": 5, "patience": 5}))
    assert result.person_id == "C-1"
    assert result.missing() == ("product:router", "spanish")


def test_skills_accept_a_mapping_or_skills_and_are_sorted() -> None:
    a = Agent(
        id="A",
        name="A",
        team="t",
        hired_on=dt.date(2024, 1, 1),
        skills=[Skill("zulu", 1), Skill("alpha", 2)],
    )
    b = Agent(
        id="A", name="A", team="t", hired_on=dt.date(2024, 1, 1), skills={"alpha": 2, "zulu": 1}
    )
    assert a == b
    assert [s.name for s in a.skills] == ["alpha", "zulu"]


@pytest.mark.parametrize(
    ("skills", "field"),
    [
        ({"empathy": 6}, "skills.empathy"),
        ({"empathy": 0}, "skills.empathy"),
        ([Skill("x", 1), Skill("x", 2)], "skills"),
        ("empathy", "skills"),
    ],
)
def test_bad_skills_are_refused_naming_the_field(skills: object, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Agent(id="A", name="A", team="t", hired_on=dt.date(2024, 1, 1), skills=skills)
    assert info.value.field == field


def test_hire_date_must_be_a_date_not_a_datetime() -> None:
    with pytest.raises(ValidationError, match="'hired_on' must be a calendar date"):
        Agent(id="A", name="A", team="t", hired_on=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def test_tenure_is_counted_in_days_and_refuses_dates_before_hire() -> None:
    a = agent()
    assert a.tenure_days(dt.date(2025, 1, 8)) == 366
    with pytest.raises(ValidationError, match="'on' must not be before the hire date"):
        a.tenure_days(dt.date(2023, 12, 31))


def test_with_skill_changes_one_level_and_keeps_the_rest() -> None:
    a = agent(empathy=2, patience=4)
    b = a.with_skill("empathy", 3)
    assert (b.level("empathy"), b.level("patience"), a.level("empathy")) == (3, 4, 2)


def test_profile_refuses_a_skill_required_twice() -> None:
    with pytest.raises(ValidationError, match="must name each skill once"):
        SkillProfile(role="r", requirements=[SkillRequirement("x", 1), SkillRequirement("x", 2)])
