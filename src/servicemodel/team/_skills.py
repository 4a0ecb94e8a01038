"""Role profiles: the skills a role requires, and the gaps of an agent or candidate."""

from __future__ import annotations

import enum
from typing import Any, final

import attrs

from .._validators import check_item, is_collection, non_empty_str
from ..exceptions import ValidationError
from ._agents import Agent, Candidate
from ._common import check_level, each_skill_once

__all__ = ["GapKind", "SkillAssessment", "SkillGap", "SkillProfile", "SkillRequirement"]


@final
@attrs.frozen
class SkillRequirement:
    """A role needs *skill* at *level* (1 to 5) or above.

    >>> SkillRequirement("product:router", 3)
    SkillRequirement(skill='product:router', level=3)
    """

    skill: str = attrs.field(validator=non_empty_str)
    level: int = attrs.field()

    @level.validator
    def _check_level(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        check_level(value, field="level")


class GapKind(enum.Enum):
    """Why a requirement is not met: the skill is missing, or held below the level.

    >>> GapKind.BELOW_LEVEL.value
    'below_level'
    """

    MISSING = "missing"
    BELOW_LEVEL = "below_level"


@final
@attrs.frozen(kw_only=True)
class SkillGap:
    """One unmet requirement: the level required and the level held (0: not held).

    >>> SkillGap(skill="empathy", required=4, held=2).kind
    <GapKind.BELOW_LEVEL: 'below_level'>
    >>> SkillGap(skill="empathy", required=4, held=0).shortfall
    4
    """

    skill: str
    required: int
    held: int

    @property
    def kind(self) -> GapKind:
        """``missing`` when the skill is not held at all, else ``below_level``.

        >>> SkillGap(skill="spanish", required=2, held=0).kind.value
        'missing'
        """
        return GapKind.MISSING if self.held == 0 else GapKind.BELOW_LEVEL

    @property
    def shortfall(self) -> int:
        """How many levels are missing.

        >>> SkillGap(skill="empathy", required=4, held=3).shortfall
        1
        """
        return self.required - self.held


def _requirements(value: object) -> tuple[SkillRequirement, ...]:
    field = "requirements"
    if not is_collection(value):
        raise ValidationError(
            f"'{field}' must be a list of SkillRequirement (got {value!r})",
            field=field,
            value=value,
        )
    items: list[SkillRequirement] = []
    for index, item in enumerate(value):
        check_item(item, SkillRequirement, field=field, index=index)
        items.append(item)
    return each_skill_once(items, lambda r: r.skill, field=field)


@final
@attrs.frozen(kw_only=True)
class SkillAssessment:
    """The result of holding a person against a role profile.

    ``gaps`` lists unmet requirements, missing skills first, then by the
    largest shortfall, then by name; ``met`` names the requirements that hold.

    >>> profile = SkillProfile(role="tier1", requirements=[SkillRequirement("empathy", 3)])
    >>> profile.assess(Candidate(id="C", name="C", skills={"empathy": 3})).qualified
    True
    """

    role: str
    person_id: str
    gaps: tuple[SkillGap, ...]
    met: tuple[str, ...]

    @property
    def qualified(self) -> bool:
        """True when every requirement is met.

        >>> SkillAssessment(role="r", person_id="p", gaps=(), met=("empathy",)).qualified
        True
        """
        return not self.gaps

    def missing(self) -> tuple[str, ...]:
        """The required skills the person does not hold at all.

        >>> profile = SkillProfile(role="r", requirements=[SkillRequirement("spanish", 2)])
        >>> profile.assess(Candidate(id="C", name="C")).missing()
        ('spanish',)
        """
        return tuple(g.skill for g in self.gaps if g.kind is GapKind.MISSING)

    def below_level(self) -> tuple[str, ...]:
        """The required skills the person holds below the required level.

        >>> profile = SkillProfile(role="r", requirements=[SkillRequirement("empathy", 4)])
        >>> profile.assess(Candidate(id="C", name="C", skills={"empathy": 2})).below_level()
        ('empathy',)
        """
        return tuple(g.skill for g in self.gaps if g.kind is GapKind.BELOW_LEVEL)


@final
@attrs.frozen(kw_only=True)
class SkillProfile:
    """The skills a role requires, each at a minimum level.

    The seed model hires for patience, empathy, adaptability, communication
    and dependability and trains on products and communication; a profile
    writes such a list down so hiring and training use the same yardstick.

    >>> import datetime as dt
    >>> tier1 = SkillProfile(role="tier1", requirements=[
    ...     SkillRequirement("empathy", 3), SkillRequirement("product:router", 3),
    ...     SkillRequirement("spanish", 2)])
    >>> ana = Agent(id="A-1", name="Ana", team="support", hired_on=dt.date(2024, 1, 8),
    ...             skills={"empathy": 4, "product:router": 1})
    >>> result = tier1.assess(ana)
    >>> result.missing(), result.below_level(), result.met
    (('spanish',), ('product:router',), ('empathy',))
    """

    role: str = attrs.field(validator=non_empty_str)
    requirements: tuple[SkillRequirement, ...] = attrs.field(converter=_requirements)
    description: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    def assess(self, person: Agent | Candidate) -> SkillAssessment:
        """Hold an agent or a candidate against this profile.

        >>> SkillProfile(role="r", requirements=[]).assess(Candidate(id="C", name="C")).qualified
        True
        """
        if not isinstance(person, Agent | Candidate):
            raise ValidationError(
                f"'person' must be an Agent or a Candidate (got {type(person).__name__})",
                field="person",
                value=person,
            )
        gaps: list[SkillGap] = []
        met: list[str] = []
        for requirement in self.requirements:
            held = person.level(requirement.skill)
            if held >= requirement.level:
                met.append(requirement.skill)
            else:
                gaps.append(
                    SkillGap(skill=requirement.skill, required=requirement.level, held=held)
                )
        gaps.sort(key=lambda g: (g.kind is not GapKind.MISSING, -g.shortfall, g.skill))
        return SkillAssessment(
            role=self.role, person_id=person.id, gaps=tuple(gaps), met=tuple(met)
        )
