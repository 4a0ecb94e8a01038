"""The rules of an interaction's log: order, status transitions, what may follow the close.

:func:`check_log` is the one implementation: :class:`~servicemodel.interactions.Interaction`
runs it on construction and the record decoder on every record it reads
(``servicemodel.interactions`` re-exports it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import pendulum

from .._time import to_micros
from ..exceptions import ValidationError
from ._events import EVENT_TYPES, PriorityChange, SatisfactionResponse, StatusChange
from ._facts import event_micros
from ._vocabulary import Priority, Status

__all__ = ["check_log"]

_EVENT_TYPE_SET = frozenset(EVENT_TYPES)
_EVENT_NAMES = ", ".join(cls.__name__ for cls in EVENT_TYPES)
# The members the rules compare (why held: see _vocabulary).
_NEW: Final = Status.NEW
_CLOSED: Final = Status.CLOSED


def check_log(
    created_at: pendulum.DateTime,
    priority: Priority,
    events: Sequence[object],
    keys: Sequence[Any] | None = None,
) -> Sequence[Any]:
    """Check an interaction's log against the rules of :class:`Interaction`; return the keys.

    Events must be interaction events, in time order, not before
    *created_at*; status changes must change the status, never return to
    ``new`` and never leave ``closed``; after ``closed`` only satisfaction
    responses may arrive; a priority change must change the priority
    (starting from *priority*). *keys*, when given, order like the instants
    (``keys[0]`` for *created_at*, ``keys[i + 1]`` for ``events[i]``): the
    record decoder passes the epoch microseconds it read with each timestamp;
    otherwise the instants are read from the events as epoch microseconds.
    The keys are returned: both keep them as the events' instants
    (:func:`~._facts.log_event_us`), read once.

    Raises:
        ValidationError: a rule is broken; the error names the event index.

    >>> import pendulum
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> check_log(t, Priority.NORMAL, [StatusChange(at=t, status="new")])
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'events[0].status' must change the status and never return to 'new' (got new -> new)
    """
    types = _EVENT_TYPE_SET
    kinds = list(map(type, events))  # the event classes are final: no subclass to allow for
    all_events = types.issuperset(kinds)
    if keys is None:
        if all_events:
            keys = [to_micros(created_at), *event_micros(events)]  # type: ignore[arg-type]
        else:  # a non-event is refused below, at its index
            keys = [to_micros(created_at)]
            keys.extend(to_micros(e.at) if type(e) in types else 0 for e in events)  # type: ignore[attr-defined]
    # Every item an event and the instants in order: asked of whole sequences in C first
    # (this runs for every record a reader decodes; sorting a sorted run is one pass of
    # comparisons); only when either fails does the loop below test each event, so that
    # the first broken rule is the one reported.
    whole = all_events and type(keys) is list and sorted(keys) == keys
    previous = keys[0]
    status, closed, new = _NEW, _CLOSED, _NEW
    status_change, priority_change = StatusChange, PriorityChange
    # keys[index + 1] belongs to events[index].
    for index, kind in enumerate(kinds):
        if not whole:
            if kind not in types:
                event = events[index]
                raise ValidationError(
                    f"'events[{index}]' must be an interaction event ({_EVENT_NAMES}) "
                    f"(got {event!r})",
                    field=f"events[{index}]",
                    value=event,
                )
            key = keys[index + 1]
            if key < previous:
                raise _out_of_order(created_at, events, index)
            previous = key
        if kind is status_change:
            new_status = events[index].status  # type: ignore[attr-defined]
            if status is closed or new_status is status or new_status is new:
                raise _bad_status(index, events[index], status, new_status)
            status = new_status
        elif status is closed:
            if kind is not SatisfactionResponse:
                raise _after_close(index, events[index])
        elif kind is priority_change:
            new_priority = events[index].priority  # type: ignore[attr-defined]
            if new_priority is priority:
                raise ValidationError(
                    f"'events[{index}].priority' must change the priority "
                    f"(got {priority.value} -> {new_priority.value})",
                    field=f"events[{index}].priority",
                    value=new_priority,
                )
            priority = new_priority
    return keys


def _after_close(index: int, event: object) -> ValidationError:
    return ValidationError(
        f"'events[{index}]' must not follow the close of the interaction: a closed "
        f"interaction takes only satisfaction responses (got {type(event).__name__})",
        field=f"events[{index}]",
        value=event,
    )


def _bad_status(index: int, event: object, status: Status, new_status: Status) -> ValidationError:
    if status is Status.CLOSED:
        return _after_close(index, event)
    return ValidationError(
        f"'events[{index}].status' must change the status and never return to "
        f"'new' (got {status.value} -> {new_status.value})",
        field=f"events[{index}].status",
        value=new_status,
    )


def _out_of_order(
    created_at: pendulum.DateTime, events: Sequence[Any], index: int
) -> ValidationError:
    before, name = (
        (created_at, "created_at")
        if index == 0
        else (events[index - 1].at, f"events[{index - 1}].at")
    )
    at = events[index].at
    return ValidationError(
        f"'events[{index}].at' must not be before '{name}' "
        f"(got {at.isoformat()} < {before.isoformat()})",
        field=f"events[{index}].at",
        value=at,
    )
