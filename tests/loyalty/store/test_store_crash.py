"""A writer killed at random points (SIGKILL, 50 times) leaves a store whole (SQLite and PostgreSQL).

A child process applies the workload's commands, one transaction each, and
every sixth step a batch of five commands in one transaction; it reports each
step after its commit. The test kills it at a random moment, opens the store
and checks every law of ``workload.check_store``; then every step is either
wholly in the store or wholly absent, and every reported step is there. The
next child starts two steps before where the last one got to, so commands
sent again after a crash are answered from the store, not applied twice.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from workload import (
    POLICIES,
    apply_until_killed,
    check_store,
    crash_steps,
    end_of,
)

from servicemodel.loyalty.store import create_store, open_store

KILLS = 50


def test_a_writer_killed_at_random_points_leaves_each_command_whole_or_absent(
    store_url: str,
) -> None:
    rng = random.Random(7)
    workload = (8, 4_000, 20)  # seed, commands, members
    steps = crash_steps(*workload)
    commands = [command for step in steps for command in step]
    create_store(store_url, policies=POLICIES).close()
    # fork: the child starts in milliseconds. The test process holds no thread and no
    # open connection here (the store above is closed), so forking it is safe.
    context = multiprocessing.get_context("fork")
    reported: set[int] = set()
    position = 0
    for _ in range(KILLS):
        start = max(0, position - 2)
        reader, writer = context.Pipe(duplex=False)
        child = context.Process(
            target=apply_until_killed, args=(store_url, workload, start, writer)
        )
        child.start()
        writer.close()
        assert reader.poll(60), "the writer did not start"
        assert reader.recv()[0] == "ready"
        # Let it finish a random number of steps (so the kills land all along the
        # workload, however fast this machine is), then kill it a random moment later:
        # in a transaction, between two, or between a commit and its report.
        seen: list[tuple[str, int]] = []
        for _ in range(rng.randrange(1, 9)):
            assert reader.poll(60), "the writer stopped"
            seen.append(reader.recv())
        time.sleep(rng.uniform(0.0, 0.01))
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        while reader.poll():
            try:
                seen.append(reader.recv())
            except EOFError:
                break
        for what, index in seen:
            assert what in ("applied", "refused"), "the writer finished before it was killed"
            position = max(position, start + index + 1)
            if what == "applied":
                reported.add(start + index)
        reader.close()
        with open_store(store_url) as ledger:
            check_store(ledger, as_of=end_of(commands))
            stored = {command.key for command in ledger.commands()}
        for index, step in enumerate(steps[: position + 1]):
            keys = {command.key for command in step}
            assert keys <= stored or not keys & stored, f"step {index} is partly stored"
            if index in reported:
                assert keys <= stored, f"step {index} was committed but is missing"
    assert position >= 2 * KILLS, "too few commands ran between the kills"
    assert any(len(steps[i]) > 1 for i in reported), "no batch was committed"
