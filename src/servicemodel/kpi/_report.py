"""A grouped KPI report as a value: rows per group and period, each a cell per metric.

A :class:`Report` is what a :class:`~servicemodel.kpi.ReportState` reads out:
its rows are built on first read, and it exports to records, pandas, HTML
and a chart.

>>> from servicemodel.kpi import report
>>> table = report([5, 4, 1], metrics=["csat"])
>>> table.rows[0].cell("csat").result.value, table.to_records()[0]["csat_n"]
(Fraction(2, 3), 3)
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any, final

import attrs
import pendulum

from .._validators import is_collection
from ..exceptions import ValidationError
from ._clock import Clock, Period
from ._contacts import Mix
from ._duration_stats import DurationStats, duration_stats_from_figures
from ._names import KpiName
from ._stats import (
    NET_FIGURES,
    RATE_FIGURES,
    Count,
    Mean,
    Net,
    Rate,
    Ratio,
    net_from_figures,
    net_to_figures,
    rate_from_figures,
    rate_to_figures,
)

__all__ = ["Cell", "Report", "ReportRow"]


def _kpi_name(value: object) -> KpiName:
    return value if type(value) is KpiName else KpiName.of(value, field="metric")


def _kpi_names(value: object) -> tuple[KpiName, ...]:
    if not is_collection(value):
        raise ValidationError(
            f"'metrics' must be a list of KPI names (got {value!r})", field="metrics", value=value
        )
    return tuple(
        m if type(m) is KpiName else KpiName.of(m, field=f"metrics[{i}]")
        for i, m in enumerate(value)
    )


@final
@attrs.frozen(kw_only=True)
class Cell:
    """One metric in one row: its result, or ``None`` (missing) with n = 0 when undefined.

    ``metric`` is a :class:`KpiName` (its string is accepted; a misspelt one is refused).

    >>> Cell(metric="csat", result=None, n=0).missing()
    True
    """

    metric: KpiName = attrs.field(converter=_kpi_name)
    result: Rate | Net | Mean | Ratio | Count | DurationStats | Mix | None
    n: int

    def missing(self) -> bool:
        """True when the metric is undefined for this row (an empty sample).

        >>> Cell(metric="nps", result=None, n=0).missing()
        True
        """
        return self.result is None


@final
@attrs.frozen(kw_only=True)
class ReportRow:
    """One group in one period: the group's dimension values and one cell per metric.

    >>> ReportRow(group=("chat",), period=None, cells=()).group
    ('chat',)
    """

    group: tuple[str | None, ...]
    period: pendulum.Date | None
    cells: tuple[Cell, ...]

    def cell(self, metric: KpiName | str) -> Cell:
        """The cell of *metric* (a KPI name, or an accumulator's name).

        Raises:
            ValidationError: the report has no such metric.

        >>> ReportRow(group=(), period=None, cells=()).cell("csat")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'metric' must be one of [] (got 'csat')
        """
        wanted = metric_value(metric)
        for cell in self.cells:
            if cell.metric.value == wanted:
                return cell
        raise ValidationError(
            f"'metric' must be one of {[c.metric.value for c in self.cells]} (got {metric!r})",
            field="metric",
            value=metric,
        )


def _seconds(value: pendulum.Duration) -> float:
    return value.total_seconds()


def _flatten(metric: str, result: object) -> dict[str, Any]:
    if result is None:
        return {metric: None}
    if isinstance(result, Rate | Net | Mean):
        return {
            metric: float(result.value),
            f"{metric}_low": result.interval.low,
            f"{metric}_high": result.interval.high,
        }
    if isinstance(result, DurationStats):
        out: dict[str, Any] = {
            f"{metric}_mean": result._mean_micros / 1_000_000,
            f"{metric}_median": result._median_micros / 1_000_000,
        }
        for q, micros in result._percentile_micros:
            out[f"{metric}_p{_percent_label(q)}"] = micros / 1_000_000
        return out
    if isinstance(result, Mix):
        return {
            f"{metric}_{label}": float(Fraction(count, result.n)) for label, count in result.counts
        }
    if isinstance(result, Ratio | Count):
        return {metric: float(result.value)}
    return {metric: result}  # pragma: no cover - every result type is handled above


def _percent_label(q: Fraction) -> str:
    hundred = q * 100
    return str(hundred.numerator) if hundred.denominator == 1 else f"{float(hundred):g}"


class LazyRows(Sequence[ReportRow]):
    """A report's rows, built on first read from the figures ``ReportState.result`` computed.

    Every figure (counts, exact values, interval bounds, quantiles) is
    computed by ``result()`` and kept as plain numbers with each row's group
    and period key; only the row, cell, date and result objects wrapping them
    wait until the rows are read. Equal, hashed,
    shown and pickled as the tuple of rows it stands for.
    """

    __slots__ = ("_figures", "_metrics", "_rows")

    def __init__(
        self,
        metrics: tuple[KpiName, ...],
        figures: list[tuple[tuple[str | None, ...], int | None, tuple[Any, ...]]],
    ) -> None:
        self._metrics = metrics
        self._figures: list[tuple[tuple[str | None, ...], int | None, tuple[Any, ...]]] | None = (
            figures
        )
        self._rows: tuple[ReportRow, ...] | None = None

    def _all(self) -> tuple[ReportRow, ...]:
        figures = self._figures  # read first: another thread may finish the rows meanwhile
        rows = self._rows
        if rows is None:
            metrics = self._metrics
            built = []
            labels: dict[int, pendulum.Date] = {}  # many groups share each period's label
            for group, key, packed in figures or ():
                period = None
                if key is not None:
                    period = labels.get(key)
                    if period is None:
                        period = labels[key] = Clock.label(key)
                cells = []
                for metric, figures in zip(metrics, packed, strict=True):
                    result = _unpack(figures)
                    cells.append(
                        Cell(metric=metric, result=result, n=0 if result is None else result.n)
                    )
                built.append(ReportRow(group=group, period=period, cells=tuple(cells)))
            rows = self._rows = tuple(built)
            self._figures = None
        return rows

    def __getitem__(self, index: Any) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[ReportRow]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyRows):
            other = other._all()
        return isinstance(other, tuple) and self._all() == other

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self._all(),))


def _as_rows(rows: Iterable[ReportRow]) -> Sequence[ReportRow]:
    return rows if isinstance(rows, LazyRows) else tuple(rows)


def _pack(result: object) -> Any:
    """A result as a tuple of plain numbers (which the collector stops tracking), or itself.

    The common result types of a report (rates, net scores, duration
    summaries) are flattened so that a report of thousands of cells does not
    keep thousands of tracked objects alive until its rows are read; the KPIs
    that give their figures directly (``_figures``) are already flat.
    """
    if type(result) is tuple:
        return result
    if type(result) is Rate:
        return rate_to_figures(result)
    if type(result) is Net:
        return net_to_figures(result)
    return result


def _unpack(figures: Any) -> Any:
    """The result whose figures :func:`_pack` (or a KPI's ``_figures``) gave."""
    if type(figures) is not tuple:
        return figures
    kind = figures[0]
    if kind == RATE_FIGURES:
        return rate_from_figures(figures)
    if kind == NET_FIGURES:
        return net_from_figures(figures)
    return duration_stats_from_figures(figures)


@final
@attrs.frozen(kw_only=True)
class Report:
    """A KPI table: rows per group and period, each with one cell per metric.

    Export with :meth:`to_records`, :meth:`to_pandas` (extra ``pandas``),
    view in a notebook (``_repr_html_``) or draw a trend with :meth:`plot`
    (extra ``plot``). Missing cells (empty samples) export as ``None`` with
    n = 0. ``metrics`` are :class:`KpiName` values (their strings are accepted).

    >>> Report(metrics=("csat",), by=(), period=None, timezone="UTC", rows=()).to_records()
    []
    """

    metrics: tuple[KpiName, ...] = attrs.field(converter=_kpi_names)
    by: tuple[str, ...]
    period: Period | None
    timezone: str
    rows: Sequence[ReportRow] = attrs.field(converter=_as_rows)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per row: dimensions, ``period`` (ISO date), and per metric its
        value (float), ``_low``/``_high`` interval, ``_n``; durations in seconds as
        ``_mean``, ``_median``, ``_p90``...; mixes as one share per label.

        >>> Report(metrics=(), by=(), period=None, timezone="UTC", rows=(
        ...     ReportRow(group=(), period=None, cells=()),)).to_records()
        [{'period': None}]
        """
        records = []
        for row in self.rows:
            record: dict[str, Any] = dict(zip(self.by, row.group, strict=True))
            record["period"] = None if row.period is None else row.period.isoformat()
            for cell in row.cells:
                record.update(_flatten(cell.metric.value, cell.result))
                record[f"{cell.metric.value}_n"] = cell.n
            records.append(record)
        return records

    def to_pandas(self) -> Any:
        """The records as a pandas DataFrame (needs the ``pandas`` extra).

        ``period`` is a date column (``datetime64``, the period's first day) and
        every duration column a ``timedelta64`` column, so they sort, plot and
        compute as what they are.

        >>> Report(metrics=(), by=(), period=None, timezone="UTC", rows=()).to_pandas().shape
        (0, 0)
        """
        import pandas as pd

        frame = pd.DataFrame.from_records(self.to_records())
        if "period" in frame and frame["period"].notna().any():
            frame["period"] = pd.to_datetime(frame["period"])
        durations = {
            column
            for row in self.rows
            for cell in row.cells
            if isinstance(cell.result, DurationStats)
            for column in _flatten(cell.metric.value, cell.result)
        }
        for column in sorted(durations):
            # Seconds came from whole microseconds: round back to them exactly.
            frame[column] = pd.to_timedelta(frame[column], unit="s").dt.round("us")
        return frame

    def _repr_html_(self) -> str:
        head = [*self.by, "period", *(m.value for m in self.metrics)]
        lines = [
            "<table>",
            "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr></thead>",
            "<tbody>",
        ]
        for row in self.rows:
            cells = [html.escape(str(v)) if v is not None else "—" for v in row.group]
            cells.append("—" if row.period is None else row.period.isoformat())
            cells.extend(html.escape(_show(c)) for c in row.cells)
            lines.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        lines.extend(["</tbody>", "</table>"])
        return "\n".join(lines)

    def plot(self, metric: KpiName | str, *, ax: Any = None) -> Any:
        """Draw *metric* over the periods, one line per group, with its interval band.

        Durations draw the median (no band). Needs the ``plot`` extra
        (matplotlib); returns the Axes.

        Raises:
            ValidationError: the metric is not in the report, or the report has no periods.

        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from servicemodel.kpi import report
        >>> cols = {"created_at": np.array(["2024-06-10T09:00", "2024-06-11T09:00",
        ...                                 "2024-06-18T09:00"], dtype="datetime64[us]"),
        ...         "csat": np.array([5.0, 1.0, 4.0]),
        ...         "channel": np.array(["chat", "email", "chat"], dtype=object)}
        >>> ax = report(cols, metrics=["csat"], by=["channel"], period="week").plot("csat")
        >>> len(ax.lines), ax.get_ylabel()  # one line per channel
        (2, 'csat')
        """
        name = metric_value(metric)
        if name not in [m.value for m in self.metrics]:
            raise ValidationError(
                f"'metric' must be one of {[m.value for m in self.metrics]} (got {metric!r})",
                field="metric",
                value=metric,
            )
        if self.period is None:
            raise ValidationError(
                "'period' must be set to plot a trend (got None); run the report with period='week'",
                field="period",
                value=None,
            )
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        series: dict[
            tuple[str | None, ...], list[tuple[Any, float, float | None, float | None]]
        ] = {}
        for row in self.rows:
            result = row.cell(metric).result
            if result is None or row.period is None:
                continue
            when = _dt.date(row.period.year, row.period.month, row.period.day)
            point: tuple[Any, float, float | None, float | None]
            if isinstance(result, DurationStats):
                point = (when, _seconds(result.median), None, None)
            elif isinstance(result, Rate | Net | Mean):
                point = (when, float(result.value), result.interval.low, result.interval.high)
            elif isinstance(result, Ratio | Count):
                point = (when, float(result.value), None, None)
            else:
                continue
            series.setdefault(row.group, []).append(point)
        for group, points in sorted(series.items(), key=lambda kv: group_sort_key(kv[0])):
            label = " / ".join("—" if g is None else g for g in group) or name
            xs = [p[0] for p in points]
            (line,) = ax.plot(xs, [p[1] for p in points], marker="o", label=label)
            if all(p[2] is not None for p in points):
                ax.fill_between(
                    xs,
                    [p[2] for p in points],
                    [p[3] for p in points],
                    alpha=0.2,
                    color=line.get_color(),
                )
        ax.set_xlabel(self.period.value)
        ax.set_ylabel(name)
        if series:
            ax.legend()
        return ax


def _show(cell: Cell) -> str:
    result = cell.result
    if result is None:
        return "— (n = 0)"
    if isinstance(result, Rate):
        return f"{float(result.value):.1%} [{result.interval.low:.1%}, {result.interval.high:.1%}] n={result.n}"
    if isinstance(result, Net | Mean):
        return f"{float(result.value):.2f} [{result.interval.low:.2f}, {result.interval.high:.2f}] n={result.n}"
    if isinstance(result, DurationStats):
        return f"median {result.median.in_words()} (n={result.count})"
    if isinstance(result, Mix):
        top = ", ".join(f"{label} {float(rate.value):.0%}" for label, rate in result.top(3))
        return f"{top} (n={result.n})"
    return f"{float(result.value):g} (n={cell.n})"


def group_sort_key(group: tuple[str | None, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((g is None, g or "") for g in group)


def metric_value(metric: str | KpiName) -> str:
    return metric.value if isinstance(metric, KpiName) else metric
