"""io.freshdesk.read_policies: SLA policies and business hours to a PolicySet and calendars."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pendulum
import pytest

from servicemodel.exceptions import PolicyDocumentError, Problem, ValidationError
from servicemodel.io.freshdesk import BusinessDay, read_policies

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "freshdesk"


def _hours(policies: object, name: str, priority: str) -> list[tuple[str, float, bool]]:
    policy = next(p for p in policies.policies if p.name == name)  # type: ignore[attr-defined]
    targets = {p.value: each for p, each in policy.targets}[priority]
    return [(t.metric.value, t.within.in_hours(), t.calendar is not None) for t in targets]


def test_policies_keep_freshdesks_order_default_last_and_leave_out_inactive_ones() -> None:
    policies, calendars = read_policies(FIXTURES)
    assert [p.name for p in policies.policies] == ["VIP", "Phone", "Default SLA Policy"]
    assert sorted(calendars) == ["1", "2"]
    assert policies.schedule == "1"


def test_a_day_is_24_business_hours_by_default_and_a_working_day_on_request() -> None:
    policies, _ = read_policies(FIXTURES)
    assert _hours(policies, "Default SLA Policy", "high") == [
        ("first_reply", 4, True),
        ("resolution", 24, True),
    ]
    legacy, _ = read_policies(FIXTURES, business_day=BusinessDay.WORKING_DAY)
    assert _hours(legacy, "Default SLA Policy", "high") == [
        ("first_reply", 4, True),
        ("resolution", 8, True),
    ]
    assert _hours(legacy, "Default SLA Policy", "low") == [
        ("first_reply", 8, True),
        ("resolution", 24, True),
    ]


def test_calendar_hours_targets_count_every_hour_and_every_target_pauses_off_timer() -> None:
    policies, _ = read_policies(FIXTURES)
    assert _hours(policies, "Phone", "urgent") == [
        ("first_reply", 1, False),
        ("resolution", 4, False),
    ]
    phone = next(p for p in policies.policies if p.name == "Phone")
    urgent = {p.value: each for p, each in phone.targets}["urgent"]
    paused = {s.value for t in urgent for s in t.pausing_statuses()}
    assert paused == {"pending", "on_hold"}


def test_conditions_test_the_attributes_the_importer_keeps() -> None:
    policies, _ = read_policies(FIXTURES, instance="us")
    vip, phone, default = policies.policies
    assert [vip.name, phone.name] == ["us:VIP", "us:Phone"]
    assert "attributes.company_id" in repr(vip.condition)
    assert "'500'" in repr(vip.condition)
    assert "attributes.source" in repr(phone.condition)
    assert default.condition.terms == ()


def test_business_hours_are_calendars_in_the_iana_zone_with_holidays() -> None:
    _, calendars = read_policies(FIXTURES)
    new_york, london = calendars["1"], calendars["2"]
    assert str(new_york.timezone) == "America/New_York"
    assert str(london.timezone) == "Europe/London"
    assert dt.date(2026, 11, 26) in new_york.holidays
    friday = pendulum.datetime(2026, 11, 27, 21, 0, tz="UTC")  # 16:00 in New York
    assert new_york.add(friday, pendulum.duration(hours=2)).in_tz("UTC") == pendulum.datetime(
        2026, 11, 30, 15, tz="UTC"
    )


def test_what_servicemodel_cannot_express_is_a_problem_with_its_path(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(FIXTURES, folder)
    policies = json.loads((folder / "sla_policies.json").read_text())
    policies[0]["applicable_to"]["contact_segments"] = [7]
    hours = json.loads((folder / "business_hours.json").read_text())
    hours[1]["time_zone"] = "Atlantis"
    hours[0]["business_hours"]["monday"]["start_time"] = "9 o'clock"
    (folder / "sla_policies.json").write_text(json.dumps(policies))
    (folder / "business_hours.json").write_text(json.dumps(hours))
    with pytest.raises(PolicyDocumentError) as caught:
        read_policies(folder)
    paths = sorted(problem.path for problem in caught.value.problems)
    assert paths == [
        "business_hours.json line 1.business_hours.monday.start_time",
        "business_hours.json line 1.time_zone",
        "sla_policies.json line 1.applicable_to.contact_segments",
        "sla_policies.json line 1.sla_target",
        "sla_policies.json line 1.sla_target",
    ]
    found: list[Problem] = []
    kept, _ = read_policies(folder, on_problem=found)
    assert found
    assert [p.name for p in kept.policies] == ["Phone"]


def test_working_days_need_one_day_length(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(FIXTURES, folder)
    hours = json.loads((folder / "business_hours.json").read_text())
    hours[1]["business_hours"]["friday"]["end_time"] = "01:00:00 pm"
    (folder / "business_hours.json").write_text(json.dumps(hours))
    assert len(read_policies(folder)[0].policies) == 3
    with pytest.raises(PolicyDocumentError, match="working days of one length"):
        read_policies(folder, business_day=BusinessDay.WORKING_DAY)


def test_wrong_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="'business_day' must be a BusinessDay"):
        read_policies(FIXTURES, business_day="hours_24")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'folder' must be a folder"):
        read_policies(tmp_path / "missing")
