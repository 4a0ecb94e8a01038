"""Convenience functions: one call for the common figures.

>>> csat([5, 4, 3, 1]).value
Fraction(1, 2)
>>> retention_rate(start=200, new=40, end=220).percent()
90.0
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._validators import integer
from ..exceptions import EmptySampleError, ValidationError
from ..feedback import CesResponse, CsatResponse, NpsResponse
from ..interactions import Interaction, SatisfactionResponse
from ._accumulators import BusinessTime
from ._duration_stats import DurationStats
from ._durations import FirstReplyTime, ResolutionTime, ResolutionVariant
from ._stats import Mean, Net, Rate, wilson_interval
from ._surveys import Ces, Csat, CsatVariant, Nps

__all__ = [
    "ces",
    "csat",
    "first_reply_time",
    "nps",
    "resolution_time",
    "retention_rate",
]


def csat(
    ratings: Iterable[int | CsatResponse | SatisfactionResponse | Interaction],
    *,
    variant: CsatVariant | str = CsatVariant.TOP_TWO_BOX,
) -> Rate:
    """CSAT of some ratings (share 4-5 on 1-5 by default) with its Wilson interval.

    Raises:
        EmptySampleError: no ratings.
        ValidationError: a rating is off the 1-5 scale.

    >>> r = csat([5, 5, 4, 2], variant="top_box")
    >>> r.value, round(r.interval.low, 3)
    (Fraction(1, 2), 0.15)
    """
    acc = Csat.empty(variant=variant)
    acc.add_many(ratings)
    return acc.result()


def nps(scores: Iterable[int | NpsResponse]) -> Net:
    """NPS of some 0-10 scores with its adjusted-Wald interval.

    >>> nps([10, 9, 8, 7, 6, 0]).value
    Fraction(0, 1)
    """
    acc = Nps.empty()
    acc.add_many(scores)
    return acc.result()


def ces(scores: Iterable[int | CesResponse]) -> Mean:
    """The mean CES 2.0 score (1-7).

    >>> ces([7, 6, 2]).value
    Fraction(5, 1)
    """
    acc = Ces.empty()
    acc.add_many(scores)
    return acc.result()


def first_reply_time(
    interactions: Iterable[Interaction], *, calendar: BusinessTime | None = None, **options: Any
) -> DurationStats:
    """Summarise first reply times (calendar time, or business time with *calendar*).

    >>> first_reply_time([])
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.EmptySampleError: first_reply_time needs at least one observation (got 0)
    """
    acc = FirstReplyTime.empty(calendar=calendar, **options)
    acc.add_many(interactions)
    return acc.result()


def resolution_time(
    interactions: Iterable[Interaction],
    *,
    variant: ResolutionVariant | str = ResolutionVariant.FULL,
    calendar: BusinessTime | None = None,
    **options: Any,
) -> DurationStats:
    """Summarise resolution times (last solve by default; ``variant="first"`` for the first).

    >>> resolution_time([], variant="first")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.EmptySampleError: resolution_time needs at least one observation (got 0)
    """
    acc = ResolutionTime.empty(variant=variant, calendar=calendar, **options)
    acc.add_many(interactions)
    return acc.result()


def retention_rate(*, start: int, new: int, end: int) -> Rate:
    """Customer retention (E - N) / S from the counts at start, new in the period, and at end.

    Raises:
        EmptySampleError: no customers at the start.
        ValidationError: the counts are negative or inconsistent (E - N outside [0, S]).

    >>> r = retention_rate(start=200, new=40, end=220)
    >>> r.value
    Fraction(9, 10)
    """
    for name, value in (("start", start), ("new", new), ("end", end)):
        integer(value, field=name, low=0)
    if start == 0:
        raise EmptySampleError("retention needs at least one customer at the start (got 0)")
    kept = end - new
    if not 0 <= kept <= start:
        raise ValidationError(
            f"'end' minus 'new' must be between 0 and 'start' = {start} (got {kept})",
            field="end",
            value=end,
        )
    return wilson_interval(kept, start)
