"""``servicemodel sample``: write deterministic sample interactions as JSONL or CSV."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..exceptions import ServiceModelError

DEFAULT_START = "2024-01-01T00:00:00+00:00"


def register(subparsers: Any) -> None:
    """Add the ``sample`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sample",
        help="write deterministic sample interactions",
        description="Write COUNT synthetic interactions (the same seed gives the same data).",
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
    """Write the sample; return the exit status."""
    from ..io import write_interactions
    from ..io._codec import parse_instant
    from ..samples import SampleProfile, generate

    try:
        try:
            start = parse_instant(args.start, "start")
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ServiceModelError):
                raise
            print(
                f"servicemodel sample: '--start' must be an ISO 8601 instant with a UTC offset "
                f"such as {DEFAULT_START} (got {args.start!r})",
                file=sys.stderr,
            )
            return 2
        interactions = generate(
            args.count,
            seed=args.seed,
            start=start,
            profile=SampleProfile(timezone=args.timezone),
        )
        if args.output is not None:
            write_interactions(interactions, args.output, format=args.format)
            return 0
        write_interactions(interactions, sys.stdout, format=args.format or "jsonl")
        sys.stdout.flush()
    except ServiceModelError as error:
        print(f"servicemodel sample: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return 0


__all__ = ["register", "run"]
