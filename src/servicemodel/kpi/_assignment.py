"""The assignment KPIs: reassignments, distinct assignees and groups, time to first assignment, unassigned time.

Each reads the interaction's assignment history
(:meth:`~servicemodel.Interaction.reassignment_count`,
:meth:`~servicemodel.Interaction.assignees`,
:meth:`~servicemodel.Interaction.first_assigned_at`, ...).

>>> import pendulum
>>> from servicemodel import Assignment, Interaction
>>> t = pendulum.datetime(2024, 6, 10, 9)
>>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
...     Assignment(at=t.add(minutes=15), agent_id="A-1"),
...     Assignment(at=t.add(hours=2), agent_id="A-2")])
>>> acc = Reassignments.empty(); acc.add(i); acc.result().value
Fraction(1, 1)
"""

from __future__ import annotations

from typing import Any, Self, final

from .._time import to_micros
from ..exceptions import EmptySampleError
from ..interactions import Interaction
from ._accumulators import Accumulator, state_counts
from ._duration_accumulator import AsOfDuration, DurationAccumulator
from ._names import KpiName
from ._stats import Mean

__all__ = [
    "DistinctAssignees",
    "DistinctGroups",
    "Reassignments",
    "TimeToFirstAssignment",
    "UnassignedTime",
]


class CountPerInteraction(Accumulator[Mean]):
    """Base of the per-interaction count KPIs: the exact mean of one count over interactions.

    State: the number of interactions, the sum of the counts and the sum of
    their squares (integers, so merging is exact). Every interaction added
    counts, with its count as it stands (zero included).
    """

    item_types = (Interaction,)
    __slots__ = ("_n", "_squares", "_total")

    def __init__(self) -> None:
        super().__init__()
        self._n = 0
        self._total = 0
        self._squares = 0

    def _count(self, item: Interaction) -> int:  # pragma: no cover - every KPI overrides it
        raise NotImplementedError

    def _add(self, item: Interaction) -> None:
        count = self._count(item)
        self._n += 1
        self._total += count
        self._squares += count * count

    def _absorb(self, other: Self) -> None:
        self._n += other._n
        self._total += other._total
        self._squares += other._squares

    def _state_json(self) -> Any:
        return {"n": self._n, "total": self._total, "squares": self._squares}

    def _load_state(self, state: Any) -> None:
        self._n, self._total, self._squares = state_counts(state, ("n", "total", "squares"))

    def result(self) -> Mean:
        """The mean count per interaction, exact, with a normal-approximation interval.

        >>> Reassignments.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: reassignments needs at least one interaction (got 0)
        """
        if self._n == 0:
            raise EmptySampleError(f"{self.name} needs at least one interaction (got 0)")
        return Mean.of_sums(n=self._n, total=self._total, squares=self._squares)


@final
class Reassignments(CountPerInteraction):
    """Reassignments (handoffs) per interaction: agent-to-agent changes, the first assignment not counted.

    Zendesk's ``reassignments`` ticket metric, averaged.

    >>> import pendulum
    >>> from servicemodel import Assignment, Interaction
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> once = Interaction(id="1", customer_id="C", channel="email", created_at=t,
    ...                    events=[Assignment(at=t, agent_id="A-1")])
    >>> acc = Reassignments.empty(); acc.add(once); acc.result().value
    Fraction(0, 1)
    """

    kpi = KpiName.REASSIGNMENTS
    __slots__ = ()

    def _count(self, item: Interaction) -> int:
        return item.reassignment_count()


@final
class DistinctAssignees(CountPerInteraction):
    """Distinct agents assigned per interaction (Zendesk's ``assignee_stations``), averaged.

    >>> import pendulum
    >>> from servicemodel import Assignment, Interaction
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="1", customer_id="C", channel="email", created_at=t, events=[
    ...     Assignment(at=t, agent_id="A-1"), Assignment(at=t, agent_id="A-2"),
    ...     Assignment(at=t, agent_id="A-1")])
    >>> acc = DistinctAssignees.empty(); acc.add(i); acc.result().value
    Fraction(2, 1)
    """

    kpi = KpiName.DISTINCT_ASSIGNEES
    __slots__ = ()

    def _count(self, item: Interaction) -> int:
        return len(item.assignees())


@final
class DistinctGroups(CountPerInteraction):
    """Distinct groups assigned per interaction (Zendesk's ``group_stations``), averaged.

    >>> import pendulum
    >>> from servicemodel import Assignment, Interaction
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="1", customer_id="C", channel="email", created_at=t, events=[
    ...     Assignment(at=t, group="tier-1"), Assignment(at=t, group="tier-2")])
    >>> acc = DistinctGroups.empty(); acc.add(i); acc.result().value
    Fraction(2, 1)
    """

    kpi = KpiName.DISTINCT_GROUPS
    __slots__ = ()

    def _count(self, item: Interaction) -> int:
        return len(item.assigned_groups())


@final
class TimeToFirstAssignment(DurationAccumulator):
    """Creation to the first assignment of an agent (a group alone does not count).

    Never-assigned interactions are skipped. Calendar time, or business
    time with ``calendar=``. Needs event logs (no batch path).

    >>> import pendulum
    >>> from servicemodel import Assignment, Interaction
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="1", customer_id="C", channel="email", created_at=t,
    ...                 events=[Assignment(at=t.add(minutes=25), agent_id="A-1")])
    >>> acc = TimeToFirstAssignment.empty(); acc.add(i); acc.result().median
    Duration(minutes=25)
    """

    kpi = KpiName.TIME_TO_FIRST_ASSIGNMENT
    item_types = (Interaction,)
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        assigned = item.first_assigned_at()
        if assigned is not None:
            self._add_micros(self._elapsed(to_micros(item.created_at), to_micros(assigned)))


@final
class UnassignedTime(AsOfDuration):
    """Time without an assigned agent, from creation until the interaction was (last) resolved.

    Without ``as_of`` (default) only resolved interactions are measured,
    up to their last resolution; with ``as_of`` every interaction created by
    then is measured up to its last resolution before ``as_of``, or up to
    ``as_of`` while it is unresolved then. Calendar time, or business time
    with ``calendar=``. Needs event logs (no batch path).

    >>> import pendulum
    >>> from servicemodel import Assignment, Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="1", customer_id="C", channel="email", created_at=t, events=[
    ...     Assignment(at=t.add(minutes=10), agent_id="A-1"),
    ...     Assignment(at=t.add(minutes=30), agent_id=None),
    ...     Assignment(at=t.add(minutes=50), agent_id="A-2"),
    ...     StatusChange(at=t.add(hours=2), status="solved")])
    >>> acc = UnassignedTime.empty(); acc.add(i); acc.result().median
    Duration(minutes=30)
    """

    kpi = KpiName.UNASSIGNED_TIME
    item_types = (Interaction,)
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        if self._until is not None:
            if not self._counts(item):
                return
            item = item.as_of(self._until)
        solved = item.last_solved_at()
        if item.status().is_resolved and solved is not None:
            until = solved
        elif self._until is not None:
            until = self._until
        else:
            return
        total = 0
        for start, end in item.unassigned_spans(until):
            total += self._elapsed(to_micros(start), to_micros(end))
        self._add_micros(total)
