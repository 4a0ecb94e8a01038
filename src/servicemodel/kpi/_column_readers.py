"""Reading a batch's canonical columns: instants, durations, scores and labels, checked.

Each reader takes a mapping of columns (numpy arrays or pandas columns) and
returns a numpy array in the integer form the KPIs count with; a value out
of its range is a ValidationError naming the column.

>>> import numpy as np
>>> micros_column({"at": np.array(["1970-01-01T00:00:01"], dtype="datetime64[s]")}, "at").tolist()
[1000000]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._validators import integer_rule
from ..exceptions import ValidationError

#: The column value numpy uses for NaT in int64 views.
NAT = -(2**63)


def micros_column(columns: Mapping[str, Any], name: str) -> Any:
    """A column of instants as int64 microseconds since the epoch (NaT/None -> NAT)."""
    import numpy as np

    column = columns[name]
    dt_accessor = getattr(column, "dt", None)
    if dt_accessor is not None and getattr(dt_accessor, "tz", None) is not None:
        column = dt_accessor.tz_convert("UTC").dt.tz_localize(None)
    array = np.asarray(column)
    if array.dtype.kind == "M":
        return array.astype("datetime64[us]").view(np.int64)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind == "f":
        out = np.full(array.shape, NAT, dtype=np.int64)
        ok = ~np.isnan(array)
        out[ok] = array[ok].astype(np.int64)
        return out
    raise ValidationError(
        f"'{name}' must be a datetime64 or integer-microsecond column (got dtype {array.dtype})",
        field=name,
        value=str(array.dtype),
    )


def duration_column(columns: Mapping[str, Any], name: str) -> Any:
    """A column of durations as int64 microseconds (NaT/NaN -> NAT)."""
    import numpy as np

    array = np.asarray(columns[name])
    if array.dtype.kind == "m":
        return array.astype("timedelta64[us]").view(np.int64)
    if array.dtype.kind in "iuf":
        return micros_column(columns, name)
    raise ValidationError(
        f"'{name}' must be a timedelta64 or integer-microsecond column (got dtype {array.dtype})",
        field=name,
        value=str(array.dtype),
    )


def int_column(columns: Mapping[str, Any], name: str, low: int, high: int) -> tuple[Any, Any]:
    """(values as int64, mask of present rows); missing is NaN/None. Values checked in range."""
    import numpy as np

    raw = columns[name]
    to_numpy = getattr(raw, "to_numpy", None)
    array = (
        to_numpy(dtype="float64", na_value=np.nan)
        if to_numpy is not None and getattr(raw, "dtype", None) is not None
        else np.asarray(raw, dtype="float64")
    )
    array = np.asarray(array, dtype="float64")
    present = ~np.isnan(array)
    values = array[present]
    if values.size:
        bad = (values < low) | (values > high) | (values != np.floor(values))
        if bad.any():
            index = int(np.flatnonzero(present)[np.argmax(bad)])
            shown = array[index]
            raise ValidationError(
                f"'{name}[{index}]' must be {integer_rule(low, high)} (got {shown:g})",
                field=f"{name}[{index}]",
                value=float(shown),
            )
    out = np.zeros(array.shape, dtype=np.int64)
    out[present] = values.astype(np.int64)
    return out, present


def text_column(columns: Mapping[str, Any], name: str) -> Any:
    """A column of labels as a numpy object array (None for missing)."""
    import numpy as np

    raw = columns[name]
    array = np.array(raw, dtype=object)  # a copy: the caller's column is never changed
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is installed in the test environment
        missing = np.array([v is None or v != v for v in array.tolist()], dtype=bool)
    else:
        missing = np.asarray(pd.isna(array), dtype=bool)
    array[missing] = None
    present = array[~missing].tolist()
    if not all(type(v) is str for v in present):
        array[~missing] = np.array([str(v) for v in present] or [], dtype=object)
    return array
