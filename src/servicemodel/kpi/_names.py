"""The names of the KPIs, and what each name says about its values.

A KPI is named by a :class:`KpiName`, not by a free string: goals, findings
and report lines hold one, and a misspelt name is refused with the known
names listed. Each name carries its :class:`KpiSpec`: the kind of value the
KPI gives (:class:`KpiUnit`), the range a value can take, and which way is
better (:class:`Better`), which is what a goal needs to judge its target.

>>> KpiName.of("first_reply_time").spec.better
<Better.LOWER: 'lower'>
>>> KpiName.of("frist_reply_time")
Traceback (most recent call last):
...
servicemodel.exceptions.ValidationError: 'metric' must be one of 'csat', ... (got 'frist_reply_time')
"""

from __future__ import annotations

import enum
from fractions import Fraction
from typing import final

import attrs

from .._validators import enum_member
from ..exceptions import ValidationError

__all__ = ["Better", "KpiName", "KpiSpec", "KpiUnit"]


class KpiUnit(enum.Enum):
    """The kind of value a KPI gives, and so the unit a goal's target is written in.

    ``rate``: a share in [0, 1]; ``score``: a mean on a rating scale;
    ``net``: a net score in points, in [-100, 100]; ``duration``: a time,
    written in seconds in goals; ``ratio``: a quotient of two non-negative
    amounts; ``count``: a whole number of items; ``mix``: a distribution over
    categories (no single value, so no target).

    >>> KpiUnit("rate")
    <KpiUnit.RATE: 'rate'>
    """

    RATE = "rate"
    SCORE = "score"
    NET = "net"
    DURATION = "duration"
    RATIO = "ratio"
    COUNT = "count"
    MIX = "mix"


class Better(enum.Enum):
    """Which way a KPI's value is better: higher, lower, or neither (a band to stay in).

    >>> Better.HIGHER.value
    'higher'
    """

    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"


def _bound(value: Fraction | int | None) -> Fraction | None:
    return None if value is None else Fraction(value)


@final
@attrs.frozen(kw_only=True)
class KpiSpec:
    """What a KPI's name says about its values: unit, range (inclusive) and better direction.

    ``low`` / ``high`` are ``None`` where the range is open on that side.
    Durations are counted in seconds.

    >>> spec = KpiName.NPS.spec
    >>> spec.unit, spec.low, spec.high, spec.better
    (<KpiUnit.NET: 'net'>, Fraction(-100, 1), Fraction(100, 1), <Better.HIGHER: 'higher'>)
    """

    unit: KpiUnit
    better: Better
    low: Fraction | None = attrs.field(default=None, converter=_bound)
    high: Fraction | None = attrs.field(default=None, converter=_bound)

    def contains(self, value: Fraction | int) -> bool:
        """True when *value* is a value this KPI can take.

        >>> KpiName.CSAT.spec.contains(Fraction(3, 2)), KpiName.BACKLOG.spec.contains(10**9)
        (False, True)
        """
        if self.unit is KpiUnit.MIX:
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def describe(self) -> str:
        """The unit and range in words, for messages.

        >>> KpiName.CSAT.spec.describe()
        'a rate between 0 and 1'
        >>> KpiName.ASA.spec.describe()
        'a duration in seconds of at least 0'
        """
        article = "an" if self.unit.value[0] in "aeiou" else "a"
        kind = f"{article} {self.unit.value}" + (
            " in seconds" if self.unit is KpiUnit.DURATION else ""
        )
        if self.unit is KpiUnit.MIX:
            return f"{kind} (a distribution, with no single value)"
        if self.low is not None and self.high is not None:
            return f"{kind} between {_show(self.low)} and {_show(self.high)}"
        if self.low is not None:
            return f"{kind} of at least {_show(self.low)}"
        return kind  # pragma: no cover - every KPI has a lower bound

    def check(self, value: Fraction | int, *, field: str, name: str) -> Fraction:
        """Return *value* as a Fraction when the KPI *name* can take it.

        Raises:
            ValidationError: *value* is outside the range (or the KPI has no single value).

        >>> KpiName.CSAT.spec.check(Fraction(9, 10), field="target", name="csat")
        Fraction(9, 10)
        >>> KpiName.NPS.spec.check(140, field="target", name="nps")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'target' must be a value of nps, a net between -100 and 100 (got 140)
        """
        if not self.contains(value):
            raise ValidationError(
                f"'{field}' must be a value of {name}, {self.describe()} (got {_show(value)})",
                field=field,
                value=value,
            )
        return Fraction(value)


def _show(value: Fraction | int) -> str:
    number = Fraction(value)
    return str(number.numerator) if number.denominator == 1 else str(number)


class KpiName(enum.Enum):
    """The name of a KPI; its value is the name used in documents and reports.

    Each member's :attr:`spec` says its unit, range and better direction.
    Use :meth:`of` to turn a document's string into a name: a misspelt one
    is a ValidationError listing the known names.

    >>> KpiName("csat"), KpiName.FIRST_REPLY_TIME.value
    (<KpiName.CSAT: 'csat'>, 'first_reply_time')
    """

    CSAT = "csat"
    CSAT_MEAN = "csat_mean"
    FIRST_CSAT = "first_csat"
    SATISFACTION_GOOD_TO_BAD = "satisfaction_good_to_bad"
    SATISFACTION_BAD_TO_GOOD = "satisfaction_bad_to_good"
    NPS = "nps"
    CES = "ces"
    CES_EASY = "ces_easy"
    CES_NET_EASY = "ces_net_easy"
    REVIEW_RATIO = "review_ratio"
    FIRST_REPLY_TIME = "first_reply_time"
    NEXT_REPLY_TIME = "next_reply_time"
    RESOLUTION_TIME = "resolution_time"
    HANDLE_TIME = "handle_time"
    REQUESTER_WAIT_TIME = "requester_wait_time"
    AGENT_WORK_TIME = "agent_work_time"
    AGENT_WAIT_TIME = "agent_wait_time"
    ON_HOLD_TIME = "on_hold_time"
    REASSIGNMENTS = "reassignments"
    DISTINCT_ASSIGNEES = "distinct_assignees"
    DISTINCT_GROUPS = "distinct_groups"
    TIME_TO_FIRST_ASSIGNMENT = "time_to_first_assignment"
    UNASSIGNED_TIME = "unassigned_time"
    AHT = "aht"
    SERVICE_LEVEL = "service_level"
    ABANDONMENT = "abandonment"
    ASA = "asa"
    FCR = "fcr"
    TWO_TOUCH_RESOLUTION = "two_touch_resolution"
    MULTI_TOUCH_RESOLUTION = "multi_touch_resolution"
    REOPEN_RATE = "reopen_rate"
    SELF_SERVICE_DEFLECTION = "self_service_deflection"
    REPEAT_CONTACT_RATE = "repeat_contact_rate"
    CONTACTS_PER_CUSTOMER = "contacts_per_customer"
    CONTACT_RATE = "contact_rate"
    CHANNEL_MIX = "channel_mix"
    COMPLAINT_THEMES = "complaint_themes"
    ACQUISITION_TO_FIRST_CONTACT = "acquisition_to_first_contact"
    RETENTION = "retention"
    CHURN = "churn"
    BACKLOG = "backlog"
    OPEN_AGE = "open_age"
    OCCUPANCY = "occupancy"
    UTILISATION = "utilisation"
    SLA_COMPLIANCE = "sla_compliance"
    QA_SCORE = "qa_score"

    @classmethod
    def of(cls, value: object, *, field: str = "metric") -> KpiName:
        """The name *value* (a KpiName or its string), refusing unknown names.

        Raises:
            ValidationError: *value* is not a KPI's name; the message lists the known ones.

        >>> KpiName.of("nps")
        <KpiName.NPS: 'nps'>
        """
        return enum_member(cls, value, field=field)

    @property
    def spec(self) -> KpiSpec:
        """What this name says about the KPI's values.

        >>> KpiName.REOPEN_RATE.spec.better
        <Better.LOWER: 'lower'>
        """
        return _SPECS[self]


def _rate(better: Better) -> KpiSpec:
    return KpiSpec(unit=KpiUnit.RATE, better=better, low=0, high=1)


def _duration() -> KpiSpec:
    return KpiSpec(unit=KpiUnit.DURATION, better=Better.LOWER, low=0)


def _net() -> KpiSpec:
    return KpiSpec(unit=KpiUnit.NET, better=Better.HIGHER, low=-100, high=100)


def _mix() -> KpiSpec:
    return KpiSpec(unit=KpiUnit.MIX, better=Better.NEITHER)


_SPECS: dict[KpiName, KpiSpec] = {
    KpiName.CSAT: _rate(Better.HIGHER),
    KpiName.CSAT_MEAN: KpiSpec(unit=KpiUnit.SCORE, better=Better.HIGHER, low=1, high=5),
    KpiName.FIRST_CSAT: _rate(Better.HIGHER),
    KpiName.SATISFACTION_GOOD_TO_BAD: _rate(Better.LOWER),
    KpiName.SATISFACTION_BAD_TO_GOOD: _rate(Better.HIGHER),
    KpiName.NPS: _net(),
    # CES 2.0 asks how far one agrees that it was easy: higher is easier.
    KpiName.CES: KpiSpec(unit=KpiUnit.SCORE, better=Better.HIGHER, low=1, high=7),
    KpiName.CES_EASY: _rate(Better.HIGHER),
    KpiName.CES_NET_EASY: _net(),
    KpiName.REVIEW_RATIO: KpiSpec(unit=KpiUnit.RATIO, better=Better.HIGHER, low=0),
    KpiName.FIRST_REPLY_TIME: _duration(),
    KpiName.NEXT_REPLY_TIME: _duration(),
    KpiName.RESOLUTION_TIME: _duration(),
    KpiName.HANDLE_TIME: _duration(),
    KpiName.REQUESTER_WAIT_TIME: _duration(),
    KpiName.AGENT_WORK_TIME: _duration(),
    # Neither: time pending on the customer is theirs to take, not a service failure.
    KpiName.AGENT_WAIT_TIME: KpiSpec(unit=KpiUnit.DURATION, better=Better.NEITHER, low=0),
    KpiName.ON_HOLD_TIME: _duration(),
    # Per-interaction counts, averaged: each handoff makes the customer wait and repeat.
    KpiName.REASSIGNMENTS: KpiSpec(unit=KpiUnit.RATIO, better=Better.LOWER, low=0),
    KpiName.DISTINCT_ASSIGNEES: KpiSpec(unit=KpiUnit.RATIO, better=Better.LOWER, low=0),
    KpiName.DISTINCT_GROUPS: KpiSpec(unit=KpiUnit.RATIO, better=Better.LOWER, low=0),
    KpiName.TIME_TO_FIRST_ASSIGNMENT: _duration(),
    KpiName.UNASSIGNED_TIME: _duration(),
    KpiName.AHT: _duration(),
    KpiName.SERVICE_LEVEL: _rate(Better.HIGHER),
    KpiName.ABANDONMENT: _rate(Better.LOWER),
    KpiName.ASA: _duration(),
    KpiName.FCR: _rate(Better.HIGHER),
    # Neither: two touches beat many but miss one; the share moves both ways as FCR improves.
    KpiName.TWO_TOUCH_RESOLUTION: _rate(Better.NEITHER),
    KpiName.MULTI_TOUCH_RESOLUTION: _rate(Better.LOWER),
    KpiName.REOPEN_RATE: _rate(Better.LOWER),
    KpiName.SELF_SERVICE_DEFLECTION: _rate(Better.HIGHER),
    KpiName.REPEAT_CONTACT_RATE: _rate(Better.LOWER),
    KpiName.CONTACTS_PER_CUSTOMER: KpiSpec(unit=KpiUnit.RATIO, better=Better.LOWER, low=0),
    KpiName.CONTACT_RATE: KpiSpec(unit=KpiUnit.RATIO, better=Better.LOWER, low=0),
    KpiName.CHANNEL_MIX: _mix(),
    KpiName.COMPLAINT_THEMES: _mix(),
    # Neither: a quick first contact can be onboarding trouble or engagement.
    KpiName.ACQUISITION_TO_FIRST_CONTACT: KpiSpec(
        unit=KpiUnit.DURATION, better=Better.NEITHER, low=0
    ),
    KpiName.RETENTION: _rate(Better.HIGHER),
    KpiName.CHURN: _rate(Better.LOWER),
    KpiName.BACKLOG: KpiSpec(unit=KpiUnit.COUNT, better=Better.LOWER, low=0),
    KpiName.OPEN_AGE: _duration(),
    # Workforce ratios are kept in a band: too high burns agents out.
    KpiName.OCCUPANCY: KpiSpec(unit=KpiUnit.RATIO, better=Better.NEITHER, low=0, high=1),
    KpiName.UTILISATION: KpiSpec(unit=KpiUnit.RATIO, better=Better.NEITHER, low=0, high=1),
    KpiName.SLA_COMPLIANCE: _rate(Better.HIGHER),
    KpiName.QA_SCORE: KpiSpec(unit=KpiUnit.SCORE, better=Better.HIGHER, low=0, high=1),
}
