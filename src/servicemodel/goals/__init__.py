"""SMART goals and their progress against a KPI.

A :class:`Goal` names a KPI (and its variant), the direction that counts as
better, a baseline and a target, when it starts and when it is due, who owns
it, the objective it serves and the scope it covers. It checks itself against
the five SMART letters and reports progress from observations of its KPI.

Values are exact: numbers become :class:`fractions.Fraction`, durations
become seconds (as a ``Fraction``), so "on the line" means exactly on it.

>>> import pendulum
>>> goal = Goal(
...     name="Faster first replies on chat",
...     description="Median first reply time on chat for all customers",
...     metric="first_reply_time", variant="median", direction="decrease",
...     baseline=pendulum.duration(minutes=10), target=pendulum.duration(minutes=4),
...     start=pendulum.datetime(2024, 1, 1), deadline=pendulum.datetime(2024, 7, 1),
...     owner="Head of Support", objective="performance", scope=Scope(channel="chat"),
... )
>>> goal.smart_check().holds
True
>>> p = goal.progress([Observation(at=pendulum.datetime(2024, 4, 1), value=pendulum.duration(minutes=6))],
...                   as_of=pendulum.datetime(2024, 4, 1))
>>> p.status
<GoalStatus.ON_TRACK: 'on_track'>
"""

from ._goal import Goal
from ._judgement import Progress
from ._values import Direction, GoalStatus, LetterCheck, Objective, Observation, Scope, SmartCheck

__all__ = [
    "Direction",
    "Goal",
    "GoalStatus",
    "LetterCheck",
    "Objective",
    "Observation",
    "Progress",
    "Scope",
    "SmartCheck",
]
