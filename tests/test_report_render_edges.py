"""Rendering an assessment: last month's recognition, and reports with nothing to show."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest

from servicemodel import Interaction, samples
from servicemodel.goals import Goal
from servicemodel.model import Assessment, ServiceModel, assess, load_model
from servicemodel.team import leaderboard

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
AS_OF = pendulum.datetime(2024, 2, 1, tz="Europe/London")


@pytest.fixture(scope="module")
def january() -> tuple[ServiceModel, list[Interaction], Assessment]:
    model = load_model(EXAMPLES / "hybrid.toml")
    data = list(
        samples.generate(1500, seed=3, start=pendulum.datetime(2024, 1, 26, tz="Europe/London"))
    )
    return model, data, assess(model, data, as_of=AS_OF, period="week")


def test_the_text_report_lists_last_months_five_leaders(
    january: tuple[ServiceModel, list[Interaction], Assessment],
) -> None:
    model, data, assessment = january
    assert model.recognition is not None
    board = leaderboard(data, model.recognition, year=2024, month=1, as_of=AS_OF)
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
    lines = assess(model, data, as_of=AS_OF, period="week").to_text().splitlines()
    start = lines.index("Recognition, 2024-01")
    below = len(assess(model, data, as_of=AS_OF, period="week").recognition.below_minimum)  # type: ignore[union-attr]
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
