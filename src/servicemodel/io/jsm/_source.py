"""Where JSM issues are read from: saved search pages, issue lists, JSON lines, or a folder.

Every shape the REST API gives is accepted as it was saved: a search page
(``{"issues": [...], "names": {...}}``, legacy ``/rest/api/2/search`` or the
enhanced ``/rest/api/3/search/jql``), a JSON list of issues, one issue, or
one issue or page per line (``.jsonl``). A folder is read file by file in
name order. Each issue comes with the field names its page carried
(``expand=names``), the file it came from and its line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any, Final, final

from ...exceptions import RecordError, ValidationError
from .._files import open_text

__all__ = ["SavedIssue", "saved_issues"]

_SUFFIXES: Final = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")
_EMPTY: Final[Mapping[str, Any]] = {}
_NO_LINES: Final[Mapping[str, int]] = {}
#: An issue's key as the API writes it, to name the issue a broken file stops in.
_KEY: Final = re.compile(r'"key"\s*:\s*"([A-Z][A-Z0-9_]*-[0-9]+)"')


@final
class SavedIssue:
    """One issue as saved, with the page's field names and where it was found."""

    __slots__ = ("file", "issue", "line", "names")

    def __init__(
        self, issue: Mapping[str, Any], names: Mapping[str, Any], file: str, line: int
    ) -> None:
        self.issue = issue
        self.names = names
        self.file = file
        self.line = line


def _files(source: object) -> list[str]:
    path = os.fspath(source) if isinstance(source, str | os.PathLike) else None
    if not isinstance(path, str):
        raise ValidationError(
            f"'source' must be a path to a JSON file or a folder of them (got {source!r})",
            field="source",
            value=source,
        )
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path) if n.lower().endswith(_SUFFIXES))
        if not names:
            raise ValidationError(
                f"'source' must hold saved JSM issues: .json or .jsonl files (got none in "
                f"{path!r})",
                field="source",
                value=source,
            )
        return [os.path.join(path, n) for n in names]
    if not os.path.isfile(path):
        raise ValidationError(
            f"'source' must be a JSON file or a folder of them (got {path!r}: no such file)",
            field="source",
            value=source,
        )
    return [path]


def _truncated(file: str, exc: json.JSONDecodeError, text: str) -> RecordError:
    """The error of a file that is not complete JSON, naming the issue it broke off in."""
    ended = exc.pos >= len(text.rstrip())
    why = "the file ends inside a JSON value (a truncated download?)" if ended else exc.msg
    keys = _KEY.findall(text, 0, exc.pos)
    record = keys[-1] if keys else None
    inside = f" (ticket {record})" if record is not None else ""
    return RecordError(
        f"{file} line {exc.lineno}{inside}: the file must be complete JSON: {why} "
        f"(at line {exc.lineno}, column {exc.colno})",
        line=exc.lineno,
        field="json",
        value=text[max(exc.pos - 20, 0) : exc.pos + 20],
        file=file,
        record=record,
    )


def _key_lines(text: str) -> dict[str, int]:
    """The line each issue key first appears on, to name an issue of a whole-file page."""
    lines: dict[str, int] = {}
    line, last = 1, 0
    for match in _KEY.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        lines.setdefault(match.group(1), line)
    return lines


def _unpack(
    value: object, file: str, line: int, lines: Mapping[str, int] = _NO_LINES
) -> Iterator[SavedIssue]:
    if isinstance(value, Mapping) and "issues" in value:
        issues = value["issues"]
        names = value.get("names")
        names = names if isinstance(names, Mapping) else _EMPTY
        if not isinstance(issues, list):
            raise RecordError(
                f"{file} line {line}: 'issues' must be a list of issues (got "
                f"{type(issues).__name__})",
                line=line,
                field="issues",
                value=issues,
                file=file,
            )
        for issue in issues:
            yield _one(issue, names, file, _line_of(issue, line, lines))
    elif isinstance(value, list):
        for issue in value:
            yield _one(issue, _EMPTY, file, _line_of(issue, line, lines))
    else:
        yield _one(value, _EMPTY, file, _line_of(value, line, lines))


def _line_of(issue: object, line: int, lines: Mapping[str, int]) -> int:
    key = issue.get("key") if isinstance(issue, Mapping) else None
    return lines.get(key, line) if isinstance(key, str) else line


def _one(issue: object, names: Mapping[str, Any], file: str, line: int) -> SavedIssue:
    if not isinstance(issue, Mapping) or "fields" not in issue:
        shown = issue if not isinstance(issue, Mapping) else sorted(issue)[:8]
        raise RecordError(
            f"{file} line {line}: an issue must be a JSON object with 'key' and 'fields', as "
            f"the REST API returns it (got {shown!r})",
            line=line,
            field="fields",
            value=shown,
            file=file,
        )
    own = issue.get("names")
    return SavedIssue(issue, own if isinstance(own, Mapping) else names, file, line)


def saved_issues(source: object) -> Iterator[SavedIssue]:
    """Every saved issue of *source* (a file or a folder), in file order.

    Raises:
        ValidationError: *source* is neither a JSON file nor a folder holding some
            (raised at once, before iterating).
        RecordError: a file is not complete JSON, or holds something other than issues.
    """
    return _read(_files(source))


def _read(paths: list[str]) -> Iterator[SavedIssue]:
    for path in paths:
        file = os.path.basename(path)
        lines = path.lower().removesuffix(".gz").endswith((".jsonl", ".ndjson"))
        with open_text(path) as handle:
            if lines:
                for number, text in enumerate(handle, start=1):
                    if not text.strip():
                        continue
                    try:
                        value = json.loads(text)
                    except json.JSONDecodeError as exc:
                        error = _truncated(file, exc, text)
                        raise RecordError(
                            str(error).replace(f" line {exc.lineno}", f" line {number}", 1),
                            line=number,
                            field="json",
                            value=error.value,
                            file=file,
                            record=error.record,
                        ) from None
                    yield from _unpack(value, file, number)
                continue
            text = handle.read()
        try:
            value = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            raise _truncated(file, exc, text) from None
        except RecursionError:
            raise RecordError(
                f"{file} line 1: the JSON is nested too deeply", line=1, field="json", file=file
            ) from None
        yield from _unpack(value, file, 1, _key_lines(text))
