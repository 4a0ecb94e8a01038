"""Monthly leaderboards of recognition points, and the employee of the month.

A month's board counts the awards dated in the month in the organisation's
timezone, from the interactions as they stood at the end of that month, so
the board (and the employee of the month) of a past month is the same
whenever it is computed.

>>> import pendulum
>>> from servicemodel.team import RecognitionPolicy
>>> leaderboard([], RecognitionPolicy(), year=2025, month=3,
...             as_of=pendulum.datetime(2025, 4, 1)).month
'2025-03'
"""

from __future__ import annotations

import copy
import datetime as _dt
from array import array
from collections.abc import Iterable, Mapping
from typing import final

import attrs
import pendulum

from .._log._facts import log_created_us, log_event_us, log_until
from .._time import aware, from_micros, to_micros, zone
from .._validators import integer
from ..exceptions import ValidationError
from ..interactions import Interaction
from ._awards import _check_interaction, _earned, _scale, _scored_resolution
from ._recognition_policy import RecognitionPolicy, TieBreak

__all__ = [
    "EmployeeOfTheMonth",
    "Leaderboard",
    "MonthTally",
    "Standing",
    "employee_of_the_month",
    "leaderboard",
]


@final
@attrs.frozen(kw_only=True)
class Standing:
    """One agent's month: points, resolved interactions and rank.

    ``reached_at`` is when the agent's running total last reached its final
    value (used by the ``earliest_to_score`` tie-break).

    >>> Standing(agent="ann", points=40, samples=6, rank=1,
    ...          reached_at=pendulum.datetime(2025, 3, 20)).rank
    1
    """

    agent: str
    points: int
    samples: int
    rank: int
    reached_at: pendulum.DateTime


@final
@attrs.frozen(kw_only=True)
class Leaderboard:
    """A month's ranking: eligible agents ranked, and those below the minimum samples.

    >>> Leaderboard(month="2025-03", standings=(), below_minimum=()).month
    '2025-03'
    """

    month: str
    standings: tuple[Standing, ...]
    below_minimum: tuple[Standing, ...]


def _longs() -> array[int]:
    return array("q")


@attrs.define
class _AgentAwards:
    """One agent's awards in a month, packed: award *i* gives ``points[i]`` at ``moments[i]``
    (epoch microseconds), 16 bytes an award instead of a tuple and an int (~100 bytes)."""

    moments: array[int] = attrs.Factory(_longs)
    points: array[int] = attrs.Factory(_longs)

    def add(self, moment: int, points: int) -> None:
        self.moments.append(moment)
        self.points.append(points)

    def absorb(self, other: _AgentAwards) -> None:
        self.moments.extend(other.moments)
        self.points.extend(other.points)

    def copy(self) -> _AgentAwards:
        return _AgentAwards(moments=array("q", self.moments), points=array("q", self.points))

    def in_order(self) -> list[tuple[int, int]]:
        """(moment, points) of every award, by moment, then points."""
        return sorted(zip(self.moments, self.points, strict=True))


def _month_bounds(policy: RecognitionPolicy, year: int, month: int) -> tuple[int, int]:
    integer(year, field="year", low=1900, high=9999)
    integer(month, field="month", low=1, high=12)
    start = pendulum.datetime(year, month, 1, tz=policy.zone)
    return to_micros(start), to_micros(start.add(months=1))


def leaderboard(
    interactions: Iterable[Interaction],
    policy: RecognitionPolicy,
    *,
    year: int,
    month: int,
    as_of: _dt.datetime,
    due: Mapping[str, _dt.datetime] | None = None,
) -> Leaderboard:
    """Rank agents by the points of awards dated in a local month.

    Interactions are read as they stood at the earlier of *as_of* and the
    month's end, so a past month's board never changes. Agents with fewer
    than ``minimum_samples`` resolved interactions in the month are listed
    apart in ``below_minimum`` with rank 0 (not ranked).

    >>> board = leaderboard([], RecognitionPolicy(), year=2025, month=3,
    ...                     as_of=pendulum.datetime(2025, 4, 1))
    >>> board.standings
    ()
    """
    board = MonthTally(policy, year=year, month=month, as_of=as_of, due=due)
    for interaction in interactions:
        board.add(interaction)
    return board.result()


class MonthTally:
    """A month's leaderboard built one interaction at a time (for streams).

    ``leaderboard(...)`` is this fed every interaction; an assessment feeds it
    alongside its other tallies so the data is read once. Memory grows with
    the awards dated in the month (16 bytes each, in integer arrays), not
    with the interactions read.

    >>> tally = MonthTally(RecognitionPolicy(), year=2025, month=3,
    ...                    as_of=pendulum.datetime(2025, 4, 1))
    >>> tally.result().month
    '2025-03'
    """

    def __init__(
        self,
        policy: RecognitionPolicy,
        *,
        year: int,
        month: int,
        as_of: _dt.datetime,
        due: Mapping[str, _dt.datetime] | None = None,
    ) -> None:
        self._policy = policy
        self._year, self._month = year, month
        self._start, self._end = _month_bounds(policy, year, month)
        self._cutoff = min(to_micros(aware(as_of, field="as_of")), self._end - 1)
        self._tz = zone(policy.zone)
        self._due = due or {}
        self._scale = _scale(policy)
        self._totals: dict[str, _AgentAwards] = {}
        self._samples: dict[str, int] = {}

    def add(self, interaction: Interaction) -> None:
        """Count one interaction's awards dated in the month.

        >>> tally = MonthTally(RecognitionPolicy(), year=2025, month=3,
        ...                    as_of=pendulum.datetime(2025, 4, 1))
        >>> tally.add("T-1")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'interaction' must be an Interaction (got 'T-1')
        """
        _check_interaction(interaction)
        start, end = self._start, self._end
        if log_created_us(interaction) >= end:
            return
        event_us = log_event_us(interaction)
        if (not event_us or event_us[-1] < start) and interaction.id not in self._due:
            # Every award and every scored resolution is dated at one of the log's
            # events: a log over before the month has none in it (a due date is
            # still checked by ``_earned``).
            return
        current = log_until(interaction, self._cutoff)  # as it stood at the cut-off
        agent = current.assignee()
        if agent is None:  # nobody to score: no sample, no award
            return
        policy, scale = self._policy, self._scale
        scored = _scored_resolution(current, scale)
        moments = log_event_us(current)
        if scored is not None and start <= moments[scored.event] < end:
            self._samples[agent] = self._samples.get(agent, 0) + 1
        # The awards ``awards`` gives, each dated by its event's instant as an integer.
        earned = _earned(current, policy, scale, scored, self._due.get(interaction.id))
        for award in earned:
            moment = moments[award.event]
            if start <= moment < end:
                found = self._totals.get(agent)
                if found is None:
                    found = self._totals[agent] = _AgentAwards()
                found.add(moment, award.points)

    def merge(self, other: MonthTally) -> MonthTally:
        """A new tally holding both; neither changes (the same board, whatever the split).

        Raises:
            ValidationError: *other* tallies another month, policy, cut-off or due dates.

        >>> march = dict(year=2025, month=3, as_of=pendulum.datetime(2025, 4, 1))
        >>> MonthTally(RecognitionPolicy(), **march).merge(
        ...     MonthTally(RecognitionPolicy(), **march)).result().month
        '2025-03'
        """
        if not isinstance(other, MonthTally) or self._spec() != other._spec():
            raise ValidationError(
                "'other' must tally the same month under the same policy, cut-off and due "
                "dates to merge",
                field="other",
                value=other,
            )
        merged = copy.copy(self)
        merged._totals = {agent: events.copy() for agent, events in self._totals.items()}
        merged._samples = dict(self._samples)
        for agent, events in other._totals.items():
            merged._totals.setdefault(agent, _AgentAwards()).absorb(events)
        for agent, count in other._samples.items():
            merged._samples[agent] = merged._samples.get(agent, 0) + count
        return merged

    def _spec(self) -> tuple[object, ...]:
        return (self._policy, self._year, self._month, self._cutoff, self._due)

    def result(self) -> Leaderboard:
        """The month's leaderboard from what has been added.

        >>> MonthTally(RecognitionPolicy(), year=2025, month=3,
        ...            as_of=pendulum.datetime(2025, 4, 1)).result().standings
        ()
        """
        policy, start, tz = self._policy, self._start, self._tz
        totals, samples = self._totals, self._samples
        rows = []
        for agent in sorted(set(totals) | set(samples)):
            events = totals[agent].in_order() if agent in totals else []
            total = sum(p for _, p in events)
            reached = start
            running = 0
            for moment, points in events:
                running += points
                if running == total:
                    reached = moment
                    break
            rows.append((agent, total, samples.get(agent, 0), reached))
        eligible = [r for r in rows if r[2] >= policy.minimum_samples]
        below = [r for r in rows if r[2] < policy.minimum_samples]
        if policy.tie_break is TieBreak.EARLIEST_TO_SCORE:
            eligible.sort(key=lambda r: (-r[1], r[3], r[0]))
        else:
            eligible.sort(key=lambda r: (-r[1], r[0]))
        standings: list[Standing] = []
        for index, (agent, total, count, reached) in enumerate(eligible):
            if (
                policy.tie_break is TieBreak.CO_WINNERS
                and index
                and eligible[index - 1][1] == total
            ):
                rank = standings[-1].rank
            else:
                rank = index + 1
            standings.append(
                Standing(
                    agent=agent,
                    points=total,
                    samples=count,
                    rank=rank,
                    reached_at=from_micros(reached, tz),
                )
            )
        below_rows = tuple(
            Standing(agent=a, points=t, samples=c, rank=0, reached_at=from_micros(r, tz))
            for a, t, c, r in sorted(below, key=lambda r: (-r[1], r[0]))
        )
        return Leaderboard(
            month=f"{self._year:04d}-{self._month:02d}",
            standings=tuple(standings),
            below_minimum=below_rows,
        )


@final
@attrs.frozen(kw_only=True)
class EmployeeOfTheMonth:
    """The winner(s) of a past month: the top of its leaderboard.

    Several winners only under the ``co_winners`` tie-break; none when no
    agent met the minimum samples.

    >>> EmployeeOfTheMonth(month="2025-03", winners=("ann",), points=120).winners
    ('ann',)
    """

    month: str
    winners: tuple[str, ...]
    points: int


def employee_of_the_month(
    interactions: Iterable[Interaction],
    policy: RecognitionPolicy,
    *,
    year: int,
    month: int,
    as_of: _dt.datetime,
    due: Mapping[str, _dt.datetime] | None = None,
) -> EmployeeOfTheMonth:
    """Return the employee of a month that is over at *as_of*.

    The answer depends only on what happened by the month's end, so it is
    the same whenever it is computed.

    Raises:
        ValidationError: the month is not over at *as_of*.

    >>> employee_of_the_month([], RecognitionPolicy(), year=2025, month=3,
    ...                       as_of=pendulum.datetime(2025, 4, 1)).winners
    ()
    """
    _start, end = _month_bounds(policy, year, month)
    if to_micros(aware(as_of, field="as_of")) < end:
        raise ValidationError(
            f"'as_of' must be after the month {year:04d}-{month:02d} ends (got {as_of}); "
            "an employee of the month is named once the month is over",
            field="as_of",
            value=as_of,
        )
    board = leaderboard(interactions, policy, year=year, month=month, as_of=as_of, due=due)
    if not board.standings:
        return EmployeeOfTheMonth(month=board.month, winners=(), points=0)
    top = board.standings[0]
    winners = tuple(s.agent for s in board.standings if s.rank == 1)
    return EmployeeOfTheMonth(month=board.month, winners=winners, points=top.points)
