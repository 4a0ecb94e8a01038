"""Instants and durations at the library's edges.

Everything inside servicemodel works on timezone-aware instants and, on hot
paths, on integer microseconds since the Unix epoch. This module is the one
place that converts between the two and parses duration text.

>>> import datetime as dt
>>> to_micros(dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=dt.timezone.utc))
1000000
>>> parse_duration("1h30m")
Duration(hours=1, minutes=30)
>>> ZONES.offsets("Europe/London").offset_at(1717750800000000) // 3_600_000_000
1
"""

from __future__ import annotations

import datetime as _dt
import re
from bisect import bisect_right
from collections.abc import Callable
from zoneinfo import ZoneInfo, available_timezones

import pendulum

from .exceptions import ValidationError

__all__ = [
    "HI",
    "LO",
    "MAX_DURATION_DAYS",
    "ZONES",
    "ZoneOffsets",
    "ZoneTable",
    "aware",
    "checked_micros",
    "duration_from_micros",
    "duration_micros",
    "from_micros",
    "parse_duration",
    "to_duration",
    "to_micros",
    "zone",
]

#: Longest duration accepted anywhere (100 years): protects arithmetic from overflow.
MAX_DURATION_DAYS = 36_525
_MAX_TEXT = 64
_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
_UTC = pendulum.timezone("UTC")
_TD_DAYS = _dt.timedelta.days.__get__
_TD_SECONDS = _dt.timedelta.seconds.__get__
_TD_MICROSECONDS = _dt.timedelta.microseconds.__get__
_TD_FLOORDIV = _dt.timedelta.__floordiv__
_TD_NEW = _dt.timedelta.__new__
_TD_TOTAL_SECONDS = _dt.timedelta.total_seconds
_ONE_US = _dt.timedelta(microseconds=1)
_MAX_MICROS = MAX_DURATION_DAYS * 86_400_000_000

_NAIVE_HINT = (
    "attach a timezone, e.g. pendulum.datetime(2024, 6, 7, 9, tz='Europe/London') "
    "or datetime(..., tzinfo=zoneinfo.ZoneInfo('Europe/London'))"
)


def _zone_of(tzinfo: _dt.tzinfo) -> _dt.tzinfo:
    """Return the pendulum zone equal to a stdlib tzinfo (or the tzinfo itself)."""
    if isinstance(tzinfo, pendulum.Timezone | pendulum.FixedTimezone):
        return tzinfo
    if isinstance(tzinfo, ZoneInfo):
        return pendulum.timezone(tzinfo.key)
    if isinstance(tzinfo, _dt.timezone):
        offset = tzinfo.utcoffset(None)
        return pendulum.FixedTimezone(int(offset.total_seconds())) if offset else _UTC
    return tzinfo


def aware(value: object, *, field: str) -> pendulum.DateTime:
    """Return *value* as an aware ``pendulum.DateTime``, or raise.

    Accepts pendulum or stdlib aware datetimes (the instant and the zone are
    kept). Naive datetimes, dates and anything else raise
    :class:`ValidationError` naming *field* and saying how to fix it.

    Args:
        value: the candidate instant.
        field: the field name used in the error message.

    Raises:
        ValidationError: *value* is not an aware datetime.

    >>> import datetime as dt
    >>> aware(dt.datetime(2024, 6, 7, 9, tzinfo=dt.timezone.utc), field="at")
    DateTime(2024, 6, 7, 9, 0, 0, tzinfo=Timezone('UTC'))
    >>> aware(dt.datetime(2024, 6, 7, 9), field="at")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'at' must be timezone-aware (got naive 2024-06-07T09:00:00); attach a timezone, ...
    """
    if isinstance(value, pendulum.DateTime):
        if value.tzinfo is None:
            raise ValidationError(
                f"'{field}' must be timezone-aware (got naive {value.isoformat()}); {_NAIVE_HINT}",
                field=field,
                value=value,
            )
        return value
    if isinstance(value, _dt.datetime):
        tzinfo = value.tzinfo
        if tzinfo is None or tzinfo.utcoffset(value) is None:
            raise ValidationError(
                f"'{field}' must be timezone-aware (got naive {value.isoformat()}); {_NAIVE_HINT}",
                field=field,
                value=value,
            )
        return pendulum.DateTime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            tzinfo=_zone_of(tzinfo),
            fold=value.fold,
        )
    raise ValidationError(
        f"'{field}' must be an aware datetime (got {type(value).__name__} {value!r})",
        field=field,
        value=value,
    )


def to_micros(value: _dt.datetime) -> int:
    """Return the exact number of microseconds from the Unix epoch to *value*.

    Integer arithmetic only, so no float rounding at any date. *value* must be
    aware (call :func:`aware` first on untrusted input).

    >>> to_micros(pendulum.datetime(2024, 6, 7, 10, tz="Europe/London"))
    1717750800000000
    """
    offset = value.utcoffset()
    if offset is None:
        raise ValidationError(
            f"'instant' must be timezone-aware (got naive {value.isoformat()}); {_NAIVE_HINT}",
            field="instant",
            value=value,
        )
    seconds = (
        (value.toordinal() - _EPOCH_ORDINAL) * 86_400
        + value.hour * 3_600
        + value.minute * 60
        + value.second
        - offset.days * 86_400
        - offset.seconds
    )
    return seconds * 1_000_000 + value.microsecond - offset.microseconds


def zone(name: str | _dt.tzinfo, *, field: str = "timezone") -> _dt.tzinfo:
    """Return the pendulum timezone for a portable IANA name or a tzinfo.

    Shorthand for ``ZONES.zone(name, field=field)``; see :meth:`ZoneTable.zone`.

    Raises:
        ValidationError: the name is not a portable IANA zone name.

    >>> zone("Europe/London")
    Timezone('Europe/London')
    >>> zone("Mars/Olympus")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'timezone' must be an IANA zone name such as 'Europe/London' (got 'Mars/Olympus')
    """
    return ZONES.zone(name, field=field)


def from_micros(micros: int, tz: _dt.tzinfo = _UTC) -> pendulum.DateTime:
    """Build the ``pendulum.DateTime`` *micros* after the epoch, shown in *tz*.

    >>> from_micros(1717750800000000, pendulum.timezone("Europe/London"))
    DateTime(2024, 6, 7, 10, 0, 0, tzinfo=Timezone('Europe/London'))
    """
    utc = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(microseconds=micros)
    local = utc.astimezone(tz)
    return pendulum.DateTime(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
        local.microsecond,
        tzinfo=tz,
        fold=local.fold,
    )


def duration_micros(value: _dt.timedelta) -> int:
    """Return the exact length of a timedelta in microseconds.

    >>> duration_micros(pendulum.duration(hours=1, microseconds=5))
    3600000005
    >>> duration_micros(pendulum.duration(microseconds=-1))
    -1
    """
    # pendulum.Duration redefines .days/.seconds with its own sign convention, so read
    # the stdlib timedelta slots directly: days may be negative, the rest never are.
    days: int = _TD_DAYS(value)
    seconds: int = _TD_SECONDS(value)
    micros: int = _TD_MICROSECONDS(value)
    return (days * 86_400 + seconds) * 1_000_000 + micros


def _built_duration(micros: int) -> pendulum.Duration:
    # pendulum.Duration(microseconds=micros) is a Python constructor taking nine keyword
    # arguments and costs as much as a whole calendar lookup. This is the body of its
    # __new__ for that call (years, months and every other argument zero), statement for
    # statement, minus the keyword handling; _choose_builder checks it against pendulum.
    self = _TD_NEW(pendulum.Duration, 0, 0, micros)
    total = _TD_TOTAL_SECONDS(self)
    m = -1 if total < 0 else 1
    whole = abs(int(total))
    days = whole // 86_400 * m
    self.__dict__ = {
        "_total": total,
        "_microseconds": round(total % m * 1e6),
        "_seconds": whole % 86_400 * m,
        "_days": days,
        "_remaining_days": abs(days) % 7 * m,
        "_weeks": abs(days) // 7 * m,
        "_months": 0,
        "_years": 0,
        "_signature": {
            "years": 0,
            "months": 0,
            "weeks": 0,
            "days": 0,
            "hours": 0,
            "minutes": 0,
            "seconds": 0,
            "microseconds": micros,
        },
    }
    return self


def _pendulum_duration(micros: int) -> pendulum.Duration:
    return pendulum.Duration(microseconds=micros)


def _same_duration(a: pendulum.Duration, b: pendulum.Duration) -> bool:
    """Whether two durations are indistinguishable: type, value, state, every field."""
    fields: tuple[str, ...] = ("years", "months", "weeks", "days", "remaining_days", "hours")
    fields += ("minutes", "seconds", "remaining_seconds", "microseconds", "invert")
    return (
        type(a) is type(b)
        and a == b
        and hash(a) == hash(b)
        and list(vars(a).items()) == list(vars(b).items())
        and all(getattr(a, f) == getattr(b, f) for f in fields)
        and duration_micros(a) == duration_micros(b)
        and repr(a) == repr(b)
        and a.in_words() == b.in_words()
    )


def _choose_builder() -> Callable[[int], pendulum.Duration]:
    """The direct builder if, with this pendulum, it builds exactly what pendulum builds."""
    samples: tuple[int, ...] = (0, 1, -1, 999_999, -999_999, 1_000_000, 86_399_999_999)
    samples += (86_400_000_000,)
    samples += (-86_400_000_001, 604_800_000_000, 3_155_760_000_000_000, -3_155_760_000_001)
    samples += (123_456_789_012, -987_654_321)
    try:
        if all(_same_duration(_built_duration(n), _pendulum_duration(n)) for n in samples):
            return _built_duration
    except Exception:  # any change in pendulum's internals: keep its own constructor
        pass
    return _pendulum_duration  # pragma: no cover - only with a pendulum that changed


def _units_readable() -> bool:
    """Whether a Duration's years and months may be read from ``_years``/``_months``."""
    samples = (
        pendulum.Duration(years=2, months=3, hours=1),
        pendulum.Duration(months=-1),
        pendulum.Duration(years=1),
        pendulum.duration(days=3),
    )
    try:
        return all((d._years, d._months) == (d.years, d.months) for d in samples)
    except AttributeError:  # pragma: no cover - only with a pendulum that changed
        return False


_BUILD_DURATION = _choose_builder()
#: ``.years``/``.months`` are properties; their slots cost a third (when pendulum has them).
_UNITS_READABLE = _units_readable()


def duration_from_micros(micros: int) -> pendulum.Duration:
    """Build a ``pendulum.Duration`` of exactly *micros* microseconds.

    The result is the very value ``pendulum.Duration(microseconds=micros)``
    builds (same fields, repr and words), at about half the cost.

    >>> duration_from_micros(5_400_000_000)
    Duration(hours=1, minutes=30)
    >>> duration_from_micros(-1) == pendulum.Duration(microseconds=-1)
    True
    """
    return _BUILD_DURATION(micros)


def checked_micros(
    value: object, field: str, allow_negative: bool = False, allow_zero: bool = False
) -> int:
    """Return the exact microseconds of a duration value, checked: the one duration rule.

    *value* is a ``timedelta`` or a ``pendulum.Duration``. Month- and
    year-based pendulum durations are refused (their length depends on the
    calendar), as are negative ones unless *allow_negative*, zero unless
    *allow_zero*, and any longer than :data:`MAX_DURATION_DAYS` days either way.

    Raises:
        ValidationError: the value is not a usable duration.

    >>> checked_micros(pendulum.duration(minutes=-1), field="d", allow_negative=True)
    -60000000
    >>> checked_micros(pendulum.duration(months=1), field="within")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'within' must not be month- or year-based (got 1 month); write it in days, e.g. '30d'
    """
    if type(value) is pendulum.Duration and _UNITS_READABLE and not (value._years or value._months):
        micros: int = _TD_FLOORDIV(value, _ONE_US)  # exact: timedelta // timedelta
        if 0 < micros <= _MAX_MICROS:
            return micros
    if isinstance(value, pendulum.Duration) and (value.years or value.months):
        raise ValidationError(
            f"'{field}' must not be month- or year-based (got {value.in_words()}); "
            "write it in days, e.g. '30d'",
            field=field,
            value=value,
        )
    if not isinstance(value, _dt.timedelta):
        raise ValidationError(
            f"'{field}' must be a duration such as timedelta(hours=4) "
            f"(got {type(value).__name__} {value!r})",
            field=field,
            value=value,
        )
    micros = duration_micros(value)
    _check_duration_micros(
        micros, field=field, allow_zero=allow_zero, allow_negative=allow_negative, shown=value
    )
    return micros


def to_duration(value: object, *, field: str, allow_zero: bool = False) -> pendulum.Duration:
    """Return *value* (a timedelta or pendulum Duration) as a ``pendulum.Duration``.

    The value is checked by :func:`checked_micros` (never negative; zero only
    with *allow_zero*).

    Raises:
        ValidationError: the value is not a usable duration.

    >>> import datetime as dt
    >>> to_duration(dt.timedelta(minutes=90), field="within")
    Duration(hours=1, minutes=30)
    """
    micros = checked_micros(value, field=field, allow_zero=allow_zero)
    if isinstance(value, pendulum.Duration):
        return value
    return duration_from_micros(micros)


def _check_duration_micros(
    micros: int, *, field: str, allow_zero: bool, shown: object, allow_negative: bool = False
) -> None:
    if micros < 0 and not allow_negative:
        raise ValidationError(
            f"'{field}' must not be negative (got {shown!r})", field=field, value=shown
        )
    if micros == 0 and not allow_zero:
        raise ValidationError(
            f"'{field}' must be positive (got {shown!r})", field=field, value=shown
        )
    if abs(micros) > _MAX_MICROS:
        raise ValidationError(
            f"'{field}' must be at most {MAX_DURATION_DAYS} days long (got {shown!r})",
            field=field,
            value=shown,
        )


_COMPACT = re.compile(r"(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_ISO = re.compile(
    r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,6}))?S)?)?"
)
_ISO_CALENDAR = re.compile(r"P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T.*)?")
_UNIT_SECONDS = (7 * 86_400, 86_400, 3_600, 60, 1)


def parse_duration(
    text: object, *, field: str = "duration", allow_zero: bool = False
) -> pendulum.Duration:
    """Parse a duration written as compact text or ISO 8601.

    Compact text is whole numbers with units in the order w, d, h, m, s:
    ``"90m"``, ``"1h30m"``, ``"2d"``, ``"1w2d"``. ISO 8601 takes weeks, days,
    hours, minutes and (fractional) seconds: ``"PT1H30M"``, ``"P2DT4H"``.
    Months and years are refused (their length depends on the calendar), as
    are negative durations, zero unless *allow_zero*, and anything longer than
    :data:`MAX_DURATION_DAYS` days.

    Args:
        text: the text to parse.
        field: the field name used in error messages.
        allow_zero: accept ``"0m"`` / ``"PT0S"``.

    Raises:
        ValidationError: the text is not a duration this function accepts.

    >>> parse_duration("90m", field="within")
    Duration(hours=1, minutes=30)
    >>> parse_duration("PT1H30M", field="within") == parse_duration("1h30m", field="within")
    True
    >>> parse_duration("P1M", field="within")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'within' must not use months or years (got 'P1M'); their length varies, write days instead, e.g. 'P30D' or '30d'
    """
    if not isinstance(text, str):
        raise ValidationError(
            f"'{field}' must be a duration string such as '1h30m' or 'PT1H30M' "
            f"(got {type(text).__name__} {text!r})",
            field=field,
            value=text,
        )
    raw = text.strip()
    if len(raw) > _MAX_TEXT:
        raise ValidationError(
            f"'{field}' must be a duration string of at most {_MAX_TEXT} characters "
            f"(got {len(raw)} characters)",
            field=field,
            value=text,
        )
    if raw.startswith(("-", "+")):
        raise ValidationError(
            f"'{field}' must not be negative or signed (got {text!r})", field=field, value=text
        )
    micros = _parse_micros(raw, text, field)
    _check_duration_micros(micros, field=field, allow_zero=allow_zero, shown=text)
    return duration_from_micros(micros)


def _parse_micros(raw: str, text: str, field: str) -> int:
    if raw.startswith(("P", "p")):
        upper = raw.upper()
        iso = _ISO.fullmatch(upper)
        if iso and upper not in {"P", "PT"} and not upper.endswith("T"):
            weeks, days, hours, minutes, seconds, fraction = iso.groups()
            whole = (
                int(weeks or 0) * 7 * 86_400
                + int(days or 0) * 86_400
                + int(hours or 0) * 3_600
                + int(minutes or 0) * 60
                + int(seconds or 0)
            )
            return whole * 1_000_000 + int((fraction or "").ljust(6, "0"))
        date_part = upper.split("T", 1)[0]
        if _ISO_CALENDAR.fullmatch(upper) and ("Y" in date_part or "M" in date_part):
            raise ValidationError(
                f"'{field}' must not use months or years (got {text!r}); their length "
                "varies, write days instead, e.g. 'P30D' or '30d'",
                field=field,
                value=text,
            )
    else:
        compact = _COMPACT.fullmatch(raw.lower())
        if compact and raw:
            return (
                sum(int(n or 0) * s for n, s in zip(compact.groups(), _UNIT_SECONDS, strict=True))
                * 1_000_000
            )
        if raw.lower().rstrip("0123456789").endswith(("mo", "y", "month", "months", "year")):
            raise ValidationError(
                f"'{field}' must not use months or years (got {text!r}); their length "
                "varies, write days instead, e.g. '30d'",
                field=field,
                value=text,
            )
    raise ValidationError(
        f"'{field}' must be a duration such as '90m', '1h30m', '2d' or 'PT1H30M' (got {text!r})",
        field=field,
        value=text,
    )


# ------------------------------------------------------------------ zones

_US = 1_000_000
_DAY_US = 86_400 * _US
#: Instants with exact offset tables: [1900-01-01, 2200-01-01) UTC, in epoch microseconds.
LO = (_dt.date(1900, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY_US
HI = (_dt.date(2200, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY_US
_NAIVE_EPOCH = _dt.datetime(1970, 1, 1)
_AWARE_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
#: Names in the tz database that are not zones a document may name: the host's own
#: zone under a file name, and the database's placeholders.
_NOT_PORTABLE = frozenset({"localtime", "posixrules", "Factory"})
_NAME_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*")
_MAX_TABLES = 256
_MAX_DATES = 100_000
#: (hour, minute, second) of each second of a day.
_DateTime = pendulum.DateTime
_CLOCK_US = tuple(m * 60_000_000 for m in range(1440))
_HMS = tuple((s // 3600, s // 60 % 60, s % 60) for s in range(86_400))


def _offset_of(delta: _dt.timedelta | None) -> int:
    assert delta is not None  # an aware datetime's utcoffset()
    return duration_micros(delta)


def _exact_offset(tz: _dt.tzinfo, micros: int) -> int:
    """The zone's offset at the instant *micros*, asked of the tzinfo itself."""
    return _offset_of(
        (_AWARE_EPOCH + _dt.timedelta(microseconds=micros)).astimezone(tz).utcoffset()
    )


def _scan_transitions(tz: _dt.tzinfo) -> tuple[list[int], list[int]]:
    """Era starts and offsets (micros) of *tz* over [LO, HI); the first era starts at LO.

    The zone is sampled once a day and each change is located to the second by
    bisection, so two changes less than a day apart that cancel out would be
    missed (no zone in the tz database has one in the supported range).
    """
    if isinstance(tz, pendulum.FixedTimezone | _dt.timezone):
        return [LO], [_exact_offset(tz, 0)]

    def at(second: int) -> int:
        return _offset_of(_dt.datetime.fromtimestamp(second, tz).utcoffset())

    lo, hi, step = LO // _US, HI // _US, 86_400
    times, offsets = [LO], [at(lo)]
    prev_t, prev_o = lo, offsets[0]
    t = lo + step
    while t < hi + step:
        o = at(t)
        if o != prev_o:
            a, b = prev_t, t  # at(a) == prev_o, at(b) != prev_o
            while b - a > 1:
                m = (a + b) // 2
                if at(m) == prev_o:
                    a = m
                else:
                    b = m
            times.append(b * _US)
            offsets.append(o if b == t else at(b))
            prev_o = offsets[-1]
            if prev_o != o:  # a second change inside the same day
                prev_t = b
                t = b + 1
                continue
        prev_t, prev_o = t, o
        t += step
    return times, offsets


class ZoneOffsets:
    """One zone's UTC offsets as a table of eras: the one offset lookup.

    Instants are epoch microseconds; *wall* values are local wall-clock
    microseconds counted from 1970-01-01 00:00 local as if every day had 24
    hours (so ``wall // 86_400_000_000`` is the local day number). Within
    [1900, 2200) every answer is a binary search in the table; outside it the
    zone itself is asked. Wall readings follow PEP 495 (and zoneinfo): in a
    repeated hour ``fold=0`` is the earlier instant; in a gap ``fold=0`` reads
    the wall time with the offset from before the gap, which moves it forward.

    Build them through :data:`ZONES` (``ZONES.offsets("Europe/London")``) so
    each zone's table is computed once.

    >>> london = ZONES.offsets("Europe/London")
    >>> noon = 1718017200000000  # 10 June 2024 11:00 UTC
    >>> (london.wall(noon) - noon) // 3_600_000_000
    1
    >>> london.instant_of_wall(london.wall(noon)) == noon
    True
    """

    __slots__ = ("_dates", "fold_until", "offsets", "times", "tz", "wall_starts")

    def __init__(self, tz: _dt.tzinfo) -> None:
        self.tz = tz
        self._dates: dict[int, tuple[int, int, int]] = {}
        #: Era starts (instants) and each era's offset, in microseconds.
        self.times, self.offsets = _scan_transitions(tz)
        # The wall-clock starts of the eras as fold=0 and fold=1 read them (PEP 495:
        # fold 0 takes the offset before a change inside a gap or overlap), and, per
        # era, the instant before which its wall clock repeats the previous era's.
        first = -(2**62)
        fold0, fold1, fold_until = [first], [first], [first]
        for k in range(1, len(self.times)):
            before, after = self.offsets[k - 1], self.offsets[k]
            fold0.append(self.times[k] + max(before, after))
            fold1.append(self.times[k] + min(before, after))
            fold_until.append(self.times[k] + max(before - after, 0))
        self.wall_starts = (fold0, fold1)
        self.fold_until = fold_until

    def offset_at(self, micros: int) -> int:
        """The UTC offset (micros) in force at the instant *micros*.

        >>> ZONES.offsets("Europe/Warsaw").offset_at(1718013600000000) // 3_600_000_000
        2
        """
        if LO <= micros < HI:
            return self.offsets[bisect_right(self.times, micros) - 1]
        return _exact_offset(self.tz, micros)

    def wall(self, micros: int) -> int:
        """The local wall-clock micros of the instant *micros*.

        >>> ZONES.offsets("UTC").wall(5)
        5
        """
        return micros + self.offset_at(micros)

    def wall_fold(self, micros: int) -> tuple[int, int]:
        """(wall-clock micros, PEP 495 fold) of the instant *micros*.

        >>> london = ZONES.offsets("Europe/London")
        >>> again = 1729992600000000  # 27 October 2024 01:30 UTC: 01:30 GMT, the second time
        >>> london.wall_fold(again - 3_600_000_000)[1], london.wall_fold(again)[1]
        (0, 1)
        """
        if LO <= micros < HI:
            k = bisect_right(self.times, micros) - 1
            return micros + self.offsets[k], 1 if micros < self.fold_until[k] else 0
        local = (_AWARE_EPOCH + _dt.timedelta(microseconds=micros)).astimezone(self.tz)
        return micros + _offset_of(local.utcoffset()), local.fold

    def instant_of_wall(self, wall: int, fold: int = 0) -> int:
        """The instant a wall-clock reading (with its PEP 495 *fold*) denotes.

        >>> warsaw = ZONES.offsets("Europe/Warsaw")
        >>> gap = 1711852200000000  # wall 31 March 2024 02:30, a time that does not exist
        >>> (warsaw.instant_of_wall(gap) - gap) // 60_000_000  # read at UTC+1: 03:30 local
        -60
        """
        if LO < wall < HI:
            starts = self.wall_starts[fold]
            return wall - self.offsets[bisect_right(starts, wall) - 1]
        naive = _NAIVE_EPOCH + _dt.timedelta(microseconds=wall)
        return wall - _offset_of(naive.replace(tzinfo=self.tz, fold=fold).utcoffset())

    def instant_of(self, value: _dt.datetime) -> int:
        """The instant (epoch micros) of a datetime whose tzinfo is this zone.

        Reads the wall clock and fold of *value* and looks them up in the
        table: ``to_micros(value)`` at a third of the cost.

        >>> london = ZONES.offsets("Europe/London")
        >>> t = london.show(1729992600000000)  # 01:30 GMT on 27 October 2024, the second time
        >>> t.fold, london.instant_of(t) == to_micros(t)
        (1, True)
        """
        wall = (
            (value.toordinal() - _EPOCH_ORDINAL) * _DAY_US
            + _CLOCK_US[value.hour * 60 + value.minute]
            + value.second * _US
            + value.microsecond
        )
        if LO < wall < HI:
            return wall - self.offsets[bisect_right(self.wall_starts[value.fold], wall) - 1]
        return self.instant_of_wall(wall, value.fold)

    def day_start(self, day: int) -> int:
        """The first instant whose wall clock reads at least midnight of local day *day*.

        >>> ZONES.offsets("UTC").day_start(1) == 86_400_000_000
        True
        """
        w = day * _DAY_US
        if not LO < w < HI:
            return self.instant_of_wall(w)
        k = max(bisect_right(self.times, w - max(self.offsets)) - 1, 0)
        while True:
            u = max(self.times[k], w - self.offsets[k])
            if k + 1 == len(self.times) or u < self.times[k + 1]:
                return u
            k += 1

    def show(self, micros: int) -> pendulum.DateTime:
        """The instant *micros* as a ``pendulum.DateTime`` in this zone.

        >>> ZONES.offsets("America/New_York").show(1718013600000000)
        DateTime(2024, 6, 10, 6, 0, 0, tzinfo=Timezone('America/New_York'))
        """
        if not LO <= micros < HI:
            wall, fold = self.wall_fold(micros)
            local = _NAIVE_EPOCH + _dt.timedelta(microseconds=wall)
            fields = (local.year, local.month, local.day, local.hour, local.minute, local.second)
            return pendulum.DateTime(*fields, local.microsecond, self.tz, fold=fold)
        k = bisect_right(self.times, micros) - 1
        days, rest = divmod(micros + self.offsets[k], _DAY_US)
        ymd = self._dates.get(days)
        if ymd is None:
            ymd = self._date(days)
        seconds, micro = divmod(rest, _US)
        hour, minute, second = _HMS[seconds]
        # tzinfo positionally: DateTime(..., tzinfo=tz) parses keywords at about twice
        # the cost; fold only when set (the second pass through a repeated hour).
        if micros < self.fold_until[k]:
            return _DateTime(ymd[0], ymd[1], ymd[2], hour, minute, second, micro, self.tz, fold=1)
        return _DateTime(ymd[0], ymd[1], ymd[2], hour, minute, second, micro, self.tz)

    def _date(self, days: int) -> tuple[int, int, int]:
        """(year, month, day) of local day number *days*, remembered (at most 100,000)."""
        d = _dt.date.fromordinal(days + _EPOCH_ORDINAL)
        ymd = (d.year, d.month, d.day)
        if len(self._dates) < _MAX_DATES:
            self._dates[days] = ymd
        return ymd


class ZoneTable:
    """The zone table: portable IANA names to zones, and zones to offset tables.

    One table serves the library (:data:`ZONES`). A zone's offset table takes
    about a tenth of a second to compute, so the table keeps it for the
    process; what it holds is read from the tz database and never changes
    while the process runs. It holds at most 256 offset tables; past that it
    computes them afresh for each caller.

    >>> table = ZoneTable()
    >>> table.zone("Asia/Tokyo")
    Timezone('Asia/Tokyo')
    >>> table.offsets("Asia/Tokyo") is table.offsets(table.zone("Asia/Tokyo"))
    True
    """

    __slots__ = ("_known", "_tables")

    def __init__(self) -> None:
        self._known: frozenset[str] | None = None
        self._tables: dict[object, ZoneOffsets] = {}

    def is_portable(self, name: str) -> bool:
        """Whether *name* is a zone of the tz database that any host resolves alike.

        Names the database lists only as files of one host (``localtime``) or
        as placeholders (``Factory``, ``posixrules``) are not.

        >>> ZONES.is_portable("America/Sao_Paulo"), ZONES.is_portable("localtime")
        (True, False)
        """
        if not _NAME_SHAPE.fullmatch(name) or name in _NOT_PORTABLE:
            return False
        if self._known is None:
            self._known = frozenset(available_timezones())
        return name in self._known or name == "UTC"

    def zone(self, name: str | _dt.tzinfo, *, field: str = "timezone") -> _dt.tzinfo:
        """Return the pendulum timezone for a portable IANA name, or for a tzinfo.

        Raises:
            ValidationError: the name is not a portable IANA zone name.

        >>> ZONES.zone("localtime")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'timezone' must be an IANA zone name such as 'Europe/London' (got 'localtime')
        """
        if isinstance(name, _dt.tzinfo):
            return _zone_of(name)
        if not isinstance(name, str) or len(name) > _MAX_TEXT or not self.is_portable(name):
            raise ValidationError(
                f"'{field}' must be an IANA zone name such as 'Europe/London' (got {name!r})",
                field=field,
                value=name,
            )
        try:
            return pendulum.timezone(name)
        except Exception:  # listed but unreadable on this host: pendulum's own error kinds
            raise ValidationError(
                f"'{field}' must be an IANA zone name such as 'Europe/London' (got {name!r})",
                field=field,
                value=name,
            ) from None

    def offsets(self, tz: str | _dt.tzinfo) -> ZoneOffsets:
        """Return the offset table of a zone (by portable name or tzinfo), built once.

        Raises:
            ValidationError: a name is not a portable IANA zone name.

        >>> ZONES.offsets("UTC").offset_at(0)
        0
        """
        found = self.zone(tz)
        key = _key_of(found)
        table = self._tables.get(key)
        if table is None:
            table = ZoneOffsets(found)
            if len(self._tables) < _MAX_TABLES:
                self._tables[key] = table
        return table


def _key_of(tz: _dt.tzinfo) -> object:
    # A named zone by identity (pendulum hands out one instance per name), so that
    # results carry the very tzinfo they were asked in; fixed offsets by their offset.
    if isinstance(tz, pendulum.FixedTimezone):
        return ("fixed", tz.offset)
    return tz


#: The library's zone table.
ZONES = ZoneTable()
