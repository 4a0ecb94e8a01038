"""Staffing: Erlang B/C/A exact values, the classic example, stability and the inverses."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel.exceptions import OverloadError, ValidationError
from servicemodel.kpi.staffing import (
    ArrivalRate,
    average_speed_of_answer,
    erlang_a,
    erlang_a_service_level,
    erlang_b,
    erlang_b_exact,
    erlang_b_fractional,
    erlang_c,
    erlang_c_exact,
    erlang_c_fractional,
    max_arrival_rate,
    required_agents,
    required_agents_erlang_a,
    required_agents_fractional,
    required_trunks,
    schedule_positions,
    service_level,
)

RATE = ArrivalRate(contacts=100, per=pendulum.duration(minutes=30))
AHT = pendulum.duration(seconds=180)
TWENTY = pendulum.duration(seconds=20)


def test_exact_values_from_the_reference() -> None:
    assert erlang_c_exact(2, 1) == Fraction(1, 3)
    assert erlang_c_exact(3, 2) == Fraction(4, 9)
    assert erlang_b_exact(3, 2) == Fraction(4, 19)
    assert erlang_b(3, 2) == pytest.approx(4 / 19, rel=1e-15)
    assert erlang_c(2, 1) == pytest.approx(1 / 3, rel=1e-15)


def test_classic_example_100_per_30_minutes_180_s_80_in_20_s() -> None:
    plan = required_agents(
        RATE, AHT, target_level=0.8, target_time=TWENTY, max_occupancy=0.85, shrinkage=0.3
    )
    assert plan.traffic == 10
    assert plan.agents == 14
    assert plan.positions == 20
    assert plan.wait_probability == 0.17413193359504983
    assert plan.service_level == 0.8883500191794669
    assert round(plan.asa.total_seconds(), 4) == 7.8359
    assert plan.occupancy == 0.7142857142857143


@pytest.mark.parametrize(
    ("agents", "p_wait", "sl"),
    [(11, 0.68212, 0.38961), (12, 0.44939, 0.64016), (13, 0.28527, 0.79559)],
)
def test_classic_example_with_fewer_agents(agents: int, p_wait: float, sl: float) -> None:
    assert round(erlang_c(agents, 10), 5) == p_wait
    assert round(service_level(agents, RATE, AHT, TWENTY), 5) == sl


def test_durations_in_any_unit_give_the_same_answer() -> None:
    minutes = required_agents(
        ArrivalRate(contacts=200, per=pendulum.duration(hours=1)),
        dt.timedelta(minutes=3),
        target_level=0.8,
        target_time=dt.timedelta(seconds=20),
    )
    assert minutes.agents == 14
    assert minutes.traffic == 10


def test_unstable_queue_waits_with_probability_one_never_more() -> None:
    for agents in range(11):
        assert erlang_c(agents, 10.0) == 1.0
        assert service_level(agents, RATE, AHT, TWENTY) == 0.0


@given(st.integers(1, 3000), st.floats(0.01, 3000))
def test_probabilities_stay_in_unit_interval_at_scale(agents: int, traffic: float) -> None:
    assert 0.0 <= erlang_b(agents, traffic) <= 1.0
    assert 0.0 <= erlang_c(agents, traffic) <= 1.0


def test_stable_at_two_thousand_five_hundred_agents() -> None:
    big = ArrivalRate(contacts=50_000, per=pendulum.duration(hours=1))  # 2,500 Erlangs
    plan = required_agents(big, AHT, target_level=0.8, target_time=TWENTY)
    assert 2_500 < plan.agents < 2_600
    assert 0.0 < plan.wait_probability < 1.0
    assert 0.8 <= plan.service_level < 1.0
    below = service_level(plan.agents - 1, big, AHT, TWENTY)
    assert below < 0.8


@given(st.integers(11, 40), st.integers(0, 120), st.integers(0, 120))
def test_service_level_is_non_decreasing_in_the_threshold(agents: int, t1: int, t2: int) -> None:
    low, high = sorted((t1, t2))
    assert service_level(agents, RATE, AHT, dt.timedelta(seconds=low)) <= service_level(
        agents, RATE, AHT, dt.timedelta(seconds=high)
    )


def test_fractional_agents_lie_between_the_integers() -> None:
    n = required_agents_fractional(RATE, AHT, target_level=0.8, target_time=TWENTY)
    assert 13 < n < 14


def test_inverse_max_arrival_rate_meets_the_target_and_one_more_does_not() -> None:
    rate = max_arrival_rate(
        14, AHT, target_level=0.8, target_time=TWENTY, per=pendulum.duration(minutes=30)
    )
    assert service_level(14, rate, AHT, TWENTY) >= 0.8
    more = ArrivalRate(contacts=rate.contacts + Fraction(1, 1000), per=rate.per)
    assert service_level(14, more, AHT, TWENTY) < 0.8


def test_occupancy_cap_and_shrinkage() -> None:
    plan = required_agents(RATE, AHT, target_level=0.5, target_time=TWENTY, max_occupancy=0.6)
    assert plan.agents == 17
    assert plan.occupancy <= 0.6
    assert (
        required_agents(
            RATE, AHT, target_level=0.8, target_time=TWENTY, shrinkage=Fraction(1, 2)
        ).positions
        == 28
    )


def test_erlang_a_tends_to_erlang_c_with_endless_patience_and_is_stable_overloaded() -> None:
    patient = erlang_a(14, RATE, AHT, patience=pendulum.duration(days=300))
    assert patient.wait_probability == pytest.approx(0.17413193359504983, rel=1e-4)
    overloaded = erlang_a(
        2000,
        ArrivalRate(contacts=50_000, per=pendulum.duration(hours=1)),
        AHT,
        patience=pendulum.duration(minutes=2),
    )
    assert overloaded.wait_probability == 1.0
    assert overloaded.abandon_probability == pytest.approx(0.2, rel=1e-6)


def test_bad_arguments_are_refused_with_the_field_named() -> None:
    with pytest.raises(ValidationError, match="'per' must be a duration"):
        ArrivalRate(contacts=100, per=30)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"'target_level' must be a number in \(0, 1\)"):
        required_agents(RATE, AHT, target_level=1.0, target_time=TWENTY)
    with pytest.raises(ValidationError, match=r"'shrinkage' must be a number in \[0, 1\)"):
        required_agents(RATE, AHT, target_level=0.8, target_time=TWENTY, shrinkage=1)
    with pytest.raises(ValidationError, match="'handle_time' must be a duration"):
        required_agents(RATE, 180, target_level=0.8, target_time=TWENTY)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'agents' must be an integer"):
        erlang_b(-1, 2.0)


# --- Erlang B staffing and the continuous (fractional-agent) extension ----------------------


def _erlang_b_direct(n: int, a: Fraction) -> Fraction:
    """Erlang B from its definition, (A^n / n!) / sum_{k<=n} A^k / k!, exactly."""
    term, total = Fraction(1), Fraction(1)
    for k in range(1, n + 1):
        term = term * a / k
        total += term
    return term / total


def _erlang_b_by_gamma(x: float, a: float) -> float:
    """B(x, A) = A^x e^-A / Gamma(x + 1, A), through SciPy's regularised incomplete gamma."""
    from scipy.special import gammaincc, gammaln

    return float(math.exp(x * math.log(a) - a - gammaln(x + 1)) / gammaincc(x + 1, a))


@given(
    st.floats(min_value=0, max_value=300, allow_nan=False),
    st.floats(min_value=0.01, max_value=300, allow_nan=False),
)
def test_fractional_erlang_b_matches_the_incomplete_gamma_formula(x: float, a: float) -> None:
    expected = _erlang_b_by_gamma(x, a)
    assert math.isclose(erlang_b_fractional(x, a), expected, rel_tol=1e-9, abs_tol=1e-300)


@given(st.integers(0, 400), st.floats(min_value=0, max_value=400, allow_nan=False))
def test_fractional_erlang_b_is_erlang_b_at_whole_agents(n: int, a: float) -> None:
    assert erlang_b_fractional(n, a) == erlang_b(n, a)
    assert erlang_c_fractional(n, a) == erlang_c(n, a)


@given(
    st.floats(min_value=0, max_value=200, allow_nan=False),
    st.floats(min_value=0.001, max_value=5, allow_nan=False),
    st.floats(min_value=0.01, max_value=200, allow_nan=False),
)
def test_fractional_erlang_b_and_c_fall_as_agents_grow(x: float, step: float, a: float) -> None:
    before, after = erlang_b_fractional(x, a), erlang_b_fractional(x + step, a)
    assert after < before or before < 1e-290  # strictly, until floats underflow
    assert erlang_c_fractional(x + step, a) <= erlang_c_fractional(x, a)


@pytest.mark.parametrize("n", [1, 2, 7, 30])
def test_fractional_erlang_b_is_continuous_at_whole_agents(n: int) -> None:
    at = erlang_b(n, 6.5)
    for side in (n - 1e-7, n + 1e-7):
        assert erlang_b_fractional(side, 6.5) == pytest.approx(at, rel=1e-6)


def test_fractional_erlang_c_is_one_when_agents_do_not_exceed_traffic() -> None:
    assert erlang_c_fractional(9.5, 10) == 1.0
    assert erlang_c_fractional(10.0, 10) == 1.0
    assert 0 < erlang_c_fractional(10.25, 10) < 1


@given(st.floats(min_value=0.2, max_value=60, allow_nan=False), st.integers(0, 6))
def test_fractional_erlang_c_matches_the_incomplete_gamma_formula(a: float, extra: int) -> None:
    x = a + extra + 0.37
    b = _erlang_b_by_gamma(x, a)
    expected = x * b / (x - a * (1 - b))
    assert math.isclose(erlang_c_fractional(x, a), expected, rel_tol=1e-9)


def test_fractional_erlang_b_without_traffic_blocks_nobody_once_there_is_an_agent() -> None:
    assert erlang_b_fractional(0, 0) == 1.0
    assert erlang_b_fractional(0.5, 0) == 0.0


@pytest.mark.parametrize("agents", [-0.5, math.nan, math.inf, "3", True, 2_000_000])
def test_fractional_erlang_refuses_bad_agents_by_name(agents: object) -> None:
    with pytest.raises(ValidationError, match="'agents'") as caught:
        erlang_b_fractional(agents, 3)  # type: ignore[arg-type]
    assert caught.value.field == "agents"


@given(st.integers(0, 40), st.sampled_from([0.001, 0.01, 0.02, 0.05, 0.1, 0.3, 0.9]))
def test_required_trunks_is_the_fewest_with_blocking_at_most_the_target(
    traffic: int, blocking: float
) -> None:
    n = required_trunks(traffic, max_blocking=blocking)
    target = Fraction(repr(blocking))
    assert _erlang_b_direct(n, Fraction(traffic)) <= target
    if n > 0:
        assert _erlang_b_direct(n - 1, Fraction(traffic)) > target


def test_required_trunks_textbook_values() -> None:
    # Erlang B tables: 2 E at 1 % needs 7 lines, 10 E at 2 % needs 17.
    assert required_trunks(2, max_blocking=0.01) == 7
    assert required_trunks(10, max_blocking=0.02) == 17
    assert required_trunks(0, max_blocking=0.5) == 1


@pytest.mark.parametrize("blocking", [0, 1, -0.1, 1.5, "1%"])
def test_required_trunks_refuses_a_blocking_target_outside_zero_one(blocking: object) -> None:
    with pytest.raises(ValidationError, match="'max_blocking'"):
        required_trunks(3, max_blocking=blocking)  # type: ignore[arg-type]


# --- Erlang A: occupancy, service level under abandonment, staffing --------------------------


def _chain(n: int, lam: float, mu: float, theta: float, states: int = 400) -> list[float]:
    """The M/M/n+M stationary distribution: birth-death products over a truncated chain."""
    weights = [1.0]
    for k in range(1, states):
        weights.append(weights[-1] * lam / (min(k, n) * mu + max(0, k - n) * theta))
    total = sum(weights)
    return [w / total for w in weights]


def _answered_by(most: int, n: int, mu: float, theta: float, seconds: float) -> list[float]:
    """P(a tagged arrival meeting j waiting is answered by *seconds*), j = 0..most.

    The tagged contact's own chain (0..most contacts ahead, then 'answered' or
    'abandoned') run forward by uniformisation: sum over m of
    Poisson(m; L t) P^m, with L the largest exit rate.
    """
    exits = [n * mu + ahead * theta + theta for ahead in range(most + 1)]
    rate = max(exits)
    # state vectors for every start at once: chance[j][ahead]; answered[j] accumulates
    chance = [[1.0 if ahead == j else 0.0 for ahead in range(most + 1)] for j in range(most + 1)]
    absorbed = [0.0] * (most + 1)  # P(answered within m jumps), per start
    answered = [0.0] * (most + 1)
    poisson = math.exp(-rate * seconds)
    left = 1.0
    m = 0
    while left > 1e-13 and m < 100_000:
        for j in range(most + 1):
            answered[j] += poisson * absorbed[j]
        left -= poisson
        m += 1
        poisson *= rate * seconds / m
        for j in range(most + 1):
            row = chance[j]
            absorbed[j] += row[0] * (n * mu) / rate
            moved = [0.0] * (most + 1)
            for ahead in range(most + 1):
                if row[ahead]:
                    stay = 1 - exits[ahead] / rate
                    moved[ahead] += row[ahead] * stay
                    if ahead:
                        moved[ahead - 1] += row[ahead] * (n * mu + ahead * theta) / rate
            chance[j] = moved
    return answered


@settings(max_examples=40)  # the oracle is slow; the law holds for each example on its own
@given(
    st.integers(1, 6),
    st.floats(min_value=0.2, max_value=3),
    st.floats(min_value=0.5, max_value=3),
    st.floats(min_value=0.3, max_value=2),
    st.floats(min_value=0, max_value=4),
)
def test_erlang_a_matches_a_numerically_solved_birth_death_chain(
    n: int, lam: float, mu: float, theta: float, seconds: float
) -> None:
    contacts = Fraction(lam).limit_denominator(10**6)
    rate = ArrivalRate(contacts=contacts, per=pendulum.duration(seconds=1))
    lam = float(rate.per_second())
    handle = dt.timedelta(microseconds=round(1e6 / mu))
    patience = dt.timedelta(microseconds=round(1e6 / theta))
    mu, theta = 1e6 / round(1e6 / mu), 1e6 / round(1e6 / theta)
    pi = _chain(n, lam, mu, theta)
    result = erlang_a(n, rate, handle, patience=patience)
    assert result.wait_probability == pytest.approx(sum(pi[n:]), abs=1e-9)
    queue = sum((k - n) * p for k, p in enumerate(pi) if k > n)
    assert result.mean_queue == pytest.approx(queue, abs=1e-8)
    assert result.abandon_probability == pytest.approx(theta * queue / lam, abs=1e-9)
    busy_agents = sum(min(k, n) * p for k, p in enumerate(pi))
    assert result.occupancy == pytest.approx(busy_agents / n, abs=1e-9)
    target = dt.timedelta(microseconds=round(seconds * 1e6))
    answered = _answered_by(40, n, mu, theta, target.total_seconds())
    level = sum(pi[:n]) + sum(pi[n + j] * answered[j] for j in range(41))
    got = erlang_a_service_level(n, rate, handle, patience=patience, target_time=target)
    assert got == pytest.approx(level, abs=1e-9)


def test_erlang_a_service_level_tends_to_erlang_c_with_endless_patience() -> None:
    patient = erlang_a_service_level(
        14, RATE, AHT, patience=pendulum.duration(days=3000), target_time=TWENTY
    )
    assert patient == pytest.approx(service_level(14, RATE, AHT, TWENTY), rel=1e-4)


def test_erlang_a_service_level_rises_with_agents_and_target_time() -> None:
    patience = pendulum.duration(minutes=2)
    by_agents = [
        erlang_a_service_level(n, RATE, AHT, patience=patience, target_time=TWENTY)
        for n in range(1, 20)
    ]
    assert by_agents == sorted(by_agents)
    by_time = [
        erlang_a_service_level(
            10, RATE, AHT, patience=patience, target_time=pendulum.duration(seconds=s)
        )
        for s in (0, 10, 20, 60, 600)
    ]
    assert by_time == sorted(by_time)
    assert by_time[0] == pytest.approx(
        1 - erlang_a(10, RATE, AHT, patience=patience).wait_probability
    )


def test_erlang_a_occupancy_stays_below_one_however_large_the_overload() -> None:
    flood = ArrivalRate(contacts=10_000, per=pendulum.duration(minutes=30))
    result = erlang_a(10, flood, AHT, patience=pendulum.duration(seconds=30))
    assert 0.99 < result.occupancy <= 1
    assert 0.9 < result.abandon_probability < 1


@given(st.sampled_from([0.5, 0.7, 0.8, 0.9, 0.95]), st.integers(10, 400))
def test_required_agents_erlang_a_is_the_fewest_that_meet_the_target(
    level: float, patience_s: int
) -> None:
    patience = pendulum.duration(seconds=patience_s)
    plan = required_agents_erlang_a(
        RATE, AHT, patience=patience, target_level=level, target_time=TWENTY
    )
    at = erlang_a_service_level(plan.agents, RATE, AHT, patience=patience, target_time=TWENTY)
    assert plan.service_level == at >= level
    below = (
        erlang_a_service_level(plan.agents - 1, RATE, AHT, patience=patience, target_time=TWENTY)
        if plan.agents > 1
        else 0.0
    )
    assert below < level
    assert plan.result == erlang_a(plan.agents, RATE, AHT, patience=patience)


def test_erlang_a_needs_an_agent() -> None:
    with pytest.raises(ValidationError, match="at least 1 for Erlang A"):
        erlang_a(0, RATE, AHT, patience=pendulum.duration(minutes=1))


# --- rounding once, and overload said as such ----------------------------------------------


@given(
    st.lists(st.fractions(min_value=0, max_value=50, max_denominator=100), max_size=12),
    st.sampled_from([Fraction(0), Fraction(1, 4), Fraction(3, 10)]),
)
def test_schedule_positions_rounds_the_sum_once(parts: list[Fraction], shrinkage: Fraction) -> None:
    total = sum(parts, Fraction(0)) / (1 - shrinkage)
    positions = schedule_positions(parts, shrinkage=shrinkage)
    assert positions - 1 < total <= positions
    rounded_each = sum(math.ceil(p / (1 - shrinkage)) for p in parts)
    assert positions <= rounded_each


def test_three_queues_of_two_point_two_agents_need_seven_positions_not_nine() -> None:
    assert schedule_positions([2.2, 2.2, 2.2]) == 7
    assert sum(schedule_positions([2.2]) for _ in range(3)) == 9


def test_schedule_positions_refuses_a_bad_part_by_index() -> None:
    with pytest.raises(ValidationError, match=r"'agents\[1\]'") as caught:
        schedule_positions([1, -2])
    assert caught.value.value == -2
    with pytest.raises(ValidationError, match="'shrinkage'"):
        schedule_positions([1], shrinkage=1)


def test_average_speed_of_answer_is_the_classic_example_and_overload_is_an_error() -> None:
    assert round(average_speed_of_answer(14, RATE, AHT).total_seconds(), 4) == 7.8359
    plan = required_agents(RATE, AHT, target_level=0.8, target_time=TWENTY)
    assert average_speed_of_answer(plan.agents, RATE, AHT) == plan.asa
    for agents in (0, 9, 10):
        with pytest.raises(OverloadError) as caught:
            average_speed_of_answer(agents, RATE, AHT)
        assert (caught.value.agents, caught.value.traffic) == (agents, 10.0)
        assert isinstance(caught.value, ValueError)


@given(st.integers(0, 30), st.integers(1, 600))
def test_overload_never_gives_a_probability_above_one_or_a_negative_level(
    agents: int, contacts: int
) -> None:
    rate = ArrivalRate(contacts=contacts, per=pendulum.duration(hours=1))
    assert 0 <= erlang_c(agents, float(rate.traffic(AHT))) <= 1
    assert 0 <= service_level(agents, rate, AHT, TWENTY) <= 1
    assert 0 <= erlang_c_fractional(agents + 0.5, float(rate.traffic(AHT))) <= 1
