"""Who a scorecard credits with a fact: the replier, the assignee or team at the time, or nobody.

A reply-level fact (the first reply time) can be credited to the agent who
wrote the reply, to the agent the interaction was assigned to when the reply
was sent, to the team (group) it was assigned to then, or, as every other
interaction-level figure, to the interaction's last assignee. A CSAT response
is credited to the agent the interaction was assigned to when it was rated,
so a later reassignment does not move it. Bots never get credit: bot messages
are never replies (:meth:`Message.is_public_agent_reply
<servicemodel.interactions.Message.is_public_agent_reply>`), and an id listed
as a bot is credited with nothing.

>>> Attribution("replier").name
'REPLIER'
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from .._validators import string_set
from ..interactions import Interaction

__all__ = ["Attribution"]


class Attribution(enum.Enum):
    """Who a reply-level fact (the first reply time) is credited to.

    ``last_assignee`` (default): the interaction's assignee after its last
    assignment, like the other interaction figures. ``replier``: the agent
    who wrote the first reply (its ``author_id``; a reply without one credits
    nobody). ``assignee_at_reply``: the agent the interaction was assigned to
    when the reply was sent. ``team_at_reply``: the group it was assigned to
    then (the card is the team's, its id the group's name).

    >>> [a.value for a in Attribution]
    ['last_assignee', 'replier', 'assignee_at_reply', 'team_at_reply']
    """

    LAST_ASSIGNEE = "last_assignee"
    REPLIER = "replier"
    ASSIGNEE_AT_REPLY = "assignee_at_reply"
    TEAM_AT_REPLY = "team_at_reply"


def bot_ids(value: Iterable[str]) -> frozenset[str]:
    """The ids that never get credit, checked."""
    return string_set(value, field="bots")


def reply_credit(
    interaction: Interaction, attribution: Attribution, bots: frozenset[str]
) -> str | None:
    """Who the first reply time of *interaction* is credited to (``None``: nobody)."""
    if attribution is Attribution.LAST_ASSIGNEE:
        credited = interaction.assignee()
    else:
        reply = interaction.first_reply()
        if reply is None:
            return None
        if attribution is Attribution.REPLIER:
            credited = reply.author_id
        elif attribution is Attribution.ASSIGNEE_AT_REPLY:
            credited = interaction.as_of(reply.at).assignee()
        else:
            credited = interaction.as_of(reply.at).group()
    return None if credited in bots else credited


def rating_credit(interaction: Interaction, bots: frozenset[str]) -> str | None:
    """Who a CSAT response is credited to: the assignee when it was rated (else the last one)."""
    rating = interaction.rating()
    credited = interaction.assignee() if rating is None else interaction.as_of(rating.at).assignee()
    return None if credited in bots else credited
