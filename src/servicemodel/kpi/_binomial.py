"""The exact (Clopper-Pearson) interval of a rate, beside Wilson's.

The interval inverts the binomial test: its bounds are the success
probabilities p under which seeing at least k (for the lower bound) or at most
k (for the upper) successes in n trials has probability (1 - confidence) / 2.
Through the binomial-beta identity they are quantiles of beta distributions:

    low  = the (1 - c) / 2 quantile of Beta(k, n - k + 1)   (0 when k = 0)
    high = the (1 + c) / 2 quantile of Beta(k + 1, n - k)   (1 when k = n)

It never covers less than its confidence, so it is wider than Wilson's,
which covers the confidence on average. Choose it where a guarantee matters
more than a tight interval (small samples, contractual rates).

>>> r = clopper_pearson_interval(3, 10)
>>> round(r.interval.low, 4), round(r.interval.high, 4)
(0.0667, 0.6525)
"""

from __future__ import annotations

from fractions import Fraction

from .._validators import integer
from ..exceptions import EmptySampleError, ValidationError
from ._special import beta_quantile
from ._stats import Interval, Rate, check_confidence

__all__ = ["clopper_pearson_interval"]


def _check_count(value: object, field: str) -> int:
    return integer(value, field=field, low=0)


def clopper_pearson_interval(k: int, n: int, *, confidence: float = 0.95) -> Rate:
    """Return the rate *k*/*n* with its exact Clopper-Pearson interval.

    The figure is exact; the bounds are floats in [0, 1] that contain it,
    exactly 0 when k = 0 and exactly 1 when k = n. Same arguments and errors as
    :func:`wilson_interval`, so either can be chosen for a rate.

    Raises:
        EmptySampleError: n is 0.
        ValidationError: k or n is not a count, k > n, or *confidence* is not
            strictly between 0 and 1.

    >>> r = clopper_pearson_interval(0, 20)
    >>> r.value, r.interval.low, round(r.interval.high, 4)
    (Fraction(0, 1), 0.0, 0.1684)
    """
    k = _check_count(k, "k")
    n = _check_count(n, "n")
    check_confidence(confidence)
    if n == 0:
        raise EmptySampleError("a rate needs at least one trial (got n = 0)")
    if k > n:
        raise ValidationError(f"'k' must be at most n = {n} (got {k})", field="k", value=k)
    tail = (1 - float(confidence)) / 2
    low = 0.0 if k == 0 else min(beta_quantile(tail, k, n - k + 1), k / n)
    high = 1.0 if k == n else max(beta_quantile(1 - tail, k + 1, n - k), k / n)
    return Rate(
        numerator=k,
        denominator=n,
        value=Fraction(k, n),
        interval=Interval(low, high, float(confidence)),
    )
