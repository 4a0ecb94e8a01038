"""The time KPIs of a ticket: first and next reply, resolution and handle time.

>>> import pendulum
>>> from servicemodel.kpi import HandleTime
>>> acc = HandleTime.empty(); acc.add_duration(pendulum.duration(minutes=4))
>>> acc.result().median
Duration(minutes=4)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Final, final

from .._log._clock_input import clock_input
from .._log._facts import log_facts
from .._log._interaction_history import handle_micros
from .._validators import enum_member
from ..interactions import Interaction
from ._column_readers import NAT, duration_column, micros_column
from ._duration_accumulator import DurationAccumulator
from ._names import KpiName

__all__ = [
    "Aht",
    "FirstReplyTime",
    "HandleTime",
    "NextReplyTime",
    "ResolutionTime",
    "ResolutionVariant",
]


def _first_reply_micros(item: Interaction) -> int | None:
    return log_facts(item).first_reply_us


@final
class FirstReplyTime(DurationAccumulator):
    """Creation to the first public human agent reply (bots and private notes do not count).

    Durations are in calendar time, or in business time with ``calendar=``.
    The summary gives count, mean, median and ``percentiles`` under the named
    quantile ``method``; unanswered interactions are skipped. Columns:
    ``created_at``, ``first_reply_at``.

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t,
    ...                 events=[Message(at=t.add(minutes=30), author="agent")])
    >>> acc = FirstReplyTime.empty(); acc.add(i); acc.result().median
    Duration(minutes=30)
    """

    kpi = KpiName.FIRST_REPLY_TIME
    item_types = (Interaction,)
    columns = ("created_at", "first_reply_at")
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        end = _first_reply_micros(item)
        if end is not None:
            self._add_micros(self._elapsed(log_facts(item).created_us, end))

    def _batch_values(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        return _span_values(self, columns, "created_at", "first_reply_at")


def _span_values(
    acc: DurationAccumulator, columns: Mapping[str, Any], a: str, b: str
) -> tuple[Any, Any]:
    """Elapsed time from column *a* to column *b* over the rows that have both."""
    import numpy as np

    starts = micros_column(columns, a)
    ends = micros_column(columns, b)
    ok = (starts != NAT) & (ends != NAT)
    starts, ends = starts[ok], ends[ok]
    if acc._calendar is None:
        values = ends - starts
    else:
        values = acc._elapsed_many(starts.view("datetime64[us]"), ends.view("datetime64[us]"))
    return np.asarray(values, dtype=np.int64), ok


@final
class NextReplyTime(DurationAccumulator):
    """From the oldest unanswered public customer message to the next public agent reply.

    Counted after the first reply (which :class:`FirstReplyTime` measures), so
    one interaction can give several next-reply times. A time runs until an
    agent replies: solving the interaction does not end it (the SLA
    ``next_reply`` clock, which follows the same rule, completes at the solve
    instead, as a clock has nothing left to wait for). Needs event logs (no
    batch path).

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     Message(at=t, author="customer"), Message(at=t.add(minutes=5), author="agent"),
    ...     Message(at=t.add(minutes=10), author="customer"),
    ...     Message(at=t.add(minutes=12), author="customer"),
    ...     Message(at=t.add(minutes=40), author="agent")])
    >>> acc = NextReplyTime.empty(); acc.add(i); acc.result().median
    Duration(minutes=30)
    """

    kpi = KpiName.NEXT_REPLY_TIME
    item_types = (Interaction,)
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        # The interaction's reply waits (the one next-reply rule, shared with the SLA
        # clocks): each answered wait is one next-reply time; an unanswered one is not.
        for start, end in clock_input(item).reply_waits.windows:
            if end is not None:
                self._add_micros(self._elapsed(start, end))  # type: ignore[arg-type]


class ResolutionVariant(enum.Enum):
    """Which solve ends resolution time: the last (full resolution, default) or the first.

    >>> ResolutionVariant.FULL.value
    'full'
    """

    FULL = "full"
    FIRST = "first"


@final
class ResolutionTime(DurationAccumulator):
    """Creation to solved: the last solve (``full``, default) or the first (``first``).

    Unsolved interactions are skipped. Columns: ``created_at`` and
    ``last_solved_at`` (full) or ``first_solved_at`` (first).

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     StatusChange(at=t.add(hours=1), status="solved"),
    ...     StatusChange(at=t.add(hours=2), status="open"),
    ...     StatusChange(at=t.add(hours=5), status="solved")])
    >>> ResolutionTime.summarise_items([i]).median, ResolutionTime.summarise_items(
    ...     [i], variant="first").median
    (Duration(hours=5), Duration(hours=1))
    """

    kpi = KpiName.RESOLUTION_TIME
    item_types = (Interaction,)
    __slots__ = ("_variant",)

    def __init__(
        self, *, variant: ResolutionVariant | str = ResolutionVariant.FULL, **options: Any
    ) -> None:
        super().__init__(**options)
        self._variant = enum_member(ResolutionVariant, variant, field="variant")

    @property
    def columns(self) -> tuple[str, ...]:  # type: ignore[override]
        """The columns the batch path reads for this variant.

        >>> ResolutionTime.empty(variant="first").columns
        ('created_at', 'first_solved_at')
        """
        end = "last_solved_at" if self._variant is ResolutionVariant.FULL else "first_solved_at"
        return ("created_at", end)

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value, **super().options()}

    def _native_options(self) -> dict[str, Any]:
        return {**super()._native_options(), "variant": self._variant}

    def _add(self, item: Interaction) -> None:
        facts = log_facts(item)
        solved = facts.last_solved_us if self._variant is _FULL else facts.first_solved_us
        if solved is not None:
            self._add_micros(self._elapsed(facts.created_us, solved))

    def _batch_values(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        return _span_values(self, columns, *self.columns)


class _HandleTimeBase(DurationAccumulator):
    item_types = (Interaction,)
    columns = ("handle_time",)
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        value = handle_micros(item)
        if value is not None:
            self._add_micros(value)

    def _batch_values(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        values = duration_column(columns, "handle_time")
        tracked = values != NAT
        return values[tracked], tracked


@final
class HandleTime(_HandleTimeBase):
    """The agents' recorded effort per interaction (sum of agent messages' ``work``).

    Interactions with no tracked work are skipped (not counted as zero).
    Column: ``handle_time`` (timedelta, NaT when untracked).

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="phone", created_at=t,
    ...     events=[Message(at=t, author="agent", work=pendulum.duration(minutes=6))])
    >>> acc = HandleTime.empty(); acc.add(i); acc.result().mean
    Duration(minutes=6)
    """

    kpi = KpiName.HANDLE_TIME
    __slots__ = ()


@final
class Aht(_HandleTimeBase):
    """AHT, average handle time: the ``mean`` of :class:`HandleTime` (same state, own name).

    >>> import pendulum
    >>> acc = Aht.empty(); acc.add_duration(pendulum.duration(minutes=4))
    >>> acc.add_duration(pendulum.duration(minutes=6)); acc.result().mean
    Duration(minutes=5)
    """

    kpi = KpiName.AHT
    __slots__ = ()


# The members the per-item paths compare, held: a member looked up on its enum class
# costs the class's ``__getattr__`` hook each time (once per interaction per KPI).
_FULL: Final = ResolutionVariant.FULL
