"""``servicemodel assess``: assess a service model over interactions (the main job)."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import pendulum

from ..exceptions import EmptySampleError, ModelDocumentError, ValidationError
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
from ._progress import read_with_progress

SAMPLE_START = pendulum.datetime(2024, 1, 1, tz="Europe/London")
_DOCUMENT_SUFFIXES = (".toml", ".json")


def register(subparsers: Any) -> None:
    """Add the ``assess`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "assess",
        help="assess a service model over interactions (the main job)",
        description=(
            "Assess a service model document over an interactions file: KPIs by channel and "
            "period, SLA compliance, goals, channel shifts, complaint themes, recognition and "
            "the findings that need attention most. --sample runs the bundled sample model "
            "on generated sample data."
        ),
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", nargs="?", help="model document (.toml or .json)")
    parser.add_argument(
        "data",
        nargs="?",
        help="interactions (.jsonl, .csv, optionally .gz), -, or a Zendesk or Freshdesk export "
        "folder (imported on the fly as by `servicemodel import zendesk|freshdesk`)",
    )
    parser.add_argument(
        "--sample", action="store_true", help="use the bundled sample model and data"
    )
    parser.add_argument("--count", type=int, default=20_000, help="sample size with --sample")
    parser.add_argument("--seed", type=int, default=7, help="sample seed with --sample")
    parser.add_argument(
        "--as-of",
        help="assessment instant: ISO 8601 with an offset (2024-01-05T09:00:00+00:00), or a "
        "date, meaning midnight at its start in the model's timezone (default: midnight "
        "after the last interaction's day, which costs a first pass over the file)",
    )
    parser.add_argument(
        "--period",
        choices=["day", "week", "month"],
        default=None,
        help="KPI periods (default: week with --sample, month otherwise)",
    )
    parser.add_argument(
        "--data-format",
        choices=["jsonl", "csv"],
        default=None,
        help="format of DATA (default: from its suffix, jsonl for -)",
    )
    parser.add_argument(
        "--policies",
        help="SLA policy document (.toml or .json, e.g. written by `servicemodel import zendesk "
        "--policies-out`): replaces the model's own sla section. When DATA is an export folder "
        "and the model has no sla section, the export's own policies and schedules count",
    )
    parser.add_argument(
        "--profile",
        choices=["default", "zendesk", "dbt_zendesk", "jsm", "freshdesk"],
        default=None,
        help="evaluate the SLA policies under a vendor's semantics (the policy and targets the "
        "helpdesk applied, its schedule rule); default: zendesk (freshdesk) for a Zendesk "
        "(Freshdesk) export's own policies, "
        "otherwise the document's own options",
    )
    parser.add_argument(
        "--format", choices=["text", "json", "html"], default="text", help="report format"
    )
    parser.add_argument(
        "--dask",
        action="store_true",
        help="run on Dask: cut DATA (an uncompressed .jsonl file) into parts assessed side by "
        "side and merged, the same report; on the local process scheduler, or on a "
        "dask.distributed cluster with --dask-address (needs the dask extra and --as-of)",
    )
    parser.add_argument(
        "--dask-address",
        metavar="ADDRESS",
        help="the dask.distributed scheduler to run on (tcp://host:8786); implies --dask",
    )
    parser.add_argument(
        "--partitions",
        type=int,
        default=None,
        help="with --dask: how many parts to cut DATA into (default: the number of CPUs)",
    )
    parser.add_argument(
        "-o",
        "--output",
        help="write the report to this file (replaced only once complete) instead of stdout",
    )
    parser.set_defaults(run=run)


def _midnight_after(instants: Iterable[pendulum.DateTime], tz: str) -> pendulum.DateTime:
    from .._model._assessment import check_supported
    from .._time import to_micros

    latest = None
    for at in instants:
        check_supported(to_micros(at), field="created_at", value=at.isoformat())
        if latest is None or at > latest:
            latest = at
    if latest is None:
        raise EmptySampleError("no interaction to assess: the data file holds none (got 0)")
    return latest.in_timezone(tz).start_of("day").add(days=1)


def _looks_like_data(name: str) -> bool:
    """Whether *name*'s suffix names an interactions format (the readers' own rule)."""
    from ..io import Format

    try:
        Format.of_path(name)
    except ValidationError:
        return False
    return True


def _check_files(args: argparse.Namespace) -> None:
    """Refuse swapped or unreadable MODEL and DATA before any work, each with its remedy."""
    model, data = args.model, args.data
    if data != "-" and os.path.isdir(data):  # a helpdesk export folder, imported on the fly
        checked_readable(model, "the model document")
        return
    data_is_document = data != "-" and data.lower().endswith(_DOCUMENT_SUFFIXES)
    if _looks_like_data(model) and data_is_document:
        raise usage(
            f"MODEL comes first, then DATA: the arguments look swapped ({model!r} is "
            f"interactions, {data!r} a document); run: servicemodel assess {data} {model}"
        )
    if data != "-" and args.data_format is None and not _looks_like_data(data):
        hint = (
            f"; if {data!r} is the model document, MODEL comes first, then DATA"
            if data_is_document
            else ""
        )
        raise usage(
            f"cannot tell the format of DATA {data!r} from its name: name it .jsonl or "
            f".csv (optionally .gz) or give --data-format jsonl or --data-format csv{hint}"
        )
    checked_readable(model, "the model document")
    if data != "-":
        checked_readable(data, "the interactions file")


def _with_policies(model: Any, args: argparse.Namespace) -> Any:
    """*model* with the SLA policies of ``--policies`` (or of the export), under ``--profile``."""
    import attrs

    from ..exceptions import PolicyDocumentError
    from ..io import freshdesk
    from ..io.zendesk import read_policies
    from ..sla import Profile, load_policies

    policies, profile = model.policies, args.profile
    source = args.model
    try:
        if args.policies is not None:
            source = args.policies
            checked_readable(args.policies, "the policy document")
            policies = load_policies(Path(args.policies))
        elif policies is None and args.data != "-" and is_freshdesk_export(args.data):
            source = args.data
            policies, _calendars = freshdesk.read_policies(args.data)
            profile = profile or "freshdesk"
        elif policies is None and args.data != "-" and os.path.isdir(args.data):
            source = args.data
            policies, _calendars = read_policies(args.data)
            profile = profile or "zendesk"  # titles Zendesk applied count only as applied
    except PolicyDocumentError as error:
        raise CommandError(f"{source}: {error}", Exit.INVALID_INPUT) from None
    if profile is not None:
        if policies is None:
            raise usage(
                "'--profile' needs SLA policies: the model has no sla section; give --policies"
            )
        policies = Profile.named(profile).apply(policies)
    if policies is model.policies:
        return model
    try:
        return attrs.evolve(model, policies=policies)
    except ValidationError as error:  # the model's business_calendar is not among them
        raise CommandError(f"{source}: {error}", Exit.INVALID_INPUT) from None


def _on_dask(args: argparse.Namespace) -> bool:
    """Whether to run on Dask; refuse what cannot run there, each with its remedy."""
    on_dask = bool(args.dask or args.dask_address)
    if args.partitions is not None and not on_dask:
        raise usage("'--partitions' needs --dask")
    if not on_dask:
        return False
    if args.partitions is not None and not 1 <= args.partitions <= 10_000:
        raise usage(f"'--partitions' must be from 1 to 10,000 (got {args.partitions})")
    if args.sample:
        raise usage("--dask assesses a DATA file: write the sample with `servicemodel sample`")
    data = args.data or ""
    if data == "-" or os.path.isdir(data) or not data.lower().endswith((".jsonl", ".ndjson")):
        raise usage(f"--dask needs DATA to be an uncompressed .jsonl file (got {data!r})")
    if not args.as_of:
        raise usage(
            "--as-of is required with --dask (finding the last day would cost a pass over DATA)"
        )
    return True


def _assess_on_dask(model: Any, args: argparse.Namespace, as_of: pendulum.DateTime) -> Any:
    from ..io import read_interactions, split_jsonl
    from ..model import assess_files

    parts = split_jsonl(args.data, args.partitions or os.cpu_count() or 1)
    return assess_files(
        model,
        parts,
        read=read_interactions,
        as_of=as_of,
        period=args.period or "month",
        address=args.dask_address,
    )


def run(args: argparse.Namespace) -> int:
    """Run ``servicemodel assess`` and return its exit status."""
    from ..model import assess, load_model
    from ..samples import generate

    data: Any
    on_dask = _on_dask(args)
    if args.sample:
        if args.model or args.data:
            raise usage("--sample takes no MODEL or DATA")
        if args.policies or args.profile:
            raise usage("--sample takes no --policies or --profile: its model has its own")
        if not 1 <= args.count <= 10_000_000:
            raise usage(f"'--count' must be from 1 to 10,000,000 (got {args.count})")
        text = resources.files("servicemodel.samples").joinpath("sample_model.toml").read_text()
        model = load_model(text)
        # A bad --as-of is a usage error before any sample is generated.
        given = parse_as_of(args.as_of, zone=model.timezone) if args.as_of else None
        data = list(generate(args.count, seed=args.seed, start=SAMPLE_START))
        as_of = (
            given
            if given is not None
            else _midnight_after((i.created_at for i in data), model.timezone)
        )
        result = assess(model, data, as_of=as_of, period=args.period or "week")
    else:
        if not args.model or not args.data:
            raise usage("give a MODEL document and a DATA file, or --sample")
        _check_files(args)
        if args.data == "-" and not args.as_of:
            raise usage("--as-of is required when reading interactions from stdin")
        try:
            model = load_model(Path(args.model))
        except ModelDocumentError as error:
            hint = (
                f"\nhint: {args.model!r} looks like interactions; MODEL comes first, then DATA"
                if _looks_like_data(args.model)
                else ""
            )
            raise CommandError(f"{args.model}: {error}{hint}", Exit.INVALID_INPUT) from None
        model = _with_policies(model, args)
        if on_dask:
            result = _assess_on_dask(model, args, parse_as_of(args.as_of, zone=model.timezone))
            return _write(result, args)
        if args.as_of:
            as_of = parse_as_of(args.as_of, zone=model.timezone)
        else:
            with read_with_progress(
                args.data, format=args.data_format, label="finding the last day"
            ) as items:
                as_of = _midnight_after((i.created_at for i in items), model.timezone)
        with read_with_progress(args.data, format=args.data_format, label="assessing") as items:
            result = assess(model, items, as_of=as_of, period=args.period or "month")
    return _write(result, args)


def _write(result: Any, args: argparse.Namespace) -> int:
    if args.format == "json":
        output = json.dumps(result.to_json(), indent=2) + "\n"
    elif args.format == "html":
        output = result.to_html()
    else:
        output = result.to_text()
    write_output(output, args.output)
    return Exit.OK
