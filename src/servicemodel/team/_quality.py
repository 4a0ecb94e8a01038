"""Quality reviews: a rubric of weighted criteria, auto-fail rules, and scored reviews."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, final

import attrs
import pendulum

from .._time import aware
from .._validators import check_item, enum_member, integer, is_collection, non_empty_str
from ..exceptions import ValidationError
from ._common import exact

__all__ = ["Criterion", "QaReview", "ReviewerKind", "Rubric"]

_MAX_SCALE = 100
_MAX_CRITERIA = 100


def _weight(value: object) -> Fraction:
    return exact(value, field="weight")


@final
@attrs.frozen(kw_only=True)
class Criterion:
    """One thing reviewers rate, on whole points from 0 to ``scale``.

    ``weight`` is the criterion's share of the score (the rubric's weights sum
    to 1). ``auto_fail_at``, when set, makes any rating at or below it fail the
    whole review: its score becomes 0 whatever the other ratings. A criterion
    with weight 0 must be an auto-fail gate (it only ever fails a review).

    >>> Criterion(name="accuracy", weight=0.25, scale=4, auto_fail_at=0).weight
    Fraction(1, 4)
    >>> Criterion(name="tone", weight=0, scale=4)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'weight' must be positive unless the criterion is an auto-fail gate (got 0)
    """

    name: str = attrs.field(validator=non_empty_str)
    weight: Fraction = attrs.field(converter=_weight)
    scale: int = attrs.field(default=4)
    auto_fail_at: int | None = attrs.field(default=None)
    description: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    @scale.validator
    def _check_scale(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        integer(value, field="scale", low=1, high=_MAX_SCALE)

    @auto_fail_at.validator
    def _check_auto_fail(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        integer(value, field="auto_fail_at", low=0, high=self.scale - 1)

    @weight.validator
    def _check_weight(self, _attribute: attrs.Attribute[Any], value: Fraction) -> None:
        if value < 0 or value > 1:
            raise ValidationError(
                f"'weight' must be between 0 and 1 (got {value})", field="weight", value=value
            )

    def __attrs_post_init__(self) -> None:
        if self.weight == 0 and self.auto_fail_at is None:
            raise ValidationError(
                "'weight' must be positive unless the criterion is an auto-fail gate (got 0)",
                field="weight",
                value=self.weight,
            )

    def fails(self, rating: int) -> bool:
        """True when *rating* triggers this criterion's auto-fail.

        >>> Criterion(name="accuracy", weight=1, auto_fail_at=1).fails(1)
        True
        """
        return self.auto_fail_at is not None and rating <= self.auto_fail_at


def _criteria(value: object) -> tuple[Criterion, ...]:
    field = "criteria"
    if not is_collection(value):
        raise ValidationError(
            f"'{field}' must be a list of Criterion (got {value!r})", field=field, value=value
        )
    items = list(value)
    if len(items) > _MAX_CRITERIA:
        raise ValidationError(
            f"'{field}' must have at most {_MAX_CRITERIA} criteria (got {len(items)})",
            field=field,
            value=len(items),
        )
    for index, item in enumerate(items):
        check_item(item, Criterion, field=field, index=index)
    return tuple(items)


@final
@attrs.frozen(kw_only=True)
class Rubric:
    """A named set of weighted criteria that reviews are scored against.

    Rules: at least one criterion; names unique; weights sum to exactly 1.
    The score of a review is ``sum(weight * rating / scale)``, a share in
    [0, 1], and 0 when any auto-fail criterion fires.

    :meth:`standard` builds the five-criterion rubric this library suggests.

    >>> Rubric(name="chat", criteria=[Criterion(name="empathy", weight=0.5),
    ...                               Criterion(name="accuracy", weight=0.4)])
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'criteria' weights must sum to 1 (got 9/10)
    """

    name: str = attrs.field(validator=non_empty_str)
    criteria: tuple[Criterion, ...] = attrs.field(converter=_criteria)

    @criteria.validator
    def _check_criteria(
        self, _attribute: attrs.Attribute[Any], value: tuple[Criterion, ...]
    ) -> None:
        if not value:
            raise ValidationError(
                "'criteria' must hold at least one criterion (got none)", field="criteria", value=()
            )
        names = [c.name for c in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValidationError(
                f"'criteria' must name each criterion once (got {duplicates!r} more than once)",
                field="criteria",
                value=duplicates,
            )
        total = sum((c.weight for c in value), Fraction(0))
        if total != 1:
            raise ValidationError(
                f"'criteria' weights must sum to 1 (got {total})", field="criteria", value=total
            )

    @classmethod
    def standard(cls, name: str = "standard") -> Rubric:
        """The suggested rubric: five criteria of weight 1/5 on a 0-4 scale.

        Clear communication, empathy, response quality, product knowledge and
        accuracy; a 0 on accuracy (wrong or harmful information) auto-fails
        the review.

        >>> [c.name for c in Rubric.standard().criteria]
        ['clear_communication', 'empathy', 'response_quality', 'product_knowledge', 'accuracy']
        """
        fifth = Fraction(1, 5)
        return cls(
            name=name,
            criteria=[
                Criterion(
                    name="clear_communication",
                    weight=fifth,
                    description="plain words, structured, no jargon",
                ),
                Criterion(
                    name="empathy",
                    weight=fifth,
                    description="acknowledges the customer's situation and feelings",
                ),
                Criterion(
                    name="response_quality",
                    weight=fifth,
                    description="complete, anticipates the next question, right tone",
                ),
                Criterion(
                    name="product_knowledge",
                    weight=fifth,
                    description="knows the product and uses the right resources",
                ),
                Criterion(
                    name="accuracy",
                    weight=fifth,
                    auto_fail_at=0,
                    description="correct information and process; 0 fails the review",
                ),
            ],
        )

    def criterion(self, name: str) -> Criterion:
        """The criterion called *name*.

        Raises:
            ValidationError: the rubric has no such criterion.

        >>> Rubric.standard().criterion("empathy").weight
        Fraction(1, 5)
        """
        for criterion in self.criteria:
            if criterion.name == name:
                return criterion
        known = ", ".join(repr(c.name) for c in self.criteria)
        raise ValidationError(
            f"'criterion' must be one of {known} (got {name!r})", field="criterion", value=name
        )

    def score(self, ratings: Mapping[str, int]) -> Fraction:
        """Score a complete set of ratings: a share in [0, 1], 0 on any auto-fail.

        Raises:
            ValidationError: a criterion is unrated or unknown, or a rating is off its scale.

        >>> rubric = Rubric.standard()
        >>> rubric.score({"clear_communication": 4, "empathy": 3, "response_quality": 4,
        ...               "product_knowledge": 2, "accuracy": 4})
        Fraction(17, 20)
        >>> rubric.score({"clear_communication": 4, "empathy": 4, "response_quality": 4,
        ...               "product_knowledge": 4, "accuracy": 0})
        Fraction(0, 1)
        """
        checked = self._check_ratings(ratings)
        if self._failed(checked):
            return Fraction(0)
        return sum(
            (c.weight * Fraction(checked[c.name], c.scale) for c in self.criteria), Fraction(0)
        )

    def auto_failed(self, ratings: Mapping[str, int]) -> tuple[str, ...]:
        """The criteria whose auto-fail fires for these ratings, in rubric order.

        >>> Rubric.standard().auto_failed({"clear_communication": 4, "empathy": 4,
        ...     "response_quality": 4, "product_knowledge": 4, "accuracy": 0})
        ('accuracy',)
        """
        checked = self._check_ratings(ratings)
        return tuple(c.name for c in self.criteria if c.fails(checked[c.name]))

    def _failed(self, ratings: Mapping[str, int]) -> bool:
        return any(c.fails(ratings[c.name]) for c in self.criteria)

    def _check_ratings(self, ratings: Mapping[str, int]) -> dict[str, int]:
        if not isinstance(ratings, Mapping):
            raise ValidationError(
                f"'ratings' must be a mapping of criterion names to ratings (got {ratings!r})",
                field="ratings",
                value=ratings,
            )
        names = {c.name for c in self.criteria}
        unknown = sorted(str(k) for k in ratings if k not in names)
        if unknown:
            raise ValidationError(
                f"'ratings' must rate only the rubric's criteria (got unknown {unknown!r})",
                field="ratings",
                value=unknown,
            )
        missing = [c.name for c in self.criteria if c.name not in ratings]
        if missing:
            raise ValidationError(
                f"'ratings' must rate every criterion of rubric {self.name!r} "
                f"(got no rating for {missing!r})",
                field="ratings",
                value=missing,
            )
        checked: dict[str, int] = {}
        for criterion in self.criteria:
            checked[criterion.name] = integer(
                ratings[criterion.name],
                field=f"ratings.{criterion.name}",
                low=0,
                high=criterion.scale,
            )
        return checked


class ReviewerKind(enum.Enum):
    """Who reviewed: a QA specialist, a team lead, a peer, the agent, or a mystery shopper.

    A mystery shopper poses as a customer and rates the interaction they had.

    >>> ReviewerKind("mystery_shopper")
    <ReviewerKind.MYSTERY_SHOPPER: 'mystery_shopper'>
    """

    QA = "qa"
    LEAD = "lead"
    PEER = "peer"
    SELF = "self"
    MYSTERY_SHOPPER = "mystery_shopper"


def _reviewer_kind(value: object) -> ReviewerKind:
    return enum_member(ReviewerKind, value, field="reviewer_kind")


def _reviewed_at(value: object) -> pendulum.DateTime:
    return aware(value, field="reviewed_at")


def _ratings(value: object) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, Mapping):
        if not is_collection(value):
            raise ValidationError(
                f"'ratings' must be a mapping of criterion names to ratings (got {value!r})",
                field="ratings",
                value=value,
            )
        value = dict(value)
    return tuple(sorted(value.items()))


@final
@attrs.frozen(kw_only=True)
class QaReview:
    """One interaction rated against a rubric by one reviewer.

    ``ratings`` maps every criterion of ``rubric`` to a whole number on its
    scale (stored as sorted pairs so the review stays hashable). The review
    is checked against the rubric on construction.

    >>> import pendulum
    >>> review = QaReview(interaction_id="T-1", agent_id="A-1", reviewer_id="Q-1",
    ...     rubric=Rubric.standard(), reviewed_at=pendulum.datetime(2024, 6, 3, 10),
    ...     ratings={"clear_communication": 4, "empathy": 3, "response_quality": 4,
    ...              "product_knowledge": 2, "accuracy": 4})
    >>> review.score(), review.auto_failed()
    (Fraction(17, 20), ())
    """

    interaction_id: str = attrs.field(validator=non_empty_str)
    agent_id: str = attrs.field(validator=non_empty_str)
    reviewer_id: str = attrs.field(validator=non_empty_str)
    rubric: Rubric = attrs.field(validator=attrs.validators.instance_of(Rubric))
    ratings: tuple[tuple[str, int], ...] = attrs.field(converter=_ratings)
    reviewed_at: pendulum.DateTime = attrs.field(converter=_reviewed_at)
    reviewer_kind: ReviewerKind = attrs.field(default=ReviewerKind.QA, converter=_reviewer_kind)
    comment: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    def __attrs_post_init__(self) -> None:
        self.rubric._check_ratings(dict(self.ratings))

    def rating(self, criterion: str) -> int:
        """The rating given on *criterion*.

        >>> import pendulum
        >>> r = QaReview(interaction_id="T", agent_id="A", reviewer_id="Q",
        ...            rubric=Rubric(name="r", criteria=[Criterion(name="tone", weight=1)]),
        ...            ratings={"tone": 3}, reviewed_at=pendulum.datetime(2024, 1, 1))
        >>> r.rating("tone")
        3
        """
        self.rubric.criterion(criterion)
        return dict(self.ratings)[criterion]

    def score(self) -> Fraction:
        """The review's score, a share in [0, 1]; 0 when an auto-fail fires.

        >>> import pendulum
        >>> r = QaReview(interaction_id="T", agent_id="A", reviewer_id="Q",
        ...            rubric=Rubric(name="r", criteria=[Criterion(name="tone", weight=1)]),
        ...            ratings={"tone": 3}, reviewed_at=pendulum.datetime(2024, 1, 1))
        >>> r.score()
        Fraction(3, 4)
        """
        return self.rubric.score(dict(self.ratings))

    def auto_failed(self) -> tuple[str, ...]:
        """The criteria whose auto-fail fired (empty when the review passed the gates).

        >>> import pendulum
        >>> gate = Criterion(name="data_protection", weight=0, scale=1, auto_fail_at=0)
        >>> rubric = Rubric(name="r", criteria=[Criterion(name="tone", weight=1), gate])
        >>> QaReview(interaction_id="T", agent_id="A", reviewer_id="Q", rubric=rubric,
        ...        ratings={"tone": 4, "data_protection": 0},
        ...        reviewed_at=pendulum.datetime(2024, 1, 1)).auto_failed()
        ('data_protection',)
        """
        return self.rubric.auto_failed(dict(self.ratings))
