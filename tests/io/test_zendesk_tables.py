"""The Zendesk warehouse tables (Fivetran shape): the event log, errors, grouping, instances."""

from __future__ import annotations

import csv
import pathlib
import random
import shutil
import tempfile

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel import Interaction, Role, Status
from servicemodel.exceptions import PolicyDocumentError, RecordError, ValidationError
from servicemodel.interactions import (
    Assignment,
    FieldChange,
    Message,
    PolicyApplied,
    Priority,
    PriorityChange,
    ScheduleChange,
    StatusChange,
    TagChange,
    TargetApplied,
)
from servicemodel.io import ErrorReport
from servicemodel.io.zendesk import Grouping, read_policies, read_tables

TABLES = pathlib.Path(__file__).parents[1] / "fixtures" / "zendesk" / "tables"


def _copy(tmp_path: pathlib.Path) -> pathlib.Path:
    folder = tmp_path / "export"
    shutil.copytree(TABLES, folder)
    return folder


def _rows(path: pathlib.Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    return rows[0], rows[1:]


def _write(path: pathlib.Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([header, *rows])


def _edit(path: pathlib.Path, match: dict[str, str], changes: dict[str, str]) -> None:
    header, rows = _rows(path)
    for row in rows:
        if all(row[header.index(k)] == v for k, v in match.items()):
            for k, v in changes.items():
                row[header.index(k)] = v
    _write(path, header, rows)


def _append(path: pathlib.Path, values: dict[str, str]) -> None:
    header, rows = _rows(path)
    rows.append([values.get(name, "") for name in header])
    _write(path, header, rows)


def _by_id(folder: pathlib.Path, instance: str | None = None) -> dict[str, Interaction]:
    return {i.id: i for i in read_tables(folder, instance=instance)}


def test_the_seed_tickets_become_fifteen_interactions_with_their_logs() -> None:
    tickets = _by_id(TABLES)
    assert sorted(tickets) == [str(n) for n in range(101, 116)]
    t101 = tickets["101"]
    assert [type(e).__name__ for e in t101.events] == [
        "Message",
        "Assignment",
        "ScheduleChange",  # the default schedule (the earliest created)
        "PolicyApplied",
        "TargetApplied",
        "Message",
        "StatusChange",
        "StatusChange",
        "StatusChange",
    ]
    assert t101.status() is Status.CLOSED
    reply = t101.first_reply()
    assert reply is not None
    assert reply.author_id == "1"
    assert t101.group() == "360008426314"
    assert t101.tags == frozenset({"demo"})
    assert t101.attribute("type") == "question"


def test_a_priority_raised_after_creation_is_a_priority_change_from_the_first_priority() -> None:
    t111 = _by_id(TABLES)["111"]
    assert t111.priority.value == "normal"
    changes = [e for e in t111.events if isinstance(e, PriorityChange)]
    assert [(c.priority.value, c.at.isoformat()) for c in changes] == [
        ("urgent", "2025-06-24T14:10:00+00:00")
    ]


def test_a_private_note_is_no_reply_and_hold_is_on_hold() -> None:
    tickets = _by_id(TABLES)
    note = tickets["114"].messages()[1]
    assert (note.author, note.visibility.value) == (Role.AGENT, "private")
    assert tickets["114"].first_reply_at() is None
    statuses = [e.status.value for e in tickets["109"].events if isinstance(e, StatusChange)]
    assert statuses == ["open", "pending", "open", "on_hold", "open", "solved"]


def test_a_comment_whose_author_is_unknown_names_file_line_ticket_and_field(
    tmp_path: pathlib.Path,
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "ticket_comment.csv", {"id": "5002"}, {"user_id": "999"})
    with pytest.raises(RecordError) as caught:
        list(read_tables(folder))
    error = caught.value
    assert (error.file, error.line, error.record, error.field) == (
        "ticket_comment.csv",
        3,
        "101",
        "user_id",
    )
    assert str(error).startswith("ticket_comment.csv line 3 (ticket 101): 'user_id' must name")


def test_a_bad_ticket_is_collected_and_the_others_still_come(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "ticket_comment.csv", {"id": "5002"}, {"user_id": "999"})
    report = ErrorReport()
    ids = [i.id for i in read_tables(folder, on_error=report)]
    assert "101" not in ids
    assert len(ids) == 14
    assert [(e.record, e.field) for e in report.errors] == [("101", "user_id")]


def test_a_status_zendesk_never_had_is_refused(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder / "ticket_field_history.csv",
        {"ticket_id": "102", "field_name": "status", "value": "open"},
        {"value": "escalated"},
    )
    with pytest.raises(RecordError) as caught:
        list(read_tables(folder))
    assert (caught.value.file, caught.value.record, caught.value.field, caught.value.value) == (
        "ticket_field_history.csv",
        "102",
        "value",
        "escalated",
    )


def test_a_timestamp_that_is_not_one_is_refused_with_its_column(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "ticket_comment.csv", {"id": "5004"}, {"created": "June 9th"})
    with pytest.raises(RecordError) as caught:
        list(read_tables(folder))
    assert (caught.value.file, caught.value.record, caught.value.field) == (
        "ticket_comment.csv",
        "102",
        "created",
    )


def test_an_event_before_the_ticket_was_created_names_the_row_it_came_from(
    tmp_path: pathlib.Path,
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "ticket_comment.csv", {"id": "5003"}, {"created": "2025-06-06 20:00:00"})
    with pytest.raises(RecordError) as caught:
        list(read_tables(folder))
    error = caught.value
    assert (error.file, error.line, error.record) == ("ticket_comment.csv", 4, "102")
    assert error.field == "events[0].at"
    assert "must not be before 'created_at'" in str(error)


def test_a_comment_after_the_close_is_an_impossible_log(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    _append(
        folder / "ticket_comment.csv",
        {
            "id": "6000",
            "created": "2025-06-07 09:00:00",
            "public": "true",
            "ticket_id": "101",
            "user_id": "10",
        },
    )
    with pytest.raises(RecordError) as caught:
        list(read_tables(folder))
    assert caught.value.file == "ticket_comment.csv"
    assert "close" in str(caught.value)


def test_ticket_order_grouping_streams_the_same_interactions(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    for name in ("ticket_comment", "ticket_field_history", "ticket_tag"):
        header, rows = _rows(folder / f"{name}.csv")
        column = header.index("ticket_id")
        _write(folder / f"{name}.csv", header, sorted(rows, key=lambda r: int(r[column])))
    assert list(read_tables(folder, grouping=Grouping.TICKET_ORDER)) == list(read_tables(folder))


def test_ticket_order_grouping_refuses_an_unsorted_table(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    header, rows = _rows(folder / "ticket_field_history.csv")
    _write(folder / "ticket_field_history.csv", header, rows[::-1])
    assert len(list(read_tables(folder))) == 15  # any order is fine in memory
    with pytest.raises(RecordError) as caught:  # raised even while bad tickets are collected
        list(read_tables(folder, grouping=Grouping.TICKET_ORDER, on_error=ErrorReport()))
    assert caught.value.file == "ticket_field_history.csv"
    assert caught.value.field == "ticket_id"
    assert "Grouping.IN_MEMORY" in str(caught.value)


def test_an_agent_who_later_became_an_end_user_still_wrote_as_an_agent(
    tmp_path: pathlib.Path,
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "user.csv", {"id": "1"}, {"role": "end-user"})  # Alice left
    before = _by_id(folder)["101"].messages()[1]
    assert before.author is Role.CUSTOMER  # without the audit log, today's role is all we know
    _write(
        folder / "audit_log.csv",
        [
            "id",
            "action",
            "actor_id",
            "change_description",
            "created_at",
            "source_id",
            "source_label",
            "source_type",
        ],
        [
            [
                "1",
                "update",
                "2",
                "Support role changed from Staff to not set",
                "2025-12-01 00:00:00",
                "1",
                "Alice Agent",
                "user",
            ]
        ],
    )
    tickets = _by_id(folder)
    assert tickets["101"].messages()[1].author is Role.AGENT


def test_without_the_audit_log_the_teams_ids_keep_a_leavers_replies_an_agents(
    tmp_path: pathlib.Path,
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "user.csv", {"id": "1"}, {"role": "end-user"})  # Alice left, no audit log
    reply = next(iter(read_tables(folder, agents=["1", 2]))).messages()[1]
    assert (reply.author, reply.author_id) == (Role.AGENT, "1")
    [eu] = [i for i in read_tables(folder, instance="eu", agents={"1"}) if i.id == "eu:101"]
    assert eu.messages()[1].author is Role.AGENT  # ids as in the tables, without the label
    for wrong in ("1", [""], [None]):
        with pytest.raises(ValidationError, match="'agents'"):
            read_tables(folder, agents=wrong)  # type: ignore[arg-type]


def test_instances_label_every_id_so_two_helpdesks_import_together() -> None:
    eu = list(read_tables(TABLES, instance="eu"))
    us = list(read_tables(TABLES, instance="us"))
    ids = {i.id for i in eu + us}
    assert len(ids) == 30
    assert "eu:101" in ids
    assert "us:101" in ids
    first = eu[0]
    assert first.customer_id == "eu:10"
    assert first.attribute("instance") == "eu"
    assert first.messages()[1].author_id == "eu:1"
    assigned = next(e for e in first.events if isinstance(e, Assignment))
    assert (assigned.agent_id, assigned.group) == ("eu:1", "eu:360008426314")


def test_deleted_and_merged_tickets_are_left_out(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "ticket.csv", {"id": "103"}, {"status": "deleted"})
    _append(folder / "ticket_tag.csv", {"tag": "closed_by_merge", "ticket_id": "104"})
    ids = set(_by_id(folder))
    assert "103" not in ids
    assert "104" not in ids
    assert len(ids) == 13


def test_chat_messages_keep_their_authors(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    _write(
        folder / "ticket_chat.csv",
        ["chat_id", "ticket_id", "channel"],
        [["c1", "112", "native_messaging"]],
    )
    _write(
        folder / "ticket_chat_event.csv",
        ["chat_id", "created_at", "type", "actor_id", "message"],
        [
            ["c1", "2025-09-02 14:01:00", "ChatMessage", "__trigger", "Hi, I am a bot"],
            ["c1", "2025-09-02 14:02:00", "ChatJoin", "agent:1", ""],
            ["c1", "2025-09-02 14:03:00", "ChatMessage", "agent:1", "Hello"],
            ["c1", "2025-09-02 14:04:00", "ChatMessage", "10", "Thanks"],
        ],
    )
    messages = _by_id(folder)["112"].messages()
    assert [(m.author.value, m.author_id) for m in messages] == [
        ("customer", "10"),
        ("bot", None),
        ("agent", "1"),
        ("customer", "10"),
    ]


def test_a_folder_without_a_ticket_table_is_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValidationError, match="ticket table"):
        list(read_tables(tmp_path))
    with pytest.raises(ValidationError, match="'folder'"):
        read_tables(tmp_path / "missing")
    with pytest.raises(ValidationError, match="'instance'"):
        read_tables(TABLES, instance="a:b")


def test_every_message_of_the_seeds_is_public_except_the_note_and_authors_are_known() -> None:
    for interaction in read_tables(TABLES):
        for event in interaction.events:
            if isinstance(event, Message):
                assert event.author in (Role.CUSTOMER, Role.AGENT)
                assert event.author_id in {"1", "2", "10", "11"}


def test_sla_history_becomes_the_vendor_s_own_sla_events() -> None:
    tickets = _by_id(TABLES)
    t111 = tickets["111"]
    applied = [
        (e.at.isoformat()[11:16], e.policy) for e in t111.events if isinstance(e, PolicyApplied)
    ]
    assert applied == [("14:00", "Standard SLA"), ("14:10", "Urgent SLA")]
    stamped = [
        (e.metric, e.within.in_minutes(), e.calendar)
        for e in t111.events
        if isinstance(e, TargetApplied)
    ]
    assert stamped == [("first_reply", 60, "@schedule"), ("first_reply", 15, "@schedule")]
    t104 = tickets["104"]
    calendar_time = [(e.metric, e.calendar) for e in t104.events if isinstance(e, TargetApplied)]
    assert calendar_time == [("first_reply", None), ("next_reply", None), ("next_reply", None)]


def test_a_pausable_update_stamp_is_left_out_and_keeps_the_periodic_stamp(
    tmp_path: pathlib.Path,
) -> None:
    """Issue 15 (1.2): a stamp carries no pause, so pausable stamps make no TargetApplied;
    the periodic update's stamp at the same instant is not overwritten."""
    folder = _copy(tmp_path)
    history = folder / "ticket_field_history.csv"
    for name, minutes in (("periodic_update_time", 30), ("pausable_update_time", 240)):
        _append(
            history,
            {
                "field_name": name,
                "ticket_id": "104",
                "updated": "2025-06-10 12:00:00",
                "_fivetran_synced": "2026-01-01 00:00:00",
                "value": f'{{"minutes":{minutes},"in_business_hours":false}}',
            },
        )
    t104 = _by_id(folder)["104"]
    periodic = [
        e.within.in_minutes()
        for e in t104.events
        if isinstance(e, TargetApplied) and e.metric == "periodic_update"
    ]
    assert periodic == [30]


@pytest.mark.parametrize("rows_reversed", [False, True])
def test_comments_in_the_same_second_follow_their_comment_ids(
    tmp_path: pathlib.Path, rows_reversed: bool
) -> None:
    """Issue 15 (1.5): a customer message and the agent's reply in one second keep
    the order Zendesk numbered them, whatever the rows' order (not 'agent' < 'customer')."""
    folder = _copy(tmp_path)
    comments = folder / "ticket_comment.csv"
    same = "2025-06-02 15:00:00"
    rows = [
        {"id": "5902", "created": same, "public": "true", "ticket_id": "101", "user_id": "1"},
        {"id": "5901", "created": same, "public": "true", "ticket_id": "101", "user_id": "10"},
    ]
    for values in rows[::-1] if rows_reversed else rows:
        _append(comments, {"_fivetran_synced": "2026-01-01 00:00:00", **values})
    t101 = _by_id(folder)["101"]
    at_same = [m.author for m in t101.messages() if m.at == pendulum.datetime(2025, 6, 2, 15)]
    assert at_same == [Role.CUSTOMER, Role.AGENT]


def test_each_applied_sla_policy_holds_from_when_zendesk_applied_it(
    tmp_path: pathlib.Path,
) -> None:
    """Issue 15 (1.6): ticket_sla_policy rows are dated changes of ``sla_policy_id``
    (timestamps parsed, not compared as text), not the last one fixed from creation."""
    folder = _copy(tmp_path)
    applied = folder / "ticket_sla_policy.csv"
    synced = "2026-01-01 00:00:00"
    later = {
        "ticket_id": "101",
        "sla_policy_id": "1002",
        "policy_applied_at": "2025-06-02 13:00:00",
    }
    first = {
        "ticket_id": "101",
        "sla_policy_id": "1001",
        "policy_applied_at": "2025-06-02T11:00:00Z",
    }
    for values in (later, first):
        _append(applied, {"_fivetran_synced": synced, **values})
    t101 = _by_id(folder)["101"]
    assert t101.attribute("sla_policy_id") == "1001"
    changes = [
        (e.at, e.value)
        for e in t101.events
        if isinstance(e, FieldChange) and e.name == "sla_policy_id"
    ]
    assert changes == [(pendulum.datetime(2025, 6, 2, 13), "1002")]


def test_a_schedule_created_at_that_is_no_timestamp_is_refused_by_every_reader(
    tmp_path: pathlib.Path,
) -> None:
    """Issue 15 (3): one rule picks the default schedule, and checks ``created_at``."""
    folder = _copy(tmp_path)
    header, rows = _rows(folder / "schedule.csv")
    rows[0][header.index("created_at")] = "yesterday"
    _write(folder / "schedule.csv", header, rows)
    with pytest.raises(PolicyDocumentError, match=r"schedule\.csv line 2\.created_at") as caught:
        list(read_tables(folder))
    assert "'yesterday'" in str(caught.value)
    with pytest.raises(PolicyDocumentError, match=r"schedule\.csv line 2\.created_at"):
        read_policies(folder)


def test_ticket_schedules_switch_the_schedule_and_one_at_creation_starts_it() -> None:
    tickets = _by_id(TABLES)

    def switches(ticket: str) -> list[tuple[str, str]]:
        events = tickets[ticket].events
        return [
            (e.at.isoformat()[11:16], e.schedule) for e in events if isinstance(e, ScheduleChange)
        ]

    assert switches("108") == [("06:00", "100"), ("06:30", "200")]  # re-routed to London
    assert switches("115") == [("16:00", "200")]  # a trigger at creation: London from the start
    assert switches("101") == [("11:00", "100")]  # the default schedule


def test_tags_and_fields_with_history_change_over_time(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    for field, updated, value in (
        ("tags", "2025-06-02 11:00:00", "demo printer"),
        ("tags", "2025-06-02 13:40:00", "demo vip"),
        ("360041597112", "2025-06-02 13:40:00", "set_up_app"),
        ("ticket_form_id", "2025-06-02 11:00:00", "1"),
        ("ticket_form_id", "2025-06-02 15:00:00", "2"),
    ):
        _append(
            folder / "ticket_field_history.csv",
            {"field_name": field, "ticket_id": "101", "updated": updated, "value": value},
        )
    t101 = _by_id(folder)["101"]
    assert t101.tags == frozenset({"demo", "printer"})
    [change] = [e for e in t101.events if isinstance(e, TagChange)]
    assert (change.added, change.removed) == (frozenset({"vip"}), frozenset({"printer"}))
    assert t101.attribute("ticket_form_id") == "1"
    fields = [(e.name, e.value) for e in t101.events if isinstance(e, FieldChange)]
    assert fields == [("custom_fields_360041597112", "set_up_app"), ("ticket_form_id", "2")]


def test_a_ticket_without_priority_has_none(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    header, rows = _rows(folder / "ticket_field_history.csv")
    keep = [r for r in rows if not (r[0] == "priority" and r[1] == "112")]
    _write(folder / "ticket_field_history.csv", header, keep)
    _edit(folder / "ticket.csv", {"id": "112"}, {"priority": ""})
    assert _by_id(folder)["112"].priority is Priority.NONE


def test_a_bad_sla_stamp_is_refused_with_its_row(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder / "ticket_field_history.csv",
        {"field_name": "first_reply_time", "ticket_id": "103"},
        {"value": "sixty"},
    )
    with pytest.raises(RecordError) as caught:
        list(read_tables(folder))
    assert (caught.value.file, caught.value.record, caught.value.field) == (
        "ticket_field_history.csv",
        "103",
        "value",
    )


@settings(max_examples=15)
@given(st.randoms(use_true_random=False))
def test_the_row_order_of_the_tables_does_not_change_the_interactions(
    shuffle: random.Random,
) -> None:
    expected = list(read_tables(TABLES))
    with tempfile.TemporaryDirectory() as directory:
        folder = pathlib.Path(directory) / "export"
        shutil.copytree(TABLES, folder)
        for name in ("ticket_comment", "ticket_field_history", "ticket_tag", "ticket_schedule"):
            header, rows = _rows(folder / f"{name}.csv")
            shuffle.shuffle(rows)
            _write(folder / f"{name}.csv", header, rows)
        assert list(read_tables(folder)) == expected


def test_a_ticket_an_agent_opened_for_the_customer_is_opened_by_the_agent(
    tmp_path: pathlib.Path,
) -> None:
    folder = _copy(tmp_path)
    # Agent 1 submits ticket 101 for requester 10 and writes its first comment.
    _edit(folder / "ticket.csv", {"id": "101"}, {"submitter_id": "1"})
    _edit(folder / "ticket_comment.csv", {"id": "5001"}, {"user_id": "1"})
    tickets = _by_id(folder)
    outbound, inbound = tickets["101"], tickets["102"]
    assert outbound.opened_by is Role.AGENT
    assert inbound.opened_by is Role.CUSTOMER
    opening = outbound.opening_message()
    assert opening is not None
    assert opening.at == outbound.created_at
    # The creating comment is not the first reply (Zendesk's rule).
    assert outbound.first_reply_at() != outbound.created_at


@pytest.mark.parametrize(
    ("name", "cut"),
    [
        ("ticket_comment.csv", "5030,2026-01-01 00:00:00,comm"),  # mid-row
        ("ticket.csv", '"FRT bh achieved; NRT bh 120 applied'),  # inside a quoted cell
    ],
)
def test_a_truncated_table_is_a_record_error_naming_the_file(
    tmp_path: pathlib.Path, name: str, cut: str
) -> None:
    folder = _copy(tmp_path)
    text = (folder / name).read_text(encoding="utf-8")
    end = text.index(cut) + len(cut)
    (folder / name).write_text(text[:end], encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        list(read_tables(folder, on_error=ErrorReport()))  # a broken file is never skipped
    error = caught.value
    assert error.file == name
    assert error.line == text[:end].count("\n") + 1


@pytest.mark.parametrize(
    ("opening", "history", "origin"),
    [
        # The ticket's assignee (not tracked) and the history's group row at creation.
        (("9", None), (None, "g1"), ("ticket_field_history.csv", 5, "value")),
        # The ticket's group (not tracked) and the history's assignee row at creation.
        ((None, "g1"), ("9", None), ("ticket.csv", 2, "assignee_id")),
    ],
)
def test_the_opening_assignment_and_the_history_one_at_creation_are_one_event(
    opening: tuple[str | None, str | None],
    history: tuple[str | None, str | None],
    origin: tuple[str, int, str],
) -> None:
    from servicemodel.io._decoder import InteractionDecoder
    from servicemodel.io._ticket_log import TicketLog
    from servicemodel.io.zendesk._vocab import VOCABULARY

    created = (pendulum.datetime(2025, 6, 2, 11), "2025-06-02 11:00:00+00:00")

    def log(agent_history: str | None, agent_opening: str | None) -> TicketLog:
        built = TicketLog("7", ("ticket.csv", 2, "id"), VOCABULARY)
        built.customer_id, built.channel = "10", "email"
        built.created, built.created_key = created[1], created[0]
        built.assignment(
            created,
            agent_history if history[0] else None,
            history[1],
            ("ticket_field_history.csv", 5, "value"),
        )
        built.opening_assignment(
            created,
            agent_opening if opening[0] else None,
            opening[1],
            ("ticket.csv", 2, "assignee_id"),
        )
        return built

    [event] = log("9", "9").build(InteractionDecoder()).events
    assert isinstance(event, Assignment)
    assert (event.at, event.agent_id, event.group) == (created[0], "9", "g1")
    with pytest.raises(RecordError) as caught:
        log(" 9", " 9").build(InteractionDecoder())  # an id with a blank: named by its row
    assert (caught.value.file, caught.value.line) == origin[:2]
