"""Bad Zendesk exports are a RecordError naming file, record and field (issue 15, point 4).

Each case is a tiny export: one ticket, its users, and one malformed file.
Never an untyped crash (RecursionError, OverflowError, ValueError of int(),
decimal.Overflow, BadGzipFile, ArrowInvalid), never silently accepted.
"""

from __future__ import annotations

import gzip
import io
import json
import pathlib
from typing import Any

import pytest

from servicemodel.exceptions import PolicyDocumentError, RecordError
from servicemodel.io.zendesk import (
    read_api,
    read_policies,
    read_recorded_sla,
    read_tables,
    read_ticket_metric_events,
)

USERS = [{"id": 10, "role": "end-user"}, {"id": 1, "role": "agent"}]
AT = "2025-06-02T12:00:00Z"


def ticket(**changes: Any) -> dict[str, Any]:
    base = {
        "id": 7,
        "created_at": "2025-06-02T11:00:00Z",
        "requester_id": 10,
        "status": "open",
        "priority": "high",
        "type": "incident",
        "via": {"channel": "email"},
    }
    return {**base, **changes}


def pages(tickets: list[Any], **more: Any) -> dict[str, str | bytes]:
    page = {"tickets": tickets, "users": USERS, "end_of_stream": True}
    files: dict[str, str | bytes] = {"tickets.json": json.dumps(page)}
    for name, content in more.items():
        files[name] = content if isinstance(content, str | bytes) else json.dumps(content)
    return files


def audit(events: Any) -> dict[str, Any]:
    return {"audits": [{"ticket_id": 7, "created_at": AT, "author_id": 1, "events": events}]}


def ticket_event(**changes: Any) -> dict[str, Any]:
    event = {"ticket_id": 7, "updater_id": 1, "child_events": [{"status": "solved"}]}
    return {"ticket_events": [{**event, **changes}]}


def write(folder: pathlib.Path, files: dict[str, str | bytes]) -> pathlib.Path:
    folder.mkdir()
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content, encoding="utf-8")
    return folder


API_CASES: dict[str, tuple[dict[str, str | bytes], str, str | None]] = {
    "deep page": ({"tickets.json": "[" * 100_000}, "tickets.json", None),
    "deep tickets": (
        {"tickets.json": '{"tickets": ' + "[" * 100_000 + "]" * 100_000 + "}"},
        "tickets.json",
        None,
    ),
    "tickets an object": (
        {"tickets.json": json.dumps({"tickets": {"a": 1}})},
        "tickets.json",
        None,
    ),
    "repeated page key": ({"tickets.json": '{"tickets": [], "tickets": []}'}, "tickets.json", None),
    "repeated record key": (
        {
            "tickets.json": str(pages([ticket()])["tickets.json"]).replace(
                '"id": 7,', '"id": 7, "id": 8,'
            )
        },
        "tickets.json",
        None,
    ),
    "id of 5000 digits": (
        {"tickets.json": '{"tickets": [{"id": 1' + "0" * 5000 + "}]}"},
        "tickets.json",
        None,
    ),
    "id a float": (pages([ticket(id=7.5)]), "tickets.json", "id"),
    "id a list": (pages([ticket(id=[1])]), "tickets.json", "id"),
    "id an object": (pages([ticket(id={"a": 1})]), "tickets.json", "id"),
    "requester a boolean": (pages([ticket(requester_id=True)]), "tickets.json", "requester_id"),
    "tags a string": (pages([ticket(tags="vip")]), "tickets.json", "tags"),
    "audit events a string": (
        pages([ticket()], **{"audits.json": audit("x")}),
        "audits.json",
        "events",
    ),
    "audit event without type": (
        pages([ticket()], **{"audits.json": audit([{}])}),
        "audits.json",
        "events[0].type",
    ),
    "audit event not an object": (
        pages([ticket()], **{"audits.json": audit([5])}),
        "audits.json",
        "events[0]",
    ),
    "event timestamp 10**20": (
        pages([ticket()], **{"ticket_events.json": ticket_event(timestamp=10**20)}),
        "ticket_events.json",
        "timestamp",
    ),
    "event timestamp text": (
        pages([ticket()], **{"ticket_events.json": ticket_event(timestamp="abc")}),
        "ticket_events.json",
        "timestamp",
    ),
    "child events a number": (
        pages([ticket()], **{"ticket_events.json": ticket_event(created_at=AT, child_events=5)}),
        "ticket_events.json",
        "child_events",
    ),
}


@pytest.mark.parametrize("case", API_CASES)
def test_a_bad_api_export_names_file_and_field(tmp_path: pathlib.Path, case: str) -> None:
    files, file, field = API_CASES[case]
    folder = write(tmp_path / "export", files)
    with pytest.raises(RecordError) as caught:
        list(read_api(folder))
    assert caught.value.file == file
    if field is not None:
        assert caught.value.field == field


def test_deep_sla_policies_are_a_policy_document_problem(tmp_path: pathlib.Path) -> None:
    folder = write(
        tmp_path / "export",
        pages([ticket()], **{"sla_policies.json": '{"sla_policies": ' + "[" * 100_000 + "}"}),
    )
    with pytest.raises(PolicyDocumentError, match=r"sla_policies\.json"):
        read_policies(folder)


TICKETS = "id,created_at,requester_id,status,priority,type,via_channel\n"
TICKET_ROW = "7,2025-06-02 11:00:00,10,open,high,incident,email\n"
USER_TABLE = "id,role\n10,end-user\n1,agent\n"
HISTORY = "ticket_id,updated,field_name,value\n"

TABLE_CASES: dict[str, tuple[dict[str, str | bytes], str, str | None]] = {
    "deep SLA stamp": (
        {
            "ticket.csv": TICKETS + TICKET_ROW,
            "user.csv": USER_TABLE,
            "ticket_field_history.csv": HISTORY
            + '7,2025-06-02 11:00:00,first_reply_time,"'
            + "[" * 100_000
            + '"\n',
        },
        "ticket_field_history.csv",
        "value",
    ),
    "one user twice with two roles": (
        {"ticket.csv": TICKETS + TICKET_ROW, "user.csv": "id,role\n10,end-user\n10,agent\n"},
        "user.csv",
        "id",
    ),
    "chat message at no time": (
        {
            "ticket.csv": TICKETS + TICKET_ROW.replace("email", "chat"),
            "user.csv": USER_TABLE,
            "ticket_chat.csv": "chat_id,ticket_id\nc,7\n",
            "ticket_chat_event.csv": "chat_id,created_at,type,actor_id\nc,bad,ChatMessage,10\n",
        },
        "ticket_chat_event.csv",
        "created_at",
    ),
    "corrupt csv.gz": (
        {"ticket.csv.gz": b"\x1f\x8b\x08\x00garbage", "user.csv": USER_TABLE},
        "ticket.csv.gz",
        None,
    ),
}


@pytest.mark.parametrize("case", TABLE_CASES)
def test_a_bad_table_export_names_file_and_field(tmp_path: pathlib.Path, case: str) -> None:
    files, file, field = TABLE_CASES[case]
    folder = write(tmp_path / "export", files)
    with pytest.raises(RecordError) as caught:
        list(read_tables(folder))
    assert caught.value.file == file
    if field is not None:
        assert caught.value.field == field


def test_a_corrupt_parquet_table_is_a_record_error(tmp_path: pathlib.Path) -> None:
    folder = write(
        tmp_path / "export", {"ticket.parquet": b"not parquet at all", "user.csv": USER_TABLE}
    )
    with pytest.raises(RecordError) as caught:
        list(read_tables(folder))
    assert caught.value.file == "ticket.parquet"


SLA_HEADER = (
    "ticket_id,sla_policy_name,metric,sla_applied_at,target,in_business_hours,"
    "priority_applied,sla_breach_at,sla_elapsed_time,is_active_sla,is_sla_breach\n"
)


def test_recorded_figures_out_of_range_and_corrupt_files_name_the_file(
    tmp_path: pathlib.Path,
) -> None:
    huge = tmp_path / "sla.csv"
    huge.write_text(
        SLA_HEADER + "102,Standard SLA,first_reply_time,2025-06-06 20:30:00,60,true,normal,"
        "2025-06-09 13:30:00,1e999999,false,true\n",
        encoding="utf-8",
    )
    with pytest.raises(RecordError, match=r"^sla\.csv line 2: 'sla_elapsed_time'") as caught:
        list(read_recorded_sla(huge))
    assert (caught.value.file, caught.value.field) == ("sla.csv", "sla_elapsed_time")
    broken = tmp_path / "sla.csv.gz"
    broken.write_bytes(gzip.compress(SLA_HEADER.encode())[:20])
    with pytest.raises(RecordError) as caught:
        list(read_recorded_sla(broken))
    assert caught.value.file == "sla.csv.gz"


def test_a_bad_target_in_the_metric_events_names_file_and_line(tmp_path: pathlib.Path) -> None:
    events = [
        {
            "id": 1,
            "ticket_id": 7,
            "metric": "reply_time",
            "instance_id": 1,
            "type": "activate",
            "time": "2025-06-02T11:00:00Z",
        },
        {
            "id": 2,
            "ticket_id": 7,
            "metric": "reply_time",
            "instance_id": 1,
            "type": "apply_sla",
            "time": "2025-06-02T11:00:00Z",
            "sla": {"target": -5, "business_hours": True},
        },
    ]
    path = tmp_path / "ticket_metric_events.json"
    path.write_text("\n".join(json.dumps(e) for e in events), encoding="utf-8")
    with pytest.raises(RecordError, match=r"^ticket_metric_events\.json line 2: 'sla\.target'"):
        list(read_ticket_metric_events(path))
    deep = io.StringIO('{"ticket_metric_events": ' + "[" * 100_000 + "}")
    with pytest.raises(RecordError, match="nests too deeply"):
        list(read_ticket_metric_events(deep))


def test_metric_events_of_a_page_name_the_line_each_starts_on(tmp_path: pathlib.Path) -> None:
    """Issue 15 (3): one page reader: a page's events keep their lines, as in read_api."""
    good = {"id": 1, "ticket_id": 7, "metric": "reply_time", "instance_id": 1}
    bad_sla = {"target": 0, "business_hours": True}
    lines = [
        '{"ticket_metric_events": [',
        json.dumps({**good, "type": "activate", "time": AT}) + ",",
        json.dumps({**good, "id": 2, "type": "apply_sla", "time": AT, "sla": bad_sla}),
        "]}",
    ]
    path = tmp_path / "ticket_metric_events.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RecordError, match=r"^ticket_metric_events\.json line 3: 'sla\.target'"):
        list(read_ticket_metric_events(path))
