"""Dask: per-partition states merged on the local multi-process scheduler equal in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dask.bag as db
import pendulum

from servicemodel.io import read_interactions, write_interactions
from servicemodel.kpi import FirstReplyTime, report
from servicemodel.kpi.dask import report_bag, report_files
from servicemodel.samples import generate
from servicemodel.sla import BusinessCalendar

START = pendulum.datetime(2024, 6, 3, tz="Europe/London")
CALENDAR = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})


def spec() -> dict[str, Any]:
    return {
        "metrics": [
            "csat",
            FirstReplyTime.empty(calendar=CALENDAR, exact_limit=20, percentiles=[0.5, 0.9]),
            "fcr",
            "channel_mix",
            "reopen_rate",
        ],
        "by": ["channel"],
        "period": "week",
        "timezone": "Europe/London",
    }


def test_partitioned_jsonl_on_two_worker_processes_equals_in_process(tmp_path: Path) -> None:
    items = list(generate(600, seed=11, start=START))
    paths = []
    for index, begin in enumerate(range(0, 600, 200)):
        path = tmp_path / f"part-{index}.jsonl"
        write_interactions(items[begin : begin + 200], path)
        paths.append(path)
    in_process = report(items, **spec())
    on_dask = report_files(
        paths, read=read_interactions, scheduler="processes", num_workers=2, **spec()
    )
    assert on_dask == in_process
    assert any(row.cell("first_reply_time").result is not None for row in on_dask.rows)


def test_bag_with_many_partitions_equals_one_pass() -> None:
    items = list(generate(300, seed=5, start=START))
    bag = db.from_sequence(items, npartitions=7)  # type: ignore[no-untyped-call]
    assert report_bag(bag, scheduler="threads", **spec()) == report(items, **spec())
