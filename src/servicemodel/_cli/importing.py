"""``servicemodel import``: turn a helpdesk export into servicemodel's interactions file."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._common import EXIT_STATUS_HELP, CommandError, Exit, checked_readable, usage, write_output
from ._progress import export_progress

if TYPE_CHECKING:
    from ..interactions import Interaction
    from ..io import ErrorReport

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``import`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "import",
        help="import a helpdesk export (Zendesk, Freshdesk, Jira Service Management) into an "
        "interactions file",
        description=(
            "Import a Zendesk export folder (the Fivetran warehouse tables as CSV or Parquet, "
            "or the REST API's saved JSON pages) into servicemodel's interactions file, and "
            "optionally its SLA policies and business-hours schedules into a policy document. "
            "A Freshdesk export is a folder of saved API v2 responses (tickets.json, "
            "conversations.json, ...). A Jira Service Management source is a JSON file or a "
            "folder of issues saved from the REST API with expand=changelog; JSM exposes no SLA "
            "policies. Every field's mapping is in docs/reference/zendesk.md, "
            "docs/reference/freshdesk.md and docs/reference/jsm.md."
        ),
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "vendor", choices=["zendesk", "freshdesk", "jsm"], help="the helpdesk the export is from"
    )
    parser.add_argument(
        "source", help="the export folder (jsm: a saved-issues JSON file or a folder of them)"
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        help="interactions file to write (.jsonl or .csv, optionally .gz); replaced only once "
        "complete",
    )
    parser.add_argument(
        "--policies-out", help="also write the SLA policies and calendars (.toml or .json)"
    )
    parser.add_argument(
        "--instance",
        help="label of the helpdesk instance: prefixes every id, for importing several together",
    )
    parser.add_argument(
        "--onto",
        metavar="EARLIER",
        help="an earlier import (interactions file) that SOURCE, a later export of the tickets "
        "changed since, brings up to date: its tickets replace the earlier ones, deleted ones "
        "are removed (the same as importing the full export); EARLIER may be the --output file",
    )
    parser.add_argument(
        "--agents",
        help="comma-separated user ids of the team: their comments are an agent's whatever the "
        "user table says (for an export without audit_log, where an agent who left reads as an "
        "end-user)",
    )
    parser.add_argument(
        "--sorted",
        action="store_true",
        help="the tables are sorted by ticket id: stream them in flat memory",
    )
    parser.add_argument(
        "--bot",
        action="append",
        default=[],
        metavar="USER_ID",
        help="freshdesk: a user whose conversations are a bot's (repeat for several)",
    )
    parser.add_argument(
        "--business-day",
        choices=["hours_24", "working_day"],
        default="hours_24",
        help="freshdesk: a target of whole days is 24 business hours a day (Freshdesk since "
        "2026, the default) or one working day of the business hours (before)",
    )
    parser.add_argument(
        "--skip-bad",
        action="store_true",
        help="leave out bad tickets and policies, listing each on stderr, instead of stopping",
    )
    parser.add_argument(
        "--status",
        action="append",
        default=[],
        metavar="NAME=STATUS",
        help="jsm: map a workflow status to a servicemodel status (e.g. 'Awaiting parts=on_hold'); "
        "repeatable",
    )
    parser.add_argument(
        "--priority",
        action="append",
        default=[],
        metavar="NAME=PRIORITY",
        help="jsm: map a priority name to a servicemodel priority (e.g. 'P1=urgent'); repeatable",
    )
    parser.add_argument(
        "--channel",
        default="web_form",
        help="jsm: the channel of issues saved without the request.channel.type property "
        "(default web_form)",
    )
    parser.set_defaults(run=run)


def pairs(values: list[str], option: str) -> dict[str, str]:
    """``NAME=VALUE`` options as a mapping (the name may hold spaces)."""
    found: dict[str, str] = {}
    for text in values:
        name, sep, value = text.rpartition("=")
        if not sep or not name.strip() or not value.strip():
            raise usage(f"'{option}' must be NAME=VALUE (got {text!r})")
        found[name.strip()] = value.strip()
    return found


def run(args: argparse.Namespace) -> int:
    """Run ``servicemodel import`` and return its exit status."""
    from ..exceptions import Problem
    from ..io import ErrorReport, freshdesk, read_interactions
    from ..io.zendesk import Grouping, read_export, read_policies, refresh
    from ..sla import dump_policies

    if args.vendor == "jsm":
        return _run_jsm(args)
    if not os.path.isdir(args.source):
        raise CommandError(f"cannot read the export folder {args.source!r}", Exit.FILE)
    _check_output(args.output)
    policy_format = None
    if args.policies_out is not None:
        policy_format = os.path.splitext(args.policies_out)[1].lower().lstrip(".")
        if policy_format not in ("toml", "json"):
            raise usage(
                f"'--policies-out' must name a .toml or .json file (got {args.policies_out!r})"
            )
    report = ErrorReport() if args.skip_bad else None
    grouping = Grouping.TICKET_ORDER if args.sorted else Grouping.IN_MEMORY
    problems: list[Problem] | None = [] if args.skip_bad else None
    policy_text = None
    if args.policies_out is not None:
        if args.vendor == "freshdesk":
            policies, _calendars = freshdesk.read_policies(
                args.source,
                instance=args.instance,
                business_day=freshdesk.BusinessDay(args.business_day),
                on_problem=problems,
            )
        else:
            policies, _calendars = read_policies(
                args.source, instance=args.instance, on_problem=problems
            )
        policy_text = dump_policies(policies, format="json" if policy_format == "json" else "toml")
    agents = None if args.agents is None else [a.strip() for a in args.agents.split(",")]
    if args.vendor == "freshdesk":
        if args.onto is not None or agents is not None:
            raise usage("'--onto' and '--agents' are for Zendesk exports")
        items = freshdesk.read_export(
            args.source, instance=args.instance, bots=args.bot, on_error=report
        )
    elif args.onto is not None:
        checked_readable(args.onto, "the earlier import")
        items = refresh(
            read_interactions(args.onto),
            args.source,
            instance=args.instance,
            grouping=grouping,
            on_error=report,
            agents=agents,
        )
    else:
        items = read_export(
            args.source, instance=args.instance, grouping=grouping, on_error=report, agents=agents
        )
    with export_progress(
        args.source,
        items,
        label="importing",
        bar=args.onto is None and args.vendor == "zendesk",
    ) as counted:
        count = _write(counted, args.output)
    if policy_text is not None:
        write_output(policy_text, args.policies_out)
    for problem in problems or ():
        print(f"servicemodel import: left out: {problem}", file=sys.stderr)
    return _imported(count, args.output, report)


def _run_jsm(args: argparse.Namespace) -> int:
    """``servicemodel import jsm``: saved issues into an interactions file."""
    from ..io import ErrorReport
    from ..io.jsm import read_issues

    if not os.path.exists(args.source):
        raise CommandError(f"cannot read the saved issues {args.source!r}", Exit.FILE)
    if args.policies_out is not None:
        raise usage(
            "'--policies-out' cannot be used with jsm: JSM's REST API exposes no SLA goals, "
            "conditions or calendars; write them as a servicemodel policy document "
            "(docs/how-to/jsm.md)"
        )
    if args.sorted:
        raise usage("'--sorted' is for Zendesk tables; JSM issues are read one by one anyway")
    _check_output(args.output)
    report = ErrorReport() if args.skip_bad else None
    items = read_issues(
        args.source,
        instance=args.instance,
        statuses=pairs(args.status, "--status"),
        priorities=pairs(args.priority, "--priority"),
        channel=args.channel,
        on_error=report,
    )
    count = _write(items, args.output)
    return _imported(count, args.output, report)


def _check_output(output: str) -> None:
    """Refuse an output path that is not an interactions file, before anything is read."""
    from ..io import Format

    try:
        Format.of_path(output)
    except Exception:
        raise usage(
            f"'--output' must name a .jsonl or .csv file (optionally .gz) (got {output!r})"
        ) from None


def _write(items: Iterable[Interaction], output: str) -> int:
    """Write *items* to *output*; a failed write is a file error that leaves the old file."""
    from ..io import write_interactions

    try:
        return write_interactions(items, output)
    except OSError as error:
        raise CommandError(
            f"cannot write {output!r}: {error.strerror or error}; the file there (if any) "
            "is unchanged",
            Exit.FILE,
        ) from None


def _imported(count: int, output: str, report: ErrorReport | None) -> int:
    """Say what was left out and how many interactions were imported."""
    if report:
        print(f"servicemodel import: left out {report}", file=sys.stderr)
    noun = "interaction" if count == 1 else "interactions"
    print(f"imported {count:,} {noun} into {output}", file=sys.stderr)
    return Exit.OK
