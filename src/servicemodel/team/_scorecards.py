"""Agent scorecards per period, built from the KPI engine's accumulators.

Each agent's figures come from the same accumulators a KPI report uses
(:mod:`servicemodel.kpi`), folded per agent and per workload stratum and
merged exactly. Two rules make the comparison fair:

* a minimum sample per metric: below it the metric is *hidden* (listed with
  its n), never shown as 0 or as a noisy figure;
* normalisation for workload mix by indirect standardisation: each figure
  comes with the value the agent's own mix of strata (channel, priority,
  kind) would predict from the whole team's figure in each stratum,

      expected_a = sum_s n_{a,s} * team_s / sum_s n_{a,s}

  so an agent who takes the hard phone complaints is held to what the team
  achieves on phone complaints.

SLA compliance joins the card when a policy set and an evaluation instant are
given; its sample is the agent's met and breached SLA clocks.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, final

import attrs
import pendulum

from .._time import aware, duration_micros, to_micros
from .._validators import check_item, distinct, enum_member, integer
from ..customers import Customer
from ..exceptions import EmptySampleError, ValidationError
from ..interactions import Interaction
from ..kpi import (
    Accumulator,
    BusinessTime,
    Csat,
    DurationStats,
    Fcr,
    FirstReplyTime,
    Interval,
    KpiName,
    Mean,
    Rate,
    ResolutionTime,
    SlaCompliance,
)
from ..sla import PolicySet
from ._attribution import Attribution, bot_ids, rating_credit, reply_credit
from ._qa_score import QaScore
from ._quality import QaReview
from ._training import Improvement

__all__ = [
    "DEFAULT_MINIMUM_SAMPLES",
    "HiddenMetric",
    "MetricFigure",
    "MixDimension",
    "Scorecard",
    "build_scorecards",
]

#: Minimum sample per metric below which a scorecard hides the metric.
DEFAULT_MINIMUM_SAMPLES: Mapping[str, int] = {
    "first_reply_time": 10,
    "resolution_time": 10,
    "fcr": 20,
    "csat": 10,
    "qa_score": 5,
    "sla_compliance": 20,
}

_DIRECTIONS = {
    "first_reply_time": Improvement.LOWER,
    "resolution_time": Improvement.LOWER,
    "fcr": Improvement.HIGHER,
    "csat": Improvement.HIGHER,
    "qa_score": Improvement.HIGHER,
    "sla_compliance": Improvement.HIGHER,
}
_INTERACTION_METRICS = ("first_reply_time", "resolution_time", "fcr", "csat")
_METRICS = (*_INTERACTION_METRICS, "qa_score")
_SLA = "sla_compliance"
_ALL_METRICS = (*_METRICS, _SLA)
_UNKNOWN = "unknown"


class MixDimension(enum.Enum):
    """A dimension of workload mix that scorecards normalise for.

    >>> MixDimension("priority")
    <MixDimension.PRIORITY: 'priority'>
    """

    CHANNEL = "channel"
    PRIORITY = "priority"
    KIND = "kind"


def _kpi_name(value: object) -> KpiName:
    return KpiName.of(value, field="metric")


@final
@attrs.frozen(kw_only=True)
class MetricFigure:
    """One shown metric of a scorecard, with what the agent's workload mix predicts.

    ``value`` is exact: a share in [0, 1] for ``fcr``, ``csat``,
    ``qa_score`` and ``sla_compliance``; the mean in seconds for ``first_reply_time`` and
    ``resolution_time`` (``unit`` says which). ``interval`` is the KPI
    engine's interval (Wilson for rates, normal for the QA mean) and ``None``
    for times, which the engine summarises by quantiles rather than a mean
    interval. ``expected`` is the team's figure reweighted to the agent's mix.

    >>> f = MetricFigure(metric="fcr", n=40, value=Fraction(3, 4), unit="share",
    ...                  interval=None, expected=Fraction(7, 10), direction=Improvement.HIGHER)
    >>> f.versus_expected(), f.better_than_expected()
    (Fraction(1, 20), True)
    """

    metric: KpiName = attrs.field(converter=_kpi_name)
    n: int
    value: Fraction
    unit: str
    interval: Interval | None
    expected: Fraction
    direction: Improvement
    median: Fraction | None = None
    p90: Fraction | None = None

    def versus_expected(self) -> Fraction:
        """value - expected (in the metric's unit; its sign alone does not say better or worse).

        >>> MetricFigure(metric="first_reply_time", n=12, value=Fraction(600), unit="seconds",
        ...              interval=None, expected=Fraction(900),
        ...              direction=Improvement.LOWER).versus_expected()
        Fraction(-300, 1)
        """
        return self.value - self.expected

    def better_than_expected(self) -> bool:
        """True when the figure beats what the agent's mix predicts, in the metric's direction.

        >>> MetricFigure(metric="first_reply_time", n=12, value=Fraction(600), unit="seconds",
        ...              interval=None, expected=Fraction(900),
        ...              direction=Improvement.LOWER).better_than_expected()
        True
        """
        gap = self.versus_expected()
        return gap > 0 if self.direction is Improvement.HIGHER else gap < 0


@final
@attrs.frozen(kw_only=True)
class HiddenMetric:
    """A metric a scorecard hides because its sample is below the minimum.

    >>> HiddenMetric(metric="csat", n=3, minimum=10).metric
    <KpiName.CSAT: 'csat'>
    """

    metric: KpiName = attrs.field(converter=_kpi_name)
    n: int
    minimum: int


@final
@attrs.frozen(kw_only=True)
class Scorecard:
    """One agent's figures for one period.

    ``volume`` counts the interactions assigned to the agent and created in
    the period; ``mix`` counts them per stratum (``"email/normal/enquiry"``).
    ``shown`` holds the metrics with enough sample, ``hidden`` the others.

    >>> import pendulum
    >>> card = Scorecard(agent_id="A-1", start=pendulum.datetime(2024, 6, 1),
    ...                  end=pendulum.datetime(2024, 7, 1), volume=3, mix=(("chat", 3),),
    ...                  shown=(), hidden=(HiddenMetric(metric="csat", n=2, minimum=10),))
    >>> card.figure("csat")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.EmptySampleError: csat is hidden for A-1: n = 2 is below the minimum sample of 10
    """

    agent_id: str
    start: pendulum.DateTime
    end: pendulum.DateTime
    volume: int
    mix: tuple[tuple[str, int], ...]
    shown: tuple[MetricFigure, ...]
    hidden: tuple[HiddenMetric, ...]

    def figure(self, metric: KpiName | str) -> MetricFigure:
        """The shown figure of *metric*.

        Raises:
            EmptySampleError: the metric is hidden (below its minimum sample).
            ValidationError: *metric* is not a KPI's name, or the scorecard does not
                measure it (SLA compliance needs ``policies`` and ``as_of`` when
                building cards).

        >>> import pendulum
        >>> fcr = MetricFigure(metric="fcr", n=40, value=Fraction(3, 4), unit="share",
        ...                    interval=None, expected=Fraction(7, 10), direction=Improvement.HIGHER)
        >>> card = Scorecard(agent_id="A-1", start=pendulum.datetime(2024, 6, 1),
        ...                  end=pendulum.datetime(2024, 7, 1), volume=40, mix=(("chat", 40),),
        ...                  shown=(fcr,), hidden=(HiddenMetric(metric="csat", n=2, minimum=10),))
        >>> card.figure("fcr").value
        Fraction(3, 4)
        >>> card.figure("nps")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: ...
        """
        wanted = KpiName.of(metric, field="metric")
        for figure in self.shown:
            if figure.metric is wanted:
                return figure
        for hidden in self.hidden:
            if hidden.metric is wanted:
                raise EmptySampleError(
                    f"{wanted.value} is hidden for {self.agent_id}: n = {hidden.n} is below the "
                    f"minimum sample of {hidden.minimum}"
                )
        if wanted.value == _SLA:
            raise ValidationError(
                f"'metric' {_SLA!r} is not on this card: build_scorecards measures it when "
                "given policies= and as_of=",
                field="metric",
                value=metric,
            )
        raise ValidationError(
            f"'metric' must be one of {', '.join(repr(m) for m in _ALL_METRICS)} (got {metric!r})",
            field="metric",
            value=metric,
        )

    def is_shown(self, metric: KpiName | str) -> bool:
        """True when *metric* has enough sample to be shown.

        >>> import pendulum
        >>> Scorecard(agent_id="A", start=pendulum.datetime(2024, 6, 1),
        ...           end=pendulum.datetime(2024, 7, 1), volume=0, mix=(), shown=(),
        ...           hidden=()).is_shown("fcr")
        False
        """
        wanted = KpiName.of(metric, field="metric")
        return any(f.metric is wanted for f in self.shown)


def _minimums(value: Mapping[str, int] | None) -> dict[str, int]:
    result = dict(DEFAULT_MINIMUM_SAMPLES)
    if value is None:
        return result
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"'minimum_samples' must map metric names to counts (got {value!r})",
            field="minimum_samples",
            value=value,
        )
    for metric, minimum in value.items():
        if metric not in _DIRECTIONS:
            raise ValidationError(
                f"'minimum_samples' must name metrics among "
                f"{', '.join(repr(m) for m in _ALL_METRICS)} (got {metric!r})",
                field="minimum_samples",
                value=metric,
            )
        result[metric] = integer(minimum, field=f"minimum_samples.{metric}", low=1)
    return result


_SECOND = 1_000_000
_P90 = Fraction(9, 10)


def _quantiles(acc: Accumulator[Any]) -> tuple[Fraction | None, Fraction | None]:
    """Median and 90th percentile in seconds of a duration KPI (``None`` for other KPIs)."""
    result = acc.result()
    if not isinstance(result, DurationStats):
        return None, None
    return (
        Fraction(duration_micros(result.median), _SECOND),
        Fraction(duration_micros(result.percentile(_P90)), _SECOND),
    )


def _read(acc: Accumulator[Any]) -> tuple[int, Fraction, Interval | None]:
    """Sample size, exact value and interval of a KPI accumulator (EmptySampleError if empty)."""
    result = acc.result()
    if isinstance(result, Rate):
        return result.denominator, result.value, result.interval
    if isinstance(result, Mean):
        return result.n, result.value, result.interval
    if isinstance(result, DurationStats):
        return result.count, Fraction(duration_micros(result.total), result.count * _SECOND), None
    raise TypeError(f"unexpected KPI result {type(result).__name__}")  # pragma: no cover


def _sample(acc: Accumulator[Any]) -> int:
    try:
        return _read(acc)[0]
    except EmptySampleError:
        return 0


def _stratum(interaction: Interaction, dimensions: tuple[MixDimension, ...]) -> str:
    parts = []
    for dimension in dimensions:
        if dimension is MixDimension.CHANNEL:
            parts.append(interaction.channel.value)
        elif dimension is MixDimension.PRIORITY:
            parts.append(interaction.current_priority().value)
        else:
            parts.append(interaction.kind.value)
    return "/".join(parts) if parts else "all"


def _dimensions(value: Iterable[MixDimension | str]) -> tuple[MixDimension, ...]:
    if isinstance(value, str):
        raise ValidationError(
            f"'mix_by' must be a list of dimensions, not a single value (got {value!r})",
            field="mix_by",
            value=value,
        )
    chosen = tuple(enum_member(MixDimension, v, field="mix_by") for v in value)
    distinct((d.value for d in chosen), field="mix_by", what="a dimension")
    return chosen


def build_scorecards(
    interactions: Iterable[Interaction],
    *,
    start: object,
    end: object,
    reviews: Iterable[QaReview] = (),
    minimum_samples: Mapping[str, int] | None = None,
    mix_by: Iterable[MixDimension | str] = (
        MixDimension.CHANNEL,
        MixDimension.PRIORITY,
        MixDimension.KIND,
    ),
    calendar: BusinessTime | None = None,
    policies: PolicySet | None = None,
    as_of: _dt.datetime | None = None,
    customers: Iterable[Customer] | None = None,
    attribution: Attribution | str = Attribution.LAST_ASSIGNEE,
    bots: Iterable[str] = (),
) -> tuple[Scorecard, ...]:
    """Build one scorecard per agent for the period [start, end), sorted by agent id.

    An interaction counts for the agent it is assigned to (its last
    assignment) when it was created in the period; unassigned ones count for
    nobody. Two facts are credited by their own rule (:class:`Attribution`):
    the first reply time goes to whom *attribution* names (default the last
    assignee; or the replier, or the assignee or team when the reply was
    sent), and a CSAT response to the agent the interaction was assigned to
    when it was rated, even if it was reassigned later. Ids in *bots* never
    get credit (bot messages are never replies anyway). A review counts for its ``agent_id`` when it was made in the
    period, in the stratum of the interaction it reviews (``unknown`` when
    that interaction is not among *interactions*). Metrics (the KPI engine's
    default variants): ``first_reply_time`` and ``resolution_time`` (mean, in
    business time with *calendar*), ``fcr`` (one-touch), ``csat`` (share of
    4-5), ``qa_score`` (:class:`QaScore`) and, given *policies* and *as_of*,
    ``sla_compliance`` (:class:`~servicemodel.kpi.SlaCompliance`: met / (met +
    breached) SLA clocks of the agent's interactions evaluated as of *as_of*,
    pending clocks left out; its sample is the number of evaluated clocks).

    The result does not depend on the order of *interactions* or *reviews*.

    Args:
        interactions: the interactions to score.
        start: the period's first instant (aware).
        end: the instant after the period (aware, after *start*).
        reviews: QA reviews (:class:`QaReview`).
        minimum_samples: per-metric minimums overriding :data:`DEFAULT_MINIMUM_SAMPLES`.
        mix_by: the workload dimensions to normalise for (empty: no normalisation,
            ``expected`` is then the team's overall figure).
        calendar: a business calendar for the time metrics (``None``: calendar time).
        policies: SLA policies; with *as_of*, adds ``sla_compliance`` to every card.
        as_of: the instant the SLA clocks are evaluated at (aware; usually the
            period's end or later, so the period's clocks have resolved).
        customers: customer records for SLA conditions on segment or tier.
        attribution: who the first reply time is credited to.
        bots: ids of bots (automations an interaction may be assigned to); they
            are credited with nothing and get no card.

    Raises:
        ValidationError: a bad argument (naive instants, end not after start,
            an unknown metric or dimension, an item of the wrong type, *policies*
            without *as_of* or the reverse).

    >>> import pendulum
    >>> from servicemodel import Assignment, Interaction, Message, SatisfactionResponse, StatusChange
    >>> t = pendulum.datetime(2024, 6, 3, 9)
    >>> def ticket(n, agent, minutes, score):
    ...     at = t.add(hours=n)
    ...     return Interaction(id=f"T-{n}", customer_id="C", channel="email", created_at=at,
    ...         events=[Assignment(at=at, agent_id=agent),
    ...                 Message(at=at.add(minutes=minutes), author="agent"),
    ...                 StatusChange(at=at.add(minutes=minutes + 1), status="solved"),
    ...                 SatisfactionResponse(at=at.add(hours=1), score=score)])
    >>> data = [ticket(n, "A-1", 10, 5) for n in range(12)] + [ticket(20, "A-2", 30, 2)]
    >>> cards = build_scorecards(data, start=pendulum.datetime(2024, 6, 1),
    ...                          end=pendulum.datetime(2024, 7, 1))
    >>> [(c.agent_id, c.volume) for c in cards]
    [('A-1', 12), ('A-2', 1)]
    >>> cards[0].figure("csat").value, cards[0].is_shown("fcr"), cards[1].is_shown("csat")
    (Fraction(1, 1), False, False)
    """
    begin, finish = _period(start, end)
    minimums = _minimums(minimum_samples)
    dimensions = _dimensions(mix_by)
    _check_calendar(calendar)
    sla = _sla_compliance(policies, as_of, customers)
    fold = _Fold(
        attribution=enum_member(Attribution, attribution, field="attribution"),
        bots=bot_ids(bots),
        lo=to_micros(begin),
        hi=to_micros(finish),
        dimensions=dimensions,
        metrics=_METRICS if sla is None else _ALL_METRICS,
        calendar=calendar,
        sla=sla,
    )
    fold.add_interactions(interactions)
    fold.add_reviews(reviews)
    expected = fold.team_values()
    return tuple(
        _scorecard(agent, fold, minimums, expected, start=begin, end=finish)
        for agent in fold.agents()
    )


def _period(start: object, end: object) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """The period's bounds, aware, with *end* after *start*."""
    begin = aware(start, field="start")
    finish = aware(end, field="end")
    if to_micros(finish) <= to_micros(begin):
        raise ValidationError(
            f"'end' must be after 'start' (got {finish.isoformat()} <= {begin.isoformat()})",
            field="end",
            value=end,
        )
    return begin, finish


def _check_calendar(calendar: object) -> None:
    if calendar is not None and not isinstance(calendar, BusinessTime):
        raise ValidationError(
            f"'calendar' must be a business calendar or None (got {type(calendar).__name__})",
            field="calendar",
            value=calendar,
        )


def _sla_compliance(
    policies: PolicySet | None, as_of: _dt.datetime | None, customers: Iterable[Customer] | None
) -> SlaCompliance | None:
    """The SLA compliance accumulator the cards fold, or ``None`` when no policies are given."""
    if (policies is None) != (as_of is None):
        missing = "as_of" if as_of is None else "policies"
        raise ValidationError(
            f"'{missing}' must be given with "
            f"'{'policies' if missing == 'as_of' else 'as_of'}' to add SLA compliance "
            "to the cards (or leave both out)",
            field=missing,
            value=None,
        )
    if customers is not None and policies is None:
        raise ValidationError(
            "'customers' is only read by SLA conditions: give policies= and as_of= too",
            field="customers",
            value=customers,
        )
    if policies is None:
        return None
    return SlaCompliance.empty(policies=policies, as_of=as_of, customers=customers)


@attrs.define
class _Fold:
    """The KPI accumulators of every (agent, stratum) cell of one period, fed item by item."""

    attribution: Attribution
    bots: frozenset[str]
    lo: int
    hi: int
    dimensions: tuple[MixDimension, ...]
    metrics: tuple[str, ...]
    calendar: BusinessTime | None
    sla: SlaCompliance | None
    cells: dict[tuple[str, str], dict[str, Accumulator[Any]]] = attrs.field(factory=dict)
    volume: dict[str, dict[str, int]] = attrs.field(factory=dict)
    strata: dict[str, str] = attrs.field(factory=dict)

    def fresh(self, metric: str) -> Accumulator[Any]:
        """An empty accumulator of *metric*, with the card's options."""
        if metric == _SLA and self.sla is not None:
            return self.sla.empty_like()
        if metric == "first_reply_time":
            return FirstReplyTime.empty(calendar=self.calendar)
        if metric == "resolution_time":
            return ResolutionTime.empty(calendar=self.calendar)
        if metric == "fcr":
            return Fcr.empty()
        if metric == "csat":
            return Csat.empty()
        return QaScore.empty()

    def cell(self, agent: str, stratum: str) -> dict[str, Accumulator[Any]]:
        key = (agent, stratum)
        if key not in self.cells:
            self.cells[key] = {m: self.fresh(m) for m in self.metrics}
        return self.cells[key]

    def add_interactions(self, interactions: Iterable[Interaction]) -> None:
        """Fold the interactions created in the period into their assignee's cells."""
        fed = tuple(m for m in self.metrics if m != "qa_score")
        for index, interaction in enumerate(interactions):
            check_item(interaction, Interaction, field="interactions", index=index)
            if interaction.id in self.strata:
                raise ValidationError(
                    f"'interactions[{index}]' must not repeat an interaction id "
                    f"(got {interaction.id!r} twice)",
                    field=f"interactions[{index}]",
                    value=interaction.id,
                )
            stratum = _stratum(interaction, self.dimensions)
            self.strata[interaction.id] = stratum
            if not self.lo <= to_micros(interaction.created_at) < self.hi:
                continue
            agent = interaction.assignee()
            if agent in self.bots:
                agent = None
            if agent is not None:
                counts = self.volume.setdefault(agent, {})
                counts[stratum] = counts.get(stratum, 0) + 1
            for metric in fed:
                credited = self.credited(interaction, metric, agent)
                if credited is not None:
                    self.cell(credited, stratum)[metric].add(interaction)

    def credited(self, interaction: Interaction, metric: str, agent: str | None) -> str | None:
        """Who *metric*'s fact of *interaction* counts for (*agent*: its last assignee)."""
        if metric == "first_reply_time":
            return reply_credit(interaction, self.attribution, self.bots)
        if metric == "csat":
            return rating_credit(interaction, self.bots)
        return agent

    def add_reviews(self, reviews: Iterable[QaReview]) -> None:
        """Fold the reviews made in the period into the reviewed interaction's stratum."""
        for index, review in enumerate(reviews):
            check_item(review, QaReview, field="reviews", index=index)
            if not self.lo <= to_micros(review.reviewed_at) < self.hi:
                continue
            stratum = self.strata.get(review.interaction_id, _UNKNOWN)
            self.cell(review.agent_id, stratum)["qa_score"].add(review)

    def team_values(self) -> dict[tuple[str, str], Fraction]:
        """The whole team's exact value per (stratum, metric), where it has a sample."""
        team: dict[tuple[str, str], Accumulator[Any]] = {}
        for (_agent, stratum), accumulators in self.cells.items():
            for metric, accumulator in accumulators.items():
                key = (stratum, metric)
                team[key] = accumulator if key not in team else team[key].merge(accumulator)
        values: dict[tuple[str, str], Fraction] = {}
        for key, accumulator in team.items():
            try:
                values[key] = _read(accumulator)[1]
            except EmptySampleError:
                continue
        return values

    def agents(self) -> list[str]:
        return sorted({agent for agent, _ in self.cells} | set(self.volume))

    def own(self, agent: str) -> dict[str, dict[str, Accumulator[Any]]]:
        """One agent's cells by stratum."""
        return {s: accumulators for (a, s), accumulators in self.cells.items() if a == agent}


def _scorecard(
    agent: str,
    fold: _Fold,
    minimums: Mapping[str, int],
    team_values: Mapping[tuple[str, str], Fraction],
    *,
    start: pendulum.DateTime,
    end: pendulum.DateTime,
) -> Scorecard:
    own = fold.own(agent)
    shown: list[MetricFigure] = []
    hidden: list[HiddenMetric] = []
    for metric in fold.metrics:
        total = _merged([own[s][metric] for s in sorted(own)])
        n = _sample(total)
        if n < minimums[metric]:
            hidden.append(HiddenMetric(metric=metric, n=n, minimum=minimums[metric]))
        else:
            shown.append(_figure(metric, total, own, team_values))
    counts = fold.volume.get(agent, {})
    return Scorecard(
        agent_id=agent,
        start=start,
        end=end,
        volume=sum(counts.values()),
        mix=tuple(sorted(counts.items())),
        shown=tuple(shown),
        hidden=tuple(hidden),
    )


def _merged(parts: list[Accumulator[Any]]) -> Accumulator[Any]:
    total = parts[0].empty_like()
    for part in parts:
        total = total.merge(part)
    return total


def _figure(
    metric: str,
    total: Accumulator[Any],
    own: Mapping[str, Mapping[str, Accumulator[Any]]],
    team_values: Mapping[tuple[str, str], Fraction],
) -> MetricFigure:
    """A shown metric: the agent's value and what the team would score on the agent's mix."""
    n, value, interval = _read(total)
    median, p90 = _quantiles(total)
    weighted = Fraction(0)
    for stratum in sorted(own):
        n_s = _sample(own[stratum][metric])
        if n_s:
            weighted += n_s * team_values[(stratum, metric)]
    return MetricFigure(
        metric=metric,
        n=n,
        value=value,
        unit="seconds" if metric.endswith("_time") else "share",
        interval=interval,
        expected=weighted / n,
        direction=_DIRECTIONS[metric],
        median=median,
        p90=p90,
    )
