"""Incremental SLA evaluation: fold only the events an interaction's log adds."""

from __future__ import annotations

import datetime as _dt
from typing import final

import attrs
import pendulum

from .._log._clock_input import ClockInput, clock_input
from .._time import aware, to_micros
from ..customers import Customer
from ..exceptions import ValidationError
from ..interactions import Interaction
from ._evaluate import _as_of, _compute
from ._policies import PolicySet
from ._results import SlaResult

__all__ = ["SlaTracker"]


@final
@attrs.frozen(kw_only=True)
class SlaTracker:
    """Evaluate clocks incrementally as an interaction's log grows.

    Start it from an interaction, then hand it each newer version of the same
    interaction with :meth:`update`: only the new events are folded in. Its
    :meth:`result` equals :func:`evaluate` on the whole log.

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> from servicemodel.sla import PolicySet, SlaPolicy, Target, evaluate
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> policies = PolicySet(policies=[SlaPolicy(name="All", targets={"normal": [
    ...     Target(metric="first_reply", within=pendulum.duration(hours=1))]})])
    >>> ticket = Interaction(id="T-1", customer_id="C-1", channel="email", created_at=t)
    >>> tracker = SlaTracker.start(ticket, policies)
    >>> replied = attrs.evolve(ticket, events=[Message(at=t.add(minutes=20), author="agent")])
    >>> tracker = tracker.update(replied)
    >>> tracker.result(as_of=t.add(hours=2)) == evaluate(replied, policies, as_of=t.add(hours=2))
    True
    """

    interaction: Interaction
    policies: PolicySet
    customer: Customer | None = None
    _log: ClockInput = attrs.field(repr=False, eq=False, alias="log")

    @classmethod
    def start(
        cls,
        interaction: Interaction,
        policies: PolicySet,
        *,
        customer: Customer | None = None,
    ) -> SlaTracker:
        """A tracker that has folded every event of *interaction*.

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> from servicemodel.sla import PolicySet
        >>> t = pendulum.datetime(2024, 6, 10, 9)
        >>> SlaTracker.start(Interaction(id="T", customer_id="C", channel="chat", created_at=t),
        ...                  PolicySet(policies=[])).interaction.id
        'T'
        """
        return cls(
            interaction=interaction,
            policies=policies,
            customer=customer,
            log=clock_input(interaction, opening=policies.opening_message),
        )

    def update(self, interaction: Interaction) -> SlaTracker:
        """A tracker that has also folded the events *interaction* adds to the log seen so far.

        Raises:
            ValidationError: *interaction* is not a continuation of the log seen so far.

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> from servicemodel.sla import PolicySet
        >>> t = pendulum.datetime(2024, 6, 10, 9)
        >>> tracker = SlaTracker.start(
        ...     Interaction(id="T", customer_id="C", channel="chat", created_at=t), PolicySet(policies=[]))
        >>> tracker.update(Interaction(id="U", customer_id="C", channel="chat", created_at=t))
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'interaction' must continue the log seen so far (same id, created_at and earlier events); got 'U'
        """
        seen = self._log.seen
        old = self.interaction
        if (
            interaction.id != old.id
            or interaction.created_at != old.created_at
            or interaction.priority is not old.priority
            or interaction.tags != old.tags
            or interaction.attributes != old.attributes
            or interaction.opened_by is not old.opened_by
            or interaction.events[:seen] != old.events[:seen]
        ):
            raise ValidationError(
                "'interaction' must continue the log seen so far (same id, created_at and "
                f"earlier events); got {interaction.id!r}",
                field="interaction",
                value=interaction.id,
            )
        log = self._log.copy()
        for event in interaction.events[seen:]:
            log.feed(to_micros(event.at), event)
        return SlaTracker(
            interaction=interaction, policies=self.policies, customer=self.customer, log=log
        )

    def result(self, *, as_of: pendulum.DateTime | _dt.datetime) -> SlaResult:
        """The clocks as of *as_of*, which must not be before the last event folded.

        Raises:
            ValidationError: *as_of* is naive, or earlier than an event already folded.

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> from servicemodel.sla import PolicySet
        >>> t = pendulum.datetime(2024, 6, 10, 9)
        >>> SlaTracker.start(Interaction(id="T", customer_id="C", channel="chat", created_at=t),
        ...     PolicySet(policies=[])).result(as_of=t).clocks
        ()
        """
        at, zone, _created = _as_of(as_of, self.interaction)
        if at < self._log.last_at:
            raise ValidationError(
                f"'as_of' must not be before the last event the tracker folded "
                f"(got {aware(as_of, field='as_of').isoformat()}); use evaluate() to look back",
                field="as_of",
                value=as_of,
            )
        return _compute(self._log, self.interaction, self.policies, at, zone, self.customer)
