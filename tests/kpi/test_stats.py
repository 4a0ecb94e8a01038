"""Statistics: the reference vectors (kpi.md) and the laws of the intervals."""

from __future__ import annotations

import math
from fractions import Fraction
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.kpi import (
    Count,
    Interval,
    Mean,
    QuantileMethod,
    Ratio,
    nps_difference,
    nps_score,
    quantile,
    rate_difference,
    retention_rate,
    service_level_rate,
    wilson_interval,
)
from servicemodel.kpi._stats import (
    RATE_FIGURES,
    quantile_of,
    quantile_ratio,
    rate_figures,
    rate_from_figures,
    to_fraction,
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
    with pytest.raises(ValidationError, match="'n' must be an integer of at least 0"):
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


# ------------------------------------------------------------------ edges found by mutation testing:
# exact error sentences, confidence bounds, normal quantiles, the clamps of the NPS
# intervals, small means, each against a figure computed here from the textbook formula


def z_of(confidence: float) -> float:
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def wilson(k: int, n: int, confidence: float) -> tuple[float, float]:
    """Wilson's score interval, written from the textbook formula."""
    z = z_of(confidence)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def adjusted_wald(p: int, m: int, d: int, confidence: float) -> tuple[float, float, float]:
    """Centre, low and high (points, unclamped) of the adjusted-Wald NPS interval."""
    n = p + m + d + 3
    sp, sd = (p + 0.75) / n, (d + 0.75) / n
    se = math.sqrt((sp + sd - (sp - sd) ** 2) / n)
    z = z_of(confidence)
    return 100 * (sp - sd), 100 * (sp - sd - z * se), 100 * (sp - sd + z * se)


# --- confidence -------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [0, 0.0, 1, 1.0, -0.5, 1.5, Fraction(3, 2)])
def test_a_confidence_outside_the_open_unit_interval_is_refused_by_name(
    confidence: object,
) -> None:
    for call in (
        lambda: wilson_interval(1, 2, confidence=confidence),  # type: ignore[arg-type]
        lambda: nps_score(promoters=1, passives=1, detractors=1, confidence=confidence),  # type: ignore[arg-type]
        lambda: Mean.of_sums(n=2, total=3, squares=5, confidence=confidence),  # type: ignore[arg-type]
    ):
        with pytest.raises(ValidationError) as caught:
            call()
        assert str(caught.value) == (
            f"'confidence' must be a number strictly between 0 and 1 (got {confidence!r})"
        )
        assert caught.value.field == "confidence"
        assert caught.value.value is confidence


@pytest.mark.parametrize("confidence", ["0.95", None, True, [0.9]])
def test_a_confidence_that_is_not_a_number_is_refused_by_name(confidence: object) -> None:
    with pytest.raises(ValidationError) as caught:
        wilson_interval(1, 2, confidence=confidence)  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"'confidence' must be a number strictly between 0 and 1 (got {confidence!r})"
    )
    assert (caught.value.field, caught.value.value) == ("confidence", confidence)


def test_confidence_levels_close_to_zero_and_one_are_accepted() -> None:
    narrow = wilson_interval(5, 10, confidence=1e-9)
    assert narrow.interval.low == pytest.approx(0.5, abs=1e-8)
    assert narrow.interval.high == pytest.approx(0.5, abs=1e-8)
    wide = wilson_interval(5, 10, confidence=0.999999)
    low, high = wilson(5, 10, 0.999999)
    assert wide.interval.low == pytest.approx(low, abs=1e-12)
    assert wide.interval.high == pytest.approx(high, abs=1e-12)


@pytest.mark.parametrize(
    ("confidence", "z"),
    [(0.8, 1.2815515655446004), (0.9, 1.6448536269514722), (0.99, 2.5758293035489004)],
)
def test_the_normal_quantile_of_a_confidence_level_is_the_textbook_value(
    confidence: float, z: float
) -> None:
    # Wilson's interval of 1 in 2 is 1/2 +- z / (2 sqrt(2 + z^2)): read z back from its width.
    half = wilson_interval(1, 2, confidence=confidence).interval.high - 0.5
    assert math.sqrt(8 * half * half / (1 - 4 * half * half)) == pytest.approx(z, abs=1e-12)
    same = wilson_interval(1, 2, confidence=Fraction(confidence))  # type: ignore[arg-type]
    assert same.interval == wilson_interval(1, 2, confidence=confidence).interval


# --- counts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "field", "value"),
    [(-1, 5, "k", -1), (True, 5, "k", True), (1, -2, "n", -2), (1, 2.0, "n", 2.0)],
)
def test_a_bad_count_is_refused_by_name(k: object, n: object, field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        wilson_interval(k, n)  # type: ignore[arg-type]
    assert str(caught.value) == f"'{field}' must be an integer of at least 0 (got {value!r})"
    assert caught.value.field == field
    assert caught.value.value is value


@pytest.mark.parametrize("confidence", [0.95, 0.9])
@pytest.mark.parametrize("field", ["promoters", "passives", "detractors"])
@pytest.mark.parametrize("bad", [-1, 2.0, True])
def test_a_bad_nps_count_is_refused_by_name(field: str, bad: object, confidence: float) -> None:
    counts: dict[str, object] = {"promoters": 4, "passives": 3, "detractors": 2, field: bad}
    with pytest.raises(ValidationError) as caught:
        nps_score(**counts, confidence=confidence)  # type: ignore[arg-type]
    assert str(caught.value) == f"'{field}' must be an integer of at least 0 (got {bad!r})"
    assert (caught.value.field, caught.value.value) == (field, bad)


def test_rates_at_the_edges_k_0_k_n_and_n_1() -> None:
    for k, n in [(0, 1), (1, 1), (0, 7), (7, 7), (1, 7), (6, 7)]:
        r = wilson_interval(k, n)
        low, high = wilson(k, n, 0.95)
        assert r.value == Fraction(k, n)
        assert r.interval.low == (0.0 if k == 0 else pytest.approx(low, abs=1e-12))
        assert r.interval.high == (1.0 if k == n else pytest.approx(high, abs=1e-12))
    with pytest.raises(EmptySampleError, match=r"^a rate needs at least one trial \(got n = 0\)$"):
        wilson_interval(0, 0, confidence=0.9)
    with pytest.raises(ValidationError) as caught:
        wilson_interval(8, 7, confidence=0.9)
    assert (str(caught.value), caught.value.field, caught.value.value) == (
        "'k' must be at most n = 7 (got 8)",
        "k",
        8,
    )


# --- NPS ------------------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.99])
@pytest.mark.parametrize(("p", "m", "d"), [(3, 2, 1), (60, 20, 20), (1, 0, 0), (0, 4, 9)])
def test_nps_interval_at_other_confidence_levels(p: int, m: int, d: int, confidence: float) -> None:
    r = nps_score(promoters=p, passives=m, detractors=d, confidence=confidence)
    _, low, high = adjusted_wald(p, m, d, confidence)
    value = 100 * (p - d) / (p + m + d)
    assert r.interval.confidence == confidence
    assert r.interval.low == pytest.approx(max(-100.0, min(low, value)), abs=1e-9)
    assert r.interval.high == pytest.approx(min(100.0, max(high, value)), abs=1e-9)


def test_nps_with_zero_counts_on_the_default_path() -> None:
    r = nps_score(promoters=0, passives=3, detractors=0)
    _, low, high = adjusted_wald(0, 3, 0, 0.95)
    assert r.value == 0
    assert r.variance == 0
    assert r.interval.low == pytest.approx(low, abs=1e-9)
    assert r.interval.high == pytest.approx(high, abs=1e-9)


def test_nps_all_detractors_clamps_at_minus_100() -> None:
    r = nps_score(promoters=0, passives=0, detractors=20)
    assert adjusted_wald(0, 0, 20, 0.95)[1] < -100
    assert r.value == -100
    assert r.interval.low == -100.0


def test_nps_of_no_responses_says_so() -> None:
    for confidence in (0.95, 0.9):
        with pytest.raises(EmptySampleError) as caught:
            nps_score(promoters=0, passives=0, detractors=0, confidence=confidence)
        assert str(caught.value) == "NPS needs at least one response (got 0)"


def test_figures_convert_to_float() -> None:
    assert float(nps_score(promoters=3, passives=2, detractors=1)) == 100 / 3
    assert float(Mean.of_sums(n=2, total=3, squares=5)) == 1.5
    assert float(Ratio(numerator=1, denominator=8)) == 0.125
    assert float(Count(value=3, n=10)) == 3.0
    assert float(rate_difference(wilson_interval(1, 4), wilson_interval(1, 2))) == -0.25
    assert float(wilson_interval(1, 4)) == 0.25


# --- differences -----------------------------------------------------------------------


def newcombe(k1: int, n1: int, k2: int, n2: int, confidence: float) -> tuple[float, float]:
    """Newcombe's method 10 from two textbook Wilson intervals (bounds 0 and 1 at the ends)."""
    l1, u1 = wilson(k1, n1, confidence)
    l2, u2 = wilson(k2, n2, confidence)
    l1, l2 = (0.0 if k1 == 0 else l1), (0.0 if k2 == 0 else l2)
    u1, u2 = (1.0 if k1 == n1 else u1), (1.0 if k2 == n2 else u2)
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    return d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


@pytest.mark.parametrize("confidence", [0.95, 0.9])
@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"),
    [
        (81, 263, 0, 20),
        (56, 70, 48, 80),
        (0, 10, 10, 10),
        (10, 10, 0, 10),
        (1, 1, 0, 1),
        (3, 9, 3, 9),
    ],
)
def test_rate_difference_matches_newcombe_at_several_points(
    k1: int, n1: int, k2: int, n2: int, confidence: float
) -> None:
    a = wilson_interval(k1, n1, confidence=confidence)
    b = wilson_interval(k2, n2, confidence=confidence)
    d = rate_difference(a, b)
    low, high = newcombe(k1, n1, k2, n2, confidence)
    assert d.value == Fraction(k1, n1) - Fraction(k2, n2)
    assert d.method == "newcombe"
    assert d.interval.confidence == confidence
    assert d.interval.low == pytest.approx(low, abs=1e-12)
    assert d.interval.high == pytest.approx(high, abs=1e-12)


def test_the_difference_of_all_and_nothing_spans_to_one_exactly() -> None:
    d = rate_difference(wilson_interval(10, 10), wilson_interval(0, 10))
    assert d.value == 1
    assert d.interval.high == 1.0
    d = rate_difference(wilson_interval(0, 10), wilson_interval(10, 10))
    assert d.value == -1
    assert d.interval.low == -1.0


@pytest.mark.parametrize("difference", [rate_difference, nps_difference])
def test_a_difference_of_figures_at_different_confidence_is_refused(difference: object) -> None:
    if difference is rate_difference:
        a, b = wilson_interval(1, 2), wilson_interval(1, 2, confidence=0.9)
    else:
        a = nps_score(promoters=1, passives=1, detractors=1)  # type: ignore[assignment]
        b = nps_score(promoters=1, passives=1, detractors=1, confidence=0.9)  # type: ignore[assignment]
    with pytest.raises(ValidationError) as caught:
        difference(a, b)  # type: ignore[operator]
    assert str(caught.value) == "'b' must have the same confidence as 'a' (got 0.9 and 0.95)"
    assert (caught.value.field, caught.value.value) == ("b", 0.9)


@pytest.mark.parametrize("confidence", [0.95, 0.8])
@pytest.mark.parametrize(
    ("a", "b"),
    [((70, 20, 10), (30, 20, 50)), ((50, 30, 20), (40, 30, 30)), ((1, 0, 0), (0, 0, 1))],
)
def test_nps_difference_matches_the_adjusted_wald_formula(
    a: tuple[int, int, int], b: tuple[int, int, int], confidence: float
) -> None:
    na = nps_score(promoters=a[0], passives=a[1], detractors=a[2], confidence=confidence)
    nb = nps_score(promoters=b[0], passives=b[1], detractors=b[2], confidence=confidence)
    d = nps_difference(na, nb)
    ca, la, _ = adjusted_wald(*a, confidence)
    cb, lb, _ = adjusted_wald(*b, confidence)
    centre = ca - cb
    half = math.hypot(ca - la, cb - lb)
    value = na.value - nb.value
    assert d.value == value
    assert d.method == "adjusted_wald"
    assert d.interval.confidence == confidence
    assert d.interval.low == pytest.approx(max(-200, min(centre - half, value)), abs=1e-9)
    assert d.interval.high == pytest.approx(min(200, max(centre + half, value)), abs=1e-9)


def test_nps_difference_clamps_at_plus_and_minus_200() -> None:
    top = nps_score(promoters=20, passives=0, detractors=0, confidence=0.9999)
    bottom = nps_score(promoters=0, passives=0, detractors=20, confidence=0.9999)
    centre, low, _ = adjusted_wald(20, 0, 0, 0.9999)  # 2000/23 points, half-width 48.49
    half = math.sqrt(2) * (centre - low)
    assert 2 * centre + half > 200
    up = nps_difference(top, bottom)
    assert up.value == 200
    assert up.interval.high == 200.0
    assert up.interval.low == pytest.approx(2 * centre - half, abs=1e-9)
    down = nps_difference(bottom, top)
    assert down.interval.low == -200.0
    assert down.interval.high == pytest.approx(-2 * centre + half, abs=1e-9)


# --- intervals, means, quantiles ---------------------------------------------------------


def test_an_interval_contains_its_bounds() -> None:
    interval = Interval(0.25, 0.5, 0.95)
    assert interval.contains(0.25)
    assert interval.contains(0.5)
    assert interval.contains(Fraction(1, 4))
    assert interval.contains(Fraction(1, 2))
    assert not interval.contains(math.nextafter(0.25, 0))
    assert not interval.contains(math.nextafter(0.5, 1))


def test_a_mean_of_one_observation_is_a_point() -> None:
    for m in (Mean.of_counts({7: 1}), Mean.of_sums(n=1, total=7, squares=49)):
        assert m.n == 1
        assert m.value == 7
        assert m.interval == Interval(7.0, 7.0, 0.95)


@pytest.mark.parametrize("confidence", [0.95, 0.9])
@pytest.mark.parametrize(
    "counts", [{1: 1, 3: 1}, {1: 1, 2: 1, 3: 1}, {60: 1, 90: 1, 120: 1, 180: 1, 240: 1, 3600: 1}]
)
def test_a_mean_interval_is_the_normal_approximation(
    counts: dict[int, int], confidence: float
) -> None:
    values = [v for v, c in counts.items() for _ in range(c)]
    n = len(values)
    mean = sum(values) / n
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    half = z_of(confidence) * math.sqrt(variance / n)
    for m in (
        Mean.of_counts(counts, confidence=confidence),
        Mean.of_sums(
            n=n, total=sum(values), squares=sum(v * v for v in values), confidence=confidence
        ),
    ):
        assert m.value == Fraction(sum(values), n)
        assert m.interval.confidence == confidence
        assert m.interval.low == pytest.approx(mean - half, abs=1e-9)
        assert m.interval.high == pytest.approx(mean + half, abs=1e-9)
    if counts == {60: 1, 90: 1, 120: 1, 180: 1, 240: 1, 3600: 1}:
        assert Mean.of_counts(counts).value == 715  # the reference mean


def test_a_mean_of_nothing_says_so() -> None:
    sentence = r"^a mean needs at least one observation \(got 0\)$"
    with pytest.raises(EmptySampleError, match=sentence):
        Mean.of_counts({})
    with pytest.raises(EmptySampleError, match=sentence):
        Mean.of_counts({5: 0})
    with pytest.raises(EmptySampleError, match=sentence):
        Mean.of_sums(n=0, total=0, squares=0)


def test_a_quantile_of_nothing_says_so() -> None:
    with pytest.raises(EmptySampleError) as caught:
        quantile([], 0.5)
    assert str(caught.value) == "a quantile needs at least one observation (got 0)"


@pytest.mark.parametrize(
    ("method", "q", "expected"),
    [
        ("linear", Fraction(1, 2), Fraction(150)),
        ("linear", Fraction(9, 10), Fraction(1920)),
        ("lower", Fraction(9, 10), Fraction(240)),
        ("higher", Fraction(9, 10), Fraction(3600)),
        ("nearest", Fraction(1, 2), Fraction(120)),  # index 2.5 rounds half to even: 2
        ("nearest", Fraction(9, 10), Fraction(240)),  # index 4.5 rounds half to even: 4
        ("midpoint", Fraction(9, 10), Fraction(1920)),
        ("inverted_cdf", Fraction(1, 2), Fraction(120)),
        ("inverted_cdf", Fraction(0), Fraction(60)),
        ("hazen", Fraction(9, 10), Fraction(3264)),
        ("weibull", Fraction(1, 2), Fraction(150)),
        ("median_unbiased", Fraction(1, 4), Fraction(175, 2)),
        ("normal_unbiased", Fraction(1, 4), Fraction(705, 8)),
        ("linear", Fraction(0), Fraction(60)),
        ("linear", Fraction(1), Fraction(3600)),
    ],
)
def test_quantile_methods_on_the_reference_first_reply_times(
    method: str, q: Fraction, expected: Fraction
) -> None:
    assert quantile([60, 120, 180, 240, 3600, 90], q, method=method) == expected


GRID = [
    Fraction(0),
    Fraction(1, 10),
    Fraction(1, 4),
    Fraction(1, 3),
    Fraction(1, 2),
    Fraction(9, 10),
    Fraction(1),
]


@pytest.mark.parametrize("method", list(QuantileMethod))
def test_integer_quantiles_equal_the_fraction_definition_on_a_grid(method: QuantileMethod) -> None:
    values = [Fraction(v) for v in (60, 90, 120, 180, 240, 3600)]
    pairs = [(v.numerator, v.denominator) for v in values]
    for n in range(1, 7):
        for q in GRID:
            exact = quantile_of(n, q, method, values.__getitem__)
            numerator, denominator = quantile_ratio(n, q, method, pairs.__getitem__)
            assert denominator > 0
            assert Fraction(numerator, denominator) == exact, (n, q)


def test_integer_quantiles_read_the_inverted_cdf_at_the_edges() -> None:
    ordered = [10, 20, 30, 40]

    def kth(k: int) -> tuple[int, int]:
        return ordered[k], 1

    method = QuantileMethod.INVERTED_CDF
    assert quantile_ratio(4, Fraction(0), method, kth) == (10, 1)
    assert quantile_ratio(4, Fraction(1, 4), method, kth) == (10, 1)
    assert quantile_ratio(4, Fraction(26, 100), method, kth) == (20, 1)
    assert quantile_ratio(4, Fraction(1), method, kth) == (40, 1)
    assert quantile_ratio(1, Fraction(1, 2), method, kth) == (10, 1)


def test_an_integer_quantile_of_nothing_says_so() -> None:
    with pytest.raises(EmptySampleError) as caught:
        quantile_ratio(0, Fraction(1, 2), QuantileMethod.LINEAR, lambda k: (k, 1))
    assert str(caught.value) == "a quantile needs at least one observation (got 0)"


def test_rate_figures_of_no_trials_say_so() -> None:
    with pytest.raises(EmptySampleError) as caught:
        rate_figures(0, 0)
    assert str(caught.value) == "a rate needs at least one trial (got n = 0)"
    figures = rate_figures(2, 4)
    assert figures[:5] == (RATE_FIGURES, 2, 4, 1, 2)
    assert rate_from_figures(figures) == wilson_interval(2, 4)


@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_a_rate_keeps_its_counts_unreduced(confidence: float) -> None:
    r = wilson_interval(3, 12, confidence=confidence)
    assert (r.numerator, r.denominator, r.n) == (3, 12, 12)
    assert r.value == Fraction(1, 4)
    assert r.percent() == 25.0


def test_a_difference_is_significant_exactly_when_its_interval_excludes_zero() -> None:
    all_or_nothing = rate_difference(wilson_interval(10, 10), wilson_interval(0, 10))
    assert all_or_nothing.interval.contains(1)
    assert all_or_nothing.significant()
    even = rate_difference(wilson_interval(5, 10), wilson_interval(5, 10))
    assert even.interval.contains(0)
    assert not even.significant()
    a = nps_score(promoters=20, passives=0, detractors=0)
    b = nps_score(promoters=0, passives=0, detractors=20)
    assert nps_difference(a, b).significant()
    assert not nps_difference(a, a).significant()


@pytest.mark.parametrize(
    ("q", "rule"),
    [
        (None, "a number between 0 and 1"),
        (True, "a number between 0 and 1"),
        ([0.5], "a number between 0 and 1"),
        ("half", "a number between 0 and 1"),
        ("1/0", "a number between 0 and 1"),
        (1.5, "between 0 and 1"),
        (-0.1, "between 0 and 1"),
        ("11/10", "between 0 and 1"),
    ],
)
def test_a_bad_quantile_level_is_refused_by_name(q: object, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        quantile([1, 2, 3], q)  # type: ignore[arg-type]
    assert str(caught.value) == f"'q' must be {rule} (got {q!r})"
    assert caught.value.field == "q"
    assert caught.value.value is q


def test_quantile_levels_are_read_exactly() -> None:
    assert to_fraction(0.9) == Fraction(9, 10)
    assert to_fraction("9/10") == Fraction(9, 10)
    assert to_fraction(1) == 1
    assert to_fraction(Fraction(0)) == 0
    with pytest.raises(ValidationError) as caught:
        to_fraction("x", field="level")
    assert (str(caught.value), caught.value.field) == (
        "'level' must be a number between 0 and 1 (got 'x')",
        "level",
    )
