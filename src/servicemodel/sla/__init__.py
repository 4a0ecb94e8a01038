"""SLA policies and clocks on business calendars.

Define targets per priority and metric in ordered policies (first match
wins), load them from documents other services can validate, and evaluate
every clock of an interaction as of an instant.

>>> import pendulum
>>> from servicemodel import Interaction, Message
>>> t = pendulum.datetime(2024, 6, 10, 9, tz="Europe/London")
>>> policies = PolicySet(policies=[SlaPolicy(name="Standard", targets={
...     "normal": [Target(metric="first_reply", within=pendulum.duration(hours=1))]})])
>>> ticket = Interaction(id="T-1", customer_id="C-1", channel="email", created_at=t,
...                      events=[Message(at=t.add(minutes=90), author="agent")])
>>> clock = evaluate(ticket, policies, as_of=t.add(hours=2)).clock(Metric.FIRST_REPLY)
>>> clock.state.value, clock.breached, clock.breached_at
('completed', True, DateTime(2024, 6, 10, 10, 0, 0, tzinfo=Timezone('Europe/London')))
"""

from ._conditions import Combine, Condition, FieldTest, Operator
from ._documents import dump_policies, dumps_policies, load_policies, policy_schema
from ._evaluate import (
    ClockState,
    MetricClock,
    Outcome,
    Segment,
    SegmentKind,
    SlaOutcome,
    SlaResult,
    SlaTracker,
    evaluate,
)
from ._metrics import Metric, MetricRules
from ._policies import PolicySet, PriorityChangeRule, SlaPolicy, Target

__all__ = [
    "ClockState",
    "Combine",
    "Condition",
    "FieldTest",
    "Metric",
    "MetricClock",
    "MetricRules",
    "Operator",
    "Outcome",
    "PolicySet",
    "PriorityChangeRule",
    "Segment",
    "SegmentKind",
    "SlaOutcome",
    "SlaPolicy",
    "SlaResult",
    "SlaTracker",
    "Target",
    "dump_policies",
    "dumps_policies",
    "evaluate",
    "load_policies",
    "policy_schema",
]
