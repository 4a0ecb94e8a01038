"""Ledger policies: every semantic choice of a points ledger as a named value.

A :class:`Policies` value bundles the choices a :class:`Ledger` makes:
which lot a redemption draws from, when points expire, how long they stay
pending, what a clawback does when the points were already spent, how a
return is attributed to the points of an order and what undoing a redemption
gives back. The reasons behind each default are in
``docs/explanation/loyalty-policies.md``.
"""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any, TypeAlias, final

import attrs

from .._time import zone
from ..exceptions import ValidationError
from ._clock import DAY, HOUR, LocalClock, add_months

__all__ = [
    "AfterDays",
    "AfterInactivity",
    "AfterMonths",
    "CalendarPeriod",
    "Consumption",
    "DayCount",
    "EndOfPeriod",
    "Expiry",
    "NegativeBalance",
    "NeverExpires",
    "Pending",
    "PendingReturn",
    "PendingUnit",
    "Policies",
    "RedemptionReversal",
    "ReturnAttribution",
    "WhicheverFirst",
]

#: Longest expiry or pending period accepted, in days (100 years).
MAX_DAYS = 36_525
MAX_MONTHS = 1_200
#: Internal stand-in for "never": later than any instant the library handles.
NEVER = 1 << 62


def _count(low: int, high: int) -> Any:
    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(
                f"'{attribute.name}' must be an integer from {low} to {high} (got {value!r})",
                field=attribute.name,
                value=value,
            )

    return check


def _member_of(enum_type: type[enum.Enum], *, field: str) -> Any:
    allowed = ", ".join(repr(m.value) for m in enum_type)

    def convert(value: Any) -> Any:
        if isinstance(value, enum_type):
            return value
        try:
            return enum_type(value)
        except (ValueError, TypeError):
            raise ValidationError(
                f"'{field}' must be one of {allowed} (got {value!r})", field=field, value=value
            ) from None

    return convert


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


class DayCount(enum.Enum):
    """What "expires after N days" (or months) means.

    With an earn at 2025-01-10 14:00 and 30 days:

    - ``earn_day_is_day_one``: the earn day counts as day 1; the points expire
      at local midnight after day 30 (2025-02-09 00:00).
    - ``end_of_day_plus_n``: usable through the whole of the earn day plus N
      days (until 2025-02-09 23:59:59.999999, expiry 2025-02-10 00:00).
    - ``exact_instant``: the same local wall-clock time N days later
      (2025-02-09 14:00).

    >>> DayCount("exact_instant").name
    'EXACT_INSTANT'
    """

    EARN_DAY_IS_DAY_ONE = "earn_day_is_day_one"
    END_OF_DAY_PLUS_N = "end_of_day_plus_n"
    EXACT_INSTANT = "exact_instant"


class CalendarPeriod(enum.Enum):
    """A calendar period in programme-local time.

    >>> CalendarPeriod("quarter").value
    'quarter'
    """

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def _to_day_count(value: Any) -> DayCount:
    result: DayCount = _member_of(DayCount, field="convention")(value)
    return result


def _to_period(value: Any) -> CalendarPeriod:
    result: CalendarPeriod = _member_of(CalendarPeriod, field="period")(value)
    return result


def _to_pending_unit(value: Any) -> PendingUnit:
    result: PendingUnit = _member_of(PendingUnit, field="unit")(value)
    return result


def _to_pending_return(value: Any) -> PendingReturn:
    result: PendingReturn = _member_of(PendingReturn, field="on_return")(value)
    return result


def _to_consumption(value: Any) -> Consumption:
    result: Consumption = _member_of(Consumption, field="consumption")(value)
    return result


def _to_negative_balance(value: Any) -> NegativeBalance:
    result: NegativeBalance = _member_of(NegativeBalance, field="negative_balance")(value)
    return result


def _to_return_attribution(value: Any) -> ReturnAttribution:
    result: ReturnAttribution = _member_of(ReturnAttribution, field="returns")(value)
    return result


def _to_redemption_reversal(value: Any) -> RedemptionReversal:
    result: RedemptionReversal = _member_of(RedemptionReversal, field="reversal")(value)
    return result


def _after_date(clock: LocalClock, earned: int, date: _dt.date, convention: DayCount) -> int:
    if convention is DayCount.EARN_DAY_IS_DAY_ONE:
        return clock.start_of_day(LocalClock.day_of(date))
    if convention is DayCount.END_OF_DAY_PLUS_N:
        return clock.start_of_day(LocalClock.day_of(date) + 1)
    time_of_day = clock.wall(earned) % DAY
    return clock.to_utc(LocalClock.wall_of_day(date) + time_of_day)


@final
@attrs.frozen(kw_only=True)
class NeverExpires:
    """Points never expire.

    >>> NeverExpires()
    NeverExpires()
    """

    def lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Return the expiry instant (micros) of a lot earned at *earned*: never.

        "Never" is an instant past every date a calendar can show (``1 << 62``).

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> NeverExpires().lot_expiry(clock, earned) == 1 << 62
        True
        """
        return NEVER


@final
@attrs.frozen(kw_only=True)
class AfterDays:
    """Points expire N days after they were earned, by the named day count.

    Attributes:
        days: how many days (1 to 36525).
        convention: what counts as day 1 (see :class:`DayCount`).

    >>> AfterDays(days=30, convention=DayCount.END_OF_DAY_PLUS_N).days
    30
    """

    days: int = attrs.field(validator=_count(1, MAX_DAYS))
    convention: DayCount = attrs.field(
        default=DayCount.EARN_DAY_IS_DAY_ONE, converter=_to_day_count
    )

    def lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Return the expiry instant (micros) of a lot earned at *earned*.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> clock.instant(AfterDays(days=30).lot_expiry(clock, earned))
        DateTime(2025, 3, 2, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        >>> clock.instant(AfterDays(days=30, convention="exact_instant").lot_expiry(clock, earned))
        DateTime(2025, 3, 2, 10, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        if self.convention is DayCount.EXACT_INSTANT:
            return clock.to_utc(clock.wall(earned) + self.days * DAY)
        day = clock.day(earned) + self.days
        if self.convention is DayCount.END_OF_DAY_PLUS_N:
            day += 1
        return clock.start_of_day(day)


@final
@attrs.frozen(kw_only=True)
class AfterMonths:
    """Points expire N calendar months after they were earned (12 months is a year).

    Month arithmetic clamps to the end of the month: earned on 31 January,
    one month later is the last day of February. The day-count convention
    works as for :class:`AfterDays`.

    >>> AfterMonths(months=12).months
    12
    """

    months: int = attrs.field(validator=_count(1, MAX_MONTHS))
    convention: DayCount = attrs.field(
        default=DayCount.EARN_DAY_IS_DAY_ONE, converter=_to_day_count
    )

    def lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Return the expiry instant (micros) of a lot earned at *earned*.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> clock.instant(AfterMonths(months=1).lot_expiry(clock, earned))  # clamped to February
        DateTime(2025, 2, 28, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        date = add_months(LocalClock.date_of(clock.day(earned)), self.months)
        return _after_date(clock, earned, date, self.convention)


@final
@attrs.frozen(kw_only=True)
class EndOfPeriod:
    """Points expire at the end of the (local) month, quarter or year they were earned in.

    Attributes:
        period: month, quarter or year.
        extra: further whole periods of grace (``extra=1`` with ``year``:
            points earned in 2025 expire when 2026 ends).

    >>> EndOfPeriod(period=CalendarPeriod.YEAR).extra
    0
    """

    period: CalendarPeriod = attrs.field(converter=_to_period)
    extra: int = attrs.field(default=0, validator=_count(0, MAX_MONTHS))

    def lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Return the expiry instant (micros) of a lot earned at *earned*.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> clock.instant(EndOfPeriod(period="quarter").lot_expiry(clock, earned))
        DateTime(2025, 4, 1, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        date = LocalClock.date_of(clock.day(earned))
        step = {CalendarPeriod.MONTH: 1, CalendarPeriod.QUARTER: 3, CalendarPeriod.YEAR: 12}[
            self.period
        ]
        if self.period is CalendarPeriod.MONTH:
            first = date.replace(day=1)
        elif self.period is CalendarPeriod.QUARTER:
            first = date.replace(month=(date.month - 1) // 3 * 3 + 1, day=1)
        else:
            first = date.replace(month=1, day=1)
        end = add_months(first, step * (1 + self.extra))
        return clock.start_of_day(LocalClock.day_of(end))


@final
@attrs.frozen(kw_only=True)
class AfterInactivity:
    """All of a member's points expire after N days without activity.

    Activity is an earn, a redemption, an adjustment or a reissue; reversals
    and returns are not activity. The deadline is counted from the last
    activity with the named day count.

    >>> AfterInactivity(days=365).days
    365
    """

    days: int = attrs.field(validator=_count(1, MAX_DAYS))
    convention: DayCount = attrs.field(
        default=DayCount.EARN_DAY_IS_DAY_ONE, converter=_to_day_count
    )

    def lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Inactivity sets no per-lot expiry: return never (see :meth:`deadline`).

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> AfterInactivity(days=365).lot_expiry(clock, earned) == NeverExpires().lot_expiry(clock, 0)
        True
        """
        return NEVER

    def deadline(self, clock: LocalClock, last_activity: int) -> int:
        """Return the instant (micros) the balance expires if nothing happens after *last_activity*.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> last = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> clock.instant(AfterInactivity(days=365).deadline(clock, last))
        DateTime(2026, 1, 31, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        return AfterDays(days=self.days, convention=self.convention).lot_expiry(
            clock, last_activity
        )


def _expiries(value: Any) -> tuple[Any, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(
            item, NeverExpires | AfterDays | AfterMonths | EndOfPeriod | AfterInactivity
        ):
            raise ValidationError(
                f"'rules' must contain only simple expiry rules, not {type(item).__name__} "
                f"(got {item!r})",
                field="rules",
                value=item,
            )
    return items


@final
@attrs.frozen(kw_only=True)
class WhicheverFirst:
    """Points expire at the earliest of several expiry rules.

    >>> rule = WhicheverFirst(rules=[AfterMonths(months=24), AfterInactivity(days=365)])
    >>> len(rule.rules)
    2
    """

    rules: tuple[NeverExpires | AfterDays | AfterMonths | EndOfPeriod | AfterInactivity, ...] = (
        attrs.field(converter=_expiries)
    )

    @rules.validator
    def _check(self, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        if not value:
            raise ValidationError(
                "'rules' must name at least one expiry rule (got none)", field="rules", value=value
            )

    def lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Return the earliest per-lot expiry of the rules (micros).

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> rule = WhicheverFirst(rules=[AfterMonths(months=1), EndOfPeriod(period="month")])
        >>> clock.instant(rule.lot_expiry(clock, earned))  # the month ends first
        DateTime(2025, 2, 1, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        return min(rule.lot_expiry(clock, earned) for rule in self.rules)


#: Any expiry rule.
Expiry: TypeAlias = (
    NeverExpires | AfterDays | AfterMonths | EndOfPeriod | AfterInactivity | WhicheverFirst
)


def inactivity_of(expiry: Expiry) -> AfterInactivity | None:
    """Return the inactivity rule inside *expiry* (the shortest), if any."""
    if isinstance(expiry, AfterInactivity):
        return expiry
    if isinstance(expiry, WhicheverFirst):
        found = [r for r in expiry.rules if isinstance(r, AfterInactivity)]
        if found:
            return min(found, key=lambda r: (r.days, r.convention.value))
    return None


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

    length: int = attrs.field(default=0, validator=_count(0, MAX_DAYS))
    unit: PendingUnit = attrs.field(default=PendingUnit.DAYS, converter=_to_pending_unit)
    on_return: PendingReturn = attrs.field(
        default=PendingReturn.VOID_RETURNED, converter=_to_pending_return
    )

    def available_at(self, clock: LocalClock, earned: int) -> int:
        """Return the instant (micros) points earned at *earned* become available.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> clock.instant(Pending(length=14).available_at(clock, earned))
        DateTime(2025, 2, 14, 10, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        >>> Pending().available_at(clock, earned) == earned
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


def day_based(expiry: Expiry) -> bool:
    """Return whether *expiry* gives every lot earned on one local day the same expiry.

    True unless a rule counts from the exact instant of earning; the ledger
    then reuses one day's answer for every lot earned that day.

    >>> day_based(AfterDays(days=30)), day_based(AfterDays(days=30, convention="exact_instant"))
    (True, False)
    """
    if isinstance(expiry, WhicheverFirst):
        return all(day_based(rule) for rule in expiry.rules)
    if isinstance(expiry, AfterDays | AfterMonths):
        return expiry.convention is not DayCount.EXACT_INSTANT
    return True


def _expiry(value: Any) -> Expiry:
    if not isinstance(
        value,
        NeverExpires | AfterDays | AfterMonths | EndOfPeriod | AfterInactivity | WhicheverFirst,
    ):
        raise ValidationError(
            f"'expiry' must be an expiry rule such as AfterDays(days=365) (got {value!r})",
            field="expiry",
            value=value,
        )
    return value


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

    @pending.validator
    def _check_pending(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, Pending):
            raise ValidationError(
                f"'pending' must be a Pending value such as Pending(length=14) (got {value!r})",
                field="pending",
                value=value,
            )
