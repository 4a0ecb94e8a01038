"""Calibration: how well reviewers agree when they rate the same interactions.

The statistic is Krippendorff's alpha for interval data, computed exactly
(on fractions) from sums and sums of squares per unit. With n pairable
values (values in units rated by at least two reviewers), m_u values in
unit u, and the squared difference as the interval metric:

    D_o = 1/n * sum_u [ sum_{i != j in u} (v_i - v_j)^2 / (m_u - 1) ]
    D_e = 1/(n (n - 1)) * sum_{c != k over all n values} (v_c - v_k)^2
    alpha = 1 - D_o / D_e

and sum_{i != j} (v_i - v_j)^2 = 2 (m * sum v^2 - (sum v)^2), so each sum
takes one pass.

>>> krippendorff_alpha({"T-1": {"ann": 3, "bo": 3}, "T-2": {"ann": 1, "bo": 1}})
Fraction(1, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import final

import attrs

from .._validators import check_item
from ..exceptions import EmptySampleError, ValidationError
from ._common import exact
from ._quality import QaReview, Rubric

__all__ = ["Calibration", "calibrate", "krippendorff_alpha"]


def _sums(values: Iterable[Fraction]) -> tuple[int, Fraction, Fraction]:
    m, total, squares = 0, Fraction(0), Fraction(0)
    for v in values:
        m += 1
        total += v
        squares += v * v
    return m, total, squares


def krippendorff_alpha(ratings: Mapping[str, Mapping[str, object]]) -> Fraction:
    """Krippendorff's alpha for interval data over units rated by several reviewers.

    *ratings* maps each unit (an interaction id) to the values given by each
    reviewer (reviewer id to a number). Units with fewer than two values
    cannot be paired and are left out, as the statistic prescribes. alpha is
    1 for perfect agreement, near 0 when reviewers agree no more than chance,
    and negative when they disagree systematically. The result is exact.

    Raises:
        EmptySampleError: no unit has two values, or all pairable values are
            equal (alpha is 0/0: there is no variation to agree on).
        ValidationError: a value is not a number.

    >>> krippendorff_alpha({"T-1": {"ann": 4, "bo": 2}, "T-2": {"ann": 2, "bo": 4}})
    Fraction(-1, 2)
    """
    if not isinstance(ratings, Mapping):
        raise ValidationError(
            f"'ratings' must map units to {{reviewer: value}} mappings (got {ratings!r})",
            field="ratings",
            value=ratings,
        )
    units: list[list[Fraction]] = []
    for unit, by_reviewer in ratings.items():
        if not isinstance(by_reviewer, Mapping):
            raise ValidationError(
                f"'ratings[{unit!r}]' must map reviewers to values (got {by_reviewer!r})",
                field=f"ratings[{unit!r}]",
                value=by_reviewer,
            )
        values = [
            exact(value, field=f"ratings[{unit!r}][{reviewer!r}]")
            for reviewer, value in by_reviewer.items()
        ]
        if len(values) >= 2:
            units.append(values)
    if not units:
        raise EmptySampleError(
            "Krippendorff's alpha needs at least one unit rated by two reviewers (got none)"
        )
    n = 0
    all_total, all_squares = Fraction(0), Fraction(0)
    observed = Fraction(0)
    for values in units:
        m, total, squares = _sums(values)
        n += m
        all_total += total
        all_squares += squares
        observed += 2 * (m * squares - total * total) / (m - 1)
    expected_pairs = 2 * (n * all_squares - all_total * all_total)
    if expected_pairs == 0:
        raise EmptySampleError(
            "Krippendorff's alpha is undefined when every pairable value is the same "
            f"(got {n} values all equal to {all_total / n})"
        )
    d_observed = observed / n
    d_expected = expected_pairs / (n * (n - 1))
    return 1 - d_observed / d_expected


@final
@attrs.frozen(kw_only=True)
class Calibration:
    """Agreement of reviewers who rated the same interactions with one rubric.

    ``score_alpha`` is Krippendorff's alpha (interval) of the review scores;
    ``criterion_alpha`` the same per criterion, for criteria whose ratings vary
    (criteria where every pairable rating is equal are listed in
    ``constant_criteria``: alpha is undefined there). ``reviewer_bias`` is each
    reviewer's mean signed difference from the other reviewers' mean score on
    the same interactions (positive: more lenient). ``units`` counts the
    interactions reviewed at least twice.

    >>> Calibration(score_alpha=Fraction(1), criterion_alpha=(), constant_criteria=(),
    ...             reviewer_bias=(), units=2).score_alpha
    Fraction(1, 1)
    """

    score_alpha: Fraction
    criterion_alpha: tuple[tuple[str, Fraction], ...]
    constant_criteria: tuple[str, ...]
    reviewer_bias: tuple[tuple[str, Fraction], ...]
    units: int


def calibrate(reviews: Iterable[QaReview]) -> Calibration:
    """Measure how well reviewers agree on the interactions they all reviewed.

    Every review must use the same rubric, and a reviewer may review an
    interaction once. Interactions reviewed only once are left out.

    Raises:
        ValidationError: mixed rubrics, a repeated (interaction, reviewer), a non-review.
        EmptySampleError: no interaction was reviewed twice, or every score is equal.

    >>> import pendulum
    >>> from servicemodel.team import Criterion, Rubric
    >>> rubric = Rubric(name="r", criteria=[Criterion(name="tone", weight=1)])
    >>> def rev(t, who, tone):
    ...     return QaReview(interaction_id=t, agent_id="A", reviewer_id=who, rubric=rubric,
    ...                   ratings={"tone": tone}, reviewed_at=pendulum.datetime(2024, 6, 1))
    >>> result = calibrate([rev("T-1", "ann", 4), rev("T-1", "bo", 3),
    ...                     rev("T-2", "ann", 1), rev("T-2", "bo", 1)])
    >>> result.score_alpha, dict(result.reviewer_bias)
    (Fraction(8, 9), {'ann': Fraction(1, 8), 'bo': Fraction(-1, 8)})
    """
    rubric, by_unit = _by_interaction(reviews)
    shared = {u: rs for u, rs in by_unit.items() if len(rs) >= 2}
    scores = {u: {who: r.score() for who, r in rs.items()} for u, rs in shared.items()}
    per_criterion, constant = _criterion_alphas(rubric, shared)
    return Calibration(
        score_alpha=krippendorff_alpha(scores),
        criterion_alpha=tuple(per_criterion),
        constant_criteria=tuple(constant),
        reviewer_bias=_reviewer_bias(scores),
        units=len(shared),
    )


def _by_interaction(
    reviews: Iterable[QaReview],
) -> tuple[Rubric | None, dict[str, dict[str, QaReview]]]:
    """The one rubric of the reviews, and the reviews by interaction and reviewer."""
    by_unit: dict[str, dict[str, QaReview]] = {}
    rubric = None
    for index, review in enumerate(reviews):
        check_item(review, QaReview, field="reviews", index=index)
        if rubric is None:
            rubric = review.rubric
        elif review.rubric != rubric:
            raise ValidationError(
                f"'reviews[{index}].rubric' must be the rubric of the other reviews "
                f"({rubric.name!r}) (got {review.rubric.name!r})",
                field=f"reviews[{index}].rubric",
                value=review.rubric.name,
            )
        unit = by_unit.setdefault(review.interaction_id, {})
        if review.reviewer_id in unit:
            raise ValidationError(
                f"'reviews[{index}]' must not repeat reviewer {review.reviewer_id!r} on "
                f"interaction {review.interaction_id!r}",
                field=f"reviews[{index}]",
                value=(review.interaction_id, review.reviewer_id),
            )
        unit[review.reviewer_id] = review
    return rubric, by_unit


def _criterion_alphas(
    rubric: Rubric | None, shared: Mapping[str, Mapping[str, QaReview]]
) -> tuple[list[tuple[str, Fraction]], list[str]]:
    """Alpha per criterion, and the criteria every reviewer rated the same (no alpha)."""
    per_criterion: list[tuple[str, Fraction]] = []
    constant: list[str] = []
    if rubric is None:
        return per_criterion, constant
    for criterion in rubric.criteria:
        values = {
            u: {who: r.rating(criterion.name) for who, r in rs.items()} for u, rs in shared.items()
        }
        try:
            per_criterion.append((criterion.name, krippendorff_alpha(values)))
        except EmptySampleError:
            constant.append(criterion.name)
    return per_criterion, constant


def _reviewer_bias(
    scores: Mapping[str, Mapping[str, Fraction]],
) -> tuple[tuple[str, Fraction], ...]:
    """Each reviewer's mean deviation from the other reviewers of the same interaction."""
    deviations: dict[str, list[Fraction]] = {}
    for by_reviewer in scores.values():
        total = sum(by_reviewer.values(), Fraction(0))
        m = len(by_reviewer)
        for who, value in by_reviewer.items():
            others = (total - value) / (m - 1)
            deviations.setdefault(who, []).append(value - others)
    return tuple((who, sum(ds, Fraction(0)) / len(ds)) for who, ds in sorted(deviations.items()))
