"""Either shape of a Zendesk export, told apart by the files in the folder."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...exceptions import ValidationError
from ...interactions import Interaction
from .._report import ErrorReport
from ._columns import Table, check_folder, find_table
from ._tables import Grouping, read_tables

__all__ = ["count_tickets", "read_export", "ticket_table"]


def read_export(
    folder: object,
    *,
    instance: str | None = None,
    grouping: Grouping = Grouping.IN_MEMORY,
    on_error: ErrorReport | None = None,
    agents: Iterable[str | int] | None = None,
) -> Iterator[Interaction]:
    """Stream the interactions of a Zendesk export folder, whichever shape it has.

    A folder with a ``ticket`` table is read by :func:`read_tables` (see it
    for the arguments).

    Raises:
        ValidationError: the folder holds no Zendesk export.

    >>> import tempfile
    >>> read_export(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'folder' must hold a Zendesk export: a ticket table (ticket.csv, ticket.csv.gz, ticket.parquet) (got none in ...)
    """
    path = check_folder(folder)
    ticket_table(path, folder)
    return read_tables(path, instance=instance, grouping=grouping, on_error=on_error, agents=agents)


def ticket_table(path: str, folder: object, *, field: str = "folder") -> Table:
    """The export's ticket table, or a ValidationError naming *field* when it has none."""
    table = find_table(path, "ticket")
    if table is None:
        raise ValidationError(
            f"'{field}' must hold a Zendesk export: a ticket table (ticket.csv, ticket.csv.gz, "
            f"ticket.parquet) (got none in {path!r})",
            field=field,
            value=folder,
        )
    return table


def count_tickets(folder: object) -> int:
    """How many ticket rows an export folder holds (for a progress bar; a first, light pass).

    Rows marked ``_fivetran_deleted`` are not counted; deleted and merged
    tickets (left out by the importer) are, so the count is an upper bound of
    the interactions :func:`read_export` yields. Only the ``id`` column is
    read.

    Raises:
        ValidationError: the folder holds no Zendesk export.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "ticket.csv").write_text("id,created_at\\n1,2025-06-02\\n2,2025-06-03\\n")
    >>> count_tickets(folder)
    2
    """
    path = check_folder(folder)
    return sum(1 for _row in ticket_table(path, folder).rows(("id",)))
