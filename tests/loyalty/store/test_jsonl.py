"""Ledgers to and from JSON lines: exact round trips, any size, clear refusals by line."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from servicemodel.exceptions import LedgerDocumentError, ValidationError
from servicemodel.loyalty import (
    Command,
    Ledger,
    load_ledger,
)
from servicemodel.loyalty.store import (
    command_from_json,
    command_to_json,
    create_store,
    export_jsonl,
    import_jsonl,
    open_store,
)

sys.path.insert(0, str(Path(__file__).parent))

from busy import POLICIES, ZONE, T, busy_ledger


def test_memory_to_file_to_sqlite_to_file_is_exact(tmp_path: Path) -> None:
    source = busy_ledger()
    first = tmp_path / "first.jsonl"
    assert export_jsonl(source, first) == 6
    with create_store(f"sqlite:///{tmp_path / 'l.db'}", policies=POLICIES) as stored:
        assert import_jsonl(stored, first, batch=4) == 6
        second = tmp_path / "second.jsonl"
        assert export_jsonl(stored, second) == 6
        assert list(stored.journal()) == list(source.journal())
    assert second.read_text() == first.read_text()
    again = Ledger(policies=POLICIES)
    import_jsonl(again, second)
    assert again.commands() == source.commands()
    assert again.journal() == source.journal()


def test_importing_again_skips_what_is_there_and_finishes_an_interrupted_import(
    tmp_path: Path,
) -> None:
    text = io.StringIO()
    export_jsonl(busy_ledger(), text)
    lines = text.getvalue().splitlines(keepends=True)
    with create_store(f"sqlite:///{tmp_path / 'l.db'}", policies=POLICIES) as stored:
        assert import_jsonl(stored, io.StringIO("".join(lines[:4]))) == 3  # interrupted
        assert import_jsonl(stored, io.StringIO(text.getvalue()), batch=2) == 6
        assert stored.version("ann") == 4
        assert stored.version("bob") == 2


def test_a_refused_line_is_named_and_the_lines_before_it_stay(tmp_path: Path) -> None:
    header = (
        '{"policies": {"zone": "Europe/Warsaw", "expiry": {"type": "after_days", "days": 365}}}'
    )
    earn = (
        '{"command":"earn","key":"o-1","member":"ann","at":"2025-01-10T12:00:00+01:00","points":5}'
    )
    redeem = '{"command":"redeem","key":"r-1","member":"ann","at":"2025-01-10T12:00:00+01:00","points":9}'
    source = "\n".join([header, earn, "", redeem]) + "\n"
    with create_store(f"sqlite:///{tmp_path / 'l.db'}", policies=POLICIES) as stored:
        with pytest.raises(LedgerDocumentError) as caught:
            import_jsonl(stored, io.StringIO(source))
        assert caught.value.problems[0].path == "line 4"
        assert "at most the 5 available points" in caught.value.problems[0].message
        assert stored.version("ann") == 1
    memory = Ledger(policies=POLICIES)
    with pytest.raises(LedgerDocumentError, match="line 4"):
        import_jsonl(memory, io.StringIO(source))
    assert memory.version("ann") == 1


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("", "line 1", "the file is empty"),
        ("[1]\n", "line 1", "must be the header"),
        ("{nope\n", "line 1", "must be the header"),
        ('{"policies": {"zone": "Mars/Base"}}\n', "line 1.policies.zone", ""),
        ('{"policies": {}}\n', "line 1.policies", "must equal the target ledger's policies"),
        (
            '{"policies": {"zone": "Europe/Warsaw", "expiry": {"type": "after_days", "days": 365}}}'
            '\n{"command": "fly"}\n',
            "line 2.command",
            "must be one of",
        ),
        (
            '{"policies": {"zone": "Europe/Warsaw", "expiry": {"type": "after_days", "days": 365}}}'
            "\n{oops\n",
            "line 2",
            "must be valid JSON",
        ),
    ],
)
def test_a_bad_file_is_refused_with_the_line(text: str, path: str, message: str) -> None:
    ledger = Ledger(policies=POLICIES)
    with pytest.raises(LedgerDocumentError) as caught:
        import_jsonl(ledger, io.StringIO(text))
    problem = caught.value.problems[0]
    assert problem.path == path
    assert message in problem.message
    assert ledger.commands() == ()


def test_an_overlong_line_and_a_bad_batch_are_refused() -> None:
    with pytest.raises(LedgerDocumentError, match="at most 1000000 characters"):
        import_jsonl(Ledger(), io.StringIO("x" * 1_000_001 + "\n"))
    with pytest.raises(ValidationError, match="'batch'"):
        import_jsonl(Ledger(), io.StringIO(""), batch=0)


def test_export_streams_in_flat_memory_from_a_store(tmp_path: Path) -> None:
    # More commands than one page of the store's reader, read back in order.
    with create_store(f"sqlite:///{tmp_path / 'l.db'}?synchronous=normal", policies=POLICIES) as s:
        s.apply_many(
            Command.of(
                "earn",
                key=f"k{i}",
                member=f"m{i % 7}",
                at=T.add(microseconds=i),
                points=1,
            )
            for i in range(2_345)
        )
    with open_store(f"sqlite:///{tmp_path / 'l.db'}") as stored:
        out = io.StringIO()
        assert export_jsonl(stored, out) == 2_345
        keys = [command_from_json(line).key for line in out.getvalue().splitlines()[1:]]
        assert keys == [f"k{i}" for i in range(2_345)]
        assert sum(1 for _ in stored.journal()) == 2_345
        assert len(list(stored.members())) == 7


def test_a_command_survives_json_both_ways() -> None:
    for command in busy_ledger().commands():
        assert command_from_json(command_to_json(command, ZONE), zone=ZONE) == command


def test_load_ledger_refuses_a_large_document_and_says_how_to_move_it() -> None:
    with pytest.raises(LedgerDocumentError) as caught:
        load_ledger(" " * 1_000_001)
    assert "import_jsonl" in str(caught.value)
    assert "servicemodel ledger import" in str(caught.value)
