"""Fixtures of the loyalty tests: ledgers kept in memory and in each store.

``new_ledger`` is parametrised by where the ledger is kept, so the
behavioural suite (the scenarios, the state machine against the naive model)
runs unchanged on the in-memory :class:`Ledger` and on every store. A store
kind is one entry of ``STORES``: a function that creates an empty store
under the given policies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from servicemodel.loyalty import Ledger, Policies
from servicemodel.loyalty.store import StoredLedger, create_store

Book = Ledger | StoredLedger
NewLedger = Callable[[Policies], Book]


def _sqlite(directory: Path, number: int, policies: Policies) -> StoredLedger:
    # synchronous=normal: the tests do not cut the power, and fsyncs would slow them.
    return create_store(
        f"sqlite:///{directory}/ledger-{number}.db?synchronous=normal", policies=policies
    )


STORES: dict[str, Callable[[Path, int, Policies], StoredLedger]] = {"sqlite": _sqlite}


@pytest.fixture(params=["memory", *STORES])
def ledger_kind(request: pytest.FixtureRequest) -> str:
    """Where the ledgers of a test are kept: ``memory`` or a store kind."""
    kind: str = request.param
    return kind


@pytest.fixture
def new_ledger(ledger_kind: str, tmp_path: Path) -> Iterator[NewLedger]:
    """A function that makes an empty ledger under given policies, kept as ``ledger_kind`` says."""
    made: list[StoredLedger] = []

    def make(policies: Policies) -> Book:
        if ledger_kind == "memory":
            return Ledger(policies=policies)
        stored = STORES[ledger_kind](tmp_path, len(made), policies)
        made.append(stored)
        return stored

    yield make
    for stored in made:
        stored.close()
