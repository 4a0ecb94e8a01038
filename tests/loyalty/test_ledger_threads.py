"""One in-memory Ledger shared by threads: commands apply one at a time, in full or not at all."""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable, Iterator

import pendulum
import pytest

from servicemodel.exceptions import InsufficientPoints
from servicemodel.loyalty import Ledger, Policies

T = pendulum.datetime(2025, 1, 10, 12, tz="Europe/Warsaw")


@pytest.fixture(autouse=True)
def frequent_thread_switches() -> Iterator[None]:
    """Switch threads as often as the interpreter allows, so that races show."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def race(*calls: Callable[[], object]) -> list[object]:
    """Run *calls* at once, one thread each; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_racing_redeems_of_60_against_100_points_never_overspend() -> None:
    for _ in range(200):
        ledger = Ledger(policies=Policies(zone="Europe/Warsaw"))
        ledger.earn(member="ann", points=100, at=T, key="o-1")
        results = race(
            functools.partial(ledger.redeem, member="ann", points=60, at=T, key="r-1"),
            functools.partial(ledger.redeem, member="ann", points=60, at=T, key="r-2"),
        )
        refused = [r for r in results if isinstance(r, BaseException)]
        assert len(refused) == 1, results
        assert isinstance(refused[0], InsufficientPoints), results
        assert ledger.balance("ann", as_of=T).available == 40
        assert ledger.version("ann") == 2


def test_a_key_sent_from_two_threads_is_applied_once() -> None:
    for _ in range(200):
        ledger = Ledger(policies=Policies(zone="Europe/Warsaw"))
        first, second = race(
            functools.partial(ledger.earn, member="ann", points=10, at=T, key="k"),
            functools.partial(ledger.earn, member="ann", points=10, at=T, key="k"),
        )
        assert first == second
        assert ledger.version("ann") == 1
        assert len(ledger.journal()) == 1


def test_concurrent_earns_for_different_members_keep_their_entries_apart() -> None:
    ledger = Ledger(policies=Policies(zone="Europe/Warsaw"))

    def earns(member: str) -> list[tuple[str, ...]]:
        mixed: list[tuple[str, ...]] = []
        for i in range(300):
            receipt = ledger.earn(
                member=member, points=1 + i, at=T.add(minutes=i), key=f"{member}{i}"
            )
            mixed.extend((member, e.member) for e in receipt.entries if e.member != member)
        return mixed

    assert race(lambda: earns("ann"), lambda: earns("bob"), lambda: earns("cid")) == [[], [], []]
    for member in ("ann", "bob", "cid"):
        assert ledger.balance(member, as_of=T.add(days=1)).available == sum(range(1, 301))
