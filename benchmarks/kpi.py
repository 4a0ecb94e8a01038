"""Benchmark: one weekly KPI report, three ways, from the same sample data.

The report: CSAT, NPS, median and p90 first reply time in business hours
(Mon-Fri 09:00-17:00 Europe/London), FCR (one touch), by channel and ISO week
in Europe/London.

1. servicemodel batch path over DataFrames (``ReportState.add_batch``);
2. servicemodel streaming the interactions and feedback from JSONL files;
3. the pandas pipeline an analyst would write (vectorised, no row-wise
   ``apply``; business hours with ``numpy.busday_count`` and clipping).

Peak memory: tracemalloc peak for the two vectorised ways; for streaming, the
resident set size (RSS) sampled along the stream (tracemalloc would slow the
Python loop down), which must stay flat. Finally the numbers are checked
against each other: counts exactly (CSAT, NPS, FCR), first reply quantiles
within the sketch's relative error (1 %).

Run:  PYTHONPATH=src python benchmarks/kpi.py [--count 1000000] [--workdir DIR]
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
import math
import tempfile
import time
import tracemalloc
from typing import Any

import numpy as np
import pandas as pd
import pendulum

from servicemodel import NpsResponse
from servicemodel._time import to_micros
from servicemodel.io import read_feedback, read_interactions, write_feedback, write_interactions
from servicemodel.kpi import FirstReplyTime, ReportState, interaction_columns
from servicemodel.samples import feedback, generate
from servicemodel.sla import BusinessCalendar

TZ = "Europe/London"
START = pendulum.datetime(2024, 1, 1, tz=TZ)
CALENDAR = BusinessCalendar.weekly(TZ, {"mon-fri": "09:00-17:00"})
SEED = 20240601
CHUNK = 50_000


def spec() -> dict[str, Any]:
    return {
        "metrics": [
            "csat",
            "nps",
            FirstReplyTime.empty(calendar=CALENDAR, percentiles=[0.5, 0.9]),
            "fcr",
        ],
        "by": ["channel"],
        "period": "week",
        "timezone": TZ,
    }


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * 4096 / 2**20


# ----------------------------------------------------------------------- the data


def make_files(count: int, folder: Path) -> tuple[Path, Path]:
    interactions_path = folder / f"interactions-{count}.jsonl"
    feedback_path = folder / f"feedback-{count}.jsonl"
    if not interactions_path.exists() or not feedback_path.exists():
        written = write_interactions(generate(count, seed=SEED, start=START), interactions_path)
        answers = feedback(read_interactions(interactions_path), seed=SEED)
        write_feedback((a for a in answers if isinstance(a, NpsResponse)), feedback_path)
        print(f"wrote {written:,} interactions to {interactions_path}")
    return interactions_path, feedback_path


def make_frames(interactions_path: Path, feedback_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the files once into the tables an analyst would have (not timed)."""
    parts = []
    batch: list[Any] = []
    for item in read_interactions(interactions_path):
        batch.append(item)
        if len(batch) == CHUNK:
            parts.append(_frame(interaction_columns(batch)))
            batch = []
    if batch:
        parts.append(_frame(interaction_columns(batch)))
    tickets = pd.concat(parts, ignore_index=True)
    answers = [a for a in read_feedback(feedback_path) if isinstance(a, NpsResponse)]
    nps = pd.DataFrame(
        {
            "at": pd.to_datetime(
                np.array([to_micros(a.at) for a in answers], dtype=np.int64), unit="us", utc=True
            ),
            "nps": np.array([a.score for a in answers], dtype=np.int64),
            "channel": pd.array([None if a.channel is None else a.channel.value for a in answers]),
        }
    )
    return tickets, nps


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    keep = ["channel", "created_at", "first_reply_at", "first_solved_at", "agent_replies", "csat"]
    frame = pd.DataFrame({k: columns[k] for k in keep})
    for name in ("created_at", "first_reply_at", "first_solved_at"):
        frame[name] = frame[name].dt.tz_localize("UTC")
    frame["channel"] = frame["channel"].astype("category")
    return frame


# ------------------------------------------------------------------------ three ways


def way_batch(tickets: pd.DataFrame, nps: pd.DataFrame) -> Any:
    state = ReportState(**spec())
    state.add_batch(tickets, only=["csat", "first_reply_time", "fcr"])
    state.add_batch(nps, time="at", only=["nps"])
    return state.result()


def way_stream(interactions_path: Path, feedback_path: Path, samples: list[float]) -> Any:
    state = ReportState(**spec())
    for index, item in enumerate(read_interactions(interactions_path)):
        state.add(item)
        if index % 100_000 == 0:
            samples.append(rss_mb())
    for item in read_feedback(feedback_path):
        if isinstance(item, NpsResponse):
            state.add(item)
    samples.append(rss_mb())
    return state.result()


HOUR = np.timedelta64(3600, "s").astype("timedelta64[us]")
OPEN, CLOSE = 9 * HOUR, 17 * HOUR


def business_elapsed(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Mon-Fri 09:00-17:00 local business microseconds, vectorised with busday_count."""
    s = start.dt.tz_convert(TZ).dt.tz_localize(None).to_numpy().astype("datetime64[us]")
    e = end.dt.tz_convert(TZ).dt.tz_localize(None).to_numpy().astype("datetime64[us]")
    s_day, e_day = s.astype("datetime64[D]"), e.astype("datetime64[D]")
    s_tod = np.clip(s - s_day, OPEN, CLOSE) - OPEN
    e_tod = np.clip(e - e_day, OPEN, CLOSE) - OPEN
    days = np.busday_count(s_day, e_day)
    total = days * (CLOSE - OPEN)
    total = (
        total - np.where(np.is_busday(s_day), s_tod, 0) + np.where(np.is_busday(e_day), e_tod, 0)
    )
    return total.astype("timedelta64[us]").astype(np.int64)


def way_pandas(tickets: pd.DataFrame, nps: pd.DataFrame) -> pd.DataFrame:
    week = tickets["created_at"].dt.tz_convert(TZ).dt.tz_localize(None).dt.to_period("W-SUN")
    frame = pd.DataFrame(
        {
            "channel": tickets["channel"],
            "week": week.dt.start_time,
            "rated": tickets["csat"].notna(),
            "happy": tickets["csat"] >= 4,
            "solved": tickets["first_solved_at"].notna(),
        }
    )
    frame["one_touch"] = frame["solved"] & (tickets["agent_replies"] <= 1)
    replied = tickets["first_reply_at"].notna()
    frt = pd.Series(np.nan, index=tickets.index)
    frt[replied] = (
        business_elapsed(tickets.loc[replied, "created_at"], tickets.loc[replied, "first_reply_at"])
        / 1e6
    )
    frame["frt"] = frt
    groups = frame.groupby(["channel", "week"], observed=True)
    sums = groups[["rated", "happy", "solved", "one_touch"]].sum()
    out = pd.DataFrame(
        {
            "csat": sums["happy"] / sums["rated"],
            "csat_n": sums["rated"],
            "fcr": sums["one_touch"] / sums["solved"],
            "fcr_n": sums["solved"],
            "frt_median": groups["frt"].median(),
            "frt_p90": groups["frt"].quantile(0.9),
            "frt_n": groups["frt"].count(),
        }
    )
    n_week = nps["at"].dt.tz_convert(TZ).dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time
    scores = pd.DataFrame(
        {
            "channel": nps["channel"],
            "week": n_week,
            "promoter": nps["nps"] >= 9,
            "detractor": nps["nps"] <= 6,
        }
    )
    shares = scores.groupby(["channel", "week"]).agg(
        promoters=("promoter", "mean"), detractors=("detractor", "mean"), nps_n=("promoter", "size")
    )
    out = out.join(100 * (shares["promoters"] - shares["detractors"]).rename("nps"), how="outer")
    return out.join(shares["nps_n"], how="outer")


# ------------------------------------------------------------------------- checking


def compare(ours: Any, theirs: pd.DataFrame, label: str) -> int:
    records = {(r["channel"], r["period"]): r for r in ours.to_records()}
    problems = 0
    for (channel, week), row in theirs.iterrows():
        mine = records.get((str(channel), week.date().isoformat()))
        if mine is None:
            problems += 1
            continue
        for name in ("csat", "fcr", "nps"):
            a, b = mine.get(name), row[name]
            their_missing = b is None or (isinstance(b, float) and math.isnan(b))
            if (a is None) != their_missing or (a is not None and abs(a - b) > 1e-9):
                problems += 1
        for mine_name, their_name in (
            ("first_reply_time_p50", "frt_median"),
            ("first_reply_time_p90", "frt_p90"),
        ):
            a, b = mine.get(mine_name), row[their_name]
            if a is None or math.isnan(b):
                problems += (a is None) != math.isnan(b)
            elif abs(a - b) > 0.01 * b + 1e-6:
                problems += 1
    print(f"  {label}: {len(theirs):,} groups compared, {problems} disagreements")
    return problems


def timed(label: str, run: Any, *, trace: bool) -> tuple[Any, float, float]:
    gc.collect()
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    value = run()
    seconds = time.perf_counter() - began
    peak = 0.0
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    print(f"  {label:<34} {seconds:9.2f} s" + (f"   peak {peak:8.1f} MB" if trace else ""))
    return value, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    interactions_path, feedback_path = make_files(args.count, args.workdir)

    print(f"\n{args.count:,} interactions; times (lower is better)")
    samples: list[float] = []
    streamed, stream_s, _ = timed(
        "servicemodel streaming JSONL",
        lambda: way_stream(interactions_path, feedback_path, samples),
        trace=False,
    )
    tickets, nps = make_frames(interactions_path, feedback_path)
    batch, _, batch_peak = timed(
        "servicemodel batch (DataFrame)", lambda: way_batch(tickets, nps), trace=True
    )
    pandas_out, _, pandas_peak = timed(
        "pandas pipeline", lambda: way_pandas(tickets, nps), trace=True
    )
    _, batch_s2, _ = timed(
        "servicemodel batch (untraced)", lambda: way_batch(tickets, nps), trace=False
    )
    _, pandas_s2, _ = timed(
        "pandas pipeline (untraced)", lambda: way_pandas(tickets, nps), trace=False
    )

    print("\nstreaming RSS along the stream (MB):", " ".join(f"{m:.0f}" for m in samples))
    print(f"streaming RSS growth first->last sample: {samples[-1] - samples[0]:+.1f} MB")
    print("\nratios (servicemodel / pandas, untraced)")
    print(f"  batch / pandas     = {batch_s2 / pandas_s2:6.2f}   (target <= 1)")
    print(f"  streaming / pandas = {stream_s / pandas_s2:6.2f}   (target <= 5)")
    print(f"  peak memory batch / pandas = {batch_peak / pandas_peak:6.2f}")

    print("\nagreement")
    failures = compare(batch, pandas_out, "batch vs pandas")
    failures += compare(streamed, pandas_out, "streaming vs pandas")
    same = batch == streamed
    print(f"  batch report == streaming report: {same}")
    if failures or not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
