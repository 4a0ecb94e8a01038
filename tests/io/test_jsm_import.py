"""Importing Jira Service Management issues: the event log of each documented case, bad input."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum
import pytest

from servicemodel import Interaction, Role, Status
from servicemodel.exceptions import RecordError, ValidationError
from servicemodel.interactions import (
    Assignment,
    Message,
    PriorityChange,
    SatisfactionResponse,
    StatusChange,
)
from servicemodel.io import ErrorReport, read_interactions, write_interactions
from servicemodel.io.jsm import read_issues

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "jsm"
EXPORT = FIXTURES / "export"
BAD = FIXTURES / "bad"


def _iso(value: pendulum.DateTime | None) -> str:
    assert value is not None
    return value.isoformat()


@pytest.fixture(scope="module")
def issues() -> dict[str, Interaction]:
    return {ticket.id: ticket for ticket in read_issues(EXPORT)}


def test_every_fixture_issue_imports_from_a_search_page_and_json_lines(
    issues: dict[str, Interaction],
) -> None:
    assert sorted(issues, key=lambda k: int(k.split("-")[1])) == [f"HELP-{n}" for n in range(1, 23)]


def test_the_imported_issues_round_trip_through_servicemodels_own_format(
    issues: dict[str, Interaction],
) -> None:
    buffer = io.StringIO()
    tickets = list(issues.values())
    assert write_interactions(tickets, buffer, format="jsonl") == 22
    buffer.seek(0)
    assert list(read_interactions(buffer, format="jsonl")) == tickets


def test_a_plain_request_is_the_reporters_message_a_reply_and_a_resolve(
    issues: dict[str, Interaction],
) -> None:
    ticket = issues["HELP-1"]
    assert ticket.customer_id == "qm:c-ann"
    assert (ticket.channel.value, ticket.kind.value, ticket.priority.value) == (
        "web_form",
        "request",
        "normal",
    )
    assert _iso(ticket.first_reply_at()) == "2024-06-10T10:00:00+01:00"
    assert _iso(ticket.last_solved_at()) == "2024-06-10T14:00:00+01:00"
    assert dict(ticket.attributes) == {
        "issue_type": "Service Request",
        "jira_id": "107001",
        "jsm_status": "Resolved",
        "request_type": "Get IT help",
    }


def test_waiting_for_customer_is_pending_and_the_channel_comes_from_the_property(
    issues: dict[str, Interaction],
) -> None:
    ticket = issues["HELP-2"]
    assert ticket.channel.value == "email"
    statuses = [e.status for e in ticket.events if isinstance(e, StatusChange)]
    assert statuses == [Status.OPEN, Status.PENDING, Status.OPEN, Status.SOLVED]


def test_a_reopen_after_resolved_is_counted(issues: dict[str, Interaction]) -> None:
    assert issues["HELP-3"].reopen_count() == 1
    assert issues["HELP-18"].reopen_count() == 1


def test_the_pending_status_of_itsm_workflows_is_on_hold(issues: dict[str, Interaction]) -> None:
    statuses = [e.status for e in issues["HELP-4"].events if isinstance(e, StatusChange)]
    assert Status.ON_HOLD in statuses


def test_an_internal_comment_is_private_and_no_reply(issues: dict[str, Interaction]) -> None:
    ticket = issues["HELP-5"]
    note = next(e for e in ticket.events if isinstance(e, Message) and e.author is Role.AGENT)
    assert note.visibility.value == "private"
    assert _iso(ticket.first_reply_at()) == "2024-06-10T11:00:00+01:00"


def test_an_automation_comment_is_a_bots_and_no_reply(issues: dict[str, Interaction]) -> None:
    ticket = issues["HELP-6"]
    bots = [e for e in ticket.events if isinstance(e, Message) and e.author is Role.BOT]
    assert [b.author_id for b in bots] == ["557058:automation"]
    assert _iso(ticket.first_reply_at()) == "2024-06-10T10:30:00+01:00"


def test_a_priority_change_starts_from_the_changelogs_first_value(
    issues: dict[str, Interaction],
) -> None:
    ticket = issues["HELP-7"]
    changes = [e for e in ticket.events if isinstance(e, PriorityChange)]
    assert ticket.priority.value == "normal"
    assert [(c.at.isoformat(), c.priority.value) for c in changes] == [
        ("2024-06-10T10:00:00+01:00", "high")
    ]


def test_a_reassignment_follows_the_assignee_history(issues: dict[str, Interaction]) -> None:
    ticket = issues["HELP-8"]
    assigned = [e.agent_id for e in ticket.events if isinstance(e, Assignment)]
    assert assigned == ["5b10-agent-alice", "5b10-agent-bob"]
    assert ticket.reassignment_count() == 1


def test_the_satisfaction_rating_is_dated_by_the_satisfaction_date_field(
    issues: dict[str, Interaction],
) -> None:
    [rating] = [e for e in issues["HELP-9"].events if isinstance(e, SatisfactionResponse)]
    assert (rating.score, rating.at.isoformat()) == (5, "2024-06-10T16:00:00+01:00")


def test_offsets_are_kept_across_the_end_of_summer_time(issues: dict[str, Interaction]) -> None:
    ticket = issues["HELP-12"]
    assert ticket.created_at.isoformat() == "2024-10-27T00:30:00+01:00"
    assert ticket.priority.value == "urgent"
    assert ticket.kind.value == "complaint"


def test_an_issue_raised_by_an_agent_is_opened_by_the_agent_whose_message_is_no_reply(
    issues: dict[str, Interaction],
) -> None:
    ticket = issues["HELP-13"]
    assert ticket.opened_by is Role.AGENT
    assert ticket.customer_id == "qm:c-ann"
    assert _iso(ticket.first_reply_at()) == "2024-06-10T11:00:00+01:00"


def test_an_issue_raised_by_an_app_is_opened_by_a_bot(issues: dict[str, Interaction]) -> None:
    assert issues["HELP-20"].opened_by is Role.BOT


def test_labels_are_tags_and_closed_is_closed(issues: dict[str, Interaction]) -> None:
    assert issues["HELP-14"].tags == frozenset({"vip"})
    assert issues["HELP-19"].status() is Status.CLOSED


def test_an_instance_label_prefixes_every_id() -> None:
    ticket = next(read_issues(EXPORT, instance="eu"))
    assert (ticket.id, ticket.customer_id) == ("eu:HELP-1", "eu:qm:c-ann")
    assert ticket.attribute("instance") == "eu"


@pytest.mark.parametrize(
    ("name", "field", "words"),
    [
        ("unknown_status", "changelog.histories[1].items[0].toString", "'Awaiting parts'"),
        ("unknown_channel", "properties.request.channel.type", "(got 'fax')"),
        ("comment_without_author", "fields.comment.comments[1].author", "accountId"),
        ("capped_changelog", "changelog.total", "caps the changelog"),
        ("truncated", "json", "truncated"),
    ],
)
def test_bad_input_is_a_record_error_naming_file_issue_and_field(
    name: str, field: str, words: str
) -> None:
    with pytest.raises(RecordError) as caught:
        list(read_issues(BAD / f"{name}.json"))
    error = caught.value
    assert (error.file, error.record, error.field) == (f"{name}.json", "HELP-2", field)
    assert words in str(error)
    lines = (BAD / f"{name}.json").read_text(encoding="utf-8").splitlines()
    if name != "truncated":  # the issue's line: where its key is
        assert '"key": "HELP-2"' in lines[error.line - 1]
    assert str(error).startswith(f"{name}.json line {error.line} (ticket HELP-2): ")


def test_on_error_collects_the_bad_issue_and_keeps_the_good_one() -> None:
    report = ErrorReport()
    tickets = list(read_issues(BAD / "unknown_status.json", on_error=report))
    assert [t.id for t in tickets] == ["HELP-1"]
    assert [e.record for e in report.errors] == ["HELP-2"]


def test_a_workflow_status_can_be_mapped_by_name() -> None:
    tickets = list(read_issues(BAD / "unknown_status.json", statuses={"Awaiting parts": "on_hold"}))
    statuses = [e.status for e in tickets[1].events if isinstance(e, StatusChange)]
    assert Status.ON_HOLD in statuses


def test_an_unknown_priority_names_the_field(tmp_path: Path) -> None:
    page = json.loads((EXPORT / "page-1.json").read_text(encoding="utf-8"))
    page["issues"][0]["fields"]["priority"]["name"] = "P1"
    (tmp_path / "p.json").write_text(json.dumps(page), encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        next(read_issues(tmp_path / "p.json"))
    assert caught.value.field == "fields.priority.name"
    ticket = next(read_issues(tmp_path / "p.json", priorities={"P1": "urgent"}))
    assert ticket.priority.value == "urgent"


def test_a_source_without_saved_issues_is_refused_at_once(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="'source' must hold saved JSM issues"):
        read_issues(tmp_path)
    with pytest.raises(ValidationError, match="no such file"):
        read_issues(tmp_path / "missing.json")


def _one_issue(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """HELP-1 of the fixtures, changed by *change*, saved alone."""
    page = json.loads((EXPORT / "page-1.json").read_text(encoding="utf-8"))
    issue = page["issues"][0]
    change(issue)
    path = tmp_path / "one.json"
    path.write_text(json.dumps(issue), encoding="utf-8")
    return path


def test_comments_cut_short_are_named_like_a_capped_changelog(tmp_path: Path) -> None:
    path = _one_issue(tmp_path, lambda i: i["fields"]["comment"].update(total=7))
    with pytest.raises(RecordError, match="holds 1") as caught:
        list(read_issues(path))
    assert caught.value.field == "fields.comment.total"


def test_a_full_changelog_from_the_changelog_endpoint_is_read_like_the_expanded_one(
    tmp_path: Path,
) -> None:
    def full(issue: dict[str, Any]) -> None:
        histories = issue["changelog"]["histories"]
        issue["changelog"] = {"startAt": 0, "total": 1, "isLast": True, "values": histories}

    [ticket] = read_issues(_one_issue(tmp_path, full))
    assert ticket == next(read_issues(EXPORT))


def test_without_the_channel_property_the_given_channel_applies(tmp_path: Path) -> None:
    path = _one_issue(tmp_path, lambda i: i.pop("properties"))
    assert next(read_issues(path)).channel.value == "web_form"
    assert next(read_issues(path, channel="phone")).channel.value == "phone"


def test_a_licensed_user_who_reported_the_issue_writes_as_its_customer(tmp_path: Path) -> None:
    employee = {"accountId": "5b10-emp", "accountType": "atlassian"}

    def raised_by_employee(issue: dict[str, Any]) -> None:
        issue["fields"]["reporter"] = issue["fields"]["creator"] = employee
        issue["fields"]["comment"]["comments"].append(
            {"author": employee, "created": "2024-06-10T11:00:00.000+0100", "jsdPublic": True}
        )
        issue["fields"]["comment"]["total"] = 2

    [ticket] = read_issues(_one_issue(tmp_path, raised_by_employee))
    authors = [e.author for e in ticket.events if isinstance(e, Message)]
    assert authors == [Role.CUSTOMER, Role.AGENT, Role.CUSTOMER]
    assert ticket.opened_by is Role.CUSTOMER


def test_an_unknown_account_type_names_the_field(tmp_path: Path) -> None:
    path = _one_issue(tmp_path, lambda i: i["fields"]["creator"].update(accountType="robot"))
    with pytest.raises(RecordError) as caught:
        list(read_issues(path))
    assert caught.value.field == "fields.creator.accountType"


def test_the_log_does_not_depend_on_the_order_the_api_listed_things_in(tmp_path: Path) -> None:
    page = json.loads((EXPORT / "page-1.json").read_text(encoding="utf-8"))
    for issue in page["issues"]:
        issue["fields"]["comment"]["comments"].reverse()
        issue["changelog"]["histories"].reverse()  # the changelog endpoint lists newest first
    (tmp_path / "reversed.json").write_text(json.dumps(page), encoding="utf-8")
    assert list(read_issues(tmp_path / "reversed.json")) == list(
        read_issues(EXPORT / "page-1.json")
    )


def test_request_feedback_saved_beside_the_issue_is_its_satisfaction(tmp_path: Path) -> None:
    def rated(issue: dict[str, Any]) -> None:
        issue["feedback"] = {"type": "csat", "rating": 2, "comment": {"body": "slow"}}
        issue["fields"]["resolutiondate"] = "2024-06-10T14:00:00.000+0100"

    [ticket] = read_issues(_one_issue(tmp_path, rated))
    [rating] = [e for e in ticket.events if isinstance(e, SatisfactionResponse)]
    assert (rating.score, rating.at.isoformat()) == (2, "2024-06-10T14:00:00+01:00")


def test_a_rating_outside_one_to_five_names_the_field(tmp_path: Path) -> None:
    path = _one_issue(tmp_path, lambda i: i.update(feedback={"type": "csat", "rating": 9}))
    with pytest.raises(RecordError, match="from 1 to 5") as caught:
        list(read_issues(path))
    assert caught.value.field == "feedback.rating"
