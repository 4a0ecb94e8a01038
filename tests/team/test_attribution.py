"""Who a scorecard credits: the first reply by the named attribution, CSAT by the rating time."""

from __future__ import annotations

from fractions import Fraction

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel import Assignment, Interaction, Message, SatisfactionResponse, StatusChange
from servicemodel.exceptions import ValidationError
from servicemodel.team import Attribution, build_scorecards
from servicemodel.testing import interactions

T = pendulum.datetime(2024, 6, 3, 9)
START = pendulum.datetime(2024, 6, 1)
END = pendulum.datetime(2024, 7, 1)
ONE = dict.fromkeys(("first_reply_time", "resolution_time", "fcr", "csat"), 1)


def handed_over(id: str = "T-1") -> Interaction:
    """Ann holds it (billing) and Bob replies; it moves to Cid (refunds), then gets a bot reply."""
    return Interaction(
        id=id,
        customer_id="C",
        channel="email",
        created_at=T,
        events=[
            Assignment(at=T, agent_id="ann", group="billing"),
            Message(at=T.add(minutes=1), author="bot", author_id="helper"),
            Message(at=T.add(minutes=10), author="agent", author_id="bob"),
            Assignment(at=T.add(minutes=30), agent_id="cid", group="refunds"),
            StatusChange(at=T.add(hours=1), status="solved"),
        ],
    )


def first_reply_cards(attribution: Attribution | str, data: list[Interaction]) -> dict[str, int]:
    cards = build_scorecards(
        data, start=START, end=END, minimum_samples=ONE, attribution=attribution
    )
    return {
        c.agent_id: c.figure("first_reply_time").n for c in cards if c.is_shown("first_reply_time")
    }


@pytest.mark.parametrize(
    ("attribution", "credited"),
    [
        (Attribution.LAST_ASSIGNEE, "cid"),
        (Attribution.REPLIER, "bob"),
        (Attribution.ASSIGNEE_AT_REPLY, "ann"),
        (Attribution.TEAM_AT_REPLY, "billing"),
        ("replier", "bob"),
    ],
)
def test_the_first_reply_is_credited_by_the_named_attribution(
    attribution: Attribution | str, credited: str
) -> None:
    assert first_reply_cards(attribution, [handed_over()]) == {credited: 1}


def test_the_first_reply_figure_moves_with_its_credit_and_the_rest_stays() -> None:
    cards = {
        c.agent_id: c
        for c in build_scorecards(
            [handed_over()], start=START, end=END, minimum_samples=ONE, attribution="replier"
        )
    }
    assert cards["bob"].figure("first_reply_time").value == Fraction(600)
    assert cards["bob"].volume == 0
    assert cards["cid"].volume == 1
    assert cards["cid"].figure("resolution_time").value == Fraction(3600)
    assert not cards["cid"].is_shown("first_reply_time")


def test_a_bot_never_gets_credit() -> None:
    bot_reply_only = Interaction(
        id="T-2",
        customer_id="C",
        channel="chat",
        created_at=T,
        events=[
            Assignment(at=T, agent_id="helper"),
            Message(at=T.add(minutes=1), author="bot", author_id="helper"),
            StatusChange(at=T.add(minutes=2), status="solved"),
            SatisfactionResponse(at=T.add(minutes=3), score=5),
        ],
    )
    for attribution in Attribution:
        cards = build_scorecards(
            [bot_reply_only],
            start=START,
            end=END,
            minimum_samples=ONE,
            attribution=attribution,
            bots=["helper"],
        )
        assert cards == ()
    # without naming the bot, the assignment alone would have earned "helper" a card
    assert [c.agent_id for c in build_scorecards([bot_reply_only], start=START, end=END)] == [
        "helper"
    ]


def test_a_csat_response_stays_with_the_agent_who_handled_it_when_rated() -> None:
    rated_then_moved = Interaction(
        id="T-3",
        customer_id="C",
        channel="email",
        created_at=T,
        events=[
            Assignment(at=T, agent_id="ann"),
            Message(at=T.add(minutes=5), author="agent", author_id="ann"),
            StatusChange(at=T.add(minutes=10), status="solved"),
            SatisfactionResponse(at=T.add(hours=1), score=1),
            Assignment(at=T.add(days=1), agent_id="bob"),
        ],
    )
    cards = {
        c.agent_id: c
        for c in build_scorecards([rated_then_moved], start=START, end=END, minimum_samples=ONE)
    }
    assert cards["ann"].figure("csat").value == 0
    assert cards["ann"].figure("csat").n == 1
    assert not cards["bob"].is_shown("csat")
    assert cards["bob"].volume == 1


def test_an_unknown_attribution_or_a_single_bot_id_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        build_scorecards([], start=START, end=END, attribution="owner")
    assert caught.value.field == "attribution"
    with pytest.raises(ValidationError) as caught:
        build_scorecards([], start=START, end=END, bots="helper")
    assert caught.value.field == "bots"


AGENTS = st.sampled_from(["a", "b", "c"])


@st.composite
def handled(draw: st.DrawFn) -> Interaction:
    item = draw(interactions(max_events=4))
    first = Assignment(at=item.created_at, agent_id=draw(AGENTS), group=draw(AGENTS))
    return attrs.evolve(item, events=[first, *item.events])


@given(st.lists(handled(), max_size=4, unique_by=lambda i: i.id), st.sampled_from(Attribution))
def test_every_answered_interaction_credits_its_first_reply_once_and_never_a_bot(
    items: list[Interaction], attribution: Attribution
) -> None:
    start = pendulum.datetime(2000, 1, 1)
    end = pendulum.datetime(2040, 1, 1)
    cards = build_scorecards(
        items,
        start=start,
        end=end,
        minimum_samples=ONE,
        attribution=attribution,
        bots=["c"],
    )
    credited = sum(c.figure("first_reply_time").n for c in cards if c.is_shown("first_reply_time"))
    expected = 0
    for item in items:
        reply = item.first_reply()
        if reply is None:
            continue
        if attribution is Attribution.LAST_ASSIGNEE:
            who = item.assignee()
        elif attribution is Attribution.REPLIER:
            who = reply.author_id
        elif attribution is Attribution.ASSIGNEE_AT_REPLY:
            who = item.as_of(reply.at).assignee()
        else:
            who = item.as_of(reply.at).group()
        expected += who is not None and who != "c"
    assert credited == expected
    assert all(c.agent_id != "c" for c in cards)
