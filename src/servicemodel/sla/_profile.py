"""Named sets of servicemodel options that reproduce a vendor's SLA semantics."""

from __future__ import annotations

from typing import Any, final

import attrs
import pendulum

from .._time import duration_micros, to_duration
from .._validators import enum_member, non_empty_str
from ..exceptions import ValidationError
from ._policies import PolicySet, PriorityChangeRule
from ._reasons import Reason

__all__ = ["Profile"]


def _rule(value: object) -> PriorityChangeRule:
    return enum_member(PriorityChangeRule, value, field="on_priority_change")


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
    :meth:`apply` sets the profile's options on a policy set. ``tolerance`` is
    how far two instants or two elapsed times may be apart and still agree
    (exclusive; the vendors record minutes or seconds, servicemodel
    microseconds). ``peer_rules`` are the vendor's known approximations; a
    difference they explain is attributed to them, never to ``unexplained``.

    >>> Profile.named("dbt_zendesk").peer_rules == frozenset(
    ...     {Reason.PEER_MAX_OVER_PERIODS, Reason.PRIORITY_AT_START, Reason.WEEK_CAP})
    True
    >>> Profile.named("freshdesk")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'profile' must be one of 'default', 'dbt_zendesk', 'zendesk' (got 'freshdesk')
    """

    name: str = attrs.field(validator=non_empty_str)
    description: str = attrs.field(validator=non_empty_str)
    on_priority_change: PriorityChangeRule = attrs.field(
        default=PriorityChangeRule.KEEP_ELAPSED, converter=_rule
    )
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
        >>> Profile.zendesk().apply(restart).on_priority_change
        <PriorityChangeRule.KEEP_ELAPSED: 'keep_elapsed'>
        """
        return attrs.evolve(policies, on_priority_change=self.on_priority_change)

    @classmethod
    def default(cls) -> Profile:
        """servicemodel's own defaults, compared with no peer rules.

        >>> Profile.default().name
        'default'
        """
        return cls(
            name="default",
            description="servicemodel's defaults; every difference is reported as it is",
        )

    @classmethod
    def zendesk(cls) -> Profile:
        """Zendesk's own SLA engine (what its ticket metric events record).

        A priority change keeps the elapsed time and swaps the target, so a
        breach can be retroactive; figures are whole minutes.

        >>> Profile.zendesk().peer_rules
        frozenset()
        """
        return cls(
            name="zendesk",
            description=(
                "Zendesk's SLA engine: first matching or applied policy, priority change "
                "keeps elapsed time, whole minutes"
            ),
            on_priority_change=PriorityChangeRule.KEEP_ELAPSED,
        )

    @classmethod
    def dbt_zendesk(cls) -> Profile:
        """Fivetran's dbt_zendesk package (its ``zendesk__sla_policies`` table).

        The same evaluation options as :meth:`zendesk`, plus the package's
        known approximations, so a difference they cause is named.

        >>> sorted(rule.value for rule in Profile.dbt_zendesk().peer_rules)
        ['peer_max_over_periods', 'priority_at_start', 'week_cap']
        """
        return cls(
            name="dbt_zendesk",
            description=(
                "fivetran/dbt_zendesk's zendesk__sla_policies: Zendesk's semantics with the "
                "package's known approximations"
            ),
            on_priority_change=PriorityChangeRule.KEEP_ELAPSED,
            peer_rules=[Reason.PEER_MAX_OVER_PERIODS, Reason.PRIORITY_AT_START, Reason.WEEK_CAP],
        )

    @classmethod
    def named(cls, name: str) -> Profile:
        """The profile called *name*: ``default``, ``dbt_zendesk`` or ``zendesk``.

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
}
