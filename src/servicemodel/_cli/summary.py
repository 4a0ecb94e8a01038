"""``servicemodel summary``: a short readable summary of an interactions file."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable
from typing import Any, TextIO

from ..interactions import Interaction
from ._common import EXIT_STATUS_HELP, Exit, checked_readable, printable


def register(subparsers: Any) -> None:
    """Add the ``summary`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "summary",
        help="summarise an interactions file",
        description="Read interactions (JSONL from stdin by default) and print a short summary.",
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file", nargs="?", default="-", help="JSONL or CSV file, or - for stdin (default)"
    )
    parser.add_argument(
        "--format",
        choices=["jsonl", "csv"],
        default=None,
        help="input format (default: from the suffix, jsonl for stdin)",
    )
    parser.add_argument(
        "--on-error",
        choices=["stop", "collect"],
        default="stop",
        help="stop at the first bad record (default) or skip bad records and list them",
    )
    parser.set_defaults(run=run)


def _duration_text(micros: int) -> str:
    seconds = (micros + 500_000) // 1_000_000
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if seconds or not parts:
        parts.append(f"{seconds}s")
    return " ".join(parts)


def _median(values: list[int]) -> int:
    values.sort()
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) // 2


def _table(title: str, counts: Counter[str], total: int, out: TextIO) -> None:
    print(f"\nby {title}:", file=out)
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {name:<14}{count:>9}  {100 * count / total:5.1f}%", file=out)


def summarise(interactions: Iterable[Interaction], out: TextIO) -> int:
    """Print the summary of *interactions* to *out*; return how many there were."""
    from .._time import to_micros

    channels: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    first_replies: list[int] = []
    rated = satisfied = reopens = reopened = 0
    first = last = None
    count = 0
    for interaction in interactions:
        count += 1
        channels[interaction.channel.value] += 1
        kinds[interaction.kind.value] += 1
        statuses[interaction.status().value] += 1
        created = interaction.created_at
        if first is None or created < first:
            first = created
        if last is None or created > last:
            last = created
        replied = interaction.first_reply_at()
        if replied is not None:
            first_replies.append(to_micros(replied) - to_micros(created))
        score = interaction.satisfaction()
        if score is not None:
            rated += 1
            satisfied += score >= 4
        times = interaction.reopen_count()
        reopens += times
        reopened += times > 0
    if count == 0 or first is None or last is None:
        print("0 interactions", file=out)
        return 0
    print(
        f"{count} interactions, created {first.isoformat()} to {last.isoformat()}",
        file=out,
    )
    _table("channel", channels, count, out)
    _table("kind", kinds, count, out)
    _table("status", statuses, count, out)
    print(file=out)
    if first_replies:
        print(
            f"median first reply: {_duration_text(_median(first_replies))} "
            f"(n={len(first_replies)}; calendar time, public human agent replies)",
            file=out,
        )
    else:
        print("median first reply: no data (no public agent replies)", file=out)
    if rated:
        print(f"CSAT: {100 * satisfied / rated:.1f}% rated 4-5 (n={rated})", file=out)
    else:
        print("CSAT: no data (no ratings)", file=out)
    print(
        f"reopens: {reopens} in {reopened} interactions ({100 * reopened / count:.1f}%)",
        file=out,
    )
    return count


def run(args: argparse.Namespace) -> int:
    """Read and summarise; return the exit status (1 when bad records were skipped)."""
    from ..io import ErrorReport, read_interactions

    report = ErrorReport(keep=20) if args.on_error == "collect" else None
    if args.file == "-":
        source: Any = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
        fmt = args.format or "jsonl"
    else:
        source, fmt = args.file, args.format
        checked_readable(args.file, "the interactions file")
    summarise(read_interactions(source, format=fmt, on_error=report), sys.stdout)
    if report:
        print(printable(f"servicemodel summary: skipped {report}"), file=sys.stderr)
        return Exit.INVALID_INPUT
    return Exit.OK


__all__ = ["register", "run", "summarise"]
