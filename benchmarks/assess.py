"""Benchmark: assess the sample model over a JSONL file of sample interactions.

Writes COUNT sample interactions to a JSONL file, then streams them through
``servicemodel.model.assess`` (the bundled hybrid sample model: KPIs by
channel and week, SLA compliance under two policies on a business calendar,
goals, channel mix, recognition) and prints the time, interactions/s and the
peak resident memory sampled at every 10% of the stream, to show that memory
stays flat while streaming.

    PYTHONPATH=src python benchmarks/assess.py [--count 1000000] [--workdir DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's calendar module.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import os
import tempfile
import time
from importlib import resources

import pendulum

from servicemodel.io import read_interactions, write_interactions
from servicemodel.model import assess, load_model
from servicemodel.samples import SampleProfile, generate

START = pendulum.datetime(2024, 1, 1, tz="Europe/London")


def rss_mib() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--workdir", default=None, help="where to write the JSONL file")
    parser.add_argument(
        "--daily-volume",
        type=int,
        default=2_740,
        help="sample interactions a day (default 2,740: 1,000,000 make one year of weekly cells)",
    )
    args = parser.parse_args()
    model = load_model(
        resources.files("servicemodel.samples").joinpath("sample_model.toml").read_text()
    )
    with tempfile.TemporaryDirectory(dir=args.workdir) as directory:
        path = Path(directory) / "interactions.jsonl"
        began = time.perf_counter()
        profile = SampleProfile(daily_volume=args.daily_volume)
        write_interactions(generate(args.count, seed=1, start=START, profile=profile), path)
        written = time.perf_counter() - began
        size = path.stat().st_size / 2**20
        print(f"wrote {args.count:,} sample interactions ({size:,.0f} MiB) in {written:,.1f} s")
        last = None
        for interaction in read_interactions(path):
            last = interaction.created_at
        assert last is not None
        as_of = last.in_timezone(model.timezone).start_of("day").add(days=1)
        marks: list[tuple[int, float]] = []
        every = max(args.count // 10, 1)

        def progress(count: int) -> None:
            if count % every < 10_000:
                marks.append((count, rss_mib()))

        before = rss_mib()
        began = time.perf_counter()
        result = assess(
            model, read_interactions(path), as_of=as_of, period="week", progress=progress
        )
        seconds = time.perf_counter() - began
        after = rss_mib()
    print(f"assessed {result.interactions:,} interactions as of {as_of.isoformat()}")
    print(f"time {seconds:,.1f} s, {result.interactions / seconds:,.0f} interactions/s")
    print(f"resident memory (MiB): before {before:,.0f}, after {after:,.0f}")
    print("  during the stream: " + ", ".join(f"{n:,}: {m:,.0f}" for n, m in marks))
    print(
        f"SLA lines {len(result.sla)}, KPI rows {len(result.kpis.rows)}, findings {len(result.findings)}"
    )


if __name__ == "__main__":
    main()
