"""An earlier import brought up to date with a later export (incremental = full refresh)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..._validators import check_item
from ...exceptions import ValidationError
from ...interactions import Interaction
from .._report import ErrorReport
from ._columns import check_folder, check_instance
from ._export import read_export, ticket_ids
from ._tables import Grouping

__all__ = ["refresh"]


def _changed(folder: str, prefix: str) -> frozenset[str]:
    """The ids (with the instance prefix) of every ticket of the later export, deleted too."""
    return frozenset(prefix + ticket for ticket in ticket_ids(folder, field="later"))


def refresh(
    earlier: Iterable[Interaction],
    later: object,
    *,
    instance: str | None = None,
    grouping: Grouping = Grouping.IN_MEMORY,
    on_error: ErrorReport | None = None,
    agents: Iterable[str | int] | None = None,
) -> Iterator[Interaction]:
    """The interactions of an earlier import, brought up to date with a later export.

    *later* is an export folder holding every ticket changed since the
    earlier export, each whole (all its rows, as Zendesk's incremental ticket
    export gives whole tickets, or a warehouse query selects the tickets
    updated since the last import with all their comments and history), and
    the users and schedules they need, in either shape (tables or API pages).
    Each ticket of *later* replaces the earlier interaction with its id (the
    latest version wins); a ticket that *later* marks deleted (status
    ``deleted``, or ``_fivetran_deleted``) or merged is removed; every other earlier
    interaction is kept as it is. The result is the same set of interactions
    as one import of the full export (a property test checks it): unchanged
    interactions first, in their earlier order, then *later*'s.

    Ids carry the instance label (``eu:101``), so an earlier import of
    several instances is refreshed by one instance's export at a time: pass
    the *instance* it was imported with; the other instances' interactions
    are kept.

    Args:
        earlier: the interactions of the earlier import (streamed once).
        later: the later export folder.
        instance: the instance label of *later*, as given to :func:`read_tables`.
        grouping: how *later*'s tables are grouped (see :class:`Grouping`).
        on_error: collect *later*'s bad tickets instead of raising.
        agents: user ids whose comments are an agent's (see :func:`read_tables`).

    Raises:
        ValidationError: *later* is not an export folder.
        RecordError: a bad row of *later* (unless collected).

    >>> import pathlib, tempfile
    >>> from servicemodel.io.zendesk import read_tables
    >>> def export(*tickets):
    ...     folder = pathlib.Path(tempfile.mkdtemp())
    ...     _ = (folder / "ticket.csv").write_text(
    ...         "id,created_at,requester_id,status,via_channel\\n" + "".join(tickets))
    ...     _ = (folder / "user.csv").write_text("id,role\\n10,end-user\\n")
    ...     return folder
    >>> earlier = read_tables(export("1,2025-06-02 11:00:00,10,open,email\\n",
    ...                              "2,2025-06-02 12:00:00,10,open,email\\n"))
    >>> later = export("2,2025-06-02 12:00:00,10,deleted,email\\n",
    ...                "3,2025-06-03 09:00:00,10,new,web\\n")
    >>> [i.id for i in refresh(earlier, later)]
    ['1', '3']
    """
    path = check_folder(later)
    check_instance(instance)
    changed = _changed(path, "" if instance is None else f"{instance}:")
    if isinstance(earlier, Interaction) or not isinstance(earlier, Iterable):
        raise ValidationError(
            f"'earlier' must be an iterable of interactions (got {type(earlier).__name__})",
            field="earlier",
            value=earlier,
        )
    latest = read_export(
        path, instance=instance, grouping=grouping, on_error=on_error, agents=agents
    )
    return _refreshed(earlier, changed, latest)


def _refreshed(
    earlier: Iterable[Interaction], changed: frozenset[str], latest: Iterator[Interaction]
) -> Iterator[Interaction]:
    for index, interaction in enumerate(earlier):
        check_item(interaction, Interaction, field="earlier", index=index)
        if interaction.id not in changed:
            yield interaction
    yield from latest
