"""Scorecards show the median and the 90th percentile beside the mean of the time metrics."""

from __future__ import annotations

import statistics
from fractions import Fraction

import pendulum

from servicemodel import Assignment, Interaction, Message, StatusChange
from servicemodel.samples import generate
from servicemodel.team import build_scorecards

START = pendulum.datetime(2024, 6, 3)
END = START.add(months=3)
TIMES = ("first_reply_time", "resolution_time")


def expected_quantiles(seconds: list[Fraction]) -> tuple[Fraction, Fraction]:
    """Median and p90 by Hyndman-Fan type 7 ("inclusive"), rounded to the microsecond."""
    median = statistics.median(seconds)
    p90 = statistics.quantiles(seconds, n=10, method="inclusive")[8]
    return (
        Fraction(round(Fraction(median) * 10**6), 10**6),
        Fraction(round(Fraction(p90) * 10**6), 10**6),
    )


def test_the_median_and_p90_of_a_card_are_the_agents_own_quantiles() -> None:
    t = pendulum.datetime(2024, 6, 3, 9)
    minutes = [1, 2, 2, 3, 4, 5, 6, 8, 10, 600]
    data = [
        Interaction(
            id=f"T-{i}",
            customer_id="C",
            channel="email",
            created_at=t.add(hours=i),
            events=[
                Assignment(at=t.add(hours=i), agent_id="A-1"),
                Message(at=t.add(hours=i, minutes=m), author="agent"),
                StatusChange(at=t.add(hours=i, minutes=m + 1), status="solved"),
            ],
        )
        for i, m in enumerate(minutes)
    ]
    (card,) = build_scorecards(data, start=START, end=END, minimum_samples={"fcr": 1})
    reply = card.figure("first_reply_time")
    # mean 64.1 min, median 4.5 min, p90 = 10 + 0.1 * (600 - 10) = 69 min
    assert reply.value == Fraction(641 * 60, 10)
    assert reply.median == Fraction(270)
    assert reply.p90 == Fraction(69 * 60)
    assert card.figure("fcr").median is None
    assert card.figure("fcr").p90 is None


def test_on_the_sample_data_the_median_shows_what_the_mean_hides() -> None:
    data = list(generate(2000, seed=1, start=START))
    cards = build_scorecards(data, start=START, end=END)
    ratios = []
    for card in cards:
        for metric in TIMES:
            if not card.is_shown(metric):
                continue
            figure = card.figure(metric)
            own = [i for i in data if i.assignee() == card.agent_id and START <= i.created_at < END]
            if metric == "first_reply_time":
                seconds = [
                    Fraction(int((r - i.created_at).total_seconds() * 10**6), 10**6)
                    for i in own
                    if (r := i.first_reply_at()) is not None
                ]
            else:
                seconds = [
                    Fraction(int((r - i.created_at).total_seconds() * 10**6), 10**6)
                    for i in own
                    if (r := i.last_solved_at()) is not None  # full resolution time
                ]
            assert (figure.median, figure.p90) == expected_quantiles(seconds)
            if metric == "first_reply_time":
                assert figure.median is not None
                ratios.append(figure.value / figure.median)
    # the skew the issue names: some agent's mean first reply is many times its median
    assert max(ratios) > 9
