"""Formats, and opening paths or file objects for streaming reads and all-or-nothing writes."""

from __future__ import annotations

import contextlib
import enum
import gzip
import io
import os
import tempfile
from collections.abc import Iterator
from typing import IO, Any, TypeAlias, cast

from .._validators import enum_member
from ..exceptions import ValidationError

__all__ = [
    "Format",
    "PathOrFile",
    "open_binary",
    "open_target",
    "open_text",
    "resolve_format",
    "write_text",
]

#: A file-system path, or an open file object (text or binary).
PathOrFile: TypeAlias = str | os.PathLike[str] | IO[Any]


class Format(enum.Enum):
    """A data-file format: JSON Lines or CSV.

    >>> Format("jsonl")
    <Format.JSONL: 'jsonl'>
    """

    JSONL = "jsonl"
    CSV = "csv"

    @classmethod
    def of_path(cls, path: str | os.PathLike[str]) -> Format:
        """The format a file name's suffix names (``.jsonl``, ``.ndjson``, ``.csv``, then ``.gz``).

        Raises:
            ValidationError: the suffix names no format.

        >>> Format.of_path("interactions.csv.gz")
        <Format.CSV: 'csv'>
        """
        return resolve_format(None, path, allowed=(cls.JSONL, cls.CSV))


_SUFFIXES = {".jsonl": Format.JSONL, ".ndjson": Format.JSONL, ".csv": Format.CSV}


def _path(source: object) -> str | None:
    """The path *source* names, or ``None`` for a file object."""
    if isinstance(source, str):
        return source
    if isinstance(source, os.PathLike):
        path = os.fspath(source)
        return path if isinstance(path, str) else os.fsdecode(path)
    return None


def _name_of(source: object) -> str | None:
    path = _path(source)
    if path is not None:
        return path
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None


def _is_gzip(name: str) -> bool:
    return name.lower().endswith(".gz")


def resolve_format(
    format: object,
    source: object,
    *,
    allowed: tuple[Format, ...],
    default: Format | None = None,
) -> Format:
    """Return the explicit *format*, the one the file name's suffix implies, or *default*."""
    if format is not None:
        chosen = enum_member(Format, format, field="format")
    else:
        name = _name_of(source) or ""
        base = name[:-3] if _is_gzip(name) else name
        suffix = os.path.splitext(base)[1].lower()
        found = _SUFFIXES.get(suffix, default)
        if found is None:
            names = " or ".join(repr(f.value) for f in allowed)
            raise ValidationError(
                f"'format' must be given as {names} when it cannot be inferred from a "
                f".jsonl or .csv suffix (got no format for {name or 'a file object'!r})",
                field="format",
                value=format,
            )
        chosen = found
    if chosen not in allowed:
        names = ", ".join(repr(f.value) for f in allowed)
        raise ValidationError(
            f"'format' must be one of {names} here (got {chosen.value!r})",
            field="format",
            value=format,
        )
    return chosen


def _check_source(source: object) -> None:
    if not (_path(source) is not None or hasattr(source, "read") or hasattr(source, "write")):
        raise ValidationError(
            f"'path_or_file' must be a path or an open file (got {type(source).__name__})",
            field="path_or_file",
            value=source,
        )


def _is_binary(file: object) -> bool:
    if isinstance(file, io.TextIOBase):
        return False
    if isinstance(file, io.RawIOBase | io.BufferedIOBase):
        return True
    return "b" in str(getattr(file, "mode", ""))


@contextlib.contextmanager
def open_binary(source: PathOrFile) -> Iterator[IO[Any]]:
    """Open *source* for reading lines (bytes from a path, as they come from a file object)."""
    _check_source(source)
    path = _path(source)
    if path is None:
        yield cast("IO[Any]", source)
    elif _is_gzip(path):
        with gzip.open(path, "rb") as zipped:
            yield cast("IO[Any]", zipped)
    else:
        with open(path, "rb") as plain:
            yield plain


@contextlib.contextmanager
def open_text(source: PathOrFile) -> Iterator[IO[str]]:
    """Open *source* as UTF-8 text with newline translation off (what ``csv`` needs)."""
    _check_source(source)
    path = _path(source)
    if path is not None:
        if _is_gzip(path):
            with gzip.open(path, "rt", encoding="utf-8", newline="") as zipped:
                yield zipped
        else:
            with open(path, encoding="utf-8", newline="") as plain:
                yield plain
    elif _is_binary(source):
        wrapper = io.TextIOWrapper(cast("IO[bytes]", source), encoding="utf-8", newline="")
        try:
            yield wrapper
        finally:
            wrapper.detach()
    else:
        yield cast("IO[str]", source)


def _copy_mode(path: str, temporary: str) -> None:
    # mkstemp makes the file private (0600); give it the target's mode, or rw-r--r--.
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        mode = 0o644
    os.chmod(temporary, mode)


@contextlib.contextmanager
def open_target(target: PathOrFile) -> Iterator[IO[str]]:
    """Open *target* for writing UTF-8 text.

    A path is written through a temporary file in the same directory that
    replaces the target only when everything was written, so a failed write
    leaves the target as it was. A file object is written as records come.
    """
    _check_source(target)
    path = _path(target)
    if path is None:
        if _is_binary(target):
            wrapper = io.TextIOWrapper(cast("IO[bytes]", target), encoding="utf-8", newline="")
            try:
                yield wrapper
            finally:
                wrapper.flush()
                wrapper.detach()
        else:
            yield cast("IO[str]", target)
        return
    directory, name = os.path.split(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as raw:
            if _is_gzip(path):
                with (
                    gzip.GzipFile(filename=name[:-3], mode="wb", fileobj=raw) as zipped,
                    io.TextIOWrapper(zipped, encoding="utf-8", newline="") as text,
                ):
                    yield text
            else:
                with io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
                    yield text
        _copy_mode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write *text* to *path* as UTF-8, whole or not at all (a ``.gz`` path is compressed).

    The text goes to a temporary file beside *path* that replaces it only once
    all was written, so a full disk, a file-size limit or a kill midway leaves
    the file that was there as it was.

    Raises:
        OSError: the file cannot be written; *path* is unchanged.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> write_text(path, "<p>done</p>")
    >>> path.read_text(encoding="utf-8")
    '<p>done</p>'
    """
    with open_target(path) as target:
        target.write(text)
