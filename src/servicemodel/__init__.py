"""servicemodel: run a customer service model in code.

>>> import servicemodel
>>> servicemodel.__version__
'0.1.0.dev0'
"""

from ._time import parse_duration
from ._version import __version__
from .exceptions import ServiceModelError, ValidationError

__all__ = [
    "ServiceModelError",
    "ValidationError",
    "__version__",
    "parse_duration",
]
