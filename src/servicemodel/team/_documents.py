"""Rubric and role-profile documents (TOML, JSON or dicts) with path-named problems.

Loading collects every problem with its path (``criteria[2].weight``) before
raising one :class:`~servicemodel.exceptions.TeamDocumentError`. Nothing is
evaluated from the text; sizes are bounded. Dumping writes the same shapes,
so ``load(dump(x)) == x``.

A rubric document::

    name = "chat"

    [[criteria]]
    name = "empathy"
    weight = 0.5          # a number, or a fraction as text: "1/3"
    scale = 4             # ratings 0..4 (default 4)

    [[criteria]]
    name = "accuracy"
    weight = 0.5
    auto_fail_at = 0      # a rating at or below this fails the review

A role-profile document::

    [[profiles]]
    role = "tier1"
    description = "First line"
    requirements = { empathy = 3, "product:router" = 2 }

>>> rubric = load_rubric('''
... name = "chat"
... [[criteria]]
... name = "empathy"
... weight = 0.5
... [[criteria]]
... name = "accuracy"
... weight = 0.5
... auto_fail_at = 0
... ''')
>>> [(c.name, c.weight) for c in rubric.criteria]
[('empathy', Fraction(1, 2)), ('accuracy', Fraction(1, 2))]
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, Literal, overload

from .. import _documents as doc
from .._validators import shown
from ..exceptions import TeamDocumentError
from ._common import MAX_LEVEL, MIN_LEVEL
from ._quality import Criterion, Rubric
from ._skills import SkillProfile, SkillRequirement

__all__ = [
    "dump_rubric",
    "dump_skill_profiles",
    "load_rubric",
    "load_skill_profiles",
]

_MAX_ITEMS = 1_000
_FRACTION_TEXT = re.compile(r"\s*(\d{1,12})\s*/\s*(\d{1,12})\s*")
_DECIMAL_TEXT = re.compile(r"\s*\d{1,12}(?:\.\d{1,12})?\s*")

Source = Mapping[str, Any] | str | bytes | os.PathLike[str]
Format = Literal["toml", "json"]


def _text(
    c: doc.Problems, path: str, data: Mapping[str, Any], key: str, *, required: bool
) -> str | None:
    where = doc.join(path, key)
    if key not in data:
        if required:
            c.add(where, "is required")
        return None
    value = data[key]
    if not isinstance(value, str):
        c.add(where, f"must be a string (got {shown(value)})")
        return None
    return value


def _number(c: doc.Problems, where: str, value: object) -> Fraction | None:
    if isinstance(value, bool):
        c.add(where, f"must be a number or a fraction such as '1/3' (got {shown(value)})")
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, str):
        match = _FRACTION_TEXT.fullmatch(value)
        if match and int(match.group(2)) != 0:
            return Fraction(int(match.group(1)), int(match.group(2)))
        if _DECIMAL_TEXT.fullmatch(value):
            return Fraction(value.strip())
    c.add(where, f"must be a number or a fraction such as '1/3' (got {shown(value)})")
    return None


def _integer(c: doc.Problems, where: str, value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        c.add(where, f"must be an integer (got {shown(value)})")
        return None
    return value


def _table_list(c: doc.Problems, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    if key not in data:
        c.add(key, "is required")
        return []
    items = doc.array(data[key], key, c, limit=_MAX_ITEMS, what="tables/objects")
    if items is None:
        return []
    tables: list[Mapping[str, Any]] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            c.add(doc.at(key, index), f"must be a table/object (got {shown(item)})")
        else:
            tables.append(item)
    return tables if len(tables) == len(items) else []


_CRITERION_KEYS = ("name", "weight", "scale", "auto_fail_at", "description")


def _criterion(c: doc.Problems, path: str, raw: Mapping[str, Any]) -> Criterion | None:
    before = len(c)
    data = doc.fields(
        raw, path, c, allowed=_CRITERION_KEYS, required=("weight",), what="a criterion"
    )
    if data is None:
        return None
    name = _text(c, path, data, "name", required=True)
    description = _text(c, path, data, "description", required=False) or ""
    weight = _number(c, f"{path}.weight", data["weight"]) if "weight" in data else None
    scale = _integer(c, f"{path}.scale", data["scale"]) if "scale" in data else 4
    auto_fail_at = (
        _integer(c, f"{path}.auto_fail_at", data["auto_fail_at"])
        if "auto_fail_at" in data
        else None
    )
    if len(c) > before or name is None or weight is None or scale is None:
        return None
    return c.build(
        path,
        lambda: Criterion(
            name=name,
            weight=weight,
            scale=scale,
            auto_fail_at=auto_fail_at,
            description=description,
        ),
    )


def _read(source: object, format: str | None) -> tuple[doc.Problems, Mapping[str, Any]]:
    problems = doc.Problems()
    data = doc.read(source, format=format, problems=problems)
    if data is None:
        raise TeamDocumentError(problems.items)
    return problems, data


def load_rubric(source: Source, *, format: str | None = None) -> Rubric:
    """Load a rubric from a TOML or JSON document (text, bytes, a path or a mapping).

    Args:
        source: the document text, UTF-8 bytes, a ``pathlib.Path`` or a mapping.
        format: ``"toml"`` or ``"json"``; by default a path's suffix decides,
            and text starting with ``{`` is JSON.

    Raises:
        TeamDocumentError: every problem found, each with its path.

    >>> load_rubric({"name": "r", "criteria": [{"name": "tone", "weight": 0.9}]})
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.TeamDocumentError: 1 problem in team document:
      criteria: weights must sum to 1 (got 9/10)
    """
    c, data = _read(source, format)
    doc.fields(data, "", c, allowed=("name", "criteria"), what="a rubric")
    name = _text(c, "", data, "name", required=True)
    criteria = [
        _criterion(c, doc.at("criteria", i), item)
        for i, item in enumerate(_table_list(c, data, "criteria"))
    ]
    if c.items or name is None:
        raise TeamDocumentError(c.items)
    built = [x for x in criteria if x is not None]
    rubric = c.build("", lambda: Rubric(name=name, criteria=built))
    if rubric is None:
        raise TeamDocumentError(c.items)
    return rubric


def _requirements(c: doc.Problems, path: str, value: object) -> list[SkillRequirement]:
    if not isinstance(value, Mapping):
        c.add(path, f"must be a table of skill names to levels (got {shown(value)})")
        return []
    if len(value) > _MAX_ITEMS:
        c.add(path, f"must have at most {_MAX_ITEMS} entries (got {len(value)})")
        return []
    result = []
    for skill, level in value.items():
        where = f"{path}.{skill}"
        if (
            isinstance(level, bool)
            or not isinstance(level, int)
            or not MIN_LEVEL <= level <= MAX_LEVEL
        ):
            c.add(where, f"must be an integer from {MIN_LEVEL} to {MAX_LEVEL} (got {shown(level)})")
            continue
        requirement = c.build(where, functools.partial(SkillRequirement, str(skill), level))
        if requirement is not None:
            result.append(requirement)
    return result


def load_skill_profiles(source: Source, *, format: str | None = None) -> tuple[SkillProfile, ...]:
    """Load role profiles from a TOML or JSON document (text, bytes, a path or a mapping).

    Raises:
        TeamDocumentError: every problem found, each with its path.

    >>> profiles = load_skill_profiles('''
    ... [[profiles]]
    ... role = "tier1"
    ... requirements = { empathy = 3, "product:router" = 2 }
    ... ''')
    >>> [(r.skill, r.level) for r in profiles[0].requirements]
    [('empathy', 3), ('product:router', 2)]
    >>> load_skill_profiles('{"profiles": [{"role": "t1", "requirements": {"empathy": 9}}]}')
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.TeamDocumentError: 1 problem in team document:
      profiles[0].requirements.empathy: must be an integer from 1 to 5 (got 9)
    """
    c, data = _read(source, format)
    doc.fields(data, "", c, allowed=("profiles",), what="role profiles")
    profiles: list[SkillProfile] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(_table_list(c, data, "profiles")):
        path = doc.at("profiles", index)
        doc.fields(item, path, c, allowed=("role", "description", "requirements"), what="a profile")
        before = len(c)
        role = _text(c, path, item, "role", required=True)
        description = _text(c, path, item, "description", required=False) or ""
        if "requirements" not in item:
            c.add(f"{path}.requirements", "is required")
            requirements: list[SkillRequirement] = []
        else:
            requirements = _requirements(c, f"{path}.requirements", item["requirements"])
        if role is not None and role in seen:
            c.add(
                f"{path}.role", f"must be unique (got {shown(role)}, also profiles[{seen[role]}])"
            )
        elif role is not None:
            seen[role] = index
        if len(c) > before or role is None:
            continue
        profile = c.build(
            path,
            functools.partial(
                SkillProfile, role=role, requirements=requirements, description=description
            ),
        )
        if profile is not None:
            profiles.append(profile)
    if c.items:
        raise TeamDocumentError(c.items)
    return tuple(profiles)


# ------------------------------------------------------------------------------ dumping


def _number_out(value: Fraction) -> int | float | str:
    if value.denominator == 1:
        return value.numerator
    d = value.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:
        as_float = float(value)
        if Fraction(repr(as_float)) == value:
            return as_float
    return f"{value.numerator}/{value.denominator}"


def _rubric_document(rubric: Rubric) -> dict[str, Any]:
    criteria = []
    for criterion in rubric.criteria:
        item: dict[str, Any] = {
            "name": criterion.name,
            "weight": _number_out(criterion.weight),
            "scale": criterion.scale,
        }
        if criterion.auto_fail_at is not None:
            item["auto_fail_at"] = criterion.auto_fail_at
        if criterion.description:
            item["description"] = criterion.description
        criteria.append(item)
    return {"name": rubric.name, "criteria": criteria}


def _profiles_document(profiles: Iterable[SkillProfile]) -> dict[str, Any]:
    items = []
    for profile in profiles:
        item: dict[str, Any] = {"role": profile.role}
        if profile.description:
            item["description"] = profile.description
        item["requirements"] = {r.skill: r.level for r in profile.requirements}
        items.append(item)
    return {"profiles": items}


def _write(document: dict[str, Any], format: str) -> str | dict[str, Any]:
    doc.check_format(format, allowed=(*doc.FORMATS, "mapping"))
    if format == "mapping":
        return document
    return doc.write(document, format=format, inline=frozenset({"requirements"}))


@overload
def dump_rubric(rubric: Rubric, *, format: Literal["mapping"]) -> dict[str, Any]: ...
@overload
def dump_rubric(rubric: Rubric, *, format: Format = ...) -> str: ...
def dump_rubric(rubric: Rubric, *, format: str = "toml") -> str | dict[str, Any]:
    """Write a rubric as a TOML (default) or JSON document, or plain data (``"mapping"``).

    :func:`load_rubric` reads every form back.

    Weights are written as numbers when a decimal is exact, else as ``"n/d"``.

    >>> print(dump_rubric(Rubric(name="r", criteria=[Criterion(name="tone", weight=1)])))
    name = "r"
    <BLANKLINE>
    [[criteria]]
    name = "tone"
    weight = 1
    scale = 4
    <BLANKLINE>
    """
    return _write(_rubric_document(rubric), format)


@overload
def dump_skill_profiles(
    profiles: Iterable[SkillProfile], *, format: Literal["mapping"]
) -> dict[str, Any]: ...
@overload
def dump_skill_profiles(profiles: Iterable[SkillProfile], *, format: Format = ...) -> str: ...
def dump_skill_profiles(
    profiles: Iterable[SkillProfile], *, format: str = "toml"
) -> str | dict[str, Any]:
    """Write role profiles as a TOML (default) or JSON document, or plain data (``"mapping"``).

    :func:`load_skill_profiles` reads every form back.

    >>> p = SkillProfile(role="tier1", requirements=[SkillRequirement("empathy", 3)])
    >>> print(dump_skill_profiles([p], format="json"))
    {
      "profiles": [
        {
          "role": "tier1",
          "requirements": {
            "empathy": 3
          }
        }
      ]
    }
    <BLANKLINE>
    """
    return _write(_profiles_document(profiles), format)
