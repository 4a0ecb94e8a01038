"""The team: agents and skills, training, quality reviews, calibration and action plans.

Plain, typed values for the people side of a service model: who is on the
team and what they can do (:class:`Agent`, :class:`SkillProfile`), what they
need to learn (:func:`plan_training`), how well they serve (:class:`Rubric`,
:class:`QaReview`, :func:`calibrate`), and what the team does about what the
data shows (:class:`Finding`, :class:`ActionPlan`), and how they are
recognised (:func:`awards`, :func:`leaderboard`, :func:`employee_of_the_month`).

>>> import datetime as dt
>>> from servicemodel.team import Agent, SkillProfile, SkillRequirement
>>> role = SkillProfile(role="tier1", requirements=[SkillRequirement("empathy", 3)])
>>> role.assess(Agent(id="A-1", name="Ana", team="support", hired_on=dt.date(2024, 1, 8),
...                   skills={"empathy": 2})).below_level()
('empathy',)
"""

from ._agents import Agent, Candidate, Skill
from ._attribution import Attribution
from ._award_posting import post_awards
from ._awards import AgentAward, awards
from ._calibration import Calibration, calibrate, krippendorff_alpha
from ._documents import dump_rubric, dump_skill_profiles, load_rubric, load_skill_profiles
from ._kappa import cohen_kappa
from ._leaderboard import (
    EmployeeOfTheMonth,
    Leaderboard,
    MonthTally,
    Standing,
    employee_of_the_month,
    leaderboard,
)
from ._plans import (
    ActionPlan,
    Finding,
    KpiChange,
    Movement,
    PlanReview,
    PlanStatus,
    Solution,
    Step,
    StepStatus,
    compare_before_after,
)
from ._qa_score import QaScore
from ._quality import Criterion, QaReview, ReviewerKind, Rubric
from ._recognition_policy import (
    OnTime,
    RecognitionPolicy,
    RecognitionRule,
    Rescoring,
    SpeedRule,
    TieBreak,
)
from ._scorecards import (
    DEFAULT_MINIMUM_SAMPLES,
    HiddenMetric,
    MetricFigure,
    MixDimension,
    Scorecard,
    build_scorecards,
)
from ._skills import GapKind, SkillAssessment, SkillGap, SkillProfile, SkillRequirement
from ._training import (
    Improvement,
    KpiGap,
    NeedSource,
    TrainingNeed,
    TrainingPlan,
    TrainingProgress,
    TrainingRecord,
    plan_training,
)

__all__ = [  # noqa: RUF022 - plain sorted order, as tests/test_public_api.py checks
    "ActionPlan",
    "Agent",
    "AgentAward",
    "Attribution",
    "Calibration",
    "Candidate",
    "Criterion",
    "DEFAULT_MINIMUM_SAMPLES",
    "EmployeeOfTheMonth",
    "Finding",
    "GapKind",
    "HiddenMetric",
    "Improvement",
    "KpiChange",
    "KpiGap",
    "Leaderboard",
    "MetricFigure",
    "MixDimension",
    "MonthTally",
    "Movement",
    "NeedSource",
    "OnTime",
    "PlanReview",
    "PlanStatus",
    "QaReview",
    "QaScore",
    "RecognitionPolicy",
    "RecognitionRule",
    "Rescoring",
    "ReviewerKind",
    "Rubric",
    "Scorecard",
    "Skill",
    "SkillAssessment",
    "SkillGap",
    "SkillProfile",
    "SkillRequirement",
    "Solution",
    "SpeedRule",
    "Standing",
    "Step",
    "StepStatus",
    "TieBreak",
    "TrainingNeed",
    "TrainingPlan",
    "TrainingProgress",
    "TrainingRecord",
    "awards",
    "build_scorecards",
    "calibrate",
    "cohen_kappa",
    "compare_before_after",
    "dump_rubric",
    "dump_skill_profiles",
    "employee_of_the_month",
    "krippendorff_alpha",
    "leaderboard",
    "load_rubric",
    "load_skill_profiles",
    "plan_training",
    "post_awards",
]
