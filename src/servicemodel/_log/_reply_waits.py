"""The next-reply rule: a customer message waits, the next agent reply answers it.

Written once, here, for the SLA clocks (``first_reply`` and ``next_reply``)
and for the reply-time KPIs (``NextReplyTime``): after the first reply, the
oldest unanswered public customer message starts a wait, later customer
messages join it, and the next public human agent message ends it. An
agent's opening message is not a reply (:mod:`._opening`); the caller leaves
it out. The two readers differ in one named choice, :class:`Solving`: a
clock has nothing left to wait for once the interaction is solved (the SLA
clocks, docs/explanation/sla-metrics.md), while a reply *time* measures
until an agent actually replies (the KPI, docs/reference/kpis.md).

>>> waits = ReplyWaits(solving=Solving.ENDS_THE_WAIT)
>>> waits.agent_reply(10); waits.customer_message(20, resolved=False); waits.resolved(30)
>>> waits.first_end, waits.windows
(10, [[20, 30]])
"""

from __future__ import annotations

import enum
from typing import final

import attrs

__all__ = ["ReplyWaits", "Solving"]


class Solving(enum.Enum):
    """What solving (or closing) the interaction does to a wait for a reply.

    ``ends_the_wait`` (the SLA clocks): a resolve ends the first-reply wait
    and an open next-reply wait at the resolve, and a customer message
    written while the interaction is resolved starts no wait. ``ignored``
    (the reply-time KPIs): only an agent reply ends a wait, whatever the
    status.

    >>> Solving("ignored")
    <Solving.IGNORED: 'ignored'>
    """

    ENDS_THE_WAIT = "ends_the_wait"
    IGNORED = "ignored"


@final
@attrs.define
class ReplyWaits:
    """The waits for a reply in a log, folded one message or status change at a time.

    ``first_end``: when the first reply wait ended (``None``: not yet), the
    first reply, or under :attr:`Solving.ENDS_THE_WAIT` a resolve before it.
    ``windows``: the next-reply waits as ``[start_us, end_us]`` pairs, the
    last one's end ``None`` while it waits. Feed it the public agent replies
    (:meth:`agent_reply`), the public customer messages
    (:meth:`customer_message`) and the changes into a resolved status
    (:meth:`resolved`), in time order; feeding a log in pieces gives the same
    state as feeding it at once.

    >>> waits = ReplyWaits(solving=Solving.IGNORED)
    >>> waits.agent_reply(10); waits.customer_message(20, resolved=False)
    >>> waits.customer_message(25, resolved=False); waits.resolved(30); waits.agent_reply(40)
    >>> waits.windows
    [[20, 40]]
    """

    solving: Solving
    first_end: int | None = None
    windows: list[list[int | None]] = attrs.Factory(list)
    waiting: bool = False

    def agent_reply(self, at: int) -> None:
        """A public human agent reply at *at* answers what waits."""
        if self.first_end is None:
            self.first_end = at
        if self.waiting:
            self.windows[-1][1] = at
            self.waiting = False

    def customer_message(self, at: int, *, resolved: bool) -> None:
        """A public customer message at *at*, written while the interaction is *resolved* or not."""
        if (
            self.first_end is not None
            and not self.waiting
            and not (resolved and self.solving is Solving.ENDS_THE_WAIT)
        ):
            self.windows.append([at, None])
            self.waiting = True

    def resolved(self, at: int) -> None:
        """A change into a resolved status (solved or closed) at *at*: it ends the wait as a reply
        does, under :attr:`Solving.ENDS_THE_WAIT`."""
        if self.solving is Solving.ENDS_THE_WAIT:
            self.agent_reply(at)

    def copy(self) -> ReplyWaits:
        """An independent copy (its windows are new lists).

        >>> waits = ReplyWaits(solving=Solving.IGNORED, first_end=1, windows=[[2, None]], waiting=True)
        >>> twin = waits.copy(); twin.agent_reply(3)
        >>> waits.windows, twin.windows
        ([[2, None]], [[2, 3]])
        """
        return ReplyWaits(
            solving=self.solving,
            first_end=self.first_end,
            windows=[list(pair) for pair in self.windows],
            waiting=self.waiting,
        )
