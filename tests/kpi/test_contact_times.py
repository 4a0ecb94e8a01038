"""The packed contact state of the repeat-contact rate: a multiset that merges, and the rate it gives."""

from __future__ import annotations

import bisect
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.kpi import Accumulator, RepeatContactRate, _contact_times
from servicemodel.kpi._contact_times import ContactTimes
from servicemodel.kpi._shapes import row_key

DAY = 86_400_000_000
# Few customers, so that repeats are common; "" and a lone surrogate are ids too.
CUSTOMERS = st.sampled_from(["A", "B", "Cé", "", "\ud800", "C-0000001"]) | st.none()
ROWS = st.lists(st.tuples(CUSTOMERS, st.integers(0, 20).map(lambda d: d * DAY // 2)), max_size=30)
WINDOWS = st.sampled_from([0, DAY, 3 * DAY, 7 * DAY])


def reference(
    rows: list[tuple[str | None, int]], window: int, *, customers: bool
) -> tuple[int, int]:
    """(k, n) by the definition: rows grouped by customer (no id: one group), times sorted."""
    groups: dict[str | None, list[int]] = {}
    for customer, at in rows:
        groups.setdefault(customer, []).append(at)
    if customers:
        return sum(len(times) > 1 for times in groups.values()), len(groups)
    k = n = 0
    for times in groups.values():
        times.sort()
        for t in times:
            n += 1
            k += bisect.bisect_right(times, t + window) > bisect.bisect_right(times, t)
    return k, n


def packed(rows: list[tuple[str | None, int]]) -> ContactTimes:
    made = ContactTimes()
    for customer, at in rows:
        made.add(customer, at)
    return made


def rate(rows: list[tuple[str | None, int]], **options: Any) -> RepeatContactRate:
    state = {"rows": [list(row) for row in rows]}
    made = Accumulator.from_json({"kpi": "repeat_contact_rate", "options": options, "state": state})
    assert isinstance(made, RepeatContactRate)
    return made


@settings(max_examples=60)
@given(rows=ROWS, window=WINDOWS, customers=st.booleans())
def test_the_rate_is_the_definition_over_each_customers_sorted_times(
    rows: list[tuple[str | None, int]], window: int, customers: bool
) -> None:
    variant = "customers_with_repeats" if customers else "contacts_within_window"
    k, n = reference(rows, window, customers=customers)
    acc = rate(rows, variant=variant, window=window)
    if n == 0:
        with pytest.raises(EmptySampleError, match="at least one contact"):
            acc.result()
    else:
        result = acc.result()
        assert (result.numerator, result.n) == (k, n)


@settings(max_examples=40)
@given(rows=ROWS, cut=st.integers(0, 30))
def test_absorbing_a_part_keeps_the_multiset_of_the_whole(
    rows: list[tuple[str | None, int]], cut: int
) -> None:
    first, second = packed(rows[:cut]), packed(rows[cut:])
    before = second.rows()
    first.absorb(second)
    assert first.rows() == sorted(rows, key=row_key)
    assert second.rows() == before  # the absorbed part does not change
    assert sorted(map(sorted, first.groups())) == sorted(map(sorted, packed(rows).groups()))


@settings(max_examples=40)
@given(rows=ROWS, cut=st.integers(0, 30), window=WINDOWS)
def test_merged_rates_equal_one_pass_and_merge_commutes(
    rows: list[tuple[str | None, int]], cut: int, window: int
) -> None:
    a, b = rate(rows[:cut], window=window), rate(rows[cut:], window=window)
    whole = rate(rows, window=window)
    assert a.merge(b) == whole == b.merge(a)
    assert pickle.loads(pickle.dumps(whole)) == whole
    if rows:
        assert a.merge(b).result() == whole.result()


def test_a_state_absorbs_itself_twice_over() -> None:
    times = packed([("A", 1), (None, 2), ("B", 3)])
    times.absorb(times)
    assert times.rows() == [("A", 1), ("A", 1), ("B", 3), ("B", 3), (None, 2), (None, 2)]


def test_customers_spread_over_many_buckets_keep_their_groups(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows: list[tuple[str | None, int]] = [(f"C-{i % 37}", i) for i in range(500)]
    rows += [(None, 7), (None, 1)]
    one_bucket = sorted(sorted(group) for group in packed(rows).groups())
    monkeypatch.setattr(_contact_times, "_PER_BUCKET", 8)  # 62 buckets
    many = sorted(sorted(group) for group in packed(rows).groups())
    assert many == one_bucket
    assert len(many) == 38
    assert [1, 7] in many


@pytest.mark.parametrize(
    "state",
    [
        [["A", 1]],
        {"rows": None},
        {"rows": [["A"]]},
        {"rows": [["A", 1.5]]},
        {"rows": [["A", True]]},
        {"rows": [[3, 1]]},
        {"rows": [["A", 2**63]]},
    ],
)
def test_a_bad_state_is_refused_naming_the_state(state: Any) -> None:
    with pytest.raises(ValidationError, match="'state' must") as caught:
        Accumulator.from_json({"kpi": "repeat_contact_rate", "options": {}, "state": state})
    assert caught.value.field == "state"
