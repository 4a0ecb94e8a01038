"""The CSV files of the Zendesk tables: record lines, blank lines, bad records, deleted rows."""

from __future__ import annotations

import pathlib
import shutil

import pytest

from servicemodel import Role
from servicemodel.exceptions import RecordError
from servicemodel.interactions import Message
from servicemodel.io.zendesk import Grouping, read_tables

TABLES = pathlib.Path(__file__).parents[1] / "fixtures" / "zendesk" / "tables"
# Comment 5002 (ticket 101, the agent's reply) is the table's third line.
REPLY = "5002,2026-01-01 00:00:00,comment 5002,2025-06-02 13:40:00,false,true,101,false,1,false"


def _comments(tmp_path: pathlib.Path, replace: str, by: str) -> pathlib.Path:
    folder = tmp_path / "export"
    shutil.copytree(TABLES, folder)
    path = folder / "ticket_comment.csv"
    text = path.read_text(encoding="utf-8")
    assert replace in text
    path.write_text(text.replace(replace, by, 1), encoding="utf-8")
    return folder


def _first_reply(folder: pathlib.Path, grouping: Grouping) -> str | None:
    (t101,) = (t for t in read_tables(folder, grouping=grouping) if t.id == "101")
    replies = [e for e in t101.events if isinstance(e, Message) and e.author is Role.AGENT]
    return replies[0].at.isoformat() if replies else None


@pytest.mark.parametrize("grouping", list(Grouping))
def test_blank_lines_and_quoted_line_breaks_keep_the_lines_errors_name(
    tmp_path: pathlib.Path, grouping: Grouping
) -> None:
    # A body over two lines and a blank line before the reply: it starts on line 5.
    folder = _comments(
        tmp_path,
        "comment 5001",
        '"comment 5001\nover two lines"',
    )
    path = folder / "ticket_comment.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(REPLY, "\n" + REPLY.replace(",1,false", ",999,false")), "utf-8")
    with pytest.raises(RecordError) as caught:
        list(read_tables(folder, grouping=grouping))
    assert (caught.value.file, caught.value.line, caught.value.field) == (
        "ticket_comment.csv",
        5,
        "user_id",
    )


def test_a_record_with_too_few_cells_is_refused_at_its_line(tmp_path: pathlib.Path) -> None:
    folder = _comments(tmp_path, REPLY, REPLY.rsplit(",", 1)[0])
    with pytest.raises(RecordError, match=r"^ticket_comment\.csv line 3: the CSV record must"):
        list(read_tables(folder))


def test_a_malformed_record_is_refused_at_the_line_it_starts_on(tmp_path: pathlib.Path) -> None:
    folder = _comments(tmp_path, "comment 5002", '"comment" 5002')
    with pytest.raises(RecordError, match=r"^ticket_comment\.csv line 3: the CSV record is malf"):
        list(read_tables(folder, grouping=Grouping.TICKET_ORDER))


@pytest.mark.parametrize("grouping", list(Grouping))
def test_a_row_fivetran_marked_deleted_is_left_out(
    tmp_path: pathlib.Path, grouping: Grouping
) -> None:
    kept = _comments(tmp_path / "kept", "comment 5002", "comment 5002")
    assert _first_reply(kept, grouping) == "2025-06-02T13:40:00+00:00"
    header = "id,_fivetran_synced,body,created,facebook_comment,public,ticket_id,tweet,user_id"
    folder = _comments(tmp_path / "gone", header, header.replace("_synced", "_deleted"))
    path = folder / "ticket_comment.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1:] = [line.replace(",2026-01-01 00:00:00,", ",false,", 1) for line in lines[1:]]
    lines[2] = lines[2].replace(",false,", ",TRUE,", 1)  # the reply, deleted
    path.write_text("".join(lines), encoding="utf-8")
    assert _first_reply(folder, grouping) is None
