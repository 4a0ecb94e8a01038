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
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any, TypeVar

from .._validators import shown
from ..exceptions import Problem, ServiceModelError, TeamDocumentError, ValidationError
from ._common import MAX_LEVEL, MIN_LEVEL
from ._quality import Criterion, Rubric
from ._skills import SkillProfile, SkillRequirement

__all__ = [
    "dump_rubric",
    "dump_skill_profiles",
    "load_rubric",
    "load_skill_profiles",
]

_MAX_BYTES = 1_000_000
_MAX_ITEMS = 1_000
_FRACTION_TEXT = re.compile(r"\s*(\d{1,12})\s*/\s*(\d{1,12})\s*")
_DECIMAL_TEXT = re.compile(r"\s*\d{1,12}(?:\.\d{1,12})?\s*")
_FORMATS = ("toml", "json")

T = TypeVar("T")


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def build(self, path: str, make: Callable[[], T]) -> T | None:
        """Call a constructor, turning its ValidationError into a problem at *path*."""
        try:
            return make()
        except ValidationError as error:
            where = f"{path}.{error.field}" if path and error.field else (path or error.field or "")
            message = error.message
            if error.field:
                message = message.replace(f"'{error.field}' ", "", 1)
            self.add(where, message)
            return None


def _parse(source: object, format: str) -> tuple[Mapping[str, Any] | None, list[Problem]]:
    if isinstance(source, Mapping):
        return source, []
    if format not in _FORMATS:
        raise ValidationError(
            f"'format' must be one of 'toml', 'json' (got {format!r})", field="format", value=format
        )
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as error:
            return None, [Problem("", f"must be UTF-8 text ({error.reason} at byte {error.start})")]
    if not isinstance(source, str):
        raise ValidationError(
            f"'source' must be text, bytes or a mapping (got {type(source).__name__})",
            field="source",
            value=source,
        )
    if len(source) > _MAX_BYTES:
        return None, [Problem("", f"must be at most {_MAX_BYTES} characters (got {len(source)})")]
    try:
        data = tomllib.loads(source) if format == "toml" else json.loads(source)
    except tomllib.TOMLDecodeError as error:
        return None, [Problem("", f"is not valid TOML: {error}")]
    except json.JSONDecodeError as error:
        return None, [Problem("", f"is not valid JSON: {error.msg} at line {error.lineno}")]
    except RecursionError:
        return None, [Problem("", "is nested too deeply")]
    except ValueError:  # an integer past the interpreter's digit limit
        return None, [
            Problem("", f"is not valid {format.upper()}: a number has more than 4300 digits")
        ]
    if not isinstance(data, Mapping):
        return None, [Problem("", f"must be a table/object at the top (got {type(data).__name__})")]
    return data, []


def _unknown_keys(c: _Collector, path: str, data: Mapping[str, Any], known: Iterable[str]) -> None:
    allowed = set(known)
    for key in data:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            c.add(where, f"is not a known key (known: {', '.join(sorted(allowed))})")


def _text(
    c: _Collector, path: str, data: Mapping[str, Any], key: str, *, required: bool
) -> str | None:
    where = f"{path}.{key}" if path else key
    if key not in data:
        if required:
            c.add(where, "is required")
        return None
    value = data[key]
    if not isinstance(value, str):
        c.add(where, f"must be a string (got {shown(value)})")
        return None
    return value


def _number(c: _Collector, where: str, value: object) -> Fraction | None:
    if isinstance(value, bool):
        c.add(where, f"must be a number or a fraction such as '1/3' (got {shown(value)})")
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            c.add(where, f"must be a finite number (got {shown(value)})")
            return None
        return Fraction(repr(value))
    if isinstance(value, str):
        match = _FRACTION_TEXT.fullmatch(value)
        if match and int(match.group(2)) != 0:
            return Fraction(int(match.group(1)), int(match.group(2)))
        if _DECIMAL_TEXT.fullmatch(value):
            return Fraction(value.strip())
    c.add(where, f"must be a number or a fraction such as '1/3' (got {shown(value)})")
    return None


def _integer(c: _Collector, where: str, value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        c.add(where, f"must be an integer (got {shown(value)})")
        return None
    return value


def _table_list(c: _Collector, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    if key not in data:
        c.add(key, "is required")
        return []
    items = data[key]
    if not isinstance(items, list):
        c.add(key, f"must be a list of tables/objects (got {type(items).__name__})")
        return []
    if len(items) > _MAX_ITEMS:
        c.add(key, f"must have at most {_MAX_ITEMS} entries (got {len(items)})")
        return []
    tables: list[Mapping[str, Any]] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            c.add(f"{key}[{index}]", f"must be a table/object (got {shown(item)})")
        else:
            tables.append(item)
    return tables if len(tables) == len(items) else []


_CRITERION_KEYS = ("name", "weight", "scale", "auto_fail_at", "description")


def _criterion(c: _Collector, path: str, data: Mapping[str, Any]) -> Criterion | None:
    _unknown_keys(c, path, data, _CRITERION_KEYS)
    before = len(c.problems)
    name = _text(c, path, data, "name", required=True)
    description = _text(c, path, data, "description", required=False) or ""
    weight = None
    if "weight" not in data:
        c.add(f"{path}.weight", "is required")
    else:
        weight = _number(c, f"{path}.weight", data["weight"])
    scale = _integer(c, f"{path}.scale", data["scale"]) if "scale" in data else 4
    auto_fail_at = (
        _integer(c, f"{path}.auto_fail_at", data["auto_fail_at"])
        if "auto_fail_at" in data
        else None
    )
    if len(c.problems) > before or name is None or weight is None or scale is None:
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


def _rubric(data: Mapping[str, Any], problems: list[Problem]) -> Rubric:
    c = _Collector()
    c.problems.extend(problems)
    if c.problems:
        raise TeamDocumentError(c.problems)
    _unknown_keys(c, "", data, ("name", "criteria"))
    name = _text(c, "", data, "name", required=True)
    criteria = [
        _criterion(c, f"criteria[{i}]", item)
        for i, item in enumerate(_table_list(c, data, "criteria"))
    ]
    if c.problems or name is None:
        raise TeamDocumentError(c.problems)
    built = [x for x in criteria if x is not None]
    rubric = c.build("", lambda: Rubric(name=name, criteria=built))
    if rubric is None:
        raise TeamDocumentError(c.problems)
    return rubric


def load_rubric(source: str | bytes | Mapping[str, Any], *, format: str = "toml") -> Rubric:
    """Load a rubric from TOML or JSON text (or an already parsed mapping).

    Args:
        source: the document text, UTF-8 bytes, or a mapping.
        format: ``"toml"`` (default) or ``"json"`` for text.

    Raises:
        TeamDocumentError: every problem found, each with its path.

    >>> load_rubric({"name": "r", "criteria": [{"name": "tone", "weight": 0.9}]})
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.TeamDocumentError: 1 problem in team document:
      criteria: weights must sum to 1 (got 9/10)
    """
    data, problems = _parse(source, format)
    return _rubric(data or {}, problems)


def _requirements(c: _Collector, path: str, value: object) -> list[SkillRequirement]:
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


def load_skill_profiles(
    source: str | bytes | Mapping[str, Any], *, format: str = "toml"
) -> tuple[SkillProfile, ...]:
    """Load role profiles from TOML or JSON text (or a mapping), in document order.

    Raises:
        TeamDocumentError: every problem found, each with its path.

    >>> profiles = load_skill_profiles('''
    ... [[profiles]]
    ... role = "tier1"
    ... requirements = { empathy = 3, "product:router" = 2 }
    ... ''')
    >>> [(r.skill, r.level) for r in profiles[0].requirements]
    [('empathy', 3), ('product:router', 2)]
    >>> load_skill_profiles('{"profiles": [{"role": "t1", "requirements": {"empathy": 9}}]}',
    ...                     format="json")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.TeamDocumentError: 1 problem in team document:
      profiles[0].requirements.empathy: must be an integer from 1 to 5 (got 9)
    """
    data, problems = _parse(source, format)
    c = _Collector()
    c.problems.extend(problems)
    if c.problems:
        raise TeamDocumentError(c.problems)
    assert data is not None
    _unknown_keys(c, "", data, ("profiles",))
    profiles: list[SkillProfile] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(_table_list(c, data, "profiles")):
        path = f"profiles[{index}]"
        _unknown_keys(c, path, item, ("role", "description", "requirements"))
        before = len(c.problems)
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
        if len(c.problems) > before or role is None:
            continue
        profile = c.build(
            path,
            functools.partial(
                SkillProfile, role=role, requirements=requirements, description=description
            ),
        )
        if profile is not None:
            profiles.append(profile)
    if c.problems:
        raise TeamDocumentError(c.problems)
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


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, bool):  # pragma: no cover - documents hold no booleans
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_value(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise ServiceModelError(f"cannot write {value!r} as TOML")  # pragma: no cover


def _to_toml(document: Mapping[str, Any]) -> str:
    lines: list[str] = []
    tables: list[tuple[str, list[Mapping[str, Any]]]] = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            tables.append((key, value))
        elif isinstance(value, list):
            lines.append(f"{key} = []")
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    for key, items in tables:
        for item in items:
            lines.append("")
            lines.append(f"[[{key}]]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in item.items())
    return "\n".join(lines).lstrip("\n") + "\n"


def _dump(document: Mapping[str, Any], format: str) -> str:
    if format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if format == "toml":
        return _to_toml(document)
    raise ValidationError(
        f"'format' must be one of 'toml', 'json' (got {format!r})", field="format", value=format
    )


def dump_rubric(rubric: Rubric, *, format: str = "toml") -> str:
    """Write a rubric as a TOML or JSON document that :func:`load_rubric` reads back.

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
    return _dump(_rubric_document(rubric), format)


def dump_skill_profiles(profiles: Iterable[SkillProfile], *, format: str = "toml") -> str:
    """Write role profiles as a document that :func:`load_skill_profiles` reads back.

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
    return _dump(_profiles_document(profiles), format)
