"""The one error tree of servicemodel.

Every error the library raises on purpose is a :class:`ServiceModelError`.
Leaves also inherit the built-in exception that fits them, so code that
already catches ``ValueError`` keeps working::

    ServiceModelError (Exception)
    ├── ValidationError (ValueError)           a value breaks a rule; .field, .value
    │   └── RecordError                        a bad record in a data file; .line (.file, .record)
    ├── EmptySampleError (ValueError)          a KPI over no observations
    ├── CalendarError (ValueError)             a calendar cannot answer (never opens again, …)
    ├── OverloadError (ValueError)             a queue with no more agents than its traffic
    ├── DocumentError (ValueError)             a document has problems; .problems
    │   ├── PolicyDocumentError                an SLA policy document
    │   ├── ModelDocumentError                 a service model document
    │   ├── ProgrammeDocumentError             a loyalty programme document
    │   ├── LedgerDocumentError                a serialised loyalty ledger
    │   └── TeamDocumentError                  a QA rubric or role-profile document
    └── LedgerError                            a loyalty ledger refused a command
        ├── IdempotencyConflict                same key, different payload
        ├── VersionConflict                    expected version is not the current one
        ├── InsufficientPoints (ValueError)    not enough available points
        └── RewardUnavailable (ValueError)     a reward is out of stock or outside its window
    └── StoreError                             a ledger store cannot be used; .url
        ├── StoreNotFound (FileNotFoundError)  no store at the URL (create it first)
        └── SchemaVersionError                 the store's schema is newer than this library

Messages follow one shape: ``'<field>' must be <rule> (got <value>)``, plus the
remedy where there is one.

>>> from servicemodel.exceptions import ValidationError, ServiceModelError
>>> err = ValidationError("'score' must be an integer from 1 to 5 (got 7)", field="score", value=7)
>>> isinstance(err, ServiceModelError) and isinstance(err, ValueError)
True
>>> err.field, err.value
('score', 7)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import final

import attrs

__all__ = [
    "CalendarError",
    "DocumentError",
    "EmptySampleError",
    "IdempotencyConflict",
    "InsufficientPoints",
    "LedgerDocumentError",
    "LedgerError",
    "ModelDocumentError",
    "OverloadError",
    "PolicyDocumentError",
    "Problem",
    "ProgrammeDocumentError",
    "RecordError",
    "RewardUnavailable",
    "SchemaVersionError",
    "ServiceModelError",
    "StoreError",
    "StoreNotFound",
    "TeamDocumentError",
    "ValidationError",
    "VersionConflict",
]


class ServiceModelError(Exception):
    """The root of every error servicemodel raises on purpose.

    >>> issubclass(CalendarError, ServiceModelError)
    True
    """


class ValidationError(ServiceModelError, ValueError):
    """A value breaks a rule.

    Args:
        message: the full sentence, naming the field, the rule and the value.
        field: the name (or path) of the offending field, if there is one.
        value: the offending value.

    >>> e = ValidationError("'count' must be positive (got 0)", field="count", value=0)
    >>> str(e)
    "'count' must be positive (got 0)"
    """

    def __init__(self, message: str, *, field: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value


class RecordError(ValidationError):
    """A record in a data file is bad; names the line (1-based) and the field.

    An importer that reads several files also names the file (``.file``) and
    the record by its own id (``.record``, e.g. the ticket id); both are
    ``None`` where a reader has one file and line numbers only.

    >>> e = RecordError("line 3: 'channel' must be one of ... (got 'fax')",
    ...                 line=3, field="channel", value="fax")
    >>> e.line, e.field, e.file
    (3, 'channel', None)
    """

    def __init__(
        self,
        message: str,
        *,
        line: int,
        field: str | None = None,
        value: object = None,
        file: str | None = None,
        record: str | None = None,
    ) -> None:
        super().__init__(message, field=field, value=value)
        self.line = line
        self.file = file
        self.record = record


class EmptySampleError(ServiceModelError, ValueError):
    """A KPI was asked of an empty sample; the answer is undefined, not 0.

    >>> raise EmptySampleError("CSAT needs at least one response (got 0)")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.EmptySampleError: CSAT needs at least one response (got 0)
    """


class CalendarError(ServiceModelError, ValueError):
    """A business calendar cannot answer, e.g. it never opens again.

    >>> isinstance(CalendarError("never opens"), ValueError)
    True
    """


class OverloadError(ServiceModelError, ValueError):
    """A queue has no more agents than its traffic: waits grow without bound.

    Carries ``.agents`` and ``.traffic`` (Erlangs), so a planner can say by how
    much the queue is overloaded instead of showing a negative wait.

    >>> err = OverloadError(agents=9, traffic=10.0)
    >>> err.agents, err.traffic, str(err)
    (9, 10.0, 'the queue is overloaded: 9 agents for 10.0 Erlangs of traffic (agents must exceed traffic)')
    """

    def __init__(self, *, agents: float, traffic: float) -> None:
        super().__init__(
            f"the queue is overloaded: {agents} agents for {traffic} Erlangs of traffic "
            "(agents must exceed traffic)"
        )
        self.agents = agents
        self.traffic = traffic


@final
@attrs.frozen
class Problem:
    """One problem found in a document: where it is and what is wrong.

    >>> Problem("policies[2].targets.urgent.first_reply", "must be positive (got '0m')")
    Problem(path='policies[2].targets.urgent.first_reply', message="must be positive (got '0m')")
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DocumentError(ServiceModelError, ValueError):
    """A document (policies, a model, a programme) has one or more problems.

    All problems are collected before this is raised, so one round trip shows
    everything that needs fixing.

    >>> e = DocumentError([Problem("name", "must be a string (got 3)")])
    >>> [str(p) for p in e.problems]
    ['name: must be a string (got 3)']
    >>> str(e)
    '1 problem in document:\\n  name: must be a string (got 3)'
    """

    kind = "document"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} {noun} in {self.kind}:\n{lines}")


class ModelDocumentError(DocumentError):
    """A service model document has problems (see :class:`DocumentError`).

    >>> ModelDocumentError([Problem("goals[0].target", "is required")]).problems[0].path
    'goals[0].target'
    """

    kind = "model document"


class PolicyDocumentError(DocumentError):
    """An SLA policy document has problems (see :class:`DocumentError`).

    >>> e = PolicyDocumentError([Problem("policies[0].name", "is required")])
    >>> e.problems[0].path
    'policies[0].name'
    """

    kind = "policy document"


class TeamDocumentError(DocumentError):
    """A QA rubric or role-profile document has problems (see :class:`DocumentError`).

    >>> e = TeamDocumentError([Problem("criteria[1].weight", "must be positive (got -1)")])
    >>> e.problems[0].path
    'criteria[1].weight'
    """

    kind = "team document"


class ProgrammeDocumentError(DocumentError):
    """A loyalty programme document has problems (see :class:`DocumentError`).

    >>> e = ProgrammeDocumentError([Problem("earn.rules[0].points", "must be positive (got 0)")])
    >>> e.problems[0].path
    'earn.rules[0].points'
    """

    kind = "programme document"


class LedgerDocumentError(DocumentError):
    """A serialised loyalty ledger has problems (see :class:`DocumentError`).

    >>> e = LedgerDocumentError([Problem("commands[3].points", "must be positive (got -1)")])
    >>> str(e).splitlines()[0]
    '1 problem in ledger document:'
    """

    kind = "ledger document"


class LedgerError(ServiceModelError):
    """A loyalty ledger refused a command; the ledger is unchanged.

    >>> issubclass(VersionConflict, LedgerError)
    True
    """


class IdempotencyConflict(LedgerError):
    """A command reused an idempotency key with a different payload.

    >>> issubclass(IdempotencyConflict, LedgerError)
    True
    """


class VersionConflict(LedgerError):
    """A command expected a ledger version other than the current one.

    >>> issubclass(VersionConflict, ServiceModelError)
    True
    """


class InsufficientPoints(LedgerError, ValueError):
    """A redemption or clawback asked for more points than the policy allows.

    >>> isinstance(InsufficientPoints("need 100, have 30"), ValueError)
    True
    """


class RewardUnavailable(LedgerError, ValueError):
    """A reward cannot be redeemed now: out of stock or outside its window.

    >>> issubclass(RewardUnavailable, LedgerError)
    True
    """


class StoreError(ServiceModelError):
    """A ledger store cannot be used (missing, wrong schema, bad URL, database error).

    ``.url`` is the store's URL without any password.

    >>> e = StoreError("'url' must name a store (got 'x')", url="x")
    >>> e.url
    'x'
    """

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url


class StoreNotFound(StoreError, FileNotFoundError):
    """There is no ledger store at the URL; create one first.

    >>> issubclass(StoreNotFound, FileNotFoundError)
    True
    """


class SchemaVersionError(StoreError):
    """The store's schema was written by a newer servicemodel (or is not a ledger store).

    >>> issubclass(SchemaVersionError, StoreError)
    True
    """
