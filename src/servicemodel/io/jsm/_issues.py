"""One JSM issue (with ``expand=changelog``) rebuilt as an interaction's event log.

The reporter is the customer; the request itself (the issue's creation) is
the first message, written by whoever created the issue; every comment is a
message whose author's ``accountType`` says who wrote it and whose
``jsdPublic`` says whether the customer saw it; the changelog's ``status``,
``priority``, ``assignee`` and ``labels`` items are the status, priority,
assignment and tag changes. The facts feed the :class:`TicketLog` every
importer shares (its ordering, its rule that a status that does not change
is no event, its decoding by the reader of servicemodel's own files); each
fact carries the JSON path it came from, so an error names the issue and the
field.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Final, final

from ..._validators import integer_rule, is_integer, shown
from ...exceptions import RecordError, ValidationError
from ...interactions import Channel, Interaction, Kind, Priority, Role, Status
from .._decoder import InteractionDecoder
from .._ticket_log import Origin, TicketLog, Vocabulary
from .._vendor import instant, record_error
from ._source import SavedIssue
from ._vocab import ACCOUNT_TYPES, CATEGORIES, CHANNELS, KINDS

__all__ = ["IssueReader", "lowered", "sla_fields"]

_CHANNEL_PROPERTY: Final = "request.channel.type"
#: The log's vocabulary: JSM's names are mapped before they reach the log, so it
#: holds servicemodel's own values.
_VOCABULARY: Final = Vocabulary(
    "JSM",
    {status.value: status.value for status in Status},
    {p.value: p.value for p in Priority if p is not Priority.NONE},
)
#: A changelog history, read: (instant, the history, its JSON path).
_History = tuple[_dt.datetime, Mapping[str, Any], str]


def lowered(table: Mapping[str, Any] | None, field: str) -> dict[str, Any]:
    """A user's name table with case-insensitive keys (names are compared lower-case)."""
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise ValidationError(
            f"'{field}' must map JSM names to servicemodel values (got {table!r})",
            field=field,
            value=table,
        )
    return {str(name).strip().lower(): value for name, value in table.items()}


def sla_fields(saved: SavedIssue) -> list[tuple[str, Mapping[str, Any]]]:
    """The issue's SLA fields, ``(field id, value)``: values with ``completedCycles``."""
    fields = saved.issue.get("fields")
    if not isinstance(fields, Mapping):
        return []
    return [
        (name, value)
        for name, value in fields.items()
        if isinstance(value, Mapping) and "completedCycles" in value
    ]


@final
class IssueReader:
    """Turns saved issues into interactions under one set of name tables."""

    __slots__ = (
        "_channels",
        "_decoder",
        "_priorities",
        "_statuses",
        "channel",
        "instance",
        "prefix",
    )

    def __init__(
        self,
        *,
        instance: str | None,
        statuses: Mapping[str, Status],
        priorities: Mapping[str, str],
        channel: Channel,
    ) -> None:
        self.instance = instance
        self.prefix = "" if instance is None else f"{instance}:"
        self._statuses = statuses
        self._priorities = priorities
        self._channels = CHANNELS
        self.channel = channel
        self._decoder = InteractionDecoder()

    def interaction(self, saved: SavedIssue) -> Interaction:
        """The interaction of one saved issue.

        Raises:
            RecordError: a field is missing or holds a value the tables do not
                know; names the file, the issue and the field.
        """
        return _Issue(self, saved).build(self._decoder)

    def status(self, name: object, path: str, issue: _Issue) -> Status:
        """The Status of a JSM status name (its category only for the current status)."""
        if isinstance(name, str):
            found = self._statuses.get(name.strip().lower())
            if found is not None:
                return found
            if name == issue.current_status and issue.current_category in CATEGORIES:
                return CATEGORIES[issue.current_category]
        known = ", ".join(repr(s) for s in sorted(self._statuses))
        raise issue.error(
            f"'{path}' must be a JSM status the importer knows: one of {known}, or the "
            f"current status with its category (got {name!r}); map your workflow's statuses "
            f"with statuses={{'<name>': 'open'}}",
            path,
            name,
        )

    def priority(self, name: object, path: str, issue: _Issue) -> str:
        """The priority value of a JSM priority name (``none`` for no priority)."""
        if name is None or name == "":
            return "none"
        if isinstance(name, str):
            found = self._priorities.get(name.strip().lower())
            if found is not None:
                return str(found)
        known = ", ".join(repr(p) for p in sorted(self._priorities))
        raise issue.error(
            f"'{path}' must be a JSM priority the importer knows: one of {known} (got "
            f"{name!r}); map your scheme's priorities with priorities={{'<name>': 'high'}}",
            path,
            name,
        )

    def channel_of(self, value: object, path: str, issue: _Issue) -> str:
        """The channel value of a request channel (the property's ``value``)."""
        if isinstance(value, Mapping):
            value = value.get("value")
        if isinstance(value, str):
            found = self._channels.get(value.strip().lower())
            if found is not None:
                return found.value
        known = ", ".join(repr(c) for c in self._channels)
        raise issue.error(
            f"'{path}' must be a JSM request channel: one of {known} (got {value!r})",
            path,
            value,
        )


def _history_order(identifier: object, index: int) -> tuple[int, str]:
    """How histories at one instant are ordered: by their numeric id (Jira's order)."""
    text = str(identifier) if isinstance(identifier, str | int) else ""
    return (int(text), "") if text.isdigit() else (-1, text or f"{index:09d}")


def _account(value: object) -> tuple[str, str] | None:
    """``(accountId, accountType)`` of a user object (``None``: no user)."""
    if not isinstance(value, Mapping):
        return None
    account, kind = value.get("accountId"), value.get("accountType")
    if not isinstance(account, str) or not account:
        return None
    return account, kind if isinstance(kind, str) else ""


class _Issue:
    """The facts of one issue, collected into entries and built into a record."""

    __slots__ = (
        "created",
        "current_category",
        "current_status",
        "fields",
        "issue",
        "key",
        "log",
        "reader",
        "reporter",
        "saved",
    )

    def __init__(self, reader: IssueReader, saved: SavedIssue) -> None:
        self.reader = reader
        self.saved = saved
        self.issue = saved.issue
        key = self.issue.get("key")
        self.key = key if isinstance(key, str) and key else None
        fields = self.issue.get("fields")
        if not isinstance(fields, Mapping):
            raise self.error("'fields' must be an object (got nothing)", "fields", fields)
        self.fields: Mapping[str, Any] = fields
        if self.key is None:
            raise self.error("'key' is required, e.g. 'HELP-1' (got nothing)", "key", key)
        status = fields.get("status")
        status = status if isinstance(status, Mapping) else {}
        self.current_status = status.get("name")
        category = status.get("statusCategory")
        self.current_category = category.get("key") if isinstance(category, Mapping) else None
        self.reporter = _account(fields.get("reporter"))
        self.log = TicketLog(reader.prefix + self.key, self.where("key"), _VOCABULARY)
        self.created = self.at(fields.get("created"), "fields.created")
        self.log.created_key, self.log.created = self.created
        self._attributes_and_kind(reader.instance)

    # ------------------------------------------------------------------ helpers

    def error(self, message: str, field: str, value: object) -> RecordError:
        """A RecordError naming this issue's file, line and *field*."""
        return record_error(
            self.saved.file, self.saved.line, self.key, message, field=field, value=value
        )

    def where(self, path: str) -> Origin:
        """Where a fact came from: this issue's file and line, and the JSON path."""
        return (self.saved.file, self.saved.line, path)

    def at(self, text: object, path: str) -> tuple[_dt.datetime, str]:
        """A Jira timestamp (``2024-01-15T10:30:00.000+0000``) as ``(aware, ISO text)``."""
        if not isinstance(text, str):
            raise self.error(
                f"'{path}' must be a timestamp such as '2024-01-15T10:30:00.000+0000' "
                f"(got {text!r})",
                path,
                text,
            )
        try:
            found = instant(text, path, naive_is_utc=False)[0]
        except ValidationError as exc:
            raise self.error(exc.message, path, text) from None
        return found, found.isoformat()

    def role(self, account: tuple[str, str], path: str) -> Role:
        """Who an account writes as on this issue (its own reporter is the customer)."""
        role = ACCOUNT_TYPES.get(account[1])
        if role is None:
            known = ", ".join(repr(a) for a in ACCOUNT_TYPES)
            raise self.error(
                f"'{path}.accountType' must be one of {known} (got {account[1]!r})",
                f"{path}.accountType",
                account[1],
            )
        if role is Role.AGENT and self.reporter is not None and account[0] == self.reporter[0]:
            return Role.CUSTOMER
        return role

    # ------------------------------------------------------------------ reading

    def _attributes_and_kind(self, instance: str | None) -> None:
        fields = self.fields
        attributes: dict[str, str] = {}
        if instance is not None:
            attributes["instance"] = instance
        identifier = self.issue.get("id")
        if isinstance(identifier, str | int) and not isinstance(identifier, bool):
            attributes["jira_id"] = str(identifier)
        issue_type = fields.get("issuetype")
        type_name = issue_type.get("name") if isinstance(issue_type, Mapping) else None
        if isinstance(type_name, str) and type_name:
            attributes["issue_type"] = type_name
        for value in fields.values():
            request = value.get("requestType") if isinstance(value, Mapping) else None
            if isinstance(request, Mapping) and isinstance(request.get("name"), str):
                attributes["request_type"] = request["name"]
        if isinstance(self.current_status, str) and self.current_status:
            attributes["jsm_status"] = self.current_status
        self.log.attributes = attributes
        kind = KINDS.get(type_name.strip().lower()) if isinstance(type_name, str) else None
        self.log.kind = (kind or Kind.ENQUIRY).value

    def build(self, decoder: InteractionDecoder) -> Interaction:
        fields = self.fields
        prefix = self.reader.prefix
        if self.reporter is None:
            raise self.error(
                "'fields.reporter' must be a user with an 'accountId' (got "
                f"{fields.get('reporter')!r})",
                "fields.reporter",
                fields.get("reporter"),
            )
        creator = _account(fields.get("creator"))
        opener_path = "fields.creator" if creator is not None else "fields.reporter"
        creator = creator or self.reporter
        opener = self.role(creator, opener_path)
        log = self.log
        log.customer_id = prefix + self.reporter[0]
        if opener is not Role.CUSTOMER:
            log.opened_by = opener.value
        log.message(
            self.created, opener.value, True, prefix + creator[0], self.where("fields.created")
        )
        histories = self._histories()
        self._statuses(histories)
        self._priorities(histories)
        self._assignments(histories)
        self._labels(histories)
        self._comments()
        self._rating()
        log.channel = self.reader.channel.value
        properties = self.issue.get("properties")
        if isinstance(properties, Mapping) and _CHANNEL_PROPERTY in properties:
            log.channel = self.reader.channel_of(
                properties[_CHANNEL_PROPERTY], f"properties.{_CHANNEL_PROPERTY}", self
            )
        return log.build(decoder)

    def _histories(self) -> list[_History]:
        """The changelog's histories in time order, refusing a capped changelog."""
        changelog = self.issue.get("changelog")
        if changelog is None:
            return []
        if not isinstance(changelog, Mapping):
            raise self.error(
                f"'changelog' must be an object (got {changelog!r})", "changelog", changelog
            )
        key = "histories" if "histories" in changelog else "values"
        histories = changelog.get(key)
        if not isinstance(histories, list):
            raise self.error(
                f"'changelog.histories' must be a list (got {histories!r})",
                "changelog.histories",
                histories,
            )
        total = changelog.get("total")
        if is_integer(total) and total > len(histories):
            raise self.error(
                f"'changelog.total' says the issue has {total} histories but the changelog "
                f"holds {len(histories)}: JSM caps the changelog fetched through search, so "
                "the status history is incomplete; fetch the whole history with GET "
                f"/rest/api/3/issue/{self.key}/changelog and save it as the issue's "
                "'changelog' (the importer does not trust a capped changelog)",
                "changelog.total",
                total,
            )
        found = []
        for index, history in enumerate(histories):
            path = f"changelog.{key}[{index}]"
            if not isinstance(history, Mapping):
                raise self.error(f"'{path}' must be an object (got {history!r})", path, history)
            at = self.at(history.get("created"), f"{path}.created")[0]
            found.append((at, _history_order(history.get("id"), index), history, path))
        found.sort(key=lambda h: (h[0], h[1]))  # by time, then by id: never the listing order
        return [(at, history, path) for at, _order, history, path in found]

    def _items(self, histories: list[_History], name: str) -> list[_History]:
        found = []
        for at, history, path in histories:
            items = history.get("items")
            if not isinstance(items, list):
                raise self.error(
                    f"'{path}.items' must be a list (got {items!r})", f"{path}.items", items
                )
            for index, item in enumerate(items):
                if isinstance(item, Mapping) and (item.get("fieldId") or item.get("field")) == name:
                    found.append((at, item, f"{path}.items[{index}]"))
        return found

    def _statuses(self, histories: list[_History]) -> None:
        items = self._items(histories, "status")
        reader, log = self.reader, self.log
        if items:
            path = f"{items[0][2]}.fromString"
            first = reader.status(items[0][1].get("fromString"), path, self)
        else:
            path = "fields.status.name"
            first = reader.status(self.current_status, path, self)
        log.status(self.created, first.value, self.where(path))
        for at, item, path in items:
            status = reader.status(item.get("toString"), f"{path}.toString", self)
            log.status((at, at.isoformat()), status.value, self.where(path))

    def _priorities(self, histories: list[_History]) -> None:
        items = self._items(histories, "priority")
        reader, log = self.reader, self.log
        if items:
            path = f"{items[0][2]}.fromString"
            initial = reader.priority(items[0][1].get("fromString"), path, self)
        else:
            current = self.fields.get("priority")
            name = current.get("name") if isinstance(current, Mapping) else None
            path = "fields.priority.name"
            initial = reader.priority(name, path, self)
        log.priority_change(self.created, _none_is_empty(initial), self.where(path))
        for at, item, path in items:
            value = reader.priority(item.get("toString"), f"{path}.toString", self)
            log.priority_change((at, at.isoformat()), _none_is_empty(value), self.where(path))

    def _assignments(self, histories: list[_History]) -> None:
        items = self._items(histories, "assignee")
        prefix, log = self.reader.prefix, self.log
        if items:
            first = items[0][1]
            initial = first.get("tmpFromAccountId") or first.get("from")
        else:
            current = _account(self.fields.get("assignee"))
            initial = None if current is None else current[0]
        if isinstance(initial, str) and initial:
            log.assignment(self.created, prefix + initial, None, self.where("fields.assignee"))
        for at, item, path in items:
            to = item.get("tmpToAccountId") or item.get("to")
            agent = prefix + to if isinstance(to, str) and to else ""  # "": unassigned
            log.assignment((at, at.isoformat()), agent, None, self.where(path))

    def _labels(self, histories: list[_History]) -> None:
        items = self._items(histories, "labels")
        log = self.log
        if not items:
            labels = self.fields.get("labels")
            now = labels if isinstance(labels, list) else []
            log.tags = sorted({t for t in now if isinstance(t, str) and t})
            return
        first = (items[0][1].get("fromString") or "").split()
        log.tag_set(self.created, first, self.where(f"{items[0][2]}.fromString"))
        for at, item, path in items:
            after = (item.get("toString") or "").split()
            log.tag_set((at, at.isoformat()), after, self.where(f"{path}.toString"))

    def _comments(self) -> None:
        holder = self.fields.get("comment")
        if holder is None:
            return
        comments = holder.get("comments") if isinstance(holder, Mapping) else None
        if not isinstance(comments, list):
            raise self.error(
                f"'fields.comment.comments' must be a list (got {holder!r})",
                "fields.comment.comments",
                holder,
            )
        total = holder.get("total")
        if is_integer(total) and total > len(comments):
            raise self.error(
                f"'fields.comment.total' says the issue has {total} comments but the export "
                f"holds {len(comments)}: fetch them all with GET "
                f"/rest/api/3/issue/{self.key}/comment and save them as 'fields.comment'",
                "fields.comment.total",
                total,
            )
        prefix = self.reader.prefix
        for index, comment in enumerate(comments):
            path = f"fields.comment.comments[{index}]"
            if not isinstance(comment, Mapping):
                raise self.error(f"'{path}' must be an object (got {comment!r})", path, comment)
            author = _account(comment.get("author"))
            if author is None:
                raise self.error(
                    f"'{path}.author' must be a user with an 'accountId' and an 'accountType' "
                    f"(got {comment.get('author')!r})",
                    f"{path}.author",
                    comment.get("author"),
                )
            public = comment.get("jsdPublic", True)
            if not isinstance(public, bool):
                raise self.error(
                    f"'{path}.jsdPublic' must be true or false (got {public!r})",
                    f"{path}.jsdPublic",
                    public,
                )
            self.log.message(
                self.at(comment.get("created"), f"{path}.created"),
                self.role(author, f"{path}.author").value,
                public,
                prefix + author[0],
                self.where(path),
            )

    def _rating(self) -> None:
        """The request's satisfaction, dated by "Satisfaction date" (else the resolution).

        The rating is the Satisfaction field (``{"rating": 1-5}``) or, saved
        beside the issue as ``feedback``, the Service Desk API's request
        feedback (``{"type": "csat", "rating": 1-5}``).
        """
        names = self.saved.names
        dated: object = None
        rating: tuple[str, object] | None = None
        for name, value in self.fields.items():
            if isinstance(value, Mapping) and set(value) == {"rating"}:
                rating = (f"fields.{name}", value["rating"])
            label = names.get(name)
            if isinstance(label, str) and label.strip().lower() == "satisfaction date":
                dated = (name, value)
        feedback = self.issue.get("feedback")
        if rating is None and feedback is not None:
            if not isinstance(feedback, Mapping) or feedback.get("type") != "csat":
                raise self.error(
                    f"'feedback' must be the request's CSAT feedback, {{'type': 'csat', "
                    f"'rating': 1-5}} (got {feedback!r})",
                    "feedback",
                    feedback,
                )
            rating = ("feedback", feedback.get("rating"))
        if rating is None:
            return
        path, score = rating
        if not is_integer(score, 1, 5):
            raise self.error(
                f"'{path}.rating' must be {integer_rule(1, 5)} (got {shown(score)})",
                f"{path}.rating",
                score,
            )
        if isinstance(dated, tuple) and dated[1] is not None:
            at = self.at(dated[1], f"fields.{dated[0]}")
        elif self.fields.get("resolutiondate") is not None:
            at = self.at(self.fields.get("resolutiondate"), "fields.resolutiondate")
        else:
            raise self.error(
                f"'{path}' is a satisfaction rating without a date: export the "
                "'Satisfaction date' field with expand=names, or the issue's resolutiondate",
                path,
                score,
            )
        self.log.rating(at, score, self.where(path))


def _none_is_empty(priority: str) -> str:
    """The log's word for a priority: ``""`` when none is set."""
    return "" if priority == Priority.NONE.value else priority
