"""Benchmark: the SLA-compliance KPI against a bare loop over the SLA evaluator.

Run:  PYTHONPATH=src python benchmarks/sla_compliance.py [--count 20000] [--seed 1]

Side by side, in one process and on the same sample interactions under the
policy set of ``benchmarks/sla.py``: (1) a hand-written loop calling
``servicemodel.sla.evaluate`` and counting met and breached outcomes,
(2) ``SlaCompliance`` folding the interactions one by one, (3) the same folded
in four partitions and merged. It prints interactions/s (process CPU time),
the ratio to the bare loop, checks that all three agree, and times the JSON
round trip of the merged state.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/ holds calendar.py: keep the folder off the path so that the standard
# library's calendar module (imported by pendulum) is the one found.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import gc
import importlib.util
import json
import time

import pendulum

from servicemodel.kpi import SlaCompliance
from servicemodel.samples import generate
from servicemodel.sla import Outcome, evaluate, load_policies

_HERE = Path(__file__).resolve().parent


def _document() -> dict[str, object]:
    spec = importlib.util.spec_from_file_location("_sla_benchmark", _HERE / "sla.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.DOCUMENT)


def run(count: int, seed: int) -> None:
    start = pendulum.datetime(2024, 1, 1, tz="Europe/London")
    tickets = list(generate(count, seed=seed, start=start))
    policies = load_policies(_document())
    as_of = max(t.events[-1].at if t.events else t.created_at for t in tickets).add(days=1)
    print(f"servicemodel SLA-compliance benchmark: {count:,} sample interactions (seed {seed})")

    gc.collect()
    began = time.process_time()
    met = breached = 0
    for ticket in tickets:
        for outcome in evaluate(ticket, policies, as_of=as_of).outcomes():
            met += outcome.outcome is Outcome.MET
            breached += outcome.outcome is Outcome.BREACHED
    bare = time.process_time() - began

    gc.collect()
    began = time.process_time()
    acc = SlaCompliance.empty(policies=policies, as_of=as_of)
    acc.add_many(tickets)
    result = acc.result()
    folded = time.process_time() - began

    gc.collect()
    began = time.process_time()
    parts = []
    for k in range(4):
        part = acc.empty_like()
        part.add_many(tickets[k::4])
        parts.append(part)
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)
    partitioned = time.process_time() - began

    began = time.process_time()
    text = json.dumps(merged.to_json())
    back = SlaCompliance.from_json(json.loads(text), policies=policies)
    round_trip = time.process_time() - began

    assert (result.numerator, result.denominator) == (met, met + breached)
    assert merged == acc == back
    for label, seconds in (
        ("bare evaluate() loop counting outcomes", bare),
        ("SlaCompliance, one pass", folded),
        ("SlaCompliance, 4 partitions merged", partitioned),
    ):
        print(
            f"{label:<42}{count / seconds:>10,.0f} interactions/s"
            f"  {seconds * 1e6 / count:7.1f} us each  {seconds / bare:5.2f}x bare"
        )
    print(
        f"compliance {result.percent()} % ({met:,} met, {breached:,} breached, "
        f"{sum(r.pending for r in acc.breakdown()):,} pending, {len(acc.breakdown())} targets); "
        f"JSON round trip {round_trip * 1e3:.2f} ms ({len(text):,} bytes)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    run(args.count, args.seed)


if __name__ == "__main__":
    main()
