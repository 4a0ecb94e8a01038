"""Rubrics, criteria, auto-fail and review scores."""

from __future__ import annotations

from fractions import Fraction

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import ValidationError
from servicemodel.team import Criterion, QaReview, ReviewerKind, Rubric
from servicemodel.testing import qa_reviews, rubrics

AT = pendulum.datetime(2024, 6, 3, 10, tz="Europe/London")
ALL_FOURS = {
    "clear_communication": 4,
    "empathy": 4,
    "response_quality": 4,
    "product_knowledge": 4,
    "accuracy": 4,
}


def review(rubric: Rubric, **ratings: int) -> QaReview:
    return QaReview(
        interaction_id="T-1",
        agent_id="A-1",
        reviewer_id="Q-1",
        rubric=rubric,
        ratings=ratings,
        reviewed_at=AT,
    )


def test_rubric_auto_fail_zeroes_an_otherwise_perfect_review() -> None:
    rubric = Rubric.standard()
    perfect = review(rubric, **ALL_FOURS)
    failed = review(rubric, **{**ALL_FOURS, "accuracy": 0})
    assert perfect.score() == 1
    assert failed.score() == 0
    assert failed.auto_failed() == ("accuracy",)
    assert perfect.auto_failed() == ()


def test_zero_weight_gate_fails_the_review_without_adding_to_the_score() -> None:
    rubric = Rubric(
        name="calls",
        criteria=[
            Criterion(name="empathy", weight=Fraction(1, 2)),
            Criterion(name="accuracy", weight=Fraction(1, 2)),
            Criterion(name="identity_checked", weight=0, scale=1, auto_fail_at=0),
        ],
    )
    passed = review(rubric, empathy=2, accuracy=4, identity_checked=1)
    assert passed.score() == Fraction(3, 4)
    assert review(rubric, empathy=4, accuracy=4, identity_checked=0).score() == 0


def test_rubric_weights_must_sum_to_exactly_one() -> None:
    with pytest.raises(ValidationError, match=r"'criteria' weights must sum to 1 \(got 9/10\)"):
        Rubric(
            name="r",
            criteria=[Criterion(name="a", weight=0.5), Criterion(name="b", weight=0.4)],
        )
    thirds = Rubric(
        name="r",
        criteria=[Criterion(name=n, weight=Fraction(1, 3)) for n in ("a", "b", "c")],
    )
    assert sum(c.weight for c in thirds.criteria) == 1


def test_floats_are_read_as_written_so_tenths_sum_exactly() -> None:
    rubric = Rubric(
        name="r",
        criteria=[Criterion(name=f"c{i}", weight=0.1) for i in range(10)],
    )
    assert rubric.criteria[0].weight == Fraction(1, 10)


def test_standard_rubric_has_the_five_named_criteria() -> None:
    names = [c.name for c in Rubric.standard().criteria]
    assert names == [
        "clear_communication",
        "empathy",
        "response_quality",
        "product_knowledge",
        "accuracy",
    ]


def test_score_is_the_weighted_share_of_each_criterions_scale() -> None:
    rubric = Rubric(
        name="r",
        criteria=[
            Criterion(name="tone", weight=Fraction(3, 4), scale=4),
            Criterion(name="resolved", weight=Fraction(1, 4), scale=1),
        ],
    )
    assert review(rubric, tone=2, resolved=1).score() == Fraction(3, 4) * Fraction(2, 4) + Fraction(
        1, 4
    )


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({**ALL_FOURS, "accuracy": 5}, "'ratings.accuracy' must be an integer from 0 to 4"),
        ({k: v for k, v in ALL_FOURS.items() if k != "empathy"}, "no rating for \\['empathy'\\]"),
        ({**ALL_FOURS, "humour": 2}, "unknown \\['humour'\\]"),
        ({**ALL_FOURS, "empathy": True}, "'ratings.empathy' must be an integer"),
    ],
)
def test_reviews_must_rate_every_criterion_on_its_scale(
    ratings: dict[str, int], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        review(Rubric.standard(), **ratings)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weight": -0.1}, "weight"),
        ({"weight": 0.5, "scale": 0}, "scale"),
        ({"weight": 0.5, "scale": 4, "auto_fail_at": 4}, "auto_fail_at"),
        ({"weight": 0}, "weight"),
        ({"weight": "half"}, "weight"),
    ],
)
def test_bad_criteria_are_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Criterion(name="c", **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_duplicate_criterion_names_are_refused() -> None:
    with pytest.raises(ValidationError, match="must name each criterion once"):
        Rubric(
            name="r", criteria=[Criterion(name="a", weight=0.5), Criterion(name="a", weight=0.5)]
        )


def test_mystery_shopper_review_is_a_review_like_any_other() -> None:
    shopper = QaReview(
        interaction_id="MS-7",
        agent_id="A-1",
        reviewer_id="shopper-3",
        rubric=Rubric.standard(),
        ratings=ALL_FOURS,
        reviewed_at=AT,
        reviewer_kind="mystery_shopper",
    )
    assert shopper.reviewer_kind is ReviewerKind.MYSTERY_SHOPPER
    assert shopper.score() == 1


@given(qa_reviews())
def test_scores_lie_in_zero_one_and_auto_fail_means_zero(r: QaReview) -> None:
    score = r.score()
    assert 0 <= score <= 1
    if r.auto_failed():
        assert score == 0


@given(rubrics(), st.data())
def test_raising_one_rating_never_lowers_the_score_unless_it_was_at_the_top(
    rubric: Rubric, data: st.DataObject
) -> None:
    ratings = {c.name: data.draw(st.integers(0, c.scale)) for c in rubric.criteria}
    base = rubric.score(ratings)
    for c in rubric.criteria:
        if ratings[c.name] < c.scale:
            assert rubric.score({**ratings, c.name: ratings[c.name] + 1}) >= base
