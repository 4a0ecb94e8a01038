"""The Fivetran warehouse shape: a folder of tables, read ticket by ticket.

``ticket`` gives each interaction; ``ticket_comment`` its messages (the
author's role from ``user``, as it was when they wrote when ``audit_log`` is
there); ``ticket_field_history`` its status, priority, assignee, group and
satisfaction history; ``ticket_tag`` its tags; ``ticket_chat`` and
``ticket_chat_event`` the conversation of chat and messaging tickets;
``satisfaction_rating`` its ratings when the export has that table.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

from ...exceptions import ValidationError
from ...interactions import Interaction
from .._decoder import InteractionDecoder
from .._report import ErrorReport
from .._ticket_log import SCHEDULE_GRACE, Origin, TicketLog
from .._vendor import instant, kept
from ._columns import Table, check_reader, find_table, record_error
from ._history import H_RATING, apply_field, field_code, stamped, untracked
from ._instants import Instants
from ._read_policies import default_schedule_id
from ._users import Users, agent_ids
from ._vocab import DELETED, MERGED_TAG, TICKET_ATTRIBUTES, VOCABULARY

__all__ = ["Grouping", "read_tables"]

_TICKET: Final = (
    "id",
    "created_at",
    "requester_id",
    "submitter_id",
    "status",
    "priority",
    "type",
    "via_channel",
    "assignee_id",
    "group_id",
    "brand_id",
    "organization_id",
    "ticket_form_id",
)
_COMMENT: Final = ("ticket_id", "created", "public", "user_id", "id")
_HISTORY: Final = ("ticket_id", "updated", "field_name", "value")
_TAG: Final = ("ticket_id", "tag")
_RATING: Final = ("ticket_id", "created_at", "score")
_POLICY: Final = ("ticket_id", "policy_applied_at", "sla_policy_id")
_SCHEDULE: Final = ("ticket_id", "created_at", "schedule_id")
_CHAT: Final = ("chat_id", "ticket_id")
_CHAT_EVENT: Final = ("chat_id", "created_at", "type", "actor_id")
#: A true/false cell's words (any case) and what they say.
_FLAGS: Final = {
    **dict.fromkeys(("true", "t", "1", "yes"), True),
    **dict.fromkeys(("false", "f", "0", "no"), False),
}
#: Ticket columns kept as attributes (name in servicemodel -> column).
_ATTRIBUTES: Final = tuple((name, _TICKET.index(column)) for name, column in TICKET_ATTRIBUTES)
#: Instants and SLA stamps remembered: a ticket's rows share their instants, tickets seldom
#: do, and a small cache stays in the processor's cache (65,536 made large imports slower).
_MAX_CACHED: Final = 1_024


class Grouping(enum.Enum):
    """How the rows of one ticket are brought together.

    ``in_memory`` (the default) accepts tables in any row order and holds the
    comment and history rows in memory while tickets stream out.
    ``ticket_order`` streams the per-ticket tables (ticket, comments, field
    history, tags, ratings, ticket_sla_policy, ticket_schedule) at once in
    flat memory; the user and schedule tables and the chat messages are still
    held in memory whole. The per-ticket tables must then be sorted by ticket
    id (the ``ticket`` table by ``id``), as a warehouse query with ``ORDER BY
    ticket_id`` writes them. A row out of
    order is refused when it is met (even while ``on_error`` collects bad
    tickets), so a reading that ends without error had sorted tables; tickets
    yielded before the refusal may lack rows, as a writer that replaces its
    output only at the end (``write_interactions`` to a path) never shows.

    >>> Grouping("ticket_order")
    <Grouping.TICKET_ORDER: 'ticket_order'>
    """

    IN_MEMORY = "in_memory"
    TICKET_ORDER = "ticket_order"


class _Rows:
    """The rows of one child table for each ticket, in memory or streamed in ticket order."""

    __slots__ = ("_held", "_iterator", "_last", "_pending", "_streaming", "table")

    def __init__(self, table: Table, columns: Sequence[str], *, streaming: bool) -> None:
        table.require(columns[:1])
        self.table = table
        self._streaming = streaming
        self._iterator = table.rows(columns)
        self._held: dict[str, list[tuple[int, Sequence[str]]]] = {}
        self._pending: tuple[int, tuple[int, Sequence[str]]] | None = None
        self._last = -1
        if not streaming:
            held = self._held
            for item in self._iterator:
                found = held.get(item[1][0])
                if found is None:
                    held[item[1][0]] = [item]
                else:
                    found.append(item)

    def finish(self) -> None:
        """Read what is left (rows of no ticket), so an unsorted tail is still refused."""
        if self._streaming:
            self.take("", 1 << 62)

    def take(self, ticket: str, number: int) -> list[tuple[int, Sequence[str]]]:
        """The rows of *ticket* (whose id as a number is *number* when streaming)."""
        if not self._streaming:
            return self._held.pop(ticket, [])
        found: list[tuple[int, Sequence[str]]] = []
        pending = self._pending
        if pending is not None:
            key, item = pending
            if key > number:
                return found
            self._pending = None
            if key == number:
                found.append(item)
        append = found.append
        for item in self._iterator:  # (line, row): passed on as it comes
            text = item[1][0]
            if text == ticket:  # most rows: the ticket being read
                append(item)
                continue
            key = _number(text, self.table.file, item[0], "ticket_id")
            if key < self._last:
                raise record_error(
                    self.table.file,
                    item[0],
                    text,
                    f"'ticket_id' must not decrease when the tables are read in ticket "
                    f"order (got {text} after {self._last}); sort the table by ticket_id "
                    f"or read with grouping=Grouping.IN_MEMORY",
                    field="ticket_id",
                    value=text,
                )
            self._last = key
            if key > number:
                self._pending = (key, item)
                return found
            if key == number:  # the same id written otherwise ('0101')
                append(item)
            # key < number: a row of a ticket the ticket table does not have (deleted): left out
        return found


def _number(text: str, file: str, line: int, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise record_error(
            file,
            line,
            text or None,
            f"'{field}' must be a Zendesk id (a whole number) to read tables in ticket order "
            f"(got {text!r})",
            field=field,
            value=text,
        ) from None


def _flag(text: str, origin: Origin, ticket: str) -> bool:
    found = _FLAGS.get(text)
    if found is None:
        found = _FLAGS.get(text.lower())
    if found is not None:
        return found
    raise record_error(
        origin[0],
        origin[1],
        ticket,
        f"'{origin[2]}' must be true or false (got {text!r})",
        field=origin[2],
        value=text,
    )


class _Reader:
    """Reads one folder's tables; :meth:`tickets` yields the interactions."""

    def __init__(
        self,
        folder: str,
        *,
        instance: str | None,
        grouping: Grouping,
        agents: frozenset[str] = frozenset(),
    ) -> None:
        ticket = find_table(folder, "ticket")
        if ticket is None:
            raise ValidationError(
                f"'folder' must hold a ticket table (ticket.csv, ticket.csv.gz or "
                f"ticket.parquet) (got none in {folder!r})",
                field="folder",
                value=folder,
            )
        ticket.require(("id", "created_at", "requester_id", "status"))
        self.ticket = ticket
        self.instance = instance
        self.prefix = "" if instance is None else f"{instance}:"
        self.streaming = grouping is Grouping.TICKET_ORDER
        self.users = Users.from_tables(
            find_table(folder, "user"), find_table(folder, "audit_log"), agents
        )
        self.children: dict[str, _Rows] = {}
        for name, columns in (
            ("ticket_comment", _COMMENT),
            ("ticket_field_history", _HISTORY),
            ("ticket_tag", _TAG),
            ("satisfaction_rating", _RATING),
            ("ticket_sla_policy", _POLICY),
            ("ticket_schedule", _SCHEDULE),
        ):
            table = find_table(folder, name)
            if table is not None:
                table.require(columns[:4])
                self.children[name] = _Rows(table, columns, streaming=self.streaming)
        self.chats = _chat_events(folder)
        self.default_schedule = default_schedule_id(folder, tables=True)
        self.instants = Instants(naive_is_utc=True, limit=_MAX_CACHED)
        self._stamps: dict[str, tuple[int, bool]] = {}
        self._codes: dict[str, int | None] = {}

    def tickets(self, report: ErrorReport | None) -> Iterator[Interaction]:
        decoder = InteractionDecoder()
        file = self.ticket.file
        last = -1
        for line, row in self.ticket.rows(_TICKET):
            ticket_id = row[0]
            number = -1
            if self.streaming:
                number = _number(ticket_id, file, line, "id")
                if number <= last:
                    raise record_error(
                        file,
                        line,
                        ticket_id,
                        f"'id' must increase when the tables are read in ticket order "
                        f"(got {ticket_id} after {last}); sort the ticket table by id or read "
                        f"with grouping=Grouping.IN_MEMORY",
                        field="id",
                        value=ticket_id,
                    )
                last = number
            children = {name: rows.take(ticket_id, number) for name, rows in self.children.items()}
            interaction = kept(report, self._interaction, line, row, children, decoder)
            if interaction is not None:
                yield interaction
        for rows in self.children.values():
            rows.finish()

    # ------------------------------------------------------------------ one ticket

    def _interaction(
        self,
        line: int,
        row: Sequence[str],
        children: dict[str, list[tuple[int, Sequence[str]]]],
        decoder: InteractionDecoder,
    ) -> Interaction | None:
        file = self.ticket.file
        ticket_id = row[0]
        if row[4] == DELETED:
            return None  # a deleted ticket: left out (the reference says why)
        prefix = self.prefix
        log = TicketLog(prefix + ticket_id, (file, line, "id"), VOCABULARY)
        if not ticket_id:
            raise record_error(file, line, None, "'id' is required (got nothing)", field="id")
        tags = [r[1] for _line, r in children.get("ticket_tag", ()) if r[1]]
        if MERGED_TAG in tags:
            return None  # merged into another ticket: its thread lives on there
        log.tags = tags
        created = self.instants.parse(row[1], (file, line, "created_at"), ticket_id)
        log.created, log.created_key = created[1], created[0]
        if not row[2]:
            raise record_error(
                file,
                line,
                ticket_id,
                "'requester_id' is required (got nothing)",
                field="requester_id",
            )
        log.customer_id = prefix + row[2]
        # An agent who opened it for the customer (an outbound ticket) opens it.
        log.opened_by = self.users.opened_by(row[2], row[3], created[0])
        log.channel = log.vendor_channel(row[7], (file, line, "via_channel"))
        log.kind = log.vendor_kind(row[6], (file, line, "type"))
        log.priority = log.vendor_priority(row[5], (file, line, "priority"))
        attributes = {name: row[index] for name, index in _ATTRIBUTES if row[index]}
        if self.instance is not None:
            attributes["instance"] = self.instance
        log.attributes = attributes
        applied = children.get("ticket_sla_policy")
        if applied:
            # The policy Zendesk applied, from when it applied it (read_policies' table
            # policies test the attribute): at creation or later, as a field change.
            policy_file = self.children["ticket_sla_policy"].table.file
            for policy_line, policy_row in applied:
                applied_at = self.instants.parse(
                    policy_row[1], (policy_file, policy_line, "policy_applied_at"), ticket_id
                )
                log.field(
                    applied_at,
                    "sla_policy_id",
                    policy_row[2],
                    (policy_file, policy_line, "sla_policy_id"),
                )
        history = children.get("ticket_field_history", [])
        tracked = self._history(log, history, ratings="satisfaction_rating" not in self.children)
        untracked(
            log,
            tracked,
            created,
            (row[4], row[8], row[9]),
            ((file, line, "status"), (file, line, "assignee_id")),
            prefix,
        )
        schedules = children.get("ticket_schedule")
        if schedules or self.default_schedule is not None:
            self._schedules(log, created, schedules or [])
        comments = children.get("ticket_comment")
        if comments:
            self._comments(log, comments)
        ratings = children.get("satisfaction_rating")
        if ratings:
            self._ratings(log, ratings)
        for at, author, author_id, origin in self.chats.pop(ticket_id, ()):
            log.message(
                self.instants.parse(at, (origin[0], origin[1], "created_at"), ticket_id),
                self._chat_author(author, author_id, origin, ticket_id, at),
                True,
                prefix + author_id if author_id else None,
                origin,
            )
        return log.build(decoder)

    def _history(
        self, log: TicketLog, rows: list[tuple[int, Sequence[str]]], *, ratings: bool
    ) -> set[int]:
        """Read the history rows into *log*; return the kinds of field it tracks."""
        tracked: set[int] = set()
        file = self.children["ticket_field_history"].table.file if rows else ""
        prefix = self.prefix
        ticket = log.id
        times = self.instants.known
        stamp = self._stamp
        codes = self._codes
        for line, (_ticket, updated, field, value) in rows:
            code = codes.get(field, -1)
            if code == -1:
                code = field_code(field)
                if len(codes) < _MAX_CACHED:
                    codes[field] = code
            if code is None:
                continue  # not an event of the log (requester, satisfaction comment, ...)
            tracked.add(code)
            if code == H_RATING and not ratings:
                continue  # the ratings table gives them, so none counts twice
            at = times.get(updated) or self.instants.parse(updated, (file, line, "updated"), ticket)
            apply_field(log, code, at, field, value, (file, line, "value"), prefix, stamp)
        return tracked

    def _stamp(self, value: str, origin: Origin, ticket: str) -> tuple[int, bool]:
        found = self._stamps.get(value)
        if found is None:
            found = stamped(value, origin, ticket)
            if len(self._stamps) < _MAX_CACHED:
                self._stamps[value] = found
        return found

    def _schedules(
        self,
        log: TicketLog,
        created: tuple[_dt.datetime, str],
        rows: list[tuple[int, Sequence[str]]],
    ) -> None:
        file = self.children["ticket_schedule"].table.file if rows else ""
        starts = False
        for line, (_ticket, at, schedule) in rows:
            when = self.instants.parse(at, (file, line, "created_at"), log.id)
            starts = starts or created[0] <= when[0] <= created[0] + SCHEDULE_GRACE
            log.schedule(when, self.prefix + schedule, (file, line, "schedule_id"))
        if not starts and self.default_schedule is not None:
            log.schedule(created, self.prefix + self.default_schedule, log.origin)

    def _ratings(self, log: TicketLog, rows: list[tuple[int, Sequence[str]]]) -> None:
        if not rows:
            return
        file = self.children["satisfaction_rating"].table.file
        for line, (_ticket, created, score) in rows:
            at = self.instants.parse(created, (file, line, "created_at"), log.id)
            log.satisfaction(at, score, (file, line, "score"))

    def _comments(self, log: TicketLog, rows: list[tuple[int, Sequence[str]]]) -> None:
        if not rows:
            return
        file = self.children["ticket_comment"].table.file
        users = self.users
        prefix = self.prefix
        ticket = log.id
        times = self.instants.known
        flags = _FLAGS
        for line, (_ticket, created, public, user_id, comment_id) in rows:
            at = times.get(created) or self.instants.parse(created, (file, line, "created"), ticket)
            origin = (file, line, "user_id")
            shown = flags.get(public)
            log.message(
                at,
                users.author(user_id, at[0], origin, ticket),
                _flag(public, (file, line, "public"), ticket) if shown is None else shown,
                prefix + user_id,
                origin,
                comment_id,
            )

    def _chat_author(
        self, author: str, author_id: str, origin: Origin, ticket: str, at: str
    ) -> str:
        if author != "user":
            return author
        role = self.users.role_at(author_id, instant(at, "created_at", naive_is_utc=True)[0])
        if role is None:
            raise record_error(
                origin[0],
                origin[1],
                ticket,
                f"'actor_id' must name a user of the {self.users.file} (got {author_id!r})",
                field="actor_id",
                value=author_id,
            )
        return role


def _chat_events(folder: str) -> dict[str, list[tuple[str, str, str, Origin]]]:
    """Chat and messaging messages by ticket: (at, author kind, author id, origin).

    ``actor_id`` is a user id, ``agent:<id>`` for an agent, or ``__trigger`` /
    ``__system`` (or empty) for what Zendesk itself sent: a bot's message.
    """
    chats, events = find_table(folder, "ticket_chat"), find_table(folder, "ticket_chat_event")
    found: dict[str, list[tuple[str, str, str, Origin]]] = {}
    if chats is None or events is None:
        return found
    chats.require(_CHAT)
    events.require(_CHAT_EVENT)
    tickets = {chat: ticket for _line, (chat, ticket) in chats.rows(_CHAT)}
    for line, (chat, at, kind, actor) in events.rows(_CHAT_EVENT):
        if kind != "ChatMessage" or chat not in tickets:
            continue
        origin = (events.file, line, "actor_id")
        if actor.startswith("agent:"):
            entry = (at, "agent", actor[len("agent:") :], origin)
        elif actor in ("", "__trigger", "__system") or actor.startswith("__"):
            entry = (at, "bot", "", origin)
        else:
            entry = (at, "user", actor, origin)
        found.setdefault(tickets[chat], []).append(entry)
    return found


def read_tables(
    folder: object,
    *,
    instance: str | None = None,
    grouping: Grouping = Grouping.IN_MEMORY,
    on_error: ErrorReport | None = None,
    agents: Iterable[str | int] | None = None,
) -> Iterator[Interaction]:
    """Stream the interactions of a folder of Zendesk warehouse tables (CSV or Parquet).

    See :mod:`servicemodel.io.zendesk` for the tables read and how each
    field maps.

    Args:
        folder: the folder holding ``ticket.csv`` (or ``.csv.gz``, ``.parquet``)
            and the other tables.
        instance: a label for the helpdesk instance; when given, every id
            (ticket, customer, author, agent, group) is prefixed with
            ``<instance>:`` and each interaction carries the attribute
            ``instance``, so several instances can be imported together.
        grouping: how a ticket's rows are brought together (see :class:`Grouping`).
        on_error: ``None`` stops at the first bad ticket with a
            :class:`~servicemodel.exceptions.RecordError`; an
            :class:`~servicemodel.io.ErrorReport` collects bad tickets and goes on.
        agents: user ids (as in the tables, without the instance) whose
            comments are an agent's at every instant, whatever the ``user``
            table and ``audit_log`` say: the team, for an export without the
            audit log, where an agent who left reads as an end-user.

    Raises:
        RecordError: a bad row; names the file (``.file``), the line
            (``.line``), the ticket (``.record``) and the field (``.field``).
        ValidationError: *folder* is not a folder with a ticket table.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "ticket.csv").write_text(
    ...     "id,created_at,requester_id,status,priority,type,via_channel\\n"
    ...     "7,2025-06-02 11:00:00,10,solved,high,incident,email\\n")
    >>> _ = (folder / "user.csv").write_text("id,role\\n10,end-user\\n1,agent\\n")
    >>> _ = (folder / "ticket_comment.csv").write_text(
    ...     "id,ticket_id,created,public,user_id\\n"
    ...     "1,7,2025-06-02 11:00:00,true,10\\n2,7,2025-06-02 11:40:00,true,1\\n")
    >>> [ticket] = read_tables(folder)
    >>> ticket.kind.value, ticket.priority.value, ticket.first_reply_at().isoformat()
    ('complaint', 'high', '2025-06-02T11:40:00+00:00')
    """
    path = check_reader(folder, instance, on_error)
    if not isinstance(grouping, Grouping):
        raise ValidationError(
            f"'grouping' must be a Grouping such as Grouping.IN_MEMORY (got {grouping!r})",
            field="grouping",
            value=grouping,
        )
    team = agent_ids(agents)

    def generate() -> Iterator[Interaction]:
        reader = _Reader(path, instance=instance, grouping=grouping, agents=team)
        yield from reader.tickets(on_error)

    return generate()
