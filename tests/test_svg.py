"""SVG charts: well-formed, escaped, bands and gaps drawn as asked."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

from hypothesis import assume, given
from hypothesis import strategies as st

from servicemodel._model._svg import Series, line_chart, nice_ticks, stacked_bars, tick_text

NS = "{http://www.w3.org/2000/svg}"


def test_line_chart_is_well_formed_and_escapes_text() -> None:
    svg = line_chart(
        "CSAT <by> week & channel",
        ["W1", "W2", "W3"],
        [
            Series(
                name="chat & co",
                values=(0.8, None, 0.9),
                lower=(0.7, None, 0.85),
                upper=(0.9, None, 0.95),
            )
        ],
        y_unit="share <rated>",
        x_title="week & day",
    )
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.find(f"{NS}title").text == "CSAT <by> week & channel"  # type: ignore[union-attr]
    assert len(root.findall(f"{NS}circle")) == 2  # the gap draws no point
    assert len(root.findall(f"{NS}polygon")) == 1


def test_single_point_and_flat_series_do_not_divide_by_zero() -> None:
    root = ET.fromstring(
        line_chart("flat", ["only"], [Series(name="x", values=(5.0,))], y_unit="u", x_title="x")
    )
    assert len(root.findall(f"{NS}circle")) == 1
    ET.fromstring(line_chart("empty", [], [], y_unit="u", x_title="x"))


def test_stacked_bars_show_shares() -> None:
    svg = stacked_bars(
        "Mix", ["W1", "W2"], [("chat", [1.0, 3.0]), ("phone", [3.0, 1.0])], x_title="week"
    )
    root = ET.fromstring(svg)
    titles = [t.text for t in root.iter(f"{NS}title")]
    assert "W1 chat: 25.0%" in titles
    assert "W2 chat: 75.0%" in titles
    empty = ET.fromstring(stacked_bars("none", ["W1"], [("chat", [0.0])], x_title="week"))
    assert not [t for t in empty.iter(f"{NS}title") if "chat:" in (t.text or "")]


# ------------------------------------------------------------------ ticks a person would choose


def _is_one_two_five(step: float) -> bool:
    exponent = math.floor(math.log10(step))
    mantissa = step / 10**exponent
    return any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1.0, 2.0, 5.0, 10.0))


@given(
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
    st.floats(min_value=1e-3, max_value=1e7, allow_nan=False),
)
def test_ticks_step_by_one_two_or_five_and_cover_the_data(low: float, span: float) -> None:
    assume(span > abs(low) * 1e-6)  # beyond that, doubles cannot tell the ticks apart
    high = low + span
    ticks = nice_ticks(low, high)
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    assert 2 <= len(ticks) <= 7
    assert all(math.isclose(s, steps[0], rel_tol=1e-6) for s in steps)
    assert _is_one_two_five(steps[0])
    slack = 1e-6 * steps[0]  # a point a millionth of a step outside still sits on the tick
    assert ticks[0] <= low + slack
    assert ticks[-1] >= high - slack
    if low >= 0:
        assert ticks[0] >= 0  # data that never goes below zero gets no negative tick
    exponent = math.floor(math.log10(steps[0]))
    step = round(steps[0] / 10**exponent) * 10**exponent
    for tick in ticks:  # every tick is a whole multiple of the step
        assert math.isclose(tick / step, round(tick / step), rel_tol=1e-9, abs_tol=1e-6)


def test_the_ticks_the_old_charts_drew_are_gone() -> None:
    # The examples: 0.585, 1.81, 3.04 and -125 ... 2.49e+03.
    assert nice_ticks(0.585, 3.04) == (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5)
    assert nice_ticks(-125.0 + 306, 2490.0) == (0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0)
    ticks = nice_ticks(180.0, 2490.0)
    assert [tick_text(t, ticks) for t in ticks] == ["0", "500", "1,000", "1,500", "2,000", "2,500"]
    assert [tick_text(t, nice_ticks(62, 97), "%") for t in nice_ticks(62, 97)] == [
        "60%",
        "70%",
        "80%",
        "90%",
        "100%",
    ]


def test_a_chart_names_both_axes_and_has_no_fixed_size() -> None:
    root = ET.fromstring(
        line_chart(
            "t",
            ["1 Jan"],
            [Series(name="x", values=(2.0,))],
            y_unit="minutes",
            x_title="week starting",
        )
    )
    texts = {t.get("class"): t.text for t in root.iter(f"{NS}text")}
    assert texts["y-unit"] == "minutes"
    assert texts["x-title"] == "week starting"
    assert root.get("width") is None
    assert root.get("height") is None
    assert root.get("viewBox") == "0 0 480 280"
