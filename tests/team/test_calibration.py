"""Calibration: Krippendorff's alpha (interval) and the calibration report."""

from __future__ import annotations

import random
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.team import Criterion, QaReview, Rubric, calibrate, krippendorff_alpha

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the 4-coder
# 12-unit example with missing values: interval alpha = 0.849.
_CODERS = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def test_krippendorffs_published_example_gives_0_849() -> None:
    data = {f"u{u}": {c: v[u] for c, v in _CODERS.items() if v[u] is not None} for u in range(12)}
    alpha = krippendorff_alpha(data)
    assert alpha == Fraction(951, 1120)
    assert round(float(alpha), 3) == 0.849


def test_units_with_a_single_value_are_left_out() -> None:
    with_lonely = {"T-1": {"a": 1, "b": 2}, "T-2": {"a": 4, "b": 4}, "T-3": {"a": 9}}
    assert krippendorff_alpha(with_lonely) == krippendorff_alpha(
        {"T-1": {"a": 1, "b": 2}, "T-2": {"a": 4, "b": 4}}
    )


def test_systematic_disagreement_is_negative() -> None:
    assert krippendorff_alpha({"T-1": {"a": 4, "b": 2}, "T-2": {"a": 2, "b": 4}}) < 0


def test_alpha_without_pairs_or_without_variation_is_undefined() -> None:
    with pytest.raises(EmptySampleError, match="two reviewers"):
        krippendorff_alpha({"T-1": {"a": 3}})
    with pytest.raises(EmptySampleError, match="all equal"):
        krippendorff_alpha({"T-1": {"a": 3, "b": 3}, "T-2": {"a": 3, "b": 3}})


def test_non_numeric_values_are_refused_with_their_path() -> None:
    with pytest.raises(ValidationError) as info:
        krippendorff_alpha({"T-1": {"a": 3, "b": "high"}})
    assert info.value.field == "ratings['T-1']['b']"


@given(
    st.lists(st.integers(0, 10), min_size=2, max_size=30).filter(lambda v: len(set(v)) > 1),
    st.integers(2, 5),
)
def test_identical_reviews_agree_perfectly(truth: list[int], reviewers: int) -> None:
    data = {f"T-{i}": {f"r{j}": v for j in range(reviewers)} for i, v in enumerate(truth)}
    assert krippendorff_alpha(data) == 1


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@settings(max_examples=30)
@given(st.integers(0, 2**32), st.integers(2, 4), st.integers(1, 10))
def test_independent_random_reviews_are_near_zero(seed: int, reviewers: int, scale: int) -> None:
    # 2,000 units: alpha's standard error under independence is at most about 0.023,
    # so |alpha| < 0.15 fails by chance with probability below 1e-9.
    rng = random.Random(seed)
    data = {
        f"T-{u}": {f"r{j}": rng.randint(0, scale) for j in range(reviewers)} for u in range(2000)
    }
    assert abs(krippendorff_alpha(data)) < Fraction(15, 100)


@given(st.lists(st.integers(0, 10), min_size=4, max_size=20).filter(lambda v: len(set(v)) > 1))
def test_alpha_is_invariant_to_shifting_and_scaling_every_value(values: list[int]) -> None:
    data: dict[str, dict[str, int]] = {f"T-{i // 2}": {} for i in range(len(values))}
    for i, v in enumerate(values):
        data[f"T-{i // 2}"][f"r{i % 2}"] = v
    try:
        alpha = krippendorff_alpha(data)
    except EmptySampleError:
        return
    moved = {u: {r: 3 * v + 7 for r, v in rs.items()} for u, rs in data.items()}
    assert krippendorff_alpha(moved) == alpha


TONE = Rubric(
    name="r",
    criteria=[
        Criterion(name="tone", weight=Fraction(1, 2)),
        Criterion(name="accuracy", weight=Fraction(1, 2)),
    ],
)


def rev(t: str, who: str, tone: int, accuracy: int = 4) -> QaReview:
    return QaReview(
        interaction_id=t,
        agent_id="A-1",
        reviewer_id=who,
        rubric=TONE,
        ratings={"tone": tone, "accuracy": accuracy},
        reviewed_at=pendulum.datetime(2024, 6, 1),
    )


def test_calibration_reports_alpha_per_criterion_and_reviewer_bias() -> None:
    result = calibrate(
        [
            rev("T-1", "ann", 4),
            rev("T-1", "bo", 3),
            rev("T-2", "ann", 1),
            rev("T-2", "bo", 0),
            rev("T-3", "ann", 2),  # reviewed once: left out
        ]
    )
    assert result.units == 2
    assert result.constant_criteria == ("accuracy",)
    assert dict(result.criterion_alpha)["tone"] == krippendorff_alpha(
        {"T-1": {"ann": 4, "bo": 3}, "T-2": {"ann": 1, "bo": 0}}
    )
    bias = dict(result.reviewer_bias)
    assert bias["ann"] > 0 > bias["bo"]
    assert bias["ann"] == -bias["bo"] == Fraction(1, 8)


def test_calibration_refuses_mixed_rubrics_and_repeated_reviews() -> None:
    other = Rubric(name="other", criteria=[Criterion(name="tone", weight=1)])
    mixed = QaReview(
        interaction_id="T-1",
        agent_id="A-1",
        reviewer_id="bo",
        rubric=other,
        ratings={"tone": 3},
        reviewed_at=pendulum.datetime(2024, 6, 1),
    )
    with pytest.raises(ValidationError, match=r"'reviews\[1\]\.rubric' must be the rubric"):
        calibrate([rev("T-1", "ann", 4), mixed])
    with pytest.raises(ValidationError, match="must not repeat reviewer 'ann'"):
        calibrate([rev("T-1", "ann", 4), rev("T-1", "ann", 3)])
