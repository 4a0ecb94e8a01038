"""Streaming readers and all-or-nothing writers for JSONL and CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Final, TypeVar

from .._validators import shown
from ..customers import Customer
from ..exceptions import RecordError, ValidationError
from ..feedback import Feedback
from ..interactions import Interaction
from ._codec import (
    INTERACTION_FIELDS,
    decode_customer,
    decode_feedback,
    encode_customer,
    encode_feedback,
    encode_interaction,
)
from ._decoder import InteractionDecoder
from ._files import Format, PathOrFile, open_binary, open_target, open_text, resolve_format
from ._parts import JsonlPart
from ._report import ErrorReport

__all__ = [
    "read_customers",
    "read_feedback",
    "read_interactions",
    "write_customers",
    "write_feedback",
    "write_interactions",
]

T = TypeVar("T")

_BOTH = (Format.JSONL, Format.CSV)
_JSONL_ONLY = (Format.JSONL,)
_JSON_COLUMNS = frozenset({"tags", "attributes", "events"})
_REQUIRED_COLUMNS = ("id", "customer_id", "channel", "created_at")


def check_on_error(on_error: object) -> ErrorReport | None:
    if on_error is None or isinstance(on_error, ErrorReport):
        return on_error
    raise ValidationError(
        "'on_error' must be None (stop at the first bad record) or an ErrorReport "
        f"(collect bad records and go on) (got {on_error!r})",
        field="on_error",
        value=on_error,
    )


def line_error(line: int, error: ValidationError) -> RecordError:
    """A field error of a record, named by the line it starts on."""
    return RecordError(
        f"line {line}: {error.message}", line=line, field=error.field, value=error.value
    )


def _invalid_json(line: int, error: Exception) -> RecordError:
    return RecordError(
        f"line {line}: the record must be valid JSON (got {type(error).__name__}: {error})",
        line=line,
    )


_NOT_JSON = object()
#: The parser ``json.loads`` runs: a default ``JSONDecoder``'s scanner, for :func:`_plain_json`
#: (what its ``raw_decode`` calls; it raises ``StopIteration`` where ``raw_decode`` raises
#: ``JSONDecodeError``).
_SCAN: Final[Callable[[str, int], tuple[Any, int]]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_LINE_ENDS: Final = ("\n", "\r\n", "")


def _plain_json(line: object) -> Any:
    """The value of a line that is one JSON value in UTF-8 and its line end, else ``_NOT_JSON``.

    The common line, parsed by the parser ``json.loads`` itself runs, without
    its encoding detection and its whitespace handling: a line in UTF-8 that
    decodes strictly is one ``json.loads`` reads as UTF-8 too (a BOM, UTF-16
    and UTF-32 fail here), and a value that starts the line and ends at its
    line end is the value ``json.loads`` returns. Anything else (leading
    blanks, other bytes, an error) is left to ``json.loads``, whose result or
    error is then the line's.

    >>> _plain_json(b'{"id": "T-1"}\\n'), _plain_json(b' {"id": "T-1"}') is _NOT_JSON
    ({'id': 'T-1'}, True)
    """
    try:
        text = line.decode() if type(line) is bytes else line
        if type(text) is str:
            value, end = _SCAN(text, 0)
            if text[end:] in _LINE_ENDS:
                return value
    except (ValueError, RecursionError, StopIteration):  # UnicodeDecodeError included
        pass
    return _NOT_JSON


def _after_bom(line: str | bytes) -> Any:
    """The record of a text line that starts with a byte-order mark, else ``_NOT_JSON``.

    ``json.loads`` skips a UTF-8 BOM in bytes but not in text; skipping it in
    text too makes a file read the same from a path and from ``sys.stdin``.
    """
    if isinstance(line, str) and line.startswith("\ufeff"):
        try:
            return json.loads(line[1:])
        except (ValueError, RecursionError):
            pass
    return _NOT_JSON


def _jsonl(
    source: PathOrFile, decode: Callable[[Any], T], report: ErrorReport | None
) -> Iterator[T]:
    with open_binary(source) as file:
        yield from decode_lines(file, decode, report)


def decode_lines(
    lines: Iterable[Any],
    decode: Callable[[Any], T],
    report: ErrorReport | None,
    *,
    first: int = 1,
) -> Iterator[T]:
    """Decode JSON lines numbered from *first*: a bad one raises, or goes to *report*."""
    loads, plain = json.loads, _plain_json
    for number, line in enumerate(lines, first):
        record = plain(line)
        if record is _NOT_JSON:
            try:
                record = loads(line)
            except (ValueError, RecursionError) as exc:
                if not line.strip(b" \t\r\n" if isinstance(line, bytes) else " \t\r\n"):
                    continue  # a blank line: JSON whitespace only, the same in bytes and text
                record = _after_bom(line)
                if record is _NOT_JSON:
                    error = _invalid_json(number, exc)
                    if report is None:
                        raise error from None
                    report.add(error)
                    continue
        try:
            value = decode(record)
        except ValidationError as exc:
            error = line_error(number, exc)
            if report is None:
                raise error from None
            report.add(error)
            continue
        yield value


def _csv_record(header: list[str], row: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name, cell in zip(header, row, strict=True):
        if cell == "":
            continue
        if name in _JSON_COLUMNS:
            try:
                record[name] = json.loads(cell)
            except (ValueError, RecursionError) as exc:
                raise ValidationError(
                    f"'{name}' must be JSON in its CSV cell (got {type(exc).__name__}: {exc})",
                    field=name,
                    value=cell,
                ) from None
        else:
            record[name] = cell
    return record


def _check_header(header: list[str]) -> None:
    missing = [name for name in _REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name not in INTERACTION_FIELDS]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if missing or unknown or repeated:
        problem = (
            f"lacks the column(s) {', '.join(missing)}"
            if missing
            else f"has unknown column(s) {', '.join(unknown)}"
            if unknown
            else f"repeats the column(s) {', '.join(repeated)}"
        )
        raise RecordError(
            f"line 1: the CSV header {problem}; expected {','.join(INTERACTION_FIELDS)} "
            f"(got {','.join(header)})",
            line=1,
            field="header",
            value=header,
        )


def _csv(source: PathOrFile, report: ErrorReport | None) -> Iterator[Interaction]:
    decode = InteractionDecoder().decode
    with open_text(source) as file:
        reader = csv.reader(file, strict=True)
        try:
            header = next(reader, None)
        except UnicodeDecodeError as exc:
            # The first chunk read holds a bad byte (not necessarily on the header line).
            raise RecordError(f"line 1: the file must be UTF-8 ({exc})", line=1) from None
        except csv.Error as exc:
            raise RecordError(f"line 1: the CSV header is malformed ({exc})", line=1) from None
        if header is None:
            return
        if header and header[0].startswith("\ufeff"):  # a byte-order mark (Excel writes one)
            header[0] = header[0][1:]
        _check_header(header)
        for start, row in csv_records(reader, len(header), report):
            try:
                value = decode(_csv_record(header, row))
            except ValidationError as exc:
                error = line_error(start, exc)
                if report is None:
                    raise error from None
                report.add(error)
                continue
            yield value


def csv_records(
    reader: Any, width: int, report: ErrorReport | None
) -> Iterator[tuple[int, list[str]]]:
    """The records of a ``csv.reader`` past its header, each with the line it starts on.

    Blank lines are skipped. A malformed record, or one without *width*
    cells, is a RecordError naming its line: raised, or added to *report*
    and skipped. A file that is not UTF-8 stops the reading in any mode (what
    follows the bad byte cannot be read reliably).
    """
    end = reader.line_num
    while True:
        start = end + 1
        try:
            row = next(reader, None)
        except UnicodeDecodeError as exc:
            raise RecordError(f"line {start}: the file must be UTF-8 ({exc})", line=start) from None
        except csv.Error as exc:
            end = reader.line_num
            error = RecordError(f"line {start}: the CSV record is malformed ({exc})", line=start)
            if report is None:
                raise error from None
            report.add(error)
            continue
        if row is None:
            return
        end = reader.line_num
        if not row:
            continue
        if len(row) != width:
            error = line_error(
                start,
                ValidationError(
                    f"the CSV record must have {width} cells like the header (got {len(row)})",
                    value=row,
                ),
            )
            if report is None:
                raise error
            report.add(error)
            continue
        yield start, row


def read_interactions(
    path_or_file: PathOrFile | JsonlPart,
    *,
    format: Format | str | None = None,
    on_error: ErrorReport | None = None,
) -> Iterator[Interaction]:
    """Stream interactions from a JSONL or CSV file, one validated value at a time.

    The file is read line by line (a 10 GB file is never loaded whole) and
    opened when iteration starts; a path ending in ``.gz`` is decompressed on
    the fly. The format comes from *format* or from the suffix (``.jsonl``,
    ``.ndjson``, ``.csv``, optionally followed by ``.gz``). Timestamps come
    back in the record's ``timezone`` when it names one (the writer adds it
    when all of an interaction's timestamps share a named zone), otherwise
    with the fixed UTC offset they were written with; the instants are equal. The record format is described in
    ``docs/reference/data-format.md``. Blank lines are skipped.

    Args:
        path_or_file: a path, an open text or binary file (e.g. ``sys.stdin``), or
            a :class:`JsonlPart` of a JSONL file (from :func:`split_jsonl`).
        format: ``"jsonl"`` or ``"csv"`` (a :class:`Format`); inferred from the suffix if omitted.
        on_error: ``None`` (the default) stops at the first bad record by
            raising :class:`~servicemodel.exceptions.RecordError`; an
            :class:`ErrorReport` collects bad records into itself while the
            good ones are still yielded.

    Returns:
        A lazy iterator of :class:`~servicemodel.interactions.Interaction`.

    Raises:
        RecordError: a bad record (when no report collects them); names the
            1-based line number (``.line``) and the field (``.field``).
        ValidationError: *format* is unknown or cannot be inferred, or
            *on_error* is neither ``None`` nor an ErrorReport (raised at call time).

    >>> import io
    >>> text = ('{"id": "T-1", "customer_id": "C-1", "channel": "email", '
    ...         '"created_at": "2024-06-10T09:00:00+01:00"}\\n'
    ...         '{"id": "T-2", "customer_id": "C-1", "channel": "fax", '
    ...         '"created_at": "2024-06-10T10:00:00+01:00"}\\n')
    >>> [i.id for i in read_interactions(io.StringIO(text), format="jsonl")]
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.RecordError: line 2: 'channel' must be one of 'phone', ... (got 'fax')
    >>> report = ErrorReport()
    >>> [i.id for i in read_interactions(io.StringIO(text), format="jsonl", on_error=report)]
    ['T-1']
    >>> [(e.line, e.field) for e in report.errors]
    [(2, 'channel')]
    """
    if isinstance(path_or_file, JsonlPart):
        report = check_on_error(on_error)
        return _part(path_or_file, InteractionDecoder().decode, report)
    chosen = resolve_format(format, path_or_file, allowed=_BOTH)
    report = check_on_error(on_error)
    if chosen is Format.CSV:
        return _csv(path_or_file, report)
    return _jsonl(path_or_file, InteractionDecoder().decode, report)


def _part(part: JsonlPart, decode: Callable[[Any], T], report: ErrorReport | None) -> Iterator[T]:
    yield from decode_lines(part.lines(), decode, report, first=part.first_line())


def _write_jsonl(
    items: Iterable[T], target: PathOrFile, encode: Callable[[T], dict[str, Any]]
) -> int:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    count = 0
    with open_target(target) as file:
        write = file.write
        for item in items:
            record = encode(item)
            try:
                write(dumps(record) + "\n")
            except UnicodeEncodeError:
                # A lone surrogate (JSON text may carry one as an escape, so readers
                # accept it): UTF-8 cannot hold it, so write this record all-ASCII.
                write(_ASCII_DUMPS(record) + "\n")
            count += 1
    return count


_ASCII_DUMPS = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def _write_csv(items: Iterable[Interaction], file: IO[str]) -> int:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    writer = csv.writer(file, lineterminator="\r\n")
    writer.writerow(INTERACTION_FIELDS)
    count = 0
    for item in items:
        record = encode_interaction(item)
        row = [
            record["id"],
            record["customer_id"],
            record["channel"],
            record["kind"],
            record["priority"],
            record["created_at"],
            dumps(record["tags"]),
            dumps(record["attributes"]),
            dumps(record["events"]),
            record.get("timezone", ""),
            record.get("opened_by", ""),
        ]
        try:
            writer.writerow(row)
        except UnicodeEncodeError:
            # A lone surrogate: JSON cells can carry it escaped, plain cells cannot.
            row[6:9] = [_ASCII_DUMPS(record[key]) for key in ("tags", "attributes", "events")]
            bad = next((cell for cell in row if not _encodable(cell)), None)
            if bad is not None:
                raise ValidationError(
                    f"'interactions' must hold text UTF-8 can encode to be written as CSV "
                    f"(got {shown(bad)} in interaction {shown(record['id'])}); write JSONL, "
                    "which escapes it",
                    field="interactions",
                    value=item,
                ) from None
            writer.writerow(row)
        count += 1
    return count


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def write_interactions(
    interactions: Iterable[Interaction],
    path_or_file: PathOrFile,
    *,
    format: Format | str | None = None,
) -> int:
    """Write interactions as JSONL or CSV, streaming; return how many were written.

    Reading the result back with :func:`read_interactions` gives equal values.
    Writing to a path goes through a temporary file that replaces the target
    only when every record was written, so a failure (say, a non-interaction
    in the input) leaves the target untouched. A file object receives records
    as they are encoded. CSV holds ``tags``, ``attributes`` and ``events`` as
    JSON in their cells.

    Args:
        interactions: any iterable of interactions (consumed once, lazily).
        path_or_file: a path (``.gz`` compresses) or an open text or binary file.
        format: ``"jsonl"`` or ``"csv"``; inferred from the suffix if omitted.

    Returns:
        The number of interactions written.

    Raises:
        ValidationError: the format is unknown or cannot be inferred, or an
            item is not an :class:`~servicemodel.interactions.Interaction`.

    >>> import io, pendulum
    >>> from servicemodel import Interaction
    >>> ticket = Interaction(id="T-1", customer_id="C-1", channel="chat",
    ...                      created_at=pendulum.datetime(2024, 6, 10, 9, tz="Europe/London"))
    >>> out = io.StringIO()
    >>> write_interactions([ticket], out, format="jsonl")
    1
    >>> print(out.getvalue(), end="")
    {"id":"T-1","customer_id":"C-1","channel":"chat","kind":"enquiry","priority":"normal","created_at":"2024-06-10T09:00:00+01:00","tags":[],"attributes":{},"events":[],"timezone":"Europe/London"}
    >>> out.seek(0)
    0
    >>> list(read_interactions(out, format="jsonl")) == [ticket]
    True
    """
    chosen = resolve_format(format, path_or_file, allowed=_BOTH)
    if chosen is Format.CSV:
        with open_target(path_or_file) as file:
            return _write_csv(interactions, file)
    return _write_jsonl(interactions, path_or_file, encode_interaction)


def read_feedback(
    path_or_file: PathOrFile, *, on_error: ErrorReport | None = None
) -> Iterator[Feedback]:
    """Stream survey responses and reviews (CSAT, NPS, CES, reviews) from a JSONL file.

    Works like :func:`read_interactions`; each line carries a ``type`` of
    ``csat``, ``nps``, ``ces`` or ``review``.

    >>> import io
    >>> line = '{"type":"nps","customer_id":"C-1","at":"2024-06-10T09:00:00Z","score":9}\\n'
    >>> [f.score for f in read_feedback(io.StringIO(line))]
    [9]
    """
    resolve_format(None, path_or_file, allowed=_JSONL_ONLY, default=Format.JSONL)
    report = check_on_error(on_error)
    return _jsonl(path_or_file, decode_feedback, report)


def write_feedback(feedback: Iterable[Feedback], path_or_file: PathOrFile) -> int:
    """Write survey responses and reviews as JSONL; return how many were written.

    >>> import io, pendulum
    >>> from servicemodel import CesResponse
    >>> out = io.StringIO()
    >>> write_feedback([CesResponse(customer_id="C-1", at=pendulum.datetime(2024, 6, 10),
    ...                             score=6)], out)
    1
    >>> out.getvalue()
    '{"type":"ces","customer_id":"C-1","at":"2024-06-10T00:00:00+00:00","score":6}\\n'
    """
    resolve_format(None, path_or_file, allowed=_JSONL_ONLY, default=Format.JSONL)
    return _write_jsonl(feedback, path_or_file, encode_feedback)


def read_customers(
    path_or_file: PathOrFile, *, on_error: ErrorReport | None = None
) -> Iterator[Customer]:
    """Stream customers from a JSONL file (see :func:`read_interactions` for the options).

    >>> import io
    >>> line = '{"id":"C-1","acquired_at":"2023-01-05T10:00:00Z","tier":"gold"}\\n'
    >>> [c.tier for c in read_customers(io.StringIO(line))]
    ['gold']
    """
    resolve_format(None, path_or_file, allowed=_JSONL_ONLY, default=Format.JSONL)
    report = check_on_error(on_error)
    return _jsonl(path_or_file, decode_customer, report)


def write_customers(customers: Iterable[Customer], path_or_file: PathOrFile) -> int:
    """Write customers as JSONL; return how many were written.

    >>> import io, pendulum
    >>> from servicemodel import Customer
    >>> out = io.StringIO()
    >>> write_customers([Customer(id="C-1", acquired_at=pendulum.datetime(2023, 1, 5))], out)
    1
    >>> out.getvalue()
    '{"id":"C-1","acquired_at":"2023-01-05T00:00:00+00:00"}\\n'
    """
    resolve_format(None, path_or_file, allowed=_JSONL_ONLY, default=Format.JSONL)
    return _write_jsonl(customers, path_or_file, encode_customer)
