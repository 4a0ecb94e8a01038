"""``servicemodel sla``: print every SLA clock of each interaction in a file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pendulum

from ..exceptions import CalendarError, PolicyDocumentError
from ._common import EXIT_STATUS_HELP, CommandError, Exit, checked_readable, parse_as_of, printable


def register(subparsers: Any) -> None:
    """Add the ``sla`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sla",
        help="evaluate SLA clocks of interactions",
        description=(
            "Read interactions (JSONL or CSV; - for stdin) and print each one's SLA clocks "
            "under a policy document as of an instant."
        ),
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="interactions file (.jsonl, .csv, optionally .gz), or -")
    parser.add_argument("--policies", required=True, help="policy document (.json or .toml)")
    parser.add_argument(
        "--as-of",
        required=True,
        help="evaluation instant, ISO 8601 with an offset, e.g. 2024-06-10T12:00:00+01:00",
    )
    parser.add_argument(
        "--format",
        choices=["text", "jsonl"],
        default="text",
        help="a readable table (default) or one JSON record per clock",
    )
    parser.set_defaults(run=run)


def _text(value: pendulum.DateTime | None) -> str:
    return "-" if value is None else value.isoformat()


def _whole_seconds(duration: pendulum.Duration) -> int:
    """Whole seconds, rounded down (a negative remainder stays negative)."""
    return duration // pendulum.duration(seconds=1)


def _due(clock: Any) -> pendulum.DateTime | None:
    try:
        due: pendulum.DateTime | None = clock.due_at
    except CalendarError:
        return None
    return due


def run(args: argparse.Namespace) -> int:
    """Evaluate and print the clocks; return the exit status (failures raise)."""
    from ..io import read_interactions
    from ..sla import evaluate, load_policies

    as_of = parse_as_of(args.as_of)
    checked_readable(args.policies, "the policy document")
    if args.file != "-":
        checked_readable(args.file, "the interactions file")
    try:
        policies = load_policies(Path(args.policies))
    except PolicyDocumentError as error:
        raise CommandError(f"{args.policies}: {error}", Exit.INVALID_INPUT) from None
    source: Any = sys.stdin if args.file == "-" else args.file
    for interaction in read_interactions(source, format="jsonl" if args.file == "-" else None):
        result = evaluate(interaction, policies, as_of=as_of)
        for clock in result.clocks:
            record = {
                "interaction": interaction.id,
                "policy": clock.policy,
                "priority": clock.priority.value,
                "metric": clock.metric.value,
                "cycle": clock.cycle,
                "state": clock.state.value,
                "breached": clock.breached,
                "started_at": _text(clock.started_at),
                "due_at": _text(_due(clock)),
                "completed_at": _text(clock.completed_at),
                "business_elapsed_s": _whole_seconds(clock.business_elapsed),
                "remaining_s": _whole_seconds(clock.remaining),
                "percent_used": round(float(clock.percent_used), 1),
            }
            if args.format == "jsonl":
                print(printable(json.dumps(record, ensure_ascii=False)))
            else:
                flag = "BREACHED" if clock.breached else ""
                print(
                    printable(
                        f"{record['interaction']:<12} {record['metric']:<16}{record['cycle']:>2} "
                        f"{record['state']:<10}{record['percent_used']:>7}%  "
                        f"due {record['due_at']:<26}{flag}"
                    )
                )
        if not result.clocks and args.format == "text":
            print(printable(f"{interaction.id:<12} no SLA policy applies"))
    return Exit.OK
