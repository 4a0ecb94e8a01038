"""Exact rates and their intervals: Wilson, Newcombe, adjusted-Wald NPS, quantile methods.

Inputs are integers or fractions and figures are exact ``Fraction`` values;
only interval bounds are floats (they come from a normal quantile).

>>> r = wilson_interval(81, 263)
>>> round(r.interval.low, 4), round(r.interval.high, 4)
(0.2553, 0.3662)
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from fractions import Fraction
from statistics import NormalDist
from typing import Any, final

import attrs

from .._validators import enum_member, integer
from ..exceptions import EmptySampleError, ValidationError

__all__ = [
    "Count",
    "Difference",
    "Interval",
    "Mean",
    "Net",
    "QuantileMethod",
    "Rate",
    "Ratio",
    "nps_difference",
    "nps_score",
    "quantile",
    "rate_difference",
    "wilson_interval",
]

_DEFAULT_CONFIDENCE = 0.95


def check_confidence(confidence: object) -> None:
    """Refuse a confidence level that is not a number strictly between 0 and 1.

    >>> check_confidence(1)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'confidence' must be a number strictly between 0 and 1 (got 1)
    """
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, float | int | Fraction)
        or not 0 < confidence < 1
    ):
        raise ValidationError(
            f"'confidence' must be a number strictly between 0 and 1 (got {confidence!r})",
            field="confidence",
            value=confidence,
        )


def _z(confidence: float) -> float:
    if type(confidence) is float and confidence == _DEFAULT_CONFIDENCE:
        return _DEFAULT_Z  # the common case: a report reads thousands of rates
    check_confidence(confidence)
    level = float(confidence)
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


_DEFAULT_Z = NormalDist().inv_cdf(1 - (1 - _DEFAULT_CONFIDENCE) / 2)


def _count(value: object, field: str) -> int:
    return integer(value, field=field, low=0)


@final
@attrs.frozen
class Interval:
    """A confidence interval: float bounds around an exact figure.

    >>> Interval(0.25, 0.37, 0.95).contains(0.3)
    True
    """

    low: float
    high: float
    confidence: float

    def contains(self, value: float | Fraction) -> bool:
        """True when *value* lies within the bounds (inclusive).

        >>> Interval(-5.0, 5.0, 0.95).contains(0)
        True
        """
        return self.low <= value <= self.high


RATE_FIGURES = "rate"
NET_FIGURES = "net"


def rate_figures(
    k: int, n: int, z: float = _DEFAULT_Z, confidence: float = _DEFAULT_CONFIDENCE
) -> tuple[Any, ...]:
    """The figures of :func:`wilson_interval` for trusted counts 0 <= k <= n, as plain numbers.

    ``(RATE_FIGURES, k, n, value numerator, value denominator, low, high,
    confidence)``; :func:`rate_from_figures` builds the :class:`Rate`. A report
    keeps thousands of these instead of objects until its rows are read.

    Raises:
        EmptySampleError: n is 0.
    """
    if n == 0:
        raise EmptySampleError("a rate needs at least one trial (got n = 0)")
    p = k / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if k == 0 else max(0.0, min(centre - half, p))
    high = 1.0 if k == n else min(1.0, max(centre + half, p))
    common = math.gcd(k, n)
    return (RATE_FIGURES, k, n, k // common, n // common, low, high, confidence)


def rate_to_figures(rate: Rate) -> tuple[Any, ...]:
    """The figures of a :class:`Rate`, in the layout :func:`rate_figures` gives."""
    interval, value = rate.interval, rate.value
    return (
        RATE_FIGURES,
        rate.numerator,
        rate.denominator,
        value.numerator,
        value.denominator,
        interval.low,
        interval.high,
        interval.confidence,
    )


def rate_from_figures(figures: tuple[Any, ...]) -> Rate:
    """The :class:`Rate` whose figures :func:`rate_figures` gave."""
    _, k, n, vn, vd, low, high, confidence = figures
    return Rate(
        numerator=k, denominator=n, value=Fraction(vn, vd), interval=Interval(low, high, confidence)
    )


def wilson_interval(k: int, n: int, *, confidence: float = _DEFAULT_CONFIDENCE) -> Rate:
    """Return the rate *k*/*n* with its Wilson score interval.

    The figure is exact; the bounds are floats that always lie in [0, 1] and
    contain the figure (exactly 0 when k = 0 and exactly 1 when k = n).

    Args:
        k: successes, an integer in [0, n].
        n: trials, a positive integer.
        confidence: the interval's coverage, strictly between 0 and 1.

    Raises:
        EmptySampleError: n is 0.
        ValidationError: k or n is not a count, or k > n.

    >>> r = wilson_interval(0, 20)
    >>> r.value, r.interval.low, round(r.interval.high, 4)
    (Fraction(0, 1), 0.0, 0.1611)
    """
    k = _count(k, "k")
    n = _count(n, "n")
    z = _z(confidence)
    if n == 0:
        raise EmptySampleError("a rate needs at least one trial (got n = 0)")
    if k > n:
        raise ValidationError(f"'k' must be at most n = {n} (got {k})", field="k", value=k)
    return rate_from_figures(rate_figures(k, n, z, float(confidence)))


@final
@attrs.frozen(kw_only=True)
class Rate:
    """A share of a sample: exact ``value`` = numerator / denominator, with an interval.

    ``numerator`` and ``denominator`` are the counts the rate came from (for
    the averaged service-level formula they are the combined counts of both
    formulas). ``n`` is the sample size the interval rests on.

    >>> r = wilson_interval(3, 4)
    >>> r.value, float(r), r.percent()
    (Fraction(3, 4), 0.75, 75.0)
    """

    numerator: int
    denominator: int
    value: Fraction
    interval: Interval

    @property
    def n(self) -> int:
        """The sample size.

        >>> wilson_interval(1, 8).n
        8
        """
        return self.denominator

    def percent(self, digits: int = 2) -> float:
        """The rate in percent, rounded for display.

        >>> wilson_interval(1, 3).percent()
        33.33
        """
        return round(float(self.value) * 100, digits)

    def __float__(self) -> float:
        return float(self.value)


@final
@attrs.frozen(kw_only=True)
class Net:
    """A net score in points (NPS style): 100 x (positive share - negative share).

    ``value`` is exact in [-100, 100]; ``variance`` is the per-response
    variance p + d - (p - d)^2 on the share scale; ``interval`` is the
    adjusted-Wald interval (3 added to n, 3/4 to each side) clamped to
    [-100, 100].

    >>> r = nps_score(promoters=3, passives=2, detractors=1)
    >>> r.value, r.variance
    (Fraction(100, 3), Fraction(5, 9))
    """

    positive: int
    neutral: int
    negative: int
    value: Fraction
    variance: Fraction
    interval: Interval

    @property
    def n(self) -> int:
        """The number of responses.

        >>> nps_score(promoters=1, passives=0, detractors=1).n
        2
        """
        return self.positive + self.neutral + self.negative

    def __float__(self) -> float:
        return float(self.value)


def nps_score(
    *, promoters: int, passives: int, detractors: int, confidence: float = _DEFAULT_CONFIDENCE
) -> Net:
    """Return the NPS of the given counts with its adjusted-Wald interval.

    Raises:
        EmptySampleError: there are no responses.

    >>> r = nps_score(promoters=60, passives=20, detractors=20)
    >>> r.value, [round(b, 2) for b in (r.interval.low, r.interval.high)]
    (Fraction(40, 1), [23.38, 54.29])
    """
    p = _count(promoters, "promoters")
    m = _count(passives, "passives")
    d = _count(detractors, "detractors")
    z = _z(confidence)
    return net_from_figures(nps_figures(p, m, d, z, float(confidence)))


def nps_figures(
    p: int, m: int, d: int, z: float = _DEFAULT_Z, confidence: float = _DEFAULT_CONFIDENCE
) -> tuple[Any, ...]:
    """The figures of :func:`nps_score` for trusted counts, as plain numbers.

    ``(NET_FIGURES, p, m, d, value numerator, value denominator, variance
    numerator, variance denominator, low, high, confidence)``, fractions not
    yet reduced; :func:`net_from_figures` builds the :class:`Net`.

    Raises:
        EmptySampleError: there are no responses.
    """
    n = p + m + d
    if n == 0:
        raise EmptySampleError("NPS needs at least one response (got 0)")
    # Integer arithmetic, one ratio per figure: (p + d) / n - ((p - d) / n)^2.
    centre, se = _adjusted_wald(p, d, n)
    low = max(-100.0, 100 * (centre - z * se))
    high = min(100.0, 100 * (centre + z * se))
    value = 100 * (p - d) / n  # int / int: correctly rounded, as float(Fraction) is
    return (
        NET_FIGURES,
        p,
        m,
        d,
        100 * (p - d),
        n,
        (p + d) * n - (p - d) ** 2,
        n * n,
        min(low, value),
        max(high, value),
        confidence,
    )


def net_to_figures(net: Net) -> tuple[Any, ...]:
    """The figures of a :class:`Net`, in the layout :func:`nps_figures` gives."""
    interval, value, variance = net.interval, net.value, net.variance
    return (
        NET_FIGURES,
        net.positive,
        net.neutral,
        net.negative,
        value.numerator,
        value.denominator,
        variance.numerator,
        variance.denominator,
        interval.low,
        interval.high,
        interval.confidence,
    )


def net_from_figures(figures: tuple[Any, ...]) -> Net:
    """The :class:`Net` whose figures :func:`nps_figures` gave."""
    _, p, m, d, vn, vd, wn, wd, low, high, confidence = figures
    return Net(
        positive=p,
        neutral=m,
        negative=d,
        value=Fraction(vn, vd),
        variance=Fraction(wn, wd),
        interval=Interval(low, high, confidence),
    )


def _adjusted_wald(p: int, d: int, n: int) -> tuple[float, float]:
    """Centre (share scale) and standard error of the adjusted-Wald NPS."""
    n_adj = n + 3
    # shares sp = (4p + 3) / 4N and sd = (4d + 3) / 4N; centre = sp - sd = (p - d) / N;
    # variance / N = (sp + sd - centre^2) / N, as one integer ratio (int / int rounds once).
    centre = (p - d) / n_adj
    variance = ((4 * (p + d) + 6) * n_adj - 4 * (p - d) ** 2) / (4 * n_adj**3)
    return centre, math.sqrt(variance)


@final
@attrs.frozen(kw_only=True)
class Mean:
    """An exact mean of integer observations, with a normal-approximation interval.

    >>> m = Mean.of_counts({1: 1, 2: 1, 3: 1})
    >>> m.value, m.n
    (Fraction(2, 1), 3)
    """

    n: int
    value: Fraction
    interval: Interval

    @classmethod
    def of_counts(cls, counts: dict[int, int], *, confidence: float = _DEFAULT_CONFIDENCE) -> Mean:
        """Build the mean of a histogram {value: count}.

        Raises:
            EmptySampleError: the histogram is empty.

        >>> Mean.of_counts({5: 2}).interval
        Interval(low=5.0, high=5.0, confidence=0.95)
        """
        n = sum(counts.values())
        if n == 0:
            raise EmptySampleError("a mean needs at least one observation (got 0)")
        total = sum(v * c for v, c in counts.items())
        squares = sum(v * v * c for v, c in counts.items())
        return cls.of_sums(n=n, total=total, squares=squares, confidence=confidence)

    @classmethod
    def of_sums(
        cls, *, n: int, total: int, squares: int, confidence: float = _DEFAULT_CONFIDENCE
    ) -> Mean:
        """Build the mean from n, the sum and the sum of squares (all integers).

        >>> Mean.of_sums(n=2, total=3, squares=5).value
        Fraction(3, 2)
        """
        if n == 0:
            raise EmptySampleError("a mean needs at least one observation (got 0)")
        z = _z(confidence)
        mean = Fraction(total, n)
        if n > 1:
            sample_variance = (Fraction(squares) - n * mean * mean) / (n - 1)
            half = z * math.sqrt(sample_variance / n)
        else:
            half = 0.0
        return cls(
            n=n,
            value=mean,
            interval=Interval(
                min(float(mean) - half, float(mean)),
                max(float(mean) + half, float(mean)),
                float(confidence),
            ),
        )

    def __float__(self) -> float:
        return float(self.value)


@final
@attrs.frozen(kw_only=True)
class Ratio:
    """An exact ratio of two counts that is not a share (it may exceed 1).

    >>> Ratio(numerator=30, denominator=10).value
    Fraction(3, 1)
    """

    numerator: int
    denominator: int

    @property
    def value(self) -> Fraction:
        """numerator / denominator, exactly.

        >>> Ratio(numerator=1, denominator=4).value
        Fraction(1, 4)
        """
        return Fraction(self.numerator, self.denominator)

    @property
    def n(self) -> int:
        """The denominator (the base the ratio is per).

        >>> Ratio(numerator=1, denominator=4).n
        4
        """
        return self.denominator

    def __float__(self) -> float:
        return float(self.value)


@final
@attrs.frozen(kw_only=True)
class Count:
    """A count out of the ``n`` items looked at (a backlog: open interactions at an instant).

    >>> Count(value=3, n=10).value
    3
    """

    value: int
    n: int

    def __float__(self) -> float:
        return float(self.value)


@final
@attrs.frozen(kw_only=True)
class Difference:
    """A difference between two figures (a minus b) with its interval.

    ``method`` names how the interval was built ("newcombe" for rates,
    "adjusted_wald" for NPS). A difference is significant at the interval's
    confidence when the interval excludes 0.

    >>> d = rate_difference(wilson_interval(56, 70), wilson_interval(48, 80))
    >>> d.value, d.significant()
    (Fraction(1, 5), True)
    """

    value: Fraction
    interval: Interval
    method: str

    def significant(self) -> bool:
        """True when the interval excludes zero.

        >>> rate_difference(wilson_interval(5, 10), wilson_interval(5, 10)).significant()
        False
        """
        return not self.interval.contains(0)

    def __float__(self) -> float:
        return float(self.value)


def rate_difference(a: Rate, b: Rate) -> Difference:
    """Return a - b with Newcombe's hybrid score interval (his method 10).

    The interval combines each rate's own interval, so it inherits their
    confidence (both must share it).

    Raises:
        ValidationError: the two rates carry different confidence levels.

    >>> d = rate_difference(wilson_interval(56, 70), wilson_interval(48, 80))
    >>> round(d.interval.low, 4), round(d.interval.high, 4)
    (0.0524, 0.3339)
    """
    if a.interval.confidence != b.interval.confidence:
        raise ValidationError(
            "'b' must have the same confidence as 'a' "
            f"(got {b.interval.confidence} and {a.interval.confidence})",
            field="b",
            value=b.interval.confidence,
        )
    p1, p2 = float(a.value), float(b.value)
    l1, u1, l2, u2 = a.interval.low, a.interval.high, b.interval.low, b.interval.high
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Difference(
        value=a.value - b.value,
        interval=Interval(max(-1.0, min(low, d)), min(1.0, max(high, d)), a.interval.confidence),
        method="newcombe",
    )


def nps_difference(a: Net, b: Net) -> Difference:
    """Return NPS a - NPS b in points with an adjusted-Wald interval clamped to [-200, 200].

    Raises:
        ValidationError: the two scores carry different confidence levels.

    >>> a = nps_score(promoters=50, passives=30, detractors=20)
    >>> b = nps_score(promoters=40, passives=30, detractors=30)
    >>> d = nps_difference(a, b)
    >>> d.value, d.significant()
    (Fraction(20, 1), False)
    """
    if a.interval.confidence != b.interval.confidence:
        raise ValidationError(
            "'b' must have the same confidence as 'a' "
            f"(got {b.interval.confidence} and {a.interval.confidence})",
            field="b",
            value=b.interval.confidence,
        )
    z = _z(a.interval.confidence)
    ca, sa = _adjusted_wald(a.positive, a.negative, a.n)
    cb, sb = _adjusted_wald(b.positive, b.negative, b.n)
    centre = 100 * (ca - cb)
    half = 100 * z * math.sqrt(sa * sa + sb * sb)
    value = a.value - b.value
    return Difference(
        value=value,
        interval=Interval(
            max(-200.0, min(centre - half, float(value))),
            min(200.0, max(centre + half, float(value))),
            a.interval.confidence,
        ),
        method="adjusted_wald",
    )


class QuantileMethod(enum.Enum):
    """How a quantile is read off a sample (the names and definitions numpy uses).

    With sorted x[0..n-1] and the quantile q:

    - ``linear`` (default, Hyndman-Fan 7): interpolate at index (n - 1) q.
    - ``lower`` / ``higher``: x at floor / ceil of (n - 1) q.
    - ``nearest``: x at (n - 1) q rounded half to even.
    - ``midpoint``: the mean of lower and higher.
    - ``inverted_cdf`` (HF 1): the smallest x whose empirical CDF reaches q.
    - ``hazen`` (HF 5), ``weibull`` (HF 6), ``median_unbiased`` (HF 8),
      ``normal_unbiased`` (HF 9): interpolating plotting positions.

    >>> QuantileMethod("lower")
    <QuantileMethod.LOWER: 'lower'>
    """

    LINEAR = "linear"
    LOWER = "lower"
    HIGHER = "higher"
    NEAREST = "nearest"
    MIDPOINT = "midpoint"
    INVERTED_CDF = "inverted_cdf"
    HAZEN = "hazen"
    WEIBULL = "weibull"
    MEDIAN_UNBIASED = "median_unbiased"
    NORMAL_UNBIASED = "normal_unbiased"


# alpha = beta for the interpolating plotting positions.
_PLOTTING = {
    QuantileMethod.LINEAR: Fraction(1),
    QuantileMethod.HAZEN: Fraction(1, 2),
    QuantileMethod.WEIBULL: Fraction(0),
    QuantileMethod.MEDIAN_UNBIASED: Fraction(1, 3),
    QuantileMethod.NORMAL_UNBIASED: Fraction(3, 8),
}


def to_fraction(q: object, *, field: str = "q") -> Fraction:
    """Return a quantile level in [0, 1] as an exact fraction (0.9 means 9/10).

    >>> to_fraction(0.9)
    Fraction(9, 10)
    """
    if isinstance(q, bool) or not isinstance(q, int | float | Fraction | str):
        raise ValidationError(
            f"'{field}' must be a number between 0 and 1 (got {q!r})", field=field, value=q
        )
    try:
        value = Fraction(repr(q)) if isinstance(q, float) else Fraction(q)
    except (ValueError, ZeroDivisionError):
        raise ValidationError(
            f"'{field}' must be a number between 0 and 1 (got {q!r})", field=field, value=q
        ) from None
    if not 0 <= value <= 1:
        raise ValidationError(
            f"'{field}' must be between 0 and 1 (got {q!r})", field=field, value=q
        )
    return value


def quantile_of(
    n: int, q: Fraction, method: QuantileMethod, kth: Callable[[int], Fraction]
) -> Fraction:
    """The q-quantile of a sorted sample of size *n* read through *kth* (0-based order statistic)."""
    if n == 0:
        raise EmptySampleError("a quantile needs at least one observation (got 0)")
    last = n - 1
    if method in _PLOTTING:
        a = _PLOTTING[method]
        h = n * q + a + q * (1 - 2 * a) - 1
        h = min(max(h, Fraction(0)), Fraction(last))
        i = math.floor(h)
        frac = h - i
        low = kth(i)
        return low if frac == 0 else low + frac * (kth(i + 1) - low)
    if method is QuantileMethod.INVERTED_CDF:
        return kth(max(0, math.ceil(n * q) - 1))
    h = last * q
    if method is QuantileMethod.LOWER:
        return kth(math.floor(h))
    if method is QuantileMethod.HIGHER:
        return kth(math.ceil(h))
    if method is QuantileMethod.NEAREST:
        return kth(round(h))  # Fraction rounds half to even, like numpy
    return (kth(math.floor(h)) + kth(math.ceil(h))) / 2  # MIDPOINT


def quantile_ratio(
    n: int, q: Fraction, method: QuantileMethod, kth: Callable[[int], tuple[int, int]]
) -> tuple[int, int]:
    """:func:`quantile_of` in integer arithmetic: *kth* and the result are (numerator, denominator).

    The same value as :func:`quantile_of` (denominators positive, not
    necessarily reduced), without a ``Fraction`` per step; a report reads
    thousands of quantiles.
    """
    if n == 0:
        raise EmptySampleError("a quantile needs at least one observation (got 0)")
    last = n - 1
    qn, qd = q.numerator, q.denominator
    if method in _PLOTTING:
        a = _PLOTTING[method]
        an, ad = a.numerator, a.denominator
        hd = qd * ad
        hn = n * qn * ad + an * qd + qn * (ad - 2 * an) - hd
        hn = min(max(hn, 0), last * hd)
        i, fn = divmod(hn, hd)
        ln, ld = kth(i)
        if fn == 0:
            return ln, ld
        un, ud = kth(i + 1)
        return ln * ud * hd + fn * (un * ld - ln * ud), ld * ud * hd
    if method is QuantileMethod.INVERTED_CDF:
        return kth(max(0, -(-n * qn // qd) - 1))
    if method is QuantileMethod.LOWER:
        return kth(last * qn // qd)
    if method is QuantileMethod.HIGHER:
        return kth(-(-last * qn // qd))
    if method is QuantileMethod.NEAREST:
        return kth(round_half_even(last * qn, qd))
    an, ad = kth(last * qn // qd)  # MIDPOINT
    bn, bd = kth(-(-last * qn // qd))
    return an * bd + bn * ad, 2 * ad * bd


def round_half_even(numerator: int, denominator: int) -> int:
    """round(Fraction(numerator, denominator)) for a positive denominator, in integers."""
    floor, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice < denominator or (twice == denominator and floor % 2 == 0):
        return floor
    return floor + 1


def quantile(
    values: list[int] | tuple[int, ...] | list[Fraction],
    q: float | Fraction | str,
    *,
    method: QuantileMethod | str = QuantileMethod.LINEAR,
) -> Fraction:
    """Return the exact *q*-quantile of *values* under a named method.

    Raises:
        EmptySampleError: *values* is empty.
        ValidationError: *q* is not in [0, 1] or the method is unknown.

    >>> frt = [60, 120, 180, 240, 3600, 90]
    >>> quantile(frt, 0.5), quantile(frt, 0.9), quantile(frt, 0.9, method="lower")
    (Fraction(150, 1), Fraction(1920, 1), Fraction(240, 1))
    """
    level = to_fraction(q)
    chosen = _method(method)
    ordered = sorted(Fraction(v) for v in values)
    return quantile_of(len(ordered), level, chosen, ordered.__getitem__)


def _method(value: object) -> QuantileMethod:
    return enum_member(QuantileMethod, value, field="method")
