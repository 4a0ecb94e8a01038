"""Grouped KPI reports: rows per group and period, from items or from columns.

A :class:`ReportState` holds one accumulator per metric per (group, period)
cell. It is fed item by item (``add``) or with a DataFrame / dict of columns
(``add_batch``), merges with another state exactly, and reads out as a
:class:`Report` value. :func:`report` is the one-call front door.

>>> import pendulum
>>> from servicemodel import Interaction, SatisfactionResponse
>>> t = pendulum.datetime(2024, 6, 10, 9, tz="Europe/London")
>>> items = [Interaction(id=str(i), customer_id="C", channel=c, created_at=t.add(days=d),
...                      events=[SatisfactionResponse(at=t.add(days=d), score=s)])
...          for i, (c, d, s) in enumerate([("chat", 0, 5), ("chat", 1, 2), ("email", 8, 4)])]
>>> table = report(items, metrics=["csat"], by=["channel"], period="week",
...                timezone="Europe/London")
>>> [(r["channel"], r["period"], r["csat"], r["csat_n"]) for r in table.to_records()]
[('chat', '2024-06-10', 0.5, 2), ('email', '2024-06-17', 1.0, 1)]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, final

from .._log._facts import log_created_us
from .._time import to_micros, zone
from .._validators import distinct, enum_member, is_collection
from ..customers import Customer
from ..exceptions import EmptySampleError, ValidationError
from ..interactions import Interaction
from ._accumulators import Accumulator, BusinessTime
from ._catalogue import catalogue
from ._clock import Clock, Period
from ._column_readers import NAT
from ._duration_accumulator import DurationAccumulator
from ._names import KpiName
from ._report import LazyRows, Report, _pack, group_sort_key, metric_value
from ._report_batch import (
    Renamed,
    batch_length,
    cell_index,
    columns_of,
    group_codes,
    normalise_column,
    read_times,
)
from ._workforce import AgentTime

__all__ = ["ReportState", "report"]


_DIMENSIONS = ("channel", "kind", "priority", "group", "assignee", "customer_id", "segment", "tier")


def _item_time(item: object) -> int | None:
    if isinstance(item, Interaction):
        return log_created_us(item)
    if isinstance(item, Customer):
        return to_micros(item.acquired_at)
    if isinstance(item, AgentTime):
        return to_micros(item.start)
    at = getattr(item, "at", None)
    return None if at is None else to_micros(at)


def _dimension(item: object, name: str) -> str | None:
    if isinstance(item, Interaction):
        if name == "group":
            return item.group()
        if name == "assignee":
            return item.assignee()
    value = getattr(item, name, None)
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value._value_)  # the member's value, without the .value property's call
    return str(value)


@final
class ReportState:
    """The mergeable state behind a report: one accumulator per metric per (group, period).

    Feed it items (``add``) or columns (``add_batch``); ``merge`` two states
    built from any partition of the data and ``result`` gives exactly the
    report of the whole. It pickles, so it travels between processes.

    >>> state = ReportState(metrics=["nps"], by=[], period=None)
    >>> state.add(9); state.add(3)
    >>> state.result().rows[0].cell("nps").result.value
    Fraction(0, 1)
    """

    __slots__ = (
        "_by",
        "_by_problem",
        "_cells",
        "_clock",
        "_metrics",
        "_period",
        "_takers",
        "_time",
        "_timezone",
    )

    def __init__(
        self,
        *,
        metrics: Sequence[KpiName | str | Accumulator[Any]],
        by: Sequence[str] = (),
        period: Period | str | None = None,
        timezone: str = "UTC",
        calendar: BusinessTime | None = None,
        time: str = "created_at",
    ) -> None:
        self._metrics = _prototypes(metrics, calendar)
        if isinstance(by, str) or not all(isinstance(b, str) and b for b in by):
            raise ValidationError(
                f"'by' must be a list of dimension names such as ['channel'] (got {by!r})",
                field="by",
                value=by,
            )
        self._by = tuple(by)
        self._period = None if period is None else enum_member(Period, period, field="period")
        zone(timezone)  # validates the name
        if not isinstance(timezone, str):
            raise ValidationError(
                f"'timezone' must be an IANA zone name (got {timezone!r})",
                field="timezone",
                value=timezone,
            )
        self._timezone = timezone
        self._clock = Clock(self._period, timezone)
        self._time = time
        self._cells: dict[tuple[tuple[str | None, ...], int | None], list[Accumulator[Any]]] = {}
        self._prepare()

    def _prepare(self) -> None:
        """The per-item lookups, computed once: which metrics take an item type, bad dimensions."""
        self._takers: dict[type, tuple[int, ...]] = {}
        unknown = [name for name in self._by if name not in _DIMENSIONS]
        self._by_problem = unknown[0] if unknown else None

    def _like(self) -> ReportState:
        twin = object.__new__(ReportState)
        twin._metrics = self._metrics
        twin._by, twin._period, twin._timezone, twin._time = (
            self._by,
            self._period,
            self._timezone,
            self._time,
        )
        twin._clock = self._clock
        twin._cells = {}
        twin._prepare()
        return twin

    def add(self, item: object) -> None:
        """Fold one item into its row (items no metric measures are ignored).

        Raises:
            ValidationError: the report has periods and the item has no time,
                or an accumulator refuses the item.

        >>> from servicemodel import CsatResponse
        >>> import pendulum
        >>> state = ReportState(metrics=["csat"], by=["channel"])
        >>> state.add(CsatResponse(customer_id="C-1", at=pendulum.datetime(2024, 6, 10), score=5,
        ...                        channel="chat"))
        >>> state.add("not measured")  # no metric measures it: ignored
        >>> row = state.result().rows[0]
        >>> row.group, row.cell("csat").n
        (('chat',), 1)
        """
        kind = type(item)
        takers = self._takers.get(kind)
        if takers is None:
            takers = tuple(i for i, m in enumerate(self._metrics) if m.accepts(item))
            if all(type(m).accepts is Accumulator.accepts for m in self._metrics):
                self._takers[kind] = takers  # the base accepts looks at the type only
        if not takers:
            return
        period: int | None = None
        if self._period is not None:
            micros = _item_time(item)
            if micros is None:
                raise ValidationError(
                    f"'item' must carry a time to be put in a {self._period.value} "
                    f"(got {type(item).__name__} {item!r:.40})",
                    field="item",
                    value=item,
                )
            period = self._clock.key(micros)
        if self._by_problem is not None:
            raise ValidationError(
                f"'by' must name dimensions among {list(_DIMENSIONS)} for items "
                f"(got {self._by_problem!r})",
                field="by",
                value=self._by_problem,
            )
        by = self._by
        key = (tuple([_dimension(item, name) for name in by]) if by else (), period)
        row = self._cells.get(key)
        if row is None:
            row = self._cells[key] = [m.empty_like() for m in self._metrics]
        for index in takers:
            row[index]._add(item)  # accepts() already said yes: add() without asking again

    def add_many(self, items: Iterable[object]) -> None:
        """Fold every item of an iterable.

        >>> state = ReportState(metrics=["csat"]); state.add_many([5, 1])
        >>> state.result().rows[0].cell("csat").n
        2
        """
        for item in items:
            self.add(item)

    def add_batch(
        self,
        columns: Any,
        *,
        names: Mapping[str, str] | None = None,
        time: str | None = None,
        only: Sequence[str] | None = None,
    ) -> None:
        """Fold a DataFrame or dict of columns, vectorised, into the same cells.

        *names* maps canonical column names (``created_at``, ``csat``,
        ``channel``...) to the columns' actual names; *time* overrides the
        period column for this batch (``"at"`` for a table of survey answers)
        and *only* names the metrics this table feeds (the others are left
        alone, as items they do not measure are). Each row's (group, period)
        is turned into one integer cell index, and each metric then fills all
        its cells in one vectorised pass over the whole table (``bincount``
        per cell, one business-time computation for the whole column),
        giving every cell exactly the state ``add`` would give its rows.
        Everything is checked before any cell changes.

        Raises:
            ValidationError: a needed column is missing or holds bad values.

        >>> import numpy as np
        >>> state = ReportState(metrics=["csat", "nps"], period="day")
        >>> answers = {"at": np.array(["2024-06-10T09:00", "2024-06-11T09:00"],
        ...                           dtype="datetime64[us]"), "score": np.array([5.0, 2.0])}
        >>> state.add_batch(answers, names={"csat": "score"}, time="at", only=["csat"])
        >>> [(str(row.period), row.cell("csat").n, row.cell("nps").n) for row in state.result().rows]
        [('2024-06-10', 1, 0), ('2024-06-11', 1, 0)]
        """
        view = Renamed(columns, names or {})
        time_column = self._time if time is None else time
        fed = self._fed(only)
        arrays, needed = self._batch_arrays(view, columns, fed, time_column)
        size = batch_length(view, needed[0]) if needed else 0
        cells, keys = self._cells_of_rows(view, arrays, time_column, size)
        # Every metric fills all its cells in one vectorised pass, and only then is the
        # state touched, so a bad batch changes nothing.
        filled = {
            index: self._metrics[index]._batch_cells(arrays, cells, len(keys)) for index in fed
        }
        self._absorb_filled(filled, keys)

    def _fed(self, only: Sequence[str] | None) -> list[int]:
        """The indices of the metrics a batch feeds (*only*, or all), each with a batch path."""
        known = [m.name for m in self._metrics]
        if only is not None and (isinstance(only, str) or any(o not in known for o in only)):
            raise ValidationError(
                f"'only' must name metrics of this report among {known} (got {only!r})",
                field="only",
                value=only,
            )
        fed = [i for i, m in enumerate(self._metrics) if only is None or m.name in only]
        for metric in (self._metrics[i] for i in fed):
            if not metric.columns:
                raise ValidationError(
                    f"'metrics' must all have a batch path to report over columns; "
                    f"{metric.name} needs whole interactions",
                    field="metrics",
                    value=metric.name,
                )
        return fed

    def _batch_arrays(
        self, view: Renamed, columns: Any, fed: list[int], time_column: str
    ) -> tuple[dict[str, Any], list[str]]:
        """The checked numpy arrays the fed metrics (and the period) read, and every needed name."""
        needed = sorted({c for i in fed for c in self._metrics[i].columns} | set(self._by))
        if self._period is not None:
            needed = sorted({*needed, time_column})
        missing = [c for c in needed if c not in view]
        if missing:
            raise ValidationError(
                f"'columns' must include {missing} (map yours with columns={{canonical: yours}}; "
                f"got {sorted(columns_of(columns))})",
                field="columns",
                value=missing,
            )
        metric_columns = {c for i in fed for c in self._metrics[i].columns}
        if self._period is not None:
            metric_columns.add(time_column)
        arrays = {
            name: normalise_column(view, name) if name != time_column else read_times(view, name)
            for name in sorted(metric_columns)
        }
        return arrays, needed

    def _cells_of_rows(
        self, view: Renamed, arrays: dict[str, Any], time_column: str, size: int
    ) -> tuple[Any, list[tuple[tuple[str | None, ...], int | None]]]:
        """Each row's cell index, and each cell's (group, period) key.

        A row's cell is one integer: a mixed radix over the dimensions' label
        codes and the period keys.
        """
        import numpy as np

        digits: list[tuple[Any, int]] = []
        labels: list[list[str | None]] = []
        for name in self._by:
            dim_codes, dim_labels = group_codes(view, name, arrays)
            digits.append((dim_codes, max(len(dim_labels), 1)))
            labels.append(dim_labels)
        first_period = 0
        if self._period is not None:
            times = arrays[time_column].view(np.int64)
            if (times == NAT).any():
                raise ValidationError(
                    f"'{time_column}' must have a time in every row to cut periods (got NaT)",
                    field=time_column,
                    value=None,
                )
            period_keys = self._clock.keys(times)
            first_period = int(period_keys.min()) if size else 0
            last_period = int(period_keys.max()) if size else 0
            digits.append((period_keys - first_period, last_period - first_period + 1))
        cells, cell_digits = cell_index(digits, size)
        keys: list[tuple[tuple[str | None, ...], int | None]] = []
        for cell in cell_digits:
            group = tuple(labels[d][code] for d, code in enumerate(cell[: len(self._by)]))
            period = None if self._period is None else first_period + cell[-1]
            keys.append((group, period))
        return cells, keys

    def _absorb_filled(
        self,
        filled: dict[int, list[Accumulator[Any]]],
        keys: list[tuple[tuple[str | None, ...], int | None]],
    ) -> None:
        """Fold the states filled per metric (cell by cell, in *keys* order) into the rows."""
        for position, key in enumerate(keys):
            row = self._cells.get(key)
            if row is None:
                self._cells[key] = [
                    filled[index][position] if index in filled else metric.empty_like()
                    for index, metric in enumerate(self._metrics)
                ]
            else:
                for index, made in filled.items():
                    row[index]._absorb(made[position])

    def merge(self, other: ReportState) -> ReportState:
        """A new state holding both; the specs (metrics, by, period, timezone) must match.

        >>> a = ReportState(metrics=["csat"]); b = ReportState(metrics=["csat"])
        >>> a.add(5); b.add(1)
        >>> a.merge(b).result().rows[0].cell("csat").result.value
        Fraction(1, 2)
        """
        if not isinstance(other, ReportState) or self._spec() != other._spec():
            raise ValidationError(
                "'other' must be a report state with the same metrics, by, period and timezone",
                field="other",
                value=other,
            )
        merged = self._like()
        for source in (self, other):
            for key, row in source._cells.items():
                mine = merged._cells.get(key)
                merged._cells[key] = (
                    [acc.copy() for acc in row]
                    if mine is None
                    else [a.merge(b) for a, b in zip(mine, row, strict=True)]
                )
        return merged

    def rolled_up(self, by: Sequence[str] = ()) -> ReportState:
        """A new state grouped by fewer dimensions: each cell merges the cells that agree on *by*.

        Merging is exact, so the result is the state the same items give a
        report grouped by *by*: an overall report is the report by channel
        rolled up, with no second pass over the items. This state does not
        change.

        Raises:
            ValidationError: *by* is not a collection of names, names a
                dimension this state is not grouped by, or names one twice.

        >>> from servicemodel import CsatResponse
        >>> import pendulum
        >>> state = ReportState(metrics=["csat"], by=["channel"])
        >>> for channel, score in (("chat", 5), ("email", 1)):
        ...     state.add(CsatResponse(customer_id="C", at=pendulum.datetime(2024, 6, 10),
        ...                            score=score, channel=channel))
        >>> [row.cell("csat").n for row in state.rolled_up().result().rows]
        [2]
        """
        wanted = tuple(by) if is_collection(by) else None
        if wanted is None or not all(isinstance(name, str) and name in self._by for name in wanted):
            raise ValidationError(
                f"'by' must name dimensions this state is grouped by, {list(self._by)} "
                f"(got {by!r})",
                field="by",
                value=by,
            )
        distinct(wanted, field="by", what="a dimension")
        positions = [self._by.index(name) for name in wanted]
        rolled = self._like()
        rolled._by = wanted
        rolled._prepare()
        cells = rolled._cells
        for (group, period), row in self._cells.items():
            key = (tuple([group[i] for i in positions]), period)
            mine = cells.get(key)
            cells[key] = (
                [acc.copy() for acc in row]
                if mine is None
                else [a.merge(b) for a, b in zip(mine, row, strict=True)]
            )
        return rolled

    def _spec(self) -> tuple[Any, ...]:
        return (
            tuple((m.name, tuple(sorted(m.options().items(), key=str))) for m in self._metrics),
            self._by,
            self._period,
            self._timezone,
            self._time,
        )

    def result(self) -> Report:
        """The report: rows sorted by group (missing values last) then period.

        >>> ReportState(metrics=["csat"]).result().rows
        ()
        """
        rows: list[tuple[tuple[str | None, ...], int | None, tuple[Any, ...]]] = []
        group_keys: dict[tuple[str | None, ...], Any] = {}
        for (group, period), accs in sorted(
            self._cells.items(),
            key=lambda kv: (
                group_keys.get(kv[0][0])
                or group_keys.setdefault(kv[0][0], group_sort_key(kv[0][0])),
                kv[0][1] or 0,
            ),
        ):
            packed = []
            for acc in accs:
                try:
                    packed.append(_pack(acc._figures()))
                except EmptySampleError:
                    packed.append(None)
            rows.append((group, period, tuple(packed)))
        metrics = tuple(m.kpi for m in self._metrics)
        return Report(
            metrics=metrics,
            by=self._by,
            period=self._period,
            timezone=self._timezone,
            rows=LazyRows(metrics, rows),
        )

    def __getstate__(self) -> dict[str, Any]:
        return {
            "metrics": self._metrics,
            "by": self._by,
            "period": self._period,
            "timezone": self._timezone,
            "time": self._time,
            "cells": self._cells,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._metrics = state["metrics"]
        self._by, self._period = state["by"], state["period"]
        self._timezone, self._time = state["timezone"], state["time"]
        self._clock = Clock(self._period, self._timezone)
        self._cells = state["cells"]
        self._prepare()


def _prototypes(
    metrics: Sequence[KpiName | str | Accumulator[Any]], calendar: BusinessTime | None
) -> tuple[Accumulator[Any], ...]:
    if isinstance(metrics, str) or not metrics:
        raise ValidationError(
            f"'metrics' must be a non-empty list of KPI names or accumulators (got {metrics!r})",
            field="metrics",
            value=metrics,
        )
    known = {name.value: cls for name, cls in catalogue().items()}
    made: list[Accumulator[Any]] = []
    for metric in metrics:
        if isinstance(metric, Accumulator):
            made.append(metric.empty_like())
        elif isinstance(metric, (str, KpiName)) and metric_value(metric) in known:
            cls = known[metric_value(metric)]
            if calendar is not None and issubclass(cls, DurationAccumulator):
                made.append(cls.empty(calendar=calendar))
            else:
                try:
                    made.append(cls.empty())
                except TypeError:
                    raise ValidationError(
                        f"'metrics' entry {metric!r} needs options; pass an accumulator such "
                        f"as {cls.__name__}.empty(...)",
                        field="metrics",
                        value=metric,
                    ) from None
        else:
            raise ValidationError(
                f"'metrics' must hold KPI names among {sorted(known)} or accumulators "
                f"(got {metric!r})",
                field="metrics",
                value=metric,
            )
    distinct((m.name for m in made), field="metrics", what="a KPI")
    return tuple(made)


def report(
    data: Any,
    *,
    metrics: Sequence[KpiName | str | Accumulator[Any]],
    by: Sequence[str] = (),
    period: Period | str | None = None,
    timezone: str = "UTC",
    calendar: BusinessTime | None = None,
    columns: Mapping[str, str] | None = None,
    time: str = "created_at",
) -> Report:
    """Compute KPIs grouped by dimensions and by period.

    *data* is an iterable of items (interactions, feedback, customers...) or
    a DataFrame / dict of columns (then *columns* maps canonical names to
    yours). Metrics are KPI names (defaults, with *calendar* applied to the
    time KPIs) or accumulators carrying their options. *period* cuts time by
    ``day``, ``week`` (Monday start) or ``month`` in *timezone*, on the
    item's time (an interaction's ``created_at``; the *time* column for
    DataFrames).

    Raises:
        ValidationError: unknown metric or dimension, missing column, bad value.

    >>> import numpy as np
    >>> cols = {"opened": np.array(["2024-06-10T09:00", "2024-06-11T09:00"], dtype="datetime64[us]"),
    ...         "csat": np.array([5.0, 1.0]), "channel": np.array(["chat", "chat"], dtype=object)}
    >>> table = report(cols, metrics=["csat"], by=["channel"], period="week",
    ...                columns={"created_at": "opened"})
    >>> table.rows[0].cell("csat").result.value
    Fraction(1, 2)
    """
    state = ReportState(
        metrics=metrics, by=by, period=period, timezone=timezone, calendar=calendar, time=time
    )
    if isinstance(data, Mapping) or (hasattr(data, "columns") and hasattr(data, "iloc")):
        state.add_batch(data, names=columns)
    else:
        state.add_many(data)
    return state.result()
