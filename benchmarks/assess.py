"""Benchmark: the main job, ``assess``, against reading the same JSONL file, and on Dask.

Writes COUNT sample interactions (the bundled sample model's data, one year
at the default daily volume for 1,000,000) to a JSONL file, then runs each
way below in a fresh process, interleaved over ROUNDS rounds (every way once
per round, the first way rotating from round to round; see
``benchmarks/_paired.py``), so a change in the machine's load hits all of
them alike:

- ``json.loads``: every line parsed, nothing built (the floor);
- ``read_interactions``: every interaction decoded and validated;
- ``assess (JSONL)``: ``assess`` streaming from the file (the bundled hybrid
  sample model: KPIs by channel and week, SLA compliance under two policies
  on a business calendar, goals, recognition, follow-ups);
- ``assess (Parquet)``: not run, because it is not built: there is no
  columnar (Parquet or Arrow) path for interactions yet (issue 18, point 2),
  so there is no such way to time. (The Zendesk importer reads Fivetran
  tables in Parquet, but into interactions one by one: an import, not the
  columnar path, and ``benchmarks/import.py`` times it.)
- ``assess on Dask, N workers``: ``assess_files`` over the file cut into
  PARTITIONS parts by ``split_jsonl``, on a ``distributed.LocalCluster`` of
  N single-threaded worker processes (started before the clock starts).

Each way reports its CPU time (the process's ``time.process_time`` around
the work, the interpreter's start and imports left out; on Dask the workers'
CPU time summed plus the client's, which runs the scheduler), its wall time,
and its peak resident memory (``VmHWM``, see ``_paired.peak_rss_mib``; on
Dask the workers' peaks summed, the client's apart). Every ratio is the median over the rounds of
the ratio within a round (paired), printed with its range: CPU time against
``json.loads`` for every way, and, for Dask, 1 worker / 2 workers by CPU and
by wall time (a parallel speed-up is a wall-clock question, which only an
idle machine answers). Each report is checked to render the same JSON, byte
for byte, as every other. It also prints the distinct customers of the
sample, since the assessment's memory grows with them (compare two
``--count`` values).

    PYTHONPATH=src python benchmarks/assess.py [--count 1000000] [--rounds 3] [--quick]
        [--ways WAY ...]

``--quick``: 5,000 interactions, 2 rounds. ``--ways``: run only the named
ways (``json.loads`` always runs, as the ratios' base), e.g. ``--ways
"assess (JSONL)"`` for the peak memory of one-process ``assess`` at
1,000,000 interactions without the Dask runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's calendar module: move
# this folder to the end of the path, where _paired is still found.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import hashlib
import json
import logging
import statistics
import subprocess
import tempfile
import time
from importlib import resources
from typing import Any

import pendulum
from _paired import Timed, interleave, peak_rss_mib, ratio

START = pendulum.datetime(2024, 1, 1, tz="Europe/London")
IN_PROCESS = ("json.loads", "read_interactions", "assess (JSONL)")
DASK_WAYS = ("assess on Dask, 1 worker", "assess on Dask, 2 workers")


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

    return time.process_time(), peak_rss_mib()


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

        workers = int(way.split(", ")[1].split()[0])
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
            cpu, wall = time.process_time(), time.perf_counter()
            result = assess_files(
                model,
                parts,
                read=read_interactions,
                as_of=when,
                period="week",
                scheduler=client,
            )
            seconds = time.perf_counter() - wall
            client_cpu = time.process_time() - cpu
            after = client.run(_worker_figures)
        figures["digest"] = _digest(result)
        figures["client_cpu"] = client_cpu
        figures["cpu"] = client_cpu + sum(after[w][0] - before[w][0] for w in after)
        figures["wall"] = seconds
        figures["peak_mib"] = sum(after[w][1] for w in after)
        figures["client_peak_mib"] = peak_rss_mib()
        return figures
    figures["cpu"] = time.process_time() - cpu
    figures["wall"] = time.perf_counter() - wall
    figures["peak_mib"] = peak_rss_mib()
    return figures


def _in_child(way: str, path: str, as_of: str, partitions: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--way", way, path, as_of, str(partitions)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


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
    parser.add_argument("--quick", action="store_true", help="5,000 interactions, 2 rounds")
    parser.add_argument(
        "--ways",
        nargs="+",
        choices=[*IN_PROCESS, *DASK_WAYS],
        default=[*IN_PROCESS, *DASK_WAYS],
        help="run only these ways (json.loads always runs: the ratios are against it)",
    )
    args = parser.parse_args()
    if args.quick:
        args.count, args.rounds = 5_000, 2
    from servicemodel.io import write_interactions
    from servicemodel.samples import SampleProfile, generate

    with tempfile.TemporaryDirectory(dir=args.workdir) as directory:
        path = Path(directory) / "interactions.jsonl"
        began = time.perf_counter()
        latest: list[pendulum.DateTime] = []
        customers: set[str | None] = set()

        def noting(items: Any) -> Any:
            for item in items:
                latest[:] = [item.created_at]
                customers.add(item.customer_id)
                yield item

        profile = SampleProfile(daily_volume=args.daily_volume)
        write_interactions(noting(generate(args.count, seed=1, start=START, profile=profile)), path)
        size = path.stat().st_size / 2**20
        as_of = latest[0].in_timezone(_model().timezone).start_of("day").add(days=1)
        print(
            f"wrote {args.count:,} sample interactions of {len(customers):,} distinct customers "
            f"({size:,.0f} MiB) in {time.perf_counter() - began:,.1f} s; "
            f"as of {as_of.isoformat()}"
        )
        rows: list[dict[str, Any]] = []

        def way(name: str) -> Any:
            def run() -> Timed:
                figures = _in_child(name, str(path), as_of.isoformat(), args.partitions)
                rows.append(figures)
                print(
                    f"  {name:<28} cpu {figures['cpu']:8.1f} s  wall {figures['wall']:8.1f} s  "
                    f"peak {figures['peak_mib']:7.0f} MiB",
                    flush=True,
                )
                return Timed(cpu=figures["cpu"], value=figures)

            return run

        names = [w for w in (*IN_PROCESS, *DASK_WAYS) if w == "json.loads" or w in args.ways]
        timed = interleave({name: way(name) for name in names}, args.rounds)
    digests = {row["digest"] for row in rows if row["digest"]}
    assert len(digests) <= 1, f"the reports differ: {digests}"
    if digests:  # to compare two trees' reports: the same digest, the same JSON
        print(f"report digest (sha256 of its JSON, first 16 hex digits): {digests.pop()}")
    print(
        f"\n{args.count:,} interactions, {args.rounds} interleaved rounds "
        "(medians; ratios paired per round, range in brackets)"
    )
    print(
        f"{'way':<28} {'cpu s':>8} {'wall s':>8} {'peak MiB':>9} {'per cpu s':>10}  x json.loads (CPU)"
    )

    def walls(name: str) -> list[float]:
        return [row["wall"] for row in rows if row["way"] == name]

    for name in names:
        mine = [row for row in rows if row["way"] == name]
        wall = statistics.median(walls(name))
        peak = max(row["peak_mib"] for row in mine)
        print(
            f"{name:<28} {timed.median(name):8.1f} {wall:8.1f} {peak:9.0f} "
            f"{timed.rate(name, args.count):10,.0f}  {timed.ratio(name, 'json.loads')}"
        )
    print(
        f"{'assess (Parquet)':<28} not run: NOT BUILT, no columnar (Parquet/Arrow) path "
        "for interactions (issue 18, point 2)"
    )
    if not set(DASK_WAYS) <= set(names):
        return
    one, two = DASK_WAYS
    clients = max(row.get("client_peak_mib", 0.0) for row in rows)
    client_cpu = max(row.get("client_cpu", 0.0) for row in rows)
    print(
        f"\nDask, 1 worker / 2 workers: {ratio(walls(one), walls(two))} by wall time "
        f"(the speed-up), {timed.ratio(one, two)} by CPU time (the cost of the second worker)."
        f"\nDask CPU sums the workers and the client (at most {client_cpu:,.1f} s, with the "
        f"scheduler); peak MiB sums the workers (the client peaked at {clients:,.0f} MiB)."
        "\nEvery report rendered the same JSON, byte for byte."
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--way":
        way, path, as_of, partitions = sys.argv[2:6]
        print(json.dumps(run_way(way, path, as_of, int(partitions))))
    else:
        main()
