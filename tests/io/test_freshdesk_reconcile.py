"""Freshdesk's recorded SLA beside servicemodel's, and the CLI from export to assessment.

Every due time and escalation flag in tests/fixtures/freshdesk/tickets.json
was worked out by hand from the business hours and policies there, the way
Freshdesk counts (24 business hours a day, the timer off while pending or
waiting, resumed on reopen); the reconciliation checks servicemodel against it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pendulum
import pytest

from servicemodel.cli import main
from servicemodel.exceptions import RecordError, ValidationError
from servicemodel.io import read_interactions
from servicemodel.io.freshdesk import read_export, read_policies, read_recorded_sla
from servicemodel.sla import Profile, Reason, Reconciliation, evaluate, reconcile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "freshdesk"
MODEL = Path(__file__).resolve().parents[2] / "docs" / "examples" / "reactive.toml"
#: The instant the export was taken.
EXPORTED = pendulum.datetime(2027, 1, 1)
TICKETS = [str(n) for n in range(1001, 1023) if n != 1021]
#: Rows that do not agree, with the one rule behind their differences.
#: 1018 waits on the customer: Freshdesk shows the due time it had before the
#: timer stopped, servicemodel none while the clock is paused.
NAMED = {("1018", "resolution"): ("due_at", Reason.OPEN_CLOCK)}


def _outcome(
    as_of: pendulum.DateTime = EXPORTED, *, bots: tuple[str, ...] = ("9",)
) -> Reconciliation:
    profile = Profile.freshdesk()
    policies = profile.apply(read_policies(FIXTURES)[0])
    results = [evaluate(t, policies, as_of=as_of) for t in read_export(FIXTURES, bots=bots)]
    return reconcile(results, read_recorded_sla(FIXTURES), profile=profile)


def test_every_ticket_reconciles_agreeing_or_with_a_named_rule() -> None:
    outcome = _outcome()
    seen = {}
    for row in outcome.rows:
        key = (row.interaction_id, row.metric.value)
        named = NAMED.get(key)
        if named is None:
            assert row.verdict.value == "agree", (key, row.differences)
        else:
            assert row.verdict.value == "differ"
            assert [(d.field.value, d.reason) for d in row.differences] == [named]
        seen[key] = row.verdict.value
    assert sorted(seen) == sorted((t, m) for t in TICKETS for m in ("first_reply", "resolution"))


def test_a_breach_freshdesk_escalated_is_servicemodels_breach_too() -> None:
    rows = {(r.interaction_id, r.metric.value): r for r in _outcome().rows}
    breached = sorted(key for key, row in rows.items() if row.recorded and row.recorded.breached)
    assert breached == [
        ("1005", "resolution"),
        ("1007", "first_reply"),
        ("1015", "first_reply"),
        ("1017", "resolution"),
    ]
    assert all(getattr(rows[key].clock, "breached", False) for key in breached)


def test_a_bot_left_unnamed_answers_first_and_the_difference_is_unexplained() -> None:
    rows = _outcome(bots=()).unexplained()
    assert [(r.interaction_id, r.metric.value) for r in rows] == [("1006", "first_reply")]


def test_evaluated_after_the_export_an_open_clock_is_named() -> None:
    later = _outcome(pendulum.datetime(2027, 1, 8))
    row = next(
        r for r in later.rows if r.interaction_id == "1020" and r.metric.value == "resolution"
    )
    assert [(d.field.value, d.reason) for d in row.differences] == [("breached", Reason.OPEN_CLOCK)]


def test_recorded_rows_carry_the_tickets_figures() -> None:
    rows = [r for r in read_recorded_sla(FIXTURES, instance="us") if r.interaction_id == "us:1002"]
    assert [(r.metric.value, r.state(), str(r.due_at)) for r in rows] == [
        ("first_reply", "met", "2026-11-03 19:00:00+00:00"),
        ("resolution", "met", "2026-11-06 20:00:00+00:00"),
    ]
    assert str(rows[1].fulfilled_at) == "2026-11-04 20:00:00+00:00"


def test_a_bad_flag_in_the_tickets_names_file_record_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    tickets = json.loads((FIXTURES / "tickets.json").read_text())
    tickets[1]["fr_escalated"] = "yes"
    (folder / "tickets.json").write_text(json.dumps(tickets))
    with pytest.raises(RecordError) as caught:
        list(read_recorded_sla(folder))
    assert (caught.value.file, caught.value.record, caught.value.field) == (
        "tickets.json",
        "1002",
        "fr_escalated",
    )
    with pytest.raises(ValidationError, match=r"with tickets\.json"):
        read_recorded_sla(tmp_path / "nothing")


def test_cli_import_then_assess_then_reconcile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, policies = tmp_path / "tickets.jsonl", tmp_path / "policies.toml"
    argv = ["import", "freshdesk", str(FIXTURES), "-o", str(out), "--policies-out", str(policies)]
    assert main([*argv, "--bot", "9"]) == 0
    assert "imported 21 interactions" in capsys.readouterr().err
    assert list(read_interactions(out)) == list(read_export(FIXTURES, bots=["9"]))
    assert policies.read_text().count("[[policies]]") == 3
    as_of = "2027-01-01T00:00:00Z"
    assert main(["assess", str(MODEL), str(out), "--as-of", as_of, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["interactions"] == 21
    first_replies = [row for row in report["sla"] if row["metric"] == "first_reply"]
    assert sum(row["met"] + row["breached"] + row["pending"] for row in first_replies) == 21
    folder = str(FIXTURES)
    assert main(["reconcile", folder, "--recorded", folder, "--as-of", as_of, "--bot", "9"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(
        "reconciliation under profile freshdesk: 41 agree, 1 differ (0 unexplained)"
    )
    assert "1018       resolution" in text
    recorded = str(FIXTURES / "tickets.json")
    argv = ["reconcile", str(out), "--policies", str(policies), "--recorded", recorded]
    assert main([*argv, "--as-of", as_of]) == 0
    assert capsys.readouterr().out == text  # the files say what the export folder says


def test_cli_assess_reads_an_export_folder_with_its_own_policies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "model.json"
    model.write_text(json.dumps({"name": "Support", "type": "reactive", "channels": ["email"]}))
    argv = ["assess", str(model), str(FIXTURES), "--as-of", "2027-01-01T00:00:00Z"]
    assert main([*argv, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["interactions"] == 21
    breached = {
        (line["policy"], line["priority"], line["metric"]): line["breached"]
        for line in report["sla"]
        if line["breached"]
    }
    assert breached == {  # the four breaches Freshdesk escalated
        ("VIP", "urgent", "first_reply"): 1,
        ("Default SLA Policy", "urgent", "first_reply"): 1,
        ("Default SLA Policy", "low", "resolution"): 1,
        ("Default SLA Policy", "urgent", "resolution"): 1,
    }


def test_cli_import_stops_at_a_bad_ticket_and_skip_bad_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "export"
    shutil.copytree(FIXTURES, folder)
    tickets = json.loads((folder / "tickets.json").read_text())
    tickets[0]["source"] = 42
    (folder / "tickets.json").write_text(json.dumps(tickets, indent=1))
    out = tmp_path / "out.jsonl"
    assert main(["import", "freshdesk", str(folder), "-o", str(out)]) == 1
    assert "tickets.json line 2 (ticket 1001): 'source'" in capsys.readouterr().err
    assert not out.exists()
    assert main(["import", "freshdesk", str(folder), "-o", str(out), "--skip-bad"]) == 0
    assert len(list(read_interactions(out))) == 20
