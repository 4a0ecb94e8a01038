"""The end-to-end assessment: each part agrees with the library computed directly."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pendulum
import pytest

from servicemodel import Interaction, Message, Priority, SatisfactionResponse, StatusChange, samples
from servicemodel.exceptions import ValidationError
from servicemodel.feedback import CesResponse, Feedback, NpsResponse
from servicemodel.goals import Goal, GoalStatus, Scope
from servicemodel.interactions import Assignment
from servicemodel.kpi import KpiName, Rate, RepeatContactRate, csat
from servicemodel.model import Assessment, GoalReport, ServiceModel, assess, load_model
from servicemodel.sla import Metric, Outcome, evaluate

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
START = pendulum.datetime(2024, 1, 1, tz="Europe/London")
AS_OF = pendulum.datetime(2024, 1, 5, 12, tz="Europe/London")


@pytest.fixture(scope="module")
def hybrid() -> ServiceModel:
    return load_model(EXAMPLES / "hybrid.toml")


@pytest.fixture(scope="module")
def data() -> list[Interaction]:
    return list(samples.generate(2500, seed=11, start=START))


@pytest.fixture(scope="module")
def result(hybrid: ServiceModel, data: list[Interaction]) -> object:
    return assess(hybrid, data, as_of=AS_OF, period="day")


def included(data: list[Interaction]) -> list[Interaction]:
    return [i for i in data if i.created_at <= AS_OF]


def test_counts_only_interactions_created_by_as_of(result: object, data: list[Interaction]) -> None:
    assert result.interactions == len(included(data))  # type: ignore[attr-defined]
    assert result.interactions < len(data)  # type: ignore[attr-defined]


def test_sla_lines_agree_with_direct_evaluation(
    result: object, hybrid: ServiceModel, data: list[Interaction]
) -> None:
    assert hybrid.policies is not None
    expected: dict[tuple[str, Priority, Metric], list[int]] = {}
    for interaction in included(data):
        for o in evaluate(interaction, hybrid.policies, as_of=AS_OF).outcomes():
            counts = expected.setdefault((o.policy, o.priority, o.metric), [0, 0, 0])
            counts[[Outcome.MET, Outcome.BREACHED, Outcome.PENDING].index(o.outcome)] += 1
    got = {(s.policy, s.priority, s.metric): [s.met, s.breached, s.pending] for s in result.sla}  # type: ignore[attr-defined]
    assert got == expected
    assert sum(s.met + s.breached for s in result.sla) > 0  # type: ignore[attr-defined]


def test_overall_csat_agrees_with_the_kpi_function(result: object, data: list[Interaction]) -> None:
    rows = result.overall.rows  # type: ignore[attr-defined]
    total_k = sum(r.cell("csat").result.numerator for r in rows if not r.cell("csat").missing())
    total_n = sum(r.cell("csat").result.denominator for r in rows if not r.cell("csat").missing())
    ratings = [r for i in included(data) if (r := i.as_of(AS_OF).satisfaction()) is not None]
    direct = csat(ratings)
    assert Fraction(total_k, total_n) == direct.value


def test_complaint_themes_and_repeat_contacts(result: object, data: list[Interaction]) -> None:
    complaints = [i for i in included(data) if i.kind.value == "complaint"]
    assert result.complaints == len(complaints)  # type: ignore[attr-defined]
    theme, count = result.complaint_themes[0]  # type: ignore[attr-defined]
    # the sample model marks themes with the tag prefix "theme:" (not 'vip', not products)
    themes = {t for i in complaints for t in i.tags if t.startswith("theme:")}
    assert count == max(sum(1 for i in complaints if tag in i.tags) for tag in themes)
    assert theme in themes
    # one definition: the repeat_contact_rate KPI over the interactions assessed
    kpi = RepeatContactRate.empty()
    kpi.add_many(included(data))
    assert result.repeat_contact == kpi.result()  # type: ignore[attr-defined]
    # which counts a contact followed by another from the customer within 7 days
    by_customer: dict[str, list[pendulum.DateTime]] = {}
    for i in included(data):
        by_customer.setdefault(i.customer_id, []).append(i.created_at)
    followed = sum(
        any(0 < (later - t).total_seconds() <= 7 * 86400 for later in times)
        for times in by_customer.values()
        for t in times
    )
    assert result.repeat_contact.numerator == followed  # type: ignore[attr-defined]


def test_channel_shift_compares_the_last_two_periods(result: object) -> None:
    shifts = result.channel_shift  # type: ignore[attr-defined]
    assert shifts
    assert sum(s.latest.value for s in shifts) == 1
    assert sum(s.previous.value for s in shifts) == 1
    for s in shifts:
        assert s.change.value == s.latest.value - s.previous.value


def test_goals_are_checked_and_measured(result: object) -> None:
    reports = {g.goal.name: g for g in result.goals}  # type: ignore[attr-defined]
    replies = reports["Faster first replies"]
    for letter in "SMRT":
        assert replies.smart.letter(letter).holds
    attainable = replies.smart.letter("A")
    # judged against the observations too: any failure names the observed trend
    assert attainable.holds or "observed trend" in attainable.reasons[0]
    assert replies.progress is not None
    assert replies.observations
    assert replies.progress.status in set(GoalStatus)
    chat = reports["Happier chat customers"]
    assert chat.progress is not None  # measured on the chat rows only


def test_recognition_names_last_months_leaders(result: object) -> None:
    board = result.recognition  # type: ignore[attr-defined]
    assert board is not None
    # December has no data (the sample starts in January): January to date, said so.
    assert (board.month, result.recognition_month_to_date) == ("2024-01", True)  # type: ignore[attr-defined]
    later = assess(
        load_model(EXAMPLES / "hybrid.toml"),
        samples.generate(3000, seed=11, start=START),
        as_of=pendulum.datetime(2024, 2, 1, tz="Europe/London"),
    )
    assert later.recognition is not None
    assert (later.recognition.month, later.recognition_month_to_date) == ("2024-01", False)
    assert later.recognition.standings
    points = [s.points for s in later.recognition.standings]
    assert points == sorted(points, reverse=True)


def test_findings_are_ranked_and_tied_to_numbers(result: object) -> None:
    findings = result.findings  # type: ignore[attr-defined]
    assert findings
    assert all(f.sample_size > 0 and f.evidence for f in findings)


def test_outreach_comes_from_the_follow_up_rules(result: object) -> None:
    for action in result.outreach:  # type: ignore[attr-defined]
        assert AS_OF <= action.due_at < AS_OF.add(days=7)
        assert action.rule in {"complaint check-in", "satisfaction survey"}


def test_reads_its_input_once() -> None:
    def once() -> Iterator[Interaction]:
        yield from samples.generate(200, seed=2, start=START)

    stream = once()
    model = ServiceModel(name="Desk", type="reactive", channels=["email"])
    assert assess(model, stream, as_of=AS_OF).interactions == 200
    assert list(stream) == []


def test_bad_input_is_refused() -> None:
    model = ServiceModel(name="Desk", type="reactive", channels=["email"])
    with pytest.raises(ValidationError, match=r"'interactions\[0\]' must be an Interaction"):
        assess(model, ["T-1"], as_of=AS_OF)  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="'model' must be a ServiceModel"):
        assess("model", [], as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'as_of' must be timezone-aware"):
        assess(model, [], as_of=pendulum.naive(2024, 1, 1))


def test_renderings(result: object) -> None:
    text = result.to_text()  # type: ignore[attr-defined]
    assert text.startswith("Service model assessment: Northwind Broadband (sample) (hybrid)")
    for section in ("SLA compliance", "Goals", "Channel preference", "Top complaint themes"):
        assert section in text
    data = result.to_json()  # type: ignore[attr-defined]
    assert json.loads(json.dumps(data)) == data
    assert data["schema_version"] == 1
    assert {g["name"] for g in data["goals"]} == {g.goal.name for g in result.goals}  # type: ignore[attr-defined]
    html = result.to_html()  # type: ignore[attr-defined]
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html
    svgs = [chunk.split("</svg>")[0] + "</svg>" for chunk in html.split("<svg")[1:]]
    assert len(svgs) >= 3  # KPI trends, channel mix, goal progress
    for svg in svgs:
        ET.fromstring("<svg" + svg)


def test_a_simple_case_by_hand() -> None:
    t = pendulum.datetime(2024, 3, 4, 9, tz="UTC")
    happy = Interaction(
        id="1",
        customer_id="A",
        channel="chat",
        created_at=t,
        events=[
            Message(at=t.add(minutes=5), author="agent"),
            StatusChange(at=t.add(minutes=9), status="solved"),
            SatisfactionResponse(at=t.add(minutes=10), score=5),
        ],
    )
    unhappy = Interaction(
        id="2",
        customer_id="A",
        channel="email",
        created_at=t.add(days=1),
        events=[SatisfactionResponse(at=t.add(days=1, minutes=1), score=1)],
    )
    model = ServiceModel(name="Desk", type="reactive", channels=["chat", "email"])
    a = assess(model, itertools.chain([happy], [unhappy]), as_of=t.add(days=2), period="month")
    assert a.interactions == 2
    assert a.repeat_contact is not None
    assert (a.repeat_contact.numerator, a.repeat_contact.denominator) == (1, 2)
    assert a.contacts_per_customer is not None
    assert a.contacts_per_customer.value == 2
    result = a.overall.rows[0].cell("csat").result
    assert isinstance(result, Rate)
    assert result.value == Fraction(1, 2)


def test_repeat_contacts_do_not_depend_on_the_input_order() -> None:
    t = pendulum.datetime(2024, 1, 10, tz="UTC")
    contacts = [
        Interaction(id=str(n), customer_id=c, channel="email", created_at=t.add(days=d))
        for n, (c, d) in enumerate([("A", 0), ("A", 3), ("B", 1), ("A", 20), ("B", 9)])
    ]
    model = ServiceModel(name="Desk", type="reactive", channels=["email"])
    forward = assess(model, contacts, as_of=t.add(days=30))
    backward = assess(model, contacts[::-1], as_of=t.add(days=30))
    assert forward.repeat_contact == backward.repeat_contact
    assert forward.repeat_contact is not None
    assert (forward.repeat_contact.numerator, forward.repeat_contact.denominator) == (1, 5)


def test_reads_interactions_as_they_stood_at_as_of() -> None:
    t = pendulum.datetime(2024, 1, 10, tz="UTC")
    late = Interaction(
        id="1",
        customer_id="C",
        channel="email",
        created_at=t,
        events=[
            StatusChange(at=t.add(days=20), status="solved"),
            SatisfactionResponse(at=t.add(days=21), score=1),
        ],
    )
    model = ServiceModel(name="Desk", type="reactive", channels=["email"])
    row = assess(model, [late], as_of=t.add(days=1)).overall.rows[0]
    assert row.cell("csat").missing()  # the rating came after as_of
    assert row.cell("resolution_time").missing()  # so did the solve


def test_percentile_goal_variants_are_measured() -> None:
    t = pendulum.datetime(2024, 1, 1, tz="UTC")
    ticket = Interaction(
        id="1",
        customer_id="C",
        channel="email",
        created_at=t,
        events=[Message(at=t.add(minutes=30), author="agent")],
    )
    goal = Goal(
        name="g",
        metric="first_reply_time",
        variant="p90",
        direction="decrease",
        baseline=3600,
        target=1200,
        start=t,
        deadline=t.add(months=3),
    )
    model = ServiceModel(name="D", type="reactive", channels=["email"], goals=[goal])
    report = assess(model, [ticket], as_of=t.add(days=2)).goals[0]
    assert report.progress is not None
    assert abs(float(report.progress.latest) - 1800) < 1800 * 0.02  # sketch: 1% relative error


def test_outreach_equals_the_schedule_over_the_interactions_as_they_stood(
    result: object, hybrid: ServiceModel, data: list[Interaction]
) -> None:
    from servicemodel.model import schedule_outreach

    stood = [i.as_of(AS_OF) for i in included(data)]
    expected = schedule_outreach(hybrid.follow_ups, stood, start=AS_OF, end=AS_OF.add(days=7))
    assert result.outreach == expected  # type: ignore[attr-defined]
    assert expected


# ------------------------------------------------------------------ a small case by hand:
# goal scopes and notes, feedback KPIs, and how they are rendered

DAY0 = pendulum.datetime(2024, 3, 4, 9, tz="UTC")
HAND_AS_OF = DAY0.add(days=3, hours=1)
HAND_SPAN: dict[str, Any] = {"start": DAY0.subtract(days=1), "deadline": DAY0.add(months=3)}
HAND_FASTER: dict[str, Any] = {"direction": "decrease", "baseline": 3600, "target": 600}


def hand_ticket(number: int, group: str, reply_minutes: int, day: int = 0) -> Interaction:
    created = DAY0.add(days=day)
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
HAND_DATA = [
    hand_ticket(1, "billing", 10),
    hand_ticket(2, "billing", 30),
    hand_ticket(3, "returns", 60),
]
HAND_DATA.append(hand_ticket(4, "returns", 70, day=2))
HAND_FEEDBACK: list[Feedback] = [
    NpsResponse(customer_id="C1", at=DAY0.add(hours=1), score=10, channel="email"),
    NpsResponse(customer_id="C2", at=DAY0.add(hours=2), score=3),  # no channel: overall only
    CesResponse(customer_id="C3", at=DAY0.add(hours=3), score=2, channel="email"),
    NpsResponse(customer_id="C4", at=DAY0.add(days=2, hours=2), score=9, channel="email"),
    CesResponse(customer_id="C4", at=DAY0.add(days=2, hours=3), score=6, channel="email"),
    NpsResponse(
        customer_id="C5", at=HAND_AS_OF.add(minutes=1), score=0, channel="email"
    ),  # too late
]
HAND_GOALS = [
    Goal(name="no metric", target=1),
    Goal(
        name="billing",
        metric="first_reply_time",
        scope=Scope(team="billing"),
        **HAND_FASTER,
        **HAND_SPAN,
    ),
    Goal(
        name="vip",
        metric="first_reply_time",
        scope=Scope(segment="vip"),
        **HAND_FASTER,
        **HAND_SPAN,
    ),
    Goal(
        name="sla",
        metric="sla_compliance",
        direction="increase",
        baseline=0.5,
        target=0.9,
        **HAND_SPAN,
    ),
    Goal(
        name="later",
        metric="first_reply_time",
        start=DAY0.add(days=10),
        deadline=DAY0.add(months=3),
        **HAND_FASTER,
    ),
    Goal(name="mean", metric="first_reply_time", variant="mean", **HAND_FASTER, **HAND_SPAN),
    Goal(name="nps", metric="nps", direction="increase", baseline=0, target=50, **HAND_SPAN),
    Goal(
        name="ces",
        metric="ces",
        direction="increase",  # CES 2.0: higher is easier
        baseline=3,
        target=5,
        start=DAY0.add(days=3),
        deadline=DAY0.add(months=3),
    ),
]


@pytest.fixture(scope="module")
def by_hand() -> Assessment:
    model = ServiceModel(
        name="Desk", type="reactive", channels=["email"], feedback=["nps", "ces"], goals=HAND_GOALS
    )
    return assess(model, HAND_DATA, feedback=HAND_FEEDBACK, as_of=HAND_AS_OF, period="day")


def goal_report(assessment: Assessment, name: str) -> GoalReport:
    return next(g for g in assessment.goals if g.goal.name == name)


def days_and_values(found: GoalReport) -> list[tuple[int, Fraction]]:
    return [(o.at.day, o.value) for o in found.observations]


def test_a_team_goal_is_measured_on_that_teams_interactions_only(by_hand: Assessment) -> None:
    billing = goal_report(by_hand, "billing")
    assert days_and_values(billing) == [(4, Fraction(1200))]
    assert billing.progress is not None
    assert billing.progress.latest == 1200
    assert billing.progress.status is GoalStatus.ON_TRACK
    assert billing.note == ""


def test_a_mean_goal_reads_the_mean_not_the_median(by_hand: Assessment) -> None:
    mean = goal_report(by_hand, "mean")
    # Day 0: (10 + 30 + 60) / 3 minutes = 2000 s; the median would be 1800 s.
    assert days_and_values(mean) == [(4, Fraction(2000)), (6, Fraction(4200))]


def test_a_segment_goal_is_measured_over_everyone_and_says_so(by_hand: Assessment) -> None:
    vip = goal_report(by_hand, "vip")
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
def test_a_goal_without_progress_says_why(by_hand: Assessment, name: str, note: str) -> None:
    unmeasured = goal_report(by_hand, name)
    assert unmeasured.progress is None
    assert unmeasured.note == note


def test_feedback_counts_overall_and_by_channel_until_as_of(by_hand: Assessment) -> None:
    nps = goal_report(by_hand, "nps")
    # Day 0: one promoter and one detractor overall; day 2: one promoter; the late 0 is left out.
    assert days_and_values(nps) == [(4, Fraction(0)), (6, Fraction(100))]
    assert nps.progress is not None
    assert nps.progress.status is GoalStatus.ACHIEVED
    email = by_hand.to_json()["kpis_by_channel"]
    assert email[0]["kpis"]["nps"]["kind"] == "net"
    assert (email[0]["kpis"]["nps"]["value"], email[0]["kpis"]["nps"]["n"]) == (100.0, 1)
    assert email[1]["kpis"]["ces"] == {
        "kind": "mean",
        "value": 6.0,
        "n": 1,
        "low": 6.0,
        "high": 6.0,
    }


def test_the_text_report_shows_feedback_kpis_and_goal_notes(by_hand: Assessment) -> None:
    text = by_hand.to_text()
    assert (
        "  email         first_reply_time median 1h 10m (n=1), nps +100.0 (n=1), ces 6 (n=1)"
        in text.splitlines()
    )
    assert "     note: the goal has not started" in text.splitlines()
    assert any(
        line.startswith("     latest +100.0, expected on the line +2.2, projected at the deadline ")
        for line in text.splitlines()
    )


@pytest.mark.parametrize("variant", ["p100", "p0", "average"])
def test_a_goal_with_an_impossible_variant_has_no_observations(variant: str) -> None:
    goal = Goal(name="odd", metric="first_reply_time", variant=variant, **HAND_FASTER, **HAND_SPAN)
    model = ServiceModel(name="Desk", type="reactive", channels=["email"], goals=[goal])
    (odd,) = assess(model, HAND_DATA, as_of=HAND_AS_OF, period="day").goals
    assert odd.observations == ()
    assert odd.progress is None
    assert odd.note == "no observation since the goal started"


def test_a_goal_on_requester_wait_counts_on_the_models_business_calendar(
    data: list[Interaction],
) -> None:
    text = (EXAMPLES / "reactive.toml").read_text(encoding="utf-8")
    text = text.replace('metric = "fcr"', 'metric = "requester_wait_time"')
    text = text.replace('direction = "increase"', 'direction = "decrease"')
    text = text.replace("baseline = 0.6", "baseline = 7200").replace(
        "target = 0.75", "target = 3600"
    )
    model = load_model(text, format="toml")
    assert KpiName.REQUESTER_WAIT_TIME in model.tracked_kpis()
    report = assess(model, data, as_of=AS_OF)
    definitions = {d["kpi"]: d for d in report.to_json()["definitions"]}
    assert definitions["requester_wait_time"]["clock"] == report.clock != ""
