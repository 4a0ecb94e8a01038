"""The satisfaction-history KPIs: CSAT on first ratings, and ratings that changed verdict.

CSAT (:class:`~servicemodel.kpi.Csat`) reads an interaction's latest rating;
these read its history (:meth:`~servicemodel.Interaction.first_rating`,
:meth:`~servicemodel.Interaction.went_good_to_bad`,
:meth:`~servicemodel.Interaction.went_bad_to_good`). Good is 4-5 and bad is
1-2 on the 1-5 scale, as for CSAT.

>>> import pendulum
>>> from servicemodel import Interaction, SatisfactionResponse
>>> t = pendulum.datetime(2024, 6, 10, 9)
>>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
...     SatisfactionResponse(at=t.add(days=1), score=1),
...     SatisfactionResponse(at=t.add(days=2), score=5)])
>>> first = FirstCsat.empty(); first.add(i); first.result().value
Fraction(0, 1)
>>> better = SatisfactionBadToGood.empty(); better.add(i); better.result().value
Fraction(1, 1)
"""

from __future__ import annotations

from typing import Any, final

from ..interactions import Interaction
from ._names import KpiName
from ._shapes import KOfN
from ._surveys import CsatShare

__all__ = ["FirstCsat", "SatisfactionBadToGood", "SatisfactionGoodToBad"]


@final
class FirstCsat(CsatShare):
    """CSAT on each interaction's first rating (before any re-rating), with CSAT's variants.

    Zendesk's ``ticket_first_satisfaction_score`` beside the latest one that
    CSAT reads. Items: interactions (unrated ones are skipped). Needs event
    logs (no batch path: the ``csat`` column holds the latest rating).

    >>> import pendulum
    >>> from servicemodel import Interaction, SatisfactionResponse
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     SatisfactionResponse(at=t, score=4), SatisfactionResponse(at=t, score=2)])
    >>> acc = FirstCsat.empty(); acc.add(i); acc.result().value
    Fraction(1, 1)
    """

    kpi = KpiName.FIRST_CSAT
    item_types = (Interaction,)
    columns = ()
    __slots__ = ()

    def _score(self, item: Any) -> int | None:
        rating = item.first_rating()
        return None if rating is None else int(rating.score)


@final
class SatisfactionGoodToBad(KOfN):
    """Among rated interactions, the share whose rating went from good (4-5) to bad (1-2).

    Neutral ratings (3) in between are passed over. Zendesk's
    ``is_good_to_bad_satisfaction_score``, as a rate. Needs event logs.

    >>> import pendulum
    >>> from servicemodel import Interaction, SatisfactionResponse
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     SatisfactionResponse(at=t, score=5), SatisfactionResponse(at=t, score=1)])
    >>> acc = SatisfactionGoodToBad.empty(); acc.add(i); acc.result().value
    Fraction(1, 1)
    """

    kpi = KpiName.SATISFACTION_GOOD_TO_BAD
    item_types = (Interaction,)
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        if item.first_rating() is not None:
            self._tally(item.went_good_to_bad())


@final
class SatisfactionBadToGood(KOfN):
    """Among rated interactions, the share whose rating went from bad (1-2) to good (4-5).

    A recovered customer: Zendesk's ``is_bad_to_good_satisfaction_score``, as
    a rate. Needs event logs.

    >>> import pendulum
    >>> from servicemodel import Interaction, SatisfactionResponse
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t,
    ...                 events=[SatisfactionResponse(at=t, score=2)])
    >>> acc = SatisfactionBadToGood.empty(); acc.add(i); acc.result().value
    Fraction(0, 1)
    """

    kpi = KpiName.SATISFACTION_BAD_TO_GOOD
    item_types = (Interaction,)
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        if item.first_rating() is not None:
            self._tally(item.went_bad_to_good())
