"""The contact KPIs: repeat contacts, contacts per customer, contact rate and the mixes.

>>> from servicemodel.kpi import ChannelMix
>>> acc = ChannelMix.empty()
>>> isinstance(acc, ChannelMix)
True
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from typing import Any, Self, final

import attrs

from .._log._facts import log_facts
from .._validators import enum_member, is_integer
from ..customers import Customer
from ..exceptions import EmptySampleError, ValidationError
from ..interactions import Channel, Interaction, Kind
from ._accumulators import Accumulator, state_counts
from ._column_readers import micros_column, text_column
from ._contact_times import ContactTimes
from ._names import KpiName
from ._options import SEVEN_DAYS, window_micros
from ._stats import Mean, Rate, Ratio, wilson_interval

__all__ = [
    "ChannelMix",
    "ComplaintThemes",
    "ContactRate",
    "ContactsPerCustomer",
    "Mix",
    "RepeatContactRate",
    "RepeatVariant",
    "ThemeVariant",
]


class RepeatVariant(enum.Enum):
    """Repeat contact: contacts followed by another within a window (default), or customers.

    >>> RepeatVariant.CUSTOMERS_WITH_REPEATS.value
    'customers_with_repeats'
    """

    CONTACTS_WITHIN_WINDOW = "contacts_within_window"
    CUSTOMERS_WITH_REPEATS = "customers_with_repeats"


@final
class RepeatContactRate(Accumulator[Rate]):
    """Repeat contacts, exactly, from each customer's contact times.

    ``contacts_within_window`` (default): the share of contacts followed by
    another contact from the same customer within ``window`` (default 7
    days). ``customers_with_repeats``: the share of contacting customers with
    two or more contacts. Columns: ``customer_id``, ``created_at``.

    The state keeps every contact, packed (:class:`ContactTimes`: about 16
    bytes and the customer id's bytes each), since a contact's repeat can
    come in any later part of the data.

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> items = [Interaction(id=str(d), customer_id=c, channel="email", created_at=t.add(days=d))
    ...          for c, d in (("A", 0), ("A", 2), ("B", 0), ("A", 30))]
    >>> acc = RepeatContactRate.empty(); acc.add_many(items); acc.result().value
    Fraction(1, 4)
    """

    kpi = KpiName.REPEAT_CONTACT_RATE
    item_types = (Interaction,)
    columns = ("customer_id", "created_at")
    __slots__ = ("_contacts", "_variant", "_window")

    def __init__(
        self,
        *,
        variant: RepeatVariant | str = RepeatVariant.CONTACTS_WITHIN_WINDOW,
        window: _dt.timedelta | int = SEVEN_DAYS,
    ) -> None:
        super().__init__()
        self._variant = enum_member(RepeatVariant, variant, field="variant")
        self._window = window_micros(window)
        self._contacts = ContactTimes()

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value, "window": self._window}

    def _add(self, item: Interaction) -> None:
        self._contacts.add(item.customer_id, log_facts(item).created_us)

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        customers = text_column(columns, "customer_id")
        created = micros_column(columns, "created_at")
        add = self._contacts.add
        for customer, at in zip(customers.tolist(), created.tolist(), strict=True):
            add(customer, at)

    def _absorb(self, other: Self) -> None:
        self._contacts.absorb(other._contacts)

    def _state_json(self) -> Any:
        return {"rows": [list(row) for row in self._contacts.rows()]}

    def _load_state(self, state: Any) -> None:
        if not isinstance(state, Mapping):
            raise ValidationError(
                f"'state' must be a dict of rows (got {state!r:.80})", field="state", value=state
            )
        self._contacts = ContactTimes.from_rows(state.get("rows"))

    def result(self) -> Rate:
        """The repeat-contact share.

        >>> RepeatContactRate.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: repeat_contact_rate needs at least one contact (got 0)
        """
        import bisect

        if not len(self._contacts):
            raise EmptySampleError(f"{self.name} needs at least one contact (got 0)")
        window = self._window
        k = n = 0
        if self._variant is RepeatVariant.CUSTOMERS_WITH_REPEATS:
            for times in self._contacts.groups():
                n += 1
                k += len(times) > 1
            return wilson_interval(k, n)
        for times in self._contacts.groups():
            times.sort()
            for t in times:
                n += 1
                k += bisect.bisect_right(times, t + window) > bisect.bisect_right(times, t)
        return wilson_interval(k, n)


@final
class ContactsPerCustomer(Accumulator[Mean]):
    """Contacts per contacting customer: the exact mean of each customer's contact count.

    Column: ``customer_id``.

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> acc = ContactsPerCustomer.empty()
    >>> acc.add_many(Interaction(id=str(i), customer_id=c, channel="chat", created_at=t)
    ...              for i, c in enumerate("AAB"))
    >>> acc.result().value
    Fraction(3, 2)
    """

    kpi = KpiName.CONTACTS_PER_CUSTOMER
    item_types = (Interaction,)
    columns = ("customer_id",)
    __slots__ = ("_counts",)

    def __init__(self) -> None:
        super().__init__()
        self._counts: dict[str, int] = {}

    def _add(self, item: Interaction) -> None:
        self._counts[item.customer_id] = self._counts.get(item.customer_id, 0) + 1

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        import numpy as np

        customers = text_column(columns, "customer_id")
        customers = customers[customers != None]  # noqa: E711 - elementwise
        labels, counts = np.unique(customers.astype(str), return_counts=True)
        for label, count in zip(labels.tolist(), counts.tolist(), strict=True):
            self._counts[label] = self._counts.get(label, 0) + count

    def _absorb(self, other: Self) -> None:
        for key, count in other._counts.items():
            self._counts[key] = self._counts.get(key, 0) + count

    def _state_json(self) -> Any:
        return {"counts": [[k, self._counts[k]] for k in sorted(self._counts)]}

    def _load_state(self, state: Any) -> None:
        self._counts = _load_pairs(state)

    def result(self) -> Mean:
        """The mean contacts per customer.

        >>> ContactsPerCustomer.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: a mean needs at least one observation (got 0)
        """
        histogram: dict[int, int] = {}
        for count in self._counts.values():
            histogram[count] = histogram.get(count, 0) + 1
        return Mean.of_counts(histogram)


def _load_pairs(state: Any) -> dict[str, int]:
    pairs = state.get("counts") if isinstance(state, Mapping) else None
    if not isinstance(pairs, list) or not all(
        isinstance(p, list)
        and len(p) == 2
        and isinstance(p[0], str)
        and isinstance(p[1], int)
        and not isinstance(p[1], bool)
        and p[1] >= 0
        for p in pairs
    ):
        raise ValidationError(
            f"'state' must hold [label, count] pairs (got {state!r:.80})",
            field="state",
            value=state,
        )
    out: dict[str, int] = {}
    for label, count in pairs:
        out[label] = out.get(label, 0) + count
    return out


@final
class ContactRate(Accumulator[Ratio]):
    """Contacts per customer in the base: interactions over customers (as :class:`Customer`).

    Feed both the interactions and the customer base; the ratio is exact and
    may exceed 1.

    >>> import pendulum
    >>> from servicemodel import Customer, Interaction
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> acc = ContactRate.empty()
    >>> acc.add_many([Customer(id=c, acquired_at=t) for c in "ABCD"])
    >>> acc.add(Interaction(id="1", customer_id="A", channel="chat", created_at=t))
    >>> acc.result().value
    Fraction(1, 4)
    """

    kpi = KpiName.CONTACT_RATE
    item_types = (Interaction, Customer)
    __slots__ = ("_contacts", "_customers")

    def __init__(self) -> None:
        super().__init__()
        self._contacts = 0
        self._customers = 0

    def _add(self, item: Interaction | Customer) -> None:
        if isinstance(item, Customer):
            self._customers += 1
        else:
            self._contacts += 1

    def _absorb(self, other: Self) -> None:
        self._contacts += other._contacts
        self._customers += other._customers

    def _state_json(self) -> Any:
        return {"contacts": self._contacts, "customers": self._customers}

    def _load_state(self, state: Any) -> None:
        self._contacts, self._customers = state_counts(state, ("contacts", "customers"))

    def result(self) -> Ratio:
        """Contacts / customers.

        >>> ContactRate.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: contact_rate needs at least one customer in the base (got 0)
        """
        if self._customers == 0:
            raise EmptySampleError(f"{self.name} needs at least one customer in the base (got 0)")
        return Ratio(numerator=self._contacts, denominator=self._customers)


@final
@attrs.frozen(kw_only=True)
class Mix:
    """Counts per label out of ``n`` items; each label's share is a Wilson :class:`Rate`.

    >>> m = Mix(counts=(("chat", 3), ("email", 1)), n=4)
    >>> m.share("chat").value, [label for label, _ in m.top(1)]
    (Fraction(3, 4), ['chat'])
    """

    counts: tuple[tuple[str, int], ...]
    n: int

    def share(self, label: str) -> Rate:
        """The share of items with *label* (0 when the label never occurred).

        >>> Mix(counts=(("chat", 3),), n=4).share("phone").value
        Fraction(0, 1)
        """
        return wilson_interval(dict(self.counts).get(label, 0), self.n)

    def top(self, k: int = 5) -> tuple[tuple[str, Rate], ...]:
        """The *k* most frequent labels with their shares (ties by label).

        >>> Mix(counts=(("b", 2), ("a", 2), ("c", 5)), n=9).top(2)[1][0]
        'a'
        """
        ranked = sorted(self.counts, key=lambda pair: (-pair[1], pair[0]))[:k]
        return tuple((label, wilson_interval(count, self.n)) for label, count in ranked)


class _Tally(Accumulator[Mix]):
    __slots__ = ("_counts", "_n")

    def __init__(self) -> None:
        super().__init__()
        self._counts: dict[str, int] = {}
        self._n = 0

    def _bump(self, label: str, by: int = 1) -> None:
        self._counts[label] = self._counts.get(label, 0) + by

    def _absorb(self, other: Self) -> None:
        self._n += other._n
        for key, count in other._counts.items():
            self._bump(key, count)

    def _state_json(self) -> Any:
        return {"n": self._n, "counts": [[k, self._counts[k]] for k in sorted(self._counts)]}

    def _load_state(self, state: Any) -> None:
        counts = _load_pairs(state)
        n = state.get("n")
        if not is_integer(n) or any(c > n for c in counts.values()):
            raise ValidationError(
                f"'state' must hold n at least every count (got {state!r:.80})",
                field="state",
                value=state,
            )
        self._counts, self._n = counts, n

    def result(self) -> Mix:
        """The mix of labels: a count per label out of ``n`` items.

        Raises:
            EmptySampleError: no item has been counted yet.

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> t = pendulum.datetime(2024, 6, 10)
        >>> acc = ChannelMix.empty()
        >>> acc.add_many(Interaction(id=c, customer_id="C", channel=c, created_at=t)
        ...              for c in ["chat", "email"])
        >>> acc.result().counts, acc.result().n
        ((('chat', 1), ('email', 1)), 2)
        """
        if self._n == 0:
            raise EmptySampleError(f"{self.name} needs at least one item (got 0)")
        return Mix(counts=tuple(sorted(self._counts.items())), n=self._n)


@final
class ChannelMix(_Tally):
    """Which channels customers use: interactions per channel. Column: ``channel``.

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> acc = ChannelMix.empty()
    >>> acc.add_many(Interaction(id=str(i), customer_id="C", channel=c, created_at=t)
    ...              for i, c in enumerate(["chat", "chat", "email"]))
    >>> acc.result().share("chat").value
    Fraction(2, 3)
    """

    kpi = KpiName.CHANNEL_MIX
    item_types = (Interaction,)
    columns = ("channel",)
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        self._n += 1
        self._bump(item.channel._value_)  # the member's value, without the .value property

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        import numpy as np

        labels = text_column(columns, "channel")
        known = {c.value for c in Channel}
        present = labels[labels != None]  # noqa: E711 - elementwise
        bad = [v for v in set(present.tolist()) if v not in known]
        if bad:
            raise ValidationError(
                f"'channel' must hold channel names (got {sorted(bad)[0]!r})",
                field="channel",
                value=sorted(bad)[0],
            )
        values, counts = np.unique(present.astype(str), return_counts=True)
        self._n += int(present.size)
        for label, count in zip(values.tolist(), counts.tolist(), strict=True):
            self._bump(label, count)


class ThemeVariant(enum.Enum):
    """Complaint themes by tag among complaints (default), or contacts by kind.

    >>> ThemeVariant.TAGS_OF_COMPLAINTS.value
    'tags_of_complaints'
    """

    TAGS_OF_COMPLAINTS = "tags_of_complaints"
    KINDS = "kinds"


@final
class ComplaintThemes(_Tally):
    """Top complaint themes: tag counts among complaints (or contact kinds), read with ``top()``.

    With ``tags_of_complaints`` each complaint counts once per tag and ``n``
    is the number of complaints, so a share is "complaints mentioning X".

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> t = pendulum.datetime(2024, 6, 10)
    >>> acc = ComplaintThemes.empty()
    >>> acc.add_many([
    ...     Interaction(id="1", customer_id="C", channel="chat", kind="complaint", created_at=t,
    ...                 tags=["billing", "late"]),
    ...     Interaction(id="2", customer_id="C", channel="chat", kind="complaint", created_at=t,
    ...                 tags=["billing"]),
    ...     Interaction(id="3", customer_id="C", channel="chat", kind="enquiry", created_at=t,
    ...                 tags=["billing"])])
    >>> [(label, rate.value) for label, rate in acc.result().top(1)]
    [('billing', Fraction(1, 1))]
    """

    kpi = KpiName.COMPLAINT_THEMES
    item_types = (Interaction,)
    __slots__ = ("_variant",)

    def __init__(self, *, variant: ThemeVariant | str = ThemeVariant.TAGS_OF_COMPLAINTS) -> None:
        super().__init__()
        self._variant = enum_member(ThemeVariant, variant, field="variant")

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value}

    def _add(self, item: Interaction) -> None:
        if self._variant is ThemeVariant.KINDS:
            self._n += 1
            self._bump(item.kind.value)
        elif item.kind is Kind.COMPLAINT:
            self._n += 1
            for tag in item.tags:
                self._bump(tag)
