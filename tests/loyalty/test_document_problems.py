"""Programme and ledger documents: bad text and bad values, each reported at its path."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from servicemodel.exceptions import (
    DocumentError,
    LedgerDocumentError,
    ProgrammeDocumentError,
    ValidationError,
)
from servicemodel.loyalty import Programme, dump_programme, load_ledger, load_programme

AT = "2025-01-01T00:00:00+00:00"


def problems(
    error: type[DocumentError], load: object, text: object, **kwargs: str
) -> list[tuple[str, str]]:
    with pytest.raises(error) as caught:
        load(text, **kwargs)  # type: ignore[operator]
    return [(p.path, p.message) for p in caught.value.problems]


def programme_problems(text: object, *, format: str = "json") -> list[tuple[str, str]]:
    return problems(ProgrammeDocumentError, load_programme, text, format=format)


def test_bytes_that_are_not_utf8_are_refused_as_text() -> None:
    assert programme_problems(b'name = "\xff"', format="toml") == [
        ("", "document must be UTF-8 text (invalid start byte at byte 8)")
    ]


def test_a_document_must_be_text_bytes_a_path_or_a_mapping() -> None:
    assert programme_problems(5) == [
        (
            "",
            "document must be a mapping, JSON or TOML text, bytes, or a path to a .json or "
            ".toml file (got integer 5)",
        )
    ]


def test_a_document_over_the_size_limit_is_refused_before_parsing() -> None:
    assert programme_problems("#" * 2_000_001, format="toml") == [
        ("", "document must be at most 1000000 bytes (got 2000001 characters)")
    ]


def test_an_unknown_format_is_refused_by_name_both_ways() -> None:
    with pytest.raises(
        ValidationError, match=r"'format' must be one of 'toml', 'json' \(got 'yaml'\)"
    ):
        load_programme('name = "x"', format="yaml")
    with pytest.raises(
        ValidationError, match=r"'format' must be one of 'toml', 'json', 'mapping' \(got 'yaml'\)"
    ):
        dump_programme(Programme(name="x"), format="yaml")  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ('{"name": 5}', "name", "must be a string of at most 256 characters (got 5)"),
        (
            '{"name": "x", "policies": {"pending": 3}}',
            "policies.pending",
            "must be a table (got int 3)",
        ),
        (
            '{"name": "x", "policies": {"expiry": 3}}',
            "policies.expiry",
            "must be a table with a 'type' of 'never', 'after_days', 'after_months', "
            "'end_of_period', 'after_inactivity', 'whichever_first'",
        ),
        (
            '{"name": "x", "earn": {"rules": {"a": 1}}}',
            "earn.rules",
            "must be a list (got dict {'a': 1})",
        ),
        (
            '{"name": "x", "catalogue": {"rewards": [{"id": "m", "cost": 1, "available_from": 5}]}}',
            "catalogue.rewards[0].available_from",
            "must be an ISO 8601 instant with an offset (got 5)",
        ),
        (
            '{"name": "x", "earn": {"multipliers": [{"type": "tier", "tier": "g", "factor": true}]}}',
            "earn.multipliers[0].factor",
            "must be an exact number such as '3/2' or '1.5' (got True)",
        ),
    ],
    ids=[
        "name-number",
        "pending-number",
        "expiry-untagged",
        "rules-table",
        "instant-number",
        "factor-bool",
    ],
)
def test_a_value_of_the_wrong_shape_is_reported_at_its_path(
    text: str, path: str, message: str
) -> None:
    assert programme_problems(text) == [(path, message)]


def test_spend_rates_must_be_finite_decimals_and_whole_numbers_are_exact() -> None:
    rules = [
        {"type": "per_spend", "name": "nan", "points": 1, "per": "NaN"},
        {"type": "per_spend", "name": "whole", "points": 1, "per": 2},
        {"type": "per_spend", "name": "word", "points": 1, "per": "abc"},
    ]
    text = json.dumps({"name": "x", "earn": {"rules": rules}})
    hint = "must be a decimal number written as a string such as '4.35'"
    assert programme_problems(text) == [
        ("earn.rules[0].per", f"{hint} (got 'NaN')"),
        ("earn.rules[2].per", f"{hint} (got 'abc')"),
    ]
    good = json.dumps({"name": "x", "earn": {"rules": [rules[1]]}})
    assert load_programme(good, format="json").earn_rules.rules[0].per == Decimal(2)


def test_factors_written_as_json_numbers_load_exactly() -> None:
    text = (
        '{"name": "x", "earn": {"multipliers": ['
        '{"type": "tier", "tier": "gold", "factor": 2}, {"type": "tier", "tier": "silver", "factor": 1.1}]}}'
    )
    multipliers = load_programme(text, format="json").earn_rules.multipliers
    assert [m.factor for m in multipliers] == [Fraction(2), Fraction(11, 10)]


def test_a_toml_datetime_with_an_offset_is_an_instant() -> None:
    text = 'name = "x"\n[[catalogue.rewards]]\nid = "m"\ncost = 1\navailable_from = 2025-01-01T00:00:00+01:00\n'
    reward = load_programme(text).catalogue.rewards[0]
    assert reward.available_from is not None
    assert reward.available_from.isoformat() == "2025-01-01T00:00:00+01:00"


def test_a_null_optional_part_is_absent() -> None:
    assert load_programme('{"name": "x", "tiers": null}', format="json").tiers is None


def ledger_problems(text: str) -> list[tuple[str, str]]:
    return problems(LedgerDocumentError, load_ledger, text)


def test_a_ledger_document_reports_unknown_keys_and_non_list_commands() -> None:
    assert ledger_problems('{"policies": {}, "commands": {}, "extra": 1}') == [
        ("extra", "is not a field of a ledger document (policies, commands)"),
        ("commands", "must be a list (got dict)"),
    ]


def test_a_ledger_command_reports_foreign_fields_and_a_bad_tally() -> None:
    text = (
        '{"commands": [{"command": "earn", "key": "k", "member": "m", "at": "' + AT + '", '
        '"points": 1, "reward": "x", "tally": [1]}]}'
    )
    assert ledger_problems(text) == [
        ("commands[0].reward", "is not a field of command 'earn'"),
        ("commands[0].tally", "must be a table of numbers"),
    ]


def test_a_ledger_command_key_must_be_text() -> None:
    text = (
        '{"commands": [{"command": "earn", "key": 5, "member": "m", "at": "'
        + AT
        + '", "points": 1}]}'
    )
    assert ledger_problems(text) == [
        ("commands[0].key", "must be a string of at most 256 characters (got 5)")
    ]


def test_a_list_longer_than_ten_thousand_items_is_refused_whole() -> None:
    rewards = [{"id": f"r{i}", "cost": 1} for i in range(10_001)]
    text = json.dumps({"name": "x", "catalogue": {"rewards": rewards}})
    assert programme_problems(text) == [
        ("catalogue.rewards", "must have at most 10000 items (got 10001)")
    ]


def test_an_unknown_day_count_is_reported_at_its_own_field() -> None:
    expiry = {"type": "after_days", "days": 3, "convention": "whenever"}
    text = json.dumps({"name": "x", "policies": {"expiry": expiry}})
    assert programme_problems(text) == [
        (
            "policies.expiry.convention",
            "must be one of 'earn_day_is_day_one', 'end_of_day_plus_n', 'exact_instant' "
            "(got string 'whenever')",
        )
    ]
