"""Caps: the most points granted per order, local day, local month or lifetime.

A cap clips or rejects what is above its room; its usage is the ledger tally
``cap:<name>``. Whether a return gives the room its points used back is the
named :class:`CapCount`.
"""

from __future__ import annotations

import enum
from typing import Any, final

import attrs

from .._validators import enum_member
from ._clock import LocalClock
from ._purchases import _optional_text, _text, _whole

__all__ = ["Cap", "CapCount", "CapMode", "CapOrder", "CapWindow"]


def _to_cap_window(value: Any) -> CapWindow:
    return enum_member(CapWindow, value, field="window")


def _to_cap_mode(value: Any) -> CapMode:
    return enum_member(CapMode, value, field="mode")


def _to_cap_order(value: Any) -> CapOrder:
    return enum_member(CapOrder, value, field="cap_order")


def _to_cap_count(value: Any) -> CapCount:
    return enum_member(CapCount, value, field="cap_count")


class CapWindow(enum.Enum):
    """The window a cap counts over (days and months in programme-local time).

    >>> CapWindow("month").value
    'month'
    """

    ORDER = "order"
    DAY = "day"
    MONTH = "month"
    LIFETIME = "lifetime"


class CapMode(enum.Enum):
    """What happens above a cap: ``clip`` grants up to the cap; ``reject`` grants nothing.

    >>> CapMode("reject").name
    'REJECT'
    """

    CLIP = "clip"
    REJECT = "reject"


class CapCount(enum.Enum):
    """What a cap's usage counts when a purchase is returned.

    ``granted`` (the default): the points granted, whatever happens to them
    later; a return gives no room back. ``kept``: the points the member
    keeps; a return (or cancellation) inside the window its purchase was
    counted in gives back that purchase's share of the room, in proportion
    to the returned value (exact once the whole order is returned). A
    return after that window ended gives nothing back: no later purchase
    can fall in a window that is over.

    >>> CapCount("kept").name
    'KEPT'
    """

    GRANTED = "granted"
    KEPT = "kept"


class CapOrder(enum.Enum):
    """Whether multipliers apply before the cap (``multiply_then_cap``) or after it.

    >>> CapOrder("cap_then_multiply").value
    'cap_then_multiply'
    """

    MULTIPLY_THEN_CAP = "multiply_then_cap"
    CAP_THEN_MULTIPLY = "cap_then_multiply"


@final
@attrs.frozen(kw_only=True)
class Cap:
    """A limit on points per order, local day, local month or lifetime.

    Attributes:
        name: unique name; its usage is kept as the ledger tally ``cap:<name>``.
        limit: the most points granted in one window.
        window: order, day, month or lifetime.
        mode: clip to the limit, or reject the whole award when over it.
        rule: the rule it limits (``None``: the order's total).

    >>> Cap(name="per-order", limit=500, window=CapWindow.ORDER).mode
    <CapMode.CLIP: 'clip'>
    """

    name: str = attrs.field(validator=_text)
    limit: int = attrs.field(validator=_whole(0))
    window: CapWindow = attrs.field(converter=_to_cap_window)
    mode: CapMode = attrs.field(default=CapMode.CLIP, converter=_to_cap_mode)
    rule: str | None = attrs.field(default=None, validator=_optional_text)

    def apply(self, desired: int, used: int) -> int:
        """Return the points granted of *desired* when *used* already count in the window.

        >>> daily = Cap(name="daily", limit=500, window=CapWindow.DAY)
        >>> daily.apply(300, 400), daily.apply(50, 400)  # clipped to the room left
        (100, 50)
        >>> Cap(name="daily", limit=500, window=CapWindow.DAY, mode=CapMode.REJECT).apply(300, 400)
        0
        """
        room = max(self.limit - used, 0) if self.window is not CapWindow.ORDER else self.limit
        if desired <= room:
            return desired
        return room if self.mode is CapMode.CLIP else 0

    def _window_start(self, clock: LocalClock, t: int) -> int:
        """Return the first instant (micros) of the window that holds the instant *t*.

        Days and months are local to *clock*; a lifetime window starts before
        any instant. An order window is the order itself: asking for its
        start is a mistake the caller must not make (it raises ``ValueError``).

        >>> clock = LocalClock("Europe/Warsaw")
        >>> t = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> clock.instant(Cap(name="m", limit=9, window="month")._window_start(clock, t))
        DateTime(2025, 1, 1, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        if self.window is CapWindow.DAY:
            return clock.start_of_day(clock.day(t))
        if self.window is CapWindow.MONTH:
            first = LocalClock.date_of(clock.day(t)).replace(day=1)
            return clock.start_of_day(LocalClock.day_of(first))
        if self.window is CapWindow.LIFETIME:
            return -(1 << 62)
        raise ValueError("an order cap has no window in time")
