"""The accumulator laws, for every KPI: a monoid whose merge equals one pass over all the data."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import pickle
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import kpi_strategies as ks

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.kpi import (
    Abandonment,
    Accumulator,
    AcquisitionToFirstContact,
    AgentWaitTime,
    AgentWorkTime,
    Aht,
    Asa,
    Backlog,
    Ces,
    CesEasy,
    CesNetEasy,
    ChannelMix,
    Churn,
    ComplaintThemes,
    ContactRate,
    ContactsPerCustomer,
    Csat,
    CsatMean,
    DistinctAssignees,
    DistinctGroups,
    Fcr,
    FirstCsat,
    FirstReplyTime,
    HandleTime,
    KpiName,
    MultiTouchResolution,
    NextReplyTime,
    Nps,
    Occupancy,
    OnHoldTime,
    OpenAge,
    QueueOutcome,
    Reassignments,
    ReopenRate,
    RepeatContactRate,
    RequesterWaitTime,
    ResolutionTime,
    Retention,
    ReviewRatio,
    SatisfactionBadToGood,
    SatisfactionGoodToBad,
    SelfServiceDeflection,
    ServiceLevel,
    SlaCompliance,
    TimeToFirstAssignment,
    TwoTouchResolution,
    UnassignedTime,
    Utilisation,
    catalogue,
    interaction_columns,
)
from servicemodel.kpi._report import _pack, _unpack

T0 = ks.BASE.add(days=10)
T1 = ks.BASE.add(days=25)

# (id, factory, item strategy); small exact_limit values exercise the sketch path.
INTER = ks.interactions()
QUEUE = ks.queue_items()
AGENTS = ks.agent_times()
PEOPLE = ks.people_and_contacts()
CUST = ks.customers()
CSAT_ITEMS = ks.csat_items()
CES_ITEMS = ks.ces_items()

CASES: list[tuple[str, Callable[[], Accumulator[Any]], st.SearchStrategy[Any]]] = [
    ("csat", Csat.empty, CSAT_ITEMS),
    ("csat_top_box", lambda: Csat.empty(variant="top_box"), CSAT_ITEMS),
    ("csat_good_bad", lambda: Csat.empty(variant="good_over_good_and_bad"), CSAT_ITEMS),
    ("csat_mean", CsatMean.empty, CSAT_ITEMS),
    ("first_csat", FirstCsat.empty, INTER),
    ("first_csat_good_bad", lambda: FirstCsat.empty(variant="good_over_good_and_bad"), INTER),
    ("satisfaction_good_to_bad", SatisfactionGoodToBad.empty, INTER),
    ("satisfaction_bad_to_good", SatisfactionBadToGood.empty, INTER),
    ("nps", Nps.empty, ks.nps_items()),
    ("ces", Ces.empty, CES_ITEMS),
    ("ces_easy", CesEasy.empty, CES_ITEMS),
    ("ces_net_easy", CesNetEasy.empty, CES_ITEMS),
    ("review_ratio", ReviewRatio.empty, ks.review_items()),
    ("first_reply_time", FirstReplyTime.empty, INTER),
    ("first_reply_time_sketch", lambda: FirstReplyTime.empty(exact_limit=2), INTER),
    ("next_reply_time", lambda: NextReplyTime.empty(exact_limit=3), INTER),
    ("resolution_full", ResolutionTime.empty, INTER),
    ("resolution_first", lambda: ResolutionTime.empty(variant="first", exact_limit=1), INTER),
    ("handle_time", HandleTime.empty, INTER),
    ("aht", lambda: Aht.empty(method="lower"), INTER),
    ("requester_wait", RequesterWaitTime.empty, INTER),
    ("requester_wait_as_of", lambda: RequesterWaitTime.empty(as_of=T0, exact_limit=2), INTER),
    ("agent_work", AgentWorkTime.empty, INTER),
    ("agent_wait_as_of", lambda: AgentWaitTime.empty(as_of=T1), INTER),
    ("on_hold", lambda: OnHoldTime.empty(method="lower"), INTER),
    ("reassignments", Reassignments.empty, INTER),
    ("distinct_assignees", DistinctAssignees.empty, INTER),
    ("distinct_groups", DistinctGroups.empty, INTER),
    ("time_to_first_assignment", lambda: TimeToFirstAssignment.empty(exact_limit=2), INTER),
    ("unassigned_time", UnassignedTime.empty, INTER),
    ("unassigned_time_as_of", lambda: UnassignedTime.empty(as_of=T0), INTER),
    ("fcr_one_touch", Fcr.empty, INTER),
    ("fcr_no_follow_up", lambda: Fcr.empty(variant="no_customer_follow_up"), INTER),
    (
        "fcr_no_repeat",
        lambda: Fcr.empty(variant="no_repeat_within_window", window=dt.timedelta(days=3)),
        INTER,
    ),
    ("two_touch", TwoTouchResolution.empty, INTER),
    ("multi_touch", MultiTouchResolution.empty, INTER),
    ("open_age", lambda: OpenAge.empty(at=ks.BASE.add(days=20), exact_limit=2), INTER),
    ("reopen_rate", ReopenRate.empty, INTER),
    ("backlog", lambda: Backlog.empty(at=ks.BASE.add(days=20)), INTER),
    ("contact_rate", ContactRate.empty, PEOPLE),
    ("repeat_contact", RepeatContactRate.empty, INTER),
    ("repeat_customers", lambda: RepeatContactRate.empty(variant="customers_with_repeats"), INTER),
    ("contacts_per_customer", ContactsPerCustomer.empty, INTER),
    ("channel_mix", ChannelMix.empty, INTER),
    ("complaint_themes", ComplaintThemes.empty, INTER),
    ("kinds", lambda: ComplaintThemes.empty(variant="kinds"), INTER),
    ("acquisition_to_first_contact", AcquisitionToFirstContact.empty, PEOPLE),
    ("retention", lambda: Retention.empty(start=T0, end=T1), CUST),
    ("churn", lambda: Churn.empty(start=T0, end=T1), CUST),
    ("sla_compliance", lambda: SlaCompliance.empty(policies=ks.POLICIES, as_of=ks.AS_OF), INTER),
    (
        "sla_compliance_first_reply_high",
        lambda: SlaCompliance.empty(
            policies=ks.POLICIES, as_of=ks.AS_OF, metric="first_reply", priority="high"
        ),
        INTER,
    ),
    ("deflection", SelfServiceDeflection.empty, INTER),
    ("deflection_all", lambda: SelfServiceDeflection.empty(variant="among_all_contacts"), INTER),
    (
        "service_level",
        lambda: ServiceLevel.empty(
            threshold=dt.timedelta(seconds=20), short_abandon=dt.timedelta(seconds=5)
        ),
        QUEUE,
    ),
    ("service_level_1", lambda: ServiceLevel.empty(formula="within_over_offered"), QUEUE),
    ("service_level_5", lambda: ServiceLevel.empty(formula="mean_of_1_and_3"), QUEUE),
    ("abandonment", lambda: Abandonment.empty(short_abandon=dt.timedelta(seconds=5)), QUEUE),
    ("asa", lambda: Asa.empty(exact_limit=2), QUEUE),
    ("occupancy", Occupancy.empty, AGENTS),
    ("utilisation", Utilisation.empty, AGENTS),
    (
        "utilisation_available",
        lambda: Utilisation.empty(variant="available_over_scheduled"),
        AGENTS,
    ),
]
IDS = [case[0] for case in CASES]


def test_every_catalogued_kpi_is_covered_by_the_law_tests() -> None:
    # qa_score is measured outside servicemodel.kpi (team's QaScore); its package
    # tests the same laws (tests/team/test_qa_score.py).
    covered = {factory().name for _, factory, _ in CASES}
    assert covered == {name.value for name in catalogue()}
    assert set(KpiName) - set(catalogue()) == {KpiName.QA_SCORE}


def fold(factory: Callable[[], Accumulator[Any]], items: list[Any]) -> Accumulator[Any]:
    acc = factory()
    acc.add_many(items)
    return acc


def outcome(acc: Accumulator[Any]) -> Any:
    try:
        return acc.result()
    except EmptySampleError as error:
        return ("empty", str(error))


# One Hypothesis run per item strategy, checking every KPI fed by it, so the
# (costly) interactions are generated once for all of them.
GROUPS: dict[
    int, tuple[st.SearchStrategy[Any], list[tuple[str, Callable[[], Accumulator[Any]]]]]
] = {}
for _name, _factory, _items in CASES:
    GROUPS.setdefault(id(_items), (_items, []))[1].append((_name, _factory))
GROUP_LIST = list(GROUPS.values())
GROUP_IDS = ["+".join(n for n, _ in members)[:60] for _, members in GROUP_LIST]


def check_laws(
    factory: Callable[[], Accumulator[Any]], a: list[Any], b: list[Any], c: list[Any]
) -> None:
    fa, fb, fc = fold(factory, a), fold(factory, b), fold(factory, c)
    before = (fa.to_json(), fb.to_json())
    merged = fa.merge(fb)
    assert (fa.to_json(), fb.to_json()) == before  # operands unchanged
    whole = fold(factory, a + b)
    assert merged == whole
    assert outcome(merged) == outcome(whole)
    assert merged == fb.merge(fa)
    assert merged.merge(fc) == fa.merge(fb.merge(fc))
    assert fa.merge(factory()) == fa == factory().merge(fa)


def rebuild(acc: Accumulator[Any], data: dict[str, Any]) -> Accumulator[Any]:
    """from_json, given the live context the state names (an SLA state's policy set)."""
    if isinstance(acc, SlaCompliance):
        with pytest.raises(ValidationError, match="'policies' must be given"):
            Accumulator.from_json(data)
        return SlaCompliance.from_json(data, policies=acc.policies)
    return Accumulator.from_json(data)


def check_round_trip(factory: Callable[[], Accumulator[Any]], xs: list[Any]) -> None:
    acc = fold(factory, xs)
    back = rebuild(acc, json.loads(json.dumps(acc.to_json())))
    assert back == acc
    assert outcome(back) == outcome(acc)
    assert pickle.loads(pickle.dumps(acc)) == acc
    assert acc.copy() == acc
    assert acc.empty_like() == factory()
    check_figures(acc)


def check_figures(acc: Accumulator[Any]) -> None:
    """A report keeps a KPI's figures as plain values; rebuilt, they are its result."""
    if isinstance(outcome(acc), tuple):  # empty: the figures refuse the same way
        with pytest.raises(EmptySampleError, match=re.escape(outcome(acc)[1])):
            acc._figures()
        return
    packed = _pack(acc._figures())
    assert _unpack(packed) == acc.result()
    if type(packed) is tuple:  # flat: nothing in it the garbage collector needs to track
        assert _atoms_only(packed), packed


def _atoms_only(value: object) -> bool:
    if type(value) is tuple:
        return all(_atoms_only(v) for v in value)
    return type(value) in (int, float, str)


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@pytest.mark.parametrize(("items", "members"), GROUP_LIST, ids=GROUP_IDS)
def test_merge_laws_merge_equals_one_pass_and_round_trips(
    items: st.SearchStrategy[Any], members: list[tuple[str, Callable[[], Accumulator[Any]]]]
) -> None:
    @settings(max_examples=40)
    @given(st.lists(items, max_size=6), st.lists(items, max_size=6), st.lists(items, max_size=6))
    def laws(a: list[Any], b: list[Any], c: list[Any]) -> None:
        for _, factory in members:
            check_laws(factory, a, b, c)
            check_round_trip(factory, a + c)

    laws()


BATCHED = [(n, f) for n, f, s in CASES if f().columns and s is INTER]
EXTRA_BATCHED: list[tuple[str, Callable[[], Accumulator[Any]]]] = [
    ("csat", Csat.empty),
    ("csat_mean", CsatMean.empty),
    ("service_level", ServiceLevel.empty),
    ("service_level_short", lambda: ServiceLevel.empty(short_abandon=5_000_000)),
    ("abandonment", Abandonment.empty),
    ("asa", lambda: Asa.empty(exact_limit=1)),
]


@settings(max_examples=40)
@given(xs=st.lists(ks.interactions(), max_size=10))
def test_batch_path_updates_the_same_state_as_add(xs: list[Any]) -> None:
    columns = interaction_columns(xs)
    for _, factory in [*BATCHED, *EXTRA_BATCHED]:
        batch = factory()
        batch.add_batch(columns)
        assert batch == fold(factory, xs)


@settings(max_examples=40)
@given(
    data=st.data(),
    xs=st.lists(ks.interactions(), max_size=10),
    count=st.integers(1, 4),
)
def test_grouped_batch_path_gives_each_cell_the_state_add_gives_its_items(
    data: st.DataObject, xs: list[Any], count: int
) -> None:
    import numpy as np

    cells = data.draw(st.lists(st.integers(0, count - 1), min_size=len(xs), max_size=len(xs)))
    columns = interaction_columns(xs)
    index = np.array(cells, dtype=np.int64)
    for _, factory in [*BATCHED, *EXTRA_BATCHED]:
        made = factory()._batch_cells(columns, index, count)
        assert len(made) == count
        for cell, acc in enumerate(made):
            assert acc == fold(factory, [x for x, c in zip(xs, cells, strict=True) if c == cell])
            assert acc.options() == factory().options()


def test_batch_cases_cover_the_interaction_kpis_with_columns() -> None:
    names = {n for n, _ in BATCHED}
    assert {
        "first_reply_time",
        "resolution_full",
        "fcr_one_touch",
        "fcr_no_repeat",
        "reopen_rate",
        "channel_mix",
        "handle_time",
    } <= names


@given(st.lists(st.integers(0, 10), max_size=30))
def test_score_batch_equals_scalar_for_nps(scores: list[int]) -> None:
    import numpy as np

    batch = Nps.empty()
    batch.add_batch({"nps": np.array(scores, dtype=float)})
    assert batch == fold(Nps.empty, scores)


def test_bad_batch_is_refused_and_changes_nothing() -> None:
    import numpy as np

    acc = fold(Csat.empty, [5, 4])
    before = acc.to_json()
    with pytest.raises(ValidationError) as caught:
        acc.add_batch({"csat": np.array([5, 6])})
    assert str(caught.value) == "'csat[1]' must be an integer from 1 to 5 (got 6)"
    with pytest.raises(ValidationError, match="'columns' must include 'csat'"):
        acc.add_batch({"nps": np.array([5])})
    assert acc.to_json() == before
    with pytest.raises(ValidationError, match="needs whole interactions"):
        NextReplyTime.empty().add_batch({})


def test_bad_items_are_refused_with_the_kpi_named() -> None:
    acc = Csat.empty()
    with pytest.raises(ValidationError, match="'item' must be one of int, CsatResponse"):
        acc.add("5")
    with pytest.raises(ValidationError, match="'score' must be an integer from 1 to 5 \\(got 9\\)"):
        acc.add(9)
    with pytest.raises(ValidationError, match="'item' must be one of"):
        acc.add(True)
    assert acc == Csat.empty()


def test_merge_refuses_other_kpis_and_options() -> None:
    with pytest.raises(ValidationError, match="'other' must be nps"):
        Nps.empty().merge(Csat.empty())  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'other' must be fcr with options"):
        Fcr.empty().merge(Fcr.empty(variant="no_customer_follow_up"))


def test_from_json_refuses_unknown_kpis_and_bad_states() -> None:
    with pytest.raises(ValidationError, match="'kpi' must be one of"):
        Accumulator.from_json({"kpi": "happiness", "options": {}, "state": None})
    with pytest.raises(ValidationError, match="'state' must hold 5 non-negative counts"):
        Accumulator.from_json({"kpi": "csat", "options": {}, "state": {"counts": [1, -1]}})
    with pytest.raises(ValidationError, match="'options' must be options of csat"):
        Accumulator.from_json({"kpi": "csat", "options": {"colour": 1}, "state": None})
    with pytest.raises(ValidationError, match="'calendar' must be given"):
        Accumulator.from_json(
            {"kpi": "first_reply_time", "options": {}, "state": None, "business_time": True}
        )


def test_empty_samples_raise_never_zero() -> None:
    for _, factory, _ in CASES:
        with pytest.raises(EmptySampleError):
            factory().result()


def test_first_reply_time_reference_vector_mean_median_p90() -> None:
    stats = FirstReplyTime.summarise([60, 120, 180, 240, 3600, 90], percentiles=[0.5, 0.9])
    assert stats.count == 6
    assert stats.estimate == "exact"
    assert stats.mean == pendulum.duration(seconds=715)
    assert stats.median == pendulum.duration(seconds=150)
    assert stats.percentile(0.9) == pendulum.duration(seconds=1920)
    lower = FirstReplyTime.summarise([60, 120, 180, 240, 3600, 90], method="lower")
    assert lower.percentile(0.9) == pendulum.duration(seconds=240)


def test_duration_switches_to_the_sketch_beyond_the_exact_limit_keeping_exact_mean() -> None:
    stats = FirstReplyTime.summarise(range(1, 2001))
    assert stats.estimate == "sketch"
    assert stats.mean == pendulum.duration(seconds=1000, microseconds=500_000)
    assert abs(stats.median.total_seconds() - 1000.5) <= 0.01 * 1000.5
    assert stats.minimum == pendulum.duration(seconds=1)


def test_service_level_accumulator_reproduces_the_five_formula_vector() -> None:
    outcomes = (
        [QueueOutcome(waited=dt.timedelta(seconds=10), answered=True)] * 860
        + [QueueOutcome(waited=dt.timedelta(seconds=60), answered=True)] * 140
        + [QueueOutcome(waited=dt.timedelta(seconds=3), answered=False)] * 10
        + [QueueOutcome(waited=dt.timedelta(seconds=15), answered=False)] * 10
        + [QueueOutcome(waited=dt.timedelta(seconds=90), answered=False)] * 40
    )
    formulas = [
        "within_over_offered",
        "answered_within_over_answered",
        "answered_within_over_offered",
        "answered_within_over_offered_less_quick_abandons",
        "mean_of_1_and_3",
    ]
    got = [
        fold(functools.partial(ServiceLevel.empty, formula=f), outcomes).result().percent()
        for f in formulas
    ]
    assert got == [83.02, 86.0, 81.13, 82.69, 82.08]
    short = fold(lambda: ServiceLevel.empty(short_abandon=dt.timedelta(seconds=5)), outcomes)
    assert float(short.result().value) == pytest.approx(860 / 1050)


@given(st.lists(ks.queue_items(), max_size=12), st.integers(0, 60), st.integers(0, 60))
def test_service_level_is_non_decreasing_in_the_threshold(
    items: list[Any], t1: int, t2: int
) -> None:
    low, high = sorted((t1, t2))
    for formula in (
        "within_over_offered",
        "answered_within_over_answered",
        "answered_within_over_offered",
        "mean_of_1_and_3",
    ):
        a = fold(
            functools.partial(
                ServiceLevel.empty, threshold=dt.timedelta(seconds=low), formula=formula
            ),
            items,
        )
        b = fold(
            functools.partial(
                ServiceLevel.empty, threshold=dt.timedelta(seconds=high), formula=formula
            ),
            items,
        )
        with contextlib.suppress(EmptySampleError):
            assert a.result().value <= b.result().value
