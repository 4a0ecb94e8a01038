"""Every fenced code block in the docs runs as a test, each kind its own way.

The rules (why: docs/development/documentation.md):

- ``python``: a block with ``>>>`` is a doctest, run by pytest's
  ``--doctest-glob=*.md`` (checked here: it starts with ``>>>`` and its file
  is collected); a block without ``>>>`` is executed here.
- ``json``: every value is read by the reader or loader of what it shows
  (interaction, feedback and customer records through ``servicemodel.io``;
  model and policy documents through their loaders).
- ``toml``: loaded by the document loader it shows.
- ``csv``: a header-only block must be the writer's header; rows are read
  by ``read_interactions``.
- ``sh`` / ``console``: ``servicemodel ...`` commands run in-process through
  ``servicemodel.cli.main`` in a temporary directory and must exit 0 (a block
  that names ``examples/`` finds docs/examples there (``docs/examples/``, as
  from the repository's root, finds it at that path), and one that names
  ``zendesk-export/`` the Zendesk reference demo: its tables in that folder and
  dbt_zendesk's ``zendesk__sla_policies.csv`` beside it); the
  install and test lines of the quick start must be the commands ``.ci/run``
  runs (they need a network and a fresh virtualenv, so they are checked, not run).
- Any other language, or none, fails: add a rule here before adding the block.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import json
import re
import shlex
import shutil
import tomllib
from collections.abc import Callable, Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, NamedTuple

import pendulum
import pytest

from servicemodel import cli, samples
from servicemodel.io import read_customers, read_feedback, read_interactions, write_interactions
from servicemodel.loyalty import load_programme
from servicemodel.model import load_model
from servicemodel.sla import load_policies
from servicemodel.team import load_rubric, load_skill_profiles

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = sorted(
    [*ROOT.joinpath("docs").rglob("*.md"), ROOT / "README.md", ROOT / "CHANGELOG.md"]
)
CI_RUN = ROOT / ".ci" / "run"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

_FENCE = re.compile(r"^(?P<indent>[ ]{0,3}|[ ]*(?=[`~]))(?P<mark>`{3,}|~{3,})(?P<info>.*)$")


class Block(NamedTuple):
    """One fenced code block: where it is, its language and its text."""

    path: Path
    line: int
    language: str
    text: str

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def fenced_blocks(text: str, path: Path) -> Iterator[Block]:
    """Yield the fenced blocks of a Markdown text, indentation removed."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        indent, mark, info = match.group("indent", "mark", "info")
        start = index + 1
        body: list[str] = []
        index += 1
        while index < len(lines):
            closing = lines[index].strip()
            if closing.startswith(mark[0] * len(mark)) and not closing.strip(mark[0]):
                break
            line = lines[index]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            index += 1
        else:
            pytest.fail(f"{path.relative_to(ROOT)}:{start}: a code block is never closed")
        index += 1
        words = info.strip().strip("{}").split()
        language = words[0].lstrip(".").lower() if words else ""
        yield Block(path, start, language, "\n".join(body) + "\n")


def _all_blocks() -> list[Block]:
    return [block for path in DOC_FILES for block in fenced_blocks(path.read_text("utf-8"), path)]


BLOCKS = _all_blocks()


# --------------------------------------------------------------------------- python


def _doctest_collects(path: Path) -> bool:
    """Whether ``pytest`` (with the project's options) runs *path*'s doctests."""
    options = PYPROJECT["tool"]["pytest"]["ini_options"]
    globs = [a.split("=", 1)[1] for a in options["addopts"] if a.startswith("--doctest-glob=")]
    under = [ROOT / p for p in options["testpaths"]]
    relative_ok = any(path == p or p in path.parents for p in under)
    return relative_ok and any(fnmatch(path.name, g) for g in globs)


def check_python(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if ">>>" in block.text:
        first = next(line for line in block.text.splitlines() if line.strip())
        assert first.startswith(">>>"), (
            f"{block.where()}: a doctest block must start with '>>>' (lines before it "
            "would not run)"
        )
        examples = doctest.DocTestParser().get_examples(block.text)
        assert examples, f"{block.where()}: no doctest examples found"
        assert _doctest_collects(block.path), (
            f"{block.where()}: pytest's doctest collection does not cover this file"
        )
        return
    monkeypatch.chdir(tmp_path)
    code = compile(block.text, block.where(), "exec")
    exec(code, {"__name__": "__docs__"})


# --------------------------------------------------------------------------- json


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"repeated keys {duplicates}")
    return dict(pairs)


def json_values(text: str) -> list[Any]:
    """Parse a block holding one or more JSON values (JSON Lines, or one wrapped value)."""
    decoder = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys)
    values: list[Any] = []
    position = 0
    text = text.strip()
    while position < len(text):
        value, position = decoder.raw_decode(text, position)
        values.append(value)
        while position < len(text) and text[position].isspace():
            position += 1
    return values


def _as_jsonl(value: Any) -> io.StringIO:
    return io.StringIO(json.dumps(value, ensure_ascii=False) + "\n")


def _one_record(read: Callable[[io.StringIO], Iterator[object]]) -> Callable[[Any], object]:
    def check(value: Any) -> None:
        assert len(list(read(_as_jsonl(value)))) == 1

    return check


class Kind(NamedTuple):
    """A kind of JSON or TOML the docs show, and how to read it."""

    name: str
    shows: Callable[[dict[str, Any]], bool]
    read_json: Callable[[Any], object]
    read_toml: Callable[[str], object] | None


FEEDBACK_TYPES = {"csat", "nps", "ces", "review"}

# First match wins: documents before records (a model document has a "type" too).
KINDS = [
    Kind("model document", lambda v: "channels" in v and "type" in v, load_model, load_model),
    Kind(
        "policy document",
        lambda v: isinstance(v.get("policies"), list),
        load_policies,
        load_policies,
    ),
    Kind(
        "programme document",
        lambda v: isinstance(v.get("policies"), dict),
        lambda v: load_programme(json.dumps(v), format="json"),
        load_programme,
    ),
    Kind("rubric document", lambda v: "criteria" in v, load_rubric, load_rubric),
    Kind(
        "skill profiles document",
        lambda v: "profiles" in v,
        load_skill_profiles,
        load_skill_profiles,
    ),
    Kind(
        "interaction record",
        lambda v: "created_at" in v,
        _one_record(lambda f: read_interactions(f, format="jsonl")),
        None,
    ),
    Kind("customer record", lambda v: "acquired_at" in v, _one_record(read_customers), None),
    Kind(
        "feedback record",
        lambda v: v.get("type") in FEEDBACK_TYPES,
        _one_record(read_feedback),
        None,
    ),
]


def kind_of(value: Any, where: str) -> Kind:
    """The kind of document or record a JSON or TOML value shows, by its keys."""
    if not isinstance(value, dict):
        pytest.fail(f"{where}: no reader for a {type(value).__name__}; the docs show objects")
    for kind in KINDS:
        if kind.shows(value):
            return kind
    pytest.fail(f"{where}: no reader known for an object with keys {sorted(value)}; add one")


def check_json(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    values = json_values(block.text)
    assert values, f"{block.where()}: an empty json block"
    for value in values:
        kind_of(value, block.where()).read_json(value)


def check_toml(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kind = kind_of(tomllib.loads(block.text), block.where())
    assert kind.read_toml is not None, f"{block.where()}: a {kind.name} is JSON, not TOML"
    kind.read_toml(block.text)


# --------------------------------------------------------------------------- csv


def _writer_header() -> str:
    out = io.StringIO()
    start = pendulum.datetime(2024, 1, 1, tz="UTC")
    write_interactions(samples.generate(1, seed=1, start=start), out, format="csv")
    return out.getvalue().splitlines()[0]


def check_csv(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = block.text.strip().splitlines()
    if len(lines) == 1:
        assert lines[0] == _writer_header(), f"{block.where()}: not the header the writer writes"
        return
    assert list(read_interactions(io.StringIO(block.text), format="csv"))


# --------------------------------------------------------------------------- shell


def _ci_lines() -> list[str]:
    return [line.strip() for line in CI_RUN.read_text("utf-8").splitlines()]


def _ci_install_command() -> list[str]:
    installs = [
        shlex.split(line) for line in _ci_lines() if line.startswith(".venv/bin/pip install")
    ]
    assert len(installs) == 1, ".ci/run should install the project with one pip command"
    return installs[0]


def check_install_line(argv: list[str], where: str) -> None:
    """A quick-start install or test line must be what ``.ci/run`` runs."""
    command = shlex.join(argv)
    if command in {shlex.join(shlex.split(line)) for line in _ci_lines() if line}:
        return
    ci = _ci_install_command()
    if argv[:2] == [".venv/bin/pip", "install"]:
        # The base install: CI's command with the extras dropped (".[all]" -> ".").
        base = [word if not word.startswith(".[") else "." for word in ci]
        assert argv == base, f"{where}: {command!r} is neither CI's install {ci} nor {base}"
        scripts = PYPROJECT["project"]["scripts"]
        assert scripts.get("servicemodel") == "servicemodel.cli:main"
        return
    pytest.fail(f"{where}: {command!r} is not a servicemodel command nor a line of .ci/run")


def run_servicemodel(argv: list[str], where: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            status = cli.main(argv)
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
    assert status == 0, f"{where}: servicemodel {shlex.join(argv)} exited {status}"
    return out.getvalue()


def run_command(command: str, where: str) -> str:
    argv = shlex.split(command, comments=True)
    if not argv:
        return ""
    if argv[0] in {"servicemodel", ".venv/bin/servicemodel"}:
        return run_servicemodel(argv[1:], where)
    if argv[:2] == ["python", "-m"] and argv[2:3] == ["servicemodel"]:
        return run_servicemodel(argv[3:], where)
    check_install_line(argv, where)
    return ""


def _inputs(block: Block, tmp_path: Path) -> None:
    """The files a shell block names that are not made by its own commands."""
    if "docs/examples/" in block.text:  # a path from the repository's root
        shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    elif "examples/" in block.text:
        shutil.copytree(ROOT / "docs" / "examples", tmp_path / "examples")
    if "zendesk-export/" in block.text:
        from zendesk_demo import SEEDS, SLA_POLICIES

        shutil.copytree(SEEDS, tmp_path / "zendesk-export")
        shutil.copy(SLA_POLICIES, tmp_path / SLA_POLICIES.name)


def check_sh(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _inputs(block, tmp_path)
    text = block.text.replace("\\\n", " ")
    for line in text.splitlines():
        for command in line.split("&&"):
            run_command(command.strip(), block.where())


def check_console(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _inputs(block, tmp_path)
    sessions: list[tuple[str, list[str]]] = []
    for line in block.text.replace("\\\n", " ").splitlines():
        if line.startswith("$ "):
            sessions.append((line[2:], []))
        else:
            assert sessions, f"{block.where()}: output before the first '$ ' command"
            sessions[-1][1].append(line)
    assert sessions, f"{block.where()}: a console block without a '$ ' command"
    for command, expected in sessions:
        out = "".join(run_command(c.strip(), block.where()) for c in command.split("&&"))
        shown = "\n".join(expected).strip()
        if shown:
            assert out.strip() == shown, f"{block.where()}: {command!r} printed\n{out}"


CHECKS: dict[str, Callable[[Block, Path, pytest.MonkeyPatch], None]] = {
    "python": check_python,
    "pycon": check_python,
    "json": check_json,
    "jsonl": check_json,
    "toml": check_toml,
    "csv": check_csv,
    "sh": check_sh,
    "bash": check_sh,
    "console": check_console,
}


def _param(block: Block) -> Any:
    # The quick start assesses 20,000 sample interactions; traced, that takes 2.5
    # times as long, and the assessment's lines are covered by its own tests.
    heavy = "assess --sample" in block.text and "--count" not in block.text
    marks = [pytest.mark.untraced] if heavy else []
    return pytest.param(block, marks=marks, id=f"{block.where()}:{block.language or '-'}")


@pytest.mark.parametrize("block", [_param(b) for b in BLOCKS])
def test_every_code_block_in_the_docs_is_checked(
    block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = CHECKS.get(block.language)
    assert check is not None, (
        f"{block.where()}: a code block in language {block.language or '(none)'!r} "
        f"has no rule; use one of {sorted(CHECKS)} or add a rule to {Path(__file__).name}"
    )
    check(block, tmp_path, monkeypatch)


def test_every_doctest_in_the_docs_is_inside_a_python_block() -> None:
    """Bare ``>>>`` lines run, but the site would show them as nested quotes."""
    bare = []
    for path in DOC_FILES:
        text = path.read_text("utf-8")
        fenced = {
            block.line + i
            for block in fenced_blocks(text, path)
            for i in range(1, block.text.count("\n") + 1)
        }
        bare += [
            f"{path.relative_to(ROOT)}:{number}"
            for number, line in enumerate(text.splitlines(), start=1)
            if line.lstrip().startswith(">>>") and number not in fenced
        ]
    assert not bare, f"doctest lines outside a ```python block: {bare}"


def test_the_blocks_found_cover_the_kinds_the_docs_use() -> None:
    """The walker finds the blocks the docs hold (a broken walker would check nothing)."""
    found = {(b.path.relative_to(ROOT).as_posix(), b.language) for b in BLOCKS}
    assert ("docs/reference/data-format.md", "json") in found
    assert ("docs/reference/data-format.md", "csv") in found
    assert ("README.md", "sh") in found
    assert ("docs/how-to/sla-policies.md", "python") in found
    assert len(BLOCKS) > 50
