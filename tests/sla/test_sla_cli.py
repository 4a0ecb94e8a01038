"""``servicemodel validate`` and ``servicemodel sla``."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
import pytest

from servicemodel import Interaction, Message
from servicemodel.cli import main
from servicemodel.io import write_interactions

GOOD = {
    "calendars": {"office": {"timezone": "Europe/London", "hours": {"mon-fri": "09:00-17:00"}}},
    "policies": [
        {
            "name": "Standard",
            "calendar": "office",
            "targets": {"normal": {"first_reply": "1h", "resolution": "8h"}},
        }
    ],
}
BAD = {"policies": [{"name": "A", "targets": {"urgent": {"first_reply": "0m"}}}, {"name": "A"}]}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(GOOD))
    bad.write_text(json.dumps(BAD))
    return {"good": good, "bad": bad}


def test_validate_exits_0_for_valid_documents(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(files["good"])]) == 0
    assert capsys.readouterr().out == "1 file(s) valid\n"


def test_validate_prints_file_path_and_message_and_exits_1(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(files["good"]), str(files["bad"])]) == 1
    lines = capsys.readouterr().out.splitlines()
    bad = str(files["bad"])
    assert lines == [
        f"{bad}: policies[0].targets.urgent.first_reply: must be positive (got '0m')",
        f"{bad}: policies[1].targets: is required",
        f"{bad}: policies[1].name: duplicate policy name 'A' (also policies[0])",
        "3 problems in 2 file(s)",
    ]


def test_validate_json_for_machines(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--format", "json", str(files["bad"])]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert report["files"] == 1
    assert report["problems"][0] == {
        "file": str(files["bad"]),
        "path": "policies[0].targets.urgent.first_reply",
        "message": "must be positive (got '0m')",
    }
    # a file that cannot be read is a file error (status 3), not a document problem
    assert main(["validate", "--format", "json", str(files["bad"]), "/missing.toml"]) == 3
    assert "cannot read document '/missing.toml'" in capsys.readouterr().err


def test_sla_prints_each_interactions_clocks(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = pendulum.datetime(2024, 6, 7, 16, tz="Europe/London")  # Friday 16:00
    tickets = [
        Interaction(id="T-1", customer_id="C", channel="email", created_at=t),
        Interaction(
            id="T-2",
            customer_id="C",
            channel="chat",
            created_at=t,
            events=[Message(at=t.add(minutes=30), author="agent")],
        ),
    ]
    data = tmp_path / "tickets.jsonl"
    write_interactions(tickets, data)
    argv = [
        "sla",
        str(data),
        "--policies",
        str(files["good"]),
        "--as-of",
        "2024-06-10T10:30:00+01:00",
    ]
    assert main([*argv, "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["interaction"], r["metric"], r["state"], r["breached"]) for r in records] == [
        ("T-1", "first_reply", "active", True),
        ("T-1", "resolution", "active", False),
        ("T-2", "first_reply", "completed", False),
        ("T-2", "resolution", "active", False),
    ]
    assert records[0]["due_at"] == "2024-06-07T17:00:00+01:00"  # Fri 16:00 + 1h
    assert records[1]["business_elapsed_s"] == 2 * 3600 + 1800
    assert main(argv) == 0
    assert "BREACHED" in capsys.readouterr().out.splitlines()[0]


def test_sla_refuses_an_instant_without_offset(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["sla", "-", "--policies", str(files["good"]), "--as-of", "2024-06-10T10:30:00"]
    assert main(argv) == 2  # a usage error, as in every command
    assert "'--as-of' must carry an offset" in capsys.readouterr().err


def test_sla_reports_a_bad_policy_document(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "none.jsonl"
    data.write_text("")
    assert (
        main(["sla", str(data), "--policies", str(files["bad"]), "--as-of", "2024-06-10T10:30:00Z"])
        == 1
    )
    assert "policies[0].targets.urgent.first_reply" in capsys.readouterr().err
