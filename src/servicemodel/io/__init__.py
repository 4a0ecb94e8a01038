"""Reading and writing interactions, feedback and customers (JSONL and CSV).

Readers stream: they yield one validated value per record and never hold the
file in memory. A bad record raises :class:`~servicemodel.exceptions.RecordError`
naming its 1-based line and the field, or is collected into an
:class:`ErrorReport` passed as ``on_error=``. Writers stream too, and a write
to a path replaces the target only once every record was written. The format
is documented in ``docs/reference/data-format.md``.

>>> import io, pendulum
>>> from servicemodel import Interaction, Message
>>> t = pendulum.datetime(2024, 6, 10, 9, tz="Europe/London")
>>> ticket = Interaction(id="T-1", customer_id="C-1", channel="email", created_at=t,
...                      events=[Message(at=t, author="customer")])
>>> buffer = io.StringIO()
>>> write_interactions([ticket], buffer, format="csv")
1
>>> _ = buffer.seek(0)
>>> [back] = read_interactions(buffer, format="csv")
>>> back == ticket, back.created_at.isoformat()
(True, '2024-06-10T09:00:00+01:00')
"""

from ._files import Format, PathOrFile, write_text
from ._parts import JsonlPart, split_jsonl
from ._readers import (
    read_customers,
    read_feedback,
    read_interactions,
    write_customers,
    write_feedback,
    write_interactions,
)
from ._report import ErrorReport

__all__ = [
    "ErrorReport",
    "Format",
    "JsonlPart",
    "PathOrFile",
    "read_customers",
    "read_feedback",
    "read_interactions",
    "split_jsonl",
    "write_customers",
    "write_feedback",
    "write_interactions",
    "write_text",
]
