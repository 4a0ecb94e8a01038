"""The mergeable state of a sample of durations: exact values, then a relative-error sketch.

>>> state = DurationState(alpha=0.01, exact_limit=2)
>>> state.add(3); state.add(1); state.add(2)
>>> state.values is None  # past the exact limit: the sketch holds the sample
True
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from .._validators import is_integer
from ..exceptions import EmptySampleError, ValidationError
from ._duration_stats import DURATION_FIGURES, DurationStats, duration_stats_from_figures
from ._sketch import MAX_MICROS, RelativeErrorSketch, check_alpha, check_value
from ._stats import QuantileMethod, quantile_of, quantile_ratio, round_half_even


def _check_durations(array: Any) -> tuple[int, int]:
    """The minimum and maximum of a non-empty int64 array of durations, checked in range."""
    low, high = int(array.min()), int(array.max())
    if low < 0 or high > MAX_MICROS:
        raise ValidationError(
            f"'duration' must be between 0 and {MAX_MICROS} microseconds "
            f"(got {low if low < 0 else high}); a negative duration means the "
            "events are out of order",
            field="duration",
            value=low if low < 0 else high,
        )
    return low, high


def _sorted_by_cell(values: Any, cells: Any, count: int) -> tuple[Any, bool]:
    """The values ordered by cell, and whether each cell's slice is also sorted by value.

    One sort of packed ``cell << bits | value`` keys when the pair fits 63
    bits (then each slice is in order); otherwise a stable argsort by cell.
    """
    import numpy as np

    bits = int(values.max()).bit_length() if values.size else 0
    if bits + max(count - 1, 0).bit_length() <= 62:
        return np.sort((cells.astype(np.int64) << bits) | values) & ((1 << bits) - 1), True
    narrow = cells.astype(np.int32) if count < 2**31 else cells
    return values[np.argsort(narrow, kind="stable")], False


def _cell_summaries(
    ordered: Any, packed: bool, bounds: list[int], filled: list[int]
) -> tuple[list[int], list[int], list[int]]:
    """The minimum, maximum and total of each filled cell's slice of *ordered*."""
    import numpy as np

    if not filled:
        return [], [], []
    starts = np.asarray([bounds[c] for c in filled], dtype=np.int64)
    if packed:
        minima = ordered[starts].tolist()
        maxima = ordered[np.asarray([bounds[c + 1] - 1 for c in filled])].tolist()
    else:
        minima = np.minimum.reduceat(ordered, starts).tolist()
        maxima = np.maximum.reduceat(ordered, starts).tolist()
    if int(ordered.max()) * ordered.size < 2**62:
        totals = np.add.reduceat(ordered, starts).tolist()
    else:
        totals = [sum(ordered[bounds[c] : bounds[c + 1]].tolist()) for c in filled]
    return minima, maxima, totals


DEFAULT_PERCENTILES = (Fraction(1, 2), Fraction(9, 10), Fraction(95, 100))
DEFAULT_EXACT_LIMIT = 1_000
_HALF = Fraction(1, 2)


class DurationState:
    """count, total, min, max, a sketch, and every value while the sample is small.

    While the values are kept (at most ``exact_limit``) the sketch is a
    function of them, so it is built from them only when asked for (or when
    the cap is passed and the values are dropped); past the cap the sketch is
    the state. Either way ``sketch`` is the sketch of every value added.
    """

    __slots__ = (
        "_array",
        "_sketch",
        "_values",
        "alpha",
        "count",
        "exact_limit",
        "maximum",
        "minimum",
        "total",
    )

    def __init__(self, *, alpha: float, exact_limit: int) -> None:
        self.count = 0
        self.total = 0
        self.minimum = 0
        self.maximum = 0
        self.alpha = check_alpha(alpha)
        self._sketch: RelativeErrorSketch | None = None
        self.exact_limit = exact_limit
        self._values: list[int] | None = []
        self._array: Any = None

    @property
    def values(self) -> list[int] | None:
        """Every value while the sample is small (``None`` past the cap), in no set order.

        A state built by :meth:`grouped` holds its values as a sorted numpy slice
        until they are first read here (quantiles read that slice directly).
        """
        array = self._array
        if array is not None:
            self._values = array.tolist()
            self._array = None
        return self._values

    @values.setter
    def values(self, values: list[int] | None) -> None:
        self._values = values
        self._array = None

    @property
    def sketch(self) -> RelativeErrorSketch:
        """The relative-error sketch of every value added (built from the kept values on demand)."""
        sketch = self._sketch
        if sketch is None:
            sketch = RelativeErrorSketch.empty(alpha=self.alpha)
            for value in self.values or ():
                sketch.add_checked(value)
            self._sketch = sketch
        return sketch

    def add(self, value: int) -> None:
        if not 0 <= value <= MAX_MICROS:
            raise ValidationError(
                f"'duration' must be between 0 and {MAX_MICROS} microseconds (got {value}); "
                "a negative duration means the events are out of order",
                field="duration",
                value=value,
            )
        if type(value) is not int:
            check_value(value)  # refuses what is not an int, as the sketch would
        values = self.values
        if values is None:
            self.sketch.add_checked(value)
        elif self.count >= self.exact_limit:
            self.sketch.add_checked(value)  # built from the kept values first
            self.values = None  # the cap: beyond it only the sketch keeps the shape
        else:
            values.append(value)
            if self._sketch is not None:
                self._sketch.add_checked(value)
        if self.count == 0:
            self.minimum = self.maximum = value
        elif value < self.minimum:
            self.minimum = value
        elif value > self.maximum:
            self.maximum = value
        self.count += 1
        self.total += value

    def add_array(self, array: Any) -> None:
        """Fold an int64 array of microseconds: the one-cell case of :meth:`grouped`."""
        import numpy as np

        if array.size == 0:
            return
        cells = np.zeros(array.size, dtype=np.int64)
        (part,) = DurationState.grouped(
            array, cells, 1, alpha=self.alpha, exact_limit=self.exact_limit
        )
        self.absorb(part)

    @classmethod
    def grouped(
        cls, values: Any, cells: Any, count: int, *, alpha: float, exact_limit: int
    ) -> list[DurationState]:
        """One state per cell ``0..count-1``: what :meth:`add_array` gives over each cell's values.

        *values* (int64 microseconds) and *cells* (each value's cell) are
        read in one vectorised pass: counts by ``bincount``; the values sorted
        by (cell, value) with one sort of packed ``cell << bits | value`` keys
        (an argsort by cell when the pair does not fit 63 bits), so each cell's
        minimum, maximum and total come from its slice and each small cell's
        exact values are its slice, already in order; sketch buckets by one
        ``bincount`` over (cell, bucket) pairs.
        """
        import numpy as np

        if values.size:
            _check_durations(values)
        counts: list[int] = np.bincount(cells, minlength=count).tolist()
        bounds = [0, *itertools.accumulate(counts)]
        ordered, packed = _sorted_by_cell(values, cells, count)
        minima, maxima, totals = _cell_summaries(
            ordered, packed, bounds, [c for c in range(count) if counts[c]]
        )
        # Cells within the cap keep their values (their sketches are built on demand);
        # only the cells past it need their sketch now.
        large = np.asarray(counts, dtype=np.int64) > exact_limit
        sketches: list[RelativeErrorSketch | None] = [None] * count
        if large.any():
            mask = large[cells]
            made = RelativeErrorSketch.grouped(values[mask], cells[mask], count, alpha=alpha)
            sketches = [made[c] if large[c] else None for c in range(count)]
        states: list[DurationState] = []
        position = 0
        for cell in range(count):
            state = object.__new__(cls)
            state.alpha, state.exact_limit = alpha, exact_limit
            state._sketch = sketches[cell]
            state.count = counts[cell]
            state._array = None
            if state.count:
                state.minimum, state.maximum = minima[position], maxima[position]
                state.total = totals[position]
                position += 1
                state._values = None
                if state.count <= exact_limit:
                    # Small cells keep their values as a sorted numpy array (a multiset:
                    # add_array's order carries no meaning) until read. A copy, not a
                    # view: a view would keep the whole batch's array alive.
                    part = ordered[bounds[cell] : bounds[cell + 1]]
                    state._array = part.copy() if packed else np.sort(part)
            else:
                state.minimum = state.maximum = state.total = 0
                state._values = []
            states.append(state)
        return states

    def absorb(self, other: DurationState) -> None:
        if other.count == 0:
            return
        if self.count == 0:
            self.minimum, self.maximum = other.minimum, other.maximum
        else:
            self.minimum = min(self.minimum, other.minimum)
            self.maximum = max(self.maximum, other.maximum)
        if (
            self.values is not None
            and other.values is not None
            and self.count + other.count <= self.exact_limit
        ):
            self.values.extend(other.values)
            self._sketch = None  # rebuilt from the values when asked for
        else:
            self._sketch = self.sketch.merge(other.sketch)
            self.values = None
        self.count += other.count
        self.total += other.total

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "total": self.total,
            "min": self.minimum,
            "max": self.maximum,
            "sketch": self.sketch.to_json(),
            "values": None if self.values is None else sorted(self.values),
        }

    def load(self, data: Mapping[str, Any]) -> None:
        try:
            count, total = data["count"], data["total"]
            minimum, maximum = data["min"], data["max"]
            sketch = RelativeErrorSketch.from_json(data["sketch"])
            values = data["values"]
            numbers = [count, total, minimum, maximum, *(values or [])]
            if not all(is_integer(x, low=0) for x in numbers):
                raise TypeError("counts and microseconds must be non-negative integers")
            if sketch.count != count or (values is not None and len(values) != count):
                raise TypeError("the sketch and values must hold 'count' values")
            if sketch.alpha != self.alpha:
                raise TypeError("the sketch's alpha must match the options")
        except (KeyError, TypeError) as error:
            raise ValidationError(
                f"'state' must be a duration state (got {data!r:.80}): {error}",
                field="state",
                value=data,
            ) from None
        self.count, self.total, self.minimum, self.maximum = count, total, minimum, maximum
        self._sketch = sketch
        self.values = None if values is None else list(values)

    def kth_function(self) -> tuple[Callable[[int], Fraction], str]:
        if self.values is not None:
            ordered = sorted(self.values)
            return (lambda k: Fraction(ordered[k])), "exact"
        low, high = Fraction(self.minimum), Fraction(self.maximum)
        find = self.sketch.kth_finder()

        def kth(k: int) -> Fraction:
            if k == 0:
                return low
            if k == self.count - 1:
                return high
            return min(max(find(k), low), high)

        return kth, "sketch"

    def quantile(self, q: Fraction, method: QuantileMethod) -> Fraction:
        kth, _ = self.kth_function()
        return quantile_of(self.count, q, method, kth)

    def _kth_ratio(self) -> Callable[[int], tuple[int, int]]:
        """:meth:`kth_function` as (numerator, denominator) pairs, for :func:`quantile_ratio`."""
        array = self._array
        if array is not None:  # grouped's sorted slice: read the few entries needed
            return lambda k: (int(array[k]), 1)
        if self.values is not None:
            # Sorted in place: the values are a multiset (to_json sorts them too), and a
            # sorted list sorts again in linear time, without a copy.
            ordered = self.values
            ordered.sort()
            return lambda k: (ordered[k], 1)
        kth, _ = self.kth_function()

        def ratio(k: int) -> tuple[int, int]:
            value = kth(k)
            return value.numerator, value.denominator

        return ratio

    def stats(
        self, *, what: str, percentiles: tuple[Fraction, ...], method: QuantileMethod
    ) -> DurationStats:
        return duration_stats_from_figures(
            self.figures(what=what, percentiles=percentiles, method=method)
        )

    def figures(
        self, *, what: str, percentiles: tuple[Fraction, ...], method: QuantileMethod
    ) -> tuple[Any, ...]:
        """The figures of :meth:`stats` as plain numbers (see :func:`duration_stats_from_figures`)."""
        if self.count == 0:
            raise EmptySampleError(f"{what} needs at least one observation (got 0)")
        kth = self._kth_ratio()
        # Each figure is quantile_of's exact value rounded half to even (as round_micros
        # rounds), computed in integers; the median asked again as a percentile is shared.
        median = round_half_even(*quantile_ratio(self.count, _HALF, method, kth))
        chosen = [
            median
            if q.numerator == 1 and q.denominator == 2  # q == 1/2 without Fraction.__eq__
            else round_half_even(*quantile_ratio(self.count, q, method, kth))
            for q in percentiles
        ]
        return (
            DURATION_FIGURES,
            self.count,
            self.total,
            round_half_even(self.total, self.count),
            median,
            self.minimum,
            self.maximum,
            tuple(q.numerator for q in percentiles),
            tuple(q.denominator for q in percentiles),
            tuple(chosen),
            method.value,
            "exact" if self._values is not None or self._array is not None else "sketch",
            self.alpha,
        )
