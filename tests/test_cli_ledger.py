"""`servicemodel ledger`: init, apply, balance, export, import, and the errors a user meets."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from servicemodel.cli import main

EARN = '{"command":"earn","key":"o-1","member":"ann","at":"2025-01-10T12:00:00+01:00","points":100}'
REDEEM = (
    '{"command":"redeem","key":"r-1","member":"ann","at":"2025-01-11T12:00:00+01:00","points":30}'
)
AS_OF = "2025-01-12T00:00:00+01:00"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_ledger_from_init_to_export_and_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = f"sqlite:///{tmp_path / 'a.db'}"
    policies = tmp_path / "policies.toml"
    policies.write_text('[policies]\nzone = "Europe/Warsaw"\n')
    assert run(capsys, "ledger", "init", "--store", store, "--policies", str(policies))[0] == 0
    commands = tmp_path / "commands.jsonl"
    commands.write_text(f"{EARN}\n\n{REDEEM}\n")
    status, out, _ = run(capsys, "ledger", "apply", "--store", store, str(commands))
    assert status == 0
    assert [json.loads(line)["version"] for line in out.splitlines()] == [1, 2]
    # Applying the same file again is a no-op with the same receipts.
    assert run(capsys, "ledger", "apply", "--store", store, str(commands))[1] == out
    status, out, _ = run(capsys, "ledger", "balance", "ann", "--as-of", AS_OF, "--store", store)
    assert json.loads(out) == {"member": "ann", "available": 70, "pending": 0, "debt": 0}
    exported = tmp_path / "out.jsonl"
    status, _, err = run(capsys, "ledger", "export", "--store", store, str(exported))
    assert status == 0
    assert "exported 2 commands" in err
    other = f"sqlite:///{tmp_path / 'b.db'}"
    run(capsys, "ledger", "init", "--store", other, "--policies", str(policies))
    status, _, err = run(capsys, "ledger", "import", "--store", other, str(exported))
    assert status == 0
    assert "imported 2 commands" in err
    status, out, _ = run(capsys, "ledger", "export", "--store", other)
    assert out == exported.read_text()


def test_apply_reads_standard_input_and_stops_at_a_refused_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = f"sqlite:///{tmp_path / 'a.db'}"
    run(capsys, "ledger", "init", "--store", store)
    too_much = REDEEM.replace('"points":30', '"points":300')
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{EARN}\n{too_much}\n"))
    status, out, err = run(capsys, "ledger", "apply", "--store", store, "-")
    assert status == 1
    assert len(out.splitlines()) == 1
    assert "line 2" in err
    assert "at most the 100 available points" in err


def test_import_from_standard_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = f"sqlite:///{tmp_path / 'a.db'}"
    run(capsys, "ledger", "init", "--store", store)
    monkeypatch.setattr("sys.stdin", io.StringIO('{"policies": {}}\n' + EARN + "\n"))
    assert run(capsys, "ledger", "import", "--store", store, "-")[0] == 0
    out = run(capsys, "ledger", "balance", "ann", "--as-of", AS_OF, "--store", store)[1]
    assert json.loads(out)["available"] == 100


def test_clear_errors_for_a_missing_store_a_wrong_schema_and_a_bad_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = f"sqlite:///{tmp_path / 'missing.db'}"
    status, _, err = run(capsys, "ledger", "balance", "ann", "--as-of", AS_OF, "--store", missing)
    assert status == 3  # a store that cannot be read is a file error, as in every command
    assert "servicemodel ledger init" in err
    store = f"sqlite:///{tmp_path / 'a.db'}"
    run(capsys, "ledger", "init", "--store", store)
    db = sqlite3.connect(tmp_path / "a.db")
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    status, _, err = run(capsys, "ledger", "export", "--store", store)
    assert status == 1
    assert "schema version 99" in err
    assert run(capsys, "ledger", "init", "--store", store)[0] == 1
    status, _, err = run(capsys, "ledger", "balance", "ann", "--as-of", "soon", "--store", store)
    assert status == 1
    assert "'--as-of' must be an ISO 8601 instant" in err
    with pytest.raises(SystemExit) as caught:
        main(["ledger", "balance", "ann", "--store", store])
    assert caught.value.code == 2
    assert "--as-of" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["ledger"])
    assert caught.value.code == 2
    status, _, err = run(capsys, "ledger", "export", "--store", "mysql://x/y")
    assert status == 1
    assert "sqlite:///" in err


def test_init_refuses_a_policies_document_with_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "ledger.json"
    document.write_text(json.dumps({"policies": {}, "commands": [json.loads(EARN)]}))
    store = f"sqlite:///{tmp_path / 'a.db'}"
    status, _, err = run(capsys, "ledger", "init", "--store", store, "--policies", str(document))
    assert status == 1
    assert "without commands" in err
    assert not (tmp_path / "a.db").exists()
    document.write_text('{"policies": {"zone": 5}}')
    status, _, err = run(capsys, "ledger", "init", "--store", store, "--policies", str(document))
    assert status == 1
    assert "policies.zone" in err


def test_the_example_lines_of_apply_help_apply_as_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["ledger", "apply", "--help"])
    shown = [line.strip() for line in capsys.readouterr().out.splitlines() if "{" in line]
    assert [json.loads(line)["command"] for line in shown] == ["earn", "redeem"]
    store = f"sqlite:///{tmp_path / 'a.db'}"
    run(capsys, "ledger", "init", "--store", store)
    commands = tmp_path / "commands.jsonl"
    commands.write_text("\n".join(shown) + "\n")
    assert run(capsys, "ledger", "apply", "--store", store, str(commands))[0] == 0
    out = run(capsys, "ledger", "balance", "ann", "--as-of", AS_OF, "--store", store)[1]
    assert json.loads(out)["available"] == 70
