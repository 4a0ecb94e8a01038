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

import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any, Literal, overload

import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from .. import _documents as doc
from .. import _structure as structuring
from .._validators import integer_rule, is_integer, shown
from ..exceptions import TeamDocumentError, ValidationError
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
#: Keys whose tables a TOML document writes on one line.
_INLINE = frozenset({"requirements"})
_FRACTION_TEXT = re.compile(r"\s*(\d{1,12})\s*/\s*(\d{1,12})\s*")
_DECIMAL_TEXT = re.compile(r"\s*\d{1,12}(?:\.\d{1,12})?\s*")

Format = Literal["toml", "json"]


# ------------------------------------------------------------------ the converter


def _number(value: object, _type: object = None) -> Fraction:
    """A weight: a number, or a fraction or decimal written as text (``"1/3"``, ``" 0.25 "``)."""
    if is_integer(value):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, str):
        match = _FRACTION_TEXT.fullmatch(value)
        if match and int(match.group(2)) != 0:
            return Fraction(int(match.group(1)), int(match.group(2)))
        if _DECIMAL_TEXT.fullmatch(value):
            return Fraction(value.strip())
    raise structuring.refuse("must be a number or a fraction such as '1/3'", value)


def _requirements(value: object, _type: object = None) -> tuple[SkillRequirement, ...]:
    """A role's requirements, written as a table of skill names to levels."""
    if not isinstance(value, Mapping):
        raise structuring.refuse("must be a table of skill names to levels", value)
    if len(value) > _MAX_ITEMS:
        raise ValidationError(f"must have at most {_MAX_ITEMS} entries (got {len(value)})")
    built: list[SkillRequirement] = []
    errors: list[Exception] = []
    for skill, level in value.items():
        try:
            if not is_integer(level, MIN_LEVEL, MAX_LEVEL):
                raise structuring.refuse(f"must be {integer_rule(MIN_LEVEL, MAX_LEVEL)}", level)
            built.append(SkillRequirement(str(skill), level))
        except ValidationError as error:
            structuring.note(error, str(skill), SkillRequirement)
            errors.append(error)
    if errors:
        raise cattrs.IterableValidationError("While structuring requirements", errors, tuple)
    return tuple(built)


def _number_out(value: Fraction) -> int | float | str:
    """A weight as a number when a decimal is exact, else as ``"n/d"``."""
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


def _profile_out(conv: cattrs.Converter) -> Callable[[SkillProfile], dict[str, Any]]:
    def unstructure(profile: SkillProfile) -> dict[str, Any]:
        item: dict[str, Any] = {"role": profile.role}
        if profile.description:
            item["description"] = profile.description
        item["requirements"] = {r.skill: r.level for r in profile.requirements}
        return item

    return unstructure


def _converter() -> cattrs.Converter:
    """The team documents' converter: rubrics and role profiles, in and out."""
    conv = structuring.converter()
    conv.register_structure_hook(Fraction, _number)
    conv.register_structure_hook_func(
        lambda hint: hint == tuple[Criterion, ...],
        lambda value, _: tuple(
            structuring.structure_items(
                conv, value, Criterion, limit=_MAX_ITEMS, what="tables/objects"
            )
        ),
    )
    conv.register_structure_hook_func(
        lambda hint: hint == tuple[SkillRequirement, ...], _requirements
    )
    conv.register_unstructure_hook(Fraction, _number_out)
    conv.register_unstructure_hook(
        Criterion,
        make_dict_unstructure_fn(
            Criterion, conv, _cattrs_omit_if_default=True, scale=override(omit_if_default=False)
        ),
    )
    conv.register_unstructure_hook(SkillProfile, _profile_out(conv))
    return conv


_CONVERTER = _converter()


# ------------------------------------------------------------------------ loading


def _read(source: object, format: str | None) -> tuple[doc.Problems, Mapping[str, Any]]:
    problems = doc.Problems()
    data = doc.read(source, format=format, problems=problems)
    if data is None:
        raise TeamDocumentError(problems.items)
    return problems, data


def load_rubric(source: doc.Source, *, format: str | None = None) -> Rubric:
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
    rubric = structuring.structure(_CONVERTER, data, Rubric, c)
    if rubric is None:
        raise TeamDocumentError(c.items)
    return rubric


def load_skill_profiles(
    source: doc.Source, *, format: str | None = None
) -> tuple[SkillProfile, ...]:
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
    refusals = structuring.Refusals()
    top = structuring.table(
        data, refusals, allowed=("profiles",), required=("profiles",), what="role profiles"
    )
    items = refusals.read(
        "profiles",
        lambda v: structuring.sequence(v, limit=_MAX_ITEMS, what="tables/objects"),
        top.get("profiles", []),
    )
    refusals.record(c)
    profiles: list[SkillProfile] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items or ()):
        path = doc.at("profiles", index)
        if not isinstance(item, Mapping):
            c.add(path, f"must be a table/object (got {shown(item)})")
            continue
        profile = structuring.structure(_CONVERTER, item, SkillProfile, c, path)
        role = item.get("role")
        if isinstance(role, str) and role in seen:
            also = doc.at("profiles", seen[role])
            c.add(f"{path}.role", f"must be unique (got {shown(role)}, also {also})")
        elif isinstance(role, str):
            seen[role] = index
            if profile is not None:
                profiles.append(profile)
    if c.items:
        raise TeamDocumentError(c.items)
    return tuple(profiles)


# ------------------------------------------------------------------------------ dumping


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
    return doc.dump(_CONVERTER.unstructure(rubric), format=format, inline=_INLINE)


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
    document = {"profiles": [_CONVERTER.unstructure(p) for p in profiles]}
    return doc.dump(document, format=format, inline=_INLINE)
