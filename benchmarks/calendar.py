"""Business calendar benchmark: servicemodel vs businesstime, pandas and numpy.

Run from the repository root (about a minute on a small machine):

    PYTHONPATH=src python benchmarks/calendar.py [--cases 2000] [--pairs 1000000] [--seed 7]

Everything runs in one process on the same random cases (Europe/London,
Mon-Fri 09:00-17:00, English public holidays 2023-2026; spans from a minute
to a year). It prints per-call medians and ratios for:

- ``elapsed`` vs ``businesstime.BusinessTime.businesstimedelta``;
- ``add`` vs pandas ``CustomBusinessHour`` (whole hours, its only unit);
- the floor pendulum itself sets: reading two timestamps and building one
  ``pendulum.Duration`` (for elapsed), reading one timestamp and building one
  ``pendulum.DateTime`` (for add; shown two ways);
- one-hour spans vs one-year spans;
- ``elapsed_many`` on 1,000,000 pairs vs the usual ``numpy.busday_count``
  recipe with partial-day clipping (UTC Mon-Fri 9-17 with holidays, where that
  recipe is valid);

and counts the cases where the peers disagree with us, by kind, checking a
few of each kind against the minute-stepping zoneinfo oracle.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named calendar.py: keep its folder off the path so that the standard
# library's calendar module (imported by pandas and dateutil) is the one found.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import businesstime
import numpy as np
import pandas as pd
import pendulum

from servicemodel._time import to_micros
from servicemodel.sla import BusinessCalendar, public_holidays
from servicemodel.sla._oracle import MinuteOracle

LONDON = "Europe/London"
TZ = pendulum.timezone(LONDON)
HOUR_US = 3_600_000_000
INNER = 15  # calls per timed batch


def per_call_median(fn: Callable[..., Any], cases: Sequence[tuple[Any, ...]]) -> float:
    """Median over cases of the mean time of INNER calls on that case, in microseconds."""
    samples = []
    perf = time.perf_counter
    for args in cases:
        t0 = perf()
        for _ in range(INNER):
            fn(*args)
        samples.append((perf() - t0) / INNER * 1e6)
    return statistics.median(samples)


def total_time(fn: Callable[..., Any], cases: Sequence[tuple[Any, ...]], repeat: int = 3) -> float:
    """Best of *repeat* runs over the whole case set, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for args in cases:
            fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best


def random_instant(rng: random.Random, lo: dt.datetime, hi: dt.datetime) -> pendulum.DateTime:
    span = int((hi - lo).total_seconds() // 60)
    local = lo + dt.timedelta(minutes=rng.randrange(span))
    return pendulum.instance(local.replace(tzinfo=None), tz=TZ)


def spans(rng: random.Random) -> dt.timedelta:
    """Spans from a minute to a year, log-uniform."""
    return dt.timedelta(minutes=round(10 ** rng.uniform(0, np.log10(366 * 24 * 60))))


def section(title: str) -> None:
    print(f"\n== {title}")


def row(name: str, micros: float, base: float | None = None, base_name: str = "") -> None:
    ratio = f"  ({base / micros:5.1f}x faster than {base_name})" if base else ""
    print(f"  {name:<46} {micros:9.2f} µs{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    hols = public_holidays("GB", range(2023, 2027), subdivision="ENG")
    cal = BusinessCalendar.weekly(LONDON, {"mon-fri": "09:00-17:00"}, holidays=hols)
    bt = businesstime.BusinessTime(
        business_hours=(dt.time(9), dt.time(17)), weekends=(5, 6), holidays=set(hols)
    )
    cbh = pd.offsets.CustomBusinessHour(start="09:00", end="17:00", holidays=sorted(hols))

    lo, hi = dt.datetime(2023, 1, 1), dt.datetime(2025, 12, 31)
    pairs = []
    for _ in range(args.cases):
        a = random_instant(rng, lo, hi)
        pairs.append((a, a + spans(rng)))
    naive = [(a.naive(), b.naive()) for a, b in pairs]
    adds = [(a, pendulum.duration(hours=rng.randrange(1, 2000))) for a, _ in pairs]
    pd_adds = [(pd.Timestamp(a.naive()), d.in_hours()) for a, d in adds]

    print(f"{args.cases} cases, Europe/London Mon-Fri 09:00-17:00, {len(hols)} holidays")

    section("elapsed (per-call medians)")
    ours_e = per_call_median(cal.elapsed, pairs)
    peer_e = per_call_median(bt.businesstimedelta, naive)

    def elapsed_floor(a: pendulum.DateTime, b: pendulum.DateTime) -> pendulum.Duration:
        return pendulum.Duration(microseconds=round((b.timestamp() - a.timestamp()) * 1e6))

    floor_e = per_call_median(elapsed_floor, pairs)
    row("pendulum floor (2 timestamps + 1 Duration)", floor_e)
    row("servicemodel BusinessCalendar.elapsed", ours_e, peer_e, "businesstime")
    row("businesstime businesstimedelta", peer_e)
    print(
        f"  ours / floor = {ours_e / floor_e:.2f} (target <= 2), "
        f"businesstime / ours = {peer_e / ours_e:.1f} (target >= 3)"
    )

    bands = [
        ("< 1 hour", 0, 3600),
        ("1 hour - 1 day", 3600, 86400),
        ("1 day - 1 week", 86400, 7 * 86400),
        ("1 week - 1 month", 7 * 86400, 31 * 86400),
        ("1 month - 1 year", 31 * 86400, 367 * 86400),
    ]
    print("  by span (per-call medians):  ours / businesstime")
    for name, low, high in bands:
        idx = [i for i, (a, b) in enumerate(pairs) if low <= (b - a).total_seconds() < high]
        if not idx:
            continue
        o = per_call_median(cal.elapsed, [pairs[i] for i in idx])
        p = per_call_median(bt.businesstimedelta, [naive[i] for i in idx])
        print(f"    {name:<18} {len(idx):5} cases  {o:7.2f} µs / {p:8.2f} µs  ({p / o:6.1f}x)")
    ours_total = total_time(cal.elapsed, pairs)
    peer_total = total_time(bt.businesstimedelta, naive)
    print(
        f"  whole case set: ours {ours_total * 1e3:.1f} ms, businesstime {peer_total * 1e3:.1f} ms"
        f" ({peer_total / ours_total:.1f}x; mean per call {ours_total / len(pairs) * 1e6:.2f} µs"
        f" vs {peer_total / len(pairs) * 1e6:.2f} µs)"
    )

    section("add (per-call medians)")
    ours_a = per_call_median(cal.add, adds)

    def pandas_add(ts: pd.Timestamp, n: int) -> pd.Timestamp:
        return ts + n * cbh

    peer_a = per_call_median(pandas_add, pd_adds[: max(200, args.cases // 10)])

    def add_floor_strict(a: pendulum.DateTime, _d: Any) -> pendulum.DateTime:
        ts = a.timestamp()
        return pendulum.DateTime(2024, 6, 7, 10, 0, int(ts) % 60, 0, tzinfo=TZ)

    def add_floor_pendulum(a: pendulum.DateTime, _d: Any) -> pendulum.DateTime:
        return pendulum.DateTime.fromtimestamp(a.timestamp(), TZ)

    floor_strict = per_call_median(add_floor_strict, adds)
    floor_pend = per_call_median(add_floor_pendulum, adds)
    row("floor: 1 timestamp + DateTime(fields)", floor_strict)
    row("floor: 1 timestamp + DateTime.fromtimestamp", floor_pend)
    row("servicemodel BusinessCalendar.add", ours_a, peer_a, "pandas")
    row("pandas Timestamp + n * CustomBusinessHour", peer_a)
    print(
        f"  ours / fromtimestamp floor = {ours_a / floor_pend:.2f} (target <= 2), "
        f"ours / strict floor = {ours_a / floor_strict:.2f}, pandas / ours = {peer_a / ours_a:.1f}"
        " (target >= 20)"
    )

    section("cost by span (per-call medians)")
    base = random_instant(rng, lo, dt.datetime(2024, 12, 1))
    starts = [base.add(minutes=rng.randrange(60 * 24 * 30)) for _ in range(300)]
    hour_e = per_call_median(cal.elapsed, [(s, s.add(hours=1)) for s in starts])
    year_e = per_call_median(cal.elapsed, [(s, s.add(years=1)) for s in starts])
    hour_a = per_call_median(cal.add, [(s, pendulum.duration(hours=1)) for s in starts])
    year_a = per_call_median(cal.add, [(s, pendulum.duration(hours=2000)) for s in starts])
    print(
        f"  elapsed: 1 hour {hour_e:.2f} µs, 1 year {year_e:.2f} µs, ratio {year_e / hour_e:.2f}"
        " (target <= 2)"
    )
    print(
        f"  add: 1 business hour {hour_a:.2f} µs, 2000 business hours (~1 year) {year_a:.2f} µs,"
        f" ratio {year_a / hour_a:.2f} (target <= 2)"
    )
    bt_hour = per_call_median(
        bt.businesstimedelta, [(s.naive(), s.add(hours=1).naive()) for s in starts[:100]]
    )
    bt_year = per_call_median(
        bt.businesstimedelta, [(s.naive(), s.add(years=1).naive()) for s in starts[:100]]
    )
    print(
        f"  businesstime: 1 hour {bt_hour:.2f} µs, 1 year {bt_year:.2f} µs, ratio {bt_year / bt_hour:.1f}"
    )

    section(f"elapsed_many on {args.pairs:,} pairs (UTC Mon-Fri 09:00-17:00 with holidays)")
    utc = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"}, holidays=hols)
    nrng = np.random.default_rng(args.seed)
    t0 = np.datetime64("2023-01-01T00:00", "us").astype(np.int64)
    span_us = np.int64(3 * 365 * 86_400_000_000)
    a_us = t0 + nrng.integers(0, span_us, args.pairs)
    b_us = a_us + (10 ** nrng.uniform(0, np.log10(366 * 24 * 60), args.pairs) * 60e6).astype(
        np.int64
    )
    starts_np, ends_np = a_us.astype("datetime64[us]"), b_us.astype("datetime64[us]")
    hol_days = np.array(sorted(hols), dtype="datetime64[D]")

    def recipe(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        day_us = 86_400_000_000
        nine, five = 9 * HOUR_US, 17 * HOUR_US
        s_us, e_us = starts.astype(np.int64), ends.astype(np.int64)
        s_day, e_day = starts.astype("datetime64[D]"), ends.astype("datetime64[D]")
        s_tod = s_us - s_day.astype(np.int64) * day_us
        e_tod = e_us - e_day.astype(np.int64) * day_us
        s_bus = np.is_busday(s_day, holidays=hol_days)
        e_bus = np.is_busday(e_day, holidays=hol_days)
        inner = np.busday_count(s_day + 1, e_day, holidays=hol_days).astype(np.int64)
        inner = np.maximum(inner, 0) * (five - nine)
        head = np.where(s_bus, np.clip(five - np.maximum(s_tod, nine), 0, five - nine), 0)
        tail = np.where(e_bus, np.clip(np.minimum(e_tod, five) - nine, 0, five - nine), 0)
        same = s_day == e_day
        one = np.where(
            s_bus, np.clip(np.minimum(e_tod, five) - np.maximum(s_tod, nine), 0, None), 0
        )
        return np.where(same, one, inner + head + tail)

    def best_of(fn: Callable[[], Any], n: int = 3) -> float:
        times = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    ours_many = best_of(lambda: utc.elapsed_many(starts_np, ends_np))
    recipe_t = best_of(lambda: recipe(starts_np, ends_np))
    agree = int((utc.elapsed_many(starts_np, ends_np) == recipe(starts_np, ends_np)).sum())
    print(f"  servicemodel elapsed_many       {ours_many * 1e3:8.1f} ms")
    print(
        f"  busday_count + clipping recipe  {recipe_t * 1e3:8.1f} ms  "
        f"(ours is {recipe_t / ours_many:.2f}x the recipe's speed; target >= 1)"
    )
    print(f"  results equal on {agree:,} of {args.pairs:,} pairs")
    scalar = [
        utc.elapsed_micros(int(a), int(b)) for a, b in zip(a_us[:2000], b_us[:2000], strict=True)
    ]
    print(
        f"  elapsed_many == elapsed_micros on the first 2,000: {scalar == utc.elapsed_many(starts_np[:2000], ends_np[:2000]).tolist()}"
    )

    section("disagreements (checked against the minute-stepping zoneinfo oracle)")
    disagreements(rng, cal, bt, cbh, pairs, naive, adds, pd_adds)


def disagreements(
    rng: random.Random,
    cal: BusinessCalendar,
    bt: Any,
    cbh: Any,
    pairs: list[tuple[pendulum.DateTime, pendulum.DateTime]],
    naive: list[tuple[dt.datetime, dt.datetime]],
    adds: list[tuple[pendulum.DateTime, pendulum.Duration]],
    pd_adds: list[tuple[pd.Timestamp, int]],
) -> None:
    found: dict[str, list[tuple[str, Any, Any, float, Callable[[], Any]]]] = {}

    def note(
        kind: str, case: str, ours: Any, theirs: Any, oracle: Callable[[], Any], size: float = 0
    ) -> None:
        found.setdefault(kind, []).append((case, ours, theirs, size, oracle))

    oracle = MinuteOracle(cal)
    for (a, b), (na, nb) in zip(pairs, naive, strict=True):
        ours = cal.elapsed(a, b)
        theirs = bt.businesstimedelta(na, nb)
        if ours != theirs:
            note(
                "businesstime elapsed, day schedule",
                f"{a} -> {b}",
                ours,
                theirs,
                lambda a=a, b=b: pendulum.Duration(
                    microseconds=oracle.elapsed(to_micros(a), to_micros(b))
                ),
                (b - a).total_seconds(),
            )
    for (a, d), (ts, n) in list(zip(adds, pd_adds, strict=True))[:500]:
        ours = cal.add(a, d)
        theirs = ts + n * cbh
        if ours.naive() != theirs.to_pydatetime():
            note(
                "pandas add, day schedule",
                f"{a} + {n}h",
                ours.naive(),
                theirs.to_pydatetime(),
                lambda a=a, d=d: pendulum.instance(
                    dt.datetime.fromtimestamp(
                        oracle.add(
                            to_micros(a),
                            int(d.total_seconds()) * 1_000_000,
                            limit_minutes=2_000_000,
                        )
                        / 1e6,
                        TZ,
                    )
                ).naive(),
                d.total_seconds(),
            )
    # Overnight: a 22:00-06:00 night shift (businesstime returns 0 for it).
    nights = BusinessCalendar.weekly(LONDON, {"mon-fri": "22:00-06:00"})
    night_oracle = MinuteOracle(nights)
    bt_night = businesstime.BusinessTime(business_hours=(dt.time(22), dt.time(6)), weekends=(5, 6))
    for _ in range(200):
        a = random_instant(rng, dt.datetime(2024, 1, 1), dt.datetime(2024, 12, 1))
        b = a.add(hours=rng.randrange(1, 72))
        ours = nights.elapsed(a, b)
        theirs = bt_night.businesstimedelta(a.naive(), b.naive())
        if ours != theirs:
            note(
                "businesstime elapsed, night shift",
                f"{a} -> {b}",
                ours,
                theirs,
                lambda a=a, b=b: pendulum.Duration(
                    microseconds=night_oracle.elapsed(to_micros(a), to_micros(b))
                ),
            )
    # DST: every night 00:00-06:00 in Europe/Berlin around the spring change (case 10).
    berlin = BusinessCalendar.weekly("Europe/Berlin", {"mon-sun": "00:00-06:00"})
    berlin_oracle = MinuteOracle(berlin)
    cbh_night = pd.offsets.CustomBusinessHour(
        start="00:00", end="06:00", weekmask="Mon Tue Wed Thu Fri Sat Sun"
    )
    btz = pendulum.timezone("Europe/Berlin")
    for hour in range(6):
        for n in range(1, 8):
            a = pendulum.datetime(2024, 3, 30, hour, tz=btz)
            ours = berlin.add(a, pendulum.duration(hours=n)).naive()
            theirs = (pd.Timestamp(a.naive()) + n * cbh_night).to_pydatetime()
            if ours != theirs:
                # pandas moves a deadline that falls on the 06:00 close to the next opening
                rolled = ours.time() == dt.time(6) and theirs.time() == dt.time(0)
                note(
                    "pandas add, rolls at closing time (Berlin 00-06)"
                    if rolled
                    else "pandas add, wall clock across spring-forward (Berlin 00-06)",
                    f"{a} + {n}h",
                    ours,
                    theirs,
                    lambda a=a, n=n: pendulum.instance(
                        dt.datetime.fromtimestamp(
                            berlin_oracle.add(to_micros(a), n * HOUR_US) / 1e6, btz
                        )
                    ).naive(),
                )

    for kind, items in found.items():
        # the shortest dozen up to 60 days (the oracle walks every minute)
        checked = [it for it in sorted(items, key=lambda it: it[3]) if it[3] <= 60 * 86_400][:12]
        verdicts = [
            (case, ours, theirs, oracle_fn()) for case, ours, theirs, _, oracle_fn in checked
        ]
        agree = sum(1 for _, ours, _, truth in verdicts if truth == ours)
        peer = sum(1 for _, _, theirs, truth in verdicts if truth == theirs)
        print(
            f"  {kind}: {len(items)} disagreements; of the {len(verdicts)} shortest, the oracle "
            f"agrees with us on {agree}, with the peer on {peer}"
        )
        for case, ours, theirs, truth in verdicts[:3]:
            verdict = "oracle agrees with us" if truth == ours else f"ORACLE SAYS {truth}"
            print(f"    {case}: ours {ours}, theirs {theirs}; {verdict}")
    if not found:
        print("  none")


if __name__ == "__main__":
    main()
