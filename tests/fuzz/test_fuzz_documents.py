"""Fuzzing every document loader: only the library's own errors escape, nothing hangs.

Each loader (and the ``validate`` command) is fed (a) arbitrary JSON-like trees, hostile text and hostile
bytes, and (b) valid documents (the shipped examples, dumps of rich values)
mutated in one to four places, as a mapping where the loader takes one and
as JSON and TOML text. The law is in ``fuzz_support.obeys_law``; a refused
call also leaves a mapping it was given exactly as it was.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import fuzz_seeds as seeds
from fuzz_support import (
    deep_text,
    deep_value,
    fuzz_settings,
    hostile_bytes,
    hostile_texts,
    json_trees,
    key_names,
    mutated,
    obeys_law,
    snapshot,
    to_json,
    to_toml,
)

from servicemodel.cli import main
from servicemodel.exceptions import (
    LedgerDocumentError,
    ModelDocumentError,
    PolicyDocumentError,
    ProgrammeDocumentError,
    ServiceModelError,
    TeamDocumentError,
)
from servicemodel.loyalty import load_ledger, load_programme
from servicemodel.model import load_model
from servicemodel.sla import load_policies
from servicemodel.team import load_rubric, load_skill_profiles


@dataclass(frozen=True)
class Loader:
    """One loader: how to call it on a mapping, on text or bytes of a syntax, on a path."""

    name: str
    error: type[ServiceModelError]
    seeds: Callable[[], tuple[dict[str, Any], ...]]
    keys: tuple[str, ...]
    load_text: Callable[[str | bytes, str], object]
    load_mapping: Callable[[dict[str, Any]], object] | None = None
    load_path: Callable[[Path], object] | None = None
    #: What makes two loaded values the same (a ledger has no equality of its own).
    same: Callable[[Any], object] = lambda value: value


LOADERS = (
    Loader(
        "policies",
        PolicyDocumentError,
        seeds.policy_documents,
        ("version", "policies", "calendars", "name", "targets", "when", "within", "hours"),
        lambda text, syntax: load_policies(text, format=syntax),
        load_policies,
        load_policies,
    ),
    Loader(
        "model",
        ModelDocumentError,
        seeds.model_documents,
        ("name", "type", "channels", "sla", "goals", "follow_ups", "loyalty", "timezone"),
        lambda text, syntax: load_model(text, format=syntax),
        load_model,
        load_model,
    ),
    Loader(
        "programme",
        ProgrammeDocumentError,
        seeds.programme_documents,
        ("name", "policies", "earn", "tiers", "catalogue", "rules", "type", "zone"),
        lambda text, syntax: load_programme(text, format=syntax),
        load_programme,
        load_programme,
    ),
    Loader(
        "ledger",
        LedgerDocumentError,
        seeds.ledger_documents,
        ("policies", "commands", "command", "key", "member", "at", "points", "lines"),
        lambda text, syntax: load_ledger(text, format=syntax),
        load_ledger,
        load_ledger,
        same=lambda ledger: ledger.commands(),
    ),
    Loader(
        "rubric",
        TeamDocumentError,
        lambda: (seeds.RUBRIC,),
        ("name", "criteria", "weight", "scale", "auto_fail_at", "description"),
        lambda text, syntax: load_rubric(text, format=syntax),
        load_rubric,
        load_rubric,
    ),
    Loader(
        "profiles",
        TeamDocumentError,
        lambda: (seeds.PROFILES,),
        ("profiles", "role", "description", "requirements"),
        lambda text, syntax: load_skill_profiles(text, format=syntax),
        load_skill_profiles,
        load_skill_profiles,
    ),
)
by_name = pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.name)
SYNTAXES = ("json", "toml")


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _check(loader: Loader, document: object, folder: Path | None = None) -> None:
    """The law for one document given every way the loader accepts it."""
    if loader.load_mapping is not None and isinstance(document, dict):
        before = snapshot(document)
        kept = copy.deepcopy(document)
        result = obeys_law(lambda: loader.load_mapping(kept))  # type: ignore[misc]
        assert snapshot(kept) == before, "a load must not change the mapping it was given"
        assert not isinstance(result, ServiceModelError) or isinstance(result, loader.error)
    texts = [("json", to_json(document))]
    if isinstance(document, dict):
        texts.append(("toml", to_toml(document)))
    for syntax, text in texts:
        result = obeys_law(lambda: loader.load_text(text, syntax))  # noqa: B023
        assert not isinstance(result, ServiceModelError) or isinstance(result, loader.error)
        if loader.load_path is not None and folder is not None:
            path = folder / f"{loader.name}.{syntax}"
            path.write_text(text, "utf-8", errors="surrogatepass")
            obeys_law(lambda: loader.load_path(path))  # type: ignore[misc]  # noqa: B023


def test_every_seed_is_a_valid_document() -> None:
    # Mutation starts from valid documents, or it would only ever test refusal.
    for loader in LOADERS:
        for document in loader.seeds():
            same = loader.same
            loaded = same(loader.load_text(to_json(document), "json"))
            assert same(loader.load_text(to_toml(document), "toml")) == loaded
            if loader.load_mapping is not None:
                assert same(loader.load_mapping(document)) == loaded


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@by_name
@fuzz_settings()
@given(data=st.data())
def test_fuzz_mutated_valid_documents(loader: Loader, folder: Path, data: st.DataObject) -> None:
    seed = data.draw(st.sampled_from(loader.seeds()), label="seed")
    document = data.draw(mutated(seed, loader.keys), label="document")
    _check(loader, document, folder)


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@by_name
@fuzz_settings(scale=0.75)
@given(data=st.data())
def test_fuzz_arbitrary_trees(loader: Loader, data: st.DataObject) -> None:
    keys = key_names(*loader.keys)
    tree = data.draw(st.one_of(json_trees(keys), st.dictionaries(keys, json_trees(keys))))
    _check(loader, tree)


@by_name
@fuzz_settings(scale=0.75)
@given(source=st.one_of(hostile_texts, hostile_bytes), syntax=st.sampled_from(SYNTAXES))
def test_fuzz_hostile_text_and_bytes(loader: Loader, source: str | bytes, syntax: str) -> None:
    result = obeys_law(lambda: loader.load_text(source, syntax))
    assert not isinstance(result, ServiceModelError) or isinstance(result, loader.error)


DEEP_TEXTS = {
    "json-arrays": deep_text(100_000),
    "json-objects": deep_text(100_000, '{"a":', "}"),
    "json-in-key": '{"policies": ' + deep_text(100_000) + "}",
    "toml-arrays": deep_text(100_000, prefix="a = "),
    "toml-inline-tables": deep_text(100_000, "{a=", "}", prefix="x = "),
    "toml-tables": "".join(f"[{'a.' * i}a]\n" for i in range(0, 2_000, 50)),
}


@by_name
@pytest.mark.parametrize("name", sorted(DEEP_TEXTS))
def test_deeply_nested_text_is_refused_with_a_library_error(loader: Loader, name: str) -> None:
    # 100,000 levels: the parser must not overflow the stack, the loader must not recurse.
    for syntax in SYNTAXES:
        result = obeys_law(lambda: loader.load_text(DEEP_TEXTS[name], syntax))  # noqa: B023
        assert isinstance(result, loader.error)


@pytest.mark.parametrize(
    "loader", [x for x in LOADERS if x.load_mapping], ids=lambda loader: loader.name
)
def test_deeply_nested_mappings_are_refused_with_a_library_error(loader: Loader) -> None:
    for key in loader.keys[:3]:
        document = {key: deep_value(100_000)}
        result = obeys_law(lambda: loader.load_mapping(document))  # type: ignore[misc]  # noqa: B023
        assert isinstance(result, loader.error)


# ------------------------------------------------------------------ the CLI


@fuzz_settings(scale=0.25)
@given(
    data=st.one_of(
        hostile_bytes,
        st.sampled_from(seeds.policy_documents()).flatmap(
            lambda doc: mutated(doc, LOADERS[0].keys).map(lambda d: to_json(d).encode())
        ),
    ),
    suffix=st.sampled_from([".json", ".toml", ".txt", ""]),
    output=st.sampled_from(["text", "json"]),
)
def test_fuzz_the_validate_command(folder: Path, data: bytes, suffix: str, output: str) -> None:
    # ``servicemodel validate FILE`` prints problems and exits 1, or exits 0; never a traceback.
    path = folder / f"document{suffix}"
    path.write_bytes(data)
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        status = obeys_law(lambda: main(["validate", "--format", output, str(path)]))
    assert status in (0, 1)
    if output == "json":
        report = json.loads(stdout.getvalue())
        assert report["valid"] is (status == 0)
        assert all(p["file"] == str(path) for p in report["problems"])
