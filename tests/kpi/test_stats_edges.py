"""Edge cases of the KPI statistics found unchecked by mutation testing.

Exact error sentences (field and value), the confidence bounds, the
normal quantiles, the clamps of the NPS intervals, means of one, two and three
observations, and intervals at confidence levels other than the default,
each against a figure computed here from the textbook formula.
"""

from __future__ import annotations

import math
from fractions import Fraction
from statistics import NormalDist

import pytest

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.kpi import (
    Count,
    Interval,
    Mean,
    QuantileMethod,
    Ratio,
    _stats,
    nps_difference,
    nps_score,
    quantile,
    rate_difference,
    wilson_interval,
)


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


def test_the_normal_quantile_of_a_confidence_level_is_the_textbook_value() -> None:
    assert _stats._z(0.9) == pytest.approx(1.6448536269514722, abs=1e-12)
    assert _stats._z(Fraction(9, 10)) == _stats._z(0.9)  # type: ignore[arg-type]  # same level
    assert _stats._z(0.8) == pytest.approx(1.2815515655446004, abs=1e-12)
    assert _stats._z(0.99) == pytest.approx(2.5758293035489004, abs=1e-12)


# --- counts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "field", "value"),
    [(-1, 5, "k", -1), (True, 5, "k", True), (1, -2, "n", -2), (1, 2.0, "n", 2.0)],
)
def test_a_bad_count_is_refused_by_name(k: object, n: object, field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        wilson_interval(k, n)  # type: ignore[arg-type]
    assert str(caught.value) == f"'{field}' must be a non-negative integer (got {value!r})"
    assert caught.value.field == field
    assert caught.value.value is value


@pytest.mark.parametrize("confidence", [0.95, 0.9])
@pytest.mark.parametrize("field", ["promoters", "passives", "detractors"])
@pytest.mark.parametrize("bad", [-1, 2.0, True])
def test_a_bad_nps_count_is_refused_by_name(field: str, bad: object, confidence: float) -> None:
    counts: dict[str, object] = {"promoters": 4, "passives": 3, "detractors": 2, field: bad}
    with pytest.raises(ValidationError) as caught:
        nps_score(**counts, confidence=confidence)  # type: ignore[arg-type]
    assert str(caught.value) == f"'{field}' must be a non-negative integer (got {bad!r})"
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
            exact = _stats.quantile_of(n, q, method, values.__getitem__)
            numerator, denominator = _stats.quantile_ratio(n, q, method, pairs.__getitem__)
            assert denominator > 0
            assert Fraction(numerator, denominator) == exact, (n, q)


def test_integer_quantiles_read_the_inverted_cdf_at_the_edges() -> None:
    ordered = [10, 20, 30, 40]

    def kth(k: int) -> tuple[int, int]:
        return ordered[k], 1

    method = QuantileMethod.INVERTED_CDF
    assert _stats.quantile_ratio(4, Fraction(0), method, kth) == (10, 1)
    assert _stats.quantile_ratio(4, Fraction(1, 4), method, kth) == (10, 1)
    assert _stats.quantile_ratio(4, Fraction(26, 100), method, kth) == (20, 1)
    assert _stats.quantile_ratio(4, Fraction(1), method, kth) == (40, 1)
    assert _stats.quantile_ratio(1, Fraction(1, 2), method, kth) == (10, 1)


def test_an_integer_quantile_of_nothing_says_so() -> None:
    with pytest.raises(EmptySampleError) as caught:
        _stats.quantile_ratio(0, Fraction(1, 2), QuantileMethod.LINEAR, lambda k: (k, 1))
    assert str(caught.value) == "a quantile needs at least one observation (got 0)"


def test_rate_figures_of_no_trials_say_so() -> None:
    with pytest.raises(EmptySampleError) as caught:
        _stats.rate_figures(0, 0)
    assert str(caught.value) == "a rate needs at least one trial (got n = 0)"
    figures = _stats.rate_figures(2, 4)
    assert figures[:5] == (_stats.RATE_FIGURES, 2, 4, 1, 2)
    assert _stats.rate_from_figures(figures) == wilson_interval(2, 4)


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
    assert _stats.to_fraction(0.9) == Fraction(9, 10)
    assert _stats.to_fraction("9/10") == Fraction(9, 10)
    assert _stats.to_fraction(1) == 1
    assert _stats.to_fraction(Fraction(0)) == 0
    with pytest.raises(ValidationError) as caught:
        _stats.to_fraction("x", field="level")
    assert (str(caught.value), caught.value.field) == (
        "'level' must be a number between 0 and 1 (got 'x')",
        "level",
    )
