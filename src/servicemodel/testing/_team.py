"""Strategies for :mod:`servicemodel.team` values (rubrics, QA reviews)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from ..team import Criterion, QaReview, ReviewerKind, Rubric
from ._strategies import identifiers, instants


@st.composite
def rubrics(draw: st.DrawFn, *, max_criteria: int = 6) -> Rubric:
    """Draw a valid rubric: 1 to *max_criteria* criteria whose weights sum to exactly 1.

    Some criteria auto-fail at a low rating; a zero-weight criterion is always a gate.

    >>> from hypothesis import given
    >>> @given(rubrics())
    ... def check(rubric):
    ...     assert sum(c.weight for c in rubric.criteria) == 1
    >>> check()
    """
    count = draw(st.integers(1, max_criteria))
    parts = draw(st.lists(st.integers(0, 10), min_size=count, max_size=count))
    if sum(parts) == 0:
        parts[0] = 1
    total = sum(parts)
    criteria = []
    for index, part in enumerate(parts):
        scale = draw(st.integers(1, 10))
        gate = part == 0 or draw(st.booleans())
        criteria.append(
            Criterion(
                name=f"c{index}",
                weight=Fraction(part, total),
                scale=scale,
                auto_fail_at=draw(st.integers(0, scale - 1)) if gate else None,
            )
        )
    return Rubric(name=draw(identifiers()), criteria=criteria)


@st.composite
def qa_reviews(
    draw: st.DrawFn,
    *,
    rubric: Rubric | None = None,
    agents: st.SearchStrategy[str] | None = None,
) -> QaReview:
    """Draw a valid QA review (every criterion rated on its scale) of one interaction.

    >>> from hypothesis import given
    >>> @given(qa_reviews())
    ... def check(review):
    ...     assert 0 <= review.score() <= 1
    >>> check()
    """
    chosen = rubric if rubric is not None else draw(rubrics())
    ratings = {c.name: draw(st.integers(0, c.scale)) for c in chosen.criteria}
    return QaReview(
        interaction_id=draw(identifiers()),
        agent_id=draw(agents if agents is not None else identifiers()),
        reviewer_id=draw(identifiers()),
        rubric=chosen,
        ratings=ratings,
        reviewed_at=draw(instants()),
        reviewer_kind=draw(st.sampled_from(ReviewerKind)),
    )
