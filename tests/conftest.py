"""Test configuration: Hypothesis profiles chosen by HYPOTHESIS_PROFILE; where ledgers are kept.

``new_ledger`` is parametrised by where a ledger is kept, so the loyalty
behavioural suite (the scenarios, the state machine against the naive model)
runs unchanged on the in-memory :class:`Ledger` and on every store. A store
kind is one entry of ``STORES``: a function that creates an empty store
under the given policies. ``postgres`` is the session's PostgreSQL server
(tests/pg_server.py), started on first use and stopped at the end.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import coverage
import pytest
from hypothesis import HealthCheck, settings

from servicemodel.loyalty import Ledger, Policies
from servicemodel.loyalty.store import StoredLedger, create_store

sys.path.insert(0, str(Path(__file__).parent))

from pg_server import PostgresServer, running_server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "untraced: run without coverage tracing (a law over many examples, whose lines "
        "other tests reach; see docs/development/coverage.md)",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    # pytest-cov's own no_cover mark fails under --no-cov (7.1: it pauses a
    # controller that does not exist), so the pause is done here, on coverage itself.
    # An xdist worker runs two: the one coverage's .pth starts in every subprocess
    # of a measured run, and pytest-cov's; stopping only the current one leaves the
    # other tracing. So every running one is stopped, and restarted in order.
    paused: list[coverage.Coverage] = []
    if item.get_closest_marker("untraced"):
        while (cov := coverage.Coverage.current()) is not None:
            cov.stop()
            paused.append(cov)
    try:
        return (yield)
    finally:
        for cov in reversed(paused):
            cov.start()


settings.register_profile("default", max_examples=100, deadline=None)
# ci: 35% of the default's examples, derandomized (the same examples every run), so
# the whole suite with branch coverage stays under 5 minutes on 2 cores (at 50 it
# took 333 s on a quiet machine; at 40, 254-309 s, as the machine's speed moved);
# tests that set their own count keep it, and the default profile (100) and
# `thorough` (2,000) search further.
settings.register_profile(
    "ci",
    max_examples=35,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=2_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


Book = Ledger | StoredLedger
NewLedger = Callable[[Policies], Book]


def _sqlite(request: pytest.FixtureRequest, number: int, policies: Policies) -> StoredLedger:
    # synchronous=normal: the tests do not cut the power, and fsyncs would slow them.
    directory = request.getfixturevalue("tmp_path")
    return create_store(
        f"sqlite:///{directory}/ledger-{number}.db?synchronous=normal", policies=policies
    )


def _postgresql(request: pytest.FixtureRequest, number: int, policies: Policies) -> StoredLedger:
    # One database per test, one schema per ledger in it (a schema is much cheaper to make).
    server: PostgresServer = request.getfixturevalue("postgres")
    return create_store(server.create_schema(f"ledger_{number}"), policies=policies)


STORES: dict[str, Callable[[pytest.FixtureRequest, int, Policies], StoredLedger]] = {
    "sqlite": _sqlite,
    "postgresql": _postgresql,
}


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (started here, stopped at the end of the session)."""
    with running_server() as server:
        yield server


@pytest.fixture(params=list(STORES))
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where to create a new store: an SQLite file, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.db?synchronous=normal"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database()


@pytest.fixture(params=["memory", *STORES])
def ledger_kind(request: pytest.FixtureRequest) -> str:
    """Where the ledgers of a test are kept: ``memory`` or a store kind."""
    kind: str = request.param
    return kind


@pytest.fixture
def new_ledger(ledger_kind: str, request: pytest.FixtureRequest) -> Iterator[NewLedger]:
    """A function that makes an empty ledger under given policies, kept as ``ledger_kind`` says."""
    made: list[StoredLedger] = []

    def make(policies: Policies) -> Book:
        if ledger_kind == "memory":
            return Ledger(policies=policies)
        stored = STORES[ledger_kind](request, len(made), policies)
        made.append(stored)
        return stored

    yield make
    for stored in made:
        stored.close()
