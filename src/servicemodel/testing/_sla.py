"""Hypothesis strategies for SLA values: conditions, targets, policy sets and documents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pendulum
from hypothesis import strategies as st

from ..interactions import Channel, Kind, OpeningMessage, Priority, Status
from ..sla import (
    BreachRule,
    Condition,
    FieldTest,
    Match,
    Metric,
    Operator,
    PolicySet,
    PriorityChangeRule,
    ReopenRule,
    SlaPolicy,
    Target,
)

_SECOND = 1_000_000
_PAUSABLE = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
_names = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=12
).filter(lambda s: s == s.strip())


def _field_tests() -> st.SearchStrategy[FieldTest]:
    enum_fields: list[tuple[str, Sequence[str]]] = [
        ("priority", [p.value for p in Priority]),
        ("channel", [c.value for c in Channel]),
        ("kind", [k.value for k in Kind]),
    ]
    free = st.sampled_from(["segment", "tier", "group", "attributes.product"])

    @st.composite
    def build(draw: st.DrawFn) -> FieldTest:
        choice = draw(st.integers(0, 2))
        if choice == 0:
            field, allowed = draw(st.sampled_from(enum_fields))
            values = st.sampled_from(list(allowed))
            operators = [Operator.EQUALS, Operator.NOT_EQUALS, Operator.IN, Operator.NOT_IN]
        elif choice == 1:
            field, values = draw(free), _names
            operators = [Operator.EQUALS, Operator.NOT_EQUALS, Operator.IN, Operator.NOT_IN]
        else:
            field, values = "tags", _names
            operators = [Operator.CONTAINS, Operator.CONTAINS_ANY, Operator.CONTAINS_NONE]
        operator = draw(st.sampled_from(operators))
        single = operator in (Operator.EQUALS, Operator.NOT_EQUALS, Operator.CONTAINS)
        count = 1 if single else draw(st.integers(1, 3))
        return FieldTest(
            field=field,
            operator=operator,
            values=draw(st.lists(values, min_size=count, max_size=count)),
        )

    return build()


def conditions(*, max_depth: int = 3) -> st.SearchStrategy[Condition]:
    """Draw valid conditions nesting at most *max_depth* levels.

    >>> from hypothesis import given
    >>> @given(conditions())
    ... def check(value):
    ...     assert value.depth() <= 3
    >>> check()
    """

    def level(depth: int) -> st.SearchStrategy[Condition]:
        term: st.SearchStrategy[FieldTest | Condition] = _field_tests()
        if depth < max_depth:
            term = st.one_of(_field_tests(), st.deferred(lambda: level(depth + 1)))
        return st.builds(
            Condition,
            match=st.sampled_from(Match),
            terms=st.lists(term, max_size=3),
        )

    return level(1)


@st.composite
def targets(
    draw: st.DrawFn, *, metric: Metric | None = None, calendars: Sequence[str] = ()
) -> Target:
    """Draw valid targets (optionally for one metric, on one of *calendars* or calendar time).

    A target on a named calendar is sometimes a number of business days
    (``business_days``) instead of business time.

    >>> from hypothesis import given
    >>> @given(targets())
    ... def check(value):
    ...     assert value._within_us() > 0
    >>> check()
    """
    within = draw(
        st.one_of(
            st.integers(1, 30 * 86_400).map(lambda s: s * _SECOND),
            st.integers(1, 10 * 86_400 * _SECOND),
        )
    )
    calendar = draw(st.none() | st.sampled_from(list(calendars))) if calendars else None
    days = draw(st.none() | st.integers(1, 10)) if calendar is not None else None
    warn = draw(
        st.sampled_from(["none", "percent", "before"] if days is None else ["none", "percent"])
    )
    percent = draw(st.integers(1, 99)) if warn == "percent" else None
    before = None
    if warn == "before" and within > 1:
        before = pendulum.Duration(microseconds=draw(st.integers(1, within - 1)))
    paused = draw(st.none() | st.frozensets(st.sampled_from(_PAUSABLE)))
    return Target(
        metric=metric if metric is not None else draw(st.sampled_from(Metric)),
        within=pendulum.Duration(microseconds=within) if days is None else None,
        business_days=days,
        calendar=calendar,
        warn_percent=percent,
        warn_before=before,
        paused_by=paused,
    )


@st.composite
def policies(draw: st.DrawFn, *, name: str, calendars: Sequence[str] = ()) -> SlaPolicy:
    """Draw a valid policy called *name*.

    >>> from hypothesis import given
    >>> @given(policies(name="P"))
    ... def check(value):
    ...     assert value.name == "P"
    >>> check()
    """
    per_priority: dict[Priority, list[Target]] = {}
    for priority in draw(st.lists(st.sampled_from(Priority), unique=True, max_size=4)):
        metrics = draw(st.lists(st.sampled_from(Metric), unique=True, max_size=6))
        per_priority[priority] = [draw(targets(metric=m, calendars=calendars)) for m in metrics]
    return SlaPolicy(
        name=name,
        condition=draw(st.just(Condition()) | conditions()),
        targets=per_priority,
        description=draw(st.none() | st.text(max_size=30)),
    )


@st.composite
def policy_sets(
    draw: st.DrawFn,
    *,
    calendars: Mapping[str, Any] | None = None,
    max_policies: int = 4,
) -> PolicySet:
    """Draw valid policy sets whose targets use *calendars* (name to calendar) or calendar time.

    >>> from hypothesis import given
    >>> @given(policy_sets())
    ... def check(value):
    ...     assert len({p.name for p in value.policies}) == len(value.policies)
    >>> check()
    """
    named = dict(calendars or {})
    names = draw(st.lists(_names, unique=True, max_size=max_policies))
    return PolicySet(
        policies=[draw(policies(name=n, calendars=sorted(named))) for n in names],
        calendars=named,
        on_priority_change=draw(st.sampled_from(PriorityChangeRule)),
        breaches=draw(st.sampled_from(BreachRule)),
        on_reopen=draw(st.sampled_from(ReopenRule)),
        opening_message=draw(st.sampled_from(OpeningMessage)),
    )
