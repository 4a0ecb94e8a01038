"""Inputs the fuzzers found that once escaped as foreign errors, each kept as an example.

Each test names the case and the error that used to escape; each now gets
the loader's own document error.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from servicemodel.exceptions import (
    LedgerDocumentError,
    PolicyDocumentError,
    ProgrammeDocumentError,
    RecordError,
    TeamDocumentError,
    ValidationError,
)
from servicemodel.io import read_customers, read_interactions, write_customers, write_interactions
from servicemodel.loyalty import load_ledger, load_programme
from servicemodel.sla import load_policies
from servicemodel.team import load_rubric, load_skill_profiles

HUGE = "9" * 5000  # past Python's 4,300-digit limit for int <-> text conversion
HUGE_HEX = "0x" + "f" * 5000  # TOML reads it as an int fine; its repr is what fails


def deep(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("text", ['{"version": ' + HUGE + "}", "version = " + HUGE])
def test_policy_text_with_a_5000_digit_integer(text: str) -> None:
    # Was ValueError from json.loads / tomllib.loads ("Exceeds the limit (4300 digits)").
    with pytest.raises(PolicyDocumentError, match="at most 30 digits"):
        load_policies(text)


@pytest.mark.parametrize("syntax", ["json", "toml"])
def test_programme_and_ledger_text_with_a_5000_digit_integer(syntax: str) -> None:
    # Was ValueError from the parser.
    text = '{"name": ' + HUGE + "}" if syntax == "json" else "name = " + HUGE
    with pytest.raises(ProgrammeDocumentError, match="at most 30 digits"):
        load_programme(text, format=syntax)
    with pytest.raises(LedgerDocumentError, match="at most 30 digits"):
        load_ledger(text, format=syntax)


def test_programme_field_holding_a_huge_toml_hex_integer() -> None:
    # Was ValueError from the repr in "(got ...)" of the problem message.
    with pytest.raises(ProgrammeDocumentError) as caught:
        load_programme("name = " + HUGE_HEX)
    assert caught.value.problems[0].path == "name"
    assert caught.value.problems[0].message.startswith("must be a number of at most 30 digits")


def test_ledger_command_name_that_is_a_list() -> None:
    # Was TypeError: unhashable type: 'list' (``item.get("command") not in _COMMANDS``).
    with pytest.raises(LedgerDocumentError) as caught:
        load_ledger('{"commands": [{"command": ["earn"]}]}')
    assert [p.path for p in caught.value.problems] == ["commands[0].command"]


def test_programme_tagged_rule_whose_type_is_a_list() -> None:
    # Was TypeError: unhashable type: 'list' (``data["type"] not in by_tag``).
    text = 'name = "x"\n[earn]\nrules = [{type = ["per_spend"], name = "s"}]\n'
    with pytest.raises(ProgrammeDocumentError) as caught:
        load_programme(text)
    assert [p.path for p in caught.value.problems] == ["earn.rules[0].type"]


@pytest.mark.parametrize("load", [load_rubric, load_skill_profiles])
@pytest.mark.parametrize("syntax", ["json", "toml"])
def test_team_text_with_a_5000_digit_integer(load: object, syntax: str) -> None:
    # Was ValueError from the parser.
    text = '{"name": ' + HUGE + "}" if syntax == "json" else "name = " + HUGE
    with pytest.raises(TeamDocumentError, match="at most 30 digits"):
        load(text, format=syntax)  # type: ignore[operator]


def test_rubric_name_holding_a_huge_toml_hex_integer() -> None:
    # Was ValueError from the repr in "must be a string (got ...)".
    with pytest.raises(TeamDocumentError) as caught:
        load_rubric("name = " + HUGE_HEX + '\ncriteria = [{name = "a", weight = 1}]\n')
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("name", "must be a number of at most 30 digits (got an integer of about 6021 digits)")
    ]


def test_rubric_name_holding_a_value_nested_past_the_recursion_limit() -> None:
    # Was RecursionError from the repr in "must be a string (got ...)".
    with pytest.raises(TeamDocumentError) as caught:
        load_rubric({"name": deep(100_000), "criteria": []})
    assert caught.value.problems[0].path == "name" + "[0]" * 31
    assert caught.value.problems[0].message == "must not nest deeper than 32 levels"


@pytest.mark.parametrize("field", ["weight", "scale", "auto_fail_at"])
def test_rubric_criterion_number_with_5000_digits(field: str) -> None:
    # Was ValueError from the repr in "(got ...)" of the criterion's own validators.
    criterion: dict[str, object] = {"name": "a", "weight": 1, field: 10**5000}
    with pytest.raises(TeamDocumentError) as caught:
        load_rubric({"name": "r", "criteria": [criterion]})
    assert [p.path for p in caught.value.problems] == [f"criteria[0].{field}"]
    assert "must be a number of at most 30 digits" in str(caught.value)


# ------------------------------------------------------------------ readers and writers

CUSTOMER = '{"id":"C-1","acquired_at":"2023-01-05T10:00:00Z"}'
INTERACTION = (
    '{"id":"T-1","customer_id":"C-1","channel":"email","created_at":"2024-06-10T09:00:00Z"}'
)


def test_a_jsonl_line_starting_with_a_bom_reads_the_same_from_text_and_bytes() -> None:
    # Bytes skipped the BOM (json.loads detects it) but text refused the line.
    data = "\ufeff" + CUSTOMER + "\n"
    from_bytes = list(read_customers(io.BytesIO(data.encode())))
    assert list(read_customers(io.StringIO(data))) == from_bytes
    assert [c.id for c in from_bytes] == ["C-1"]


@pytest.mark.parametrize("as_bytes", [True, False])
def test_a_csv_file_starting_with_a_bom_has_a_valid_header(as_bytes: bool) -> None:
    # Was RecordError "the CSV header has unknown column(s) \ufeffid" (Excel writes the BOM).
    text = "\ufeffid,customer_id,channel,created_at\r\nT-1,C-1,email,2024-06-10T09:00:00Z\r\n"
    source = io.BytesIO(text.encode()) if as_bytes else io.StringIO(text, newline="")
    assert [i.id for i in read_interactions(source, format="csv")] == ["T-1"]


def test_a_line_of_a_unicode_only_space_is_a_bad_record_in_text_and_bytes() -> None:
    # "\x1c" is blank to str.strip but not to bytes.strip: text skipped it, bytes refused it.
    data = "\x1c\n" + CUSTOMER + "\n"
    for source in (io.StringIO(data), io.BytesIO(data.encode())):
        with pytest.raises(RecordError) as caught:
            list(read_customers(source))
        assert caught.value.line == 1


def test_a_lone_surrogate_read_from_jsonl_is_written_back() -> None:
    # Readers accept "\ud800" (a JSON escape); the writer raised UnicodeEncodeError.
    line = CUSTOMER.replace("C-1", "C-\\ud800")
    [customer] = read_customers(io.BytesIO(line.encode()))
    out = io.BytesIO()
    assert write_customers([customer], out) == 1
    assert list(read_customers(io.BytesIO(out.getvalue()))) == [customer]


def test_a_lone_surrogate_in_an_interaction_id_cannot_go_to_csv(tmp_path: Path) -> None:
    # Was UnicodeEncodeError from the CSV writer; JSON cells are escaped instead.
    [ticket] = read_interactions(
        io.StringIO(INTERACTION.replace("T-1", "T-\\ud800")), format="jsonl"
    )
    target = tmp_path / "out.csv"
    target.write_text("before")
    with pytest.raises(ValidationError, match="UTF-8"):
        write_interactions([ticket], target)
    assert target.read_text() == "before"
    [tagged] = read_interactions(
        io.StringIO(INTERACTION[:-1] + ',"tags":["\\udc00"]}'), format="jsonl"
    )
    out = io.StringIO(newline="")
    write_interactions([tagged], out, format="csv")
    assert list(read_interactions(io.StringIO(out.getvalue(), newline=""), format="csv")) == [
        tagged
    ]


def test_interaction_tags_holding_a_list() -> None:
    # Found by the thorough run: was TypeError (unhashable list) from string_set.
    line = INTERACTION[:-1] + ',"tags":[["vip","billing"]]}'
    with pytest.raises(RecordError) as caught:
        list(read_interactions(io.StringIO(line), format="jsonl"))
    assert caught.value.field == "tags[0]"  # the item that is not a tag


@pytest.mark.parametrize("at", ["9999-12-31T23:00:00+00:00", "0001-01-01T00:00:00+00:00"])
def test_ledger_command_at_the_edge_of_the_calendar(at: str) -> None:
    # Found by the thorough run: was OverflowError from the ledger's clock on replay.
    text = (
        '{"policies": {"zone": "Europe/Warsaw", "expiry": {"type": "after_days", "days": 30}},'
        ' "commands": [{"command": "earn", "key": "k", "member": "m", "at": "' + at + '",'
        ' "points": 5}]}'
    )
    with pytest.raises(LedgerDocumentError) as caught:
        load_ledger(text)
    assert caught.value.problems[0].path == "commands[0]"
