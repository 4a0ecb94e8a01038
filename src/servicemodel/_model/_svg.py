"""Small, dependency-free SVG charts for the self-contained HTML report.

Charts are strings of SVG markup with every text escaped, so a report is one
HTML file that opens anywhere without scripts or network access. Each chart
scales to the width it is given (a ``viewBox`` and no fixed size), names the
unit of its value axis and the meaning of its category axis, and puts its
value ticks on steps a person would choose: 1, 2 or 5 times a power of ten.

Why not matplotlib (already the ``plot`` extra)? The report must render without
it, so these charts are needed anyway, and a report that looked different
depending on what happens to be installed would be two renderings to check.

>>> svg = line_chart("CSAT", ["W1", "W2"], [Series(name="csat", values=(80.0, 90.0))],
...                  y_unit="% rated 4-5", x_title="week starting")
>>> svg.startswith("<svg") and "% rated 4-5" in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import final

import attrs

__all__ = ["Series", "line_chart", "nice_ticks", "stacked_bars", "tick_text"]

WIDTH, HEIGHT = 480, 280
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 14, 30, 62
_FONT = 'font-family="system-ui,sans-serif"'
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


def nice_ticks(low: float, high: float, *, most: int = 7) -> tuple[float, ...]:
    """Ticks on a 1-2-5 step that cover ``[low, high]`` with at most *most* ticks.

    The first tick is at or below *low* and the last at or above *high*; a range
    that does not go below zero gets no negative tick.

    >>> nice_ticks(0.585, 3.04)
    (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5)
    >>> nice_ticks(180.0, 2490.0)
    (0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0)
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = 0.0, 1.0
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(low) / 10 or 1.0
        low, high = (low - pad, high + pad) if low < 0 or low - pad >= 0 else (0.0, high + pad)
    span = high - low
    magnitude = 10.0 ** math.floor(math.log10(span / max(1, most - 1)))
    for factor in (1, 2, 5, 10, 20, 50):
        step = factor * magnitude
        first = math.floor(low / step + 1e-9) * step
        last = math.ceil(high / step - 1e-9) * step
        count = round((last - first) / step) + 1
        if count <= most:
            break
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return tuple(round(first + i * step, decimals + 1) + 0.0 for i in range(count))


def tick_text(value: float, ticks: Sequence[float], suffix: str = "") -> str:
    """*value* written with as many decimals as the tick step needs, and *suffix*.

    >>> tick_text(2500.0, (0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0))
    '2,500'
    >>> tick_text(0.5, (0.0, 0.5, 1.0), "%")
    '0.5%'
    """
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(abs(step)) + 1e-9)) if step else 0
    return f"{value:,.{decimals}f}{suffix}"


def _frame(title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]


_INSET = 22  # keeps the first and last points (and bars, labels) clear of the edges


def _x_positions(count: int) -> list[float]:
    inner = WIDTH - _LEFT - _RIGHT - 2 * _INSET
    if count == 1:
        return [_LEFT + _INSET + inner / 2]
    return [_LEFT + _INSET + inner * i / (count - 1) for i in range(count)]


def _axes(
    parts: list[str],
    labels: Sequence[str],
    xs: Sequence[float],
    ticks: Sequence[float],
    *,
    y_unit: str,
    x_title: str,
    suffix: str,
) -> tuple[float, float]:
    low, high = ticks[0], ticks[-1]
    inner_h = HEIGHT - _TOP - _BOTTOM
    parts.append(
        f'<text class="y-unit" x="8" y="16" {_FONT} font-size="12" fill="#444">'
        f"{escape(y_unit)}</text>"
    )
    for value in ticks:
        y = _TOP + inner_h * (1 - (value - low) / (high - low))
        colour = "#bbbbbb" if value == 0 else "#e5e5e5"
        parts.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}"/>'
        )
        parts.append(
            f'<text class="y-tick" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" {_FONT} '
            f'font-size="12">{escape(tick_text(value, ticks, suffix))}</text>'
        )
    every = max(1, math.ceil(len(labels) / 6))
    base = HEIGHT - _BOTTOM
    for i, (label, x) in enumerate(zip(labels, xs, strict=False)):
        if i % every == 0:
            parts.append(
                f'<text class="x-tick" x="{x:.1f}" y="{base + 17}" text-anchor="middle" {_FONT} '
                f'font-size="12">{escape(label)}</text>'
            )
    middle = _LEFT + (WIDTH - _LEFT - _RIGHT) / 2
    parts.append(
        f'<text class="x-title" x="{middle:.1f}" y="{base + 34}" text-anchor="middle" {_FONT} '
        f'font-size="12" fill="#444">{escape(x_title)}</text>'
    )
    return low, high


def _legend(parts: list[str], names: Sequence[str], dashed: Sequence[bool]) -> None:
    if len(names) < 2:
        return  # one series: the chart's title names it
    x = float(_LEFT)
    for i, name in enumerate(names):
        colour = _PALETTE[i % len(_PALETTE)]
        dash = ' stroke-dasharray="5,4"' if dashed[i] else ""
        parts.append(
            f'<line x1="{x:.1f}" x2="{x + 18:.1f}" y1="{HEIGHT - 9}" y2="{HEIGHT - 9}" '
            f'stroke="{colour}" stroke-width="2.5"{dash}/>'
        )
        parts.append(
            f'<text class="legend" x="{x + 23:.1f}" y="{HEIGHT - 5}" {_FONT} '
            f'font-size="12">{escape(name)}</text>'
        )
        x += 34 + 7 * len(name)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_unit: str,
    x_title: str,
    suffix: str = "",
) -> str:
    """Draw lines over categorical x positions, each with an optional interval band.

    *y_unit* names the unit of the values (drawn above the value axis), *x_title*
    what the categories are, *suffix* is appended to every tick (``"%"``).

    >>> svg = line_chart("NPS", ["Jan", "Feb"], [Series(name="nps", values=(1.0, 2.0),
    ...                  lower=(0.0, 1.0), upper=(2.0, 3.0))], y_unit="points", x_title="month")
    >>> svg.count("<polygon")
    1
    """
    parts = _frame(title)
    everything = [v for s in series for v in (*s.values, *s.lower, *s.upper) if v is not None]
    ticks = nice_ticks(min(everything, default=0.0), max(everything, default=1.0))
    xs = _x_positions(max(1, len(labels)))
    low, high = _axes(parts, labels, xs, ticks, y_unit=y_unit, x_title=x_title, suffix=suffix)
    inner_h = HEIGHT - _TOP - _BOTTOM

    def y_of(value: float) -> float:
        return _TOP + inner_h * (1 - (value - low) / (high - low))

    for i, s in enumerate(series):
        colour = _PALETTE[i % len(_PALETTE)]
        band = [
            (x, lo, hi)
            for x, lo, hi in zip(xs, s.lower, s.upper, strict=False)
            if lo is not None and hi is not None
        ]
        if band:
            top = " ".join(f"{x:.1f},{y_of(hi):.1f}" for x, _, hi in band)
            bottom = " ".join(f"{x:.1f},{y_of(lo):.1f}" for x, lo, _ in reversed(band))
            parts.append(
                f'<polygon class="band" points="{top} {bottom}" fill="{colour}" '
                'fill-opacity="0.15" stroke="none"/>'
            )
        points = [(x, v) for x, v in zip(xs, s.values, strict=False) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y_of(v):.1f}" for x, v in points)
            dash = ' stroke-dasharray="5,4"' if s.dashed else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
        for x, v in points:
            shown = tick_text(v, (0.0, (ticks[1] - ticks[0]) / 10), suffix)
            unit = "" if suffix else f" {y_unit}"
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y_of(v):.1f}" r="3" fill="{colour}">'
                f"<title>{escape(s.name)}: {escape(shown + unit)}</title></circle>"
            )
    _legend(parts, [s.name for s in series], [s.dashed for s in series])
    parts.append("</svg>")
    return "\n".join(parts)


def stacked_bars(
    title: str,
    labels: Sequence[str],
    stacks: Sequence[tuple[str, Sequence[float]]],
    *,
    y_unit: str = "% of interactions",
    x_title: str,
) -> str:
    """Draw 100% stacked bars: the share of each named part at every x position.

    >>> svg = stacked_bars("Mix", ["W1"], [("chat", [3.0]), ("phone", [1.0])], x_title="week")
    >>> svg.count("<rect") >= 3
    True
    """
    parts = _frame(title)
    xs = _x_positions(max(1, len(labels)))
    ticks = nice_ticks(0.0, 100.0)
    _axes(parts, labels, xs, ticks, y_unit=y_unit, x_title=x_title, suffix="%")
    inner = WIDTH - _LEFT - _RIGHT
    inner_h = HEIGHT - _TOP - _BOTTOM
    bar = max(4.0, min(36.0, inner / max(1, len(labels)) * 0.6))

    def y_of(share: float) -> float:
        return _TOP + inner_h * (1 - share)

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
    placed: list[tuple[float, int]] = []
    x, row = float(_LEFT), 0
    for name, _ in stacks:
        width = 20 + 7 * len(name)
        if x + width > WIDTH - _RIGHT and x > _LEFT:
            x, row = float(_LEFT), row + 1
        placed.append((x, row))
        x += width
    if row:  # the legend wraps: grow the chart downwards by one line per extra row
        height = HEIGHT + 18 * row
        parts[0] = parts[0].replace(f"0 0 {WIDTH} {HEIGHT}", f"0 0 {WIDTH} {height}")
        parts[2] = parts[2].replace(f'height="{HEIGHT}"', f'height="{height}"')
    for i, ((name, _), (x, row)) in enumerate(zip(stacks, placed, strict=True)):
        y = HEIGHT - 5 + 18 * row
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 10}" width="10" height="10" '
            f'fill="{_PALETTE[i % len(_PALETTE)]}"/>'
        )
        parts.append(
            f'<text class="legend" x="{x + 14:.1f}" y="{y}" {_FONT} font-size="12">'
            f"{escape(name)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
