"""A progress line on stderr while a command reads a long input, only when stderr is a terminal.

The line shows how much of the file was read (from the position in the file,
compressed or not) and how many interactions came from it; from a helpdesk
export folder, how many of its tickets were imported (counted first, from the
ticket table's ids); from a pipe, where the size is unknown, only the count.
It is redrawn at most ten times a second and erased when the reading ends, so
a terminal keeps only the report.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import IO, Any, TextIO, cast

from ._common import is_freshdesk_export

__all__ = ["ProgressLine", "export_progress", "read_with_progress"]

_BAR = 24
_EVERY = 0.1  # seconds between redraws


class ProgressLine:
    """Draws ``label  [#####.....]  42%  84.0 of 200.0 MB  120,000 interactions`` on *stream*.

    With *tickets* (the number an export holds) instead of a *size*, the bar
    is ``420 of 1,000 tickets``.
    """

    def __init__(
        self, label: str, stream: TextIO, *, size: int | None, tickets: int | None = None
    ) -> None:
        self.label = label
        self.stream = stream
        self.size = size
        self.tickets = tickets
        self._drawn_at = -_EVERY
        self._width = 0

    def update(self, count: int, position: int | None, *, force: bool = False) -> None:
        """Redraw for *count* interactions read up to byte *position* (rate-limited)."""
        now = time.monotonic()
        if not force and now - self._drawn_at < _EVERY:
            return
        self._drawn_at = now
        line = f"{self.label}  {count:,} interactions"
        if self.tickets:
            share = min(1.0, count / self.tickets)
            line = f"{self.label}  {_bar(share)}  {count:,} of {self.tickets:,} tickets"
        elif self.size and position is not None:
            share = min(1.0, position / self.size)
            line = (
                f"{self.label}  {_bar(share)}  "
                f"{position / 1e6:,.1f} of {self.size / 1e6:,.1f} MB  {count:,} interactions"
            )
        self._width = max(self._width, len(line))
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()

    def close(self) -> None:
        """Erase the line."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()


def _bar(share: float) -> str:
    filled = round(share * _BAR)
    return f"[{'#' * filled}{'.' * (_BAR - filled)}] {share:4.0%}"


@contextlib.contextmanager
def export_progress(
    folder: str,
    items: Iterable[Any],
    *,
    label: str,
    stream: TextIO | None = None,
    bar: bool = True,
) -> Iterator[Iterator[Any]]:
    """*items* imported from the export *folder*, with a bar over its tickets on a terminal.

    ``bar=False`` (the items are not the folder's tickets alone): the count only.
    """
    from ..io.zendesk import count_tickets

    out = sys.stderr if stream is None else stream
    if not out.isatty():
        yield iter(items)
        return
    total = count_tickets(folder) if bar else None
    progress = ProgressLine(label, out, size=None, tickets=total)
    try:
        yield _counted(items, progress, None)
    finally:
        progress.close()


def _counted(items: Iterable[Any], progress: ProgressLine, raw: IO[bytes] | None) -> Iterator[Any]:
    count = 0
    for item in items:
        count += 1
        if count % 256 == 1:
            progress.update(count, None if raw is None else raw.tell())
        yield item
    progress.update(count, None if raw is None else raw.tell(), force=True)


@contextlib.contextmanager
def read_with_progress(
    source: str, *, format: str | None, label: str, stream: TextIO | None = None
) -> Iterator[Iterator[Any]]:
    """Interactions from *source* (a path, ``-`` for stdin, or an export folder), with a progress line.

    The line is drawn only when *stream* (default stderr) is a terminal; otherwise
    this is :func:`servicemodel.io.read_interactions` and nothing more.
    """
    from ..io import Format, read_interactions

    out = sys.stderr if stream is None else stream
    if source != "-" and os.path.isdir(source) and is_freshdesk_export(source):
        from ..io import freshdesk

        items = freshdesk.read_export(source)
        with export_progress(source, items, label=label, stream=out, bar=False) as counted:
            yield counted
        return
    if source != "-" and os.path.isdir(source):  # a helpdesk export folder
        from ..io.zendesk import read_export

        with export_progress(source, read_export(source), label=label, stream=out) as items:
            yield items
        return
    if format is not None:
        chosen = Format(format)
    else:
        chosen = Format.JSONL if source == "-" else Format.of_path(source)
    if source == "-":
        items = read_interactions(sys.stdin.buffer, format=chosen)
        if not out.isatty():
            yield items
            return
        progress = ProgressLine(label, out, size=None)
        try:
            yield _counted(items, progress, None)
        finally:
            progress.close()
        return
    if not out.isatty():
        yield read_interactions(source, format=chosen)
        return
    with open(source, "rb") as raw:
        size = os.fstat(raw.fileno()).st_size
        progress = ProgressLine(label, out, size=size)
        try:
            if source.lower().endswith(".gz"):
                with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                    lines = cast("IO[bytes]", unzipped)
                    yield _counted(read_interactions(lines, format=chosen), progress, raw)
            else:
                yield _counted(read_interactions(raw, format=chosen), progress, raw)
        finally:
            progress.close()
