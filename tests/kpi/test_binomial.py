"""The exact (Clopper-Pearson) rate interval: SciPy's beta quantiles and its coverage law."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.kpi import clopper_pearson_interval, wilson_interval


@given(st.integers(1, 1_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_bounds_are_scipys_beta_quantiles(counts: tuple[int, int]) -> None:
    from scipy.stats import beta

    k, n = counts
    r = clopper_pearson_interval(k, n)
    low = 0.0 if k == 0 else float(beta.ppf(0.025, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(0.975, k + 1, n - k))
    assert r.interval.low == pytest.approx(low, abs=1e-9)
    assert r.interval.high == pytest.approx(high, abs=1e-9)
    assert r.value == Fraction(k, n)
    assert r.interval.low <= r.value <= r.interval.high


def _coverage(n: int, p: float, confidence: float) -> float:
    """P(the interval from a Binomial(n, p) draw contains p), summed over every outcome."""
    total = 0.0
    for k in range(n + 1):
        interval = clopper_pearson_interval(k, n, confidence=confidence).interval
        if interval.low <= p <= interval.high:
            total += math.comb(n, k) * p**k * (1 - p) ** (n - k)
    return total


@given(
    st.integers(1, 25),
    st.floats(min_value=0.001, max_value=0.999),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_the_exact_interval_never_covers_less_than_its_confidence(
    n: int, p: float, confidence: float
) -> None:
    assert _coverage(n, p, confidence) >= confidence - 1e-12


def test_wilson_falls_short_of_its_confidence_where_the_exact_interval_does_not() -> None:
    # n = 10, p = 0.1: Wilson's 95 % interval covers p only 93 % of the time.
    n, p = 10, 0.1
    wilson = sum(
        math.comb(n, k) * p**k * (1 - p) ** (n - k)
        for k in range(n + 1)
        if wilson_interval(k, n).interval.low <= p <= wilson_interval(k, n).interval.high
    )
    assert wilson < 0.95 <= _coverage(n, p, 0.95)


def test_textbook_value_3_of_10() -> None:
    r = clopper_pearson_interval(3, 10)
    assert round(r.interval.low, 4) == 0.0667
    assert round(r.interval.high, 4) == 0.6525
    assert r.interval.confidence == 0.95


def test_all_or_nothing_pin_the_bound_at_the_edge() -> None:
    assert clopper_pearson_interval(0, 7).interval.low == 0.0
    assert clopper_pearson_interval(7, 7).interval.high == 1.0
    # the one-sided tail of 0 successes in 20: 1 - 0.025 ** (1 / 20)
    assert clopper_pearson_interval(0, 20).interval.high == pytest.approx(
        1 - 0.025 ** (1 / 20), abs=1e-12
    )


def test_a_large_sample_stays_fast_and_narrow() -> None:
    r = clopper_pearson_interval(250_000, 1_000_000)
    assert 0.2491 < r.interval.low < 0.25 < r.interval.high < 0.2509


@pytest.mark.parametrize(
    ("k", "n", "confidence", "field"),
    [(-1, 5, 0.95, "k"), (1, 2.0, 0.95, "n"), (6, 5, 0.95, "k"), (1, 5, 1.0, "confidence")],
)
def test_bad_arguments_are_named(k: object, n: object, confidence: object, field: str) -> None:
    with pytest.raises(ValidationError, match=f"'{field}'") as caught:
        clopper_pearson_interval(k, n, confidence=confidence)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_no_trials_is_an_empty_sample() -> None:
    with pytest.raises(EmptySampleError):
        clopper_pearson_interval(0, 0)
