"""The command line never ends in a traceback: one exit-status table, atomic reports, closed pipes.

Several tests run the real command in a child process, because what they check
(a reader that goes away, a file-size limit, a terminal on stderr) only exists
between processes.
"""

from __future__ import annotations

import io
import json
import os
import pty
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pendulum
import pytest

from servicemodel import samples
from servicemodel._cli._common import EXIT_STATUS_HELP, Exit
from servicemodel.cli import main
from servicemodel.io import write_interactions

SRC = Path(__file__).resolve().parent.parent / "src"
EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
MODEL = str(EXAMPLES / "reactive.toml")
START = pendulum.datetime(2024, 1, 1, tz="Europe/London")
ENV = {**os.environ, "PYTHONPATH": str(SRC)}
COMMAND = [sys.executable, "-m", "servicemodel"]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "data.jsonl"
    write_interactions(samples.generate(2_000, seed=3, start=START), path)
    return path


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    path = tmp_path / "p.json"
    doc = {
        "policies": [
            {"name": "All", "when": {"all": []}, "targets": {"normal": {"first_reply": "1h"}}}
        ]
    }
    path.write_text(json.dumps(doc))
    return path


class GoneReader(io.StringIO):
    """A stdout whose reader went away: every write fails as a closed pipe does."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise io.UnsupportedOperation("fileno")


# ------------------------------------------------------------------ one table of exit statuses


@pytest.mark.parametrize("command", [[], ["assess"], ["sample"], ["sla"], ["summary"]])
def test_every_command_help_shows_the_one_exit_status_table(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    assert EXIT_STATUS_HELP in capsys.readouterr().out


def test_the_reference_docs_show_the_same_exit_status_table() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs/reference/cli.md").read_text("utf-8")
    for status in Exit:
        assert f"| {status.value} |" in text


def test_a_missing_input_file_is_status_3_for_every_command(
    tmp_path: Path, policies: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "missing.jsonl")
    as_of = ["--as-of", "2024-01-05T00:00:00Z"]
    assert main(["assess", MODEL, missing, *as_of]) == 3
    assert main(["sla", missing, "--policies", str(policies), *as_of]) == 3
    assert main(["sla", missing, "--policies", str(tmp_path / "none.json"), *as_of]) == 3
    assert main(["summary", missing]) == 3
    none = str(tmp_path / "none.json")
    assert capsys.readouterr().err.splitlines() == [
        f"servicemodel assess: cannot read the interactions file {missing!r}: "
        "No such file or directory",
        f"servicemodel sla: cannot read the interactions file {missing!r}: "
        "No such file or directory",
        f"servicemodel sla: cannot read the policy document {none!r}: No such file or directory",
        f"servicemodel summary: cannot read the interactions file {missing!r}: "
        "No such file or directory",
    ]


def test_a_bad_record_is_status_1_for_every_command(
    tmp_path: Path, policies: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "T-1", "customer_id": "C", "channel": "pigeon"}\n')
    as_of = ["--as-of", "2024-01-05T00:00:00Z"]
    assert main(["assess", MODEL, str(bad), *as_of]) == 1
    assert main(["sla", str(bad), "--policies", str(policies), *as_of]) == 1
    assert main(["summary", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in err if "line 1" in line] == [
        "servicemodel assess",
        "servicemodel sla",
        "servicemodel summary",
    ]


def test_an_as_of_without_an_offset_is_a_usage_error_for_every_command(
    data: Path, policies: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    as_of = ["--as-of", "2024-01-05T09:00"]
    assert main(["assess", MODEL, str(data), *as_of]) == 2
    assert main(["sla", str(data), "--policies", str(policies), *as_of]) == 2
    err = capsys.readouterr().err
    assert err.count("'--as-of' must carry an offset or Z, e.g. 2024-01-05T09:00Z") == 2


# ------------------------------------------------------------------ --as-of, arguments


def test_assess_takes_a_date_as_midnight_at_its_start_in_the_models_zone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["assess", "--sample", "--count", "300", "--as-of", "2024-07-05", "--format", "json"]
    assert main(argv) == 0
    # The sample model is in Europe/London, an hour ahead of UTC in July.
    assert json.loads(capsys.readouterr().out)["as_of"] == "2024-07-05T00:00:00+01:00"


def test_assess_names_its_own_option_when_the_data_format_is_unknown(
    tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.json"
    base.write_text(data.read_text())
    assert main(["assess", MODEL, str(base)]) == 2
    err = capsys.readouterr().err
    assert "give --data-format jsonl or --data-format csv" in err
    assert "'format' must be given" not in err
    argv = ["assess", MODEL, str(base), "--data-format", "jsonl", "--format", "json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["interactions"] == 2_000


def test_assess_says_so_when_model_and_data_are_swapped(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(data), MODEL]) == 2
    err = capsys.readouterr().err
    assert "MODEL comes first, then DATA" in err
    assert f"run: servicemodel assess {MODEL} {data}" in err


def test_assess_hints_at_the_order_when_the_model_is_interactions(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(data), str(data)]) == 1
    assert "looks like interactions; MODEL comes first, then DATA" in capsys.readouterr().err


# ------------------------------------------------------------------ files that cannot be written


def test_sample_into_a_missing_folder_is_a_file_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nowhere" / "x.jsonl"
    assert main(["sample", "--count", "3", "-o", str(target)]) == 3
    assert capsys.readouterr().err == (
        f"servicemodel sample: cannot write {str(target)!r}: No such file or directory\n"
    )


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (8_000, 8_000))


def test_a_report_write_cut_short_by_a_size_limit_leaves_the_previous_report(
    tmp_path: Path, data: Path
) -> None:
    report = tmp_path / "out.html"
    previous = "<p>the previous good report</p>\n" * 100
    report.write_text(previous)
    argv = [*COMMAND, "assess", MODEL, str(data), "--format", "html", "-o", str(report)]
    done = subprocess.run(
        argv, capture_output=True, text=True, env=ENV, preexec_fn=_limit_file_size, check=False
    )
    assert done.returncode == 3, done.stderr
    assert "cannot write the report to" in done.stderr
    assert "the file there (if any) is unchanged" in done.stderr
    assert "Traceback" not in done.stderr
    assert report.read_text() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]  # no temporary left


def test_a_complete_report_write_replaces_the_previous_report(tmp_path: Path, data: Path) -> None:
    report = tmp_path / "out.html"
    report.write_text("old")
    assert main(["assess", MODEL, str(data), "--format", "html", "-o", str(report)]) == 0
    assert report.read_text().startswith("<!DOCTYPE html>")


# ------------------------------------------------------------------ closed pipes


def test_sla_into_head_stops_quietly(data: Path, policies: Path) -> None:
    # More output than a pipe holds, so the writer meets the closed pipe mid-stream.
    command = " ".join(
        [
            *COMMAND,
            "sla",
            str(data),
            "--policies",
            str(policies),
            "--as-of",
            "2024-03-01T00:00:00Z",
            "| head -1",
        ]
    )
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    assert done.stderr == ""
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 1


def test_summary_does_not_blame_its_input_for_a_closed_pipe(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", GoneReader())
    assert main(["summary", str(data)]) == 0
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------ text no encoder takes


@pytest.fixture
def surrogate_data(tmp_path: Path, data: Path) -> Path:
    path = tmp_path / "surrogates.jsonl"
    lines = []
    for line in data.read_text().splitlines():
        record = json.loads(line)
        record["customer_id"] = "C\ud800" + record["customer_id"]
        record["tags"] = ["theme:bill\udc00ing"]
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("fmt", ["text", "html", "json"])
def test_a_lone_surrogate_in_ids_and_tags_is_written_as_an_escape(
    tmp_path: Path, surrogate_data: Path, fmt: str
) -> None:
    report = tmp_path / f"report.{fmt}"
    report.write_text("previous")
    argv = ["assess", MODEL, str(surrogate_data), "--format", fmt, "-o", str(report)]
    assert main(argv) == 0
    text = report.read_text(encoding="utf-8")
    assert "\\ud800" in text or "\\udc00" in text


def test_a_lone_surrogate_reaches_stdout_as_an_escape(
    surrogate_data: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["assess", MODEL, str(surrogate_data)]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert "theme:bill\\udc00ing" in out


# ------------------------------------------------------------------ progress on a terminal


def _assess_with_stderr_on_a_terminal(data: Path) -> str:
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [*COMMAND, "assess", MODEL, str(data), "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=terminal,
            env=ENV,
            check=False,
        )
        os.close(terminal)
        terminal = -1
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65_536)
            except OSError:  # the terminal's other end is closed: all was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    assert done.returncode == 0
    return b"".join(chunks).decode("utf-8")


def test_a_terminal_sees_progress_of_both_passes_over_the_file(data: Path) -> None:
    shown = _assess_with_stderr_on_a_terminal(data)
    size = data.stat().st_size / 1e6
    assert f"finding the last day  [{'#' * 24}] 100%  {size:,.1f} of {size:,.1f} MB" in shown
    assert "assessing  [" in shown
    assert "2,000 interactions" in shown


def test_a_pipe_sees_no_progress(data: Path) -> None:
    done = subprocess.run(
        [*COMMAND, "assess", MODEL, str(data), "--format", "json"],
        capture_output=True,
        env=ENV,
        check=False,
    )
    assert done.returncode == 0
    assert done.stderr == b""


# ------------------------------------------------------------------ the README's first command


def test_the_main_job_renders_every_format_without_any_extra(tmp_path: Path) -> None:
    # The README's first command, with the optional libraries made unimportable.
    script = (
        "import sys\n"
        "for name in ('matplotlib', 'pandas', 'numpy', 'dask'):\n"
        "    sys.modules[name] = None\n"
        "from servicemodel.cli import main\n"
        f"assert main(['assess', '--sample', '--count', '1500', '--format', 'html', "
        f"'-o', {str(tmp_path / 'r.html')!r}]) == 0\n"
        "sys.exit(main(['assess', '--sample', '--count', '1500']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=ENV, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Service model assessment: Northwind Broadband (sample)")
    assert (tmp_path / "r.html").read_text(encoding="utf-8").count("<svg") >= 3


# ------------------------------------------------------------------ Ctrl-C


# The command as a terminal's foreground job gets it: SIGINT at its default action and not
# blocked. A process inherits an ignored SIGINT across exec (a test runner started with `&`
# from a script has one) and Python then leaves it ignored, as a background job should
# be; this shim resets the disposition and the mask, then execs the command in the same
# process (same pid), so the test does not depend on how the test runner was started.
FOREGROUND = (
    "import os, signal, sys\n"
    "signal.signal(signal.SIGINT, signal.SIG_DFL)\n"
    "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})\n"
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])\n"
)


def test_ctrl_c_while_reading_is_status_130_with_one_line() -> None:
    reader = subprocess.Popen(
        [sys.executable, "-c", FOREGROUND, *COMMAND[1:], "summary"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    try:
        # Wait until the command is blocked reading its (still open, empty) stdin.
        wchan = Path(f"/proc/{reader.pid}/wchan")
        for _ in range(3_000):
            if "pipe_read" in wchan.read_text():
                break
            time.sleep(0.01)
        else:
            pytest.fail(f"the command never waited on its input ({wchan.read_text()!r})")
        reader.send_signal(signal.SIGINT)
        # stdin stays open until the command has ended: only the signal can end the read
        # (closing it first would let the read end at end of input instead).
        try:
            reader.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("the command went on reading after SIGINT")
        out, err = reader.communicate(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert reader.returncode == 130
    assert err == b"servicemodel summary: interrupted\n"
    assert out == b""
