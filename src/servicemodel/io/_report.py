"""Collecting bad records instead of stopping at the first one."""

from __future__ import annotations

from typing import final

from .._validators import integer
from ..exceptions import RecordError

__all__ = ["ErrorReport"]

_DEFAULT_KEEP = 1_000


@final
class ErrorReport:
    """Collects the bad records a reader skipped, so reading can go on past them.

    Pass one as ``on_error=`` to a reader: every bad record is counted and
    (up to *keep* of them) kept as a :class:`~servicemodel.exceptions.RecordError`
    with its line number and field; the good records are still yielded.
    Inspect the report after iterating. Only the first *keep* errors are kept
    so a file of nothing but garbage cannot exhaust memory; :attr:`count`
    counts them all.

    Args:
        keep: how many errors to keep (at least 0).

    Raises:
        ValidationError: *keep* is negative or not an integer.

    >>> import io
    >>> from servicemodel.io import read_interactions
    >>> lines = io.StringIO('{"id": "T-1"\\n')
    >>> report = ErrorReport()
    >>> list(read_interactions(lines, format="jsonl", on_error=report))
    []
    >>> report.count, report.errors[0].line
    (1, 1)
    >>> print(report)
    1 bad record:
      line 1: the record must be valid JSON (got ...)
    """

    __slots__ = ("_count", "_errors", "_keep")

    def __init__(self, *, keep: int = _DEFAULT_KEEP) -> None:
        self._keep = integer(keep, field="keep", low=0)
        self._errors: list[RecordError] = []
        self._count = 0

    @property
    def count(self) -> int:
        """How many bad records were seen (including any not kept).

        >>> ErrorReport().count
        0
        """
        return self._count

    @property
    def errors(self) -> tuple[RecordError, ...]:
        """The kept errors, in file order.

        >>> ErrorReport().errors
        ()
        """
        return tuple(self._errors)

    def add(self, error: RecordError) -> None:
        """Record one bad record (readers call this; tests and adapters may too).

        >>> report = ErrorReport(keep=1)
        >>> report.add(RecordError("line 1: bad", line=1))
        >>> report.add(RecordError("line 2: bad", line=2))
        >>> report.count, len(report.errors)
        (2, 1)
        """
        self._count += 1
        if len(self._errors) < self._keep:
            self._errors.append(error)

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __repr__(self) -> str:
        return f"ErrorReport(count={self._count}, kept={len(self._errors)})"

    def __str__(self) -> str:
        noun = "bad record" if self._count == 1 else "bad records"
        lines = [f"{self._count} {noun}" + (":" if self._errors else "")]
        lines.extend(f"  {error}" for error in self._errors)
        if self._count > len(self._errors):
            lines.append(f"  ... and {self._count - len(self._errors)} more")
        return "\n".join(lines)
