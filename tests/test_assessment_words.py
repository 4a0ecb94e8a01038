"""The words and numbers of the assessment report: each says what it is, and nothing contradicts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import attrs
import pendulum
import pytest

from servicemodel import Interaction, Message, samples
from servicemodel.cli import main
from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.goals import Goal
from servicemodel.io import write_interactions
from servicemodel.model import Assessment, ServiceModel, assess, load_model
from servicemodel.team import leaderboard

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
SAMPLE_MODEL = ROOT / "src" / "servicemodel" / "samples" / "sample_model.toml"
START = pendulum.datetime(2024, 1, 1, tz="Europe/London")


@pytest.fixture(scope="module")
def january() -> list[Interaction]:
    return list(samples.generate(1500, seed=7, start=START))


@pytest.fixture(scope="module")
def reactive(january: list[Interaction]) -> Assessment:
    # The sample starts on Monday 1 January; the example shop opens Tuesday to Saturday.
    model = load_model(EXAMPLES / "reactive.toml")
    return assess(model, january, as_of=pendulum.datetime(2024, 1, 6, tz="Europe/London"))


@pytest.fixture(scope="module")
def sample(january: list[Interaction]) -> Assessment:
    model = load_model(SAMPLE_MODEL)
    return assess(
        model, january, as_of=pendulum.datetime(2024, 1, 6, 12, tz="Europe/London"), period="week"
    )


def test_the_report_says_times_are_business_time_and_why_a_median_is_zero(
    reactive: Assessment,
) -> None:
    text = reactive.to_text()
    assert reactive.clock.startswith("business time on the 'shop' calendar")
    assert "times are business time on the 'shop' calendar" in text.splitlines()[1]
    assert "median 0m 00s" in text  # contacts on the closed Monday took no business time
    assert (
        "  a median of 0m 00s means at least half of those contacts were handled entirely "
        "while the calendar was closed"
    ) in text.splitlines()
    assert reactive.to_json()["clock"] == reactive.clock


def test_without_a_business_calendar_the_report_says_calendar_time(
    january: list[Interaction],
) -> None:
    model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat"])
    a = assess(model, january, as_of=pendulum.datetime(2024, 1, 6, tz="Europe/London"))
    assert a.clock == "calendar time"
    assert "times are calendar time" in a.to_text().splitlines()[1]
    assert "closed" not in a.to_text()


def test_every_kpi_variant_is_named_and_defined(reactive: Assessment) -> None:
    text = reactive.to_text().splitlines()
    assert any(line.startswith("  fcr (one_touch): first-contact resolution") for line in text)
    assert any(
        line.startswith("  csat (top_two_box): share of satisfaction answers of 4 or 5")
        for line in text
    )
    assert any(
        line.startswith("  n = the interactions or answers a figure rests on") for line in text
    )
    definitions = {d["kpi"]: d for d in reactive.to_json()["definitions"]}
    assert definitions["fcr"]["variant"] == "one_touch"
    assert definitions["first_reply_time"]["clock"] == reactive.clock
    assert definitions["csat"]["clock"] == ""
    assert set(definitions) == {name.value for name in reactive.overall.metrics}


def test_each_finding_names_its_rule_threshold_and_next_step(sample: Assessment) -> None:
    assert sample.findings
    for finding in sample.findings:
        assert finding.rule
        assert finding.next_step
    sla = [f for f in sample.findings if f.metric.value == "sla_compliance"]
    assert sla
    assert all("below 90.0%" in f.title and "below 90.0% met" in f.rule for f in sla)
    text = sample.to_text()
    assert (
        "why flagged: an SLA line is flagged when even the top of its 95% interval is below 90.0%"
        in text
    )
    assert "breached too often" not in text
    assert "Priority." not in text
    assert "Metric." not in text
    assert "SLA first_reply for urgent under 'Standard' is met" in text
    rows = sample.to_json()["findings"]
    assert all(row["rule"] and row["next_step"] for row in rows)
    # a rule already stated is referred back to by the finding that stated it
    repeats = [i for i, f in enumerate(sample.findings, 1) if f.rule == sample.findings[0].rule]
    if len(repeats) > 1:
        assert f"why flagged: the same rule as finding {repeats[0]} above." in text
    assert "the rule of " not in text


def test_durations_read_alike_and_shares_as_percentages(sample: Assessment) -> None:
    text = sample.to_text()
    assert not re.search(r"\b\d+\.\dm\b", text)  # no '5.2m' beside '2m 30s'
    goals = text[text.index("Goals (SMART") :]
    assert "target 20m 00s by 2024-03-31" in goals
    assert "csat for channel chat: target 85.0% by 2024-06-30" in goals
    assert not re.search(r"\b0\.\d{3}\b", goals)  # CSAT never as 0.797 beside 79.7%


def test_sla_lines_say_pending_like_the_json(sample: Assessment) -> None:
    text = sample.to_text()
    assert not re.search(r"breached \d+, running \d+", text)
    assert re.search(r"met \d+, breached \d+, pending \d+", text)
    assert "pending = clocks still running at the as-of instant" in text


def test_a_partial_latest_period_is_flagged(sample: Assessment, reactive: Assessment) -> None:
    assert sample.latest_period_partial
    assert "KPIs by channel, latest week (2024-01-01, partial: up to 2024-01-06 12:00)" in (
        sample.to_text()
    )
    assert sample.to_json()["latest_period_partial"] is True
    whole_week = assess(
        load_model(SAMPLE_MODEL),
        samples.generate(300, seed=2, start=START),
        as_of=pendulum.datetime(2024, 1, 8, tz="Europe/London"),
        period="week",
    )
    assert not whole_week.latest_period_partial
    assert "partial" not in whole_week.to_text()


def test_recognition_of_january_data_is_january_to_date(sample: Assessment) -> None:
    assert sample.recognition is not None
    assert (sample.recognition.month, sample.recognition_month_to_date) == ("2024-01", True)
    text = sample.to_text()
    assert "Recognition, 2023-12" not in text
    assert "Recognition, 2024-01 to 2024-01-06 (last month has no data)" in text


def test_a_tag_the_sla_policies_route_on_is_not_a_complaint_theme(sample: Assessment) -> None:
    themes = dict(sample.complaint_themes)
    assert "vip" not in themes
    assert any(t.startswith("theme:") for t in themes)
    assert sample.complaints == sum(
        1
        for i in samples.generate(1500, seed=7, start=START)
        if i.kind.value == "complaint" and i.created_at <= sample.as_of
    )


def test_a_model_whose_policies_do_not_route_on_vip_lists_only_its_theme_tags(
    reactive: Assessment, january: list[Interaction]
) -> None:
    # reactive.toml routes on no tag; its theme_tag_prefix keeps 'vip' and 'product:...' out.
    themes = dict(reactive.complaint_themes)
    assert themes, "the sample's complaints carry theme tags"
    assert all(tag.startswith("theme:") for tag in themes)
    model = load_model(EXAMPLES / "reactive.toml")
    without = assess(
        attrs.evolve(model, theme_tag_prefix=None),
        january,
        as_of=pendulum.datetime(2024, 1, 6, tz="Europe/London"),
    )
    assert "vip" in dict(without.complaint_themes)


def test_a_theme_tag_prefix_must_be_text() -> None:
    with pytest.raises(ValidationError, match="theme_tag_prefix"):
        ServiceModel(name="Desk", type="reactive", channels=["email"], theme_tag_prefix="")


def contacts(channel: str, day: int, n: int) -> list[Interaction]:
    at = START.add(days=day, hours=10)
    return [
        Interaction(
            id=f"{channel}-{day}-{i}",
            customer_id=f"C-{channel}-{i}",
            channel=channel,
            created_at=at,
            events=[Message(at=at, author="customer")],
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("latest_chat", "starred"), [(40, True), (1, False)], ids=["moved", "steady"]
)
def test_the_significance_legend_shows_only_with_a_star(latest_chat: int, starred: bool) -> None:
    model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat"])
    data = [
        *contacts("email", 1, 40),
        *contacts("chat", 1, 1),
        *contacts("email", 2, 40),
        *contacts("chat", 2, latest_chat),
    ]
    a = assess(model, data, as_of=START.add(days=3), period="day")
    assert any(s.change.significant() for s in a.channel_shift) is starred
    text = a.to_text()
    assert ("  *\n" in text) is starred
    assert ("(* the change is significant at 95%)" in text) is starred
    assert ("(no change is significant at 95%)" in text) is not starred


def test_goal_lines_print_the_deadline_and_explain_smart(sample: Assessment) -> None:
    text = sample.to_text()
    assert "Goals (SMART: specific, measurable, attainable, relevant, time-bound;" in text
    for report in sample.goals:
        assert report.goal.deadline is not None
        assert f"by {report.goal.deadline.format('YYYY-MM-DD')}" in text
        if report.progress is not None:
            assert f"     {report.progress.explanation}" in text.splitlines()
    assert not re.search(r"\bA: ", text)
    row = sample.to_json()["goals"][0]
    assert row["deadline"].startswith("2024-03-31")
    assert row["explanation"] == sample.goals[0].progress.explanation  # type: ignore[union-attr]


def test_nothing_to_assess_is_an_empty_sample_not_zero_interactions() -> None:
    model = ServiceModel(name="Desk", type="reactive", channels=["email"])
    with pytest.raises(EmptySampleError, match="the data gave none"):
        assess(model, [], as_of=START)

    def stream() -> Iterator[Interaction]:
        yield from samples.generate(30, seed=1, start=START)

    used = stream()
    assert assess(model, used, as_of=START.add(days=9)).interactions == 30
    with pytest.raises(EmptySampleError, match="an iterator that an earlier call already used up"):
        assess(model, used, as_of=START.add(days=9))
    with pytest.raises(EmptySampleError, match="all 30 were created after as_of"):
        assess(model, samples.generate(30, seed=1, start=START), as_of=START.subtract(days=1))


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_records_outside_the_supported_span_are_refused_by_name(day: str) -> None:
    model = load_model(EXAMPLES / "reactive.toml")
    at = pendulum.parse(f"{day}T10:00:00+00:00")
    assert isinstance(at, pendulum.DateTime)
    odd = Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        created_at=at,
        events=[Message(at=at, author="customer")],
    )
    with pytest.raises(
        ValidationError, match=r"'interactions\[0\]\.created_at' must lie between 1900"
    ):
        assess(model, [odd], as_of=START)
    with pytest.raises(ValidationError, match="'as_of' must lie between 1900"):
        assess(model, samples.generate(5, seed=1, start=START), as_of=at)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_command_refuses_records_outside_the_span_without_a_traceback(
    day: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "odd.jsonl"
    record = {
        "id": "T-1",
        "customer_id": "C-1",
        "channel": "email",
        "kind": "enquiry",
        "priority": "normal",
        "created_at": f"{day}T10:00:00+00:00",
        "tags": [],
        "events": [
            {
                "type": "message",
                "at": f"{day}T10:00:00+00:00",
                "author": "customer",
                "visibility": "public",
            }
        ],
    }
    data.write_text(json.dumps(record) + "\n")
    assert main(["assess", str(EXAMPLES / "reactive.toml"), str(data)]) != 0
    err = capsys.readouterr().err
    assert "'created_at' must lie between 1900-01-01 and 2200-01-01 UTC" in err
    assert "Traceback" not in err


def test_the_command_refuses_an_empty_data_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "empty.jsonl"
    write_interactions([], data)
    assert main(["assess", str(EXAMPLES / "reactive.toml"), str(data)]) != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no interaction to assess" in captured.err


# ------------------------------------------------------------------ recognition and goals in the text

FEBRUARY = pendulum.datetime(2024, 2, 1, tz="Europe/London")


@pytest.fixture(scope="module")
def january_by_week() -> tuple[ServiceModel, list[Interaction], Assessment]:
    model = load_model(EXAMPLES / "hybrid.toml")
    data = list(
        samples.generate(1500, seed=3, start=pendulum.datetime(2024, 1, 26, tz="Europe/London"))
    )
    return model, data, assess(model, data, as_of=FEBRUARY, period="week")


def test_the_text_report_lists_last_months_five_leaders(
    january_by_week: tuple[ServiceModel, list[Interaction], Assessment],
) -> None:
    model, data, assessment = january_by_week
    assert model.recognition is not None
    board = leaderboard(data, model.recognition, year=2024, month=1, as_of=FEBRUARY)
    assert assessment.recognition == board
    assert len(board.standings) > 5
    lines = assessment.to_text().splitlines()
    start = lines.index("Recognition, 2024-01")
    expected = [
        f"  #{s.rank} {s.agent}: {s.points} points over {s.samples} resolved"
        for s in board.standings[:5]
    ]
    assert lines[start + 1 : start + 6] == expected
    assert not lines[start + 6].startswith("  #")


def test_a_month_without_enough_samples_says_so() -> None:
    model = load_model(EXAMPLES / "hybrid.toml")
    data = list(
        samples.generate(30, seed=3, start=pendulum.datetime(2024, 1, 30, tz="Europe/London"))
    )
    lines = assess(model, data, as_of=FEBRUARY, period="week").to_text().splitlines()
    start = lines.index("Recognition, 2024-01")
    below = len(assess(model, data, as_of=FEBRUARY, period="week").recognition.below_minimum)  # type: ignore[union-attr]
    assert below > 0
    assert lines[start + 1] == (
        f"  nobody reached the minimum of 10 resolved interactions ({below} agents had fewer)"
    )


def test_a_goal_without_observations_renders_as_not_measured_without_a_chart() -> None:
    goal = Goal(
        name="faster",
        metric="first_reply_time",
        direction="decrease",
        baseline=3600,
        target=600,
        start=pendulum.datetime(2024, 1, 20),
        deadline=pendulum.datetime(2024, 6, 1),
    )
    model = ServiceModel(name="Desk", type="reactive", channels=["email"], goals=[goal])
    data = samples.generate(40, seed=1, start=pendulum.datetime(2024, 1, 2))
    assessment = assess(model, data, as_of=pendulum.datetime(2024, 2, 1), period="day")
    text = assessment.to_text()
    assert "  faster: not measured" in text.splitlines()
    assert "     note: no observation since the goal started" in text
    html = assessment.to_html()
    assert "Goal: faster" not in html  # no observations: no goal chart
    report = assessment.to_json()["goals"][0]
    assert (report["status"], report["latest"], report["observations"]) == (None, None, [])
    assert report["note"] == "no observation since the goal started"


def test_a_channel_whose_contacts_have_nothing_to_measure_yet_says_so_not_no_data() -> None:
    # One email on the last evening of the period, still unanswered at the as-of instant.
    t = pendulum.datetime(2024, 1, 31, 20, tz="Europe/London")
    waiting = Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        created_at=t,
        events=[Message(at=t, author="customer")],
    )
    text = assess(
        load_model(SAMPLE_MODEL), [waiting], as_of=pendulum.datetime(2024, 2, 1, tz="Europe/London")
    ).to_text()
    lines = text.splitlines()
    assert lines[1].startswith("1 interaction; periods: month;")
    row = lines[lines.index("KPIs by channel, latest month (2024-01-01)") + 1]
    assert row.split() == [
        "email", "no", "figure", "yet:", "nothing", "here", "was", "answered,", "solved", "or",
        "rated", "by", "the", "as-of", "instant",
    ]  # fmt: skip
    assert "no data" not in text.split("Recognition")[0]
