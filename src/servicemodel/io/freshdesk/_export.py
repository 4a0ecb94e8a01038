"""A Freshdesk export folder (saved API v2 responses) to interactions, ticket by ticket.

``tickets.json`` (with ``include=stats``) gives each interaction;
``conversations.json`` its replies and notes; the ticket-activities export
its status, priority, agent and group history; ``satisfaction_ratings.json``
its ratings; ``agents.json`` who wrote as an agent; ``groups.json`` and
``business_hours.json`` which business hours it counts on.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from ..._validators import is_integer
from ...exceptions import RecordError, ValidationError
from ...interactions import Interaction, Kind
from .._decoder import InteractionDecoder
from .._readers import check_on_error
from .._report import ErrorReport
from .._ticket_log import Origin, TicketLog, Vocabulary, located
from .._vendor import check_folder, check_instance, record_error
from ._files import JsonFile, find_files, stamp
from ._people import Directory, StatusTable
from ._vocab import (
    CLASSIC_SCORES,
    CONVERSATION_SOURCES,
    CSAT_SCORES,
    KINDS,
    NOT_TO_CUSTOMER,
    OUTBOUND,
    PRIORITIES,
    SOURCES,
)

__all__ = ["read_export"]

_PRIORITY_TEXT: Final = {str(code): value for code, value in PRIORITIES.items()}
_SCORES: Final = {**CSAT_SCORES, **CLASSIC_SCORES}
#: Ticket fields kept as attributes (servicemodel name -> ticket key).
_ATTRIBUTES: Final = (("type", "type"), ("company_id", "company_id"), ("product_id", "product_id"))

Rows = list[tuple[JsonFile, int, dict[str, Any]]]


def _text_id(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
        return None
    return str(value)


def _code(value: object) -> int | None:
    return value if is_integer(value) else None


def _by_ticket(files: list[JsonFile], key: str | None = None) -> dict[str, Rows]:
    found: dict[str, Rows] = {}
    for file in files:
        for line, item in file.records(key):
            ticket = _text_id(item.get("ticket_id"))
            if ticket is None:
                raise record_error(
                    file.file,
                    line,
                    None,
                    f"'ticket_id' must name a ticket (got {item.get('ticket_id')!r})",
                    field="ticket_id",
                    value=item.get("ticket_id"),
                )
            found.setdefault(ticket, []).append((file, line, item))
    return found


class _Reader:
    def __init__(
        self,
        folder: str,
        *,
        instance: str | None,
        statuses: Mapping[int, str] | None,
        kinds: Mapping[str, str] | None,
        bots: Iterable[str],
    ) -> None:
        tickets = find_files(folder, "tickets")
        if not tickets:
            raise ValidationError(
                f"'folder' must hold a Freshdesk export: tickets.json or a tickets/ folder of "
                f"saved pages (got none in {folder!r})",
                field="folder",
                value=folder,
            )
        self.tickets = tickets
        self.instance = instance
        self.prefix = "" if instance is None else f"{instance}:"
        self.people = Directory(folder, bots)
        self.statuses = StatusTable(folder, statuses)
        self.vocabulary = Vocabulary("Freshdesk", self.statuses.vocabulary(), _PRIORITY_TEXT)
        self.kinds = dict(KINDS)
        for name, kind in (kinds or {}).items():
            try:
                self.kinds[str(name).lower()] = Kind(kind)
            except ValueError:
                raise ValidationError(
                    f"'kinds' must map ticket types to one of "
                    f"{', '.join(k.value for k in Kind)} (got {name!r}: {kind!r})",
                    field="kinds",
                    value=kinds,
                ) from None
        self.conversations = _by_ticket(find_files(folder, "conversations"))
        if self.conversations and not self.people.has_agents:
            raise ValidationError(
                f"'folder' must hold agents.json when it holds conversations: a reply's author "
                f"is an agent or the customer by the agents list (got none in {folder!r})",
                field="folder",
                value=folder,
            )
        self.activities = _by_ticket(find_files(folder, "ticket_activities"), "activities_data")
        self.ratings = _by_ticket(find_files(folder, "satisfaction_ratings"))

    def interactions(self, report: ErrorReport | None) -> Iterator[Interaction]:
        decoder = InteractionDecoder()
        for file in self.tickets:
            for line, ticket in file.records():
                try:
                    interaction = self._interaction(file.file, line, ticket, decoder)
                except RecordError as error:
                    if report is None:
                        raise
                    report.add(error)
                    continue
                if interaction is not None:
                    yield interaction

    # ------------------------------------------------------------------ one ticket

    def _interaction(
        self, file: str, line: int, ticket: dict[str, Any], decoder: InteractionDecoder
    ) -> Interaction | None:
        ticket_id = _text_id(ticket.get("id"))
        if ticket_id is None:
            raise record_error(
                file, line, None, f"'id' must be a ticket id (got {ticket.get('id')!r})", field="id"
            )
        if ticket.get("spam") is True or ticket.get("deleted") is True:
            return None  # spam and deleted tickets are left out (the reference says why)
        prefix = self.prefix

        def where(field: str) -> Origin:
            return (file, line, field)

        def fail(field: str, message: str, value: object) -> RecordError:
            return record_error(file, line, ticket_id, message, field=field, value=value)

        log = TicketLog(prefix + ticket_id, where("id"), self.vocabulary)
        created = self._stamp(ticket.get("created_at"), where("created_at"), ticket_id)
        log.created, log.created_key = created[1], created[0]
        requester = _text_id(ticket.get("requester_id"))
        if requester is None:
            raise fail(
                "requester_id",
                "'requester_id' is required (got nothing)",
                ticket.get("requester_id"),
            )
        log.customer_id = prefix + requester
        source = _code(ticket.get("source"))
        channel = SOURCES.get(source) if source is not None else None
        if channel is None:
            known = ", ".join(str(code) for code in SOURCES)
            raise fail(
                "source",
                f"'source' must be a Freshdesk ticket source code: one of {known} "
                f"(got {ticket.get('source')!r})",
                ticket.get("source"),
            )
        log.channel = channel.value
        outbound = source == OUTBOUND
        if outbound:
            log.opened_by = "agent"  # an outbound email: the agent wrote the first message
        kind_name = ticket.get("type") or ""
        kind = self.kinds.get(kind_name.lower()) if isinstance(kind_name, str) else None
        if kind is None:
            known = ", ".join(repr(k) for k in self.kinds if k)
            raise fail(
                "type",
                f"'type' must be a Freshdesk ticket type: one of {known} or none, or one mapped "
                f"with kinds= (got {kind_name!r})",
                kind_name,
            )
        log.kind = kind.value
        status = _code(ticket.get("status"))
        if status is None or str(status) not in self.vocabulary.statuses:
            known = ", ".join(str(code) for code in self.statuses.codes)
            raise fail(
                "status",
                f"'status' must be a Freshdesk status code: one of {known}, or a custom status "
                f"mapped with statuses= (got {ticket.get('status')!r})",
                ticket.get("status"),
            )
        priority = ticket.get("priority")
        log.priority = log.vendor_priority(
            str(priority) if _code(priority) is not None else repr(priority), where("priority")
        )
        log.tags = [tag for tag in ticket.get("tags") or () if isinstance(tag, str) and tag]
        attributes = {"source": str(source)}
        for name, key in _ATTRIBUTES:
            value = _text_id(ticket.get(key))
            if value is not None:
                attributes[name] = value
        if self.instance is not None:
            attributes["instance"] = self.instance
        log.attributes = attributes
        log.message(
            created,
            "agent" if outbound else "customer",
            True,
            None if outbound else prefix + requester,
            where("description"),
        )
        tracked = self._activities(log, ticket_id, created)
        group = _text_id(ticket.get("group_id"))
        if "group" not in tracked:
            agent = None if "agent" in tracked else _text_id(ticket.get("responder_id"))
            if agent is not None or group is not None:
                log.assignment(
                    created,
                    None if agent is None else prefix + agent,
                    None if group is None else prefix + group,
                    where("responder_id"),
                )
            self._schedule(log, created, group, where("group_id"))
        elif "agent" not in tracked and ticket.get("responder_id") is not None:
            log.assignment(
                created, prefix + str(ticket["responder_id"]), None, where("responder_id")
            )
        if "status" not in tracked:
            self._stats(log, ticket, status, created, where)
        self._conversations(log, ticket_id, requester)
        self._ratings(log, ticket_id)
        return log.build(decoder)

    def _stamp(
        self, value: object, origin: Origin, ticket: str, *, activity: bool = False
    ) -> tuple[_dt.datetime, str]:
        try:
            return stamp(value, origin[2], activity=activity)
        except ValidationError as error:
            raise located(error, origin, ticket) from None

    def _schedule(
        self, log: TicketLog, at: tuple[_dt.datetime, str], group: str | None, origin: Origin
    ) -> None:
        hours = self.people.hours_of(group)
        if hours is not None:
            log.schedule(at, self.prefix + hours, origin)

    def _stats(
        self,
        log: TicketLog,
        ticket: dict[str, Any],
        status: int,
        created: tuple[_dt.datetime, str],
        where: Any,
    ) -> None:
        """Without the activities export: open at creation, and what ``stats`` tells since."""
        log.status(created, "2", where("created_at"))
        found = ticket.get("stats")
        stats: dict[str, Any] = found if isinstance(found, dict) else {}
        current = self.vocabulary.statuses[str(status)]
        resolved = stats.get("resolved_at")
        if current == "closed" and resolved:
            log.status(
                self._stamp(resolved, where("stats.resolved_at"), log.id), "4", where("status")
            )
        changed = stats.get("status_updated_at")
        at = (
            created
            if not changed
            else self._stamp(changed, where("stats.status_updated_at"), log.id)
        )
        log.status(at, str(status), where("status"))

    def _activities(
        self, log: TicketLog, ticket: str, created: tuple[_dt.datetime, str]
    ) -> set[str]:
        """Read the ticket's activities into *log*; return what they track."""
        tracked: set[str] = set()
        prefix = self.prefix
        rows = self.activities.get(ticket, [])
        for file, line, row in rows:
            activity = row.get("activity")
            if not isinstance(activity, dict):
                raise record_error(
                    file.file,
                    line,
                    log.id,
                    f"'activity' must be an object of changed properties (got {activity!r})",
                    field="activity",
                    value=activity,
                )
            at = self._stamp(
                row.get("performed_at"), (file.file, line, "performed_at"), log.id, activity=True
            )
            at = created if at[0] < created[0] else at  # the creating activity, written later
            if "status" in activity:
                label = activity["status"]
                code = self.statuses.code_of(label) if isinstance(label, str) else None
                if code is None:
                    known = ", ".join(repr(name) for name in self.statuses.labels)
                    raise record_error(
                        file.file,
                        line,
                        log.id,
                        f"'activity.status' must be a status label of the account: one of "
                        f"{known} (got {label!r})",
                        field="activity.status",
                        value=label,
                    )
                tracked.add("status")
                log.status(at, str(code), (file.file, line, "activity.status"))
            if "priority" in activity:
                value = activity["priority"]
                text = str(value) if _code(value) is not None else repr(value)
                log.priority_change(at, text, (file.file, line, "activity.priority"))
            if "responder_id" in activity:
                agent = _text_id(activity["responder_id"])
                tracked.add("agent")
                log.assignment(
                    at, "" if agent is None else prefix + agent, None, (file.file, line, "activity")
                )
            if "group_id" in activity:
                group = _text_id(activity["group_id"])
                tracked.add("group")
                log.assignment(
                    at, None, "" if group is None else prefix + group, (file.file, line, "activity")
                )
                self._schedule(log, at, group, (file.file, line, "activity.group_id"))
        return tracked

    def _conversations(self, log: TicketLog, ticket: str, requester: str) -> None:
        for file, line, item in self.conversations.get(ticket, []):
            user = _text_id(item.get("user_id"))
            if user is None:
                raise record_error(
                    file.file,
                    line,
                    log.id,
                    f"'user_id' is required: a conversation's author decides whether it is the "
                    f"customer's, an agent's or a bot's (got {item.get('user_id')!r})",
                    field="user_id",
                    value=item.get("user_id"),
                )
            source = _code(item.get("source"))
            if source not in CONVERSATION_SOURCES:
                known = ", ".join(f"{c} ({n})" for c, n in CONVERSATION_SOURCES.items())
                raise record_error(
                    file.file,
                    line,
                    log.id,
                    f"'source' must be a Freshdesk conversation source: one of {known} "
                    f"(got {item.get('source')!r})",
                    field="source",
                    value=item.get("source"),
                )
            private = item.get("private")
            if not isinstance(private, bool):
                raise record_error(
                    file.file,
                    line,
                    log.id,
                    f"'private' must be true or false (got {private!r})",
                    field="private",
                    value=private,
                )
            at = self._stamp(item.get("created_at"), (file.file, line, "created_at"), log.id)
            role = self.people.role(user, requester)
            if item.get("incoming") is True and role == "agent":
                role = (
                    "customer"  # written from outside: the customer's side, as Freshdesk shows it
                )
            log.message(
                at,
                role,
                not private and source not in NOT_TO_CUSTOMER,
                self.prefix + user,
                (file.file, line, "user_id"),
            )

    def _ratings(self, log: TicketLog, ticket: str) -> None:
        for file, line, item in self.ratings.get(ticket, []):
            ratings = item.get("ratings")
            answer = ratings.get("default_question") if isinstance(ratings, dict) else None
            score = _SCORES.get(answer) if _code(answer) is not None else None  # type: ignore[arg-type]
            if score is None:
                raise record_error(
                    file.file,
                    line,
                    log.id,
                    f"'ratings.default_question' must be a Freshdesk satisfaction answer: one of "
                    f"{', '.join(str(s) for s in _SCORES)} (got {answer!r})",
                    field="ratings.default_question",
                    value=answer,
                )
            at = self._stamp(item.get("created_at"), (file.file, line, "created_at"), log.id)
            log.rating(at, score, (file.file, line, "ratings"))


def read_export(
    folder: object,
    *,
    instance: str | None = None,
    statuses: Mapping[int, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    bots: Iterable[str] = (),
    on_error: ErrorReport | None = None,
) -> Iterator[Interaction]:
    """Stream the interactions of a Freshdesk export folder (saved API v2 JSON).

    See :mod:`servicemodel.io.freshdesk` for the files read and
    ``docs/reference/freshdesk.md`` for how each field maps.

    Args:
        folder: the folder holding ``tickets.json`` and the other files.
        instance: a label for the helpdesk instance; when given, every id is
            prefixed with ``<instance>:`` and each interaction carries the
            attribute ``instance``.
        statuses: custom status codes (6 and up) -> servicemodel status
            (``"pending"``, ``"on_hold"``, ``"open"``, ...); a custom status not
            named here maps by the words of its name in ``ticket_fields.json``.
        kinds: ticket types beyond the defaults -> kind (``"request"``, ...).
        bots: user ids whose conversations are a bot's (an automation's
            sender, an AI agent): Freshdesk records no author kind.
        on_error: ``None`` stops at the first bad ticket; an
            :class:`~servicemodel.io.ErrorReport` collects bad tickets and goes on.

    Raises:
        RecordError: a bad record; names the file, the line, the ticket and the field.
        ValidationError: *folder* holds no Freshdesk export, or an argument is wrong.

    >>> import json, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "tickets.json").write_text(json.dumps([{
    ...     "id": 7, "status": 4, "priority": 3, "source": 1, "type": "Incident",
    ...     "requester_id": 10, "created_at": "2026-03-02T11:00:00Z",
    ...     "stats": {"resolved_at": "2026-03-02T12:00:00Z",
    ...               "status_updated_at": "2026-03-02T12:00:00Z"}}]))
    >>> _ = (folder / "agents.json").write_text('[{"id": 1}]')
    >>> _ = (folder / "conversations.json").write_text(json.dumps([{
    ...     "ticket_id": 7, "user_id": 1, "incoming": False, "private": False, "source": 0,
    ...     "created_at": "2026-03-02T11:40:00Z"}]))
    >>> [ticket] = read_export(folder)
    >>> ticket.kind.value, ticket.priority.value, ticket.first_reply_at().isoformat()
    ('complaint', 'high', '2026-03-02T11:40:00+00:00')
    """
    path = check_folder(folder, holding="the saved API responses")
    check_on_error(on_error)
    if isinstance(bots, str):
        raise ValidationError(
            f"'bots' must be a collection of user ids (got {bots!r})", field="bots", value=bots
        )
    check_instance(instance)
    bot_ids = [str(bot) for bot in bots]

    def generate() -> Iterator[Interaction]:
        reader = _Reader(path, instance=instance, statuses=statuses, kinds=kinds, bots=bot_ids)
        yield from reader.interactions(on_error)

    return generate()
