"""The assessment on Dask: the same report, bit for bit, on the local scheduler and a cluster."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import dask.bag as db
import pendulum
import pytest
from distributed import LocalCluster

from servicemodel import samples
from servicemodel.exceptions import RecordError, ValidationError
from servicemodel.io import read_interactions, split_jsonl, write_interactions
from servicemodel.model import assess, assess_bag, assess_files, load_model
from servicemodel.samples import SampleProfile

START = pendulum.datetime(2024, 1, 1, tz="Europe/London")
AS_OF = pendulum.datetime(2024, 1, 19, 12, tz="Europe/London")
MODEL = load_model(
    resources.files("servicemodel.samples").joinpath("sample_model.toml").read_text()
)
DATA = list(samples.generate(300, seed=4, start=START, profile=SampleProfile(daily_volume=15)))
FEEDBACK = list(samples.feedback(DATA, seed=4))


def rendered(result: object) -> str:
    return json.dumps(result.to_json(), indent=2)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def whole() -> str:
    return rendered(assess(MODEL, DATA, as_of=AS_OF, period="week", feedback=FEEDBACK))


@pytest.fixture(scope="module")
def data_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("assess-dask") / "interactions.jsonl"
    write_interactions(DATA, path)
    return path


def test_the_parts_of_a_file_on_the_local_scheduler_give_the_report_bit_for_bit(
    data_file: Path, whole: str
) -> None:
    """The local threaded scheduler (the default, ``processes``, pickles each state: see
    tests/test_assessment_state.py; a process pool costs seconds to start)."""
    parts = split_jsonl(data_file, 3)
    assert len(parts) == 3
    result = assess_files(
        MODEL,
        parts,
        read=read_interactions,
        as_of=AS_OF,
        period="week",
        feedback=FEEDBACK,
        scheduler="threads",
    )
    assert rendered(result) == whole


def test_a_cluster_of_two_workers_at_an_address_gives_the_report_bit_for_bit(
    data_file: Path, whole: str
) -> None:
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        result = assess_files(
            MODEL,
            split_jsonl(data_file, 4),
            read=read_interactions,
            as_of=AS_OF,
            period="week",
            feedback=FEEDBACK,
            address=cluster.scheduler_address,
        )
    assert rendered(result) == whole


def test_a_bag_of_many_partitions_on_threads_gives_the_report_bit_for_bit(whole: str) -> None:
    bag = db.from_sequence(DATA, npartitions=7)  # type: ignore[no-untyped-call]
    result = assess_bag(
        MODEL, bag, as_of=AS_OF, period="week", feedback=FEEDBACK, scheduler="threads"
    )
    assert rendered(result) == whole


def test_scheduler_and_address_are_one_choice() -> None:
    bag = db.from_sequence(DATA[:5])  # type: ignore[no-untyped-call]
    with pytest.raises(ValidationError, match="'scheduler' or 'address', not both"):
        assess_bag(MODEL, bag, as_of=AS_OF, scheduler="sync", address="tcp://127.0.0.1:1")
    with pytest.raises(ValidationError, match="'address' must be a scheduler address"):
        assess_bag(MODEL, bag, as_of=AS_OF, address="")
    with pytest.raises(ValidationError, match="at least one file or part"):
        assess_files(MODEL, [], read=read_interactions, as_of=AS_OF)


def test_a_bad_record_stops_the_run_with_its_line_in_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "interactions.jsonl"
    write_interactions(DATA[:40], path)
    lines = path.read_text().splitlines(keepends=True)
    lines[30] = lines[30].replace('"channel":"', '"channel":"fax-', 1)
    path.write_text("".join(lines))
    with pytest.raises(RecordError, match=r"^line 31: 'channel'"):
        assess_files(
            MODEL, split_jsonl(path, 3), read=read_interactions, as_of=AS_OF, scheduler="sync"
        )
