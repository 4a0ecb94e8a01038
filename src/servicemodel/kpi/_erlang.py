"""Erlang B and Erlang C: blocking and waiting probabilities, integer, fractional and exact.

Erlang B uses the recursion B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1)), never
A**N / N!, so it stays finite and accurate at thousands of agents. Erlang C is
N B / (N - A (1 - B)); when N <= A the queue is unstable and the probability
of waiting is exactly 1 (never more). :mod:`servicemodel.kpi.staffing` is
their public home.

>>> round(erlang_b(5, 3), 4), round(erlang_c(5, 3), 4)
(0.1101, 0.2362)
"""

from __future__ import annotations

import math
from fractions import Fraction

from .._validators import integer
from ..exceptions import ValidationError
from ._special import upper_gamma_scaled

_MAX_AGENTS = 1_000_000
_MAX_QUEUE_TERMS = 2_000_000


def _agents(value: object, field: str = "agents") -> int:
    return integer(value, field=field, low=0, high=_MAX_AGENTS)


def _bounded(value: object, field: str, what: str) -> float:
    """*value* as a float if it is a real number in [0, a million]; an error naming *field* if not."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | Fraction)
        or not 0 <= value <= _MAX_AGENTS
        or value != value
    ):
        raise ValidationError(
            f"'{field}' must be {what} between 0 and {_MAX_AGENTS} (got {value!r})",
            field=field,
            value=value,
        )
    return float(value)


def _traffic(value: object) -> float:
    return _bounded(value, "traffic", "a number of Erlangs")


def _share(value: object, field: str, *, low_open: bool, high_open: bool) -> Fraction:
    ok = not isinstance(value, bool) and isinstance(value, int | float | Fraction)
    exact = Fraction(repr(value)) if isinstance(value, float) and ok else value
    if ok and isinstance(exact, int | Fraction):
        too_low = exact <= 0 if low_open else exact < 0
        too_high = exact >= 1 if high_open else exact > 1
        if not too_low and not too_high:
            return Fraction(exact)
    lo, hi = ("(" if low_open else "["), (")" if high_open else "]")
    raise ValidationError(
        f"'{field}' must be a number in {lo}0, 1{hi} (got {value!r})", field=field, value=value
    )


def _climb(b: float, start: float, steps: int, a: float) -> float:
    """Erlang B at start + steps from its value *b* at *start*: B(x) = A B(x-1) / (x + A B(x-1))."""
    for i in range(1, steps + 1):
        b = a * b / (start + i + a * b)
    return b


def erlang_b(agents: int, traffic: float | Fraction) -> float:
    """The Erlang B blocking probability for *agents* servers offered *traffic* Erlangs.

    >>> round(erlang_b(3, 2), 6)
    0.210526
    >>> 0 < erlang_b(3000, 2900.0) < 1
    True
    """
    return _climb(1.0, 0.0, _agents(agents), _traffic(traffic))


def _fractional_agents(value: object) -> float:
    return _bounded(value, "agents", "a number")


def erlang_b_fractional(agents: float | Fraction, traffic: float | Fraction) -> float:
    """Erlang B at a fractional number of agents: the continuous extension.

    B(x, A) = A^x e^-A / Gamma(x + 1, A), with Gamma the upper incomplete gamma
    function. It equals :func:`erlang_b` at whole numbers, falls smoothly
    between them, and gives staffing curves without steps. The fractional part
    is evaluated through the incomplete gamma function, the whole part by the
    same recursion as :func:`erlang_b`.

    >>> erlang_b_fractional(3, 2) == erlang_b(3, 2)
    True
    >>> erlang_b(4, 2) < round(erlang_b_fractional(3.5, 2), 6) < erlang_b(3, 2)
    True
    """
    x = _fractional_agents(agents)
    a = _traffic(traffic)
    whole = math.floor(x)
    part = x - whole
    if a == 0:
        return 1.0 if x == 0 else 0.0
    if part == 0:
        return _climb(1.0, 0.0, whole, a)
    return _climb(1 / (a * upper_gamma_scaled(part + 1, a)), part, whole, a)


def required_trunks(traffic: float | Fraction, *, max_blocking: float | Fraction) -> int:
    """The fewest trunks (or agents, when callers are never queued) with blocking at most *max_blocking*.

    Erlang B staffing: the smallest N with B(N, traffic) <= *max_blocking*;
    blocked contacts are lost (busy signal), not queued. One recursion step
    per candidate.

    Raises:
        ValidationError: *traffic* or *max_blocking* is out of range.

    >>> required_trunks(2, max_blocking=0.01)
    7
    >>> required_trunks(10, max_blocking=0.02)
    17
    """
    a = _traffic(traffic)
    target = float(_share(max_blocking, "max_blocking", low_open=True, high_open=True))
    n, b = 0, 1.0
    while b > target:
        if n >= _MAX_AGENTS:
            raise ValidationError(
                f"'max_blocking' needs more than {_MAX_AGENTS} trunks (got {max_blocking!r})",
                field="max_blocking",
                value=max_blocking,
            )
        b = _climb(b, n, 1, a)
        n += 1
    return n


def erlang_b_exact(agents: int, traffic: int | Fraction) -> Fraction:
    """Erlang B in exact rational arithmetic (small inputs: documentation and checks).

    >>> erlang_b_exact(3, 2)
    Fraction(4, 19)
    """
    n = _agents(agents)
    if n > 1_000:
        raise ValidationError(
            f"'agents' must be at most 1000 for exact arithmetic (got {n}); use erlang_b",
            field="agents",
            value=n,
        )
    _traffic(traffic)
    if isinstance(traffic, float):
        raise ValidationError(
            f"'traffic' must be an int or Fraction for exact arithmetic (got {traffic!r})",
            field="traffic",
            value=traffic,
        )
    a = Fraction(traffic)
    b = Fraction(1)
    for i in range(1, n + 1):
        b = a * b / (i + a * b)
    return b


def erlang_c(agents: int, traffic: float | Fraction) -> float:
    """The probability that a contact waits (Erlang C); exactly 1.0 when agents <= traffic.

    >>> round(erlang_c(2, 1), 12), erlang_c(10, 10.0), erlang_c(9, 10.0)
    (0.333333333333, 1.0, 1.0)
    """
    n = _agents(agents)
    a = _traffic(traffic)
    return _wait_probability(n, a, _climb(1.0, 0.0, n, a))  # checked: not again


def _wait_probability(n: float, a: float, b: float) -> float:
    """Erlang C from Erlang B: N B / (N - A (1 - B)), and exactly 1 when N <= A."""
    if n <= a:
        return 1.0
    return min(1.0, n * b / (n - a * (1 - b)))


def erlang_c_fractional(agents: float | Fraction, traffic: float | Fraction) -> float:
    """Erlang C at a fractional number of agents, from :func:`erlang_b_fractional`.

    Exactly 1 when agents <= traffic (the queue is unstable); equal to
    :func:`erlang_c` at whole numbers.

    >>> erlang_c_fractional(2, 1) == erlang_c(2, 1)
    True
    >>> erlang_c(11, 10) < erlang_c_fractional(10.5, 10) < 1
    True
    """
    x = _fractional_agents(agents)
    a = _traffic(traffic)
    return _wait_probability(x, a, erlang_b_fractional(x, a))


def erlang_c_exact(agents: int, traffic: int | Fraction) -> Fraction:
    """Erlang C in exact rational arithmetic; 1 when agents <= traffic.

    >>> erlang_c_exact(2, 1), erlang_c_exact(3, 2)
    (Fraction(1, 3), Fraction(4, 9))
    """
    b = erlang_b_exact(agents, traffic)
    n, a = agents, Fraction(traffic)
    if n <= a:
        return Fraction(1)
    return n * b / (n - a * (1 - b))
