"""The customer KPIs: time to first contact, retention, churn, the open backlog and its age.

>>> import pendulum
>>> from servicemodel.kpi import Backlog
>>> Backlog.empty(at=pendulum.datetime(2024, 6, 10)).options()
{'at': 1717977600000000}
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Self, final

from .._time import from_micros, to_micros
from ..customers import Customer
from ..exceptions import EmptySampleError, ValidationError
from ..interactions import Interaction
from ._accumulators import Accumulator, state_counts
from ._duration_accumulator import DurationAccumulator
from ._duration_state import DurationState
from ._duration_stats import DurationStats
from ._names import KpiName
from ._options import instant_micros
from ._shapes import KOfN
from ._stats import Count

__all__ = ["AcquisitionToFirstContact", "Backlog", "Churn", "OpenAge", "Retention"]


@final
class AcquisitionToFirstContact(DurationAccumulator):
    """Time from a customer's acquisition to their first contact.

    Feed customers (for ``acquired_at``) and interactions (the earliest
    ``created_at`` per customer wins). Customers whose first contact came
    before acquisition (pre-sales) and customers without contact are left
    out.

    >>> import pendulum
    >>> from servicemodel import Customer, Interaction
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> acc = AcquisitionToFirstContact.empty()
    >>> acc.add(Customer(id="A", acquired_at=t))
    >>> acc.add(Interaction(id="2", customer_id="A", channel="chat", created_at=t.add(days=9)))
    >>> acc.add(Interaction(id="1", customer_id="A", channel="chat", created_at=t.add(days=3)))
    >>> acc.result().median
    Duration(days=3)
    """

    kpi = KpiName.ACQUISITION_TO_FIRST_CONTACT
    item_types = (Customer, Interaction)
    __slots__ = ("_acquired", "_first")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._acquired: dict[str, int] = {}
        self._first: dict[str, int] = {}

    def _add(self, item: Customer | Interaction) -> None:
        if isinstance(item, Customer):
            key, value, book = item.id, to_micros(item.acquired_at), self._acquired
        else:
            key, value, book = item.customer_id, to_micros(item.created_at), self._first
        book[key] = min(book.get(key, value), value)

    def _absorb(self, other: Self) -> None:
        for mine, theirs in ((self._acquired, other._acquired), (self._first, other._first)):
            for key, value in theirs.items():
                mine[key] = min(mine.get(key, value), value)

    def _state_json(self) -> Any:
        return {
            "acquired": [[k, self._acquired[k]] for k in sorted(self._acquired)],
            "first": [[k, self._first[k]] for k in sorted(self._first)],
        }

    def _load_state(self, state: Any) -> None:
        try:
            acquired = {str(k): int(v) for k, v in state["acquired"]}
            first = {str(k): int(v) for k, v in state["first"]}
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                f"'state' must hold acquired and first pairs (got {state!r:.80})",
                field="state",
                value=state,
            ) from None
        self._acquired, self._first = acquired, first

    def result(self) -> DurationStats:
        """The summary of acquisition-to-first-contact times.

        >>> AcquisitionToFirstContact.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: acquisition_to_first_contact needs at least one observation (got 0)
        """
        return super().result()

    def _summary_state(self) -> DurationState:
        state = DurationState(alpha=self._state.alpha, exact_limit=self._state.exact_limit)
        for key in sorted(self._acquired):
            first = self._first.get(key)
            if first is not None and first >= self._acquired[key]:
                state.add(self._elapsed(self._acquired[key], first))
        return state


class _CustomerPeriod(KOfN):
    item_types = (Customer,)
    __slots__ = ("_end", "_start")

    def __init__(self, *, start: _dt.datetime | int, end: _dt.datetime | int) -> None:
        super().__init__()
        self._start = instant_micros(start, "start")
        self._end = instant_micros(end, "end")
        if self._end < self._start:
            raise ValidationError(
                f"'end' must not be before 'start' (got {end!r} < {start!r})",
                field="end",
                value=end,
            )

    def options(self) -> dict[str, Any]:
        return {"start": self._start, "end": self._end}

    @staticmethod
    def _active(customer: Customer, at: int) -> bool:
        if to_micros(customer.acquired_at) > at:
            return False
        return customer.churned_at is None or to_micros(customer.churned_at) > at


@final
class Retention(_CustomerPeriod):
    """Customer retention over [start, end]: of the customers active at start, the share still active at end.

    Equal to (E - N) / S when every new customer is still active at the
    end; :func:`servicemodel.kpi.retention_rate` computes that formula from
    the three counts.

    >>> import pendulum
    >>> from servicemodel import Customer
    >>> jan, jul = pendulum.datetime(2024, 1, 1), pendulum.datetime(2024, 7, 1)
    >>> acc = Retention.empty(start=jan, end=jul)
    >>> acc.add_many([Customer(id="A", acquired_at=jan.subtract(days=9)),
    ...               Customer(id="B", acquired_at=jan.subtract(days=9), churned_at=jan.add(days=9)),
    ...               Customer(id="C", acquired_at=jan.add(days=9))])
    >>> acc.result().value
    Fraction(1, 2)
    """

    kpi = KpiName.RETENTION
    __slots__ = ()

    def _add(self, item: Customer) -> None:
        if self._active(item, self._start):
            self._tally(self._active(item, self._end))


@final
class Churn(_CustomerPeriod):
    """Customer churn over [start, end]: of the customers active at start, the share gone by end.

    >>> import pendulum
    >>> from servicemodel import Customer
    >>> jan, jul = pendulum.datetime(2024, 1, 1), pendulum.datetime(2024, 7, 1)
    >>> acc = Churn.empty(start=jan, end=jul)
    >>> acc.add(Customer(id="B", acquired_at=jan.subtract(days=9), churned_at=jan.add(days=9)))
    >>> acc.result().value
    Fraction(1, 1)
    """

    kpi = KpiName.CHURN
    __slots__ = ()

    def _add(self, item: Customer) -> None:
        if self._active(item, self._start):
            self._tally(not self._active(item, self._end))


@final
class Backlog(Accumulator[Count]):
    """Backlog at an instant: interactions created by ``at`` and not solved or closed at ``at``.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> done = Interaction(id="1", customer_id="C", channel="chat", created_at=t,
    ...                    events=[StatusChange(at=t.add(hours=1), status="solved")])
    >>> waiting = Interaction(id="2", customer_id="C", channel="chat", created_at=t)
    >>> acc = Backlog.empty(at=t.add(hours=2)); acc.add_many([done, waiting])
    >>> acc.result().value
    1
    """

    kpi = KpiName.BACKLOG
    item_types = (Interaction,)
    __slots__ = ("_at", "_instant", "_n", "_open")

    def __init__(self, *, at: _dt.datetime | int) -> None:
        super().__init__()
        self._at = instant_micros(at, "at")
        self._instant = from_micros(self._at)
        self._n = 0
        self._open = 0

    def options(self) -> dict[str, Any]:
        return {"at": self._at}

    def _add(self, item: Interaction) -> None:
        self._n += 1
        self._open += item.is_open_at(self._instant)

    def _absorb(self, other: Self) -> None:
        self._n += other._n
        self._open += other._open

    def _state_json(self) -> Any:
        return {"open": self._open, "n": self._n}

    def _load_state(self, state: Any) -> None:
        self._open, self._n = state_counts(state, ("open", "n"))

    def result(self) -> Count:
        """The number open at ``at``, out of the interactions seen.

        >>> import pendulum
        >>> Backlog.empty(at=pendulum.datetime(2024, 1, 1)).result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: backlog needs at least one interaction (got 0)
        """
        if self._n == 0:
            raise EmptySampleError(f"{self.name} needs at least one interaction (got 0)")
        return Count(value=self._open, n=self._n)


@final
class OpenAge(DurationAccumulator):
    """The age at ``at`` of each interaction open then (created by ``at``, not solved or closed at ``at``).

    The interactions :class:`Backlog` counts, each measured from creation to
    ``at``: calendar time, or business time with ``calendar=``. Zendesk's
    unsolved ticket age, read at the report instant. Needs event logs.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> waiting = Interaction(id="1", customer_id="C", channel="chat", created_at=t)
    >>> done = Interaction(id="2", customer_id="C", channel="chat", created_at=t,
    ...                    events=[StatusChange(at=t.add(hours=1), status="solved")])
    >>> acc = OpenAge.empty(at=t.add(hours=5)); acc.add_many([waiting, done])
    >>> acc.result().median, acc.result().count
    (Duration(hours=5), 1)
    """

    kpi = KpiName.OPEN_AGE
    item_types = (Interaction,)
    __slots__ = ("_at", "_instant")

    def __init__(self, *, at: _dt.datetime | int, **options: Any) -> None:
        super().__init__(**options)
        self._at = instant_micros(at, "at")
        self._instant = from_micros(self._at)

    def options(self) -> dict[str, Any]:
        return {"at": self._at, **super().options()}

    def _native_options(self) -> dict[str, Any]:
        return {**super()._native_options(), "at": self._at}

    def _add(self, item: Interaction) -> None:
        if item.is_open_at(self._instant):
            self._add_micros(self._elapsed(to_micros(item.created_at), self._at))
