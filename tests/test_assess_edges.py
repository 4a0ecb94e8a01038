"""The assessment by hand: goal scopes and notes, feedback KPIs, and how they are rendered."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pendulum
import pytest

from servicemodel import Interaction, Message
from servicemodel.feedback import CesResponse, Feedback, NpsResponse
from servicemodel.goals import Goal, GoalStatus, Scope
from servicemodel.interactions import Assignment
from servicemodel.model import Assessment, GoalReport, ServiceModel, assess

T = pendulum.datetime(2024, 3, 4, 9, tz="UTC")
AS_OF = T.add(days=3, hours=1)
SPAN: dict[str, Any] = {"start": T.subtract(days=1), "deadline": T.add(months=3)}
FASTER: dict[str, Any] = {"direction": "decrease", "baseline": 3600, "target": 600}


def ticket(number: int, group: str, reply_minutes: int, day: int = 0) -> Interaction:
    created = T.add(days=day)
    return Interaction(
        id=str(number),
        customer_id=f"C{number}",
        channel="email",
        created_at=created,
        events=[
            Assignment(at=created.add(minutes=1), group=group),
            Message(at=created.add(minutes=reply_minutes), author="agent"),
        ],
    )


# Day 0: billing replies in 10 and 30 minutes, returns in 60; day 2: returns in 70.
DATA = [ticket(1, "billing", 10), ticket(2, "billing", 30), ticket(3, "returns", 60)]
DATA.append(ticket(4, "returns", 70, day=2))
FEEDBACK: list[Feedback] = [
    NpsResponse(customer_id="C1", at=T.add(hours=1), score=10, channel="email"),
    NpsResponse(customer_id="C2", at=T.add(hours=2), score=3),  # no channel: overall only
    CesResponse(customer_id="C3", at=T.add(hours=3), score=2, channel="email"),
    NpsResponse(customer_id="C4", at=T.add(days=2, hours=2), score=9, channel="email"),
    CesResponse(customer_id="C4", at=T.add(days=2, hours=3), score=6, channel="email"),
    NpsResponse(customer_id="C5", at=AS_OF.add(minutes=1), score=0, channel="email"),  # too late
]
GOALS = [
    Goal(name="no metric", target=1),
    Goal(name="billing", metric="first_reply_time", scope=Scope(team="billing"), **FASTER, **SPAN),
    Goal(name="vip", metric="first_reply_time", scope=Scope(segment="vip"), **FASTER, **SPAN),
    Goal(
        name="sla", metric="sla_compliance", direction="increase", baseline=0.5, target=0.9, **SPAN
    ),
    Goal(
        name="later",
        metric="first_reply_time",
        start=T.add(days=10),
        deadline=T.add(months=3),
        **FASTER,
    ),
    Goal(name="mean", metric="first_reply_time", variant="mean", **FASTER, **SPAN),
    Goal(name="nps", metric="nps", direction="increase", baseline=0, target=50, **SPAN),
    Goal(
        name="ces",
        metric="ces",
        direction="increase",  # CES 2.0: higher is easier
        baseline=3,
        target=5,
        start=T.add(days=3),
        deadline=T.add(months=3),
    ),
]


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    model = ServiceModel(
        name="Desk", type="reactive", channels=["email"], feedback=["nps", "ces"], goals=GOALS
    )
    return assess(model, DATA, feedback=FEEDBACK, as_of=AS_OF, period="day")


def report(assessment: Assessment, name: str) -> GoalReport:
    return next(g for g in assessment.goals if g.goal.name == name)


def days_and_values(goal_report: GoalReport) -> list[tuple[int, Fraction]]:
    return [(o.at.day, o.value) for o in goal_report.observations]


def test_a_team_goal_is_measured_on_that_teams_interactions_only(assessment: Assessment) -> None:
    billing = report(assessment, "billing")
    assert days_and_values(billing) == [(4, Fraction(1200))]
    assert billing.progress is not None
    assert billing.progress.latest == 1200
    assert billing.progress.status is GoalStatus.ON_TRACK
    assert billing.note == ""


def test_a_mean_goal_reads_the_mean_not_the_median(assessment: Assessment) -> None:
    mean = report(assessment, "mean")
    # Day 0: (10 + 30 + 60) / 3 minutes = 2000 s; the median would be 1800 s.
    assert days_and_values(mean) == [(4, Fraction(2000)), (6, Fraction(4200))]


def test_a_segment_goal_is_measured_over_everyone_and_says_so(assessment: Assessment) -> None:
    vip = report(assessment, "vip")
    assert len(vip.observations) == 2
    assert vip.note == (
        "segment scope is measured over all customers (segments are not in the interaction data)"
    )


@pytest.mark.parametrize(
    ("name", "note"),
    [
        ("no metric", "no KPI named"),
        ("sla", "the KPI 'sla_compliance' is not computed from interactions in this assessment"),
        ("later", "the goal has not started"),
        ("ces", "no observation since the goal started"),
    ],
)
def test_a_goal_without_progress_says_why(assessment: Assessment, name: str, note: str) -> None:
    unmeasured = report(assessment, name)
    assert unmeasured.progress is None
    assert unmeasured.note == note


def test_feedback_counts_overall_and_by_channel_until_as_of(assessment: Assessment) -> None:
    nps = report(assessment, "nps")
    # Day 0: one promoter and one detractor overall; day 2: one promoter; the late 0 is left out.
    assert days_and_values(nps) == [(4, Fraction(0)), (6, Fraction(100))]
    assert nps.progress is not None
    assert nps.progress.status is GoalStatus.ACHIEVED
    email = assessment.to_json()["kpis_by_channel"]
    assert email[0]["kpis"]["nps"]["kind"] == "net"
    assert (email[0]["kpis"]["nps"]["value"], email[0]["kpis"]["nps"]["n"]) == (100.0, 1)
    assert email[1]["kpis"]["ces"] == {
        "kind": "mean",
        "value": 6.0,
        "n": 1,
        "low": 6.0,
        "high": 6.0,
    }


def test_the_text_report_shows_feedback_kpis_and_goal_notes(assessment: Assessment) -> None:
    text = assessment.to_text()
    assert (
        "  email         first_reply_time median 1h 10m (n=1), nps +100.0 (n=1), ces 6 (n=1)"
        in text.splitlines()
    )
    assert "     note: the goal has not started" in text.splitlines()
    assert any(
        line.startswith("     latest +100.0, expected on the line +2.2, projected at the deadline ")
        for line in text.splitlines()
    )


def test_a_goal_with_an_impossible_percentile_variant_has_no_observations() -> None:
    from servicemodel._assessment import value_of
    from servicemodel.kpi import first_reply_time

    stats = first_reply_time(DATA)
    assert value_of(stats, "mean") == Fraction(170 * 60, 4)
    assert value_of(stats, "p50") is not None
    assert value_of(stats, "p100") is None
    assert value_of(stats, "average") is None
    assert value_of("not a result", None) is None


def test_a_goal_on_requester_wait_counts_on_the_models_business_calendar() -> None:
    from servicemodel.model import load_model

    with open("docs/examples/reactive.toml", encoding="utf-8") as source:
        text = source.read()
    text = text.replace('metric = "fcr"', 'metric = "requester_wait_time"')
    text = text.replace('direction = "increase"', 'direction = "decrease"')
    text = text.replace("baseline = 0.6", "baseline = 7200").replace(
        "target = 0.75", "target = 3600"
    )
    model = load_model(text, format="toml")
    assert "requester_wait_time" in model.tracked_kpis()
    report = assess(model, DATA, as_of=AS_OF)
    definitions = {d["kpi"]: d for d in report.to_json()["definitions"]}
    assert definitions["requester_wait_time"]["clock"] == report.clock != ""
