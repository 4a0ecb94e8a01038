"""Interaction, customer and feedback files; the loyalty ledger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import assert_type

import pendulum

from servicemodel import Customer, Feedback, Interaction
from servicemodel.io import (
    read_customers,
    read_feedback,
    read_interactions,
    write_customers,
    write_feedback,
    write_interactions,
)
from servicemodel.loyalty import Balance, Entry, Ledger, Lot, Receipt, Totals


def files(path: Path) -> None:
    interactions = read_interactions(path, format="jsonl")
    assert_type(interactions, Iterator[Interaction])
    assert_type(read_customers(path), Iterator[Customer])
    assert_type(read_feedback(path), Iterator[Feedback])
    assert_type(write_interactions(interactions, path), int)
    assert_type(write_customers([], path), int)
    assert_type(write_feedback([], path), int)
    read_interactions(42)  # type: ignore[arg-type]
    write_interactions(["T-1"], path)  # type: ignore[list-item]
    len(read_interactions(path))  # type: ignore[arg-type]


def ledger(book: Ledger, at: pendulum.DateTime) -> None:
    receipt = book.earn(member="ann", points=100, at=at, key="o-1")
    assert_type(receipt, Receipt)
    assert_type(receipt.entries, tuple[Entry, ...])
    assert_type(receipt.lot, int | None)
    assert_type(book.redeem(member="ann", points=40, at=at, key="r-1"), Receipt)
    assert_type(book.balance("ann", as_of=at), Balance)
    assert_type(book.balance("ann", as_of=at).net, int)
    assert_type(book.totals("ann", as_of=at), Totals)
    assert_type(book.lots("ann", as_of=at), tuple[Lot, ...])
    book.earn(member="ann", points="100", at=at, key="o-2")  # type: ignore[arg-type]
    book.earn("ann", 100, at, "o-2")  # type: ignore[call-arg]
    book.balance("ann", at)  # type: ignore[call-arg]
    book.redeem(member="ann", points=40, at="2025-01-01", key="r-2")  # type: ignore[arg-type]
