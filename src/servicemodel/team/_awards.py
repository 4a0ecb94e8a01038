"""Recognition of agents: the points an interaction gives its assignee.

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

import datetime as _dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, NamedTuple, cast, final

import attrs
import pendulum

from .._log._facts import log_event_us, log_facts
from .._time import aware, duration_micros, to_micros
from .._validators import instance
from ..exceptions import EmptySampleError
from ..interactions import Interaction, SatisfactionResponse
from ..kpi import Csat, CsatVariant, Fcr
from ._recognition_policy import OnTime, RecognitionPolicy, RecognitionRule, Rescoring, SpeedRule

__all__ = ["AgentAward", "awards"]


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


#: Each variant's happy and unhappy scores: a read-only table of constants, worked
#: out once from the KPI's definition at import (asking the KPI per rating cost
#: about 80 µs, several times the rest of an interaction's awards).
_CSAT_BANDS: Mapping[CsatVariant, tuple[frozenset[int], frozenset[int]]] = MappingProxyType(
    {variant: _csat_bands(variant) for variant in CsatVariant}
)


def _first_contact(interaction: Interaction) -> bool:
    """What the FCR KPI (one touch) counts as resolved at first contact (*interaction* is solved)."""
    return Fcr.resolved_at_first_contact(interaction)


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


def _check_interaction(interaction: object) -> None:
    """Refuse anything but an Interaction as the interaction scored."""
    instance(interaction, Interaction, field="interaction")


class _Scored(NamedTuple):
    """The resolution a recognition policy scores."""

    #: Its index among the interaction's events.
    event: int
    #: Which resolution it is (1 for the first).
    ordinal: int


def _scored_resolution(current: Interaction, scale: _Scale) -> _Scored | None:
    """The resolution the policy (read as *scale*) scores: its index among the events and its ordinal, ``None`` when none.

    The resolutions are :meth:`Interaction.first_solved_at
    <servicemodel.interactions.Interaction.first_solved_at>`'s. Under
    ``latest_resolution`` a reopened interaction has none until it is
    resolved again.
    """
    found = log_facts(current).resolutions
    if not found:
        return None
    if not scale.rescored:
        return _Scored(found[0], 1)
    if not current.status().is_resolved:
        return None
    return _Scored(found[-1], len(found))


class _Scale(NamedTuple):
    """A policy's limits as integers and its options as flags, read once per policy rather
    than once per interaction (an option's member looked up on its enum class costs the
    class's ``__getattr__`` hook each time)."""

    #: ``fast_under`` in microseconds.
    fast_under: int
    #: ``resolve_within`` in microseconds.
    resolve_within: int
    #: The happy and the unhappy CSAT scores (:data:`_CSAT_BANDS` of the policy's variant).
    happy: frozenset[int]
    unhappy: frozenset[int]
    #: ``rescoring`` is ``latest_resolution``.
    rescored: bool
    #: ``on_time`` is ``strictly_before_due``.
    strictly_before_due: bool
    #: ``speed`` is ``exclusive``.
    exclusive_speed: bool


def _scale(policy: RecognitionPolicy) -> _Scale:
    """*policy*'s limits as integers and options as flags."""
    happy, unhappy = _CSAT_BANDS[policy.csat]
    return _Scale(
        fast_under=duration_micros(policy.fast_under),
        resolve_within=duration_micros(policy.resolve_within),
        happy=happy,
        unhappy=unhappy,
        rescored=policy.rescoring is Rescoring.LATEST_RESOLUTION,
        strictly_before_due=policy.on_time is OnTime.STRICTLY_BEFORE_DUE,
        exclusive_speed=policy.speed is SpeedRule.EXCLUSIVE,
    )


class _Earned(NamedTuple):
    """One award as integers: what :class:`AgentAward` says, dated by the index of an event."""

    rule: RecognitionRule
    points: int
    #: The index among the interaction's events of the event the award is dated at.
    event: int
    resolution: int


def _earned(
    current: Interaction,
    policy: RecognitionPolicy,
    scale: _Scale,
    scored: _Scored | None,
    due: _dt.datetime | None,
) -> list[_Earned]:
    """The awards *current* gives its assignee (the one rule of them; *scored*: its scored
    resolution, :func:`_scored_resolution`). :func:`awards` dates them as instants, a
    leaderboard as integers."""
    facts = log_facts(current)
    found: list[_Earned] = []
    if scored is None and not facts.resolutions:
        return found
    if scored is not None:
        for rule, points in _resolution_awards(current, policy, scale, scored.event, due):
            found.append(_Earned(rule, points, scored.event, scored.ordinal))
    rating = facts.latest_rating  # the index of current.rating()
    if rating is not None:
        score = cast(SatisfactionResponse, current.events[rating]).score
        if score in scale.happy:
            found.append(_Earned(_HAPPY_CSAT, policy.happy_points, rating, 1))
        elif score in scale.unhappy:
            found.append(_Earned(_UNHAPPY_CSAT, policy.unhappy_points, rating, 1))
    return [award for award in found if award.points]  # no points, no award


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
    _check_interaction(interaction)
    current = interaction if as_of is None else interaction.as_of(aware(as_of, field="as_of"))
    agent = current.assignee()
    if agent is None:
        return ()
    scale = _scale(policy)
    earned = _earned(current, policy, scale, _scored_resolution(current, scale), due)
    events = current.events
    return tuple(
        AgentAward(
            agent=agent,
            interaction=current.id,
            rule=award.rule,
            points=award.points,
            at=events[award.event].at,
            resolution=award.resolution,
        )
        for award in earned
    )


def _resolution_awards(
    current: Interaction,
    policy: RecognitionPolicy,
    scale: _Scale,
    resolved: int,
    due: _dt.datetime | None,
) -> list[tuple[RecognitionRule, int]]:
    """The speed and first-contact awards of the scored resolution (*resolved*: its event's index)."""
    facts = log_facts(current)
    created = facts.created_us
    solved = log_event_us(current)[resolved]
    reopened = facts.reopens > 0
    deadline = (
        to_micros(aware(due, field="due")) if due is not None else created + scale.resolve_within
    )
    fast = (scale.rescored or not reopened) and solved - created < scale.fast_under
    on_time = solved < deadline if scale.strictly_before_due else solved <= deadline
    found: list[tuple[RecognitionRule, int]] = []
    if fast:
        found.append((_FAST_RESOLUTION, policy.fast_points))
    if not (fast and scale.exclusive_speed):
        if on_time:
            found.append((_ON_TIME, policy.on_time_points))
        else:
            found.append((_LATE, policy.late_points))
    if not reopened and policy.first_contact_points and _first_contact(current):
        found.append((_FIRST_CONTACT, policy.first_contact_points))
    return found


# The rules the awards name, held (a member looked up on its enum class costs the class's
# ``__getattr__`` hook each time).
_FAST_RESOLUTION: Final = RecognitionRule.FAST_RESOLUTION
_ON_TIME: Final = RecognitionRule.ON_TIME
_LATE: Final = RecognitionRule.LATE
_FIRST_CONTACT: Final = RecognitionRule.FIRST_CONTACT
_HAPPY_CSAT: Final = RecognitionRule.HAPPY_CSAT
_UNHAPPY_CSAT: Final = RecognitionRule.UNHAPPY_CSAT
