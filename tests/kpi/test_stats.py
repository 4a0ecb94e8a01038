"""Statistics: the reference vectors (kpi.md) and the laws of the intervals."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.kpi import (
    Mean,
    QuantileMethod,
    nps_difference,
    nps_score,
    quantile,
    rate_difference,
    retention_rate,
    service_level_rate,
    wilson_interval,
)


def test_wilson_newcombe_vector_81_of_263() -> None:
    r = wilson_interval(81, 263)
    assert r.value == Fraction(81, 263)
    assert round(r.interval.low, 4) == 0.2553
    assert round(r.interval.high, 4) == 0.3662


def test_wilson_newcombe_vector_0_of_20() -> None:
    r = wilson_interval(0, 20)
    assert r.interval.low == 0.0
    assert round(r.interval.high, 4) == 0.1611


def test_wilson_all_successes_reaches_one_exactly() -> None:
    assert wilson_interval(20, 20).interval.high == 1.0


def test_wilson_wider_at_higher_confidence() -> None:
    narrow = wilson_interval(30, 100, confidence=0.9).interval
    wide = wilson_interval(30, 100, confidence=0.99).interval
    assert wide.low < narrow.low
    assert wide.high > narrow.high


@given(st.integers(1, 10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_bounds_contain_the_estimate_and_lie_in_unit_interval(kn: tuple[int, int]) -> None:
    k, n = kn
    r = wilson_interval(k, n)
    assert 0.0 <= r.interval.low <= r.value <= r.interval.high <= 1.0


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_is_symmetric_under_swapping_successes_and_failures(kn: tuple[int, int]) -> None:
    k, n = kn
    a, b = wilson_interval(k, n).interval, wilson_interval(n - k, n).interval
    assert a.low == pytest.approx(1 - b.high, abs=1e-12)
    assert a.high == pytest.approx(1 - b.low, abs=1e-12)


def test_wilson_refuses_empty_and_inconsistent_samples() -> None:
    with pytest.raises(EmptySampleError):
        wilson_interval(0, 0)
    with pytest.raises(EmptySampleError):
        wilson_interval(1, 0)  # no trials: empty first, whatever k says
    with pytest.raises(ValidationError, match="'k' must be at most n = 3 \\(got 4\\)"):
        wilson_interval(4, 3)
    with pytest.raises(ValidationError, match="'n' must be a non-negative integer"):
        wilson_interval(1, 2.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'confidence'"):
        wilson_interval(1, 2, confidence=1.0)


def test_newcombe_difference_reproduces_his_example_56_of_70_minus_48_of_80() -> None:
    d = rate_difference(wilson_interval(56, 70), wilson_interval(48, 80))
    assert d.value == Fraction(1, 5)
    assert (round(d.interval.low, 4), round(d.interval.high, 4)) == (0.0524, 0.3339)
    assert d.significant()


def test_newcombe_difference_reproduces_9_of_10_minus_3_of_10() -> None:
    d = rate_difference(wilson_interval(9, 10), wilson_interval(3, 10))
    assert (round(d.interval.low, 4), round(d.interval.high, 4)) == (0.1705, 0.8090)


@given(st.integers(1, 300), st.integers(1, 300), st.data())
def test_newcombe_interval_contains_the_difference_within_minus_one_to_one(
    n1: int, n2: int, data: st.DataObject
) -> None:
    k1, k2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    d = rate_difference(wilson_interval(k1, n1), wilson_interval(k2, n2))
    assert -1 <= d.interval.low <= d.value <= d.interval.high <= 1


def test_nps_example_shares_half_third_sixth() -> None:
    r = nps_score(promoters=3, passives=2, detractors=1)
    assert r.value == Fraction(100, 3)
    assert r.variance == Fraction(5, 9)


def test_nps_adjusted_wald_adds_three_and_three_quarters() -> None:
    r = nps_score(promoters=8, passives=1, detractors=1)
    n = 13
    p, d = (8 + 0.75) / n, (1 + 0.75) / n
    se = ((p + d - (p - d) ** 2) / n) ** 0.5
    assert r.interval.high == pytest.approx(100 * (p - d + 1.959963984540054 * se))
    assert r.interval.low == pytest.approx(100 * (p - d - 1.959963984540054 * se))


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_nps_interval_is_clamped_and_contains_the_score(p: int, m: int, d: int) -> None:
    if p + m + d == 0:
        return
    r = nps_score(promoters=p, passives=m, detractors=d)
    assert -100 <= r.interval.low <= r.value <= r.interval.high <= 100


def test_nps_all_promoters_clamps_at_100() -> None:
    assert nps_score(promoters=5, passives=0, detractors=0).interval.high == 100.0


def test_nps_difference_is_in_points_and_needs_matching_confidence() -> None:
    a = nps_score(promoters=70, passives=20, detractors=10)
    b = nps_score(promoters=30, passives=20, detractors=50)
    d = nps_difference(a, b)
    assert d.value == 80
    assert d.significant()
    assert d.method == "adjusted_wald"
    other = nps_score(promoters=1, passives=0, detractors=0, confidence=0.9)
    with pytest.raises(ValidationError, match="'b' must have the same confidence"):
        nps_difference(a, other)


FRT = [60, 120, 180, 240, 3600, 90]


def test_quantile_vectors_from_the_reference() -> None:
    assert Fraction(sum(FRT), len(FRT)) == 715
    assert quantile(FRT, 0.5) == 150
    assert quantile(FRT, 0.9) == 1920
    assert quantile(FRT, 0.9, method="lower") == 240


@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=30),
    st.fractions(0, 1, max_denominator=1000),
    st.sampled_from(list(QuantileMethod)),
)
def test_every_quantile_method_agrees_with_numpy(
    values: list[int], q: Fraction, method: QuantileMethod
) -> None:
    ours = quantile(values, q, method=method)
    theirs = np.quantile(np.array(values, dtype=float), float(q), method=method.value)
    assert float(ours) == pytest.approx(float(theirs), rel=1e-9, abs=1e-6)


def test_quantile_refuses_bad_levels_and_methods() -> None:
    with pytest.raises(ValidationError, match="'q' must be between 0 and 1"):
        quantile([1], 1.5)
    with pytest.raises(ValidationError, match="'method' must be one of"):
        quantile([1], 0.5, method="median-ish")
    with pytest.raises(EmptySampleError):
        quantile([], 0.5)


def test_service_level_five_formulas_vector() -> None:
    counts = {"answered": 1000, "answered_within": 860, "abandoned": 60, "abandoned_within": 20}
    got = [
        service_level_rate(**counts, formula=f).percent()
        for f in (
            "within_over_offered",
            "answered_within_over_answered",
            "answered_within_over_offered",
            "answered_within_over_offered_less_quick_abandons",
            "mean_of_1_and_3",
        )
    ]
    assert got == [83.02, 86.0, 81.13, 82.69, 82.08]


def test_service_level_short_abandons_are_removed_before_the_formula() -> None:
    r = service_level_rate(
        answered=1000, answered_within=860, abandoned=60, abandoned_within=20, short_abandons=10
    )
    assert r.value == Fraction(860, 1050)
    with pytest.raises(ValidationError, match="'short_abandons' must not exceed 'abandoned'"):
        service_level_rate(
            answered=1, answered_within=1, abandoned=1, abandoned_within=0, short_abandons=2
        )


def test_retention_vector() -> None:
    r = retention_rate(start=200, new=40, end=220)
    assert r.value == Fraction(9, 10)
    assert r.percent() == 90.0
    with pytest.raises(ValidationError, match="'end' minus 'new' must be between 0 and 'start'"):
        retention_rate(start=10, new=0, end=11)
    with pytest.raises(EmptySampleError):
        retention_rate(start=0, new=0, end=0)


def test_mean_of_a_histogram_is_exact() -> None:
    m = Mean.of_counts({1: 1, 4: 2})
    assert m.value == 3
    assert m.interval.low < 3 < m.interval.high


SAMPLE_VALUES = st.one_of(
    st.integers(0, 10**12),
    st.fractions(min_value=0, max_value=10**6, max_denominator=10**6),
    st.floats(0, 1e12, allow_nan=False).map(Fraction),
)


@given(
    st.lists(SAMPLE_VALUES, min_size=1, max_size=40),
    st.fractions(min_value=0, max_value=1, max_denominator=1000),
    st.sampled_from(list(QuantileMethod)),
)
def test_integer_quantile_equals_the_fraction_definition(
    values: list[Fraction | int], q: Fraction, method: QuantileMethod
) -> None:
    from servicemodel.kpi._stats import quantile_of, quantile_ratio, round_half_even

    ordered = sorted(Fraction(v) for v in values)
    exact = quantile_of(len(ordered), q, method, ordered.__getitem__)
    numerator, denominator = quantile_ratio(
        len(ordered), q, method, lambda k: (ordered[k].numerator, ordered[k].denominator)
    )
    assert denominator > 0
    assert Fraction(numerator, denominator) == exact
    assert round_half_even(numerator, denominator) == round(exact)


@given(st.integers(-(10**9), 10**9), st.integers(1, 10**4))
def test_round_half_even_rounds_like_fraction(numerator: int, denominator: int) -> None:
    from servicemodel.kpi._stats import round_half_even

    assert round_half_even(numerator, denominator) == round(Fraction(numerator, denominator))


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6))
def test_nps_figures_equal_their_fraction_definitions(p: int, m: int, d: int) -> None:
    import math

    if p + m + d == 0:
        return
    n = p + m + d
    r = nps_score(promoters=p, passives=m, detractors=d)
    share_p, share_d = Fraction(p, n), Fraction(d, n)
    assert r.value == 100 * (share_p - share_d)
    assert r.variance == share_p + share_d - (share_p - share_d) ** 2
    n_adj = n + 3
    sp, sd = Fraction(4 * p + 3, 4 * n_adj), Fraction(4 * d + 3, 4 * n_adj)
    centre, variance = sp - sd, sp + sd - (sp - sd) ** 2
    z = 1.9599639845400536  # the 95 % normal quantile
    half = z * math.sqrt(variance / n_adj)
    assert r.interval.low == min(max(-100.0, 100 * (float(centre) - half)), float(r.value))
    assert r.interval.high == max(min(100.0, 100 * (float(centre) + half)), float(r.value))
