"""A summary of durations (:class:`DurationStats`) and its figures in plain numbers.

>>> from servicemodel.kpi import FirstReplyTime
>>> isinstance(FirstReplyTime.empty(), FirstReplyTime)
True
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, final

import attrs
import pendulum

from .._time import duration_from_micros
from ..exceptions import ValidationError
from ._stats import QuantileMethod, to_fraction

__all__ = ["DurationStats"]


def round_micros(value: Fraction) -> pendulum.Duration:
    return duration_from_micros(round(value))


@final
@attrs.frozen(kw_only=True)
class DurationStats:
    """A summary of durations: count, mean, median, chosen percentiles, min and max.

    ``estimate`` is ``"exact"`` while the sample is small enough to keep every
    value (at most ``exact_limit``) and ``"sketch"`` beyond, where quantiles
    come from a relative-error sketch within ``alpha`` of the exact ones. The
    mean, minimum and maximum are always exact. Each figure is held as whole
    microseconds inside (quantiles and the mean rounded half to even) and
    read as a ``pendulum.Duration`` through ``mean``, ``median``,
    ``total``, ``minimum``, ``maximum``, ``percentiles`` and
    :meth:`percentile`; ``method`` names the quantile method.

    >>> from servicemodel.kpi import FirstReplyTime
    >>> stats = FirstReplyTime.summarise([60, 120, 180, 240, 3600, 90])
    >>> stats.mean.in_seconds(), stats.median.in_seconds(), stats.percentile(0.9).in_seconds()
    (715, 150, 1920)
    >>> stats.median
    Duration(minutes=2, seconds=30)
    """

    count: int
    _total_micros: int = attrs.field(alias="_total_micros")
    _mean_micros: int = attrs.field(alias="_mean_micros")
    _median_micros: int = attrs.field(alias="_median_micros")
    _minimum_micros: int = attrs.field(alias="_minimum_micros")
    _maximum_micros: int = attrs.field(alias="_maximum_micros")
    _percentile_micros: tuple[tuple[Fraction, int], ...] = attrs.field(alias="_percentile_micros")
    method: QuantileMethod
    estimate: str
    alpha: float

    @property
    def n(self) -> int:
        """The sample size (same as ``count``).

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([1]).n
        1
        """
        return self.count

    @property
    def total(self) -> pendulum.Duration:
        """The sum of all durations.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([60, 90]).total.in_seconds()
        150
        """
        return duration_from_micros(self._total_micros)

    @property
    def mean(self) -> pendulum.Duration:
        """The mean duration, rounded half to even to the microsecond.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([60, 90]).mean.in_seconds()
        75
        """
        return duration_from_micros(self._mean_micros)

    @property
    def median(self) -> pendulum.Duration:
        """The median under ``method``, rounded half to even to the microsecond.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([60, 90, 600]).median.in_seconds()
        90
        """
        return duration_from_micros(self._median_micros)

    @property
    def minimum(self) -> pendulum.Duration:
        """The shortest duration.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([60, 90]).minimum.in_seconds()
        60
        """
        return duration_from_micros(self._minimum_micros)

    @property
    def maximum(self) -> pendulum.Duration:
        """The longest duration.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([60, 90]).maximum.in_seconds()
        90
        """
        return duration_from_micros(self._maximum_micros)

    @property
    def percentiles(self) -> tuple[tuple[Fraction, pendulum.Duration], ...]:
        """The percentiles asked for, as (level, duration) pairs in increasing level.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> [(str(q), d.in_seconds()) for q, d in FirstReplyTime.summarise([60, 90]).percentiles]
        [('1/2', 75), ('9/10', 87), ('19/20', 88)]
        """
        return tuple((q, duration_from_micros(micros)) for q, micros in self._percentile_micros)

    def percentile(self, q: float | Fraction | str) -> pendulum.Duration:
        """The duration at quantile *q* (one of the ``percentiles`` asked for).

        Raises:
            ValidationError: *q* was not among the percentiles computed.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([60, 120]).percentile(0.5).in_seconds()
        90
        """
        level = to_fraction(q)
        for known, micros in self._percentile_micros:
            if known == level:
                return duration_from_micros(micros)
        raise ValidationError(
            f"'q' must be one of the computed percentiles {[str(k) for k, _ in self._percentile_micros]} "
            f"(got {q!r}); pass percentiles=... to the KPI",
            field="q",
            value=q,
        )


DURATION_FIGURES = "durations"


def duration_stats_from_figures(figures: tuple[Any, ...]) -> DurationStats:
    """The :class:`DurationStats` of ``DurationState.figures``.

    The figures are ``(DURATION_FIGURES, count, total, mean, median, minimum,
    maximum, level numerators, level denominators, values at the levels,
    method name, estimate, alpha)``, the durations in whole microseconds: plain
    numbers and strings only, so a report can keep thousands of them without
    the garbage collector tracking them, and build the objects when its rows
    are read.
    """
    _, count, total, mean, median, low, high, qn, qd, values, name, estimate, alpha = figures
    levels = tuple(Fraction(a, b) for a, b in zip(qn, qd, strict=True))
    return DurationStats(
        count=count,
        _total_micros=total,
        _mean_micros=mean,
        _median_micros=median,
        _minimum_micros=low,
        _maximum_micros=high,
        _percentile_micros=tuple(zip(levels, values, strict=True)),
        method=QuantileMethod(name),
        estimate=estimate,
        alpha=alpha,
    )
