"""Every contact's customer and time, packed: the state of the repeat-contact rate.

A contact costs about 16 bytes plus its customer id's UTF-8 bytes (no
Python object per contact), so a year of contacts fits in tens of MiB. The
grouping by customer happens only when a result is read, a bucket of
customers at a time, so even then only a slice of the customers is held as
Python objects at once.

>>> times = ContactTimes()
>>> times.add("C-1", 5); times.add("C-2", 7); times.add("C-1", 3)
>>> sorted(sorted(group) for group in times.groups())
[[3, 5], [7]]
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

import attrs

from .._validators import is_integer
from ..exceptions import ValidationError
from ._shapes import row_key

__all__ = ["ContactTimes"]

#: Contacts per bucket when the groups are read: bounds the customers held as objects at once.
_PER_BUCKET = 1 << 14
_INT64 = (-(2**63), 2**63 - 1)


def _longs() -> array[int]:
    return array("q")


def _bounds() -> array[int]:
    return array("q", [0])


@attrs.define(eq=False)
class ContactTimes:
    """A multiset of (customer id, contact time) pairs in integer arrays and one byte string.

    Contact *i*'s customer id is ``ids[bounds[i]:bounds[i + 1]]`` (UTF-8,
    surrogates kept, so every ``str`` round-trips) and its time is
    ``times[i]`` (epoch microseconds). Contacts without a customer id (a
    batch column's missing values) are kept apart in ``anonymous`` and read
    as one group, as one customer.

    >>> a, b = ContactTimes(), ContactTimes()
    >>> a.add("C-1", 1); b.add("C-1", 2); b.add(None, 9)
    >>> a.absorb(b); a.rows()
    [('C-1', 1), ('C-1', 2), (None, 9)]
    """

    ids: bytearray = attrs.Factory(bytearray)
    bounds: array[int] = attrs.Factory(_bounds)
    times: array[int] = attrs.Factory(_longs)
    anonymous: array[int] = attrs.Factory(_longs)

    def __len__(self) -> int:
        return len(self.times) + len(self.anonymous)

    def add(self, customer: str | None, at: int) -> None:
        """Keep one contact of *customer* (None: no customer id) at *at* (epoch microseconds).

        >>> times = ContactTimes(); times.add("C-1", 5); len(times)
        1
        """
        if customer is None:
            self.anonymous.append(at)
            return
        self.ids += customer.encode("utf-8", "surrogatepass")
        self.bounds.append(len(self.ids))
        self.times.append(at)

    def absorb(self, other: ContactTimes) -> None:
        """Add every contact of *other* (which does not change).

        >>> a = ContactTimes(); a.absorb(a); len(a)
        0
        """
        shift = len(self.ids)
        count = len(other.times)  # read first: *other* may be this very state
        self.ids += other.ids if other is not self else bytes(other.ids)
        self.bounds.extend(array("q", (end + shift for end in other.bounds[1 : count + 1])))
        self.times.extend(other.times[:count])
        self.anonymous.extend(other.anonymous[: len(other.anonymous)])

    def groups(self) -> Iterator[list[int]]:
        """Each customer's contact times (in no particular order), one list per customer.

        >>> times = ContactTimes(); times.add("C-1", 5); times.add(None, 1)
        >>> sorted(times.groups())
        [[1], [5]]
        """
        ids, bounds, times = bytes(self.ids), self.bounds, self.times
        width = max(1, len(times) // _PER_BUCKET)
        buckets = [array("q") for _ in range(width)]
        start = 0
        for index, end in enumerate(bounds[1:]):
            buckets[hash(ids[start:end]) % width].append(index)
            start = end
        for bucket in buckets:
            by_customer: dict[bytes, list[int]] = {}
            for index in bucket:
                customer = ids[bounds[index] : bounds[index + 1]]
                found = by_customer.get(customer)
                if found is None:
                    by_customer[customer] = [times[index]]
                else:
                    found.append(times[index])
            yield from by_customer.values()
        if self.anonymous:
            yield self.anonymous.tolist()

    def rows(self) -> list[tuple[str | None, int]]:
        """Every contact as a (customer id, time) row, in the order of :func:`row_key`.

        >>> times = ContactTimes(); times.add("B", 2); times.add("A", 3); times.rows()
        [('A', 3), ('B', 2)]
        """
        ids, bounds = self.ids, self.bounds
        rows: list[tuple[str | None, int]] = [(None, at) for at in self.anonymous]
        rows.extend(
            (ids[bounds[i] : bounds[i + 1]].decode("utf-8", "surrogatepass"), at)
            for i, at in enumerate(self.times)
        )
        rows.sort(key=row_key)
        return rows

    @classmethod
    def from_rows(cls, rows: Any) -> ContactTimes:
        """The contacts of JSON rows ``[customer id or null, epoch microseconds]``.

        Raises:
            ValidationError: *rows* is not a list of such rows.

        >>> ContactTimes.from_rows([["C-1", 5], [None, 2]]).rows()
        [('C-1', 5), (None, 2)]
        >>> ContactTimes.from_rows([["C-1", "5"]])
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'state' must hold [customer id or null, epoch microseconds] rows (got [['C-1', '5']])
        """
        if not isinstance(rows, list) or not all(
            isinstance(row, list)
            and len(row) == 2
            and (row[0] is None or isinstance(row[0], str))
            and is_integer(row[1], *_INT64)
            for row in rows
        ):
            raise ValidationError(
                f"'state' must hold [customer id or null, epoch microseconds] rows "
                f"(got {rows!r:.80})",
                field="state",
                value=rows,
            )
        made = cls()
        for customer, at in rows:
            made.add(customer, at)
        return made
