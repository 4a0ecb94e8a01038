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

import datetime as _dt
import enum
import functools
import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, final
from zoneinfo import ZoneInfo

import attrs
import pendulum

from .._time import to_micros, zone
from .._validators import enum_member
from ..customers import Customer
from ..exceptions import EmptySampleError, ValidationError
from ..interactions import Interaction
from ._accumulators import (
    NAT,
    Accumulator,
    BusinessTime,
    DurationAccumulator,
    DurationStats,
    duration_stats_from_figures,
)
from ._accumulators import registry as _registry
from ._catalogue import AgentTime, Mix
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

__all__ = ["Cell", "Period", "Report", "ReportRow", "ReportState", "report"]


class Period(enum.Enum):
    """How a report cuts time: by local day, ISO week (Monday start) or calendar month.

    >>> Period("week")
    <Period.WEEK: 'week'>
    """

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


_DAY_US = 86_400_000_000
_CACHE_LIMIT = 1 << 16  # slots remembered per clock (about two years of 15-minute slots)
_SLOT_US = 900_000_000  # zone offsets are read per 15-minute UTC slot
_DIMENSIONS = ("channel", "kind", "priority", "group", "assignee", "customer_id", "segment", "tier")
_EPOCH = _dt.date(1970, 1, 1)


class _Clock:
    """Local period keys (days since the epoch of the period's first day) in one zone."""

    def __init__(self, period: Period | None, timezone: str) -> None:
        self.period = period
        self.zone = ZoneInfo(timezone)
        self._offsets: dict[int, int] = {}
        self._keys: dict[int, int] = {}

    def _offset(self, slot: int) -> int:
        cached = self._offsets.get(slot)
        if cached is None:
            if len(self._offsets) >= _CACHE_LIMIT:
                self._offsets.clear()
            instant = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(
                microseconds=slot * _SLOT_US
            )
            delta = instant.astimezone(self.zone).utcoffset() or _dt.timedelta()
            cached = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
            self._offsets[slot] = cached
        return cached

    def _slot_offsets(self, slots: Any) -> Any:
        """Offsets of sorted unique slots; per UTC day unless the day holds a transition.

        The offset at a slot is what :meth:`_offset` gives; a day whose start
        and next start share an offset takes it for all its slots, so only
        transition days are read slot by slot.
        """
        import numpy as np

        per_day = 86_400_000_000 // _SLOT_US
        days = slots // per_day
        unique_days, day_index = np.unique(days, return_inverse=True)
        starts = np.array([self._offset(int(d) * per_day) for d in unique_days.tolist()])
        ends = np.array([self._offset((int(d) + 1) * per_day) for d in unique_days.tolist()])
        offsets = starts[day_index].astype(np.int64)
        changing = (starts != ends)[day_index]
        for position in np.flatnonzero(changing).tolist():
            offsets[position] = self._offset(int(slots[position]))
        return offsets

    def key(self, micros: int) -> int:
        slot = micros // _SLOT_US
        cached = self._keys.get(slot)
        if cached is not None:
            return cached
        offset = self._offset(slot)
        day = (micros + offset) // _DAY_US
        if self.period is Period.WEEK:
            key = day - (day + 3) % 7
        elif self.period is Period.MONTH:
            date = _EPOCH + _dt.timedelta(days=day)
            key = (date.replace(day=1) - _EPOCH).days
        else:
            key = day
        if offset % _SLOT_US == 0:
            # The slot then maps onto one local 15-minute slot, inside one local day:
            # every instant of it has this key.
            if len(self._keys) >= _CACHE_LIMIT:
                self._keys.clear()
            self._keys[slot] = key
        return key

    def keys(self, micros: Any) -> Any:
        import numpy as np

        days = micros // _DAY_US  # UTC days
        low = int(days.min()) if days.size else 0
        high = int(days.max()) if days.size else -1
        if high - low < max(days.size // 16, 1 << 10):
            # The offset at every UTC midnight the batch spans (one read per day, each
            # day's end is the next day's start), and slot by slot only on the days
            # whose start and end offsets differ (a transition day).
            per_day = 86_400_000_000 // _SLOT_US
            bounds = np.array(
                [self._offset(d * per_day) for d in range(low, high + 2)], dtype=np.int64
            )
            index = days - low
            offsets = bounds[:-1][index]
            transitions = bounds[:-1] != bounds[1:]
            if transitions.any():
                rows = np.flatnonzero(transitions[index])
                offsets[rows] = self._slot_offsets_of(micros[rows] // _SLOT_US)
        else:
            offsets = self._slot_offsets_of(micros // _SLOT_US)
        day = (micros + offsets) // _DAY_US
        if self.period is Period.WEEK:
            return day - (day + 3) % 7
        if self.period is Period.MONTH:
            months = day.astype("datetime64[D]").astype("datetime64[M]")
            return months.astype("datetime64[D]").astype(np.int64)
        return day

    def _slot_offsets_of(self, slots: Any) -> Any:
        """The offset at each of *slots* (any order, repeats allowed)."""
        import numpy as np

        unique, inverse = np.unique(slots, return_inverse=True)
        return self._slot_offsets(unique)[inverse]

    @staticmethod
    def label(key: int) -> pendulum.Date:
        date = _EPOCH + _dt.timedelta(days=key)
        return pendulum.Date(date.year, date.month, date.day)


@functools.lru_cache(maxsize=8)
def _clock(period: Period | None, timezone: str) -> _Clock:
    """The clock of a (period, zone), shared so that its offsets are read once per zone.

    Its caches only ever hold what the zone's rules give, like ``ZoneInfo``'s own
    cache of zones (and pandas' of transitions), so sharing cannot change a key.
    """
    return _Clock(period, timezone)


def _item_time(item: object) -> int | None:
    if isinstance(item, Interaction):
        return to_micros(item.created_at)
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
        return str(value.value)
    return str(value)


@final
@attrs.frozen(kw_only=True)
class Cell:
    """One metric in one row: its result, or ``None`` (missing) with n = 0 when undefined.

    >>> Cell(metric="csat", result=None, n=0).missing()
    True
    """

    metric: str
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

    def cell(self, metric: str) -> Cell:
        """The cell of *metric*.

        Raises:
            ValidationError: the report has no such metric.

        >>> ReportRow(group=(), period=None, cells=()).cell("csat")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'metric' must be one of [] (got 'csat')
        """
        for cell in self.cells:
            if cell.metric == metric:
                return cell
        raise ValidationError(
            f"'metric' must be one of {[c.metric for c in self.cells]} (got {metric!r})",
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
            f"{metric}_mean": result.mean_micros / 1_000_000,
            f"{metric}_median": result.median_micros / 1_000_000,
        }
        for q, micros in result.percentile_micros:
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


class _Rows(Sequence[ReportRow]):
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
        metrics: tuple[str, ...],
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
                        period = labels[key] = _Clock.label(key)
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
        if isinstance(other, _Rows):
            other = other._all()
        return isinstance(other, tuple) and self._all() == other

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self._all(),))


def _as_rows(rows: Iterable[ReportRow]) -> Sequence[ReportRow]:
    return rows if isinstance(rows, _Rows) else tuple(rows)


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
    n = 0.

    >>> Report(metrics=("csat",), by=(), period=None, timezone="UTC", rows=()).to_records()
    []
    """

    metrics: tuple[str, ...]
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
                record.update(_flatten(cell.metric, cell.result))
                record[f"{cell.metric}_n"] = cell.n
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
            for column in _flatten(cell.metric, cell.result)
        }
        for column in sorted(durations):
            # Seconds came from whole microseconds: round back to them exactly.
            frame[column] = pd.to_timedelta(frame[column], unit="s").dt.round("us")
        return frame

    def _repr_html_(self) -> str:
        head = [*self.by, "period", *self.metrics]
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

    def plot(self, metric: str, *, ax: Any = None) -> Any:
        """Draw *metric* over the periods, one line per group, with its interval band.

        Durations draw the median (no band). Needs the ``plot`` extra
        (matplotlib); returns the Axes.

        Raises:
            ValidationError: the metric is not in the report, or the report has no periods.

        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> cols = {"created_at": np.array(["2024-06-10T09:00", "2024-06-11T09:00",
        ...                                 "2024-06-18T09:00"], dtype="datetime64[us]"),
        ...         "csat": np.array([5.0, 1.0, 4.0]),
        ...         "channel": np.array(["chat", "email", "chat"], dtype=object)}
        >>> ax = report(cols, metrics=["csat"], by=["channel"], period="week").plot("csat")
        >>> len(ax.lines), ax.get_ylabel()  # one line per channel
        (2, 'csat')
        """
        if metric not in self.metrics:
            raise ValidationError(
                f"'metric' must be one of {list(self.metrics)} (got {metric!r})",
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
        for group, points in sorted(series.items(), key=lambda kv: _sort_key(kv[0])):
            label = " / ".join("—" if g is None else g for g in group) or metric
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
        ax.set_ylabel(metric)
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


def _sort_key(group: tuple[str | None, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((g is None, g or "") for g in group)


# --------------------------------------------------------------------- the state


_COLUMN_KINDS = {
    "created_at": "time",
    "first_reply_at": "time",
    "first_solved_at": "time",
    "last_solved_at": "time",
    "handle_time": "duration",
    "wait": "duration",
    "answered": "bool",
    "agent_replies": "number",
    "reopens": "number",
    "customer_follow_ups": "number",
    "csat": "number",
    "nps": "number",
    "ces": "number",
    "stars": "number",
    "channel": "text",
    "customer_id": "text",
}


class _Renamed(Mapping[str, Any]):
    """A view of a DataFrame or dict of columns under the canonical column names."""

    def __init__(self, data: Any, mapping: Mapping[str, str]) -> None:
        self._data = data
        self._mapping = dict(mapping)

    def _source(self, key: str) -> str:
        return self._mapping.get(key, key)

    def __getitem__(self, key: str) -> Any:
        return self._data[self._source(key)]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._source(key) in _columns_of(self._data)

    def __iter__(self) -> Any:
        return iter(_columns_of(self._data))

    def __len__(self) -> int:
        return len(_columns_of(self._data))


def _columns_of(data: Any) -> list[str]:
    columns = getattr(data, "columns", None)
    return [str(c) for c in (columns if columns is not None else data.keys())]


def _normalise(columns: Mapping[str, Any], name: str) -> Any:
    """A column as a plain numpy array in its canonical dtype (for sorting and slicing)."""
    import numpy as np

    from ._accumulators import duration_column, micros_column, text_column

    kind = _COLUMN_KINDS.get(name, "text")
    if kind == "time":
        return micros_column(columns, name).view("datetime64[us]")
    if kind == "duration":
        return duration_column(columns, name).view("timedelta64[us]")
    if kind == "bool":
        return np.asarray(columns[name]).astype(bool)
    if kind == "number":
        raw = columns[name]
        to_numpy = getattr(raw, "to_numpy", None)
        if to_numpy is not None:
            return np.asarray(to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
        return np.asarray(raw, dtype="float64")
    return text_column(columns, name)


def _as_time(columns: Mapping[str, Any], name: str) -> Any:
    from ._accumulators import micros_column

    return micros_column(columns, name).view("datetime64[us]")


def _length(columns: Mapping[str, Any], name: str) -> int:
    return len(columns[name])


def _group_codes(
    view: Mapping[str, Any], name: str, arrays: Mapping[str, Any]
) -> tuple[Any, list[str | None]]:
    """A dimension column as integer codes and the label of each code (None: missing).

    A pandas categorical column gives its codes directly; any other column is
    normalised as the metrics see it and factorised.
    """
    import numpy as np

    raw = view[name]
    accessor = getattr(raw, "cat", None) if hasattr(raw, "dtype") else None
    if accessor is not None and name not in arrays:
        names = [str(c) for c in accessor.categories.tolist()]
        if len(set(names)) == len(names):
            codes = np.asarray(accessor.codes, dtype=np.int64)
            return np.where(codes < 0, len(names), codes), [*names, None]
    values = arrays[name] if name in arrays else _normalise(view, name)
    return _factorize(values)


def _cell_index(digits: list[tuple[Any, int]], size: int) -> tuple[Any, list[tuple[int, ...]]]:
    """Each row's cell index, and each cell's digits (sorted), from mixed-radix digits."""
    import numpy as np

    span = 1
    for _, radix in digits:
        span *= radix
    if not digits or size == 0:
        return np.zeros(size, dtype=np.int64), ([()] if size and not digits else [])
    if span < 2**62:
        codes = np.zeros(size, dtype=np.int64)
        for column, radix in digits:
            codes = codes * radix + column
        if span <= max(4 * size, 1 << 20):
            seen = np.zeros(span, dtype=bool)
            seen[codes] = True
            present = np.flatnonzero(seen)
            lookup = np.zeros(span, dtype=np.int64)
            lookup[present] = np.arange(present.size)
            cells = lookup[codes]
        else:
            present, cells = np.unique(codes, return_inverse=True)
        parts = []
        rest = present
        for _, radix in reversed(digits):
            rest, digit = np.divmod(rest, radix)
            parts.append(digit.tolist())
        return cells.reshape(-1), list(zip(*reversed(parts), strict=True))
    stacked = np.stack([column for column, _ in digits], axis=1)
    unique_rows, cells = np.unique(stacked, axis=0, return_inverse=True)
    return cells.reshape(-1), [tuple(r) for r in unique_rows.tolist()]


def _factorize(values: Any) -> tuple[Any, list[str | None]]:
    import numpy as np

    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is installed in the test environment
        pass
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        labels: list[str | None] = [str(u) for u in uniques]
        codes = np.where(codes < 0, len(labels), codes)
        return codes.astype(np.int64), [*labels, None]
    seen: dict[Any, int] = {}
    out = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(values.tolist()):
        out[i] = seen.setdefault(value, len(seen))
    return out, [None if v is None else str(v) for v in seen]


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
        metrics: Sequence[str | Accumulator[Any]],
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
        self._clock = _clock(self._period, timezone)
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
        twin._clock = _clock(self._period, self._timezone)
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
        key = (tuple([_dimension(item, name) for name in self._by]), period)
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
        import numpy as np

        view = _Renamed(columns, names or {})
        time_column = self._time if time is None else time
        known = [m.name for m in self._metrics]
        if only is not None and (isinstance(only, str) or any(o not in known for o in only)):
            raise ValidationError(
                f"'only' must name metrics of this report among {known} (got {only!r})",
                field="only",
                value=only,
            )
        fed = [i for i, m in enumerate(self._metrics) if only is None or m.name in only]
        needed = sorted({c for i in fed for c in self._metrics[i].columns} | set(self._by))
        if self._period is not None:
            needed = sorted({*needed, time_column})
        for metric in (self._metrics[i] for i in fed):
            if not metric.columns:
                raise ValidationError(
                    f"'metrics' must all have a batch path to report over columns; "
                    f"{metric.name} needs whole interactions",
                    field="metrics",
                    value=metric.name,
                )
        missing = [c for c in needed if c not in view]
        if missing:
            raise ValidationError(
                f"'columns' must include {missing} (map yours with columns={{canonical: yours}}; "
                f"got {sorted(_columns_of(columns))})",
                field="columns",
                value=missing,
            )
        metric_columns = {c for i in fed for c in self._metrics[i].columns}
        if self._period is not None:
            metric_columns.add(time_column)
        arrays = {
            name: _normalise(view, name) if name != time_column else _as_time(view, name)
            for name in sorted(metric_columns)
        }
        size = _length(view, needed[0]) if needed else 0
        # One integer code per row for its (group, period) cell: a mixed radix over
        # the dimensions' label codes and the period keys.
        digits: list[tuple[Any, int]] = []
        labels: list[list[str | None]] = []
        for name in self._by:
            dim_codes, dim_labels = _group_codes(view, name, arrays)
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
        cells, cell_digits = _cell_index(digits, size)
        count = len(cell_digits)
        keys: list[tuple[tuple[str | None, ...], int | None]] = []
        for cell in cell_digits:
            group = tuple(labels[d][code] for d, code in enumerate(cell[: len(self._by)]))
            period = None if self._period is None else first_period + cell[-1]
            keys.append((group, period))
        # Every metric fills all its cells in one vectorised pass, and only then is the
        # state touched, so a bad batch changes nothing.
        filled = {index: self._metrics[index]._batch_cells(arrays, cells, count) for index in fed}
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
                group_keys.get(kv[0][0]) or group_keys.setdefault(kv[0][0], _sort_key(kv[0][0])),
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
        return Report(
            metrics=tuple(m.name for m in self._metrics),
            by=self._by,
            period=self._period,
            timezone=self._timezone,
            rows=_Rows(tuple(m.name for m in self._metrics), rows),
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
        self._clock = _clock(self._period, self._timezone)
        self._cells = state["cells"]
        self._prepare()


def _prototypes(
    metrics: Sequence[str | Accumulator[Any]], calendar: BusinessTime | None
) -> tuple[Accumulator[Any], ...]:
    if isinstance(metrics, str) or not metrics:
        raise ValidationError(
            f"'metrics' must be a non-empty list of KPI names or accumulators (got {metrics!r})",
            field="metrics",
            value=metrics,
        )
    known = _registry()
    made: list[Accumulator[Any]] = []
    for metric in metrics:
        if isinstance(metric, Accumulator):
            made.append(metric.empty_like())
        elif isinstance(metric, str) and metric in known:
            cls = known[metric]
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
    names = [m.name for m in made]
    if len(set(names)) != len(names):
        raise ValidationError(
            f"'metrics' must not repeat a KPI (got {names})", field="metrics", value=names
        )
    return tuple(made)


def report(
    data: Any,
    *,
    metrics: Sequence[str | Accumulator[Any]],
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
