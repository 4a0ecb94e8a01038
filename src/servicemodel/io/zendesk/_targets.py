"""The one reading of a Zendesk SLA target: ``target_in_seconds``, else ``target`` minutes.

Policies (``policy_metrics``), ticket metric events (``apply_sla``'s ``sla``)
and the field history's stamps (``{"minutes": ..., "in_business_hours": ...}``)
all give a target this way; every reader parses it here.
"""

from __future__ import annotations

from typing import Final

from ..._validators import integer

__all__ = ["target_seconds"]

#: The longest target read (ten years; beyond it a value is a typo, not a target).
_MAX_SECONDS: Final = 10 * 366 * 24 * 3_600


def target_seconds(
    minutes: object,
    seconds: object = None,
    *,
    minutes_field: str = "target",
    seconds_field: str = "target_in_seconds",
) -> int:
    """The target in seconds: *seconds* when given (Zendesk's exact figure), else *minutes*.

    Either must be a positive whole number (JSON booleans are not numbers).

    >>> target_seconds(60), target_seconds(60, 90), target_seconds(1, None)
    (3600, 90, 60)
    >>> target_seconds(1.5)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'target' must be an integer number of minutes from 1 to 5270400 (got 1.5)
    """
    if seconds is not None:
        return integer(seconds, field=seconds_field, low=1, high=_MAX_SECONDS, unit="seconds")
    return (
        integer(minutes, field=minutes_field, low=1, high=_MAX_SECONDS // 60, unit="minutes") * 60
    )
