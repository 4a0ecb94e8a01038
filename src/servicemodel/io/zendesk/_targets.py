"""The one reading of a Zendesk SLA target: ``target_in_seconds``, else ``target`` minutes.

Policies (``policy_metrics``), ticket metric events (``apply_sla``'s ``sla``)
and the field history's stamps (``{"minutes": ..., "in_business_hours": ...}``)
all give a target this way; every reader parses it here.
"""

from __future__ import annotations

from typing import Final

from ...exceptions import ValidationError

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
    servicemodel.exceptions.ValidationError: 'target' must be a positive whole number of minutes (got 1.5)
    """
    if seconds is not None:
        if not _whole(seconds, _MAX_SECONDS):
            raise ValidationError(
                f"'{seconds_field}' must be a positive whole number of seconds of at most "
                f"{_MAX_SECONDS} (got {seconds!r})",
                field=seconds_field,
                value=seconds,
            )
        assert isinstance(seconds, int)
        return seconds
    if not _whole(minutes, _MAX_SECONDS // 60):
        raise ValidationError(
            f"'{minutes_field}' must be a positive whole number of minutes (got {minutes!r})",
            field=minutes_field,
            value=minutes,
        )
    assert isinstance(minutes, int)
    return minutes * 60


def _whole(value: object, most: int) -> bool:
    return type(value) is int and 0 < value <= most
