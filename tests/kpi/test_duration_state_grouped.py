"""DurationState.grouped: each cell's state is what add_array gives over that cell's values."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel._time import MAX_DURATION_DAYS
from servicemodel.kpi._duration_state import DurationState

MAX_MICROS = MAX_DURATION_DAYS * 86_400_000_000


def _per_cell(values: list[int], cells: list[int], count: int, limit: int) -> list[DurationState]:
    states = []
    for cell in range(count):
        state = DurationState(alpha=0.01, exact_limit=limit)
        state.add_array(
            np.array([v for v, c in zip(values, cells, strict=True) if c == cell], dtype=np.int64)
        )
        states.append(state)
    return states


@settings(max_examples=60)
@given(
    data=st.data(),
    count=st.sampled_from([1, 2, 3, 5, 4_100]),
    top=st.sampled_from([10, 10**9, MAX_MICROS]),
    limit=st.integers(1, 6),
)
def test_grouped_states_equal_add_array_per_cell(
    data: st.DataObject, count: int, top: int, limit: int
) -> None:
    # With 4,100 cells and values up to a century the (cell, value) pair needs more than
    # 62 bits, so the argsort fallback runs; smaller cases take the packed sort.
    values = data.draw(st.lists(st.integers(0, top), max_size=25))
    cells = data.draw(
        st.lists(st.integers(0, count - 1), min_size=len(values), max_size=len(values))
    )
    made = DurationState.grouped(
        np.array(values, dtype=np.int64),
        np.array(cells, dtype=np.int64),
        count,
        alpha=0.01,
        exact_limit=limit,
    )
    expected = _per_cell(values, cells, count, limit)
    assert len(made) == count
    for got, want in zip(made, expected, strict=True):
        assert got.to_json() == want.to_json()
        if got.values is not None:
            assert got.values == sorted(got.values)  # kept in order for the quantiles


def test_grouped_falls_back_to_argsort_when_cell_and_value_exceed_62_bits() -> None:
    count = 4_100  # 12 bits of cell index beside 52 bits of a century in microseconds
    values = [MAX_MICROS, 5, MAX_MICROS - 1, 0, 7, 7]
    cells = [4_099, 4_099, 3, 3, 0, 4_099]
    made = DurationState.grouped(
        np.array(values, dtype=np.int64),
        np.array(cells, dtype=np.int64),
        count,
        alpha=0.01,
        exact_limit=2,
    )
    expected = _per_cell(values, cells, count, 2)
    assert [m.to_json() for m in made] == [e.to_json() for e in expected]
    assert (made[3].minimum, made[3].maximum, made[3].values) == (
        0,
        MAX_MICROS - 1,
        [0, MAX_MICROS - 1],
    )
    assert (made[4_099].count, made[4_099].values, made[4_099].total) == (3, None, MAX_MICROS + 12)


def test_grouped_totals_past_int64_are_summed_exactly() -> None:
    values = [MAX_MICROS] * 1_500 + [1]  # the sum passes 2**62: no int64 reduceat
    cells = [0] * 1_500 + [1]
    made = DurationState.grouped(
        np.array(values, dtype=np.int64),
        np.array(cells, dtype=np.int64),
        2,
        alpha=0.01,
        exact_limit=1_000,
    )
    assert (made[0].total, made[0].count, made[0].values) == (1_500 * MAX_MICROS, 1_500, None)
    assert (made[1].total, made[1].values) == (1, [1])


def test_a_small_cell_does_not_keep_the_whole_batch_alive() -> None:
    values = np.arange(100_000, dtype=np.int64)
    cells = np.zeros(100_000, dtype=np.int64)
    cells[:3] = 1  # cell 1 keeps its 3 values; cell 0 is past the cap (a sketch)
    made = DurationState.grouped(values, cells, 2, alpha=0.01, exact_limit=1_000)
    kept = made[1]._array
    assert kept is not None
    assert kept.base is None  # its own 3 values, not a view of the 100,000
    assert made[1].values == [0, 1, 2]
