"""Named sets of servicemodel options that reproduce a vendor's SLA semantics."""

from __future__ import annotations

from typing import Any, final

import attrs
import pendulum

from .._time import duration_micros, to_duration
from .._validators import enum_member, non_empty_str
from ..exceptions import ValidationError
from ._options import History, ScheduleRule, Selection, StampedTargets
from ._policies import (
    PolicySet,
    PriorityChangeRule,
    _breaches,
    _history,
    _on_reopen,
    _rule,
    _schedule_rule,
    _selection,
    _stamped,
)
from ._reasons import Reason
from ._rules import BreachRule, ReopenRule

__all__ = ["Profile"]


def _tolerance(value: object) -> pendulum.Duration:
    return to_duration(value, field="tolerance")


def _peer_rules(value: object) -> frozenset[Reason]:
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
        raise ValidationError(
            f"'peer_rules' must be a collection of reasons (got {value!r})",
            field="peer_rules",
            value=value,
        )
    rules = frozenset(enum_member(Reason, item, field="peer_rules") for item in value)
    wrong = sorted(rule.value for rule in rules if not rule.peer_rule)
    if wrong:
        allowed = sorted(rule.value for rule in Reason if rule.peer_rule)
        raise ValidationError(
            f"'peer_rules' must only name a peer's approximations {allowed} (got {wrong})",
            field="peer_rules",
            value=value,
        )
    return rules


@final
@attrs.frozen(kw_only=True)
class Profile:
    """The servicemodel options that reproduce one vendor's SLA semantics, and how to compare.

    Match the vendor first (evaluate under its profile and reconcile, so every
    remaining difference is named), then choose differently on purpose.
    :meth:`apply` sets the profile's options on a policy set: what a priority
    change does (:class:`PriorityChangeRule`), which policy applies
    (:class:`Selection`), which schedule counts when it changes
    (:class:`ScheduleRule`), which version of an edited policy counts
    (:class:`History`), whether the targets the helpdesk stamped on the
    ticket replace the policy's (:class:`StampedTargets`), what a reopen
    does to resolution-type clocks (:class:`ReopenRule`) and whether a
    breach stays once it happened (:class:`BreachRule`). ``tolerance`` is
    how far two instants or two elapsed times may be apart and still agree
    (exclusive; the vendors record minutes or seconds, servicemodel
    microseconds). ``peer_rules`` are the vendor's known approximations; a
    difference they explain is attributed to them, never to ``unexplained``.

    >>> Profile.named("dbt_zendesk").peer_rules == frozenset(
    ...     {Reason.PEER_MAX_OVER_PERIODS, Reason.PRIORITY_AT_START, Reason.WEEK_CAP})
    True
    >>> Profile.named("servicenow")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'profile' must be one of 'default', 'dbt_zendesk', 'zendesk', 'jsm', 'freshdesk' (got 'servicenow')
    """

    name: str = attrs.field(validator=non_empty_str)
    description: str = attrs.field(validator=non_empty_str)
    on_priority_change: PriorityChangeRule = attrs.field(
        default=PriorityChangeRule.KEEP_ELAPSED, converter=_rule
    )
    selection: Selection = attrs.field(default=Selection.CONDITIONS, converter=_selection)
    on_schedule_change: ScheduleRule = attrs.field(
        default=ScheduleRule.IN_FORCE, converter=_schedule_rule
    )
    history: History = attrs.field(default=History.AS_THEN, converter=_history)
    stamped_targets: StampedTargets = attrs.field(default=StampedTargets.IGNORE, converter=_stamped)
    on_reopen: ReopenRule = attrs.field(default=ReopenRule.RESUME, converter=_on_reopen)
    breaches: BreachRule = attrs.field(default=BreachRule.AS_OF, converter=_breaches)
    tolerance: pendulum.Duration = attrs.field(
        factory=lambda: pendulum.duration(minutes=1), converter=_tolerance
    )
    peer_rules: frozenset[Reason] = attrs.field(factory=frozenset, converter=_peer_rules)

    @tolerance.validator
    def _check_tolerance(self, _attribute: attrs.Attribute[Any], value: pendulum.Duration) -> None:
        if duration_micros(value) > 3_600_000_000:
            raise ValidationError(
                f"'tolerance' must be at most one hour (got {value.in_words()})",
                field="tolerance",
                value=value,
            )

    def _tolerance_us(self) -> int:
        return duration_micros(self.tolerance)

    def apply(self, policies: PolicySet) -> PolicySet:
        """*policies* with this profile's evaluation options.

        >>> from servicemodel.sla import PolicySet, PriorityChangeRule
        >>> restart = PolicySet(policies=[], on_priority_change="restart")
        >>> applied = Profile.zendesk().apply(restart)
        >>> applied.on_priority_change.value, applied.selection.value, applied.stamped_targets.value
        ('keep_elapsed', 'vendor', 'use')
        """
        return attrs.evolve(
            policies,
            on_priority_change=self.on_priority_change,
            selection=self.selection,
            on_schedule_change=self.on_schedule_change,
            history=self.history,
            stamped_targets=self.stamped_targets,
            on_reopen=self.on_reopen,
            breaches=self.breaches,
        )

    @classmethod
    def default(cls) -> Profile:
        """servicemodel's own defaults, compared with no peer rules.

        The policy is the first whose conditions match the ticket as it stood,
        each instant counts on the schedule in force, and the policies'
        own targets apply (stamps ignored).

        >>> Profile.default().selection
        <Selection.CONDITIONS: 'conditions'>
        """
        return cls(
            name="default",
            description="servicemodel's defaults; every difference is reported as it is",
        )

    @classmethod
    def zendesk(cls) -> Profile:
        """Zendesk's own SLA engine (what its ticket metric events record).

        The policy Zendesk applied and the targets it stamped on the ticket
        count (so the reconciliation measures the clocks, not a re-import of
        the policies' conditions); a priority change keeps the elapsed time
        and swaps the target, so a breach can be retroactive; the whole clock
        counts on the ticket's last schedule.

        >>> Profile.zendesk().on_schedule_change
        <ScheduleRule.LAST_SCHEDULE: 'last_schedule'>
        """
        return cls(
            name="zendesk",
            description=(
                "Zendesk's SLA engine: the policy and targets Zendesk applied, a priority "
                "change keeps the elapsed time, the ticket's last schedule counts"
            ),
            on_priority_change=PriorityChangeRule.KEEP_ELAPSED,
            selection=Selection.VENDOR,
            on_schedule_change=ScheduleRule.LAST_SCHEDULE,
            stamped_targets=StampedTargets.USE,
        )

    @classmethod
    def dbt_zendesk(cls) -> Profile:
        """Fivetran's dbt_zendesk package (its ``zendesk__sla_policies`` table).

        As :meth:`zendesk`, except that each instant counts on the schedule in
        force then (the package sums business time across every schedule a
        ticket had, where Zendesk uses the last one), plus the package's known
        approximations, so a difference they cause is named.

        >>> sorted(rule.value for rule in Profile.dbt_zendesk().peer_rules)
        ['peer_max_over_periods', 'priority_at_start', 'week_cap']
        """
        return cls(
            name="dbt_zendesk",
            description=(
                "fivetran/dbt_zendesk's zendesk__sla_policies: the policy and targets Zendesk "
                "applied, business time summed over the ticket's schedules, and the package's "
                "known approximations"
            ),
            on_priority_change=PriorityChangeRule.KEEP_ELAPSED,
            selection=Selection.VENDOR,
            on_schedule_change=ScheduleRule.IN_FORCE,
            stamped_targets=StampedTargets.USE,
            peer_rules=[Reason.PEER_MAX_OVER_PERIODS, Reason.PRIORITY_AT_START, Reason.WEEK_CAP],
        )

    @classmethod
    def jsm(cls) -> Profile:
        """Jira Service Management's SLA engine (what its SLA fields' cycles record).

        JSM keeps no public record of its goals or calendars, so the policies
        are yours: their order is JSM's goal order (the first goal whose JQL
        matches the issue applies, as servicemodel's first matching policy
        does). Each reopen ends the cycle at the resolve and starts a new one
        with a fresh goal; a breach stays a breach once it happened (JSM
        records it on the cycle); a priority change keeps the elapsed time
        and swaps the goal.

        >>> profile = Profile.jsm()
        >>> profile.on_reopen.value, profile.breaches.value, profile.selection.value
        ('new_cycle', 'record', 'conditions')
        """
        return cls(
            name="jsm",
            description=(
                "Jira Service Management's SLA engine: your policies in JSM's goal order "
                "(first match), a new cycle per reopen, breaches kept as a record, a priority "
                "change keeps the elapsed time"
            ),
            on_priority_change=PriorityChangeRule.KEEP_ELAPSED,
            selection=Selection.CONDITIONS,
            on_schedule_change=ScheduleRule.IN_FORCE,
            stamped_targets=StampedTargets.IGNORE,
            on_reopen=ReopenRule.NEW_CYCLE,
            breaches=BreachRule.RECORD,
        )

    @classmethod
    def freshdesk(cls) -> Profile:
        """Freshdesk's SLA engine (what a ticket's ``fr_due_by`` and ``due_by`` record).

        Freshdesk records no policy on the ticket: the first active policy
        whose conditions match applies, by position. A priority or group change
        recomputes the due times from the creation, so the elapsed time is kept
        and the target swapped, and the whole clock counts on the ticket's last
        business hours; a reopen resumes the clock (the time the ticket was
        resolved is time the SLA timer was off). What a day means and which
        statuses stop the clock come with the imported policies
        (:func:`servicemodel.io.freshdesk.read_policies`: 24 business hours a
        day since 2026, targets paused in pending and on-hold statuses).

        >>> Profile.freshdesk().selection, Profile.freshdesk().on_schedule_change
        (<Selection.CONDITIONS: 'conditions'>, <ScheduleRule.LAST_SCHEDULE: 'last_schedule'>)
        >>> Profile.freshdesk().on_reopen.value
        'resume'
        """
        return cls(
            name="freshdesk",
            description=(
                "Freshdesk's SLA engine: the first matching policy by position, a priority "
                "change keeps the elapsed time, the ticket's last business hours count"
            ),
            on_priority_change=PriorityChangeRule.KEEP_ELAPSED,
            selection=Selection.CONDITIONS,
            on_schedule_change=ScheduleRule.LAST_SCHEDULE,
            stamped_targets=StampedTargets.IGNORE,
            on_reopen=ReopenRule.RESUME,
            breaches=BreachRule.AS_OF,
        )

    @classmethod
    def named(cls, name: str) -> Profile:
        """The profile called *name*: ``default``, ``dbt_zendesk``, ``zendesk``, ``jsm`` or ``freshdesk``.

        Raises:
            ValidationError: no profile has that name.

        >>> Profile.named("zendesk").name
        'zendesk'
        """
        factory = _NAMED.get(name) if isinstance(name, str) else None
        if factory is None:
            allowed = ", ".join(repr(key) for key in _NAMED)
            raise ValidationError(
                f"'profile' must be one of {allowed} (got {name!r})", field="profile", value=name
            )
        return factory()


_NAMED = {
    "default": Profile.default,
    "dbt_zendesk": Profile.dbt_zendesk,
    "zendesk": Profile.zendesk,
    "jsm": Profile.jsm,
    "freshdesk": Profile.freshdesk,
}
