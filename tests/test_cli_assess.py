"""``servicemodel assess``: the main job on the sample, on files, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
import pytest

from servicemodel import samples
from servicemodel.cli import main
from servicemodel.io import write_interactions

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def test_assess_sample_prints_a_readable_assessment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--sample", "--count", "1500"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Service model assessment: Northwind Broadband (sample) (hybrid)")
    assert "1,500 interactions" in out
    assert "SLA compliance" in out


def test_assess_files_in_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data.jsonl"
    write_interactions(
        samples.generate(600, seed=5, start=pendulum.datetime(2024, 1, 1, tz="Europe/London")), data
    )
    model = str(EXAMPLES / "reactive.toml")
    assert (
        main(["assess", model, str(data), "--as-of", "2024-01-03T00:00:00Z", "--format", "json"])
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["model"]["type"] == "reactive"
    assert report["as_of"].startswith("2024-01-03T00:00:00")
    html = tmp_path / "report.html"
    assert main(["assess", model, str(data), "--format", "html", "-o", str(html)]) == 0
    assert html.read_text().startswith("<!DOCTYPE html>")
    assert main(["assess", model, str(data)]) == 0  # as_of found by a first pass
    assert "600 interactions" in capsys.readouterr().out


def test_assess_reports_document_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "model.toml"
    bad.write_text('name = "X"\ntype = "psychic"\nchannels = ["email"]\n')
    data = tmp_path / "data.jsonl"
    data.write_text("")
    assert main(["assess", str(bad), str(data), "--as-of", "2024-01-01T00:00:00Z"]) == 1
    assert "type: must be one of" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["assess"], "give a MODEL document and a DATA file, or --sample"),
        (["assess", "--sample", "--count", "0"], "'--count' must be from 1"),
        (["assess", "--sample", "--as-of", "2024-01-01T00:00"], "'--as-of' must carry an offset"),
        (["assess", "--sample", "--as-of", "soon"], "'--as-of' must be a date and time"),
    ],
)
def test_assess_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


RECORD = (
    '{{"id":"{id}","customer_id":"C","channel":"{channel}","created_at":"2024-06-10T09:00:00Z"}}'
)


# ------------------------------------------------------------------ refusals


@pytest.fixture
def small_model(tmp_path: Path) -> Path:
    model = tmp_path / "m.toml"
    model.write_text('name = "X"\ntype = "reactive"\nchannels = ["email"]\n')
    return model


def test_assess_sample_takes_no_model_or_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--sample", "model.toml"]) == 2
    assert capsys.readouterr().err == "servicemodel assess: --sample takes no MODEL or DATA\n"


def test_assess_from_stdin_needs_as_of(
    small_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(small_model), "-"]) == 2
    assert capsys.readouterr().err == (
        "servicemodel assess: --as-of is required when reading interactions from stdin\n"
    )


def test_assess_reports_a_report_it_cannot_write(
    tmp_path: Path, small_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = small_model
    data = tmp_path / "one.jsonl"
    data.write_text(RECORD.format(id="T-1", channel="email") + "\n")
    argv = ["assess", str(model), str(data), "--as-of", "2024-07-01T00:00:00Z", "-o", str(tmp_path)]
    assert main(argv) == 3
    assert capsys.readouterr().err.startswith(
        f"servicemodel assess: cannot write the report to {str(tmp_path)!r}: it is a directory"
    )


@pytest.mark.parametrize(
    ("extra", "data", "message"),
    [
        (["--partitions", "2"], "d.jsonl", "'--partitions' needs --dask"),
        (["--dask", "--partitions", "0"], "d.jsonl", "'--partitions' must be from 1 to 10,000"),
        (["--dask"], "d.csv", "--dask needs DATA to be an uncompressed .jsonl file (got 'd.csv')"),
        (["--dask-address", "tcp://127.0.0.1:1"], "-", "--dask needs DATA to be an uncompressed"),
        (["--dask"], "d.jsonl", "--as-of is required with --dask"),
    ],
)
def test_assess_on_dask_refuses_what_cannot_run_there(
    small_model: Path,
    extra: list[str],
    data: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["assess", str(small_model), data, *extra]) == 2
    assert message in capsys.readouterr().err


def test_assess_on_dask_takes_no_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--sample", "--dask"]) == 2
    assert "--dask assesses a DATA file" in capsys.readouterr().err
