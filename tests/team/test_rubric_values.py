"""Rubrics and reviews built in code: refused criteria and ratings name their field."""

from __future__ import annotations

import pendulum
import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.team import Criterion, QaReview, Rubric

TONE = Rubric(name="r", criteria=[Criterion(name="tone", weight=1)])


@pytest.mark.parametrize(
    ("criteria", "field", "message"),
    [
        ("tone", "criteria", "'criteria' must be a list of Criterion (got 'tone')"),
        ([], "criteria", "'criteria' must hold at least one criterion (got none)"),
        (["tone"], "criteria[0]", "'criteria[0]' must be a Criterion (got 'tone')"),
    ],
)
def test_a_rubric_refuses_criteria_that_are_not_criteria(
    criteria: object, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Rubric(name="r", criteria=criteria)
    assert caught.value.field == field
    assert str(caught.value) == message


def test_asking_for_an_unknown_criterion_lists_the_known_ones() -> None:
    with pytest.raises(ValidationError) as caught:
        TONE.criterion("empathy")
    assert caught.value.field == "criterion"
    assert str(caught.value) == "'criterion' must be one of 'tone' (got 'empathy')"


def test_scoring_needs_a_mapping_of_ratings() -> None:
    with pytest.raises(ValidationError, match=r"^'ratings' must be a mapping of criterion names"):
        TONE.score([("tone", 3)])  # type: ignore[arg-type]


def test_a_review_takes_ratings_as_pairs_and_refuses_text() -> None:
    at = pendulum.datetime(2024, 6, 1)
    review = QaReview(
        interaction_id="T",
        agent_id="A",
        reviewer_id="Q",
        rubric=TONE,
        ratings=[("tone", 3)],
        reviewed_at=at,
    )
    assert review.score() == TONE.score({"tone": 3})
    with pytest.raises(ValidationError) as caught:
        QaReview(
            interaction_id="T",
            agent_id="A",
            reviewer_id="Q",
            rubric=TONE,
            ratings="tone",
            reviewed_at=at,
        )
    assert caught.value.field == "ratings"
