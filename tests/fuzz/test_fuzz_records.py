"""Fuzzing the JSONL and CSV readers of interactions, feedback and customers.

Files are arbitrary bytes, lines of arbitrary JSON, and real records (from
``servicemodel.samples``) mutated field by field, read from binary and text
file objects and from paths (plain and gzip). The laws, beyond "only the
library's own errors escape, nothing hangs":

- stopping at the first bad record and collecting bad records into an
  ``ErrorReport`` agree: the strict read yields a prefix of the collecting
  read, and stops at the line of the report's first error;
- what is accepted is valid: written back and read again, it is equal;
- a failed read piped into a writer leaves the writer's target untouched.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import fuzz_seeds as seeds
from fuzz_support import (
    deep_text,
    fuzz_settings,
    hostile_bytes,
    json_trees,
    key_names,
    mutated,
    obeys_law,
    to_json,
    tricky_scalars,
    watchdog,
)

from servicemodel.exceptions import RecordError, ServiceModelError
from servicemodel.io import (
    ErrorReport,
    read_customers,
    read_feedback,
    read_interactions,
    write_customers,
    write_feedback,
    write_interactions,
)


@dataclass(frozen=True)
class Reader:
    """One reader and format, with the writer that writes what it reads."""

    name: str
    suffix: str
    read: Callable[..., Iterator[Any]]
    write: Callable[[Iterable[Any], Any], int]
    seed_lines: Callable[[], tuple[str, ...]]
    keys: tuple[str, ...]


READERS = (
    Reader(
        "interactions-jsonl",
        ".jsonl",
        lambda source, **kw: read_interactions(source, format="jsonl", **kw),
        lambda items, target: write_interactions(items, target, format="jsonl"),
        seeds.interaction_lines,
        ("id", "channel", "created_at", "events", "type", "at", "status", "timezone", "work"),
    ),
    Reader(
        "interactions-csv",
        ".csv",
        lambda source, **kw: read_interactions(source, format="csv", **kw),
        lambda items, target: write_interactions(items, target, format="csv"),
        lambda: tuple(seeds.interaction_csv().splitlines()),
        ("id", "channel", "created_at", "events", "type", "at", "status", "timezone"),
    ),
    Reader(
        "feedback",
        ".jsonl",
        read_feedback,
        write_feedback,
        seeds.feedback_lines,
        ("type", "customer_id", "at", "score", "channel", "interaction_id", "timezone"),
    ),
    Reader(
        "customers",
        ".jsonl",
        read_customers,
        write_customers,
        seeds.customer_lines,
        ("id", "acquired_at", "segment", "tier", "attributes"),
    ),
)
JSONL = [r for r in READERS if r.suffix == ".jsonl"]
CSV = next(r for r in READERS if r.suffix == ".csv")
by_reader = pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _drain(iterator: Iterator[Any]) -> tuple[list[Any], ServiceModelError | None]:
    """Every value the reader yields, and the library error that stopped it, if any."""
    values: list[Any] = []

    def run() -> None:
        values.extend(iterator)  # one value at a time, so a failure keeps what came before

    outcome = obeys_law(run)
    return values, outcome if isinstance(outcome, ServiceModelError) else None


def _check(reader: Reader, data: bytes, folder: Path | None = None) -> None:
    """The readers' laws for one file's bytes."""
    strict, stopped = _drain(reader.read(io.BytesIO(data)))
    report = ErrorReport()
    collected, halted = _drain(reader.read(io.BytesIO(data), on_error=report))

    assert stopped is None or isinstance(stopped, RecordError)
    assert halted is None or isinstance(halted, RecordError)
    assert collected[: len(strict)] == strict, "the strict read yields a prefix"
    if stopped is None:
        assert halted is None
        assert not report
        assert collected == strict
    elif report.errors:
        assert report.errors[0].line == stopped.line
    else:  # the collecting read met the same error that no report can skip
        assert halted is not None
        assert halted.line == stopped.line
        assert collected == strict

    # What was accepted is valid: written and read back, it is equal.
    # (CSV cannot hold a lone surrogate outside its JSON cells; the writer says so.)
    buffer = io.BytesIO()
    written = obeys_law(lambda: reader.write(collected, buffer))
    if reader is CSV and isinstance(written, ServiceModelError):
        assert "UTF-8" in str(written)
    else:
        assert written == len(collected)
        with watchdog():
            again = list(reader.read(io.BytesIO(buffer.getvalue())))
        assert again == collected

    # Text file objects read like binary ones (when the bytes are text).
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        newline = "" if reader is CSV else "\n"  # lines end at "\n" only, as in bytes
        values, error = _drain(reader.read(io.TextIOWrapper(io.BytesIO(data), newline=newline)))
        assert values == strict
        assert (error is None) == (stopped is None)
        del text

    if folder is not None:
        _check_paths(reader, data, strict, stopped, folder)


def _check_paths(
    reader: Reader, data: bytes, strict: list[Any], stopped: object, folder: Path
) -> None:
    plain = folder / f"input{reader.suffix}"
    plain.write_bytes(data)
    zipped = folder / f"input{reader.suffix}.gz"
    zipped.write_bytes(gzip.compress(data, mtime=0))
    for path in (plain, zipped):
        values, error = _drain(reader.read(path))
        assert values == strict
        assert (error is None) == (stopped is None)
    # A read that fails part-way, piped into a writer, leaves the target as it was.
    target = folder / f"target{reader.suffix}"
    target.write_bytes(b"previous content\n")
    written = obeys_law(lambda: reader.write(reader.read(plain), target))
    if stopped is None:
        assert written == len(strict)
    else:
        assert isinstance(written, RecordError)
        assert target.read_bytes() == b"previous content\n"
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert not leftovers, "a failed write leaves no temporary file behind"


def _lines(items: Iterable[str]) -> bytes:
    return ("\n".join(items) + "\n").encode("utf-8", "surrogatepass")


# ------------------------------------------------------------------ JSONL


@st.composite
def mutated_jsonl(draw: st.DrawFn, reader: Reader) -> bytes:
    """Real records, some mutated, with blank lines, CRLF, BOMs and garbage mixed in."""
    originals = reader.seed_lines()
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        line = draw(st.sampled_from(originals))
        kind = draw(st.sampled_from(["keep", "mutate", "mutate", "mutate", "garbage"]))
        if kind == "mutate":
            line = to_json(draw(mutated(json.loads(line), reader.keys)))
        elif kind == "garbage":
            line = draw(
                st.sampled_from(
                    [
                        "",
                        "   ",
                        "\ufeff" + line,
                        line[: len(line) // 2],
                        line + "\r",
                        line.replace('"', "'", 1),
                        line + line,
                        "null",
                        "[]",
                        "NaN",
                        deep_text(100_000),
                        '{"id": ' + "9" * 5000 + "}",
                        line[:-1] + ', "id": "dup"}',
                    ]
                )
            )
        lines.append(line)
    data = _lines(lines)
    if draw(st.booleans()):
        # Corrupt a few bytes: invalid UTF-8, NULs.
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.sampled_from([b"\xff", b"\x00", b"\xc3", b"\n"])) + data[at:]
    return data


@pytest.mark.parametrize("reader", JSONL, ids=lambda r: r.name)
@fuzz_settings()
@given(data=st.data())
def test_fuzz_mutated_jsonl_records(reader: Reader, folder: Path, data: st.DataObject) -> None:
    _check(reader, data.draw(mutated_jsonl(reader), label="file"), folder)


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@pytest.mark.parametrize("reader", JSONL, ids=lambda r: r.name)
@fuzz_settings(scale=0.75)
@given(data=st.data())
def test_fuzz_arbitrary_jsonl(reader: Reader, data: st.DataObject) -> None:
    trees = json_trees(key_names(*reader.keys))
    records = st.lists(st.one_of(trees, st.dictionaries(key_names(*reader.keys), trees)))
    file = data.draw(st.one_of(records.map(lambda rs: _lines(map(to_json, rs))), hostile_bytes))
    _check(reader, file)


# ------------------------------------------------------------------ CSV


@st.composite
def mutated_csv(draw: st.DrawFn) -> bytes:
    """The real CSV file with cells replaced, removed or added, and rows broken."""
    rows = list(csv.reader(io.StringIO(seeds.interaction_csv(), newline="")))
    header, body = rows[0], rows[1:]
    for _ in range(draw(st.integers(1, 4))):
        row = draw(st.sampled_from(body))
        if not row:
            continue
        cell = draw(st.integers(0, len(row) - 1))
        action = draw(
            st.sampled_from(["tricky", "json", "empty", "drop", "add", "header", "quote"])
        )
        if action == "tricky":
            row[cell] = to_json(draw(tricky_scalars)).strip('"')
        elif action == "json":
            try:
                value = json.loads(row[cell])
            except ValueError:
                value = row[cell]
            row[cell] = to_json(draw(mutated(value, ("type", "at", "status"))))
        elif action == "empty":
            row[cell] = ""
        elif action == "drop":
            del row[cell]
        elif action == "add":
            row.append(draw(st.text(max_size=5)))
        elif action == "header":
            header = draw(st.permutations(header)) if draw(st.booleans()) else header[:cell]
        else:
            row[cell] = '"' + row[cell]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\r\n", "\n"])))
    writer.writerow(header)
    writer.writerows(body)
    text = buffer.getvalue()
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = (
            text[:cut]
            + draw(st.sampled_from(['"', "\x00", "\r", ",", "\ufeff", "\n\n"]))
            + text[cut:]
        )
    return text.encode("utf-8", "surrogatepass")


@fuzz_settings()
@given(file=mutated_csv())
def test_fuzz_mutated_csv_records(folder: Path, file: bytes) -> None:
    _check(CSV, file, folder)


@fuzz_settings(scale=0.75)
@given(
    file=st.one_of(
        hostile_bytes,
        st.text(max_size=300).map(lambda t: ",".join(CSV.seed_lines()[0].split(",")) + "\n" + t),
    ).map(lambda f: f if isinstance(f, bytes) else f.encode("utf-8", "surrogatepass"))
)
def test_fuzz_arbitrary_csv(file: bytes) -> None:
    _check(CSV, file)


# ------------------------------------------------------------------ limits


@by_reader
def test_a_line_nested_100000_deep_is_a_bad_record(reader: Reader) -> None:
    deep = deep_text(100_000)
    csv_line = f"T-9,C-1,email,enquiry,normal,2024-06-10T09:00:00+00:00,{deep},{{}},[],"
    line = csv_line if reader is CSV else deep
    data = _lines([*reader.seed_lines()[:2], line, reader.seed_lines()[1]])
    report = ErrorReport()
    with watchdog():
        values = list(reader.read(io.BytesIO(data), on_error=report))
    assert [e.line for e in report.errors] == [3]
    assert len(values) == (2 if reader is CSV else 3)


@by_reader
def test_a_very_long_line_is_read_or_refused_quickly(reader: Reader) -> None:
    long = '"' + "x" * 2_000_000 + '"'
    data = _lines([*reader.seed_lines()[:1], long])
    with contextlib.suppress(RecordError), watchdog():
        list(reader.read(io.BytesIO(data)))
