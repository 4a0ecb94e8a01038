"""Proactive follow-up rules and the outreach schedule they produce."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, final

import attrs
import pendulum

from .._time import aware, duration_micros, from_micros, to_duration, to_micros
from .._validators import check_item, enum_member, non_empty_str
from ..exceptions import ValidationError
from ..interactions import Channel, Interaction, Kind

__all__ = ["FollowUpRule", "OutreachAction", "Purchase", "Trigger", "schedule_outreach"]


class Trigger(enum.Enum):
    """What starts a follow-up: a solved complaint, any solved contact, a purchase, or a new customer.

    >>> Trigger("solved_complaint")
    <Trigger.SOLVED_COMPLAINT: 'solved_complaint'>
    """

    SOLVED_COMPLAINT = "solved_complaint"
    SOLVED = "solved"
    PURCHASE = "purchase"


def _trigger(value: object) -> Trigger:
    return enum_member(Trigger, value, field="trigger")


def _channel(value: object) -> Channel:
    return enum_member(Channel, value, field="channel")


def _after(value: object) -> pendulum.Duration:
    return to_duration(value, field="after")


def _at(value: object) -> pendulum.DateTime:
    return aware(value, field="at")


@final
@attrs.frozen(kw_only=True)
class Purchase:
    """A customer's purchase, as far as follow-ups need it.

    >>> import pendulum
    >>> Purchase(customer_id="C-1", at=pendulum.datetime(2024, 5, 1), order_id="O-9").order_id
    'O-9'
    """

    customer_id: str = attrs.field(validator=non_empty_str)
    at: pendulum.DateTime = attrs.field(converter=_at)
    order_id: str = attrs.field(validator=non_empty_str)


@final
@attrs.frozen(kw_only=True)
class FollowUpRule:
    """Contact a customer a fixed time after a trigger, over a channel.

    The time is calendar time (``after`` is a duration in days, hours, …); a
    follow-up is about the customer's experience, not the team's hours.

    >>> import pendulum
    >>> FollowUpRule(name="check-in", trigger="solved_complaint",
    ...              after=pendulum.duration(days=3), channel="email").after
    Duration(days=3)
    """

    name: str = attrs.field(validator=non_empty_str)
    trigger: Trigger = attrs.field(converter=_trigger)
    after: pendulum.Duration = attrs.field(converter=_after)
    channel: Channel = attrs.field(converter=_channel)


@final
@attrs.frozen(kw_only=True)
class OutreachAction:
    """One proactive contact to make: whom, when, how, and why.

    >>> import pendulum
    >>> OutreachAction(rule="check-in", customer_id="C-1", due_at=pendulum.datetime(2024, 1, 4),
    ...                channel=Channel.EMAIL, reason="solved complaint T-1").reason
    'solved complaint T-1'
    """

    rule: str
    customer_id: str
    due_at: pendulum.DateTime
    channel: Channel
    reason: str


def schedule_outreach(
    rules: Iterable[FollowUpRule],
    interactions: Iterable[Interaction] = (),
    purchases: Iterable[Purchase] = (),
    *,
    start: pendulum.DateTime,
    end: pendulum.DateTime,
) -> tuple[OutreachAction, ...]:
    """List the outreach actions the rules make due in ``[start, end)``, in time order.

    A solved trigger counts the interaction's *last* solve (a reopened and
    re-solved complaint is followed up after it is really done); an
    interaction that is not solved at all makes no action. Ties are ordered by
    customer, then rule name.

    Args:
        rules: the follow-up rules.
        interactions: interactions to scan for solved triggers.
        purchases: purchases to scan for purchase triggers.
        start: the window's first instant.
        end: the instant after the window.

    Raises:
        ValidationError: *end* is before *start*, or a rule is not a FollowUpRule.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 3, 10)
    >>> complaint = Interaction(id="T-1", customer_id="C-1", channel="email", kind="complaint",
    ...     created_at=t, events=[StatusChange(at=t.add(hours=2), status="solved")])
    >>> rule = FollowUpRule(name="check-in", trigger="solved_complaint",
    ...                     after=pendulum.duration(days=3), channel="phone")
    >>> [a.due_at for a in schedule_outreach([rule], [complaint], start=t, end=t.add(days=7))]
    [DateTime(2024, 6, 6, 12, 0, 0, tzinfo=Timezone('UTC'))]
    """
    low = to_micros(aware(start, field="start"))
    high = to_micros(aware(end, field="end"))
    if high < low:
        raise ValidationError(
            f"'end' must not be before 'start' (got {end} < {start})", field="end", value=end
        )
    rule_list = tuple(rules)
    for index, rule in enumerate(rule_list):
        check_item(rule, FollowUpRule, field="rules", index=index)
    by_trigger: dict[Trigger, list[FollowUpRule]] = {}
    for rule in rule_list:
        by_trigger.setdefault(rule.trigger, []).append(rule)
    found: list[tuple[int, str, str, OutreachAction]] = []

    def add(rule: FollowUpRule, customer: str, origin: pendulum.DateTime, reason: str) -> None:
        due = to_micros(origin) + duration_micros(rule.after)
        if low <= due < high:
            tz: Any = origin.tzinfo
            action = OutreachAction(
                rule=rule.name,
                customer_id=customer,
                due_at=from_micros(due, tz),
                channel=rule.channel,
                reason=reason,
            )
            found.append((due, customer, rule.name, action))

    solved_rules = by_trigger.get(Trigger.SOLVED, [])
    complaint_rules = by_trigger.get(Trigger.SOLVED_COMPLAINT, [])
    if solved_rules or complaint_rules:
        for interaction in interactions:
            solved = interaction.last_solved_at()
            if solved is None:
                continue
            for rule in solved_rules:
                add(rule, interaction.customer_id, solved, f"solved {interaction.id}")
            if interaction.kind is Kind.COMPLAINT:
                for rule in complaint_rules:
                    add(rule, interaction.customer_id, solved, f"solved complaint {interaction.id}")
    for purchase in purchases:
        for rule in by_trigger.get(Trigger.PURCHASE, []):
            add(rule, purchase.customer_id, purchase.at, f"purchase {purchase.order_id}")
    found.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in found)
