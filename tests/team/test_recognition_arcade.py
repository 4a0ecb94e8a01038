"""Freshdesk Arcade's scoring as named options of RecognitionPolicy.

The expected values come from Arcade's documented behaviour (see
docs/explanation/recognition.md): a resolved ticket earns one speed award
(fast, on time or late), a fast one earns the fast award and not the on-time
one, a reopen removes the ticket's resolution points, and a ticket resolved
again is scored again.
"""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import given

from servicemodel.exceptions import ValidationError
from servicemodel.interactions import (
    Assignment,
    Event,
    Interaction,
    Message,
    SatisfactionResponse,
    StatusChange,
)
from servicemodel.loyalty import Ledger, Policies
from servicemodel.team import (
    OnTime,
    RecognitionPolicy,
    RecognitionRule,
    Rescoring,
    SpeedRule,
    awards,
    leaderboard,
    post_awards,
)
from servicemodel.testing import interactions

ZONE = "Europe/Warsaw"
T = pendulum.datetime(2025, 3, 3, 9, tz=ZONE)
ARCADE = RecognitionPolicy(
    zone=ZONE,
    minimum_samples=1,
    speed=SpeedRule.EXCLUSIVE,
    on_time=OnTime.STRICTLY_BEFORE_DUE,
    rescoring=Rescoring.LATEST_RESOLUTION,
)
SPEED = {RecognitionRule.FAST_RESOLUTION, RecognitionRule.ON_TIME, RecognitionRule.LATE}


def ticket(*events: Event, replies: int = 1) -> Interaction:
    thread: list[Event] = [Assignment(at=T, agent_id="ann")]
    thread.extend(
        Message(at=T.add(minutes=1 + i), author="agent", author_id="ann") for i in range(replies)
    )
    thread.extend(events)
    return Interaction(id="T-1", customer_id="c", channel="email", created_at=T, events=thread)


def points(interaction: Interaction, policy: RecognitionPolicy, **kwargs: object) -> dict[str, int]:
    given_ = awards(interaction, policy, **kwargs)  # type: ignore[arg-type]
    return {a.rule.value: a.points for a in given_}


def test_arcade_a_fast_resolution_earns_fast_and_not_on_time() -> None:
    fast = ticket(StatusChange(at=T.add(minutes=20), status="solved"))
    assert points(fast, ARCADE) == {"fast_resolution": 10, "first_contact": 10}
    # the cumulative default also gives the on-time award
    assert points(fast, RecognitionPolicy(zone=ZONE)) == {
        "fast_resolution": 10,
        "on_time": 5,
        "first_contact": 10,
    }


def test_arcade_a_resolution_after_an_hour_earns_on_time_or_late_only() -> None:
    on_time = ticket(StatusChange(at=T.add(hours=3), status="solved"), replies=2)
    assert points(on_time, ARCADE) == {"on_time": 5}
    late = ticket(StatusChange(at=T.add(hours=25), status="solved"), replies=2)
    assert points(late, ARCADE) == {"late": -5}


def test_on_time_strictly_before_due_makes_a_resolution_at_the_due_instant_late() -> None:
    at_due = ticket(StatusChange(at=T.add(hours=24), status="solved"), replies=2)
    strict = RecognitionPolicy(on_time="strictly_before_due")
    assert points(at_due, strict) == {"late": -5}
    assert points(at_due, RecognitionPolicy()) == {"on_time": 5}
    due = T.add(hours=2)
    early = ticket(StatusChange(at=due.subtract(microseconds=1), status="solved"), replies=2)
    assert points(early, strict, due=due) == {"on_time": 5}


def test_arcade_a_reopen_removes_the_resolution_points_and_keeps_csat() -> None:
    reopened = ticket(
        StatusChange(at=T.add(minutes=20), status="solved"),
        SatisfactionResponse(at=T.add(minutes=30), score=5),
        StatusChange(at=T.add(hours=2), status="open"),
    )
    assert points(reopened, ARCADE) == {"happy_csat": 10}
    # the default keeps the on-time award judged at the first resolution
    assert points(reopened, RecognitionPolicy(zone=ZONE)) == {"on_time": 5, "happy_csat": 10}


def test_arcade_a_ticket_resolved_again_is_scored_again_at_the_new_resolution() -> None:
    again = ticket(
        StatusChange(at=T.add(minutes=20), status="solved"),
        StatusChange(at=T.add(hours=2), status="open"),
        StatusChange(at=T.add(hours=30), status="solved"),
    )
    given_ = awards(again, ARCADE)
    assert [(a.rule, a.points, a.at, a.resolution) for a in given_] == [
        (RecognitionRule.LATE, -5, T.add(hours=30), 2)
    ]
    assert given_[0].key == "recognition:T-1:late:2"
    quick_again = ticket(
        StatusChange(at=T.add(minutes=10), status="solved"),
        StatusChange(at=T.add(minutes=20), status="open"),
        StatusChange(at=T.add(minutes=40), status="solved"),
    )
    # speed is measured from creation; first contact is not earned again
    assert points(quick_again, ARCADE) == {"fast_resolution": 10}


def test_arcade_rescoring_in_the_ledger_withdraws_then_pays_the_new_resolution() -> None:
    ledger = Ledger(policies=Policies(zone=ZONE))
    solved = ticket(StatusChange(at=T.add(minutes=20), status="solved"))
    reopened = ticket(
        StatusChange(at=T.add(minutes=20), status="solved"),
        StatusChange(at=T.add(hours=2), status="open"),
    )
    again = ticket(
        StatusChange(at=T.add(minutes=20), status="solved"),
        StatusChange(at=T.add(hours=2), status="open"),
        StatusChange(at=T.add(hours=3), status="solved"),
    )
    post_awards(ledger, solved, ARCADE, at=T.add(hours=1))
    assert ledger.balance("ann", as_of=T.add(hours=1)).available == 20
    post_awards(ledger, reopened, ARCADE, at=T.add(hours=2))
    assert ledger.balance("ann", as_of=T.add(hours=2)).available == 0
    post_awards(ledger, again, ARCADE, at=T.add(hours=3))
    assert ledger.balance("ann", as_of=T.add(hours=3)).available == 5
    assert post_awards(ledger, again, ARCADE, at=T.add(hours=3)) == ()


def test_arcade_a_month_counts_a_ticket_at_its_latest_resolution() -> None:
    reopened_into_april = ticket(
        StatusChange(at=T.add(minutes=20), status="solved"),
        StatusChange(at=T.add(days=27), status="open"),
        StatusChange(at=pendulum.datetime(2025, 4, 2, tz=ZONE), status="solved"),
    )
    as_of = pendulum.datetime(2025, 5, 1, tz=ZONE)
    march = leaderboard([reopened_into_april], ARCADE, year=2025, month=3, as_of=as_of)
    april = leaderboard([reopened_into_april], ARCADE, year=2025, month=4, as_of=as_of)
    assert march.standings == ()
    assert [(s.agent, s.points, s.samples) for s in april.standings] == [("ann", -5, 1)]


@pytest.mark.parametrize("field", ["speed", "on_time", "rescoring"])
def test_an_unknown_scoring_option_is_refused_naming_its_field(field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RecognitionPolicy(**{field: "sometimes"})  # type: ignore[arg-type]
    assert caught.value.field == field
    assert "'sometimes'" in str(caught.value)


@given(interactions())
def test_exclusive_speed_gives_exactly_one_speed_award_per_scored_resolution(
    interaction: Interaction,
) -> None:
    got = awards(interaction, ARCADE)
    speed = [a for a in got if a.rule in SPEED]
    scored = (
        interaction.assignee() is not None
        and interaction.last_solved_at() is not None
        and interaction.status().is_resolved
    )
    assert len(speed) == (1 if scored else 0)
    for award in speed:
        assert award.at == interaction.last_solved_at()
        assert award.resolution == interaction.resolution_count()


@given(interactions())
def test_the_options_only_move_awards_between_speed_rules(interaction: Interaction) -> None:
    default = {a.rule: a for a in awards(interaction, RecognitionPolicy())}
    exclusive = {a.rule: a for a in awards(interaction, RecognitionPolicy(speed="exclusive"))}
    strict = {
        a.rule: a for a in awards(interaction, RecognitionPolicy(on_time="strictly_before_due"))
    }
    # exclusive drops exactly the on-time award of a fast resolution
    dropped = set(default) - set(exclusive)
    assert dropped <= {RecognitionRule.ON_TIME}
    assert bool(dropped) is (
        RecognitionRule.FAST_RESOLUTION in default and RecognitionRule.ON_TIME in default
    )
    assert set(exclusive) <= set(default)
    # strict moves an on-time award to late only when resolved exactly at the due instant
    if set(strict) != set(default):
        resolved = interaction.first_solved_at()
        assert resolved is not None
        assert resolved == interaction.created_at.add(hours=24)
        assert RecognitionRule.LATE in strict
        assert RecognitionRule.ON_TIME in default


def test_a_model_document_names_the_arcade_options() -> None:
    from servicemodel.model import load_model

    model = load_model(
        {
            "name": "Desk",
            "type": "reactive",
            "channels": ["email"],
            "recognition": {
                "speed": "exclusive",
                "on_time": "strictly_before_due",
                "rescoring": "latest_resolution",
            },
        }
    )
    assert model.recognition is not None
    assert (model.recognition.speed, model.recognition.on_time, model.recognition.rescoring) == (
        SpeedRule.EXCLUSIVE,
        OnTime.STRICTLY_BEFORE_DUE,
        Rescoring.LATEST_RESOLUTION,
    )
