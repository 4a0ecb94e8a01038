"""Read what Zendesk (or a warehouse package) recorded about SLAs, as :class:`RecordedSla` rows.

Two sources:

* ``zendesk__sla_policies``, the SLA table of Fivetran's dbt_zendesk package
  (CSV, as exported from the warehouse): one row per SLA event;
* Zendesk's ticket metric events (``GET /api/v2/incremental/ticket_metric_events``,
  JSON pages, a JSON list or JSON lines): the vendor's own SLA log.
"""

from __future__ import annotations

import csv
import datetime as _dt
import os
import zlib
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pendulum

from ..._time import aware, duration_from_micros, to_micros
from ..._validators import integer, is_integer
from ...exceptions import RecordError, ValidationError
from ...interactions import Priority
from ...sla import Metric, RecordedSla
from .._files import PathOrFile, open_text
from .._readers import csv_records, line_error
from .._vendor import instant
from ._pages import load_json, text_records
from ._targets import target_seconds
from ._vocab import EVENT_METRICS, NOT_CARRIED, PRIORITIES, event_metric

__all__ = ["read_recorded_sla", "read_ticket_metric_events"]

_SLA_POLICIES_COLUMNS = (
    "ticket_id",
    "sla_policy_name",
    "metric",
    "sla_applied_at",
    "target",
    "in_business_hours",
    "priority_applied",
    "sla_breach_at",
    "sla_elapsed_time",
    "is_active_sla",
    "is_sla_breach",
)

#: dbt_zendesk's metric names (the package supports these four).
_DBT_METRICS = {
    "first_reply_time": Metric.FIRST_REPLY,
    "next_reply_time": Metric.NEXT_REPLY,
    "agent_work_time": Metric.AGENT_WORK,
    "requester_wait_time": Metric.REQUESTER_WAIT,
}
_REPLY = (Metric.FIRST_REPLY, Metric.NEXT_REPLY)

#: Zendesk priorities (the importer's vocabulary: "medium" means normal).
_PRIORITIES = {name: Priority(value) for name, value in PRIORITIES.items()}

#: Ticket metric event metrics with a servicemodel metric (reply_time splits by instance).
_EVENT_METRICS = {name: Metric(value) for name, value in EVENT_METRICS.items()}
_EVENT_TYPES = frozenset(
    {
        "activate",
        "pause",
        "fulfill",
        "apply_sla",
        "apply_group_sla",
        "breach",
        "update_status",
        "measure",
    }
)
_MAX_DECIMAL_DIGITS = 30
#: At most 10**12 minutes (two million years): a larger figure is no elapsed time.
_MAX_MINUTE_DIGITS = 12


# ----------------------------------------------------------------- cells


def _utc(text: str, field: str, *, naive_is_utc: bool = True) -> pendulum.DateTime:
    """A vendor timestamp as a UTC instant (the warehouse writes UTC without an offset)."""
    parsed, _ = instant(text.strip(), field, naive_is_utc=naive_is_utc)
    return pendulum.instance(parsed).in_timezone("UTC")


def _minutes(text: object, field: str) -> pendulum.Duration:
    """Minutes (a decimal number, as dbt writes them, or an integer) as an exact duration."""
    try:
        if isinstance(text, bool) or not isinstance(text, (str, int)):
            raise InvalidOperation
        if isinstance(text, str) and len(text) > _MAX_DECIMAL_DIGITS:
            raise InvalidOperation
        number = Decimal(text)
        if not number.is_finite() or number < 0 or number.adjusted() > _MAX_MINUTE_DIGITS:
            raise InvalidOperation
    except InvalidOperation:
        raise ValidationError(
            f"'{field}' must be a number of minutes of at least 0 (got {text!r})",
            field=field,
            value=text,
        ) from None
    return duration_from_micros(int(number * 60_000_000))


def _flag(text: str, field: str) -> bool | None:
    value = text.strip().lower()
    if value == "":
        return None
    if value in ("true", "t", "1"):
        return True
    if value in ("false", "f", "0"):
        return False
    raise ValidationError(
        f"'{field}' must be true, false or empty (got {text!r})", field=field, value=text
    )


def _priority(text: str) -> Priority | None:
    value = text.strip().lower()
    if value == "":
        return None
    priority = _PRIORITIES.get(value)
    if priority is None:
        raise ValidationError(
            f"'priority_applied' must be one of {', '.join(PRIORITIES)} (got {text!r})",
            field="priority_applied",
            value=text,
        )
    return priority


def _ticket_id(value: object, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise ValidationError(
            f"'{field}' must be a ticket id (got {value!r})", field=field, value=value
        )
    return str(value).strip()


def _in_file(path_or_file: PathOrFile, rows: Iterator[RecordedSla]) -> Iterator[RecordedSla]:
    """*rows*, with each error naming the file it came from (when it has a name)."""
    name = getattr(path_or_file, "name", path_or_file)
    shown = os.path.basename(os.fspath(name)) if isinstance(name, str | os.PathLike) else None
    try:
        yield from rows
    except RecordError as error:
        if not shown or error.file not in (None, "the events"):
            raise
        message = error.message.removeprefix("the events ")
        raise RecordError(
            f"{shown} {message}",
            line=error.line,
            field=error.field,
            value=error.value,
            file=shown,
        ) from None
    except (OSError, EOFError, zlib.error) as error:  # a corrupt or cut .gz
        raise RecordError(
            f"{shown or 'the file'} is unreadable ({error})", line=1, file=shown
        ) from None


# ----------------------------------------------------------------- zendesk__sla_policies


def read_recorded_sla(path_or_file: PathOrFile) -> Iterator[RecordedSla]:
    """Read dbt_zendesk's ``zendesk__sla_policies`` table (CSV) as recorded SLA rows.

    Each row is one SLA event: a ticket's metric instance with the policy,
    the priority in force when it was applied, the target, the breach flag,
    one instant and the elapsed minutes. The instant ``sla_breach_at`` means
    different things by case, and lands in the field that names it: the
    breach (breached rows), the reply or solve that met a reply metric
    (``fulfilled_at``), the deadline a met agent-work or requester-wait clock
    had when it stopped, or the predicted breach of an active one
    (``due_at``). Timestamps without an offset are UTC. Extra columns
    (``sla_event_id``, ``source_relation``) are ignored.

    Args:
        path_or_file: a path (``.csv`` or ``.csv.gz``) or a text or binary file.

    Yields:
        One :class:`~servicemodel.sla.RecordedSla` per row, in file order.

    Raises:
        RecordError: a row is malformed; names the line and the column.

    >>> import io
    >>> table = io.StringIO(
    ...     "ticket_id,sla_policy_name,metric,sla_applied_at,target,in_business_hours,"
    ...     "priority_applied,sla_breach_at,sla_elapsed_time,is_active_sla,is_sla_breach\\n"
    ...     "102,Standard SLA,first_reply_time,2025-06-06 20:30:00,60,true,normal,"
    ...     "2025-06-09 13:30:00,105.0000,false,true\\n")
    >>> [row] = read_recorded_sla(table)
    >>> row.metric.value, row.breached, row.breached_at, row.elapsed.in_minutes()
    ('first_reply', True, DateTime(2025, 6, 9, 13, 30, 0, tzinfo=Timezone('UTC')), 105)
    """
    return _in_file(path_or_file, _recorded_rows(path_or_file))


def _recorded_rows(path_or_file: PathOrFile) -> Iterator[RecordedSla]:
    with open_text(path_or_file) as file:
        reader = csv.reader(file, strict=True)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise RecordError(f"line 1: the CSV header is malformed ({exc})", line=1) from None
        if header is None:
            return
        header = [name.lstrip("\ufeff").strip() for name in header]
        missing = [name for name in _SLA_POLICIES_COLUMNS if name not in header]
        if missing:
            raise RecordError(
                f"line 1: the CSV header lacks the column(s) {', '.join(missing)} of "
                f"zendesk__sla_policies (got {','.join(header)})",
                line=1,
                field="header",
                value=header,
            )
        for start, row in csv_records(reader, len(header), None):
            try:
                recorded = _sla_policies_row(dict(zip(header, row, strict=True)))
            except ValidationError as exc:
                raise line_error(start, exc) from None
            yield recorded


def _sla_policies_row(cells: Mapping[str, str]) -> RecordedSla:
    name = cells["metric"].strip()
    metric = _DBT_METRICS.get(name)
    if metric is None:
        raise ValidationError(
            f"'metric' must be one of {', '.join(_DBT_METRICS)} (got {name!r})",
            field="metric",
            value=name,
        )
    active = _flag(cells["is_active_sla"], "is_active_sla")
    breached = None if active else _flag(cells["is_sla_breach"], "is_sla_breach")
    when = cells["sla_breach_at"].strip()
    at = _utc(when, "sla_breach_at") if when else None
    elapsed = cells["sla_elapsed_time"].strip()
    target = cells["target"].strip()
    policy = cells["sla_policy_name"].strip()
    business = _flag(cells["in_business_hours"], "in_business_hours")
    return RecordedSla(
        interaction_id=_ticket_id(cells["ticket_id"], "ticket_id"),
        metric=metric,
        started_at=_utc(cells["sla_applied_at"], "sla_applied_at"),
        policy=policy or None,
        priority=_priority(cells["priority_applied"]),
        target=_minutes(target, "target") if target else None,
        business_hours=business,
        breached=breached,
        breached_at=at if breached else None,
        fulfilled_at=at if breached is False and metric in _REPLY else None,
        due_at=at if breached is None or (breached is False and metric not in _REPLY) else None,
        elapsed=_minutes(elapsed, "sla_elapsed_time") if elapsed else None,
        source="dbt_zendesk",
    )


# ----------------------------------------------------------------- ticket metric events


def _events(path_or_file: PathOrFile) -> Iterator[tuple[int, Any]]:
    """(line, event) pairs from a page (``{"ticket_metric_events": [...]}``), a list, or JSON lines."""
    with open_text(path_or_file) as file:
        text = file.read()
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        return
    try:
        whole = load_json(stripped)
    except ValueError:
        whole = None
    else:
        if isinstance(whole, list) or (
            isinstance(whole, Mapping) and "ticket_metric_events" in whole
        ):
            # A page or a list: each event with the line it starts on, as read_api reads it.
            for _key, start, item in text_records("the events", text, ("ticket_metric_events",)):
                yield start, item
            return
        if isinstance(whole, Mapping):
            yield 1, whole
            return
    for number, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = load_json(line)
        except ValueError as exc:
            raise RecordError(
                f"line {number}: the record must be valid JSON (got {type(exc).__name__}: {exc})",
                line=number,
            ) from None
        items = record.get("ticket_metric_events") if isinstance(record, Mapping) else None
        for item in items if isinstance(items, list) else [record]:
            yield number, item


def _text(event: Mapping[str, Any], key: str) -> str:
    value = event.get(key)
    if not isinstance(value, str) or not value:
        raise ValidationError(
            f"'{key}' must be a non-empty string (got {value!r})", field=key, value=value
        )
    return value


def _instance(event: Mapping[str, Any]) -> int:
    return integer(event.get("instance_id"), field="instance_id", low=0)


class _Instance:
    """The events of one metric instance of one ticket, folded in time order.

    Events are gathered as read (:meth:`add`) and folded by time, then id
    (:meth:`fold`): a file need not list them in order.
    """

    __slots__ = ("activated", "breach", "fulfilled", "gathered", "sla", "sla_line", "status")

    def __init__(self) -> None:
        self.activated: pendulum.DateTime | None = None
        self.fulfilled: pendulum.DateTime | None = None
        self.breach: pendulum.DateTime | None = None
        self.sla: Mapping[str, Any] | None = None
        self.sla_line = 0
        self.status: Mapping[str, Any] | None = None
        self.gathered: list[tuple[int, int, int, int, str, pendulum.DateTime, Any]] = []

    def add(self, line: int, kind: str, at: pendulum.DateTime, event: Mapping[str, Any]) -> None:
        """Keep one event (of *line*) to fold later."""
        ident = event.get("id")
        if is_integer(ident):
            rank, tie = 0, ident
        else:
            rank, tie = 1, len(self.gathered)
        self.gathered.append((to_micros(at), rank, tie, line, kind, at, event))

    def fold(self) -> None:
        """Fold the gathered events by time, then id (then as read, for events without one)."""
        self.gathered.sort(key=lambda g: g[:3])
        for _us, _has, _id, line, kind, at, event in self.gathered:
            try:
                self.feed(kind, at, event)
            except ValidationError as exc:
                raise line_error(line, exc) from None
            if kind == "apply_sla":
                self.sla_line = line
        self.gathered = []

    def feed(self, kind: str, at: pendulum.DateTime, event: Mapping[str, Any]) -> None:
        if kind == "activate":
            if self.activated is None:
                self.activated = at
            self.fulfilled = None  # a reopen activates the clock again
        elif kind == "fulfill":
            self.fulfilled = at
        elif kind == "breach":
            self.breach = at
        elif kind == "apply_sla":
            sla = event.get("sla")
            if not isinstance(sla, Mapping):
                raise ValidationError(
                    f"'sla' must be an object on an apply_sla event (got {sla!r})",
                    field="sla",
                    value=sla,
                )
            self.sla = sla
            if self.activated is None:
                self.activated = at
        elif kind == "update_status":
            status = event.get("status")
            if isinstance(status, Mapping):
                self.status = status


def read_ticket_metric_events(
    path_or_file: PathOrFile,
    *,
    as_of: pendulum.DateTime | _dt.datetime | None = None,
) -> Iterator[RecordedSla]:
    """Read Zendesk's ticket metric events (its own SLA log) as recorded SLA rows.

    Events are grouped by ticket, metric and instance; deleted events are
    ignored, and so is an instance without an ``apply_sla`` event (Zendesk
    activates every metric, with or without a target). ``reply_time``
    instance 1 is the first reply, instances 2 and on are next replies
    (cycle 0, 1, ...); ``pausable_update_time`` and ``group_ownership_time``
    have no servicemodel metric and are left out. A breach event later than
    the fulfilment did not happen; one later than *as_of* (the export time) is
    the predicted breach of a running clock.

    Args:
        path_or_file: a page of the API (``{"ticket_metric_events": [...]}``),
            a JSON list of events, or one event (or page) per line.
        as_of: when the events were exported (aware); ``None``: every
            recorded breach has happened.

    Yields:
        One :class:`~servicemodel.sla.RecordedSla` per ticket, metric and
        instance with a target, by ticket and first event.

    Raises:
        RecordError: an event is malformed; names its line and field.

    >>> import io, json
    >>> page = {"ticket_metric_events": [
    ...   {"id": 1, "ticket_id": 7, "metric": "reply_time", "instance_id": 1, "type": "activate",
    ...    "time": "2025-06-02T11:00:00Z"},
    ...   {"id": 2, "ticket_id": 7, "metric": "reply_time", "instance_id": 1, "type": "apply_sla",
    ...    "time": "2025-06-02T11:00:00Z", "sla": {"target": 60, "business_hours": True,
    ...    "policy": {"id": 1, "title": "Standard SLA"}}},
    ...   {"id": 3, "ticket_id": 7, "metric": "reply_time", "instance_id": 1, "type": "fulfill",
    ...    "time": "2025-06-02T13:40:00Z"},
    ...   {"id": 4, "ticket_id": 7, "metric": "reply_time", "instance_id": 1, "type": "update_status",
    ...    "time": "2025-06-02T13:40:00Z", "status": {"calendar": 160, "business": 40}}]}
    >>> [row] = read_ticket_metric_events(io.StringIO(json.dumps(page)))
    >>> row.metric.value, row.cycle, row.breached, row.elapsed.in_minutes(), row.policy
    ('first_reply', 0, False, 40, 'Standard SLA')
    """
    return _in_file(path_or_file, _metric_event_rows(path_or_file, as_of))


def _metric_event_rows(
    path_or_file: PathOrFile, as_of: pendulum.DateTime | _dt.datetime | None
) -> Iterator[RecordedSla]:
    limit = None if as_of is None else to_micros(aware(as_of, field="as_of"))
    instances: dict[tuple[str, str, int], _Instance] = {}
    for line, event in _events(path_or_file):
        try:
            _gather(instances, line, event)
        except ValidationError as exc:
            raise line_error(line, exc) from None
    for (ticket, name, instance), folded in instances.items():
        folded.fold()
        try:
            row = _instance_row(ticket, name, instance, folded, limit)
        except ValidationError as exc:
            raise line_error(folded.sla_line, exc) from None
        if row is not None:
            yield row


def _gather(instances: dict[tuple[str, str, int], _Instance], line: int, event: object) -> None:
    if not isinstance(event, Mapping):
        raise ValidationError(
            f"a ticket metric event must be a JSON object (got {event!r})", value=event
        )
    if event.get("deleted") is True:
        return
    ticket = _ticket_id(event.get("ticket_id"), "ticket_id")
    name = _text(event, "metric")
    kind = _text(event, "type")
    if kind not in _EVENT_TYPES:
        raise ValidationError(
            f"'type' must be one of {', '.join(sorted(_EVENT_TYPES))} (got {kind!r})",
            field="type",
            value=kind,
        )
    at = _utc(_text(event, "time"), "time", naive_is_utc=False)
    instance = _instance(event)
    if name in NOT_CARRIED:
        return
    if name != "reply_time" and name not in _EVENT_METRICS:
        allowed = ", ".join(sorted({"reply_time", *_EVENT_METRICS, *NOT_CARRIED}))
        raise ValidationError(
            f"'metric' must be one of {allowed} (got {name!r})", field="metric", value=name
        )
    instances.setdefault((ticket, name, instance), _Instance()).add(line, kind, at, event)


def _instance_row(
    ticket: str, name: str, instance: int, folded: _Instance, limit: int | None
) -> RecordedSla | None:
    sla = folded.sla
    if sla is None:
        return None
    metric = Metric(event_metric(name, instance))
    cycle = max(instance - (2 if name == "reply_time" else 1), 0)
    business = sla.get("business_hours")
    business = business if isinstance(business, bool) else None
    seconds = target_seconds(
        sla.get("target"),
        sla.get("target_in_seconds"),
        minutes_field="sla.target",
        seconds_field="sla.target_in_seconds",
    )
    target = duration_from_micros(seconds * 1_000_000)
    policy = sla.get("policy")
    title = policy.get("title") if isinstance(policy, Mapping) else None
    breach, fulfilled = folded.breach, folded.fulfilled
    if breach is not None and fulfilled is not None and breach > fulfilled:
        breach = None  # fulfilled first: the scheduled breach did not happen
    due = None
    if breach is not None and limit is not None and to_micros(breach) > limit:
        due, breach = breach, None  # still in the future when exported
    if breach is not None:
        breached: bool | None = True
    else:
        breached = False if fulfilled is not None else None
    elapsed = None
    status = folded.status
    if status is not None and fulfilled is not None:
        minutes = status.get("business" if business else "calendar")
        if minutes is not None:
            elapsed = _minutes(minutes, "status")
    return RecordedSla(
        interaction_id=ticket,
        metric=metric,
        cycle=cycle,
        started_at=folded.activated,
        policy=title if isinstance(title, str) and title.strip() == title and title else None,
        target=target,
        business_hours=business,
        breached=breached,
        breached_at=breach,
        fulfilled_at=fulfilled,
        due_at=due,
        elapsed=elapsed,
        source="zendesk",
    )
