"""Imports that agree over time: an earlier import refreshed by a later export is the full import.

Zendesk-shaped tables are generated as a history of rows in time (tickets with
their comments, status and priority changes, chat conversations, deletions,
and an agent whose role is taken away, with or without an instance label); a
cut instant splits them into what an export at the cut held (every row up to
it, each ticket row as it stood then) and a later export
of every ticket changed since, whole. Importing the earlier export and
refreshing it with the later one gives the same interactions as one import
of the full export.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import pathlib
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel import Interaction, Role
from servicemodel.exceptions import ValidationError
from servicemodel.io import ErrorReport
from servicemodel.io.zendesk import count_tickets, read_api, read_tables, refresh

START = dt.datetime(2025, 6, 2, 8, 0)  # a Monday, UTC
AGENTS = ("1", "2")
CUSTOMERS = ("10", "11", "12")
TICKET_COLUMNS = ["id", "created_at", "requester_id", "submitter_id", "status", "priority"]
TICKET_COLUMNS += ["type", "via_channel", "_fivetran_deleted"]


@dataclass
class Ticket:
    id: str
    created: int  # minutes after START
    requester: str
    channel: str
    comments: list[tuple[int, str, bool]] = field(default_factory=list)  # (at, user, public)
    history: list[tuple[int, str, str]] = field(default_factory=list)  # (at, field, value)
    chat: list[tuple[int, str, str]] = field(default_factory=list)  # (at, event type, actor)
    deleted: int | None = None  # when the ticket was deleted (status 'deleted')

    def times(self) -> list[int]:
        found = [self.created, *(c[0] for c in self.comments), *(h[0] for h in self.history)]
        found += [event[0] for event in self.chat]
        return found if self.deleted is None else [*found, self.deleted]


@dataclass
class Export:
    tickets: list[Ticket]
    alice_leaves: int | None  # minutes after START when user 1 stops being an agent


def at(minutes: int) -> str:
    return (START + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


@st.composite
def tickets(draw: st.DrawFn, number: int) -> Ticket:
    created = draw(st.integers(0, 3000))
    requester = draw(st.sampled_from(CUSTOMERS))
    ticket = Ticket(
        id=str(100 + number),
        created=created,
        requester=requester,
        channel=draw(st.sampled_from(["email", "web", "chat"])),
    )
    ticket.comments.append((created, requester, True))
    ticket.history.append((created, "status", "new"))
    ticket.history.append((created, "priority", draw(st.sampled_from(["low", "normal", "high"]))))
    steps = draw(st.lists(st.integers(1, 600), max_size=6))
    now = created
    for gap in steps:
        now += gap
        kind = draw(st.sampled_from(["reply", "customer", "note", "status", "priority", "chat"]))
        if kind == "chat" and ticket.channel == "chat":  # the conversation of a chat ticket
            actor = draw(st.sampled_from(["agent:1", "agent:2", "__trigger", requester]))
            event = draw(st.sampled_from(["ChatMessage", "ChatMessage", "ChatJoin"]))
            ticket.chat.append((now, event, actor))
        elif kind == "reply":
            ticket.comments.append((now, draw(st.sampled_from(AGENTS)), True))
        elif kind == "customer":
            ticket.comments.append((now, requester, True))
        elif kind == "note":
            ticket.comments.append((now, draw(st.sampled_from(AGENTS)), False))
        elif kind == "status":
            status = draw(st.sampled_from(["open", "pending", "hold", "solved"]))
            ticket.history.append((now, "status", status))
        else:
            ticket.history.append((now, "priority", draw(st.sampled_from(["normal", "urgent"]))))
    if draw(st.booleans()) and draw(st.booleans()):
        ticket.deleted = now + draw(st.integers(1, 600))
    return ticket


@st.composite
def exports(draw: st.DrawFn) -> Export:
    count = draw(st.integers(1, 6))
    made = [draw(tickets(n)) for n in range(count)]
    leaves = draw(st.one_of(st.none(), st.integers(0, 6000)))
    return Export(made, leaves)


def write(path: pathlib.Path, header: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)


def last(history: list[tuple[int, str, str]], name: str, until: float) -> str:
    values = [value for when, field_, value in sorted(history) if field_ == name and when <= until]
    return values[-1] if values else ""


def write_export(
    folder: pathlib.Path, export: Export, chosen: list[Ticket], until: float, mark: bool
) -> None:
    """The tables an export at *until* holds for the *chosen* tickets (their rows up to then).

    *mark*: a deleted ticket is marked ``_fivetran_deleted`` rather than given status deleted.
    """
    folder.mkdir()
    rows: list[list[str]] = []
    for ticket in chosen:
        gone = ticket.deleted is not None and ticket.deleted <= until
        status = "deleted" if gone and not mark else last(ticket.history, "status", until)
        rows.append(
            [
                ticket.id,
                at(ticket.created),
                ticket.requester,
                ticket.requester,
                status,
                last(ticket.history, "priority", until),
                "question",
                ticket.channel,
                "true" if gone and mark else "false",
            ]
        )
    write(folder / "ticket.csv", TICKET_COLUMNS, rows)
    write(
        folder / "ticket_comment.csv",
        ["id", "ticket_id", "created", "public", "user_id"],
        (
            [f"{t.id}-{n}", t.id, at(when), "true" if public else "false", user]
            for t in chosen
            for n, (when, user, public) in enumerate(t.comments)
            if when <= until
        ),
    )
    write(
        folder / "ticket_field_history.csv",
        ["ticket_id", "field_name", "updated", "value"],
        (
            [t.id, name, at(when), value]
            for t in chosen
            for when, name, value in t.history
            if when <= until
        ),
    )
    write(
        folder / "ticket_chat.csv",
        ["chat_id", "ticket_id", "channel"],
        ([f"chat-{t.id}", t.id, "native_messaging"] for t in chosen if t.chat),
    )
    write(
        folder / "ticket_chat_event.csv",
        ["chat_id", "created_at", "type", "actor_id"],
        (
            [f"chat-{t.id}", at(when), event, actor]
            for t in chosen
            for when, event, actor in t.chat
            if when <= until
        ),
    )
    left = export.alice_leaves is not None and export.alice_leaves <= until
    write(
        folder / "user.csv",
        ["id", "role"],
        [["1", "end-user" if left else "agent"], ["2", "admin"]]
        + [[c, "end-user"] for c in CUSTOMERS],
    )
    write(
        folder / "audit_log.csv",
        ["id", "source_type", "source_id", "created_at", "change_description"],
        [["1", "user", "1", at(export.alice_leaves), "Support role changed from Staff to not set"]]
        if left and export.alice_leaves is not None
        else [],
    )
    write(
        folder / "schedule.csv",
        ["id", "start_time", "end_time", "time_zone", "created_at"],
        [["100", str(day * 1440 + 540), str(day * 1440 + 1020), "London", at(0)] for day in (1, 2)],
    )


def imported(items: Iterable[Interaction]) -> dict[str, Interaction]:
    found: dict[str, Interaction] = {}
    for item in items:
        assert item.id not in found  # every ticket once
        found[item.id] = item
    return found


@settings(max_examples=40, deadline=None)
@given(exports(), st.integers(-100, 10_000), st.sampled_from([None, "eu"]), st.booleans())
def test_an_earlier_import_refreshed_by_a_later_export_is_the_full_import(
    export: Export, cut: int, instance: str | None, mark: bool
) -> None:
    end = float("inf")
    with tempfile.TemporaryDirectory() as directory:
        root = pathlib.Path(directory)
        write_export(root / "full", export, export.tickets, end, mark)
        earlier = [t for t in export.tickets if t.created <= cut]
        write_export(root / "earlier", export, earlier, cut, mark)
        changed = [t for t in export.tickets if max(t.times()) > cut]
        write_export(root / "later", export, changed, end, mark)
        full = imported(read_tables(root / "full", instance=instance))
        first = read_tables(root / "earlier", instance=instance)
        refreshed = imported(refresh(first, root / "later", instance=instance))
    assert refreshed == full


def test_the_refresh_keeps_an_agents_replies_after_they_left_and_other_instances(
    tmp_path: pathlib.Path,
) -> None:
    """Alice replied, then left (an end-user today): her reply stays an agent's reply."""
    ticket = Ticket(id="7", created=0, requester="10", channel="email")
    ticket.comments += [(0, "10", True), (30, "1", True)]
    ticket.history += [(0, "status", "new"), (0, "priority", "normal"), (30, "status", "open")]
    later_ticket = Ticket(id="8", created=500, requester="11", channel="web")
    later_ticket.comments.append((500, "11", True))
    later_ticket.history.append((500, "status", "new"))
    export = Export([ticket, later_ticket], alice_leaves=400)
    write_export(tmp_path / "earlier", export, [ticket], 100, False)
    write_export(tmp_path / "later", export, [later_ticket], 1000, False)
    us = list(read_tables(tmp_path / "earlier", instance="us"))
    eu = list(read_tables(tmp_path / "earlier", instance="eu"))
    together = imported(refresh([*us, *eu], tmp_path / "later", instance="eu"))
    assert sorted(together) == ["eu:7", "eu:8", "us:7"]
    assert together["eu:7"].messages()[1].author is Role.AGENT
    assert together["eu:8"].attribute("instance") == "eu"
    refreshed_alone = imported(read_tables(tmp_path / "later", instance="eu"))
    assert refreshed_alone["eu:8"] == together["eu:8"]


def test_a_refresh_checks_its_arguments_and_collects_bad_tickets(tmp_path: pathlib.Path) -> None:
    ticket = Ticket(id="7", created=0, requester="10", channel="email")
    ticket.history.append((0, "status", "new"))
    export = Export([ticket], None)
    write_export(tmp_path / "later", export, [ticket], 10, False)
    with pytest.raises(ValidationError, match="'later' must hold a Zendesk export"):
        refresh([], tmp_path)
    with pytest.raises(ValidationError, match="'folder'"):
        refresh([], tmp_path / "missing")
    with pytest.raises(ValidationError, match="'earlier' must be an iterable"):
        refresh(3, tmp_path / "later")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"'earlier\[0\]' must be an Interaction"):
        list(refresh(["7"], tmp_path / "later"))  # type: ignore[list-item]
    comments = tmp_path / "later" / "ticket_comment.csv"
    comments.write_text(comments.read_text() + "x,7,2025-06-02 08:00:00,true,99\n")
    report = ErrorReport()
    assert list(refresh([], tmp_path / "later", on_error=report)) == []
    assert len(report) == 1


def test_api_pages_refresh_an_earlier_import_as_the_full_export_reads(
    tmp_path: pathlib.Path,
) -> None:
    """Page 2 of the fixture's incremental export holds ticket 101 again and the deleted 117."""
    api = pathlib.Path(__file__).parents[1] / "fixtures" / "zendesk" / "api"
    earlier, later = tmp_path / "earlier", tmp_path / "later"
    page_2 = shutil.ignore_patterns("tickets_2.json", "audits_111*.json", "audits_116.json")
    shutil.copytree(api, earlier, ignore=page_2)  # and the audits of its tickets
    shutil.copytree(api, later, ignore=shutil.ignore_patterns("tickets_1.json"))
    users = {  # a later export names every user its tickets need
        user["id"]: user
        for page in ("tickets_1.json", "tickets_2.json")
        for user in json.loads((api / page).read_text())["users"]
    }
    (later / "users.json").write_text(json.dumps({"users": list(users.values())}))
    full = imported(read_api(api))
    first = imported(read_api(earlier))
    assert sorted(first) == ["101", "104", "109"]
    refreshed = imported(refresh(first.values(), later))
    assert refreshed == full
    assert "117" not in refreshed  # deleted
    assert count_tickets(api) == 8  # 101 once, 117 (deleted) too
