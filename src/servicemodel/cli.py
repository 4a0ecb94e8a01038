"""The ``servicemodel`` command line (also ``python -m servicemodel``).

Sub-commands live in private modules under ``servicemodel._cli``, one each.

>>> main(["--version"])
Traceback (most recent call last):
...
SystemExit: 0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

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
    )
    parser.add_argument("--version", action="version", version=f"servicemodel {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for register in _registrations():
        register(subparsers)
    return parser


def _registrations() -> list[Callable[[Any], None]]:
    # Sub-command modules, imported here so `servicemodel --version` stays fast to start.
    from ._cli import assess, ledger, sample, sla, summary, validate

    return [
        assess.register,
        ledger.register,
        sample.register,
        sla.register,
        summary.register,
        validate.register,
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``) and return the exit status.

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
        return 2
    status: int = run(args)
    return status
