"""The ``servicemodel`` command line (also ``python -m servicemodel``).

Sub-commands live in private modules under ``servicemodel._cli``, one each.

>>> main(["--version"])
Traceback (most recent call last):
...
SystemExit: 0
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from ._cli._common import EXIT_STATUS_HELP, CommandError, Exit
from ._version import __version__

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command registered.

    >>> build_parser().prog
    'servicemodel'
    """
    parser = argparse.ArgumentParser(
        prog="servicemodel",
        description="Run a customer service model in code.",
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"servicemodel {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    for register in _registrations():
        register(subparsers)
    return parser


def _registrations() -> list[Callable[[Any], None]]:
    # Sub-command modules, imported here so `servicemodel --version` stays fast to start.
    from ._cli import assess, importing, ledger, reconcile, sample, sla, summary, validate

    return [
        assess.register,
        importing.register,
        ledger.register,
        reconcile.register,
        sample.register,
        sla.register,
        summary.register,
        validate.register,
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``) and return the exit status.

    Every command ends with the same statuses for the same kinds of failure (the
    table is in ``--help``): 1 for invalid input, 2 for usage, 3 for a file that
    cannot be read or written, 130 for Ctrl-C. A reader that stops early (``| head``)
    ends the command quietly with 0.

    >>> main([])
    usage: servicemodel [-h] [--version] COMMAND ...
    <BLANKLINE>
    Run a customer service model in code.
    ...
    2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help(sys.stdout)
        return int(Exit.USAGE)
    return _run(run, args, f"servicemodel {args.command}")


def _run(run: Callable[[argparse.Namespace], int], args: argparse.Namespace, name: str) -> int:
    from .exceptions import ServiceModelError

    try:
        status = int(run(args))
        sys.stdout.flush()
    except BrokenPipeError:
        _drop_stdout()
        return int(Exit.OK)
    except CommandError as error:
        return _fail(name, str(error), error.status)
    except ServiceModelError as error:
        notes = "".join(f"\n{note}" for note in getattr(error, "__notes__", ()))
        return _fail(name, f"{error}{notes}", Exit.INVALID_INPUT)
    except OSError as error:
        where = f" {error.filename!r}" if error.filename else ""
        return _fail(name, f"cannot read or write{where}: {error.strerror or error}", Exit.FILE)
    except KeyboardInterrupt:
        return _fail(name, "interrupted", Exit.INTERRUPTED)
    return status


def _fail(name: str, message: str, status: Exit) -> int:
    with contextlib.suppress(OSError):
        print(f"{name}: {message}", file=sys.stderr)
    return int(status)


def _drop_stdout() -> None:
    # The reader went away (`| head`): point stdout at /dev/null so the interpreter's
    # final flush does not fail again, and stop quietly, as Unix tools do.
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
