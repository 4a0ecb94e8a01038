"""Expiry rules: when a lot's points expire, and when a member's balance expires for inactivity.

Each rule answers ``_lot_expiry(clock, start)``: the instant (epoch micros)
a lot whose expiry counts from *start* expires, on the programme's local
calendar. :class:`AfterInactivity` sets no per-lot expiry; it gives the
instant a member's whole balance expires after a stretch without activity
(:meth:`AfterInactivity._deadline`). Which instant an expiry counts from (the
earn or the availability of pending points) is :class:`ExpiryStart`.
"""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any, TypeAlias, final

import attrs

from .._validators import between, enum_member, is_collection
from ..exceptions import ValidationError
from ._clock import DAY, LocalClock, add_months

__all__ = [
    "ActivityKind",
    "AfterDays",
    "AfterInactivity",
    "AfterMonths",
    "CalendarPeriod",
    "DayCount",
    "EndOfPeriod",
    "Expiry",
    "ExpiryStart",
    "NeverExpires",
    "WhicheverFirst",
]

#: Longest expiry or pending period accepted, in days (100 years).
MAX_DAYS = 36_525
MAX_MONTHS = 1_200
#: Internal stand-in for "never": later than any instant the library handles.
NEVER = 1 << 62


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
    return enum_member(DayCount, value, field="convention")


def _to_period(value: Any) -> CalendarPeriod:
    return enum_member(CalendarPeriod, value, field="period")


def _after_date(clock: LocalClock, earned: int, date: _dt.date, convention: DayCount) -> int:
    if convention is DayCount.EARN_DAY_IS_DAY_ONE:
        return clock.start_of_day(LocalClock.day_of(date))
    if convention is DayCount.END_OF_DAY_PLUS_N:
        return clock.start_of_day(LocalClock.day_of(date) + 1)
    time_of_day = clock.wall(earned) % DAY
    return clock.to_utc(LocalClock.wall_of_day(date) + time_of_day)


class ExpiryStart(enum.Enum):
    """The instant a lot's expiry counts from.

    ``earned`` (the default) counts from the earn; ``available`` counts from
    the instant pending points become available (Open Loyalty's "unlock").
    Under ``earned``, a lot whose expiry would come at or before the
    instant it becomes available counts from availability instead, so
    points never expire before they could be spent.

    >>> ExpiryStart("available").name
    'AVAILABLE'
    """

    EARNED = "earned"
    AVAILABLE = "available"


@final
@attrs.frozen(kw_only=True)
class NeverExpires:
    """Points never expire.

    >>> NeverExpires()
    NeverExpires()
    """

    def _lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Return the expiry instant (micros) of a lot earned at *earned*: never.

        "Never" is an instant past every date a calendar can show (``1 << 62``).

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> NeverExpires()._lot_expiry(clock, earned) == 1 << 62
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

    days: int = attrs.field(validator=between(1, MAX_DAYS))
    convention: DayCount = attrs.field(
        default=DayCount.EARN_DAY_IS_DAY_ONE, converter=_to_day_count
    )

    def _lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Return the expiry instant (micros) of a lot earned at *earned*.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> clock.instant(AfterDays(days=30)._lot_expiry(clock, earned))
        DateTime(2025, 3, 2, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        >>> clock.instant(AfterDays(days=30, convention="exact_instant")._lot_expiry(clock, earned))
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

    months: int = attrs.field(validator=between(1, MAX_MONTHS))
    convention: DayCount = attrs.field(
        default=DayCount.EARN_DAY_IS_DAY_ONE, converter=_to_day_count
    )

    def _lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Return the expiry instant (micros) of a lot earned at *earned*.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> clock.instant(AfterMonths(months=1)._lot_expiry(clock, earned))  # clamped to February
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
    extra: int = attrs.field(default=0, validator=between(0, MAX_MONTHS))

    def _lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Return the expiry instant (micros) of a lot earned at *earned*.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> clock.instant(EndOfPeriod(period="quarter")._lot_expiry(clock, earned))
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


class ActivityKind(enum.Enum):
    """What a member does that counts as activity for :class:`AfterInactivity`.

    One kind per thing a command does: ``earn``, ``redeem``, ``adjust`` (by
    hand, either sign), ``reissue`` and ``restore`` (undoing a redemption,
    by the reversal policy), ``activate`` (making pending points available)
    and ``return`` (returning a purchase).

    >>> ActivityKind("adjust")
    <ActivityKind.ADJUST: 'adjust'>
    """

    EARN = "earn"
    REDEEM = "redeem"
    ADJUST = "adjust"
    REISSUE = "reissue"
    RESTORE = "restore"
    ACTIVATE = "activate"
    RETURN = "return"


#: What counts as activity unless a rule says otherwise.
DEFAULT_ACTIVITY = frozenset(
    {ActivityKind.EARN, ActivityKind.REDEEM, ActivityKind.ADJUST, ActivityKind.REISSUE}
)


def _activity(value: Any) -> frozenset[ActivityKind]:
    if not is_collection(value):
        raise ValidationError(
            f"'activity' must be a set of activity kinds such as {{'earn', 'redeem'}} "
            f"(got {value!r})",
            field="activity",
            value=value,
        )
    return frozenset(enum_member(ActivityKind, item, field="activity") for item in value)


def _optional_count(low: int, high: int) -> Any:
    check = between(low, high)

    def optional(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            check(instance, attribute, value)

    return optional


def _since(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None and (isinstance(value, _dt.datetime) or not isinstance(value, _dt.date)):
        raise ValidationError(
            f"'since' must be a local calendar date such as datetime.date(2025, 7, 1) "
            f"(got {value!r})",
            field="since",
            value=value,
        )


@final
@attrs.frozen(kw_only=True)
class AfterInactivity:
    """All of a member's points expire after N days (or N months) without activity.

    Attributes:
        days: how many days without activity (1 to 36525); or
        months: how many calendar months (1 to 1200); give exactly one.
        convention: the day count, as for :class:`AfterDays`.
        since: the local date the rule is switched on (``None``: always on).
            Inactivity is counted from the later of the last activity and
            the start of that date, so a programme that introduces expiry
            never expires points for inactivity before the switch.
        activity: what counts as activity (:class:`ActivityKind`); by
            default an earn, a redemption, an adjustment or a reissue.

    A member's inactivity clock starts at their first command and restarts
    at every activity; once their balance has expired for inactivity, it
    starts again at their next command.

    >>> AfterInactivity(days=365).days
    365
    >>> sorted(kind.value for kind in AfterInactivity(months=18, activity={"earn"}).activity)
    ['earn']
    """

    days: int | None = attrs.field(default=None, validator=_optional_count(1, MAX_DAYS))
    convention: DayCount = attrs.field(
        default=DayCount.EARN_DAY_IS_DAY_ONE, converter=_to_day_count
    )
    months: int | None = attrs.field(default=None, validator=_optional_count(1, MAX_MONTHS))
    since: _dt.date | None = attrs.field(default=None, validator=_since)
    activity: frozenset[ActivityKind] = attrs.field(default=DEFAULT_ACTIVITY, converter=_activity)

    @months.validator
    def _check_length(self, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if (self.days is None) == (value is None):
            raise ValidationError(
                "'days' or 'months' must be given, not both and not neither "
                f"(got days={self.days!r}, months={value!r})",
                field="days" if value is None else "months",
                value=self.days if value is None else value,
            )

    def _lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Inactivity sets no per-lot expiry: return never (see :meth:`deadline`).

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> AfterInactivity(days=365)._lot_expiry(clock, earned) == NeverExpires()._lot_expiry(clock, 0)
        True
        """
        return NEVER

    def counts(self, kind: ActivityKind) -> bool:
        """Return whether *kind* counts as activity under this rule.

        >>> rule = AfterInactivity(days=365, activity={"earn", "redeem"})
        >>> rule.counts(ActivityKind.REDEEM), rule.counts(ActivityKind.ADJUST)
        (True, False)
        """
        return kind in self.activity

    def _deadline(self, clock: LocalClock, last_activity: int) -> int:
        """Return the instant (micros) the balance expires if nothing happens after *last_activity*.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> last = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> clock.instant(AfterInactivity(days=365)._deadline(clock, last))
        DateTime(2026, 1, 31, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        >>> clock.instant(AfterInactivity(months=1)._deadline(clock, last))  # clamped to February
        DateTime(2025, 2, 28, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        >>> switched = AfterInactivity(days=30, since=_dt.date(2025, 6, 1))
        >>> clock.instant(switched._deadline(clock, last))  # 1 June is day 1 of 30
        DateTime(2025, 7, 1, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        start = last_activity
        if self.since is not None:
            switch = clock.start_of_day(LocalClock.day_of(self.since))
            if switch > start:
                start = switch
        rule: AfterDays | AfterMonths = (
            AfterDays(days=self.days, convention=self.convention)
            if self.days is not None
            else AfterMonths(months=self.months or 1, convention=self.convention)
        )
        return rule._lot_expiry(clock, start)


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
        if sum(isinstance(rule, AfterInactivity) for rule in value) > 1:
            raise ValidationError(
                "'rules' must hold at most one AfterInactivity rule; keep the one that "
                f"applies (got {value!r})",
                field="rules",
                value=value,
            )

    def _lot_expiry(self, clock: LocalClock, earned: int) -> int:
        """Return the earliest per-lot expiry of the rules (micros).

        >>> clock = LocalClock("Europe/Warsaw")
        >>> earned = 1738314000000000  # 31 January 2025 10:00 in Warsaw
        >>> rule = WhicheverFirst(rules=[AfterMonths(months=1), EndOfPeriod(period="month")])
        >>> clock.instant(rule._lot_expiry(clock, earned))  # the month ends first
        DateTime(2025, 2, 1, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        return min(rule._lot_expiry(clock, earned) for rule in self.rules)


#: Any expiry rule.
Expiry: TypeAlias = (
    NeverExpires | AfterDays | AfterMonths | EndOfPeriod | AfterInactivity | WhicheverFirst
)


def inactivity_of(expiry: Expiry) -> AfterInactivity | None:
    """Return the inactivity rule inside *expiry* (a rule holds at most one), if any."""
    if isinstance(expiry, AfterInactivity):
        return expiry
    if isinstance(expiry, WhicheverFirst):
        for rule in expiry.rules:
            if isinstance(rule, AfterInactivity):
                return rule
    return None


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
