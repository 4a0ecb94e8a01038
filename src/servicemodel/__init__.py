"""servicemodel: run a customer service model in code.

The top level re-exports the core values; the subpackages hold the rest
(``servicemodel.sla``, ``servicemodel.kpi``, ``servicemodel.loyalty``, …).

>>> import servicemodel
>>> servicemodel.__version__
'0.1.0.dev0'
>>> servicemodel.Channel("chat")
<Channel.CHAT: 'chat'>
"""

from ._time import parse_duration
from ._version import __version__
from .customers import Customer
from .exceptions import ServiceModelError, ValidationError
from .feedback import CesResponse, CsatResponse, Feedback, NpsResponse, Review
from .interactions import (
    Assignment,
    Channel,
    Event,
    FieldChange,
    Interaction,
    Kind,
    Message,
    PolicyApplied,
    Priority,
    PriorityChange,
    Role,
    SatisfactionResponse,
    ScheduleChange,
    Status,
    StatusChange,
    StatusSpan,
    TagChange,
    TargetApplied,
    Visibility,
)

__all__ = [
    "Assignment",
    "CesResponse",
    "Channel",
    "CsatResponse",
    "Customer",
    "Event",
    "Feedback",
    "FieldChange",
    "Interaction",
    "Kind",
    "Message",
    "NpsResponse",
    "PolicyApplied",
    "Priority",
    "PriorityChange",
    "Review",
    "Role",
    "SatisfactionResponse",
    "ScheduleChange",
    "ServiceModelError",
    "Status",
    "StatusChange",
    "StatusSpan",
    "TagChange",
    "TargetApplied",
    "ValidationError",
    "Visibility",
    "__version__",
    "parse_duration",
]
