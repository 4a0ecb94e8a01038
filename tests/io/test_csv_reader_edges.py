"""The CSV interaction reader: malformed records, blank lines and bytes that are not UTF-8."""

from __future__ import annotations

import io

import pytest

from servicemodel.exceptions import RecordError
from servicemodel.io import ErrorReport, read_interactions

HEADER = "id,customer_id,channel,kind,priority,created_at,tags,attributes,events,timezone\r\n"


def row(ident: str, channel: str = "chat") -> str:
    return f"{ident},C,{channel},enquiry,normal,2024-06-10T09:00:00+00:00,[],{{}},[],\r\n"


def ids(data: bytes, report: ErrorReport | None = None) -> list[str]:
    return [i.id for i in read_interactions(io.BytesIO(data), format="csv", on_error=report)]


def test_a_malformed_header_is_reported_at_line_one() -> None:
    data = ('"id,cus"x' + HEADER[8:] + row("T-0")).encode()
    with pytest.raises(RecordError, match=r"^line 1: the CSV header is malformed \(") as caught:
        ids(data)
    assert caught.value.line == 1


def test_a_malformed_record_stops_the_read_at_its_line() -> None:
    data = (HEADER + row("T-0") + row("T-1", channel='"ch"at') + row("T-2")).encode()
    with pytest.raises(RecordError, match=r"^line 3: the CSV record is malformed \(") as caught:
        ids(data)
    assert caught.value.line == 3


def test_a_malformed_record_is_skipped_and_listed_when_collecting() -> None:
    data = (HEADER + row("T-0") + row("T-1", channel='"ch"at') + row("T-2")).encode()
    report = ErrorReport(keep=5)
    assert ids(data, report) == ["T-0", "T-2"]
    assert str(report).startswith("1 bad record:\n  line 3: the CSV record is malformed (")


def test_blank_lines_between_records_are_ignored() -> None:
    assert ids((HEADER + row("T-0") + "\r\n" + row("T-2")).encode()) == ["T-0", "T-2"]


def test_a_bad_byte_in_the_first_chunk_is_an_encoding_problem_not_a_header_problem() -> None:
    data = (HEADER + row("T-0")).encode() + b"T-\xff1,C\r\n"
    with pytest.raises(RecordError, match=r"^line 1: the file must be UTF-8 \("):
        ids(data)


def test_a_bad_byte_later_in_the_file_stops_even_a_collecting_read() -> None:
    data = (HEADER + "".join(row(f"T-{i}") for i in range(300))).encode() + b"T-\xff1,C\r\n"
    report = ErrorReport(keep=5)
    seen: list[str] = []

    def read_all() -> None:
        for interaction in read_interactions(io.BytesIO(data), format="csv", on_error=report):
            seen.append(interaction.id)

    with pytest.raises(RecordError, match=r"the file must be UTF-8 \(") as caught:
        read_all()
    # Records decoded before the bad chunk were delivered in order; the error names a later line.
    assert seen == [f"T-{i}" for i in range(len(seen))]
    assert 1 < len(seen) < 300
    assert caught.value.line == len(seen) + 2
    assert not report
