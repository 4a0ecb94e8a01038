"""SLA policies and clocks on business calendars.

Business calendars count business time; ordered policies (first match wins)
set targets per priority and metric; policy documents that other services
can validate load into them; and :func:`evaluate` measures every clock of an
interaction as of an instant.

>>> import pendulum
>>> from servicemodel import Interaction, Message
>>> cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
>>> cal.add(pendulum.datetime(2024, 6, 7, 17, 30, tz="Europe/London"), pendulum.duration(hours=4))
DateTime(2024, 6, 10, 13, 0, 0, tzinfo=Timezone('Europe/London'))
>>> t = pendulum.datetime(2024, 6, 10, 9, tz="Europe/London")
>>> policies = PolicySet(policies=[SlaPolicy(name="Standard", targets={
...     "normal": [Target(metric="first_reply", within=pendulum.duration(hours=1))]})])
>>> ticket = Interaction(id="T-1", customer_id="C-1", channel="email", created_at=t,
...                      events=[Message(at=t.add(minutes=90), author="agent")])
>>> clock = evaluate(ticket, policies, as_of=t.add(hours=2)).clock(Metric.FIRST_REPLY)
>>> clock.state.value, clock.breached, clock.breached_at
('completed', True, DateTime(2024, 6, 10, 10, 0, 0, tzinfo=Timezone('Europe/London')))
"""

from ._calendar import BusinessCalendar
from ._calendar_options import Combine, Overnight
from ._conditions import Condition, FieldTest, Match, Operator
from ._dated import DatedCalendar
from ._documents import dump_policies, load_policies, policy_schema
from ._evaluate import evaluate
from ._holidays import public_holidays
from ._metrics import Metric, MetricRules
from ._options import SCHEDULE, History, ScheduleRule, Selection, StampedTargets
from ._policies import PolicySet, PriorityChangeRule, SlaPolicy, Target
from ._profile import Profile
from ._reasons import Reason
from ._reconcile import Discrepancy, Figure, ReconciledRow, Reconciliation, Verdict, reconcile
from ._recorded import RecordedSla
from ._results import ClockState, MetricClock, Outcome, Segment, SegmentKind, SlaOutcome, SlaResult
from ._rules import BreachRule, ReopenRule
from ._tracker import SlaTracker

__all__ = [  # noqa: RUF022 -- plain sorted order (tests/test_public_api.py), SCHEDULE among the S
    "BreachRule",
    "BusinessCalendar",
    "ClockState",
    "Combine",
    "Condition",
    "DatedCalendar",
    "Discrepancy",
    "FieldTest",
    "Figure",
    "History",
    "Match",
    "Metric",
    "MetricClock",
    "MetricRules",
    "Operator",
    "Outcome",
    "Overnight",
    "PolicySet",
    "PriorityChangeRule",
    "Profile",
    "Reason",
    "ReconciledRow",
    "Reconciliation",
    "RecordedSla",
    "ReopenRule",
    "SCHEDULE",
    "ScheduleRule",
    "Segment",
    "SegmentKind",
    "Selection",
    "SlaOutcome",
    "SlaPolicy",
    "SlaResult",
    "SlaTracker",
    "StampedTargets",
    "Target",
    "Verdict",
    "dump_policies",
    "evaluate",
    "load_policies",
    "policy_schema",
    "public_holidays",
    "reconcile",
]
