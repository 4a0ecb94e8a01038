"""The accumulator protocol and the duration state shared by the time KPIs.

An accumulator is a fold state: ``empty()`` makes one, ``add(item)`` folds
one item into it in place, ``add_batch(columns)`` folds a batch of columns
into the same state, ``merge(other)`` returns a new accumulator holding both
samples, and ``result()`` reads the figure. State is integers (counts,
microseconds) or exact multisets, so merging is associative, commutative,
has ``empty()`` as identity, and a merge of two partial states gives exactly
the result of one pass over all the data.

>>> from servicemodel.kpi import Csat
>>> a, b = Csat.empty(), Csat.empty()
>>> a.add(5); a.add(2); b.add(4)
>>> a.merge(b).result().value
Fraction(2, 3)
>>> Accumulator.from_json(a.to_json()) == a
True
"""

from __future__ import annotations

import abc
import datetime as _dt
import functools
import itertools
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, final, runtime_checkable

import attrs
import pendulum

from .._time import duration_from_micros, duration_micros
from ..exceptions import EmptySampleError, ValidationError
from ._names import KpiName
from ._sketch import MAX_MICROS, RelativeErrorSketch, check_alpha, check_value
from ._stats import QuantileMethod, quantile_of, quantile_ratio, round_half_even, to_fraction

__all__ = [
    "Accumulator",
    "BusinessTime",
    "DurationStats",
]

R = TypeVar("R")

#: The column value numpy uses for NaT in int64 views.
NAT = -(2**63)


@runtime_checkable
class BusinessTime(Protocol):
    """What a KPI needs from a business calendar: integer elapsed time, scalar and vectorised.

    ``servicemodel.sla.BusinessCalendar`` provides it; ``None`` wherever a
    calendar is accepted means calendar (wall-clock) time.

    >>> isinstance(None, BusinessTime)
    False
    """

    def elapsed_micros(self, start_us: int, end_us: int) -> int:
        """Open microseconds in [start, end); instants are UTC epoch microseconds.

        >>> from servicemodel.sla import BusinessCalendar
        >>> calendar: BusinessTime = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> mon_8 = 1718006400000000  # Mon 10 June 2024 08:00 UTC
        >>> calendar.elapsed_micros(mon_8, mon_8 + 3 * 3_600_000_000) // 3_600_000_000
        2
        """

    def elapsed_many(self, starts: Any, ends: Any) -> Any:
        """The same over datetime64[us] arrays, as int64 microseconds.

        >>> import numpy as np
        >>> from servicemodel.sla import BusinessCalendar
        >>> calendar: BusinessTime = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> starts = np.array(["2024-06-10T08:00", "2024-06-08T08:00"], dtype="datetime64[us]")
        >>> (calendar.elapsed_many(starts, starts + np.timedelta64(3, "h")) // 3_600_000_000).tolist()
        [2, 0]
        """


class Accumulator(abc.ABC, Generic[R]):
    """Base of every KPI accumulator: empty / add / add_batch / merge / result.

    Subclasses name their KPI (``kpi``, a :class:`KpiName`; ``name`` is its
    string), the item types they measure
    (``item_types``) and keep their state in integers or exact multisets.
    ``add`` mutates in place; ``merge`` returns a new accumulator and leaves
    both operands unchanged. Accumulators pickle, and ``to_json`` /
    ``from_json`` carry the options and the state between processes.

    >>> from servicemodel.kpi import Nps
    >>> acc = Nps.empty()
    >>> for score in (10, 9, 7, 3):
    ...     acc.add(score)
    >>> acc.result().value
    Fraction(25, 1)
    """

    kpi: ClassVar[KpiName]
    #: The KPI's name as a string (``kpi.value``), for messages and JSON.
    name: ClassVar[str]
    item_types: ClassVar[tuple[type, ...]] = ()
    #: Canonical column names :meth:`add_batch` reads (empty: no batch path).
    columns: ClassVar[tuple[str, ...]] = ()
    __slots__ = ("_calendar",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kpi" in cls.__dict__:
            cls.name = cls.kpi.value

    def __init__(self, *, calendar: BusinessTime | None = None) -> None:
        if calendar is not None and not isinstance(calendar, BusinessTime):
            raise ValidationError(
                "'calendar' must be a business calendar with elapsed_micros and elapsed_many, "
                f"or None for calendar time (got {type(calendar).__name__})",
                field="calendar",
                value=calendar,
            )
        self._calendar = calendar

    # ------------------------------------------------------------------ protocol

    @classmethod
    def empty(cls, **options: Any) -> Self:
        """A new accumulator holding nothing, with the given options.

        >>> from servicemodel.kpi import Csat
        >>> Csat.empty(variant="top_box").options()
        {'variant': 'top_box'}
        """
        return cls(**options)

    def empty_like(self) -> Self:
        """A new, empty accumulator with this one's options (and calendar).

        >>> from servicemodel.kpi import Csat
        >>> acc = Csat.empty(); acc.add(5)
        >>> acc.empty_like() == Csat.empty()
        True
        """
        return type(self)._from_options(self._native_options(), self._calendar)

    def _native_options(self) -> dict[str, Any]:
        """Constructor keywords reproducing this accumulator's options (fast path)."""
        return self.options()

    def accepts(self, item: object) -> bool:
        """True when :meth:`add` measures this kind of item (a report skips the rest).

        >>> from servicemodel.kpi import Nps
        >>> Nps.empty().accepts(9), Nps.empty().accepts("9")
        (True, False)
        """
        return isinstance(item, self.item_types) and not isinstance(item, bool)

    def add(self, item: Any) -> None:
        """Fold one item into the state (in place).

        Items a KPI measures but that carry no observation (an unrated
        interaction for CSAT, an unanswered one for first reply time) are
        skipped. A bad item raises and leaves the state unchanged.

        Raises:
            ValidationError: the item is not one this KPI measures, or is invalid.

        >>> from servicemodel.kpi import Csat
        >>> acc = Csat.empty()
        >>> acc.add(5); acc.add(2)
        >>> acc.add("5")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'item' must be one of ... for csat (got str '5')
        >>> acc.result().value  # the refused item changed nothing
        Fraction(1, 2)
        """
        if not self.accepts(item):
            kinds = ", ".join(t.__name__ for t in self.item_types)
            raise ValidationError(
                f"'item' must be one of {kinds} for {self.name} (got {type(item).__name__} "
                f"{item!r:.60})",
                field="item",
                value=item,
            )
        self._add(item)

    def add_many(self, items: Iterable[Any]) -> None:
        """Fold every item of an iterable (a convenience loop over :meth:`add`).

        >>> from servicemodel.kpi import Csat
        >>> acc = Csat.empty(); acc.add_many([5, 4, 1]); acc.result().value
        Fraction(2, 3)
        """
        for item in items:
            self.add(item)

    def add_batch(self, columns: Mapping[str, Any]) -> None:
        """Fold a batch of columns (numpy arrays or pandas columns) into the same state.

        The canonical column names this KPI reads are in ``columns``; the
        values are checked before anything is counted, so a bad batch changes
        nothing. It gives exactly the state :meth:`add` would give over the
        same interactions.

        Raises:
            ValidationError: a needed column is missing or holds bad values,
                or this KPI has no batch path.

        >>> import numpy as np
        >>> from servicemodel.kpi import Csat
        >>> acc = Csat.empty(); acc.add_batch({"csat": np.array([5, 4, 1, np.nan])})
        >>> acc.result().value
        Fraction(2, 3)
        """
        if not self.columns:
            raise ValidationError(
                f"'columns' cannot feed {self.name}: it needs whole interactions "
                "(their event logs); add the items instead",
                field="columns",
                value=self.name,
            )
        missing = [c for c in self.columns if c not in columns]
        if missing:
            raise ValidationError(
                f"'columns' must include {', '.join(repr(c) for c in missing)} for {self.name} "
                f"(got {sorted(str(k) for k in _keys(columns))})",
                field="columns",
                value=missing,
            )
        self._add_batch(columns)

    def merge(self, other: Self) -> Self:
        """Return a new accumulator holding both samples; neither operand changes.

        Raises:
            ValidationError: *other* is another KPI or has other options.

        >>> from servicemodel.kpi import Csat
        >>> Csat.empty().merge(Csat.empty(variant="top_box"))
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'other' must be csat with options {'variant': 'top_two_box'} to merge (got csat with {'variant': 'top_box'})
        """
        if type(other) is not type(self) or other.options() != self.options():
            shown = other.name if isinstance(other, Accumulator) else type(other).__name__
            got = other.options() if isinstance(other, Accumulator) else other
            raise ValidationError(
                f"'other' must be {self.name} with options {self.options()} to merge "
                f"(got {shown} with {got})",
                field="other",
                value=other,
            )
        if (
            self._calendar is not None
            and other._calendar is not None
            and self._calendar != other._calendar
        ):
            raise ValidationError(
                "'other' must use the same calendar to merge", field="other", value=other
            )
        merged = self.empty_like()
        if merged._calendar is None:
            merged._calendar = other._calendar
        merged._absorb(self)
        merged._absorb(other)
        return merged

    def copy(self) -> Self:
        """An independent copy of this accumulator.

        >>> from servicemodel.kpi import Csat
        >>> acc = Csat.empty(); acc.add(5); acc.copy() == acc
        True
        """
        twin = self.empty_like()
        twin._absorb(self)
        return twin

    @abc.abstractmethod
    def result(self) -> R:
        """The figure, from everything added and merged so far.

        Raises:
            EmptySampleError: nothing has been measured yet.

        >>> from servicemodel.kpi import Nps
        >>> acc = Nps.empty()
        >>> acc.result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: NPS needs at least one response (got 0)
        >>> acc.add_many([10, 10, 0]); acc.result().value
        Fraction(100, 3)
        """

    def _figures(self) -> Any:
        """:meth:`result`, or the same figures as a tuple of plain numbers.

        A report keeps these per cell and builds the result objects only when
        its rows are read; the KPIs a report reads most (rates, net scores,
        duration summaries) override this to skip building the object twice.
        """
        return self.result()

    # -------------------------------------------------------------- serialisation

    def options(self) -> dict[str, Any]:
        """The options as JSON-ready values (durations in microseconds, enums as strings).

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.empty().options()["method"]
        'linear'
        """
        return {}

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the KPI name, its options and its state.

        >>> from servicemodel.kpi import Csat
        >>> acc = Csat.empty(); acc.add(5); acc.to_json()
        {'kpi': 'csat', 'options': {'variant': 'top_two_box'}, 'state': {'counts': [0, 0, 0, 0, 1]}, 'business_time': False}
        """
        return {
            "kpi": self.name,
            "options": self.options(),
            "state": self._state_json(),
            "business_time": self._calendar is not None,
        }

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], *, calendar: BusinessTime | None = None
    ) -> Accumulator[Any]:
        """Rebuild an accumulator from :meth:`to_json` output.

        A state built in business time needs its calendar back to keep adding
        interactions; pass it as *calendar*.

        Raises:
            ValidationError: the data is not an accumulator's JSON, names an
                unknown KPI, or the calendar is missing.

        >>> Accumulator.from_json({"kpi": "nps", "options": {}, "state": None}).name
        'nps'
        """
        if not isinstance(data, Mapping) or not isinstance(data.get("kpi"), str):
            raise ValidationError(
                f"'data' must be a dict with a 'kpi' name (got {data!r:.80})",
                field="data",
                value=data,
            )
        target = cls._named(data["kpi"])
        if data.get("business_time") and calendar is None:
            raise ValidationError(
                f"'calendar' must be given: this {data['kpi']} state counts business time",
                field="calendar",
                value=None,
            )
        options = data.get("options") or {}
        if not isinstance(options, Mapping):
            raise ValidationError(
                f"'options' must be a dict (got {options!r:.80})", field="options", value=options
            )
        try:
            made = target._from_options(dict(options), calendar)
        except TypeError as error:
            raise ValidationError(
                f"'options' must be options of {target.name} (got {dict(options)!r:.80}): {error}",
                field="options",
                value=options,
            ) from None
        state = data.get("state")
        if state is not None:
            made._load_state(state)
        return made

    @classmethod
    def _named(cls, kpi: str) -> type[Accumulator[Any]]:
        """The accumulator class of the KPI *kpi*: this class, or one of the catalogue under it."""
        if "kpi" in cls.__dict__ and cls.name == kpi:
            return cls
        from ._catalogue import catalogue  # the catalogue's classes import this module

        known = {
            name.value: made
            for name, made in catalogue().items()
            if cls is Accumulator or issubclass(made, cls)
        }
        target = known.get(kpi)
        if target is None:
            outside = " (an accumulator outside servicemodel.kpi: use its own from_json)"
            raise ValidationError(
                f"'kpi' must be one of {sorted(known)} (got {kpi!r})"
                + (outside if kpi in {n.value for n in KpiName} - set(known) else ""),
                field="kpi",
                value=kpi,
            )
        return target

    @classmethod
    def _from_options(cls, options: dict[str, Any], calendar: BusinessTime | None) -> Self:
        if calendar is not None:
            return cls(calendar=calendar, **options)
        return cls(**options)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Accumulator):
            return NotImplemented
        return type(other) is type(self) and other.to_json() == self.to_json()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.options()})"

    def __getstate__(self) -> dict[str, Any]:
        return {"json": self.to_json(), "calendar": self._calendar}

    def __setstate__(self, state: dict[str, Any]) -> None:
        twin = type(self).from_json(state["json"], calendar=state["calendar"])
        for klass in type(self).__mro__:
            for slot in getattr(klass, "__slots__", ()):
                if hasattr(twin, slot):
                    object.__setattr__(self, slot, getattr(twin, slot))

    # ------------------------------------------------------------ subclass hooks

    @abc.abstractmethod
    def _add(self, item: Any) -> None: ...

    def _add_batch(self, columns: Mapping[str, Any]) -> None:  # pragma: no cover - guarded
        raise NotImplementedError

    def _batch_cells(self, columns: Mapping[str, Any], cells: Any, count: int) -> list[Self]:
        """New accumulators, one per cell ``0..count-1``, fed the rows of that cell.

        ``columns`` are numpy arrays of equal length and ``cells`` gives each
        row's cell index. Cell ``c`` holds exactly the state :meth:`add_batch`
        gives over the rows whose ``cells`` entry is ``c`` (an empty state when
        there are none). Nothing is changed when a value is refused. This
        default sorts the rows by cell once and feeds each slice through
        :meth:`add_batch`; the KPIs whose state is counts or a duration summary
        override it with one vectorised pass over all the cells.
        """
        import numpy as np

        order = np.argsort(cells, kind="stable")
        bounds = np.searchsorted(cells[order], np.arange(count + 1)).tolist()
        ordered = {name: np.asarray(array)[order] for name, array in columns.items()}
        made = []
        for cell in range(count):
            begin, end = bounds[cell], bounds[cell + 1]
            acc = self.empty_like()
            acc.add_batch({name: array[begin:end] for name, array in ordered.items()})
            made.append(acc)
        return made

    def _bare(self) -> Self:
        """A new accumulator sharing every slot of this one; the caller sets the state slots.

        A cheap :meth:`empty_like` for building many states in bulk: options
        are immutable values, so sharing them is safe, and each override of
        :meth:`_batch_cells` replaces every mutable state slot it inherits.
        """
        twin = object.__new__(type(self))
        for name in _slot_names(type(self)):
            try:
                value = getattr(self, name)
            except AttributeError:  # pragma: no cover - every slot is set in __init__
                continue
            object.__setattr__(twin, name, value)
        return twin

    @abc.abstractmethod
    def _absorb(self, other: Self) -> None: ...

    @abc.abstractmethod
    def _state_json(self) -> Any: ...

    @abc.abstractmethod
    def _load_state(self, state: Any) -> None: ...

    # --------------------------------------------------------------- time helpers

    def _elapsed(self, start_us: int, end_us: int) -> int:
        if self._calendar is None:
            return end_us - start_us
        return int(self._calendar.elapsed_micros(start_us, end_us))

    def _elapsed_many(self, starts: Any, ends: Any) -> Any:
        import numpy as np

        if self._calendar is None:
            return ends - starts
        return np.asarray(
            self._calendar.elapsed_many(
                starts.astype("datetime64[us]"), ends.astype("datetime64[us]")
            ),
            dtype=np.int64,
        )


@functools.cache
def _slot_names(cls: type) -> tuple[str, ...]:
    return tuple(name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ()) if name)


def cell_counts(cells: Any, mask: Any, count: int) -> list[int]:
    """How many rows of each cell ``0..count-1`` have *mask* set (one ``bincount``)."""
    import numpy as np

    counted: list[int] = np.bincount(cells[mask], minlength=count).tolist()
    return counted


def _keys(columns: Mapping[str, Any]) -> Iterable[Any]:
    keys = getattr(columns, "columns", None)
    return list(keys) if keys is not None else list(columns.keys())


# ------------------------------------------------------------------------ columns


def micros_column(columns: Mapping[str, Any], name: str) -> Any:
    """A column of instants as int64 microseconds since the epoch (NaT/None -> NAT)."""
    import numpy as np

    column = columns[name]
    dt_accessor = getattr(column, "dt", None)
    if dt_accessor is not None and getattr(dt_accessor, "tz", None) is not None:
        column = dt_accessor.tz_convert("UTC").dt.tz_localize(None)
    array = np.asarray(column)
    if array.dtype.kind == "M":
        return array.astype("datetime64[us]").view(np.int64)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind == "f":
        out = np.full(array.shape, NAT, dtype=np.int64)
        ok = ~np.isnan(array)
        out[ok] = array[ok].astype(np.int64)
        return out
    raise ValidationError(
        f"'{name}' must be a datetime64 or integer-microsecond column (got dtype {array.dtype})",
        field=name,
        value=str(array.dtype),
    )


def duration_column(columns: Mapping[str, Any], name: str) -> Any:
    """A column of durations as int64 microseconds (NaT/NaN -> NAT)."""
    import numpy as np

    array = np.asarray(columns[name])
    if array.dtype.kind == "m":
        return array.astype("timedelta64[us]").view(np.int64)
    if array.dtype.kind in "iuf":
        return micros_column(columns, name)
    raise ValidationError(
        f"'{name}' must be a timedelta64 or integer-microsecond column (got dtype {array.dtype})",
        field=name,
        value=str(array.dtype),
    )


def int_column(columns: Mapping[str, Any], name: str, low: int, high: int) -> tuple[Any, Any]:
    """(values as int64, mask of present rows); missing is NaN/None. Values checked in range."""
    import numpy as np

    raw = columns[name]
    to_numpy = getattr(raw, "to_numpy", None)
    array = (
        to_numpy(dtype="float64", na_value=np.nan)
        if to_numpy is not None and getattr(raw, "dtype", None) is not None
        else np.asarray(raw, dtype="float64")
    )
    array = np.asarray(array, dtype="float64")
    present = ~np.isnan(array)
    values = array[present]
    if values.size:
        bad = (values < low) | (values > high) | (values != np.floor(values))
        if bad.any():
            shown = values[bad][0]
            raise ValidationError(
                f"'{name}' must hold whole numbers between {low} and {high} (got {shown:g})",
                field=name,
                value=float(shown),
            )
    out = np.zeros(array.shape, dtype=np.int64)
    out[present] = values.astype(np.int64)
    return out, present


def text_column(columns: Mapping[str, Any], name: str) -> Any:
    """A column of labels as a numpy object array (None for missing)."""
    import numpy as np

    raw = columns[name]
    array = np.array(raw, dtype=object)  # a copy: the caller's column is never changed
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is installed in the test environment
        missing = np.array([v is None or v != v for v in array.tolist()], dtype=bool)
    else:
        missing = np.asarray(pd.isna(array), dtype=bool)
    array[missing] = None
    present = array[~missing].tolist()
    if not all(type(v) is str for v in present):
        array[~missing] = np.array([str(v) for v in present] or [], dtype=object)
    return array


# ------------------------------------------------------------------- durations


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


_DURATIONS: dict[int, pendulum.Duration] = {}
_DURATIONS_KEPT = 4_096


def _duration(micros: int) -> pendulum.Duration:
    """``duration_from_micros``, remembering recent values (Durations are immutable).

    A report builds several durations per cell and many repeat (a minimum of
    zero, the same maximum, a shared bucket value); building a pendulum
    Duration costs far more than finding it again.
    """
    found = _DURATIONS.get(micros)
    if found is None:
        if len(_DURATIONS) >= _DURATIONS_KEPT:
            _DURATIONS.clear()
        found = _DURATIONS[micros] = duration_from_micros(micros)
    return found


def _round_micros(value: Fraction) -> pendulum.Duration:
    return duration_from_micros(round(value))


@final
@attrs.frozen(kw_only=True)
class DurationStats:
    """A summary of durations: count, mean, median, chosen percentiles, min and max.

    ``estimate`` is ``"exact"`` while the sample is small enough to keep every
    value (at most ``exact_limit``) and ``"sketch"`` beyond, where quantiles
    come from a relative-error sketch within ``alpha`` of the exact ones. The
    mean, minimum and maximum are always exact. Each figure is held as whole
    microseconds (``mean_micros``...; quantiles and the mean rounded half to
    even) and read as a ``pendulum.Duration`` through ``mean``, ``median``,
    ``total``, ``minimum``, ``maximum``, ``percentiles`` and
    :meth:`percentile`; ``method`` names the quantile method.

    >>> from servicemodel.kpi import FirstReplyTime
    >>> stats = FirstReplyTime.summarise([60, 120, 180, 240, 3600, 90])
    >>> stats.mean.in_seconds(), stats.median.in_seconds(), stats.percentile(0.9).in_seconds()
    (715, 150, 1920)
    >>> stats.median_micros
    150000000
    """

    count: int
    total_micros: int
    mean_micros: int
    median_micros: int
    minimum_micros: int
    maximum_micros: int
    percentile_micros: tuple[tuple[Fraction, int], ...]
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
        return _duration(self.total_micros)

    @property
    def mean(self) -> pendulum.Duration:
        """The mean duration, rounded half to even to the microsecond.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([60, 90]).mean.in_seconds()
        75
        """
        return _duration(self.mean_micros)

    @property
    def median(self) -> pendulum.Duration:
        """The median under ``method``, rounded half to even to the microsecond.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([60, 90, 600]).median.in_seconds()
        90
        """
        return _duration(self.median_micros)

    @property
    def minimum(self) -> pendulum.Duration:
        """The shortest duration.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([60, 90]).minimum.in_seconds()
        60
        """
        return _duration(self.minimum_micros)

    @property
    def maximum(self) -> pendulum.Duration:
        """The longest duration.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([60, 90]).maximum.in_seconds()
        90
        """
        return _duration(self.maximum_micros)

    @property
    def percentiles(self) -> tuple[tuple[Fraction, pendulum.Duration], ...]:
        """The percentiles asked for, as (level, duration) pairs in increasing level.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> [(str(q), d.in_seconds()) for q, d in FirstReplyTime.summarise([60, 90]).percentiles]
        [('1/2', 75), ('9/10', 87), ('19/20', 88)]
        """
        return tuple((q, _duration(micros)) for q, micros in self.percentile_micros)

    def percentile(self, q: float | Fraction | str) -> pendulum.Duration:
        """The duration at quantile *q* (one of the ``percentiles`` asked for).

        Raises:
            ValidationError: *q* was not among the percentiles computed.

        >>> from servicemodel.kpi import FirstReplyTime
        >>> FirstReplyTime.summarise([60, 120]).percentile(0.5).in_seconds()
        90
        """
        level = to_fraction(q)
        for known, micros in self.percentile_micros:
            if known == level:
                return _duration(micros)
        raise ValidationError(
            f"'q' must be one of the computed percentiles {[str(k) for k, _ in self.percentile_micros]} "
            f"(got {q!r}); pass percentiles=... to the KPI",
            field="q",
            value=q,
        )


_DEFAULT_PERCENTILES = (Fraction(1, 2), Fraction(9, 10), Fraction(95, 100))
DEFAULT_EXACT_LIMIT = 1_000


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
        import numpy as np

        if array.size == 0:
            return
        low, high = _check_durations(array)
        if self.values is not None and self.count + int(array.size) <= self.exact_limit:
            self.values.extend(array.tolist())
            if self._sketch is not None:
                self._sketch.add_array(array)
        else:
            self.sketch.add_array(array)  # built from the kept values first
            self.values = None
        if self.count == 0:
            self.minimum, self.maximum = low, high
        else:
            self.minimum, self.maximum = min(self.minimum, low), max(self.maximum, high)
        self.count += int(array.size)
        if high * array.size < 2**62:
            self.total += int(np.sum(array, dtype=np.int64))
        else:
            self.total += sum(int(x) for x in array.tolist())

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
        filled = [c for c in range(count) if counts[c]]
        bits = int(values.max()).bit_length() if values.size else 0
        packed = bits + max(count - 1, 0).bit_length() <= 62
        if packed:
            ordered = np.sort((cells.astype(np.int64) << bits) | values) & ((1 << bits) - 1)
        else:
            narrow = cells.astype(np.int32) if count < 2**31 else cells
            ordered = values[np.argsort(narrow, kind="stable")]
        minima: list[int] = []
        maxima: list[int] = []
        totals: list[int] = []
        if filled:
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
        # Cells within the cap keep their values (their sketches are built on demand);
        # only the cells past it need their sketch now.
        large = np.asarray(counts, dtype=np.int64) > exact_limit
        sketches: list[RelativeErrorSketch | None] = [None] * count
        if large.any():
            mask = large[cells]
            made = RelativeErrorSketch.grouped(values[mask], cells[mask], count, alpha=alpha)
            sketches = [made[c] if large[c] else None for c in range(count)]
        # Small cells keep their values as sorted numpy arrays (a multiset: add_array's
        # order carries no meaning) until they are read; quantiles read two entries.
        states: list[DurationState] = []
        position = 0
        for cell in range(count):
            state = object.__new__(cls)
            state.alpha = alpha
            state._sketch = sketches[cell]
            state.exact_limit = exact_limit
            n = counts[cell]
            state.count = n
            if n:
                state.minimum, state.maximum = minima[position], maxima[position]
                state.total = totals[position]
                position += 1
                begin, end = bounds[cell], bounds[cell + 1]
                state._values = None
                state._array = None
                if n <= exact_limit:
                    # A copy, not a view: a view would keep the whole batch's array alive.
                    state._array = (
                        ordered[begin:end].copy() if packed else np.sort(ordered[begin:end])
                    )
            else:
                state.minimum = state.maximum = state.total = 0
                state._values = []
                state._array = None
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
            if any(isinstance(x, bool) or not isinstance(x, int) or x < 0 for x in numbers):
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
        # Each figure is quantile_of's exact value rounded half to even (as _round_micros
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
        total_micros=total,
        mean_micros=mean,
        median_micros=median,
        minimum_micros=low,
        maximum_micros=high,
        percentile_micros=tuple(zip(levels, values, strict=True)),
        method=QuantileMethod(name),
        estimate=estimate,
        alpha=alpha,
    )


_HALF = Fraction(1, 2)


def check_percentiles(value: object) -> tuple[Fraction, ...]:
    """Quantile levels as sorted, distinct exact fractions."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(
            f"'percentiles' must be a collection of levels in [0, 1] (got {value!r})",
            field="percentiles",
            value=value,
        )
    return tuple(sorted({to_fraction(q, field="percentiles") for q in value}))


def check_exact_limit(value: object) -> int:
    """The largest sample kept value by value."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise ValidationError(
            f"'exact_limit' must be an integer between 0 and 1000000 (got {value!r})",
            field="exact_limit",
            value=value,
        )
    return value


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
        percentiles: Iterable[float | Fraction | str] = _DEFAULT_PERCENTILES,
        method: QuantileMethod | str = QuantileMethod.LINEAR,
        alpha: float = 0.01,
        exact_limit: int = DEFAULT_EXACT_LIMIT,
    ) -> None:
        from .._validators import enum_member

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
        from .._validators import enum_member

        chosen = (
            self._method if method is None else enum_member(QuantileMethod, method, field="method")
        )
        if self._state.count == 0:
            raise EmptySampleError(f"{self.name} needs at least one observation (got 0)")
        return _round_micros(self._state.quantile(to_fraction(q), chosen))

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
