"""Agents and candidates: who they are and which skills they hold at which level."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, final

import attrs
import pendulum

from .._validators import check_item, is_collection, non_empty_str, optional_non_empty_str
from ..exceptions import ValidationError
from ._common import check_level, each_skill_once, local_date

__all__ = ["Agent", "Candidate", "Skill"]


@final
@attrs.frozen
class Skill:
    """A skill held at a level from 1 (foundation) to 5 (expert).

    Skill names are free text chosen by the team ("empathy",
    "product:router"); the same name must be used in role profiles.

    >>> Skill("empathy", 4)
    Skill(name='empathy', level=4)
    >>> Skill("empathy", 0)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'level' must be an integer from 1 to 5 (got 0)
    """

    name: str = attrs.field(validator=non_empty_str)
    level: int = attrs.field()

    @level.validator
    def _check_level(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        check_level(value, field="level")


def skill_tuple(value: object, *, field: str = "skills") -> tuple[Skill, ...]:
    """Normalise skills given as a mapping name -> level or an iterable of Skill, sorted by name."""
    if not is_collection(value):
        raise ValidationError(
            f"'{field}' must be a mapping of skill names to levels or a list of Skill "
            f"(got {value!r})",
            field=field,
            value=value,
        )
    items: list[Skill] = []
    if isinstance(value, Mapping):
        for name, level in value.items():
            if not isinstance(name, str):
                raise ValidationError(
                    f"'{field}' must use skill names as keys (got {name!r})",
                    field=field,
                    value=name,
                )
            check_level(level, field=f"{field}.{name}")
            items.append(Skill(name, level))
    else:
        for index, item in enumerate(value):
            check_item(item, Skill, field=field, index=index)
            items.append(item)
    return each_skill_once(items, lambda s: s.name, field=field)


def _skills(value: object) -> tuple[Skill, ...]:
    return skill_tuple(value)


def _hired_on(value: object) -> pendulum.Date:
    return local_date(value, field="hired_on")


@final
@attrs.frozen(kw_only=True)
class Agent:
    """A member of the service team.

    ``skills`` accepts a mapping of skill name to level or a list of
    :class:`Skill`; it is stored sorted by name. ``role`` names the
    :class:`~servicemodel.team.SkillProfile` the agent is held to, if any.

    >>> import datetime as dt
    >>> ana = Agent(id="A-1", name="Ana", team="billing", hired_on=dt.date(2023, 3, 1),
    ...             skills={"empathy": 4, "product:router": 2})
    >>> ana.level("empathy"), ana.level("spanish")
    (4, 0)
    """

    id: str = attrs.field(validator=non_empty_str)
    name: str = attrs.field(validator=non_empty_str)
    team: str = attrs.field(validator=non_empty_str)
    hired_on: pendulum.Date = attrs.field(converter=_hired_on)
    skills: tuple[Skill, ...] = attrs.field(default=(), converter=_skills)
    role: str | None = attrs.field(default=None, validator=optional_non_empty_str)

    def level(self, skill: str) -> int:
        """The agent's level in *skill*; 0 means the agent does not have the skill.

        >>> import datetime as dt
        >>> Agent(id="A", name="A", team="t", hired_on=dt.date(2024, 1, 1)).level("empathy")
        0
        """
        return _level(self.skills, skill)

    def with_skill(self, skill: str, level: int) -> Agent:
        """Return the agent with *skill* set to *level* (added or changed).

        >>> import datetime as dt
        >>> a = Agent(id="A", name="A", team="t", hired_on=dt.date(2024, 1, 1))
        >>> a.with_skill("empathy", 3).level("empathy")
        3
        """
        kept = [s for s in self.skills if s.name != skill]
        return attrs.evolve(self, skills=[*kept, Skill(skill, level)])

    def tenure_days(self, on: object) -> int:
        """Whole days from the hire date to the date *on* (a ``datetime.date``).

        Raises:
            ValidationError: *on* is before the hire date or not a date.

        >>> import datetime as dt
        >>> a = Agent(id="A", name="A", team="t", hired_on=dt.date(2024, 1, 1))
        >>> a.tenure_days(dt.date(2024, 3, 1))
        60
        """
        day = local_date(on, field="on")
        days = day.toordinal() - self.hired_on.toordinal()
        if days < 0:
            raise ValidationError(
                f"'on' must not be before the hire date {self.hired_on.isoformat()} "
                f"(got {day.isoformat()})",
                field="on",
                value=on,
            )
        return days


@final
@attrs.frozen(kw_only=True)
class Candidate:
    """Someone being considered for a role: an id, a name and assessed skills.

    >>> Candidate(id="C-9", name="Bo", skills={"patience": 4}).level("patience")
    4
    """

    id: str = attrs.field(validator=non_empty_str)
    name: str = attrs.field(validator=non_empty_str)
    skills: tuple[Skill, ...] = attrs.field(default=(), converter=_skills)

    def level(self, skill: str) -> int:
        """The candidate's level in *skill*; 0 means not assessed or not held.

        >>> Candidate(id="C", name="C").level("empathy")
        0
        """
        return _level(self.skills, skill)


def _level(skills: tuple[Skill, ...], name: str) -> int:
    for skill in skills:
        if skill.name == name:
            return skill.level
    return 0
