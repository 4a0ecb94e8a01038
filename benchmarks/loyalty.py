"""Loyalty ledger benchmark: command throughput and the cost of balance(as_of).

Replays mixed commands over many members and prints commands per second:
2 % are duplicate deliveries (a recent command sent again, as an
at-least-once queue does), the rest are earn 60 %, redeem 22 %, return 6 %,
redemption reversal 4 % and adjustment 8 %. The commands (with their
pendulum instants) are built before the clock starts, as a caller reading
them from a queue would already have them; the timed loop is the calls.
Throughput is printed by wall clock and by this process's CPU time: other
processes on the machine slow the first, not the second.

Then it compares ``balance(as_of)`` for a member with 10,000 lots with one
that has 10 lots, side by side with a naive recomputation over the journal
(the peer), and prints the ratios. A member's first query far ahead builds
its expiry index (once; commands keep it current afterwards), so that first
call is timed on its own.

    PYTHONPATH=src python benchmarks/loyalty.py            # 1,000,000 commands, 10,000 members
    PYTHONPATH=src python benchmarks/loyalty.py --quick    # 100,000 commands, 1,000 members
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's calendar module.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import gc
import random
import time
from collections.abc import Callable

import pendulum

from servicemodel.exceptions import LedgerError
from servicemodel.loyalty import AfterDays, Ledger, Policies

ZONE = "Europe/Warsaw"


def build_commands(
    count: int, members: int, seed: int = 7
) -> list[tuple[str, str, pendulum.DateTime, int, str, str]]:
    """Deterministic mixed commands in time order: (name, member, at, points, key, ref)."""
    rng = random.Random(seed)
    start = pendulum.datetime(2025, 1, 1, tz=ZONE)
    # A pool of instants, one per minute over two years, built once (pendulum is slow to build).
    pool = [start.add(minutes=i) for i in range(0, 2 * 365 * 24 * 60, 1)]
    step = len(pool) / count
    earns: dict[str, list[str]] = {}
    redemptions: dict[str, list[str]] = {}
    commands: list[tuple[str, str, pendulum.DateTime, int, str, str]] = []
    for i in range(count):
        if commands and rng.random() < 0.02:
            # A duplicate delivery: one of the last thousand commands, sent again as it was.
            commands.append(commands[rng.randrange(max(0, len(commands) - 1_000), len(commands))])
            continue
        member = f"m{rng.randrange(members)}"
        at = pool[int(i * step)]
        roll = rng.random()
        key = f"c{i}"
        if roll < 0.60 or not earns.get(member):
            commands.append(("earn", member, at, rng.randint(1, 200), key, ""))
            earns.setdefault(member, []).append(key)
        elif roll < 0.82:
            commands.append(("redeem", member, at, rng.randint(1, 120), key, ""))
            redemptions.setdefault(member, []).append(key)
        elif roll < 0.88:
            ref = earns[member].pop(rng.randrange(len(earns[member])))
            commands.append(("return", member, at, 0, key, ref))
        elif roll < 0.92 and redemptions.get(member):
            ref = redemptions[member].pop(rng.randrange(len(redemptions[member])))
            commands.append(("reverse", member, at, 0, key, ref))
        else:
            commands.append(("adjust", member, at, rng.randint(-50, 100) or 1, key, ""))
    return commands


def replay(
    ledger: Ledger, commands: list[tuple[str, str, pendulum.DateTime, int, str, str]]
) -> int:
    """Apply the commands; return how many the ledger refused (e.g. too few points)."""
    refused = 0
    earn, redeem, ret = ledger.earn, ledger.redeem, ledger.return_purchase
    reverse, adjust = ledger.reverse_redemption, ledger.adjust
    for name, member, at, points, key, ref in commands:
        try:
            if name == "earn":
                earn(member=member, points=points, at=at, key=key)
            elif name == "redeem":
                redeem(member=member, points=points, at=at, key=key)
            elif name == "return":
                ret(member=member, earn=ref, at=at, key=key)
            elif name == "reverse":
                reverse(member=member, redemption=ref, at=at, key=key)
            else:
                adjust(member=member, points=points, at=at, key=key, reason="bench")
        except LedgerError:
            refused += 1
    return refused


def best_of(repeat: int, number: int, call: Callable[[], object]) -> float:
    """Best time per call in microseconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            call()
        best = min(best, (time.perf_counter() - t0) / number)
    return best * 1e6


def naive_balance(ledger: Ledger, member: str, as_of: pendulum.DateTime) -> int:
    """The peer: recompute available points by folding the member's journal."""
    return sum(
        lot.remaining for lot in ledger.lots(member, as_of=as_of) if lot.status.value == "available"
    )


def lots_benchmark() -> None:
    policies = Policies(zone=ZONE, expiry=AfterDays(days=3650))
    start = pendulum.datetime(2025, 1, 1, tz=ZONE)
    ledger = Ledger(policies=policies)
    for size, member in ((10, "small"), (1_000, "medium"), (10_000, "large")):
        for i in range(size):
            at = start.add(minutes=i * 5)
            ledger.earn(member=member, points=10, at=at, key=f"{member}-{i}")
            if i % 3 == 2:
                ledger.redeem(member=member, points=15, at=at, key=f"{member}-r{i}")
    now = start.add(days=40)
    past = start.add(days=20)
    future = start.add(years=12)
    first = {}
    for member in ("small", "medium", "large"):
        t0 = time.perf_counter()
        ledger.balance(member, as_of=future)
        first[member] = (time.perf_counter() - t0) * 1e6
    print(
        "\nfirst all-expired query per member (builds its expiry index): "
        + ", ".join(f"{member} {us:,.0f} µs" for member, us in first.items())
    )
    print("balance(as_of) per call, by lots held (each member also redeemed every third earn)")
    print(
        f"{'member':>8} {'lots':>7} {'now µs':>9} {'past µs':>9} {'all-expired µs':>15} {'naive fold µs':>14}"
    )
    small_now = None
    rows = []
    for member, size in (("small", 10), ("medium", 1_000), ("large", 10_000)):
        t_now = best_of(5, 2_000, lambda m=member: ledger.balance(m, as_of=now))
        t_past = best_of(5, 2_000, lambda m=member: ledger.balance(m, as_of=past))
        t_future = best_of(5, 2_000, lambda m=member: ledger.balance(m, as_of=future))
        t_naive = best_of(1, 3, lambda m=member: naive_balance(ledger, m, now))
        assert naive_balance(ledger, member, now) == ledger.balance(member, as_of=now).available
        rows.append((member, size, t_now, t_past, t_future, t_naive))
        if small_now is None:
            small_now = t_now
        print(
            f"{member:>8} {size:>7} {t_now:>9.2f} {t_past:>9.2f} {t_future:>15.2f} {t_naive:>14.0f}"
        )
    large, small = rows[2], rows[0]
    print(
        f"ratio large/small (1000x the lots): now {large[2] / small[2]:.2f}x, "
        f"past {large[3] / small[3]:.2f}x, all-expired {large[4] / small[4]:.2f}x; "
        f"naive fold {large[5] / small[5]:.0f}x"
    )
    print(f"ledger vs naive fold for 10,000 lots: {large[5] / large[2]:.0f}x faster")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 commands over 1,000 members")
    parser.add_argument("--commands", type=int, default=None)
    parser.add_argument("--members", type=int, default=None)
    args = parser.parse_args()
    count = args.commands or (100_000 if args.quick else 1_000_000)
    members = args.members or (1_000 if args.quick else 10_000)
    commands = build_commands(count, members)
    ledger = Ledger(policies=Policies(zone=ZONE, expiry=AfterDays(days=365)))
    gc.collect()
    gc.disable()
    t0, c0 = time.perf_counter(), time.process_time()
    refused = replay(ledger, commands)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    gc.enable()
    print(f"{count:,} commands over {members:,} members in {elapsed:.2f} s ({cpu:.2f} s of CPU)")
    print(
        f"  {count / elapsed:,.0f} commands/s by the wall clock, {count / cpu:,.0f} by CPU time "
        f"({refused:,} refused by the ledger's rules)"
    )
    lots_benchmark()


if __name__ == "__main__":
    main()
