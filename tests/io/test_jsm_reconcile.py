"""JSM's recorded SLA cycles beside servicemodel's clocks under the JSM profile."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pendulum
import pytest

from servicemodel.exceptions import RecordError, ValidationError
from servicemodel.io.jsm import read_recorded_sla, reconcile_issues
from servicemodel.sla import (
    BreachRule,
    Metric,
    PolicySet,
    Profile,
    ReconciledRow,
    ReopenRule,
    load_policies,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "jsm"
EXPORT = FIXTURES / "export"
#: When the fixture export was taken (ongoing cycles compare as of then).
EXPORTED = pendulum.datetime(2024, 12, 31, 12)

#: The outcome per issue, metric and cycle: "agree", or "differ" with the rule of each difference.
EXPECTED: dict[tuple[str, str, int], str] = {
    **{(f"HELP-{n}", "first_reply", 0): "agree" for n in range(1, 23)},
    **{(f"HELP-{n}", "resolution", 0): "agree" for n in range(1, 23)},
    ("HELP-3", "resolution", 1): "agree",  # the reopen's new cycle, with a fresh goal
    ("HELP-18", "resolution", 1): "agree",
    # JSM's field was read at 11:00, the export is at 12:00: the running clocks moved on.
    ("HELP-16", "first_reply", 0): "differ: elapsed=open_clock",
    ("HELP-16", "resolution", 0): "differ: elapsed=open_clock",
    # JSM's goal for Low is 24h; the supplied policy document says 40h.
    ("HELP-17", "resolution", 0): "differ: target=target, due_at=target",
}


def _outcome(row: ReconciledRow) -> str:
    if not row.differences:
        return row.verdict.value
    found = ", ".join(f"{d.field.value}={d.reason.value}" for d in row.differences)
    return f"{row.verdict.value}: {found}"


@pytest.fixture(scope="module")
def policies() -> PolicySet:
    return load_policies(FIXTURES / "policies.toml")


def test_every_issue_reconciles_per_metric_and_cycle_agreeing_or_with_a_named_rule(
    policies: PolicySet,
) -> None:
    outcome = reconcile_issues(EXPORT, policies=policies, as_of=EXPORTED)
    assert outcome.profile == "jsm"
    found = {(r.interaction_id, r.metric.value, r.cycle): _outcome(r) for r in outcome.rows}
    assert found == EXPECTED
    assert outcome.unexplained() == ()


def test_without_the_jsm_profile_reopens_and_kept_breaches_no_longer_match(
    policies: PolicySet,
) -> None:
    outcome = reconcile_issues(EXPORT, policies=policies, as_of=EXPORTED, profile=Profile.default())
    found = {(r.interaction_id, r.metric.value, r.cycle): r for r in outcome.rows}
    # Resumed on reopen: one resolution clock, so JSM's second cycle has no partner.
    assert found[("HELP-3", "resolution", 1)].verdict.value == "vendor_only"
    # Lowered to Low after the breach: measured under the new goal, the breach is gone.
    assert found[("HELP-22", "first_reply", 0)].verdict.value == "differ"
    assert outcome.unexplained() != ()


def test_the_jsm_profile_sets_cycles_per_reopen_and_breaches_as_a_record() -> None:
    profile = Profile.named("jsm")
    applied = profile.apply(PolicySet(policies=[]))
    assert (applied.on_reopen, applied.breaches) == (ReopenRule.NEW_CYCLE, BreachRule.RECORD)
    zendesk = Profile.zendesk().apply(applied)
    assert (zendesk.on_reopen, zendesk.breaches) == (ReopenRule.RESUME, BreachRule.AS_OF)


def test_reconciling_without_a_policy_document_says_what_is_missing() -> None:
    with pytest.raises(ValidationError, match="exposes no SLA goals") as caught:
        reconcile_issues(EXPORT, policies=None, as_of=EXPORTED)
    assert caught.value.field == "policies"


def test_cycles_become_recorded_rows_with_breach_deadline_and_elapsed_time() -> None:
    rows = {(r.interaction_id, r.metric, r.cycle): r for r in read_recorded_sla(EXPORT)}
    assert len(rows) == 46
    breached = rows[("HELP-7", Metric.FIRST_REPLY, 0)]
    assert (breached.state(), breached.breached_at, breached.due_at) == (
        "breached",
        pendulum.datetime(2024, 6, 10, 10),
        None,
    )
    ongoing = rows[("HELP-15", Metric.RESOLUTION, 0)]
    assert ongoing.state() == "active"
    assert (ongoing.fulfilled_at, ongoing.due_at) == (None, pendulum.datetime(2024, 12, 31, 17))
    assert ongoing.elapsed == pendulum.duration(hours=11)


def test_an_unknown_sla_is_named_and_can_be_mapped_or_left_out(tmp_path: Path) -> None:
    page = json.loads((EXPORT / "page-1.json").read_text(encoding="utf-8"))
    page["issues"][0]["fields"]["customfield_10030"]["name"] = "Time to triage"
    path = tmp_path / "issues.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        list(read_recorded_sla(path))
    assert (caught.value.record, caught.value.field) == ("HELP-1", "fields.customfield_10030.name")
    mapped = list(read_recorded_sla(path, metrics={"Time to triage": "first_reply"}))
    left_out = list(read_recorded_sla(path, metrics={"Time to triage": None}))
    assert len(mapped) == len(left_out) + 1


def test_the_first_matching_goal_wins_as_in_jsms_goal_order(policies: PolicySet) -> None:
    swapped = attrs.evolve(policies, policies=tuple(reversed(policies.policies)))
    outcome = reconcile_issues(EXPORT, policies=swapped, as_of=EXPORTED)
    found = {(r.interaction_id, r.metric.value, r.cycle): r for r in outcome.rows}
    # Standard (4h) now comes before VIP (1h): HELP-14's goal is no longer JSM's.
    row = found[("HELP-14", "first_reply", 0)]
    first = row.differences[0]
    assert (first.field.value, first.reason.value) == ("target", "target")
    assert row.clock is not None
    assert row.clock.policy == "Standard"
