"""Training: records of completed training and plans derived from skill and KPI gaps."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from fractions import Fraction
from typing import final

import attrs
import pendulum

from .._time import aware, to_duration, to_micros
from .._validators import (
    between,
    check_item,
    enum_member,
    instance,
    integer,
    non_empty_str,
    optional_non_empty_str,
    to_tuple,
)
from ..kpi import KpiName
from ._agents import Agent
from ._common import exact
from ._skills import GapKind, SkillProfile

__all__ = [
    "Improvement",
    "KpiGap",
    "NeedSource",
    "TrainingNeed",
    "TrainingPlan",
    "TrainingProgress",
    "TrainingRecord",
    "plan_training",
]


def _completed_at(value: object) -> pendulum.DateTime:
    return aware(value, field="completed_at")


@final
@attrs.frozen(kw_only=True)
class TrainingRecord:
    """An agent completed training on a topic, with the assessment score (0 to 100).

    >>> import pendulum
    >>> TrainingRecord(agent_id="A-1", topic="product:router",
    ...                completed_at=pendulum.datetime(2024, 6, 3, 15), score=86).score
    86
    """

    agent_id: str = attrs.field(validator=non_empty_str)
    topic: str = attrs.field(validator=non_empty_str)
    completed_at: pendulum.DateTime = attrs.field(converter=_completed_at)
    score: int = attrs.field(validator=between(0, 100))


class Improvement(enum.Enum):
    """Which way a KPI improves: ``higher`` (FCR, CSAT) or ``lower`` (reply time).

    (A goal's :class:`servicemodel.goals.Direction` says the same with
    ``increase``/``decrease``; team does not import goals, see the layers.)

    >>> Improvement("lower")
    <Improvement.LOWER: 'lower'>
    """

    HIGHER = "higher"
    LOWER = "lower"


def _direction(value: object) -> Improvement:
    return enum_member(Improvement, value, field="direction")


def _actual(value: object) -> Fraction:
    return exact(value, field="actual")


def _target(value: object) -> Fraction:
    return exact(value, field="target")


def _metric(value: object) -> KpiName:
    return KpiName.of(value, field="metric")


@final
@attrs.frozen(kw_only=True)
class KpiGap:
    """A KPI measured against its target for one agent, e.g. FCR on a product.

    ``metric`` is a :class:`~servicemodel.kpi.KpiName` (its string is accepted;
    a misspelt one is refused, naming the known ones).

    The numbers are given (computed by :mod:`servicemodel.kpi` or anywhere
    else); ``topic`` is the training topic that addresses the gap. Numbers
    are kept exact (a float is read as it prints: 0.55 is 11/20).

    >>> gap = KpiGap(metric="fcr", scope="product:router", actual=0.55, target=0.7,
    ...              topic="product:router")
    >>> gap.is_gap(), gap.shortfall()
    (True, Fraction(3, 20))
    """

    metric: KpiName = attrs.field(converter=_metric)
    actual: Fraction = attrs.field(converter=_actual)
    target: Fraction = attrs.field(converter=_target)
    topic: str = attrs.field(validator=non_empty_str)
    direction: Improvement = attrs.field(default=Improvement.HIGHER, converter=_direction)
    scope: str | None = attrs.field(default=None, validator=optional_non_empty_str)

    def shortfall(self) -> Fraction:
        """How far the KPI is on the wrong side of its target (0 or less: no gap).

        >>> KpiGap(metric="first_reply_time", actual=3000, target=1800, topic="triage",
        ...        direction="lower").shortfall()
        Fraction(1200, 1)
        """
        if self.direction is Improvement.HIGHER:
            return self.target - self.actual
        return self.actual - self.target

    def is_gap(self) -> bool:
        """True when the KPI misses its target.

        >>> KpiGap(metric="csat", actual=0.9, target=0.85, topic="tone").is_gap()
        False
        """
        return self.shortfall() > 0

    def describe(self) -> str:
        """A short sentence with the numbers.

        >>> KpiGap(metric="fcr", scope="product:router", actual=0.55, target=0.7,
        ...        topic="product:router").describe()
        'fcr on product:router is 11/20 against a target of 7/10 (higher is better)'
        """
        where = f" on {self.scope}" if self.scope else ""
        return (
            f"{self.metric.value}{where} is {self.actual} against a target of {self.target} "
            f"({self.direction.value} is better)"
        )


class NeedSource(enum.Enum):
    """What a training need was derived from.

    >>> NeedSource.KPI_GAP.value
    'kpi_gap'
    """

    MISSING_SKILL = "missing_skill"
    SKILL_BELOW_LEVEL = "skill_below_level"
    KPI_GAP = "kpi_gap"


@final
@attrs.frozen(kw_only=True)
class TrainingNeed:
    """One item of a training plan: a topic, why it is needed, and when it is due.

    >>> import pendulum
    >>> TrainingNeed(topic="empathy", source=NeedSource.SKILL_BELOW_LEVEL,
    ...              reason="empathy held at 2, role tier1 needs 3",
    ...              due=pendulum.datetime(2024, 7, 1)).topic
    'empathy'
    """

    topic: str
    source: NeedSource
    reason: str
    due: pendulum.DateTime


class TrainingProgress(enum.Enum):
    """Where a training need stands as of an instant.

    ``done``: a passing record on the topic was completed after the plan was
    made; ``overdue``: not done and past due; ``open``: not done, not yet due.

    >>> TrainingProgress.OVERDUE.value
    'overdue'
    """

    DONE = "done"
    OPEN = "open"
    OVERDUE = "overdue"


def _needs(value: Iterable[TrainingNeed]) -> tuple[TrainingNeed, ...]:
    return to_tuple(value)


@final
@attrs.frozen(kw_only=True)
class TrainingPlan:
    """The training an agent needs, made at ``created_at``, most urgent first.

    Build it with :func:`plan_training`.

    >>> import datetime as dt, pendulum
    >>> ana = Agent(id="A-1", name="Ana", team="support", hired_on=dt.date(2024, 1, 8))
    >>> plan = plan_training(ana, kpi_gaps=[KpiGap(metric="fcr", actual=0.5, target=0.7,
    ...     topic="product:router")], as_of=pendulum.datetime(2024, 6, 1))
    >>> [(n.topic, n.due.to_date_string()) for n in plan.needs]
    [('product:router', '2024-06-15')]
    """

    agent_id: str
    created_at: pendulum.DateTime
    needs: tuple[TrainingNeed, ...] = attrs.field(converter=_needs)

    def topics(self) -> tuple[str, ...]:
        """The topics of the plan, in plan order.

        >>> import pendulum
        >>> TrainingPlan(agent_id="A", created_at=pendulum.datetime(2024, 1, 1),
        ...              needs=[]).topics()
        ()
        """
        return tuple(n.topic for n in self.needs)

    def progress(
        self, records: Iterable[TrainingRecord], *, as_of: object, pass_mark: int = 80
    ) -> tuple[tuple[TrainingNeed, TrainingProgress], ...]:
        """Each need with its progress as of *as_of*, given the agent's training records.

        A need is done when a record of this agent on its topic, completed
        after the plan was made and no later than *as_of*, scored at least
        *pass_mark*. Records of other agents are ignored.

        >>> import datetime as dt, pendulum
        >>> ana = Agent(id="A-1", name="Ana", team="t", hired_on=dt.date(2024, 1, 8))
        >>> plan = plan_training(ana, kpi_gaps=[KpiGap(metric="fcr", actual=0.5,
        ...     target=0.7, topic="router")], as_of=pendulum.datetime(2024, 6, 1))
        >>> [p.value for _, p in plan.progress([], as_of=pendulum.datetime(2024, 7, 1))]
        ['overdue']
        """
        now = to_micros(aware(as_of, field="as_of"))
        integer(pass_mark, field="pass_mark", low=0, high=100)
        start = to_micros(self.created_at)
        passed: set[str] = set()
        for index, record in enumerate(records):
            check_item(record, TrainingRecord, field="records", index=index)
            done = to_micros(record.completed_at)
            if (
                record.agent_id == self.agent_id
                and record.score >= pass_mark
                and start <= done <= now
            ):
                passed.add(record.topic)
        result = []
        for need in self.needs:
            if need.topic in passed:
                state = TrainingProgress.DONE
            elif to_micros(need.due) < now:
                state = TrainingProgress.OVERDUE
            else:
                state = TrainingProgress.OPEN
            result.append((need, state))
        return tuple(result)


def plan_training(
    agent: Agent,
    *,
    as_of: object,
    profile: SkillProfile | None = None,
    kpi_gaps: Iterable[KpiGap] = (),
    skill_within: object = pendulum.duration(days=30),
    kpi_within: object = pendulum.duration(days=14),
) -> TrainingPlan:
    """Derive an agent's training plan from skill gaps against a role and KPI gaps.

    Three rules make the needs, each with a due date counted from *as_of*:

    1. skills the role requires and the agent lacks (due after *skill_within*);
    2. skills held below the role's level, largest shortfall first (same due date);
    3. KPIs that miss their target, largest relative shortfall first (due
       after *kpi_within*: a KPI gap hurts customers now). KPI entries that
       meet their target add nothing.

    The plan lists needs by due date, and in the order above within one due date.

    A topic appears once; when a skill gap and a KPI gap share a topic, the
    earlier due date and both reasons are kept.

    Args:
        agent: the agent the plan is for.
        as_of: when the plan is made (aware datetime).
        profile: the role profile to hold the agent against, if any.
        kpi_gaps: measured KPIs with targets and the topic that addresses each.
        skill_within: lead time for skill needs (default 30 days).
        kpi_within: lead time for KPI needs (default 14 days).

    Raises:
        ValidationError: a bad argument (naive *as_of*, a non-positive lead time,
            something other than a KpiGap among *kpi_gaps*).

    >>> import datetime as dt, pendulum
    >>> from servicemodel.team import SkillRequirement
    >>> role = SkillProfile(role="tier1", requirements=[SkillRequirement("empathy", 3)])
    >>> bo = Agent(id="A-2", name="Bo", team="support", hired_on=dt.date(2024, 2, 1),
    ...            skills={"empathy": 2})
    >>> plan = plan_training(bo, profile=role, as_of=pendulum.datetime(2024, 6, 1),
    ...     kpi_gaps=[KpiGap(metric="fcr", scope="product:router", actual=0.55,
    ...                      target=0.70, topic="product:router")])
    >>> [(n.topic, n.source.value, n.due.to_date_string()) for n in plan.needs]
    [('product:router', 'kpi_gap', '2024-06-15'), ('empathy', 'skill_below_level', '2024-07-01')]
    """
    instance(agent, Agent, field="agent")
    start = aware(as_of, field="as_of")
    skill_due = start + to_duration(skill_within, field="skill_within")
    kpi_due = start + to_duration(kpi_within, field="kpi_within")
    gaps = _kpi_gaps(kpi_gaps)
    needs = _one_per_topic([*_skill_needs(agent, profile, skill_due), *_kpi_needs(gaps, kpi_due)])
    ordered = sorted(needs, key=lambda n: to_micros(n.due))  # stable: keeps rule order
    return TrainingPlan(agent_id=agent.id, created_at=start, needs=ordered)


def _kpi_gaps(kpi_gaps: Iterable[KpiGap]) -> list[KpiGap]:
    gaps = list(kpi_gaps)
    for index, gap in enumerate(gaps):
        check_item(gap, KpiGap, field="kpi_gaps", index=index)
    return gaps


def _skill_needs(
    agent: Agent, profile: SkillProfile | None, due: pendulum.DateTime
) -> list[TrainingNeed]:
    """Rules 1 and 2: missing skills, then skills below the role's level (largest first)."""
    if profile is None:
        return []
    needs = []
    for skill_gap in profile.assess(agent).gaps:
        if skill_gap.kind is GapKind.MISSING:
            source = NeedSource.MISSING_SKILL
            reason = (
                f"{skill_gap.skill} not held; role {profile.role} needs level {skill_gap.required}"
            )
        else:
            source = NeedSource.SKILL_BELOW_LEVEL
            reason = (
                f"{skill_gap.skill} held at {skill_gap.held}; "
                f"role {profile.role} needs {skill_gap.required}"
            )
        needs.append(TrainingNeed(topic=skill_gap.skill, source=source, reason=reason, due=due))
    return needs


def _kpi_needs(gaps: list[KpiGap], due: pendulum.DateTime) -> list[TrainingNeed]:
    """Rule 3: KPIs missing their target, largest relative shortfall first."""

    def relative(gap: KpiGap) -> Fraction:
        return gap.shortfall() / abs(gap.target) if gap.target else gap.shortfall()

    return [
        TrainingNeed(topic=gap.topic, source=NeedSource.KPI_GAP, reason=gap.describe(), due=due)
        for gap in sorted(
            (g for g in gaps if g.is_gap()), key=lambda g: (-relative(g), g.topic, g.metric.value)
        )
    ]


def _one_per_topic(needs: list[TrainingNeed]) -> list[TrainingNeed]:
    """One need per topic, in first-seen order: the earlier due date, both reasons."""
    merged: dict[str, TrainingNeed] = {}
    for need in needs:
        known = merged.get(need.topic)
        if known is None:
            merged[need.topic] = need
            continue
        first, second = sorted((known, need), key=lambda n: to_micros(n.due))
        merged[need.topic] = attrs.evolve(first, reason=f"{first.reason}; {second.reason}")
    return list(merged.values())
