"""``servicemodel ledger``: keep a points ledger in a store (SQLite or PostgreSQL).

Sub-commands, each with ``--store URL``:

- ``init [--policies FILE]``: create an empty store (policies from a ledger
  document, JSON or TOML; default policies without it);
- ``apply FILE|-``: run commands, one JSON object per line, each in its own
  transaction; print one receipt per line;
- ``balance MEMBER --as-of INSTANT``: print the member's balance;
- ``export [FILE|-]``: write the ledger as JSON lines (header, then commands);
- ``import FILE|-``: apply an exported ledger (batches of 1,000 commands).

Exit status: 0 done, 1 the store or a command refused (message on stderr),
2 a bad command line.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..exceptions import LedgerError, ServiceModelError, StoreNotFound, ValidationError
from ._common import EXIT_STATUS_HELP, Exit

_PROG = "servicemodel ledger"


def register(subparsers: Any) -> None:
    """Add the ``ledger`` sub-command and its own sub-commands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "ledger",
        help="keep a points ledger in SQLite or PostgreSQL",
        description=(
            "Create a ledger store, apply commands to it, ask a balance, and move a ledger "
            "to and from JSON lines. --store is sqlite:///PATH or postgresql://..."
        ),
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    def action(name: str, help: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = actions.add_parser(
            name,
            help=help,
            description=help,
            epilog=EXIT_STATUS_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("--store", required=True, metavar="URL", help="the store's URL")
        sub.set_defaults(run=run, action=name)
        return sub

    init = action("init", "create an empty ledger store")
    init.add_argument(
        "--policies", metavar="FILE", help="a ledger document (.json or .toml) with the policies"
    )
    apply = action("apply", "apply commands (one JSON object per line) in order")
    # The line format is a ledger document's command, as `export` writes it: shown, so
    # that a first command can be written without reading the reference.
    apply.description = (
        "apply commands (one JSON object per line) in order, each in its own transaction; "
        "a line is a command as `export` writes it, e.g.\n"
        '  {"command": "earn", "key": "order-1", "member": "ann", '
        '"at": "2025-01-10T10:00:00+00:00", "points": 100}\n'
        '  {"command": "redeem", "key": "r-1", "member": "ann", '
        '"at": "2025-01-11T10:00:00+00:00", "points": 30}'
    )
    apply.add_argument("file", metavar="FILE", help="the commands, or - for standard input")
    balance = action("balance", "print a member's balance as of an instant")
    balance.add_argument("member", metavar="MEMBER")
    balance.add_argument(
        "--as-of", required=True, metavar="INSTANT", help="ISO 8601 with an offset"
    )
    export = action("export", "write the ledger as JSON lines")
    export.add_argument("file", nargs="?", default="-", metavar="FILE", help="default: stdout")
    imports = action("import", "apply a ledger exported as JSON lines")
    imports.add_argument("file", metavar="FILE", help="the JSON lines, or - for standard input")


def run(args: argparse.Namespace) -> int:
    """Run one ledger action; return the exit status."""
    try:
        status: int = _ACTIONS[args.action](args)
    except (StoreNotFound, OSError) as error:  # a store or file that cannot be read: status 3
        print(f"{_PROG} {args.action}: {error}", file=sys.stderr)
        return Exit.FILE
    except ServiceModelError as error:
        print(f"{_PROG} {args.action}: {error}", file=sys.stderr)
        return Exit.INVALID_INPUT
    return status


def _init(args: argparse.Namespace) -> int:
    from ..loyalty import Policies, load_ledger
    from ..loyalty.store import create_store

    policies = Policies()
    if args.policies is not None:
        path = Path(args.policies)
        fmt = "toml" if path.suffix.lower() == ".toml" else "json"
        document = load_ledger(path.read_bytes(), format=fmt)
        if document.commands():
            raise ValidationError(
                f"'--policies' must be a ledger document without commands (got "
                f"{len(document.commands())} in {args.policies}); use `import` for commands",
                field="--policies",
                value=args.policies,
            )
        policies = document.policies
    create_store(args.store, policies=policies).close()
    print(f"created {args.store}")
    return 0


def _apply(args: argparse.Namespace) -> int:
    from ..loyalty.store import command_from_json, open_store

    with open_store(args.store) as ledger, _reading(args.file) as source:
        for number, line in enumerate(source, start=1):
            if not line.strip():
                continue
            command = command_from_json(line, f"line {number}", ledger.policies.zone)
            try:
                receipt = ledger.apply(command)
            except (LedgerError, ValidationError) as error:
                raise LedgerError(f"line {number}: {error}") from None
            record = {"key": receipt.key, "member": receipt.member, "version": receipt.version}
            print(json.dumps(record, ensure_ascii=False))
    return 0


def _balance(args: argparse.Namespace) -> int:
    from .._time import aware
    from ..loyalty.store import open_store

    try:
        as_of = aware(_dt.datetime.fromisoformat(args.as_of), field="--as-of")
    except ValueError:
        raise ValidationError(
            f"'--as-of' must be an ISO 8601 instant with an offset (got {args.as_of!r})",
            field="--as-of",
            value=args.as_of,
        ) from None
    with open_store(args.store) as ledger:
        b = ledger.balance(args.member, as_of=as_of)
    record = {"member": args.member, "available": b.available, "pending": b.pending, "debt": b.debt}
    print(json.dumps(record, ensure_ascii=False))
    return 0


def _export(args: argparse.Namespace) -> int:
    from ..loyalty.store import export_jsonl, open_store

    with open_store(args.store) as ledger:
        if args.file == "-":
            count = export_jsonl(ledger, sys.stdout)
        else:
            count = export_jsonl(ledger, Path(args.file))
    print(f"exported {count:,} commands", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from ..loyalty.store import import_jsonl, open_store

    with open_store(args.store) as ledger, _reading(args.file) as source:
        count = import_jsonl(ledger, source)
    print(f"imported {count:,} commands", file=sys.stderr)
    return 0


@contextmanager
def _reading(name: str) -> Iterator[IO[str]]:
    if name == "-":
        yield sys.stdin
        return
    with open(name, encoding="utf-8") as file:
        yield file


_ACTIONS = {
    "init": _init,
    "apply": _apply,
    "balance": _balance,
    "export": _export,
    "import": _import,
}
