"""The command line's less travelled paths: python -m, stdin, empty files and broken pipes."""

from __future__ import annotations

import io
import json
import os
import runpy
import sys
from pathlib import Path

import pytest

from servicemodel import __version__
from servicemodel.cli import main

RECORD = (
    '{{"id":"{id}","customer_id":"C","channel":"{channel}","created_at":"2024-06-10T09:00:00Z"}}'
)


def test_python_dash_m_runs_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["servicemodel", "--version"])
    with pytest.raises(SystemExit) as caught:
        runpy.run_module("servicemodel", run_name="__main__")
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"servicemodel {__version__}"


def test_python_dash_m_exits_with_mains_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["servicemodel"])
    with pytest.raises(SystemExit) as caught:
        runpy.run_module("servicemodel", run_name="__main__")
    assert caught.value.code == 2
    assert capsys.readouterr().out.startswith("usage: servicemodel")


# ------------------------------------------------------------------ assess


def test_assess_sample_takes_no_model_or_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--sample", "model.toml"]) == 2
    assert capsys.readouterr().err == "servicemodel assess: --sample takes no MODEL or DATA\n"


def test_assess_from_stdin_needs_as_of(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "m.toml"
    model.write_text('name = "X"\ntype = "reactive"\nchannels = ["email"]\n')
    assert main(["assess", str(model), "-"]) == 2
    assert capsys.readouterr().err == (
        "servicemodel assess: --as-of is required when reading interactions from stdin\n"
    )


def test_assess_reports_a_report_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.toml"
    model.write_text('name = "X"\ntype = "reactive"\nchannels = ["email"]\n')
    data = tmp_path / "one.jsonl"
    data.write_text(RECORD.format(id="T-1", channel="email") + "\n")
    argv = ["assess", str(model), str(data), "--as-of", "2024-07-01T00:00:00Z", "-o", str(tmp_path)]
    assert main(argv) == 3
    assert capsys.readouterr().err.startswith(
        f"servicemodel assess: cannot write the report to {str(tmp_path)!r}: it is a directory"
    )


# ------------------------------------------------------------------ sample


def test_sample_stops_quietly_when_the_reader_goes_away(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone: writing to the pipe now fails with EPIPE

    class GoneReader(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

        def fileno(self) -> int:
            return write_end

    try:
        monkeypatch.setattr(sys, "stdout", GoneReader())
        assert main(["sample", "--count", "3"]) == 0
        assert capsys.readouterr().err == ""
        # The broken descriptor now points at /dev/null: later writes vanish instead of failing.
        assert os.write(write_end, b"x") == 1
    finally:
        os.close(write_end)


# ------------------------------------------------------------------ sla


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    path = tmp_path / "p.json"
    doc = {
        "policies": [
            {
                "name": "Chat",
                "when": {"all": [{"field": "channel", "in": ["chat"]}]},
                "targets": {"normal": {"first_reply": "1h"}},
            }
        ]
    }
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("soon", "servicemodel sla: '--as-of' must be a date and time with an offset such as"),
        ("2024-06-10", "servicemodel sla: '--as-of' must be a date and time with an offset, "),
    ],
)
def test_sla_refuses_an_as_of_that_is_not_an_instant(
    tmp_path: Path, policies: Path, as_of: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text("")
    assert main(["sla", str(data), "--policies", str(policies), "--as-of", as_of]) == 2
    assert capsys.readouterr().err.startswith(message)


def test_sla_says_when_no_policy_applies(
    tmp_path: Path, policies: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "d.jsonl"
    lines = [RECORD.format(id="T-1", channel="email"), RECORD.format(id="T-2", channel="chat")]
    data.write_text("\n".join(lines) + "\n")
    argv = ["sla", str(data), "--policies", str(policies), "--as-of", "2024-06-10T09:30:00Z"]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "T-1          no SLA policy applies"
    assert out[1].startswith("T-2          first_reply")
    assert "50.0%" in out[1]
    assert len(out) == 2


# ------------------------------------------------------------------ summary


def test_summary_reads_stdin_and_writes_long_waits_in_days(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def record(n: int, reply: str) -> str:
        return json.dumps(
            {
                "id": f"T-{n}",
                "customer_id": "C",
                "channel": "email",
                "created_at": "2024-06-10T09:00:00Z",
                "events": [{"type": "message", "at": reply, "author": "agent"}],
            }
        )

    # Replies after 2 days 3 hours, 2 days 3 hours 0 minutes 5 seconds, and 5 days: median the middle.
    text = "\n".join(
        [
            record(1, "2024-06-12T12:00:00Z"),
            record(2, "2024-06-12T12:00:05Z"),
            record(3, "2024-06-15T09:00:00Z"),
        ]
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert main(["summary"]) == 0
    assert "median first reply: 2d 3h 5s (n=3;" in capsys.readouterr().out
