"""The base of the time KPIs: an accumulator over a :class:`DurationState`.

>>> from servicemodel.kpi import HandleTime
>>> issubclass(HandleTime, DurationAccumulator)
True
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, Self

import pendulum

from .._time import duration_micros, from_micros, to_micros
from .._validators import enum_member, integer, is_collection
from ..exceptions import EmptySampleError, ValidationError
from ..interactions import Interaction
from ._accumulators import Accumulator, BusinessTime
from ._duration_state import DEFAULT_EXACT_LIMIT, DEFAULT_PERCENTILES, DurationState
from ._duration_stats import DurationStats, round_micros
from ._options import instant_micros
from ._sketch import check_alpha
from ._stats import QuantileMethod, to_fraction


def check_percentiles(value: object) -> tuple[Fraction, ...]:
    """Quantile levels as sorted, distinct exact fractions."""
    if not is_collection(value):
        raise ValidationError(
            f"'percentiles' must be a collection of levels in [0, 1] (got {value!r})",
            field="percentiles",
            value=value,
        )
    return tuple(sorted({to_fraction(q, field="percentiles") for q in value}))


def check_exact_limit(value: object) -> int:
    """The largest sample kept value by value."""
    return integer(value, field="exact_limit", low=0, high=1_000_000)


class DurationAccumulator(Accumulator[DurationStats]):
    """Base of the time KPIs: durations in microseconds summarised by :class:`DurationStats`.

    The state is bounded, whatever the number of durations: count, total,
    minimum and maximum (integers), a relative-error sketch (one integer count
    per logarithmic bucket, at most a few thousand buckets for ``alpha``
    = 0.01), and every value only while there are at most ``exact_limit``
    of them (default 1,000, the cap). Past the cap the values are dropped
    and quantiles come from the sketch, within ``alpha``; the mean, minimum
    and maximum stay exact. So a report cell streamed a million rows holds
    no more than one streamed a thousand.

    >>> from servicemodel.kpi import FirstReplyTime
    >>> acc = FirstReplyTime.empty(exact_limit=2)
    >>> for minutes in (1, 2, 3):
    ...     acc.add_duration(pendulum.duration(minutes=minutes))
    >>> acc.result().estimate, acc.to_json()["state"]["values"]
    ('sketch', None)
    """

    __slots__ = ("_method", "_percentiles", "_state")

    def __init__(
        self,
        *,
        calendar: BusinessTime | None = None,
        percentiles: Iterable[float | Fraction | str] = DEFAULT_PERCENTILES,
        method: QuantileMethod | str = QuantileMethod.LINEAR,
        alpha: float = 0.01,
        exact_limit: int = DEFAULT_EXACT_LIMIT,
    ) -> None:

        super().__init__(calendar=calendar)
        self._percentiles = check_percentiles(percentiles)
        self._method = enum_member(QuantileMethod, method, field="method")
        self._state = DurationState(
            alpha=check_alpha(alpha), exact_limit=check_exact_limit(exact_limit)
        )

    def _native_options(self) -> dict[str, Any]:
        options = self.options()
        options["percentiles"] = self._percentiles
        options["method"] = self._method
        return options

    def options(self) -> dict[str, Any]:
        return {
            "percentiles": [str(q) for q in self._percentiles],
            "method": self._method.value,
            "alpha": self._state.alpha,
            "exact_limit": self._state.exact_limit,
        }

    def _absorb(self, other: Self) -> None:
        self._state.absorb(other._state)

    def _state_json(self) -> Any:
        return self._state.to_json()

    def _load_state(self, state: Any) -> None:
        self._state.load(state)

    def _add_micros(self, value: int) -> None:
        self._state.add(value)

    def _batch_values(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:  # pragma: no cover
        """(durations as int64 microseconds, mask of the rows they come from)."""
        raise NotImplementedError

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        values, _ = self._batch_values(columns)
        self._state.add_array(values)

    def _batch_cells(self, columns: Mapping[str, Any], cells: Any, count: int) -> list[Self]:
        values, rows = self._batch_values(columns)
        states = DurationState.grouped(
            values,
            cells[rows],
            count,
            alpha=self._state.alpha,
            exact_limit=self._state.exact_limit,
        )
        made = []
        for state in states:
            acc = self._bare()
            acc._state = state
            made.append(acc)
        return made

    def quantile(
        self, q: float | Fraction | str, *, method: QuantileMethod | str | None = None
    ) -> pendulum.Duration:
        """The duration at quantile *q* (exact while small, sketch beyond).

        Raises:
            EmptySampleError: nothing was added.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> acc = FirstReplyTime.empty()
        >>> for seconds in (60, 120, 180, 240, 3600, 90):
        ...     acc.add_duration(pendulum.duration(seconds=seconds))
        >>> acc.quantile(0.9, method="lower").in_seconds()
        240
        """

        chosen = (
            self._method if method is None else enum_member(QuantileMethod, method, field="method")
        )
        if self._state.count == 0:
            raise EmptySampleError(f"{self.name} needs at least one observation (got 0)")
        return round_micros(self._state.quantile(to_fraction(q), chosen))

    def add_duration(self, value: _dt.timedelta) -> None:
        """Fold one already-measured duration (a timedelta) into the state.

        >>> from servicemodel.kpi import HandleTime
        >>> acc = HandleTime.empty(); acc.add_duration(pendulum.duration(minutes=3))
        >>> acc.result().mean
        Duration(minutes=3)
        """
        if not isinstance(value, _dt.timedelta):
            raise ValidationError(
                f"'value' must be a duration (got {type(value).__name__} {value!r})",
                field="value",
                value=value,
            )
        self._add_micros(duration_micros(value))

    def result(self) -> DurationStats:
        """The summary; raises EmptySampleError when nothing was measured.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: first_reply_time needs at least one observation (got 0)
        """
        return self._summary_state().stats(
            what=self.name, percentiles=self._percentiles, method=self._method
        )

    def _figures(self) -> Any:
        return self._summary_state().figures(
            what=self.name, percentiles=self._percentiles, method=self._method
        )

    def _summary_state(self) -> DurationState:
        """The durations :meth:`result` summarises (a KPI that pairs its events late builds them)."""
        return self._state

    @classmethod
    def summarise_items(cls, items: Iterable[Any], **options: Any) -> DurationStats:
        """Summarise this KPI over some items, such as interactions (a one-call fold).

        Raises:
            EmptySampleError: no item gave a duration.

        >>> from servicemodel.kpi import ResolutionTime
        >>> ResolutionTime.summarise_items([])
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: resolution_time needs at least one observation (got 0)
        """
        acc = cls.empty(**options)
        acc.add_many(items)
        return acc.result()

    @classmethod
    def summarise(
        cls,
        seconds: Iterable[int | float | Fraction],
        **options: Any,
    ) -> DurationStats:
        """Summarise plain numbers of seconds (for quick checks and documentation).

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([30, 90]).mean
        Duration(minutes=1)
        """
        acc = cls.empty(**options)
        for value in seconds:
            acc._add_micros(
                round(Fraction(repr(value) if isinstance(value, float) else value) * 1_000_000)
            )
        return acc.result()


class AsOfDuration(DurationAccumulator):
    """A duration per interaction measured either once it is resolved or as of an instant.

    Without ``as_of`` only resolved interactions count (each figure is final);
    with it, every interaction created by then counts, as it stood at ``as_of``
    (:meth:`_counts` says which; ``_until`` is ``as_of`` as a datetime).
    """

    __slots__ = ("_as_of", "_until")

    def __init__(self, *, as_of: _dt.datetime | int | None = None, **options: Any) -> None:
        super().__init__(**options)
        self._as_of = None if as_of is None else instant_micros(as_of, "as_of")
        self._until = None if self._as_of is None else from_micros(self._as_of)

    def options(self) -> dict[str, Any]:
        return {"as_of": self._as_of, **super().options()}

    def _native_options(self) -> dict[str, Any]:
        return {**super()._native_options(), "as_of": self._as_of}

    def _counts(self, item: Interaction) -> bool:
        """Whether *item* is measured: resolved (no ``as_of``), else created by ``as_of``."""
        if self._as_of is None:
            return item.status().is_resolved
        return to_micros(item.created_at) <= self._as_of
