"""Either shape of a Zendesk export, told apart by the files in the folder."""

from __future__ import annotations

from collections.abc import Iterator

from ...exceptions import ValidationError
from ...interactions import Interaction
from .._report import ErrorReport
from ._api import has_ticket_pages, read_api
from ._columns import check_folder, find_table
from ._tables import Grouping, read_tables

__all__ = ["read_export"]


def read_export(
    folder: object,
    *,
    instance: str | None = None,
    grouping: Grouping = Grouping.IN_MEMORY,
    on_error: ErrorReport | None = None,
) -> Iterator[Interaction]:
    """Stream the interactions of a Zendesk export folder, whichever shape it has.

    A folder with a ``ticket`` table is read by :func:`read_tables`; one with
    pages of the API's incremental ticket export (``tickets.json``,
    ``tickets_<n>.json``) by :func:`read_api` (*grouping* is then not used:
    the pages are read one at a time, the history grouped by ticket).

    Raises:
        ValidationError: the folder holds no Zendesk export.

    >>> import tempfile
    >>> read_export(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'folder' must hold a Zendesk export: a ticket table (ticket.csv, ticket.csv.gz, ticket.parquet) or ticket pages (tickets.json) (got none in ...)
    """
    path = check_folder(folder)
    if find_table(path, "ticket") is not None:
        return read_tables(path, instance=instance, grouping=grouping, on_error=on_error)
    if has_ticket_pages(path):
        return read_api(path, instance=instance, on_error=on_error)
    raise ValidationError(
        f"'folder' must hold a Zendesk export: a ticket table (ticket.csv, ticket.csv.gz, "
        f"ticket.parquet) or ticket pages (tickets.json) (got none in {path!r})",
        field="folder",
        value=folder,
    )
