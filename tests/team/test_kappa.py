"""Cohen's kappa: the textbook table, its laws, and its refusals."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.team import cohen_kappa


def _ratings(pairs: Sequence[tuple[Hashable, Hashable]]) -> dict[str, dict[str, Hashable]]:
    return {f"T-{i}": {"ann": a, "bo": b} for i, (a, b) in enumerate(pairs)}


def test_textbook_table_of_fifty_gives_two_fifths() -> None:
    # 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: p_o = 0.7, p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5.
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10
    pairs += [("no", "no")] * 15
    assert cohen_kappa(_ratings(pairs)) == Fraction(2, 5)


def test_three_categories_by_hand() -> None:
    # p_o = 7/10; ann: a 4, b 3, c 3; bo: a 3, b 4, c 3; p_e = (12 + 12 + 9) / 100.
    pairs = [("a", "a")] * 3 + [("b", "b")] * 2 + [("c", "c")] * 2
    pairs += [("a", "b"), ("b", "c"), ("c", "b")]
    assert cohen_kappa(_ratings(pairs)) == (Fraction(7, 10) - Fraction(33, 100)) / Fraction(67, 100)


_pairs = st.lists(
    st.tuples(st.sampled_from("abcd"), st.sampled_from("abcd")), min_size=1, max_size=40
)


@given(_pairs)
def test_kappa_is_symmetric_in_the_two_reviewers(pairs: list[tuple[str, str]]) -> None:
    swapped = [(b, a) for a, b in pairs]
    try:
        expected = cohen_kappa(_ratings(pairs))
    except EmptySampleError:
        with pytest.raises(EmptySampleError):
            cohen_kappa(_ratings(swapped))
        return
    assert cohen_kappa(_ratings(swapped)) == expected
    assert expected <= 1


@given(_pairs)
def test_kappa_does_not_depend_on_the_category_names(pairs: list[tuple[str, str]]) -> None:
    rename = {"a": 10, "b": 20, "c": 30, "d": 40}
    renamed = [(rename[a], rename[b]) for a, b in pairs]
    try:
        expected = cohen_kappa(_ratings(pairs))
    except EmptySampleError:
        return
    assert cohen_kappa(_ratings(renamed)) == expected


@given(st.lists(st.sampled_from("abc"), min_size=2, max_size=30).filter(lambda v: len(set(v)) > 1))
def test_perfect_agreement_is_one(values: list[str]) -> None:
    assert cohen_kappa(_ratings([(v, v) for v in values])) == 1


def test_units_rated_by_one_reviewer_are_left_out() -> None:
    ratings = _ratings([("x", "x"), ("y", "y")])
    ratings["T-9"] = {"ann": "x"}
    assert cohen_kappa(ratings) == 1


def test_a_third_reviewer_is_refused_with_the_reviewers_named() -> None:
    ratings = _ratings([("x", "y")])
    ratings["T-1"] = {"ann": "x", "cy": "x"}
    with pytest.raises(ValidationError, match="exactly two reviewers") as caught:
        cohen_kappa(ratings)
    assert caught.value.value == ("ann", "bo", "cy")


def test_no_shared_unit_and_one_category_are_empty_samples() -> None:
    with pytest.raises(EmptySampleError, match="rated by both"):
        cohen_kappa({"T-1": {"ann": "x"}, "T-2": {"bo": "x"}})
    with pytest.raises(EmptySampleError, match="same category"):
        cohen_kappa(_ratings([("x", "x"), ("x", "x")]))


def test_unhashable_categories_and_bad_shapes_are_named() -> None:
    with pytest.raises(ValidationError, match=r"ratings\['T-0'\]\['ann'\]"):
        cohen_kappa({"T-0": {"ann": ["x"], "bo": "x"}})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="'ratings'"):
        cohen_kappa([("x", "y")])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"'ratings\['T-0'\]'"):
        cohen_kappa({"T-0": "x"})  # type: ignore[dict-item]
