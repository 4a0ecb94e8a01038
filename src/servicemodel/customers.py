"""Customers: who they are for segmentation, retention and loyalty.

>>> import pendulum
>>> c = Customer(id="C-1", acquired_at=pendulum.datetime(2023, 3, 1), segment="smb", tier="gold")
>>> c.is_active(pendulum.datetime(2024, 1, 1))
True
"""

from __future__ import annotations

from typing import Any, final

import attrs
import pendulum

from ._time import aware, to_micros
from ._validators import instant_key, non_empty_str, optional_aware, optional_non_empty_str
from .exceptions import ValidationError

__all__ = ["Customer"]


def _acquired_at(value: object) -> pendulum.DateTime:
    return aware(value, field="acquired_at")


def _churned_at(value: object) -> pendulum.DateTime | None:
    return optional_aware(value, field="churned_at")


@final
@attrs.frozen(kw_only=True)
class Customer:
    """A customer: when we won them, their segment and tier, and when (if) they left.

    >>> import pendulum
    >>> Customer(id="C", acquired_at=pendulum.datetime(2024, 2, 1),
    ...          churned_at=pendulum.datetime(2024, 1, 1))
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'churned_at' must not be before 'acquired_at' (got 2024-01-01T00:00:00+00:00 < 2024-02-01T00:00:00+00:00)
    """

    id: str = attrs.field(validator=non_empty_str)
    acquired_at: pendulum.DateTime = attrs.field(converter=_acquired_at, eq=instant_key)
    segment: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    tier: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    churned_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=_churned_at, eq=instant_key
    )

    @churned_at.validator
    def _check_churn(
        self, _attribute: attrs.Attribute[Any], value: pendulum.DateTime | None
    ) -> None:
        if value is not None and to_micros(value) < to_micros(self.acquired_at):
            raise ValidationError(
                f"'churned_at' must not be before 'acquired_at' "
                f"(got {value.isoformat()} < {self.acquired_at.isoformat()})",
                field="churned_at",
                value=value,
            )

    def is_active(self, at: pendulum.DateTime) -> bool:
        """True when the customer had been acquired and had not churned at *at*.

        >>> import pendulum
        >>> c = Customer(id="C", acquired_at=pendulum.datetime(2024, 1, 1),
        ...              churned_at=pendulum.datetime(2024, 6, 1))
        >>> c.is_active(pendulum.datetime(2024, 6, 1)), c.is_active(pendulum.datetime(2023, 12, 31))
        (False, False)
        """
        instant = to_micros(aware(at, field="at"))
        if instant < to_micros(self.acquired_at):
            return False
        return self.churned_at is None or instant < to_micros(self.churned_at)
