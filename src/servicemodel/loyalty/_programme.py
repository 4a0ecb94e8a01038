"""A loyalty programme: earn rules, ledger policies, tiers and a rewards catalogue."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any, final

import attrs

from .._time import aware, to_micros
from .._validators import instance_of
from ..exceptions import IdempotencyConflict, RewardUnavailable, ValidationError
from ._caps import CapCount, CapWindow
from ._clock import LocalClock
from ._commands import CommandName
from ._ledger import Ledger
from ._policies import Policies
from ._purchases import Activity, Order, _text
from ._rules import Earning, EarnRules
from ._tiers import Catalogue, Crossing, Tier, TierMetric, Tiers
from ._values import EntryKind, Receipt, ReturnedLine

__all__ = ["Programme"]


@final
@attrs.frozen(kw_only=True)
class Programme:
    """A loyalty programme: what earns points, the ledger's policies, tiers and rewards.

    The programme computes what a purchase earns (reading the member's tier
    and cap usage from the ledger) and posts it; it checks a reward's window,
    stock and cost before a redemption, which changes nothing if any check
    fails. Programmes load from and dump to TOML or JSON documents
    (:func:`load_programme`, :func:`dump_programme`).

    >>> import pendulum
    >>> from decimal import Decimal
    >>> from servicemodel.loyalty import (Money, Order, OrderLine, PerSpend, Reward,
    ...                                   Catalogue, Policies, EarnRules)
    >>> programme = Programme(name="demo", policies=Policies(zone="Europe/Warsaw"),
    ...     earn=EarnRules(rules=[PerSpend(name="spend")]),
    ...     catalogue=Catalogue(rewards=[Reward(id="mug", cost=30)]))
    >>> ledger = programme.new_ledger()
    >>> t = pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")
    >>> order = Order(id="o-1", lines=[OrderLine(line="1", product="tea",
    ...                                          amount=Money(Decimal("42.50"), "PLN"))])
    >>> programme.earn(ledger, member="ann", purchase=order, at=t, key="o-1").entries[0].points
    42
    >>> _ = programme.redeem(ledger, member="ann", reward="mug", at=t, key="r-1")
    >>> ledger.balance("ann", as_of=t).available
    12
    """

    name: str = attrs.field(validator=_text)
    policies: Policies = attrs.field(factory=Policies, validator=instance_of(Policies))
    earn_rules: EarnRules = attrs.field(
        factory=EarnRules, validator=instance_of(EarnRules), alias="earn"
    )
    tiers: Tiers | None = attrs.field(default=None, validator=instance_of(Tiers, optional=True))
    catalogue: Catalogue = attrs.field(factory=Catalogue, validator=instance_of(Catalogue))

    def new_ledger(self) -> Ledger:
        """Return an empty ledger under this programme's policies.

        The programme's commands take only ledgers made this way (or any
        ledger under equal policies).

        >>> from servicemodel.loyalty import AfterDays, Policies
        >>> programme = Programme(name="demo", policies=Policies(expiry=AfterDays(days=90)))
        >>> programme.new_ledger().policies.expiry
        AfterDays(days=90, convention=<DayCount.EARN_DAY_IS_DAY_ONE: 'earn_day_is_day_one'>)
        """
        return Ledger(policies=self.policies)

    def _check_ledger(self, ledger: Ledger) -> None:
        if not isinstance(ledger, Ledger) or ledger.policies != self.policies:
            raise ValidationError(
                "'ledger' must be a Ledger under this programme's policies "
                "(make it with programme.new_ledger())",
                field="ledger",
                value=ledger,
            )

    def tier(self, ledger: Ledger, member: str, *, as_of: _dt.datetime) -> Tier:
        """Return *member*'s tier at *as_of*.

        Raises:
            ValidationError: the programme has no tiers.

        >>> import pendulum
        >>> from decimal import Decimal
        >>> from servicemodel.loyalty import (Catalogue, EarnRules, Money, Order, OrderLine,
        ...     PerSpend, Policies, Reward, Tier, TierMultiplier, Tiers)
        >>> programme = Programme(name="demo", policies=Policies(zone="Europe/Warsaw"),
        ...     earn=EarnRules(rules=[PerSpend(name="spend")],
        ...                    multipliers=[TierMultiplier(tier="gold", factor=2)]),
        ...     tiers=Tiers(levels=[Tier(name="base", threshold=0), Tier(name="gold", threshold=100)]),
        ...     catalogue=Catalogue(rewards=[Reward(id="mug", cost=30, stock=1)]))
        >>> ledger, t = programme.new_ledger(), pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")
        >>> def order(key, amount):
        ...     line = OrderLine(line="1", product="tea", amount=Money(Decimal(amount), "PLN"))
        ...     return Order(id=key, lines=[line])
        >>> programme.tier(ledger, "ann", as_of=t).name
        'base'
        >>> _ = programme.earn(ledger, member="ann", purchase=order("o-1", "120.00"), at=t, key="o-1")
        >>> programme.tier(ledger, "ann", as_of=t.add(days=1)).name
        'gold'
        """
        if self.tiers is None:
            raise ValidationError(
                f"'tiers' must be defined to ask for a tier (programme {self.name!r} has none)",
                field="tiers",
                value=None,
            )
        return self.tiers.tier_at(ledger, member, as_of)

    def evaluate(
        self, ledger: Ledger, *, member: str, purchase: Order | Activity, at: _dt.datetime
    ) -> Earning:
        """Return what *purchase* would earn *member* at *at* (nothing is posted).

        Reads the member's tier (with the crossing rule) and cap usage in each
        cap's window from the ledger.

        >>> import pendulum
        >>> from decimal import Decimal
        >>> from servicemodel.loyalty import (Catalogue, EarnRules, Money, Order, OrderLine,
        ...     PerSpend, Policies, Reward, Tier, TierMultiplier, Tiers)
        >>> programme = Programme(name="demo", policies=Policies(zone="Europe/Warsaw"),
        ...     earn=EarnRules(rules=[PerSpend(name="spend")],
        ...                    multipliers=[TierMultiplier(tier="gold", factor=2)]),
        ...     tiers=Tiers(levels=[Tier(name="base", threshold=0), Tier(name="gold", threshold=100)]),
        ...     catalogue=Catalogue(rewards=[Reward(id="mug", cost=30, stock=1)]))
        >>> ledger, t = programme.new_ledger(), pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")
        >>> def order(key, amount):
        ...     line = OrderLine(line="1", product="tea", amount=Money(Decimal(amount), "PLN"))
        ...     return Order(id=key, lines=[line])
        >>> programme.evaluate(ledger, member="ann", purchase=order("o-1", "40.00"), at=t).points
        40
        >>> ledger.balance("ann", as_of=t).available  # nothing was posted
        0
        """
        instant = aware(at, field="at")
        t = to_micros(instant)
        used = self._cap_usage(ledger, member, t)
        tiers = self.tiers
        if tiers is None:
            return self.earn_rules.evaluate(purchase, at=instant, used=used)
        before_level = tiers.levels.index(tiers.tier_at(ledger, member, instant))
        metric_before = tiers.metric_at(ledger, member, t)
        if tiers.metric is TierMetric.SPEND_ROLLING:
            contribution = purchase.total().amount if isinstance(purchase, Order) else Decimal(0)
        elif tiers.metric is TierMetric.BALANCE:
            # What the purchase adds to the available balance now: nothing while pending,
            # and debt is repaid first.
            plain = self.earn_rules.evaluate(
                purchase, at=instant, used=used, tier_factor=Fraction(1)
            )
            debt = ledger.balance(member, as_of=instant).debt
            waits = self.policies.pending.length > 0
            contribution = Decimal(0 if waits else max(plain.points - debt, 0))
        else:
            plain = self.earn_rules.evaluate(
                purchase, at=instant, used=used, tier_factor=Fraction(1)
            )
            contribution = Decimal(plain.points)
        metric_after = metric_before + contribution
        after_level = max(before_level, tiers.levels.index(tiers.level_for(metric_after)))
        rules = self.earn_rules
        if after_level == before_level or tiers.crossing is Crossing.BEFORE:
            return rules.evaluate(
                purchase, at=instant, used=used, tier=tiers.levels[before_level].name
            )
        if tiers.crossing is Crossing.AFTER:
            return rules.evaluate(
                purchase, at=instant, used=used, tier=tiers.levels[after_level].name
            )
        # Split: each part of the contribution earns at the tier it falls in.
        weighted = Fraction(0)
        low = Fraction(metric_before)
        high = Fraction(metric_after)
        for index in range(before_level, after_level + 1):
            start = (
                max(low, Fraction(tiers.levels[index].threshold)) if index > before_level else low
            )
            end = (
                min(high, Fraction(tiers.levels[index + 1].threshold))
                if index < after_level
                else high
            )
            if end > start:
                weighted += (end - start) * rules.tier_factor(tiers.levels[index].name)
        factor = weighted / (high - low)
        return rules.evaluate(purchase, at=instant, used=used, tier_factor=factor)

    def _cap_usage(self, ledger: Ledger, member: str, t: int) -> dict[str, int]:
        clock = LocalClock(self.policies.zone)
        used: dict[str, int] = {}
        for cap in self.earn_rules.caps:
            if cap.window is CapWindow.ORDER:
                continue
            start = cap._window_start(clock, t)
            used[cap.name] = int(ledger._tally_micros(member, f"cap:{cap.name}", start, t + 1))
        return used

    def _room_back(
        self,
        ledger: Ledger,
        member: str,
        earn: str,
        returned: tuple[ReturnedLine, ...] | None,
        t: int,
    ) -> dict[str, int]:
        """The cap room a return gives back under ``CapCount.KEPT`` (negative cap tallies).

        Each cap that counted the earn gets back its share of what it counted, in
        proportion to the value returned so far (all of it once the whole order
        is back), less what earlier returns of the order gave back; only while
        the return falls in the window the earn was counted in.
        """
        if self.earn_rules.cap_count is not CapCount.KEPT or not ledger.knows(earn):
            return {}
        command = ledger.command(earn)
        if command.name is not CommandName.EARN or command.member != member:
            return {}  # the ledger refuses such a return, naming the problem
        counted = dict(command.argument("tally") or ())
        total = sum((line.amount for line in command.argument("lines") or ()), Decimal(0))
        before = Decimal(0)
        given: dict[str, int] = {}
        earlier = dict.fromkeys(
            e.key
            for e in ledger.history(member)
            if e.ref == earn and e.key and e.kind in (EntryKind.REVERSE, EntryKind.VOID)
        )
        for key in earlier:
            previous = ledger.command(key)
            lines = previous.argument("lines")
            before = total if lines is None else before + sum(x.amount for x in lines)
            for name, value in previous.argument("tally") or ():
                if name.startswith("cap:"):
                    given[name] = given.get(name, 0) - int(value)
        after = total if returned is None else before + sum(x.amount for x in returned)
        clock = LocalClock(self.policies.zone)
        room: dict[str, int] = {}
        for cap in self.earn_rules.caps:
            name = f"cap:{cap.name}"
            used = int(counted.get(name, 0))
            if not used or cap.window is CapWindow.ORDER:
                continue
            if cap._window_start(clock, command._micros) != cap._window_start(clock, t):
                continue  # the window the earn was counted in is over
            share = used if after >= total else int(used * after // total) if total else 0
            if share > given.get(name, 0):
                room[name] = -(share - given.get(name, 0))
        return room

    def earn(
        self,
        ledger: Ledger,
        *,
        member: str,
        purchase: Order | Activity,
        at: _dt.datetime,
        key: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """Compute what *purchase* earns and post it to *ledger* as one lot.

        The lot records every rule's award (desired and granted) and each
        line's points; a purchase whose award a cap rejected posts a lot of 0
        points, so the rejection is on record. Sending the same key again
        returns the first receipt and posts nothing.

        Raises:
            IdempotencyConflict: the key was used for a different command.

        >>> import pendulum
        >>> from decimal import Decimal
        >>> from servicemodel.loyalty import (Catalogue, EarnRules, Money, Order, OrderLine,
        ...     PerSpend, Policies, Reward, Tier, TierMultiplier, Tiers)
        >>> programme = Programme(name="demo", policies=Policies(zone="Europe/Warsaw"),
        ...     earn=EarnRules(rules=[PerSpend(name="spend")],
        ...                    multipliers=[TierMultiplier(tier="gold", factor=2)]),
        ...     tiers=Tiers(levels=[Tier(name="base", threshold=0), Tier(name="gold", threshold=100)]),
        ...     catalogue=Catalogue(rewards=[Reward(id="mug", cost=30, stock=1)]))
        >>> ledger, t = programme.new_ledger(), pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")
        >>> def order(key, amount):
        ...     line = OrderLine(line="1", product="tea", amount=Money(Decimal(amount), "PLN"))
        ...     return Order(id=key, lines=[line])
        >>> receipt = programme.earn(ledger, member="ann", purchase=order("o-1", "40.00"), at=t,
        ...                          key="o-1")
        >>> receipt.entries[0].points, ledger.balance("ann", as_of=t).available
        (40, 40)
        >>> programme.earn(ledger, member="ann", purchase=order("o-1", "40.00"), at=t,
        ...                key="o-1") == receipt
        True
        """
        self._check_ledger(ledger)
        if ledger.knows(key):
            return self._repeat(ledger, member, purchase, at, key)
        earning = self.evaluate(ledger, member=member, purchase=purchase, at=at)
        tally: dict[str, Any] = dict(earning.tally)
        if isinstance(purchase, Order):
            tally["spend"] = purchase.total().amount
        return ledger.earn(
            member=member,
            points=earning.points,
            at=at,
            key=key,
            awards=earning.awards,
            lines=earning.lines,
            tally=tally,
            expected_version=expected_version,
        )

    @staticmethod
    def _repeat(
        ledger: Ledger, member: str, purchase: Order | Activity, at: _dt.datetime, key: str
    ) -> Receipt:
        """A repeated delivery: the recorded earn must be this purchase's (member, instant, lines)."""
        payload = ledger.command(key)
        t = to_micros(aware(at, field="at"))
        lines = (
            tuple((line.line, line.amount.amount) for line in purchase.lines)
            if isinstance(purchase, Order)
            else ()
        )
        is_earn = payload.name is CommandName.EARN
        recorded = (
            tuple((line.line, line.amount) for line in payload.argument("lines") or ())
            if is_earn
            else None
        )
        if not is_earn or payload.member != member or payload._micros != t or recorded != lines:
            raise IdempotencyConflict(
                f"'key' {key!r} was already used for a different command; use a new key"
            )
        return ledger.receipt(key)

    def return_purchase(
        self,
        ledger: Ledger,
        *,
        member: str,
        earn: str,
        at: _dt.datetime,
        key: str,
        lines: Iterable[ReturnedLine] | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        """Return a purchase (or some lines) and take back its points; spend counts down.

        *earn* is the key the purchase was earned under. Points already spent
        become debt, repaid by later points.

        >>> import pendulum
        >>> from decimal import Decimal
        >>> from servicemodel.loyalty import (Catalogue, EarnRules, Money, Order, OrderLine,
        ...     PerSpend, Policies, Reward, Tier, TierMultiplier, Tiers)
        >>> programme = Programme(name="demo", policies=Policies(zone="Europe/Warsaw"),
        ...     earn=EarnRules(rules=[PerSpend(name="spend")],
        ...                    multipliers=[TierMultiplier(tier="gold", factor=2)]),
        ...     tiers=Tiers(levels=[Tier(name="base", threshold=0), Tier(name="gold", threshold=100)]),
        ...     catalogue=Catalogue(rewards=[Reward(id="mug", cost=30, stock=1)]))
        >>> ledger, t = programme.new_ledger(), pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")
        >>> def order(key, amount):
        ...     line = OrderLine(line="1", product="tea", amount=Money(Decimal(amount), "PLN"))
        ...     return Order(id=key, lines=[line])
        >>> _ = programme.earn(ledger, member="ann", purchase=order("o-1", "40.00"), at=t, key="o-1")
        >>> _ = programme.redeem(ledger, member="ann", reward="mug", at=t, key="r-1")
        >>> receipt = programme.return_purchase(ledger, member="ann", earn="o-1",
        ...                                     at=t.add(days=2), key="ret-1")
        >>> [(e.kind.value, e.points) for e in receipt.entries]
        [('reverse', 10), ('debt', 30)]
        >>> ledger.balance("ann", as_of=t.add(days=2))
        Balance(available=0, pending=0, debt=30)
        """
        self._check_ledger(ledger)
        returned = None if lines is None else tuple(lines)
        amount = None
        if returned is not None:
            amount = sum((line.amount for line in returned), Decimal(0))
        else:
            for lot in ledger.lots(member, as_of=aware(at, field="at")):
                if lot.key == earn:
                    amount = sum((s.amount for s in lot.lines), Decimal(0))
        tally: dict[str, Any] = {"spend": -amount} if amount else {}
        known = ledger.command(key) if ledger.knows(key) else None
        if known is not None and known.name is CommandName.RETURN_PURCHASE:
            tally = dict(known.argument("tally") or ())  # a repeated delivery: as first sent
        else:
            t = to_micros(aware(at, field="at"))
            tally.update(self._room_back(ledger, member, earn, returned, t))
        return ledger.return_purchase(
            member=member,
            earn=earn,
            at=at,
            key=key,
            lines=returned,
            tally=tally or None,
            expected_version=expected_version,
        )

    def redeem(
        self,
        ledger: Ledger,
        *,
        member: str,
        reward: str,
        at: _dt.datetime,
        key: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """Redeem a catalogue reward: window, stock and points are all checked first.

        Raises:
            ValidationError: no such reward.
            RewardUnavailable: outside the reward's window or out of stock.
            InsufficientPoints: too few available points.

        >>> import pendulum
        >>> from decimal import Decimal
        >>> from servicemodel.loyalty import (Catalogue, EarnRules, Money, Order, OrderLine,
        ...     PerSpend, Policies, Reward, Tier, TierMultiplier, Tiers)
        >>> programme = Programme(name="demo", policies=Policies(zone="Europe/Warsaw"),
        ...     earn=EarnRules(rules=[PerSpend(name="spend")],
        ...                    multipliers=[TierMultiplier(tier="gold", factor=2)]),
        ...     tiers=Tiers(levels=[Tier(name="base", threshold=0), Tier(name="gold", threshold=100)]),
        ...     catalogue=Catalogue(rewards=[Reward(id="mug", cost=30, stock=1)]))
        >>> ledger, t = programme.new_ledger(), pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")
        >>> def order(key, amount):
        ...     line = OrderLine(line="1", product="tea", amount=Money(Decimal(amount), "PLN"))
        ...     return Order(id=key, lines=[line])
        >>> _ = programme.earn(ledger, member="ann", purchase=order("o-1", "40.00"), at=t, key="o-1")
        >>> programme.redeem(ledger, member="ann", reward="mug", at=t, key="r-1").entries[0].points
        30
        >>> programme.redeem(ledger, member="ann", reward="mug", at=t, key="r-2")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.RewardUnavailable: 'reward' 'mug' must be in stock (all 1 are redeemed)
        >>> ledger.balance("ann", as_of=t).available  # the refused redemption changed nothing
        10
        """
        self._check_ledger(ledger)
        item = self.catalogue.get(reward)
        t = to_micros(aware(at, field="at"))
        if not ledger.knows(key):
            if not item.open_at(t):
                raise RewardUnavailable(
                    f"'reward' {reward!r} must be redeemed inside its window (got {at})"
                )
            if item.stock is not None and ledger.redeemed(reward) >= item.stock:
                raise RewardUnavailable(
                    f"'reward' {reward!r} must be in stock (all {item.stock} are redeemed)"
                )
        return ledger.redeem(
            member=member,
            points=item.cost,
            at=at,
            key=key,
            reward=reward,
            expected_version=expected_version,
        )
