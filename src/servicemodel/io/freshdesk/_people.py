"""Who is who in a Freshdesk export: agents, bots, groups' business hours, status names.

A conversation names its author by ``user_id`` only. The ticket's requester
is the customer; a user in ``agents.json`` is an agent; an id the caller
names as a bot (an automation's sender, an AI agent) writes a bot's
messages; anyone else (a contact on copy) is on the customer's side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, final

from ..._validators import is_integer
from ...exceptions import ValidationError
from .._vendor import record_error
from ._files import find_files
from ._vocab import STATUS_WORDS, STATUSES

__all__ = ["Directory", "StatusTable"]

_LABELS: Final = {"open": 2, "pending": 3, "resolved": 4, "closed": 5}
_MODEL_STATUSES: Final = frozenset({"open", "pending", "on_hold", "solved", "closed"})


def _id(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
        return None
    return str(value)


@final
class Directory:
    """Agents, bots, and the business hours of each group."""

    __slots__ = ("agents", "bots", "default_hours", "group_hours", "has_agents")

    def __init__(self, folder: str, bots: Iterable[str]) -> None:
        self.bots = frozenset(bots)
        self.agents: set[str] = set()
        files = find_files(folder, "agents")
        self.has_agents = bool(files)
        for file in files:
            for line, agent in file.records():
                agent_id = _id(agent.get("id"))
                if agent_id is None:
                    raise record_error(
                        file.file,
                        line,
                        None,
                        f"'id' must be an agent id (got {agent.get('id')!r})",
                        field="id",
                        value=agent.get("id"),
                    )
                self.agents.add(agent_id)
        self.group_hours: dict[str, str] = {}
        for file in find_files(folder, "groups"):
            for _line, group in file.records():
                group_id, hours = _id(group.get("id")), _id(group.get("business_hour_id"))
                if group_id is not None and hours is not None:
                    self.group_hours[group_id] = hours
        self.default_hours: str | None = None
        for file in find_files(folder, "business_hours"):
            for _line, item in file.records():
                if item.get("is_default") is True:
                    self.default_hours = _id(item.get("id"))

    def hours_of(self, group: str | None) -> str | None:
        """The business hours a ticket of *group* counts on (``None``: the export has none)."""
        if group is not None and group in self.group_hours:
            return self.group_hours[group]
        return self.default_hours

    def role(self, user_id: str, requester: str) -> str:
        """``customer``, ``agent`` or ``bot`` for the author of a conversation."""
        if user_id in self.bots:
            return "bot"
        if user_id == requester:
            return "customer"
        return "agent" if user_id in self.agents else "customer"


@final
class StatusTable:
    """Every status code of the account and the servicemodel status it becomes.

    The four built-in codes map as :data:`STATUSES` says; a custom status
    (``ticket_fields.json``'s status choices) maps by the caller's
    ``statuses=`` or, failing that, by the words in its name
    (:data:`STATUS_WORDS`). The activities export names statuses by label,
    so labels map to codes too.
    """

    __slots__ = ("codes", "labels", "names")

    def __init__(self, folder: str, statuses: Mapping[int, str] | None) -> None:
        self.labels: dict[str, int] = dict(_LABELS)
        self.names: dict[int, str] = {}
        for file in find_files(folder, "ticket_fields"):
            for _line, field in file.records():
                if field.get("name") != "status" or not isinstance(field.get("choices"), dict):
                    continue
                for code, labels in field["choices"].items():
                    names = labels if isinstance(labels, list) else [labels]
                    if not str(code).isdigit() or not names or not isinstance(names[0], str):
                        continue
                    self.names[int(code)] = names[0]
                    self.labels[names[0].strip().lower()] = int(code)
        self.codes: dict[int, str] = dict(STATUSES)
        for code, name in self.names.items():
            if code in self.codes:
                continue
            lowered = name.lower()
            for word, status in STATUS_WORDS:
                if word in lowered:
                    self.codes[code] = status
                    break
        for code, status in (statuses or {}).items():
            if not is_integer(code) or status not in _MODEL_STATUSES:
                raise ValidationError(
                    f"'statuses' must map Freshdesk status codes (integers) to one of "
                    f"{', '.join(sorted(_MODEL_STATUSES))} (got {code!r}: {status!r})",
                    field="statuses",
                    value=statuses,
                )
            self.codes[code] = status

    def vocabulary(self) -> dict[str, str]:
        """Status codes as text -> servicemodel status (what a ticket log reads)."""
        return {str(code): status for code, status in self.codes.items()}

    def code_of(self, label: str) -> int | None:
        """The code of a status label of the activities export (``None``: not a known label)."""
        return self.labels.get(label.strip().lower())
