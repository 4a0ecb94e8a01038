"""The SLA clock arithmetic (elapsed, reach, crossed, next_flip): its edge cases
on a small calendar of explicit open windows, found unchecked by mutation
testing: amounts met exactly at a stretch's end, several stretches, and
flips far from the epoch.
"""

from __future__ import annotations

import itertools

from servicemodel.exceptions import CalendarError
from servicemodel.sla._clock import (
    FLIP_HORIZON_US,
    Running,
    crossed,
    elapsed,
    next_flip,
    reach,
)

WEEK = 7 * 86_400_000_000
NOW = 1_750_000_000_000_000  # June 2025, in epoch microseconds


class Windows:
    """A calendar open exactly on the given half-open [a, b) windows."""

    def __init__(self, *opens: tuple[int, int]) -> None:
        self.opens = opens

    def _elapsed_us(self, start_us: int, end_us: int) -> int:
        return sum(max(0, min(b, end_us) - max(a, start_us)) for a, b in self.opens)

    def _add_us(self, start_us: int, duration_us: int) -> int:
        if duration_us == 0:
            return start_us
        for a, b in self.opens:
            if b <= start_us:
                continue
            begin = max(a, start_us)
            if duration_us <= b - begin:
                return begin + duration_us
            duration_us -= b - begin
        raise CalendarError("never opens again")

    def _segments_us(self, start_us: int, end_us: int) -> tuple[tuple[int, int, str], ...]:
        cuts = sorted(
            {start_us, end_us, *(x for w in self.opens for x in w if start_us < x < end_us)}
        )
        return tuple(
            (a, b, "open" if self._elapsed_us(a, a + 1) else "closed")
            for a, b in itertools.pairwise(cuts)
        )


ALWAYS = Windows((0, 1 << 62))


def test_elapsed_sums_every_stretch_up_to_the_instant() -> None:
    run = Running([10, 20, 30, 40], open_end=False)
    assert elapsed(ALWAYS, run, 35) == (15, 15)
    assert elapsed(ALWAYS, run, 25) == (10, 10)
    assert elapsed(ALWAYS, run, 100) == (20, 20)
    assert elapsed(Windows((0, 15), (35, 100)), run, 100) == (10, 20)
    assert elapsed(ALWAYS, Running([10, 0], open_end=True), 50) == (40, 40)


def test_reach_meets_an_amount_exactly_at_a_stretch_end() -> None:
    run = Running([0, 10, 20, 30, 40, 50], open_end=False)
    assert reach(ALWAYS, run, 10) == 10
    assert reach(ALWAYS, run, 11) == 21
    assert reach(ALWAYS, run, 25) == 45
    assert reach(ALWAYS, run, 30) == 50
    assert reach(ALWAYS, run, 31) is None
    assert reach(ALWAYS, Running([0, 10, 20, 0], open_end=True), 100) == 110


def test_crossed_running_and_completed_clocks() -> None:
    run = Running([0, 10, 20, 30], open_end=False)
    assert not crossed(ALWAYS, run, 15, used=14, completed=None)
    assert crossed(ALWAYS, run, 15, used=15, completed=None)
    assert crossed(ALWAYS, run, 15, used=16, completed=30)
    # completed with exactly the amount used: crossed only if reached before completion
    assert crossed(ALWAYS, run, 15, used=15, completed=30)  # reached at 25
    assert not crossed(ALWAYS, run, 15, used=15, completed=25)
    assert not crossed(ALWAYS, Running([0, 10], open_end=False), 15, used=15, completed=40)


def test_next_flip_far_from_the_epoch() -> None:
    closes = NOW + 10 * WEEK
    calendar = Windows((NOW - WEEK, closes), (closes + 5, closes + 2 * WEEK))
    assert next_flip(calendar, NOW) == closes
    assert next_flip(calendar, closes) == closes + 5  # closed: the next opening
    assert next_flip(calendar, closes + 2 * WEEK) is None  # never opens again
    assert next_flip(ALWAYS, NOW) is None  # open beyond the four-year horizon
    late = NOW + FLIP_HORIZON_US - WEEK
    assert next_flip(Windows((NOW, late), (late + 1, 1 << 62)), NOW) == late
