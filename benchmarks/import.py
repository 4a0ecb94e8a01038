"""Benchmark: import Zendesk-shaped tables against reading servicemodel's own JSONL.

Run:  PYTHONPATH=src python benchmarks/import.py [--count 1000000] [--rounds 3] [--quick]

Generates ``--count`` tickets in the Fivetran table shapes (``ticket``,
``ticket_comment``, ``ticket_field_history``, ``ticket_tag``,
``ticket_schedule``, ``user``, ``schedule``) by repeating the 15 designed seed
tickets of ``tests/fixtures/zendesk/tables`` with shifted times, new ids and
5,000 customers, sorted by ticket id. It imports them once and writes the
result as servicemodel's JSONL (the same tickets). Then, in interleaved
rounds (each side first in every other round), it times (process CPU time)
``read_tables(..., grouping=TICKET_ORDER)`` and ``read_interactions`` of that
JSONL, and prints both rates and the median of the paired ratios (import speed
/ JSONL speed; the goal is at least 0.5); see ``benchmarks/_paired.py``.
The peak resident memory of an import alone is measured in a fresh process
at two sizes (``--count`` and a tenth of it): flat memory means the two peaks
are close. ``--quick``: 5,000 tickets (about 20 s; at that size both peaks are
mostly the interpreter and the library, so they say little about flatness).
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/ holds calendar.py: move the folder to the end of the path so that the
# standard library's calendar module (imported by pendulum) is the one found first,
# and _paired is still found.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import calendar
import csv
import os
import subprocess
import tempfile
import textwrap
import time
from collections import defaultdict

from _paired import interleave

from servicemodel.io import read_interactions, write_interactions
from servicemodel.io.zendesk import Grouping, read_tables

_HERE = Path(__file__).resolve().parent
SEEDS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "zendesk" / "tables"
#: Timestamp columns of each generated table.
TIMES = {
    "ticket": ("created_at", "updated_at"),
    "ticket_comment": ("created",),
    "ticket_field_history": ("updated",),
    "ticket_tag": (),
    "ticket_schedule": ("created_at",),
}
CUSTOMERS = 5_000
SEED_CUSTOMERS = frozenset({"10", "11"})
SHIFT = 3_593  # seconds between repetitions of the seed tickets (not a round number)


def _read(name: str) -> tuple[list[str], list[list[str]]]:
    with (SEEDS / f"{name}.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    return rows[0], rows[1:]


def _epoch(text: str) -> int:
    return calendar.timegm(time.strptime(text[:19], "%Y-%m-%d %H:%M:%S"))


def generate(folder: Path, count: int) -> None:
    """Write *count* tickets, sorted by id, in the seed tables' shapes."""
    templates: dict[str, tuple[list[str], dict[str, list[list[str]]]]] = {}
    for name in TIMES:
        header, rows = _read(name)
        key = header.index("id" if name == "ticket" else "ticket_id")
        grouped: dict[str, list[list[str]]] = defaultdict(list)
        for row in rows:
            grouped[row[key]].append(row)
        templates[name] = (header, grouped)
    seeds = sorted(templates["ticket"][1], key=int)
    files = {
        name: (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") for name in TIMES
    }
    try:
        writers = {name: csv.writer(file) for name, file in files.items()}
        plans = {}
        for name, (header, grouped) in templates.items():
            writers[name].writerow(header)
            key = header.index("id" if name == "ticket" else "ticket_id")
            times = [header.index(c) for c in TIMES[name]]
            people = [
                header.index(c) for c in ("requester_id", "submitter_id", "user_id") if c in header
            ]
            plans[name] = (
                key,
                times,
                people,
                {
                    seed: [(row, [_epoch(row[i]) if row[i] else 0 for i in times]) for row in rows]
                    for seed, rows in grouped.items()
                },
            )
        strftime, gmtime = time.strftime, time.gmtime
        for number in range(count):
            seed = seeds[number % len(seeds)]
            shift = (number // len(seeds)) * SHIFT
            ticket = str(number + 1)
            customer = str(1_000 + number % CUSTOMERS)
            for name, (key, times, people, rows_of) in plans.items():
                write = writers[name].writerow
                for row, epochs in rows_of.get(seed, ()):
                    out = list(row)
                    out[key] = ticket
                    for index, epoch in zip(times, epochs, strict=True):
                        if epoch:
                            out[index] = strftime("%Y-%m-%d %H:%M:%S", gmtime(epoch + shift))
                    for index in people:
                        if out[index] in SEED_CUSTOMERS:
                            out[index] = customer
                    if name == "ticket_field_history" and out[0] == "requester_id":
                        out[-1] = customer
                    write(out)
    finally:
        for file in files.values():
            file.close()
    header, rows = _read("user")
    role = header.index("role")
    with (folder / "user.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for row in rows:
            if row[0] not in SEED_CUSTOMERS:
                writer.writerow(row)
        template = next(r for r in rows if r[role] == "end-user")
        for number in range(CUSTOMERS):
            writer.writerow([str(1_000 + number), *template[1:]])
    for name in ("schedule", "schedule_holiday"):
        (folder / f"{name}.csv").write_bytes((SEEDS / f"{name}.csv").read_bytes())


def _import(folder: Path) -> int:
    return sum(1 for _ in read_tables(folder, grouping=Grouping.TICKET_ORDER))


def _jsonl(path: Path) -> int:
    return sum(1 for _ in read_interactions(path))


# The child's peak is read by _paired.peak_rss_mib (VmHWM: ru_maxrss would keep the peak
# of this process, which started it); benchmarks/ goes last on its path, after the
# standard library's calendar module.
_PEAK = textwrap.dedent(
    """
    import sys
    sys.path.append(sys.argv[2])
    from _paired import peak_rss_mib
    from servicemodel.io.zendesk import Grouping, read_tables
    count = sum(1 for _ in read_tables(sys.argv[1], grouping=Grouping.TICKET_ORDER))
    print(count, peak_rss_mib())
    """
)


def peak_rss_mib(folder: Path) -> tuple[int, float]:
    """Tickets imported and the peak resident memory (MiB) of an import in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(folder), str(_HERE)],
        check=True,
        capture_output=True,
        text=True,
        # This process's path without benchmarks/ (its calendar.py would come first there).
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if Path(p).resolve() != _HERE),
        },
    )
    count, mib = done.stdout.split()
    return int(count), float(mib)


def run(count: int, rounds: int) -> None:
    print(f"servicemodel Zendesk import benchmark: {count:,} tickets from the 15 seed shapes")
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        folder, small = root / "tables", root / "small"
        folder.mkdir()
        small.mkdir()
        began = time.perf_counter()
        generate(folder, count)
        generate(small, max(count // 10, 15))
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(
            f"{'generated tables':<40}{size / 2**20:>10,.1f} MiB  {time.perf_counter() - began:7.1f} s"
        )
        jsonl = root / "interactions.jsonl"
        written = write_interactions(read_tables(folder, grouping=Grouping.TICKET_ORDER), jsonl)
        assert written == count, (written, count)
        print(f"{'same tickets as JSONL':<40}{jsonl.stat().st_size / 2**20:>10,.1f} MiB")
        importing, reading = "read_tables (ticket order)", "read_interactions (own JSONL)"
        timed = interleave(
            {importing: lambda: _import(folder), reading: lambda: _jsonl(jsonl)}, rounds
        )
        assert timed.values[importing] == timed.values[reading] == count
        for way in (importing, reading):
            print(
                f"{way:<40}{timed.rate(way, count):>10,.0f} tickets/s  "
                f"{timed.median(way):6.2f} s CPU"
            )
        # Import speed / JSONL speed = JSONL seconds / import seconds, round by round.
        print(f"{'import speed / JSONL speed':<40}{timed.ratio(reading, importing)}  (goal >= 0.5)")
        small_count, small_peak = peak_rss_mib(small)
        full_count, full_peak = peak_rss_mib(folder)
        print(
            f"{'peak RSS of an import (fresh process)':<40}{small_peak:>10,.0f} MiB at "
            f"{small_count:,} tickets, {full_peak:,.0f} MiB at {full_count:,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="tickets to generate")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    parser.add_argument("--quick", action="store_true", help="5,000 tickets (about 20 s)")
    args = parser.parse_args()
    count = 5_000 if args.quick else args.count
    if count < 15:
        parser.error("--count must be at least 15 (one of each seed ticket)")
    run(count, max(1, args.rounds))


if __name__ == "__main__":
    main()
