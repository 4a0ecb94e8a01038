"""What every sub-command shares: exit statuses, errors, ``--as-of``, output and readable files.

A sub-command's ``run`` returns :attr:`Exit.OK` or raises; :func:`servicemodel.cli.main`
turns what it raises into one message on stderr and one exit status, the same for
every command (the table is :data:`EXIT_STATUS_HELP`).
"""

from __future__ import annotations

import enum
import os
import sys
from typing import TextIO

import pendulum

__all__ = [
    "EXIT_STATUS_HELP",
    "CommandError",
    "Exit",
    "checked_readable",
    "parse_as_of",
    "printable",
    "usage",
    "write_output",
]


class Exit(enum.IntEnum):
    """The exit statuses of every ``servicemodel`` command."""

    OK = 0
    INVALID_INPUT = 1
    USAGE = 2
    FILE = 3
    INTERRUPTED = 130


EXIT_STATUS_HELP = """\
exit status (the same for every command):
  0    done; also when the reader of the output stops early (as `| head` does)
  1    an input is invalid: a document or a data record (every problem is printed)
  2    usage: a missing, extra or wrong argument or option
  3    a file cannot be read or written (missing, no permission, disk full)
  130  interrupted (Ctrl-C)
"""


class CommandError(Exception):
    """A failure the command explains in one message, with the exit status it ends with."""

    def __init__(self, message: str, status: Exit) -> None:
        super().__init__(message)
        self.status = status


def usage(message: str) -> CommandError:
    """A usage error (exit status 2) with *message*."""
    return CommandError(message, Exit.USAGE)


def parse_as_of(
    text: str, *, option: str = "--as-of", zone: str | None = None
) -> pendulum.DateTime:
    """An instant from ``--as-of`` text: ISO 8601 with an offset or ``Z``.

    With *zone*, a bare date (``2024-01-05``) is also taken: midnight at its start in
    that zone. Anything else is a usage error that shows an accepted form.
    """
    example = "2024-01-05T00:00:00Z" if zone is None else "2024-01-05 or 2024-01-05T00:00:00Z"
    try:
        value = pendulum.parse(text, exact=True)
    except Exception:  # pendulum raises several parser error kinds
        raise usage(
            f"'{option}' must be a date and time with an offset such as {example} (got {text!r})"
        ) from None
    if isinstance(value, pendulum.Date) and not isinstance(value, pendulum.DateTime):
        if zone is None:
            raise usage(
                f"'{option}' must be a date and time with an offset, because this command has "
                f"no timezone to place a bare date in; use e.g. {text}T00:00:00Z (got {text!r})"
            )
        return pendulum.datetime(value.year, value.month, value.day, tz=zone)
    if not isinstance(value, pendulum.DateTime):
        raise usage(
            f"'{option}' must be a date and time with an offset such as {example} (got {text!r})"
        )
    if not any(mark in text[10:] for mark in "Zz+-"):
        raise usage(
            f"'{option}' must carry an offset or Z, e.g. {text}Z, so the instant is not "
            f"ambiguous (got {text!r})"
        )
    return value


def checked_readable(path: str, what: str) -> str:
    """*path* if it names a readable file; a file error (exit status 3) that names *what* if not."""
    try:
        with open(path, "rb"):
            pass
    except IsADirectoryError:
        raise CommandError(f"cannot read {what} {path!r}: it is a directory", Exit.FILE) from None
    except OSError as error:
        raise CommandError(f"cannot read {what} {path!r}: {error.strerror}", Exit.FILE) from None
    return path


def is_freshdesk_export(path: str) -> bool:
    """Whether *path* is Freshdesk's ``tickets.json`` (a JSON array) or a folder holding it.

    Zendesk's API pages are also called ``tickets.json``, but hold an object.
    """
    if os.path.isdir(path):
        if os.path.isdir(os.path.join(path, "tickets")):
            return True
        path = os.path.join(path, "tickets.json")
    if os.path.basename(path) != "tickets.json" or not os.path.isfile(path):
        return False
    with open(path, encoding="utf-8-sig", errors="replace") as file:
        return file.read(4096).lstrip().startswith("[")


def printable(text: str) -> str:
    """*text* with any lone surrogate written as its escape (the report's own rule)."""
    from .._model._report_render import printable as report_printable

    return report_printable(text)


def write_output(text: str, path: str | None, *, stdout: TextIO | None = None) -> None:
    """Write *text* to *path* whole or not at all, or to stdout when *path* is ``None``.

    A path is written to a temporary file beside it that replaces it only once all
    was written, so a full disk, a size limit or a kill midway leaves the previous
    file as it was. Lone surrogates are written as escapes, never as a crash.
    """
    from ..io import write_text

    text = printable(text)
    if path is None:
        out = sys.stdout if stdout is None else stdout
        out.write(text)
        out.flush()
        return
    if os.path.isdir(path):
        raise CommandError(f"cannot write the report to {path!r}: it is a directory", Exit.FILE)
    try:
        write_text(path, text)
    except OSError as error:
        raise CommandError(
            f"cannot write the report to {path!r}: {error.strerror or error}; "
            "the file there (if any) is unchanged",
            Exit.FILE,
        ) from None
