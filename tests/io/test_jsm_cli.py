"""``servicemodel import jsm``, ``reconcile --recorded-format jsm`` and ``assess`` on the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from servicemodel.cli import main
from servicemodel.io import read_interactions
from servicemodel.io.jsm import read_issues

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "jsm"
EXPORT = FIXTURES / "export"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("jsm") / "interactions.jsonl"
    assert main(["import", "jsm", str(EXPORT), "-o", str(out)]) == 0
    return out


def test_import_writes_what_the_reader_gives(imported: Path) -> None:
    assert list(read_interactions(imported)) == list(read_issues(EXPORT))


def test_import_stops_at_a_bad_issue_naming_it_or_skips_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    bad = FIXTURES / "bad" / "unknown_channel.json"
    assert main(["import", "jsm", str(bad), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "unknown_channel.json line 181 (ticket HELP-2)" in err  # where its key is
    assert "'properties.request.channel.type'" in err
    assert not out.exists()
    assert main(["import", "jsm", str(bad), "-o", str(out), "--skip-bad"]) == 0
    assert [t.id for t in read_interactions(out)] == ["HELP-1"]


def test_import_maps_a_status_given_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    bad = FIXTURES / "bad" / "unknown_status.json"
    args = ["import", "jsm", str(bad), "-o", str(out), "--status", "Awaiting parts=on_hold"]
    assert main(args) == 0
    assert len(list(read_interactions(out))) == 2


def test_import_refuses_policies_out_for_jsm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["import", "jsm", str(EXPORT), "-o", str(tmp_path / "o.jsonl")]
    assert main([*args, "--policies-out", str(tmp_path / "p.toml")]) == 2
    assert "exposes no SLA goals" in capsys.readouterr().err


def test_reconcile_needs_the_policy_document_and_says_why(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["reconcile", str(imported), "--recorded", str(EXPORT), "--as-of", "2024-12-31T12:00Z"]
    assert main(args) == 2
    assert "'policies' is required for Jira Service Management" in capsys.readouterr().err
    policies = str(FIXTURES / "policies.toml")
    assert main([*args, "--policies", policies, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["profile"] == "jsm"
    assert report["counts"] == {"agree": 43, "differ": 3, "vendor_only": 0, "servicemodel_only": 0}
    assert report["reasons"] == {"open_clock": 2, "target": 2}


def test_reconcile_imports_a_folder_of_saved_issues_on_the_fly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["reconcile", str(EXPORT), "--recorded", str(EXPORT), "--as-of", "2024-12-31T12:00Z"]
    assert main([*args, "--policies", str(FIXTURES / "policies.toml")]) == 0
    assert "43 agree, 3 differ (0 unexplained)" in capsys.readouterr().out


def test_assess_runs_on_the_imported_issues(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(FIXTURES / "model.toml"), str(imported), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["as_of"].startswith("2025-01-01")  # midnight after the last issue's day
    assert main(["assess", str(FIXTURES / "model.toml"), str(imported)]) == 0
    assert "22 interactions" in capsys.readouterr().out


def test_assess_evaluates_the_sla_under_the_jsm_profile_with_your_policies(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model, policies = str(FIXTURES / "model.toml"), str(FIXTURES / "policies.toml")
    args = ["assess", model, str(imported), "--policies", policies, "--format", "json"]
    assert main([*args, "--profile", "jsm"]) == 0
    jsm = _breaches(json.loads(capsys.readouterr().out)["sla"])
    assert main([*args, "--profile", "default"]) == 0
    resumed = _breaches(json.loads(capsys.readouterr().out)["sla"])
    # HELP-22 breached its first reply before it was lowered to Low: a record under jsm only.
    low = ("Standard", "low", "first_reply")
    assert (jsm[low], resumed[low]) == (1, 0)


def _breaches(lines: list[dict[str, Any]]) -> dict[tuple[str, str, str], int]:
    return {(s["policy"], s["priority"], s["metric"]): s["breached"] for s in lines}
