"""The relative-error sketch: exact merges, alpha-bounded quantiles, one bucket per value.

Each value's bucket is checked against the definition (the smallest i with
floor(gamma^i) >= x), ``kth`` against the sorted values, ``grouped`` (both
its counting paths) against one sketch per cell, and every refusal by its
exact sentence, field and value.
"""

from __future__ import annotations

import datetime as dt
import math
import pickle
from collections import Counter
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.kpi import FirstReplyTime, QuantileMethod, RelativeErrorSketch, quantile
from servicemodel.kpi._sketch import MAX_MICROS, _bounds, bucket_of

values = st.lists(st.integers(0, 10**13), max_size=40)


def sketch_of(xs: list[int], alpha: float = 0.01) -> RelativeErrorSketch:
    s = RelativeErrorSketch.empty(alpha=alpha)
    for x in xs:
        s.add(x)
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
        acc.add_duration(dt.timedelta(microseconds=x))
    estimate = acc.quantile(q, method=method)  # type: ignore[arg-type]
    exact = quantile(xs, q, method=method)  # type: ignore[arg-type]
    got = estimate.days * 86_400_000_000 + estimate.seconds * 1_000_000 + estimate.microseconds
    assert abs(got - exact) <= 0.01 * exact + 1  # +1: rounded to the microsecond


def test_json_and_pickle_round_trip() -> None:
    s = sketch_of([0, 5, 5, 10**9])
    assert RelativeErrorSketch.from_json(s.to_json()) == s
    assert pickle.loads(pickle.dumps(s)) == s


def bucket(alpha: float, x: int) -> int:
    """The bucket of x > 0 by its definition: the smallest i with floor(gamma^i) >= x."""
    gamma = (1 + alpha) / (1 - alpha)
    i = 0
    while math.floor(gamma**i) < x:
        i += 1
    return i


def representative(alpha: float, x: int) -> Fraction:
    if x == 0:
        return Fraction(0)
    gamma = (1 + alpha) / (1 - alpha)
    return Fraction(2 * gamma ** bucket(alpha, x) / (gamma + 1))


EDGE_VALUES = [0, 1, 2, 3, 50, 51, 52, 99, 100, 101, 1_000_000, MAX_MICROS - 1, MAX_MICROS]


@pytest.mark.parametrize("alpha", [0.01, 0.2, 0.0005, 0.5])
def test_every_value_falls_in_the_bucket_its_definition_gives(alpha: float) -> None:
    bounds = _bounds(alpha)[0]
    near = {x for b in bounds[:60] for x in (b - 1, b, b + 1) if 0 < x <= MAX_MICROS}
    xs = sorted(near | {MAX_MICROS})
    for x in xs:
        assert bucket_of(alpha, x) == bucket(alpha, x)
    array_sketch = RelativeErrorSketch.empty(alpha=alpha)
    array_sketch.add_array(np.array(xs, dtype=np.int64))
    assert array_sketch == sketch_of(xs, alpha)
    tally = Counter(bucket(alpha, x) for x in xs)
    assert array_sketch.to_json()["bins"] == [[i, tally[i]] for i in sorted(tally)]


@pytest.mark.parametrize("alpha", [0.01, 0.1])
def test_kth_is_the_representative_of_the_kth_sorted_value(alpha: float) -> None:
    values = [0, 0, 7, 7, 100, 3, 1_000_000, 1, 250, 3_600_000_000]
    ordered = sorted(values)
    s = sketch_of(values, alpha)
    array_sketch = RelativeErrorSketch.empty(alpha=alpha)
    array_sketch.add_array(np.array(values))
    find = s.kth_finder()
    for k, x in enumerate(ordered):
        expected = representative(alpha, x)
        assert s.kth(k) == expected
        assert array_sketch.kth(k) == expected
        assert find(k) == expected
        assert abs(expected - x) <= alpha * x * (1 + 1e-12)


@pytest.mark.parametrize("k", [-1, 3, 10])
def test_kth_outside_the_sketch_is_refused_by_name(k: int) -> None:
    s = sketch_of([5, 0, 9])
    for call in (s.kth, s.kth_finder()):
        with pytest.raises(ValidationError) as caught:
            call(k)
        assert str(caught.value) == f"'k' must be an integer from 0 to 2 (got {k})"
        assert (caught.value.field, caught.value.value) == ("k", k)


def test_kth_of_an_empty_sketch_says_so() -> None:
    with pytest.raises(EmptySampleError) as caught:
        RelativeErrorSketch.empty().kth(0)
    assert str(caught.value) == "a quantile needs at least one observation (got 0)"


def test_a_sketch_of_zeros_only_answers_zero() -> None:
    s = RelativeErrorSketch.empty()
    s.add_array(np.zeros(4, dtype=np.int64))
    assert s.count == 4
    assert s.kth(3) == 0
    assert s.to_json() == {"alpha": 0.01, "zeros": 4, "bins": []}


@pytest.mark.parametrize("alpha", [0.0005, 0.5, 0.01])
def test_alpha_bounds_are_inclusive(alpha: float) -> None:
    assert RelativeErrorSketch.empty(alpha=alpha).alpha == float(alpha)
    assert type(RelativeErrorSketch.empty(alpha=alpha).alpha) is float


@pytest.mark.parametrize("alpha", [0.00049, 0.51, 0, 0.0, True, "0.01", None])
def test_a_bad_alpha_is_refused_by_name(alpha: object) -> None:
    for call in (
        lambda: RelativeErrorSketch.empty(alpha=alpha),  # type: ignore[arg-type]
        lambda: RelativeErrorSketch.grouped(np.array([1]), np.array([0]), 1, alpha=alpha),  # type: ignore[arg-type]
    ):
        with pytest.raises(ValidationError) as caught:
            call()
        assert str(caught.value) == (
            f"'alpha' must be a relative error between 0.0005 and 0.5 (got {alpha!r})"
        )
        assert caught.value.field == "alpha"
        assert caught.value.value is alpha


@pytest.mark.parametrize("bad", [-1, -(10**6), MAX_MICROS + 1])
def test_a_bad_value_in_an_array_is_refused_by_name_and_adds_nothing(bad: int) -> None:
    values = np.array([5, bad, 0, 7], dtype=np.int64)
    s = sketch_of([3])
    before = s.to_json()
    sentence = f"'value' must be an integer from 0 to {MAX_MICROS} (got {bad})"
    for call in (
        lambda: s.add_array(values),
        lambda: RelativeErrorSketch.grouped(values, np.array([0, 0, 1, 1]), 2),
        lambda: s.add(bad),
        lambda: s.add_many([1, bad]),
    ):
        with pytest.raises(ValidationError) as caught:
            call()
        assert str(caught.value) == sentence
        assert (caught.value.field, caught.value.value) == ("value", bad)
    assert s.to_json() == before
    assert s.count == 1


def test_a_negative_and_a_too_large_value_together_name_the_negative_one() -> None:
    with pytest.raises(ValidationError) as caught:
        RelativeErrorSketch.empty().add_array(np.array([MAX_MICROS + 1, -3]))
    assert caught.value.value == -3
    with pytest.raises(ValidationError) as caught:
        RelativeErrorSketch.grouped(np.array([MAX_MICROS + 1, -3]), np.array([0, 0]), 1)
    assert caught.value.value == -3


def test_the_extreme_values_are_accepted_by_every_path() -> None:
    values = [0, 1, MAX_MICROS]
    s = RelativeErrorSketch.empty()
    s.add_array(np.array(values))
    (g,) = RelativeErrorSketch.grouped(np.array(values), np.array([0, 0, 0]), 1)
    assert s == g == sketch_of(values)
    assert s.count == g.count == 3


def test_adding_an_empty_array_changes_nothing() -> None:
    s = sketch_of([4, 0])
    s.add_array(np.array([], dtype=np.int64))
    assert s == sketch_of([4, 0])
    assert s.count == 2


def test_adding_arrays_accumulates_into_existing_buckets() -> None:
    s = sketch_of([100, 0, 5])
    s.add_array(np.array([100, 100, 0, 6_000, 5]))
    assert s == sketch_of([100, 0, 5, 100, 100, 0, 6_000, 5])
    assert s.count == 8
    assert s.to_json()["zeros"] == 2


def per_cell(
    values: list[int], cells: list[int], count: int, alpha: float
) -> list[RelativeErrorSketch]:
    return [
        sketch_of([v for v, c in zip(values, cells, strict=True) if c == cell], alpha)
        for cell in range(count)
    ]


def assert_same(made: list[RelativeErrorSketch], expected: list[RelativeErrorSketch]) -> None:
    assert len(made) == len(expected)
    for got, want in zip(made, expected, strict=True):
        assert got == want
        assert got.count == want.count
        assert got.alpha == want.alpha
        assert got.to_json() == want.to_json()


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**12) | st.sampled_from([0, 1, 2, MAX_MICROS]), st.integers(0, 4)
        ),
        max_size=40,
    ),
    st.sampled_from([0.01, 0.05]),
)
def test_grouped_builds_the_sketch_of_each_cell(pairs: list[tuple[int, int]], alpha: float) -> None:
    values = [v for v, _ in pairs]
    cells = [c for _, c in pairs]
    made = RelativeErrorSketch.grouped(
        np.array(values, dtype=np.int64), np.array(cells, dtype=np.int64), 5, alpha=alpha
    )
    assert_same(made, per_cell(values, cells, 5, alpha))


def test_grouped_with_a_large_table_counts_with_unique() -> None:
    # 2,000 cells x about 1,700 buckets is past the bincount limit (2**20 entries).
    rng = np.random.default_rng(7)
    count = 2_000
    # No value below 1,000: the lowest bucket is not 0, so keys are offset by it.
    values = [1_000, 10**15, 0, *rng.integers(1_000, 10**12, 500).tolist()]
    cells = [0, count - 1, 5, *rng.integers(0, count, 500).tolist()]
    made = RelativeErrorSketch.grouped(np.array(values), np.array(cells), count)
    assert_same(made, per_cell(values, cells, count, 0.01))


def test_grouped_at_the_bincount_limit_and_just_past_it() -> None:
    # span = buckets between the smallest and largest value; span * count against 2**20.
    alpha = 0.01
    for count in (1, 2, 3):
        values = [1, 10**15, 10**15, 0]
        cells = [0, count - 1, 0, count - 1]
        made = RelativeErrorSketch.grouped(np.array(values), np.array(cells), count, alpha=alpha)
        assert_same(made, per_cell(values, cells, count, alpha))


def test_grouped_cells_with_nothing_are_empty_and_first_and_last_cells_count() -> None:
    made = RelativeErrorSketch.grouped(np.array([5, 0, 9, 9]), np.array([0, 3, 3, 0]), 5)
    assert [m.count for m in made] == [2, 0, 0, 2, 0]
    assert made[1] == RelativeErrorSketch.empty()
    assert made[0] == sketch_of([5, 9])
    assert made[3] == sketch_of([0, 9])
    assert made[3].kth(0) == 0


def test_grouped_of_nothing_gives_empty_sketches() -> None:
    made = RelativeErrorSketch.grouped(
        np.array([], dtype=np.int64), np.array([], dtype=np.int64), 3
    )
    assert [m.count for m in made] == [0, 0, 0]
    assert all(m == RelativeErrorSketch.empty() for m in made)
    assert RelativeErrorSketch.grouped(np.array([0, 0]), np.array([1, 1]), 2)[1].count == 2


def test_sketches_of_different_alpha_do_not_merge() -> None:
    with pytest.raises(ValidationError) as caught:
        RelativeErrorSketch.empty(alpha=0.01).merge(RelativeErrorSketch.empty(alpha=0.02))
    assert str(caught.value) == "'alpha' must match to merge sketches (got 0.02 and 0.01)"
    assert (caught.value.field, caught.value.value) == ("alpha", 0.02)


def test_merge_and_copy_leave_their_operands_alone() -> None:
    a, b = sketch_of([1, 100, 0]), sketch_of([100, 5])
    merged = a.merge(b)
    assert merged == sketch_of([1, 100, 0, 100, 5])
    assert merged.count == 5
    assert a == sketch_of([1, 100, 0])
    assert b == sketch_of([100, 5])
    copy = a.copy()
    copy.add(7)
    assert a.count == 3
    assert copy.count == 4


@pytest.mark.parametrize("bad", [True, False, 5.0, "5", None])
def test_a_value_that_is_not_an_integer_is_refused_by_name(bad: object) -> None:
    s = sketch_of([3])
    calls: list[Callable[[], None]] = [
        lambda: s.add(bad),  # type: ignore[arg-type]
        lambda: s.add_many([1, bad]),  # type: ignore[list-item]
    ]
    for call in calls:
        with pytest.raises(ValidationError) as caught:
            call()
        assert str(caught.value) == (
            f"'value' must be an integer from 0 to {MAX_MICROS} (got {bad!r})"
        )
        assert caught.value.field == "value"
        assert caught.value.value is bad
    assert s == sketch_of([3])


def test_from_json_accepts_the_last_bucket_and_empty_counts_and_sums_repeated_buckets() -> None:
    top = len(_bounds(0.01)[0]) - 1
    s = RelativeErrorSketch.from_json(
        {"alpha": 0.01, "zeros": 0, "bins": [[0, 1], [top, 2], [5, 0], [7, 2], [7, 3]]}
    )
    assert s.to_json() == {"alpha": 0.01, "zeros": 0, "bins": [[0, 1], [7, 5], [top, 2]]}
    assert s.count == 8


@pytest.mark.parametrize(
    ("pair", "shown"),
    [
        ([-1, 1], "index -1"),
        (["top", 1], "index 'top'"),
        ([1.0, 1], "index 1.0"),
        ([True, 1], "index True"),
        ([3, -1], "count -1"),
        ([3, 2.0], "count 2.0"),
        ([3, "2"], "count '2'"),
        ([3, False], "count False"),
    ],
)
def test_from_json_refuses_a_bad_bin_by_name(pair: list[object], shown: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RelativeErrorSketch.from_json({"alpha": 0.01, "zeros": 0, "bins": [[1, 1], pair]})
    assert str(caught.value) == f"'bins' must hold [index, count] integer pairs (got {shown})"
    assert caught.value.field == "bins"
    assert caught.value.value is pair[0 if shown.startswith("index") else 1]


def test_from_json_refuses_a_bucket_past_the_last() -> None:
    limit = len(_bounds(0.01)[0])
    with pytest.raises(ValidationError) as caught:
        RelativeErrorSketch.from_json({"alpha": 0.01, "zeros": 0, "bins": [[limit, 1]]})
    assert str(caught.value) == f"'bins' must hold [index, count] integer pairs (got index {limit})"
    assert caught.value.value == limit


@pytest.mark.parametrize("zeros", [-1, 2.0, "2", True, None])
def test_from_json_refuses_bad_zeros_by_name(zeros: object) -> None:
    with pytest.raises(ValidationError) as caught:
        RelativeErrorSketch.from_json({"alpha": 0.01, "zeros": zeros, "bins": []})
    assert str(caught.value) == f"'zeros' must be an integer of at least 0 (got {zeros!r})"
    assert caught.value.field == "zeros"
    assert caught.value.value is zeros


@pytest.mark.parametrize(
    "data", [{}, {"alpha": 0.01, "zeros": 0}, {"alpha": 0.01, "zeros": 0, "bins": [[1]]}, None]
)
def test_from_json_refuses_what_is_not_a_sketch(data: object) -> None:
    with pytest.raises(ValidationError) as caught:
        RelativeErrorSketch.from_json(data)  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"'sketch' must be a dict with alpha, zeros and bins (got {data!r:.80})"
    )
    assert caught.value.field == "sketch"
    assert caught.value.value is data


def test_sketches_are_equal_only_with_the_same_alpha_zeros_and_buckets() -> None:
    assert sketch_of([0, 5]) == sketch_of([5, 0])
    assert sketch_of([0, 5]) != sketch_of([0, 500])  # same alpha and zeros
    assert sketch_of([0, 5]) != sketch_of([5, 5])  # same alpha, other zeros
    assert sketch_of([0, 5], alpha=0.01) != sketch_of([0, 5], alpha=0.02)
    assert sketch_of([], alpha=0.01) != sketch_of([], alpha=0.02)  # same zeros and buckets
    assert sketch_of([5]) != "sketch"
    with_empty = RelativeErrorSketch.from_json({"alpha": 0.01, "zeros": 0, "bins": [[3, 0]]})
    assert with_empty == RelativeErrorSketch.empty()
