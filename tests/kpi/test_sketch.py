"""The relative-error sketch: exact merges, alpha-bounded quantiles, one bucket per value."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.kpi import FirstReplyTime, QuantileMethod, RelativeErrorSketch, quantile

values = st.lists(st.integers(0, 10**13), max_size=40)


def sketch_of(xs: list[int], alpha: float = 0.01) -> RelativeErrorSketch:
    s = RelativeErrorSketch.empty(alpha=alpha)
    s.add_many(xs)
    return s


@given(values, values, values)
def test_merge_is_associative_commutative_with_empty_identity(
    a: list[int], b: list[int], c: list[int]
) -> None:
    sa, sb, sc = sketch_of(a), sketch_of(b), sketch_of(c)
    assert sa.merge(sb) == sb.merge(sa)
    assert sa.merge(sb).merge(sc) == sa.merge(sb.merge(sc))
    assert sa.merge(RelativeErrorSketch.empty()) == sa
    assert sa.merge(sb) == sketch_of(a + b)


@given(values)
def test_numpy_path_puts_every_value_in_the_same_bucket(xs: list[int]) -> None:
    vector = RelativeErrorSketch.empty()
    vector.add_array(np.array(xs, dtype=np.int64))
    assert vector == sketch_of(xs)


@given(
    st.lists(st.integers(0, 10**12), min_size=1, max_size=200), st.sampled_from([0.005, 0.01, 0.05])
)
def test_kth_value_is_within_alpha_relative_error(xs: list[int], alpha: float) -> None:
    s = sketch_of(xs, alpha)
    ordered = sorted(xs)
    for k, exact in enumerate(ordered):
        assert abs(float(s.kth(k)) - exact) <= alpha * exact * (1 + 1e-12)


@given(
    st.lists(st.integers(1, 10**10), min_size=1, max_size=300),
    st.fractions(0, 1, max_denominator=100),
    st.sampled_from(list(QuantileMethod)),
)
def test_duration_quantiles_from_the_sketch_are_within_alpha_of_exact(
    xs: list[int], q: object, method: QuantileMethod
) -> None:
    acc = FirstReplyTime.empty(exact_limit=0, alpha=0.01)
    for x in xs:
        acc._add_micros(x)
    estimate = acc.quantile(q, method=method)  # type: ignore[arg-type]
    exact = quantile(xs, q, method=method)  # type: ignore[arg-type]
    got = estimate.days * 86_400_000_000 + estimate.seconds * 1_000_000 + estimate.microseconds
    assert abs(got - exact) <= 0.01 * exact + 1  # +1: rounded to the microsecond


def test_json_and_pickle_round_trip() -> None:
    s = sketch_of([0, 5, 5, 10**9])
    assert RelativeErrorSketch.from_json(s.to_json()) == s
    assert pickle.loads(pickle.dumps(s)) == s


def test_bad_input_is_refused_and_changes_nothing() -> None:
    s = sketch_of([1, 2])
    before = s.to_json()
    with pytest.raises(ValidationError, match="'value' must be an integer number of microseconds"):
        s.add_many([3, -1])
    with pytest.raises(ValidationError):
        s.add_array(np.array([3, -1]))
    assert s.to_json() == before
    with pytest.raises(ValidationError, match="'alpha' must be a relative error"):
        RelativeErrorSketch.empty(alpha=0.0)
    with pytest.raises(ValidationError, match="'alpha' must match"):
        s.merge(RelativeErrorSketch.empty(alpha=0.02))
    with pytest.raises(ValidationError, match="'bins' must hold"):
        RelativeErrorSketch.from_json({"alpha": 0.01, "zeros": 0, "bins": [[-1, 3]]})
    with pytest.raises(ValidationError, match="'sketch' must be a dict"):
        RelativeErrorSketch.from_json({"alpha": 0.01})
    with pytest.raises(EmptySampleError):
        RelativeErrorSketch.empty().kth(0)
