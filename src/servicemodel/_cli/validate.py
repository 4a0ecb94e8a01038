"""``servicemodel validate``: check SLA policy documents and print every problem."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..exceptions import PolicyDocumentError


def register(subparsers: Any) -> None:
    """Add the ``validate`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "validate",
        help="check SLA policy documents",
        description=(
            "Load each SLA policy document (.json or .toml) and print every problem with "
            "its file, path and message. Exit status: 0 when all are valid, 1 otherwise."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="policy documents to check")
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text for people (default) or json for machines",
    )
    parser.set_defaults(run=run)


def check(files: list[str]) -> list[dict[str, str]]:
    """Every problem of every file, as records with ``file``, ``path`` and ``message``."""
    from ..sla import load_policies

    problems: list[dict[str, str]] = []
    for name in files:
        try:
            load_policies(Path(name))
        except PolicyDocumentError as error:
            problems.extend(
                {"file": name, "path": p.path, "message": p.message} for p in error.problems
            )
    return problems


def run(args: argparse.Namespace) -> int:
    """Check the files; print the problems; return 1 if there were any, else 0."""
    problems = check(args.files)
    if args.format == "json":
        json.dump(
            {"valid": not problems, "files": len(args.files), "problems": problems},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        for problem in problems:
            where = f"{problem['file']}: {problem['path']}" if problem["path"] else problem["file"]
            print(f"{where}: {problem['message']}")
        count = len(problems)
        if count:
            print(f"{count} problem{'s' if count != 1 else ''} in {len(args.files)} file(s)")
        else:
            print(f"{len(args.files)} file(s) valid")
    return 1 if problems else 0
