"""Benchmark: one weekly KPI report, computed several ways from the same sample data.

The report: CSAT, NPS, median and p90 first reply time in business hours
(Mon-Fri 09:00-17:00 Europe/London), FCR (one touch), by channel and ISO week
in Europe/London.

1. servicemodel batch path over DataFrames (``ReportState.add_batch``, then
   ``result()``), against
2. the pandas pipeline an analyst would write over the same DataFrames
   (vectorised, no row-wise ``apply``; business hours with
   ``numpy.busday_count`` and clipping). Both start from the same in-memory
   tables, so the batch target (no slower than pandas) is judged here.
3. servicemodel streaming the interactions and feedback from the JSONL files
   (``read_interactions`` + ``ReportState.add``), against
4. the same pandas pipeline run end to end from the same JSONL files
   (``json.loads`` per line into columns, the few event-log facts the report
   needs pulled out in the same loop, then step 2). Both start from the same
   files, so the streaming target (within 5x) is judged against this figure;
   the ratio to the in-memory pipeline is printed too.

Each pair runs interleaved over several rounds (``--rounds``, the order
alternating), timed in process CPU time, and the ratio quoted is the median
of the rounds' paired ratios, with its range (see ``benchmarks/_paired.py``).
``result()`` computes every figure of
every cell; the row objects wrapping them are built when the rows are first
read, which is timed and printed separately. Peak memory: tracemalloc peak for the vectorised
ways; for streaming, the resident set size (RSS) sampled along the stream
(tracemalloc would slow the Python loop down), which must stay flat. Finally
the numbers are checked against each other: counts exactly (CSAT, NPS, FCR),
first reply quantiles within the sketch's relative error (1 %).

Run:  PYTHONPATH=src python benchmarks/kpi.py [--count 1000000] [--rounds 3] [--workdir DIR]
      (--quick: 50,000 interactions; the full 1,000,000 takes most of an hour on a
      loaded machine, most of it writing the sample files once and streaming them.)
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
import json
import math
import tempfile
import tracemalloc
from typing import Any

import numpy as np
import pandas as pd
import pendulum
from _paired import interleave, measure, rss_mib

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


def way_stream(
    interactions_path: Path, feedback_path: Path, samples: list[float], every: int
) -> Any:
    state = ReportState(**spec())
    for index, item in enumerate(read_interactions(interactions_path)):
        state.add(item)
        if index % every == 0:
            samples.append(rss_mib())
    for item in read_feedback(feedback_path):
        if isinstance(item, NpsResponse):
            state.add(item)
    samples.append(rss_mib())
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


def way_pandas_from_jsonl(interactions_path: Path, feedback_path: Path) -> pd.DataFrame:
    """The pandas pipeline end to end: JSONL -> columns -> DataFrames -> way_pandas."""
    channel: list[str] = []
    created: list[str] = []
    first_reply: list[str | None] = []
    first_solved: list[str | None] = []
    replies: list[int] = []
    csat: list[float] = []
    loads = json.loads
    with open(interactions_path, "rb") as handle:
        for line in handle:
            record = loads(line)
            reply = solved = None
            rating = math.nan
            agent = 0
            for event in record["events"]:
                kind = event["type"]
                if kind == "message":
                    if event["author"] == "agent" and event.get("visibility") != "private":
                        agent += 1
                        if reply is None:
                            reply = event["at"]
                elif kind == "status_change":
                    if solved is None and event["status"] == "solved":
                        solved = event["at"]
                elif kind == "satisfaction":
                    rating = event["score"]
            channel.append(record["channel"])
            created.append(record["created_at"])
            first_reply.append(reply)
            first_solved.append(solved)
            replies.append(agent)
            csat.append(rating)
    when = {"utc": True, "format": "ISO8601"}
    tickets = pd.DataFrame(
        {
            "channel": pd.Categorical(channel),
            "created_at": pd.to_datetime(created, **when),
            "first_reply_at": pd.to_datetime(first_reply, **when),
            "first_solved_at": pd.to_datetime(first_solved, **when),
            "agent_replies": np.array(replies, dtype=np.int64),
            "csat": np.array(csat, dtype=np.float64),
        }
    )
    at: list[str] = []
    score: list[int] = []
    answer_channel: list[str | None] = []
    with open(feedback_path, "rb") as handle:
        for line in handle:
            record = loads(line)
            if record.get("type") == "nps":
                at.append(record["at"])
                score.append(record["score"])
                answer_channel.append(record.get("channel"))
    nps = pd.DataFrame(
        {
            "at": pd.to_datetime(at, **when),
            "nps": np.array(score, dtype=np.int64),
            "channel": pd.array(answer_channel),
        }
    )
    return way_pandas(tickets, nps)


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


def traced(label: str, run: Any) -> tuple[Any, float]:
    """Run *run* once under tracemalloc; print and return its value and peak (MB)."""
    tracemalloc.start()
    seconds, value = measure(run)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"  {label:<44} {seconds:9.2f} s CPU (traced)   peak {peak:8.1f} MB")
    return value, peak


def once(label: str, run: Any) -> Any:
    seconds, value = measure(run)
    print(f"  {label:<44} {seconds:9.2f} s CPU")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="interactions to generate")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of each pair")
    parser.add_argument("--quick", action="store_true", help="50,000 interactions")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    count = 50_000 if args.quick else args.count
    rounds = max(1, args.rounds)
    interactions_path, feedback_path = make_files(count, args.workdir)

    print(f"\n{count:,} interactions; CPU time, median of {rounds} interleaved rounds (range)")
    print(" from the JSONL files:")
    samples: list[float] = []

    def stream() -> Any:
        samples.clear()
        return way_stream(interactions_path, feedback_path, samples, max(count // 10, 1))

    streaming, files = "servicemodel streaming JSONL", "pandas pipeline end to end from JSONL"
    from_jsonl = interleave(
        {
            streaming: stream,
            files: lambda: way_pandas_from_jsonl(interactions_path, feedback_path),
        },
        rounds,
    )
    for way in (files, streaming):
        print("  " + from_jsonl.line(way, count, "interactions", base=files))
    streamed, from_files = from_jsonl.values[streaming], from_jsonl.values[files]

    tickets, nps = make_frames(interactions_path, feedback_path)
    print(" from the same in-memory DataFrames:")
    batch, batch_peak = traced("servicemodel batch", lambda: way_batch(tickets, nps))
    pandas_out, pandas_peak = traced("pandas pipeline", lambda: way_pandas(tickets, nps))
    ours, theirs = "servicemodel batch", "pandas pipeline"
    in_memory = interleave(
        {ours: lambda: way_batch(tickets, nps), theirs: lambda: way_pandas(tickets, nps)},
        max(rounds, 5),
    )
    for way in (theirs, ours):
        print("  " + in_memory.line(way, count, "interactions", base=theirs))
    state = ReportState(**spec())
    once(
        "  of which batch fill (add_batch)",
        lambda: (
            state.add_batch(tickets, only=["csat", "first_reply_time", "fcr"]),
            state.add_batch(nps, time="at", only=["nps"]),
        ),
    )
    table = once("  of which result() (the Report value)", state.result)
    # result() computes every figure (counts, exact values, intervals, quantiles); the
    # row, cell and result objects around them are built when the rows are first read.
    once("  then reading every row once (objects)", lambda: len(list(table.rows)))

    print("\nstreaming RSS along the stream (MiB):", " ".join(f"{m:.0f}" for m in samples))
    print(f"streaming RSS growth first->last sample: {samples[-1] - samples[0]:+.1f} MiB")
    print("\nratios servicemodel / pandas: median of the paired rounds (range)")
    print(
        f"  batch / pandas (same DataFrames)           {in_memory.ratio(ours, theirs)}  (target <= 1)"
    )
    print(
        f"  streaming / pandas end to end (same JSONL) {from_jsonl.ratio(streaming, files)}"
        "  (target <= 5)"
    )
    print(
        "  streaming / pandas in memory               "
        f"{from_jsonl.median(streaming) / in_memory.median(theirs):.2f}x (medians, not paired)"
    )
    print(f"  peak memory batch / pandas = {batch_peak / pandas_peak:6.2f}")

    print("\nagreement")
    failures = compare(batch, pandas_out, "batch vs pandas")
    failures += compare(streamed, pandas_out, "streaming vs pandas")
    failures += compare(streamed, from_files, "streaming vs pandas from JSONL")
    same = batch == streamed
    print(f"  batch report == streaming report: {same}")
    if failures or not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
