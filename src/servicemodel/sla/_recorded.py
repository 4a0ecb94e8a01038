"""What a vendor recorded about one SLA clock: the figures a reconciliation compares."""

from __future__ import annotations

from typing import Any, final

import attrs
import pendulum

from .._time import duration_micros, to_duration
from .._validators import (
    enum_member,
    instant_key,
    integer,
    non_empty_str,
    optional_aware,
    optional_non_empty_str,
)
from ..exceptions import ValidationError
from ..interactions import Priority
from ._metrics import Metric

__all__ = ["RecordedSla"]


def _metric(value: object) -> Metric:
    return enum_member(Metric, value, field="metric")


def _priority(value: object) -> Priority | None:
    return None if value is None else enum_member(Priority, value, field="priority")


def _started_at(value: object) -> pendulum.DateTime | None:
    return optional_aware(value, field="started_at")


def _breached_at(value: object) -> pendulum.DateTime | None:
    return optional_aware(value, field="breached_at")


def _fulfilled_at(value: object) -> pendulum.DateTime | None:
    return optional_aware(value, field="fulfilled_at")


def _due_at(value: object) -> pendulum.DateTime | None:
    return optional_aware(value, field="due_at")


def _target(value: object) -> pendulum.Duration | None:
    return None if value is None else to_duration(value, field="target")


def _elapsed(value: object) -> pendulum.Duration | None:
    return None if value is None else to_duration(value, field="elapsed", allow_zero=True)


def _optional_bool(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise ValidationError(
            f"'{attribute.name}' must be true, false or None (unknown) (got {value!r})",
            field=attribute.name,
            value=value,
        )


@final
@attrs.frozen(kw_only=True)
class RecordedSla:
    """The vendor's own figures for one instance of one SLA metric of one ticket.

    A reader of a vendor's export (``servicemodel.io.zendesk.read_recorded_sla``)
    builds these; :func:`~servicemodel.sla.reconcile` puts them beside
    servicemodel's clocks. Every figure the vendor did not record is ``None``
    and is then not compared.

    ``cycle`` numbers the instances of a repeating metric from 0 (as
    :class:`~servicemodel.sla.MetricClock` does); ``started_at`` is when the
    vendor started the clock. A recorded row is matched to a clock by its
    start, or by its cycle when the start is unknown.

    ``breached`` is ``None`` while the vendor had not decided (the clock was
    still running and not breached). ``breached_at`` is when the target was
    breached, ``fulfilled_at`` when the clock was met or stopped, and ``due_at``
    the deadline the vendor showed: for a running clock the predicted breach,
    for a clock met in time the deadline it had when it stopped. ``elapsed``
    is the time counted against the target (business time when
    ``business_hours``).

    >>> import pendulum
    >>> row = RecordedSla(interaction_id="101", metric="first_reply",
    ...                   started_at=pendulum.datetime(2025, 6, 2, 11),
    ...                   target=pendulum.duration(minutes=60), business_hours=True,
    ...                   breached=False, fulfilled_at=pendulum.datetime(2025, 6, 2, 13, 40),
    ...                   elapsed=pendulum.duration(minutes=40))
    >>> row.metric, row.state()
    (<Metric.FIRST_REPLY: 'first_reply'>, 'met')
    >>> RecordedSla(interaction_id="101", metric="first_reply", cycle=-1)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'cycle' must be an integer of at least 0 (got -1)
    """

    interaction_id: str = attrs.field(validator=non_empty_str)
    metric: Metric = attrs.field(converter=_metric)
    cycle: int | None = attrs.field(default=None)
    started_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=_started_at, eq=instant_key
    )
    policy: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    priority: Priority | None = attrs.field(default=None, converter=_priority)
    target: pendulum.Duration | None = attrs.field(default=None, converter=_target)
    business_hours: bool | None = attrs.field(default=None, validator=_optional_bool)
    breached: bool | None = attrs.field(default=None, validator=_optional_bool)
    breached_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=_breached_at, eq=instant_key
    )
    fulfilled_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=_fulfilled_at, eq=instant_key
    )
    due_at: pendulum.DateTime | None = attrs.field(default=None, converter=_due_at, eq=instant_key)
    elapsed: pendulum.Duration | None = attrs.field(default=None, converter=_elapsed)
    source: str = attrs.field(default="vendor", validator=non_empty_str)

    @cycle.validator
    def _check_cycle(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            integer(value, field="cycle", low=0)

    @elapsed.validator
    def _check_elapsed(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, pendulum.Duration) and duration_micros(value) < 0:
            raise ValidationError(
                f"'elapsed' must not be negative (got {value.in_words()})",
                field="elapsed",
                value=value,
            )

    @breached_at.validator
    def _check_breached_at(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and self.breached is False:
            raise ValidationError(
                "'breached_at' must be None when 'breached' is false (the vendor recorded no breach)",
                field="breached_at",
                value=value,
            )

    def state(self) -> str:
        """``breached``, ``met`` or ``active``, as the vendor recorded it.

        >>> RecordedSla(interaction_id="T", metric="agent_work").state()
        'active'
        """
        if self.breached:
            return "breached"
        return "met" if self.breached is False else "active"
