"""Benchmark: write and read sample interactions; compare reading with plain ``json.loads``.

Run:  PYTHONPATH=src python benchmarks/io.py [--count 1000000] [--csv]

Prints records/s for generating + writing JSONL, for ``json.loads`` of the same
lines (the peer), and for ``read_interactions`` (JSON + validation into
Interaction values), their ratio (target: at most 3x), and the resident memory
after 10% and 100% of the read (flat when streaming).
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's calendar module
# (imported by pendulum's and pandas' dependencies): keep this folder off the path.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import gc
import json
import os
import pathlib
import tempfile
import time
from collections.abc import Iterator

import pendulum

from servicemodel.interactions import Interaction
from servicemodel.io import read_interactions, write_interactions
from servicemodel.samples import generate

START = pendulum.datetime(2024, 1, 1, tz="Europe/London")


def rss_mib() -> float:
    """Current resident set size in MiB (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(label: str, count: int, seconds: float, baseline: float | None = None) -> None:
    ratio = f"  {seconds / baseline:5.2f}x json.loads" if baseline else ""
    print(f"{label:<38}{count / seconds:>12,.0f} records/s  {seconds:7.2f} s{ratio}")


def counted(items: Iterator[Interaction], every: int, marks: list[float]) -> Iterator[Interaction]:
    for number, item in enumerate(items, 1):
        if number % every == 0:
            marks.append(rss_mib())
        yield item


def run(count: int, with_csv: bool, repeats: int) -> None:
    print(f"servicemodel I/O benchmark: {count:,} sample interactions (seed 1)")
    with tempfile.TemporaryDirectory() as directory:
        path = pathlib.Path(directory) / "sample.jsonl"
        began = time.perf_counter()
        write_interactions(generate(count, seed=1, start=START), path)
        timed("generate + write JSONL", count, time.perf_counter() - began)
        size = path.stat().st_size
        print(f"{'file size':<38}{size / 2**20:>12,.1f} MiB  ({size / count:,.0f} bytes/record)")

        def peer() -> float:
            nonlocal events
            events = 0
            began = time.perf_counter()
            with open(path, "rb") as file:
                for line in file:
                    events += len(json.loads(line)["events"])
            return time.perf_counter() - began

        def ours() -> float:
            began = time.perf_counter()
            read = sum(1 for _ in read_interactions(path))
            assert read == count
            return time.perf_counter() - began

        # Interleave the runs and keep each side's best, so that load from
        # other processes on the machine disturbs both sides alike.
        events = 0
        peer_times, our_times = [], []
        for _ in range(repeats):
            gc.collect()
            peer_times.append(peer())
            gc.collect()
            our_times.append(ours())
        loads, seconds = min(peer_times), min(our_times)
        timed("peer: json.loads of the same lines", count, loads)
        print(f"{'events per record':<38}{events / count:>12.2f}")
        timed("read_interactions (validated)", count, seconds, loads)
        print(f"{'  (best of ' + str(repeats) + ' interleaved runs each)':<38}")

        gc.collect()
        marks: list[float] = []
        before = rss_mib()
        sum(1 for _ in counted(read_interactions(path), max(count // 10, 1), marks))
        if marks:
            print(
                f"{'resident memory (MiB)':<38}before {before:,.0f}, at 10% {marks[0]:,.0f}, "
                f"at 100% {marks[-1]:,.0f}"
            )

        if with_csv:
            csv_path = pathlib.Path(directory) / "sample.csv"
            began = time.perf_counter()
            write_interactions(read_interactions(path), csv_path)
            timed("read JSONL + write CSV", count, time.perf_counter() - began)
            gc.collect()
            began = time.perf_counter()
            assert sum(1 for _ in read_interactions(csv_path)) == count
            timed("read_interactions CSV (validated)", count, time.perf_counter() - began, loads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--csv", action="store_true", help="also write and read CSV")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved timing runs")
    args = parser.parse_args()
    run(args.count, args.csv, max(1, args.repeats))


if __name__ == "__main__":
    main()
