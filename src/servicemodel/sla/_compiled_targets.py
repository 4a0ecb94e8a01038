"""Policy sets compiled for the evaluator: each target in microseconds, indexed by metric.

A :class:`PolicySet` is compiled once (kept in its cache) into rows of
``_Target`` per policy and priority; a target stamped on the ticket
(:class:`~servicemodel.TargetApplied`) is compiled on demand the same way.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from .._log._clock_input import ClockInput
from .._time import duration_from_micros, duration_micros
from ..exceptions import ValidationError
from ..interactions import Priority
from ._calendar import BusinessCalendar
from ._dated import DatedCalendar
from ._metrics import Metric, stopping_statuses
from ._options import SCHEDULE, History, StampedTargets
from ._policies import PolicySet, Target

if TYPE_CHECKING:
    from ._clock import IntegerCalendar

__all__: list[str] = []

_METRICS = tuple(Metric)


class _Target:
    """A target compiled for the hot path (microseconds, tuples, the calendar object).

    ``within`` and ``warn`` are ``None`` for a business-days target (``days``):
    its business time depends on when its clock starts (:meth:`amounts`).

    ``calendar`` is ``None`` when the calendar depends on the evaluation (the
    ticket's schedule, or a dated calendar read as it is now); ``name`` then
    says which one.
    """

    __slots__ = (
        "always",
        "calendar",
        "days",
        "excluded",
        "name",
        "paused",
        "policy",
        "target",
        "warn",
        "within",
    )

    def __init__(self, policy: str, target: Target, calendar: IntegerCalendar | None) -> None:
        self.policy = policy
        self.target = target
        self.within = target._within_us()
        self.warn = target._warn_us()
        self.days = target.business_days
        # Tuples, not sets: membership by identity avoids hashing enum members on the hot path.
        self.paused = tuple(target.pausing_statuses())
        self.excluded = self.paused + stopping_statuses(target.metric)
        self.name = target.calendar
        self.calendar = calendar
        self.always = calendar is BusinessCalendar.always()

    def amounts(
        self, counter: IntegerCalendar, start: int, counted_on: _DayCalendar
    ) -> tuple[int, int | None]:
        """The target and warning (business microseconds) of a clock started at *start*.

        *counted_on* is the calendar the clock counts on (resolved for this
        evaluation); *counter* counts its business time.
        """
        if self.days is None:
            assert self.within is not None
            return self.within, self.warn
        within = counter._elapsed_us(start, counted_on._business_days_due_us(start, self.days))
        return within, self.target._warn_us(within)


class _DayCalendar(Protocol):
    """A calendar that also knows its business days (every calendar a target counts on)."""

    def _business_days_due_us(self, u: int, n: int) -> int: ...


def _static_calendar(policies: PolicySet, name: str | None) -> IntegerCalendar | None:
    """The calendar a target counts on when it is the same for every evaluation, else ``None``."""
    if name == SCHEDULE:
        return None
    calendar = policies.calendar(name)
    if isinstance(calendar, DatedCalendar) and policies.history is History.AS_NOW:
        return None
    return calendar


#: Per policy: (priority, targets indexed by metric position) pairs.
_Rows = tuple[tuple[Priority, tuple["_Target | None", ...]], ...]


def _compile(policies: PolicySet) -> list[_Rows]:
    cache: dict[str, Any] = policies._cache
    compiled: list[_Rows] | None = cache.get("targets")
    if compiled is None:
        compiled = []
        for policy in policies.policies:
            rows = []
            for priority, targets in policy.targets:
                row: list[_Target | None] = [None] * len(_METRICS)
                for target in targets:
                    row[_METRICS.index(target.metric)] = _Target(
                        policy.name, target, _static_calendar(policies, target.calendar)
                    )
                rows.append((priority, tuple(row)))
            compiled.append(tuple(rows))
        cache["targets"] = compiled
    return compiled


def _row(compiled: list[_Rows], index: int, priority: Priority) -> tuple[_Target | None, ...]:
    if index >= 0:
        for candidate, row in compiled[index]:
            if candidate is priority:
                return row
    return _NO_TARGETS


_NO_TARGETS: tuple[_Target | None, ...] = (None,) * len(_METRICS)

_METRIC_NAMES = {metric._value_: metric for metric in _METRICS}


def _stamps(
    log: ClockInput, policies: PolicySet
) -> dict[str, list[tuple[int, int, str | None]]] | None:
    """The stamped targets to use per metric name (``None``: none or not used); names checked."""
    if policies.stamped_targets is not StampedTargets.USE or not log.stamps:
        return None
    for name in log.stamps:
        if name not in _METRIC_NAMES:
            shown = ", ".join(repr(m) for m in _METRIC_NAMES)
            raise ValidationError(
                f"'metric' of a TargetApplied event must be one of {shown} (got {name!r})",
                field="metric",
                value=name,
            )
    return log.stamps


def _stamp_at(stamp: tuple[int, int, str | None]) -> int:
    return stamp[0]


def _stamped(
    policies: PolicySet,
    policy: str,
    metric: Metric,
    stamps: list[tuple[int, int, str | None]] | None,
    upto: int,
    made: dict[tuple[Any, ...], _Target],
    base: Target | None,
) -> _Target | None:
    """The target stamped last at or before *upto* on *metric* (``None``: no stamp).

    A stamp sets how long (``within``) and on which calendar the clock counts
    (``None``: calendar time, as :class:`~servicemodel.TargetApplied` says);
    the rest of the policy's target (*base*: pausing statuses, warnings) stays.
    A ``warn_before`` not shorter than the stamped time is dropped (no
    warning); a ``business_days`` target becomes the stamped duration.
    """
    if not stamps or stamps[0][0] > upto:
        return None
    _at_us, within, calendar = stamps[bisect_right(stamps, upto, key=_stamp_at) - 1]
    key = (policy, metric, within, calendar, None if base is None else id(base))
    found = made.get(key)
    if found is None:
        duration = duration_from_micros(within)
        if base is None:
            target = Target(metric=metric, within=duration, calendar=calendar)
        else:
            before = base.warn_before
            if before is not None and duration_micros(before) >= within:
                before = None
            target = attrs.evolve(
                base, within=duration, calendar=calendar, business_days=None, warn_before=before
            )
        found = made[key] = _Target(policy, target, _static_calendar(policies, calendar))
    return found
