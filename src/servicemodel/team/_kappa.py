"""Cohen's kappa: how far two reviewers agree on categories beyond chance.

For two reviewers who each put the same interactions into categories (pass or
fail, a reason code), with p_o the share of interactions where they agree and
p_e the share expected by chance from each reviewer's own category shares,

    kappa = (p_o - p_e) / (1 - p_e).

It is 1 for perfect agreement, 0 for agreement no better than chance and
negative below it. Beside Krippendorff's alpha (any number of reviewers,
interval scores), kappa is the statistic for two raters and nominal
categories. Computed exactly.

>>> cohen_kappa({"T-1": {"ann": "pass", "bo": "pass"}, "T-2": {"ann": "fail", "bo": "fail"}})
Fraction(1, 1)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from fractions import Fraction

from ..exceptions import EmptySampleError, ValidationError

__all__ = ["cohen_kappa"]


def _pairs(ratings: Mapping[str, Mapping[str, Hashable]]) -> list[tuple[Hashable, Hashable]]:
    if not isinstance(ratings, Mapping):
        raise ValidationError(
            f"'ratings' must map units to {{reviewer: category}} mappings (got {ratings!r})",
            field="ratings",
            value=ratings,
        )
    reviewers: list[str] = []
    pairs: list[tuple[Hashable, Hashable]] = []
    for unit, by_reviewer in ratings.items():
        if not isinstance(by_reviewer, Mapping):
            raise ValidationError(
                f"'ratings[{unit!r}]' must map reviewers to categories (got {by_reviewer!r})",
                field=f"ratings[{unit!r}]",
                value=by_reviewer,
            )
        for reviewer, category in by_reviewer.items():
            if reviewer not in reviewers:
                reviewers.append(reviewer)
            if len(reviewers) > 2:
                raise ValidationError(
                    "'ratings' must come from exactly two reviewers for Cohen's kappa (got "
                    f"{reviewers!r}); use krippendorff_alpha for more",
                    field="ratings",
                    value=tuple(reviewers),
                )
            if not isinstance(category, Hashable):
                field = f"ratings[{unit!r}][{reviewer!r}]"
                raise ValidationError(
                    f"'{field}' must be a category (text, number or enum; got {category!r})",
                    field=field,
                    value=category,
                )
        if len(by_reviewer) == 2:
            first, second = (by_reviewer[r] for r in reviewers)
            pairs.append((first, second))
    return pairs


def cohen_kappa(ratings: Mapping[str, Mapping[str, Hashable]]) -> Fraction:
    """Cohen's kappa of two reviewers who put the same units into categories.

    *ratings* maps each unit (an interaction id) to the category each of the
    two reviewers gave it. Units only one reviewer rated are left out.

    Raises:
        EmptySampleError: no unit was rated by both reviewers, or both
            reviewers used one and the same category throughout (chance
            agreement is 1 and kappa is 0/0).
        ValidationError: more than two reviewers, or a category that is not
            hashable.

    >>> votes = {f"T-{i}": {"ann": a, "bo": b} for i, (a, b) in enumerate(
    ...     [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10
    ...     + [("no", "no")] * 15)}
    >>> cohen_kappa(votes)
    Fraction(2, 5)
    """
    pairs = _pairs(ratings)
    if not pairs:
        raise EmptySampleError("Cohen's kappa needs at least one unit rated by both reviewers")
    n = len(pairs)
    observed = Fraction(sum(1 for first, second in pairs if first == second), n)
    firsts = Counter(first for first, _ in pairs)
    seconds = Counter(second for _, second in pairs)
    chance = Fraction(sum(count * seconds[c] for c, count in firsts.items()), n * n)
    if chance == 1:
        raise EmptySampleError(
            "Cohen's kappa is undefined when both reviewers gave every unit the same "
            f"category (got {n} units, all {pairs[0][0]!r})"
        )
    return (observed - chance) / (1 - chance)
