"""One judgement: a goal's status, its projection and the sentence that explains them agree."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel import samples
from servicemodel._time import from_micros, to_micros
from servicemodel.cli import main
from servicemodel.exceptions import EmptySampleError, ModelDocumentError, ValidationError
from servicemodel.goals import Goal, GoalStatus, Observation
from servicemodel.io import write_interactions
from servicemodel.model import load_model
from servicemodel.testing import goals, observations

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
JAN = pendulum.datetime(2024, 1, 1, tz="Europe/London")
JUL = pendulum.datetime(2024, 6, 30, tz="Europe/London")


@st.composite
def judged(draw: st.DrawFn) -> tuple[Goal, list[Observation], pendulum.DateTime]:
    goal = draw(goals())
    series = draw(observations(goal))
    assert goal.start is not None
    assert goal.deadline is not None
    start, deadline = to_micros(goal.start), to_micros(goal.deadline)
    moment = draw(
        st.one_of(
            st.integers(start, deadline + (deadline - start)),
            st.sampled_from([to_micros(o.at) for o in series]).filter(lambda m: m >= start),
        )
    )
    return goal, series, from_micros(moment, goal.start.timezone or pendulum.UTC)


@given(judged())
def test_status_projection_and_sentence_never_contradict(
    case: tuple[Goal, list[Observation], pendulum.DateTime],
) -> None:
    goal, series, as_of = case
    assert goal.direction is not None
    assert goal.target is not None
    assert goal.deadline is not None
    try:
        p = goal.progress(series, as_of)
    except EmptySampleError:
        counted = [o for o in series if goal.start <= o.at <= min(as_of, goal.deadline)]  # type: ignore[operator]
        assert counted == []
        return
    meets = goal.direction.meets
    over = as_of >= goal.deadline
    # Judged only on what was measured by the deadline.
    assert goal.start <= p.latest_at <= min(as_of, goal.deadline)  # type: ignore[operator]
    ahead = meets(p.latest, p.expected)
    reaches = None if p.projected is None else meets(p.projected, goal.target)
    # The status follows from the same facts.
    if over:
        assert p.projected is None
        assert p.status is (
            GoalStatus.ACHIEVED if meets(p.latest, goal.target) else GoalStatus.MISSED
        )
    elif meets(p.latest, goal.target):
        assert p.status is GoalStatus.ACHIEVED
    elif ahead and reaches is not False:
        assert p.status is GoalStatus.ON_TRACK
    elif ahead or reaches:
        assert p.status is GoalStatus.AT_RISK
    else:
        assert p.status is GoalStatus.OFF_TRACK
    # A falling trend never projects a higher value, a rising one never a lower.
    # A projection stays inside the KPI's range.
    if p.projected is not None:
        assert p.trend_per_month is not None
        assert goal.metric is not None
        assert goal.metric.spec.contains(p.projected)
        if p.trend_per_month > 0:
            assert p.projected >= p.latest
        elif p.trend_per_month < 0:
            assert p.projected <= p.latest
        else:
            assert p.projected == p.latest
    # The sentence says the status, and the verdict on the projection that the status used.
    assert p.explanation.startswith(p.status.value.replace("_", " ") + ": ")
    assert ("short of the target" in p.explanation) == (
        p.status is GoalStatus.MISSED or (reaches is False and p.status is not GoalStatus.ACHIEVED)
    )
    assert ("reaching the target" in p.explanation) == (
        bool(reaches) and p.status is not GoalStatus.ACHIEVED
    )
    assert goal.deadline.format("YYYY-MM-DD") in p.explanation
    # SMART's A letter, at the same instant, gives the same trend verdict in the same words.
    a = goal.smart_check(series, as_of=as_of).letter("A")
    trend_reasons = [r for r in a.reasons if r.startswith("the observed trend")]
    if (
        p.status in (GoalStatus.ON_TRACK, GoalStatus.AT_RISK, GoalStatus.OFF_TRACK)
        and reaches is False
    ):
        assert len(trend_reasons) == 1
        assert trend_reasons[0] in p.explanation
    else:
        assert trend_reasons == []


def csat(**changes: object) -> Goal:
    fields: dict[str, object] = {
        "name": "Happier chat customers",
        "description": "Share of 4-5 CSAT answers on chat",
        "metric": "csat",
        "direction": "increase",
        "baseline": Fraction(70, 100),
        "target": Fraction(85, 100),
        "start": JAN,
        "deadline": JUL,
        "owner": "Chat team lead",
        "objective": "reputation",
    }
    fields.update(changes)
    return Goal(**fields)  # type: ignore[arg-type]


def weekly(values: list[float], goal_start: pendulum.DateTime = JAN) -> list[Observation]:
    return [Observation(at=goal_start.add(weeks=i + 1), value=v) for i, v in enumerate(values)]


def test_ahead_of_the_line_with_a_trend_short_of_the_target_is_at_risk_not_on_track() -> None:
    # The sample's chat CSAT: ahead of the line, but falling: main said "on track" beside
    # "projects 0.7633 ... short of the target 0.85".
    series = weekly([0.80, 0.80, 0.79, 0.80, 0.79, 0.80, 0.79, 0.79, 0.797])
    as_of = JAN.add(weeks=9)
    goal = csat()
    p = goal.progress(series, as_of)
    assert p.latest > p.expected
    assert p.status is GoalStatus.AT_RISK
    assert "short of the target 85.0%" in p.explanation
    reason = goal.smart_check(series, as_of=as_of).letter("A").reasons[0]
    assert reason in p.explanation


def test_a_falling_trend_projects_below_the_latest_value() -> None:
    # Main read the least-squares line at the deadline: 0.0593 for a falling reopen rate whose
    # latest value is 0.049, and so called the goal "achieved" beside SMART "A: the observed
    # trend (-0.01926 per month) projects 0.05933 at the deadline, short of the target 0.05".
    goal = csat(
        metric="reopen_rate",
        direction="decrease",
        baseline=Fraction(8, 100),
        target=Fraction(5, 100),
        deadline=JAN.add(weeks=7),
    )
    series = weekly([0.08, 0.08, 0.08, 0.08, 0.08, 0.049])
    as_of = JAN.add(weeks=6)
    p = goal.progress(series, as_of)
    assert p.projected is not None
    assert p.projected < p.latest
    assert p.trend_per_month is not None
    assert p.trend_per_month < 0
    assert p.status is GoalStatus.ACHIEVED
    assert goal.smart_check(series, as_of=as_of).letter("A").holds
    assert goal.smart_check(series).letter("A").holds


def test_a_past_deadline_is_judged_on_data_up_to_it_and_printed() -> None:
    goal = csat(deadline=JAN.add(weeks=4))
    series = weekly([0.72, 0.74, 0.75, 0.76, 0.90, 0.95])  # weeks 5 and 6 come after
    p = goal.progress(series, JAN.add(weeks=30))
    assert p.latest == Fraction(76, 100)
    assert p.latest_at == JAN.add(weeks=4)
    assert p.status is GoalStatus.MISSED
    assert p.projected is None
    assert p.explanation == (
        "missed: by the deadline 2024-01-29 the latest value 76.0% (2024-01-29) fell short "
        "of the target 85.0%"
    )


def test_no_observation_before_a_past_deadline_is_an_empty_sample() -> None:
    goal = csat(deadline=JAN.add(days=3))
    with pytest.raises(EmptySampleError, match="between its start and 2024-01-04"):
        goal.progress(weekly([0.9]), JAN.add(weeks=5))


def test_values_that_differ_from_the_target_never_look_equal_to_it() -> None:
    goal = csat(direction="increase", target=Fraction(85, 100))
    p = goal.progress(weekly([0.8499]), JAN.add(weeks=1))
    assert "latest value 84.99%" in p.explanation
    assert "the target is 85.0% by 2024-06-30" in p.explanation


# ------------------------------------------------------------------ targets in the KPI's range


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"target": Fraction(-85, 100)},
            "'target' must be a value of csat, a rate between 0 and 1 (got -0.85)",
        ),
        (
            {"target": 85},
            "'target' must be a value of csat, a rate between 0 and 1 (got 85); "
            "write a rate as a share: 0.85 for 85%",
        ),
        (
            {"baseline": Fraction(3, 2)},
            "'baseline' must be a value of csat, a rate between 0 and 1 (got 1.5); "
            "write a rate as a share: 0.015 for 1.5%",
        ),
        (
            {"direction": "decrease"},
            "'direction' must be 'increase' for csat, where higher is better (got 'decrease')",
        ),
        (
            {"metric": "nps", "baseline": 10, "target": 140},
            "'target' must be a value of nps, a net between -100 and 100 (got 140)",
        ),
        (
            {"metric": "first_reply_time", "direction": "decrease", "baseline": 600, "target": -60},
            "'target' must be a value of first_reply_time, a duration in seconds of at least 0 (got -60)",
        ),
    ],
)
def test_a_target_outside_the_kpis_range_or_direction_is_refused(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        csat(**changes)
    assert caught.value.message == message


def test_targets_on_the_edge_of_the_range_are_accepted() -> None:
    assert csat(baseline=0, target=1).target == 1
    assert csat(metric="occupancy", direction="decrease", baseline=1, target=0).target == 0


def test_a_model_document_with_an_absurd_target_names_the_goal(tmp_path: Path) -> None:
    text = (EXAMPLES / "reactive.toml").read_text().replace("target = 0.75", "target = 75")
    model = tmp_path / "model.toml"
    model.write_text(text)
    with pytest.raises(ModelDocumentError) as caught:
        load_model(model)
    assert any(
        p.path == "goals[0].target" and "write a rate as a share: 0.75 for 75%" in p.message
        for p in caught.value.problems
    )


def test_the_command_refuses_an_absurd_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (EXAMPLES / "reactive.toml").read_text().replace("target = 0.75", "target = -0.75")
    model = tmp_path / "model.toml"
    model.write_text(text)
    data = tmp_path / "data.jsonl"
    write_interactions(samples.generate(50, seed=1, start=JAN), data)
    assert main(["assess", str(model), str(data)]) == 1
    err = capsys.readouterr().err
    assert "goals[0].target" in err
    assert "a rate between 0 and 1 (got -0.75)" in err


def test_a_projection_stays_inside_the_kpis_range() -> None:
    # Two weeks rising 38 points a month would carry a share to 293% by June.
    p = csat().progress(weekly([0.60, 0.794]), JAN.add(weeks=2))
    assert p.projected == 1
    assert p.trend_per_month is not None
    assert p.trend_per_month > Fraction(1, 3)
    assert "carries the latest value to 100.0% at the deadline 2024-06-30" in p.explanation


def test_an_observation_outside_the_kpis_range_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        csat().progress(weekly([0.8, 79.7]), JAN.add(weeks=2))
    assert caught.value.message == (
        "'observations[1].value' must be a value of csat, a rate between 0 and 1 (got 79.7)"
    )
