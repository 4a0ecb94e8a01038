"""The survey and review KPIs: CSAT, NPS, CES and the review ratio, over score histograms.

>>> from servicemodel.kpi import Csat, CsatVariant
>>> acc = Csat.empty(variant=CsatVariant.GOOD_OVER_GOOD_AND_BAD)
>>> for score in (5, 4, 3, 2):
...     acc.add(score)
>>> acc.result().value
Fraction(2, 3)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, ClassVar, Self, final

from .._log._interaction_history import BAD_SCORES, GOOD_SCORES
from .._validators import enum_member, integer_rule, is_integer
from ..exceptions import EmptySampleError, ValidationError
from ..feedback import CesResponse, CsatResponse, NpsResponse, Review
from ..interactions import Interaction, SatisfactionResponse
from ._accumulators import Accumulator
from ._column_readers import int_column
from ._names import KpiName
from ._stats import Mean, Net, Rate, Ratio, nps_figures, nps_score, rate_figures, wilson_interval

__all__ = ["Ces", "CesEasy", "CesNetEasy", "Csat", "CsatMean", "CsatVariant", "Nps", "ReviewRatio"]


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
                f"'score' must be {integer_rule(self.low, self.high)} (got {score})",
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
            or not all(is_integer(c, low=0) for c in counts)
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
    item_types: ClassVar[tuple[type, ...]] = (int, CsatResponse, SatisfactionResponse, Interaction)
    columns: ClassVar[tuple[str, ...]] = ("csat",)
    __slots__ = ()

    def _score(self, item: Any) -> int | None:
        if isinstance(item, Interaction):
            return item.satisfaction()
        return super()._score(item)


class CsatShare(_CsatScores):
    """Base of the CSAT shares: the variant rule (good = 4-5, bad = 1-2) read from the histogram."""

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
            k = self._count(self.high, self.high)
        else:
            k = self._count(*GOOD_SCORES)
            if self._variant is CsatVariant.GOOD_OVER_GOOD_AND_BAD:
                n = k + self._count(*BAD_SCORES)
        if n == 0:
            raise EmptySampleError(f"{self.name} needs at least one response (got 0)")
        return k, n


@final
class Csat(CsatShare):
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
    __slots__ = ()


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
