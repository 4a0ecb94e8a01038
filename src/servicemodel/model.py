"""The service model itself, and its end-to-end assessment.

A :class:`ServiceModel` names its type (reactive, proactive, self-service,
hybrid), its channels and feedback channels, its SLA policies, SMART goals,
proactive follow-up rules, recognition policy and loyalty programme.
:func:`assess` evaluates it over interactions in one streaming pass and
returns an :class:`Assessment` that renders as text, JSON or HTML.

>>> model = load_model('''
... name = "Northwind"
... type = "reactive"
... channels = ["email", "chat"]
... ''')
>>> [name.value for name in model.tracked_kpis()[:2]]
['first_reply_time', 'resolution_time']
"""

from ._model._assessment import (
    Assessment,
    AssessmentState,
    ChannelShift,
    GoalReport,
    KpiDefinition,
    SlaLine,
    assess,
    assess_bag,
    assess_files,
)
from ._model._document import dump_model, load_model
from ._model._followup import FollowUpRule, OutreachAction, Purchase, Trigger, schedule_outreach
from ._model._service_model import FeedbackChannel, ModelDocumentError, ModelType, ServiceModel

__all__ = [
    "Assessment",
    "AssessmentState",
    "ChannelShift",
    "FeedbackChannel",
    "FollowUpRule",
    "GoalReport",
    "KpiDefinition",
    "ModelDocumentError",
    "ModelType",
    "OutreachAction",
    "Purchase",
    "ServiceModel",
    "SlaLine",
    "Trigger",
    "assess",
    "assess_bag",
    "assess_files",
    "dump_model",
    "load_model",
    "schedule_outreach",
]
