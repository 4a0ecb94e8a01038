"""Recognition rules, leaderboards and the employee of the month; one test per rule."""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel.exceptions import ValidationError
from servicemodel.interactions import (
    Assignment,
    Event,
    Interaction,
    Message,
    SatisfactionResponse,
    StatusChange,
)
from servicemodel.kpi import Csat, Fcr, ResolutionTime
from servicemodel.loyalty import Ledger, Policies
from servicemodel.team import (
    MonthTally,
    OnTime,
    RecognitionPolicy,
    RecognitionRule,
    Rescoring,
    SpeedRule,
    TieBreak,
    awards,
    employee_of_the_month,
    leaderboard,
    post_awards,
)
from servicemodel.testing import interactions

ZONE = "Europe/Warsaw"
T = pendulum.datetime(2025, 3, 3, 9, tz=ZONE)
POLICY = RecognitionPolicy(zone=ZONE, minimum_samples=1)
HALF_HOUR = pendulum.duration(minutes=30)


def ticket(
    id: str,
    *,
    agent: str | None = "ann",
    solve_after: pendulum.Duration | None = HALF_HOUR,
    replies: int = 1,
    start: pendulum.DateTime = T,
    extra: tuple[Event, ...] = (),
) -> Interaction:
    events: list[Event] = []
    if agent is not None:
        events.append(Assignment(at=start, agent_id=agent))
    events.extend(
        Message(at=start.add(minutes=1 + i), author="agent", author_id=agent)
        for i in range(replies)
    )
    if solve_after is not None:
        events.append(StatusChange(at=start + solve_after, status="solved"))
    events.extend(extra)
    return Interaction(id=id, customer_id="c", channel="email", created_at=start, events=events)


def rules_of(interaction: Interaction, **kwargs: object) -> dict[RecognitionRule, int]:
    return {a.rule: a.points for a in awards(interaction, POLICY, **kwargs)}  # type: ignore[arg-type]


def test_fast_resolution_is_strictly_under_one_hour() -> None:
    assert RecognitionRule.FAST_RESOLUTION in rules_of(
        ticket("a", solve_after=pendulum.duration(minutes=59))
    )
    exactly = rules_of(ticket("b", solve_after=pendulum.duration(hours=1)))
    assert RecognitionRule.FAST_RESOLUTION not in exactly


def test_on_time_before_due_and_late_after_it_loses_points() -> None:
    on_time = rules_of(ticket("a", solve_after=pendulum.duration(hours=23)))
    assert on_time[RecognitionRule.ON_TIME] == 5
    late = rules_of(ticket("b", solve_after=pendulum.duration(hours=25)))
    assert late[RecognitionRule.LATE] == -5
    assert RecognitionRule.ON_TIME not in late
    given_due = rules_of(ticket("c", solve_after=pendulum.duration(hours=3)), due=T.add(hours=2))
    assert given_due[RecognitionRule.LATE] == -5


def test_first_contact_resolution_needs_at_most_one_agent_reply() -> None:
    assert rules_of(ticket("a", replies=1))[RecognitionRule.FIRST_CONTACT] == 10
    assert RecognitionRule.FIRST_CONTACT not in rules_of(ticket("b", replies=2))


def test_happy_and_unhappy_csat() -> None:
    happy = ticket("a", extra=(SatisfactionResponse(at=T.add(hours=2), score=5),))
    unhappy = ticket("b", extra=(SatisfactionResponse(at=T.add(hours=2), score=1),))
    neutral = ticket("c", extra=(SatisfactionResponse(at=T.add(hours=2), score=3),))
    assert rules_of(happy)[RecognitionRule.HAPPY_CSAT] == 10
    assert rules_of(unhappy)[RecognitionRule.UNHAPPY_CSAT] == -5
    assert not {RecognitionRule.HAPPY_CSAT, RecognitionRule.UNHAPPY_CSAT} & set(rules_of(neutral))


def test_a_reopen_removes_speed_and_fcr_points_but_keeps_csat_points() -> None:
    reopened = ticket(
        "a",
        extra=(
            SatisfactionResponse(at=T.add(minutes=40), score=5),
            StatusChange(at=T.add(hours=2), status="open"),
            StatusChange(at=T.add(hours=3), status="solved"),
        ),
    )
    got = rules_of(reopened)
    assert RecognitionRule.FAST_RESOLUTION not in got
    assert RecognitionRule.FIRST_CONTACT not in got
    assert got[RecognitionRule.HAPPY_CSAT] == 10
    assert got[RecognitionRule.ON_TIME] == 5
    before_reopen = rules_of(reopened, as_of=T.add(hours=1))
    assert RecognitionRule.FAST_RESOLUTION in before_reopen


def test_no_assignee_no_points() -> None:
    assert (
        awards(
            ticket("a", agent=None, extra=(SatisfactionResponse(at=T.add(hours=1), score=5),)),
            POLICY,
        )
        == ()
    )
    assert awards(ticket("b", solve_after=None), POLICY) == ()


def test_posting_awards_is_idempotent_and_a_reopen_withdraws_them_in_the_ledger() -> None:
    ledger = Ledger(policies=Policies(zone=ZONE))
    solved = ticket("a")
    post_awards(ledger, solved, POLICY, at=T.add(hours=1))
    assert ledger.balance("ann", as_of=T.add(hours=1)).available == 25
    assert post_awards(ledger, solved, POLICY, at=T.add(hours=1)) == ()
    reopened = ticket("a", extra=(StatusChange(at=T.add(hours=2), status="open"),))
    post_awards(ledger, reopened, POLICY, at=T.add(hours=2))
    assert ledger.balance("ann", as_of=T.add(hours=2)).available == 5
    late = ticket("b", solve_after=pendulum.duration(hours=30), replies=2)
    post_awards(ledger, late, POLICY, at=T.add(hours=31))
    assert ledger.balance("ann", as_of=T.add(hours=31)).available == 0  # within balance: no debt
    assert ledger.balance("ann", as_of=T.add(hours=31)).debt == 0


def test_monthly_leaderboard_uses_the_organisation_timezone_and_minimum_samples() -> None:
    # 01:00 on 1 April in Warsaw is 23:00 on 31 March in UTC.
    edge = pendulum.datetime(2025, 4, 1, 1, 0, tz=ZONE)
    data = [
        ticket("a1", agent="ann"),
        ticket("a2", agent="ann", start=edge),
        ticket("b1", agent="bob"),
        ticket("b2", agent="bob", start=T.add(days=1), replies=2),
    ]
    after = pendulum.datetime(2025, 5, 1, tz=ZONE)
    policy = RecognitionPolicy(zone=ZONE, minimum_samples=2)
    board = leaderboard(data, policy, year=2025, month=3, as_of=after)
    assert [(s.agent, s.points, s.samples, s.rank) for s in board.standings] == [("bob", 40, 2, 1)]
    assert [(s.agent, s.samples, s.rank) for s in board.below_minimum] == [("ann", 1, 0)]
    in_utc = RecognitionPolicy(zone="UTC", minimum_samples=2)
    utc_board = leaderboard(data, in_utc, year=2025, month=3, as_of=after)
    assert [(s.agent, s.points, s.rank) for s in utc_board.standings] == [
        ("ann", 50, 1),
        ("bob", 40, 2),
    ]


def test_a_months_board_counts_a_log_reaching_into_the_month_not_one_over_before_it() -> None:
    march = pendulum.datetime(2025, 3, 1, tz=ZONE)
    before = march.subtract(hours=2)
    data = [
        # solved a second before March: nothing of it is dated in March
        ticket("over", agent="ann", start=before, solve_after=pendulum.duration(seconds=7199)),
        # solved at the first instant of March: it counts
        ticket("edge", agent="bob", start=before, solve_after=pendulum.duration(hours=2)),
        # solved in February, rated in March: the rating counts
        ticket(
            "rated",
            agent="cat",
            start=march.subtract(days=3),
            extra=(SatisfactionResponse(at=march.add(days=1), score=5),),
        ),
    ]
    board = leaderboard(data, POLICY, year=2025, month=3, as_of=march.add(months=1))
    standings = {s.agent: (s.points, s.samples) for s in (*board.standings, *board.below_minimum)}
    assert set(standings) == {"bob", "cat"}
    assert standings["bob"][1] == 1
    assert standings["cat"] == (POLICY.happy_points, 0)


@pytest.mark.parametrize(
    ("tie_break", "winners"),
    [(TieBreak.EARLIEST_TO_SCORE, ("bob",)), (TieBreak.CO_WINNERS, ("ann", "bob"))],
)
def test_ties_are_broken_by_the_named_rule(tie_break: TieBreak, winners: tuple[str, ...]) -> None:
    data = [ticket("a", agent="ann", start=T.add(days=2)), ticket("b", agent="bob", start=T)]
    policy = RecognitionPolicy(zone=ZONE, minimum_samples=1, tie_break=tie_break)
    result = employee_of_the_month(
        data, policy, year=2025, month=3, as_of=pendulum.datetime(2025, 4, 2, tz=ZONE)
    )
    assert result.winners == winners
    assert result.points == 25


def test_employee_of_a_past_month_is_the_same_whenever_it_is_computed() -> None:
    march = [ticket("a", agent="ann"), ticket("b", agent="bob", replies=3)]
    # In April, ann's ticket is reopened and rated badly, and bob gets a late happy rating.
    april = [
        ticket(
            "a",
            agent="ann",
            extra=(
                StatusChange(at=pendulum.datetime(2025, 4, 2, tz=ZONE), status="open"),
                SatisfactionResponse(at=pendulum.datetime(2025, 4, 3, tz=ZONE), score=1),
            ),
        ),
        ticket(
            "b",
            agent="bob",
            replies=3,
            extra=(SatisfactionResponse(at=pendulum.datetime(2025, 4, 3, tz=ZONE), score=5),),
        ),
    ]
    first = employee_of_the_month(
        march, POLICY, year=2025, month=3, as_of=pendulum.datetime(2025, 4, 1, tz=ZONE)
    )
    later = employee_of_the_month(
        april, POLICY, year=2025, month=3, as_of=pendulum.datetime(2026, 1, 1, tz=ZONE)
    )
    assert first == later
    assert first.winners == ("ann",)
    with pytest.raises(ValidationError, match="'as_of' must be after the month 2025-03 ends"):
        employee_of_the_month(
            march, POLICY, year=2025, month=3, as_of=pendulum.datetime(2025, 3, 31, tz=ZONE)
        )


def test_recognition_policy_refuses_bad_values() -> None:
    with pytest.raises(ValidationError, match="'csat' must be 'top_two_box' or 'top_box'"):
        RecognitionPolicy(csat="good_over_good_and_bad")
    with pytest.raises(ValidationError, match="'tie_break' must be"):
        RecognitionPolicy(tie_break="coin_toss")


def test_a_close_without_a_solve_resolves_as_the_kpis_count_it() -> None:
    closed = ticket(
        "a", solve_after=None, extra=(StatusChange(at=T.add(minutes=40), status="closed"),)
    )
    got = awards(closed, POLICY)
    assert {a.rule for a in got} == {
        RecognitionRule.FAST_RESOLUTION,
        RecognitionRule.ON_TIME,
        RecognitionRule.FIRST_CONTACT,
    }
    assert all(a.at == T.add(minutes=40) for a in got)
    resolution = ResolutionTime.empty()
    resolution.add(closed)
    assert resolution.result().n == 1


def test_first_contact_is_the_fcr_kpi_so_a_reply_after_the_solve_counts() -> None:
    # One reply before the solve and one after it (no reopen): the FCR KPI
    # (one touch) does not count this as resolved at first contact, and
    # neither does recognition.
    late_reply = ticket(
        "a", extra=(Message(at=T.add(minutes=45), author="agent", author_id="ann"),)
    )
    fcr = Fcr.empty()
    fcr.add(late_reply)
    assert fcr.result().value == 0
    assert RecognitionRule.FIRST_CONTACT not in rules_of(late_reply)


@pytest.mark.parametrize(
    ("variant", "happy", "unhappy"),
    [("top_two_box", {4, 5}, {1, 2}), ("top_box", {5}, {1, 2})],
)
def test_happy_and_unhappy_ratings_are_what_the_csat_kpi_counts(
    variant: str, happy: set[int], unhappy: set[int]
) -> None:
    policy = RecognitionPolicy(zone=ZONE, csat=variant)
    for score in range(1, 6):
        rated = ticket("a", extra=(SatisfactionResponse(at=T.add(hours=2), score=score),))
        rules = {a.rule for a in awards(rated, policy)}
        assert (RecognitionRule.HAPPY_CSAT in rules) is (score in happy)
        assert (RecognitionRule.UNHAPPY_CSAT in rules) is (score in unhappy)
        csat = Csat.empty(variant=variant)
        csat.add(score)
        assert (csat.result().value == 1) is (score in happy)


@given(interactions())
def test_awards_agree_with_the_interaction_facts_and_the_kpis(interaction: Interaction) -> None:
    got = {a.rule: a for a in awards(interaction, POLICY)}
    resolved = interaction.first_solved_at()
    if interaction.assignee() is None or resolved is None:
        assert got == {}
        return
    timed = got.get(RecognitionRule.ON_TIME) or got[RecognitionRule.LATE]
    assert timed.at == resolved
    fcr = Fcr.empty()
    fcr.add(interaction)
    first_contact = fcr.result().value == 1 and interaction.reopen_count() == 0
    assert (RecognitionRule.FIRST_CONTACT in got) is first_contact
    score = interaction.satisfaction()
    assert (RecognitionRule.HAPPY_CSAT in got) is (score is not None and score >= 4)
    assert (RecognitionRule.UNHAPPY_CSAT in got) is (score is not None and score <= 2)


TICKETS = st.lists(
    st.builds(
        lambda agent, hours, late, score: ticket(
            f"t{hours}-{agent}-{late}-{score}",
            agent=agent,
            start=T.add(hours=hours),
            solve_after=pendulum.duration(hours=30) if late else HALF_HOUR,
            extra=(SatisfactionResponse(at=T.add(hours=hours + 31), score=score),),
        ),
        st.sampled_from(["ann", "bob"]),
        st.integers(0, 6),
        st.booleans(),
        st.sampled_from([1, 5]),
    ),
    max_size=8,
)


@settings(max_examples=25)
@given(data=TICKETS, cut=st.integers(0, 8), tie_break=st.sampled_from(TieBreak))
def test_month_tallies_of_parts_merge_to_the_board_of_the_whole(
    data: list[Interaction], cut: int, tie_break: TieBreak
) -> None:
    # Awards at equal instants and negative points (late, unhappy) make the order of a
    # month's awards matter to when an agent reached its total.
    policy = RecognitionPolicy(zone=ZONE, minimum_samples=1, tie_break=tie_break)
    month = {"year": 2025, "month": 3, "as_of": pendulum.datetime(2025, 4, 2, tz=ZONE)}
    first, second = MonthTally(policy, **month), MonthTally(policy, **month)  # type: ignore[arg-type]
    for interaction in data[:cut]:
        first.add(interaction)
    for interaction in data[cut:]:
        second.add(interaction)
    whole = leaderboard(reversed(data), policy, **month)  # type: ignore[arg-type]
    before = second.result()
    assert first.merge(second).result() == whole == second.merge(first).result()
    assert second.result() == before


def _across_the_month_end(
    agent: str, hours: int, late: bool, score: int, reopen: bool
) -> Interaction:
    """A ticket created near the end of March whose solve, reopen and rating may fall in April."""
    start = pendulum.datetime(2025, 3, 30, tz=ZONE).add(hours=hours)
    later = (
        (
            StatusChange(at=start.add(hours=31), status="open"),
            StatusChange(at=start.add(hours=32), status="solved"),
        )
        if reopen
        else ()
    )
    rating = (SatisfactionResponse(at=start.add(hours=33), score=score),)
    return ticket(
        f"t{hours}-{agent}-{late}-{score}-{reopen}",
        agent=agent,
        start=start,
        solve_after=pendulum.duration(hours=30) if late else HALF_HOUR,
        extra=later + rating,
    )


@settings(max_examples=40)
@given(
    data=st.lists(
        st.builds(
            _across_the_month_end,
            st.sampled_from(["ann", "bob"]),
            st.integers(0, 50),
            st.booleans(),
            st.sampled_from([1, 5]),
            st.booleans(),
        ),
        max_size=6,
    ),
    rescoring=st.sampled_from(Rescoring),
    speed=st.sampled_from(SpeedRule),
    on_time=st.sampled_from(OnTime),
)
def test_a_months_board_sums_the_awards_dated_in_it_as_the_logs_stood_at_its_end(
    data: list[Interaction], rescoring: Rescoring, speed: SpeedRule, on_time: OnTime
) -> None:
    # The board dates each award by its event's instant as an integer; awards() dates the
    # same awards as instants: one rule, so the points per agent agree, month by month.
    policy = RecognitionPolicy(
        zone=ZONE, minimum_samples=1, rescoring=rescoring, speed=speed, on_time=on_time
    )
    for year, month in ((2025, 3), (2025, 4)):
        start = pendulum.datetime(year, month, 1, tz=ZONE)
        end = start.add(months=1)
        expected: dict[str, int] = {}
        for interaction in data:
            for award in awards(interaction, policy, as_of=end.subtract(microseconds=1)):
                if start <= award.at < end:
                    expected[award.agent] = expected.get(award.agent, 0) + award.points
        board = leaderboard(data, policy, year=year, month=month, as_of=end.add(days=1))
        got = {s.agent: s.points for s in (*board.standings, *board.below_minimum)}
        assert {agent: got.get(agent, 0) for agent in expected} == expected
        assert all(points == expected.get(agent, 0) for agent, points in got.items())
