"""A brute-force reference for tests and benchmarks: step minute by minute.

It reads a calendar's definition (not its engine) and decides, for each whole
UTC minute, whether the calendar is open, converting to local time with the
standard library's ``zoneinfo``. Slow by design and obviously correct; valid
when every boundary falls on a whole minute (true for ranges written in
HH:MM and zones whose offsets are whole minutes).

>>> import pendulum
>>> from servicemodel.sla import BusinessCalendar
>>> oracle = MinuteOracle(BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"}))
>>> fri_16 = 1717772400000000  # Fri 7 June 2024 16:00 BST
>>> oracle.elapsed(fri_16, fri_16 + 3 * 86_400_000_000) // 3_600_000_000
8
"""

from __future__ import annotations

import datetime as _dt
from zoneinfo import ZoneInfo

from ._calendar import BusinessCalendar
from ._calendar_options import Combine, Overnight

__all__ = ["MinuteOracle"]

_MINUTE = 60_000_000


class MinuteOracle:
    """Answers is_open / elapsed / add by stepping one minute at a time."""

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar
        self.parts = [MinuteOracle(p) for p in calendar.parts]
        key = getattr(calendar.timezone, "key", "UTC")
        self.tz: _dt.tzinfo = ZoneInfo(key)
        self.start_day = calendar.overnight is Overnight.START_DAY
        # (weekday, minute of day) -> weekday offsets of the owning days (0 same day, 1 day before)
        self.owned: dict[tuple[int, int], set[int]] = {}
        for day, s, e in calendar.hours:
            for m in range(s, e):
                if m < 1440:
                    self.owned.setdefault((day, m), set()).add(0)
                else:
                    self.owned.setdefault(((day + 1) % 7, m - 1440), set()).add(1)
        # Each minute's answer, once worked out: a test asks many windows that overlap.
        self._answers: dict[int, bool] = {}

    def is_open(self, u: int) -> bool:
        """Whether the calendar is open during the minute starting at instant *u*."""
        answer = self._answers.get(u)
        if answer is None:
            answer = self._answers[u] = self._work_out(u)
        return answer

    def _work_out(self, u: int) -> bool:
        if self.parts:
            answers = [p.is_open(u) for p in self.parts]
            return any(answers) if self.calendar.combine is Combine.UNION else all(answers)
        local = _dt.datetime.fromtimestamp(u // 1_000_000, self.tz).replace(tzinfo=None)
        cal = self.calendar
        if cal.openings and any(a <= local < b for a, b in cal.openings):
            return True
        if cal.closures and any(a <= local < b for a, b in cal.closures):
            return False
        owners = self.owned.get((local.weekday(), local.hour * 60 + local.minute))
        if not owners:
            return False
        day = local.date()
        for back in owners:
            owner = day - _dt.timedelta(days=back) if self.start_day else day
            if owner not in self.calendar.holidays:
                return True
        return False

    def elapsed(self, a: int, b: int) -> int:
        """Open microseconds in [a, b) (both on whole minutes)."""
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        count = sum(1 for u in range(a, b, _MINUTE) if self.is_open(u))
        return sign * count * _MINUTE

    def add(self, start: int, duration: int, *, limit_minutes: int = 200_000) -> int:
        """Earliest instant with *duration* (whole minutes, >= 0) of open time after *start*."""
        need = duration // _MINUTE
        u = start
        for _ in range(limit_minutes):
            if need == 0:
                return u
            if self.is_open(u):
                need -= 1
            u += _MINUTE
        raise RuntimeError("oracle gave up")
