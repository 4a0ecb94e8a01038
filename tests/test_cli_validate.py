"""``servicemodel validate``: every document kind is recognised, or named with --kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicemodel.cli import main
from servicemodel.loyalty import Ledger, Programme, dump_ledger, dump_programme
from servicemodel.team import (
    Criterion,
    Rubric,
    SkillProfile,
    SkillRequirement,
    dump_rubric,
    dump_skill_profiles,
)

EXAMPLES = sorted((Path(__file__).parent.parent / "docs" / "examples").glob("*.toml"))
POLICIES = '[[policies]]\nname = "Standard"\ntargets.normal.first_reply = "4h"\n'


def test_the_shipped_example_models_are_valid_model_documents(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert len(EXAMPLES) == 4
    assert main(["validate", *map(str, EXAMPLES)]) == 0
    assert capsys.readouterr().out == "4 file(s) valid\n"


def test_an_example_model_named_as_policies_is_checked_as_policies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--kind", "policies", str(EXAMPLES[0])]) == 1
    assert "is not a known key; expected one of version" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kind", "text", "suffix"),
    [
        ("policies", POLICIES, ".toml"),
        (
            "programme",
            dump_programme(Programme(name="club"), format="json").replace(
                '"club"', '"club", "catalogue": {"rewards": []}'
            ),
            ".json",
        ),
        ("ledger", dump_ledger(Ledger()), ".json"),
        (
            "rubric",
            dump_rubric(Rubric(name="r", criteria=[Criterion(name="tone", weight=1)])),
            ".toml",
        ),
        (
            "profiles",
            dump_skill_profiles(
                [SkillProfile(role="t1", requirements=[SkillRequirement("empathy", 3)])]
            ),
            ".toml",
        ),
    ],
)
def test_each_kind_is_recognised_and_checked_by_its_own_loader(
    kind: str, text: str, suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"document{suffix}"
    path.write_text(text)
    assert main(["validate", str(path)]) == 0, capsys.readouterr().out
    assert main(["validate", "--kind", kind, str(path)]) == 0


def test_a_recognised_document_gets_the_problems_of_its_own_loader(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "club.json"
    path.write_text(json.dumps({"name": "club", "tiers": 5}))
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: tiers: must be a table (got int 5)",
        "1 problem in 1 file(s)",
    ]


def test_a_document_of_no_known_kind_says_what_was_tried_and_suggests_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "club.toml"
    path.write_text('name = "club"\n')
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"{path}: is not a document kind this command recognises; tried policies (an array "
        "'policies'); model ('type' or 'channels'); programme ('earn', 'tiers', 'catalogue' or "
        "a table 'policies'); ledger ('commands'); rubric ('criteria'); profiles ('profiles'); "
        "name the kind with --kind (ledger, model, policies, profiles, programme, rubric)",
        "1 problem in 1 file(s)",
    ]
    assert main(["validate", "--kind", "programme", str(path)]) == 0


def test_a_document_that_looks_like_two_kinds_asks_for_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "both.json"
    path.write_text(json.dumps({"criteria": [], "profiles": []}))
    assert main(["validate", "--format", "json", str(path)]) == 1
    [problem] = json.loads(capsys.readouterr().out)["problems"]
    assert problem["message"].startswith("could be any of rubric, profiles; name the kind with")


def test_a_problem_of_reading_is_reported_before_the_kind_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"criteria": [], "criteria": []}')
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{path}: criteria: must not be repeated (the key appears more than once in the JSON text)"
    )


def test_an_unknown_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate", "--kind", "novel", "x.toml"])
    assert caught.value.code == 2
    assert "invalid choice: 'novel'" in capsys.readouterr().err


def test_a_missing_document_is_a_file_error_like_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["validate", str(tmp_path / "missing.toml")])
    assert status == 3
    assert "cannot read document" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["validate"], ["ledger"], ["ledger", "apply"]])
def test_help_shows_the_one_exit_status_table(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert "exit status (the same for every command):" in out
    assert "3    a file cannot be read or written" in out
