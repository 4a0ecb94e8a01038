"""Feedback and customers as JSON Lines: round trips and bad records."""

from __future__ import annotations

import io
import json
import pathlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel import Customer
from servicemodel.exceptions import RecordError, ValidationError
from servicemodel.feedback import Feedback
from servicemodel.io import (
    ErrorReport,
    read_customers,
    read_feedback,
    write_customers,
    write_feedback,
)
from servicemodel.testing import customers, feedback


@given(st.lists(feedback(), max_size=5))
def test_feedback_round_trips(items: list[Feedback]) -> None:
    buffer = io.StringIO()
    assert write_feedback(items, buffer) == len(items)
    buffer.seek(0)
    assert list(read_feedback(buffer)) == items


@given(st.lists(customers(), max_size=5))
def test_customers_round_trip(items: list[Customer]) -> None:
    buffer = io.StringIO()
    assert write_customers(items, buffer) == len(items)
    buffer.seek(0)
    assert list(read_customers(buffer)) == items


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('{"type":"nps","customer_id":"C","at":"2024-01-01T00:00:00Z","score":11}', "score",
         "'score' must be an integer from 0 to 10 (got 11)"),
        ('{"type":"poll","customer_id":"C","at":"2024-01-01T00:00:00Z","score":1}', "type",
         "'type' must be one of 'csat', 'nps', 'ces', 'review' (got 'poll')"),
        ('{"type":"review","customer_id":"C","at":"2024-01-01T00:00:00Z","score":4}', "score",
         "'score' is not a field of the record"),
        ('{"type":"csat","customer_id":"C","at":"2024-01-01T00:00:00","score":4}', "at",
         "'at' must be timezone-aware"),
        ('{"type":"ces","customer_id":"C","at":"2024-01-01T00:00:00Z","score":4,"channel":"fax"}',
         "channel", "'channel' must be one of 'phone'"),
        ('{"type":"ces","at":"2024-01-01T00:00:00Z","score":4}', "customer_id",
         "'customer_id' is required"),
    ],
)  # fmt: skip
def test_bad_feedback_names_line_and_field(line: str, field: str, message: str) -> None:
    good = '{"type":"csat","customer_id":"C","at":"2024-01-01T00:00:00Z","score":4}'
    reader = read_feedback(io.StringIO(f"{good}\n{line}\n"))
    next(reader)
    with pytest.raises(RecordError) as caught:
        next(reader)
    assert (caught.value.line, caught.value.field) == (2, field)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('{"acquired_at":"2024-01-01T00:00:00Z"}', "id", "'id' is required"),
        ('{"id":"C","acquired_at":"2024-02-01T00:00:00Z","churned_at":"2024-01-01T00:00:00Z"}',
         "churned_at", "'churned_at' must not be before 'acquired_at'"),
        ('{"id":"C","acquired_at":"2024-01-01T00:00:00Z","churned_at":5}', "churned_at",
         "'churned_at' must be an ISO 8601 timestamp"),
    ],
)  # fmt: skip
def test_bad_customers_are_collected(line: str, field: str, message: str) -> None:
    report = ErrorReport()
    good = '{"id":"C","acquired_at":"2024-01-01T00:00:00Z"}'
    values = list(read_customers(io.StringIO(f"{line}\n{good}\n"), on_error=report))
    assert len(values) == 1
    [error] = report.errors
    assert (error.line, error.field) == (1, field)
    assert message in str(error)


def test_feedback_and_customers_are_jsonl_only(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValidationError, match="'format' must be one of 'jsonl' here"):
        read_customers(tmp_path / "people.csv")
    with pytest.raises(ValidationError, match="'feedback' must be a CsatResponse"):
        write_feedback(["great"], io.StringIO())  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="'customer' must be a Customer"):
        write_customers(["C-1"], io.StringIO())  # type: ignore[list-item]


_CUSTOMER = '{"id": "C-1", "acquired_at": "2024-01-01T00:00:00Z"}'


@pytest.mark.parametrize(
    "line",
    [
        _CUSTOMER.encode() + b"\n",
        _CUSTOMER.encode() + b"\r\n",
        _CUSTOMER.encode(),
        b" \t" + _CUSTOMER.encode() + b" \r\n",
        b"\xef\xbb\xbf" + _CUSTOMER.encode() + b"\n",  # a UTF-8 byte-order mark
        _CUSTOMER.encode("utf-16"),
        _CUSTOMER.encode("utf-32-le"),
        _CUSTOMER.replace("C-1", "C-\\ud800").encode() + b"\n",  # an escaped lone surrogate
        _CUSTOMER.replace('"C-1"', '"C-2", "id": "C-1"').encode() + b"\n",  # the last wins
        _CUSTOMER.encode() + b" x\n",
        _CUSTOMER.encode() + b"\x0b\n",  # not JSON whitespace
        _CUSTOMER.replace("C-1", "C-\xe9").encode("latin-1") + b"\n",
        b"[" * 100_000 + b"\n",
    ],
)
def test_a_line_reads_as_json_loads_reads_it(line: bytes) -> None:
    # The reader parses the common line directly: every line still reads as
    # json.loads reads it, or fails with json.loads's own error.
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:
        expected = f"line 1: the record must be valid JSON (got {type(exc).__name__}: {exc})"
        with pytest.raises(RecordError) as caught:
            list(read_customers(io.BytesIO(line)))
        assert str(caught.value) == expected
    else:
        values = list(read_customers(io.BytesIO(json.dumps(record).encode())))
        assert list(read_customers(io.BytesIO(line))) == values
