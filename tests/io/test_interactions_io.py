"""Reading and writing interactions: round trips, streaming, and one error per kind of bad record."""

from __future__ import annotations

import gzip
import io
import json
import pathlib
from collections.abc import Iterator
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel import (
    Assignment,
    Interaction,
    Message,
    PriorityChange,
    SatisfactionResponse,
    StatusChange,
)
from servicemodel.exceptions import RecordError, ValidationError
from servicemodel.io import ErrorReport, Format, read_interactions, write_interactions
from servicemodel.testing import interactions

LONDON = pendulum.timezone("Europe/London")
T0 = pendulum.datetime(2024, 3, 31, 0, 30, tz="Europe/London")


def ticket(identifier: str = "T-1") -> Interaction:
    t = T0
    return Interaction(
        id=identifier,
        customer_id='C-ü,"quoted"\nline',
        channel="email",
        kind="complaint",
        priority="high",
        created_at=t,
        tags={"product:router", "theme:billing"},
        attributes={"language": "en", "note": "a,b\r\nc"},
        events=[
            Message(at=t, author="customer"),
            Message(at=t.add(seconds=2), author="bot"),
            Assignment(at=t.add(minutes=3), agent_id="A-1", group="billing"),
            StatusChange(at=t.add(minutes=3), status="open"),
            # crosses the spring-forward gap: the offset changes from +00:00 to +01:00
            Message(
                at=t.add(hours=2, microseconds=7),
                author="agent",
                author_id="A-1",
                work=pendulum.duration(minutes=4, seconds=30, microseconds=250),
            ),
            Message(at=t.add(hours=2, minutes=1), author="agent", visibility="private"),
            PriorityChange(at=t.add(hours=3), priority="urgent"),
            StatusChange(at=t.add(hours=4), status="solved"),
            SatisfactionResponse(at=t.add(days=1), score=2),
            StatusChange(at=t.add(days=2), status="closed"),
        ],
    )


def round_trip(items: list[Interaction], fmt: str) -> list[Interaction]:
    buffer = io.StringIO()
    assert write_interactions(items, buffer, format=fmt) == len(items)
    buffer.seek(0)
    return list(read_interactions(buffer, format=fmt))


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_round_trip_keeps_every_value_and_the_offsets(fmt: str) -> None:
    original = ticket()
    [back] = round_trip([original], fmt)
    assert back == original
    assert back.created_at.isoformat() == "2024-03-31T00:30:00+00:00"
    assert back.events[4].at.isoformat() == "2024-03-31T03:30:00.000007+01:00"
    assert isinstance(back.events[4], Message)
    assert back.events[4].work == pendulum.duration(minutes=4, seconds=30, microseconds=250)
    assert back.handle_time() == original.handle_time()


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@given(items=st.lists(interactions(max_events=6), max_size=4))
def test_write_then_read_gives_equal_values(fmt: str, items: list[Interaction]) -> None:
    assert round_trip(items, fmt) == items


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".jsonl.gz", ".csv.gz", ".ndjson"])
def test_paths_infer_the_format_from_the_suffix(tmp_path: pathlib.Path, suffix: str) -> None:
    path = tmp_path / f"tickets{suffix}"
    assert write_interactions([ticket("A"), ticket("B")], path) == 2
    assert [i.id for i in read_interactions(path)] == ["A", "B"]
    if suffix.endswith(".gz"):
        assert gzip.decompress(path.read_bytes())
    else:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("id,customer_id") if ".csv" in suffix else first.startswith("{")


def test_binary_file_objects_are_read_and_written_as_utf8() -> None:
    buffer = io.BytesIO()
    write_interactions([ticket()], buffer, format="jsonl")
    assert "ü".encode() in buffer.getvalue()
    buffer.seek(0)
    assert list(read_interactions(buffer, format=Format.JSONL)) == [ticket()]
    csv_buffer = io.BytesIO()
    write_interactions([ticket()], csv_buffer, format="csv")
    csv_buffer.seek(0)
    assert list(read_interactions(csv_buffer, format="csv")) == [ticket()]


def test_a_failed_write_to_a_path_leaves_the_target_untouched(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "tickets.jsonl"
    path.write_text("previous\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="'interaction' must be an Interaction"):
        write_interactions([ticket(), "not a ticket"], path)  # type: ignore[list-item]
    assert path.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tickets.jsonl"]


def test_reading_is_lazy_and_streams() -> None:
    class Lines:
        """A text source that counts the lines taken from it."""

        consumed = 0

        def __init__(self, text: str) -> None:
            self.lines = text.splitlines(keepends=True)

        def read(self) -> str:  # pragma: no cover - never called by a streaming reader
            raise AssertionError("the reader must not read the whole file")

        def __iter__(self) -> Iterator[str]:
            for line in self.lines:
                Lines.consumed += 1
                yield line

    buffer = io.StringIO()
    write_interactions([ticket(str(n)) for n in range(50)], buffer, format="jsonl")
    source = Lines(buffer.getvalue())
    reader = read_interactions(source, format="jsonl")  # type: ignore[arg-type]
    assert Lines.consumed == 0
    assert next(reader).id == "0"
    assert Lines.consumed == 1


def test_blank_lines_are_skipped_and_crlf_is_accepted() -> None:
    line = json.dumps(
        {"id": "T", "customer_id": "C", "channel": "chat", "created_at": "2024-01-01T00:00:00Z"}
    )
    text = f"\n{line}\r\n   \n{line}\n"
    assert len(list(read_interactions(io.StringIO(text), format="jsonl"))) == 2


def test_the_format_must_be_known_before_reading() -> None:
    with pytest.raises(ValidationError, match="'format' must be given"):
        read_interactions(io.StringIO(""))
    with pytest.raises(ValidationError, match="'format' must be one of 'jsonl', 'csv'"):
        read_interactions(io.StringIO(""), format="xml")
    with pytest.raises(ValidationError, match="'on_error' must be None"):
        read_interactions(io.StringIO(""), format="jsonl", on_error="collect")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'path_or_file' must be a path or an open file"):
        list(read_interactions(42, format="jsonl"))  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- bad records

GOOD = {
    "id": "T-1",
    "customer_id": "C-1",
    "channel": "email",
    "created_at": "2024-06-10T09:00:00+01:00",
    "events": [
        {"type": "message", "at": "2024-06-10T09:00:00+01:00", "author": "customer"},
        {"type": "satisfaction", "at": "2024-06-10T10:00:00+01:00", "score": 5},
    ],
}


def with_change(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(json.dumps(GOOD))
    target: Any = record
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return record


def jsonl(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


BAD_RECORDS = {
    "invalid JSON": ('{"id": "T-1", "customer_id": ', None, "must be valid JSON"),
    "a naive timestamp": (
        with_change(("created_at",), "2024-06-10T09:00:00"),
        "created_at",
        "'created_at' must be timezone-aware (got naive '2024-06-10T09:00:00'); write its UTC offset",
    ),
    "a naive event timestamp": (
        with_change(("events", 1, "at"), "2024-06-10T10:00:00"),
        "events[1].at",
        "'events[1].at' must be timezone-aware",
    ),
    "an unknown channel": (
        with_change(("channel",), "fax"),
        "channel",
        "'channel' must be one of 'phone', 'email'",
    ),
    "an out-of-range CSAT score": (
        with_change(("events", 1, "score"), 6),
        "events[1].score",
        "'events[1].score' must be an integer from 1 to 5 (got 6)",
    ),
    "events out of order": (
        with_change(("events", 1, "at"), "2024-06-10T08:59:00+01:00"),
        "events[1].at",
        "'events[1].at' must not be before 'events[0].at'",
    ),
    "a missing id": (with_change(("id",), KeyError), "id", "'id' is required"),
    "an empty id": (with_change(("id",), ""), "id", "'id' must be a non-empty string"),
    "a number as id": (with_change(("id",), 7), "id", "'id' must be a non-empty string"),
    "an unknown field": (with_change(("colour",), "red"), "colour", "'colour' is not a field"),
    "an unknown event type": (
        with_change(("events", 0, "type"), "telepathy"),
        "events[0].type",
        "'events[0].type' must be one of 'message'",
    ),
    "an event that is not an object": (
        with_change(("events", 0), "hello"),
        "events[0]",
        "'events[0]' must be a JSON object",
    ),
    "a record that is not an object": ([1, 2], None, "'record' must be a JSON object"),
    "tags as one string": (with_change(("tags",), "vip"), "tags", "'tags' must be a list"),
    "tags as an object": (with_change(("tags",), {"vip": 1}), "tags", "'tags' must be a list"),
    "a score written as text": (
        with_change(("events", 1, "score"), "5"),
        "events[1].score",
        "'events[1].score' must be an integer from 1 to 5",
    ),
    "a negative work duration": (
        with_change(("events", 0, "work"), "-PT1M"),
        "events[0].work",
        "'events[0].work' must not be negative",
    ),
    "an unknown author": (
        with_change(("events", 0, "author"), "ghost"),
        "events[0].author",
        "'events[0].author' must be one of 'customer', 'agent', 'bot' (got 'ghost')",
    ),
    "a sub-second offset": (
        with_change(("created_at",), "2024-06-10T09:00:00+01:00:00.5"),
        "created_at",
        "must have a UTC offset in whole seconds",
    ),
    "a date without time": (
        with_change(("created_at",), "June 10th"),
        "created_at",
        "'created_at' must be an ISO 8601 timestamp",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_RECORDS))
def test_a_bad_record_names_its_line_and_field(case: str) -> None:
    bad, field, message = BAD_RECORDS[case]
    text = jsonl(GOOD, GOOD, bad, GOOD)
    reader = read_interactions(io.StringIO(text), format="jsonl")
    assert next(reader).id == "T-1"
    assert next(reader).id == "T-1"
    with pytest.raises(RecordError) as caught:
        next(reader)
    assert caught.value.line == 3
    assert caught.value.field == field
    assert str(caught.value).startswith("line 3: ")
    assert message in str(caught.value)


@pytest.mark.parametrize("case", sorted(BAD_RECORDS))
def test_an_error_report_collects_bad_records_and_reading_goes_on(case: str) -> None:
    bad, field, _ = BAD_RECORDS[case]
    report = ErrorReport()
    text = jsonl(GOOD, bad, GOOD, bad)
    values = list(read_interactions(io.StringIO(text), format="jsonl", on_error=report))
    assert len(values) == 2
    assert report.count == 2
    assert [(e.line, e.field) for e in report.errors] == [(2, field), (4, field)]
    assert str(report).startswith("2 bad records:\n  line 2: ")


def test_an_error_report_keeps_only_the_first_errors_but_counts_all() -> None:
    report = ErrorReport(keep=2)
    text = jsonl(*(["{"] * 5), GOOD)
    assert len(list(read_interactions(io.StringIO(text), format="jsonl", on_error=report))) == 1
    assert (report.count, len(report.errors), bool(report)) == (5, 2, True)
    assert str(report).endswith("... and 3 more")
    with pytest.raises(ValidationError, match="'keep' must be an integer of at least 0"):
        ErrorReport(keep=-1)


def csv_text(*rows: str) -> str:
    header = "id,customer_id,channel,kind,priority,created_at,tags,attributes,events"
    return "\r\n".join([header, *rows]) + "\r\n"


def test_csv_errors_name_the_physical_line_where_the_record_starts() -> None:
    good = 'T-1,"C\n1",email,enquiry,normal,2024-06-10T09:00:00Z,[],{},[]'
    bad = "T-2,C-2,fax,enquiry,normal,2024-06-10T09:00:00Z,[],{},[]"
    reader = read_interactions(io.StringIO(csv_text(good, bad)), format="csv")
    assert next(reader).customer_id == "C\n1"
    with pytest.raises(RecordError) as caught:
        next(reader)
    assert (caught.value.line, caught.value.field) == (4, "channel")


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("T-1,C-1,email,enquiry,normal,2024-06-10T09:00:00Z,[],{}", None, "must have 9 cells"),
        ("T-1,C-1,email,enquiry,normal,2024-06-10T09:00:00Z,[],{},[", "events", "must be JSON"),
        (",C-1,email,enquiry,normal,2024-06-10T09:00:00Z,[],{},[]", "id", "'id' is required"),
        (
            'T-1,C-1,email,enquiry,normal,2024-06-10T09:00:00Z,[],{},"[{""type"":""satisfaction"",""at"":""2024-06-10T10:00:00Z"",""score"":9}]"',
            "events[0].score",
            "must be an integer from 1 to 5 (got 9)",
        ),
    ],
)
def test_bad_csv_rows(row: str, field: str | None, message: str) -> None:
    report = ErrorReport()
    assert list(read_interactions(io.StringIO(csv_text(row)), format="csv", on_error=report)) == []
    [error] = report.errors
    assert (error.line, error.field) == (2, field)
    assert message in str(error)


def test_a_csv_header_must_name_the_columns() -> None:
    with pytest.raises(RecordError, match="lacks the column\\(s\\) channel") as caught:
        list(read_interactions(io.StringIO("id,customer_id,created_at\r\n"), format="csv"))
    assert (caught.value.line, caught.value.field) == (1, "header")
    with pytest.raises(RecordError, match="unknown column\\(s\\) colour"):
        list(
            read_interactions(
                io.StringIO("id,customer_id,channel,created_at,colour\r\n"), format="csv"
            )
        )
    assert list(read_interactions(io.StringIO(""), format="csv")) == []


def test_csv_with_only_the_required_columns_uses_the_defaults() -> None:
    text = "channel,created_at,customer_id,id\r\nchat,2024-06-10T09:00:00Z,C-1,T-1\r\n"
    [value] = read_interactions(io.StringIO(text), format="csv")
    assert (value.kind.value, value.priority.value, value.events) == ("enquiry", "normal", ())


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_named_zone_and_the_fold_of_an_ambiguous_time_come_back(fmt: str) -> None:
    # 01:30 happens twice in London on 2024-10-27; the second one has fold=1 (+00:00).
    zone = pendulum.timezone("Europe/London")
    first = pendulum.DateTime(2024, 10, 27, 1, 30, tzinfo=zone, fold=0)
    second = pendulum.DateTime(2024, 10, 27, 1, 30, tzinfo=zone, fold=1)
    original = Interaction(
        id="T",
        customer_id="C",
        channel="chat",
        created_at=first,
        events=[Message(at=second, author="customer")],
    )
    [back] = round_trip([original], fmt)
    assert back == original
    assert back.created_at.tzinfo is zone
    assert (back.created_at.fold, back.events[0].at.fold) == (0, 1)
    assert back.events[0].at.isoformat() == "2024-10-27T01:30:00+00:00"


def test_mixed_zones_come_back_as_fixed_offsets_at_the_same_instants() -> None:
    created = pendulum.datetime(2024, 6, 10, 9, tz="Europe/London")
    original = Interaction(
        id="T",
        customer_id="C",
        channel="chat",
        created_at=created,
        events=[Message(at=created.in_timezone("Asia/Kolkata"), author="customer")],
    )
    [back] = round_trip([original], "jsonl")
    assert back == original
    assert back.events[0].at.isoformat() == "2024-06-10T13:30:00+05:30"
    assert back.created_at.utcoffset() == created.utcoffset()


def test_an_unknown_timezone_name_is_a_bad_record() -> None:
    bad = with_change(("timezone",), "Mars/Base")
    with pytest.raises(RecordError) as caught:
        list(read_interactions(io.StringIO(jsonl(bad)), format="jsonl"))
    assert (caught.value.line, caught.value.field) == (1, "timezone")
    assert "'timezone' must be an IANA zone name" in str(caught.value)


def test_a_timestamp_in_another_offset_is_shown_in_the_named_zone() -> None:
    record = with_change(("timezone",), "Europe/London")
    record["events"][0]["at"] = "2024-06-10T13:30:00+05:30"
    [back] = read_interactions(io.StringIO(jsonl(record)), format="jsonl")
    assert back.events[0].at.isoformat() == "2024-06-10T09:00:00+01:00"
    assert back.events[0].at.timezone_name == "Europe/London"


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


def test_a_london_record_stamped_in_utc_reads_its_spring_forward_hour_in_summer_time() -> None:
    # Through the public reader: a record in London's zone written in UTC (as a vendor's
    # export is), opened in the hour the clocks go forward.
    record = {
        "id": "T-1",
        "customer_id": "C-1",
        "channel": "email",
        "created_at": "2024-03-31T01:30:00Z",
        "events": [{"type": "message", "at": "2024-03-31T01:30:00Z", "author": "customer"}],
        "timezone": "Europe/London",
    }
    (interaction,) = read_interactions(io.StringIO(json.dumps(record) + "\n"), format="jsonl")
    assert interaction.created_at == pendulum.datetime(2024, 3, 31, 2, 30, tz="Europe/London")
    assert interaction.created_at.hour == 2
    assert interaction.events[0].at.isoformat() == "2024-03-31T02:30:00+01:00"
