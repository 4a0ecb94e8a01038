"""Staffing benchmark: servicemodel.kpi.staffing beside pyworkforce 0.5.1 (Erlang C).

Run from the repository root (about half a minute on a small machine):

    PYTHONPATH=src python benchmarks/staffing.py [--max-traffic 2000] [--points 40]

pyworkforce comes with the ``bench`` extra (``pip install -e '.[bench]'``, or
``pip install pyworkforce==0.5.1``; it pulls in ortools, which its top-level
package imports). Only its ``ErlangC`` class is used; the figures in
docs/explanation/comparison.md are from 0.5.1, and the version is printed.

Everything runs in one process. It prints:

1. the classic example (100 contacts per 30 minutes, AHT 180 s, 80 % within
   20 s, at most 85 % occupancy, 30 % shrinkage) from both libraries, side by
   side: traffic, agents, positions, P(wait), service level, ASA, occupancy;
2. the traps, computed rather than described:
   - P(wait) with fewer agents than Erlangs of traffic (pyworkforce returns
     values above 1; the service level is then clamped to 0);
   - a 100 % service-level target, which pyworkforce accepts and "reaches"
     once 1 - P(wait) e^-x rounds to 1.0 in floating point; servicemodel refuses
     a target of 1 (only rounding can reach it);
   - units: pyworkforce takes bare numbers in minutes (its ``asa`` argument is
     the service-level threshold T, not an average speed of answer); the same
     call written in seconds is accepted and plans for 60x the traffic;
     servicemodel takes durations and refuses a bare number;
   - where the two answers differ over the sweep (agents), by cause;
   - the textbook A**N / N! form of Erlang C (the one blog recipes copy),
     which fails near N = 171, against both libraries at large N;
3. per-call times over a sweep of traffic from 1 to ``--max-traffic`` Erlangs
   (log-spaced): ``required_agents`` vs ``required_positions``, the service
   level and P(wait) at the required number of agents, with the ratio
   servicemodel / pyworkforce (below 1: servicemodel is faster).

Timings are process CPU time, the six calls of a traffic value interleaved
over five rounds (the first rotating; see ``benchmarks/_paired.py``): each
time is the median over the rounds, each ratio the median of the rounds'
paired ratios. Nothing is asserted about them. ``--quick``: 8 traffic values.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's calendar module
# (imported by pendulum's and pandas' dependencies): move this folder to the end of
# the path, where _paired is still found.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import math
import statistics
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pendulum
import pyworkforce  # type: ignore[import-untyped]
from _paired import interleave
from pyworkforce.queuing import ErlangC  # type: ignore[import-untyped]

from servicemodel.exceptions import ValidationError
from servicemodel.kpi.staffing import (
    ArrivalRate,
    erlang_c,
    required_agents,
    service_level,
)

INTERVAL = pendulum.duration(minutes=30)
AHT = pendulum.duration(seconds=180)
TARGET_TIME = pendulum.duration(seconds=20)
ROUNDS = 5


def ours_plan(contacts: int | Fraction, **extra: Any) -> Any:
    return required_agents(
        ArrivalRate(contacts=contacts, per=INTERVAL),
        AHT,
        target_level=extra.pop("target_level", 0.8),
        target_time=TARGET_TIME,
        **extra,
    )


def theirs(contacts: float, shrinkage: float = 0.0) -> Any:
    # pyworkforce's units: minutes for aht, asa (the threshold T) and interval.
    return ErlangC(transactions=contacts, aht=3, asa=20 / 60, interval=30, shrinkage=shrinkage)


def textbook_erlang_c(agents: int, traffic: float) -> float:
    """The A**N / N! form most recipes copy (here to show where it fails)."""
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


# ------------------------------------------------------------------ 1. classic


def classic() -> None:
    print("1. The classic example: 100 contacts / 30 min, AHT 180 s, 80 % in 20 s,")
    print("   max occupancy 85 %, shrinkage 30 %")
    plan = ours_plan(100, max_occupancy=0.85, shrinkage=0.3)
    their = theirs(100, shrinkage=0.3).required_positions(service_level=0.8, max_occupancy=0.85)
    raw = their["raw_positions"]
    their_asa_s = their["waiting_probability"] * 180 / (raw - 10)  # not computed by pyworkforce
    rows = [
        ("traffic (Erlangs)", f"{plan.traffic}", f"{theirs(100).intensity!r}"),
        ("agents", f"{plan.agents}", f"{raw}"),
        ("positions (after shrinkage)", f"{plan.positions}", f"{their['positions']}"),
        ("P(wait)", f"{plan.wait_probability!r}", f"{their['waiting_probability']!r}"),
        ("service level", f"{plan.service_level!r}", f"{their['service_level']!r}"),
        (
            "ASA (s)",
            f"{plan.asa.total_seconds():.4f}",
            f"{their_asa_s:.4f} (by hand: not returned)",
        ),
        ("occupancy", f"{plan.occupancy!r}", f"{their['occupancy']!r}"),
    ]
    print(f"   {'':<30}{'servicemodel':<24}pyworkforce 0.5.1")
    for name, mine, other in rows:
        print(f"   {name:<30}{mine:<24}{other}")
    print("   at 11 / 12 / 13 agents (P(wait); SL):")
    for n in (11, 12, 13):
        rate = ArrivalRate(contacts=100, per=INTERVAL)
        mine_c = erlang_c(n, 10)
        mine_sl = service_level(n, rate, AHT, TARGET_TIME)
        e = theirs(100)
        print(
            f"     N={n}: servicemodel {mine_c:.5f}; {mine_sl:.5f}"
            f"   pyworkforce {e.waiting_probability(n):.5f}; {e.service_level(n):.5f}"
        )


# -------------------------------------------------------------------- 2. traps


def traps() -> None:
    print("\n2. Traps, computed")
    print("   P(wait) with fewer agents than traffic (A = 10 Erlangs):")
    e = theirs(100)
    for n in (5, 8, 9, 10):
        print(
            f"     N={n:>2}: pyworkforce P(wait) {e.waiting_probability(n)!r:<20}"
            f" SL {e.service_level(n)!r:<5}  servicemodel P(wait) {erlang_c(n, 10)!r}"
            f" SL {service_level(n, ArrivalRate(contacts=100, per=INTERVAL), AHT, TARGET_TIME)!r}"
        )
    over = sum(
        1 for a in range(1, 201) for n in range(1, a) if theirs(10 * a).waiting_probability(n) > 1
    )
    total = sum(a - 1 for a in range(1, 201))
    print(
        f"     over traffic 1..200 Erlangs and every N < A: {over:,} of {total:,} "
        "pyworkforce P(wait) values exceed 1"
    )

    print("   A 100 % target (service_level=1.0), A = 10 Erlangs:")
    full = theirs(100).required_positions(service_level=1.0)
    n = full["raw_positions"]
    below = theirs(100).service_level(n - 1)
    print(
        f"     pyworkforce: {n} agents, SL {full['service_level']!r}"
        f" (at {n - 1}: {below!r}; 1 - SL there = {1 - below:.3g});"
        f" P(wait) at {n} = {full['waiting_probability']:.3g}"
    )
    try:
        ours_plan(100, target_level=1.0)
    except ValidationError as error:
        print(f"     servicemodel: ValidationError: {error}")

    print("   Units: the same call written in seconds instead of minutes:")
    wrong = ErlangC(transactions=100, aht=180, asa=20, interval=30)
    answer = wrong.required_positions(service_level=0.8)
    print(
        f"     pyworkforce ErlangC(transactions=100, aht=180, asa=20, interval=30): "
        f"accepted, traffic {wrong.intensity:g} Erlangs, {answer['raw_positions']} agents"
    )
    try:
        ArrivalRate(contacts=100, per=30)  # type: ignore[arg-type]
    except ValidationError as error:
        print(f"     servicemodel ArrivalRate(contacts=100, per=30): ValidationError: {error}")
    inexact = theirs(100).intensity, theirs(70).intensity, theirs(30).intensity
    exact = [ours_plan(c).traffic for c in (100, 70, 30)]
    print(
        f"     traffic for 100 / 70 / 30 contacts: pyworkforce {inexact!r} (floats),"
        f" servicemodel {', '.join(map(str, exact))} (exact)"
    )

    print("   Where the answers (agents) differ: 1..2000 contacts / 30 min (A = 0.1..200 Erlangs),")
    print("   targets 50 % and 80 % in 20 s, occupancy cap none / 70 / 80 / 90 %:")
    causes: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for contacts in range(1, 2001):
        exact_a = Fraction(contacts, 10)
        e = theirs(contacts)
        for target in (0.5, 0.8):
            for cap in (None, 0.7, 0.8, 0.9):
                mine = ours_plan(contacts, target_level=target, max_occupancy=cap).agents
                other = e.required_positions(service_level=target, max_occupancy=cap or 1.0)
                other_n = other["raw_positions"]
                if mine == other_n:
                    causes["same answer"] += 1
                    continue
                if other_n == round(e.intensity + 1) and mine < other_n:
                    cause = "pyworkforce starts its search at round(A + 1), past the answer"
                elif (
                    cap is not None
                    and other_n == math.ceil(e.intensity / cap)
                    and mine == math.ceil(exact_a / Fraction(str(cap)))
                ):
                    cause = "occupancy cap A / cap computed in floats rounds up past a whole number"
                else:
                    cause = "other"
                causes[cause] += 1
                examples.setdefault(
                    cause,
                    f"{contacts} contacts (A = {e.intensity!r}), target {target}, cap {cap}:"
                    f" servicemodel {mine}, pyworkforce {other_n}",
                )
    for cause, count in causes.most_common():
        print(f"     {count:>6,}  {cause}")
        if cause in examples:
            print(f"             e.g. {examples[cause]}")

    print("   Large N: the textbook A**N / N! form vs the recursions")
    for n, a in (
        (100, 90.0),
        (170, 60.0),
        (171, 60.0),
        (200, 190.0),
        (1000, 950.0),
        (3000, 2950.0),
    ):
        try:
            book = f"{textbook_erlang_c(n, a):.6g}"
        except OverflowError as error:
            book = f"OverflowError: {error}"
        pw = theirs(10 * a).waiting_probability(n)
        print(
            f"     N={n:>4}, A={a:g}: textbook {book:<52} pyworkforce {pw:.6g}"
            f"   servicemodel {erlang_c(n, a):.6g}"
        )


# --------------------------------------------------------------------- 3. speed


def repeated(run: Callable[[], object], calls: int) -> Callable[[], None]:
    def many() -> None:
        for _ in range(calls):
            run()

    return many


def speed(sweep: list[float]) -> None:
    print("\n3. Per-call CPU times over the sweep (median of 5 interleaved rounds; µs)")
    print(
        f"   {'A (Erl)':>8} {'N':>5}"
        f" {'required: ours':>15} {'theirs':>9} {'ratio':>6}"
        f" {'SL: ours':>9} {'theirs':>9} {'ratio':>6}"
        f" {'P(wait): ours':>14} {'theirs':>9} {'ratio':>6}"
    )
    ratios: dict[str, list[float]] = {"required": [], "sl": [], "pwait": []}
    totals = dict.fromkeys(("required ours", "required theirs"), 0.0)
    for traffic in sweep:
        contacts = Fraction(traffic).limit_denominator(1000) * 10
        rate = ArrivalRate(contacts=contacts, per=INTERVAL)
        a = float(contacts) / 10
        e = theirs(float(contacts))
        n = ours_plan(contacts).agents
        calls = max(5, int(20_000 / (n + 10)))
        tasks: dict[str, Callable[[], object]] = {
            "required ours": lambda c=contacts: ours_plan(c),
            "required theirs": lambda e=e: e.required_positions(service_level=0.8),
            "sl ours": lambda r=rate, n=n: service_level(n, r, AHT, TARGET_TIME),
            "sl theirs": lambda e=e, n=n: e.service_level(n),
            "pwait ours": lambda a=a, n=n: erlang_c(n, a),
            "pwait theirs": lambda e=e, n=n: e.waiting_probability(n),
        }
        timed = interleave({name: repeated(task, calls) for name, task in tasks.items()}, ROUNDS)
        us = {name: timed.median(name) / calls * 1e6 for name in tasks}
        for key, values in ratios.items():
            values.append(timed.ratio(f"{key} ours", f"{key} theirs").median)
        totals["required ours"] += timed.median("required ours") / calls
        totals["required theirs"] += timed.median("required theirs") / calls
        print(
            f"   {a:>8g} {n:>5}"
            f" {us['required ours']:>15.1f} {us['required theirs']:>9.1f}"
            f" {ratios['required'][-1]:>6.2f}"
            f" {us['sl ours']:>9.1f} {us['sl theirs']:>9.1f} {ratios['sl'][-1]:>6.2f}"
            f" {us['pwait ours']:>14.1f} {us['pwait theirs']:>9.1f} {ratios['pwait'][-1]:>6.2f}"
        )
    print("   ratio servicemodel / pyworkforce over the sweep (median; min - max):")
    for key, label in (
        ("required", "required agents"),
        ("sl", "service level"),
        ("pwait", "P(wait)"),
    ):
        values = ratios[key]
        print(
            f"     {label:<16} {statistics.median(values):6.2f}  ({min(values):.2f} - {max(values):.2f})"
        )
    print(
        "   whole sweep, one required-agents call per traffic value: servicemodel "
        f"{totals['required ours'] * 1e3:.1f} ms, pyworkforce {totals['required theirs'] * 1e3:.1f} ms"
        f" (ratio {totals['required ours'] / totals['required theirs']:.3f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-traffic", type=float, default=2000.0, help="largest traffic, Erlangs"
    )
    parser.add_argument("--points", type=int, default=24, help="traffic values in the sweep")
    parser.add_argument("--quick", action="store_true", help="8 traffic values")
    args = parser.parse_args()
    if args.quick:
        args.points = 8
    top = math.log10(args.max_traffic)
    sweep = sorted({round(10 ** (top * i / (args.points - 1)), 1) for i in range(args.points)})
    print(f"pyworkforce {pyworkforce.__version__}, Python {sys.version.split()[0]}\n")
    classic()
    traps()
    speed(sweep)


if __name__ == "__main__":
    main()
