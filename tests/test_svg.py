"""SVG charts: well-formed, escaped, bands and gaps drawn as asked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from servicemodel._svg import Series, line_chart, stacked_bars

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
    )
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.find(f"{NS}title").text == "CSAT <by> week & channel"  # type: ignore[union-attr]
    assert len(root.findall(f"{NS}circle")) == 2  # the gap draws no point
    assert len(root.findall(f"{NS}polygon")) == 1


def test_single_point_and_flat_series_do_not_divide_by_zero() -> None:
    root = ET.fromstring(line_chart("flat", ["only"], [Series(name="x", values=(5.0,))]))
    assert len(root.findall(f"{NS}circle")) == 1
    ET.fromstring(line_chart("empty", [], []))


def test_stacked_bars_show_shares() -> None:
    svg = stacked_bars("Mix", ["W1", "W2"], [("chat", [1.0, 3.0]), ("phone", [3.0, 1.0])])
    root = ET.fromstring(svg)
    titles = [t.text for t in root.iter(f"{NS}title")]
    assert "W1 chat: 25.0%" in titles
    assert "W2 chat: 75.0%" in titles
    empty = ET.fromstring(stacked_bars("none", ["W1"], [("chat", [0.0])]))
    assert not [t for t in empty.iter(f"{NS}title") if "chat:" in (t.text or "")]
