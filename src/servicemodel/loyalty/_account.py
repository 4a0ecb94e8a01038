"""One member's account: its lots, balances, heaps and expiry index, and how they change.

An :class:`Account` is the mutable state of one member in a ledger; its
methods are the account-level rules the ledger's commands use: settle what
became due (activations, expiries, inactivity), take points in consumption
order, repay debt, and view the balance at a later instant without changing
anything. Entries go to the journal through :meth:`Account.emit`, the one
place they are made.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from decimal import Decimal
from heapq import heappop, heappush
from typing import Any, Final

import attrs

from ._clock import LocalClock
from ._journal import JournalEntry
from ._policies import NEVER, ActivityKind, AfterInactivity, Consumption
from ._values import Award, EntryKind, LineShare

__all__ = [
    "ACTIVE",
    "EXPIRED",
    "PENDING",
    "SCAN_BUDGET",
    "VOIDED",
    "Account",
    "AccountRules",
    "LotState",
    "RedemptionState",
    "Tally",
]

# Entry kinds as module constants: an enum member looked up on its class costs
# about five times a global on the command paths.
_ACTIVATE = EntryKind.ACTIVATE
_EXPIRE = EntryKind.EXPIRE
_REPAY = EntryKind.REPAY
_RESTORE = EntryKind.RESTORE
_SOONEST_EXPIRING, _FIFO = Consumption.SOONEST_EXPIRING, Consumption.FIFO
_POINTS: Final = "points"

#: Where a lot stands inside the ledger (LotStatus is what queries show).
PENDING, ACTIVE, EXPIRED, VOIDED = range(4)
#: A query visits at most this many expiry-heap entries before it builds the
#: member's Fenwick tree instead; commands (which visit only what expires since
#: the member's last command, and then settle it) have no limit.
SCAN_BUDGET: Final = 32

# Shared, never mutated: a lot copies them before its first return.
_EMPTY_RETURNED: dict[str, Decimal] = {}
_EMPTY_REVERSED: dict[str, int] = {}

_new_record = tuple.__new__
_new_object = object.__new__
if JournalEntry._fields != (
    "member",
    "kind",
    "micros",
    "points",
    "allocations",
    "lot",
    "key",
    "ref",
    "note",
):  # pragma: no cover
    raise AssertionError(f"emit is out of date with JournalEntry's fields {JournalEntry._fields}")


@attrs.frozen
class AccountRules:
    """What every account of one ledger shares: its clock and the rules accounts apply."""

    clock: LocalClock
    inactivity: AfterInactivity | None
    consumption: Consumption


@attrs.define
class LotState:
    """One lot inside the ledger (mutable; :class:`~servicemodel.loyalty.Lot` is its view).

    :meth:`Account.issue` makes every new lot and sets each field itself (a
    new lot is pending, nothing clawed, expired or returned yet): that costs
    about two thirds of calling the class, whose ``__init__`` runs through
    ``type`` (issue 19). :meth:`copy` calls the class.
    """

    id: int
    kind: EntryKind
    key: str
    earned: int
    available: int
    expires: int
    original: int
    remaining: int
    awards: tuple[Award, ...]
    lines: tuple[LineShare, ...]
    state: int
    in_use: bool
    clawed: int
    # Points the lot lost to expiry, and how many of them returns have matched.
    expired: int
    forgiven: int
    line_returned: dict[str, Decimal]
    line_reversed: dict[str, int]

    def copy(self) -> LotState:
        """A copy whose returned-line records are its own."""
        return attrs.evolve(
            self, line_returned=dict(self.line_returned), line_reversed=dict(self.line_reversed)
        )


@attrs.define
class Tally:
    """One counter of a member: the instants it changed at and its running sums after each.

    ``sums[i]`` is the counter's total after the change at ``times[i]``, so the
    change over ``[start, end)`` is a difference of two sums found by bisection.

    >>> Tally(times=[10, 20], sums=[5, 12]).sums[-1]
    12
    """

    times: list[int]
    sums: list[Any]


@attrs.define
class RedemptionState:
    """One redemption inside the ledger: what it took from which lots, whether reversed.

    A ledger's redeem step makes each and sets its fields itself, as
    :class:`LotState`'s are (issue 19).
    """

    allocations: tuple[tuple[int, int], ...]
    reward: str | None
    reversed: bool

    def copy(self) -> RedemptionState:
        """A copy whose reversal flag is its own."""
        return attrs.evolve(self)


@attrs.define
class Account:
    """One member's mutable state, and the account-level rules that change it.

    :meth:`new` opens an account; :meth:`clone` copies one.
    """

    member: str
    out: list[JournalEntry]
    rules: AccountRules
    version: int
    last_at: int
    last_activity: int
    inactive_done: bool
    avail: int
    pend: int
    debt: int
    lots: list[LotState]
    use_heap: list[tuple[int, int]]
    exp_heap: list[tuple[int, int]]
    pend_heap: list[tuple[int, int]]
    # The Fenwick tree is built by the first query that needs it (see expiring_by).
    indexed: bool
    fen_times: list[int]
    fen_index: dict[int, int]
    fen: list[int]
    # The balance (available, pending, debt) after every entry, by instant.
    snap_t: list[int]
    snap_v: list[tuple[int, int, int]]
    # The member's positions in the ledger's journal.
    seqs: list[int]
    tallies: dict[str, Tally]
    redemptions: dict[str, RedemptionState]
    swept: int
    # Whether entries are recorded (False for a shadow that answers a query).
    record: bool
    # Nothing can activate or expire before this instant, so settling before it
    # records nothing: the earliest entry of either heap when it was pushed or
    # last settled. -NEVER under an inactivity rule, whose clock every command
    # keeps by settling (see settle).
    next_due: int

    @classmethod
    def new(cls, member: str, out: list[JournalEntry], rules: AccountRules) -> Account:
        """A new member's account: no command, no lot, nothing due, entries recorded to *out*.

        Its fields are set here, as :class:`LotState`'s are in :meth:`issue`
        (calling the class runs its ``__init__`` through ``type``, and a
        store opens an account for every member it loads; issue 19).
        """
        acc: Account = _new_object(cls)
        acc.member = member
        acc.out = out
        acc.rules = rules
        acc.version = 0
        acc.last_at = acc.last_activity = -NEVER
        acc.inactive_done = True
        acc.avail = acc.pend = acc.debt = 0
        acc.lots = []
        acc.use_heap = []
        acc.exp_heap = []
        acc.pend_heap = []
        acc.indexed = False
        acc.fen_times = []
        acc.fen_index = {}
        acc.fen = [0]
        acc.snap_t = []
        acc.snap_v = []
        acc.seqs = []
        acc.tallies = {}
        acc.redemptions = {}
        acc.swept = 0
        acc.record = True
        # Its first command settles only under an inactivity rule.
        acc.next_due = -NEVER if rules.inactivity is not None else NEVER
        return acc

    def clone(self) -> Account:
        """A shadow copy that settles into its own journal and records nothing."""
        return attrs.evolve(
            self,
            out=[],
            lots=[lot.copy() for lot in self.lots],
            use_heap=list(self.use_heap),
            exp_heap=list(self.exp_heap),
            pend_heap=list(self.pend_heap),
            fen_times=list(self.fen_times),
            fen_index=dict(self.fen_index),
            fen=list(self.fen),
            snap_t=[],
            snap_v=[],
            seqs=[],
            tallies={},
            redemptions={k: v.copy() for k, v in self.redemptions.items()},
            record=False,
        )

    # Fenwick tree of available points by expiry instant ------------------
    #
    # Commands never need it: they only ask what expires between the member's
    # last command and now, which the expiry heap answers by visiting just
    # those entries (scan_expiring). A query far ahead on a member with many
    # lots does need it: the first such query builds the tree from the lots,
    # and from then on every command keeps it current (fen_register, fen_add).

    def build_index(self) -> None:
        """Build the Fenwick tree over the expiries of the lots that can still hold points."""
        self.fen_times = sorted(
            {
                lot.expires
                for lot in self.lots
                if lot.state in (PENDING, ACTIVE) and lot.expires != NEVER
            }
        )
        self.indexed = True
        self._rebuild()

    def fen_register(self, expires: int) -> None:
        if not self.indexed or expires == NEVER or expires in self.fen_index:
            return
        times = self.fen_times
        if not times or expires > times[-1]:
            times.append(expires)
            n = len(times)
            self.fen_index[expires] = n
            # The new node covers (n - lowbit(n), n]: the sum of the nodes that
            # cover (n - lowbit(n), n - 1], reached from n - 1 down.
            tree = self.fen
            total = 0
            i = n - 1
            stop = n - (n & -n)
            while i > stop:
                total += tree[i]
                i -= i & -i
            tree.append(total)
            return
        times.insert(bisect_left(times, expires), expires)
        self._rebuild()

    def _rebuild(self) -> None:
        self.fen_index = {t: i + 1 for i, t in enumerate(self.fen_times)}
        n = len(self.fen_times)
        values = [0] * (n + 1)
        for lot in self.lots:
            if lot.state == ACTIVE and lot.remaining and lot.expires != NEVER:
                values[self.fen_index[lot.expires]] += lot.remaining
        tree = values
        for i in range(1, n + 1):
            parent = i + (i & -i)
            if parent <= n:
                tree[parent] += tree[i]
        self.fen = tree

    def fen_add(self, expires: int, delta: int) -> None:
        if expires == NEVER or not self.indexed:
            return
        i = self.fen_index[expires]
        tree = self.fen
        n = len(tree) - 1
        while i <= n:
            tree[i] += delta
            i += i & -i

    def _prefix(self, i: int) -> int:
        tree = self.fen
        total = 0
        while i > 0:
            total += tree[i]
            i -= i & -i
        return total

    def expiring_by(self, t: int, budget: int) -> int:
        """Available points in active lots expiring at or before *t*.

        Without the tree, scan the expiry heap if that visits at most *budget*
        entries; otherwise build the tree first.
        """
        if not self.indexed:
            found = self.scan_expiring(t, budget)
            if found is not None:
                return found
            self.build_index()
        return self._prefix(bisect_right(self.fen_times, t))

    def scan_expiring(self, t: int, budget: int) -> int | None:
        """Like :meth:`expiring_by`, from the expiry heap; ``None`` past *budget* entries.

        Every active lot with an expiry is in the heap exactly once (stale
        entries are lots no longer active), so the active lots' points over
        the entries at or before *t* are what the tree's prefix sum gives. A
        heap's entries at or before *t* form a subtree at its root.
        """
        heap, lots = self.exp_heap, self.lots
        n = len(heap)
        if not n or heap[0][0] > t:
            return 0
        total = 0
        stack = [0]
        while stack:
            i = stack.pop()
            when, lot_id = heap[i]
            if when > t:
                continue
            budget -= 1
            if budget < 0:
                return None
            lot = lots[lot_id - 1]
            if lot.state == ACTIVE:
                total += lot.remaining
            child = 2 * i + 1
            if child < n:
                stack.append(child)
                if child + 1 < n:
                    stack.append(child + 1)
        return total

    # ------------------------------------------------------------- the rules

    def emit(
        self,
        kind: EntryKind,
        at: int,
        points: int,
        allocs: tuple[tuple[int, int], ...] = (),
        lot: int | None = None,
        key: str | None = None,
        ref: str | None = None,
        note: str | None = None,
    ) -> None:
        # The one place entries are made: the fields in JournalEntry's order, built as
        # a tuple (its keyword constructor costs three times as much on this path).
        out = self.out
        if self.record:
            self.seqs.append(len(out))  # the position the entry takes
        out.append(
            _new_record(JournalEntry, (self.member, kind, at, points, allocs, lot, key, ref, note))
        )

    # ----------------------------------------------------------- settlement

    def inactivity_deadline(self) -> int:
        rule = self.rules.inactivity
        if rule is None or self.inactive_done:
            return NEVER
        return rule._deadline(self.rules.clock, self.last_activity)

    # When is something due? ``t >= next_due`` says whether settling at *t* may
    # record anything. When it does not, the available points at *t*
    # (``view(t)[0]``) are ``self.avail``: no pending lot activates by *t*, and
    # every active lot with points expires after *t*. ``next_due`` is never later
    # than the true next event: a heap entry lowers it when pushed (issue,
    # credit), settling sets it to the next event it found, and a lot that
    # leaves its heap early (spent, voided, activated by hand) only leaves it
    # early, which costs one settle that finds nothing. Under an inactivity rule
    # it stays -NEVER: every command settles, and so counts as activity.

    def available(self, t: int) -> int:
        """The points the member can spend at *t* >= its last command, without mutating it."""
        return self.view(t, NEVER)[0] if t >= self.next_due else self.avail

    def settle(self, t: int, activity: ActivityKind | None = None) -> None:
        """Record every derived fact (activation, expiry) up to and including *t*, in time order.

        A command at *t* calls it when ``t >= next_due`` (before that nothing
        is due), with *activity*, the kind of command, which counts for the
        inactivity rule once what was due is recorded: activity (by the
        rule's set) restarts its clock, and any command starts it when it is
        not running (a new member, or a balance that expired for inactivity).
        """
        lots = self.lots
        pend_heap, exp_heap = self.pend_heap, self.exp_heap
        rule = self.rules.inactivity
        while True:
            while pend_heap and lots[pend_heap[0][1] - 1].state != PENDING:
                heappop(pend_heap)
            while exp_heap and lots[exp_heap[0][1] - 1].state != ACTIVE:
                heappop(exp_heap)
            next_activation = pend_heap[0][0] if pend_heap else NEVER
            next_expiry = exp_heap[0][0] if exp_heap else NEVER
            moment = next_activation if next_activation < next_expiry else next_expiry
            if rule is not None:
                deadline = self.inactivity_deadline()
                if deadline < moment:
                    moment = deadline
            if moment > t:
                break
            if next_activation == moment:
                self.activate(lots[heappop(pend_heap)[1] - 1], moment)
            elif next_expiry == moment:
                allocs = []
                expired = 0
                while exp_heap and exp_heap[0][0] == moment:
                    lot = lots[heappop(exp_heap)[1] - 1]
                    if lot.state == ACTIVE:
                        lot.state = EXPIRED
                        remaining = lot.remaining
                        if remaining:
                            allocs.append((lot.id, remaining))
                            expired += remaining
                            lot.expired += remaining
                            if self.indexed:
                                self.fen_add(moment, -remaining)
                            lot.remaining = 0
                if expired:
                    self.avail -= expired
                    self.emit(_EXPIRE, moment, expired, tuple(allocs))
            else:
                self.expire_all(moment)
            if self.record:
                self.snap_t.append(moment)
                self.snap_v.append((self.avail, self.pend, self.debt))
        self.next_due = -NEVER if rule is not None else moment
        if (
            activity is not None
            and rule is not None
            and (self.inactive_done or activity in rule.activity)
        ):
            self.last_activity = t
            self.inactive_done = False

    def expire_all(self, moment: int) -> None:
        allocs = []
        for lot in self.lots[self.swept :]:
            if lot.state in (PENDING, ACTIVE):
                if lot.remaining:
                    allocs.append((lot.id, lot.remaining))
                    lot.expired += lot.remaining
                    if lot.state == ACTIVE:
                        self.fen_add(lot.expires, -lot.remaining)
                        self.avail -= lot.remaining
                    else:
                        self.pend -= lot.remaining
                    lot.remaining = 0
                lot.state = EXPIRED
        self.swept = len(self.lots)
        self.inactive_done = True
        if allocs:
            self.emit(
                _EXPIRE,
                moment,
                sum(p for _, p in allocs),
                tuple(allocs),
                note="inactivity",
            )

    def activate(self, lot: LotState, moment: int, key: str | None = None) -> None:
        if lot.expires <= moment:
            lot.state = EXPIRED
            if lot.remaining:
                self.pend -= lot.remaining
                self.emit(_EXPIRE, moment, lot.remaining, ((lot.id, lot.remaining),))
                lot.expired += lot.remaining
                lot.remaining = 0
            return
        lot.state = ACTIVE
        self.pend -= lot.remaining
        self.credit(lot, lot.remaining, True)
        self.emit(_ACTIVATE, moment, lot.remaining, ((lot.id, lot.remaining),), lot.id, key)
        self.repay(moment, key)

    def credit(self, lot: LotState, points: int, new: bool) -> None:
        """Make *points* of an ACTIVE lot spendable: the balance, the expiry index, the use heap.

        *new*: the lot has just become active (it joins the expiry heap);
        otherwise points come back to a lot that is already there.
        """
        self.avail += points
        expires = lot.expires
        if new and expires != NEVER:
            heappush(self.exp_heap, (expires, lot.id))
            if expires < self.next_due:
                self.next_due = expires
        if self.indexed:
            self.fen_add(expires, points)
        if not lot.in_use and lot.remaining:
            lot.in_use = True
            order = self.rules.consumption
            if order is _SOONEST_EXPIRING:
                heappush(self.use_heap, (expires, lot.id))
            elif order is _FIFO:
                heappush(self.use_heap, (lot.id, lot.id))
            else:
                heappush(self.use_heap, (-lot.id, lot.id))

    def take(self, amount: int) -> tuple[tuple[int, int], ...]:
        """Take *amount* available points in consumption order (caller checked availability)."""
        heap, lots, allocs = self.use_heap, self.lots, []
        indexed = self.indexed
        self.avail -= amount
        while amount:
            lot = lots[heap[0][1] - 1]
            remaining = lot.remaining
            if lot.state != ACTIVE or not remaining:
                heappop(heap)
                lot.in_use = False
                continue
            take = remaining if remaining < amount else amount
            lot.remaining = remaining - take
            amount -= take
            allocs.append((lot.id, take))
            if indexed:
                self.fen_add(lot.expires, -take)
            if take == remaining:
                heappop(heap)
                lot.in_use = False
        return tuple(allocs)

    def restore(
        self, allocs: tuple[tuple[int, int], ...], total: int, t: int, key: str, ref: str
    ) -> None:
        """Put a redemption's allocations back into their lots (restore reversal).

        Points whose lot has expired (or is otherwise no longer active) expire at
        once, at *t*; what comes back repays debt first.
        """
        gone = []
        for lot_id, pts in allocs:
            lot = self.lots[lot_id - 1]
            lot.remaining += pts
            if lot.state == ACTIVE:
                self.credit(lot, pts, False)
            else:
                gone.append((lot_id, pts))
        self.emit(_RESTORE, t, total, allocs, key=key, ref=ref)
        if gone:
            for lot_id, pts in gone:
                self.lots[lot_id - 1].remaining -= pts
                self.lots[lot_id - 1].expired += pts
            self.emit(_EXPIRE, t, sum(p for _, p in gone), tuple(gone), key=key)
        self.repay(t, key)

    def repay(self, at: int, key: str | None) -> None:
        if self.debt and self.avail:
            amount = min(self.debt, self.avail)
            allocs = self.take(amount)
            self.debt -= amount
            self.emit(_REPAY, at, amount, allocs, key=key)

    # -------------------------------------------------------- derived views

    def view(self, t: int, budget: int = SCAN_BUDGET) -> tuple[int, int, int]:
        """(available, pending, debt) at *t* >= the member's last command, without mutating.

        *budget* is how many expiry-heap entries the view may visit before it
        builds the member's Fenwick tree instead (see ``Account.expiring_by``).
        """
        deadline = self.inactivity_deadline() if self.rules.inactivity is not None else NEVER
        horizon = t if t < deadline else deadline
        debt = self.debt
        avail = self.avail - self.expiring_by(t, budget) if deadline > t else 0
        pend = 0
        lots = self.lots
        for when, lot_id in sorted(self.pend_heap):
            lot = lots[lot_id - 1]
            if lot.state != PENDING:
                continue
            if when > horizon:
                if deadline > t and lot.expires > t:
                    pend += lot.remaining
                continue
            if lot.expires <= when:
                continue
            points = lot.remaining
            repay = debt if debt < points else points
            debt -= repay
            if lot.expires > t and deadline > t:
                avail += points - repay
        return avail, pend, debt

    def pending_at(self, lot: LotState, t: int) -> bool:
        if lot.state != PENDING or lot.available <= t or lot.expires <= t:
            return False
        deadline = self.inactivity_deadline() if self.rules.inactivity is not None else NEVER
        return deadline > t

    def issue(
        self,
        kind: EntryKind,
        key: str,
        at: int,
        points: int,
        available: int,
        expires: int,
        awards: tuple[Award, ...] = (),
        lines: tuple[LineShare, ...] = (),
        ref: str | None = None,
        note: str | None = None,
    ) -> LotState:
        """Grant a new lot of *points* (earn, reissue, positive adjustment) and record it.

        The lot is pending until *available*, expired at once if *expires* is
        not after *at*, and otherwise spendable now (repaying debt first).
        """
        lots = self.lots
        lot_id = len(lots) + 1
        lot = _new_object(LotState)
        lot.id = lot_id
        lot.kind = kind
        lot.key = key
        lot.earned = at
        lot.available = available
        lot.expires = expires
        lot.original = lot.remaining = points
        lot.awards = awards
        lot.lines = lines
        lot.state = PENDING
        lot.in_use = False
        lot.clawed = lot.expired = lot.forgiven = 0
        lot.line_returned = _EMPTY_RETURNED
        lot.line_reversed = _EMPTY_REVERSED
        lots.append(lot)
        if self.indexed:
            self.fen_register(expires)
        self.emit(kind, at, points, (), lot_id, key, ref, note)
        if available > at:
            self.pend += points
            heappush(self.pend_heap, (available, lot_id))
            if available < self.next_due:
                self.next_due = available
        elif expires <= at:
            lot.state = EXPIRED
            self.emit(_EXPIRE, at, points, ((lot_id, points),))
            lot.expired = points
            lot.remaining = 0
        else:
            lot.state = ACTIVE
            self.credit(lot, points, True)
            if self.debt:
                self.repay(at, key)
        return lot

    def tally(self, at: int, points: int, others: tuple[tuple[str, Any], ...]) -> None:
        """Count *points* (the ``"points"`` tally) and the *others* at *at*; zeros count nothing."""
        tallies = self.tallies
        for name, amount in ((_POINTS, points), *others) if others else ((_POINTS, points),):
            if amount:
                found = tallies.get(name)
                if found is None:
                    tallies[name] = Tally([at], [amount])
                else:
                    sums = found.sums
                    found.times.append(at)
                    sums.append(sums[-1] + amount)
