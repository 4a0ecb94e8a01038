"""The Zendesk REST API's JSON exports as saved pages: the same tickets as the tables, errors."""

from __future__ import annotations

import csv
import json
import pathlib
import random
import shutil
from typing import Any

import pendulum
import pytest

from servicemodel import Interaction, Role, Status
from servicemodel.exceptions import PolicyDocumentError, RecordError, ValidationError
from servicemodel.interactions import (
    Assignment,
    FieldChange,
    PolicyApplied,
    SatisfactionResponse,
    TargetApplied,
)
from servicemodel.io import ErrorReport, read_interactions, write_interactions
from servicemodel.io.zendesk import (
    read_api,
    read_export,
    read_policies,
    read_tables,
    read_ticket_metric_events,
)
from servicemodel.sla import Profile, evaluate, reconcile

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures" / "zendesk"
API = FIXTURES / "api"
TABLES = FIXTURES / "tables"
#: The seed tickets the API pages describe (116 is an agent's outbound ticket, API only).
SEED_TICKETS = ("101", "104", "109", "111", "114")


def _copy(tmp_path: pathlib.Path, source: pathlib.Path = API) -> pathlib.Path:
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    return folder


def _load(path: pathlib.Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _save(path: pathlib.Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")


def _by_id(folder: pathlib.Path, instance: str | None = None) -> dict[str, Interaction]:
    return {i.id: i for i in read_api(folder, instance=instance)}


def _append_rows(path: pathlib.Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as file:
        header = next(csv.reader(file))
    with path.open("a", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([[row.get(name, "") for name in header] for row in rows])


def _tables_of_the_same_tickets(tmp_path: pathlib.Path) -> pathlib.Path:
    """The seed tables, with the facts the API pages add to the seed tickets.

    The pages give 101 and 109 a satisfaction rating, 109 a trigger's
    acknowledgement (Zendesk's own user, -1) and a reassignment to Bob, and
    111 a reopen; the tables say the same in their rows.
    """
    folder = _copy(tmp_path, TABLES)
    (folder / "satisfaction_rating.csv").write_text(
        "id,ticket_id,created_at,score\n"
        "7001,101,2025-06-03 09:00:00,good\n"
        "7002,109,2025-06-20 09:00:00,bad\n"
        "7003,114,2025-06-25 14:40:00,offered\n",
        encoding="utf-8",
    )
    comment = {"public": "true", "_fivetran_synced": "2026-01-01 00:00:00"}
    _append_rows(
        folder / "ticket_comment.csv",
        [
            {**comment, "id": "6001", "ticket_id": "109", "user_id": "-1",
             "created": "2025-06-17 13:00:00"},
            {**comment, "id": "6002", "ticket_id": "111", "user_id": "10",
             "created": "2025-06-24 16:00:00"},
            {**comment, "id": "6003", "ticket_id": "111", "user_id": "1",
             "created": "2025-06-24 16:30:00"},
        ],
    )  # fmt: skip
    _append_rows(
        folder / "ticket_field_history.csv",
        [
            {"field_name": "assignee_id", "ticket_id": "109", "updated": "2025-06-18 16:30:00",
             "value": "2"},
            {"field_name": "status", "ticket_id": "111", "updated": "2025-06-24 16:00:00",
             "value": "open"},
            {"field_name": "status", "ticket_id": "111", "updated": "2025-06-24 16:30:00",
             "value": "solved"},
        ],
    )  # fmt: skip
    return folder


def test_the_api_pages_give_the_same_interactions_as_the_tables_for_the_same_tickets(
    tmp_path: pathlib.Path,
) -> None:
    from_tables = {i.id: i for i in read_tables(_tables_of_the_same_tickets(tmp_path))}
    from_api = _by_id(API)
    for ticket in SEED_TICKETS:
        assert from_api[ticket] == from_tables[ticket], ticket
    rated = [e.score for e in from_api["109"].events if isinstance(e, SatisfactionResponse)]
    assert rated == [1]  # the added facts are in the comparison


def test_the_api_interactions_round_trip_through_servicemodel_s_jsonl(
    tmp_path: pathlib.Path,
) -> None:
    imported = list(read_api(API))
    out = tmp_path / "interactions.jsonl"
    assert write_interactions(imported, out) == len(imported) == 6
    assert list(read_interactions(out)) == imported


def test_read_export_finds_the_api_shape_by_its_ticket_pages() -> None:
    assert list(read_export(API)) == list(read_api(API))
    assert [i.id for i in read_export(TABLES)] == [i.id for i in read_tables(TABLES)]


def test_deleted_merged_and_earlier_versions_of_a_ticket_are_left_out() -> None:
    tickets = list(read_api(API))
    ids = [i.id for i in tickets]
    assert ids == ["104", "109", "111", "114", "101", "116"]  # page order, 101 from page 2
    assert "117" not in ids  # status deleted
    assert "118" not in ids  # tagged closed_by_merge
    assert _by_id(API)["101"].status() is Status.CLOSED


def test_the_seed_tickets_keep_their_authors_notes_priorities_and_sla_stamps() -> None:
    tickets = _by_id(API)
    note = tickets["114"].messages()[1]  # ticket events without the comment sideload
    assert (note.author, note.visibility.value, note.author_id) == (Role.AGENT, "private", "1")
    assert tickets["114"].first_reply_at() is None
    # the customer's comment, then a trigger's acknowledgement in the same second (comment ids)
    assert tickets["109"].messages()[0].author is Role.CUSTOMER
    bot = tickets["109"].messages()[1]
    assert (bot.author, bot.author_id) == (Role.BOT, "-1")
    reply = tickets["109"].first_reply()
    assert reply is not None
    assert reply.author_id == "1"
    assignments = [e.agent_id for e in tickets["109"].events if isinstance(e, Assignment)]
    assert assignments == ["1", "2"]
    t111 = tickets["111"]
    assert t111.priority.value == "normal"
    assert t111.reopen_count() == 1
    applied = [
        (e.at.isoformat()[11:16], e.policy) for e in t111.events if isinstance(e, PolicyApplied)
    ]
    assert applied == [("14:00", "Standard SLA"), ("14:10", "Urgent SLA")]  # deleted stamp left out
    stamped = [
        (e.metric, e.within.in_minutes())
        for e in tickets["104"].events
        if isinstance(e, TargetApplied)
    ]
    assert stamped == [("first_reply", 60), ("next_reply", 120), ("next_reply", 120)]


def test_an_agent_s_outbound_ticket_is_opened_by_the_agent_and_a_privacy_change_holds() -> None:
    t116 = _by_id(API)["116"]
    assert t116.opened_by is Role.AGENT
    assert t116.customer_id == "11"
    assert t116.kind.value == "request"
    assert t116.channel.value == "web_form"
    opening = t116.opening_message()
    assert opening is not None
    assert opening.at == t116.created_at
    assert t116.first_reply_at() != t116.created_at  # the opening comment is no reply
    visibility = [(m.at.isoformat()[5:16], m.visibility.value) for m in t116.messages()]
    assert ("07-01T13:00", "private") in visibility  # made private five minutes later
    assert t116.reopen_count() == 1
    assert t116.tags == frozenset({"outbound"})


def test_ratings_come_from_the_audits_when_there_is_no_ratings_export(
    tmp_path: pathlib.Path,
) -> None:
    folder = _copy(tmp_path)
    (folder / "satisfaction_ratings.json").unlink()
    tickets = _by_id(folder)
    rating = tickets["101"].rating()  # its satisfaction_score change
    assert rating is not None
    assert (rating.score, rating.at.isoformat()) == (5, "2025-06-03T09:00:00+00:00")
    assert tickets["109"].rating() is None  # its audits carry no rating


def test_users_may_come_from_users_pages_instead_of_the_sideload(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    users: dict[object, Any] = {}
    for name in ("tickets_1.json", "tickets_2.json"):
        page = _load(folder / name)
        users.update((u["id"], u) for u in page.pop("users"))
        _save(folder / name, page)
    _save(folder / "users.json", {"users": list(users.values()), "end_of_stream": True})
    assert list(read_api(folder)) == list(read_api(API))


def test_target_in_seconds_wins_over_minutes_in_every_reader(tmp_path: pathlib.Path) -> None:
    """Issue 15 (3): one reading of a target; the API stamps took whole minutes only."""
    folder = _copy(tmp_path)
    page = _load(folder / "ticket_metric_events.json")
    [applied] = [e for e in page["ticket_metric_events"] if e["id"] == 800102]
    applied["sla"]["target_in_seconds"] = 90
    _save(folder / "ticket_metric_events.json", page)
    t101 = _by_id(folder)["101"]
    [stamp] = [e for e in t101.events if isinstance(e, TargetApplied)]
    assert stamp.within == pendulum.duration(seconds=90)
    [row] = [
        r
        for r in read_ticket_metric_events(folder / "ticket_metric_events.json")
        if r.interaction_id == "101" and r.metric.value == "first_reply"
    ]
    assert row.target == pendulum.duration(seconds=90)
    applied["sla"]["target_in_seconds"] = 1.5
    _save(folder / "ticket_metric_events.json", page)
    with pytest.raises(
        RecordError,
        match=r"'sla\.target_in_seconds' must be an integer number of seconds from 1 to",
    ):
        list(read_api(folder))


def test_a_malformed_schedule_page_is_refused_not_skipped_for_the_default(
    tmp_path: pathlib.Path,
) -> None:
    """Issue 15 (4): read_api no longer discards schedules.json problems."""
    folder = _copy(tmp_path)
    page = _load(folder / "schedules.json")
    page["schedules"][0] = {"name": "no id"}
    _save(folder / "schedules.json", page)
    with pytest.raises(PolicyDocumentError, match=r"schedules\.json: schedules\[0\]"):
        list(read_api(folder))


def test_instances_prefix_every_id() -> None:
    t109 = _by_id(API, instance="eu")["eu:109"]
    assert t109.customer_id == "eu:10"
    assert t109.attribute("instance") == "eu"
    assert t109.messages()[0].author_id == "eu:10"
    assert next(e for e in t109.events if isinstance(e, PolicyApplied)).policy == "eu:Standard SLA"


# ---------------------------------------------------------------------- bad input


def _edit_audit(folder: pathlib.Path, name: str, audit: int, changes: dict[str, Any]) -> None:
    page = _load(folder / name)
    target = page["audits"][audit]
    for key, value in changes.items():
        if key.startswith("events."):
            index, field = key.split(".")[1:]
            target["events"][int(index)][field] = value
        else:
            target[key] = value
    _save(folder / name, page)


def _line_of(path: pathlib.Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(text)


def test_a_comment_whose_author_is_unknown_names_file_line_ticket_and_field(
    tmp_path: pathlib.Path,
) -> None:
    folder = _copy(tmp_path)
    _edit_audit(folder, "audits_101.json", 1, {"events.0.author_id": 999})
    with pytest.raises(RecordError) as caught:
        list(read_api(folder))
    error = caught.value
    line = _line_of(folder / "audits_101.json", '"id": 1010002')
    assert (error.file, error.line, error.record, error.field, error.value) == (
        "audits_101.json",
        line - 1,  # the audit's opening brace
        "101",
        "events[0].author_id",
        "999",
    )
    assert "must name a user" in str(error)


def test_an_unknown_updater_of_a_ticket_event_is_refused(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    page = _load(folder / "ticket_events.json")
    page["ticket_events"][8]["updater_id"] = 555  # 114's private note, without the sideload
    _save(folder / "ticket_events.json", page)
    with pytest.raises(RecordError) as caught:
        list(read_api(folder))
    assert (caught.value.file, caught.value.record, caught.value.field) == (
        "ticket_events.json",
        "114",
        "updater_id",
    )


def test_a_status_zendesk_never_had_is_refused(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    _edit_audit(folder, "audits_109.json", 2, {"events.1.value": "escalated"})
    with pytest.raises(RecordError) as caught:
        list(read_api(folder))
    error = caught.value
    assert (error.file, error.record, error.field, error.value) == (
        "audits_109.json",
        "109",
        "events[1].value",
        "escalated",
    )
    assert "must be a Zendesk ticket status" in str(error)


def test_a_timestamp_without_a_zone_is_refused(tmp_path: pathlib.Path) -> None:
    folder = _copy(tmp_path)
    _edit_audit(folder, "audits_101.json", 2, {"created_at": "2025-06-02T15:00:00"})
    with pytest.raises(RecordError) as caught:
        list(read_api(folder))
    error = caught.value
    assert (error.file, error.record, error.field) == ("audits_101.json", "101", "created_at")
    assert "with a zone" in str(error)
    page = _load(folder / "tickets_2.json")
    page["tickets"][0]["created_at"] = "2025-06-24 14:00:00"
    _save(folder / "tickets_2.json", page)
    report = ErrorReport()
    ids = [i.id for i in read_api(folder, on_error=report)]
    assert [(e.file, e.record, e.field) for e in report.errors] == [
        ("tickets_2.json", "111", "created_at"),
        ("audits_101.json", "101", "created_at"),
    ]
    assert ids == ["104", "109", "114", "116"]


def test_audits_in_any_order_give_the_same_ticket_as_the_tables_do_for_rows(
    tmp_path: pathlib.Path,
) -> None:
    folder = _copy(tmp_path)
    page = _load(folder / "audits_109.json")
    page["audits"].reverse()
    _save(folder / "audits_109.json", page)
    events = _load(folder / "ticket_events.json")
    events["ticket_events"].reverse()
    _save(folder / "ticket_events.json", events)
    assert list(read_api(folder)) == list(read_api(API))


def test_an_event_before_the_ticket_was_created_names_the_audit_it_came_from(
    tmp_path: pathlib.Path,
) -> None:
    folder = _copy(tmp_path)
    _edit_audit(folder, "audits_111.json", 2, {"created_at": "2025-06-24T13:20:00Z"})
    with pytest.raises(RecordError) as caught:
        list(read_api(folder))
    error = caught.value
    assert (error.file, error.record) == ("audits_111.json", "111")
    assert error.line == _line_of(folder / "audits_111.json", '"id": 1110003') - 1
    assert error.field is not None
    assert error.field.startswith("events[")
    assert "must not be before 'created_at'" in str(error)


@pytest.mark.parametrize("name", ["tickets_2.json", "audits_109.json", "ticket_events.json"])
def test_a_truncated_json_page_is_a_record_error_naming_the_file(
    tmp_path: pathlib.Path, name: str
) -> None:
    folder = _copy(tmp_path)
    text = (folder / name).read_text(encoding="utf-8")
    (folder / name).write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        list(read_api(folder, on_error=ErrorReport()))  # a broken page is never skipped
    error = caught.value
    assert error.file == name
    assert 1 < error.line <= text[: len(text) * 2 // 3].count("\n") + 1
    assert "cut short" in str(error)
    assert not isinstance(error.__cause__, json.JSONDecodeError)


def test_a_folder_without_ticket_pages_is_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValidationError, match=r"tickets\.json"):
        read_api(tmp_path)
    with pytest.raises(ValidationError, match="ticket pages"):
        read_export(tmp_path)
    with pytest.raises(ValidationError, match="'instance'"):
        read_api(API, instance="a:b")


def test_a_ticket_event_s_custom_field_is_a_field_change_and_its_timestamp_may_be_epoch(
    tmp_path: pathlib.Path,
) -> None:
    folder = _copy(tmp_path)
    page = _load(folder / "ticket_events.json")
    update = page["ticket_events"][2]  # 104, 2025-06-10 12:00
    del update["created_at"]  # the epoch 'timestamp' says the same instant
    update["child_events"].append(
        {
            "id": 1040303,
            "via": "Mail",
            "via_reference_id": None,
            "custom_ticket_fields": {"360041597112": "set_up_app"},
            "event_type": "Change",
            "previous_value": None,
        }
    )
    _save(folder / "ticket_events.json", page)
    t104 = _by_id(folder)["104"]
    [change] = [e for e in t104.events if isinstance(e, FieldChange)]
    assert (change.name, change.value, change.at.isoformat()) == (
        "custom_fields_360041597112",
        "set_up_app",
        "2025-06-10T12:00:00+00:00",
    )
    assert t104.messages() == _by_id(API)["104"].messages()


def test_the_api_export_reconciles_with_its_own_ticket_metric_events(
    tmp_path: pathlib.Path,
) -> None:
    as_of = pendulum.datetime(2025, 7, 5)
    profile = Profile.named("zendesk")
    policies, _calendars = read_policies(API)
    policies = profile.apply(policies)
    results = [evaluate(i, policies, as_of=as_of) for i in read_api(API)]
    recorded = list(read_ticket_metric_events(API / "ticket_metric_events.json", as_of=as_of))
    outcome = reconcile(results, recorded, profile=profile)
    counts = outcome.counts()
    assert (counts["agree"], counts["differ"], counts["vendor_only"]) == (len(recorded), 0, 0)
    assert len(recorded) == 9
    # Issue 15 (1.3): the same events in another order give the same rows and the same outcome.
    page = _load(API / "ticket_metric_events.json")
    random.Random(15).shuffle(page["ticket_metric_events"])
    shuffled_file = tmp_path / "ticket_metric_events.json"
    _save(shuffled_file, page)
    shuffled = list(read_ticket_metric_events(shuffled_file, as_of=as_of))
    assert sorted(shuffled, key=repr) == sorted(recorded, key=repr)
    assert reconcile(results, shuffled, profile=profile).counts() == counts


def test_a_history_record_without_a_ticket_and_a_page_with_a_byte_order_mark(
    tmp_path: pathlib.Path,
) -> None:
    folder = _copy(tmp_path)
    text = (folder / "satisfaction_ratings.json").read_text(encoding="utf-8")
    (folder / "satisfaction_ratings.json").write_text("\ufeff" + text, encoding="utf-8")
    assert list(read_api(folder)) == list(read_api(API))
    page = _load(folder / "audits_116.json")
    del page["audits"][3]["ticket_id"]
    _save(folder / "audits_116.json", page)
    with pytest.raises(RecordError) as caught:
        list(read_api(folder))
    assert (caught.value.file, caught.value.field, caught.value.value) == (
        "audits_116.json",
        "ticket_id",
        None,
    )
