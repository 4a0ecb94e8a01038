"""The document layer: every loader refuses hostile documents with its own error and a path.

Each hostile document is built at its real size (a 4,000-digit hex integer, a
100,000-digit number, a 20,000,000-item list) for every document kind, and
fed to the loader as text and as a mapping and to ``servicemodel validate``.
Peak memory of a refusal is measured with tracemalloc.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest

from servicemodel import _documents as doc
from servicemodel import _structure as structuring
from servicemodel.cli import main
from servicemodel.exceptions import (
    DocumentError,
    LedgerDocumentError,
    ModelDocumentError,
    PolicyDocumentError,
    Problem,
    ProgrammeDocumentError,
    TeamDocumentError,
)
from servicemodel.loyalty import Ledger, dump_ledger, load_ledger, load_programme
from servicemodel.model import load_model
from servicemodel.sla import load_policies
from servicemodel.team import load_rubric, load_skill_profiles

sys.path.insert(0, str(Path(__file__).parent / "fuzz"))
import fuzz_seeds as seeds

MARK = 987654321  # a number that appears nowhere else in the documents below
HEX = "0x" + "f" * 4000
LONG_DECIMAL = "1." + "0" * 100_000 + "1"
BAD_ZONES = ("localtime", "posixrules", "Factory", "right/UTC", "posix/Europe/London")


@dataclass(frozen=True)
class Kind:
    name: str
    load: Callable[..., object]
    error: type[DocumentError]
    document: Callable[[], dict[str, Any]]
    number: tuple[str | int, ...]  # path of a numeric field
    decimal: tuple[str | int, ...]  # path of a field holding an exact or decimal number
    zone: tuple[str | int, ...] | None  # path of a zone name, if the kind has one


def _policies() -> dict[str, Any]:
    return {
        "calendars": {"office": {"timezone": "Europe/London", "hours": {"mon-fri": "09:00-17:00"}}},
        "policies": [
            {
                "name": "P",
                "calendar": "office",
                "targets": {"urgent": {"first_reply": {"within": "1h", "warn_percent": 80}}},
            }
        ],
    }


def _model() -> dict[str, Any]:
    return {
        "name": "Desk",
        "type": "reactive",
        "timezone": "Europe/London",
        "channels": ["email"],
        "goals": [
            {"name": "g", "metric": "csat", "target": 0.9, "deadline": "2025-01-01"},
        ],
    }


def _first(documents: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    return copy.deepcopy(documents[0])


KINDS = [
    Kind(
        "policies",
        load_policies,
        PolicyDocumentError,
        _policies,
        ("policies", 0, "targets", "urgent", "first_reply", "warn_percent"),
        ("policies", 0, "targets", "urgent", "first_reply", "warn_percent"),
        ("calendars", "office", "timezone"),
    ),
    Kind(
        "model",
        load_model,
        ModelDocumentError,
        _model,
        ("goals", 0, "target"),
        ("goals", 0, "target"),
        ("timezone",),
    ),
    Kind(
        "programme",
        load_programme,
        ProgrammeDocumentError,
        lambda: _first(seeds.programme_documents()),
        ("catalogue", "rewards", 0, "cost"),
        ("earn", "rules", 0, "per"),
        ("policies", "zone"),
    ),
    Kind(
        "ledger",
        load_ledger,
        LedgerDocumentError,
        lambda: _first(seeds.ledger_documents()),
        ("commands", 0, "points"),
        ("commands", 0, "tally", "spend"),
        ("policies", "zone"),
    ),
    Kind(
        "rubric",
        load_rubric,
        TeamDocumentError,
        lambda: {"name": "r", "criteria": [{"name": "tone", "weight": 1, "scale": 4}]},
        ("criteria", 0, "scale"),
        ("criteria", 0, "weight"),
        None,
    ),
    Kind(
        "profiles",
        load_skill_profiles,
        TeamDocumentError,
        lambda: {"profiles": [{"role": "tier1", "requirements": {"empathy": 3}}]},
        ("profiles", 0, "requirements", "empathy"),
        ("profiles", 0, "requirements", "empathy"),
        None,
    ),
]
ids = [kind.name for kind in KINDS]


def spelled(path: tuple[str | int, ...]) -> str:
    text = ""
    for key in path:
        text = doc.at(text, key) if isinstance(key, int) else doc.join(text, key)
    return text


def put(document: dict[str, Any], path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    node: Any = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return document


def marked(kind: Kind, path: tuple[str | int, ...], format: str) -> str:
    """The kind's document as text, with MARK at *path*."""
    return doc.write(put(kind.document(), path, MARK), format=format)


def problems(kind: Kind, source: object, **options: Any) -> list[tuple[str, str]]:
    tracemalloc.start()
    try:
        with pytest.raises(kind.error) as caught:
            kind.load(source, **options)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100_000_000, f"refusing took {peak} bytes"
    return [(p.path, p.message) for p in caught.value.problems]


def validate(tmp_path: Path, text: str, suffix: str, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / f"hostile{suffix}"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    return capsys.readouterr().out


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_each_kind_loads_its_plain_document(kind: Kind) -> None:
    # The documents below are only hostile where they are changed.
    for format in ("toml", "json"):
        text = doc.write(kind.document(), format=format)
        loaded, again = kind.load(text), kind.load(kind.document())
        if isinstance(loaded, Ledger):  # a ledger is compared by what it holds
            assert isinstance(again, Ledger)
            assert dump_ledger(loaded) == dump_ledger(again)
        else:
            assert loaded == again


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_a_4000_digit_hex_integer_in_a_numeric_field_is_refused_with_its_path(
    kind: Kind, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = marked(kind, kind.number, "toml").replace(str(MARK), HEX)
    expected = (
        spelled(kind.number),
        "must be a number of at most 30 digits (got an integer of about 4817 digits)",
    )
    assert problems(kind, text) == [expected]
    assert problems(kind, put(kind.document(), kind.number, int(HEX, 16))) == [expected]
    out = validate(tmp_path, text, ".toml", capsys)
    assert f"{spelled(kind.number)}: must be a number of at most 30 digits" in out


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_a_huge_integer_as_a_mapping_key_is_refused_with_the_path_of_its_object(
    kind: Kind,
) -> None:
    document = kind.document()
    parent = kind.number[:-1]
    put(document, (*parent, int(HEX, 16)), 1)
    assert problems(kind, document) == [
        (spelled(parent), "keys must be strings (got integer <int>)")
    ]


@pytest.mark.parametrize("kind", KINDS, ids=ids)
@pytest.mark.parametrize("format", ["json", "toml"])
def test_a_100000_digit_number_in_a_decimal_field_is_refused_with_its_path(
    kind: Kind, format: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = marked(kind, kind.decimal, format).replace(str(MARK), LONG_DECIMAL)
    [(path, message)] = problems(kind, text)
    assert path == spelled(kind.decimal)
    assert message.startswith("must be a number of at most 30 digits (got 1.0000000000...")
    out = validate(tmp_path, text, f".{format}", capsys)
    assert f"{path}: must be a number of at most 30 digits" in out


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_a_decimal_of_huge_magnitude_in_a_mapping_is_refused_with_its_path(kind: Kind) -> None:
    document = put(kind.document(), kind.decimal, Decimal("1e100000"))
    [(path, message)] = problems(kind, document)
    assert path == spelled(kind.decimal)
    assert message.startswith("must be a number of at most 30 digits before and after the point")


@pytest.fixture(scope="module")
def twenty_million() -> Iterator[list[int]]:
    items = [0] * 20_000_000
    yield items
    del items


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_a_20000000_item_list_in_a_mapping_is_refused_before_anything_is_built(
    kind: Kind, twenty_million: list[int]
) -> None:
    path = kind.number[:-1]
    document = put(kind.document(), path, twenty_million)
    assert problems(kind, document) == [
        (spelled(path), "must not take the document past 200000 values (got 20000000 here)")
    ]


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_a_repeated_key_in_json_is_refused_with_its_path(
    kind: Kind, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = kind.number[-1]
    text = marked(kind, kind.number, "json").replace(f'"{key}": {MARK}', f'"{key}": 1, "{key}": 1')
    expected = (
        spelled(kind.number),
        "must not be repeated (the key appears more than once in the JSON text)",
    )
    assert problems(kind, text) == [expected]
    assert problems(kind, text.encode()) == [expected]
    out = validate(tmp_path, text, ".json", capsys)
    assert f"{expected[0]}: {expected[1]}" in out


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_a_repeated_key_in_toml_is_refused_with_its_line(kind: Kind) -> None:
    key = kind.number[-1]
    text = marked(kind, kind.number, "toml").replace(f"{key} = {MARK}", f"{key} = 1\n{key} = 1")
    [(path, message)] = problems(kind, text)
    assert (path, message.split(":")[0]) == ("", "invalid TOML")
    assert "Cannot overwrite a value" in message


@pytest.mark.parametrize("kind", [k for k in KINDS if k.zone is not None], ids=lambda k: k.name)
@pytest.mark.parametrize("zone", BAD_ZONES)
def test_a_zone_name_that_is_not_a_portable_iana_name_is_refused_with_its_path(
    kind: Kind, zone: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kind.zone is not None
    document = put(kind.document(), kind.zone, zone)
    found = problems(kind, document)
    assert found[0][0] == spelled(kind.zone)  # a policy naming the calendar may follow
    assert f"must be an IANA zone name such as 'Europe/London' (got '{zone}')" in found[0][1]
    out = validate(tmp_path, doc.write(document, format="toml"), ".toml", capsys)
    assert f"{spelled(kind.zone)}: " in out


# ------------------------------------------------------------------ the layer itself


def test_sources_of_every_form_read_to_the_same_data(tmp_path: Path) -> None:
    document = {"name": "x", "items": [{"n": 1, "when": {"all": []}}], "empty": {}}
    text = doc.write(document, format="toml")
    (tmp_path / "d.toml").write_text(text)
    (tmp_path / "d.json").write_text(doc.write(document, format="json"))
    sources: list[object] = [
        document,
        text,
        text.encode(),
        doc.write(document, format="json"),
        tmp_path / "d.toml",
        tmp_path / "d.json",
    ]
    for source in sources:
        problems = doc.Problems()
        assert doc.read(source, format=None, problems=problems) == document, source
        assert not problems.items


def test_the_toml_writer_keeps_inline_keys_on_one_line_and_quotes_odd_keys() -> None:
    document = {"a b": {"when": {"all": [{"field": "x", "is": "y"}]}, "k": "v\x7f"}}
    text = doc.write(document, format="toml", inline=frozenset({"when"}))
    assert text == '["a b"]\nwhen = { all = [{ field = "x", is = "y" }] }\nk = "v\\u007f"\n'
    problems = doc.Problems()
    assert doc.read(text, format="toml", problems=problems) == document


def test_exact_numbers_read_points_as_decimals_in_both_syntaxes() -> None:
    for text in ('{"rate": 1.25}', "rate = 1.25"):
        data = doc.read(text, format=None, problems=doc.Problems(), exact_numbers=True)
        assert data == {"rate": Decimal("1.25")}
        assert isinstance(data["rate"], Decimal)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": NaN}', "must be a finite number (got NaN)"),
        ('{"a": -Infinity}', "must be a finite number (got -Infinity)"),
        ("a = inf", "must be a finite number (got inf)"),
        ('{"a": 1e31}', "must be a number of at most 30 digits (got 1e31)"),
        (
            '{"a": ' + "9" * 31 + "}",
            "must be a number of at most 30 digits (got 999999999999... of 31 characters)",
        ),
    ],
)
def test_numbers_that_are_not_finite_or_too_long_are_refused_with_their_path(
    text: str, message: str
) -> None:
    problems = doc.Problems()
    assert doc.read(text, format=None, problems=problems) is None
    assert [(p.path, p.message) for p in problems.items] == [("a", message)]


def test_an_integer_of_30_digits_is_accepted_and_one_of_31_refused() -> None:
    largest = 10**30 - 1
    assert doc.read({"a": largest}, format=None, problems=doc.Problems()) == {"a": largest}
    assert doc.read({"a": -(10**30)}, format=None, problems=doc.Problems()) is None


def test_a_document_may_hold_exactly_200000_values() -> None:
    # The values are the top object, the array and its items.
    problems = doc.Problems()
    assert doc.read({"a": [0] * 199_998}, format=None, problems=problems) is not None
    assert doc.read({"a": [0] * 199_999}, format=None, problems=problems) is None


def test_problems_stop_listing_after_a_thousand() -> None:
    problems = doc.Problems()
    for index in range(1_005):
        problems.add(f"x[{index}]", "is wrong")
    assert len(problems) == 1_001
    assert str(problems.items[-1]) == "more than 1000 problems; stopped listing"


def test_an_unknown_format_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"'format' must be one of 'toml', 'json' \(got 'yaml'\)"):
        doc.read("a = 1", format="yaml", problems=doc.Problems())
    with pytest.raises(TypeError, match="cannot write set as TOML"):
        doc.write({"a": {1}}, format="toml")


def test_json_text_is_written_as_utf8_with_two_space_indent() -> None:
    assert json.loads(doc.write({"name": "Zoë"}, format="json")) == {"name": "Zoë"}
    assert doc.write({"name": "Zoë"}, format="json") == '{\n  "name": "Zoë"\n}\n'


def test_problems_of_an_embedded_document_are_recorded_under_its_prefix() -> None:
    problems = doc.Problems()
    inner = [Problem("", "is empty"), Problem("[2].name", "is required"), Problem("a", "bad")]
    problems.extend(inner, "sla")
    problems.extend(inner)
    assert [str(p) for p in problems.items] == [
        "sla: is empty",
        "sla[2].name: is required",
        "sla.a: bad",
        "is empty",
        "[2].name: is required",
        "a: bad",
    ]


def test_bytes_over_the_size_limit_are_refused_before_decoding() -> None:
    problems = doc.Problems()
    assert doc.read(b"#" * 1_000_001, format=None, problems=problems) is None
    assert [str(p) for p in problems.items] == ["document must be at most 1000000 bytes (got more)"]


def test_a_file_is_read_in_the_format_given_whatever_its_suffix(tmp_path: Path) -> None:
    path = tmp_path / "document.txt"
    path.write_text('{"a": true}')
    assert doc.read(path, format="json", problems=doc.Problems()) == {"a": True}
    assert doc.read(path, format=None, problems=doc.Problems()) == {"a": True}
    assert doc.write({"a": True, "b": False}, format="toml") == "a = true\nb = false\n"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("NaN"), "must be a finite number (got Decimal('NaN'))"),
        (float("inf"), "must be a finite number (got inf)"),
        (
            Fraction(1, 10**40),
            "must be a number of at most 30 digits (got an integer of about 41 digits)",
        ),
    ],
)
def test_numbers_in_a_mapping_are_bounded_like_numbers_in_text(value: object, message: str) -> None:
    problems = doc.Problems()
    assert doc.read({"a": [value]}, format=None, problems=problems) is None
    assert [(p.path, p.message) for p in problems.items] == [("a[0]", message)]


@pytest.mark.parametrize(
    ("number", "accepted"),
    [
        ("1" + "0" * 29, True),  # 30 digits before the point
        ("1" + "0" * 30, False),
        ("1e29", True),
        ("1e30", False),
        ("0." + "0" * 29 + "1", True),  # 30 digits after the point
        ("0." + "0" * 30 + "1", False),
        ("1.5e-29", True),
        ("1.5e-30", False),
        ("1.5" + "0" * 40, True),  # trailing zeros after the point say nothing
        ("12345678901234567890123456789012345678.0", False),
        ("0" * 40 + "1.5", True),  # nor do leading zeros before it (in a mapping's Decimal)
    ],
)
@pytest.mark.parametrize("exact", [True, False])
def test_a_number_may_have_30_digits_before_and_30_after_the_point(
    number: str, accepted: bool, exact: bool
) -> None:
    text_data = doc.read(
        '{"a": ' + number + "}", format=None, problems=doc.Problems(), exact_numbers=exact
    )
    mapping_data = doc.read({"a": Decimal(number)}, format=None, problems=doc.Problems())
    assert (mapping_data is not None) is accepted
    if not number.startswith("00"):  # JSON has no leading zeros
        assert (text_data is not None) is accepted


@attrs.frozen
class Leaf:
    name: str
    size: int | None = None
    shown: bool = True


@attrs.frozen
class Tree:
    leaves: tuple[Leaf, ...]


def _refuse_odd(_instance: object, _attribute: object, value: int) -> None:
    if value % 2:
        raise TypeError("odd")


@attrs.frozen
class Even:
    n: int = attrs.field(validator=_refuse_odd)


def test_a_converters_errors_become_problems_at_their_paths() -> None:
    converter = structuring.converter()
    converter.register_structure_hook_func(
        lambda hint: hint == tuple[Leaf, ...],
        lambda value, _: tuple(
            structuring.structure_items(converter, value, Leaf, limit=2, what="leaves")
        ),
    )
    problems = doc.Problems()
    data = {"leaves": [{"name": "a"}, {"size": True, "shown": "no", "colour": 1}], "x": 0}
    assert structuring.structure(converter, data, Tree, problems) is None
    assert [(p.path, p.message) for p in problems.items] == [
        ("leaves[1].name", "is required"),
        ("leaves[1].size", "must be an integer (got True)"),
        ("leaves[1].shown", "must be true or false (got 'no')"),
        ("leaves[1].colour", "is not a known key; expected one of name, size, shown"),
        ("x", "is not a known key; expected one of leaves"),
    ]
    problems = doc.Problems()
    assert structuring.structure(converter, {"leaves": [{}] * 3}, Tree, problems) is None
    assert [str(p) for p in problems.items] == ["leaves: must hold at most 2 leaves (got 3)"]
    assert structuring.structure(converter, {"leaves": [{"name": "b"}]}, Tree, problems) == Tree(
        leaves=(Leaf(name="b"),)
    )
    problems = doc.Problems()
    assert structuring.structure(converter, {"n": 3}, Even, problems, "even") is None
    assert [str(p) for p in problems.items] == ["even: is not valid (odd)"]


# ------------------------------------------------------------------ one signature


def _public_document_functions() -> list[tuple[str, Callable[..., object]]]:
    found = []
    for package in (
        "servicemodel.sla",
        "servicemodel.loyalty",
        "servicemodel.team",
        "servicemodel.model",
    ):
        module = importlib.import_module(package)
        for name in module.__all__:
            if name.startswith(("load_", "dump_")):
                found.append((f"{package}.{name}", getattr(module, name)))
    return found


@pytest.mark.parametrize(("name", "function"), _public_document_functions())
def test_every_public_loader_and_dumper_has_the_one_signature(
    name: str, function: Callable[..., object]
) -> None:
    parameters = list(inspect.signature(function).parameters.values())
    first, rest = parameters[0], parameters[1:]
    assert first.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, name
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in rest), name
    assert rest[0].name == "format", name
    if name.rsplit(".", 1)[1].startswith("load_"):
        assert (first.name, rest[0].default) == ("source", None), name
    else:
        assert rest[0].default in ("toml", "json"), name


def test_every_kind_is_loaded_and_dumped() -> None:
    names = {n.rsplit(".", 1)[1] for n, _ in _public_document_functions()}
    kinds = {n.split("_", 1)[1] for n in names}
    assert {f"load_{k}" for k in kinds} | {f"dump_{k}" for k in kinds} == names
