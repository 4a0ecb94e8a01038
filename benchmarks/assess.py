"""Benchmark: the main job, ``assess``, against reading the same JSONL file, and on Dask.

Writes COUNT sample interactions (the bundled sample model's data, one year
at the default daily volume for 1,000,000) to a JSONL file, then runs each
way below in a fresh process, interleaved over ROUNDS rounds (round 1 runs
every way once, then round 2, ...), so a change in the machine's load hits
all of them alike:

- ``json.loads``: every line parsed, nothing built (the floor);
- ``read_interactions``: every interaction decoded and validated;
- ``assess (JSONL)``: ``assess`` streaming from the file (the bundled hybrid
  sample model: KPIs by channel and week, SLA compliance under two policies
  on a business calendar, goals, recognition, follow-ups);
- ``assess (Parquet)``: not run: the I/O layer has no Parquet reader for
  interactions yet (issue 18, point 2), so there is no such path to time;
- ``assess on Dask, N workers``: ``assess_files`` over the file cut into
  PARTITIONS parts by ``split_jsonl``, on a ``distributed.LocalCluster`` of
  N single-threaded worker processes (started before the clock starts).

Each way reports its process CPU time (for Dask: the workers' CPU time,
summed), its wall time, and its peak resident memory (the process's
``ru_maxrss``; for Dask the workers' peaks summed, the client's apart). The
ratios are medians over rounds of the ratio within a round (paired): CPU
time against ``json.loads`` for the in-process ways, wall time for Dask
(parallel speed-up is a wall-clock question), and 1 worker / 2 workers. Each
Dask report is checked to render the same JSON, byte for byte, as the
in-process ``assess``.

    PYTHONPATH=src python benchmarks/assess.py [--count 1000000] [--rounds 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's calendar module.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import hashlib
import json
import logging
import resource
import statistics
import subprocess
import tempfile
import time
from importlib import resources
from typing import Any

import pendulum

START = pendulum.datetime(2024, 1, 1, tz="Europe/London")
IN_PROCESS = ("json.loads", "read_interactions", "assess (JSONL)")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _model() -> Any:
    from servicemodel.model import load_model

    text = resources.files("servicemodel.samples").joinpath("sample_model.toml").read_text()
    return load_model(text)


def _digest(result: Any) -> str:
    text = json.dumps(result.to_json(), indent=2)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _worker_figures() -> tuple[float, float]:
    """A worker's CPU time so far and its peak resident memory (MiB), servicemodel imported."""
    import servicemodel.io
    import servicemodel.model  # noqa: F401 - imported before the clock starts, not during

    return time.process_time(), _peak_mib()


def run_way(way: str, path: str, as_of: str, partitions: int) -> dict[str, Any]:
    """Run one way in this (fresh) process and return its figures."""
    from servicemodel.io import read_interactions, split_jsonl
    from servicemodel.model import assess, assess_files

    model = _model()
    when = pendulum.parse(as_of)
    assert isinstance(when, pendulum.DateTime)
    figures: dict[str, Any] = {"way": way, "digest": ""}
    if way == "json.loads":
        loads = json.loads
        cpu, wall = time.process_time(), time.perf_counter()
        with open(path, "rb") as file:
            for line in file:
                loads(line)
    elif way == "read_interactions":
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in read_interactions(path):
            pass
    elif way == "assess (JSONL)":
        cpu, wall = time.process_time(), time.perf_counter()
        result = assess(model, read_interactions(path), as_of=when, period="week")
        figures["digest"] = _digest(result)
    else:
        from distributed import Client, LocalCluster

        workers = int(way.rsplit(" ", 2)[-2])
        with (
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                memory_limit=0,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):
            before = client.run(_worker_figures)
            parts = split_jsonl(path, partitions)
            wall = time.perf_counter()
            result = assess_files(
                model,
                parts,
                read=read_interactions,
                as_of=when,
                period="week",
                scheduler=client,
            )
            seconds = time.perf_counter() - wall
            after = client.run(_worker_figures)
        figures["digest"] = _digest(result)
        figures["cpu"] = sum(after[w][0] - before[w][0] for w in after)
        figures["wall"] = seconds
        figures["peak_mib"] = sum(after[w][1] for w in after)
        figures["client_peak_mib"] = _peak_mib()
        return figures
    figures["cpu"] = time.process_time() - cpu
    figures["wall"] = time.perf_counter() - wall
    figures["peak_mib"] = _peak_mib()
    return figures


def _in_child(way: str, path: str, as_of: str, partitions: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--way", way, path, as_of, str(partitions)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _median_ratio(rows: list[dict[str, Any]], way: str, base: str, key: str) -> float:
    by_round: dict[int, dict[str, float]] = {}
    for row in rows:
        by_round.setdefault(row["round"], {})[row["way"]] = row[key]
    return statistics.median(r[way] / r[base] for r in by_round.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--partitions", type=int, default=4, help="parts of the file on Dask")
    parser.add_argument("--workdir", default=None, help="where to write the JSONL file")
    parser.add_argument(
        "--daily-volume",
        type=int,
        default=2_740,
        help="sample interactions a day (default 2,740: 1,000,000 make one year of weekly cells)",
    )
    args = parser.parse_args()
    from servicemodel.io import write_interactions
    from servicemodel.samples import SampleProfile, generate

    dask_ways = [f"assess on Dask, {n} workers" for n in (1, 2)]
    ways = [*IN_PROCESS, *dask_ways]
    with tempfile.TemporaryDirectory(dir=args.workdir) as directory:
        path = Path(directory) / "interactions.jsonl"
        began = time.perf_counter()
        latest: list[pendulum.DateTime] = []

        def noting(items: Any) -> Any:
            for item in items:
                latest[:] = [item.created_at]
                yield item

        profile = SampleProfile(daily_volume=args.daily_volume)
        write_interactions(noting(generate(args.count, seed=1, start=START, profile=profile)), path)
        size = path.stat().st_size / 2**20
        as_of = latest[0].in_timezone(_model().timezone).start_of("day").add(days=1)
        print(
            f"wrote {args.count:,} sample interactions ({size:,.0f} MiB) in "
            f"{time.perf_counter() - began:,.1f} s; as of {as_of.isoformat()}"
        )
        rows = []
        for round_ in range(1, args.rounds + 1):
            for way in ways:
                figures = _in_child(way, str(path), as_of.isoformat(), args.partitions)
                figures["round"] = round_
                rows.append(figures)
                print(
                    f"  round {round_}: {way:<28} cpu {figures['cpu']:8.1f} s  "
                    f"wall {figures['wall']:8.1f} s  peak {figures['peak_mib']:7.0f} MiB",
                    flush=True,
                )
    digests = {row["digest"] for row in rows if row["digest"]}
    assert len(digests) == 1, f"the reports differ: {digests}"
    print(f"\n{args.count:,} interactions, {args.rounds} rounds (medians; ratios paired per round)")
    print(
        f"{'way':<28} {'cpu s':>8} {'wall s':>8} {'peak MiB':>9} {'per s (wall)':>13} "
        f"{'x loads':>9}"
    )
    for way in ways:
        mine = [row for row in rows if row["way"] == way]
        cpu = statistics.median(row["cpu"] for row in mine)
        wall = statistics.median(row["wall"] for row in mine)
        peak = max(row["peak_mib"] for row in mine)
        key = "wall" if way in dask_ways else "cpu"
        ratio = _median_ratio(rows, way, "json.loads", key)
        print(
            f"{way:<28} {cpu:8.1f} {wall:8.1f} {peak:9.0f} {args.count / wall:13,.0f} {ratio:8.2f}x"
        )
    print(f"{'assess (Parquet)':<28} not run: no Parquet reader for interactions (issue 18.2)")
    speedup = _median_ratio(rows, dask_ways[0], dask_ways[1], "wall")
    clients = max(row.get("client_peak_mib", 0.0) for row in rows)
    print(
        f"\nx loads: CPU time against json.loads' CPU time in process; wall time against its "
        f"wall time on Dask.\nDask, 2 workers against 1: {speedup:.2f}x faster (wall); "
        f"peak MiB on Dask sums the workers (the client peaked at {clients:,.0f} MiB).\n"
        "Every report rendered the same JSON, byte for byte."
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--way":
        way, path, as_of, partitions = sys.argv[2:6]
        print(json.dumps(run_way(way, path, as_of, int(partitions))))
    else:
        main()
