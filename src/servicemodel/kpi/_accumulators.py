"""The accumulator protocol every KPI follows, and the business-time protocol it reads.

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
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, runtime_checkable

from .._validators import is_integer
from ..exceptions import ValidationError
from ._names import KpiName

__all__ = ["Accumulator", "BusinessTime"]

R = TypeVar("R")


@runtime_checkable
class BusinessTime(Protocol):
    """What a KPI needs from a business calendar: integer elapsed time, scalar and vectorised.

    ``servicemodel.sla.BusinessCalendar`` provides it; ``None`` wherever a
    calendar is accepted means calendar (wall-clock) time.

    >>> isinstance(None, BusinessTime)
    False
    """

    def _elapsed_us(self, start_us: int, end_us: int) -> int:
        """Open microseconds in [start, end); instants are UTC epoch microseconds.

        >>> from servicemodel.sla import BusinessCalendar
        >>> calendar: BusinessTime = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> mon_8 = 1718006400000000  # Mon 10 June 2024 08:00 UTC
        >>> calendar._elapsed_us(mon_8, mon_8 + 3 * 3_600_000_000) // 3_600_000_000
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
    #: Every slot of the class and its bases (set per class by ``__init_subclass__``).
    _slot_names: ClassVar[tuple[str, ...]] = ()
    __slots__ = ("_calendar",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kpi" in cls.__dict__:
            cls.name = cls.kpi.value
        cls._slot_names = tuple(
            name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ()) if name
        )

    def __init__(self, *, calendar: BusinessTime | None = None) -> None:
        if calendar is not None and not isinstance(calendar, BusinessTime):
            raise ValidationError(
                "'calendar' must be a business calendar with _elapsed_us and elapsed_many, "
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
        return target._rebuilt(
            lambda: target._from_options(dict(options), calendar), options, data.get("state")
        )

    @classmethod
    def _rebuilt(cls, build: Callable[[], Self], options: Mapping[str, Any], state: Any) -> Self:
        """What *build* makes of *options*, with *state* loaded; options it refuses are named."""
        try:
            made = build()
        except TypeError as error:
            raise ValidationError(
                f"'options' must be options of {cls.name} (got {dict(options)!r:.80}): {error}",
                field="options",
                value=options,
            ) from None
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
        for slot in type(self)._slot_names:
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
        for name in type(self)._slot_names:
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
        return int(self._calendar._elapsed_us(start_us, end_us))

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


def cell_counts(cells: Any, mask: Any, count: int) -> list[int]:
    """How many rows of each cell ``0..count-1`` have *mask* set (one ``bincount``)."""
    import numpy as np

    counted: list[int] = np.bincount(cells[mask], minlength=count).tolist()
    return counted


def _keys(columns: Mapping[str, Any]) -> Iterable[Any]:
    keys = getattr(columns, "columns", None)
    return list(keys) if keys is not None else list(columns.keys())


def state_counts(state: Any, keys: tuple[str, ...]) -> list[int]:
    """The named non-negative integer counts of a JSON state, or a ValidationError."""
    values = [state.get(k) for k in keys] if isinstance(state, Mapping) else [None]
    checked: list[int] = []
    for value in values:
        if not is_integer(value, low=0):
            raise ValidationError(
                f"'state' must hold the counts {list(keys)} (got {state!r:.80})",
                field="state",
                value=state,
            )
        checked.append(value)
    return checked
