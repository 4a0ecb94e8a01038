"""A command's compact form in a store's ``command`` column (store/_codec.py).

Every command kind, with lines, awards, tallies, expiries and a shortfall,
comes back from its compact form as the command the ledger accepted, so a
store that replays it (another process, a new cache) answers a key sent
again with the first receipt; rows of the older document form read alike;
a column that is not a command is refused by its key.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from servicemodel.exceptions import LedgerDocumentError
from servicemodel.loyalty import Command
from servicemodel.loyalty._commands import payload_of
from servicemodel.loyalty.store import command_to_json, create_store, open_store
from servicemodel.loyalty.store._codec import command_column, command_from_column

sys.path.insert(0, str(Path(__file__).parent))

from busy import POLICIES, ZONE, busy_ledger


def test_every_command_comes_back_from_its_compact_form_as_it_was_accepted() -> None:
    commands = busy_ledger().commands()
    for command in commands:
        text = command_column(payload_of(command))
        assert json.loads(text)[:2] == [command.name.value, command._micros]
        again = command_from_column(text, command.key, command.member, ZONE)
        assert again == command
        assert payload_of(again) == payload_of(command)  # what a key sent again is compared with
        assert again.at == command.at


def test_rows_of_the_document_form_read_as_the_compact_form_does() -> None:
    for command in busy_ledger().commands():
        old = command_from_column(command_to_json(command, ZONE), command.key, command.member, ZONE)
        new = command_from_column(
            command_column(payload_of(command)), command.key, command.member, ZONE
        )
        assert old == new == command


def test_a_reopened_store_answers_every_key_sent_again_with_its_first_receipt(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    commands = busy_ledger().commands()
    with create_store(url, policies=POLICIES) as stored:
        first = [stored.apply(command) for command in commands]
    with open_store(url) as again:  # every member's state is replayed from the compact forms
        assert [again.apply(command) for command in commands] == first
        assert list(again.commands()) == list(commands)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[1", "must be valid JSON"),
        ('["earn"]', "must be \\[command, micros, \\*arguments\\]"),
        ('["sing", 0]', "must be \\[command, micros, \\*arguments\\]"),
        ('["redeem", "0", 5, null]', "must be \\[command, micros, \\*arguments\\]"),
        ('["redeem", 0, 5]', "must be \\[command, micros, \\*arguments\\]"),
        ('["redeem", 0, "five", null]', "k-1.points"),
        ('["redeem", 99999999999999999999, 5, null]', "k-1.at: must be an instant"),
        ('["earn", 0, 5, [], [], null, 7]', "k-1.tally: must be a list of \\[name, amount\\]"),
    ],
)
def test_a_column_that_is_not_a_command_is_refused_by_its_key(text: str, problem: str) -> None:
    with pytest.raises(LedgerDocumentError, match=problem):
        command_from_column(text, "k-1", "ann", "UTC")


def test_a_command_built_by_hand_is_kept_as_the_one_built_by_keywords() -> None:
    command = Command.of(
        "redeem", key="r", member="ann", at=busy_ledger().command("o-1").at, points=3
    )
    assert command_column(payload_of(command)) == f'["redeem",{command._micros},3,null]'
