"""Small, dependency-free SVG charts for the self-contained HTML report.

Charts are strings of SVG markup with every text escaped, so a report is one
HTML file that opens anywhere without scripts or network access.

>>> svg = line_chart("CSAT", ["W1", "W2"], [Series(name="csat", values=(0.8, 0.9))])
>>> svg.startswith("<svg") and "CSAT" in svg
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import final

import attrs

__all__ = ["Series", "line_chart", "stacked_bars"]

_WIDTH, _HEIGHT = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 30, 40
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def _floats(values: Sequence[float | None]) -> tuple[float | None, ...]:
    return tuple(values)


@final
@attrs.frozen(kw_only=True)
class Series:
    """One line: values per x position (``None`` for a gap) and an optional band.

    >>> Series(name="nps", values=(10.0, None, 12.5)).values[1] is None
    True
    """

    name: str
    values: tuple[float | None, ...] = attrs.field(converter=_floats)
    lower: tuple[float | None, ...] = attrs.field(default=(), converter=_floats)
    upper: tuple[float | None, ...] = attrs.field(default=(), converter=_floats)
    dashed: bool = False


def _frame(title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'width="{_WIDTH}" height="{_HEIGHT}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{_WIDTH}" height="{_HEIGHT}" fill="#ffffff"/>',
        f'<text x="{_LEFT}" y="18" font-family="sans-serif" font-size="13" '
        f'font-weight="bold">{escape(title)}</text>',
    ]


_INSET = 28  # keeps the first and last points (and bars, labels) clear of the edges


def _x_positions(count: int) -> list[float]:
    inner = _WIDTH - _LEFT - _RIGHT - 2 * _INSET
    if count == 1:
        return [_LEFT + _INSET + inner / 2]
    return [_LEFT + _INSET + inner * i / (count - 1) for i in range(count)]


def _axes(
    parts: list[str],
    labels: Sequence[str],
    xs: Sequence[float],
    low: float,
    high: float,
    fmt: Callable[[float], str],
) -> Callable[[float], float]:
    inner_h = _HEIGHT - _TOP - _BOTTOM

    def y_of(value: float) -> float:
        return _TOP + inner_h * (1 - (value - low) / (high - low))

    for step in range(5):
        value = low + (high - low) * step / 4
        y = y_of(value)
        parts.append(
            f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#e5e5e5"/>'
        )
        parts.append(
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-family="sans-serif" '
            f'font-size="10">{escape(fmt(value))}</text>'
        )
    every = max(1, len(labels) // 8)
    for i, (label, x) in enumerate(zip(labels, xs, strict=False)):
        if i % every == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{_HEIGHT - _BOTTOM + 16}" text-anchor="middle" '
                f'font-family="sans-serif" font-size="10">{escape(label)}</text>'
            )
    return y_of


def _range(values: Sequence[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.08
    return low - pad, high + pad


def _legend(parts: list[str], names: Sequence[str]) -> None:
    x = _LEFT
    for i, name in enumerate(names):
        colour = _PALETTE[i % len(_PALETTE)]
        parts.append(f'<rect x="{x}" y="{_HEIGHT - 14}" width="10" height="10" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 14}" y="{_HEIGHT - 5}" font-family="sans-serif" '
            f'font-size="10">{escape(name)}</text>'
        )
        x += 24 + 6 * len(name)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    fmt: Callable[[float], str] = lambda v: f"{v:.3g}",
) -> str:
    """Draw lines over categorical x positions, each with an optional interval band.

    >>> svg = line_chart("NPS", ["Jan", "Feb"], [Series(name="nps", values=(1.0, 2.0),
    ...                  lower=(0.0, 1.0), upper=(2.0, 3.0))])
    >>> svg.count("<polygon")
    1
    """
    parts = _frame(title)
    everything = [v for s in series for v in (*s.values, *s.lower, *s.upper) if v is not None]
    low, high = _range(everything)
    xs = _x_positions(max(1, len(labels)))
    y_of = _axes(parts, labels, xs, low, high, fmt)
    for i, s in enumerate(series):
        colour = _PALETTE[i % len(_PALETTE)]
        if s.lower and s.upper:
            band = [
                (x, lo, hi)
                for x, lo, hi in zip(xs, s.lower, s.upper, strict=False)
                if lo is not None and hi is not None
            ]
            if band:
                top = " ".join(f"{x:.1f},{y_of(hi):.1f}" for x, _, hi in band)
                bottom = " ".join(f"{x:.1f},{y_of(lo):.1f}" for x, lo, _ in reversed(band))
                parts.append(
                    f'<polygon points="{top} {bottom}" fill="{colour}" fill-opacity="0.15" '
                    'stroke="none"/>'
                )
        points = [(x, v) for x, v in zip(xs, s.values, strict=False) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y_of(v):.1f}" for x, v in points)
            dash = ' stroke-dasharray="5,4"' if s.dashed else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
        for x, v in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y_of(v):.1f}" r="3" fill="{colour}">'
                f"<title>{escape(s.name)}: {escape(fmt(v))}</title></circle>"
            )
    _legend(parts, [s.name for s in series])
    parts.append("</svg>")
    return "\n".join(parts)


def stacked_bars(
    title: str, labels: Sequence[str], stacks: Sequence[tuple[str, Sequence[float]]]
) -> str:
    """Draw 100% stacked bars: the share of each named part at every x position.

    >>> svg = stacked_bars("Mix", ["W1"], [("chat", [3.0]), ("phone", [1.0])])
    >>> svg.count("<rect") >= 3
    True
    """
    parts = _frame(title)
    xs = _x_positions(max(1, len(labels)))
    y_of = _axes(parts, labels, xs, 0.0, 1.0, lambda v: f"{v:.0%}")
    inner = _WIDTH - _LEFT - _RIGHT
    bar = max(4.0, min(40.0, inner / max(1, len(labels)) * 0.6))
    for column, x in enumerate(xs):
        total = sum(values[column] for _, values in stacks if column < len(values))
        if total <= 0:
            continue
        acc = 0.0
        for i, (name, values) in enumerate(stacks):
            share = values[column] / total if column < len(values) else 0.0
            if share <= 0:
                continue
            top, bottom = y_of(acc + share), y_of(acc)
            parts.append(
                f'<rect x="{x - bar / 2:.1f}" y="{top:.1f}" width="{bar:.1f}" '
                f'height="{bottom - top:.1f}" fill="{_PALETTE[i % len(_PALETTE)]}">'
                f"<title>{escape(labels[column])} {escape(name)}: {share:.1%}</title></rect>"
            )
            acc += share
    _legend(parts, [name for name, _ in stacks])
    parts.append("</svg>")
    return "\n".join(parts)
