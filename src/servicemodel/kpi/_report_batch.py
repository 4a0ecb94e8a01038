"""Reading a batch for a report: renamed columns, checked times, group codes and cell indices.

>>> import numpy as np
>>> codes, labels = factorize(np.array(["chat", None, "chat"], dtype=object))
>>> codes.tolist(), labels
([0, 1, 0], ['chat', None])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COLUMN_KINDS = {
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


class Renamed(Mapping[str, Any]):
    """A view of a DataFrame or dict of columns under the canonical column names."""

    def __init__(self, data: Any, mapping: Mapping[str, str]) -> None:
        self._data = data
        self._mapping = dict(mapping)

    def _source(self, key: str) -> str:
        return self._mapping.get(key, key)

    def __getitem__(self, key: str) -> Any:
        return self._data[self._source(key)]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._source(key) in columns_of(self._data)

    def __iter__(self) -> Any:
        return iter(columns_of(self._data))

    def __len__(self) -> int:
        return len(columns_of(self._data))


def columns_of(data: Any) -> list[str]:
    columns = getattr(data, "columns", None)
    return [str(c) for c in (columns if columns is not None else data.keys())]


def normalise_column(columns: Mapping[str, Any], name: str) -> Any:
    """A column as a plain numpy array in its canonical dtype (for sorting and slicing)."""
    import numpy as np

    from ._column_readers import duration_column, micros_column, text_column

    kind = COLUMN_KINDS.get(name, "text")
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


def read_times(columns: Mapping[str, Any], name: str) -> Any:
    from ._column_readers import micros_column

    return micros_column(columns, name).view("datetime64[us]")


def batch_length(columns: Mapping[str, Any], name: str) -> int:
    return len(columns[name])


def group_codes(
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
    values = arrays[name] if name in arrays else normalise_column(view, name)
    return factorize(values)


def cell_index(digits: list[tuple[Any, int]], size: int) -> tuple[Any, list[tuple[int, ...]]]:
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


def factorize(values: Any) -> tuple[Any, list[str | None]]:
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
