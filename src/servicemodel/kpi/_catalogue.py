"""The KPI catalogue: one accumulator per KPI, each with named variants and a documented default.

>>> from servicemodel.kpi import Csat, CsatVariant
>>> acc = Csat.empty(variant=CsatVariant.GOOD_OVER_GOOD_AND_BAD)
>>> for score in (5, 4, 3, 2):
...     acc.add(score)
>>> acc.result().value
Fraction(2, 3)
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Self, final

import attrs
import pendulum

from .._time import aware, duration_micros, to_duration, to_micros
from .._validators import enum_member, non_empty_str
from ..customers import Customer
from ..exceptions import EmptySampleError, ValidationError
from ..feedback import CesResponse, CsatResponse, NpsResponse, Review
from ..interactions import (
    Channel,
    Interaction,
    Kind,
    Message,
    Role,
    SatisfactionResponse,
    Status,
    StatusChange,
    Visibility,
)
from ._accumulators import Accumulator, cell_counts
from ._column_readers import NAT, duration_column, int_column, micros_column, text_column
from ._duration_accumulator import DurationAccumulator
from ._duration_state import DurationState
from ._duration_stats import DurationStats
from ._names import KpiName
from ._sla import SlaCompliance
from ._stats import (
    Count,
    Mean,
    Net,
    Rate,
    Ratio,
    nps_figures,
    nps_score,
    rate_figures,
    wilson_interval,
)

__all__ = [
    "Abandonment",
    "AcquisitionToFirstContact",
    "AgentTime",
    "Aht",
    "Asa",
    "Backlog",
    "Ces",
    "CesEasy",
    "CesNetEasy",
    "ChannelMix",
    "Churn",
    "ComplaintThemes",
    "ContactRate",
    "ContactsPerCustomer",
    "Csat",
    "CsatMean",
    "CsatVariant",
    "DeflectionVariant",
    "Fcr",
    "FcrVariant",
    "FirstReplyTime",
    "HandleTime",
    "Mix",
    "NextReplyTime",
    "Nps",
    "Occupancy",
    "QueueOutcome",
    "ReopenRate",
    "RepeatContactRate",
    "RepeatVariant",
    "ResolutionTime",
    "ResolutionVariant",
    "Retention",
    "ReviewRatio",
    "SelfServiceDeflection",
    "ServiceLevel",
    "ServiceLevelFormula",
    "ThemeVariant",
    "Utilisation",
    "UtilisationVariant",
    "catalogue",
    "interaction_columns",
    "service_level_rate",
]

_ENDED = (Status.SOLVED, Status.CLOSED)
_TWENTY_SECONDS = pendulum.duration(seconds=20)
_SEVEN_DAYS = pendulum.duration(days=7)


def _counts(state: Any, keys: tuple[str, ...]) -> list[int]:
    """The named non-negative integer counts of a JSON state, or a ValidationError."""
    values = [state.get(k) for k in keys] if isinstance(state, Mapping) else [None]
    checked: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                f"'state' must hold the counts {list(keys)} (got {state!r:.80})",
                field="state",
                value=state,
            )
        checked.append(value)
    return checked


def _window(value: object, field: str = "window") -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        micros = value
    else:
        micros = duration_micros(to_duration(value, field=field, allow_zero=True))
    if micros < 0:
        raise ValidationError(
            f"'{field}' must not be negative (got {value!r})", field=field, value=value
        )
    return micros


def _instant(value: object, field: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return to_micros(aware(value, field=field))


# =========================================================================== scores


class _Histogram(Accumulator[Any]):
    """Counts per integer score on a closed scale."""

    low: int = 1
    high: int = 5
    column: str = "csat"
    __slots__ = ("_counts",)

    def __init__(self) -> None:
        super().__init__()
        self._counts = [0] * (self.high - self.low + 1)

    def _score(self, item: Any) -> int | None:
        if isinstance(item, int):
            return item
        return int(item.score)

    def _add(self, item: Any) -> None:
        score = self._score(item)
        if score is None:
            return
        if not self.low <= score <= self.high:
            raise ValidationError(
                f"'score' must be between {self.low} and {self.high} (got {score})",
                field="score",
                value=score,
            )
        self._counts[score - self.low] += 1

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        import numpy as np

        values, present = int_column(columns, self.column, self.low, self.high)
        counts = np.bincount(values[present] - self.low, minlength=len(self._counts))
        for i, c in enumerate(counts.tolist()):
            self._counts[i] += c

    def _batch_cells(self, columns: Mapping[str, Any], cells: Any, count: int) -> list[Self]:
        import numpy as np

        values, present = int_column(columns, self.column, self.low, self.high)
        width = len(self._counts)
        table = np.bincount(
            cells[present] * width + (values[present] - self.low), minlength=count * width
        )
        made = []
        for counts in table.reshape(count, width).tolist():
            acc = self._bare()
            acc._counts = counts
            made.append(acc)
        return made

    def _absorb(self, other: Self) -> None:
        for i, c in enumerate(other._counts):
            self._counts[i] += c

    def _state_json(self) -> Any:
        return {"counts": list(self._counts)}

    def _load_state(self, state: Any) -> None:
        counts = state.get("counts") if isinstance(state, Mapping) else None
        if (
            not isinstance(counts, list)
            or len(counts) != len(self._counts)
            or any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in counts)
        ):
            raise ValidationError(
                f"'state' must hold {len(self._counts)} non-negative counts (got {state!r:.80})",
                field="state",
                value=state,
            )
        self._counts = list(counts)

    def _count(self, low: int, high: int) -> int:
        return sum(self._counts[low - self.low : high - self.low + 1])

    def _total(self) -> int:
        return sum(self._counts)

    def _mean(self) -> Mean:
        if self._total() == 0:
            raise EmptySampleError(f"{self.name} needs at least one response (got 0)")
        return Mean.of_counts({self.low + i: c for i, c in enumerate(self._counts) if c})


class CsatVariant(enum.Enum):
    """Which CSAT share: 4-5 of all (default), 5 of all, or 4-5 over 4-5 and 1-2.

    >>> CsatVariant.TOP_TWO_BOX.value
    'top_two_box'
    """

    TOP_TWO_BOX = "top_two_box"
    TOP_BOX = "top_box"
    GOOD_OVER_GOOD_AND_BAD = "good_over_good_and_bad"


class _CsatScores(_Histogram):
    low, high, column = 1, 5, "csat"
    item_types = (int, CsatResponse, SatisfactionResponse, Interaction)
    columns = ("csat",)
    __slots__ = ()

    def _score(self, item: Any) -> int | None:
        if isinstance(item, Interaction):
            return item.satisfaction()
        return super()._score(item)


@final
class Csat(_CsatScores):
    """CSAT: the share of satisfied responses on the 1-5 scale.

    Variants (``variant=``): ``top_two_box`` (default, 4-5 over all
    responses), ``top_box`` (5 over all), ``good_over_good_and_bad`` (4-5 over
    4-5 and 1-2, neutral 3 left out: Zendesk's good / (good + bad)). Items:
    scores, :class:`~servicemodel.CsatResponse`, satisfaction responses, or
    interactions (their latest rating; unrated ones are skipped). Column:
    ``csat``.

    >>> acc = Csat.empty()
    >>> acc.add_many([5, 4, 3, 1])
    >>> acc.result().value
    Fraction(1, 2)
    """

    kpi = KpiName.CSAT
    __slots__ = ("_variant",)

    def __init__(self, *, variant: CsatVariant | str = CsatVariant.TOP_TWO_BOX) -> None:
        super().__init__()
        self._variant = enum_member(CsatVariant, variant, field="variant")

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value}

    def result(self) -> Rate:
        """The share as a :class:`Rate` with its Wilson interval.

        >>> Csat.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: csat needs at least one response (got 0)
        """
        return wilson_interval(*self._kn())

    def _figures(self) -> Any:
        return rate_figures(*self._kn())

    def _kn(self) -> tuple[int, int]:
        n = self._total()
        if self._variant is CsatVariant.TOP_BOX:
            k = self._count(5, 5)
        else:
            k = self._count(4, 5)
            if self._variant is CsatVariant.GOOD_OVER_GOOD_AND_BAD:
                n = k + self._count(1, 2)
        if n == 0:
            raise EmptySampleError(f"{self.name} needs at least one response (got 0)")
        return k, n


@final
class CsatMean(_CsatScores):
    """The mean CSAT rating on 1-5, exact, with a normal-approximation interval.

    >>> acc = CsatMean.empty(); acc.add_many([5, 4, 3])
    >>> acc.result().value
    Fraction(4, 1)
    """

    kpi = KpiName.CSAT_MEAN
    __slots__ = ()

    def result(self) -> Mean:
        """The mean rating.

        >>> CsatMean.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: csat_mean needs at least one response (got 0)
        """
        return self._mean()


@final
class Nps(_Histogram):
    """NPS: 100 x (promoters 9-10 - detractors 0-6) / responses, in [-100, 100].

    The interval is adjusted-Wald (3 added to n, 3/4 to promoters and to
    detractors), clamped to [-100, 100]. Items: scores 0-10 or
    :class:`~servicemodel.NpsResponse`. Column: ``nps``.

    >>> acc = Nps.empty(); acc.add_many([10, 9, 9, 8, 7, 0])
    >>> acc.result().value, acc.result().variance
    (Fraction(100, 3), Fraction(5, 9))
    """

    kpi = KpiName.NPS
    low, high, column = 0, 10, "nps"
    item_types = (int, NpsResponse)
    columns = ("nps",)
    __slots__ = ()

    def result(self) -> Net:
        """The NPS with its adjusted-Wald interval.

        >>> Nps.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: NPS needs at least one response (got 0)
        """
        return nps_score(
            promoters=self._count(9, 10), passives=self._count(7, 8), detractors=self._count(0, 6)
        )

    def _figures(self) -> Any:
        return nps_figures(self._count(9, 10), self._count(7, 8), self._count(0, 6))


class _CesScores(_Histogram):
    low, high, column = 1, 7, "ces"
    item_types = (int, CesResponse)
    columns = ("ces",)
    __slots__ = ()


@final
class Ces(_CesScores):
    """CES 2.0 (1-7 agreement that it was easy): the mean score.

    Variants as their own KPIs: :class:`CesEasy` (share 5-7) and
    :class:`CesNetEasy` (%5-7 minus %1-3). Column: ``ces``.

    >>> acc = Ces.empty(); acc.add_many([7, 5, 3])
    >>> acc.result().value
    Fraction(5, 1)
    """

    kpi = KpiName.CES
    __slots__ = ()

    def result(self) -> Mean:
        """The mean effort score.

        >>> Ces.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: ces needs at least one response (got 0)
        """
        return self._mean()


@final
class CesEasy(_CesScores):
    """CES: the share of responses 5-7 (agreeing it was easy), with a Wilson interval.

    >>> acc = CesEasy.empty(); acc.add_many([7, 5, 3, 4])
    >>> acc.result().value
    Fraction(1, 2)
    """

    kpi = KpiName.CES_EASY
    __slots__ = ()

    def result(self) -> Rate:
        """The share easy.

        >>> CesEasy.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: a rate needs at least one trial (got n = 0)
        """
        return wilson_interval(self._count(5, 7), self._total())


@final
class CesNetEasy(_CesScores):
    """CES net easy: 100 x (share 5-7 - share 1-3), in points, NPS-style interval.

    >>> acc = CesNetEasy.empty(); acc.add_many([7, 6, 4, 1])
    >>> acc.result().value
    Fraction(25, 1)
    """

    kpi = KpiName.CES_NET_EASY
    __slots__ = ()

    def result(self) -> Net:
        """The net easy score.

        >>> CesNetEasy.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: NPS needs at least one response (got 0)
        """
        return nps_score(
            promoters=self._count(5, 7), passives=self._count(4, 4), detractors=self._count(1, 3)
        )


@final
class ReviewRatio(_Histogram):
    """Positive to negative reviews: 4-5 stars over 1-2 stars (3 stars left out).

    Undefined with no negative reviews (raises EmptySampleError). Items:
    stars 1-5 or :class:`~servicemodel.Review`. Column: ``stars``.

    >>> acc = ReviewRatio.empty(); acc.add_many([5, 5, 4, 3, 1])
    >>> acc.result().value
    Fraction(3, 1)
    """

    kpi = KpiName.REVIEW_RATIO
    low, high, column = 1, 5, "stars"
    item_types = (int, Review)
    columns = ("stars",)
    __slots__ = ()

    def _score(self, item: Any) -> int | None:
        return item if isinstance(item, int) else int(item.stars)

    def result(self) -> Ratio:
        """The ratio; raises EmptySampleError without a negative review.

        >>> acc = ReviewRatio.empty(); acc.add(5); acc.result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: review_ratio needs at least one negative (1-2 star) review (got 0)
        """
        negative = self._count(1, 2)
        if negative == 0:
            raise EmptySampleError(
                f"{self.name} needs at least one negative (1-2 star) review (got 0)"
            )
        return Ratio(numerator=self._count(4, 5), denominator=negative)


# ======================================================================== durations


def _first_reply_micros(item: Interaction) -> int | None:
    reply = item.first_reply_at()
    return None if reply is None else to_micros(reply)


@final
class FirstReplyTime(DurationAccumulator):
    """Creation to the first public human agent reply (bots and private notes do not count).

    Durations are in calendar time, or in business time with ``calendar=``.
    The summary gives count, mean, median and ``percentiles`` under the named
    quantile ``method``; unanswered interactions are skipped. Columns:
    ``created_at``, ``first_reply_at``.

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t,
    ...                 events=[Message(at=t.add(minutes=30), author="agent")])
    >>> acc = FirstReplyTime.empty(); acc.add(i); acc.result().median
    Duration(minutes=30)
    """

    kpi = KpiName.FIRST_REPLY_TIME
    item_types = (Interaction,)
    columns = ("created_at", "first_reply_at")
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        end = _first_reply_micros(item)
        if end is not None:
            self._add_micros(self._elapsed(to_micros(item.created_at), end))

    def _batch_values(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        return _span_values(self, columns, "created_at", "first_reply_at")


def _span_values(
    acc: DurationAccumulator, columns: Mapping[str, Any], a: str, b: str
) -> tuple[Any, Any]:
    """Elapsed time from column *a* to column *b* over the rows that have both."""
    import numpy as np

    starts = micros_column(columns, a)
    ends = micros_column(columns, b)
    ok = (starts != NAT) & (ends != NAT)
    starts, ends = starts[ok], ends[ok]
    if acc._calendar is None:
        values = ends - starts
    else:
        values = acc._elapsed_many(starts.view("datetime64[us]"), ends.view("datetime64[us]"))
    return np.asarray(values, dtype=np.int64), ok


@final
class NextReplyTime(DurationAccumulator):
    """From the oldest unanswered public customer message to the next public agent reply.

    Counted after the first reply (which :class:`FirstReplyTime` measures), so
    one interaction can give several next-reply times. Needs event logs (no
    batch path).

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     Message(at=t, author="customer"), Message(at=t.add(minutes=5), author="agent"),
    ...     Message(at=t.add(minutes=10), author="customer"),
    ...     Message(at=t.add(minutes=12), author="customer"),
    ...     Message(at=t.add(minutes=40), author="agent")])
    >>> acc = NextReplyTime.empty(); acc.add(i); acc.result().median
    Duration(minutes=30)
    """

    kpi = KpiName.NEXT_REPLY_TIME
    item_types = (Interaction,)
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        replied = False
        waiting: int | None = None
        spans: list[int] = []
        for event in item.events:
            if not isinstance(event, Message) or event.visibility is not Visibility.PUBLIC:
                continue
            if event.author is Role.AGENT:
                if replied and waiting is not None:
                    spans.append(self._elapsed(waiting, to_micros(event.at)))
                replied, waiting = True, None
            elif event.author is Role.CUSTOMER and replied and waiting is None:
                waiting = to_micros(event.at)
        for span in spans:
            self._add_micros(span)


class ResolutionVariant(enum.Enum):
    """Which solve ends resolution time: the last (full resolution, default) or the first.

    >>> ResolutionVariant.FULL.value
    'full'
    """

    FULL = "full"
    FIRST = "first"


@final
class ResolutionTime(DurationAccumulator):
    """Creation to solved: the last solve (``full``, default) or the first (``first``).

    Unsolved interactions are skipped. Columns: ``created_at`` and
    ``last_solved_at`` (full) or ``first_solved_at`` (first).

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     StatusChange(at=t.add(hours=1), status="solved"),
    ...     StatusChange(at=t.add(hours=2), status="open"),
    ...     StatusChange(at=t.add(hours=5), status="solved")])
    >>> ResolutionTime.summarise_items([i]).median, ResolutionTime.summarise_items(
    ...     [i], variant="first").median
    (Duration(hours=5), Duration(hours=1))
    """

    kpi = KpiName.RESOLUTION_TIME
    item_types = (Interaction,)
    __slots__ = ("_variant",)

    def __init__(
        self, *, variant: ResolutionVariant | str = ResolutionVariant.FULL, **options: Any
    ) -> None:
        super().__init__(**options)
        self._variant = enum_member(ResolutionVariant, variant, field="variant")

    @property
    def columns(self) -> tuple[str, ...]:  # type: ignore[override]
        """The columns the batch path reads for this variant.

        >>> ResolutionTime.empty(variant="first").columns
        ('created_at', 'first_solved_at')
        """
        end = "last_solved_at" if self._variant is ResolutionVariant.FULL else "first_solved_at"
        return ("created_at", end)

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value, **super().options()}

    def _native_options(self) -> dict[str, Any]:
        return {**super()._native_options(), "variant": self._variant}

    def _add(self, item: Interaction) -> None:
        solved = (
            item.last_solved_at()
            if self._variant is ResolutionVariant.FULL
            else item.first_solved_at()
        )
        if solved is not None:
            self._add_micros(self._elapsed(to_micros(item.created_at), to_micros(solved)))

    def _batch_values(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        return _span_values(self, columns, *self.columns)

    @classmethod
    def summarise_items(cls, items: Iterable[Interaction], **options: Any) -> DurationStats:
        """Summarise resolution times of some interactions (documentation helper).

        >>> ResolutionTime.summarise_items([])
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: resolution_time needs at least one observation (got 0)
        """
        acc = cls.empty(**options)
        acc.add_many(items)
        return acc.result()


def _handle_micros(item: Interaction) -> int | None:
    tracked = False
    total = 0
    for event in item.events:
        if isinstance(event, Message) and event.author is Role.AGENT and event.work is not None:
            tracked = True
            total += duration_micros(event.work)
    return total if tracked else None


class _HandleTimeBase(DurationAccumulator):
    item_types = (Interaction,)
    columns = ("handle_time",)
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        value = _handle_micros(item)
        if value is not None:
            self._add_micros(value)

    def _batch_values(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        values = duration_column(columns, "handle_time")
        tracked = values != NAT
        return values[tracked], tracked


@final
class HandleTime(_HandleTimeBase):
    """The agents' recorded effort per interaction (sum of agent messages' ``work``).

    Interactions with no tracked work are skipped (not counted as zero).
    Column: ``handle_time`` (timedelta, NaT when untracked).

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="phone", created_at=t,
    ...     events=[Message(at=t, author="agent", work=pendulum.duration(minutes=6))])
    >>> acc = HandleTime.empty(); acc.add(i); acc.result().mean
    Duration(minutes=6)
    """

    kpi = KpiName.HANDLE_TIME
    __slots__ = ()


@final
class Aht(_HandleTimeBase):
    """AHT, average handle time: the ``mean`` of :class:`HandleTime` (same state, own name).

    >>> acc = Aht.empty(); acc.add_duration(pendulum.duration(minutes=4))
    >>> acc.add_duration(pendulum.duration(minutes=6)); acc.result().mean
    Duration(minutes=5)
    """

    kpi = KpiName.AHT
    __slots__ = ()


# ============================================================ queue: SL, ASA, abandons


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
    >>> QueueOutcome(waited=pendulum.duration(seconds=12), answered=True).waited_micros()
    12000000
    """

    waited: pendulum.Duration = attrs.field(converter=_waited)
    answered: bool = attrs.field(validator=attrs.validators.instance_of(bool))

    def waited_micros(self) -> int:
        """The wait in microseconds.

        >>> import pendulum
        >>> QueueOutcome(waited=pendulum.duration(), answered=False).waited_micros()
        0
        """
        return duration_micros(self.waited)


def _queue(item: Interaction | QueueOutcome) -> tuple[int, bool] | None:
    if isinstance(item, QueueOutcome):
        return item.waited_micros(), item.answered
    created = to_micros(item.created_at)
    for event in item.events:
        if isinstance(event, Message) and event.is_public_agent_reply():
            return to_micros(event.at) - created, True
        if isinstance(event, StatusChange) and event.status in _ENDED:
            return to_micros(event.at) - created, False
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
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                f"'{name}' must be a non-negative integer (got {value!r})", field=name, value=value
            )
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
        self._threshold = _window(threshold, "threshold")
        self._short = None if short_abandon is None else _window(short_abandon, "short_abandon")
        self._counts = dict.fromkeys(_SL_FIELDS, 0)

    def options(self) -> dict[str, Any]:
        return {"threshold": self._threshold, "short_abandon": self._short}

    def _add(self, item: Any) -> None:
        outcome = _queue(item)
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
            or any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in state.values())
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
        outcome = _queue(item)
        if outcome is not None and outcome[1]:
            self._add_micros(outcome[0])

    def _batch_values(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        import numpy as np

        wait, answered = queue_columns(columns)
        rows = np.flatnonzero(duration_column(columns, "wait") != NAT)[answered]
        return wait[answered], rows


# ====================================================================== resolution


class FcrVariant(enum.Enum):
    """How first-contact resolution is judged, among solved interactions.

    - ``one_touch`` (default): at most one public agent reply (Zendesk counts
      solved with zero replies too).
    - ``no_customer_follow_up``: no public customer message after the first
      agent reply and before the first solve, and never reopened.
    - ``no_repeat_within_window``: no other interaction from the same customer
      created after this one and up to ``window`` after its first solve.

    >>> FcrVariant.ONE_TOUCH.value
    'one_touch'
    """

    ONE_TOUCH = "one_touch"
    NO_CUSTOMER_FOLLOW_UP = "no_customer_follow_up"
    NO_REPEAT_WITHIN_WINDOW = "no_repeat_within_window"


def customer_follow_ups(item: Interaction) -> int:
    """Public customer messages after the first public agent reply and before the first solve."""
    replied = False
    count = 0
    for event in item.events:
        if isinstance(event, StatusChange) and event.status is Status.SOLVED:
            break
        if isinstance(event, Message) and event.visibility is Visibility.PUBLIC:
            if event.author is Role.AGENT:
                replied = True
            elif event.author is Role.CUSTOMER and replied:
                count += 1
    return count


class _KN(Accumulator[Rate]):
    """Integer successes k out of n."""

    __slots__ = ("_k", "_n")

    def __init__(self) -> None:
        super().__init__()
        self._k = 0
        self._n = 0

    def _absorb(self, other: Self) -> None:
        self._k += other._k
        self._n += other._n

    def _state_json(self) -> Any:
        return {"k": self._k, "n": self._n}

    def _load_state(self, state: Any) -> None:
        k, n = _counts(state, ("k", "n"))
        if k > n:
            raise ValidationError(
                f"'state' must hold counts k <= n (got {state!r:.80})", field="state", value=state
            )
        self._k, self._n = k, n

    def _tally(self, success: bool) -> None:
        self._n += 1
        self._k += success

    def _trials(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:  # pragma: no cover
        """(mask of the rows that are trials, mask of the trials that succeed)."""
        raise NotImplementedError

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        trial, success = self._trials(columns)
        self._n += int(trial.sum())
        self._k += int(success.sum())

    def _batch_cells(self, columns: Mapping[str, Any], cells: Any, count: int) -> list[Self]:
        trial, success = self._trials(columns)
        made = []
        for k, n in _kn_cells(cells, trial, success, count):
            acc = self._bare()
            acc._k, acc._n = k, n
            made.append(acc)
        return made

    def result(self) -> Rate:
        """The rate k/n with its 95% Wilson interval.

        Raises:
            EmptySampleError: no trial has been counted yet.

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> t = pendulum.datetime(2024, 6, 10)
        >>> acc = SelfServiceDeflection.empty()
        >>> acc.add(Interaction(id="A", customer_id="C", channel="self_service", created_at=t))
        >>> rate = acc.result()
        >>> rate.value, rate.n, rate.interval.low < rate.interval.high == 1
        (Fraction(1, 1), 1, True)
        """
        if self._n == 0:
            raise EmptySampleError(f"{self.name} needs at least one observation (got 0)")
        return wilson_interval(self._k, self._n)


def _kn_cells(cells: Any, trial: Any, success: Any, count: int) -> Iterable[tuple[int, int]]:
    """(successes, trials) per cell; *success* is a subset of *trial*."""
    return zip(cell_counts(cells, success, count), cell_counts(cells, trial, count), strict=True)


class _Rows(Accumulator[Any]):
    """An exact multiset of small integer/text tuples (kept sorted for JSON)."""

    __slots__ = ("_rows",)

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[Any, ...]] = []

    def _absorb(self, other: Self) -> None:
        self._rows.extend(other._rows)

    def _state_json(self) -> Any:
        return {"rows": [list(r) for r in sorted(self._rows, key=_row_key)]}

    def _load_state(self, state: Any) -> None:
        rows = state.get("rows") if isinstance(state, Mapping) else None
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ValidationError(
                f"'state' must hold a list of rows (got {state!r:.80})", field="state", value=state
            )
        self._rows = [tuple(r) for r in rows]

    def _by_customer(self) -> dict[str, list[tuple[Any, ...]]]:
        groups: dict[str, list[tuple[Any, ...]]] = {}
        for row in sorted(self._rows, key=_row_key):
            groups.setdefault(row[0], []).append(row)
        return groups


def _row_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((x is None, x) for x in row)


@final
class Fcr(Accumulator[Rate]):
    """First-contact resolution among solved interactions, under a named :class:`FcrVariant`.

    ``window`` (default 7 days) applies to ``no_repeat_within_window``.
    Columns: ``first_solved_at`` and ``agent_replies`` (one touch);
    ``first_solved_at``, ``customer_follow_ups`` and ``reopens`` (no
    follow-up); ``customer_id``, ``created_at``, ``first_solved_at`` (no
    repeat).

    >>> import pendulum
    >>> from servicemodel import Interaction, Message, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> def ticket(replies):
    ...     events = [Message(at=t.add(minutes=m), author="agent") for m in range(replies)]
    ...     return Interaction(id="T", customer_id="C", channel="email", created_at=t,
    ...         events=[*events, StatusChange(at=t.add(hours=1), status="solved")])
    >>> acc = Fcr.empty(); acc.add_many([ticket(0), ticket(1), ticket(2)])
    >>> acc.result().value
    Fraction(2, 3)
    """

    kpi = KpiName.FCR
    item_types = (Interaction,)
    __slots__ = ("_k", "_n", "_rows", "_variant", "_window")

    def __init__(
        self,
        *,
        variant: FcrVariant | str = FcrVariant.ONE_TOUCH,
        window: _dt.timedelta | int = _SEVEN_DAYS,
    ) -> None:
        super().__init__()
        self._variant = enum_member(FcrVariant, variant, field="variant")
        self._window = _window(window)
        self._k = 0
        self._n = 0
        self._rows: list[tuple[Any, ...]] = []

    @property
    def columns(self) -> tuple[str, ...]:  # type: ignore[override]
        """The columns the batch path reads for this variant.

        >>> Fcr.empty().columns
        ('first_solved_at', 'agent_replies')
        >>> Fcr.empty(variant="no_customer_follow_up").columns
        ('first_solved_at', 'customer_follow_ups', 'reopens')
        """
        if self._variant is FcrVariant.ONE_TOUCH:
            return ("first_solved_at", "agent_replies")
        if self._variant is FcrVariant.NO_CUSTOMER_FOLLOW_UP:
            return ("first_solved_at", "customer_follow_ups", "reopens")
        return ("customer_id", "created_at", "first_solved_at")

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value, "window": self._window}

    def _add(self, item: Interaction) -> None:
        solved = item.first_solved_at()
        if self._variant is FcrVariant.NO_REPEAT_WITHIN_WINDOW:
            self._rows.append(
                (
                    item.customer_id,
                    to_micros(item.created_at),
                    None if solved is None else to_micros(solved),
                )
            )
            return
        if solved is None:
            return
        if self._variant is FcrVariant.ONE_TOUCH:
            success = item.agent_reply_count() <= 1
        else:
            success = customer_follow_ups(item) == 0 and item.reopen_count() == 0
        self._n += 1
        self._k += success

    def _trials(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        """(solved rows, solved rows judged resolved at first contact) for the count variants."""
        solved = micros_column(columns, "first_solved_at") != NAT
        if self._variant is FcrVariant.ONE_TOUCH:
            replies, _ = int_column(columns, "agent_replies", 0, 2**62)
            return solved, solved & (replies <= 1)
        follow, _ = int_column(columns, "customer_follow_ups", 0, 2**62)
        reopens, _ = int_column(columns, "reopens", 0, 2**62)
        return solved, solved & (follow == 0) & (reopens == 0)

    def _batch_cells(self, columns: Mapping[str, Any], cells: Any, count: int) -> list[Fcr]:
        if self._variant is FcrVariant.NO_REPEAT_WITHIN_WINDOW:
            return super()._batch_cells(columns, cells, count)
        trial, success = self._trials(columns)
        made = []
        for k, n in _kn_cells(cells, trial, success, count):
            acc = self._bare()
            acc._k, acc._n, acc._rows = k, n, []
            made.append(acc)
        return made

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        if self._variant is not FcrVariant.NO_REPEAT_WITHIN_WINDOW:
            trial, success = self._trials(columns)
            self._n += int(trial.sum())
            self._k += int(success.sum())
            return
        customers = text_column(columns, "customer_id")
        created = micros_column(columns, "created_at")
        solved_at = micros_column(columns, "first_solved_at")
        self._rows.extend(
            (c, int(a), None if s == NAT else int(s))
            for c, a, s in zip(
                customers.tolist(), created.tolist(), solved_at.tolist(), strict=True
            )
        )

    def _absorb(self, other: Self) -> None:
        self._k += other._k
        self._n += other._n
        self._rows.extend(other._rows)

    def _state_json(self) -> Any:
        if self._variant is FcrVariant.NO_REPEAT_WITHIN_WINDOW:
            return {"rows": [list(r) for r in sorted(self._rows, key=_row_key)]}
        return {"k": self._k, "n": self._n}

    def _load_state(self, state: Any) -> None:
        if self._variant is FcrVariant.NO_REPEAT_WITHIN_WINDOW:
            rows = state.get("rows") if isinstance(state, Mapping) else None
            if not isinstance(rows, list) or not all(
                isinstance(r, list) and len(r) == 3 for r in rows
            ):
                raise ValidationError(
                    f"'state' must hold [customer, created, solved] rows (got {state!r:.80})",
                    field="state",
                    value=state,
                )
            self._rows = [tuple(r) for r in rows]
            return
        k, n = _counts(state, ("k", "n"))
        if k > n:
            raise ValidationError(
                f"'state' must hold counts k <= n (got {state!r:.80})", field="state", value=state
            )
        self._k, self._n = k, n

    def result(self) -> Rate:
        """The FCR rate among solved interactions.

        >>> Fcr.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: fcr needs at least one solved interaction (got 0)
        """
        return wilson_interval(*self._kn())

    def _figures(self) -> Any:
        return rate_figures(*self._kn())

    def _kn(self) -> tuple[int, int]:
        k, n = self._k, self._n
        if self._variant is FcrVariant.NO_REPEAT_WITHIN_WINDOW:
            k = n = 0
            groups: dict[Any, list[tuple[Any, ...]]] = {}
            for row in self._rows:
                groups.setdefault(row[0], []).append(row)
            for rows in groups.values():
                created = sorted(r[1] for r in rows)
                for _, start, solved in rows:
                    if solved is None:
                        continue
                    n += 1
                    import bisect

                    after = bisect.bisect_right(created, start)
                    until = bisect.bisect_right(created, solved + self._window)
                    k += after >= until
        if n == 0:
            raise EmptySampleError(f"{self.name} needs at least one solved interaction (got 0)")
        return k, n


@final
class ReopenRate(_KN):
    """The share of solved interactions that were reopened at least once.

    Columns: ``first_solved_at``, ``reopens``.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     StatusChange(at=t.add(hours=1), status="solved"),
    ...     StatusChange(at=t.add(hours=2), status="open")])
    >>> acc = ReopenRate.empty(); acc.add(i); acc.result().value
    Fraction(1, 1)
    """

    kpi = KpiName.REOPEN_RATE
    item_types = (Interaction,)
    columns = ("first_solved_at", "reopens")
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        if item.first_solved_at() is not None:
            self._tally(item.reopen_count() > 0)

    def _trials(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        solved = micros_column(columns, "first_solved_at") != NAT
        reopens, _ = int_column(columns, "reopens", 0, 2**62)
        return solved, solved & (reopens > 0)


class DeflectionVariant(enum.Enum):
    """Self-service deflection: among self-service contacts (default) or among all contacts.

    >>> DeflectionVariant.AMONG_SELF_SERVICE.value
    'among_self_service'
    """

    AMONG_SELF_SERVICE = "among_self_service"
    AMONG_ALL_CONTACTS = "among_all_contacts"


@final
class SelfServiceDeflection(_KN):
    """Self-service contacts that never needed a human agent reply.

    ``among_self_service`` (default): over self-service contacts;
    ``among_all_contacts``: over all contacts. Columns: ``channel``,
    ``agent_replies``.

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> bot = Interaction(id="A", customer_id="C", channel="self_service", created_at=t)
    >>> mail = Interaction(id="B", customer_id="C", channel="email", created_at=t,
    ...                    events=[Message(at=t, author="agent")])
    >>> acc = SelfServiceDeflection.empty(variant="among_all_contacts"); acc.add_many([bot, mail])
    >>> acc.result().value
    Fraction(1, 2)
    """

    kpi = KpiName.SELF_SERVICE_DEFLECTION
    item_types = (Interaction,)
    columns = ("channel", "agent_replies")
    __slots__ = ("_variant",)

    def __init__(
        self, *, variant: DeflectionVariant | str = DeflectionVariant.AMONG_SELF_SERVICE
    ) -> None:
        super().__init__()
        self._variant = enum_member(DeflectionVariant, variant, field="variant")

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value}

    def _add(self, item: Interaction) -> None:
        selfish = item.channel is Channel.SELF_SERVICE
        if selfish or self._variant is DeflectionVariant.AMONG_ALL_CONTACTS:
            self._tally(selfish and item.agent_reply_count() == 0)

    def _trials(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        import numpy as np

        channel = text_column(columns, "channel")
        replies, _ = int_column(columns, "agent_replies", 0, 2**62)
        selfish = np.asarray(channel == Channel.SELF_SERVICE.value, dtype=bool)
        base = (
            selfish
            if self._variant is DeflectionVariant.AMONG_SELF_SERVICE
            else np.ones_like(selfish)
        )
        return base, selfish & (replies == 0)


# ======================================================================= contacts


class RepeatVariant(enum.Enum):
    """Repeat contact: contacts followed by another within a window (default), or customers.

    >>> RepeatVariant.CUSTOMERS_WITH_REPEATS.value
    'customers_with_repeats'
    """

    CONTACTS_WITHIN_WINDOW = "contacts_within_window"
    CUSTOMERS_WITH_REPEATS = "customers_with_repeats"


@final
class RepeatContactRate(_Rows):
    """Repeat contacts, exactly, from each customer's contact times.

    ``contacts_within_window`` (default): the share of contacts followed by
    another contact from the same customer within ``window`` (default 7
    days). ``customers_with_repeats``: the share of contacting customers with
    two or more contacts. Columns: ``customer_id``, ``created_at``.

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> items = [Interaction(id=str(d), customer_id=c, channel="email", created_at=t.add(days=d))
    ...          for c, d in (("A", 0), ("A", 2), ("B", 0), ("A", 30))]
    >>> acc = RepeatContactRate.empty(); acc.add_many(items); acc.result().value
    Fraction(1, 4)
    """

    kpi = KpiName.REPEAT_CONTACT_RATE
    item_types = (Interaction,)
    columns = ("customer_id", "created_at")
    __slots__ = ("_variant", "_window")

    def __init__(
        self,
        *,
        variant: RepeatVariant | str = RepeatVariant.CONTACTS_WITHIN_WINDOW,
        window: _dt.timedelta | int = _SEVEN_DAYS,
    ) -> None:
        super().__init__()
        self._variant = enum_member(RepeatVariant, variant, field="variant")
        self._window = _window(window)

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value, "window": self._window}

    def _add(self, item: Interaction) -> None:
        self._rows.append((item.customer_id, to_micros(item.created_at)))

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        customers = text_column(columns, "customer_id")
        created = micros_column(columns, "created_at")
        self._rows.extend(zip(customers.tolist(), created.tolist(), strict=True))

    def result(self) -> Rate:
        """The repeat-contact share.

        >>> RepeatContactRate.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: repeat_contact_rate needs at least one contact (got 0)
        """
        import bisect

        groups = self._by_customer()
        if not groups:
            raise EmptySampleError(f"{self.name} needs at least one contact (got 0)")
        if self._variant is RepeatVariant.CUSTOMERS_WITH_REPEATS:
            return wilson_interval(sum(len(r) > 1 for r in groups.values()), len(groups))
        k = n = 0
        for rows in groups.values():
            times = [r[1] for r in rows]
            for t in times:
                n += 1
                k += bisect.bisect_right(times, t + self._window) > bisect.bisect_right(times, t)
        return wilson_interval(k, n)


@final
class ContactsPerCustomer(Accumulator[Mean]):
    """Contacts per contacting customer: the exact mean of each customer's contact count.

    Column: ``customer_id``.

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> acc = ContactsPerCustomer.empty()
    >>> acc.add_many(Interaction(id=str(i), customer_id=c, channel="chat", created_at=t)
    ...              for i, c in enumerate("AAB"))
    >>> acc.result().value
    Fraction(3, 2)
    """

    kpi = KpiName.CONTACTS_PER_CUSTOMER
    item_types = (Interaction,)
    columns = ("customer_id",)
    __slots__ = ("_counts",)

    def __init__(self) -> None:
        super().__init__()
        self._counts: dict[str, int] = {}

    def _add(self, item: Interaction) -> None:
        self._counts[item.customer_id] = self._counts.get(item.customer_id, 0) + 1

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        import numpy as np

        customers = text_column(columns, "customer_id")
        customers = customers[customers != None]  # noqa: E711 - elementwise
        labels, counts = np.unique(customers.astype(str), return_counts=True)
        for label, count in zip(labels.tolist(), counts.tolist(), strict=True):
            self._counts[label] = self._counts.get(label, 0) + count

    def _absorb(self, other: Self) -> None:
        for key, count in other._counts.items():
            self._counts[key] = self._counts.get(key, 0) + count

    def _state_json(self) -> Any:
        return {"counts": [[k, self._counts[k]] for k in sorted(self._counts)]}

    def _load_state(self, state: Any) -> None:
        self._counts = _load_pairs(state)

    def result(self) -> Mean:
        """The mean contacts per customer.

        >>> ContactsPerCustomer.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: a mean needs at least one observation (got 0)
        """
        histogram: dict[int, int] = {}
        for count in self._counts.values():
            histogram[count] = histogram.get(count, 0) + 1
        return Mean.of_counts(histogram)


def _load_pairs(state: Any) -> dict[str, int]:
    pairs = state.get("counts") if isinstance(state, Mapping) else None
    if not isinstance(pairs, list) or not all(
        isinstance(p, list)
        and len(p) == 2
        and isinstance(p[0], str)
        and isinstance(p[1], int)
        and not isinstance(p[1], bool)
        and p[1] >= 0
        for p in pairs
    ):
        raise ValidationError(
            f"'state' must hold [label, count] pairs (got {state!r:.80})",
            field="state",
            value=state,
        )
    out: dict[str, int] = {}
    for label, count in pairs:
        out[label] = out.get(label, 0) + count
    return out


@final
class ContactRate(Accumulator[Ratio]):
    """Contacts per customer in the base: interactions over customers (as :class:`Customer`).

    Feed both the interactions and the customer base; the ratio is exact and
    may exceed 1.

    >>> import pendulum
    >>> from servicemodel import Customer, Interaction
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> acc = ContactRate.empty()
    >>> acc.add_many([Customer(id=c, acquired_at=t) for c in "ABCD"])
    >>> acc.add(Interaction(id="1", customer_id="A", channel="chat", created_at=t))
    >>> acc.result().value
    Fraction(1, 4)
    """

    kpi = KpiName.CONTACT_RATE
    item_types = (Interaction, Customer)
    __slots__ = ("_contacts", "_customers")

    def __init__(self) -> None:
        super().__init__()
        self._contacts = 0
        self._customers = 0

    def _add(self, item: Interaction | Customer) -> None:
        if isinstance(item, Customer):
            self._customers += 1
        else:
            self._contacts += 1

    def _absorb(self, other: Self) -> None:
        self._contacts += other._contacts
        self._customers += other._customers

    def _state_json(self) -> Any:
        return {"contacts": self._contacts, "customers": self._customers}

    def _load_state(self, state: Any) -> None:
        self._contacts, self._customers = _counts(state, ("contacts", "customers"))

    def result(self) -> Ratio:
        """Contacts / customers.

        >>> ContactRate.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: contact_rate needs at least one customer in the base (got 0)
        """
        if self._customers == 0:
            raise EmptySampleError(f"{self.name} needs at least one customer in the base (got 0)")
        return Ratio(numerator=self._contacts, denominator=self._customers)


@final
@attrs.frozen(kw_only=True)
class Mix:
    """Counts per label out of ``n`` items; each label's share is a Wilson :class:`Rate`.

    >>> m = Mix(counts=(("chat", 3), ("email", 1)), n=4)
    >>> m.share("chat").value, [label for label, _ in m.top(1)]
    (Fraction(3, 4), ['chat'])
    """

    counts: tuple[tuple[str, int], ...]
    n: int

    def share(self, label: str) -> Rate:
        """The share of items with *label* (0 when the label never occurred).

        >>> Mix(counts=(("chat", 3),), n=4).share("phone").value
        Fraction(0, 1)
        """
        return wilson_interval(dict(self.counts).get(label, 0), self.n)

    def top(self, k: int = 5) -> tuple[tuple[str, Rate], ...]:
        """The *k* most frequent labels with their shares (ties by label).

        >>> Mix(counts=(("b", 2), ("a", 2), ("c", 5)), n=9).top(2)[1][0]
        'a'
        """
        ranked = sorted(self.counts, key=lambda pair: (-pair[1], pair[0]))[:k]
        return tuple((label, wilson_interval(count, self.n)) for label, count in ranked)


class _Tally(Accumulator[Mix]):
    __slots__ = ("_counts", "_n")

    def __init__(self) -> None:
        super().__init__()
        self._counts: dict[str, int] = {}
        self._n = 0

    def _bump(self, label: str, by: int = 1) -> None:
        self._counts[label] = self._counts.get(label, 0) + by

    def _absorb(self, other: Self) -> None:
        self._n += other._n
        for key, count in other._counts.items():
            self._bump(key, count)

    def _state_json(self) -> Any:
        return {"n": self._n, "counts": [[k, self._counts[k]] for k in sorted(self._counts)]}

    def _load_state(self, state: Any) -> None:
        counts = _load_pairs(state)
        n = state.get("n")
        if isinstance(n, bool) or not isinstance(n, int) or any(c > n for c in counts.values()):
            raise ValidationError(
                f"'state' must hold n at least every count (got {state!r:.80})",
                field="state",
                value=state,
            )
        self._counts, self._n = counts, n

    def result(self) -> Mix:
        """The mix of labels: a count per label out of ``n`` items.

        Raises:
            EmptySampleError: no item has been counted yet.

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> t = pendulum.datetime(2024, 6, 10)
        >>> acc = ChannelMix.empty()
        >>> acc.add_many(Interaction(id=c, customer_id="C", channel=c, created_at=t)
        ...              for c in ["chat", "email"])
        >>> acc.result().counts, acc.result().n
        ((('chat', 1), ('email', 1)), 2)
        """
        if self._n == 0:
            raise EmptySampleError(f"{self.name} needs at least one item (got 0)")
        return Mix(counts=tuple(sorted(self._counts.items())), n=self._n)


@final
class ChannelMix(_Tally):
    """Which channels customers use: interactions per channel. Column: ``channel``.

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> acc = ChannelMix.empty()
    >>> acc.add_many(Interaction(id=str(i), customer_id="C", channel=c, created_at=t)
    ...              for i, c in enumerate(["chat", "chat", "email"]))
    >>> acc.result().share("chat").value
    Fraction(2, 3)
    """

    kpi = KpiName.CHANNEL_MIX
    item_types = (Interaction,)
    columns = ("channel",)
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        self._n += 1
        self._bump(item.channel.value)

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        import numpy as np

        labels = text_column(columns, "channel")
        known = {c.value for c in Channel}
        present = labels[labels != None]  # noqa: E711 - elementwise
        bad = [v for v in set(present.tolist()) if v not in known]
        if bad:
            raise ValidationError(
                f"'channel' must hold channel names (got {sorted(bad)[0]!r})",
                field="channel",
                value=sorted(bad)[0],
            )
        values, counts = np.unique(present.astype(str), return_counts=True)
        self._n += int(present.size)
        for label, count in zip(values.tolist(), counts.tolist(), strict=True):
            self._bump(label, count)


class ThemeVariant(enum.Enum):
    """Complaint themes by tag among complaints (default), or contacts by kind.

    >>> ThemeVariant.TAGS_OF_COMPLAINTS.value
    'tags_of_complaints'
    """

    TAGS_OF_COMPLAINTS = "tags_of_complaints"
    KINDS = "kinds"


@final
class ComplaintThemes(_Tally):
    """Top complaint themes: tag counts among complaints (or contact kinds), read with ``top()``.

    With ``tags_of_complaints`` each complaint counts once per tag and ``n``
    is the number of complaints, so a share is "complaints mentioning X".

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> acc = ComplaintThemes.empty()
    >>> acc.add_many([
    ...     Interaction(id="1", customer_id="C", channel="chat", kind="complaint", created_at=t,
    ...                 tags=["billing", "late"]),
    ...     Interaction(id="2", customer_id="C", channel="chat", kind="complaint", created_at=t,
    ...                 tags=["billing"]),
    ...     Interaction(id="3", customer_id="C", channel="chat", kind="enquiry", created_at=t,
    ...                 tags=["billing"])])
    >>> [(label, rate.value) for label, rate in acc.result().top(1)]
    [('billing', Fraction(1, 1))]
    """

    kpi = KpiName.COMPLAINT_THEMES
    item_types = (Interaction,)
    __slots__ = ("_variant",)

    def __init__(self, *, variant: ThemeVariant | str = ThemeVariant.TAGS_OF_COMPLAINTS) -> None:
        super().__init__()
        self._variant = enum_member(ThemeVariant, variant, field="variant")

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value}

    def _add(self, item: Interaction) -> None:
        if self._variant is ThemeVariant.KINDS:
            self._n += 1
            self._bump(item.kind.value)
        elif item.kind is Kind.COMPLAINT:
            self._n += 1
            for tag in item.tags:
                self._bump(tag)


# ====================================================================== customers


@final
class AcquisitionToFirstContact(DurationAccumulator):
    """Time from a customer's acquisition to their first contact.

    Feed customers (for ``acquired_at``) and interactions (the earliest
    ``created_at`` per customer wins). Customers whose first contact came
    before acquisition (pre-sales) and customers without contact are left
    out.

    >>> import pendulum
    >>> from servicemodel import Customer, Interaction
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> acc = AcquisitionToFirstContact.empty()
    >>> acc.add(Customer(id="A", acquired_at=t))
    >>> acc.add(Interaction(id="2", customer_id="A", channel="chat", created_at=t.add(days=9)))
    >>> acc.add(Interaction(id="1", customer_id="A", channel="chat", created_at=t.add(days=3)))
    >>> acc.result().median
    Duration(days=3)
    """

    kpi = KpiName.ACQUISITION_TO_FIRST_CONTACT
    item_types = (Customer, Interaction)
    __slots__ = ("_acquired", "_first")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._acquired: dict[str, int] = {}
        self._first: dict[str, int] = {}

    def _add(self, item: Customer | Interaction) -> None:
        if isinstance(item, Customer):
            key, value, book = item.id, to_micros(item.acquired_at), self._acquired
        else:
            key, value, book = item.customer_id, to_micros(item.created_at), self._first
        book[key] = min(book.get(key, value), value)

    def _absorb(self, other: Self) -> None:
        for mine, theirs in ((self._acquired, other._acquired), (self._first, other._first)):
            for key, value in theirs.items():
                mine[key] = min(mine.get(key, value), value)

    def _state_json(self) -> Any:
        return {
            "acquired": [[k, self._acquired[k]] for k in sorted(self._acquired)],
            "first": [[k, self._first[k]] for k in sorted(self._first)],
        }

    def _load_state(self, state: Any) -> None:
        try:
            acquired = {str(k): int(v) for k, v in state["acquired"]}
            first = {str(k): int(v) for k, v in state["first"]}
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                f"'state' must hold acquired and first pairs (got {state!r:.80})",
                field="state",
                value=state,
            ) from None
        self._acquired, self._first = acquired, first

    def result(self) -> DurationStats:
        """The summary of acquisition-to-first-contact times.

        >>> AcquisitionToFirstContact.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: acquisition_to_first_contact needs at least one observation (got 0)
        """
        return super().result()

    def _summary_state(self) -> DurationState:
        state = DurationState(alpha=self._state.alpha, exact_limit=self._state.exact_limit)
        for key in sorted(self._acquired):
            first = self._first.get(key)
            if first is not None and first >= self._acquired[key]:
                state.add(self._elapsed(self._acquired[key], first))
        return state


class _CustomerPeriod(_KN):
    item_types = (Customer,)
    __slots__ = ("_end", "_start")

    def __init__(self, *, start: _dt.datetime | int, end: _dt.datetime | int) -> None:
        super().__init__()
        self._start = _instant(start, "start")
        self._end = _instant(end, "end")
        if self._end < self._start:
            raise ValidationError(
                f"'end' must not be before 'start' (got {end!r} < {start!r})",
                field="end",
                value=end,
            )

    def options(self) -> dict[str, Any]:
        return {"start": self._start, "end": self._end}

    @staticmethod
    def _active(customer: Customer, at: int) -> bool:
        if to_micros(customer.acquired_at) > at:
            return False
        return customer.churned_at is None or to_micros(customer.churned_at) > at


@final
class Retention(_CustomerPeriod):
    """Customer retention over [start, end]: of the customers active at start, the share still active at end.

    Equal to (E - N) / S when every new customer is still active at the
    end; :func:`servicemodel.kpi.retention_rate` computes that formula from
    the three counts.

    >>> import pendulum
    >>> from servicemodel import Customer
    >>> jan, jul = pendulum.datetime(2024, 1, 1), pendulum.datetime(2024, 7, 1)
    >>> acc = Retention.empty(start=jan, end=jul)
    >>> acc.add_many([Customer(id="A", acquired_at=jan.subtract(days=9)),
    ...               Customer(id="B", acquired_at=jan.subtract(days=9), churned_at=jan.add(days=9)),
    ...               Customer(id="C", acquired_at=jan.add(days=9))])
    >>> acc.result().value
    Fraction(1, 2)
    """

    kpi = KpiName.RETENTION
    __slots__ = ()

    def _add(self, item: Customer) -> None:
        if self._active(item, self._start):
            self._tally(self._active(item, self._end))


@final
class Churn(_CustomerPeriod):
    """Customer churn over [start, end]: of the customers active at start, the share gone by end.

    >>> import pendulum
    >>> from servicemodel import Customer
    >>> jan, jul = pendulum.datetime(2024, 1, 1), pendulum.datetime(2024, 7, 1)
    >>> acc = Churn.empty(start=jan, end=jul)
    >>> acc.add(Customer(id="B", acquired_at=jan.subtract(days=9), churned_at=jan.add(days=9)))
    >>> acc.result().value
    Fraction(1, 1)
    """

    kpi = KpiName.CHURN
    __slots__ = ()

    def _add(self, item: Customer) -> None:
        if self._active(item, self._start):
            self._tally(not self._active(item, self._end))


@final
class Backlog(Accumulator[Count]):
    """Backlog at an instant: interactions created by ``at`` and not solved or closed at ``at``.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> done = Interaction(id="1", customer_id="C", channel="chat", created_at=t,
    ...                    events=[StatusChange(at=t.add(hours=1), status="solved")])
    >>> waiting = Interaction(id="2", customer_id="C", channel="chat", created_at=t)
    >>> acc = Backlog.empty(at=t.add(hours=2)); acc.add_many([done, waiting])
    >>> acc.result().value
    1
    """

    kpi = KpiName.BACKLOG
    item_types = (Interaction,)
    __slots__ = ("_at", "_n", "_open")

    def __init__(self, *, at: _dt.datetime | int) -> None:
        super().__init__()
        self._at = _instant(at, "at")
        self._n = 0
        self._open = 0

    def options(self) -> dict[str, Any]:
        return {"at": self._at}

    def _add(self, item: Interaction) -> None:
        self._n += 1
        if to_micros(item.created_at) > self._at:
            return
        status = Status.NEW
        for event in item.events:
            if isinstance(event, StatusChange):
                if to_micros(event.at) > self._at:
                    break
                status = event.status
        self._open += status not in _ENDED

    def _absorb(self, other: Self) -> None:
        self._n += other._n
        self._open += other._open

    def _state_json(self) -> Any:
        return {"open": self._open, "n": self._n}

    def _load_state(self, state: Any) -> None:
        self._open, self._n = _counts(state, ("open", "n"))

    def result(self) -> Count:
        """The number open at ``at``, out of the interactions seen.

        >>> import pendulum
        >>> Backlog.empty(at=pendulum.datetime(2024, 1, 1)).result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: backlog needs at least one interaction (got 0)
        """
        if self._n == 0:
            raise EmptySampleError(f"{self.name} needs at least one interaction (got 0)")
        return Count(value=self._open, n=self._n)


# ======================================================================== agents


def _agent_start(value: object) -> pendulum.DateTime:
    return aware(value, field="start")


def _handling(value: object) -> pendulum.Duration:
    return to_duration(value, field="handling", allow_zero=True)


def _available(value: object) -> pendulum.Duration:
    return to_duration(value, field="available", allow_zero=True)


def _scheduled(value: object) -> pendulum.Duration:
    return to_duration(value, field="scheduled", allow_zero=True)


@final
@attrs.frozen(kw_only=True)
class AgentTime:
    """An agent's time over a stretch starting at ``start``: handling <= available <= scheduled.

    ``handling`` is time on contacts (talk, work, wrap-up), ``available`` the
    time logged in and ready or busy, ``scheduled`` the paid time.

    >>> import pendulum
    >>> AgentTime(agent_id="A-1", start=pendulum.datetime(2024, 6, 10, 9),
    ...           handling=pendulum.duration(hours=6), available=pendulum.duration(hours=5),
    ...           scheduled=pendulum.duration(hours=8))
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'handling' must not exceed 'available' (got 6:00:00 > 5:00:00)
    """

    agent_id: str = attrs.field(validator=non_empty_str)
    start: pendulum.DateTime = attrs.field(converter=_agent_start)
    handling: pendulum.Duration = attrs.field(converter=_handling)
    available: pendulum.Duration = attrs.field(converter=_available)
    scheduled: pendulum.Duration = attrs.field(converter=_scheduled)

    @scheduled.validator
    def _check_order(self, _attribute: object, value: pendulum.Duration) -> None:
        for part, whole in (("handling", "available"), ("available", "scheduled")):
            a, b = getattr(self, part), getattr(self, whole)
            if duration_micros(a) > duration_micros(b):
                raise ValidationError(
                    f"'{part}' must not exceed '{whole}' (got {_dt.timedelta(microseconds=duration_micros(a))} "
                    f"> {_dt.timedelta(microseconds=duration_micros(b))})",
                    field=part,
                    value=a,
                )


class _AgentRatio(Accumulator[Ratio]):
    item_types = (AgentTime,)
    __slots__ = ("_sums",)

    def __init__(self) -> None:
        super().__init__()
        self._sums = {"handling": 0, "available": 0, "scheduled": 0}

    def _add(self, item: AgentTime) -> None:
        for key in self._sums:
            self._sums[key] += duration_micros(getattr(item, key))

    def _absorb(self, other: Self) -> None:
        for key in self._sums:
            self._sums[key] += other._sums[key]

    def _state_json(self) -> Any:
        return dict(self._sums)

    def _load_state(self, state: Any) -> None:
        if (
            not isinstance(state, Mapping)
            or sorted(state) != sorted(self._sums)
            or any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in state.values())
        ):
            raise ValidationError(
                f"'state' must hold handling, available and scheduled µs (got {state!r:.80})",
                field="state",
                value=state,
            )
        self._sums = {k: state[k] for k in self._sums}

    def _ratio(self, top: str, bottom: str) -> Ratio:
        if self._sums[bottom] == 0:
            raise EmptySampleError(f"{self.name} needs some {bottom} time (got 0)")
        return Ratio(numerator=self._sums[top], denominator=self._sums[bottom])


@final
class Occupancy(_AgentRatio):
    """Occupancy: handling time over available (logged-in) time, exact.

    >>> import pendulum
    >>> acc = Occupancy.empty()
    >>> acc.add(AgentTime(agent_id="A", start=pendulum.datetime(2024, 6, 10, 9),
    ...     handling=pendulum.duration(hours=6), available=pendulum.duration(hours=7),
    ...     scheduled=pendulum.duration(hours=8)))
    >>> acc.result().value
    Fraction(6, 7)
    """

    kpi = KpiName.OCCUPANCY
    __slots__ = ()

    def result(self) -> Ratio:
        """handling / available.

        >>> Occupancy.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: occupancy needs some available time (got 0)
        """
        return self._ratio("handling", "available")


class UtilisationVariant(enum.Enum):
    """Utilisation: handling over scheduled (default) or available over scheduled.

    >>> UtilisationVariant.HANDLING_OVER_SCHEDULED.value
    'handling_over_scheduled'
    """

    HANDLING_OVER_SCHEDULED = "handling_over_scheduled"
    AVAILABLE_OVER_SCHEDULED = "available_over_scheduled"


@final
class Utilisation(_AgentRatio):
    """Utilisation: how much of the paid (scheduled) time went to contacts, exact.

    >>> import pendulum
    >>> acc = Utilisation.empty()
    >>> acc.add(AgentTime(agent_id="A", start=pendulum.datetime(2024, 6, 10, 9),
    ...     handling=pendulum.duration(hours=6), available=pendulum.duration(hours=7),
    ...     scheduled=pendulum.duration(hours=8)))
    >>> acc.result().value
    Fraction(3, 4)
    """

    kpi = KpiName.UTILISATION
    __slots__ = ("_variant",)

    def __init__(
        self, *, variant: UtilisationVariant | str = UtilisationVariant.HANDLING_OVER_SCHEDULED
    ) -> None:
        super().__init__()
        self._variant = enum_member(UtilisationVariant, variant, field="variant")

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value}

    def result(self) -> Ratio:
        """The utilisation ratio.

        >>> Utilisation.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: utilisation needs some scheduled time (got 0)
        """
        top = (
            "handling"
            if self._variant is UtilisationVariant.HANDLING_OVER_SCHEDULED
            else "available"
        )
        return self._ratio(top, "scheduled")


# ======================================================================= columns


def interaction_columns(items: Iterable[Interaction]) -> dict[str, Any]:
    """The canonical batch columns of some interactions, as numpy arrays.

    Instants are ``datetime64[us]`` (UTC, NaT when absent), durations
    ``timedelta64[us]``, scores ``float64`` (NaN when absent). This is the
    column layout every KPI's ``add_batch`` reads, and what ``kpi.report``
    expects of a DataFrame (rename with its ``columns=`` mapping).

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> cols = interaction_columns([Interaction(id="1", customer_id="C", channel="chat",
    ...                                         created_at=pendulum.datetime(2024, 6, 10))])
    >>> str(cols["created_at"].dtype), cols["channel"].tolist()
    ('datetime64[us]', ['chat'])
    """
    import numpy as np

    rows: dict[str, list[Any]] = {k: [] for k in _COLUMN_NAMES}
    for item in items:
        if not isinstance(item, Interaction):
            raise ValidationError(
                f"'items' must hold interactions (got {type(item).__name__})",
                field="items",
                value=item,
            )
        first_reply, first_solved, last_solved = (
            item.first_reply_at(),
            item.first_solved_at(),
            item.last_solved_at(),
        )
        queue = _queue(item)
        handle = _handle_micros(item)
        rows["id"].append(item.id)
        rows["customer_id"].append(item.customer_id)
        rows["channel"].append(item.channel.value)
        rows["kind"].append(item.kind.value)
        rows["priority"].append(item.priority.value)
        rows["group"].append(item.group())
        rows["created_at"].append(to_micros(item.created_at))
        rows["first_reply_at"].append(NAT if first_reply is None else to_micros(first_reply))
        rows["first_solved_at"].append(NAT if first_solved is None else to_micros(first_solved))
        rows["last_solved_at"].append(NAT if last_solved is None else to_micros(last_solved))
        rows["agent_replies"].append(item.agent_reply_count())
        rows["reopens"].append(item.reopen_count())
        rows["customer_follow_ups"].append(customer_follow_ups(item))
        score = item.satisfaction()
        rows["csat"].append(np.nan if score is None else float(score))
        rows["handle_time"].append(NAT if handle is None else handle)
        rows["wait"].append(NAT if queue is None else queue[0])
        rows["answered"].append(False if queue is None else queue[1])
    out: dict[str, Any] = {}
    for key, values in rows.items():
        if key in {"created_at", "first_reply_at", "first_solved_at", "last_solved_at"}:
            out[key] = np.array(values, dtype=np.int64).view("datetime64[us]")
        elif key in {"handle_time", "wait"}:
            out[key] = np.array(values, dtype=np.int64).view("timedelta64[us]")
        elif key in {"agent_replies", "reopens", "customer_follow_ups"}:
            out[key] = np.array(values, dtype=np.int64)
        elif key == "csat":
            out[key] = np.array(values, dtype=np.float64)
        elif key == "answered":
            out[key] = np.array(values, dtype=bool)
        else:
            out[key] = np.array(values, dtype=object)
    return out


_COLUMN_NAMES = (
    "id",
    "customer_id",
    "channel",
    "kind",
    "priority",
    "group",
    "created_at",
    "first_reply_at",
    "first_solved_at",
    "last_solved_at",
    "agent_replies",
    "reopens",
    "customer_follow_ups",
    "csat",
    "handle_time",
    "wait",
    "answered",
)


# ====================================================================== catalogue


def _catalogue() -> dict[KpiName, type[Accumulator[Any]]]:
    made: list[type[Accumulator[Any]]] = [
        Csat,
        CsatMean,
        Nps,
        Ces,
        CesEasy,
        CesNetEasy,
        ReviewRatio,
        FirstReplyTime,
        NextReplyTime,
        ResolutionTime,
        HandleTime,
        Aht,
        ServiceLevel,
        Abandonment,
        Asa,
        Fcr,
        ReopenRate,
        SelfServiceDeflection,
        RepeatContactRate,
        ContactsPerCustomer,
        ContactRate,
        ChannelMix,
        ComplaintThemes,
        AcquisitionToFirstContact,
        Retention,
        Churn,
        Backlog,
        Occupancy,
        Utilisation,
        SlaCompliance,
    ]
    return {cls.kpi: cls for cls in made}


_CATALOGUE = _catalogue()


def catalogue() -> Mapping[KpiName, type[Accumulator[Any]]]:
    """The KPIs of this package: each :class:`KpiName` and the accumulator class that measures it.

    Names measured outside this package (``qa_score``, by
    :class:`servicemodel.team.QaScore`) are not in it.

    >>> catalogue()[KpiName.CSAT].__name__
    'Csat'
    >>> KpiName.QA_SCORE in catalogue()
    False
    """
    return MappingProxyType(_CATALOGUE)
