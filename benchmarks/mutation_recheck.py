"""Re-check mutants of one module against chosen test files, in one process.

mutmut's own runner forks a warm process per mutant; a test that starts
threads (the dask integration) can leave a lock held in the parent, and the
forked child then waits on it until mutmut's timeout (the child sits on a
futex with no CPU). Those mutants are reported as timeouts, and each costs
a minute or more. This script uses the same mutated tree (``mutants/src``,
written by ``mutmut run``) and the same switch (``MUTANT_UNDER_TEST``), but
runs ``pytest -x`` on the given test files in this one process, once per
mutant, and prints one line per mutant: ``killed`` or ``survived``.

It is a check, not the campaign: only the given tests run, and no timeout
applies. Usage, from the repository root, after ``mutmut run`` has written
``mutants/``::

    PYTHONPATH=mutants/src HYPOTHESIS_PROFILE=ci python benchmarks/mutation_recheck.py \\
        sla._policies tests/sla/test_policy_edges.py tests/sla/test_policy_values.py

The summary line counts the survivors listed in
``benchmarks/mutation-equivalent.txt`` apart.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path


def main(module: str, tests: list[str]) -> int:
    # benchmarks/ holds calendar.py and io.py: keep it off the path, or they
    # shadow the standard library modules of the same names.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    import pytest

    meta = Path("mutants/src/servicemodel") / (module.replace(".", "/") + ".py.meta")
    names = sorted(json.loads(meta.read_text())["exit_code_by_key"])
    equivalent = {
        line.split(" ", 1)[0]
        for line in Path("benchmarks/mutation-equivalent.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    killed = survived = listed = 0
    for name in names:
        os.environ["MUTANT_UNDER_TEST"] = name
        with (
            open(os.devnull, "w") as sink,
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
        ):
            code = pytest.main(
                ["-q", "-x", "-p", "no:cacheprovider", "-p", "no:cov", "-o", "addopts=", *tests]
            )
        if code == 0 and name in equivalent:
            listed += 1
            print(f"equivalent {name}", flush=True)
        elif code == 0:
            survived += 1
            print(f"survived {name}", flush=True)
        else:
            killed += 1
            print(f"killed {name}", flush=True)
    tested = killed + survived
    score = f"{100 * killed / tested:.1f}%" if tested else "-"
    print(
        f"{module}: {len(names)} mutants, killed {killed}, survived {survived}, "
        f"equivalent {listed}, score {score}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
