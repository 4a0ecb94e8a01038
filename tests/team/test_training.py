"""Training records and plans derived from skill gaps and KPI gaps."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pendulum
import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.kpi import KpiName
from servicemodel.team import (
    Agent,
    KpiGap,
    NeedSource,
    SkillProfile,
    SkillRequirement,
    TrainingProgress,
    TrainingRecord,
    plan_training,
)

AS_OF = pendulum.datetime(2024, 6, 3, 9, tz="Europe/London")
BO = Agent(id="A-2", name="Bo", team="support", hired_on=dt.date(2024, 2, 1), skills={"empathy": 2})
ROLE = SkillProfile(
    role="tier1",
    requirements=[SkillRequirement("empathy", 3), SkillRequirement("product:router", 2)],
)


def test_training_plan_from_a_kpi_gap_low_fcr_on_a_product() -> None:
    gap = KpiGap(
        metric="fcr", scope="product:router", actual=0.55, target=0.70, topic="product:router"
    )
    plan = plan_training(BO, kpi_gaps=[gap], as_of=AS_OF)
    (need,) = plan.needs
    assert need.topic == "product:router"
    assert need.source is NeedSource.KPI_GAP
    assert need.due == AS_OF.add(days=14)
    assert "fcr on product:router is 11/20 against a target of 7/10" in need.reason


def test_a_kpi_that_meets_its_target_adds_no_training() -> None:
    met = KpiGap(metric="csat", actual=Fraction(9, 10), target=Fraction(85, 100), topic="tone")
    slow = KpiGap(
        metric="first_reply_time", actual=1200, target=1800, direction="lower", topic="triage"
    )
    assert plan_training(BO, kpi_gaps=[met, slow], as_of=AS_OF).needs == ()


def test_lower_is_better_kpi_above_target_is_a_gap() -> None:
    slow = KpiGap(
        metric="first_reply_time", actual=2700, target=1800, direction="lower", topic="triage"
    )
    assert plan_training(BO, kpi_gaps=[slow], as_of=AS_OF).topics() == ("triage",)


def test_skill_gaps_become_needs_due_after_the_skill_lead_time() -> None:
    plan = plan_training(BO, profile=ROLE, as_of=AS_OF, skill_within=pendulum.duration(days=10))
    assert [(n.topic, n.source) for n in plan.needs] == [
        ("product:router", NeedSource.MISSING_SKILL),
        ("empathy", NeedSource.SKILL_BELOW_LEVEL),
    ]
    assert {n.due for n in plan.needs} == {AS_OF.add(days=10)}


def test_a_topic_needed_for_a_skill_and_a_kpi_appears_once_with_the_earlier_due_date() -> None:
    gap = KpiGap(metric="fcr", actual=0.5, target=0.7, topic="product:router")
    plan = plan_training(BO, profile=ROLE, kpi_gaps=[gap], as_of=AS_OF)
    assert plan.topics() == ("product:router", "empathy")
    first = plan.needs[0]
    assert first.due == AS_OF.add(days=14)
    assert "not held" in first.reason
    assert "fcr" in first.reason


def test_larger_relative_kpi_shortfall_comes_first() -> None:
    small = KpiGap(metric="csat", actual=0.8, target=0.85, topic="tone")
    large = KpiGap(metric="fcr", actual=0.4, target=0.7, topic="router")
    assert plan_training(BO, kpi_gaps=[small, large], as_of=AS_OF).topics() == ("router", "tone")


def test_progress_counts_only_passing_records_of_this_agent_after_the_plan() -> None:
    gaps = [
        KpiGap(metric="fcr", actual=0.4, target=0.7, topic="router"),
        KpiGap(metric="csat", actual=0.7, target=0.85, topic="tone"),
        KpiGap(metric="aht", actual=20, target=10, direction="lower", topic="tools"),
    ]
    plan = plan_training(BO, kpi_gaps=gaps, as_of=AS_OF)
    records = [
        TrainingRecord(agent_id="A-2", topic="router", completed_at=AS_OF.add(days=3), score=90),
        TrainingRecord(agent_id="A-2", topic="tone", completed_at=AS_OF.add(days=3), score=60),
        TrainingRecord(agent_id="A-9", topic="tools", completed_at=AS_OF.add(days=3), score=95),
        TrainingRecord(
            agent_id="A-2", topic="tools", completed_at=AS_OF.subtract(days=1), score=95
        ),
    ]
    states = {n.topic: p for n, p in plan.progress(records, as_of=AS_OF.add(days=20))}
    assert states == {
        "router": TrainingProgress.DONE,
        "tone": TrainingProgress.OVERDUE,
        "tools": TrainingProgress.OVERDUE,
    }
    early = {n.topic: p for n, p in plan.progress(records, as_of=AS_OF.add(days=1))}
    assert early["router"] is TrainingProgress.OPEN


def test_training_record_score_is_a_percentage() -> None:
    with pytest.raises(ValidationError, match="'score' must be an integer from 0 to 100"):
        TrainingRecord(agent_id="A", topic="t", completed_at=AS_OF, score=101)


def test_plan_refuses_naive_as_of_and_zero_lead_time() -> None:
    with pytest.raises(ValidationError, match="'as_of' must be timezone-aware"):
        plan_training(BO, as_of=dt.datetime(2024, 6, 3))
    with pytest.raises(ValidationError, match="'kpi_within' must be positive"):
        plan_training(BO, as_of=AS_OF, kpi_within=dt.timedelta(0))


def test_a_misspelt_kpi_gap_metric_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(
        ValidationError, match=r"'metric' must be one of 'csat', .*\(got 'frt_minutes'\)"
    ):
        KpiGap(metric="frt_minutes", actual=50, target=30, topic="triage")
    assert KpiGap(metric="fcr", actual=0.5, target=0.7, topic="t").metric is KpiName.FCR
