"""``servicemodel assess``: assess a service model over interactions (the main job)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pendulum

from ..exceptions import DocumentError, EmptySampleError, ServiceModelError
from ..interactions import Interaction

SAMPLE_START = pendulum.datetime(2024, 1, 1, tz="Europe/London")


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
    )
    parser.add_argument("model", nargs="?", help="model document (.toml or .json)")
    parser.add_argument("data", nargs="?", help="interactions (.jsonl, .csv, optionally .gz), or -")
    parser.add_argument(
        "--sample", action="store_true", help="use the bundled sample model and data"
    )
    parser.add_argument("--count", type=int, default=20_000, help="sample size with --sample")
    parser.add_argument("--seed", type=int, default=7, help="sample seed with --sample")
    parser.add_argument(
        "--as-of",
        help="assessment instant, ISO 8601 with an offset (default: midnight after the last "
        "interaction's day, which costs a first pass over the file)",
    )
    parser.add_argument(
        "--period",
        choices=["day", "week", "month"],
        default=None,
        help="KPI periods (default: week with --sample, month otherwise)",
    )
    parser.add_argument("--format", choices=["text", "json", "html"], default="text")
    parser.add_argument("-o", "--output", help="write the report to this file instead of stdout")
    parser.set_defaults(run=run)


def _fail(message: str) -> int:
    print(f"servicemodel assess: {message}", file=sys.stderr)
    return 2


def _instant(text: str) -> pendulum.DateTime:
    value = pendulum.parse(text)
    if not isinstance(value, pendulum.DateTime) or not any(m in text[10:] for m in "Zz+-"):
        raise ValueError(f"--as-of must be a date and time with an offset (got {text!r})")
    return value


def _progress(count: int) -> None:
    print(f"\rassessed {count:,} interactions", end="", file=sys.stderr, flush=True)


def _midnight_after(instants: Iterator[pendulum.DateTime], tz: str) -> pendulum.DateTime:
    from .._assessment import check_supported
    from .._time import to_micros

    latest = None
    for at in instants:
        check_supported(to_micros(at), field="created_at", value=at.isoformat())
        if latest is None or at > latest:
            latest = at
    if latest is None:
        raise EmptySampleError("no interaction to assess: the data file holds none (got 0)")
    return latest.in_timezone(tz).start_of("day").add(days=1)


def run(args: argparse.Namespace) -> int:
    """Run ``servicemodel assess`` and return its exit status."""
    from ..io import read_interactions
    from ..model import assess, load_model
    from ..samples import generate

    try:
        data: Any
        if args.sample:
            if args.model or args.data:
                return _fail("--sample takes no MODEL or DATA")
            if not 1 <= args.count <= 10_000_000:
                return _fail(f"--count must be from 1 to 10,000,000 (got {args.count})")
            text = resources.files("servicemodel.samples").joinpath("sample_model.toml").read_text()
            model = load_model(text)
            data = list(generate(args.count, seed=args.seed, start=SAMPLE_START))
            as_of = (
                _instant(args.as_of)
                if args.as_of
                else _midnight_after((i.created_at for i in data), model.timezone)
            )
            period = args.period or "week"
        else:
            if not args.model or not args.data:
                return _fail("give a MODEL document and a DATA file, or --sample")
            model = load_model(Path(args.model))
            source: Any = sys.stdin.buffer if args.data == "-" else Path(args.data)
            if args.as_of:
                as_of = _instant(args.as_of)
            elif args.data == "-":
                return _fail("--as-of is required when reading interactions from stdin")
            else:
                as_of = _midnight_after(
                    (i.created_at for i in read_interactions(source)), model.timezone
                )
            data = read_interactions(source)
            period = args.period or "month"
        progress = _progress if sys.stderr.isatty() else None
        result = assess(model, _checked(data), as_of=as_of, period=period, progress=progress)
        if progress is not None:
            print(file=sys.stderr)
    except DocumentError as error:
        print(f"servicemodel assess: {args.model or 'sample model'}:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (ServiceModelError, ValueError, OSError) as error:
        return _fail(str(error))
    try:
        if args.format == "json":
            output = json.dumps(result.to_json(), indent=2) + "\n"
        elif args.format == "html":
            output = result.to_html()
        else:
            output = result.to_text()
        if args.output:
            Path(args.output).write_text(output, encoding="utf-8")
        else:
            sys.stdout.write(output)
    except OSError as error:
        return _fail(f"cannot write the report: {error}")
    return 0


def _checked(items: Any) -> Iterator[Interaction]:
    yield from items
