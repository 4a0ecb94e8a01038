"""What JSM recorded about each SLA of each issue, as :class:`RecordedSla` rows.

Each SLA custom field (a value with ``completedCycles``) holds zero or more
completed cycles and at most one ongoing cycle. A cycle gives its start, its
stop (completed), its breach time (the deadline: when it breached, or when it
would have), whether it breached, the goal and the elapsed working time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pendulum

from ..._time import duration_from_micros, from_micros
from ..._validators import enum_member, is_integer
from ...exceptions import RecordError, ValidationError
from ...sla import Metric, RecordedSla
from .._vendor import check_instance, instant, record_error
from ._issues import lowered, sla_fields
from ._source import SavedIssue, saved_issues
from ._vocab import METRICS

__all__ = ["read_recorded_sla"]


def _metrics(extra: Mapping[str, object] | None) -> dict[str, Metric | None]:
    table: dict[str, Metric | None] = dict(METRICS)
    for name, value in lowered(extra, "metrics").items():
        table[name] = (
            None if value is None else enum_member(Metric, value, field=f"metrics[{name!r}]")
        )
    return table


def _date(value: object, path: str) -> pendulum.DateTime | None:
    """A JSM date (``{epochMillis, iso8601, ...}``, or epoch milliseconds)."""
    if value is None:
        return None
    millis = value.get("epochMillis") if isinstance(value, Mapping) else value
    if is_integer(millis):
        return from_micros(millis * 1_000)
    text = value.get("iso8601") if isinstance(value, Mapping) else None
    if isinstance(text, str):
        return pendulum.instance(instant(text, path, naive_is_utc=False)[0]).in_timezone("UTC")
    raise ValidationError(
        f"'{path}' must be a JSM date with 'epochMillis' or 'iso8601' (got {value!r})",
        field=path,
        value=value,
    )


def _duration(value: object, path: str) -> pendulum.Duration | None:
    """A JSM duration (``{millis, friendly}``, or milliseconds)."""
    if value is None:
        return None
    millis = value.get("millis") if isinstance(value, Mapping) else value
    if is_integer(millis):
        return duration_from_micros(millis * 1_000)
    raise ValidationError(
        f"'{path}' must be a JSM duration with 'millis' (got {value!r})", field=path, value=value
    )


def _flag(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(
            f"'{path}' must be true or false (got {value!r})", field=path, value=value
        )
    return value


def _cycle(
    issue: str, metric: Metric, index: int, cycle: object, path: str, *, ongoing: bool
) -> RecordedSla:
    if not isinstance(cycle, Mapping):
        raise ValidationError(
            f"'{path}' must be an object (got {cycle!r})", field=path, value=cycle
        )
    breached = _flag(cycle.get("breached"), f"{path}.breached")
    deadline = _date(cycle.get("breachTime"), f"{path}.breachTime")
    elapsed = _duration(cycle.get("elapsedTime"), f"{path}.elapsedTime")
    if elapsed is not None and elapsed.total_seconds() < 0:
        raise ValidationError(
            f"'{path}.elapsedTime' must not be negative (got {cycle.get('elapsedTime')!r})",
            field=f"{path}.elapsedTime",
            value=cycle.get("elapsedTime"),
        )
    return RecordedSla(
        interaction_id=issue,
        metric=metric,
        cycle=index,
        started_at=_date(cycle.get("startTime"), f"{path}.startTime"),
        target=_duration(cycle.get("goalDuration"), f"{path}.goalDuration"),
        breached=True if breached else (None if ongoing else False),
        breached_at=deadline if breached else None,
        fulfilled_at=None if ongoing else _date(cycle.get("stopTime"), f"{path}.stopTime"),
        due_at=None if breached else deadline,
        elapsed=elapsed,
        source="jsm",
    )


def _rows(
    saved: SavedIssue, table: Mapping[str, Metric | None], prefix: str
) -> Iterator[RecordedSla]:
    key = saved.issue.get("key")
    if not isinstance(key, str) or not key:
        raise record_error(
            saved.file, saved.line, None, "'key' is required (got nothing)", field="key"
        )
    for field, value in sla_fields(saved):
        label = value.get("name") or saved.names.get(field)
        path = f"fields.{field}"
        try:
            if not isinstance(label, str) or not label.strip():
                raise ValidationError(
                    f"'{path}.name' must name the SLA (got {label!r}); export with "
                    "expand=names or keep the SLA's 'name'",
                    field=f"{path}.name",
                    value=label,
                )
            lowered_label = label.strip().lower()
            if lowered_label not in table:
                known = ", ".join(repr(name) for name in table)
                raise ValidationError(
                    f"'{path}.name' must be an SLA the importer knows: one of {known} (got "
                    f"{label!r}); say which metric it measures with metrics={{{label!r}: "
                    "'resolution'}}, or None to leave it out",
                    field=f"{path}.name",
                    value=label,
                )
            metric = table[lowered_label]
            if metric is None:
                continue
            completed = value.get("completedCycles")
            if not isinstance(completed, list):
                raise ValidationError(
                    f"'{path}.completedCycles' must be a list (got {completed!r})",
                    field=f"{path}.completedCycles",
                    value=completed,
                )
            for index, cycle in enumerate(completed):
                yield _cycle(
                    prefix + key,
                    metric,
                    index,
                    cycle,
                    f"{path}.completedCycles[{index}]",
                    ongoing=False,
                )
            ongoing = value.get("ongoingCycle")
            if ongoing is not None:
                yield _cycle(
                    prefix + key,
                    metric,
                    len(completed),
                    ongoing,
                    f"{path}.ongoingCycle",
                    ongoing=True,
                )
        except RecordError:
            raise
        except ValidationError as exc:
            raise record_error(
                saved.file,
                saved.line,
                key,
                exc.message,
                field=exc.field,
                value=exc.value,
            ) from None


def read_recorded_sla(
    source: object,
    *,
    metrics: Mapping[str, object] | None = None,
    instance: str | None = None,
) -> Iterator[RecordedSla]:
    """Read the SLA fields of saved JSM issues as recorded SLA rows, one per cycle.

    Every field whose value has ``completedCycles`` is an SLA; its ``name``
    (or the page's ``names``) says which: "Time to first response" is
    ``first_reply``, "Time to resolution" and "Time to done" are
    ``resolution``. A completed cycle gives the start, the stop
    (``fulfilled_at``), the goal (``target``), ``breached``, the elapsed
    working time, and its breach time: the breach when it breached, else
    the deadline it had (``due_at``). The ongoing cycle is the last, still
    undecided unless it breached. JSM records no policy or calendar: compare
    under the policies you supply (see :func:`reconcile_issues`).

    Args:
        source: a file or folder, as for :func:`read_issues`.
        metrics: your SLA names -> servicemodel metrics, over the default
            table (``{"Time to triage": "first_reply"}``); ``None`` as a
            metric leaves that SLA out.
        instance: the label the issues were imported with (prefixes the ids).

    Raises:
        RecordError: an SLA field is malformed or unknown; names the file,
            the issue and the field.

    >>> import json, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "issues.json"
    >>> _ = path.write_text(json.dumps([{"key": "HELP-1", "fields": {"customfield_10030": {
    ...     "name": "Time to first response", "ongoingCycle": None, "completedCycles": [{
    ...     "startTime": {"epochMillis": 1717999200000}, "stopTime": {"epochMillis": 1718001600000},
    ...     "breachTime": {"epochMillis": 1718013600000}, "breached": False,
    ...     "goalDuration": {"millis": 14400000}, "elapsedTime": {"millis": 2400000}}]}}}]))
    >>> [row] = read_recorded_sla(path)
    >>> row.metric.value, row.cycle, row.state(), row.elapsed.in_minutes(), row.due_at.hour
    ('first_reply', 0, 'met', 40, 10)
    """
    check_instance(instance)
    table = _metrics(metrics)
    prefix = "" if instance is None else f"{instance}:"
    issues = saved_issues(source)

    def generate() -> Iterator[RecordedSla]:
        for saved in issues:
            yield from _rows(saved, table, prefix)

    return generate()
