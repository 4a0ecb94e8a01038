"""Benchmark: how long and how much memory each loader takes to refuse a hostile document.

Run:  PYTHONPATH=src python benchmarks/hostile_documents.py [--rounds 3] [--quick]

Builds the hostile documents of ``tests/test_document_layer.py`` at their real
sizes (a 4,000-digit hex integer in a numeric field and as a mapping key, a
100,000-digit number in a decimal field as JSON and TOML, a Decimal of
magnitude 10**100000, a 20,000,000-item list in a mapping, a repeated JSON
key, zone names that are not portable) for every document kind, refuses each
with the kind's loader and with ``servicemodel validate`` on a file, and prints
the process CPU time (the median over ``--rounds`` interleaved rounds, every
refusal once per round; see ``benchmarks/_paired.py``) and the peak of memory
allocated during the refusal (tracemalloc, the largest over the rounds).
Target: every refusal within 1 s and under 100 MB; exits 1 if one is not.
``--quick``: one round.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/ holds calendar.py: move the folder to the end of the path so that the
# standard library's calendar module (imported by pendulum) is the one found.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import contextlib
import io
import tempfile
import tracemalloc
from collections.abc import Callable
from decimal import Decimal

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "fuzz")]

from _paired import interleave  # noqa: E402

import test_document_layer as cases  # noqa: E402
from servicemodel import _documents as doc  # noqa: E402
from servicemodel.cli import main  # noqa: E402
from servicemodel.exceptions import DocumentError  # noqa: E402


def refusal(call: Callable[[], object]) -> Callable[[], tuple[int, str]]:
    """A way for ``interleave``: the refusal, returning its peak allocation and outcome."""

    def way() -> tuple[int, str]:
        tracemalloc.start()
        try:
            outcome = refuse(call)
            return tracemalloc.get_traced_memory()[1], outcome
        finally:
            tracemalloc.stop()

    return way


def refuse(call: Callable[[], object]) -> str:
    outcome = "accepted"
    try:
        result = call()
        if isinstance(result, str):  # what validate printed
            outcome = result.splitlines()[0][:70]
    except DocumentError as error:
        outcome = str(error.problems[0])[:70]
    except SystemExit as exit_:
        outcome = str(exit_.code)
    return outcome


def validate(text: str, suffix: str) -> Callable[[], object]:
    def run() -> object:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"hostile{suffix}"
            path.write_text(text, encoding="utf-8")
            with contextlib.redirect_stdout(io.StringIO()) as out:
                status = main(["validate", str(path)])
            if status != 1:
                raise SystemExit(f"validate exited {status}")
            return out.getvalue()

    return run


def main_() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--quick", action="store_true", help="one round")
    args = parser.parse_args()
    rounds = 1 if args.quick else max(1, args.rounds)
    big = [0] * 20_000_000
    ways: dict[tuple[str, str], Callable[[], tuple[int, str]]] = {}
    for kind in cases.KINDS:
        hexed = cases.marked(kind, kind.number, "toml").replace(str(cases.MARK), cases.HEX)
        keyed = kind.document()
        cases.put(keyed, (*kind.number[:-1], int(cases.HEX, 16)), 1)
        long_json = cases.marked(kind, kind.decimal, "json").replace(
            str(cases.MARK), cases.LONG_DECIMAL
        )
        long_toml = cases.marked(kind, kind.decimal, "toml").replace(
            str(cases.MARK), cases.LONG_DECIMAL
        )
        key = kind.number[-1]
        repeated = cases.marked(kind, kind.number, "json").replace(
            f'"{key}": {cases.MARK}', f'"{key}": 1, "{key}": 1'
        )
        inputs: dict[str, object] = {
            "hex 0x+4000 f (TOML)": hexed,
            "hex integer as a key": keyed,
            "100,000-digit decimal (JSON)": long_json,
            "100,000-digit decimal (TOML)": long_toml,
            "Decimal 1e100000 (mapping)": cases.put(
                kind.document(), kind.decimal, Decimal("1e100000")
            ),
            "20,000,000-item list": cases.put(kind.document(), kind.number[:-1], big),
            "repeated JSON key": repeated,
        }
        if kind.zone is not None:
            for zone in cases.BAD_ZONES:
                inputs[f"zone {zone}"] = cases.put(kind.document(), kind.zone, zone)
        for name, source in inputs.items():
            ways[kind.name, name] = refusal(lambda k=kind, s=source: k.load(s))  # type: ignore[misc]
            if isinstance(source, str) or name.startswith("zone"):
                text = source if isinstance(source, str) else doc.write(source, format="toml")  # type: ignore[arg-type]
                suffix = ".json" if text.lstrip().startswith("{") else ".toml"
                ways[kind.name, f"validate: {name}"] = refusal(validate(text, suffix))
    timed = interleave({f"{k}\0{n}": way for (k, n), way in ways.items()}, rounds)
    rows: list[tuple[str, str, float, int, str]] = []
    for key in timed.seconds:
        kind_name, name = key.split("\0")
        peak, outcome = timed.values[key]
        rows.append((kind_name, name, timed.median(key), peak, outcome))
    worst_time = max(r[2] for r in rows)
    worst_memory = max(r[3] for r in rows)
    for kind_name, name, seconds, peak, outcome in rows:
        print(f"{kind_name:10} {name:40} {seconds * 1000:8.1f} ms {peak / 1e6:7.1f} MB  {outcome}")
    print(
        f"worst: {worst_time * 1000:.1f} ms CPU (median of {rounds} rounds), "
        f"{worst_memory / 1e6:.1f} MB over {len(rows)} refusals"
    )
    accepted = [r for r in rows if r[4] == "accepted" or r[4].startswith("validate exited")]
    ok = worst_time < 1 and worst_memory < 100_000_000 and not accepted
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main_())
