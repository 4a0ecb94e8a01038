"""Public holidays through the optional ``holidays`` package."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from ..exceptions import ValidationError

__all__ = ["public_holidays"]

_MAX_YEARS = 300


def public_holidays(
    country: str, years: Iterable[int], *, subdivision: str | None = None
) -> dict[_dt.date, str]:
    """A country's public holidays for a span of years, as ``{date: name}``.

    Covers every year from the smallest to the largest in *years*. Days
    observed in place of a holiday of a neighbouring year are included when
    they fall within a week of the span (New Year's Day 2022, a Saturday, was
    observed in the US on Friday 31 December 2021). Needs the optional
    ``holidays`` package: ``pip install 'servicemodel[holidays]'``.

    Raises:
        ValidationError: unknown country or subdivision, or no years.

    >>> import datetime as dt
    >>> days = public_holidays("US", [2022])
    >>> days[dt.date(2022, 12, 26)]
    'Christmas Day (observed)'
    >>> dt.date(2021, 12, 31) in days  # New Year 2022, observed
    True
    """
    try:
        import holidays
    except ImportError:  # pragma: no cover - installed wherever tests run
        raise ImportError(
            "public holidays need the holidays package: pip install 'servicemodel[holidays]'"
        ) from None
    span = sorted({int(y) for y in years}) if not isinstance(years, str | bytes) else []
    if not span or span[-1] - span[0] >= _MAX_YEARS or span[0] < 1900 or span[-1] >= 2200:
        raise ValidationError(
            f"'years' must be years from 1900 to 2199 spanning at most {_MAX_YEARS} "
            f"(got {years!r})",
            field="years",
            value=years,
        )
    first, last = span[0], span[-1]
    if not isinstance(country, str) or country not in holidays.list_supported_countries():
        raise ValidationError(
            f"'country' must be a country code the holidays package knows, such as 'GB' "
            f"(got {country!r})",
            field="country",
            value=country,
        )
    try:
        table = holidays.country_holidays(
            country, subdiv=subdivision, years=range(first - 1, last + 2)
        )
    except (NotImplementedError, ValueError) as exc:
        raise ValidationError(
            f"'subdivision' must be a subdivision of {country!r} (got {subdivision!r}): {exc}",
            field="subdivision",
            value=subdivision,
        ) from None
    low = _dt.date(first, 1, 1)
    high = _dt.date(last, 12, 31)
    week = _dt.timedelta(days=7)
    out: dict[_dt.date, str] = {}
    for day, name in sorted(table.items()):
        inside = low <= day <= high
        near = low - week <= day <= high + week and "observed" in str(name).lower()
        if inside or near:
            out[day] = str(name)
    return out
