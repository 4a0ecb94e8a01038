"""``servicemodel sample``: write deterministic sample interactions as JSONL or CSV."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..exceptions import ServiceModelError
from ._common import EXIT_STATUS_HELP, CommandError, Exit, parse_as_of, usage

DEFAULT_START = "2024-01-01T00:00:00+00:00"


def register(subparsers: Any) -> None:
    """Add the ``sample`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sample",
        help="write deterministic sample interactions",
        description="Write COUNT synthetic interactions (the same seed gives the same data).",
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--count", type=int, default=1000, help="how many (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--format",
        choices=["jsonl", "csv"],
        default=None,
        help="output format (default: from the -o suffix, else jsonl)",
    )
    parser.add_argument(
        "--start",
        default=DEFAULT_START,
        help=f"ISO 8601 instant with offset the arrivals start from (default {DEFAULT_START})",
    )
    parser.add_argument(
        "--timezone",
        default="Europe/London",
        help="IANA zone whose business week shapes arrivals (default Europe/London)",
    )
    parser.add_argument("-o", "--output", default=None, help="output file (default: stdout)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the sample; return the exit status (failures raise)."""
    from ..io import write_interactions
    from ..samples import SampleProfile, generate

    start = parse_as_of(args.start, option="--start")
    try:
        interactions = generate(
            args.count,
            seed=args.seed,
            start=start,
            profile=SampleProfile(timezone=args.timezone),
        )
    except ServiceModelError as error:  # every input of this command is an option
        raise usage(str(error)) from None
    if args.output is None:
        write_interactions(interactions, sys.stdout, format=args.format or "jsonl")
        return Exit.OK
    if os.path.isdir(args.output):
        raise CommandError(f"cannot write {args.output!r}: it is a directory", Exit.FILE)
    try:
        write_interactions(interactions, args.output, format=args.format)
    except OSError as error:
        raise CommandError(
            f"cannot write {args.output!r}: {error.strerror or error}", Exit.FILE
        ) from None
    return Exit.OK


__all__ = ["register", "run"]
