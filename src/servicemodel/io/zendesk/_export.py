"""Either shape of a Zendesk export, told apart by the files in the folder."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...exceptions import ValidationError
from ...interactions import Interaction
from .._report import ErrorReport
from ._api import api_ticket_ids, has_ticket_pages, read_api
from ._columns import check_folder, find_table
from ._tables import Grouping, read_tables

__all__ = ["count_tickets", "read_export", "ticket_ids"]


def _shape(path: str, folder: object, field: str) -> str:
    """``"tables"`` or ``"api"``, or a ValidationError naming *field* when neither is there."""
    if find_table(path, "ticket") is not None:
        return "tables"
    if has_ticket_pages(path):
        return "api"
    raise ValidationError(
        f"'{field}' must hold a Zendesk export: a ticket table (ticket.csv, ticket.csv.gz, "
        f"ticket.parquet) or ticket pages (tickets.json) (got none in {path!r})",
        field=field,
        value=folder,
    )


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
    for the arguments); one with pages of the API's incremental ticket export
    (``tickets.json``, ``tickets_<n>.json``) by :func:`read_api` (*grouping*
    is then not used: the pages are read one at a time, the history grouped
    by ticket).

    Raises:
        ValidationError: the folder holds no Zendesk export.

    >>> import tempfile
    >>> read_export(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'folder' must hold a Zendesk export: a ticket table (ticket.csv, ticket.csv.gz, ticket.parquet) or ticket pages (tickets.json) (got none in ...)
    """
    path = check_folder(folder)
    if _shape(path, folder, "folder") == "tables":
        return read_tables(
            path, instance=instance, grouping=grouping, on_error=on_error, agents=agents
        )
    return read_api(path, instance=instance, on_error=on_error, agents=agents)


def ticket_ids(folder: object, *, field: str = "folder") -> Iterator[str]:
    """The id of every ticket record of an export folder, deleted ones too (in file order).

    A table row marked ``_fivetran_deleted`` is one; an API export repeats a
    ticket each time it changed, so an id may come more than once.

    Raises:
        ValidationError: the folder holds no Zendesk export (naming *field*).
    """
    path = check_folder(folder)
    if _shape(path, folder, field) == "api":
        return api_ticket_ids(path)
    table = find_table(path, "ticket")
    assert table is not None  # _shape found it
    table.require(("id",))
    return (cells[0] for _line, cells in table.rows(("id",), with_deleted=True))


def count_tickets(folder: object) -> int:
    """How many tickets an export folder holds (for a progress bar; a first, light pass).

    Deleted and merged tickets (left out by the importer) are counted, so the
    count is an upper bound of the interactions :func:`read_export` yields.
    Only the ticket ids are read.

    Raises:
        ValidationError: the folder holds no Zendesk export.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "ticket.csv").write_text("id,created_at\\n1,2025-06-02\\n2,2025-06-03\\n")
    >>> count_tickets(folder)
    2
    """
    path = check_folder(folder)
    if _shape(path, folder, "folder") == "api":
        return len(set(api_ticket_ids(path)))
    return sum(1 for _id in ticket_ids(path))
