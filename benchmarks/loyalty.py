"""Loyalty ledger benchmark: command throughput and the cost of balance(as_of).

Replays mixed commands over many members and prints commands per second:
2 % are duplicate deliveries (a recent command sent again, as an
at-least-once queue does), the rest are earn 60 %, redeem 22 %, return 6 %,
redemption reversal 4 % and adjustment 8 %. The commands (with their
pendulum instants) are built before the clock starts, as a caller reading
them from a queue would already have them; the timed loop is the calls.
Every round replays them into a new ledger, with the garbage collector off
during the calls (after a collection); the rate is commands per CPU second at
the median round, with the range over the rounds.

Then it compares ``balance(as_of)`` for a member with 10,000 lots with one
that has 10 lots, side by side with a naive recomputation over the journal
(the peer), and prints the ratios. A member's first query far ahead builds
its expiry index (once; commands keep it current afterwards), so that first
call is timed on its own, on a new ledger every round. The table's ways
(each member's three queries, and the naive fold, each called many times)
run interleaved over the rounds, the garbage collector on (after a
collection); each figure is CPU time per call at the median round, and each
ratio (large/small, naive/ledger) the median of the rounds' paired ratios,
with its range. See ``benchmarks/_paired.py``.

    PYTHONPATH=src python benchmarks/loyalty.py            # 1,000,000 commands, 10,000 members
    PYTHONPATH=src python benchmarks/loyalty.py --quick    # 100,000 commands, 1,000 members
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's calendar module: move
# this folder to the end of the path, where _paired is still found.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import gc
import random
import statistics
from collections.abc import Callable

import pendulum
from _paired import Ratio, cpu_now, interleave, ratio

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


def naive_balance(ledger: Ledger, member: str, as_of: pendulum.DateTime) -> int:
    """The peer: recompute available points by folding the member's journal."""
    return sum(
        lot.remaining for lot in ledger.lots(member, as_of=as_of) if lot.status.value == "available"
    )


MEMBERS = (("small", 10), ("medium", 1_000), ("large", 10_000))
#: Calls per timed way: enough for tens of milliseconds of CPU each.
LEDGER_CALLS = 20_000
NAIVE_CALLS = {"small": 1_000, "medium": 10, "large": 1}


def holdings() -> Ledger:
    """A ledger whose members hold 10, 1,000 and 10,000 lots (each redeemed every third earn)."""
    policies = Policies(zone=ZONE, expiry=AfterDays(days=3650))
    start = pendulum.datetime(2025, 1, 1, tz=ZONE)
    ledger = Ledger(policies=policies)
    for member, size in MEMBERS:
        for i in range(size):
            at = start.add(minutes=i * 5)
            ledger.earn(member=member, points=10, at=at, key=f"{member}-{i}")
            if i % 3 == 2:
                ledger.redeem(member=member, points=15, at=at, key=f"{member}-r{i}")
    return ledger


def first_queries(rounds: int, future: pendulum.DateTime) -> Ledger:
    """CPU time of each member's first all-expired query, on a new ledger every round.

    Returns the last round's ledger (its expiry indexes built).
    """
    spent: dict[str, list[float]] = {member: [] for member, _ in MEMBERS}
    ledger = holdings()
    for number in range(rounds):
        if number:
            ledger = holdings()
        shift = number % len(MEMBERS)
        for member, _ in MEMBERS[shift:] + MEMBERS[:shift]:
            gc.collect()
            began = cpu_now()
            ledger.balance(member, as_of=future)
            spent[member].append(cpu_now() - began)
    print(
        "\nfirst all-expired query per member (builds its expiry index), CPU time, "
        f"median of {rounds} new ledgers: "
        + ", ".join(
            f"{member} {statistics.median(times) * 1e6:,.0f} µs" for member, times in spent.items()
        )
    )
    return ledger


def calls(count: int, call: Callable[[], object]) -> Callable[[], None]:
    def way() -> None:
        for _ in range(count):
            call()

    return way


def lots_benchmark(rounds: int) -> None:
    start = pendulum.datetime(2025, 1, 1, tz=ZONE)
    now = start.add(days=40)
    past = start.add(days=20)
    future = start.add(years=12)
    ledger = first_queries(rounds, future)
    queries = {"now": now, "past": past, "all-expired": future}
    ways: dict[str, Callable[[], None]] = {}
    counts: dict[str, int] = {}
    for member, _ in MEMBERS:
        assert naive_balance(ledger, member, now) == ledger.balance(member, as_of=now).available
        for query, as_of in queries.items():
            name = f"{member} {query}"
            ways[name] = calls(LEDGER_CALLS, lambda m=member, a=as_of: ledger.balance(m, as_of=a))
            counts[name] = LEDGER_CALLS
        name = f"{member} naive fold"
        ways[name] = calls(NAIVE_CALLS[member], lambda m=member: naive_balance(ledger, m, now))
        counts[name] = NAIVE_CALLS[member]
    timed = interleave(ways, rounds)
    # Seconds per call, round by round: the pairs of every ratio below.
    per_call = {name: [seconds / counts[name] for seconds in timed.seconds[name]] for name in ways}

    def us(name: str) -> float:
        return statistics.median(per_call[name]) * 1e6

    print(
        "balance(as_of) per call, by lots held (each member also redeemed every third earn); "
        f"CPU time, median of {rounds} interleaved rounds"
    )
    print(
        f"{'member':>8} {'lots':>7} {'now µs':>9} {'past µs':>9} {'all-expired µs':>15} {'naive fold µs':>14}"
    )
    for member, size in MEMBERS:
        print(
            f"{member:>8} {size:>7} {us(f'{member} now'):>9.2f} {us(f'{member} past'):>9.2f} "
            f"{us(f'{member} all-expired'):>15.2f} {us(f'{member} naive fold'):>14.0f}"
        )

    def paired(numerator: str, denominator: str) -> Ratio:
        return ratio(per_call[numerator], per_call[denominator])

    print(f"ratio large/small (1000x the lots), median of {rounds} paired rounds:")
    for query in (*queries, "naive fold"):
        print(f"  {query:<12} {paired(f'large {query}', f'small {query}')}")
    fold = paired("large naive fold", "large now")
    print(
        f"ledger vs naive fold for 10,000 lots: {fold.median:,.0f}x faster "
        f"({fold.low:,.0f}-{fold.high:,.0f} over {fold.pairs} pairs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 commands over 1,000 members")
    parser.add_argument("--commands", type=int, default=None)
    parser.add_argument("--members", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=0, help="rounds (default 5; quick 3)")
    args = parser.parse_args()
    count = args.commands or (100_000 if args.quick else 1_000_000)
    members = args.members or (1_000 if args.quick else 10_000)
    rounds = max(1, args.rounds or (3 if args.quick else 5))
    commands = build_commands(count, members)

    def replayed() -> int:
        ledger = Ledger(policies=Policies(zone=ZONE, expiry=AfterDays(days=365)))
        gc.disable()
        try:
            return replay(ledger, commands)
        finally:
            gc.enable()

    timed = interleave({"replay": replayed}, rounds)
    low, high = timed.spread("replay")
    print(
        f"{count:,} commands over {members:,} members: {timed.median('replay'):.2f} s of CPU "
        f"at the median of {rounds} rounds ({low:.2f}-{high:.2f})"
    )
    print(
        f"  {timed.rate('replay', count):,.0f} commands/s by CPU time "
        f"({count / high:,.0f}-{count / low:,.0f}; "
        f"{timed.values['replay']:,} refused by the ledger's rules)"
    )
    lots_benchmark(rounds)


if __name__ == "__main__":
    main()
