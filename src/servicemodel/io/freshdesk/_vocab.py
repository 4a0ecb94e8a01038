"""Freshdesk's vocabularies (API v2 codes) and what each becomes in servicemodel.

One table per vendor field; ``docs/reference/freshdesk.md`` prints the same
tables for people. A code outside a table is an error that names it: the
importer never guesses (custom statuses and ticket types are mapped by the
caller, see :func:`~servicemodel.io.freshdesk.read_export`).
"""

from __future__ import annotations

from typing import Final

from ...interactions import Channel, Kind

__all__ = [
    "CONVERSATION_SOURCES",
    "CSAT_SCORES",
    "KINDS",
    "PRIORITIES",
    "PRIORITY_KEYS",
    "SOURCES",
    "STATUSES",
    "STATUS_WORDS",
]

#: Ticket ``status`` code -> servicemodel status. Freshdesk has no "new": a
#: ticket is open from its creation. Custom statuses (6 and up) are the
#: account's own: see ``statuses=`` and :data:`STATUS_WORDS`.
STATUSES: Final[dict[int, str]] = {2: "open", 3: "pending", 4: "solved", 5: "closed"}

#: Words in a custom status's name that say which servicemodel status it is
#: (the first that the lower-cased name contains wins): a status waiting on
#: the customer stops the clock as ``pending`` does, one waiting on anyone
#: else as ``on_hold``.
STATUS_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("customer", "pending"),
    ("third party", "on_hold"),
    ("hold", "on_hold"),
)

#: Ticket ``priority`` code -> servicemodel priority.
PRIORITIES: Final[dict[int, str]] = {1: "low", 2: "normal", 3: "high", 4: "urgent"}

#: An SLA policy's ``sla_target`` key -> servicemodel priority.
PRIORITY_KEYS: Final[dict[str, str]] = {
    "priority_1": "low",
    "priority_2": "normal",
    "priority_3": "high",
    "priority_4": "urgent",
}

#: Ticket ``source`` code -> Channel. 10 (Outbound Email) is a ticket an agent
#: opened: its description is the agent's.
SOURCES: Final[dict[int, Channel]] = {
    1: Channel.EMAIL,
    2: Channel.WEB_FORM,
    3: Channel.PHONE,
    4: Channel.SELF_SERVICE,
    5: Channel.SOCIAL,
    6: Channel.SOCIAL,
    7: Channel.CHAT,
    9: Channel.WEB_FORM,
    10: Channel.EMAIL,
}
#: The source of a ticket an agent opened (Outbound Email).
OUTBOUND: Final = 10

#: Conversation ``source`` code -> what it is (all are messages; the author
#: and the ``private`` flag decide who wrote it and who saw it).
CONVERSATION_SOURCES: Final[dict[int, str]] = {
    0: "reply",
    2: "note",
    5: "tweet",
    6: "survey feedback",
    7: "facebook post",
    8: "forwarded email",
    9: "phone",
    11: "e-commerce",
}
#: Conversation sources that never reach the customer (a forward goes to a third party).
NOT_TO_CUSTOMER: Final = frozenset({8})

#: Ticket ``type`` -> Kind (none: enquiry). The raw type is also kept as the
#: attribute ``type``, so policies on it stay exact.
KINDS: Final[dict[str, Kind]] = {
    "": Kind.ENQUIRY,
    "question": Kind.ENQUIRY,
    "incident": Kind.COMPLAINT,
    "problem": Kind.COMPLAINT,
    "feature request": Kind.REQUEST,
    "refund": Kind.REQUEST,
}

#: Satisfaction answer -> CSAT 1-5. The new surveys' seven-point scale
#: (103 Extremely Happy ... -103 Extremely Unhappy) and the classic three
#: (1 Happy, 2 Neutral, 3 Unhappy) both land on 1-5 so that CSAT's share of
#: 4-5 is Freshdesk's share of happy answers.
CSAT_SCORES: Final[dict[int, int]] = {
    103: 5,
    102: 5,
    101: 4,
    100: 3,
    -101: 2,
    -102: 1,
    -103: 1,
}
CLASSIC_SCORES: Final[dict[int, int]] = {1: 5, 2: 3, 3: 1}
