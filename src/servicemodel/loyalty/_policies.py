"""Ledger policies: every semantic choice of a points ledger as a named value.

A :class:`Policies` value bundles the choices a :class:`Ledger` makes:
which lot a redemption draws from, when points expire (the rules are in
``_expiry``) and from which instant, how long they stay pending, what a
clawback does when the points were already spent or had expired, how a
return is attributed to the points of an order and what undoing a
redemption gives back. The reasons behind each default are in
``docs/explanation/loyalty-policies.md``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Final, final

import attrs

from .._time import zone
from .._validators import between, enum_member
from ..exceptions import ValidationError
from ._clock import DAY, HOUR, LocalClock
from ._expiry import MAX_DAYS as MAX_DAYS
from ._expiry import MAX_MONTHS as MAX_MONTHS
from ._expiry import NEVER as NEVER
from ._expiry import (
    ActivityKind,
    AfterDays,
    AfterInactivity,
    AfterMonths,
    CalendarPeriod,
    DayCount,
    EndOfPeriod,
    Expiry,
    ExpiryStart,
    NeverExpires,
    WhicheverFirst,
)
from ._expiry import _expiry as _expiry
from ._expiry import day_based as day_based
from ._expiry import inactivity_of as inactivity_of

__all__ = [
    "ADJUST_SHORTFALL",
    "ActivityKind",
    "AfterDays",
    "AfterInactivity",
    "AfterMonths",
    "CalendarPeriod",
    "Consumption",
    "DayCount",
    "EndOfPeriod",
    "ExpiredReturn",
    "Expiry",
    "ExpiryStart",
    "NegativeBalance",
    "NeverExpires",
    "Pending",
    "PendingReturn",
    "PendingUnit",
    "Policies",
    "RedemptionReversal",
    "ReturnAttribution",
    "WhicheverFirst",
    "lot_expiry",
]


class Consumption(enum.Enum):
    """Which lots a redemption (or a clawback beyond its own lot) draws from first.

    ``soonest_expiring`` (the default) ranks lots by expiry, then earn time,
    then lot number, with lots that never expire last; ``fifo`` takes the
    oldest-earned lot first and ``lifo`` the newest.

    >>> Consumption("fifo")
    <Consumption.FIFO: 'fifo'>
    """

    SOONEST_EXPIRING = "soonest_expiring"
    FIFO = "fifo"
    LIFO = "lifo"


def _to_pending_unit(value: Any) -> PendingUnit:
    return enum_member(PendingUnit, value, field="unit")


def _to_pending_return(value: Any) -> PendingReturn:
    return enum_member(PendingReturn, value, field="on_return")


def _to_consumption(value: Any) -> Consumption:
    return enum_member(Consumption, value, field="consumption")


def _to_negative_balance(value: Any) -> NegativeBalance:
    return enum_member(NegativeBalance, value, field="negative_balance")


def _to_return_attribution(value: Any) -> ReturnAttribution:
    return enum_member(ReturnAttribution, value, field="returns")


def _to_redemption_reversal(value: Any) -> RedemptionReversal:
    return enum_member(RedemptionReversal, value, field="reversal")


class PendingUnit(enum.Enum):
    """The unit of a pending period: local calendar days or absolute hours.

    >>> PendingUnit("hours")
    <PendingUnit.HOURS: 'hours'>
    """

    DAYS = "days"
    HOURS = "hours"


class PendingReturn(enum.Enum):
    """What a return does while an order's points are still pending.

    ``void_returned`` voids the points attributed to the returned lines and
    lets the rest become available on schedule; ``void_all`` voids the whole
    lot on any return.

    >>> PendingReturn("void_all").value
    'void_all'
    """

    VOID_RETURNED = "void_returned"
    VOID_ALL = "void_all"


@final
@attrs.frozen(kw_only=True)
class Pending:
    """How long earned points wait before they can be spent.

    ``Pending(length=14)`` holds points for 14 local calendar days: earned at
    2025-01-01 10:00, they are available from 2025-01-15 10:00. Length 0 (the
    default) makes points available at once.

    >>> Pending(length=48, unit=PendingUnit.HOURS).unit
    <PendingUnit.HOURS: 'hours'>
    """

    length: int = attrs.field(default=0, validator=between(0, MAX_DAYS))
    unit: PendingUnit = attrs.field(default=PendingUnit.DAYS, converter=_to_pending_unit)
    on_return: PendingReturn = attrs.field(
        default=PendingReturn.VOID_RETURNED, converter=_to_pending_return
    )

    def _available_at(self, clock: LocalClock, earned: int) -> int:
        """Return the instant (micros) points earned at *earned* become available.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> clock.instant(Pending(length=14)._available_at(clock, earned))
        DateTime(2025, 2, 14, 10, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        >>> Pending()._available_at(clock, earned) == earned
        True
        """
        if self.length == 0:
            return earned
        if self.unit is PendingUnit.HOURS:
            return earned + self.length * HOUR
        return clock.to_utc(clock.wall(earned) + self.length * DAY)


class NegativeBalance(enum.Enum):
    """What a clawback does when the points to take back were already spent.

    The clawback first takes what is left in the returned order's own lot,
    then available points from other lots in consumption order. For the
    shortfall beyond that:

    - ``refuse``: the return is refused (``InsufficientPoints``); nothing changes.
    - ``within_balance``: take what is there; the rest is written off.
    - ``unlimited``: the rest becomes debt, repaid first by later points.
    - ``only_pending``: only points still pending are taken back; once points
      are available a return takes nothing (all of it is written off).

    >>> NegativeBalance("unlimited").name
    'UNLIMITED'
    """

    REFUSE = "refuse"
    WITHIN_BALANCE = "within_balance"
    UNLIMITED = "unlimited"
    ONLY_PENDING = "only_pending"


#: What an adjustment does beyond the available points when it names no shortfall
#: (``Ledger.adjust`` and ``Command.of("adjust", ...)``): it is refused.
ADJUST_SHORTFALL: Final = NegativeBalance.REFUSE


class ReturnAttribution(enum.Enum):
    """How the points of an order are attributed to its lines for returns.

    ``proportional`` splits the granted points by line value (largest
    remainder, so the parts sum exactly); ``line_attributed`` uses the points
    each line earned under the rules (product bonuses stay with their line).
    The split is fixed when the points are earned.

    >>> ReturnAttribution("line_attributed").value
    'line_attributed'
    """

    PROPORTIONAL = "proportional"
    LINE_ATTRIBUTED = "line_attributed"


class RedemptionReversal(enum.Enum):
    """What undoing a redemption gives back.

    ``restore`` puts the points back into the lots they came from, with their
    original expiry (points whose lot already expired expire at once);
    ``reissue`` grants a new lot, expiring by the expiry rule from the
    reversal.

    >>> RedemptionReversal("reissue").value
    'reissue'
    """

    RESTORE = "restore"
    REISSUE = "reissue"


class ExpiredReturn(enum.Enum):
    """What a return takes back when the returned order's points had already expired.

    ``not_again`` (the default): the points the order's lot lost to expiry
    (and not yet matched by an earlier return) are not taken again; that
    part of the clawback is written off, and only the part the member spent
    is taken from other lots (or becomes debt, by the negative-balance
    policy). ``take_again``: the whole clawback is taken from the member's
    other points, as if the lot had been spent (the member then loses those
    points twice: once to expiry, once to the return).

    >>> ExpiredReturn("take_again").name
    'TAKE_AGAIN'
    """

    NOT_AGAIN = "not_again"
    TAKE_AGAIN = "take_again"


def _to_expired_return(value: Any) -> ExpiredReturn:
    return enum_member(ExpiredReturn, value, field="expired_return")


def _to_expiry_start(value: Any) -> ExpiryStart:
    return enum_member(ExpiryStart, value, field="expiry_start")


def lot_expiry(
    start: ExpiryStart, expires_from: Callable[[int], int], earned: int, available: int
) -> int:
    """Return when a lot earned at *earned* and available from *available* expires (micros).

    *expires_from* is the expiry rule counting from a given instant. Under
    ``ExpiryStart.AVAILABLE`` the rule counts from *available*; under
    ``EARNED`` from *earned*, unless that expiry is not after *available*
    (a pending lot would expire before it could be spent): then from
    *available* too.

    >>> clock = LocalClock("Europe/Warsaw")
    >>> rule = AfterDays(days=1)
    >>> earned = 1735729200000000  # 1 January 2025 12:00 in Warsaw
    >>> available = Pending(length=5)._available_at(clock, earned)
    >>> clock.instant(lot_expiry(ExpiryStart.EARNED, lambda t: rule._lot_expiry(clock, t),
    ...                          earned, available))
    DateTime(2025, 1, 7, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
    """
    if start is ExpiryStart.AVAILABLE:
        return expires_from(available)
    expires = expires_from(earned)
    return expires if expires > available else expires_from(available)


def _zone_name(_instance: Any, _attribute: Any, value: Any) -> None:
    zone(value, field="zone")


@final
@attrs.frozen(kw_only=True)
class Policies:
    """Every semantic choice of a ledger, each named.

    Attributes:
        zone: the programme's IANA timezone; days, months and windows are local.
        consumption: which lots redemptions draw from first.
        expiry: when points expire.
        pending: how long points wait before they can be spent.
        negative_balance: what a clawback does beyond the available points.
        returns: how returns are attributed to an order's points.
        reversal: what undoing a redemption gives back.
        expiry_start: the instant a lot's expiry counts from (see :class:`ExpiryStart`).
        expired_return: what a return takes back when the returned order's
            points had expired (see :class:`ExpiredReturn`).

    >>> p = Policies(zone="Europe/Warsaw", expiry=AfterDays(days=365))
    >>> p.consumption, p.negative_balance
    (<Consumption.SOONEST_EXPIRING: 'soonest_expiring'>, <NegativeBalance.UNLIMITED: 'unlimited'>)
    """

    zone: str = attrs.field(default="UTC", validator=_zone_name)
    consumption: Consumption = attrs.field(
        default=Consumption.SOONEST_EXPIRING, converter=_to_consumption
    )
    expiry: Expiry = attrs.field(factory=NeverExpires, converter=_expiry)
    pending: Pending = attrs.field(factory=Pending)
    negative_balance: NegativeBalance = attrs.field(
        default=NegativeBalance.UNLIMITED, converter=_to_negative_balance
    )
    returns: ReturnAttribution = attrs.field(
        default=ReturnAttribution.PROPORTIONAL, converter=_to_return_attribution
    )
    reversal: RedemptionReversal = attrs.field(
        default=RedemptionReversal.RESTORE, converter=_to_redemption_reversal
    )
    expiry_start: ExpiryStart = attrs.field(default=ExpiryStart.EARNED, converter=_to_expiry_start)
    expired_return: ExpiredReturn = attrs.field(
        default=ExpiredReturn.NOT_AGAIN, converter=_to_expired_return
    )

    @pending.validator
    def _check_pending(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, Pending):
            raise ValidationError(
                f"'pending' must be a Pending value such as Pending(length=14) (got {value!r})",
                field="pending",
                value=value,
            )
