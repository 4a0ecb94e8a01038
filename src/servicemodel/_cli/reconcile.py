"""``servicemodel reconcile``: servicemodel's SLA figures beside the vendor's, ticket by ticket."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exceptions import PolicyDocumentError, ValidationError

if TYPE_CHECKING:
    from ..interactions import Interaction
from ._common import (
    EXIT_STATUS_HELP,
    CommandError,
    Exit,
    checked_readable,
    is_freshdesk_export,
    parse_as_of,
    usage,
    write_output,
)

_SOURCES = {
    "sla-policies": "dbt_zendesk's zendesk__sla_policies table (CSV)",
    "metric-events": "Zendesk's ticket metric events (JSON page, list or lines)",
    "freshdesk": "Freshdesk's tickets (tickets.json, or its export folder): due times and flags",
    "jsm": "Jira Service Management issues with their SLA fields (JSON file or folder)",
}
#: The profile that matches each source's semantics when --profile is not given.
_DEFAULT_PROFILE = {
    "sla-policies": "dbt_zendesk",
    "metric-events": "zendesk",
    "freshdesk": "freshdesk",
    "jsm": "jsm",
}


def register(subparsers: Any) -> None:
    """Add the ``reconcile`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "reconcile",
        help="compare SLA figures with the vendor's, ticket by ticket",
        description=(
            "Evaluate the interactions' SLA clocks under a policy document and put each "
            "beside the figure the vendor recorded: agree or differ, by how much, and the "
            "rule behind each difference."
        ),
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file",
        help="interactions file (.jsonl, .csv, optionally .gz), -, or an export folder "
        "(imported on the fly as by `servicemodel import zendesk`, or `import freshdesk|jsm` "
        "with --recorded-format freshdesk|jsm)",
    )
    parser.add_argument(
        "--policies",
        default=None,
        help="policy document (.json or .toml); required unless FILE is an export folder, "
        "whose own policies and schedules are used by default",
    )
    parser.add_argument(
        "--recorded",
        required=True,
        help="the vendor's recorded SLA figures (see --recorded-format)",
    )
    parser.add_argument(
        "--recorded-format",
        choices=sorted(_SOURCES),
        default=None,
        help="sla-policies: dbt_zendesk's zendesk__sla_policies CSV; metric-events: Zendesk's "
        "ticket metric events JSON; freshdesk: a Freshdesk export folder or its tickets.json; "
        "jsm: saved JSM issues, whose SLA fields hold the cycles (default: Freshdesk's "
        "tickets.json or a folder holding it is freshdesk, another folder jsm, else by "
        "extension, .csv or .json/.jsonl)",
    )
    parser.add_argument(
        "--as-of",
        required=True,
        help="evaluation instant, ideally the vendor's run or export time, "
        "ISO 8601 with an offset, e.g. 2026-12-06T02:45:00Z",
    )
    parser.add_argument(
        "--profile",
        choices=["default", "dbt_zendesk", "zendesk", "jsm", "freshdesk"],
        default=None,
        help="the vendor semantics to evaluate under and the peer rules to name "
        "(default: dbt_zendesk for sla-policies, zendesk for metric-events, jsm for jsm, "
        "freshdesk for freshdesk)",
    )
    parser.add_argument(
        "--sla-metric",
        action="append",
        default=[],
        metavar="NAME=METRIC",
        help="jsm: the servicemodel metric an SLA measures (e.g. 'Time to triage=first_reply'; "
        "'NAME=none' leaves it out); repeatable",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="a readable list (default) or one JSON document for machines",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="in text, also list the rows that agree (default: only the differences)",
    )
    parser.add_argument(
        "--bot",
        action="append",
        default=[],
        metavar="USER_ID",
        help="freshdesk export folder: a user whose conversations are a bot's (repeat for several)",
    )
    parser.add_argument("--output", "-o", default=None, help="write to this file instead of stdout")
    parser.set_defaults(run=run)


def _source(args: argparse.Namespace) -> str:
    if args.recorded_format is not None:
        return str(args.recorded_format)
    if is_freshdesk_export(args.recorded):
        return "freshdesk"
    if os.path.isdir(args.recorded):
        return "jsm"
    name = args.recorded.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return "sla-policies"
    if name.endswith((".json", ".jsonl")):
        return "metric-events"
    raise usage(
        f"'--recorded-format' is needed: the extension of {args.recorded!r} does not say "
        "whether it is sla-policies (.csv) or metric-events (.json, .jsonl)"
    )


def run(args: argparse.Namespace) -> int:
    """Evaluate, reconcile and print; return the exit status (failures raise)."""
    from ..io import freshdesk, read_interactions
    from ..io.zendesk import (
        read_export,
        read_policies,
        read_recorded_sla,
        read_ticket_metric_events,
    )
    from ..sla import Profile, evaluate, load_policies, reconcile

    as_of = parse_as_of(args.as_of)
    source = _source(args)
    profile = Profile.named(args.profile or _DEFAULT_PROFILE[source])
    folder = args.file != "-" and os.path.isdir(args.file)
    if args.policies is None and source == "jsm":
        from ..io.jsm import reconcile_issues

        try:
            reconcile_issues(args.recorded, policies=None, as_of=as_of)
        except ValidationError as error:
            raise usage(str(error)) from None
    if args.policies is None and not folder:
        raise usage("'--policies' is needed: FILE is not an export folder with its own policies")
    if args.policies is not None:
        checked_readable(args.policies, "the policy document")
    recorded_folder = None
    if source == "freshdesk":
        recorded_folder = (
            args.recorded if os.path.isdir(args.recorded) else os.path.dirname(args.recorded)
        )
        checked_readable(os.path.join(recorded_folder or ".", "tickets.json"), "the tickets")
    elif not (source == "jsm" and os.path.isdir(args.recorded)):
        checked_readable(args.recorded, "the recorded SLA file")
    if args.file != "-" and not folder:
        checked_readable(args.file, "the interactions file")
    try:
        if args.policies is not None:
            policies = load_policies(Path(args.policies))
        elif source == "freshdesk":
            policies, _calendars = freshdesk.read_policies(args.file)
        else:
            policies, _calendars = read_policies(args.file)
    except PolicyDocumentError as error:
        raise CommandError(f"{args.policies or args.file}: {error}", Exit.INVALID_INPUT) from None
    policies = profile.apply(policies)
    try:
        if recorded_folder is not None:
            recorded = list(freshdesk.read_recorded_sla(recorded_folder or "."))
        elif source == "jsm":
            from ..io.jsm import read_recorded_sla as read_jsm_sla
            from .importing import pairs

            metrics = {
                name: None if metric.lower() == "none" else metric
                for name, metric in pairs(args.sla_metric, "--sla-metric").items()
            }
            recorded = list(read_jsm_sla(args.recorded, metrics=metrics))
        elif source == "sla-policies":
            recorded = list(read_recorded_sla(args.recorded))
        else:
            recorded = list(read_ticket_metric_events(args.recorded, as_of=as_of))
    except ValidationError as error:
        raise CommandError(f"{args.recorded}: {error}", Exit.INVALID_INPUT) from None
    if folder and source == "freshdesk":
        interactions: Iterable[Interaction] = freshdesk.read_export(args.file, bots=args.bot)
    elif folder and source == "jsm":
        from ..io.jsm import read_issues

        interactions = read_issues(args.file)
    elif folder:
        interactions = read_export(args.file)
    else:
        stream: Any = sys.stdin if args.file == "-" else args.file
        interactions = read_interactions(stream, format="jsonl" if args.file == "-" else None)
    results = [
        evaluate(interaction, policies, as_of=as_of)
        for interaction in interactions
        if interaction.created_at <= as_of  # created later: no clock yet
    ]
    outcome = reconcile(results, recorded, profile=profile)
    if args.format == "json":
        text = json.dumps(outcome.to_record(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = _text(outcome, show_all=args.all)
    write_output(text, args.output)
    return Exit.OK


def _text(outcome: Any, *, show_all: bool) -> str:
    counts = outcome.counts()
    unexplained = len(outcome.unexplained())
    lines = [
        f"reconciliation under profile {outcome.profile}: {counts['agree']} agree, "
        f"{counts['differ']} differ ({unexplained} unexplained), {counts['vendor_only']} "
        f"recorded by the vendor only, {counts['servicemodel_only']} computed by servicemodel only"
    ]
    for row in outcome.rows:
        if row.verdict.value == "agree" and not show_all:
            continue
        cycle = "" if row.cycle is None else f"#{row.cycle}"
        head = f"{row.interaction_id:<10} {row.metric.value:<15}{cycle:<4} {row.verdict.value}"
        if row.note is not None:
            lines.append(f"{head}: {row.note}")
            continue
        lines.append(head)
        for difference in row.differences:
            size = difference.size_minutes()
            shown = "" if size is None else f" ({_signed(size)} min)"
            lines.append(
                f"    {difference.field.value}: vendor {difference.vendor}, servicemodel "
                f"{difference.servicemodel}{shown} [{difference.reason.value}]"
            )
    reasons = outcome.reasons()
    if reasons:
        lines.append("reasons:")
        lines.extend(f"  {name} ({count}): {_explanation(name)}" for name, count in reasons.items())
    return "\n".join(lines) + "\n"


def _signed(value: Any) -> str:
    number = value.numerator if value.denominator == 1 else round(float(value), 2)
    return f"+{number}" if number > 0 else str(number)


def _explanation(name: str) -> str:
    from ..sla import Reason

    return Reason(name).explanation
