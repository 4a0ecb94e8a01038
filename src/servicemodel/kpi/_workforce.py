"""The workforce KPIs over agents' time: occupancy and utilisation.

>>> import pendulum
>>> from servicemodel.kpi import AgentTime, Occupancy
>>> acc = Occupancy.empty()
>>> acc.add(AgentTime(agent_id="A", start=pendulum.datetime(2024, 6, 10, 9),
...     handling=pendulum.duration(hours=3), available=pendulum.duration(hours=4),
...     scheduled=pendulum.duration(hours=8)))
>>> acc.result().value
Fraction(3, 4)
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from typing import Any, Self, final

import attrs
import pendulum

from .._time import aware, duration_micros, to_duration
from .._validators import enum_member, is_integer, non_empty_str
from ..exceptions import EmptySampleError, ValidationError
from ._accumulators import Accumulator
from ._names import KpiName
from ._stats import Ratio

__all__ = ["AgentTime", "Occupancy", "Utilisation", "UtilisationVariant"]


def _agent_start(value: object) -> pendulum.DateTime:
    return aware(value, field="start")


def _handling(value: object) -> pendulum.Duration:
    return to_duration(value, field="handling", allow_zero=True)


def _available(value: object) -> pendulum.Duration:
    return to_duration(value, field="available", allow_zero=True)


def _scheduled(value: object) -> pendulum.Duration:
    return to_duration(value, field="scheduled", allow_zero=True)


@final
@attrs.frozen(kw_only=True)
class AgentTime:
    """An agent's time over a stretch starting at ``start``: handling <= available <= scheduled.

    ``handling`` is time on contacts (talk, work, wrap-up), ``available`` the
    time logged in and ready or busy, ``scheduled`` the paid time.

    >>> import pendulum
    >>> AgentTime(agent_id="A-1", start=pendulum.datetime(2024, 6, 10, 9),
    ...           handling=pendulum.duration(hours=6), available=pendulum.duration(hours=5),
    ...           scheduled=pendulum.duration(hours=8))
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'handling' must not exceed 'available' (got 6:00:00 > 5:00:00)
    """

    agent_id: str = attrs.field(validator=non_empty_str)
    start: pendulum.DateTime = attrs.field(converter=_agent_start)
    handling: pendulum.Duration = attrs.field(converter=_handling)
    available: pendulum.Duration = attrs.field(converter=_available)
    scheduled: pendulum.Duration = attrs.field(converter=_scheduled)

    @scheduled.validator
    def _check_order(self, _attribute: object, value: pendulum.Duration) -> None:
        for part, whole in (("handling", "available"), ("available", "scheduled")):
            a, b = getattr(self, part), getattr(self, whole)
            if duration_micros(a) > duration_micros(b):
                raise ValidationError(
                    f"'{part}' must not exceed '{whole}' (got {_dt.timedelta(microseconds=duration_micros(a))} "
                    f"> {_dt.timedelta(microseconds=duration_micros(b))})",
                    field=part,
                    value=a,
                )


class _AgentRatio(Accumulator[Ratio]):
    item_types = (AgentTime,)
    __slots__ = ("_sums",)

    def __init__(self) -> None:
        super().__init__()
        self._sums = {"handling": 0, "available": 0, "scheduled": 0}

    def _add(self, item: AgentTime) -> None:
        for key in self._sums:
            self._sums[key] += duration_micros(getattr(item, key))

    def _absorb(self, other: Self) -> None:
        for key in self._sums:
            self._sums[key] += other._sums[key]

    def _state_json(self) -> Any:
        return dict(self._sums)

    def _load_state(self, state: Any) -> None:
        if (
            not isinstance(state, Mapping)
            or sorted(state) != sorted(self._sums)
            or not all(is_integer(v, low=0) for v in state.values())
        ):
            raise ValidationError(
                f"'state' must hold handling, available and scheduled µs (got {state!r:.80})",
                field="state",
                value=state,
            )
        self._sums = {k: state[k] for k in self._sums}

    def _ratio(self, top: str, bottom: str) -> Ratio:
        if self._sums[bottom] == 0:
            raise EmptySampleError(f"{self.name} needs some {bottom} time (got 0)")
        return Ratio(numerator=self._sums[top], denominator=self._sums[bottom])


@final
class Occupancy(_AgentRatio):
    """Occupancy: handling time over available (logged-in) time, exact.

    >>> import pendulum
    >>> acc = Occupancy.empty()
    >>> acc.add(AgentTime(agent_id="A", start=pendulum.datetime(2024, 6, 10, 9),
    ...     handling=pendulum.duration(hours=6), available=pendulum.duration(hours=7),
    ...     scheduled=pendulum.duration(hours=8)))
    >>> acc.result().value
    Fraction(6, 7)
    """

    kpi = KpiName.OCCUPANCY
    __slots__ = ()

    def result(self) -> Ratio:
        """handling / available.

        >>> Occupancy.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: occupancy needs some available time (got 0)
        """
        return self._ratio("handling", "available")


class UtilisationVariant(enum.Enum):
    """Utilisation: handling over scheduled (default) or available over scheduled.

    >>> UtilisationVariant.HANDLING_OVER_SCHEDULED.value
    'handling_over_scheduled'
    """

    HANDLING_OVER_SCHEDULED = "handling_over_scheduled"
    AVAILABLE_OVER_SCHEDULED = "available_over_scheduled"


@final
class Utilisation(_AgentRatio):
    """Utilisation: how much of the paid (scheduled) time went to contacts, exact.

    >>> import pendulum
    >>> acc = Utilisation.empty()
    >>> acc.add(AgentTime(agent_id="A", start=pendulum.datetime(2024, 6, 10, 9),
    ...     handling=pendulum.duration(hours=6), available=pendulum.duration(hours=7),
    ...     scheduled=pendulum.duration(hours=8)))
    >>> acc.result().value
    Fraction(3, 4)
    """

    kpi = KpiName.UTILISATION
    __slots__ = ("_variant",)

    def __init__(
        self, *, variant: UtilisationVariant | str = UtilisationVariant.HANDLING_OVER_SCHEDULED
    ) -> None:
        super().__init__()
        self._variant = enum_member(UtilisationVariant, variant, field="variant")

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value}

    def result(self) -> Ratio:
        """The utilisation ratio.

        >>> Utilisation.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: utilisation needs some scheduled time (got 0)
        """
        top = (
            "handling"
            if self._variant is UtilisationVariant.HANDLING_OVER_SCHEDULED
            else "available"
        )
        return self._ratio(top, "scheduled")
