"""The parts of one JSONL file: whole lines, every line once, errors named by the file's line."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel import samples
from servicemodel.exceptions import RecordError, ValidationError
from servicemodel.io import (
    ErrorReport,
    JsonlPart,
    read_interactions,
    split_jsonl,
    write_interactions,
)

START = pendulum.datetime(2024, 6, 3, tz="Europe/London")


@settings(max_examples=25)
@given(
    lines=st.lists(st.integers(0, 40), max_size=30),
    parts=st.integers(1, 8),
)
def test_the_parts_hold_every_line_once_in_order(
    tmp_path_factory: pytest.TempPathFactory, lines: list[int], parts: int
) -> None:
    path = tmp_path_factory.mktemp("parts") / "lines.jsonl"
    path.write_bytes(b"".join(b"x" * width + b"\n" for width in lines))
    cut = split_jsonl(path, parts)
    assert len(cut) <= parts
    assert b"".join(line for part in cut for line in part.lines()) == path.read_bytes()
    assert all(part.start < part.end for part in cut) or not lines


def test_a_bad_record_in_a_later_part_names_its_line_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "interactions.jsonl"
    good = list(samples.generate(20, seed=2, start=START))
    write_interactions(good, path)
    text = path.read_text().splitlines(keepends=True)
    text[16] = text[16].replace('"channel":"', '"channel":"fax-', 1)
    path.write_text("".join(text))
    *_, last = split_jsonl(path, 2)
    with pytest.raises(RecordError, match=r"^line 17: 'channel'"):
        list(read_interactions(last))
    report = ErrorReport()
    read = [i.id for part in split_jsonl(path, 3) for i in read_interactions(part, on_error=report)]
    assert read == [i.id for k, i in enumerate(good) if k != 16]
    assert [e.line for e in report.errors] == [17]


@pytest.mark.parametrize(
    ("path", "parts", "field"),
    [("a.jsonl", 0, "parts"), ("a.jsonl", True, "parts"), ("a.jsonl.gz", 2, "path")],
)
def test_bad_arguments_are_refused_by_name(path: str, parts: object, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        split_jsonl(path, parts)  # type: ignore[arg-type]
    assert error.value.field == field


def test_a_part_is_a_small_value() -> None:
    assert JsonlPart(path="a.jsonl", start=0, end=9) == JsonlPart(path="a.jsonl", start=0, end=9)
