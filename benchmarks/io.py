"""Benchmark: write and read sample interactions; compare reading with plain ``json.loads``.

Run:  PYTHONPATH=src python benchmarks/io.py [--count 1000000] [--rounds 5] [--csv] [--quick]

Writes ``--count`` sample interactions as JSONL, then times, in interleaved
rounds (process CPU time, see ``benchmarks/_paired.py``), ``json.loads`` of
every line (the peer) and ``read_interactions`` (JSON + validation into
Interaction values) of the same file, and prints both rates and the median of
the paired ratios (target: at most 3x), with the resident memory after 10%
and 100% of one more read (flat when streaming). ``--quick``: 50,000
interactions.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's calendar module
# (imported by pendulum's and pandas' dependencies): move this folder to the end
# of the path, where _paired is still found.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import json
import pathlib
import tempfile
from collections.abc import Iterator

import pendulum
from _paired import cpu_now, interleave, measure, rss_mib

from servicemodel.interactions import Interaction
from servicemodel.io import read_interactions, write_interactions
from servicemodel.samples import generate

START = pendulum.datetime(2024, 1, 1, tz="Europe/London")


def counted(items: Iterator[Interaction], every: int, marks: list[float]) -> Iterator[Interaction]:
    for number, item in enumerate(items, 1):
        if number % every == 0:
            marks.append(rss_mib())
        yield item


def run(count: int, with_csv: bool, rounds: int) -> None:
    print(f"servicemodel I/O benchmark: {count:,} sample interactions (seed 1), CPU time")
    with tempfile.TemporaryDirectory() as directory:
        path = pathlib.Path(directory) / "sample.jsonl"
        seconds, _ = measure(lambda: write_interactions(generate(count, seed=1, start=START), path))
        print(
            f"{'generate + write JSONL':<44}{count / seconds:>12,.0f} records/s  {seconds:7.2f} s"
        )
        size = path.stat().st_size
        print(f"{'file size':<44}{size / 2**20:>12,.1f} MiB  ({size / count:,.0f} bytes/record)")

        def peer() -> int:
            events = 0
            with open(path, "rb") as file:
                for line in file:
                    events += len(json.loads(line)["events"])
            return events

        def ours() -> int:
            read = sum(1 for _ in read_interactions(path))
            assert read == count
            return read

        loads, reader = "json.loads of the same lines", "read_interactions (validated)"
        timed = interleave({loads: peer, reader: ours}, rounds)
        print(f"median of {rounds} interleaved rounds (range in brackets):")
        print(timed.line(loads, count, "records"))
        print(f"{'  events per record':<44}{timed.values[loads] / count:>12.2f}")
        print(timed.line(reader, count, "records", base=loads))

        marks: list[float] = []
        before = rss_mib()
        sum(1 for _ in counted(read_interactions(path), max(count // 10, 1), marks))
        if marks:
            print(
                f"{'resident memory (MiB)':<44}before {before:,.0f}, at 10% {marks[0]:,.0f}, "
                f"at 100% {marks[-1]:,.0f}"
            )

        if with_csv:
            csv_path = pathlib.Path(directory) / "sample.csv"
            began = cpu_now()
            write_interactions(read_interactions(path), csv_path)
            seconds = cpu_now() - began
            print(f"{'read JSONL + write CSV':<44}{count / seconds:>12,.0f} records/s")
            csv_reader = "read_interactions CSV (validated)"
            timed = interleave(
                {loads: peer, csv_reader: lambda: sum(1 for _ in read_interactions(csv_path))},
                rounds,
            )
            print(timed.line(csv_reader, count, "records", base=loads))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--csv", action="store_true", help="also write and read CSV")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    parser.add_argument("--quick", action="store_true", help="50,000 interactions")
    args = parser.parse_args()
    run(50_000 if args.quick else args.count, args.csv, max(1, args.rounds))


if __name__ == "__main__":
    main()
