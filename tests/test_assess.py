"""The end-to-end assessment: each part agrees with the library computed directly."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pendulum
import pytest

from servicemodel import Interaction, Message, Priority, SatisfactionResponse, StatusChange, samples
from servicemodel.exceptions import ValidationError
from servicemodel.goals import GoalStatus
from servicemodel.kpi import Rate, RepeatContactRate, csat
from servicemodel.model import ServiceModel, assess, load_model
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
    from servicemodel.goals import Goal

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
