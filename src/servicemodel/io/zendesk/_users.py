"""Who wrote what: each Zendesk user's role, as it was when they wrote.

The ``user`` table holds today's role only, and a deactivated agent becomes
an end-user, so their old replies would read as the customer's. Where the
export has the ``audit_log`` table, its role changes ("Support role changed
from Staff to not set") give each user's role over time, and a comment
takes the role its author had when it was written. Without it, a list of
the team's user ids (``agents=``, as dbt_zendesk's ``internal_user_criteria``)
makes their comments an agent's whatever the tables say.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from collections.abc import Iterable
from typing import Final, final

from ..._validators import is_collection, is_integer
from ...exceptions import ValidationError
from .._vendor import instant
from ._columns import Table, record_error
from ._vocab import ROLES

__all__ = ["SYSTEM_USER", "Users", "agent_ids"]

#: Zendesk's own system user: what it writes is a bot's.
SYSTEM_USER: Final = "-1"
_ROLE_CHANGE: Final = re.compile(r"Support role changed from (.+?) to (.+?)(?:\\n|\n|$)")
_CUSTOMER_WORDS: Final = frozenset({"not set", "end-user", "end user", "end_user"})


def _role_word(text: str) -> str:
    return "customer" if text.strip().lower() in _CUSTOMER_WORDS else "agent"


@final
class Users:
    """User ids and their roles (customer or agent), with role changes over time."""

    __slots__ = ("_agents", "_changes", "_roles", "file")

    def __init__(self, agents: frozenset[str] = frozenset()) -> None:
        self._roles: dict[str, str] = {SYSTEM_USER: "bot"}
        self._changes: dict[str, tuple[list[_dt.datetime], list[str], list[str]]] = {}
        self._agents = agents
        self.file = "user table"

    @classmethod
    def from_tables(
        cls, users: Table | None, audit_log: Table | None, agents: frozenset[str] = frozenset()
    ) -> Users:
        """Read the ``user`` table (id, role) and, if present, the ``audit_log`` role changes.

        The ids in *agents* are agents at every instant, whatever the tables say.
        """
        found = cls(agents)
        if users is not None:
            found.file = users.file
            users.require(("id", "role"))
            seen: dict[str, tuple[str, int]] = {}
            for line, (user_id, role) in users.rows(("id", "role")):
                found.add(user_id, role, (users.file, line))
                before = seen.setdefault(user_id, (role, line))
                if ROLES[before[0]] is not ROLES[role]:
                    raise record_error(
                        users.file,
                        line,
                        None,
                        f"'id' {user_id!r} is a user already, with another role (line "
                        f"{before[1]}: {before[0]!r}, here {role!r}); the user table has "
                        "one row per user",
                        field="id",
                        value=user_id,
                    )
        if audit_log is not None:
            audit_log.require(("source_type", "source_id", "created_at", "change_description"))
            rows = audit_log.rows(("source_type", "source_id", "created_at", "change_description"))
            for line, (kind, user_id, created, text) in rows:
                if kind != "user":
                    continue
                for before, after in _ROLE_CHANGE.findall(text):
                    try:
                        at = instant(created, "created_at", naive_is_utc=True)[0]
                    except ValidationError as error:
                        raise record_error(
                            audit_log.file,
                            line,
                            None,
                            error.message,
                            field="created_at",
                            value=created,
                        ) from None
                    found.change(user_id, at, _role_word(before), _role_word(after))
        return found

    def add(self, user_id: str, role: str, where: tuple[str, int]) -> None:
        """Know a user and their current role (a Zendesk role: end-user, agent or admin)."""
        mapped = ROLES.get(role)
        if mapped is None:
            known = ", ".join(repr(r) for r in ROLES)
            raise record_error(
                where[0],
                where[1],
                None,
                f"'role' must be a Zendesk user role: one of {known} (got {role!r})",
                field="role",
                value=role,
            )
        if not user_id:
            raise record_error(
                where[0], where[1], None, "'id' is required (got nothing)", field="id", value=""
            )
        self._roles[user_id] = mapped.value

    def change(self, user_id: str, at: _dt.datetime, before: str, after: str) -> None:
        """Record that *user_id*'s role changed from *before* to *after* at *at*."""
        times, befores, afters = self._changes.setdefault(user_id, ([], [], []))
        index = bisect.bisect_right(times, at)
        times.insert(index, at)
        befores.insert(index, before)
        afters.insert(index, after)
        self._roles.setdefault(user_id, after)

    def knows(self, user_id: str) -> bool:
        """Whether the export names this user."""
        return user_id in self._roles or user_id in self._agents

    def role_at(self, user_id: str, at: _dt.datetime) -> str | None:
        """The role *user_id* had at *at* (``None``: an unknown user)."""
        if user_id in self._agents:
            return "agent"
        changes = self._changes.get(user_id)
        if changes is None:
            return self._roles.get(user_id)
        times, befores, afters = changes
        index = bisect.bisect_right(times, at)
        return befores[index] if index < len(times) else afters[-1]

    def author(
        self, user_id: str, at: _dt.datetime, origin: tuple[str, int, str], ticket: str
    ) -> str:
        """The role of the author of a comment (customer, agent or bot), or a RecordError.

        An author the export does not name is refused: whether a comment is
        the customer's or an agent's decides every reply metric.
        """
        role = self.role_at(user_id, at)
        if role is None:
            raise record_error(
                origin[0],
                origin[1],
                ticket,
                f"'{origin[2]}' must name a user of the {self.file} (got {user_id!r}); a "
                f"comment's author decides whether it is the customer's or an agent's",
                field=origin[2],
                value=user_id,
            )
        return role

    def opened_by(self, requester: str, submitter: str, at: _dt.datetime) -> str:
        """Who opened a ticket: ``agent`` when an agent submitted it for the requester."""
        if submitter and submitter != requester and self.role_at(submitter, at) == "agent":
            return "agent"
        return "customer"

    def ids(self) -> Iterable[str]:
        """Every known user id."""
        return self._roles.keys()


def agent_ids(agents: object) -> frozenset[str]:
    """The ``agents=`` argument as a set of user ids, or a ValidationError naming it."""
    if agents is None:
        return frozenset()
    if not is_collection(agents):
        raise ValidationError(
            f"'agents' must be a collection of Zendesk user ids (got {agents!r})",
            field="agents",
            value=agents,
        )
    found = [str(a) if is_integer(a) else a for a in agents]
    wrong = [a for a in found if not isinstance(a, str) or not a.strip()]
    if wrong:
        raise ValidationError(
            f"'agents' must hold Zendesk user ids (got {wrong[0]!r})", field="agents", value=agents
        )
    return frozenset(found)
