"""Which policy and priority apply to an interaction over time.

The first policy in force whose condition matches the facts of each moment
(priority, group, tags, fields, channel, kind, the customer's segment and
tier), or with ``selection="vendor"`` the policy the helpdesk applied.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from .._log._clock_input import ClockInput
from .._time import from_micros
from ..customers import Customer
from ..exceptions import ValidationError
from ..interactions import Interaction, Priority
from ._conditions import Facts, Reads
from ._options import History, Selection
from ._policies import PolicySet
from ._results import _first

__all__: list[str] = []


_EMPTY: dict[str, str] = {}
_MEMO_LIMIT = 4_096


def _at(timeline: list[tuple[int, Any]], moment: int) -> Any:
    """The value of a ``(since, value)`` timeline at *moment*."""
    return timeline[bisect_right(timeline, moment, key=_first) - 1][1]


def _reads(policies: PolicySet) -> Reads:
    """What the conditions of every policy (every version) read of the facts, kept in the set."""
    found: Reads | None = policies._cache.get("reads")
    if found is None:
        found = Reads()
        for policy in policies.policies:
            found = found.union(policy.condition._reads())
        policies._cache["reads"] = found
    return found


def _projected(timeline: list[tuple[int, Any]], project: Any) -> list[tuple[int, Any]]:
    """*timeline* with each value cut down by *project*; a moment that changes nothing dropped."""
    since, value = timeline[0]
    kept = [(since, project(value))]
    for since, value in timeline[1:]:
        value = project(value)
        if value != kept[-1][1]:
            kept.append((since, value))
    return kept


def _keys(
    log: ClockInput,
    policies: PolicySet,
    interaction: Interaction,
    customer: Customer | None,
    as_of: int,
) -> tuple[list[int], list[tuple[int, Priority]]]:
    """The applicable (policy index, priority) over time; index -1: no policy applies.

    The policy is the first whose condition matches the facts of each moment
    (priority, group, tags, fields) among the versions in force, or with
    ``selection="vendor"`` the one the helpdesk applied. Only the facts the
    conditions read (:func:`_reads`) are looked at, so a change of anything
    else (a group no condition tests, a tag none names) is no moment at all.
    """
    priorities = log.priorities
    era_times, _eras = policies._eras()
    dated = len(era_times) > 1
    as_now = policies.history is History.AS_NOW
    era_now = bisect_right(era_times, as_of) - 1
    vendor = policies.selection is Selection.VENDOR
    reads = _reads(policies)
    read = reads.fields
    static = (
        interaction.channel._value_ if "channel" in read else None,
        interaction.kind._value_ if "kind" in read else None,
        None if customer is None or "segment" not in read else customer.segment,
        None if customer is None or "tier" not in read else customer.tier,
    )
    memo: dict[tuple[Any, ...], int] = policies._cache.setdefault("matches", {})
    if vendor:
        timelines: tuple[list[tuple[int, Any]], ...] = (priorities, log.vendor)
    else:
        created = log.created
        groups = log.groups if "group" in read else [(created, None)]
        tags = _projected(log.tags, reads.tags.intersection)
        named = reads.attributes
        fields = (
            _projected(log.fields, lambda pairs: tuple(p for p in pairs if p[0] in named))
            if named
            else [(created, ())]
        )
        timelines = (priorities, groups, tags, fields)
    if max(map(len, timelines)) == 1 and (as_now or not dated):
        priority = priorities[0][1]
        if vendor:
            index = _applied(policies, log.vendor[0][1], era_now, log.created)
        else:
            index = _match(
                policies,
                memo,
                static,
                era_now,
                priority._value_,
                groups[0][1],
                tags[0][1],
                fields[0][1],
            )
        return [log.created], [(index, priority)]
    moments = {t for timeline in timelines for t, _ in timeline}
    if dated and not as_now:
        moments.update(t for t in era_times if log.created < t <= as_of)
    times: list[int] = []
    keys: list[tuple[int, Priority]] = []
    for moment in sorted(moments):
        era = era_now if as_now else bisect_right(era_times, moment) - 1
        priority = _at(priorities, moment)
        if vendor:
            index = _applied(policies, _at(log.vendor, moment), era, moment)
        else:
            index = _match(
                policies,
                memo,
                static,
                era,
                priority._value_,
                _at(groups, moment),
                _at(tags, moment),
                _at(fields, moment),
            )
        key = (index, priority)
        if not keys or keys[-1] != key:
            times.append(moment)
            keys.append(key)
    return times, keys


def _applied(policies: PolicySet, name: str | None, era: int, moment: int) -> int:
    """The index of the policy a helpdesk applied (-1: none), in the version of era *era*."""
    if name is None:
        return -1
    index = policies._by_name(era).get(name)
    if index is None:
        known = ", ".join(sorted({p.name for p in policies.policies})) or "none"
        raise ValidationError(
            f"'policy' must name a policy of the policy set (got {name!r}, applied at "
            f"{from_micros(moment).isoformat()}); known: {known}",
            field="policy",
            value=name,
        )
    return index


def _match(
    policies: PolicySet,
    memo: dict[tuple[Any, ...], int],
    static: tuple[Any, ...],
    era: int,
    priority: str,
    group: str | None,
    tags: frozenset[str],
    fields: tuple[tuple[str, str], ...],
) -> int:
    """The index of the first policy in force matching these facts (-1: none), remembered."""
    key = (priority, group, era, tags, fields, static)
    index = memo.get(key)
    if index is None:
        channel, kind, segment, tier = static
        facts = Facts(
            priority, channel, kind, tags, segment, tier, group, dict(fields) if fields else _EMPTY
        )
        index = -1
        candidates = policies.policies
        for i in policies._eras()[1][era]:
            if candidates[i].condition._matches(facts):
                index = i
                break
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = index
    return index
