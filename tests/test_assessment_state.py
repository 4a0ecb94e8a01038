"""An assessment's state merges: the parts of a split data set, merged, assess as the whole."""

from __future__ import annotations

import itertools
import json
import pickle
from functools import reduce
from importlib import resources
from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel import Interaction, samples
from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.model import AssessmentState, ServiceModel, assess, load_model
from servicemodel.samples import SampleProfile

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
START = pendulum.datetime(2024, 1, 1, tz="Europe/London")
AS_OF = pendulum.datetime(2024, 1, 19, 12, tz="Europe/London")
SAMPLE = load_model(
    resources.files("servicemodel.samples").joinpath("sample_model.toml").read_text()
)
#: The sample model (two SLA policies on a business calendar, goals, follow-ups, recognition)
#: and the proactive example (team goals, its own follow-ups).
MODELS = (SAMPLE, load_model(EXAMPLES / "proactive.toml"))
#: Three weeks of data, the last interactions created after AS_OF.
DATA = {
    seed: list(
        samples.generate(240, seed=seed, start=START, profile=SampleProfile(daily_volume=15))
    )
    for seed in (1, 2)
}
CUSTOMERS = tuple(samples.customers(240, seed=1, start=START))


def rendered(state_or_items: AssessmentState | list[Interaction], model: ServiceModel) -> str:
    """The report as the command writes it (JSON), to compare bit for bit."""
    if isinstance(state_or_items, AssessmentState):
        result = state_or_items.result()
    else:
        result = assess(model, state_or_items, as_of=AS_OF, period="week", customers=CUSTOMERS)
    return json.dumps(result.to_json(), indent=2)


def state_of(model: ServiceModel, part: list[Interaction]) -> AssessmentState:
    state = AssessmentState(model, as_of=AS_OF, period="week", customers=CUSTOMERS)
    state.add_many(part)
    return state


@st.composite
def splits(draw: st.DrawFn) -> tuple[ServiceModel, list[Interaction], list[list[Interaction]]]:
    """A model, its data (a sample, in a drawn order), and the data cut into drawn parts."""
    model = draw(st.sampled_from(MODELS))
    items = list(DATA[draw(st.sampled_from(sorted(DATA)))][: draw(st.integers(20, 240))])
    if draw(st.booleans()):
        items = draw(st.permutations(items))
    cuts = sorted(draw(st.sets(st.integers(0, len(items)), max_size=5)))
    bounds = [0, *cuts, len(items)]
    parts = [items[a:b] for a, b in itertools.pairwise(bounds)]
    return model, items, draw(st.permutations(parts))


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@settings(max_examples=12)
@given(case=splits(), tree=st.booleans())
def test_the_merged_parts_render_the_report_of_the_whole_bit_for_bit(
    case: tuple[ServiceModel, list[Interaction], list[list[Interaction]]], tree: bool
) -> None:
    model, items, parts = case
    states = [state_of(model, part) for part in parts]
    if tree:  # pairwise, as a reduction tree merges
        while len(states) > 1:
            states = [
                states[i].merge(states[i + 1]) if i + 1 < len(states) else states[i]
                for i in range(0, len(states), 2)
            ]
        merged = states[0]
    else:
        merged = reduce(AssessmentState.merge, states)
    assert rendered(merged, model) == rendered(items, model)


def test_the_sample_exercises_every_part_of_the_report() -> None:
    """The property above compares reports that hold every part: a wrong merge would show."""
    report = json.loads(rendered(DATA[1], SAMPLE))
    for part in ("sla", "goals", "channel_shift", "complaint_themes", "outreach", "findings"):
        assert report[part], part
    assert report["recognition"]["standings"]
    assert report["contacts_per_customer"]["n"] > 1
    assert report["repeat_contact"]["numerator"] > 0


def test_merging_changes_neither_state_and_a_state_pickles() -> None:
    first, second = state_of(SAMPLE, DATA[1][:120]), state_of(SAMPLE, DATA[1][120:])
    before = rendered(first, SAMPLE)
    merged = first.merge(second)
    assert rendered(first, SAMPLE) == before
    assert merged.interactions == first.interactions + second.interactions
    travelled = pickle.loads(pickle.dumps(merged))
    assert rendered(travelled, SAMPLE) == rendered(DATA[1], SAMPLE)


def test_feedback_added_to_any_part_counts_once() -> None:
    items = DATA[1]
    feedback = list(samples.feedback(items, seed=1))
    whole = assess(SAMPLE, items, as_of=AS_OF, period="week", feedback=feedback)
    first, second = state_of(SAMPLE, items[:100]), state_of(SAMPLE, items[100:])
    second.add_feedback(feedback)
    first = AssessmentState(SAMPLE, as_of=AS_OF, period="week", customers=CUSTOMERS)
    first.add_many(items[:100])
    second = AssessmentState(SAMPLE, as_of=AS_OF, period="week")
    second.add_many(items[100:])
    with pytest.raises(ValidationError, match="same policy set and customers"):
        first.merge(second)
    first, second = (AssessmentState(SAMPLE, as_of=AS_OF, period="week") for _ in range(2))
    first.add_many(items[:100])
    second.add_many(items[100:])
    second.add_feedback(feedback)
    assert first.merge(second).result().to_json() == whole.to_json()


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (AssessmentState(SAMPLE, as_of=AS_OF.add(days=1), period="week"), "same instant"),
        (AssessmentState(SAMPLE, as_of=AS_OF, period="month"), "same period"),
        (AssessmentState(MODELS[1], as_of=AS_OF, period="week"), "same model"),
        ("a state", "must be an AssessmentState"),
    ],
)
def test_a_state_of_another_assessment_does_not_merge(other: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AssessmentState(SAMPLE, as_of=AS_OF, period="week").merge(other)  # type: ignore[arg-type]


def test_an_empty_state_has_nothing_to_assess() -> None:
    empty = AssessmentState(SAMPLE, as_of=AS_OF)
    with pytest.raises(EmptySampleError, match="no interaction to assess"):
        empty.merge(AssessmentState(SAMPLE, as_of=AS_OF)).result()
