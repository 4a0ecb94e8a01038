"""The warehouse tables as Parquet (the parquet extra) give what the CSV files give."""

from __future__ import annotations

import pathlib

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from servicemodel.exceptions import RecordError
from servicemodel.io.zendesk import Grouping, read_policies, read_tables

TABLES = pathlib.Path(__file__).parents[1] / "fixtures" / "zendesk" / "tables"


def _as_parquet(folder: pathlib.Path) -> pathlib.Path:
    folder.mkdir()
    for path in TABLES.glob("*.csv"):
        pq.write_table(pa_csv.read_csv(path), folder / f"{path.stem}.parquet")
    return folder


def test_parquet_tables_give_the_interactions_and_calendars_of_the_csv_tables(
    tmp_path: pathlib.Path,
) -> None:
    folder = _as_parquet(tmp_path / "parquet")
    assert pa.types.is_timestamp(
        pq.read_schema(folder / "ticket_comment.parquet").field("created").type
    )
    assert list(read_tables(folder)) == list(read_tables(TABLES))
    assert read_policies(folder, on_problem=[]) == read_policies(TABLES, on_problem=[])


def test_zoned_parquet_timestamps_and_ticket_order_streaming(tmp_path: pathlib.Path) -> None:
    folder = _as_parquet(tmp_path / "parquet")
    comments = pq.read_table(folder / "ticket_comment.parquet")
    index = comments.schema.get_field_index("created")
    zoned = comments.set_column(
        index, "created", comments["created"].cast(pa.timestamp("us", tz="UTC"))
    )
    pq.write_table(zoned, folder / "ticket_comment.parquet")
    assert list(read_tables(folder, grouping=Grouping.TICKET_ORDER)) == list(read_tables(TABLES))


def test_a_bad_parquet_cell_names_the_row(tmp_path: pathlib.Path) -> None:
    folder = _as_parquet(tmp_path / "parquet")
    comments = pq.read_table(folder / "ticket_comment.parquet")
    users = comments["user_id"].to_pylist()
    users[3] = 999
    index = comments.schema.get_field_index("user_id")
    pq.write_table(
        comments.set_column(index, "user_id", pa.array(users)), folder / "ticket_comment.parquet"
    )
    with pytest.raises(RecordError) as caught:
        list(read_tables(folder))
    assert (caught.value.file, caught.value.line, caught.value.record, caught.value.field) == (
        "ticket_comment.parquet",
        4,
        "102",
        "user_id",
    )
