"""``servicemodel import zendesk`` and ``assess`` on an export folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from servicemodel.cli import main
from servicemodel.io import read_interactions
from servicemodel.io.zendesk import read_api, read_tables
from servicemodel.sla import load_policies

ROOT = Path(__file__).resolve().parent
TABLES = ROOT / "fixtures" / "zendesk" / "tables"
API = ROOT / "fixtures" / "zendesk" / "api"
MODEL = ROOT.parent / "docs" / "examples" / "reactive.toml"


def test_import_writes_what_the_reader_gives_and_the_policies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, policies = tmp_path / "interactions.jsonl", tmp_path / "policies.toml"
    folder = tmp_path / "export"
    shutil.copytree(TABLES, folder)
    for name in ("sla_policy_metric_history.csv",):
        (folder / name).unlink()  # its 'medium' rows are refused (see the skip test)
    status = main(
        ["import", "zendesk", str(folder), "-o", str(out), "--policies-out", str(policies)]
    )
    assert status == 0
    assert list(read_interactions(out)) == list(read_tables(TABLES))
    assert "imported 15 interactions" in capsys.readouterr().err
    loaded = load_policies(policies)
    assert sorted(name for name, _calendar in loaded.calendars) == ["100", "200"]


def test_import_stops_at_a_bad_row_naming_it_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "export"
    shutil.copytree(TABLES, folder)
    comments = (
        (folder / "ticket_comment.csv").read_text().replace(",104,false,10,", ",104,false,77,")
    )
    (folder / "ticket_comment.csv").write_text(comments)
    out = tmp_path / "out.jsonl"
    assert main(["import", "zendesk", str(folder), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "ticket_comment.csv line 8 (ticket 104): 'user_id'" in err
    assert not out.exists()
    assert main(["import", "zendesk", str(folder), "-o", str(out), "--skip-bad"]) == 0
    assert len(list(read_interactions(out))) == 14
    assert "left out 1 bad record" in capsys.readouterr().err


def test_import_skip_bad_leaves_out_a_policy_it_cannot_express_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, policies = tmp_path / "i.csv", tmp_path / "p.json"
    args = ["import", "zendesk", str(TABLES), "-o", str(out), "--policies-out", str(policies)]
    assert main(args) == 1
    assert "line 14.priority" in capsys.readouterr().err
    assert main([*args, "--skip-bad"]) == 0
    assert "left out: sla_policy_metric_history.csv line 14.priority" in capsys.readouterr().err
    assert [p["name"] for p in json.loads(policies.read_text())["policies"]] == ["policy 1001"]


def test_import_usage_and_file_errors(tmp_path: Path) -> None:
    assert (
        main(["import", "zendesk", str(tmp_path / "missing"), "-o", str(tmp_path / "a.jsonl")]) == 3
    )
    assert main(["import", "zendesk", str(TABLES), "-o", str(tmp_path / "a.txt")]) == 2
    out = str(tmp_path / "a.jsonl")
    assert main(["import", "zendesk", str(TABLES), "-o", out, "--policies-out", "p.yaml"]) == 2
    assert main(["import", "zendesk", str(tmp_path), "-o", out]) == 1  # no ticket table


def test_assess_reads_an_export_folder_directly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(MODEL), str(TABLES), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["as_of"].startswith("2025-11-01")  # midnight after the last ticket's day
    assert main(["assess", str(MODEL), str(TABLES)]) == 0
    assert "15 interactions" in capsys.readouterr().out


def test_import_reads_an_api_export_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, policies = tmp_path / "interactions.jsonl", tmp_path / "policies.toml"
    args = ["import", "zendesk", str(API), "-o", str(out), "--policies-out", str(policies)]
    assert main(args) == 0
    assert list(read_interactions(out)) == list(read_api(API))
    assert "imported 6 interactions" in capsys.readouterr().err
    assert [p.name for p in load_policies(policies).policies] == [
        "Urgent SLA",
        "Standard SLA",
        "Calendar SLA",
    ]
