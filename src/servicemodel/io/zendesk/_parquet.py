"""Parquet tables (the ``parquet`` extra, pyarrow): read in batches as text cells.

Each batch of rows is turned into the same text cells a CSV file gives
(timestamps as ISO text, booleans as ``true``/``false``, ids as digits) by
Arrow's own casts, column by column, so the importer has one way to read a
row whatever the file format, and memory stays at one batch per table.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any, Final

from ...exceptions import ValidationError
from ._columns import record_error

__all__ = ["parquet_columns", "parquet_rows"]

_BATCH: Final = 65_536


def _pyarrow() -> Any:
    try:
        import pyarrow.compute
        import pyarrow.parquet
    except ImportError:  # pragma: no cover - the extra is installed in the test environment
        raise ValidationError(
            "reading Parquet tables needs pyarrow: pip install 'servicemodel[parquet]'",
            field="folder",
        ) from None
    return pyarrow


def parquet_columns(path: str) -> list[str]:
    """The column names of a Parquet file."""
    pa = _pyarrow()
    try:
        return list(pa.parquet.ParquetFile(path).schema_arrow.names)
    except (OSError, pa.lib.ArrowException) as exc:
        raise record_error(
            os.path.basename(path), 1, None, f"the Parquet file is unreadable ({exc})"
        ) from None


def _as_text(pa: Any, column: Any) -> list[str]:
    kind = column.type
    if pa.types.is_timestamp(kind):
        # ISO text (Arrow writes the fraction the unit has); a zoned column with its offset.
        pattern = "%Y-%m-%d %H:%M:%S" if kind.tz is None else "%Y-%m-%d %H:%M:%S%z"
        text = pa.compute.strftime(column, format=pattern)
    elif pa.types.is_boolean(kind):
        text = pa.compute.if_else(column, "true", "false")
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = column
    else:
        text = pa.compute.cast(column, pa.string())
    return [cell if cell is not None else "" for cell in text.to_pylist()]


def parquet_rows(
    path: str, file: str, header: list[str], wanted: Sequence[str], with_deleted: bool = False
) -> Iterator[tuple[int, Sequence[str]]]:
    """``(row number, cells)`` of the *wanted* columns, a batch at a time.

    Rows marked ``_fivetran_deleted`` are left out, unless *with_deleted*.
    """
    pa = _pyarrow()
    present = [name for name in wanted if name in header]
    marked = "_fivetran_deleted" in header and not with_deleted
    read = list(dict.fromkeys([*present, *(["_fivetran_deleted"] if marked else [])]))
    number = 0
    try:
        batches = pa.parquet.ParquetFile(path).iter_batches(batch_size=_BATCH, columns=read)
        for batch in batches:
            columns = {name: _as_text(pa, batch.column(name)) for name in read}
            blank = [""] * batch.num_rows
            cells = [columns.get(name, blank) for name in wanted]
            deleted = columns.get("_fivetran_deleted") if marked else None
            for index, row in enumerate(zip(*cells, strict=True)):
                if deleted is not None and deleted[index] == "true":
                    continue
                yield number + index + 1, row
            number += batch.num_rows
    except (OSError, pa.lib.ArrowException) as exc:
        raise record_error(
            file, number + 1, None, f"the Parquet file cannot be read ({exc})"
        ) from None
