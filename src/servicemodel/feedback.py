"""Feedback: survey responses (CSAT, NPS, CES) and reviews.

Each response is its own type because each scale means something different:
CSAT is 1-5 satisfaction, NPS 0-10 likelihood to recommend, CES 1-7
agreement that the company made it easy, a review 1-5 stars.

>>> import pendulum
>>> r = NpsResponse(customer_id="C-1", at=pendulum.datetime(2024, 6, 1), score=9)
>>> r.score, r.channel is None
(9, True)
"""

from __future__ import annotations

from typing import TypeAlias, final

import attrs
import pendulum

from ._time import aware
from ._validators import between, enum_member, instant_key, non_empty_str, optional_non_empty_str
from .interactions import Channel

__all__ = ["CesResponse", "CsatResponse", "Feedback", "NpsResponse", "Review"]


def _at(value: object) -> pendulum.DateTime:
    return aware(value, field="at")


def _channel(value: object) -> Channel | None:
    return None if value is None else enum_member(Channel, value, field="channel")


@attrs.frozen(kw_only=True)
class _Response:
    """Fields every piece of feedback has: who, when, through which channel, about what."""

    customer_id: str = attrs.field(validator=non_empty_str)
    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    channel: Channel | None = attrs.field(default=None, converter=_channel)
    interaction_id: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    comment: str = attrs.field(default="", validator=attrs.validators.instance_of(str))


@final
@attrs.frozen(kw_only=True)
class CsatResponse(_Response):
    """A customer satisfaction answer on 1 (very unsatisfied) to 5 (very satisfied).

    >>> import pendulum
    >>> CsatResponse(customer_id="C", at=pendulum.datetime(2024, 1, 1), score=0)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'score' must be an integer from 1 to 5 (got 0)
    """

    score: int = attrs.field(validator=between(1, 5))


@final
@attrs.frozen(kw_only=True)
class NpsResponse(_Response):
    """A Net Promoter answer on 0 (not at all likely to recommend) to 10 (extremely likely).

    >>> import pendulum
    >>> NpsResponse(customer_id="C", at=pendulum.datetime(2024, 1, 1), score=10).score
    10
    """

    score: int = attrs.field(validator=between(0, 10))


@final
@attrs.frozen(kw_only=True)
class CesResponse(_Response):
    """A Customer Effort Score (CES 2.0) answer on 1 (strongly disagree it was easy) to 7.

    >>> import pendulum
    >>> CesResponse(customer_id="C", at=pendulum.datetime(2024, 1, 1), score=8)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'score' must be an integer from 1 to 7 (got 8)
    """

    score: int = attrs.field(validator=between(1, 7))


@final
@attrs.frozen(kw_only=True)
class Review(_Response):
    """A public review of 1 to 5 stars, with the site it was posted on.

    >>> import pendulum
    >>> Review(customer_id="C", at=pendulum.datetime(2024, 1, 1), stars=4, source="app_store").stars
    4
    """

    stars: int = attrs.field(validator=between(1, 5))
    source: str | None = attrs.field(default=None, validator=optional_non_empty_str)


#: Any piece of feedback.
Feedback: TypeAlias = CsatResponse | NpsResponse | CesResponse | Review
