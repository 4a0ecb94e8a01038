"""The queue KPIs of live channels: service level, abandonment and ASA.

>>> from servicemodel.kpi import service_level_rate
>>> service_level_rate(answered=95, answered_within=80, abandoned=5, abandoned_within=0).value
Fraction(4, 5)
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Self, final

import attrs
import pendulum

from .._time import duration_micros, to_duration, to_micros
from .._validators import enum_member, integer, is_integer
from ..exceptions import EmptySampleError, ValidationError
from ..interactions import Interaction
from ._accumulators import Accumulator
from ._column_readers import NAT, duration_column
from ._duration_accumulator import DurationAccumulator
from ._names import KpiName
from ._options import window_micros
from ._stats import Rate, wilson_interval

__all__ = [
    "Abandonment",
    "Asa",
    "QueueOutcome",
    "ServiceLevel",
    "ServiceLevelFormula",
    "service_level_rate",
]


_TWENTY_SECONDS = pendulum.duration(seconds=20)


def _waited(value: object) -> pendulum.Duration:
    return to_duration(value, field="waited", allow_zero=True)


@final
@attrs.frozen(kw_only=True)
class QueueOutcome:
    """One queued contact: how long it waited and whether an agent answered it.

    Interactions give one too: answered when an agent replied (wait = time to
    the first public agent reply); abandoned when it ended (solved or closed)
    without one (wait = time to that end); still waiting otherwise (skipped).

    >>> import pendulum
    >>> QueueOutcome(waited=pendulum.duration(seconds=12), answered=True).waited
    Duration(seconds=12)
    """

    waited: pendulum.Duration = attrs.field(converter=_waited)
    answered: bool = attrs.field(validator=attrs.validators.instance_of(bool))


def queue_outcome(item: Interaction | QueueOutcome) -> tuple[int, bool] | None:
    if isinstance(item, QueueOutcome):
        return duration_micros(item.waited), item.answered
    return first_outcome(item.created_at, item.first_reply_at(), item.first_solved_at())


def first_outcome(
    created: _dt.datetime, reply: _dt.datetime | None, solved: _dt.datetime | None
) -> tuple[int, bool] | None:
    """(wait µs, answered) from the interaction's facts: its first reply and its first resolution.

    A reply at the instant of the resolution answered the customer.
    """
    start = to_micros(created)
    if reply is not None and (solved is None or reply <= solved):
        return to_micros(reply) - start, True
    if solved is not None:
        return to_micros(solved) - start, False
    return None


def queue_columns(columns: Mapping[str, Any]) -> tuple[Any, Any]:
    """(wait µs, answered bool) for rows with a queue outcome."""
    import numpy as np

    wait = duration_column(columns, "wait")
    answered = np.asarray(columns["answered"]).astype(bool)
    ok = wait != NAT
    if (wait[ok] < 0).any():
        raise ValidationError(
            f"'wait' must not be negative (got {int(wait[ok].min())} µs)",
            field="wait",
            value=int(wait[ok].min()),
        )
    return wait[ok], answered[ok]


class ServiceLevelFormula(enum.Enum):
    """The five service-level formulas (A answered, a within T; B abandoned, b within T).

    1. ``within_over_offered``: (a + b) / (A + B), quick abandons count as met
    2. ``answered_within_over_answered``: a / A, abandons ignored
    3. ``answered_within_over_offered`` (default): a / (A + B), abandons count against
    4. ``answered_within_over_offered_less_quick_abandons``: a / (A + B - b)
    5. ``mean_of_1_and_3``: the average of formulas 1 and 3

    >>> ServiceLevelFormula("answered_within_over_offered")
    <ServiceLevelFormula.ANSWERED_WITHIN_OVER_OFFERED: 'answered_within_over_offered'>
    """

    WITHIN_OVER_OFFERED = "within_over_offered"
    ANSWERED_WITHIN_OVER_ANSWERED = "answered_within_over_answered"
    ANSWERED_WITHIN_OVER_OFFERED = "answered_within_over_offered"
    ANSWERED_WITHIN_OVER_OFFERED_LESS_QUICK_ABANDONS = (
        "answered_within_over_offered_less_quick_abandons"
    )
    MEAN_OF_1_AND_3 = "mean_of_1_and_3"


_SL_FIELDS = (
    "answered",
    "answered_within",
    "abandoned",
    "abandoned_within",
    "short",
    "short_within",
)


def service_level_rate(
    *,
    answered: int,
    answered_within: int,
    abandoned: int,
    abandoned_within: int,
    short_abandons: int = 0,
    short_abandons_within: int | None = None,
    formula: ServiceLevelFormula | str = ServiceLevelFormula.ANSWERED_WITHIN_OVER_OFFERED,
) -> Rate:
    """Service level from counts, under a named formula, with short abandons excluded.

    *short_abandons* (abandoned within the short-abandon limit) are removed
    from B, and *short_abandons_within* (default: all of them, the usual case
    of a limit below T) from b, before the formula is applied.

    Raises:
        EmptySampleError: the formula's denominator is 0.
        ValidationError: the counts are inconsistent.

    >>> counts = dict(answered=1000, answered_within=860, abandoned=60, abandoned_within=20)
    >>> [service_level_rate(**counts, formula=f).percent() for f in ServiceLevelFormula]
    [83.02, 86.0, 81.13, 82.69, 82.08]
    """
    chosen = enum_member(ServiceLevelFormula, formula, field="formula")
    sw = short_abandons if short_abandons_within is None else short_abandons_within
    counts = {
        "answered": answered,
        "answered_within": answered_within,
        "abandoned": abandoned,
        "abandoned_within": abandoned_within,
        "short_abandons": short_abandons,
        "short_abandons_within": sw,
    }
    _check_queue_counts(counts)
    a_all, a_in = answered, answered_within
    b_all, b_in = abandoned - short_abandons, abandoned_within - sw
    offered = a_all + b_all
    if chosen is ServiceLevelFormula.WITHIN_OVER_OFFERED:
        return _rate(a_in + b_in, offered)
    if chosen is ServiceLevelFormula.ANSWERED_WITHIN_OVER_ANSWERED:
        return _rate(a_in, a_all)
    if chosen is ServiceLevelFormula.ANSWERED_WITHIN_OVER_OFFERED:
        return _rate(a_in, offered)
    if chosen is ServiceLevelFormula.ANSWERED_WITHIN_OVER_OFFERED_LESS_QUICK_ABANDONS:
        return _rate(a_in, offered - b_in)
    one, three = _rate(a_in + b_in, offered), _rate(a_in, offered)
    from ._stats import Interval

    return Rate(
        numerator=2 * a_in + b_in,
        denominator=2 * offered,
        value=Fraction(2 * a_in + b_in, 2 * offered),
        interval=Interval(
            (one.interval.low + three.interval.low) / 2,
            (one.interval.high + three.interval.high) / 2,
            one.interval.confidence,
        ),
    )


def _check_queue_counts(counts: dict[str, int]) -> None:
    """Each count a non-negative integer, and no part larger than its whole."""
    for name, value in counts.items():
        integer(value, field=name, low=0)
    for part, whole in (
        ("answered_within", "answered"),
        ("abandoned_within", "abandoned"),
        ("short_abandons", "abandoned"),
        ("short_abandons_within", "short_abandons"),
        ("short_abandons_within", "abandoned_within"),
    ):
        if counts[part] > counts[whole]:
            raise ValidationError(
                f"'{part}' must not exceed '{whole}' (got {counts[part]} > {counts[whole]})",
                field=part,
                value=counts[part],
            )


def _rate(k: int, n: int) -> Rate:
    if n == 0:
        raise EmptySampleError("service level needs at least one offered contact (got 0)")
    return wilson_interval(k, n)


class _QueueCounts(Accumulator[Any]):
    item_types = (Interaction, QueueOutcome)
    columns = ("wait", "answered")
    __slots__ = ("_counts", "_short", "_threshold")

    def __init__(
        self,
        *,
        threshold: _dt.timedelta | int = _TWENTY_SECONDS,
        short_abandon: _dt.timedelta | int | None = None,
    ) -> None:
        super().__init__()
        self._threshold = window_micros(threshold, "threshold")
        self._short = (
            None if short_abandon is None else window_micros(short_abandon, "short_abandon")
        )
        self._counts = dict.fromkeys(_SL_FIELDS, 0)

    def options(self) -> dict[str, Any]:
        return {"threshold": self._threshold, "short_abandon": self._short}

    def _add(self, item: Any) -> None:
        outcome = queue_outcome(item)
        if outcome is None:
            return
        wait, answered = outcome
        if wait < 0:
            raise ValidationError(
                f"'wait' must not be negative (got {wait} µs)", field="wait", value=wait
            )
        within = wait <= self._threshold
        if answered:
            self._counts["answered"] += 1
            self._counts["answered_within"] += within
        else:
            short = self._short is not None and wait <= self._short
            self._counts["abandoned"] += 1
            self._counts["abandoned_within"] += within
            self._counts["short"] += short
            self._counts["short_within"] += short and within

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        wait, answered = queue_columns(columns)
        within = wait <= self._threshold
        gave_up = ~answered
        short = (wait <= self._short) & gave_up if self._short is not None else gave_up & False
        self._counts["answered"] += int(answered.sum())
        self._counts["answered_within"] += int((within & answered).sum())
        self._counts["abandoned"] += int(gave_up.sum())
        self._counts["abandoned_within"] += int((within & gave_up).sum())
        self._counts["short"] += int(short.sum())
        self._counts["short_within"] += int((short & within).sum())

    def _absorb(self, other: Self) -> None:
        for key in _SL_FIELDS:
            self._counts[key] += other._counts[key]

    def _state_json(self) -> Any:
        return dict(self._counts)

    def _load_state(self, state: Any) -> None:
        if (
            not isinstance(state, Mapping)
            or sorted(state) != sorted(_SL_FIELDS)
            or not all(is_integer(v, low=0) for v in state.values())
        ):
            raise ValidationError(
                f"'state' must hold the counts {list(_SL_FIELDS)} (got {state!r:.80})",
                field="state",
                value=state,
            )
        self._counts = {k: state[k] for k in _SL_FIELDS}


@final
class ServiceLevel(_QueueCounts):
    """Service level: the share of contacts answered within ``threshold`` (default 20 s).

    ``formula`` picks one of the five treatments of abandons
    (:class:`ServiceLevelFormula`, default a / (A + B)); ``short_abandon``
    (e.g. 5 s) removes abandons at or under it from the counts first. Items:
    :class:`QueueOutcome` or interactions. Columns: ``wait`` (timedelta, NaT
    while still waiting) and ``answered`` (bool).

    >>> import pendulum
    >>> acc = ServiceLevel.empty(threshold=pendulum.duration(seconds=20))
    >>> for seconds, answered in ((5, True), (30, True), (3, False), (50, False)):
    ...     acc.add(QueueOutcome(waited=pendulum.duration(seconds=seconds), answered=answered))
    >>> acc.result().value
    Fraction(1, 4)
    """

    kpi = KpiName.SERVICE_LEVEL
    __slots__ = ("_formula",)

    def __init__(
        self,
        *,
        threshold: _dt.timedelta | int = _TWENTY_SECONDS,
        formula: ServiceLevelFormula | str = ServiceLevelFormula.ANSWERED_WITHIN_OVER_OFFERED,
        short_abandon: _dt.timedelta | int | None = None,
    ) -> None:
        super().__init__(threshold=threshold, short_abandon=short_abandon)
        self._formula = enum_member(ServiceLevelFormula, formula, field="formula")

    def options(self) -> dict[str, Any]:
        return {**super().options(), "formula": self._formula.value}

    def result(self) -> Rate:
        """The service level under the chosen formula.

        >>> ServiceLevel.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: service level needs at least one offered contact (got 0)
        """
        c = self._counts
        return service_level_rate(
            answered=c["answered"],
            answered_within=c["answered_within"],
            abandoned=c["abandoned"],
            abandoned_within=c["abandoned_within"],
            short_abandons=c["short"],
            short_abandons_within=c["short_within"],
            formula=self._formula,
        )


@final
class Abandonment(_QueueCounts):
    """Abandonment rate: abandoned / offered, optionally without abandons <= ``short_abandon``.

    >>> import pendulum
    >>> acc = Abandonment.empty(short_abandon=pendulum.duration(seconds=5))
    >>> for seconds, answered in ((5, True), (3, False), (50, False)):
    ...     acc.add(QueueOutcome(waited=pendulum.duration(seconds=seconds), answered=answered))
    >>> acc.result().value
    Fraction(1, 2)
    """

    kpi = KpiName.ABANDONMENT
    __slots__ = ()

    def result(self) -> Rate:
        """The abandonment rate.

        >>> Abandonment.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: abandonment needs at least one offered contact (got 0)
        """
        c = self._counts
        abandoned = c["abandoned"] - c["short"]
        offered = c["answered"] + abandoned
        if offered == 0:
            raise EmptySampleError(f"{self.name} needs at least one offered contact (got 0)")
        return wilson_interval(abandoned, offered)


@final
class Asa(DurationAccumulator):
    """ASA, average speed of answer: the waits of answered contacts (read ``mean``).

    Abandoned and still-waiting contacts are left out. Columns: ``wait``,
    ``answered``.

    >>> import pendulum
    >>> acc = Asa.empty()
    >>> acc.add(QueueOutcome(waited=pendulum.duration(seconds=10), answered=True))
    >>> acc.add(QueueOutcome(waited=pendulum.duration(seconds=99), answered=False))
    >>> acc.result().mean
    Duration(seconds=10)
    """

    kpi = KpiName.ASA
    item_types = (Interaction, QueueOutcome)
    columns = ("wait", "answered")
    __slots__ = ()

    def _add(self, item: Any) -> None:
        outcome = queue_outcome(item)
        if outcome is not None and outcome[1]:
            self._add_micros(outcome[0])

    def _batch_values(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        import numpy as np

        wait, answered = queue_columns(columns)
        rows = np.flatnonzero(duration_column(columns, "wait") != NAT)[answered]
        return wait[answered], rows
