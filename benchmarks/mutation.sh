#!/usr/bin/env bash
# Mutation testing of the sla, kpi and loyalty core modules with mutmut.
#
# Setup (once, from the repository root):   pip install -e '.[mutation]'
# Run the whole campaign:                   bash benchmarks/mutation.sh
# Run some modules only:                    bash benchmarks/mutation.sh loyalty._money kpi._sketch
# Print the report of the last run only:    bash benchmarks/mutation.sh --report
#
# Not run in CI: on a 2-core machine the whole campaign takes hours (see
# docs/development/mutation-testing.md for the figures per module).
#
# mutmut copies src/ and tests/ into mutants/, rewrites every function of the
# modules listed under [tool.mutmut] only_mutate in pyproject.toml into a
# trampoline, and runs, for each mutant, the tests that reached that function
# (tests/sla, tests/kpi, tests/loyalty and the modules' doctests, Hypothesis
# profile "ci"). The mutated copy is what the tests import: mutmut puts
# mutants/src first on sys.path and drops ./src from it.
#
# Environment: MUTATION_JOBS (parallel mutants, default 2), MUTATION_FRESH=0
# keeps an existing mutants/ (results are reused; modules named on the command
# line are re-run), PYTHON (default: python).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python}
JOBS=${MUTATION_JOBS:-2}
export HYPOTHESIS_PROFILE=ci

ALL_MODULES=(
    loyalty._money
    loyalty._tiers
    loyalty._rules
    loyalty._caps
    sla._conditions
    sla._clock
    sla._policies
    kpi._sketch
    kpi._stats
    sla._calendar
)

report() {
    "$PYTHON" - "${ALL_MODULES[@]}" <<'EOF'
import json
import re
import sys
from pathlib import Path

from mutmut.stats import status_by_exit_code

modules = sys.argv[1:]
timing = {}
timing_file = Path("mutants/timing.txt")
if timing_file.exists():
    for line in timing_file.read_text().splitlines():
        name, _, seconds = line.partition(" ")
        timing[name] = seconds
# Surviving mutants that cannot change any result, each with its reason.
equivalent = {}
for line in Path("benchmarks/mutation-equivalent.txt").read_text().splitlines():
    if line.strip() and not line.startswith("#"):
        name, _, reason = line.partition(" ")
        equivalent[name] = reason.strip()
columns = ("killed", "survived", "timeout", "no tests", "other", "equivalent", "import-time")
print(f"{'module':<17}" + "".join(f"{c:>12}" for c in columns) + f"{'score':>8}{'time s':>8}")
total = dict.fromkeys(columns, 0)
stale = []
for module in modules:
    source = Path("src/servicemodel") / (module.replace(".", "/") + ".py")
    meta = Path("mutants") / source.with_suffix(".py.meta")
    counts = dict.fromkeys(columns, 0)
    # Lines marked "# pragma: no mutate" (with their reason) make no mutants;
    # each counts as one equivalent.
    counts["equivalent"] = len(re.findall(r"# pragma: no mutate", source.read_text()))
    if meta.exists():
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            status = status_by_exit_code[code]
            if status == "not checked":
                continue
            if name in equivalent:
                if status == "survived":
                    # "import-time:" entries are mutants of code that runs only while
                    # the module is imported (before any mutant is switched on).
                    is_import = equivalent[name].startswith("import-time:")
                    status = "import-time" if is_import else "equivalent"
                else:
                    stale.append(name)
            counts[status if status in columns else "other"] += 1
    for c in columns:
        total[c] += counts[c]
    tested = sum(counts[c] for c in columns if c not in ("equivalent", "import-time"))
    # Timeouts count as detected (the mutant made the tests hang or spin).
    score = f"{100 * (counts['killed'] + counts['timeout']) / tested:.1f}%" if tested else "-"
    print(f"{module:<17}" + "".join(f"{counts[c]:>12}" for c in columns)
          + f"{score:>8}{timing.get(module, '-'):>8}")
tested = sum(total[c] for c in columns if c not in ("equivalent", "import-time"))
score = f"{100 * (total['killed'] + total['timeout']) / tested:.1f}%" if tested else "-"
print(f"{'total':<17}" + "".join(f"{total[c]:>12}" for c in columns) + f"{score:>8}")
print("score = (killed + timeout) / (killed + survived + timeout + no tests + other)")
for name in stale:
    print(f"stale entry in benchmarks/mutation-equivalent.txt (no longer survives): {name}")
EOF
}

if [[ ${1:-} == "--report" ]]; then
    report
    exit 0
fi

modules=("$@")
if [[ ${#modules[@]} -eq 0 ]]; then
    modules=("${ALL_MODULES[@]}")
fi
if [[ ${MUTATION_FRESH:-1} == 1 ]]; then
    rm -rf mutants
fi
mkdir -p mutants
for module in "${modules[@]}"; do
    echo "== servicemodel.$module"
    start=$(date +%s)
    status=0
    "$PYTHON" -m mutmut run --max-children "$JOBS" "servicemodel.$module*" \
        > "mutants/log-$module.txt" 2>&1 || status=$?
    seconds=$(( $(date +%s) - start ))
    if [[ $status -ne 0 ]]; then
        tail -n 30 "mutants/log-$module.txt"
        echo "mutmut failed on $module (exit $status)" >&2
        exit "$status"
    fi
    grep -v "^$module " mutants/timing.txt > mutants/timing.new 2>/dev/null || true
    echo "$module $seconds" >> mutants/timing.new
    mv mutants/timing.new mutants/timing.txt
    echo "   $seconds s"
done
report
echo "Survivors: python -m mutmut results; one diff: python -m mutmut show <name>"
