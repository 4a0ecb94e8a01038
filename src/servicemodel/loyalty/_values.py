"""Value types a ledger takes and returns: lines, awards, entries, lots, balances."""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple, final

import attrs
import pendulum

from .._time import aware, from_micros, to_micros, zone
from .._validators import between, non_empty_str
from ..exceptions import ValidationError
from ._money import Money, decimal_amount

__all__ = [
    "Allocation",
    "Award",
    "Balance",
    "EarnLine",
    "Entry",
    "EntryKind",
    "Expiring",
    "LineShare",
    "Lot",
    "LotExplanation",
    "LotStatus",
    "Receipt",
    "ReturnedLine",
    "Totals",
]


_text = non_empty_str


def _decimal(value: Any) -> Decimal:
    return decimal_amount(value, field="amount", low=0)


def _rate(value: Any) -> Fraction | None:
    if value is None or isinstance(value, Fraction):
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return Fraction(value)
    raise ValidationError(
        f"'rate' must be an exact number (Fraction, Decimal or int) (got {value!r})",
        field="rate",
        value=value,
    )


@final
@attrs.frozen(kw_only=True)
class EarnLine:
    """One line of an earn, as the programme computed it: value and rule points.

    Attributes:
        line: the line's id within the order.
        amount: the line's value (used for proportional return attribution).
        points: the points the rules gave this line (used for line-attributed
            returns); the lines' points sum to the earn's points.

    >>> EarnLine(line="A", amount=Decimal("10.00"), points=20).points
    20
    """

    line: str = attrs.field(validator=_text)
    amount: Decimal = attrs.field(converter=_decimal)
    points: int = attrs.field(validator=between(low=0))


@final
@attrs.frozen(kw_only=True)
class LineShare:
    """The points of a lot attributed to one line, fixed when the points were earned.

    >>> LineShare(line="C", amount=Decimal("20.00"), points=35).points
    35
    """

    line: str = attrs.field(validator=_text)
    amount: Decimal = attrs.field(converter=_decimal)
    points: int = attrs.field(validator=between(low=0))


@final
@attrs.frozen(kw_only=True)
class ReturnedLine:
    """A returned quantity of one line, as a value (the whole line or part of it).

    >>> ReturnedLine(line="C", amount=Decimal("20.00")).line
    'C'
    """

    line: str = attrs.field(validator=_text)
    amount: Decimal = attrs.field(converter=_decimal)


@final
@attrs.frozen(kw_only=True)
class Award:
    """What one rule gave: its name, the base and rate used, points desired and granted.

    A lot keeps its awards, so a clawback never depends on today's rules.

    >>> Award(rule="spend", base=Money(Decimal("400.00"), "EUR"), rate=Fraction(1),
    ...       desired=800, granted=500).granted
    500
    """

    rule: str = attrs.field(validator=_text)
    base: Money | None = None
    rate: Fraction | None = attrs.field(default=None, converter=_rate)
    desired: int = attrs.field(validator=between(low=0))
    granted: int = attrs.field(validator=between(low=0))

    @granted.validator
    def _check(self, attribute: attrs.Attribute[Any], value: int) -> None:
        if value > self.desired:
            raise ValidationError(
                f"'granted' must be at most desired ({self.desired}) (got {value})",
                field="granted",
                value=value,
            )


class EntryKind(enum.Enum):
    """What a journal entry did.

    ``earn``, ``adjust`` (positive) and ``reissue`` create a lot; ``activate``
    makes a pending lot available; ``redeem``, ``expire``, ``reverse``,
    ``void``, ``repay`` and ``adjust`` (negative) take points from lots;
    ``restore`` puts redeemed points back; ``debt`` and ``write_off`` record
    the part of a clawback that no lot could cover.

    >>> EntryKind("repay")
    <EntryKind.REPAY: 'repay'>
    """

    EARN = "earn"
    ACTIVATE = "activate"
    REDEEM = "redeem"
    EXPIRE = "expire"
    REVERSE = "reverse"
    VOID = "void"
    ADJUST = "adjust"
    DEBT = "debt"
    REPAY = "repay"
    RESTORE = "restore"
    REISSUE = "reissue"
    WRITE_OFF = "write_off"


@final
@attrs.frozen
class Allocation:
    """Points taken from (or put back into) one lot.

    >>> Allocation(1, 100)
    Allocation(lot=1, points=100)
    """

    lot: int
    points: int


class _Micros(int):
    """An entry's instant in epoch microseconds, as the ledger holds it (never public)."""

    __slots__ = ()


def _entry_instant(value: _dt.datetime) -> int:
    """The instant of an entry's ``at``: an aware datetime (or the ledger's own micros)."""
    if isinstance(value, _Micros):  # the ledger's constructor, or attrs.evolve
        return value
    return _Micros(to_micros(aware(value, field="at")))


@final
@attrs.frozen(kw_only=True)
class Entry:
    """One line of the append-only journal.

    :attr:`at` is the entry's instant, in the programme's zone. ``seq`` is
    the position in the ledger's journal (``None`` for an entry derived for a query but not yet recorded, such as
    an expiry after the member's last command). ``points`` is the size of the
    entry (negative only for a negative adjustment); ``lot`` is the lot the
    entry created or activated.

    Raises:
        ValidationError: *at* is not a timezone-aware datetime.

    >>> import pendulum
    >>> t = pendulum.datetime(2025, 1, 10, 9, tz="Europe/Warsaw")
    >>> e = Entry(seq=1, kind=EntryKind.EARN, member="m", at=t, points=5, zone="Europe/Warsaw")
    >>> e.at
    DateTime(2025, 1, 10, 9, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
    """

    seq: int | None
    kind: EntryKind
    member: str
    _micros: int = attrs.field(alias="at", converter=_entry_instant)
    points: int
    allocations: tuple[Allocation, ...] = ()
    lot: int | None = None
    key: str | None = None
    ref: str | None = None
    note: str | None = None
    zone: str = attrs.field(default="UTC", repr=False)

    @classmethod
    def _from_micros(cls, *, micros: int, **fields: Any) -> Entry:
        """The entry at the instant *micros* (epoch microseconds): the ledger's own constructor."""
        at: Any = _Micros(micros)  # taken as it is by the converter of ``at``
        return cls(at=at, **fields)

    @property
    def at(self) -> pendulum.DateTime:
        """The entry's instant in the programme's zone.

        >>> import pendulum
        >>> from servicemodel.loyalty import Ledger, Policies
        >>> ledger = Ledger(policies=Policies(zone="Europe/Warsaw"))
        >>> t = pendulum.datetime(2025, 1, 10, 12, tz="Europe/Warsaw")
        >>> ledger.earn(member="ann", points=100, at=t, key="o-1").entries[0].at
        DateTime(2025, 1, 10, 12, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        return from_micros(self._micros, zone(self.zone))


def _as_record(record: type[tuple[Any, ...]], compared: int) -> None:
    """Make the named tuple *record* a value of its own kind (its body cannot assign these).

    Equal only to a *record* whose first *compared* fields are equal (and
    hashed on those), never to a plain tuple or another record; anything else
    is asked in turn (``NotImplemented``), as with an attrs class, so
    matchers such as ``mock.ANY`` match. Not ordered: ``<`` and the like
    raise TypeError.
    """

    def equal(self: tuple[Any, ...], other: object) -> Any:
        if type(other) is record:
            return self[:compared] == other[:compared]
        return False if isinstance(other, tuple) else NotImplemented

    def unequal(self: tuple[Any, ...], other: object) -> Any:
        answer = equal(self, other)
        return answer if answer is NotImplemented else not answer

    def hashed(self: tuple[Any, ...]) -> int:
        return hash(self[:compared])

    def unordered(self: tuple[Any, ...], other: object) -> Any:
        return NotImplemented

    for name, method in (("__eq__", equal), ("__ne__", unequal), ("__hash__", hashed)):
        setattr(record, name, method)
    for name in ("__lt__", "__le__", "__gt__", "__ge__"):
        setattr(record, name, unordered)


@final
class Receipt(NamedTuple):
    """What a command did: its key, the member's version after it, and its entries.

    ``span`` is the command's range ``[first, last)`` of journal positions;
    :attr:`entries` reads them from the ledger that wrote them (``source``).
    Sending the same command again returns an equal receipt and writes
    nothing. Two receipts are equal when their key, member, version and span
    are, whichever ledger or store wrote them: ``source`` is where to read the
    entries, not part of what the command did.

    A receipt is an immutable typed record (a named tuple): every command
    returns one, and on the command path an attrs object cost about four times
    as much to build. It is equal only to receipts, never to a plain tuple.

    >>> Receipt(key="k", member="m", version=1, span=(0, 0)).entries
    ()
    >>> Receipt(key="k", member="m", version=1, span=(0, 0))
    Receipt(key='k', member='m', version=1, span=(0, 0))
    """

    key: str
    member: str
    version: int
    span: tuple[int, int]
    source: Callable[[tuple[int, int]], tuple[Entry, ...]] | None = None

    def __repr__(self) -> str:
        return (
            f"Receipt(key={self.key!r}, member={self.member!r}, version={self.version!r}, "
            f"span={self.span!r})"
        )

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The entries the command wrote, in order.

        >>> import pendulum
        >>> from servicemodel.loyalty import Ledger, Policies
        >>> ledger = Ledger(policies=Policies(zone="Europe/Warsaw"))
        >>> t = pendulum.datetime(2025, 1, 10, 12, tz="Europe/Warsaw")
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> receipt = ledger.redeem(member="ann", points=40, at=t.add(days=1), key="r-1")
        >>> [(e.kind.value, e.points) for e in receipt.entries]
        [('redeem', 40)]
        """
        return () if self.source is None else self.source(self.span)

    @property
    def lot(self) -> int | None:
        """The lot the command created, if it created one.

        >>> import pendulum
        >>> from servicemodel.loyalty import Ledger, Policies
        >>> ledger = Ledger(policies=Policies(zone="Europe/Warsaw"))
        >>> t = pendulum.datetime(2025, 1, 10, 12, tz="Europe/Warsaw")
        >>> ledger.earn(member="ann", points=100, at=t, key="o-1").lot
        1
        >>> ledger.redeem(member="ann", points=40, at=t.add(days=1), key="r-1").lot is None
        True
        """
        for entry in self.entries:
            if entry.kind in _CREATES and entry.lot is not None:
                return entry.lot
        return None


_CREATES = frozenset({EntryKind.EARN, EntryKind.ADJUST, EntryKind.REISSUE})
_as_record(Receipt, 4)  # key, member, version, span: not the source
_NEW_RECEIPT = tuple.__new__
if Receipt._fields != ("key", "member", "version", "span", "source"):  # pragma: no cover
    raise AssertionError(f"make_receipt is out of date with Receipt's fields {Receipt._fields}")


def make_receipt(
    key: str,
    member: str,
    version: int,
    span: tuple[int, int],
    source: Callable[[tuple[int, int]], tuple[Entry, ...]] | None,
) -> Receipt:
    """Build ``Receipt(key, member, version, span, source)`` on a hot path.

    The fields go straight into the tuple: what the named tuple's own
    constructor does, without its Python-level ``__new__`` (a ledger builds one
    receipt a command).

    >>> make_receipt("k", "m", 1, (0, 1), None) == Receipt(key="k", member="m", version=1, span=(0, 1))
    True
    """
    receipt: Receipt = _NEW_RECEIPT(Receipt, (key, member, version, span, source))
    return receipt


@final
class Balance(NamedTuple):
    """A member's points as of an instant.

    ``available`` can be spent now, ``pending`` will become available unless
    returned, ``debt`` is owed from clawbacks and is repaid by later points.
    ``net`` is available minus debt. Like :class:`Receipt`, a typed record (a
    named tuple: a balance query builds one on every call) equal only to
    balances, never to a plain tuple.

    >>> Balance(available=0, pending=100, debt=0).net
    0
    >>> Balance(available=0, pending=100, debt=0) == (0, 100, 0)
    False
    """

    available: int
    pending: int
    debt: int

    @property
    def net(self) -> int:
        """Available points minus debt.

        >>> Balance(available=250, pending=0, debt=100).net
        150
        """
        return self.available - self.debt


_as_record(Balance, 3)
_NEW_BALANCE = tuple.__new__
if Balance._fields != ("available", "pending", "debt"):  # pragma: no cover
    raise AssertionError(f"balance_of is out of date with Balance's fields {Balance._fields}")


def balance_of(triple: tuple[int, int, int]) -> Balance:
    """The :class:`Balance` of an ``(available, pending, debt)`` triple, on a hot path.

    The triple goes straight into the tuple (see :func:`make_receipt`).

    >>> balance_of((60, 0, 0))
    Balance(available=60, pending=0, debt=0)
    """
    balance: Balance = _NEW_BALANCE(Balance, triple)
    return balance


class LotStatus(enum.Enum):
    """Where a lot stands as of an instant.

    >>> LotStatus("exhausted").value
    'exhausted'
    """

    PENDING = "pending"
    AVAILABLE = "available"
    EXHAUSTED = "exhausted"
    EXPIRED = "expired"
    VOIDED = "voided"


@final
@attrs.frozen(kw_only=True)
class Lot:
    """A lot of points as of an instant: where it came from and what is left.

    >>> import pendulum
    >>> t = pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")
    >>> Lot(member="m", id=1, key="k", kind=EntryKind.EARN, earned_at=t, available_at=t,
    ...     expires_at=None, original=100, remaining=100, status=LotStatus.AVAILABLE).remaining
    100
    """

    member: str
    id: int
    key: str
    kind: EntryKind
    earned_at: pendulum.DateTime
    available_at: pendulum.DateTime
    expires_at: pendulum.DateTime | None
    original: int
    remaining: int
    status: LotStatus
    awards: tuple[Award, ...] = ()
    lines: tuple[LineShare, ...] = ()


@final
@attrs.frozen(kw_only=True)
class Expiring:
    """Points of one lot that expire (or expired) at an instant.

    >>> import pendulum
    >>> Expiring(lot=2, at=pendulum.datetime(2026, 2, 1, tz="Europe/Warsaw"), points=30).points
    30
    """

    lot: int
    at: pendulum.DateTime
    points: int


@final
@attrs.frozen(kw_only=True)
class Totals:
    """Where every issued point went, as of an instant.

    Conservation: ``issued == available + pending + spent + expired + reversed
    + voided + repaid + deducted``; debt is ``debt_incurred - repaid``.

    >>> Totals().balanced()
    True
    """

    issued: int = 0
    available: int = 0
    pending: int = 0
    spent: int = 0
    expired: int = 0
    reversed: int = 0
    voided: int = 0
    repaid: int = 0
    deducted: int = 0
    written_off: int = 0
    debt_incurred: int = 0
    debt: int = 0

    def balanced(self) -> bool:
        """Return whether the conservation laws hold.

        >>> import pendulum
        >>> from servicemodel.loyalty import Ledger, Policies
        >>> ledger = Ledger(policies=Policies(zone="Europe/Warsaw"))
        >>> t = pendulum.datetime(2025, 1, 10, 12, tz="Europe/Warsaw")
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> _ = ledger.redeem(member="ann", points=40, at=t.add(days=1), key="r-1")
        >>> totals = ledger.totals("ann", as_of=t.add(days=2))
        >>> totals.issued, totals.available, totals.spent, totals.balanced()
        (100, 60, 40, True)
        >>> Totals(issued=100, available=50).balanced()  # 50 points unaccounted for
        False
        """
        outflow = (
            self.available
            + self.pending
            + self.spent
            + self.expired
            + self.reversed
            + self.voided
            + self.repaid
            + self.deducted
        )
        return self.issued == outflow and self.debt == self.debt_incurred - self.repaid


@final
@attrs.frozen(kw_only=True)
class LotExplanation:
    """One lot's story: what it was, and what took its points.

    >>> LotExplanation(lot=1, kind=EntryKind.EARN, key="k", original=100, remaining=0,
    ...                status=LotStatus.EXHAUSTED, redeemed=100).redeemed
    100
    """

    lot: int
    kind: EntryKind
    key: str
    original: int
    remaining: int
    status: LotStatus
    redeemed: int = 0
    restored: int = 0
    expired: int = 0
    reversed: int = 0
    voided: int = 0
    repaid: int = 0
    deducted: int = 0
