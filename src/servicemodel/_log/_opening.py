"""Whether the message that opened an interaction counts as an agent reply.

An agent who opens an interaction (an outbound email, a ticket logged for a
caller) writes its first message. Zendesk does not count that creating
comment as a reply: first reply time runs to the agent's *next* public
comment, and the reply count and one-touch resolution leave it out; the
Fivetran ``dbt_zendesk`` package does the same. That is the default here
(:attr:`OpeningMessage.NOT_A_REPLY`); :attr:`OpeningMessage.COUNTS_AS_REPLY`
keeps the older reading in which every public human agent message is a
reply.

The rule is written once, in :func:`is_opening`: the interaction's
replies, first reply and reply count, and the SLA clocks' event fold, all
ask it. This module imports nothing from :mod:`servicemodel.interactions`
(which imports it); messages are read through their own methods.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..interactions import Message

__all__ = ["OpeningMessage", "is_opening"]


class OpeningMessage(enum.Enum):
    """How the message that opened an agent-opened interaction is counted.

    ``not_a_reply`` (the default; Zendesk's rule): when ``opened_by`` is the
    agent and the first message of the log is a public human agent message,
    that message opened the interaction and is not a reply. ``counts_as_reply``:
    it is a reply like any other public agent message (the behaviour before
    ``opened_by`` existed). Interactions opened by the customer are the same
    under both.

    >>> OpeningMessage("counts_as_reply")
    <OpeningMessage.COUNTS_AS_REPLY: 'counts_as_reply'>
    """

    NOT_A_REPLY = "not_a_reply"
    COUNTS_AS_REPLY = "counts_as_reply"


def is_opening(
    message: Message, *, first: bool, opened_by_agent: bool, opening: OpeningMessage
) -> bool:
    """True when *message* opened the interaction and so, under *opening*, is not a reply.

    Args:
        message: a message of the log.
        first: whether it is the log's first message.
        opened_by_agent: whether an agent opened the interaction (``opened_by``).
        opening: the rule in force.

    >>> import pendulum
    >>> from servicemodel import Message
    >>> m = Message(at=pendulum.datetime(2024, 6, 10, 9), author="agent")
    >>> is_opening(m, first=True, opened_by_agent=True, opening=OpeningMessage.NOT_A_REPLY)
    True
    >>> is_opening(m, first=True, opened_by_agent=True, opening=OpeningMessage.COUNTS_AS_REPLY)
    False
    """
    return (
        first
        and opened_by_agent
        and opening is OpeningMessage.NOT_A_REPLY
        and message.is_public_agent_reply()
    )
