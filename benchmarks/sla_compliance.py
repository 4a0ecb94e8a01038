"""Benchmark: the SLA-compliance KPI against a bare loop over the SLA evaluator.

Run:  PYTHONPATH=src python benchmarks/sla_compliance.py [--count 20000] [--rounds 3] [--quick]

Side by side, in one process and on the same sample interactions under the
policy set of ``benchmarks/sla.py``: (1) a hand-written loop calling
``servicemodel.sla.evaluate`` and counting met and breached outcomes,
(2) ``SlaCompliance`` folding the interactions one by one, (3) the same folded
in four partitions and merged. The three run interleaved over ``--rounds``
rounds (process CPU time, see ``benchmarks/_paired.py``); it prints
interactions/s at the median time, the median of the paired ratios to the
bare loop with their range, checks that all three agree, and times the JSON
round trip of the merged state. ``--quick``: 5,000 interactions.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/ holds calendar.py: move the folder to the end of the path so that the
# standard library's calendar module (imported by pendulum) is the one found.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import importlib.util
import json

import pendulum
from _paired import interleave, measure

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


def run(count: int, seed: int, rounds: int) -> None:
    start = pendulum.datetime(2024, 1, 1, tz="Europe/London")
    tickets = list(generate(count, seed=seed, start=start))
    policies = load_policies(_document())
    as_of = max(t.events[-1].at if t.events else t.created_at for t in tickets).add(days=1)
    print(
        f"servicemodel SLA-compliance benchmark: {count:,} sample interactions (seed {seed}); "
        f"median of {rounds} interleaved rounds, CPU time"
    )

    def bare() -> tuple[int, int]:
        met = breached = 0
        for ticket in tickets:
            for outcome in evaluate(ticket, policies, as_of=as_of).outcomes():
                met += outcome.outcome is Outcome.MET
                breached += outcome.outcome is Outcome.BREACHED
        return met, breached

    def folded() -> SlaCompliance:
        acc = SlaCompliance.empty(policies=policies, as_of=as_of)
        acc.add_many(tickets)
        acc.result()
        return acc

    def partitioned() -> SlaCompliance:
        parts = []
        for k in range(4):
            part = SlaCompliance.empty(policies=policies, as_of=as_of)
            part.add_many(tickets[k::4])
            parts.append(part)
        merged = parts[0]
        for part in parts[1:]:
            merged = merged.merge(part)
        return merged

    loop = "bare evaluate() loop counting outcomes"
    ways = {
        loop: bare,
        "SlaCompliance, one pass": folded,
        "SlaCompliance, 4 parts merged": partitioned,
    }
    timed = interleave(ways, rounds)
    met, breached = timed.values[loop]
    acc, merged = (
        timed.values["SlaCompliance, one pass"],
        timed.values["SlaCompliance, 4 parts merged"],
    )
    result = acc.result()

    round_trip, (text, back) = measure(
        lambda: (
            text := json.dumps(merged.to_json()),
            SlaCompliance.from_json(json.loads(text), policies=policies),
        )
    )
    assert (result.numerator, result.denominator) == (met, met + breached)
    assert merged == acc == back
    for way in ways:
        print(timed.line(way, count, "interactions", base=loop))
    print(
        f"compliance {result.percent()} % ({met:,} met, {breached:,} breached, "
        f"{sum(r.pending for r in acc.breakdown()):,} pending, {len(acc.breakdown())} targets); "
        f"JSON round trip {round_trip * 1e3:.2f} ms ({len(text):,} bytes)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    parser.add_argument("--quick", action="store_true", help="5,000 interactions")
    args = parser.parse_args()
    run(5_000 if args.quick else args.count, args.seed, max(1, args.rounds))


if __name__ == "__main__":
    main()
