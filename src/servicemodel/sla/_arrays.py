"""The numpy path: F and its inverse vectorised with ``searchsorted``.

The open intervals covering the data's span are listed once, with the
business time accumulated before each; then every element costs one
``searchsorted`` and a little arithmetic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._time import HI, LO
from ..exceptions import ValidationError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ._calendar import BusinessCalendar

__all__ = ["add_many", "elapsed_many"]

_NAT = -(2**63)  # numpy's NaT as int64
_MAX_CELLS = 4_000_000


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy is installed wherever tests run
        raise ImportError(
            "elapsed_many/add_many need numpy: pip install 'servicemodel[numpy]'"
        ) from None
    return numpy


def _instants(values: Any, field: str) -> npt.NDArray[np.int64]:
    np = _numpy()
    if hasattr(values, "dt"):  # a pandas column
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    elif getattr(values, "tz", None) is not None:  # an aware pandas index
        values = values.tz_convert("UTC").tz_localize(None)
    arr = np.asarray(values)
    if arr.dtype.kind != "M":
        raise ValidationError(
            f"'{field}' must be a numpy datetime64 array or a pandas datetime column "
            f"(got dtype {arr.dtype})",
            field=field,
            value=None,
        )
    micros = arr.astype("datetime64[us]", copy=False).view(np.int64)
    if micros.size:
        low, high = int(micros.min()), int(micros.max())
        if low == _NAT:
            raise ValidationError(f"'{field}' must not contain NaT", field=field, value=None)
        if low < LO or high > HI:
            raise ValidationError(
                f"'{field}' must lie between 1900-01-01 and 2200-01-01 UTC",
                field=field,
                value=None,
            )
    return micros  # type: ignore[no-any-return]


def _durations(values: Any, field: str) -> npt.NDArray[np.int64]:
    np = _numpy()
    arr = np.asarray(values)
    if arr.dtype.kind != "m":
        raise ValidationError(
            f"'{field}' must be a numpy timedelta64 array or a pandas timedelta column "
            f"(got dtype {arr.dtype})",
            field=field,
            value=None,
        )
    arr = arr.astype("timedelta64[us]")
    if np.isnat(arr).any():
        raise ValidationError(f"'{field}' must not contain NaT", field=field, value=None)
    return arr.view(np.int64)  # type: ignore[no-any-return]


class _Table:
    """Open intervals over [lo, hi) with the business time before each (F at its start)."""

    def __init__(self, cal: BusinessCalendar, lo: int, hi: int) -> None:
        np = _numpy()
        eng = cal._core.engine
        found = eng.open_in(lo, hi)
        starts = np.empty(len(found) + 1, dtype=np.int64)
        ends = np.empty(len(found) + 1, dtype=np.int64)
        starts[0] = ends[0] = lo
        if found:
            pairs = np.array(found, dtype=np.int64)
            starts[1:] = pairs[:, 0]
            ends[1:] = pairs[:, 1]
        lengths = ends - starts
        self.starts = starts
        self.lengths = lengths
        self.cum = eng.f(lo) + np.concatenate(([0], np.cumsum(lengths)[:-1]))
        self.cumend = self.cum + lengths
        self.ends = ends

    def grid(self, lo: int, hi: int) -> _Grid | None:
        """A uniform grid on which every interior boundary lies, if it is small enough."""
        np = _numpy()
        inner = np.concatenate((self.starts[1:], self.ends[1:]))
        inner = inner[(inner > lo) & (inner < hi)]
        if inner.size == 0:
            step = max(hi - lo, 1)
            origin = lo
        else:
            step = int(np.gcd.reduce(inner - inner[0]))
            if step == 0:
                step = max(hi - lo, 1)
            origin = int(inner[0]) - -(-(int(inner[0]) - lo) // step) * step
        cells = (hi - origin) // step + 1
        if cells > _MAX_CELLS:
            return None
        points = origin + step * np.arange(cells, dtype=np.int64)
        at = np.maximum(points, lo)
        j = np.searchsorted(self.starts, at, side="right") - 1
        slope = (at - self.starts[j] < self.lengths[j]).astype(np.int64)
        value = (
            self.cum[j] + np.minimum(at - self.starts[j], self.lengths[j]) - slope * (at - points)
        )
        return _Grid(origin, step, value, slope)

    def f(self, u: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        np = _numpy()
        j = np.searchsorted(self.starts, u, side="right") - 1
        return self.cum[j] + np.minimum(u - self.starts[j], self.lengths[j])  # type: ignore[no-any-return]

    def earliest(self, y: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        np = _numpy()
        j = np.searchsorted(self.cumend, y, side="left")
        return self.ends[j] - (self.cumend[j] - y)  # type: ignore[no-any-return]


class _Grid:
    """F on a uniform grid: F(u) = value[k] + slope[k] * (u - origin - k * step)."""

    def __init__(self, origin: int, step: int, value: Any, slope: Any) -> None:
        self.origin, self.step, self.value, self.slope = origin, step, value, slope

    def f(self, u: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        rel = u - self.origin
        k = rel // self.step
        return self.value[k] + self.slope[k] * (rel - k * self.step)  # type: ignore[no-any-return]


def elapsed_many(cal: BusinessCalendar, starts: Any, ends: Any) -> npt.NDArray[np.int64]:
    """See :meth:`BusinessCalendar.elapsed_many`."""
    np = _numpy()
    a = _instants(starts, "starts")
    b = _instants(ends, "ends")
    a, b = np.broadcast_arrays(a, b)
    if cal._core.always or a.size == 0:
        return (b - a).astype(np.int64)  # type: ignore[no-any-return]
    lo = int(min(a.min(), b.min()))
    hi = int(max(a.max(), b.max())) + 1
    table = _Table(cal, lo, hi)
    grid = table.grid(lo, hi)
    if grid is None:
        return table.f(b) - table.f(a)
    return grid.f(b) - grid.f(a)


def add_many(cal: BusinessCalendar, starts: Any, durations: Any) -> npt.NDArray[np.datetime64]:
    """See :meth:`BusinessCalendar.add_many`."""
    np = _numpy()
    s = _instants(starts, "starts")
    d = _durations(durations, "durations")
    s, d = np.broadcast_arrays(s, d)
    if cal._core.always or s.size == 0:
        return (s + d).astype("datetime64[us]")  # type: ignore[no-any-return]
    first = int(s.min())
    last = int(s.max())
    # The scalar path finds (and checks) the extreme deadlines, bounding the table.
    forward = d > 0
    backward = d < 0
    lo, hi = first, last + 1
    eng = cal._core.engine
    if forward.any() or backward.any():
        fs = _Table(cal, first, last + 1).f(s)
        y = fs + d
        if forward.any():
            k = int(np.argmax(np.where(forward, y, np.iinfo(np.int64).min)))
            hi = max(hi, cal._add_us(int(s[k]), int(d[k])) + 1)
        if backward.any():
            k = int(np.argmin(np.where(backward, y, np.iinfo(np.int64).max)))
            lo = min(lo, cal._add_us(int(s[k]), int(d[k])))
    else:
        return s.astype("datetime64[us]")  # type: ignore[no-any-return]
    table = _Table(cal, lo, min(hi, eng.hi))
    y = table.f(s) + d
    out = s.copy()
    if forward.any():
        out[forward] = table.earliest(y[forward])
    if backward.any():
        out[backward] = table.earliest(y[backward] + 1) - 1
    return out.astype("datetime64[us]")  # type: ignore[no-any-return]
