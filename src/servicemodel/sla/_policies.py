"""Targets, policies and ordered policy sets."""

from __future__ import annotations

import enum
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, final

import attrs
import pendulum

from .._time import aware, duration_micros, to_duration, to_micros
from .._validators import (
    check_item,
    enum_member,
    instance,
    instances,
    instant_key,
    integer,
    is_collection,
    non_empty_str,
    optional_aware,
    optional_non_empty_str,
    text_problem,
)
from ..customers import Customer
from ..exceptions import ValidationError
from ..interactions import Interaction, OpeningMessage, Priority, Status
from ._conditions import Condition, Facts
from ._metrics import PAUSABLE_STATUSES, Metric
from ._options import SCHEDULE, History, ScheduleRule, Selection, StampedTargets
from ._rules import BreachRule, ReopenRule

if TYPE_CHECKING:
    from ._calendar import BusinessCalendar
    from ._dated import DatedCalendar

__all__ = ["PolicySet", "PriorityChangeRule", "SlaPolicy", "Target"]

#: Most policies in one set, and most calendars.
MAX_POLICIES = 1_000
MAX_CALENDARS = 100
#: Most business days a target may allow.
MAX_DAYS = 3_660


class PriorityChangeRule(enum.Enum):
    """What a priority change does to running clocks.

    ``keep_elapsed`` (the default, Zendesk's and Jira's rule) keeps the time
    already used and swaps the target, so a breach can be retroactive.
    ``restart`` (ServiceNow's default) starts the clock again from the change
    under the new target.

    >>> PriorityChangeRule("restart")
    <PriorityChangeRule.RESTART: 'restart'>
    """

    KEEP_ELAPSED = "keep_elapsed"
    RESTART = "restart"


def _metric(value: object) -> Metric:
    return enum_member(Metric, value, field="metric")


def _within(value: object) -> pendulum.Duration | None:
    return None if value is None else to_duration(value, field="within")


def _warn_before(value: object) -> pendulum.Duration | None:
    return None if value is None else to_duration(value, field="warn_before")


def _paused_by(value: object) -> frozenset[Status] | None:
    if value is None:
        return None
    if not is_collection(value):
        raise ValidationError(
            f"'paused_by' must be a collection of statuses (got {value!r})",
            field="paused_by",
            value=value,
        )
    statuses = frozenset(enum_member(Status, v, field="paused_by") for v in value)
    wrong = statuses - PAUSABLE_STATUSES
    if wrong:
        shown = sorted(s.value for s in wrong)
        raise ValidationError(
            f"'paused_by' must only name new, open, pending or on_hold; solved and closed "
            f"stop clocks rather than pause them (got {shown!r})",
            field="paused_by",
            value=value,
        )
    return statuses


@final
@attrs.frozen(kw_only=True)
class Target:
    """How long one metric may take, on which calendar, and when to warn.

    A target is either business time (``within``: "16h" counts sixteen open
    hours of the calendar) or business days (``business_days=N``: by the end
    of the Nth next business day after the clock starts, as
    :meth:`BusinessCalendar.end_of_business_day` counts them; a day target
    needs a ``calendar``). The two differ: from Monday 16:00 on a 09:00-17:00
    calendar, ``within=16h`` is due Wednesday 16:00 and ``business_days=2``
    Wednesday 17:00. A day target is turned into business time when its clock
    starts, so a pause moves the deadline by the open time it took.

    ``calendar`` names a calendar of the :class:`PolicySet`, or is
    :data:`SCHEDULE` (``"@schedule"``) for the ticket's schedule; ``None``
    means calendar time (every hour counts). Warn either at a percentage of the
    target (``warn_percent``, 1-99) or a time before breach (``warn_before``,
    shorter than the target; not with ``business_days``), not both.
    ``paused_by`` replaces the metric's default pausing statuses (``None``
    keeps the default).

    >>> import pendulum
    >>> t = Target(metric="resolution", within=pendulum.duration(hours=8), warn_percent=75)
    >>> t._warn_us() == 6 * 3_600_000_000
    True
    >>> Target(metric="first_reply", within=pendulum.duration(hours=1),
    ...        warn_before=pendulum.duration(hours=2))
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'warn_before' must be shorter than 'within' (got 2 hours >= 1 hour)
    """

    metric: Metric = attrs.field(converter=_metric)
    within: pendulum.Duration | None = attrs.field(default=None, converter=_within)
    calendar: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    warn_percent: int | None = attrs.field(default=None)
    warn_before: pendulum.Duration | None = attrs.field(default=None, converter=_warn_before)
    paused_by: frozenset[Status] | None = attrs.field(default=None, converter=_paused_by)
    business_days: int | None = attrs.field(default=None)

    @business_days.validator
    def _check_days(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            if self.within is None:
                raise ValidationError(
                    "'within' must be given: a target is a duration ('within') or a number "
                    "of business days ('business_days') (got neither)",
                    field="within",
                    value=None,
                )
            return
        integer(value, field="business_days", low=1, high=MAX_DAYS)
        if self.within is not None:
            raise ValidationError(
                "'business_days' must not be combined with 'within'; choose one "
                f"(got within={self.within.in_words()!r})",
                field="business_days",
                value=value,
            )
        if self.calendar is None:
            raise ValidationError(
                "'business_days' needs a 'calendar': business days are the days a calendar "
                f"opens (got business_days={value} on calendar time)",
                field="business_days",
                value=value,
            )
        if self.warn_before is not None:
            raise ValidationError(
                "'warn_before' must not be combined with 'business_days'; use 'warn_percent' "
                f"(got {self.warn_before.in_words()})",
                field="warn_before",
                value=self.warn_before,
            )

    @warn_percent.validator
    def _check_percent(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        integer(value, field="warn_percent", low=1, high=99)

    @warn_before.validator
    def _check_before(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if self.warn_percent is not None:
            raise ValidationError(
                "'warn_before' must not be combined with 'warn_percent'; choose one "
                f"(got warn_percent={self.warn_percent!r})",
                field="warn_before",
                value=value,
            )
        assert isinstance(value, pendulum.Duration)
        if self.within is not None and duration_micros(value) >= duration_micros(self.within):
            raise ValidationError(
                f"'warn_before' must be shorter than 'within' "
                f"(got {value.in_words()} >= {self.within.in_words()})",
                field="warn_before",
                value=value,
            )

    def _within_us(self) -> int | None:
        """The target in microseconds (``None`` for a business-days target: it depends on the start).

        >>> import pendulum
        >>> Target(metric="resolution", within=pendulum.duration(minutes=1))._within_us()
        60000000
        """
        return None if self.within is None else duration_micros(self.within)

    def _warn_us(self, within: int | None = None) -> int | None:
        """The used time (microseconds) at which the clock warns, or ``None`` without a warning.

        *within* is the target in microseconds (default: ``within``; a
        business-days target passes the business time its clock was given).

        >>> import pendulum
        >>> Target(metric="resolution", within=pendulum.duration(hours=1),
        ...        warn_before=pendulum.duration(minutes=15))._warn_us() == 45 * 60_000_000
        True
        """
        if within is None:
            within = self._within_us()
            if within is None:
                return None
        if self.warn_percent is not None:
            return within * self.warn_percent // 100
        if self.warn_before is not None:
            return within - duration_micros(self.warn_before)
        return None

    def pausing_statuses(self) -> frozenset[Status]:
        """The statuses that pause this target's clock (its own or the metric's default).

        >>> import pendulum
        >>> sorted(s.value for s in Target(metric="agent_work",
        ...        within=pendulum.duration(hours=1)).pausing_statuses())
        ['on_hold', 'pending']
        """
        return self.metric.rules.paused_by if self.paused_by is None else self.paused_by


def _priority_targets(
    value: Mapping[Any, Iterable[Target]] | Iterable[tuple[Any, Iterable[Target]]],
) -> tuple[tuple[Priority, tuple[Target, ...]], ...]:
    items: Iterable[Any] = value.items() if isinstance(value, Mapping) else value
    pairs: list[tuple[Priority, tuple[Target, ...]]] = []
    for item in items:
        if not isinstance(item, tuple) or len(item) != 2:
            raise ValidationError(
                f"'targets' must map priorities to targets (got {item!r})",
                field="targets",
                value=item,
            )
        priority = enum_member(Priority, item[0], field="targets")
        targets = item[1]
        if isinstance(targets, Target) or not isinstance(targets, Iterable):
            raise ValidationError(
                f"'targets' must map each priority to a collection of targets (got {targets!r})",
                field="targets",
                value=targets,
            )
        checked = instances(targets, Target, field=f"targets.{priority.value}")
        pairs.append((priority, tuple(sorted(checked, key=_metric_rank))))
    pairs.sort(key=lambda pair: pair[0].rank)
    return tuple(pairs)


_METRIC_RANK = {metric: rank for rank, metric in enumerate(Metric)}


def _metric_rank(target: Target) -> int:
    return _METRIC_RANK[target.metric]


def _effective_from(value: object) -> pendulum.DateTime | None:
    return optional_aware(value, field="effective_from")


def _condition(value: object) -> Condition:
    return instance(value, Condition, field="condition")


@final
@attrs.frozen(kw_only=True)
class SlaPolicy:
    """A named policy: the interactions it applies to and its targets per priority.

    >>> import pendulum
    >>> from servicemodel.sla import FieldTest
    >>> vip = SlaPolicy(
    ...     name="VIP",
    ...     condition=Condition.all_of(FieldTest(field="tags", operator="contains", values="vip")),
    ...     targets={"urgent": [Target(metric="first_reply", within=pendulum.duration(minutes=30))]},
    ... )
    >>> vip.target(Priority.URGENT, Metric.FIRST_REPLY).within
    Duration(minutes=30)
    >>> vip.target(Priority.LOW, Metric.FIRST_REPLY) is None
    True

    ``effective_from`` dates a version of a policy: a :class:`PolicySet` may
    hold several policies of one name with different ``effective_from``, and
    each applies from its instant until the next version (``None``: since
    always). An edit to a policy is then a new version, and the tickets
    before it keep the targets they had (see :class:`History`).

    >>> edited = attrs.evolve(vip, effective_from=pendulum.datetime(2025, 1, 1))
    >>> PolicySet(policies=[vip, edited]).policies[1].effective_from.year
    2025
    """

    name: str = attrs.field(validator=non_empty_str)
    condition: Condition = attrs.field(factory=Condition, converter=_condition)
    targets: tuple[tuple[Priority, tuple[Target, ...]], ...] = attrs.field(
        default=(), converter=_priority_targets
    )
    description: str | None = attrs.field(default=None)
    effective_from: pendulum.DateTime | None = attrs.field(
        default=None, converter=_effective_from, eq=instant_key
    )

    @targets.validator
    def _check_targets(
        self,
        _attribute: attrs.Attribute[Any],
        value: tuple[tuple[Priority, tuple[Target, ...]], ...],
    ) -> None:
        seen: set[Priority] = set()
        for priority, targets in value:
            if priority in seen:
                raise ValidationError(
                    f"'targets' must name each priority once (got {priority.value!r} twice)",
                    field="targets",
                    value=priority,
                )
            seen.add(priority)
            metrics: set[Metric] = set()
            for target in targets:
                if target.metric in metrics:
                    raise ValidationError(
                        f"'targets' must give {priority.value!r} one target per metric "
                        f"(got {target.metric.value!r} twice)",
                        field="targets",
                        value=target.metric,
                    )
                metrics.add(target.metric)

    @description.validator
    def _check_description(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and (not isinstance(value, str) or len(value) > 4_096):
            raise ValidationError(
                f"'description' must be a string of at most 4096 characters (got {value!r:.80})",
                field="description",
                value=value,
            )

    def _since_us(self) -> int:
        """``effective_from`` in epoch microseconds (before every instant when ``None``)."""
        since = self.effective_from
        return _SINCE_ALWAYS if since is None else to_micros(since)

    def target(self, priority: Priority, metric: Metric) -> Target | None:
        """The target for *metric* at *priority* (``None``: this policy sets none).

        >>> SlaPolicy(name="empty").target(Priority.LOW, Metric.RESOLUTION) is None
        True
        """
        for candidate, targets in self.targets:
            if candidate is priority:
                for target in targets:
                    if target.metric is metric:
                        return target
        return None

    def applies_to(
        self,
        interaction: Interaction,
        *,
        at: pendulum.DateTime | None = None,
        customer: Customer | None = None,
    ) -> bool:
        """True when this policy's condition matches the interaction as it stood *at*.

        Priority and group are read as of *at* (default: after the whole log);
        segment and tier come from *customer* (missing without one).

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> t = pendulum.datetime(2024, 6, 10, 9)
        >>> SlaPolicy(name="all").applies_to(
        ...     Interaction(id="T", customer_id="C", channel="chat", created_at=t))
        True
        """
        return self.condition._matches(facts_of(interaction, at=at, customer=customer))


def facts_of(
    interaction: Interaction,
    *,
    at: pendulum.DateTime | None = None,
    customer: Customer | None = None,
) -> Facts:
    """The condition facts of an interaction as of *at* (internal)."""
    if at is None:
        priority, group = interaction.current_priority(), interaction.group()
        last = interaction.events[-1].at if interaction.events else interaction.created_at
        tags, fields = interaction.tags_at(last), interaction.attributes_at(last)
    else:
        limit = to_micros(aware(at, field="at"))
        priority, group = interaction.priority_at(at), None
        for event in interaction.events:
            if to_micros(event.at) > limit:
                break
            if getattr(event, "group", None) is not None:
                group = getattr(event, "group", None)
        tags, fields = interaction.tags_at(at), interaction.attributes_at(at)
    return Facts(
        priority.value,
        interaction.channel.value,
        interaction.kind.value,
        tags,
        None if customer is None else customer.segment,
        None if customer is None else customer.tier,
        group,
        dict(fields),
    )


def _policies(value: Iterable[SlaPolicy]) -> tuple[SlaPolicy, ...]:
    return tuple(value)


def _calendars(value: object) -> tuple[tuple[str, BusinessCalendar | DatedCalendar], ...]:
    if (
        isinstance(value, tuple)
        and all(isinstance(p, tuple) and len(p) == 2 for p in value)
        and len({p[0] for p in value}) == len(value)
    ):
        value = dict(value)  # the stored form, as attrs.evolve passes it back
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"'calendars' must map names to calendars such as BusinessCalendar (got {value!r})",
            field="calendars",
            value=value,
        )
    return tuple(sorted(value.items()))


def _rule(value: object) -> PriorityChangeRule:
    return enum_member(PriorityChangeRule, value, field="on_priority_change")


def _breaches(value: object) -> BreachRule:
    return enum_member(BreachRule, value, field="breaches")


def _on_reopen(value: object) -> ReopenRule:
    return enum_member(ReopenRule, value, field="on_reopen")


def _opening_message(value: object) -> OpeningMessage:
    return enum_member(OpeningMessage, value, field="opening_message")


def _selection(value: object) -> Selection:
    return enum_member(Selection, value, field="selection")


def _schedule_rule(value: object) -> ScheduleRule:
    return enum_member(ScheduleRule, value, field="on_schedule_change")


def _history(value: object) -> History:
    return enum_member(History, value, field="history")


def _stamped(value: object) -> StampedTargets:
    return enum_member(StampedTargets, value, field="stamped_targets")


#: Before every instant: the era of the policies without ``effective_from``.
_SINCE_ALWAYS = -(2**62)


@final
@attrs.frozen(kw_only=True)
class PolicySet:
    """Ordered policies (the first that matches applies) and the calendars they name.

    Policy names are unique (versions of one policy share a name and differ
    in ``effective_from``); every calendar a target names must be among
    ``calendars`` (a :class:`BusinessCalendar` or a :class:`DatedCalendar`),
    or be :data:`SCHEDULE`, the ticket's schedule, which needs a default
    ``schedule``. The options say how to read a ticket's changing facts and
    a helpdesk's own records:

    - ``on_priority_change``: what priority changes do to running clocks
      (:class:`PriorityChangeRule`);
    - ``selection``: the policy whose conditions match the ticket as it
      stood, or the one the helpdesk applied (:class:`Selection`);
    - ``schedule``: the calendar a ticket counts on before any
      :class:`~servicemodel.ScheduleChange` (Zendesk's default schedule);
    - ``on_schedule_change``: the schedule in force at each instant, or the
      last one (:class:`ScheduleRule`);
    - ``history``: effective-dated policies and calendars as they were then,
      or as they are at the evaluation instant (:class:`History`);
    - ``stamped_targets``: whether targets the helpdesk stamped replace the
      policy's (:class:`StampedTargets`).
    - ``breaches``: whether a breach stays once it happened
      (:class:`BreachRule`);
    - ``on_reopen``: whether a reopen resumes resolution-type clocks or
      starts a new cycle (:class:`ReopenRule`);
    - ``opening_message``: whether the message that opened an agent-opened
      interaction is a reply that stops ``first_reply``
      (:class:`~servicemodel.OpeningMessage`; by default it is not).

    >>> import pendulum
    >>> PolicySet(policies=[SlaPolicy(name="A"), SlaPolicy(name="A")])
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'policies' must have unique names (got 'A' twice)
    >>> PolicySet(policies=[SlaPolicy(name="A", targets={"low": [
    ...     Target(metric="resolution", within=pendulum.duration(hours=8), calendar="office")]})])
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'calendar' must name a calendar of the policy set (got 'office'); known: none
    """

    policies: tuple[SlaPolicy, ...] = attrs.field(converter=_policies)
    calendars: tuple[tuple[str, BusinessCalendar | DatedCalendar], ...] = attrs.field(
        factory=dict, converter=_calendars
    )
    on_priority_change: PriorityChangeRule = attrs.field(
        default=PriorityChangeRule.KEEP_ELAPSED, converter=_rule
    )
    breaches: BreachRule = attrs.field(default=BreachRule.AS_OF, converter=_breaches)
    on_reopen: ReopenRule = attrs.field(default=ReopenRule.RESUME, converter=_on_reopen)
    opening_message: OpeningMessage = attrs.field(
        default=OpeningMessage.NOT_A_REPLY, converter=_opening_message
    )
    selection: Selection = attrs.field(default=Selection.CONDITIONS, converter=_selection)
    schedule: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    on_schedule_change: ScheduleRule = attrs.field(
        default=ScheduleRule.IN_FORCE, converter=_schedule_rule
    )
    history: History = attrs.field(default=History.AS_THEN, converter=_history)
    stamped_targets: StampedTargets = attrs.field(default=StampedTargets.IGNORE, converter=_stamped)
    _cache: dict[str, Any] = attrs.field(init=False, factory=dict, eq=False, hash=False, repr=False)

    @policies.validator
    def _check_policies(
        self, _attribute: attrs.Attribute[Any], value: tuple[SlaPolicy, ...]
    ) -> None:
        if len(value) > MAX_POLICIES:
            raise ValidationError(
                f"'policies' must hold at most {MAX_POLICIES} policies (got {len(value)})",
                field="policies",
                value=len(value),
            )
        versions: dict[str, set[int]] = {}
        for index, policy in enumerate(value):
            check_item(policy, SlaPolicy, field="policies", index=index)
            since = policy._since_us()
            seen = versions.setdefault(policy.name, set())
            if since in seen:
                raise ValidationError(
                    f"'policies' must have unique names (got {policy.name!r} twice)"
                    if since == _SINCE_ALWAYS
                    else f"'policies' must give each version of {policy.name!r} its own "
                    f"'effective_from' (got {policy.effective_from!r} twice)",
                    field="policies",
                    value=policy.name,
                )
            seen.add(since)

    @calendars.validator
    def _check_calendars(
        self,
        _attribute: attrs.Attribute[Any],
        value: tuple[tuple[str, BusinessCalendar | DatedCalendar], ...],
    ) -> None:
        from ._calendar import BusinessCalendar
        from ._dated import DatedCalendar

        if len(value) > MAX_CALENDARS:
            raise ValidationError(
                f"'calendars' must hold at most {MAX_CALENDARS} calendars (got {len(value)})",
                field="calendars",
                value=len(value),
            )
        for name, calendar in value:
            problem = text_problem(name, None)
            if problem is not None:
                raise ValidationError(f"'calendars' name {problem}", field="calendars", value=name)
            if name == SCHEDULE:
                raise ValidationError(
                    f"'calendars' must not use the name {SCHEDULE!r}: it means the ticket's "
                    f"schedule (got a calendar named {name!r})",
                    field="calendars",
                    value=name,
                )
            if not isinstance(calendar, BusinessCalendar | DatedCalendar):
                raise ValidationError(
                    f"'calendars' must map names to calendars such as BusinessCalendar "
                    f"(got {type(calendar).__name__} for {name!r})",
                    field="calendars",
                    value=calendar,
                )
        known = {name for name, _ in value}
        if self.schedule is not None and self.schedule not in known:
            raise _unknown_calendar("schedule", self.schedule, known)
        for policy in self.policies:
            for _priority, targets in policy.targets:
                for target in targets:
                    if target.calendar == SCHEDULE:
                        if self.schedule is None:
                            raise ValidationError(
                                f"'schedule' must name the default calendar when a target "
                                f"counts on the ticket's schedule ({SCHEDULE!r}) (got None)",
                                field="schedule",
                                value=None,
                            )
                    elif target.calendar is not None and target.calendar not in known:
                        raise _unknown_calendar("calendar", target.calendar, known)

    def calendar(self, name: str | None) -> BusinessCalendar | DatedCalendar:
        """The calendar called *name*; ``None`` gives calendar time (every hour counts).

        :data:`SCHEDULE` names no calendar of its own: the evaluation reads
        it from the ticket's schedule.

        Raises:
            ValidationError: no calendar has that name.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 6, 8, 12)  # a Saturday: calendar time counts it
        >>> PolicySet(policies=[]).calendar(None).elapsed(t, t.add(hours=2))
        Duration(hours=2)
        """
        from ._calendar import BusinessCalendar

        if name is None:
            return BusinessCalendar.always()
        for candidate, calendar in self.calendars:
            if candidate == name:
                return calendar
        raise ValidationError(
            f"'calendar' must name a calendar of the policy set (got {name!r})",
            field="calendar",
            value=name,
        )

    def policy_for(
        self,
        interaction: Interaction,
        *,
        at: pendulum.DateTime | None = None,
        customer: Customer | None = None,
    ) -> SlaPolicy | None:
        """The first policy whose condition matches (``None``: no policy applies).

        With versions (``effective_from``), the versions in force at *at*
        take part (without *at*: the latest version of each policy).

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> t = pendulum.datetime(2024, 6, 10, 9)
        >>> ps = PolicySet(policies=[SlaPolicy(name="first"), SlaPolicy(name="second")])
        >>> ps.policy_for(Interaction(id="T", customer_id="C", channel="chat", created_at=t)).name
        'first'
        """
        facts = facts_of(interaction, at=at, customer=customer)
        times, eras = self._eras()
        era = eras[-1 if at is None else bisect_right(times, to_micros(aware(at, field="at"))) - 1]
        for index in era:
            if self.policies[index].condition._matches(facts):
                return self.policies[index]
        return None

    def _eras(self) -> tuple[list[int], list[tuple[int, ...]]]:
        """When the set of policy versions in force changes, and which (by index) are in force.

        The first era starts before every instant and holds the policies
        without ``effective_from``; each later one starts at a version's
        instant and holds, per name, the latest version started by then, in
        the order of :attr:`policies`.
        """
        found: tuple[list[int], list[tuple[int, ...]]] | None = self._cache.get("eras")
        if found is None:
            times = sorted({_SINCE_ALWAYS, *(p._since_us() for p in self.policies)})
            eras: list[tuple[int, ...]] = []
            for time in times:
                latest: dict[str, int] = {}
                for index, policy in enumerate(self.policies):
                    since = policy._since_us()
                    if since <= time and (
                        policy.name not in latest
                        or self.policies[latest[policy.name]]._since_us() < since
                    ):
                        latest[policy.name] = index
                eras.append(tuple(sorted(latest.values())))
            found = self._cache["eras"] = (times, eras)
        return found

    def _by_name(self, era: int) -> dict[str, int]:
        """The index of each policy name's version in force in era *era*, else its first version."""
        cache: dict[int, dict[str, int]] = self._cache.setdefault("by_name", {})
        names = cache.get(era)
        if names is None:
            names = {}
            for index, policy in enumerate(self.policies):
                names.setdefault(policy.name, index)
            for index in self._eras()[1][era]:
                names[self.policies[index].name] = index
            cache[era] = names
        return names


def _unknown_calendar(field: str, name: str, known: set[str]) -> ValidationError:
    """The error for a calendar name the policy set does not hold."""
    shown = ", ".join(sorted(known)) or "none"
    return ValidationError(
        f"'{field}' must name a calendar of the policy set (got {name!r}); known: {shown}",
        field=field,
        value=name,
    )
