"""``servicemodel reconcile``: interactions + policies + the vendor's recorded table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicemodel.cli import main
from servicemodel.io import write_interactions
from zendesk_demo import SLA_POLICIES, ticket_109, ticket_110

POLICIES = """\
[calendars.ny]
timezone = "America/New_York"
hours = { "mon-fri" = "09:00-17:00" }

[[policies]]
name = "Standard SLA"
when = { all = [{ field = "channel", equals = "email" }, { field = "kind", equals = "enquiry" }] }
calendar = "ny"
targets.normal = { first_reply = "60m", agent_work = "240m", requester_wait = "480m" }

[[policies]]
name = "Calendar SLA"
targets.normal = { first_reply = "240m", agent_work = "600m", requester_wait = "1440m" }
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    import attrs

    interactions = tmp_path / "tickets.jsonl"
    write_interactions([ticket_109(), attrs.evolve(ticket_110(), kind="request")], interactions)
    policies = tmp_path / "policies.toml"
    policies.write_text(POLICIES)
    recorded = tmp_path / "sla.csv"
    lines = SLA_POLICIES.read_text().splitlines()
    recorded.write_text(
        "\n".join([lines[0], *(line for line in lines[1:] if ",109," in line or ",110," in line)])
        + "\n"
    )
    return {"interactions": interactions, "policies": policies, "recorded": recorded}


def _args(files: dict[str, Path], *more: str) -> list[str]:
    return [
        "reconcile",
        str(files["interactions"]),
        "--policies",
        str(files["policies"]),
        "--recorded",
        str(files["recorded"]),
        "--as-of",
        "2026-12-06T02:45:00Z",
        *more,
    ]


def test_text_lists_each_difference_with_its_size_and_rule(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_args(files)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "reconciliation under profile dbt_zendesk: 4 agree, 2 differ (0 unexplained), "
        "0 recorded by the vendor only, 0 computed by servicemodel only"
    )
    assert out[1].split() == ["109", "requester_wait", "#0", "differ"]
    assert out[2] == (
        "    breached_at: vendor 2025-06-19T12:00:00Z, servicemodel 2025-06-18T20:00:00Z "
        "(-960 min) [peer_max_over_periods]"
    )
    assert out[3].split() == ["109", "agent_work", "#0", "differ"]
    assert out[4] == (
        "    breached_at: vendor 2025-06-19T13:30:00Z, servicemodel 2025-06-18T16:00:00Z "
        "(-1290 min) [peer_max_over_periods]"
    )
    assert out[5] == "reasons:"
    assert out[6].startswith("  peer_max_over_periods (2): the peer's breach time")


def test_json_output_for_machines_and_another_profile(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_args(files, "--format", "json", "--profile", "zendesk")) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["profile"] == "zendesk"
    assert record["counts"] == {"agree": 4, "differ": 2, "vendor_only": 0, "servicemodel_only": 0}
    assert record["reasons"] == {"unexplained": 2}
    assert {(r["interaction"], r["metric"]) for r in record["rows"]} == {
        ("109", "first_reply"),
        ("109", "agent_work"),
        ("109", "requester_wait"),
        ("110", "first_reply"),
        ("110", "agent_work"),
        ("110", "requester_wait"),
    }


def test_all_lists_agreeing_rows_too_and_output_goes_to_a_file(
    files: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "out.txt"
    assert main(_args(files, "--all", "--output", str(target))) == 0
    lines = target.read_text().splitlines()
    assert sum(line.endswith(" agree") for line in lines) == 4


def test_bad_recorded_rows_and_unknown_formats_are_refused(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files["recorded"].write_text(
        files["recorded"].read_text().replace("first_reply_time", "solve_time", 1)
    )
    assert main(_args(files)) == 1
    err = capsys.readouterr().err
    assert "line 3: 'metric' must be one of first_reply_time" in err
    assert "(got 'solve_time')" in err
    odd = tmp_path / "sla.txt"
    odd.write_text("")
    files["recorded"] = odd
    assert main(_args(files)) == 2
    assert "'--recorded-format' is needed" in capsys.readouterr().err
    files["recorded"] = tmp_path / "missing.csv"
    assert main(_args(files, "--recorded-format", "sla-policies")) == 3


def test_policies_are_needed_unless_the_file_is_an_export_folder(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(files)
    at = args.index("--policies")
    del args[at : at + 2]
    assert main(args) == 2
    assert "'--policies' is needed" in capsys.readouterr().err


def test_zendesks_own_metric_events_are_read_from_json_under_the_zendesk_profile(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def event(kind: str, at: str, **more: object) -> dict[str, object]:
        return {"ticket_id": 109, "metric": "reply_time", "instance_id": 1, "type": kind,
                "time": at, **more}  # fmt: skip

    sla = {"target": 60, "business_hours": True, "policy": {"title": "Standard SLA"}}
    page = {
        "ticket_metric_events": [
            event("activate", "2025-06-17T13:00:00Z"),
            event("apply_sla", "2025-06-17T13:00:00Z", sla=sla),
            event("breach", "2025-06-17T14:00:00Z"),
            event("fulfill", "2025-06-17T13:30:00Z"),
            event("update_status", "2025-06-17T13:30:00Z", status={"business": 30, "calendar": 30}),
        ]
    }
    events = tmp_path / "ticket_metric_events.json"
    events.write_text(json.dumps(page))
    files["recorded"] = events
    assert main(_args(files, "--format", "json")) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["profile"] == "zendesk"
    [row] = [r for r in record["rows"] if r["vendor"] is not None]
    assert (row["interaction"], row["metric"], row["verdict"]) == ("109", "first_reply", "agree")
    assert row["vendor"]["fulfilled_at"] == "2025-06-17T13:30:00Z"
    # servicemodel's other clocks, which the events did not record
    assert record["counts"]["servicemodel_only"] == 5
