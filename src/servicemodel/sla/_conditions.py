"""Conditions: which interactions a policy applies to."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, final

import attrs

from .._validators import enum_member, text_problem
from ..exceptions import ValidationError
from ..interactions import Channel, Kind, Priority

__all__ = ["Condition", "FieldTest", "Match", "Operator"]

#: Deepest nesting of conditions (a condition inside a condition is depth 2).
MAX_CONDITION_DEPTH = 5
#: Most terms in one ``all`` / ``any`` list, and most values in one test.
MAX_TERMS = 100
MAX_VALUES = 100
MAX_TEXT = 256

_ENUM_FIELDS: dict[str, type[enum.Enum]] = {
    "priority": Priority,
    "channel": Channel,
    "kind": Kind,
}
_SCALAR_FIELDS = frozenset({"priority", "channel", "kind", "segment", "tier", "group"})
_ATTRIBUTE_PREFIX = "attributes."


class Operator(enum.Enum):
    """How a field test compares: scalar operators for one-valued fields, tag operators for tags.

    >>> Operator("contains_any")
    <Operator.CONTAINS_ANY: 'contains_any'>
    """

    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"
    CONTAINS_ANY = "contains_any"
    CONTAINS_NONE = "contains_none"


_SCALAR_OPERATORS = frozenset({Operator.EQUALS, Operator.NOT_EQUALS, Operator.IN, Operator.NOT_IN})
_TAG_OPERATORS = frozenset({Operator.CONTAINS, Operator.CONTAINS_ANY, Operator.CONTAINS_NONE})
_SINGLE_VALUE = frozenset({Operator.EQUALS, Operator.NOT_EQUALS, Operator.CONTAINS})


class Match(enum.Enum):
    """How a condition combines its terms: all must match, or any one.

    >>> Match.ANY.value
    'any'
    """

    ALL = "all"
    ANY = "any"


class Facts(NamedTuple):
    """The facts about an interaction that a condition tests, as plain strings.

    The evaluator builds them from an interaction (and its customer, when
    given); users ask ``SlaPolicy.applies_to(interaction)``. Fields a customer record supplies (``segment``, ``tier``) are
    ``None`` without one; ``attributes`` are the interaction's custom fields.

    >>> facts = Facts("high", "chat", "incident", frozenset({"vip"}), None, "gold", None, {})
    >>> FieldTest(field="tier", operator="equals", values="gold")._matches(facts)
    True
    >>> Condition.any_of(FieldTest(field="channel", operator="equals", values="email"))._matches(facts)
    False
    """

    priority: str
    channel: str
    kind: str
    tags: frozenset[str]
    segment: str | None
    tier: str | None
    group: str | None
    attributes: Mapping[str, str]


class Reads(NamedTuple):
    """What a condition reads of the facts: the only facts its answer can depend on.

    ``fields`` names the one-valued fields it tests (``priority``, ``group``,
    ...), ``tags`` the tags whose presence it tests and ``attributes`` the
    custom fields. Two sets of facts that agree on these get the same answer,
    so an evaluator keys its memo on them and ignores changes to anything else.

    >>> vip = Condition.all_of(FieldTest(field="tags", operator="contains", values="vip"),
    ...                        FieldTest(field="attributes.region", operator="equals", values="eu"))
    >>> vip._reads()
    Reads(fields=frozenset(), tags=frozenset({'vip'}), attributes=frozenset({'region'}))
    """

    fields: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()

    def union(self, other: Reads) -> Reads:
        """What either reads.

        >>> Reads(fields=frozenset({"group"})).union(Reads(tags=frozenset({"vip"}))).tags
        frozenset({'vip'})
        """
        return Reads(
            self.fields | other.fields, self.tags | other.tags, self.attributes | other.attributes
        )


def check_field_name(value: object) -> str | None:
    """Return a problem message for a field name, or ``None`` when it is usable."""
    fields = (
        "'priority', 'channel', 'kind', 'tags', 'segment', 'tier', 'group' or 'attributes.<name>'"
    )
    if not isinstance(value, str):
        return f"must be one of {fields} (got {value!r})"
    if value in _SCALAR_FIELDS or value == "tags":
        return None
    if value.startswith(_ATTRIBUTE_PREFIX):
        name = value[len(_ATTRIBUTE_PREFIX) :]
        if name and name == name.strip() and len(value) <= MAX_TEXT:
            return None
    shown = value if len(value) <= 80 else value[:77] + "..."
    return f"must be one of {fields} (got {shown!r})"


def check_operator_for(field: str, operator: Operator) -> str | None:
    """Return a problem message when *operator* does not fit *field*."""
    if field == "tags" and operator not in _TAG_OPERATORS:
        return (
            f"'tags' takes 'contains', 'contains_any' or 'contains_none' (got {operator.value!r})"
        )
    if field != "tags" and operator not in _SCALAR_OPERATORS:
        return f"{field!r} takes 'equals', 'not_equals', 'in' or 'not_in' (got {operator.value!r})"
    return None


def check_value_for(field: str, value: object) -> str | None:
    """Return a problem message when *value* cannot be a value of *field*."""
    problem = text_problem(value, MAX_TEXT)
    if problem is not None:
        return problem
    kind = _ENUM_FIELDS.get(field)
    if kind is not None and value not in {m.value for m in kind}:
        allowed = ", ".join(repr(m.value) for m in kind)
        return f"must be one of {allowed} (got {value!r})"
    return None


def _operator(value: object) -> Operator:
    return enum_member(Operator, value, field="operator")


def _values(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(value)
    raise ValidationError(
        f"'values' must be a string or a collection of strings (got {value!r})",
        field="values",
        value=value,
    )


@final
@attrs.frozen(kw_only=True)
class FieldTest:
    """One test of one field of an interaction.

    Fields: ``priority``, ``channel``, ``kind`` (their values are the enum
    values), ``segment`` and ``tier`` (of the customer passed to
    :func:`~servicemodel.sla.evaluate`), ``group`` (of the latest assignment
    naming one), ``tags``, and custom fields as ``attributes.<name>``. One-valued
    fields take ``equals``, ``not_equals``, ``in``, ``not_in`` (a missing value
    equals nothing); ``tags`` takes ``contains``, ``contains_any``,
    ``contains_none``. A single string is accepted for ``values``.

    >>> FieldTest(field="priority", operator="in", values=["urgent", "high"]).values
    ('urgent', 'high')
    >>> FieldTest(field="priority", operator="equals", values="critical")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'values' must be one of 'low', 'normal', 'high', 'urgent', 'none' (got 'critical')
    """

    field: str = attrs.field()
    operator: Operator = attrs.field(converter=_operator)
    values: tuple[str, ...] = attrs.field(converter=_values)

    @field.validator
    def _check_field(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        problem = check_field_name(value)
        if problem is not None:
            raise ValidationError(f"'field' {problem}", field="field", value=value)

    @values.validator
    def _check_values(self, _attribute: attrs.Attribute[Any], values: tuple[str, ...]) -> None:
        problem = check_operator_for(self.field, self.operator)
        if problem is not None:
            raise ValidationError(f"'operator' {problem}", field="operator", value=self.operator)
        if self.operator in _SINGLE_VALUE and len(values) != 1:
            raise ValidationError(
                f"'values' must hold exactly one value for {self.operator.value!r} "
                f"(got {len(values)})",
                field="values",
                value=values,
            )
        if not 1 <= len(values) <= MAX_VALUES:
            raise ValidationError(
                f"'values' must hold 1 to {MAX_VALUES} values (got {len(values)})",
                field="values",
                value=values,
            )
        for value in values:
            problem = check_value_for(self.field, value)
            if problem is not None:
                raise ValidationError(f"'values' {problem}", field="values", value=value)

    def _reads(self) -> Reads:
        """The facts this test reads.

        >>> FieldTest(field="priority", operator="equals", values="high")._reads().fields
        frozenset({'priority'})
        """
        field = self.field
        if field == "tags":
            return Reads(tags=frozenset(self.values))
        if field.startswith(_ATTRIBUTE_PREFIX):
            return Reads(attributes=frozenset({field[len(_ATTRIBUTE_PREFIX) :]}))
        return Reads(fields=frozenset({field}))

    def _matches(self, facts: Facts) -> bool:
        """True when the interaction's facts pass this test.

        >>> test = FieldTest(field="tags", operator="contains", values="vip")
        >>> test._matches(Facts("normal", "email", "enquiry", frozenset({"vip"}),
        ...                    None, None, None, {}))
        True
        """
        operator = self.operator
        values = self.values
        # Identity checks only: hashing enum members is slow on this hot path.
        if operator is Operator.CONTAINS:
            return values[0] in facts.tags
        if operator is Operator.CONTAINS_ANY or operator is Operator.CONTAINS_NONE:
            disjoint = facts.tags.isdisjoint(values)
            return not disjoint if operator is Operator.CONTAINS_ANY else disjoint
        field = self.field
        if field.startswith(_ATTRIBUTE_PREFIX):
            actual = facts.attributes.get(field[len(_ATTRIBUTE_PREFIX) :])
        else:
            actual = getattr(facts, field)
        if operator is Operator.EQUALS:
            return actual == values[0]
        if operator is Operator.NOT_EQUALS:
            return actual != values[0]
        if operator is Operator.IN:
            return actual in values
        return actual not in values


def _match(value: object) -> Match:
    return enum_member(Match, value, field="match")


def _terms(value: Iterable[FieldTest | Condition]) -> tuple[FieldTest | Condition, ...]:
    return tuple(value)


@final
@attrs.frozen(kw_only=True)
class Condition:
    """All or any of a list of field tests and nested conditions.

    An empty ``all`` matches every interaction (a catch-all policy); an empty
    ``any`` matches none. Nesting is bounded at depth 5 and each list at 100
    terms, so a condition is always cheap to check.

    >>> vip_or_urgent = Condition.any_of(
    ...     FieldTest(field="tags", operator="contains", values="vip"),
    ...     FieldTest(field="priority", operator="equals", values="urgent"),
    ... )
    >>> vip_or_urgent.depth()
    1
    >>> Condition().match
    <Match.ALL: 'all'>
    """

    match: Match = attrs.field(default=Match.ALL, converter=_match)
    terms: tuple[FieldTest | Condition, ...] = attrs.field(default=(), converter=_terms)

    @terms.validator
    def _check_terms(
        self, _attribute: attrs.Attribute[Any], terms: tuple[FieldTest | Condition, ...]
    ) -> None:
        if len(terms) > MAX_TERMS:
            raise ValidationError(
                f"'terms' must hold at most {MAX_TERMS} terms (got {len(terms)})",
                field="terms",
                value=len(terms),
            )
        for term in terms:
            if not isinstance(term, FieldTest | Condition):
                raise ValidationError(
                    f"'terms' must hold FieldTest or Condition values (got {term!r})",
                    field="terms",
                    value=term,
                )
        depth = self.depth()
        if depth > MAX_CONDITION_DEPTH:
            raise ValidationError(
                f"'terms' must nest at most {MAX_CONDITION_DEPTH} conditions deep (got {depth})",
                field="terms",
                value=depth,
            )

    @classmethod
    def all_of(cls, *terms: FieldTest | Condition) -> Condition:
        """A condition that matches when every term matches.

        >>> Condition.all_of().match.value
        'all'
        """
        return cls(match=Match.ALL, terms=terms)

    @classmethod
    def any_of(cls, *terms: FieldTest | Condition) -> Condition:
        """A condition that matches when at least one term matches.

        >>> Condition.any_of(FieldTest(field="kind", operator="equals", values="complaint")).match
        <Match.ANY: 'any'>
        """
        return cls(match=Match.ANY, terms=terms)

    def depth(self) -> int:
        """How deep this condition nests: 1 for a flat list of field tests.

        >>> Condition.all_of(Condition.any_of()).depth()
        2
        """
        nested = [t.depth() for t in self.terms if isinstance(t, Condition)]
        return 1 + max(nested, default=0)

    def _reads(self) -> Reads:
        """The facts this condition reads (those of its terms; nothing for an empty one).

        >>> Condition()._reads()
        Reads(fields=frozenset(), tags=frozenset(), attributes=frozenset())
        """
        found = Reads()
        for term in self.terms:
            found = found.union(term._reads())
        return found

    def _matches(self, facts: Facts) -> bool:
        """True when the facts satisfy this condition (``SlaPolicy.applies_to`` builds them).

        >>> Condition()._matches(Facts("low", "chat", "request", frozenset(), None, None, None, {}))
        True
        """
        if self.match is Match.ALL:
            return all(term._matches(facts) for term in self.terms)
        return any(term._matches(facts) for term in self.terms)
