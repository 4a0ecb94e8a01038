"""Many writers at once on one store (SQLite and PostgreSQL): every law of the store holds after.

The acceptance workload: 10,000 random commands for 50 members, shared by 8
processes (and, separately, 8 threads) so that a third of the commands are
sent twice, from two writers. Afterwards each accepted key is stored once and
every caller of it got the same receipt, no balance is negative, the journal
sums to each balance, and replaying the stored commands gives the stored state
(see ``workload.check_store``).
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from workload import (
    POLICIES,
    check_outcomes,
    check_store,
    end_of,
    forkserver,
    make_commands,
    send,
    send_from_process,
    share,
)

from servicemodel.loyalty.store import create_store, open_store

WRITERS = 8
COMMANDS = 10_000
MEMBERS = 50


def test_eight_processes_apply_each_key_once_and_never_overspend(store_url: str) -> None:
    commands = make_commands(seed=1, count=COMMANDS, members=MEMBERS)
    create_store(store_url, policies=POLICIES).close()
    context = forkserver()
    with ProcessPoolExecutor(WRITERS, mp_context=context) as pool:
        futures = [
            pool.submit(send_from_process, store_url, mine)
            for mine in share(commands, WRITERS, seed=2)
        ]
        outcomes = [outcome for future in futures for outcome in future.result()]
    with open_store(store_url) as ledger:
        check_outcomes(ledger, outcomes)
        check_store(ledger, as_of=end_of(commands))


def test_eight_threads_sharing_one_ledger_apply_each_key_once(store_url: str) -> None:
    commands = make_commands(seed=5, count=COMMANDS, members=MEMBERS)
    with (
        create_store(store_url, policies=POLICIES) as ledger,
        ThreadPoolExecutor(WRITERS) as pool,
    ):
        futures = [pool.submit(send, ledger, mine) for mine in share(commands, WRITERS, seed=6)]
        outcomes = [outcome for future in futures for outcome in future.result()]
        check_outcomes(ledger, outcomes)
        check_store(ledger, as_of=end_of(commands))
