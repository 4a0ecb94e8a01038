"""The command line: --version, sample and summary (in-process, and once as a subprocess)."""

from __future__ import annotations

import io
import json
import os
import pathlib
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from servicemodel import __version__
from servicemodel.cli import main
from servicemodel.io import read_interactions

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"servicemodel {__version__}"


def test_sample_writes_deterministic_jsonl_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", "--count", "25", "--seed", "3"]) == 0
    first = capsys.readouterr().out
    assert main(["sample", "--count", "25", "--seed", "3"]) == 0
    assert capsys.readouterr().out == first
    lines = first.splitlines()
    assert len(lines) == 25
    assert json.loads(lines[0])["id"] == "T-0000001"
    assert len(list(read_interactions(io.StringIO(first), format="jsonl"))) == 25


@pytest.mark.parametrize(
    ("name", "fmt"), [("out.csv", None), ("out.txt", "csv"), ("o.jsonl", None)]
)
def test_sample_writes_a_file(tmp_path: pathlib.Path, name: str, fmt: str | None) -> None:
    path = tmp_path / name
    extra = ["--format", fmt] if fmt else []
    assert main(["sample", "--count", "10", "--seed", "1", "-o", str(path), *extra]) == 0
    chosen = fmt or ("csv" if name.endswith(".csv") else "jsonl")
    assert len(list(read_interactions(path, format=chosen))) == 10


def test_sample_refuses_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", "--count", "-5"]) == 2
    assert "'count' must be an integer from 0" in capsys.readouterr().err
    assert main(["sample", "--start", "2024-01-01T00:00:00"]) == 2
    assert "'--start' must carry an offset or Z" in capsys.readouterr().err
    assert main(["sample", "--start", "yesterday"]) == 2
    assert "'--start' must be a date and time with an offset" in capsys.readouterr().err
    assert main(["sample", "--timezone", "Nowhere/City"]) == 2
    assert "'timezone' must be an IANA zone name" in capsys.readouterr().err


def test_summary_of_a_sample(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.jsonl"
    assert main(["sample", "--count", "400", "--seed", "7", "-o", str(path)]) == 0
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("400 interactions, created 2024-01-01T")
    for heading in ("by channel:", "by kind:", "by status:"):
        assert heading in out
    assert "median first reply: " in out
    assert "% rated 4-5 (n=" in out
    assert "reopens: " in out
    email = next(line for line in out.splitlines() if line.strip().startswith("email"))
    count = sum(1 for i in read_interactions(path) if i.channel.value == "email")
    assert email.split()[1] == str(count)


def test_summary_figures_are_exact(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [
        {
            "id": f"T-{n}",
            "customer_id": "C-1",
            "channel": "email",
            "created_at": "2024-06-10T09:00:00Z",
            "events": [
                {"type": "message", "at": f"2024-06-10T09:{n:02d}:00Z", "author": "agent"},
                {"type": "satisfaction", "at": "2024-06-10T10:00:00Z", "score": score},
            ],
        }
        for n, score in [(10, 5), (20, 4), (30, 1), (40, 2)]
    ]
    path = tmp_path / "four.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert "median first reply: 25m (n=4;" in out
    assert "CSAT: 50.0% rated 4-5 (n=4)" in out
    assert "reopens: 0 in 0 interactions (0.0%)" in out
    assert "email                 4  100.0%" in out


def test_summary_of_nothing(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    assert main(["summary", str(path)]) == 0
    assert capsys.readouterr().out == "0 interactions\n"


def test_summary_reports_bad_records(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.jsonl"
    good = '{"id":"T","customer_id":"C","channel":"chat","created_at":"2024-01-01T00:00:00Z"}'
    path.write_text(f"{good}\n{{oops\n{good}\n", encoding="utf-8")
    assert main(["summary", str(path)]) == 1
    assert "line 2: the record must be valid JSON" in capsys.readouterr().err
    assert main(["summary", "--on-error", "collect", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("2 interactions")
    assert "skipped 1 bad record:\n  line 2:" in captured.err
    assert main(["summary", str(tmp_path / "missing.jsonl")]) == 3  # a file error, not bad input
    assert "cannot read the interactions file" in capsys.readouterr().err


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "sample" in capsys.readouterr().out


def test_the_readme_pipeline_runs_as_processes() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    sample = subprocess.run(
        [sys.executable, "-m", "servicemodel", "sample", "--count", "200", "--seed", "7"],
        capture_output=True,
        check=True,
        env=env,
    )
    summary = subprocess.run(
        [sys.executable, "-m", "servicemodel", "summary"],
        input=sample.stdout,
        capture_output=True,
        check=True,
        env=env,
    )
    assert summary.stdout.decode().startswith("200 interactions")
    assert summary.stderr == b""


RECORD = (
    '{{"id":"{id}","customer_id":"C","channel":"{channel}","created_at":"2024-06-10T09:00:00Z"}}'
)


# ------------------------------------------------------------------ python -m


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
