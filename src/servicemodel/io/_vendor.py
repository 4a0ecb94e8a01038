"""What every helpdesk importer shares: error locations, instance labels, vendor timestamps.

An importer reads a vendor's files and names each bad record by file, line,
the vendor's own id and the field (:func:`record_error`); an instance label
prefixes every id (:func:`check_instance`); a vendor timestamp becomes an
aware instant or a named error (:func:`instant`).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from typing import Final, ParamSpec, TypeVar

from ..exceptions import RecordError, ValidationError
from ._report import ErrorReport

__all__ = [
    "check_folder",
    "check_instance",
    "check_on_problem",
    "instant",
    "kept",
    "location",
    "record_error",
]

P = ParamSpec("P")
T = TypeVar("T")

_fromisoformat: Final = _dt.datetime.fromisoformat
_UTC: Final = _dt.UTC


def location(file: str, line: int, record: str | None, *, noun: str = "ticket") -> str:
    """How an error names its place: ``ticket.csv line 4 (ticket 101)``.

    >>> location("issues.json", 1, "HELP-1", noun="issue")
    'issues.json line 1 (issue HELP-1)'
    """
    where = f"{file} line {line}"
    return f"{where} ({noun} {record})" if record is not None else where


def record_error(
    file: str,
    line: int,
    record: str | None,
    message: str,
    *,
    field: str | None = None,
    value: object = None,
    noun: str = "ticket",
) -> RecordError:
    """A RecordError naming the file, the line, the vendor's record and the field.

    >>> record_error("t.csv", 2, "7", "'x' is required (got nothing)", field="x").record
    '7'
    """
    return RecordError(
        f"{location(file, line, record, noun=noun)}: {message}",
        line=line,
        field=field,
        value=value,
        file=file,
        record=record,
    )


def kept(
    report: ErrorReport | None, build: Callable[P, T | None], *args: P.args, **kwargs: P.kwargs
) -> T | None:
    """What *build* makes of one record; a bad record raises, or goes to *report* (``None``).

    ``None`` also when *build* leaves the record out (a deleted ticket).

    >>> report = ErrorReport()
    >>> kept(report, int, "12")
    12
    >>> def refuse() -> None:
    ...     raise record_error("t.csv", 3, "8", "'x' is required (got nothing)", field="x")
    >>> kept(report, refuse), report.count
    (None, 1)
    """
    try:
        return build(*args, **kwargs)
    except RecordError as error:
        if report is None:
            raise
        report.add(error)
        return None


def check_on_problem(on_problem: object) -> None:
    """Refuse an ``on_problem`` that is neither ``None`` nor a list to collect problems in.

    >>> check_on_problem([])
    >>> check_on_problem(())
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'on_problem' must be None or a list (got ())
    """
    if on_problem is not None and not isinstance(on_problem, list):
        raise ValidationError(
            f"'on_problem' must be None or a list (got {on_problem!r})",
            field="on_problem",
            value=on_problem,
        )


def check_folder(folder: object, *, holding: str) -> str:
    """Return *folder* as a path, refusing anything that is not an existing folder.

    *holding* says what the folder should hold, for the message.

    >>> check_folder("/no/such/folder", holding="the saved API responses")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'folder' must be a folder holding the saved API responses (got '/no/such/folder')
    """
    path = os.fspath(folder) if isinstance(folder, str | os.PathLike) else None
    if not isinstance(path, str) or not os.path.isdir(path):
        raise ValidationError(
            f"'folder' must be a folder holding {holding} (got {folder!r})",
            field="folder",
            value=folder,
        )
    return path


def check_instance(instance: object) -> None:
    """Refuse an instance label that cannot prefix ids (``<instance>:<id>``).

    >>> check_instance("eu")
    >>> check_instance("e:u")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'instance' must be a non-empty label without ':' or surrounding blanks (got 'e:u')
    """
    if instance is not None and (
        not isinstance(instance, str)
        or not instance.strip()
        or instance != instance.strip()
        or ":" in instance
    ):
        raise ValidationError(
            f"'instance' must be a non-empty label without ':' or surrounding blanks "
            f"(got {instance!r})",
            field="instance",
            value=instance,
        )


def instant(text: str, field: str, *, naive_is_utc: bool) -> tuple[_dt.datetime, str]:
    """``(aware datetime, ISO text with offset)`` of a vendor timestamp.

    The warehouse tables write UTC without an offset (Fivetran's convention):
    with *naive_is_utc* such a value is UTC. Otherwise a timestamp without a
    zone is refused.

    Raises:
        ValidationError: the text is not an ISO 8601 timestamp, or has no zone
            where one is required.

    >>> instant("2025-06-02 11:00:00", "created", naive_is_utc=True)[1]
    '2025-06-02 11:00:00+00:00'
    >>> instant("2025-06-02T11:00:00", "created_at", naive_is_utc=False)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'created_at' must be an ISO 8601 timestamp with a zone, such as '2025-06-02T11:00:00Z' (got '2025-06-02T11:00:00')
    """
    if naive_is_utc and type(text) is str:
        # Fivetran's form (UTC without an offset) parsed once, with its offset: a text
        # that parses with "+00:00" after it had none, and means that instant in UTC.
        stamped = text + "+00:00"
        try:
            aware = _fromisoformat(stamped)
        except ValueError:
            pass
        else:
            if aware.tzinfo is _UTC:
                return aware, stamped
    try:
        parsed = _fromisoformat(text)
    except (TypeError, ValueError):
        raise ValidationError(
            f"'{field}' must be an ISO 8601 timestamp such as '2025-06-02T11:00:00Z' "
            f"(got {text!r})",
            field=field,
            value=text,
        ) from None
    if parsed.tzinfo is None:
        if not naive_is_utc:
            raise ValidationError(
                f"'{field}' must be an ISO 8601 timestamp with a zone, such as "
                f"'2025-06-02T11:00:00Z' (got {text!r})",
                field=field,
                value=text,
            )
        # A form that takes no offset after it (a date alone).
        return parsed.replace(tzinfo=_UTC), text + "+00:00"
    return parsed, text
