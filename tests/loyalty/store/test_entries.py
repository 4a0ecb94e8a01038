"""A command's journal entries packed into a store's ``entries`` column (store/_entries.py).

Records of every shape (allocations, absent and non-ASCII texts, gaps)
come back as they were packed; records of another member, or gaps that
are not one per record, are refused by the field that is wrong.
"""

from __future__ import annotations

import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.loyalty import EntryKind
from servicemodel.loyalty._journal import JournalEntry
from servicemodel.loyalty.store._entries import pack, positions, unpack

RECORDS = [
    JournalEntry("ann", EntryKind.EARN, 10, 50, lot=1, key="o-1"),
    JournalEntry("ann", EntryKind.REDEEM, 20, 7, ((1, 5), (2, 2)), key="r-1", note="é\ud800"),
    JournalEntry("ann", EntryKind.EXPIRE, 30, 3, ((1, 3),), ref=""),
    JournalEntry("ann", EntryKind.WRITE_OFF, -40, 0),
]


def test_records_of_every_shape_come_back_with_their_gaps() -> None:
    # A store reads the column back as bytes.
    assert unpack(bytes(pack(RECORDS, "ann")), "ann") == [(0, r) for r in RECORDS]
    gaps = [0, 3, 0, 1]
    packed = bytes(pack(RECORDS, "ann", gaps))
    assert unpack(packed, "ann") == list(zip(gaps, RECORDS, strict=True))
    assert positions(5, packed, "ann") == [5, 9, 10, 12]


def test_a_record_of_another_member_is_refused_by_records() -> None:
    with pytest.raises(ValidationError, match="'records' must all be of member 'bob'") as caught:
        pack(RECORDS, "bob")
    assert caught.value.field == "records"


@pytest.mark.parametrize("gaps", [[0], [0, 0, 0, 0, 0]])
def test_gaps_that_are_not_one_per_record_are_refused_by_gaps(gaps: list[int]) -> None:
    with pytest.raises(ValidationError, match=r"'gaps' must have one gap per record \(4\)"):
        pack(RECORDS, "ann", gaps)
