"""The QA-score accumulator obeys the KPI engine's merge laws and reads exact figures."""

from __future__ import annotations

import pickle
from fractions import Fraction
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.kpi import Accumulator, Mean
from servicemodel.team import Criterion, QaReview, QaScore, Rubric
from servicemodel.testing import qa_reviews, rubrics

RUBRIC = Rubric(
    name="r",
    criteria=[
        Criterion(name="tone", weight=Fraction(2, 3), scale=3),
        Criterion(name="accuracy", weight=Fraction(1, 3), scale=4, auto_fail_at=0),
    ],
)

reviews = st.one_of(qa_reviews(rubric=RUBRIC), qa_reviews())
samples = st.lists(reviews, max_size=8)


def fold(items: list[QaReview]) -> QaScore:
    acc = QaScore.empty()
    acc.add_many(items)
    return acc


def outcome(acc: QaScore) -> tuple[Mean, object] | str:
    try:
        return acc.result(), acc.auto_fail_rate()
    except EmptySampleError:
        return "empty"


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@given(samples, samples)
def test_result_of_the_whole_equals_result_of_merged_parts(
    a: list[QaReview], b: list[QaReview]
) -> None:
    assert outcome(fold(a + b)) == outcome(fold(a).merge(fold(b)))
    assert fold(a + b) == fold(a).merge(fold(b))


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@given(samples, samples, samples)
def test_merge_is_associative(a: list[QaReview], b: list[QaReview], c: list[QaReview]) -> None:
    x, y, z = fold(a), fold(b), fold(c)
    assert x.merge(y).merge(z) == x.merge(y.merge(z))


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@given(samples, samples)
def test_merge_is_commutative(a: list[QaReview], b: list[QaReview]) -> None:
    assert fold(a).merge(fold(b)) == fold(b).merge(fold(a))


@given(samples)
def test_empty_is_the_identity(a: list[QaReview]) -> None:
    x = fold(a)
    assert x.merge(QaScore.empty()) == x == QaScore.empty().merge(x)


@given(samples)
def test_state_round_trips_through_json_and_pickle(a: list[QaReview]) -> None:
    x = fold(a)
    assert QaScore.from_json(x.to_json()) == x
    assert pickle.loads(pickle.dumps(x)) == x


@given(st.lists(qa_reviews(rubric=RUBRIC), min_size=1, max_size=10))
def test_mean_is_exact_and_the_interval_holds_it_within_zero_one(items: list[QaReview]) -> None:
    result = fold(items).result()
    assert result.value == sum((r.score() for r in items), Fraction(0)) / len(items)
    assert 0 <= result.interval.low <= float(result.value) <= result.interval.high <= 1


def test_auto_failed_reviews_count_as_zero_and_in_the_auto_fail_rate() -> None:
    def review(tone: int, accuracy: int) -> QaReview:
        return QaReview(
            interaction_id="T",
            agent_id="A",
            reviewer_id="Q",
            rubric=RUBRIC,
            ratings={"tone": tone, "accuracy": accuracy},
            reviewed_at=pendulum.datetime(2024, 6, 1),
        )

    acc = fold([review(3, 4), review(3, 0), review(0, 4)])
    assert acc.result().value == Fraction(1 + 0 + Fraction(1, 3), 3)
    rate = acc.auto_fail_rate()
    assert (rate.numerator, rate.denominator) == (1, 3)


def test_empty_sample_raises_instead_of_zero() -> None:
    with pytest.raises(EmptySampleError):
        QaScore.empty().result()


def test_only_reviews_are_accepted_and_bad_state_is_refused() -> None:
    with pytest.raises(ValidationError):
        QaScore.empty().add(Fraction(1, 2))
    bad = {
        "kpi": "qa_score",
        "options": {},
        "state": {"n": 1, "auto_fails": 2, "total": "1/2", "squares": "1/4", "denominator": 2},
    }
    with pytest.raises(ValidationError, match="consistent QA sample"):
        QaScore.from_json(bad)
    with pytest.raises(ValidationError, match=r"outside servicemodel\.kpi: use its own from_json"):
        Accumulator.from_json(bad)


@given(rubrics())
def test_rubric_strategy_feeds_the_accumulator(rubric: Rubric) -> None:
    assert QaScore.empty().accepts(
        QaReview(
            interaction_id="T",
            agent_id="A",
            reviewer_id="Q",
            rubric=rubric,
            ratings={c.name: c.scale for c in rubric.criteria},
            reviewed_at=pendulum.datetime(2024, 1, 1),
        )
    )


# ------------------------------------------------------------------ corrupt saved states


def state(**changes: Any) -> dict[str, Any]:
    good = QaScore.empty().to_json()
    good["state"] = {**good["state"], **changes} if changes else good["state"]
    return good


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        ({**state(), "state": [1]}, "state", "'state' must be a dict (got [1])"),
        (state(n=-1), "state.n", "'state.n' must be an integer of at least 0 (got -1)"),
        (state(n=True), "state.n", "'state.n' must be an integer of at least 0 (got True)"),
        (
            state(total="1/0"),
            "state.total",
            "'state.total' must be a non-negative fraction such as '17/20' (got '1/0')",
        ),
        (
            state(squares="-1"),
            "state.squares",
            "'state.squares' must be a non-negative fraction such as '17/20' (got '-1')",
        ),
        (
            state(total=1.5),
            "state.total",
            "'state.total' must be a non-negative fraction such as '17/20' (got 1.5)",
        ),
    ],
    ids=[
        "not-a-dict",
        "negative-n",
        "bool-n",
        "zero-denominator",
        "negative-squares",
        "float-total",
    ],
)
def test_a_corrupt_qa_state_is_refused_naming_the_field(
    document: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        QaScore.from_json(document)
    assert caught.value.field == field
    assert str(caught.value) == message


def test_a_qa_state_may_write_whole_numbers_as_integers() -> None:
    loaded = QaScore.from_json(state(n=2, total=1, squares=1, denominator=1))
    assert loaded.result().value == Fraction(1, 2)
