"""Stateful property test: the ledger against a naive model, every invariant after every step.

It runs on the in-memory ledger and on a ledger kept in each store (the
``new_ledger`` fixture of tests/conftest.py).

The naive model replays the accepted commands from the start for every
question, with plain lists and linear scans instead of heaps, Fenwick trees
and snapshots. It shares only the policies' date arithmetic with the ledger
(when a lot or an inactivity clock runs out), so the dates themselves of
issue 20's points 9 and 11 (a rule switched on from a date, months) are pinned
by the example tests of test_expiry_options.py; here they meet every command.

Issue 20's loyalty points 6-13 are drawn by the broad strategy; points 6, 9-11
and 13 also get a focused run each (:data:`POINTS`), since a bounded run of the
broad strategy reaches them too rarely to fail on a wrong implementation.
Point 8 (caps) lives in the programme: see test_programme_machine.py.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from servicemodel.exceptions import IdempotencyConflict, LedgerError
from servicemodel.loyalty import (
    ActivityKind,
    AfterDays,
    AfterInactivity,
    Consumption,
    DayCount,
    EarnLine,
    EntryKind,
    ExpiredReturn,
    ExpiryStart,
    Ledger,
    LotStatus,
    NegativeBalance,
    NeverExpires,
    Pending,
    Policies,
    RedemptionReversal,
    ReturnAttribution,
    ReturnedLine,
    Tier,
    TierMetric,
    Tiers,
    WhicheverFirst,
    largest_remainder,
)
from servicemodel.loyalty._clock import LocalClock
from servicemodel.loyalty._policies import NEVER, inactivity_of


@dataclass
class NLot:
    id: int
    earned: int
    available_at: int
    expires: int
    original: int
    remaining: int
    state: str  # pending, active, expired, voided
    shares: dict[str, int] = field(default_factory=dict)
    returned: set[str] = field(default_factory=set)
    clawed: int = 0
    expired: int = 0
    forgiven: int = 0


@dataclass
class NMember:
    lots: list[NLot] = field(default_factory=list)
    debt: int = 0
    last_activity: int | None = None
    inactive_done: bool = True
    redemptions: dict[str, tuple[list[tuple[int, int]], bool]] = field(default_factory=dict)
    earns: dict[str, int] = field(default_factory=dict)
    counters: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            (
                "issued",
                "spent",
                "expired",
                "reversed",
                "voided",
                "repaid",
                "deducted",
                "written_off",
            ),
            0,
        )
    )


class Naive:
    """Recompute a member's state at any instant from the list of accepted commands."""

    def __init__(self, policies: Policies) -> None:
        self.policies = policies
        self.clock = LocalClock(policies.zone)
        self.inactivity = inactivity_of(policies.expiry)
        self.commands: list[tuple[Any, ...]] = []

    # Commands are (name, member, at, args dict).
    def record(self, command: tuple[Any, ...]) -> None:
        self.commands.append(command)

    def state(self, member: str, as_of: int) -> NMember:
        m = NMember()
        for name, who, at, args in self.commands:
            if who != member or at > as_of:
                continue
            self._advance(m, at)
            getattr(self, "_" + name)(m, at, **args)
        self._advance(m, as_of)
        return m

    def balance(self, member: str, as_of: int) -> tuple[int, int, int]:
        m = self.state(member, as_of)
        available = sum(lot.remaining for lot in m.lots if lot.state == "active")
        pending = sum(lot.remaining for lot in m.lots if lot.state == "pending")
        return available, pending, m.debt

    # ---------------------------------------------------------------- helpers

    def _rank(self, lot: NLot) -> tuple[int, ...]:
        if self.policies.consumption is Consumption.SOONEST_EXPIRING:
            return (lot.expires, lot.id)
        if self.policies.consumption is Consumption.FIFO:
            return (lot.id,)
        return (-lot.id,)

    def _available(self, m: NMember) -> int:
        return sum(lot.remaining for lot in m.lots if lot.state == "active")

    def _take(self, m: NMember, amount: int) -> list[tuple[int, int]]:
        allocations = []
        for lot in sorted((x for x in m.lots if x.state == "active"), key=self._rank):
            if not amount:
                break
            take = min(lot.remaining, amount)
            if take:
                lot.remaining -= take
                amount -= take
                allocations.append((lot.id, take))
        assert amount == 0
        return allocations

    def _repay(self, m: NMember) -> None:
        amount = min(m.debt, self._available(m))
        if amount:
            self._take(m, amount)
            m.debt -= amount
            m.counters["repaid"] += amount

    def _deadline(self, m: NMember) -> int:
        if self.inactivity is None or m.inactive_done or m.last_activity is None:
            return NEVER
        return self.inactivity._deadline(self.clock, m.last_activity)

    def _advance(self, m: NMember, to: int) -> None:
        while True:
            activations = [x.available_at for x in m.lots if x.state == "pending"]
            expiries = [x.expires for x in m.lots if x.state == "active"]
            a = min(activations, default=NEVER)
            e = min(expiries, default=NEVER)
            d = self._deadline(m)
            moment = min(a, e, d)
            if moment > to:
                return
            if a == moment:
                lot = min(
                    (x for x in m.lots if x.state == "pending" and x.available_at == a),
                    key=lambda x: x.id,
                )
                if lot.expires <= moment:
                    lot.state = "expired"
                    m.counters["expired"] += lot.remaining
                    lot.expired += lot.remaining
                    lot.remaining = 0
                else:
                    lot.state = "active"
                    self._repay(m)
            elif e == moment:
                for lot in m.lots:
                    if lot.state == "active" and lot.expires == moment:
                        lot.state = "expired"
                        m.counters["expired"] += lot.remaining
                        lot.expired += lot.remaining
                        lot.remaining = 0
            else:
                for lot in m.lots:
                    if lot.state in ("pending", "active"):
                        lot.state = "expired"
                        m.counters["expired"] += lot.remaining
                        lot.expired += lot.remaining
                        lot.remaining = 0
                m.inactive_done = True

    def _new_lot(self, m: NMember, at: int, points: int, *, pending: bool) -> NLot:
        available_at = self.policies.pending._available_at(self.clock, at) if pending else at
        # Expiry counts from the earn, or from availability when the policy says so or
        # when the lot would otherwise expire before it could be spent.
        expires = self.policies.expiry._lot_expiry(self.clock, at)
        if self.policies.expiry_start is ExpiryStart.AVAILABLE or expires <= available_at:
            expires = self.policies.expiry._lot_expiry(self.clock, available_at)
        lot = NLot(len(m.lots) + 1, at, available_at, expires, points, points, "pending")
        m.lots.append(lot)
        m.counters["issued"] += points
        if available_at <= at:
            lot.state = "active"
            self._repay(m)
        return lot

    def _activity(self, m: NMember, at: int, kind: ActivityKind) -> None:
        # Activity restarts the inactivity clock; any command starts a stopped one.
        if self.inactivity is None or m.inactive_done or kind in self.inactivity.activity:
            m.last_activity = at
            m.inactive_done = False

    # --------------------------------------------------------------- commands

    def _earn(
        self, m: NMember, at: int, *, key: str, points: int, lines: list[tuple[str, int, int]]
    ) -> None:
        lot = self._new_lot(m, at, points, pending=True)
        m.earns[key] = lot.id
        if lines:
            if self.policies.returns is ReturnAttribution.LINE_ATTRIBUTED:
                split = [p for _, _, p in lines]
            else:
                split = list(largest_remainder(points, [amount for _, amount, _ in lines]))
            lot.shares = {name: s for (name, _, _), s in zip(lines, split, strict=True)}
        self._activity(m, at, ActivityKind.EARN)

    def _redeem(self, m: NMember, at: int, *, key: str, points: int) -> None:
        allocations = self._take(m, points)
        m.counters["spent"] += points
        m.redemptions[key] = (allocations, False)
        self._activity(m, at, ActivityKind.REDEEM)

    def _activate(self, m: NMember, at: int, *, earn: str) -> None:
        lot = m.lots[m.earns[earn] - 1]
        lot.state = "active"
        self._repay(m)
        self._activity(m, at, ActivityKind.ACTIVATE)

    def _reverse(self, m: NMember, at: int, *, redemption: str) -> None:
        allocations, _ = m.redemptions[redemption]
        m.redemptions[redemption] = (allocations, True)
        total = sum(p for _, p in allocations)
        m.counters["spent"] -= total
        if self.policies.reversal is RedemptionReversal.RESTORE:
            for lot_id, points in allocations:
                lot = m.lots[lot_id - 1]
                if lot.state == "active":
                    lot.remaining += points
                else:
                    m.counters["expired"] += points
                    lot.expired += points
            self._repay(m)
            self._activity(m, at, ActivityKind.RESTORE)
        else:
            m.counters["spent"] += total
            self._new_lot(m, at, total, pending=False)
            self._activity(m, at, ActivityKind.REISSUE)

    def _return(self, m: NMember, at: int, *, earn: str, lines: list[str] | None) -> None:
        lot = m.lots[m.earns[earn] - 1]
        if lot.shares:
            chosen = [n for n in lot.shares if n not in lot.returned] if lines is None else lines
            claw = sum(lot.shares[n] for n in chosen if n not in lot.returned)
            lot.returned.update(chosen)
        else:
            claw = lot.original - lot.clawed
        claw = min(claw, lot.original - lot.clawed)
        lot.clawed += claw
        if lot.state == "pending":
            voided = min(claw, lot.remaining)
            lot.remaining -= voided
            m.counters["voided"] += voided
            m.counters["written_off"] += claw - voided
            if not lot.remaining:
                lot.state = "voided"
            self._activity(m, at, ActivityKind.RETURN)
            return
        self._activity(m, at, ActivityKind.RETURN)
        policy = self.policies.negative_balance
        if policy is NegativeBalance.ONLY_PENDING:
            m.counters["written_off"] += claw
            return
        if self.policies.expired_return is ExpiredReturn.NOT_AGAIN:
            # What the lot lost to expiry is not taken again (once per expired point).
            forgiven = max(0, min(claw, lot.expired - lot.forgiven))
            lot.forgiven += forgiven
            m.counters["written_off"] += forgiven
            claw -= forgiven
        own = min(claw, lot.remaining) if lot.state == "active" else 0
        lot.remaining -= own
        others = min(claw - own, self._available(m))
        self._take(m, others)
        m.counters["reversed"] += own + others
        short = claw - own - others
        if policy is NegativeBalance.UNLIMITED:
            m.debt += short
        else:
            m.counters["written_off"] += short

    def _adjust(self, m: NMember, at: int, *, points: int, shortfall: NegativeBalance) -> None:
        if points > 0:
            self._new_lot(m, at, points, pending=False)
        else:
            taken = min(-points, self._available(m))
            self._take(m, taken)
            m.counters["deducted"] += taken
            short = -points - taken
            if shortfall is NegativeBalance.UNLIMITED:
                m.debt += short
            else:
                m.counters["written_off"] += short
        self._activity(m, at, ActivityKind.ADJUST)


START = pendulum.datetime(2025, 3, 1, 9, tz="Europe/Warsaw")
MEMBERS = ("ann", "bob")

POLICIES = st.builds(
    Policies,
    zone=st.just("Europe/Warsaw"),
    consumption=st.sampled_from(Consumption),
    expiry=st.sampled_from(
        [
            NeverExpires(),
            AfterDays(days=5),
            AfterDays(days=1),  # shorter than the pending period: counted from availability
            AfterDays(days=3, convention=DayCount.EXACT_INSTANT),
            WhicheverFirst(rules=[AfterDays(days=20), AfterInactivity(days=6)]),
            # Switched on from a date, counted in months, only redemptions count.
            AfterInactivity(months=1, since=date(2025, 3, 20), activity={"redeem"}),
            # Admin adjustments and returns do not count; returns and activations do.
            WhicheverFirst(
                rules=[
                    AfterDays(days=9),
                    AfterInactivity(days=4, activity={"earn", "redeem", "return", "activate"}),
                ]
            ),
        ]
    ),
    expiry_start=st.sampled_from(ExpiryStart),
    expired_return=st.sampled_from(ExpiredReturn),
    pending=st.sampled_from([Pending(), Pending(length=2), Pending(length=30, unit="hours")]),
    negative_balance=st.sampled_from(NegativeBalance),
    returns=st.sampled_from(ReturnAttribution),
    reversal=st.sampled_from(RedemptionReversal),
)


#: Tiers by the available balance (point 12 of issue 20), checked against the naive balance.
BY_BALANCE = Tiers(
    levels=[Tier(name="base", threshold=0), Tier(name="silver", threshold=150)],
    metric=TierMetric.BALANCE,
)


def rank(policies: Policies, lot: Any) -> tuple[float, ...]:
    if policies.consumption is Consumption.SOONEST_EXPIRING:
        expires = lot.expires_at.timestamp() if lot.expires_at is not None else float("inf")
        return (expires, lot.id)
    if policies.consumption is Consumption.FIFO:
        return (lot.id,)
    return (-lot.id,)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, new_ledger: Callable[[Policies], Any]) -> None:
        super().__init__()
        self.new_ledger = new_ledger
        self.now = START
        self.counter = 0
        self.times: list[pendulum.DateTime] = []
        self.sent: list[tuple[str, dict[str, Any], Any]] = []
        self.earns: dict[str, list[str]] = {m: [] for m in MEMBERS}
        self.redemptions: dict[str, list[str]] = {m: [] for m in MEMBERS}

    @initialize(policies=POLICIES)
    def setup(self, policies: Policies) -> None:
        self.policies = policies
        self.ledger = self.new_ledger(policies)
        self.naive = Naive(policies)

    # ----------------------------------------------------------------- helpers

    def key(self) -> str:
        self.counter += 1
        return f"k{self.counter}"

    def micros(self, instant: pendulum.DateTime) -> int:
        return int(instant.timestamp()) * 1_000_000 + instant.microsecond

    def answers_about_the_past(self, member: str) -> list[tuple[Any, ...]]:
        """What the ledger says about instants before now (a later command must not change it)."""
        probes = {self.now.subtract(microseconds=1), self.now.subtract(hours=30)}
        probes.update(t.subtract(microseconds=1) for t in self.times[-2:])
        for lot in self.ledger.lots(member, as_of=self.now)[-2:]:
            probes.add(lot.available_at)
            if lot.expires_at is not None:
                probes.add(lot.expires_at)
        return [
            self.answers_about_the_past_at(member, probe)
            for probe in sorted(p for p in probes if p < self.now)
        ]

    def answers_about_the_past_at(self, member: str, probe: Any) -> tuple[Any, ...]:
        # A derived entry gets its journal position (seq) when a later command records it.
        return (
            probe,
            self.ledger.balance(member, as_of=probe),
            self.ledger.totals(member, as_of=probe),
            self.ledger.lots(member, as_of=probe),
            [attrs.evolve(e, seq=None) for e in self.ledger.history(member, as_of=probe)],
            self.ledger.expiring_between(member, probe.subtract(days=40), probe),
            BY_BALANCE.tier_at(self.ledger, member, probe),
        )

    def send(self, method: str, kwargs: dict[str, Any], naive: tuple[Any, ...] | None) -> Any:
        member = kwargs["member"]
        before = (self.ledger.history(member), self.ledger.version(member))
        past = self.answers_about_the_past(member)
        try:
            receipt = getattr(self.ledger, method)(**kwargs)
        except LedgerError:
            assert (self.ledger.history(member), self.ledger.version(member)) == before
            return None
        finally:
            for answer in past:
                # Answers about instants before the command are the same after it.
                assert self.answers_about_the_past_at(member, answer[0]) == answer, answer[0]
        assert receipt.version == before[1] + 1
        if naive is not None:
            self.naive.record(naive)
        self.sent.append((method, kwargs, receipt))
        self.times.append(self.now)
        return receipt

    # ------------------------------------------------------------------ rules

    @rule(hours=st.integers(1, 200))
    def advance(self, hours: int) -> None:
        self.now = self.now.add(hours=hours)

    @rule(
        member=st.sampled_from(MEMBERS),
        points=st.integers(1, 300),
        with_lines=st.booleans(),
        split=st.integers(0, 100),
        amount_a=st.integers(0, 5000),
        amount_b=st.integers(1, 5000),
    )
    def earn(
        self, member: str, points: int, with_lines: bool, split: int, amount_a: int, amount_b: int
    ) -> None:
        key = self.key()
        lines: list[tuple[str, int, int]] = []
        if with_lines:
            a = points * split // 100
            lines = [("a", amount_a, a), ("b", amount_b, points - a)]
        kwargs = {
            "member": member,
            "points": points,
            "at": self.now,
            "key": key,
            "lines": [EarnLine(line=n, amount=Decimal(v) / 100, points=p) for n, v, p in lines],
        }
        naive = (
            "earn",
            member,
            self.micros(self.now),
            {"key": key, "points": points, "lines": lines},
        )
        if self.send("earn", kwargs, naive) is not None:
            self.earns[member].append(key)

    @rule(member=st.sampled_from(MEMBERS), points=st.integers(1, 300))
    def redeem(self, member: str, points: int) -> None:
        key = self.key()
        kwargs = {"member": member, "points": points, "at": self.now, "key": key}
        expected = self.naive.balance(member, self.micros(self.now))[0]
        receipt = self.send(
            "redeem",
            kwargs,
            ("redeem", member, self.micros(self.now), {"key": key, "points": points}),
        )
        assert (receipt is not None) == (points <= expected)
        if receipt is None:
            return
        self.redemptions[member].append(key)
        allocations = receipt.entries[-1].allocations
        assert sum(a.points for a in allocations) == points
        lots = {lot.id: lot for lot in self.ledger.lots(member, as_of=self.now)}
        for a in allocations:
            lot = lots[a.lot]
            assert lot.available_at <= self.now
            assert lot.expires_at is None or lot.expires_at > self.now
        # Consumption-order law: nothing ranked before the last lot drawn keeps points.
        last = max((lots[a.lot] for a in allocations), key=lambda x: rank(self.policies, x))
        for lot in lots.values():
            if lot.status is LotStatus.AVAILABLE and rank(self.policies, lot) < rank(
                self.policies, last
            ):
                raise AssertionError(f"lot {lot.id} kept points while lot {last.id} was drawn")

    @rule(member=st.sampled_from(MEMBERS), pick=st.integers(0, 50))
    def activate(self, member: str, pick: int) -> None:
        if not self.earns[member]:
            return
        earn = self.earns[member][pick % len(self.earns[member])]
        key = self.key()
        kwargs = {"member": member, "earn": earn, "at": self.now, "key": key}
        state = self.naive.state(member, self.micros(self.now))
        lot_id = state.earns[earn]
        pending = state.lots[lot_id - 1].state == "pending"
        receipt = self.send(
            "activate", kwargs, ("activate", member, self.micros(self.now), {"earn": earn})
        )
        assert (receipt is not None) == pending

    @rule(member=st.sampled_from(MEMBERS), pick=st.integers(0, 50))
    def reverse(self, member: str, pick: int) -> None:
        if not self.redemptions[member]:
            return
        redemption = self.redemptions[member][pick % len(self.redemptions[member])]
        key = self.key()
        kwargs = {"member": member, "redemption": redemption, "at": self.now, "key": key}
        done = self.naive.state(member, self.micros(self.now)).redemptions[redemption][1]
        receipt = self.send(
            "reverse_redemption",
            kwargs,
            ("reverse", member, self.micros(self.now), {"redemption": redemption}),
        )
        assert (receipt is not None) == (not done)
        if receipt is not None and self.policies.reversal is RedemptionReversal.RESTORE:
            original = self.ledger.redemption_allocations(member, redemption)
            restore = next(e for e in receipt.entries if e.kind is EntryKind.RESTORE)
            assert restore.allocations == original

    @rule(
        member=st.sampled_from(MEMBERS),
        pick=st.integers(0, 50),
        which=st.sampled_from([None, "a", "b"]),
    )
    def return_purchase(self, member: str, pick: int, which: str | None) -> None:
        if not self.earns[member]:
            return
        earn = self.earns[member][pick % len(self.earns[member])]
        state = self.naive.state(member, self.micros(self.now))
        lot = state.lots[state.earns[earn] - 1]
        if which is not None and (not lot.shares or which in lot.returned):
            return
        key = self.key()
        kwargs: dict[str, Any] = {"member": member, "earn": earn, "at": self.now, "key": key}
        if which is not None:
            line = next(x for x in self.ledger.lots(member, as_of=self.now) if x.key == earn)
            amount = next(s.amount for s in line.lines if s.line == which)
            kwargs["lines"] = [ReturnedLine(line=which, amount=amount)]
        lines = None if which is None else [which]
        self.send(
            "return_purchase",
            kwargs,
            ("return", member, self.micros(self.now), {"earn": earn, "lines": lines}),
        )

    @rule(
        member=st.sampled_from(MEMBERS),
        points=st.integers(-200, 200).filter(bool),
        shortfall=st.sampled_from(
            [NegativeBalance.REFUSE, NegativeBalance.WITHIN_BALANCE, NegativeBalance.UNLIMITED]
        ),
    )
    def adjust(self, member: str, points: int, shortfall: NegativeBalance) -> None:
        key = self.key()
        kwargs = {
            "member": member,
            "points": points,
            "at": self.now,
            "key": key,
            "reason": "test",
            "shortfall": shortfall,
        }
        self.send(
            "adjust",
            kwargs,
            ("adjust", member, self.micros(self.now), {"points": points, "shortfall": shortfall}),
        )

    @rule(pick=st.integers(0, 1000), conflict=st.booleans())
    def duplicate_delivery(self, pick: int, conflict: bool) -> None:
        if not self.sent:
            return
        method, kwargs, receipt = self.sent[pick % len(self.sent)]
        member = kwargs["member"]
        before = (self.ledger.history(member), self.ledger.version(member))
        if conflict:
            changed = dict(kwargs, at=kwargs["at"].add(microseconds=1))
            try:
                getattr(self.ledger, method)(**changed)
            except IdempotencyConflict:
                pass
            else:
                raise AssertionError("a changed payload under a used key was accepted")
        else:
            assert getattr(self.ledger, method)(**kwargs) == receipt
        assert (self.ledger.history(member), self.ledger.version(member)) == before

    # ------------------------------------------------------------- invariants

    @invariant()
    def matches_the_naive_model_at_past_present_and_future_instants(self) -> None:
        if not hasattr(self, "ledger"):
            return
        probes = {self.now, self.now.add(hours=30), self.now.add(days=8), self.now.add(days=40)}
        probes.update(self.times[-3:])
        probes.update(t.subtract(microseconds=1) for t in self.times[-3:])
        for member in MEMBERS:
            edges = set(probes)
            for lot in self.ledger.lots(member, as_of=self.now)[-4:]:
                edges.add(lot.available_at)
                if lot.expires_at is not None:
                    edges.update({lot.expires_at, lot.expires_at.subtract(microseconds=1)})
            for probe in edges:
                real = self.ledger.balance(member, as_of=probe)
                assert (real.available, real.pending, real.debt) == self.naive.balance(
                    member, self.micros(probe)
                ), (member, probe)

    @invariant()
    def lots_and_totals_are_conserved(self) -> None:
        if not hasattr(self, "ledger"):
            return
        for member in MEMBERS:
            state = self.naive.state(member, self.micros(self.now))
            lots = self.ledger.lots(member, as_of=self.now)
            assert [lot.remaining for lot in lots] == [lot.remaining for lot in state.lots]
            for lot in lots:
                assert 0 <= lot.remaining <= lot.original
            totals = self.ledger.totals(member, as_of=self.now)
            assert totals.balanced(), totals
            for name, value in state.counters.items():
                assert getattr(totals, name) == value, (name, totals, state.counters)
            balance = self.ledger.balance(member, as_of=self.now)
            assert balance.available >= 0
            assert balance.debt == 0 or balance.available == 0

    @invariant()
    def a_tier_by_balance_follows_the_available_balance(self) -> None:
        if not hasattr(self, "ledger"):
            return
        for member in MEMBERS:
            for probe in (self.now, self.now.add(days=8)):
                available = self.naive.balance(member, self.micros(probe))[0]
                tier = BY_BALANCE.tier_at(self.ledger, member, probe)
                assert tier == BY_BALANCE.level_for(Decimal(available)), (member, probe)

    @invariant()
    def time_alone_never_raises_the_balance(self) -> None:
        if not hasattr(self, "ledger"):
            return
        for member in MEMBERS:
            previous = None
            for hours in (0, 12, 48, 24 * 7, 24 * 30):
                b = self.ledger.balance(member, as_of=self.now.add(hours=hours))
                current = (b.available + b.pending, b.debt)
                if previous is not None:
                    assert current[0] <= previous[0]
                    assert current[1] <= previous[1]
                previous = current
            first = self.ledger.history(member, as_of=self.now.add(days=40))
            assert self.ledger.history(member, as_of=self.now.add(days=40)) == first

    def teardown(self) -> None:
        if not hasattr(self, "ledger"):
            return
        replayed = Ledger(policies=self.policies)
        replayed.replay(self.ledger.commands())
        for member in MEMBERS:
            assert replayed.history(member) == self.ledger.history(member)
            later = self.now.add(days=10)
            assert replayed.balance(member, as_of=later) == self.ledger.balance(member, as_of=later)


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
def test_the_ledger_matches_the_naive_model_in_memory_and_in_every_store(
    new_ledger: Callable[[Policies], Any], ledger_kind: str
) -> None:
    machine: Any = functools.partial(LedgerMachine, new_ledger)
    # A store makes a database per example: fewer examples there (the same rules run
    # in memory at the profile's count), unless the acceptance load is asked for.
    full = ledger_kind == "memory" or os.environ.get("SERVICEMODEL_STORE_LOAD") == "acceptance"
    examples = settings().max_examples if full else 20
    run_state_machine_as_test(
        machine, settings=settings(stateful_step_count=30, max_examples=examples)
    )


#: Issue 20's points 6-13 that the broad strategy above reaches too rarely in a bounded
#: run, each fixed while every other policy is drawn.
POINTS: dict[str, dict[str, Any]] = {
    # 6: a lot that would expire (1 day after the earn) before it is available (2 days).
    "6-pending-lot-expiring-before-available": {
        "pending": st.sampled_from([Pending(length=2), Pending(length=30, unit="hours")]),
        "expiry": st.just(AfterDays(days=1)),
        "expiry_start": st.just(ExpiryStart.EARNED),
    },
    # 9, 10, 11: inactivity in calendar months, switched on from a date, where only
    # some commands count as activity (earns and redemptions, or adjustments and
    # redemptions).
    "9-10-11-inactivity-from-a-date-in-months-by-activity": {
        "expiry": st.sampled_from(
            [
                AfterInactivity(months=1, since=date(2025, 3, 10), activity=kinds)
                for kinds in ({"earn", "redeem"}, {"adjust", "redeem"})
            ]
        ),
    },
    # 13: whole orders returned after their points expired, taken again or not; the
    # shortfall becomes debt or is written off (both show what was taken).
    "13-return-after-expiry": {
        "expiry": st.just(AfterDays(days=3)),
        "expired_return": st.sampled_from(ExpiredReturn),
        "negative_balance": st.sampled_from(
            [NegativeBalance.UNLIMITED, NegativeBalance.WITHIN_BALANCE]
        ),
    },
}


def focused_policies(point: str) -> st.SearchStrategy[Policies]:
    """Policies with *point*'s options fixed and the rest drawn as in :data:`POLICIES`."""
    drawn: dict[str, Any] = {
        "zone": st.just("Europe/Warsaw"),
        "consumption": st.sampled_from(Consumption),
        "expiry_start": st.sampled_from(ExpiryStart),
        "expired_return": st.sampled_from(ExpiredReturn),
        "pending": st.sampled_from([Pending(), Pending(length=2)]),
        "negative_balance": st.sampled_from(NegativeBalance),
        "returns": st.sampled_from(ReturnAttribution),
        "reversal": st.sampled_from(RedemptionReversal),
    }
    return st.builds(Policies, **{**drawn, **POINTS[point]})


def focused_machine(point: str) -> type[LedgerMachine]:
    """The ledger machine under one point's policies, with days-long pauses."""

    class Focused(LedgerMachine):
        @initialize(policies=focused_policies(point))
        def setup(self, policies: Policies) -> None:
            super().setup(policies)

        @rule(hours=st.integers(1, 24 * 12))
        def advance(self, hours: int) -> None:
            super().advance(hours)

        @rule(member=st.sampled_from(MEMBERS), pick=st.integers(0, 50), points=st.integers(1, 300))
        def return_after_expiry(self, member: str, pick: int, points: int) -> None:
            """Let an order's points expire, earn again, then return the order (point 13)."""
            state = self.naive.state(member, self.micros(self.now))
            open_ = [
                (earn, state.lots[lot - 1])
                for earn, lot in state.earns.items()
                if state.lots[lot - 1].clawed < state.lots[lot - 1].original
                and state.lots[lot - 1].expires < NEVER
            ]
            if not open_:
                return
            earn, lot = open_[pick % len(open_)]
            self.now = max(self.now, self.naive.clock.instant(lot.expires).add(hours=1))
            self.earn(member, points, False, 0, 0, 1)  # points the return could take instead
            self.send(
                "return_purchase",
                {"member": member, "earn": earn, "at": self.now, "key": self.key()},
                ("return", member, self.micros(self.now), {"earn": earn, "lines": None}),
            )

        @invariant()
        def matches_the_naive_model_around_the_inactivity_deadline(self) -> None:
            if not hasattr(self, "ledger"):
                return
            for member in MEMBERS:
                deadline = self.naive._deadline(self.naive.state(member, self.micros(self.now)))
                if deadline >= NEVER:
                    continue
                for probe in (deadline - 1, deadline):
                    real = self.ledger.balance(member, as_of=self.naive.clock.instant(probe))
                    expected = self.naive.balance(member, probe)
                    assert (real.available, real.pending, real.debt) == expected, (member, probe)

    return Focused


@pytest.mark.parametrize("point", list(POINTS))
def test_the_ledger_matches_the_naive_model_under_each_loyalty_point_of_issue_20(
    point: str,
) -> None:
    machine: Any = functools.partial(
        focused_machine(point), lambda policies: Ledger(policies=policies)
    )
    run_state_machine_as_test(machine, settings=settings(stateful_step_count=25, max_examples=12))
