"""The internal quality (QA) score as a mergeable KPI accumulator.

It follows the :mod:`servicemodel.kpi` protocol (``empty`` / ``add`` /
``merge`` / ``result``, JSON state, registered under ``"qa_score"``), so QA
scores group, merge and travel like any other KPI.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Self, final

from .._validators import integer, is_integer
from ..exceptions import EmptySampleError, ValidationError
from ..kpi import Accumulator, Interval, KpiName, Mean, Rate, wilson_interval
from ._quality import QaReview

__all__ = ["QaScore"]


def _fraction_state(value: object, field: str) -> Fraction:
    if is_integer(value, low=0):
        return Fraction(value)
    if isinstance(value, str) and len(value) <= 200:
        try:
            result = Fraction(value)
        except (ValueError, ZeroDivisionError):
            pass
        else:
            if result >= 0:
                return result
    raise ValidationError(
        f"'state.{field}' must be a non-negative fraction such as '17/20' (got {value!r:.80})",
        field=f"state.{field}",
        value=value,
    )


@final
class QaScore(Accumulator[Mean]):
    """The mean review score (a share in [0, 1]) of QA reviews, with its interval.

    State is exact: the count of reviews, the count of auto-failed ones, and
    the sum and sum of squares of the scores as fractions, plus the least
    common denominator of the scores seen. So merging is associative and
    commutative with :meth:`empty` as identity, and a merge of partial states
    gives exactly the result of one pass. The interval is the normal
    approximation the KPI engine uses for means (:class:`servicemodel.kpi.Mean`),
    clipped to [0, 1].

    >>> import pendulum
    >>> from servicemodel.team import Criterion, QaReview, Rubric
    >>> rubric = Rubric(name="r", criteria=[Criterion(name="tone", weight=1)])
    >>> def review(tone):
    ...     return QaReview(interaction_id="T", agent_id="A", reviewer_id="Q", rubric=rubric,
    ...                   ratings={"tone": tone}, reviewed_at=pendulum.datetime(2024, 6, 1))
    >>> a, b = QaScore.empty(), QaScore.empty()
    >>> a.add(review(4)); a.add(review(3)); b.add(review(2))
    >>> a.merge(b).result().value
    Fraction(3, 4)
    >>> QaScore.from_json(a.to_json()) == a
    True
    """

    kpi = KpiName.QA_SCORE
    item_types = (QaReview,)
    __slots__ = ("_denominator", "_fails", "_n", "_squares", "_total")

    def __init__(self) -> None:
        super().__init__()
        self._n = 0
        self._fails = 0
        self._total = Fraction(0)
        self._squares = Fraction(0)
        self._denominator = 1

    def _add(self, item: QaReview) -> None:
        score = item.score()
        self._n += 1
        self._fails += bool(item.auto_failed())
        self._total += score
        self._squares += score * score
        self._denominator = math.lcm(self._denominator, score.denominator)

    def _absorb(self, other: Self) -> None:
        self._n += other._n
        self._fails += other._fails
        self._total += other._total
        self._squares += other._squares
        self._denominator = math.lcm(self._denominator, other._denominator)

    def _state_json(self) -> Any:
        return {
            "n": self._n,
            "auto_fails": self._fails,
            "total": str(self._total),
            "squares": str(self._squares),
            "denominator": self._denominator,
        }

    def _load_state(self, state: Any) -> None:
        if not isinstance(state, Mapping):
            raise ValidationError(
                f"'state' must be a dict (got {state!r:.80})", field="state", value=state
            )
        counts = []
        for key in ("n", "auto_fails", "denominator"):
            counts.append(integer(state.get(key), field=f"state.{key}", low=0))
        n, fails, denominator = counts
        total = _fraction_state(state.get("total"), "total")
        squares = _fraction_state(state.get("squares"), "squares")
        if (
            fails > n
            or denominator < 1
            or total > n
            or squares > total
            or (total * denominator).denominator != 1
            or (squares * denominator * denominator).denominator != 1
        ):
            raise ValidationError(
                f"'state' must hold a consistent QA sample (got {dict(state)!r:.120})",
                field="state",
                value=state,
            )
        self._n, self._fails, self._total, self._squares = n, fails, total, squares
        self._denominator = denominator

    def result(self) -> Mean:
        """The mean score with its interval.

        Raises:
            EmptySampleError: no review was added.

        >>> QaScore.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: qa_score needs at least one review (got 0)
        """
        if self._n == 0:
            raise EmptySampleError(f"{self.name} needs at least one review (got 0)")
        d = self._denominator
        # Scale every score by d so the sums are integers, as the engine's Mean expects.
        scaled = Mean.of_sums(
            n=self._n,
            total=int(self._total * d),
            squares=int(self._squares * d * d),
        )
        low = max(0.0, scaled.interval.low / d)
        high = min(1.0, scaled.interval.high / d)
        value = scaled.value / d
        return Mean(
            n=self._n,
            value=value,
            interval=Interval(
                min(low, float(value)), max(high, float(value)), scaled.interval.confidence
            ),
        )

    def auto_fail_rate(self) -> Rate:
        """The share of reviews an auto-fail criterion failed, with its Wilson interval.

        Raises:
            EmptySampleError: no review was added.

        >>> QaScore.empty().auto_fail_rate()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: a rate needs at least one trial (got n = 0)
        """
        return wilson_interval(self._fails, self._n)
