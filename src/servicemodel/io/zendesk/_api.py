"""The REST API shape: saved JSON pages of the incremental exports, read ticket by ticket.

``tickets*.json`` (pages of ``GET /api/v2/incremental/tickets/cursor``) give
each interaction; ``users*.json`` (or the ``users`` sideload of the ticket
pages) the role of each author; audits or ticket events, satisfaction
ratings and ticket metric events its history (see :mod:`._api_events`).
Every field maps by the rules the table reader uses (:mod:`._history`,
:class:`~._log.TicketLog`, :class:`~._users.Users`), so the same tickets
give the same interactions from either shape.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from ..._validators import integer_rule, is_integer, shown
from ...exceptions import ValidationError
from ...interactions import Interaction
from .._decoder import InteractionDecoder
from .._report import ErrorReport
from .._ticket_log import Origin, TicketLog
from .._vendor import kept
from ._api_events import (
    F_COMMENT,
    F_FIELD,
    F_PRIVACY,
    F_RATING,
    F_SLA,
    Fact,
    Facts,
    api_id,
    bad_fact,
)
from ._columns import check_reader, record_error
from ._history import (
    H_POLICY,
    H_RATING,
    H_TARGET,
    apply_field,
    field_code,
    field_text,
    stamped,
    untracked,
)
from ._instants import Instants
from ._pages import page_files, page_records
from ._read_policies import default_schedule_id
from ._targets import target_seconds
from ._users import Users, agent_ids
from ._vocab import (
    DELETED,
    EVENT_METRICS,
    MERGED_TAG,
    NOT_CARRIED,
    TICKET_ATTRIBUTES,
    VOCABULARY,
    event_metric,
)

__all__ = ["api_ticket_ids", "has_ticket_pages", "read_api"]

_TICKETS: Final = "tickets"
#: The ticket's fields by the table's column names (``via_channel`` is ``via.channel``).
_COLUMNS: Final = (
    "requester_id",
    "submitter_id",
    "status",
    "priority",
    "type",
    "assignee_id",
    "group_id",
    "brand_id",
    "organization_id",
    "ticket_form_id",
)


def has_ticket_pages(folder: str) -> bool:
    """Whether *folder* holds the API shape: pages of the incremental ticket export."""
    return bool(page_files(folder, _TICKETS))


def api_ticket_ids(folder: str) -> Iterator[str]:
    """The id of every ticket record of the ticket pages (a ticket once per version)."""
    for path in page_files(folder, _TICKETS):
        for _key, _line, record in page_records(path, (_TICKETS,)):
            if isinstance(record, Mapping):
                yield field_text(record.get("id"))


def _index(
    folder: str, pages: list[str], agents: frozenset[str] = frozenset()
) -> tuple[Users, dict[str, tuple[int, int]]]:
    """Every user and their role, and where each ticket's latest version is.

    Users come from ``users*.json`` pages, else from the ticket pages'
    ``users`` sideload. An incremental export repeats a ticket each time it
    is updated: only its last version is read. One pass, a page at a time.
    """
    users = Users(agents)
    latest: dict[str, tuple[int, int]] = {}
    user_pages = page_files(folder, "users")
    users.file = "users pages" if user_pages else "users sideloaded in the ticket pages"
    keys = (_TICKETS,) if user_pages else (_TICKETS, "users")
    for number, path in enumerate(pages):
        for key, line, record in page_records(path, keys):
            if key == _TICKETS:
                if isinstance(record, Mapping):
                    latest[field_text(record.get("id"))] = (number, line)
            else:
                _user(users, os.path.basename(path), line, record)
    for path in user_pages:
        for _key, line, record in page_records(path, ("users",)):
            _user(users, os.path.basename(path), line, record)
    return users, latest


def _user(users: Users, file: str, line: int, user: object) -> None:
    if not isinstance(user, Mapping):
        raise record_error(file, line, None, f"a user must be a JSON object (got {user!r:.80})")
    users.add(field_text(user.get("id")), field_text(user.get("role")), (file, line))


class _Reader:
    """Reads one folder's pages; :meth:`tickets` yields the interactions."""

    def __init__(
        self, folder: str, *, instance: str | None, agents: frozenset[str] = frozenset()
    ) -> None:
        self.pages = page_files(folder, _TICKETS)
        self.instance = instance
        self.prefix = "" if instance is None else f"{instance}:"
        self.users, self.latest = _index(folder, self.pages, agents)
        self.facts = Facts.read(folder)
        self.default_schedule = default_schedule_id(folder, tables=False)
        self.instants = Instants(naive_is_utc=False, limit=65_536)

    def tickets(self, report: ErrorReport | None) -> Iterator[Interaction]:
        decoder = InteractionDecoder()
        for number, path in enumerate(self.pages):
            file = os.path.basename(path)
            for _key, line, ticket in page_records(path, (_TICKETS,)):
                interaction = kept(report, self._interaction, file, number, line, ticket, decoder)
                if interaction is not None:
                    yield interaction

    def _instant(self, text: object, origin: Origin, ticket: str) -> tuple[_dt.datetime, str]:
        if not isinstance(text, str):
            raise bad_fact(origin, ticket, f"must be an ISO 8601 timestamp (got {text!r})", text)
        return self.instants.parse(text, origin, ticket)

    def _interaction(
        self, file: str, number: int, line: int, ticket: object, decoder: InteractionDecoder
    ) -> Interaction | None:
        if not isinstance(ticket, Mapping):
            raise record_error(
                file, line, None, f"a ticket must be a JSON object (got {ticket!r:.80})"
            )
        ticket_id = api_id(ticket.get("id"))
        if ticket_id is None:
            raise record_error(
                file,
                line,
                None,
                f"'id' must be a Zendesk id, a whole number (got {ticket.get('id')!r:.80})",
                field="id",
                value=ticket.get("id"),
            )
        if not ticket_id:
            raise record_error(file, line, None, "'id' is required (got nothing)", field="id")
        if self.latest.get(ticket_id) != (number, line):
            return None  # a later page has this ticket as it was updated later
        row = _row(ticket, file, line, ticket_id)
        facts = self.facts.pop(ticket_id)
        via = ticket.get("via")
        row["via_channel"] = field_text(via.get("channel")) if isinstance(via, Mapping) else ""
        tags = ticket.get("tags")
        if tags is not None and not (
            isinstance(tags, list) and all(isinstance(t, str) for t in tags)
        ):
            raise record_error(
                file,
                line,
                ticket_id,
                f"'tags' must be a list of tags (got {tags!r:.80})",
                field="tags",
                value=tags,
            )
        tags = [t for t in tags if t] if tags else []
        if row["status"] == DELETED or MERGED_TAG in tags:
            return None  # deleted, or merged into another ticket (the reference says why)
        prefix = self.prefix
        log = TicketLog(prefix + ticket_id, (file, line, "id"), VOCABULARY)
        log.tags = tags
        created = self._instant(ticket.get("created_at"), (file, line, "created_at"), ticket_id)
        log.created, log.created_key = created[1], created[0]
        if not row["requester_id"]:
            raise record_error(
                file,
                line,
                ticket_id,
                "'requester_id' is required (got nothing)",
                field="requester_id",
            )
        log.customer_id = prefix + row["requester_id"]
        log.opened_by = self.users.opened_by(row["requester_id"], row["submitter_id"], created[0])
        log.channel = log.vendor_channel(row["via_channel"], (file, line, "via.channel"))
        log.kind = log.vendor_kind(row["type"], (file, line, "type"))
        log.priority = log.vendor_priority(row["priority"], (file, line, "priority"))
        attributes = {name: row[column] for name, column in TICKET_ATTRIBUTES if row[column]}
        if self.instance is not None:
            attributes["instance"] = self.instance
        log.attributes = attributes
        tracked = self._history(log, facts)
        untracked(
            log,
            tracked,
            created,
            (row["status"], row["assignee_id"], row["group_id"]),
            ((file, line, "status"), (file, line, "assignee_id")),
            prefix,
        )
        if self.default_schedule is not None:
            log.schedule(created, prefix + self.default_schedule, log.origin)
        if H_TARGET not in tracked and H_POLICY not in tracked:
            self._stamps(log, facts)
        return log.build(decoder)

    def _history(self, log: TicketLog, facts: list[Fact]) -> set[int]:
        """Read the comments, field changes and ratings into *log*; return the fields tracked."""
        tracked: set[int] = set()
        prefix = self.prefix
        ticket = log.id
        # A privacy change corrects the comment it names (the latest change wins).
        privacy = {
            a: b for _t, kind, a, b, _o in facts if kind == F_PRIVACY and isinstance(b, bool)
        }
        for text, kind, a, b, origin in facts:
            if kind == F_COMMENT:
                when = self._instant(text, (origin[0], origin[1], "created_at"), ticket)
                public, by_rule, comment = b
                public = privacy.get(comment, public) if comment else public
                if not isinstance(public, bool):
                    raise bad_fact(
                        (origin[0], origin[1], origin[2].replace("author_id", "public")),
                        ticket,
                        f"must be true or false (got {public!r})",
                        public,
                    )
                author = "bot" if by_rule else self.users.author(a, when[0], origin, ticket)
                log.message(when, author, public, prefix + a if a else None, origin, comment)
            elif kind == F_FIELD:
                code = field_code(a)
                if code is None:
                    continue  # not an event of the log (subject, requester, ...)
                tracked.add(code)
                if code == H_RATING and self.facts.has_ratings:
                    continue  # the ratings export gives them, so none counts twice
                when = self._instant(text, (origin[0], origin[1], "created_at"), ticket)
                apply_field(log, code, when, a, b, origin, prefix, stamped)
            elif kind == F_RATING:
                when = self._instant(text, (origin[0], origin[1], "created_at"), ticket)
                log.satisfaction(when, a, origin)
        return tracked

    def _stamps(self, log: TicketLog, facts: list[Fact]) -> None:
        """The policies and targets of the ticket metric events (``apply_sla``), in time order."""
        ticket = log.id
        stamps = []
        for text, kind, metric, stamp, origin in facts:
            if kind == F_SLA:
                at = self._instant(text, (origin[0], origin[1], "time"), ticket)
                stamps.append((at, metric, stamp, origin))
        stamps.sort(key=lambda s: s[0][0])
        current: object = None
        for at, metric, (instance, (minutes, exact), business, title), origin in stamps:
            if metric in NOT_CARRIED:
                continue  # left out, as read_ticket_metric_events does
            if metric != "reply_time" and metric not in EVENT_METRICS:
                continue  # not a metric servicemodel has a clock for
            if not is_integer(instance):
                raise bad_fact(
                    (origin[0], origin[1], "instance_id"),
                    ticket,
                    f"must be {integer_rule()} (got {shown(instance)})",
                    instance,
                )
            try:
                seconds = target_seconds(minutes, exact)
            except ValidationError as error:
                raise record_error(
                    origin[0],
                    origin[1],
                    ticket,
                    error.message.replace(f"'{error.field}'", f"'sla.{error.field}'", 1),
                    field=f"sla.{error.field}",
                    value=error.value,
                ) from None
            if not isinstance(business, bool):
                raise bad_fact(
                    (origin[0], origin[1], "sla.business_hours"),
                    ticket,
                    f"must be true or false (got {business!r})",
                    business,
                )
            if isinstance(title, str) and title and title != current:
                log.policy(at, self.prefix + title, (origin[0], origin[1], "sla.policy"))
                current = title
            log.target(at, event_metric(metric, instance), seconds, business, origin)


def _row(ticket: Mapping[str, Any], file: str, line: int, ticket_id: str) -> dict[str, str]:
    """The ticket's fields as the tables write them; ids and words checked."""
    row = {}
    for name in _COLUMNS:
        value = ticket.get(name)
        text = api_id(value) if name.endswith("_id") else _word(value)
        if text is None:
            kind = "a Zendesk id, a whole number" if name.endswith("_id") else "text"
            raise record_error(
                file,
                line,
                ticket_id,
                f"'{name}' must be {kind} (got {value!r:.80})",
                field=name,
                value=value,
            )
        row[name] = text
    return row


def _word(value: object) -> str | None:
    if value is None:
        return ""
    return value if isinstance(value, str) else None


def read_api(
    folder: object,
    *,
    instance: str | None = None,
    on_error: ErrorReport | None = None,
    agents: Iterable[str | int] | None = None,
) -> Iterator[Interaction]:
    """Stream the interactions of a folder of the Zendesk REST API's JSON exports.

    See :mod:`servicemodel.io.zendesk` and ``docs/reference/zendesk.md`` for
    the files read and how each field maps.

    Args:
        folder: the folder holding ``tickets.json`` (or ``tickets_<n>.json``
            pages) and the other exports.
        instance: a label for the helpdesk instance (see :func:`read_tables`).
        on_error: ``None`` stops at the first bad ticket with a
            :class:`~servicemodel.exceptions.RecordError`; an
            :class:`~servicemodel.io.ErrorReport` collects bad tickets and goes on.
        agents: user ids whose comments are an agent's at every instant (see
            :func:`read_tables`).

    Raises:
        RecordError: a bad record or page; names the file (``.file``), the
            line (``.line``), the ticket (``.record``) and the field (``.field``).
        ValidationError: *folder* is not a folder with ticket pages.

    >>> import json, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "tickets.json").write_text(json.dumps({
    ...     "tickets": [{"id": 7, "created_at": "2025-06-02T11:00:00Z", "requester_id": 10,
    ...                  "status": "solved", "priority": "high", "type": "incident",
    ...                  "via": {"channel": "email"}}],
    ...     "users": [{"id": 10, "role": "end-user"}, {"id": 1, "role": "agent"}],
    ...     "end_of_stream": True}))
    >>> _ = (folder / "audits.json").write_text(json.dumps({"audits": [
    ...     {"ticket_id": 7, "created_at": "2025-06-02T11:00:00Z", "author_id": 10,
    ...      "events": [{"type": "Comment", "public": True, "author_id": 10}]},
    ...     {"ticket_id": 7, "created_at": "2025-06-02T11:40:00Z", "author_id": 1,
    ...      "events": [{"type": "Comment", "public": True, "author_id": 1}]}]}))
    >>> [ticket] = read_api(folder)
    >>> ticket.kind.value, ticket.priority.value, ticket.first_reply_at().isoformat()
    ('complaint', 'high', '2025-06-02T11:40:00+00:00')
    """
    path = check_reader(folder, instance, on_error)
    team = agent_ids(agents)
    if not has_ticket_pages(path):
        raise ValidationError(
            f"'folder' must hold pages of the incremental ticket export (tickets.json or "
            f"tickets_<n>.json) (got none in {path!r})",
            field="folder",
            value=folder,
        )

    def generate() -> Iterator[Interaction]:
        reader = _Reader(path, instance=instance, agents=team)
        yield from reader.tickets(on_error)

    return generate()
