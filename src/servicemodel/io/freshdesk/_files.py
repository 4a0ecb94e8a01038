"""The saved API responses of a Freshdesk export folder, read record by record.

Each file holds what one endpoint returned: a JSON array of objects
(``tickets.json``, ``conversations.json``, ...) or, for the ticket-activities
export, the downloaded object whose ``activities_data`` is that array.
Records come with the 1-based line they start on, so every error names the
file, the line, the ticket and the field. A file that is not JSON (a
download cut short, say) is refused whole, naming the line where it breaks.
"""

from __future__ import annotations

import datetime as _dt
import glob
import json
import os
import re
from collections.abc import Iterator
from typing import Any, Final

from ...exceptions import RecordError, ValidationError
from .._vendor import instant, record_error

__all__ = ["JsonFile", "find_files", "stamp"]

_DECODER: Final = json.JSONDecoder()
_SPACE: Final = re.compile(r"[ \t\n\r]*")
_ACTIVITY_TIME: Final = re.compile(r"(\d\d)-(\d\d)-(\d{4}) (\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)")


class JsonFile:
    """One saved response: its path, the name errors use, and its records."""

    __slots__ = ("file", "path")

    def __init__(self, path: str) -> None:
        self.path = path
        self.file = os.path.basename(path)

    def _text(self) -> str:
        try:
            with open(self.path, encoding="utf-8-sig") as handle:
                return handle.read()
        except UnicodeDecodeError as error:
            raise record_error(
                self.file, 1, None, f"the file is not UTF-8 text ({error})"
            ) from None

    def _broken(self, text: str, error: json.JSONDecodeError) -> RecordError:
        whole = text.rstrip().endswith(("]", "}"))
        end = "" if whole else " (the file ends too soon: truncated?)"
        return record_error(
            self.file, error.lineno, None, f"the file is not valid JSON: {error.msg}{end}"
        )

    def records(self, key: str | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(line, object)`` for each element of the file's array (or of ``key`` in its object).

        Raises:
            RecordError: the file is not JSON, is not the expected shape, or an
                element is not an object.
        """
        text = self._text()
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise self._broken(text, error) from None
        if key is None:
            start = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
            if not isinstance(document, list):
                raise record_error(
                    self.file,
                    1,
                    None,
                    f"the file must hold a JSON array, as the API returns it (got "
                    f"{type(document).__name__})",
                )
        else:
            found = document.get(key) if isinstance(document, dict) else None
            match = re.search(rf'"{re.escape(key)}"\s*:\s*\[', text)
            if not isinstance(found, list) or match is None:
                raise record_error(
                    self.file,
                    1,
                    None,
                    f"the file must hold an object with the array {key!r} (the downloaded export)",
                    field=key,
                )
            start = match.end() - 1
        yield from self._elements(text, start)

    def _elements(self, text: str, start: int) -> Iterator[tuple[int, dict[str, Any]]]:
        # The document parsed whole already: walk its array again to know each element's line.
        position = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
        line = text.count("\n", 0, position) + 1
        counted = position
        while text[position] != "]":
            line += text.count("\n", counted, position)
            counted = position
            item, end = _DECODER.raw_decode(text, position)
            if not isinstance(item, dict):
                raise record_error(
                    self.file,
                    line,
                    None,
                    f"each element must be a JSON object (got {type(item).__name__})",
                )
            yield line, item
            position = _SPACE.match(text, end).end()  # type: ignore[union-attr]
            if text[position] == ",":
                position = _SPACE.match(text, position + 1).end()  # type: ignore[union-attr]


def find_files(folder: str, name: str) -> list[JsonFile]:
    """``<name>.json`` and the files of a ``<name>/`` folder (``*.json``), sorted by name."""
    found = []
    single = os.path.join(folder, f"{name}.json")
    if os.path.isfile(single):
        found.append(JsonFile(single))
    found.extend(JsonFile(path) for path in sorted(glob.glob(os.path.join(folder, name, "*.json"))))
    return found


def stamp(value: object, field: str, *, activity: bool = False) -> tuple[_dt.datetime, str]:
    """``(aware datetime, ISO text)`` of a Freshdesk timestamp.

    The API writes ``2015-07-09T13:08:06Z``; the activities export
    ``01-01-2022 09:33:38 +0000`` (day first).

    Raises:
        ValidationError: not a timestamp of that shape.

    >>> stamp("09-03-2026 14:05:00 +0000", "performed_at", activity=True)[1]
    '2026-03-09T14:05:00+00:00'
    """
    if not isinstance(value, str):
        raise ValidationError(
            f"'{field}' must be a timestamp such as '2026-03-09T14:05:00Z' (got {value!r})",
            field=field,
            value=value,
        )
    if activity:
        match = _ACTIVITY_TIME.fullmatch(value)
        if match is None:
            raise ValidationError(
                f"'{field}' must be an activities-export timestamp such as "
                f"'09-03-2026 14:05:00 +0000' (day first) (got {value!r})",
                field=field,
                value=value,
            )
        day, month, year, clock, hours, minutes = match.groups()
        value = f"{year}-{month}-{day}T{clock}{hours}:{minutes}"
    return instant(value, field, naive_is_utc=False)
