"""Recognition of agents: points from resolved interactions, leaderboards, employee of the month.

The rules follow Freshdesk Arcade: points for a fast resolution (strictly
under an hour by default), for resolving on time (at or before the due
instant by default), minus points for resolving late, points for
first-contact resolution, and points for a happy or minus points for an
unhappy CSAT rating. A reopen removes the speed and first-contact points but
keeps the CSAT points. An interaction nobody is assigned to earns nobody
points. Three named options make the scoring Arcade's own (the defaults keep
servicemodel's earlier scoring): ``speed=SpeedRule.EXCLUSIVE`` gives one speed
award per resolution (fast, or else on time, or else late);
``on_time=OnTime.STRICTLY_BEFORE_DUE`` makes resolving at the due instant
late; ``rescoring=Rescoring.LATEST_RESOLUTION`` takes every resolution award
away while the interaction is reopened and scores it afresh when it is
resolved again.

The facts come from the interaction and the judgements from the KPI
catalogue, so recognition never disagrees with a report: "resolved" and
its instant are :meth:`Interaction.first_solved_at
<servicemodel.interactions.Interaction.first_solved_at>` (solved or closed);
first contact is what :class:`~servicemodel.kpi.Fcr` (one touch) counts as
resolved at first contact, for an interaction never reopened; happy is what
the policy's :class:`~servicemodel.kpi.Csat` variant counts as satisfied
(4-5 by default) and unhappy what CSAT counts as bad (1-2).

Resolution awards are dated at the first resolution, CSAT awards at the
rating. Monthly leaderboards count the awards dated in the month in the
organisation's timezone, from the interactions as they stood at the end of
that month, so the leaderboard (and the employee of the month) of a past
month is the same whenever it is computed. Awards can be posted to a
:class:`~servicemodel.loyalty.Ledger` (one member per agent), and are
withdrawn there when a reopen takes them away.

>>> import pendulum
>>> from servicemodel.interactions import Assignment, Interaction, Message, StatusChange
>>> from servicemodel.team import RecognitionPolicy, awards
>>> t = pendulum.datetime(2025, 3, 3, 9, tz="Europe/Warsaw")
>>> ticket = Interaction(id="T-1", customer_id="C-1", channel="chat", created_at=t, events=[
...     Assignment(at=t, agent_id="ann"),
...     Message(at=t.add(minutes=10), author="agent", author_id="ann"),
...     StatusChange(at=t.add(minutes=20), status="solved"),
... ])
>>> [(a.rule.value, a.points) for a in awards(ticket, RecognitionPolicy())]
[('fast_resolution', 10), ('on_time', 5), ('first_contact', 10)]
"""

from __future__ import annotations

import copy
import datetime as _dt
import enum
import functools
from collections.abc import Iterable, Mapping
from typing import Any, final

import attrs
import pendulum

from .._time import aware, duration_micros, from_micros, to_duration, to_micros, zone
from .._validators import enum_member
from ..exceptions import EmptySampleError, ValidationError
from ..interactions import Interaction
from ..kpi import Csat, CsatVariant, Fcr
from ..loyalty import Award, CommandName, Ledger, NegativeBalance, Receipt

__all__ = [
    "AgentAward",
    "EmployeeOfTheMonth",
    "Leaderboard",
    "MonthTally",
    "OnTime",
    "RecognitionPolicy",
    "RecognitionRule",
    "Rescoring",
    "SpeedRule",
    "Standing",
    "TieBreak",
    "awards",
    "employee_of_the_month",
    "leaderboard",
    "post_awards",
]


class RecognitionRule(enum.Enum):
    """What an agent earned points for.

    >>> RecognitionRule("first_contact").name
    'FIRST_CONTACT'
    """

    FAST_RESOLUTION = "fast_resolution"
    ON_TIME = "on_time"
    LATE = "late"
    FIRST_CONTACT = "first_contact"
    HAPPY_CSAT = "happy_csat"
    UNHAPPY_CSAT = "unhappy_csat"


class TieBreak(enum.Enum):
    """How equal scores are ranked.

    ``earliest_to_score``: the agent who reached the final score first ranks
    higher; ``co_winners``: equal scores share the rank. Remaining ties go by
    agent id, so the order is always the same.

    >>> TieBreak("co_winners").value
    'co_winners'
    """

    EARLIEST_TO_SCORE = "earliest_to_score"
    CO_WINNERS = "co_winners"


class SpeedRule(enum.Enum):
    """Whether the speed awards of one resolution exclude each other.

    ``cumulative`` (default): a fast resolution also earns the on-time award
    when it is on time. ``exclusive`` (Freshdesk Arcade): each resolution
    earns exactly one speed award, fast, or else on time, or else late.

    >>> SpeedRule("exclusive").name
    'EXCLUSIVE'
    """

    CUMULATIVE = "cumulative"
    EXCLUSIVE = "exclusive"


class OnTime(enum.Enum):
    """Which resolutions are on time against the due instant.

    ``at_or_before_due`` (default): resolving at the due instant is on time.
    ``strictly_before_due``: only a resolution before the due instant is on
    time; one at the due instant is late.

    >>> OnTime("strictly_before_due").name
    'STRICTLY_BEFORE_DUE'
    """

    AT_OR_BEFORE_DUE = "at_or_before_due"
    STRICTLY_BEFORE_DUE = "strictly_before_due"


class Rescoring(enum.Enum):
    """Which resolution a reopened interaction is scored at.

    ``first_resolution`` (default): the resolution awards are judged at the
    first resolution and stay; a reopen removes only the fast and
    first-contact awards. ``latest_resolution`` (Freshdesk Arcade): a reopen
    takes every resolution award away; when the interaction is resolved again
    it is scored afresh at that resolution (speed measured from creation),
    and first contact is never earned again. CSAT awards stay either way.

    >>> Rescoring("latest_resolution").name
    'LATEST_RESOLUTION'
    """

    FIRST_RESOLUTION = "first_resolution"
    LATEST_RESOLUTION = "latest_resolution"


def _signed(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not -(10**6) <= value <= 10**6:
        raise ValidationError(
            f"'{attribute.name}' must be a whole number of points from -1000000 to 1000000 "
            f"(got {value!r})",
            field=attribute.name,
            value=value,
        )


def _fast(value: Any) -> pendulum.Duration:
    return to_duration(value, field="fast_under")


def _within(value: Any) -> pendulum.Duration:
    return to_duration(value, field="resolve_within")


def _zone(_instance: Any, _attribute: Any, value: Any) -> None:
    zone(value, field="zone")


def _tie(value: Any) -> TieBreak:
    try:
        return TieBreak(value)
    except ValueError:
        raise ValidationError(
            f"'tie_break' must be 'earliest_to_score' or 'co_winners' (got {value!r})",
            field="tie_break",
            value=value,
        ) from None


def _speed(value: Any) -> SpeedRule:
    return enum_member(SpeedRule, value, field="speed")


def _on_time(value: Any) -> OnTime:
    return enum_member(OnTime, value, field="on_time")


def _rescoring(value: Any) -> Rescoring:
    return enum_member(Rescoring, value, field="rescoring")


_HAPPY_VARIANTS = (CsatVariant.TOP_TWO_BOX, CsatVariant.TOP_BOX)


def _csat(value: Any) -> CsatVariant:
    for variant in _HAPPY_VARIANTS:
        if value is variant or value == variant.value:
            return variant
    raise ValidationError(
        "'csat' must be 'top_two_box' or 'top_box': the CSAT variant whose satisfied "
        f"ratings are happy (got {value!r})",
        field="csat",
        value=value,
    )


@functools.cache
def _csat_bands(variant: CsatVariant) -> tuple[frozenset[int], frozenset[int]]:
    """The happy and unhappy scores: what the CSAT KPI counts as satisfied, and as bad."""

    def share(score: int, kind: CsatVariant) -> Any:
        accumulator = Csat.empty(variant=kind)
        accumulator.add(score)
        try:
            return accumulator.result().value
        except EmptySampleError:  # a score the variant leaves out (neutral 3)
            return None

    happy = frozenset(s for s in range(1, 6) if share(s, variant) == 1)
    bad = frozenset(
        s
        for s in range(1, 6)
        if s not in happy and share(s, CsatVariant.GOOD_OVER_GOOD_AND_BAD) == 0
    )
    return happy, bad


def _first_contact(interaction: Interaction) -> bool:
    """What the FCR KPI (one touch) counts as resolved at first contact."""
    accumulator = Fcr.empty()
    accumulator.add(interaction)
    return bool(accumulator.result().value == 1)


def _samples(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**6:
        raise ValidationError(
            f"'minimum_samples' must be a whole number from 0 to 1000000 (got {value!r})",
            field="minimum_samples",
            value=value,
        )


@final
@attrs.frozen(kw_only=True)
class RecognitionPolicy:
    """The points each recognition rule gives, and how leaderboards rank.

    Attributes:
        zone: the organisation's timezone (months are local).
        fast_under: a resolution strictly faster than this is fast.
        resolve_within: the due instant is creation plus this (calendar
            time) unless a due instant is given per interaction.
        csat: the CSAT variant whose satisfied ratings are happy (``top_two_box``,
            4-5, or ``top_box``, 5); unhappy ratings are those CSAT counts
            as bad (1-2).
        minimum_samples: resolved interactions an agent needs in a month to be ranked.
        tie_break: how equal scores are ranked.
        speed: whether one resolution's speed awards exclude each other
            (:class:`SpeedRule`).
        on_time: whether a resolution at the due instant is on time
            (:class:`OnTime`).
        rescoring: which resolution a reopened interaction is scored at
            (:class:`Rescoring`).

    >>> RecognitionPolicy(fast_under=pendulum.duration(minutes=30)).fast_points
    10
    >>> RecognitionPolicy(speed="exclusive").speed
    <SpeedRule.EXCLUSIVE: 'exclusive'>
    """

    zone: str = attrs.field(default="UTC", validator=_zone)
    fast_under: pendulum.Duration = attrs.field(
        factory=lambda: pendulum.duration(hours=1), converter=_fast
    )
    resolve_within: pendulum.Duration = attrs.field(
        factory=lambda: pendulum.duration(hours=24), converter=_within
    )
    fast_points: int = attrs.field(default=10, validator=_signed)
    on_time_points: int = attrs.field(default=5, validator=_signed)
    late_points: int = attrs.field(default=-5, validator=_signed)
    first_contact_points: int = attrs.field(default=10, validator=_signed)
    happy_points: int = attrs.field(default=10, validator=_signed)
    unhappy_points: int = attrs.field(default=-5, validator=_signed)
    csat: CsatVariant = attrs.field(default=CsatVariant.TOP_TWO_BOX, converter=_csat)
    minimum_samples: int = attrs.field(default=5, validator=_samples)
    tie_break: TieBreak = attrs.field(default=TieBreak.EARLIEST_TO_SCORE, converter=_tie)
    speed: SpeedRule = attrs.field(default=SpeedRule.CUMULATIVE, converter=_speed)
    on_time: OnTime = attrs.field(default=OnTime.AT_OR_BEFORE_DUE, converter=_on_time)
    rescoring: Rescoring = attrs.field(default=Rescoring.FIRST_RESOLUTION, converter=_rescoring)


@final
@attrs.frozen(kw_only=True)
class AgentAward:
    """Points one agent earned (or lost) for one interaction under one rule.

    ``resolution`` says which resolution of the interaction a resolution award
    is for (1: the first; higher only under ``Rescoring.LATEST_RESOLUTION``
    after a reopen); CSAT awards are always 1.

    >>> AgentAward(agent="ann", interaction="T-1", rule=RecognitionRule.LATE, points=-5,
    ...            at=pendulum.datetime(2025, 3, 1)).points
    -5
    """

    agent: str
    interaction: str
    rule: RecognitionRule
    points: int
    at: pendulum.DateTime
    resolution: int = 1

    @property
    def key(self) -> str:
        """The idempotency key used when the award is posted to a ledger.

        One key per interaction, rule and resolution, so posting the same
        award twice (a re-run over the same interactions) changes nothing,
        and an interaction scored afresh after a reopen posts anew.

        >>> import pendulum
        >>> AgentAward(agent="ann", interaction="T-1", rule=RecognitionRule.LATE, points=-5,
        ...            at=pendulum.datetime(2025, 3, 1)).key
        'recognition:T-1:late'
        """
        return _key(self.interaction, self.rule, self.resolution)


def _key(interaction: str, rule: RecognitionRule, resolution: int) -> str:
    base = f"recognition:{interaction}:{rule.value}"
    return base if resolution == 1 else f"{base}:{resolution}"


def _scored_resolution(
    current: Interaction, policy: RecognitionPolicy
) -> tuple[pendulum.DateTime, int] | None:
    """The resolution the policy scores (instant and ordinal), ``None`` when none is scored.

    Under ``latest_resolution`` a reopened interaction has none until it is
    resolved again.
    """
    if policy.rescoring is Rescoring.FIRST_RESOLUTION:
        first = current.first_solved_at()
        return None if first is None else (first, 1)
    latest = current.last_solved_at()
    if latest is None or not current.status().is_resolved:
        return None
    return latest, current.resolution_count()


def awards(
    interaction: Interaction,
    policy: RecognitionPolicy,
    *,
    due: _dt.datetime | None = None,
    as_of: _dt.datetime | None = None,
) -> tuple[AgentAward, ...]:
    """Return the awards *interaction* gives its assignee, as it stands at *as_of*.

    Args:
        interaction: the interaction.
        policy: the recognition policy.
        due: when it was due (e.g. from an SLA policy); default creation
            plus ``policy.resolve_within``.
        as_of: ignore events after this instant (default: all events).

    >>> import pendulum
    >>> from servicemodel.interactions import Interaction
    >>> awards(Interaction(id="T", customer_id="C", channel="email",
    ...                    created_at=pendulum.datetime(2025, 1, 1)), RecognitionPolicy())
    ()
    """
    if not isinstance(interaction, Interaction):
        raise ValidationError(
            f"'interaction' must be an Interaction (got {interaction!r})",
            field="interaction",
            value=interaction,
        )
    current = interaction if as_of is None else interaction.as_of(aware(as_of, field="as_of"))
    agent = current.assignee()
    if agent is None:
        return ()
    scored = _scored_resolution(current, policy)
    if scored is None and current.first_solved_at() is None:
        return ()
    result: list[AgentAward] = []

    def give(rule: RecognitionRule, points: int, at: pendulum.DateTime, resolution: int) -> None:
        if points:
            result.append(
                AgentAward(
                    agent=agent,
                    interaction=current.id,
                    rule=rule,
                    points=points,
                    at=at,
                    resolution=resolution,
                )
            )

    if scored is not None:
        resolved, ordinal = scored
        for rule, points in _resolution_awards(current, policy, resolved, due):
            give(rule, points, resolved, ordinal)
    rating = current.rating()
    if rating is not None:
        happy, unhappy = _csat_bands(policy.csat)
        if rating.score in happy:
            give(RecognitionRule.HAPPY_CSAT, policy.happy_points, rating.at, 1)
        elif rating.score in unhappy:
            give(RecognitionRule.UNHAPPY_CSAT, policy.unhappy_points, rating.at, 1)
    return tuple(result)


def _resolution_awards(
    current: Interaction,
    policy: RecognitionPolicy,
    resolved: pendulum.DateTime,
    due: _dt.datetime | None,
) -> list[tuple[RecognitionRule, int]]:
    """The speed and first-contact awards of the scored resolution at *resolved*."""
    created = to_micros(current.created_at)
    solved = to_micros(resolved)
    reopened = current.reopen_count() > 0
    rescored = policy.rescoring is Rescoring.LATEST_RESOLUTION
    deadline = (
        to_micros(aware(due, field="due"))
        if due is not None
        else created + duration_micros(policy.resolve_within)
    )
    fast = (rescored or not reopened) and solved - created < duration_micros(policy.fast_under)
    if policy.on_time is OnTime.STRICTLY_BEFORE_DUE:
        on_time = solved < deadline
    else:
        on_time = solved <= deadline
    found: list[tuple[RecognitionRule, int]] = []
    if fast:
        found.append((RecognitionRule.FAST_RESOLUTION, policy.fast_points))
    if not (fast and policy.speed is SpeedRule.EXCLUSIVE):
        if on_time:
            found.append((RecognitionRule.ON_TIME, policy.on_time_points))
        else:
            found.append((RecognitionRule.LATE, policy.late_points))
    if not reopened and policy.first_contact_points and _first_contact(current):
        found.append((RecognitionRule.FIRST_CONTACT, policy.first_contact_points))
    return found


def post_awards(
    ledger: Ledger,
    interaction: Interaction,
    policy: RecognitionPolicy,
    *,
    at: _dt.datetime,
    due: _dt.datetime | None = None,
) -> tuple[Receipt, ...]:
    """Post *interaction*'s awards (as of *at*) to *ledger*, one member per agent.

    Positive awards are earns; negative ones deduct what the agent has
    (never debt: ``within_balance``). An award already posted is not posted
    again (idempotency keys); one the interaction no longer gives (a reopen
    removed it) is withdrawn. Posting twice changes nothing.

    >>> import pendulum
    >>> from servicemodel.interactions import Interaction
    >>> post_awards(Ledger(), Interaction(id="T", customer_id="C", channel="email",
    ...             created_at=pendulum.datetime(2025, 1, 1)), RecognitionPolicy(),
    ...             at=pendulum.datetime(2025, 1, 2))
    ()
    """
    instant = aware(at, field="at")
    given = awards(interaction, policy, due=due, as_of=instant)
    current = {(a.rule, a.resolution): a for a in given}
    rounds = max(1, interaction.as_of(instant).resolution_count())
    receipts: list[Receipt] = []
    for rule in RecognitionRule:
        for resolution in range(1, rounds + 1):
            key = _key(interaction.id, rule, resolution)
            award = current.get((rule, resolution))
            if award is not None and not ledger.knows(key):
                receipts.append(_pay(ledger, award, at=instant))
            elif award is None and ledger.knows(key) and not ledger.knows(f"{key}:withdrawn"):
                receipts.append(_withdraw(ledger, key, rule, at=instant))
    return tuple(receipts)


def _pay(ledger: Ledger, award: AgentAward, *, at: pendulum.DateTime) -> Receipt:
    """Post one award: an earn when positive, a deduction within the balance when negative."""
    rule = f"recognition.{award.rule.value}"
    if award.points > 0:
        record = Award(rule=rule, desired=award.points, granted=award.points)
        return ledger.earn(
            member=award.agent, points=award.points, at=at, key=award.key, awards=[record]
        )
    return ledger.adjust(
        member=award.agent,
        points=award.points,
        at=at,
        key=award.key,
        reason=rule,
        shortfall=NegativeBalance.WITHIN_BALANCE,
    )


def _withdraw(ledger: Ledger, key: str, rule: RecognitionRule, *, at: pendulum.DateTime) -> Receipt:
    """Take back an award posted under *key* that the interaction no longer gives."""
    payload = ledger.command(key)
    member = payload.member
    if payload.name is CommandName.EARN:
        return ledger.return_purchase(member=member, earn=key, at=at, key=f"{key}:withdrawn")
    return ledger.adjust(
        member=member,
        points=-payload.argument("points"),
        at=at,
        key=f"{key}:withdrawn",
        reason=f"withdrawn recognition.{rule.value}",
    )


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


def _month_bounds(policy: RecognitionPolicy, year: int, month: int) -> tuple[int, int]:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        raise ValidationError(
            f"'year' must be from 1900 to 9999 (got {year!r})", field="year", value=year
        )
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError(
            f"'month' must be from 1 to 12 (got {month!r})", field="month", value=month
        )
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
    the awards dated in the month, not with the interactions read.

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
        self._cut = from_micros(self._cutoff, self._tz)
        self._due = due or {}
        self._totals: dict[str, list[tuple[int, int]]] = {}
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
        if not isinstance(interaction, Interaction):
            raise ValidationError(
                f"'interaction' must be an Interaction (got {interaction!r})",
                field="interaction",
                value=interaction,
            )
        start, end = self._start, self._end
        if to_micros(interaction.created_at) >= end:
            return
        current = interaction.as_of(self._cut)
        scored = _scored_resolution(current, self._policy)
        agent = current.assignee()
        if scored is not None and agent is not None and start <= to_micros(scored[0]) < end:
            self._samples[agent] = self._samples.get(agent, 0) + 1
        for award in awards(current, self._policy, due=self._due.get(interaction.id)):
            moment = to_micros(award.at)
            if start <= moment < end:
                self._totals.setdefault(award.agent, []).append((moment, award.points))

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
        merged._totals = {agent: list(events) for agent, events in self._totals.items()}
        merged._samples = dict(self._samples)
        for agent, events in other._totals.items():
            merged._totals.setdefault(agent, []).extend(events)
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
            events = sorted(totals.get(agent, []))
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
