"""Zendesk SLA policies and schedules become a PolicySet and business calendars."""

from __future__ import annotations

import json
import pathlib
import shutil

import pendulum
import pytest

from servicemodel.exceptions import PolicyDocumentError, Problem
from servicemodel.interactions import Priority
from servicemodel.io.zendesk import read_api, read_policies, read_tables
from servicemodel.sla import SCHEDULE, Metric, Profile, dump_policies, evaluate, load_policies
from zendesk_demo import SEEDS

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures" / "zendesk"
NY = "America/New_York"


def test_a_schedule_is_a_weekly_calendar_in_its_iana_zone_with_its_holidays() -> None:
    problems: list[Problem] = []
    _policies, calendars = read_policies(FIXTURES / "tables", on_problem=problems)
    ny = calendars["100"]
    friday = pendulum.datetime(2025, 6, 6, 16, 30, tz=NY)
    assert ny.add(friday, pendulum.duration(hours=1)) == pendulum.datetime(2025, 6, 9, 9, 30, tz=NY)
    assert not ny.is_open(pendulum.datetime(2025, 7, 4, 12, tz=NY))  # Independence Day
    assert not ny.is_open(pendulum.datetime(2025, 12, 25, 12, tz=NY))  # inside a 3-day holiday
    london = calendars["200"]
    assert london.is_open(pendulum.datetime(2025, 6, 16, 8, 30, tz="Europe/London"))


def test_both_shapes_give_the_same_calendars() -> None:
    _p, from_tables = read_policies(FIXTURES / "tables", on_problem=[])
    _p, from_api = read_policies(FIXTURES / "api")
    assert from_tables == from_api


def test_the_latest_policy_metric_history_gives_the_targets_on_the_tickets_schedule() -> None:
    policies, _calendars = read_policies(FIXTURES / "tables")
    names = [p.name for p in policies.policies]
    assert names[:2] == ["policy 1001", "policy 1002"]
    target = policies.policies[0].target(Priority.URGENT, Metric.FIRST_REPLY)
    assert target is not None
    assert target.within == pendulum.duration(minutes=45)  # the 2020-06-01 version
    assert target.calendar == SCHEDULE  # business hours: the ticket's schedule,
    assert policies.schedule == "100"  # the default (earliest) one until it is moved


def test_medium_is_normal_and_a_normal_row_beside_it_wins_whatever_the_order(
    tmp_path: pathlib.Path,
) -> None:
    policies, _calendars = read_policies(FIXTURES / "tables")
    calendar_sla = policies.policies[1]
    # policy 1002 gives both 'normal' (960, 1920) and the seeds' 'medium' (720, 1440)
    for metric, minutes in ((Metric.FIRST_REPLY, 960), (Metric.REQUESTER_WAIT, 1920)):
        target = calendar_sla.target(Priority.NORMAL, metric)
        assert target is not None
        assert target.within == pendulum.duration(minutes=minutes)
        assert target.calendar is None
    lines = (FIXTURES / "tables" / "sla_policy_metric_history.csv").read_text().splitlines()
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "schedule.csv").write_text((FIXTURES / "tables" / "schedule.csv").read_text())
    header, *rows = lines
    only_medium = [row for row in rows if not row.startswith("1002,2,")]
    (folder / "sla_policy_metric_history.csv").write_text(
        "\n".join([header, *reversed(only_medium)])
    )
    reordered, _calendars = read_policies(folder)
    target = reordered.policies[1].target(Priority.NORMAL, Metric.FIRST_REPLY)
    assert target is not None
    assert target.within == pendulum.duration(minutes=720)  # medium alone is normal's
    (folder / "sla_policy_metric_history.csv").write_text("\n".join([header, *reversed(rows)]))
    assert read_policies(folder)[0].policies[:2] == policies.policies[:2]


def test_a_priority_zendesk_does_not_have_is_refused_by_row(tmp_path: pathlib.Path) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "sla_policy_metric_history.csv").write_text(
        "sla_policy_id,index,sla_policy_updated_at,business_hours,metric,priority,target\n"
        "7,0,2020-01-01 00:00:00,false,first_reply_time,critical,60\n"
    )
    with pytest.raises(PolicyDocumentError) as caught:
        read_policies(folder)
    [problem] = caught.value.problems
    assert problem.path == "sla_policy_metric_history.csv line 2.priority"
    assert "'critical'" in problem.message


def test_the_policies_tickets_were_applied_by_title_exist_and_match_by_no_condition() -> None:
    policies, _calendars = read_policies(SEEDS)
    applied = [p for p in policies.policies if not p.name.startswith("policy ")]
    assert [p.name for p in applied] == ["Calendar SLA", "Standard SLA", "Urgent SLA"]
    tickets = {i.id: i for i in read_tables(SEEDS)}
    assert policies.policy_for(tickets["101"]) is None  # no condition: only as applied
    vendor = Profile.dbt_zendesk().apply(policies)
    assert evaluate(tickets["101"], vendor, as_of=tickets["101"].created_at).policy == (
        "Standard SLA"
    )
    eu, _calendars = read_policies(SEEDS, instance="eu")
    assert "eu:Standard SLA" in [p.name for p in eu.policies]


def test_api_policies_keep_zendesk_order_conditions_and_hours() -> None:
    policies, _calendars = read_policies(FIXTURES / "api")
    assert [p.name for p in policies.policies] == ["Urgent SLA", "Standard SLA", "Calendar SLA"]
    standard = policies.policies[1]
    pausable = standard.target(Priority.LOW, Metric.PERIODIC_UPDATE)
    assert pausable is not None
    assert pausable.calendar is None
    assert {s.value for s in pausable.pausing_statuses()} == {"pending"}
    assert load_policies(dump_policies(policies)) == policies  # a document other services read


def test_api_policies_pick_the_seed_tickets_like_zendesk_did() -> None:
    policies, _calendars = read_policies(FIXTURES / "api")
    tickets = {i.id: i for i in read_tables(FIXTURES / "tables")}
    assert policies.policy_for(tickets["101"]).name == "Standard SLA"  # type: ignore[union-attr]
    assert policies.policy_for(tickets["111"]).name == "Urgent SLA"  # type: ignore[union-attr]
    at_creation = tickets["111"].created_at
    assert policies.policy_for(tickets["111"], at=at_creation).name == "Standard SLA"  # type: ignore[union-attr]


def _with_policy(tmp_path: pathlib.Path, policy: dict[str, object]) -> pathlib.Path:
    folder = tmp_path / "api"
    shutil.copytree(FIXTURES / "api", folder)
    (folder / "sla_policies.json").write_text(json.dumps({"sla_policies": [policy]}))
    return folder


def test_a_condition_servicemodel_cannot_express_is_refused_by_name_with_its_path(
    tmp_path: pathlib.Path,
) -> None:
    silver = {  # the documented example of GET /api/v2/slas/policies
        "id": 25,
        "title": "Silver Plan",
        "description": "Organizations: Silver Plan",
        "position": 3,
        "filter": {
            "all": [
                {"field": "type", "operator": "is", "value": "incident"},
                {"field": "via_id", "operator": "is", "value": "4"},
                {"field": "custom_status_id", "operator": "includes", "value": ["1", "2"]},
            ],
            "any": [],
        },
        "policy_metrics": [
            {
                "priority": "low",
                "metric": "first_reply_time",
                "target": 60,
                "business_hours": False,
            },
            {
                "priority": "urgent",
                "metric": "requester_wait_time",
                "target": 120,
                "target_in_seconds": 7200,
                "business_hours": True,
            },
        ],
    }
    folder = _with_policy(tmp_path, silver)
    with pytest.raises(PolicyDocumentError) as caught:
        read_policies(folder)
    [problem] = caught.value.problems
    assert problem.path == "sla_policies.json: sla_policies[0].filter.all[2]"
    assert "'custom_status_id'" in problem.message
    collected: list[Problem] = []
    policies, _calendars = read_policies(folder, on_problem=collected)
    assert collected == [problem]
    # left out; the titles the tickets were applied remain, as applied
    assert [p.name for p in policies.policies] == ["Calendar SLA", "Standard SLA", "Urgent SLA"]
    assert all(not p.targets for p in policies.policies)


def test_a_zone_zendesk_does_not_have_is_refused_with_its_schedule(tmp_path: pathlib.Path) -> None:
    folder = tmp_path / "api"
    shutil.copytree(FIXTURES / "api", folder)
    document = json.loads((folder / "schedules.json").read_text())
    document["schedules"][1]["time_zone"] = "Middle Earth"
    (folder / "schedules.json").write_text(json.dumps(document))
    with pytest.raises(PolicyDocumentError) as caught:
        read_policies(folder)
    assert [p.path for p in caught.value.problems] == ["schedules.json: schedules[1].time_zone"]


def test_a_policy_renamed_since_it_was_applied_is_a_policy_of_its_old_title(
    tmp_path: pathlib.Path,
) -> None:
    folder = tmp_path / "api"
    shutil.copytree(FIXTURES / "api", folder)
    document = json.loads((folder / "sla_policies.json").read_text())
    for policy in document["sla_policies"]:
        if policy["title"] == "Standard SLA":
            policy["title"] = "Standard SLA 2026"
    (folder / "sla_policies.json").write_text(json.dumps(document))
    policies, _calendars = read_policies(folder)
    names = [p.name for p in policies.policies]
    assert names == ["Urgent SLA", "Standard SLA 2026", "Calendar SLA", "Standard SLA"]
    vendor = Profile.zendesk().apply(policies)
    for ticket in read_api(folder):  # each counts under the policy Zendesk applied then
        evaluate(ticket, vendor, as_of=pendulum.datetime(2026, 12, 6))
    ticket = next(t for t in read_api(folder) if t.id == "101")
    assert evaluate(ticket, vendor, as_of=pendulum.datetime(2026, 12, 6)).policy == "Standard SLA"
