"""io.freshdesk.read_export: the hand-written export (tests/fixtures/freshdesk) to interactions."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from servicemodel import (
    Assignment,
    Interaction,
    PriorityChange,
    SatisfactionResponse,
    ScheduleChange,
    StatusChange,
)
from servicemodel.exceptions import RecordError, ValidationError
from servicemodel.io import ErrorReport, read_interactions, write_interactions
from servicemodel.io.freshdesk import read_export

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "freshdesk"
BOT = "9"


@pytest.fixture(scope="module")
def tickets() -> dict[str, Interaction]:
    return {t.id: t for t in read_export(FIXTURES, bots=[BOT])}


def _statuses(ticket: Interaction) -> list[tuple[str, str]]:
    return [
        (e.at.in_tz("UTC").format("MM-DD HH:mm"), e.status.value)
        for e in ticket.events
        if isinstance(e, StatusChange)
    ]


def _first_reply(ticket: Interaction) -> str:
    at = ticket.first_reply_at()
    assert at is not None
    return at.in_tz("UTC").isoformat()


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(FIXTURES, folder)
    return folder


def _line_of(path: Path, needle: str) -> int:
    """The line of the object (its opening brace) that holds *needle*."""
    text = path.read_text()
    return text.count("\n", 0, text.rindex("{", 0, text.index(needle))) + 1


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=1))


def test_every_ticket_but_the_spam_one_imports(tickets: dict[str, Interaction]) -> None:
    assert sorted(tickets) == [str(n) for n in range(1001, 1023) if n != 1021]


def test_the_import_round_trips_through_servicemodels_own_format(
    tickets: dict[str, Interaction],
) -> None:
    for file_format in ("jsonl", "csv"):
        buffer = io.StringIO()
        write_interactions(tickets.values(), buffer, format=file_format)
        buffer.seek(0)
        assert list(read_interactions(buffer, format=file_format)) == list(tickets.values())


def test_a_reopened_ticket_has_two_solves_and_one_reopen(tickets: dict[str, Interaction]) -> None:
    ticket = tickets["1002"]
    assert _statuses(ticket) == [
        ("11-03 15:00", "open"),
        ("11-03 18:00", "solved"),
        ("11-04 15:00", "open"),
        ("11-04 20:00", "solved"),
    ]
    assert ticket.reopen_count() == 1


def test_pending_and_a_custom_third_party_status_become_pending_and_on_hold(
    tickets: dict[str, Interaction],
) -> None:
    assert [s for _at, s in _statuses(tickets["1003"])] == ["open", "pending", "open", "solved"]
    assert [s for _at, s in _statuses(tickets["1004"])] == ["open", "on_hold", "open", "solved"]
    assert [s for _at, s in _statuses(tickets["1018"])] == ["open", "pending"]


def test_private_notes_are_private_and_do_not_reply(tickets: dict[str, Interaction]) -> None:
    ticket = tickets["1005"]
    visibility = [m.visibility.value for m in ticket.messages() if m.author.value == "agent"]
    assert visibility == ["private", "private", "public"]
    assert _first_reply(ticket) == "2026-11-10T20:00:00+00:00"


def test_a_public_note_is_a_reply_and_a_forward_is_not(tickets: dict[str, Interaction]) -> None:
    assert _first_reply(tickets["1009"]) == "2026-11-13T14:20:00+00:00"
    forward, reply = tickets["1022"].messages()[1:]
    assert forward.visibility.value == "private"
    assert reply.visibility.value == "public"


def test_a_named_bot_writes_as_a_bot_and_without_the_name_it_is_an_agent(
    tickets: dict[str, Interaction],
) -> None:
    ticket = tickets["1006"]
    assert [m.author.value for m in ticket.messages()] == ["customer", "bot", "customer", "agent"]
    assert _first_reply(ticket) == "2026-11-10T16:00:00+00:00"
    plain = next(t for t in read_export(FIXTURES) if t.id == "1006")
    assert _first_reply(plain) == "2026-11-10T14:01:00+00:00"


def test_a_priority_change_comes_from_the_activities(tickets: dict[str, Interaction]) -> None:
    ticket = tickets["1007"]
    assert ticket.priority.value == "low"
    changes = [e for e in ticket.events if isinstance(e, PriorityChange)]
    assert [(c.at.in_tz("UTC").hour, c.priority.value) for c in changes] == [(17, "urgent")]


def test_a_reassignment_moves_agent_group_and_business_hours(
    tickets: dict[str, Interaction],
) -> None:
    ticket = tickets["1008"]
    moves = [
        (e.agent_id, e.group) if isinstance(e, Assignment) else e.schedule
        for e in ticket.events
        if isinstance(e, Assignment | ScheduleChange)
    ]
    assert moves == [("1", "101"), "1", ("2", "102"), "2"]


def test_satisfaction_answers_on_both_scales_become_csat(tickets: dict[str, Interaction]) -> None:
    scores = {
        tid: [e.score for e in tickets[tid].events if isinstance(e, SatisfactionResponse)]
        for tid in ("1009", "1010")
    }
    assert scores == {"1009": [5], "1010": [1]}


def test_an_outbound_email_is_opened_by_the_agent(tickets: dict[str, Interaction]) -> None:
    ticket = tickets["1014"]
    assert ticket.opened_by.value == "agent"
    assert ticket.messages()[0].author.value == "agent"
    assert _first_reply(ticket) == "2026-11-17T18:00:00+00:00"


def test_sources_types_and_ids_map_through_the_tables(tickets: dict[str, Interaction]) -> None:
    assert [tickets[t].channel.value for t in ("1001", "1010", "1016", "1022")] == [
        "email",
        "web_form",
        "phone",
        "social",
    ]
    assert [tickets[t].kind.value for t in ("1001", "1002", "1004")] == [
        "enquiry",
        "complaint",
        "complaint",
    ]
    assert tickets["1015"].customer_id == "215"
    assert dict(tickets["1015"].attributes) == {
        "source": "1",
        "type": "Incident",
        "company_id": "500",
    }


def test_an_instance_label_prefixes_every_id() -> None:
    ticket = next(iter(read_export(FIXTURES, instance="eu", bots=[BOT])))
    assert (ticket.id, ticket.customer_id, dict(ticket.attributes)["instance"]) == (
        "eu:1001",
        "eu:201",
        "eu",
    )
    assert {m.author_id for m in ticket.messages()} == {"eu:201", "eu:1"}


def test_without_the_activities_export_stats_give_the_status_history(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    shutil.rmtree(folder / "ticket_activities")
    tickets = {t.id: t for t in read_export(folder, bots=[BOT])}
    assert _statuses(tickets["1010"]) == [
        ("11-16 14:00", "open"),
        ("11-17 15:00", "solved"),
        ("11-19 15:00", "closed"),
    ]
    assert _statuses(tickets["1005"]) == [("11-09 14:00", "open")]


def test_tickets_saved_as_pages_in_a_folder_read_as_one_file(
    tmp_path: Path, tickets: dict[str, Interaction]
) -> None:
    folder = _copy(tmp_path)
    pages = json.loads((folder / "tickets.json").read_text())
    (folder / "tickets.json").unlink()
    (folder / "tickets").mkdir()
    (folder / "tickets" / "1.json").write_text(json.dumps(pages[:10]))
    (folder / "tickets" / "2.json").write_text(json.dumps(pages[10:]))
    assert list(read_export(folder, bots=[BOT])) == list(tickets.values())


def test_an_unknown_status_code_names_file_record_and_field(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "tickets.json", lambda data: data[2].update(status=12))
    with pytest.raises(RecordError) as caught:
        list(read_export(folder))
    error = caught.value
    assert (error.file, error.record, error.field, error.value) == (
        "tickets.json",
        "1003",
        "status",
        12,
    )
    assert error.line == _line_of(folder / "tickets.json", '"id": 1003,')
    assert "'status' must be a Freshdesk status code" in str(error)


def test_an_unknown_source_code_names_file_record_and_field(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "tickets.json", lambda data: data[0].update(source=8))
    with pytest.raises(RecordError) as caught:
        list(read_export(folder))
    error = caught.value
    assert (error.file, error.line, error.record, error.field) == (
        "tickets.json",
        2,
        "1001",
        "source",
    )
    assert error.line == _line_of(folder / "tickets.json", '"id": 1001,')
    assert "(got 8)" in str(error)


def test_a_conversation_without_author_names_file_record_and_field(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "conversations.json", lambda data: data[3].update(user_id=None))
    with pytest.raises(RecordError) as caught:
        list(read_export(folder))
    error = caught.value
    assert (error.file, error.record, error.field) == ("conversations.json", "1002", "user_id")
    assert error.line == _line_of(folder / "conversations.json", '"id": 5004,')


def test_a_truncated_file_is_refused_naming_the_line_where_it_ends(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "conversations.json").read_text()
    (folder / "conversations.json").write_text(text[: len(text) // 2])
    with pytest.raises(RecordError) as caught:
        list(read_export(folder))
    error = caught.value
    assert error.file == "conversations.json"
    assert error.line == text[: len(text) // 2].count("\n") + 1
    assert "truncated" in str(error)


def test_an_unknown_activity_status_label_names_the_activities_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "ticket_activities" / "2026-10.json"
    _edit(path, lambda data: data["activities_data"][1]["activity"].update(status="Parked"))
    with pytest.raises(RecordError) as caught:
        list(read_export(folder))
    assert (caught.value.file, caught.value.record, caught.value.field) == (
        "2026-10.json",
        "1013",
        "activity.status",
    )
    assert caught.value.line == _line_of(path, '"performed_at": "26-10-2026 10:00:00 +0000"')


def test_the_order_of_records_in_the_files_does_not_change_the_import(
    tmp_path: Path, tickets: dict[str, Interaction]
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "conversations.json", lambda data: data.reverse())
    for path in (folder / "ticket_activities").iterdir():
        _edit(path, lambda data: data["activities_data"].reverse())
    assert {t.id: t for t in read_export(folder, bots=[BOT])} == tickets


def test_a_custom_status_maps_by_name_or_by_the_callers_table(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "ticket_fields.json", lambda data: data[0]["choices"].pop("6"))
    with pytest.raises(RecordError, match="'status' must be a Freshdesk status code"):
        list(read_export(folder, bots=[BOT]))
    tickets = {t.id: t for t in read_export(FIXTURES, bots=[BOT], statuses={6: "on_hold"})}
    assert [s for _at, s in _statuses(tickets["1018"])] == ["open", "on_hold"]


def test_bad_tickets_are_collected_with_on_error_and_the_rest_imported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "tickets.json", lambda data: data[4].update(priority=9))
    report = ErrorReport()
    tickets = list(read_export(folder, bots=[BOT], on_error=report))
    assert len(tickets) == 20
    assert report.count == 1
    assert report.errors[0].record == "1005"
    assert report.errors[0].field == "priority"


def test_conversations_without_the_agents_list_are_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "agents.json").unlink()
    with pytest.raises(
        ValidationError, match=r"must hold agents\.json when it holds conversations"
    ):
        list(read_export(folder))


def test_a_folder_without_tickets_or_wrong_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="must hold a Freshdesk export"):
        list(read_export(tmp_path))
    with pytest.raises(ValidationError, match="'bots' must be a collection"):
        read_export(FIXTURES, bots="9")
    with pytest.raises(ValidationError, match="'statuses' must map"):
        list(read_export(FIXTURES, statuses={6: "waiting"}))
