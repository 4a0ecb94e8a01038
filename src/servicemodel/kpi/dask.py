"""Scale-out on Dask: the same report, computed per partition and merged exactly.

Each partition folds its items into a :class:`~servicemodel.kpi.ReportState`;
the states are merged with ``ReportState.merge``, which is associative and
commutative with exact integer state, so the result is identical to the
in-process report whatever the partitioning or the scheduler. Needs the
``dask`` extra (``pip install servicemodel[dask]``).

>>> import dask.bag as db
>>> bag = db.from_sequence([5, 4, 1, 2], npartitions=2)
>>> report_bag(bag, metrics=["csat"], scheduler="sync").rows[0].cell("csat").result.value
Fraction(1, 2)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ._accumulators import Accumulator, BusinessTime
from ._clock import Period
from ._report import Report
from ._report_state import ReportState

__all__ = ["report_bag", "report_files"]


def _fold(spec: Mapping[str, Any], items: Iterable[object]) -> ReportState:
    state = ReportState(**spec)
    state.add_many(items)
    return state


def _merge_all(spec: Mapping[str, Any], states: Iterable[ReportState]) -> ReportState:
    merged = ReportState(**spec)
    for state in states:
        merged = merged.merge(state)
    return merged


def report_bag(
    bag: Any,
    *,
    metrics: Sequence[str | Accumulator[Any]],
    by: Sequence[str] = (),
    period: Period | str | None = None,
    timezone: str = "UTC",
    calendar: BusinessTime | None = None,
    scheduler: str | None = None,
    num_workers: int | None = None,
) -> Report:
    """Compute a report over a Dask bag of items by merging per-partition states.

    Arguments are those of :func:`servicemodel.kpi.report`; *scheduler*
    (``"sync"``, ``"threads"``, ``"processes"`` or a distributed client's
    default when ``None``) and *num_workers* go to ``compute``.

    Raises:
        ValidationError: the report spec is invalid (checked before any work).

    >>> import dask.bag as db
    >>> report_bag(db.from_sequence([9, 3]), metrics=["nps"], scheduler="sync").rows[0].cell(
    ...     "nps").result.value
    Fraction(0, 1)
    """
    spec: dict[str, Any] = {
        "metrics": metrics,
        "by": by,
        "period": period,
        "timezone": timezone,
        "calendar": calendar,
    }
    ReportState(**spec)  # fail fast, in this process
    reduced = bag.reduction(
        functools.partial(_fold, spec), functools.partial(_merge_all, spec), split_every=8
    )
    options: dict[str, Any] = {}
    if scheduler is not None:
        options["scheduler"] = scheduler
    if num_workers is not None:
        options["num_workers"] = num_workers
    state: ReportState = reduced.compute(**options)
    return state.result()


def report_files(
    paths: Sequence[str | Path],
    *,
    read: Callable[[Path], Iterable[object]],
    metrics: Sequence[str | Accumulator[Any]],
    by: Sequence[str] = (),
    period: Period | str | None = None,
    timezone: str = "UTC",
    calendar: BusinessTime | None = None,
    scheduler: str | None = None,
    num_workers: int | None = None,
) -> Report:
    """Compute a report over a partitioned dataset: one partition per file.

    *read* turns one path into an iterable of items, streamed (for JSONL,
    ``servicemodel.io.read_interactions``); the KPI layer does not import the
    I/O layer, so the reader is passed in.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name, scores in (("a.txt", "5 4"), ("b.txt", "1 2")):
    ...     _ = (folder / name).write_text(scores)
    >>> def read(path):
    ...     return [int(word) for word in path.read_text().split()]
    >>> table = report_files(sorted(folder.iterdir()), read=read, metrics=["csat"],
    ...                      scheduler="sync")
    >>> table.rows[0].cell("csat").result.value
    Fraction(1, 2)
    """
    import dask.bag as db

    files = [Path(p) for p in paths]
    bag = db.from_sequence(files, npartitions=max(1, len(files))).map(read).flatten()  # type: ignore[no-untyped-call]
    return report_bag(
        bag,
        metrics=metrics,
        by=by,
        period=period,
        timezone=timezone,
        calendar=calendar,
        scheduler=scheduler,
        num_workers=num_workers,
    )
