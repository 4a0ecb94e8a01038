"""Hypothesis strategies that build only valid servicemodel values.

Use them to property-test code that embeds servicemodel (and we use them to
test servicemodel itself). Every strategy draws values that the constructors
accept; shrinking moves towards short logs, early instants and UTC.

Requires Hypothesis (``pip install servicemodel[test]``).

>>> from hypothesis import given
>>> @given(interactions())
... def test_created_before_events(interaction):
...     assert all(e.at >= interaction.created_at for e in interaction.events)
>>> test_created_before_events()
"""

from ._goals import goals, observations
from ._sla import conditions, policies, policy_sets, targets
from ._strategies import (
    ces_responses,
    csat_responses,
    customers,
    feedback,
    identifiers,
    instants,
    interactions,
    nps_responses,
    reviews,
    timezones,
)
from ._team import qa_reviews, rubrics

__all__ = [
    "ces_responses",
    "conditions",
    "csat_responses",
    "customers",
    "feedback",
    "goals",
    "identifiers",
    "instants",
    "interactions",
    "nps_responses",
    "observations",
    "policies",
    "policy_sets",
    "qa_reviews",
    "reviews",
    "rubrics",
    "targets",
    "timezones",
]
