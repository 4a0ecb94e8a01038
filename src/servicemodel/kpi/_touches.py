"""Touches to resolve: two-touch and multi-touch resolution beside one-touch.

Two-touch and multi-touch resolution sit beside one-touch (:class:`Fcr`'s
default variant): among solved interactions, the public agent replies it
took, read from :meth:`~servicemodel.Interaction.agent_reply_count`. One,
two and multi touch split the solved interactions: at most one reply, two,
more than two.

>>> import pendulum
>>> from servicemodel import Interaction, Message, StatusChange
>>> t = pendulum.datetime(2024, 6, 10, 9)
>>> def solved(replies):
...     events = [Message(at=t.add(minutes=m), author="agent") for m in range(replies)]
...     return Interaction(id=str(replies), customer_id="C", channel="email", created_at=t,
...         events=[*events, StatusChange(at=t.add(hours=1), status="solved")])
>>> acc = TwoTouchResolution.empty(); acc.add_many(solved(n) for n in (0, 1, 2, 3))
>>> acc.result().value
Fraction(1, 4)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, final

from ..interactions import Interaction
from ._column_readers import NAT, int_column, micros_column
from ._names import KpiName
from ._shapes import KOfN

__all__ = ["MultiTouchResolution", "TwoTouchResolution"]


class Touches(KOfN):
    """Base of the touch rates: solved interactions, judged by their public agent replies.

    Solved means resolved at least once (``first_solved_at``), the
    population of one-touch FCR. Columns: ``first_solved_at``,
    ``agent_replies``.
    """

    item_types = (Interaction,)
    columns = ("first_solved_at", "agent_replies")
    __slots__ = ()

    @staticmethod
    def _success(replies: Any) -> Any:  # pragma: no cover - every KPI overrides it
        raise NotImplementedError

    def _add(self, item: Interaction) -> None:
        if item.first_solved_at() is not None:
            self._tally(bool(self._success(item.agent_reply_count())))

    def _trials(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        solved = micros_column(columns, "first_solved_at") != NAT
        replies, _ = int_column(columns, "agent_replies", 0, 2**62)
        return solved, solved & self._success(replies)


@final
class TwoTouchResolution(Touches):
    """Two-touch resolution: solved interactions that took exactly two public agent replies.

    >>> import pendulum
    >>> from servicemodel import Interaction, Message, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     Message(at=t, author="agent"), Message(at=t.add(minutes=5), author="agent"),
    ...     StatusChange(at=t.add(hours=1), status="solved")])
    >>> acc = TwoTouchResolution.empty(); acc.add(i); acc.result().value
    Fraction(1, 1)
    """

    kpi = KpiName.TWO_TOUCH_RESOLUTION
    __slots__ = ()

    @staticmethod
    def _success(replies: Any) -> Any:
        return replies == 2


@final
class MultiTouchResolution(Touches):
    """Multi-touch resolution: solved interactions that took more than two public agent replies.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t,
    ...                 events=[StatusChange(at=t.add(hours=1), status="solved")])
    >>> acc = MultiTouchResolution.empty(); acc.add(i); acc.result().value  # no reply: one touch
    Fraction(0, 1)
    """

    kpi = KpiName.MULTI_TOUCH_RESOLUTION
    __slots__ = ()

    @staticmethod
    def _success(replies: Any) -> Any:
        return replies > 2
