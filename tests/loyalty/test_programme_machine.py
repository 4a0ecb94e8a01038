"""Stateful property test: a programme's earn caps through purchases, returns and time.

Point 8 of the loyalty policies (what a cap counts when a purchase is returned)
lives in the programme, not in the ledger's policies, so the ledger machine
cannot reach it. This machine drives a :class:`Programme` with a windowed cap
and a lifetime cap, under both :class:`CapCount` values, for a few members.

After every step it checks that:

* answers about earlier instants (balance, totals, history, cap usage) do not
  change after a later command;
* the cap usage the ledger reports equals a plain model's: the points granted
  in the window, less (under ``kept`` only) the room returns inside the window
  gave back, in proportion to the value returned and exact once all of it is;
  and that usage never exceeds the cap (so a cancellation under ``kept`` gives
  its room back, and under ``granted`` never does);
* what a new purchase would earn now is what the room left allows (the
  window cap clips or rejects, the lifetime cap clips);
* every member's totals stay balanced.

It found that a cap followed by a cap that clipped further counted room the
member never received.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pendulum
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from servicemodel._time import LO, from_micros, to_micros
from servicemodel.loyalty import (
    Cap,
    CapCount,
    CapMode,
    CapWindow,
    EarnRules,
    Money,
    Order,
    OrderLine,
    PerSpend,
    Policies,
    Programme,
    ReturnedLine,
)
from servicemodel.loyalty._clock import LocalClock

ZONE = "Europe/Warsaw"
T0 = pendulum.datetime(2025, 1, 30, 20, tz=ZONE)  # near a day's and a month's end
MEMBERS = ("ann", "bob")
WINDOW_LIMIT = 100
LIFETIME_LIMIT = 160
PROBE = 90  # the value of the order a member is asked what it would earn


@dataclass
class Purchase:
    """What the model knows of one earn: who, when, its lines, what it granted."""

    member: str
    key: str
    micros: int
    lines: dict[str, Decimal]
    granted: int
    returned: set[str] = field(default_factory=set)
    # Per cap name: the value returned so far by returns inside that cap's window.
    returned_in_window: dict[str, Decimal] = field(default_factory=dict)
    # Per cap name: whether a return inside the window covered everything left.
    all_back: dict[str, bool] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.lines.values(), Decimal(0))


class ProgrammeMachine(RuleBasedStateMachine):
    """Purchases, line returns and cancellations against a capped programme."""

    @initialize(
        count=st.sampled_from(CapCount),
        window=st.sampled_from([CapWindow.DAY, CapWindow.MONTH]),
        mode=st.sampled_from(CapMode),
    )
    def start(self, count: CapCount, window: CapWindow, mode: CapMode) -> None:
        self.caps = (
            Cap(name="window", limit=WINDOW_LIMIT, window=window, mode=mode),
            Cap(name="lifetime", limit=LIFETIME_LIMIT, window=CapWindow.LIFETIME),
        )
        self.count = count
        self.programme = Programme(
            name="capped",
            policies=Policies(zone=ZONE),
            earn=EarnRules(rules=[PerSpend(name="spend")], caps=self.caps, cap_count=count),
        )
        self.ledger = self.programme.new_ledger()
        self.clock = LocalClock(ZONE)
        self.now = T0
        self.purchases: list[Purchase] = []
        self.serial = 0
        # (member, instant) -> the answers at that instant once time moved past it.
        self.past: dict[tuple[str, pendulum.DateTime], tuple[Any, ...]] = {}

    # ---------------------------------------------------------------- helpers

    def _key(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial}"

    def _answers(self, member: str, at: pendulum.DateTime) -> tuple[Any, ...]:
        t = to_micros(at)
        usage = tuple(
            self.ledger.tally(
                member,
                f"cap:{cap.name}",
                start=from_micros(max(cap._window_start(self.clock, t), LO)),
                end=from_micros(t + 1),
            )
            for cap in self.caps
        )
        return (
            self.ledger.balance(member, as_of=at),
            self.ledger.totals(member, as_of=at),
            self.ledger.history(member, as_of=at),
            usage,  # what a purchase at *at* could earn follows from it (checked now)
        )

    def _open(self) -> list[Purchase]:
        """The purchases with lines not yet returned, oldest first."""
        return [p for p in self.purchases if len(p.returned) < len(p.lines)]

    def _return(self, purchase: Purchase, lines: list[str] | None) -> None:
        t = to_micros(self.now)
        back = list(purchase.lines) if lines is None else lines
        back = [line for line in back if line not in purchase.returned]
        value = sum((purchase.lines[line] for line in back), Decimal(0))
        self.programme.return_purchase(
            self.ledger,
            member=purchase.member,
            earn=purchase.key,
            at=self.now,
            key=self._key("ret"),
            lines=None
            if lines is None
            else [ReturnedLine(line=line, amount=purchase.lines[line]) for line in back],
        )
        purchase.returned.update(back)
        for cap in self.caps:
            if cap._window_start(self.clock, purchase.micros) != cap._window_start(self.clock, t):
                continue  # the window the purchase counted in is over
            so_far = purchase.returned_in_window.get(cap.name, Decimal(0)) + value
            purchase.returned_in_window[cap.name] = so_far
            if len(purchase.returned) == len(purchase.lines):
                purchase.all_back[cap.name] = True

    def _model_usage(self, member: str, cap: Cap, t: int) -> int:
        """Points granted in *cap*'s window up to *t*, less the room returns gave back."""
        start = cap._window_start(self.clock, t)
        used = 0
        for p in self.purchases:
            if p.member != member or not start <= p.micros <= t:
                continue
            used += p.granted
            if self.count is CapCount.KEPT:
                if p.all_back.get(cap.name):
                    used -= p.granted
                else:
                    returned = p.returned_in_window.get(cap.name, Decimal(0))
                    used -= int(p.granted * returned // p.total)
        return used

    # ------------------------------------------------------------------ rules

    @rule(hours=st.sampled_from([0, 1, 5, 13, 30, 24 * 20]))
    def advance(self, hours: int) -> None:
        if hours:
            for member in MEMBERS:
                self.past[(member, self.now)] = self._answers(member, self.now)
        self.now = self.now.add(hours=hours)

    @rule(
        member=st.sampled_from(MEMBERS),
        values=st.lists(st.integers(1, 90), min_size=1, max_size=3),
    )
    def purchase(self, member: str, values: list[int]) -> None:
        key = self._key("o")
        order = _order(key, [Decimal(v) for v in values])
        receipt = self.programme.earn(
            self.ledger, member=member, purchase=order, at=self.now, key=key
        )
        granted = sum(entry.points for entry in receipt.entries)
        lines = {line.line: line.amount.amount for line in order.lines}
        self.purchases.append(Purchase(member, key, to_micros(self.now), lines, granted))

    @precondition(lambda self: self._open())
    @rule(pick=st.integers(0, 3), line=st.integers(0, 2))
    def return_a_line(self, pick: int, line: int) -> None:
        # Mostly recent purchases, so one order is often returned in several steps.
        open_ = self._open()
        purchase = open_[-1 - pick % len(open_)]
        left = [x for x in purchase.lines if x not in purchase.returned]
        self._return(purchase, [left[line % len(left)]])

    @precondition(lambda self: self._open())
    @rule(pick=st.integers(0, 3))
    def cancel_the_rest(self, pick: int) -> None:
        open_ = self._open()
        self._return(open_[-1 - pick % len(open_)], None)

    # ------------------------------------------------------------- invariants

    @invariant()
    def answers_about_the_past_do_not_change(self) -> None:
        if not hasattr(self, "ledger"):
            return
        # The first instants and the latest few: every step checks a bounded number.
        recorded = list(self.past.items())
        for (member, at), answers in recorded[:4] + recorded[4:][-8:]:
            assert self._answers(member, at) == answers, (member, at)

    @invariant()
    def cap_usage_is_the_models_and_within_the_limit(self) -> None:
        if not hasattr(self, "ledger"):
            return
        t = to_micros(self.now)
        for member in MEMBERS:
            for cap in self.caps:
                start = cap._window_start(self.clock, t)
                reported = self.ledger.tally(
                    member,
                    f"cap:{cap.name}",
                    start=from_micros(max(start, LO)),
                    end=from_micros(t + 1),
                )
                expected = self._model_usage(member, cap, t)
                assert reported == expected, (member, cap.name, reported, expected)
                assert 0 <= expected <= cap.limit, (member, cap.name, expected)

    @invariant()
    def the_room_left_is_what_a_new_purchase_earns(self) -> None:
        if not hasattr(self, "ledger"):
            return
        t = to_micros(self.now)
        window, lifetime = self.caps
        for member in MEMBERS:
            # The window cap clips to its room or rejects the lot; the lifetime cap clips.
            room = max(window.limit - self._model_usage(member, window, t), 0)
            clipped = room if window.mode is CapMode.CLIP else 0
            points = PROBE if room >= PROBE else clipped
            points = min(points, max(lifetime.limit - self._model_usage(member, lifetime, t), 0))
            earning = self.programme.evaluate(
                self.ledger, member=member, purchase=_order("probe", [Decimal(PROBE)]), at=self.now
            )
            assert earning.points == points, (member, earning.points, points)

    @invariant()
    def totals_stay_balanced(self) -> None:
        if not hasattr(self, "ledger"):
            return
        for member in MEMBERS:
            totals = self.ledger.totals(member, as_of=self.now)
            assert totals.balanced(), totals


def _order(key: str, values: list[Decimal]) -> Order:
    return Order(
        id=key,
        lines=[
            OrderLine(line=str(i), product="x", amount=Money(value, "EUR"))
            for i, value in enumerate(values)
        ],
    )


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
def test_caps_under_both_counts_match_the_model_and_never_rewrite_the_past() -> None:
    run_state_machine_as_test(
        ProgrammeMachine, settings=settings(stateful_step_count=40, max_examples=50)
    )
