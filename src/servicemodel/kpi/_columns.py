"""Interactions as the canonical batch columns the KPIs read.

>>> import pendulum
>>> from servicemodel import Interaction
>>> from servicemodel.kpi import interaction_columns
>>> t = pendulum.datetime(2024, 6, 10)
>>> cols = interaction_columns([Interaction(id="1", customer_id="C", channel="chat", created_at=t)])
>>> cols["channel"].tolist()
['chat']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._log._interaction_history import handle_micros
from .._time import to_micros
from .._validators import check_item
from ..interactions import Interaction
from ._column_readers import NAT
from ._queue import first_outcome
from ._resolution import customer_follow_ups

__all__ = ["interaction_columns"]


def interaction_columns(items: Iterable[Interaction]) -> dict[str, Any]:
    """The canonical batch columns of some interactions, as numpy arrays.

    Instants are ``datetime64[us]`` (UTC, NaT when absent), durations
    ``timedelta64[us]``, scores ``float64`` (NaN when absent). This is the
    column layout every KPI's ``add_batch`` reads, and what ``kpi.report``
    expects of a DataFrame (rename with its ``columns=`` mapping).

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> cols = interaction_columns([Interaction(id="1", customer_id="C", channel="chat",
    ...                                         created_at=pendulum.datetime(2024, 6, 10))])
    >>> str(cols["created_at"].dtype), cols["channel"].tolist()
    ('datetime64[us]', ['chat'])
    """
    import numpy as np

    rows: dict[str, list[Any]] = {k: [] for k in _COLUMN_NAMES}
    for index, item in enumerate(items):
        check_item(item, Interaction, field="items", index=index)
        first_reply, first_solved, last_solved = (
            item.first_reply_at(),
            item.first_solved_at(),
            item.last_solved_at(),
        )
        queue = first_outcome(item.created_at, first_reply, first_solved)
        handle = handle_micros(item)
        rows["id"].append(item.id)
        rows["customer_id"].append(item.customer_id)
        rows["channel"].append(item.channel.value)
        rows["kind"].append(item.kind.value)
        rows["priority"].append(item.priority.value)
        rows["group"].append(item.group())
        rows["created_at"].append(to_micros(item.created_at))
        rows["first_reply_at"].append(NAT if first_reply is None else to_micros(first_reply))
        rows["first_solved_at"].append(NAT if first_solved is None else to_micros(first_solved))
        rows["last_solved_at"].append(NAT if last_solved is None else to_micros(last_solved))
        rows["agent_replies"].append(item.agent_reply_count())
        rows["reopens"].append(item.reopen_count())
        rows["customer_follow_ups"].append(customer_follow_ups(item))
        score = item.satisfaction()
        rows["csat"].append(np.nan if score is None else float(score))
        rows["handle_time"].append(NAT if handle is None else handle)
        rows["wait"].append(NAT if queue is None else queue[0])
        rows["answered"].append(False if queue is None else queue[1])
    out: dict[str, Any] = {}
    for key, values in rows.items():
        if key in {"created_at", "first_reply_at", "first_solved_at", "last_solved_at"}:
            out[key] = np.array(values, dtype=np.int64).view("datetime64[us]")
        elif key in {"handle_time", "wait"}:
            out[key] = np.array(values, dtype=np.int64).view("timedelta64[us]")
        elif key in {"agent_replies", "reopens", "customer_follow_ups"}:
            out[key] = np.array(values, dtype=np.int64)
        elif key == "csat":
            out[key] = np.array(values, dtype=np.float64)
        elif key == "answered":
            out[key] = np.array(values, dtype=bool)
        else:
            out[key] = np.array(values, dtype=object)
    return out


_COLUMN_NAMES = (
    "id",
    "customer_id",
    "channel",
    "kind",
    "priority",
    "group",
    "created_at",
    "first_reply_at",
    "first_solved_at",
    "last_solved_at",
    "agent_replies",
    "reopens",
    "customer_follow_ups",
    "csat",
    "handle_time",
    "wait",
    "answered",
)
