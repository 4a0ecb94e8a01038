"""Ledgers to and from JSON lines: one command per line, any size, flat memory.

The first line is a header with the ledger's policies
(``{"policies": {...}}``, as in a ledger document); every other line is one
command as a ledger document writes it. Export streams the commands of a
store page by page; import reads line by line and writes batches, so neither
holds the ledger in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from ..._validators import integer
from ...exceptions import LedgerDocumentError, LedgerError, Problem, ValidationError
from .. import Command, Ledger, Policies, dump_ledger, load_ledger
from ._codec import command_from_json, commands_to_json
from ._ledger import StoredLedger

__all__ = ["export_jsonl", "import_jsonl"]

_MAX_LINE = 1_000_000


def export_jsonl(ledger: Ledger | StoredLedger, target: str | Path | IO[str]) -> int:
    """Write *ledger*'s policies and every accepted command to *target*, one per line.

    *target* is a path or a text file opened for writing. Returns the number
    of commands written.

    >>> import io, pendulum
    >>> from servicemodel.loyalty import Ledger
    >>> ledger = Ledger()
    >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="k")
    >>> out = io.StringIO()
    >>> export_jsonl(ledger, out)
    1
    >>> out.getvalue().splitlines()[1]
    '{"at":"2025-01-01T00:00:00+00:00","command":"earn","key":"k","member":"ann","points":5}'
    """
    if isinstance(target, str | Path):
        with open(target, "w", encoding="utf-8", newline="\n") as file:
            return export_jsonl(ledger, file)
    zone = ledger.policies.zone
    header = json.loads(dump_ledger(Ledger(policies=ledger.policies)))
    target.write(json.dumps({"policies": header["policies"]}, ensure_ascii=False) + "\n")
    count = 0
    for line in commands_to_json(ledger.commands(), zone):
        target.write(line + "\n")
        count += 1
    return count


def import_jsonl(
    ledger: Ledger | StoredLedger, source: str | Path | IO[str], *, batch: int = 1_000
) -> int:
    """Apply every command of a JSON-lines ledger (see :func:`export_jsonl`) to *ledger*.

    The header's policies must equal *ledger*'s. A store gets the commands in
    transactions of *batch* commands. A command already in *ledger* with the
    same payload is skipped, so importing a file again (after an interrupted
    import, say) finishes the job. A bad or refused line stops the import
    with its line number; the lines before it stay applied.

    Returns the number of lines applied (skipped duplicates included).

    Raises:
        LedgerDocumentError: a line is not a command, the header is missing or
            its policies differ, or a command was refused (problem path ``line N``).

    >>> import io, pendulum
    >>> from servicemodel.loyalty import Ledger
    >>> ledger = Ledger()
    >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="k")
    >>> text = io.StringIO()
    >>> _ = export_jsonl(ledger, text)
    >>> again = Ledger()
    >>> import_jsonl(again, io.StringIO(text.getvalue()))
    1
    >>> again.balance("ann", as_of=pendulum.datetime(2025, 1, 2)).available
    5
    """
    integer(batch, field="batch", low=1)
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8") as file:
            return import_jsonl(ledger, file, batch=batch)
    lines = _lines(source)
    _check_header(next(lines, None), ledger.policies)
    count = 0
    pending: list[tuple[int, Command]] = []
    for number, line in lines:
        if not line.strip():
            continue
        pending.append((number, command_from_json(line, f"line {number}")))
        if len(pending) >= batch:
            count += _apply(ledger, pending)
            pending = []
    return count + _apply(ledger, pending)


def _lines(source: IO[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(source, start=1):
        if len(line) > _MAX_LINE:
            raise LedgerDocumentError(
                [Problem(f"line {number}", f"must be at most {_MAX_LINE} characters")]
            )
        yield number, line


def _check_header(first: tuple[int, str] | None, policies: Policies) -> None:
    problem = 'must be the header {"policies": {...}} written by export_jsonl'
    if first is None:
        raise LedgerDocumentError([Problem("line 1", problem + " (the file is empty)")])
    try:
        data: Any = json.loads(first[1], parse_float=Decimal)
    except ValueError as exc:
        raise LedgerDocumentError([Problem("line 1", f"{problem} ({exc})")]) from None
    if not isinstance(data, dict) or set(data) != {"policies"}:
        raise LedgerDocumentError([Problem("line 1", problem)])
    try:
        theirs = load_ledger(json.dumps({"policies": data["policies"]}, default=str)).policies
    except LedgerDocumentError as exc:
        raise LedgerDocumentError(
            [Problem(f"line 1.{p.path}" if p.path else "line 1", p.message) for p in exc.problems]
        ) from None
    if theirs != policies:
        raise LedgerDocumentError(
            [
                Problem(
                    "line 1.policies",
                    "must equal the target ledger's policies (a ledger's rules cannot change "
                    "on import; create the target with the file's policies)",
                )
            ]
        )


def _apply(ledger: Ledger | StoredLedger, pending: list[tuple[int, Command]]) -> int:
    if not pending:
        return 0
    if isinstance(ledger, StoredLedger):
        try:
            ledger.apply_many([command for _, command in pending])
            return len(pending)
        except (LedgerError, ValidationError):
            pass  # nothing of the batch was written: apply one by one to name the line
    for number, command in pending:
        try:
            ledger.apply(command)
        except (LedgerError, ValidationError) as exc:
            raise LedgerDocumentError([Problem(f"line {number}", f"was refused: {exc}")]) from None
    return len(pending)
