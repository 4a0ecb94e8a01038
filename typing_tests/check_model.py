"""Goals and their progress, the service model and its assessment, team scorecards."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any, assert_type

import pendulum

from servicemodel import Interaction
from servicemodel.goals import Goal, GoalStatus, Observation, Progress, SmartCheck
from servicemodel.kpi import KpiName
from servicemodel.model import Assessment, ServiceModel, assess, load_model
from servicemodel.team import MetricFigure, Scorecard, build_scorecards


def goals(goal: Goal, observations: Iterable[Observation], at: pendulum.DateTime) -> None:
    progress = goal.progress(observations, at)
    assert_type(progress, Progress)
    assert_type(progress.status, GoalStatus)
    assert_type(progress.projected, Fraction | None)
    assert_type(goal.smart_check(), SmartCheck)
    assert_type(goal.expected_at(at), Fraction)
    goal.progress(observations)  # type: ignore[call-arg]
    goal.progress([Fraction(1, 2)], at)  # type: ignore[list-item]
    progress.projected + 1  # type: ignore[operator]


def model(items: Iterable[Interaction], at: pendulum.DateTime) -> None:
    service = load_model('name = "N"\ntype = "reactive"\nchannels = ["email"]\n')
    assert_type(service, ServiceModel)
    assert_type(service.tracked_kpis(), tuple[KpiName, ...])
    assessment = assess(service, items, as_of=at)
    assert_type(assessment, Assessment)
    assert_type(assessment.to_text(), str)
    assert_type(assessment.to_json(), dict[str, Any])
    assess(service, items)  # type: ignore[call-arg]
    assess("model.toml", items, as_of=at)  # type: ignore[arg-type]


def scorecards(items: Iterable[Interaction], at: pendulum.DateTime) -> None:
    cards = build_scorecards(items, start=at, end=at.add(months=1))
    assert_type(cards, tuple[Scorecard, ...])
    assert_type(cards[0].figure("fcr"), MetricFigure)
    assert_type(cards[0].figure("fcr").value, Fraction)
    cards[0].figure(1)  # type: ignore[arg-type]
    build_scorecards(items)  # type: ignore[call-arg]
