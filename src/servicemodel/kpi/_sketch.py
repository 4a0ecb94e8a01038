"""A mergeable relative-error quantile sketch (DDSketch-style) over integer microseconds.

Values are non-negative integers (durations in microseconds). Bucket ``i``
holds the integers x with gamma^(i-1) < x <= gamma^i, gamma = (1 + alpha) /
(1 - alpha); zero has its own bucket. A bucket's representative value
2 gamma^i / (gamma + 1) is within ``alpha`` relative error of every value in
it. The bucket of x is found by a binary search over one precomputed table of
integer bounds floor(gamma^i), shared by the scalar and the numpy path, so
both feeds put every value in the same bucket. State is integer counts, so a
merge is exact and independent of order and partitioning.

>>> s = RelativeErrorSketch.empty(alpha=0.01)
>>> for v in (1_000, 2_000, 3_000):
...     s.add(v)
>>> abs(s.kth(1) - 2_000) <= 0.01 * 2_000
True
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any, final

from .._time import MAX_DURATION_DAYS
from .._validators import integer, integer_rule, is_integer
from ..exceptions import EmptySampleError, ValidationError

__all__ = ["RelativeErrorSketch"]

MAX_MICROS = MAX_DURATION_DAYS * 86_400_000_000
_MIN_ALPHA = 0.0005
_MAX_ALPHA = 0.5


def check_alpha(alpha: object) -> float:
    """Return *alpha* as a float in [0.0005, 0.5] or raise ValidationError."""
    if (
        isinstance(alpha, bool)
        or not isinstance(alpha, float | int)
        or not _MIN_ALPHA <= alpha <= _MAX_ALPHA
    ):
        raise ValidationError(
            f"'alpha' must be a relative error between {_MIN_ALPHA} and {_MAX_ALPHA} "
            f"(got {alpha!r})",
            field="alpha",
            value=alpha,
        )
    return float(alpha)


@functools.lru_cache(maxsize=16)
def _bounds(alpha: float) -> tuple[list[int], list[float], Any]:
    """The integer upper bounds floor(gamma^i), representatives, and (lazily) a numpy copy."""
    gamma = (1 + alpha) / (1 - alpha)
    bounds: list[int] = []
    representatives: list[float] = []
    i = 0
    while True:
        upper = gamma**i
        bounds.append(math.floor(upper))
        representatives.append(2 * upper / (gamma + 1))
        if upper >= MAX_MICROS:
            break
        i += 1
    return bounds, representatives, None


@functools.lru_cache(maxsize=16)
def _numpy_bounds(alpha: float) -> Any:
    import numpy as np

    return np.asarray(_bounds(alpha)[0], dtype=np.int64)


def bucket_of(alpha: float, value: int) -> int:
    """The bucket index of a positive integer value."""
    return bisect.bisect_left(_bounds(alpha)[0], value)


def check_value(value: object) -> int:
    return integer(value, field="value", low=0, high=MAX_MICROS)


@final
class RelativeErrorSketch:
    """Counts of values per logarithmic bucket; quantiles within ``alpha`` relative error.

    A mutable fold state: ``add`` updates it in place, ``merge`` returns a new
    sketch and leaves both operands unchanged. Two sketches merge only when
    they share ``alpha``.

    >>> a, b = RelativeErrorSketch.empty(), RelativeErrorSketch.empty()
    >>> a.add(5); b.add(0)
    >>> a.merge(b).count, a.merge(b) == b.merge(a)
    (2, True)
    """

    __slots__ = ("_bins", "_count", "_zeros", "alpha")

    def __init__(self, alpha: float, zeros: int, bins: dict[int, int]) -> None:
        self.alpha = check_alpha(alpha)
        self._zeros = zeros
        self._bins = bins
        self._count = zeros + sum(bins.values())

    @classmethod
    def empty(cls, *, alpha: float = 0.01) -> RelativeErrorSketch:
        """A sketch holding nothing.

        >>> RelativeErrorSketch.empty(alpha=0.02).count
        0
        """
        return cls(alpha, 0, {})

    @property
    def count(self) -> int:
        """How many values were added.

        >>> RelativeErrorSketch.empty().count
        0
        """
        return self._count

    def add(self, value: int) -> None:
        """Add one non-negative integer value.

        >>> s = RelativeErrorSketch.empty(); s.add(-1)
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'value' must be an integer from 0 to 3155760000000000 (got -1)
        """
        self.add_checked(check_value(value))

    def add_checked(self, value: int) -> None:
        """:meth:`add` for a value the caller has checked (an int in [0, MAX_MICROS]).

        >>> s = RelativeErrorSketch.empty(); s.add_checked(0); s.count
        1
        """
        if value == 0:
            self._zeros += 1
        else:
            index = bisect.bisect_left(_bounds(self.alpha)[0], value)
            bins = self._bins
            bins[index] = bins.get(index, 0) + 1
        self._count += 1

    def add_many(self, values: Iterable[int]) -> None:
        """Add several values (checked first, so a bad one adds none).

        >>> s = RelativeErrorSketch.empty(); s.add_many([1, 2, 3]); s.count
        3
        """
        checked = [check_value(v) for v in values]
        for value in checked:
            self.add(value)

    def add_array(self, values: Any) -> None:
        """Add a numpy integer array of microseconds, vectorised (same buckets as :meth:`add`).

        >>> import numpy as np
        >>> s = RelativeErrorSketch.empty(); s.add_array(np.array([0, 10, 10])); s.count
        3
        """
        import numpy as np

        array = np.asarray(values, dtype=np.int64)
        if array.size == 0:
            return
        if int(array.min()) < 0 or int(array.max()) > MAX_MICROS:
            bad = int(array.min()) if int(array.min()) < 0 else int(array.max())
            check_value(bad)
        positive = array[array > 0]
        zeros = int(array.size - positive.size)
        indices = np.searchsorted(_numpy_bounds(self.alpha), positive, side="left")
        if indices.size:
            offset = int(indices.min())
            counts = np.bincount(indices - offset)
            for position in np.flatnonzero(counts):
                key = int(position) + offset
                self._bins[key] = self._bins.get(key, 0) + int(counts[position])
        self._zeros += zeros
        self._count += int(array.size)

    @classmethod
    def grouped(
        cls, values: Any, cells: Any, count: int, *, alpha: float = 0.01
    ) -> list[RelativeErrorSketch]:
        """One sketch per cell ``0..count-1`` from int64 *values* and each value's cell.

        Each sketch is the one :meth:`add_array` builds over its cell's values:
        the buckets come from the same table, and the (cell, bucket) pairs are
        counted in one ``bincount`` (``unique`` when that table would be large).

        >>> import numpy as np
        >>> parts = RelativeErrorSketch.grouped(np.array([0, 10, 10]), np.array([1, 1, 0]), 3)
        >>> [p.count for p in parts], parts[0] == parts[1]
        ([1, 2, 0], False)
        """
        import numpy as np

        alpha = check_alpha(alpha)
        array = np.asarray(values, dtype=np.int64)
        cells = np.asarray(cells, dtype=np.int64)
        if array.size and (int(array.min()) < 0 or int(array.max()) > MAX_MICROS):
            check_value(int(array.min()) if int(array.min()) < 0 else int(array.max()))
        positive = array > 0
        zeros: list[int] = np.bincount(cells[~positive], minlength=count).tolist()
        bins: list[dict[int, int]] = [{} for _ in range(count)]
        indices = np.searchsorted(_numpy_bounds(alpha), array[positive], side="left")
        if indices.size:
            owners = cells[positive]
            low = int(indices.min())
            span = int(indices.max()) - low + 1
            if span * count <= max(4 * indices.size, 1 << 20):
                table = np.bincount(owners * span + (indices - low), minlength=span * count)
                keys = np.flatnonzero(table)
                tallies = table[keys]
            else:
                keys, tallies = np.unique(owners * span + (indices - low), return_counts=True)
            cell_of, bucket = np.divmod(keys, span)
            edges = np.searchsorted(cell_of, np.arange(count + 1)).tolist()
            buckets = (bucket + low).tolist()
            numbers = tallies.tolist()
            for cell in range(count):
                begin, end = edges[cell], edges[cell + 1]
                if begin < end:
                    bins[cell] = dict(zip(buckets[begin:end], numbers[begin:end], strict=True))
        made = []
        for cell in range(count):
            sketch = object.__new__(cls)
            sketch.alpha = alpha
            sketch._zeros = zeros[cell]
            sketch._bins = bins[cell]
            sketch._count = zeros[cell] + sum(bins[cell].values())
            made.append(sketch)
        return made

    def merge(self, other: RelativeErrorSketch) -> RelativeErrorSketch:
        """Return a new sketch holding the values of both.

        Raises:
            ValidationError: the sketches use different ``alpha``.

        >>> RelativeErrorSketch.empty(alpha=0.01).merge(RelativeErrorSketch.empty(alpha=0.02))
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'alpha' must match to merge sketches (got 0.02 and 0.01)
        """
        if other.alpha != self.alpha:
            raise ValidationError(
                f"'alpha' must match to merge sketches (got {other.alpha} and {self.alpha})",
                field="alpha",
                value=other.alpha,
            )
        bins = dict(self._bins)
        for key, count in other._bins.items():
            bins[key] = bins.get(key, 0) + count
        return RelativeErrorSketch(self.alpha, self._zeros + other._zeros, bins)

    def copy(self) -> RelativeErrorSketch:
        """An independent copy.

        >>> RelativeErrorSketch.empty().copy().count
        0
        """
        return RelativeErrorSketch(self.alpha, self._zeros, dict(self._bins))

    def kth(self, k: int) -> Fraction:
        """Estimate the k-th smallest value (0-based) within ``alpha`` relative error.

        Raises:
            EmptySampleError: the sketch is empty.

        >>> s = RelativeErrorSketch.empty(); s.add_many([0, 100]); s.kth(0)
        Fraction(0, 1)
        """
        if self._count == 0:
            raise EmptySampleError("a quantile needs at least one observation (got 0)")
        if not 0 <= k < self._count:
            raise ValidationError(
                f"'k' must be {integer_rule(0, self._count - 1)} (got {k})", field="k", value=k
            )
        if k < self._zeros:
            return Fraction(0)
        seen = self._zeros
        representatives = _bounds(self.alpha)[1]
        for key in sorted(self._bins):
            seen += self._bins[key]
            if seen > k:
                return Fraction(representatives[key])
        raise AssertionError("unreachable: counts add up to the total")  # pragma: no cover

    def kth_finder(self) -> Callable[[int], Fraction]:
        """A function k -> :meth:`kth` (k) that sorts the buckets once for many lookups.

        >>> s = RelativeErrorSketch.empty(); s.add_many([0, 100, 100]); find = s.kth_finder()
        >>> find(0), abs(find(2) - 100) <= 1
        (Fraction(0, 1), True)
        """
        keys = sorted(self._bins)
        cumulative = list(itertools.accumulate(self._bins[key] for key in keys))
        representatives = _bounds(self.alpha)[1]
        zeros, count = self._zeros, self._count

        def find(k: int) -> Fraction:
            if not 0 <= k < count:
                raise ValidationError(
                    f"'k' must be {integer_rule(0, count - 1)} (got {k})", field="k", value=k
                )
            if k < zeros:
                return Fraction(0)
            position = bisect.bisect_right(cumulative, k - zeros)
            return Fraction(representatives[keys[position]])

        return find

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (bins as sorted [index, count] pairs).

        >>> s = RelativeErrorSketch.empty(); s.add(1); s.to_json()
        {'alpha': 0.01, 'zeros': 0, 'bins': [[0, 1]]}
        """
        return {
            "alpha": self.alpha,
            "zeros": self._zeros,
            "bins": [[k, self._bins[k]] for k in sorted(self._bins)],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RelativeErrorSketch:
        """Rebuild a sketch from :meth:`to_json` output.

        Raises:
            ValidationError: the data is not a sketch.

        >>> s = RelativeErrorSketch.empty(); s.add(7)
        >>> RelativeErrorSketch.from_json(s.to_json()) == s
        True
        """
        try:
            alpha = check_alpha(data["alpha"])
            zeros = data["zeros"]
            bins: dict[int, int] = {}
            limit = len(_bounds(alpha)[0])
            for key, count in data["bins"]:
                for name, number, top in (("index", key, limit - 1), ("count", count, None)):
                    if not is_integer(number, 0, top):
                        raise ValidationError(
                            f"'bins' must hold [index, count] integer pairs (got {name} {number!r})",
                            field="bins",
                            value=number,
                        )
                bins[key] = bins.get(key, 0) + count
            integer(zeros, field="zeros", low=0)
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, ValidationError):
                raise
            raise ValidationError(
                f"'sketch' must be a dict with alpha, zeros and bins (got {data!r:.80})",
                field="sketch",
                value=data,
            ) from None
        return cls(alpha, zeros, {k: c for k, c in bins.items() if c})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RelativeErrorSketch):
            return NotImplemented
        return (
            self.alpha == other.alpha
            and self._zeros == other._zeros
            and {k: c for k, c in self._bins.items() if c}
            == {k: c for k, c in other._bins.items() if c}
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RelativeErrorSketch(alpha={self.alpha}, count={self._count})"
