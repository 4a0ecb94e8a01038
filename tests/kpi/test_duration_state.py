"""DurationState: a sample of durations, exact while small, then a relative-error sketch.

A batch is folded per cell (``grouped``; ``add_array`` is its one-cell case):
each cell's state holds that cell's count, minimum, maximum and exact total,
and its values (sorted) while within the exact limit, or its sketch past it.
"""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel._time import MAX_DURATION_DAYS
from servicemodel.kpi._duration_state import DurationState
from servicemodel.kpi._sketch import RelativeErrorSketch

MAX_MICROS = MAX_DURATION_DAYS * 86_400_000_000


def _grouped(values: list[int], cells: list[int], count: int, limit: int) -> list[DurationState]:
    return DurationState.grouped(
        np.array(values, dtype=np.int64),
        np.array(cells, dtype=np.int64),
        count,
        alpha=0.01,
        exact_limit=limit,
    )


def _assert_holds(
    state: DurationState, sample: list[int], limit: int, *, in_order: bool = True
) -> None:
    assert state.count == len(sample)
    assert state.total == sum(sample)
    if sample:
        assert (state.minimum, state.maximum) == (min(sample), max(sample))
    if len(sample) <= limit:
        assert state.values is not None
        # A cell of a batch keeps its values in order for the quantiles; values added
        # later are a multiset, in no set order.
        assert (state.values if in_order else sorted(state.values)) == sorted(sample)
    else:
        assert state.values is None
    expected = RelativeErrorSketch.empty(alpha=0.01)
    expected.add_many(sample)
    assert state.sketch == expected


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@settings(max_examples=60)
@given(
    data=st.data(),
    count=st.sampled_from([1, 2, 3, 5, 4_100]),
    top=st.sampled_from([10, 10**9, MAX_MICROS]),
    limit=st.integers(1, 6),
)
def test_each_cell_holds_exactly_its_own_values(
    data: st.DataObject, count: int, top: int, limit: int
) -> None:
    # With 4,100 cells and values up to a century the (cell, value) pair needs more than
    # 62 bits, so the argsort fallback runs; smaller cases take the packed sort.
    values = data.draw(st.lists(st.integers(0, top), max_size=25))
    cells = data.draw(
        st.lists(st.integers(0, count - 1), min_size=len(values), max_size=len(values))
    )
    made = _grouped(values, cells, count, limit)
    assert len(made) == count
    for cell, state in enumerate(made):
        sample = [v for v, c in zip(values, cells, strict=True) if c == cell]
        _assert_holds(state, sample, limit)


@settings(max_examples=40)
@given(
    first=st.lists(st.integers(0, 10**9), max_size=8),
    second=st.lists(st.integers(0, 10**9), max_size=8),
    limit=st.integers(1, 6),
)
def test_adding_arrays_one_after_another_holds_both(
    first: list[int], second: list[int], limit: int
) -> None:
    state = DurationState(alpha=0.01, exact_limit=limit)
    state.add_array(np.array(first, dtype=np.int64))
    state.add_array(np.array(second, dtype=np.int64))
    _assert_holds(state, first + second, limit, in_order=False)


def test_cells_whose_index_and_value_exceed_62_bits_are_still_kept_apart() -> None:
    count = 4_100  # 12 bits of cell index beside 52 bits of a century in microseconds
    values = [MAX_MICROS, 5, MAX_MICROS - 1, 0, 7, 7]
    cells = [4_099, 4_099, 3, 3, 0, 4_099]
    made = _grouped(values, cells, count, 2)
    assert (made[3].minimum, made[3].maximum, made[3].values) == (
        0,
        MAX_MICROS - 1,
        [0, MAX_MICROS - 1],
    )
    assert (made[4_099].count, made[4_099].values, made[4_099].total) == (3, None, MAX_MICROS + 12)
    assert (made[0].count, made[0].values) == (1, [7])
    assert made[1].count == 0
    assert made[1].values == []


def test_totals_past_int64_are_summed_exactly() -> None:
    values = [MAX_MICROS] * 1_500 + [1]  # the sum passes 2**62: no int64 reduceat
    cells = [0] * 1_500 + [1]
    made = _grouped(values, cells, 2, 1_000)
    assert (made[0].total, made[0].count, made[0].values) == (1_500 * MAX_MICROS, 1_500, None)
    assert (made[1].total, made[1].values) == (1, [1])


def test_a_small_cell_does_not_keep_the_whole_batch_alive() -> None:
    gc.collect()
    tracemalloc.start()
    try:
        values = np.arange(100_000, dtype=np.int64)
        cells = np.zeros(100_000, dtype=np.int64)
        cells[:3] = 1  # cell 1 keeps its 3 values; cell 0 is past the cap (a sketch)
        made = DurationState.grouped(values, cells, 2, alpha=0.01, exact_limit=1_000)
        del values, cells
        gc.collect()
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The sorted batch is 800,000 bytes; what stays is the sketch and three values.
    assert kept < 200_000
    assert made[1].values == [0, 1, 2]
