"""How the reports show numbers: one formatter per kind of value, shared by every sentence.

A duration reads as ``2m 30s``, ``1h 32m`` or ``3d 4h`` wherever it appears
(KPI tables, goal lines, goal explanations); a share reads as a percentage;
a net score as signed points. :func:`show_beside` adds decimals until a value
that differs from its reference no longer looks equal to it, so a sentence
never puts "5.0%" beside "short of the target 5.0%".

>>> from fractions import Fraction
>>> show(Fraction(150), "duration"), show(Fraction(797, 1000), "rate"), show(Fraction(12), "net")
('2m 30s', '79.7%', '+12.0')
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["show", "show_beside", "show_change", "show_seconds"]


def show_seconds(seconds: float) -> str:
    """A number of seconds as ``0m 05s``, ``1h 02m`` or ``2d 3h`` (whole seconds, rounded down).

    >>> show_seconds(3725), show_seconds(2 * 86_400 + 3 * 3600), show_seconds(-90)
    ('1h 02m', '2d 3h', '-1m 30s')
    """
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(int(abs(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    if hours >= 48:
        return f"{sign}{hours // 24}d {hours % 24}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    return f"{sign}{minutes}m {secs:02d}s"


def show(value: Fraction, unit: str, *, digits: int = 0) -> str:
    """*value* in the report's form for its unit (``duration`` in seconds, ``rate``, ``net``, else a number).

    *digits* asks for more precision than the report's default.

    >>> show(Fraction(1, 20), "rate"), show(Fraction(1, 20), "rate", digits=2)
    ('5.0%', '5.000%')
    """
    if unit == "duration":
        return show_seconds(float(value)) if digits == 0 else f"{float(value):.{digits}f}s"
    if unit == "rate":
        return f"{float(value) * 100:.{1 + digits}f}%"
    if unit == "net":
        return f"{float(value):+.{1 + digits}f}"
    return f"{float(value):.{4 + digits}g}"


def show_beside(value: Fraction, reference: Fraction, unit: str) -> str:
    """*value* shown so that it looks different from *reference* exactly when it is.

    >>> show_beside(Fraction(4999, 100000), Fraction(1, 20), "rate")
    '4.999%'
    >>> show_beside(Fraction(1, 20), Fraction(1, 20), "rate")
    '5.0%'
    """
    for digits in range(8):
        text = show(value, unit, digits=digits)
        if value == reference or text != show(reference, unit, digits=digits):
            return text
    return show(value, unit, digits=8)


def show_change(value: Fraction, unit: str) -> str:
    """A signed change of a value in *unit*, to 3 significant digits; rates move in percentage points.

    >>> show_change(Fraction(-3742, 10_000_000), "rate"), show_change(Fraction(-90), "duration")
    ('-0.0374 percentage points', '-1m 30s')
    """
    if unit == "rate":
        return f"{float(value) * 100:+.3g} percentage points"
    if unit == "duration":
        text = show_seconds(float(value))
        return text if value < 0 else f"+{text}"
    return f"{float(value):+.3g}"
