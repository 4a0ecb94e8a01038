"""The calendars that one SLA evaluation resolves: the ticket's schedule, dated versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._log._clock_input import ClockInput
from .._time import from_micros
from ..exceptions import ValidationError
from ._dated import DatedCalendar, Piecewise
from ._options import SCHEDULE, History, ScheduleRule
from ._policies import PolicySet

if TYPE_CHECKING:
    from ._clock import IntegerCalendar

__all__: list[str] = []


class _Calendars:
    """The calendars that depend on one evaluation: the ticket's schedule, versions as of now."""

    __slots__ = ("_as_of", "_log", "_policies", "_seen")

    def __init__(self, policies: PolicySet, log: ClockInput, as_of: int) -> None:
        self._policies = policies
        self._log = log
        self._as_of = as_of
        self._seen: dict[str | None, IntegerCalendar] = {}

    def of(self, name: str | None) -> IntegerCalendar:
        """The calendar called *name* in this evaluation (:data:`SCHEDULE`: the ticket's)."""
        found = self._seen.get(name)
        if found is None:
            found = self._seen[name] = self._schedule() if name == SCHEDULE else self._named(name)
        return found

    def _named(self, name: str | None) -> IntegerCalendar:
        calendar = self._policies.calendar(name)
        if isinstance(calendar, DatedCalendar) and self._policies.history is History.AS_NOW:
            return calendar._version_us(self._as_of)
        return calendar

    def _schedule(self) -> IntegerCalendar:
        policies = self._policies
        timeline = [(t, policies.schedule if n is None else n) for t, n in self._log.schedules]
        if policies.on_schedule_change is ScheduleRule.LAST_SCHEDULE:
            timeline = timeline[-1:]
        starts: list[int] = []
        calendars: list[IntegerCalendar] = []
        names: list[str | None] = []
        for at, name in timeline:
            if names and names[-1] == name:
                continue
            starts.append(at)
            names.append(name)
            calendars.append(self._scheduled(name, at))
        return calendars[0] if len(calendars) == 1 else Piecewise(starts, calendars)

    def _scheduled(self, name: str | None, at: int) -> IntegerCalendar:
        """The calendar of a schedule the ticket had; unknown or missing schedules are named."""
        known = [n for n, _ in self._policies.calendars]
        if name is None or name not in known:
            raise ValidationError(
                f"'schedule' must name a calendar of the policy set for a target on the "
                f"ticket's schedule (got {name!r} from {from_micros(at).isoformat()}); "
                f"known: {', '.join(known) or 'none'}",
                field="schedule",
                value=name,
            )
        return self._named(name)
