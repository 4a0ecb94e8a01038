"""KPI names: the typed vocabulary, its metadata, and where a name is held."""

from __future__ import annotations

import pickle
from fractions import Fraction

import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.goals import Goal
from servicemodel.kpi import (
    Accumulator,
    Better,
    Csat,
    KpiName,
    KpiSpec,
    KpiUnit,
    Rate,
    ReportState,
    catalogue,
)


def test_every_catalogued_accumulator_is_named_by_its_kpi_name() -> None:
    for name, cls in catalogue().items():
        assert cls.kpi is name
        assert cls.name == name.value


def test_a_misspelt_name_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValidationError) as caught:
        KpiName.of("frist_reply_time")
    message = str(caught.value)
    assert "'first_reply_time'" in message
    assert "(got 'frist_reply_time')" in message
    assert caught.value.field == "metric"


def test_a_goal_holds_a_typed_name_and_refuses_a_misspelt_one() -> None:
    goal = Goal(name="Faster replies", metric="first_reply_time")
    assert goal.metric is KpiName.FIRST_REPLY_TIME
    assert Goal(name="x", metric=KpiName.CSAT).metric is KpiName.CSAT
    with pytest.raises(ValidationError, match=r"'metric' must be one of .*'first_reply_time'"):
        Goal(name="Faster replies", metric="frist_reply_time")


@pytest.mark.parametrize(
    ("name", "unit", "low", "high", "better"),
    [
        (KpiName.CSAT, KpiUnit.RATE, 0, 1, Better.HIGHER),
        (KpiName.CSAT_MEAN, KpiUnit.SCORE, 1, 5, Better.HIGHER),
        (KpiName.CES, KpiUnit.SCORE, 1, 7, Better.HIGHER),
        (KpiName.NPS, KpiUnit.NET, -100, 100, Better.HIGHER),
        (KpiName.FIRST_REPLY_TIME, KpiUnit.DURATION, 0, None, Better.LOWER),
        (KpiName.ABANDONMENT, KpiUnit.RATE, 0, 1, Better.LOWER),
        (KpiName.BACKLOG, KpiUnit.COUNT, 0, None, Better.LOWER),
        (KpiName.CHANNEL_MIX, KpiUnit.MIX, None, None, Better.NEITHER),
        (KpiName.OCCUPANCY, KpiUnit.RATIO, 0, 1, Better.NEITHER),
    ],
)
def test_each_name_carries_its_unit_range_and_better_direction(
    name: KpiName, unit: KpiUnit, low: int | None, high: int | None, better: Better
) -> None:
    assert name.spec == KpiSpec(unit=unit, low=low, high=high, better=better)


def test_every_name_has_a_spec_and_every_single_valued_kpi_a_lower_bound() -> None:
    for name in KpiName:
        spec = name.spec
        assert (spec.low is None) == (spec.unit is KpiUnit.MIX)
        if spec.low is not None and spec.high is not None:
            assert spec.low < spec.high


def test_the_range_is_inclusive_and_checked_with_a_message_naming_the_kpi() -> None:
    spec = KpiName.CSAT.spec
    assert spec.contains(0)
    assert spec.contains(1)
    assert spec.contains(Fraction(1, 2))
    assert not spec.contains(Fraction(-1, 100))
    assert not spec.contains(Fraction(101, 100))
    assert spec.check(Fraction(9, 10), field="target", name="csat") == Fraction(9, 10)
    with pytest.raises(ValidationError) as caught:
        spec.check(Fraction(3, 2), field="target", name="csat")
    assert str(caught.value) == "'target' must be a value of csat, a rate between 0 and 1 (got 3/2)"
    assert caught.value.field == "target"
    with pytest.raises(ValidationError, match="a distribution, with no single value"):
        KpiName.COMPLAINT_THEMES.spec.check(0, field="target", name="complaint_themes")
    assert KpiName.AHT.spec.contains(10**9)
    assert not KpiName.AHT.spec.contains(-1)


def test_from_json_names_the_catalogue_and_refuses_another_kpis_state() -> None:
    acc = Csat.empty()
    acc.add(5)
    assert Accumulator.from_json(acc.to_json()) == acc
    assert Csat.from_json(acc.to_json()) == acc
    with pytest.raises(ValidationError, match=r"'kpi' must be one of \['csat'\] \(got 'nps'\)"):
        Csat.from_json({"kpi": "nps", "options": {}, "state": None})
    with pytest.raises(ValidationError, match=r"'kpi' must be one of .*got 'vibes'"):
        Accumulator.from_json({"kpi": "vibes", "options": {}, "state": None})
    assert pickle.loads(pickle.dumps(acc)) == acc


def test_a_report_takes_kpi_names_and_strings_alike() -> None:
    typed = ReportState(metrics=[KpiName.CSAT, "nps"], by=[])
    typed.add_many([5, 4, 1])
    row = typed.result().rows[0]
    result = row.cell(KpiName.CSAT).result
    assert isinstance(result, Rate)
    assert result.value == Fraction(2, 3)
    assert row.cell("csat") is row.cell(KpiName.CSAT)
