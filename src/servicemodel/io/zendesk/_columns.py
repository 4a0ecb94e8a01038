"""The warehouse tables of a folder: which file holds a table, and its rows as text.

A table is found as ``<name>.csv``, ``<name>.csv.gz`` or ``<name>.parquet``
(dbt seed names such as ``ticket_data.csv`` are accepted too). Rows come as
lists of text cells, whatever the file format, with the 1-based line (CSV:
the line the record starts on; Parquet: the row number) so that every error
names the file, the record and the field.
"""

from __future__ import annotations

import csv
import operator
import os
import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import Final, final

from .._files import open_text
from .._readers import check_on_error
from .._vendor import check_folder as vendor_folder
from .._vendor import check_instance, location, record_error

__all__ = ["Table", "check_instance", "find_table", "location", "record_error"]

_SUFFIXES: Final = (".csv", ".csv.gz", ".parquet")
_BATCH: Final = 65_536


#: What reading a table's text can raise: bad CSV, bad UTF-8, a corrupt or cut
#: ``.csv.gz`` (BadGzipFile is an OSError; a cut stream is an EOFError).
_UNREADABLE: Final = (csv.Error, UnicodeDecodeError, OSError, EOFError, zlib.error)


@final
class Table:
    """One table of the folder: its name, its file, and its columns by name."""

    __slots__ = ("_header", "file", "name", "path")

    def __init__(self, name: str, path: str) -> None:
        self.name = name
        self.path = path
        self.file = os.path.basename(path)
        self._header: list[str] | None = None

    @property
    def is_parquet(self) -> bool:
        return self.path.endswith(".parquet")

    def columns(self) -> list[str]:
        """The column names (read once)."""
        if self._header is None:
            if self.is_parquet:
                from ._parquet import parquet_columns

                self._header = parquet_columns(self.path)
            else:
                with open_text(self.path) as text:
                    try:
                        header = next(csv.reader(text, strict=True), [])
                    except _UNREADABLE as exc:
                        raise record_error(
                            self.file, 1, None, f"the CSV header is malformed ({exc})"
                        ) from None
                if header and header[0].startswith("\ufeff"):
                    header[0] = header[0][1:]
                self._header = header
        return self._header

    def require(self, needed: Sequence[str]) -> None:
        """Refuse a table that lacks a column the importer reads."""
        header = self.columns()
        missing = [name for name in needed if name not in header]
        if missing:
            raise record_error(
                self.file,
                1,
                None,
                f"the {self.name} table lacks the column(s) {', '.join(missing)} "
                f"(got {', '.join(header)})",
                field="header",
                value=header,
            )

    def rows(
        self, wanted: Sequence[str], *, with_deleted: bool = False
    ) -> Iterator[tuple[int, Sequence[str]]]:
        """``(line, cells)`` with the cells of *wanted* columns (``""`` where absent), in order.

        Rows marked ``_fivetran_deleted`` are left out, unless *with_deleted*.
        """
        header = self.columns()
        if self.is_parquet:
            from ._parquet import parquet_rows

            return parquet_rows(self.path, self.file, header, wanted, with_deleted)
        return self._csv_rows(header, wanted, with_deleted)

    def _csv_rows(
        self, header: list[str], wanted: Sequence[str], with_deleted: bool = False
    ) -> Iterator[tuple[int, Sequence[str]]]:
        positions = [header.index(name) if name in header else -1 for name in wanted]
        deleted = header.index("_fivetran_deleted") if "_fivetran_deleted" in header else -1
        if with_deleted:
            deleted = -1
        width = len(header)
        file = self.file
        if all(p >= 0 for p in positions):
            pick = _picker(positions)
        else:
            pick = lambda row: tuple(row[p] if p >= 0 else "" for p in positions)  # noqa: E731
        with open_text(self.path) as text:
            reader = csv.reader(text, strict=True)
            try:
                next(reader, None)
            except _UNREADABLE as exc:
                raise record_error(file, 1, None, f"the CSV header is malformed ({exc})") from None
            end = reader.line_num
            try:
                for row in reader:
                    start = end + 1  # the line the record starts on
                    end = reader.line_num
                    if len(row) != width or not width:
                        if not row:
                            continue  # a blank line
                        raise record_error(
                            file,
                            start,
                            None,
                            f"the CSV record must have {width} cells like the header "
                            f"(got {len(row)})",
                            value=row,
                        )
                    if deleted >= 0 and row[deleted].lower() == "true":
                        continue
                    yield start, pick(row)
            except _UNREADABLE as exc:
                raise record_error(
                    file, end + 1, None, f"the CSV record is malformed ({exc})"
                ) from None


def _picker(positions: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A fast ``row -> tuple(row[p] for p in positions)``."""
    if len(positions) == 1:
        (only,) = positions
        return lambda row: (row[only],)
    return operator.itemgetter(*positions)


def find_table(folder: str, name: str) -> Table | None:
    """The table called *name* in *folder*, or ``None`` when the folder has none."""
    for stem in (name, f"{name}_data"):
        for suffix in _SUFFIXES:
            path = os.path.join(folder, stem + suffix)
            if os.path.isfile(path):
                return Table(name, path)
    return None


def check_folder(folder: object) -> str:
    """The folder as a path, or a ValidationError when it is not a folder."""
    return vendor_folder(folder, holding="the exported tables")


def check_reader(folder: object, instance: object, on_error: object) -> str:
    """The checks every reader of an export makes: the folder (as a path), the
    instance label and the error report."""
    path = check_folder(folder)
    check_on_error(on_error)
    check_instance(instance)
    return path
