"""SLA compliance as a KPI: met / (met + breached) over the SLA evaluator's outcomes.

Each interaction is evaluated under a :class:`~servicemodel.sla.PolicySet`
as of one instant (:func:`servicemodel.sla.evaluate`); every clock instance
with a target gives one outcome, ``met``, ``breached`` or ``pending``. The
state counts the three per target (policy, priority, metric) in integers, so
it merges exactly like every other accumulator. Pending clocks (still running
and not breached) are not evaluated yet and stay out of the rate; a clock
that already overran its target counts as breached even while it runs.

>>> import pendulum
>>> from servicemodel import Interaction, Message
>>> from servicemodel.sla import PolicySet, SlaPolicy, Target
>>> t = pendulum.datetime(2024, 6, 10, 9)
>>> policies = PolicySet(policies=[SlaPolicy(name="Standard", targets={
...     "normal": [Target(metric="first_reply", within=pendulum.duration(hours=1))]})])
>>> def ticket(n, minutes):
...     return Interaction(id=f"T-{n}", customer_id="C", channel="email", created_at=t,
...                        events=[Message(at=t.add(minutes=minutes), author="agent")])
>>> acc = SlaCompliance.empty(policies=policies, as_of=t.add(hours=4))
>>> acc.add_many([ticket(1, 30), ticket(2, 50), ticket(3, 90)])
>>> acc.result().value
Fraction(2, 3)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import Any, Self, final

import attrs

from .._log._facts import log_facts
from .._time import aware, from_micros, to_micros
from .._validators import check_item, enum_member, is_integer
from ..customers import Customer
from ..exceptions import EmptySampleError, ValidationError
from ..interactions import Interaction, Priority
from ..sla import Metric, Outcome, PolicySet, evaluate
from ._accumulators import Accumulator, BusinessTime
from ._names import KpiName
from ._stats import Rate, wilson_interval

__all__ = ["SlaCompliance", "TargetCompliance", "sla_compliance"]

_Key = tuple[str, Priority, Metric]
_PRIORITY_ORDER = {p: i for i, p in enumerate(Priority)}
_METRIC_ORDER = {m: i for i, m in enumerate(Metric)}
_MET, _BREACHED, _PENDING = 0, 1, 2
#: By the outcome's value: a string's hash is kept, an enum member's is worked out in Python.
_SLOT = {
    Outcome.MET.value: _MET,
    Outcome.BREACHED.value: _BREACHED,
    Outcome.PENDING.value: _PENDING,
}


@final
@attrs.frozen(kw_only=True)
class TargetCompliance:
    """Compliance with one target: a policy's target for one priority and metric.

    ``met`` and ``breached`` are the evaluated clock instances; ``pending``
    the ones still running within their target, which the rate leaves out.

    >>> from servicemodel import Priority
    >>> from servicemodel.sla import Metric
    >>> row = TargetCompliance(policy="Standard", priority=Priority.NORMAL,
    ...                        metric=Metric.FIRST_REPLY, met=3, breached=1, pending=2)
    >>> row.evaluated, row.rate().value
    (4, Fraction(3, 4))
    """

    policy: str
    priority: Priority
    metric: Metric
    met: int
    breached: int
    pending: int

    @property
    def evaluated(self) -> int:
        """Met plus breached: the clocks the rate rests on.

        >>> from servicemodel import Priority
        >>> from servicemodel.sla import Metric
        >>> TargetCompliance(policy="P", priority=Priority.LOW, metric=Metric.RESOLUTION,
        ...                  met=0, breached=0, pending=5).evaluated
        0
        """
        return self.met + self.breached

    def rate(self) -> Rate:
        """met / (met + breached) with its Wilson interval.

        Raises:
            EmptySampleError: no clock of this target is evaluated yet.

        >>> from servicemodel import Priority
        >>> from servicemodel.sla import Metric
        >>> TargetCompliance(policy="P", priority=Priority.LOW, metric=Metric.RESOLUTION,
        ...                  met=0, breached=0, pending=5).rate()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: sla_compliance of P / low / resolution needs at least one met or breached clock (got 0; 5 pending)
        """
        if self.evaluated == 0:
            raise EmptySampleError(
                f"sla_compliance of {self.policy} / {self.priority.value} / {self.metric.value} "
                f"needs at least one met or breached clock (got 0; {self.pending} pending)"
            )
        return wilson_interval(self.met, self.evaluated)


def _policy_set(value: object) -> PolicySet:
    if not isinstance(value, PolicySet):
        raise ValidationError(
            f"'policies' must be a PolicySet (got {type(value).__name__} {value!r:.60}); "
            "load a document with servicemodel.sla.load_policies",
            field="policies",
            value=value,
        )
    return value


def _as_of(value: object) -> int:
    if is_integer(value):
        return value
    return to_micros(aware(value, field="as_of"))


def _customers(value: object) -> dict[str, Customer] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(
            f"'customers' must be a collection of Customer records (got {value!r:.60})",
            field="customers",
            value=value,
        )
    found: dict[str, Customer] = {}
    for index, customer in enumerate(value):
        check_item(customer, Customer, field="customers", index=index)
        if customer.id in found:
            raise ValidationError(
                f"'customers[{index}]' must not repeat a customer id (got {customer.id!r} twice)",
                field=f"customers[{index}]",
                value=customer.id,
            )
        found[customer.id] = customer
    return found


def _optional_member(enum_type: Any, value: object, field: str) -> Any:
    return None if value is None else enum_member(enum_type, value, field=field)


def _names(policies: PolicySet) -> list[str]:
    return [policy.name for policy in policies.policies]


@final
class SlaCompliance(Accumulator[Rate]):
    """SLA compliance: met / (met + breached) clock instances, with a Wilson interval.

    Each interaction added is evaluated under *policies* as of *as_of*
    (:func:`servicemodel.sla.evaluate`) and each of its clock instances with
    a target counts once: met, breached, or pending (left out of the rate).
    *metric* and *priority* restrict the count to one metric or to the
    priority whose target applied; *customers* supplies the records that
    segment and tier conditions read (matched by ``customer_id``). An
    interaction created after *as_of* has no clock yet and is skipped.

    The policy set (and the customers) travel with the accumulator when it is
    pickled; its JSON form names the policies and must be given the same
    policy set again (:meth:`from_json`), as a business-time state is given
    its calendar. :meth:`breakdown` splits the counts per target. There is
    no batch path: the evaluator needs each interaction's event log.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> from servicemodel.sla import PolicySet, SlaPolicy, Target
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> policies = PolicySet(policies=[SlaPolicy(name="All", targets={"normal": [
    ...     Target(metric="resolution", within=pendulum.duration(hours=8))]})])
    >>> solved = Interaction(id="T-1", customer_id="C", channel="email", created_at=t,
    ...                      events=[StatusChange(at=t.add(hours=2), status="solved")])
    >>> running = Interaction(id="T-2", customer_id="C", channel="email", created_at=t)
    >>> acc = SlaCompliance.empty(policies=policies, as_of=t.add(hours=3))
    >>> acc.add_many([solved, running])
    >>> acc.result().value, acc.breakdown()[0].pending
    (Fraction(1, 1), 1)
    """

    kpi = KpiName.SLA_COMPLIANCE
    item_types = (Interaction,)
    __slots__ = (
        "_as_of",
        "_as_of_dt",
        "_counts",
        "_customers",
        "_metric",
        "_policies",
        "_priority",
    )

    def __init__(
        self,
        *,
        policies: PolicySet,
        as_of: _dt.datetime | int,
        metric: Metric | str | None = None,
        priority: Priority | str | None = None,
        customers: Iterable[Customer] | None = None,
    ) -> None:
        super().__init__()
        self._policies = _policy_set(policies)
        self._as_of = _as_of(as_of)
        self._as_of_dt = from_micros(self._as_of)
        self._metric: Metric | None = _optional_member(Metric, metric, "metric")
        self._priority: Priority | None = _optional_member(Priority, priority, "priority")
        self._customers = _customers(customers)
        self._counts: dict[_Key, list[int]] = {}

    # ------------------------------------------------------------------ options

    @property
    def policies(self) -> PolicySet:
        """The policy set the interactions are evaluated under.

        >>> import pendulum
        >>> from servicemodel.sla import PolicySet
        >>> SlaCompliance.empty(policies=PolicySet(policies=[]),
        ...                     as_of=pendulum.datetime(2024, 6, 1)).policies.policies
        ()
        """
        return self._policies

    def options(self) -> dict[str, Any]:
        """The options as JSON: policy names, ``as_of`` in epoch microseconds, filters.

        >>> import pendulum
        >>> from servicemodel.sla import PolicySet, SlaPolicy
        >>> SlaCompliance.empty(policies=PolicySet(policies=[SlaPolicy(name="A")]),
        ...                     as_of=pendulum.datetime(2024, 6, 1), metric="resolution").options()
        {'policies': ['A'], 'as_of': 1717200000000000, 'metric': 'resolution', 'priority': None, 'customers': False}
        """
        return {
            "policies": _names(self._policies),
            "as_of": self._as_of,
            "metric": None if self._metric is None else self._metric.value,
            "priority": None if self._priority is None else self._priority.value,
            "customers": self._customers is not None,
        }

    def empty_like(self) -> Self:
        """A new, empty accumulator sharing this one's policy set, instant, filters and customers.

        >>> import pendulum
        >>> from servicemodel.sla import PolicySet
        >>> acc = SlaCompliance.empty(policies=PolicySet(policies=[]),
        ...                           as_of=pendulum.datetime(2024, 6, 1))
        >>> acc.empty_like() == acc
        True
        """
        twin = object.__new__(type(self))
        twin._calendar = None
        twin._policies = self._policies
        twin._as_of, twin._as_of_dt = self._as_of, self._as_of_dt
        twin._metric, twin._priority = self._metric, self._priority
        twin._customers = self._customers
        twin._counts = {}
        return twin

    @classmethod
    def _from_options(cls, options: dict[str, Any], calendar: BusinessTime | None) -> Self:
        # Reached from Accumulator.from_json, which has no policy set to give.
        raise ValidationError(
            f"'policies' must be given: this {cls.name} state evaluates the SLA policies "
            f"{options.get('policies')!r}; rebuild it with "
            "SlaCompliance.from_json(data, policies=...)",
            field="policies",
            value=None,
        )

    @classmethod
    def from_json(
        cls,
        data: Mapping[str, Any],
        *,
        calendar: BusinessTime | None = None,
        policies: PolicySet | None = None,
        customers: Iterable[Customer] | None = None,
    ) -> SlaCompliance:
        """Rebuild a state from :meth:`to_json` output, given its policy set again.

        The JSON names the policies it was built with; *policies* must hold
        the same names in the same order. *customers* must be given when the
        state was built with customer records, and only then.

        Raises:
            ValidationError: the data is not an sla_compliance state, the
                policy set is missing or another one, or the customers are
                missing or unexpected.

        >>> import json, pendulum
        >>> from servicemodel.sla import PolicySet, SlaPolicy
        >>> ps = PolicySet(policies=[SlaPolicy(name="A")])
        >>> acc = SlaCompliance.empty(policies=ps, as_of=pendulum.datetime(2024, 6, 1))
        >>> SlaCompliance.from_json(json.loads(json.dumps(acc.to_json())), policies=ps) == acc
        True
        >>> SlaCompliance.from_json(acc.to_json(), policies=PolicySet(policies=[]))
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'policies' must be the policy set this state was built with (policies ['A']; got [])
        """
        if not isinstance(data, Mapping) or data.get("kpi") != cls.name:
            raise ValidationError(
                f"'data' must be a dict with 'kpi': {cls.name!r} (got {data!r:.80})",
                field="data",
                value=data,
            )
        if calendar is not None:
            raise ValidationError(
                f"'calendar' must be None for {cls.name}: targets name their calendars in "
                "the policy set",
                field="calendar",
                value=calendar,
            )
        options = data.get("options")
        if not isinstance(options, Mapping):
            raise ValidationError(
                f"'options' must be a dict (got {options!r:.80})", field="options", value=options
            )
        if policies is None:
            cls._from_options(dict(options), None)
        chosen = _policy_set(policies)
        if options.get("policies") != _names(chosen):
            raise ValidationError(
                "'policies' must be the policy set this state was built with "
                f"(policies {options.get('policies')!r}; got {_names(chosen)!r})",
                field="policies",
                value=_names(chosen),
            )
        wanted = options.get("customers")
        if wanted is not (customers is not None):
            raise ValidationError(
                "'customers' must be given exactly when the state was built with customer "
                f"records (it was {'with' if wanted else 'without'} them)",
                field="customers",
                value=customers,
            )
        native = {k: v for k, v in options.items() if k not in ("policies", "customers")}
        return cls._rebuilt(
            lambda: cls(policies=chosen, customers=customers, **native), options, data.get("state")
        )

    # -------------------------------------------------------------------- state

    def _add(self, item: Interaction) -> None:
        if log_facts(item).created_us > self._as_of:
            return
        customer = None if self._customers is None else self._customers.get(item.customer_id)
        result = evaluate(item, self._policies, as_of=self._as_of_dt, customer=customer)
        counts = self._counts
        metric, priority = self._metric, self._priority
        # Each clock's outcome, as SlaResult.outcomes() tells it, without a record per clock.
        for clock in result.clocks:
            if metric is not None and clock.metric is not metric:
                continue
            if priority is not None and clock.priority is not priority:
                continue
            key = (clock.policy, clock.priority, clock.metric)
            row = counts.get(key)
            if row is None:
                row = counts[key] = [0, 0, 0]
            row[_SLOT[clock.outcome()._value_]] += 1

    def _same_context(self, other: SlaCompliance) -> bool:
        return (self._policies is other._policies or self._policies == other._policies) and (
            self._customers is other._customers or self._customers == other._customers
        )

    def merge(self, other: SlaCompliance) -> SlaCompliance:
        """Return a new accumulator holding both samples; neither operand changes.

        Raises:
            ValidationError: *other* is another KPI, has other options, or
                evaluates another policy set or other customer records.

        >>> import pendulum
        >>> from servicemodel.sla import PolicySet, SlaPolicy
        >>> june = pendulum.datetime(2024, 6, 1)
        >>> a = SlaCompliance.empty(policies=PolicySet(policies=[SlaPolicy(name="A")]), as_of=june)
        >>> b = SlaCompliance.empty(policies=PolicySet(policies=[SlaPolicy(name="A",
        ...     description="other")]), as_of=june)
        >>> a.merge(b)
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'other' must evaluate the same policy set and customers to merge
        """
        if isinstance(other, SlaCompliance) and not self._same_context(other):
            raise ValidationError(
                "'other' must evaluate the same policy set and customers to merge",
                field="other",
                value=other,
            )
        return Accumulator.merge(self, other)

    def _absorb(self, other: Self) -> None:
        counts = self._counts
        for key, row in other._counts.items():
            mine = counts.get(key)
            if mine is None:
                counts[key] = list(row)
            else:
                for slot in (_MET, _BREACHED, _PENDING):
                    mine[slot] += row[slot]

    def _state_json(self) -> Any:
        rows = sorted(
            [policy, priority.value, metric.value, *row]
            for (policy, priority, metric), row in self._counts.items()
        )
        return {"targets": rows}

    def _load_state(self, state: Any) -> None:
        rows = state.get("targets") if isinstance(state, Mapping) else None
        known = set(_names(self._policies))
        loaded: dict[_Key, list[int]] = {}
        problem = None if isinstance(rows, list) else "a list of targets"
        for row in rows if isinstance(rows, list) else ():
            if not isinstance(row, list) or len(row) != 6:
                problem = "rows [policy, priority, metric, met, breached, pending]"
                break
            policy, priority, metric, *numbers = row
            if policy not in known:
                problem = f"policies of the policy set (found {policy!r})"
                break
            try:
                key = (policy, Priority(priority), Metric(metric))
            except ValueError:
                problem = f"known priorities and metrics (found {priority!r}, {metric!r})"
                break
            if not all(is_integer(x, low=0) for x in numbers):
                problem = f"non-negative integer counts (found {numbers!r})"
                break
            if key in loaded:
                problem = f"each target once (found {row[:3]!r} twice)"
                break
            if (self._metric is not None and key[2] is not self._metric) or (
                self._priority is not None and key[1] is not self._priority
            ):
                problem = f"only targets within the metric and priority options (found {row[:3]!r})"
                break
            loaded[key] = list(numbers)
        if problem is not None:
            raise ValidationError(
                f"'state' must hold {problem} (got {state!r:.80})", field="state", value=state
            )
        self._counts = loaded

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SlaCompliance):
            return NotImplemented
        return self._same_context(other) and super().__eq__(other) is True

    __hash__ = None

    def __getstate__(self) -> dict[str, Any]:
        customers = None if self._customers is None else list(self._customers.values())
        return {"json": self.to_json(), "policies": self._policies, "customers": customers}

    def __setstate__(self, state: dict[str, Any]) -> None:
        twin = SlaCompliance.from_json(
            state["json"], policies=state["policies"], customers=state["customers"]
        )
        for slot in (*SlaCompliance.__slots__, *Accumulator.__slots__):
            object.__setattr__(self, slot, getattr(twin, slot))

    # ------------------------------------------------------------------ results

    def _totals(self) -> tuple[int, int, int]:
        met = breached = pending = 0
        for row in self._counts.values():
            met += row[_MET]
            breached += row[_BREACHED]
            pending += row[_PENDING]
        return met, breached, pending

    def result(self) -> Rate:
        """met / (met + breached) over every counted clock, with its Wilson interval.

        Raises:
            EmptySampleError: no clock is met or breached yet.

        >>> import pendulum
        >>> from servicemodel.sla import PolicySet
        >>> SlaCompliance.empty(policies=PolicySet(policies=[]),
        ...                     as_of=pendulum.datetime(2024, 6, 1)).result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: sla_compliance needs at least one met or breached clock (got 0; 0 pending)
        """
        met, breached, pending = self._totals()
        if met + breached == 0:
            raise EmptySampleError(
                f"{self.name} needs at least one met or breached clock (got 0; {pending} pending)"
            )
        return wilson_interval(met, met + breached)

    def breakdown(self) -> tuple[TargetCompliance, ...]:
        """The counts per target (policy, priority, metric), in policy, priority and metric order.

        Targets whose clocks are all pending are listed too (``evaluated`` is
        0 and their :meth:`TargetCompliance.rate` raises).

        >>> import pendulum
        >>> from servicemodel import Interaction, Message
        >>> from servicemodel.sla import PolicySet, SlaPolicy, Target
        >>> t = pendulum.datetime(2024, 6, 10, 9)
        >>> policies = PolicySet(policies=[SlaPolicy(name="All", targets={"normal": [
        ...     Target(metric="first_reply", within=pendulum.duration(hours=1)),
        ...     Target(metric="resolution", within=pendulum.duration(hours=8))]})])
        >>> acc = SlaCompliance.empty(policies=policies, as_of=t.add(hours=2))
        >>> acc.add(Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...                     events=[Message(at=t.add(minutes=20), author="agent")]))
        >>> [(r.metric.value, r.met, r.breached, r.pending) for r in acc.breakdown()]
        [('first_reply', 1, 0, 0), ('resolution', 0, 0, 1)]
        """
        order = {name: i for i, name in enumerate(_names(self._policies))}
        keys = sorted(
            self._counts,
            key=lambda k: (
                order.get(k[0], len(order)),
                k[0],
                _PRIORITY_ORDER[k[1]],
                _METRIC_ORDER[k[2]],
            ),
        )
        return tuple(
            TargetCompliance(
                policy=policy,
                priority=priority,
                metric=metric,
                met=self._counts[(policy, priority, metric)][_MET],
                breached=self._counts[(policy, priority, metric)][_BREACHED],
                pending=self._counts[(policy, priority, metric)][_PENDING],
            )
            for policy, priority, metric in keys
        )


def sla_compliance(
    interactions: Iterable[Interaction],
    policies: PolicySet,
    *,
    as_of: _dt.datetime,
    metric: Metric | str | None = None,
    priority: Priority | str | None = None,
    customers: Iterable[Customer] | None = None,
) -> Rate:
    """SLA compliance of *interactions* under *policies* as of *as_of*: met / (met + breached).

    A convenience over :class:`SlaCompliance` (same options).

    Raises:
        EmptySampleError: no clock is met or breached.
        ValidationError: a bad argument or item.

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> from servicemodel.sla import PolicySet, SlaPolicy, Target
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> policies = PolicySet(policies=[SlaPolicy(name="All", targets={"normal": [
    ...     Target(metric="first_reply", within=pendulum.duration(hours=1))]})])
    >>> tickets = [Interaction(id=f"T-{m}", customer_id="C", channel="chat", created_at=t,
    ...            events=[Message(at=t.add(minutes=m), author="agent")]) for m in (10, 70)]
    >>> sla_compliance(tickets, policies, as_of=t.add(days=1)).value
    Fraction(1, 2)
    """
    acc = SlaCompliance.empty(
        policies=policies, as_of=as_of, metric=metric, priority=priority, customers=customers
    )
    acc.add_many(interactions)
    return acc.result()
