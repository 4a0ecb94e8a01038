"""Benchmark: evaluate every SLA clock of sample interactions on a business calendar.

Run:  PYTHONPATH=src python benchmarks/sla.py [--count 100000] [--rounds 3] [--seed 1] [--quick]

Evaluates all clocks (six metrics, warnings, pauses, reopens, priority
changes) of ``--count`` sample interactions under a three-policy set on a
Europe/London Mon-Fri business calendar with public holidays, and prints
interactions/s per core of process CPU time (target: 20,000/s or better).
Side by side, in the same process, on the same interactions and interleaved
round by round (see ``benchmarks/_paired.py``), it times the same evaluation
with the input frozen out of the garbage collector, and two peers that
compute much less -- one business-time elapsed per interaction (first reply)
-- with ``businesstime`` and with our own pendulum-level
``BusinessCalendar.elapsed``; every ratio is the median of the rounds' paired
ratios. Finally it reads every clock's ``due_at`` (the lazy pendulum edge)
to show what building result values costs. ``--quick``: 20,000 interactions.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/ holds calendar.py: move the folder to the end of the path so that the
# standard library's calendar module (imported by pendulum) is the one found.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import datetime as dt
import gc
from collections.abc import Callable
from typing import Any

import pendulum
from _paired import interleave, measure

from servicemodel.samples import generate
from servicemodel.sla import BusinessCalendar, evaluate, load_policies

START = pendulum.datetime(2024, 1, 1, tz="Europe/London")
HOLIDAYS = [
    "2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27",
    "2024-08-26", "2024-12-25", "2024-12-26", "2025-01-01",
]  # fmt: skip
DOCUMENT = {
    "version": 1,
    "calendars": {
        "office": {
            "timezone": "Europe/London",
            "hours": {"mon-fri": "09:00-17:00"},
            "holidays": HOLIDAYS,
        }
    },
    "policies": [
        {
            "name": "VIP",
            "calendar": "office",
            "when": {"all": [{"field": "tags", "contains_any": ["vip", "enterprise"]}]},
            "targets": {
                p: {
                    "first_reply": {"within": "1h", "warn_percent": 75},
                    "next_reply": "2h",
                    "requester_wait": "8h",
                    "agent_work": "6h",
                    "resolution": {"within": "16h", "warn_before": "2h"},
                }
                for p in ("low", "normal", "high", "urgent")
            },
        },
        {
            "name": "Urgent",
            "when": {"any": [{"field": "priority", "in": ["urgent", "high"]}]},
            "targets": {
                "urgent": {"first_reply": "30m", "periodic_update": "2h", "resolution": "8h"},
                "high": {"first_reply": "1h", "periodic_update": "4h", "resolution": "24h"},
            },
        },
        {
            "name": "Standard",
            "calendar": "office",
            "targets": {
                p: {
                    "first_reply": {"within": "4h", "warn_percent": 80},
                    "next_reply": "8h",
                    "requester_wait": "24h",
                    "agent_work": "16h",
                    "resolution": "40h",
                }
                for p in ("low", "normal", "high", "urgent")
            },
        },
    ],
}


def _naive(value: pendulum.DateTime) -> dt.datetime:
    local = value.in_tz("Europe/London")
    return dt.datetime(local.year, local.month, local.day, local.hour, local.minute, local.second)


def run(count: int, seed: int, rounds: int) -> None:
    seconds, tickets = measure(lambda: list(generate(count, seed=seed, start=START)))
    print(
        f"servicemodel SLA benchmark: {count:,} sample interactions (seed {seed}), "
        f"generated in {seconds:.1f} s CPU; median of {rounds} interleaved rounds, CPU time"
    )
    policies = load_policies(DOCUMENT)
    office = policies.calendar("office")
    assert isinstance(office, BusinessCalendar)
    as_of = max(t.events[-1].at if t.events else t.created_at for t in tickets).add(days=1)

    def evaluate_all() -> tuple[int, int]:
        clocks = breached = 0
        for ticket in tickets:
            result = evaluate(ticket, policies, as_of=as_of)
            clocks += len(result.clocks)
            breached += sum(c.breached for c in result.clocks)
        return clocks, breached

    def evaluate_frozen() -> None:
        # All input interactions sit in memory, so each collection of the cyclic GC
        # walks them: the cost of holding the input, not of evaluating. gc.freeze()
        # moves them out of the collector's way, as a service holding long-lived
        # data would.
        gc.freeze()
        try:
            for ticket in tickets:
                evaluate(ticket, policies, as_of=as_of)
        finally:
            gc.unfreeze()

    replies = [(t.created_at, t.first_reply_at() or as_of) for t in tickets]

    def calendar_elapsed() -> None:
        for start, end in replies:
            office.elapsed(start, end)

    ours = "evaluate (all clocks)"
    ways: dict[str, Callable[[], Any]] = {
        ours: evaluate_all,
        "evaluate, input frozen out of the GC": evaluate_frozen,
        "peer: BusinessCalendar.elapsed, first reply": calendar_elapsed,
    }
    try:
        import businesstime
        import businesstime.holidays
    except ImportError:
        print("peer: businesstime not installed (pip install servicemodel[bench])")
    else:
        holidays = {dt.date.fromisoformat(d) for d in HOLIDAYS}

        class Office(businesstime.holidays.Holidays):  # type: ignore[misc]
            def isholiday(self, day: dt.date) -> bool:
                return day in holidays

        peer = businesstime.BusinessTime(
            business_hours=(dt.time(9), dt.time(17)), holidays=Office()
        )
        naive = [(_naive(a), _naive(b)) for a, b in replies]

        def businesstime_elapsed() -> None:
            for start, end in naive:
                peer.businesstimedelta(start, end)

        ways["peer: businesstime elapsed, first reply"] = businesstime_elapsed

    timed = interleave(ways, rounds)
    for way in ways:
        print(timed.line(way, count, "interactions", base=ours))
    clocks, breached = timed.values[ours]
    print(
        f"{'':<44}{clocks:>12,} clocks ({clocks / count:.1f} per interaction, "
        f"{breached / clocks:.0%} breached)"
    )

    results = [evaluate(t, policies, as_of=as_of) for t in tickets[:20_000]]
    built = sum(len(r.clocks) for r in results)
    lazy = interleave(
        {
            "read every clock's due_at (lazy values)": lambda: sum(
                1 for r in results for c in r.clocks if c.due_at is not None or c.breached
            )
        },
        rounds,
    )
    print(lazy.line("read every clock's due_at (lazy values)", built, "clocks"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    parser.add_argument("--quick", action="store_true", help="20,000 interactions")
    args = parser.parse_args()
    run(20_000 if args.quick else args.count, args.seed, max(1, args.rounds))


if __name__ == "__main__":
    main()
