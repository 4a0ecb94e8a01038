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
from collections.abc import Callable
from typing import Any, Final, NoReturn, cast

import pendulum

from ._zones import HI, LO, ZONES, Stretch, ZoneOffsets, ZoneStretches, ZoneTable, zone, zone_of
from .exceptions import ValidationError

__all__ = [
    "HI",
    "LO",
    "MAX_DURATION_DAYS",
    "ZONES",
    "Stretch",
    "ZoneOffsets",
    "ZoneStretches",
    "ZoneTable",
    "aware",
    "checked_micros",
    "duration_from_micros",
    "duration_micros",
    "fixed_zone",
    "from_micros",
    "parse_duration",
    "read_instant",
    "shown_in",
    "to_duration",
    "to_micros",
    "zone",
]

#: Longest duration accepted anywhere (100 years): protects arithmetic from overflow.
MAX_DURATION_DAYS = 36_525
_MAX_TEXT = 64
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_SUBTRACT = _dt.datetime.__sub__
_STD_DATETIME: Final = _dt.datetime
_UTC = pendulum.timezone("UTC")
_DateTime: Final = pendulum.DateTime
_State = tuple[type, tuple[bytes, object]]
#: A datetime's pickled form, ``(type, (its fields in ten bytes, tzinfo))``; at protocol 4
#: the bytes also carry the fold.
_REDUCE: Final[Callable[[_dt.datetime], _State]] = cast(Any, _dt.datetime.__reduce__)
_REDUCE_EX: Final[Callable[[_dt.datetime, int], _State]] = cast(Any, _dt.datetime.__reduce_ex__)
#: ``pendulum.DateTime`` built from such fields and a zone (how the constructor unpickles).
_FROM_STATE: Final[Callable[[bytes, _dt.tzinfo], pendulum.DateTime]] = cast(Any, _DateTime)
_FROM_STD_STATE: Final[Callable[[bytes, _dt.tzinfo], _dt.datetime]] = cast(Any, _dt.datetime)
_STD_UTC: Final = _dt.UTC
_FIXED_OFFSET: Final = _dt.timezone
_TD_DAYS = _dt.timedelta.days.__get__
_TD_SECONDS = _dt.timedelta.seconds.__get__
_TD_MICROSECONDS = _dt.timedelta.microseconds.__get__
_TD_FLOORDIV: Callable[[Any, _dt.timedelta], int] = _dt.timedelta.__floordiv__
_TD_NEW = _dt.timedelta.__new__
_TD_TOTAL_SECONDS = _dt.timedelta.total_seconds
_ONE_US = _dt.timedelta(microseconds=1)
_NO_OFFSET = _dt.timedelta(0)
_MAX_MICROS = MAX_DURATION_DAYS * 86_400_000_000
_fromisoformat: Final = _dt.datetime.fromisoformat
#: At most this many offsets kept by a caller of :func:`read_instant`.
_MAX_FIXED: Final = 8_192

_NAIVE_HINT = (
    "attach a timezone, e.g. pendulum.datetime(2024, 6, 7, 9, tz='Europe/London') "
    "or datetime(..., tzinfo=zoneinfo.ZoneInfo('Europe/London'))"
)


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
        return shown_in(value, zone_of(tzinfo))
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
    try:
        # The C subtraction of two aware datetimes, then the difference's length
        # (``duration_micros``, inlined: a hot path). A standard-library datetime (what
        # the readers parse) subtracts with ``-``; any other through ``datetime.__sub__``
        # (pendulum's ``-`` builds an Interval), which costs the call of a slot wrapper more.
        delta = value - _EPOCH if type(value) is _STD_DATETIME else _SUBTRACT(value, _EPOCH)
    except TypeError:  # naive (or not a datetime)
        raise ValidationError(
            f"'instant' must be timezone-aware (got naive {value.isoformat()}); {_NAIVE_HINT}",
            field="instant",
            value=value,
        ) from None
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int, tz: _dt.tzinfo = _UTC) -> pendulum.DateTime:
    """Build the ``pendulum.DateTime`` *micros* after the epoch, shown in *tz*.

    >>> from_micros(1717750800000000, pendulum.timezone("Europe/London"))
    DateTime(2024, 6, 7, 10, 0, 0, tzinfo=Timezone('Europe/London'))
    """
    utc = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(microseconds=micros)
    return shown_in(utc.astimezone(tz), tz)


def shown_in(local: _dt.datetime, tz: _dt.tzinfo) -> pendulum.DateTime:
    """The wall-clock reading of *local* (its fields and PEP 495 fold) as a DateTime in *tz*.

    *local* must already read as *tz*'s wall clock (``value.astimezone(tz)``);
    nothing is converted.

    >>> import datetime as dt
    >>> london = pendulum.timezone("Europe/London")
    >>> again = dt.datetime(2024, 10, 27, 1, 30, fold=1)  # 01:30 GMT, the second time
    >>> shown_in(again, london).isoformat()
    '2024-10-27T01:30:00+00:00'
    """
    # Built from the value's pickled state (its fields in ten bytes, what ``datetime``
    # pickles and its constructor reads back), with *tz* beside it: half the cost of
    # reading the seven fields and passing them to the constructor, which parses its
    # arguments (a hot path of every reader: one call per timestamp read). The state
    # of protocol 4 also carries the fold (the second pass through a repeated hour).
    if local.fold:
        return _FROM_STATE(_REDUCE_EX(local, 4)[1][0], tz)
    return _FROM_STATE(_REDUCE(local)[1][0], tz)


def fixed_zone(parsed: _dt.datetime, text: str, field: str) -> _dt.tzinfo:
    """The pendulum zone of a parsed timestamp's UTC offset; naive or sub-second offsets raise.

    >>> fixed_zone(_dt.datetime.fromisoformat("2024-06-10T09:00:00+01:00"), "...", "at")
    FixedTimezone(3600, name="+01:00")
    """
    offset = parsed.utcoffset()
    if offset is None:
        _refuse_naive(parsed, text, field)
    if offset.microseconds:
        raise ValidationError(
            f"'{field}' must have a UTC offset in whole seconds (got {text!r})",
            field=field,
            value=text,
        )
    if not offset:
        return pendulum.UTC
    return pendulum.FixedTimezone(offset.days * 86_400 + offset.seconds)


def _refuse_naive(parsed: _dt.datetime, text: str, field: str) -> NoReturn:
    raise ValidationError(
        f"'{field}' must be timezone-aware (got naive {text!r}); write its UTC offset, "
        f"e.g. '{parsed.isoformat()}+01:00' or '{parsed.isoformat()}Z'",
        field=field,
        value=text,
    )


def read_instant(
    text: str, named: ZoneStretches | None, fixed: dict[object, _dt.tzinfo], field: str
) -> tuple[pendulum.DateTime, int]:
    """An ISO 8601 timestamp with its UTC offset, read from a record: the instant and its epoch microseconds.

    The instant is shown in the zone of *named* (a record's zone, as its
    stretches: ``ZONES.stretches(name)``) or, when *named* is ``None``, at
    the offset written, as a pendulum zone that *fixed* (owned by the
    caller, who reads many timestamps) maps the parsed offset to; a new
    offset is added to it.

    A timestamp keeps its fields as written only when they are the zone's own
    wall clock at that instant: the instant lies in a :class:`Stretch` of the
    zone (its offset constant, its wall clock not repeated) whose offset is the
    one written. Any other is converted: one written at another offset, one
    whose wall clock the zone skipped (``01:30Z`` on the morning London's
    clocks go forward is 02:30 BST, not a 01:30 that never was), and the second
    pass through a repeated hour (``fold=1``). The stretch found last is kept
    with *named*, so a read costs a comparison or two; the days around an
    instant are scanned the first time one falls in them (see
    :class:`ZoneStretches`: well under a millisecond). The fields are read
    once, for both results: a reader calls this once per distinct timestamp.

    Raises:
        ValidationError: the timestamp has no offset, or (when *named* is
            ``None``) one not in whole seconds (naming *field*).
        ValueError: *text* is not an ISO 8601 timestamp; TypeError: it is not a string.

    >>> fixed = {}
    >>> at, micros = read_instant("2024-06-07T10:00:00+01:00", None, fixed, "at")
    >>> at, micros, fixed
    (DateTime(2024, 6, 7, 10, 0, 0, tzinfo=FixedTimezone(3600, name="+01:00")), 1717750800000000, {datetime.timezone(datetime.timedelta(seconds=3600)): FixedTimezone(3600, name="+01:00")})
    >>> london = ZONES.stretches("Europe/London")
    >>> read_instant("2024-06-07T09:00:00Z", london, fixed, "at")
    (DateTime(2024, 6, 7, 10, 0, 0, tzinfo=Timezone('Europe/London')), 1717750800000000)
    >>> read_instant("2024-03-31T01:30:00Z", london, fixed, "at")[0]  # the clocks went forward at 01:00
    DateTime(2024, 3, 31, 2, 30, 0, tzinfo=Timezone('Europe/London'))
    """
    parsed = _fromisoformat(text)  # at a fixed ``datetime.timezone`` offset, or naive; fold 0
    offset = parsed.tzinfo
    # The epoch micros from the parsed value's fields: its wall clock read as UTC, less
    # its offset (subtracting *parsed* itself would ask each operand its offset through
    # a method looked up by name). (A parsed offset is a fixed ``datetime.timezone``:
    # asking it directly costs a quarter of ``parsed.utcoffset()``.)
    state = _REDUCE(parsed)[1][0]
    if offset is _STD_UTC:
        written = _NO_OFFSET
        delta = parsed - _EPOCH
    elif offset is None:
        _refuse_naive(parsed, text, field)
    else:
        written = offset.utcoffset(None)  # type: ignore[assignment]  # a fixed offset: never None
        delta = _FROM_STD_STATE(state, _STD_UTC) - _EPOCH - written
    # (Dividing by a microsecond is one operation where reading the three fields and
    # adding them up is eleven: the interpreter's operations are most of a reader's cost.)
    micros: int = delta // _ONE_US
    if named is None:
        tz = fixed.get(offset)
        if tz is None:
            tz = fixed_zone(parsed, text, field)  # raises: not whole seconds
            if len(fixed) < _MAX_FIXED:
                fixed[offset] = tz
    else:
        stretch = named.stretch
        if not (stretch.start <= micros < stretch.end and stretch.offset == written):
            return _read_off_stretch(parsed, micros, named, written)
        tz = named.tz
    # Built from the parsed value's pickled fields (see shown_in).
    return _FROM_STATE(state, tz), micros


def _read_off_stretch(
    parsed: _dt.datetime, micros: int, named: ZoneStretches, written: _dt.timedelta
) -> tuple[pendulum.DateTime, int]:
    """:func:`read_instant` past the stretch asked first: in another (found here), or converted."""
    stretch = named.stretch
    if not stretch.start <= micros < stretch.end:
        stretch = named.stretch_at(micros)
    tz = named.tz
    if stretch.start <= micros < stretch.end and stretch.offset == written:
        return _FROM_STATE(_REDUCE(parsed)[1][0], tz), micros
    # Not the zone's wall clock as written: converted (the fold comes with it).
    return shown_in(parsed.astimezone(tz), tz), micros


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
    """Build ``pendulum.Duration(microseconds=micros)`` directly (see :data:`duration_from_micros`).

    >>> duration_from_micros(5_400_000_000)
    Duration(hours=1, minutes=30)
    >>> duration_from_micros(-1) == pendulum.Duration(microseconds=-1)
    True
    """
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


#: Build a ``pendulum.Duration`` of exactly *micros* microseconds: the very value
#: ``pendulum.Duration(microseconds=micros)`` builds (same fields, repr and words), at
#: about half the cost. It is the chosen builder itself, not a function that calls it:
#: ``elapsed`` pays for every frame.
duration_from_micros: Final[Callable[[int], pendulum.Duration]] = _choose_builder()
#: ``.years``/``.months`` are properties; their slots cost a third (when pendulum has them).
_UNITS_READABLE = _units_readable()
#: The type whose values take the direct route in checked_micros (none when the
#: years/months slots cannot be read).
_DURATION: type = pendulum.Duration if _UNITS_READABLE else type(None)


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
    # ._years / ._months: what .years / .months return, without the property calls
    if type(value) is _DURATION and not (value._years or value._months):  # type: ignore[attr-defined]
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
