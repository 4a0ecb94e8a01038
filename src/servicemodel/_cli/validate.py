"""``servicemodel validate``: check documents of every kind and print every problem."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import _documents as doc
from ..exceptions import DocumentError
from ._common import EXIT_STATUS_HELP, checked_readable


def _load_policies(path: Path) -> object:
    from ..sla import load_policies

    return load_policies(path)


def _load_model(path: Path) -> object:
    from ..model import load_model

    return load_model(path)


def _load_programme(path: Path) -> object:
    from ..loyalty import load_programme

    return load_programme(path)


def _load_ledger(path: Path) -> object:
    from ..loyalty import load_ledger

    return load_ledger(path)


def _load_rubric(path: Path) -> object:
    from ..team import load_rubric

    return load_rubric(path)


def _load_profiles(path: Path) -> object:
    from ..team import load_skill_profiles

    return load_skill_profiles(path)


def _is_policies(data: Mapping[str, Any]) -> bool:
    return isinstance(data.get("policies"), list) and "type" not in data


def _is_model(data: Mapping[str, Any]) -> bool:
    return "type" in data or "channels" in data


def _is_programme(data: Mapping[str, Any]) -> bool:
    return "commands" not in data and (
        any(key in data for key in ("earn", "tiers", "catalogue"))
        or isinstance(data.get("policies"), Mapping)
    )


#: Each kind: how to recognise it by its top-level keys (said in words, then as a test), and its loader.
KINDS: dict[str, tuple[str, Callable[[Mapping[str, Any]], bool], Callable[[Path], object]]] = {
    "policies": ("an array 'policies'", _is_policies, _load_policies),
    "model": ("'type' or 'channels'", _is_model, _load_model),
    "programme": (
        "'earn', 'tiers', 'catalogue' or a table 'policies'",
        _is_programme,
        _load_programme,
    ),
    "ledger": ("'commands'", lambda data: "commands" in data, _load_ledger),
    "rubric": ("'criteria'", lambda data: "criteria" in data, _load_rubric),
    "profiles": ("'profiles'", lambda data: "profiles" in data, _load_profiles),
}


def register(subparsers: Any) -> None:
    """Add the ``validate`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "validate",
        help="check documents (SLA policies, models, programmes, ledgers, rubrics, profiles)",
        description=(
            "Load each document (.json or .toml) and print every problem with its file, "
            "path and message. The kind of each document is recognised from its top-level "
            "keys, or named with --kind."
        ),
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="documents to check")
    parser.add_argument(
        "--kind",
        choices=sorted(KINDS),
        default=None,
        help="the kind of every FILE (default: recognised from each document's keys)",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text for people (default) or json for machines",
    )
    parser.set_defaults(run=run)


def recognise(data: Mapping[str, Any]) -> list[str]:
    """The kinds whose top-level keys *data* has, in the order of :data:`KINDS`."""
    return [name for name, (_, test, _) in KINDS.items() if test(data)]


def _unrecognised(found: list[str]) -> str:
    tried = "; ".join(f"{name} ({words})" for name, (words, _, _) in KINDS.items())
    if found:
        return (
            f"could be any of {', '.join(found)}; name the kind with --kind "
            f"({', '.join(sorted(KINDS))})"
        )
    return (
        f"is not a document kind this command recognises; tried {tried}; "
        f"name the kind with --kind ({', '.join(sorted(KINDS))})"
    )


def check_file(name: str, kind: str | None = None) -> list[dict[str, str]]:
    """Every problem of one file, as records with ``file``, ``path`` and ``message``."""
    path = Path(name)
    if kind is None:
        problems = doc.Problems()
        data = doc.read(path, format=None, problems=problems)
        if data is None:
            return [{"file": name, "path": p.path, "message": p.message} for p in problems.items]
        found = recognise(data)
        if len(found) != 1:
            return [{"file": name, "path": "", "message": _unrecognised(found)}]
        kind = found[0]
    try:
        KINDS[kind][2](path)
    except DocumentError as error:
        return [{"file": name, "path": p.path, "message": p.message} for p in error.problems]
    return []


def check(files: list[str], kind: str | None = None) -> list[dict[str, str]]:
    """Every problem of every file, as records with ``file``, ``path`` and ``message``."""
    return [problem for name in files for problem in check_file(name, kind)]


def run(args: argparse.Namespace) -> int:
    """Check the files; print the problems; return 1 if there were any, else 0.

    A file that cannot be read at all is a file error (status 3), not a problem
    of its document.
    """
    for name in args.files:
        checked_readable(name, "document")
    problems = check(args.files, args.kind)
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
