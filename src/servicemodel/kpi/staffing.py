"""Staffing: Erlang B, Erlang C and Erlang A, and how many agents a target needs.

Traffic is in Erlangs (arrivals x handle time, unitless). Everything that is a
time is a duration (``pendulum.Duration`` or ``datetime.timedelta``) and the
arrival rate is an :class:`ArrivalRate` that names its period, so minutes and
seconds never get mixed up.

Erlang B uses the recursion B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1)), never
A**N / N!, so it stays finite and accurate at thousands of agents. Erlang C is
N B / (N - A (1 - B)); when N <= A the queue is unstable and the probability
of waiting is exactly 1 (never more), the service level 0.

The classic example: 100 contacts per 30 minutes, 180 s handle time, 80 % of
contacts answered within 20 s, at most 85 % occupancy, 30 % shrinkage.

>>> import pendulum
>>> plan = required_agents(
...     ArrivalRate(contacts=100, per=pendulum.duration(minutes=30)),
...     pendulum.duration(seconds=180),
...     target_level=0.8, target_time=pendulum.duration(seconds=20),
...     max_occupancy=0.85, shrinkage=0.3)
>>> plan.traffic, plan.agents, plan.positions
(Fraction(10, 1), 14, 20)
>>> plan.wait_probability, plan.service_level
(0.17413193359504983, 0.8883500191794669)
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable
from fractions import Fraction
from typing import final

import attrs
import pendulum

from .._time import duration_from_micros, duration_micros, to_duration
from ..exceptions import OverloadError, ValidationError
from ._erlang import (
    _MAX_AGENTS,
    _MAX_QUEUE_TERMS,
    _agents,
    _climb,
    _share,
    _traffic,
    _wait_probability,
    erlang_b,
    erlang_b_exact,
    erlang_b_fractional,
    erlang_c,
    erlang_c_exact,
    erlang_c_fractional,
    required_trunks,
)
from ._special import beta_regularized_ladder

__all__ = [
    "ArrivalRate",
    "ErlangA",
    "ErlangAStaffing",
    "Staffing",
    "average_speed_of_answer",
    "erlang_a",
    "erlang_a_service_level",
    "erlang_b",
    "erlang_b_exact",
    "erlang_b_fractional",
    "erlang_c",
    "erlang_c_exact",
    "erlang_c_fractional",
    "max_arrival_rate",
    "required_agents",
    "required_agents_erlang_a",
    "required_agents_fractional",
    "required_trunks",
    "schedule_positions",
    "service_level",
]


def _positive_duration_micros(value: object, field: str, *, allow_zero: bool = False) -> int:
    return duration_micros(to_duration(value, field=field, allow_zero=allow_zero))


@final
@attrs.frozen(kw_only=True)
class ArrivalRate:
    """How many contacts arrive per period, e.g. 100 per 30 minutes.

    >>> import pendulum
    >>> r = ArrivalRate(contacts=100, per=pendulum.duration(minutes=30))
    >>> r.traffic(pendulum.duration(seconds=180))
    Fraction(10, 1)
    >>> ArrivalRate(contacts=100, per=30)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'per' must be a duration such as timedelta(hours=4) (got int 30)
    """

    contacts: int | Fraction = attrs.field()
    per: pendulum.Duration = attrs.field()

    @contacts.validator
    def _check_contacts(self, _attribute: object, value: object) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | Fraction)
            or value < 0
            or value > 10**12
        ):
            raise ValidationError(
                "'contacts' must be a non-negative int or Fraction of at most 10**12 "
                f"(got {value!r})",
                field="contacts",
                value=value,
            )

    @per.validator
    def _check_per(self, _attribute: object, value: object) -> None:
        to_duration(value, field="per")

    def per_second(self) -> Fraction:
        """Arrivals per second, exactly.

        >>> import pendulum
        >>> ArrivalRate(contacts=120, per=pendulum.duration(hours=1)).per_second()
        Fraction(1, 30)
        """
        return Fraction(self.contacts) * 1_000_000 / duration_micros(self.per)

    def traffic(self, handle_time: _dt.timedelta) -> Fraction:
        """Offered load in Erlangs: arrivals per second x handle time in seconds.

        >>> import pendulum
        >>> ArrivalRate(contacts=60, per=pendulum.duration(hours=1)).traffic(
        ...     pendulum.duration(minutes=5))
        Fraction(5, 1)
        """
        aht = _positive_duration_micros(handle_time, "handle_time")
        return Fraction(self.contacts) * aht / duration_micros(self.per)


def _sl(n: int, a: float, b: float, target_s: float, aht_s: float) -> tuple[float, float]:
    """(P(wait), service level) for n agents given B(n, a)."""
    if n <= a:
        return 1.0, 0.0
    c = _wait_probability(n, a, b)
    return c, max(0.0, 1 - c * math.exp(-(n - a) * target_s / aht_s))


def service_level(
    agents: int,
    arrival_rate: ArrivalRate,
    handle_time: _dt.timedelta,
    target_time: _dt.timedelta,
) -> float:
    """The share of contacts answered within *target_time* with *agents* agents (Erlang C).

    0.0 when the queue is unstable (agents <= traffic).

    >>> import pendulum
    >>> rate = ArrivalRate(contacts=100, per=pendulum.duration(minutes=30))
    >>> aht, t = pendulum.duration(seconds=180), pendulum.duration(seconds=20)
    >>> [round(service_level(n, rate, aht, t), 5) for n in (10, 11, 12, 13)]
    [0.0, 0.38961, 0.64016, 0.79559]
    """
    n = _agents(agents)
    aht = _positive_duration_micros(handle_time, "handle_time") / 1e6
    target = _positive_duration_micros(target_time, "target_time", allow_zero=True) / 1e6
    a = _traffic(arrival_rate.traffic(handle_time))
    return _sl(n, a, _climb(1.0, 0.0, n, a), target, aht)[1]


def average_speed_of_answer(
    agents: int, arrival_rate: ArrivalRate, handle_time: _dt.timedelta
) -> pendulum.Duration:
    """The mean wait over all contacts (Erlang C): C x AHT / (N - A).

    Raises:
        OverloadError: agents <= traffic: the queue grows without bound, and
            there is no finite mean wait to report (never a negative one).

    >>> import pendulum
    >>> rate = ArrivalRate(contacts=100, per=pendulum.duration(minutes=30))
    >>> round(average_speed_of_answer(14, rate, pendulum.duration(seconds=180)).total_seconds(), 4)
    7.8359
    >>> average_speed_of_answer(10, rate, pendulum.duration(seconds=180))
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.OverloadError: the queue is overloaded: 10 agents for 10.0 Erlangs of traffic (agents must exceed traffic)
    """
    n = _agents(agents)
    aht_us = _positive_duration_micros(handle_time, "handle_time")
    a = _traffic(arrival_rate.traffic(handle_time))
    if n <= a:
        raise OverloadError(agents=n, traffic=a)
    return _asa(_wait_probability(n, a, _climb(1.0, 0.0, n, a)), aht_us, n, a)


def _asa(wait_probability: float, aht_us: int, n: int, a: float) -> pendulum.Duration:
    """Erlang C's mean wait over all contacts, C x AHT / (N - A), for a stable queue."""
    return duration_from_micros(round(wait_probability * aht_us / (n - a)))


def schedule_positions(
    agents: Iterable[int | float | Fraction], *, shrinkage: float | Fraction = 0
) -> int:
    """Positions to schedule for several queues or intervals, rounded once at the end.

    Adds the (fractional) agents each queue or interval needs, grosses the sum
    up for *shrinkage* and rounds up once, so that rounding every part first
    never overstates the total (three queues needing 2.2 agents each need 7
    positions, not 9).

    Raises:
        ValidationError: a negative or non-numeric agent figure, or shrinkage
            outside [0, 1).

    >>> schedule_positions([2.2, 2.2, 2.2])
    7
    >>> schedule_positions([13.05, 4.5], shrinkage=0.3)
    26
    """
    shrink = _share(shrinkage, "shrinkage", low_open=False, high_open=True)
    total = Fraction(0)
    for index, value in enumerate(agents):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float | Fraction)
            or not 0 <= value <= _MAX_AGENTS
        ):
            field = f"agents[{index}]"
            raise ValidationError(
                f"'{field}' must be a number of agents between 0 and {_MAX_AGENTS} (got {value!r})",
                field=field,
                value=value,
            )
        total += Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    return _gross_up(total, shrink)


def _gross_up(agents: int | Fraction, shrinkage: Fraction) -> int:
    """Positions to schedule for *agents* on the phones: grossed up for *shrinkage*, rounded up once."""
    return math.ceil(agents / (1 - shrinkage))


@final
@attrs.frozen(kw_only=True)
class Staffing:
    """A staffing answer: agents on the phones, positions to schedule, and what they achieve.

    ``positions`` is ``agents`` grossed up for shrinkage (ceil(agents / (1 -
    shrinkage))). ``asa`` is the mean wait over all contacts.

    >>> import pendulum
    >>> plan = required_agents(ArrivalRate(contacts=100, per=pendulum.duration(minutes=30)),
    ...     pendulum.duration(seconds=180), target_level=0.8,
    ...     target_time=pendulum.duration(seconds=20))
    >>> round(plan.asa.total_seconds(), 4), plan.occupancy
    (7.8359, 0.7142857142857143)
    """

    traffic: Fraction
    agents: int
    positions: int
    wait_probability: float
    service_level: float
    asa: pendulum.Duration
    occupancy: float


def _first_n(a: float) -> int:
    return math.floor(a) + 1


def required_agents(
    arrival_rate: ArrivalRate,
    handle_time: _dt.timedelta,
    *,
    target_level: float | Fraction,
    target_time: _dt.timedelta,
    max_occupancy: float | Fraction | None = None,
    shrinkage: float | Fraction = 0,
) -> Staffing:
    """The fewest agents that answer *target_level* of contacts within *target_time*.

    Also respects *max_occupancy* (traffic / agents at most this) and grosses
    up for *shrinkage* (the share of paid time agents are not available).
    Runs in time linear in the answer (one Erlang B step per candidate).

    Args:
        arrival_rate: contacts per period.
        handle_time: the average handle time, a duration.
        target_level: share of contacts to answer in time, in (0, 1).
        target_time: the answer-time threshold, a duration (zero allowed).
        max_occupancy: optional cap on traffic / agents, in (0, 1].
        shrinkage: share of paid time lost to breaks, training, ..., in [0, 1).

    Raises:
        ValidationError: an argument is out of range.

    >>> import pendulum
    >>> required_agents(ArrivalRate(contacts=100, per=pendulum.duration(minutes=30)),
    ...     pendulum.duration(minutes=3), target_level=0.8, target_time=pendulum.duration(seconds=20),
    ...     max_occupancy=0.6).agents
    17
    """
    level = _share(target_level, "target_level", low_open=True, high_open=True)
    occupancy_cap = (
        None
        if max_occupancy is None
        else _share(max_occupancy, "max_occupancy", low_open=True, high_open=False)
    )
    shrink = _share(shrinkage, "shrinkage", low_open=False, high_open=True)
    aht_us = _positive_duration_micros(handle_time, "handle_time")
    target_us = _positive_duration_micros(target_time, "target_time", allow_zero=True)
    traffic = arrival_rate.traffic(handle_time)
    a = _traffic(traffic)
    n = _first_n(a)
    b = _climb(1.0, 0.0, n, a)  # Erlang B of checked values
    floor_n = 0 if occupancy_cap is None else math.ceil(traffic / occupancy_cap)
    while True:
        c, sl = _sl(n, a, b, target_us / 1e6, aht_us / 1e6)
        if sl >= level and n >= floor_n:
            break
        if n >= _MAX_AGENTS:
            raise ValidationError(
                f"'target_level' needs more than {_MAX_AGENTS} agents (got {target_level!r})",
                field="target_level",
                value=target_level,
            )
        b = _climb(b, n, 1, a)
        n += 1
    return Staffing(
        traffic=traffic,
        agents=n,
        positions=_gross_up(n, shrink),
        wait_probability=c,
        service_level=sl,
        asa=_asa(c, aht_us, n, a),
        occupancy=a / n,
    )


def required_agents_fractional(
    arrival_rate: ArrivalRate,
    handle_time: _dt.timedelta,
    *,
    target_level: float | Fraction,
    target_time: _dt.timedelta,
) -> float:
    """The fractional number of agents at which the service level reaches the target.

    Linear interpolation of SL between the last integer N below the target
    and the first at or above it (useful for spreading agents over intervals).

    >>> import pendulum
    >>> n = required_agents_fractional(ArrivalRate(contacts=100, per=pendulum.duration(minutes=30)),
    ...     pendulum.duration(seconds=180), target_level=0.8,
    ...     target_time=pendulum.duration(seconds=20))
    >>> 13 < n < 14, round(n, 3)
    (True, 13.047)
    """
    whole = required_agents(
        arrival_rate, handle_time, target_level=target_level, target_time=target_time
    )
    level = float(_share(target_level, "target_level", low_open=True, high_open=True))
    below = service_level(whole.agents - 1, arrival_rate, handle_time, target_time)
    step = whole.service_level - below
    if step <= 0:  # pragma: no cover - SL strictly increases past the stability point
        return float(whole.agents)
    return whole.agents - 1 + (level - below) / step


def max_arrival_rate(
    agents: int,
    handle_time: _dt.timedelta,
    *,
    target_level: float | Fraction,
    target_time: _dt.timedelta,
    per: _dt.timedelta,
) -> ArrivalRate:
    """The largest arrival rate (contacts per *per*) *agents* agents serve at the target.

    Found by bisection on the rate to a millionth of a contact per period;
    the answer is rounded down, so the target still holds at it.

    >>> import pendulum
    >>> r = max_arrival_rate(14, pendulum.duration(seconds=180), target_level=0.8,
    ...     target_time=pendulum.duration(seconds=20), per=pendulum.duration(minutes=30))
    >>> 100 <= r.contacts < 120
    True
    """
    n = _agents(agents)
    level = float(_share(target_level, "target_level", low_open=True, high_open=True))
    period = to_duration(per, field="per")
    to_duration(handle_time, field="handle_time")
    scale = 1_000_000
    # In millionths of a contact per period; the queue is unstable from traffic n.
    low, high = 0, (n * duration_micros(period) * scale) // duration_micros(handle_time) + 1
    while high - low > 1:
        middle = (low + high) // 2
        rate = ArrivalRate(contacts=Fraction(middle, scale), per=period)
        if service_level(n, rate, handle_time, target_time) >= level:
            low = middle
        else:
            high = middle
    return ArrivalRate(contacts=Fraction(low, scale), per=period)


@final
@attrs.frozen(kw_only=True)
class ErlangA:
    """Erlang A (M/M/N+M) results: waiting, abandoning, queue length, mean wait, occupancy.

    ``occupancy`` is the share of agent time spent handling: the answered
    traffic (offered traffic less what abandons) over the agents. Under
    abandonment it never passes 1 however large the overload.

    >>> import pendulum
    >>> r = erlang_a(14, ArrivalRate(contacts=100, per=pendulum.duration(minutes=30)),
    ...     pendulum.duration(seconds=180), patience=pendulum.duration(minutes=2))
    >>> r.wait_probability < 0.17413193359504983, 0 < r.abandon_probability < 0.05
    (True, True)
    >>> 0.69 < r.occupancy < 10 / 14
    True
    """

    wait_probability: float
    abandon_probability: float
    mean_queue: float
    mean_wait: pendulum.Duration
    occupancy: float


@attrs.frozen(kw_only=True)
class _Abandoning:
    """The M/M/N+M queue for N agents: rates per second and what an arrival meets.

    ``queue[j]`` is the stationary chance that an arrival finds every agent
    busy and j contacts waiting (arrivals see time averages); ``busy`` the
    chance it finds every agent busy (the sum of ``queue``).
    """

    agents: int
    arrivals: float
    service: float
    abandon: float
    busy: float
    queue: tuple[float, ...]

    @classmethod
    def solve(
        cls,
        agents: int,
        arrival_rate: ArrivalRate,
        handle_time: _dt.timedelta,
        patience: _dt.timedelta,
    ) -> _Abandoning:
        n = _agents(agents)
        if n == 0:
            raise ValidationError(
                "'agents' must be at least 1 for Erlang A (got 0)", field="agents", value=0
            )
        lam = float(arrival_rate.per_second())
        mu = 1e6 / _positive_duration_micros(handle_time, "handle_time")
        theta = 1e6 / _positive_duration_micros(patience, "patience")
        b = erlang_b(n, lam / mu)
        if b == 0.0:  # no arrivals, or so many agents that nobody ever waits
            return cls(agents=n, arrivals=lam, service=mu, abandon=theta, busy=0.0, queue=())
        # t_j = prod_{i=1..j} lam / (n mu + i theta) relative to all-busy-and-none-waiting,
        # in log space, until the terms are e^-50 below the largest and falling.
        logs, log_t = [0.0], 0.0
        while n * mu + len(logs) * theta <= lam or log_t > max(logs) - 50:
            if len(logs) > _MAX_QUEUE_TERMS:
                raise ValidationError(
                    f"'patience' is too long for this overload (got {patience!r}); the queue "
                    "tail does not converge",
                    field="patience",
                    value=patience,
                )
            log_t += math.log(lam) - math.log(n * mu + len(logs) * theta)
            logs.append(log_t)
        top = max(logs)
        weights = [math.exp(t - top) for t in logs]
        # P(n + j in the system) = t_j / (1/B - 1 + sum_j t_j), scaled by e^-top.
        waiting = sum(weights)
        total = (1 / b - 1) * math.exp(-top) + waiting
        return cls(
            agents=n,
            arrivals=lam,
            service=mu,
            abandon=theta,
            busy=min(1.0, waiting / total),
            queue=tuple(w / total for w in weights),
        )

    def result(self) -> ErlangA:
        lam = self.arrivals
        mean_queue = sum(j * p for j, p in enumerate(self.queue))
        p_abandon = min(1.0, self.abandon * mean_queue / lam) if lam > 0 else 0.0
        return ErlangA(
            wait_probability=self.busy,
            abandon_probability=p_abandon,
            mean_queue=mean_queue,
            mean_wait=duration_from_micros(round(mean_queue / lam * 1e6) if lam > 0 else 0),
            occupancy=min(1.0, lam * (1 - p_abandon) / (self.agents * self.service)),
        )

    def answered_within(self, seconds: float) -> float:
        """The share of all arrivals answered within *seconds* (abandons count against).

        An arrival that meets j waiting contacts is answered when j + 1 of the
        contacts ahead have left (rates n mu + i theta for i = j ... 0) before its
        own patience runs out. With c = n mu, that has probability
        (c / theta) / (c / theta + j + 1) I_u(j + 1, c / theta + 1) by time T,
        with u = 1 - e^-theta T and I the regularised incomplete beta function.
        """
        if not self.queue or seconds == 0:
            return 1 - self.busy
        ratio = self.agents * self.service / self.abandon
        ladder = beta_regularized_ladder(
            -math.expm1(-self.abandon * seconds), ratio + 1, len(self.queue)
        )
        waited = sum(p * ratio / (ratio + j + 1) * ladder[j] for j, p in enumerate(self.queue))
        return min(1.0, 1 - self.busy + waited)


def erlang_a(
    agents: int,
    arrival_rate: ArrivalRate,
    handle_time: _dt.timedelta,
    *,
    patience: _dt.timedelta,
) -> ErlangA:
    """Erlang A: Erlang C with customers who give up after an exponential *patience*.

    The queue is always stable. Sums run relative to the all-busy state using
    Erlang B for the lower states, so large agent counts stay finite.

    Raises:
        ValidationError: an argument is out of range (at least one agent), or
            the queue is so overloaded relative to patience that the tail sum
            would not converge within two million terms.

    >>> import pendulum
    >>> r = erlang_a(5, ArrivalRate(contacts=10, per=pendulum.duration(minutes=1)),
    ...     pendulum.duration(minutes=1), patience=pendulum.duration(minutes=1))
    >>> r.wait_probability < 1, r.abandon_probability > 0
    (True, True)
    """
    return _Abandoning.solve(agents, arrival_rate, handle_time, patience).result()


def erlang_a_service_level(
    agents: int,
    arrival_rate: ArrivalRate,
    handle_time: _dt.timedelta,
    *,
    patience: _dt.timedelta,
    target_time: _dt.timedelta,
) -> float:
    """The share of all offered contacts answered within *target_time* under abandonment.

    Contacts that abandon count against the level, whenever they abandon (the
    strictest of the abandon treatments; see ``ServiceLevelFormula``). With
    endless patience it tends to the Erlang C service level.

    >>> import pendulum
    >>> rate = ArrivalRate(contacts=100, per=pendulum.duration(minutes=30))
    >>> aht, t = pendulum.duration(seconds=180), pendulum.duration(seconds=20)
    >>> sl = erlang_a_service_level(12, rate, aht, patience=pendulum.duration(minutes=2),
    ...                             target_time=t)
    >>> service_level(12, rate, aht, t) < sl < 1
    True
    """
    target = _positive_duration_micros(target_time, "target_time", allow_zero=True) / 1e6
    return _Abandoning.solve(agents, arrival_rate, handle_time, patience).answered_within(target)


@final
@attrs.frozen(kw_only=True)
class ErlangAStaffing:
    """The fewest agents that meet a service level under abandonment, and what they achieve.

    >>> import pendulum
    >>> plan = required_agents_erlang_a(ArrivalRate(contacts=100, per=pendulum.duration(minutes=30)),
    ...     pendulum.duration(seconds=180), patience=pendulum.duration(minutes=2),
    ...     target_level=0.8, target_time=pendulum.duration(seconds=20))
    >>> plan.agents, round(plan.service_level, 4)
    (12, 0.8256)
    """

    agents: int
    service_level: float
    result: ErlangA


def required_agents_erlang_a(
    arrival_rate: ArrivalRate,
    handle_time: _dt.timedelta,
    *,
    patience: _dt.timedelta,
    target_level: float | Fraction,
    target_time: _dt.timedelta,
) -> ErlangAStaffing:
    """The fewest agents that answer *target_level* of all contacts within *target_time*.

    Erlang A staffing: callers abandon after an exponential *patience*, and
    abandons count against the level (:func:`erlang_a_service_level`). The
    level rises with each agent, so the answer is found by doubling, then
    bisection: about 2 log2(N) evaluations.

    Raises:
        ValidationError: an argument is out of range, or the target needs
            more than a million agents.

    >>> import pendulum
    >>> rate = ArrivalRate(contacts=100, per=pendulum.duration(minutes=30))
    >>> patient = required_agents_erlang_a(rate, pendulum.duration(seconds=180),
    ...     patience=pendulum.duration(hours=5), target_level=0.8,
    ...     target_time=pendulum.duration(seconds=20))
    >>> patient.agents  # nearly Erlang C's 14: hardly anybody gives up
    14
    """
    level = float(_share(target_level, "target_level", low_open=True, high_open=True))
    target = _positive_duration_micros(target_time, "target_time", allow_zero=True) / 1e6

    def reaches(n: int) -> bool:
        queue = _Abandoning.solve(n, arrival_rate, handle_time, patience)
        return queue.answered_within(target) >= level

    low, high = 0, 1  # the level is missed at `low` (0 agents answer nobody), met at `high`
    while not reaches(high):
        if high >= _MAX_AGENTS:
            raise ValidationError(
                f"'target_level' needs more than {_MAX_AGENTS} agents (got {target_level!r})",
                field="target_level",
                value=target_level,
            )
        low, high = high, min(2 * high, _MAX_AGENTS)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if reaches(middle) else (middle, high)
    queue = _Abandoning.solve(high, arrival_rate, handle_time, patience)
    return ErlangAStaffing(
        agents=high, service_level=queue.answered_within(target), result=queue.result()
    )
