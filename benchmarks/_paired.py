"""How every benchmark measures: process CPU time, ways interleaved, paired ratios.

A benchmark compares ways of doing one job (ours and a peer's, one path and
another, a small input and a large one). The machine is shared, so the wall
clock measures the other jobs as much as ours, and one run measures whatever
load it happened to meet. Every script in this folder therefore measures the
same way, through this module:

- **CPU time.** A way is timed in process CPU time (``time.process_time``)
  plus the CPU time of the child processes it started and waited for
  (``os.times``). A way whose work runs elsewhere (a server, Dask workers)
  measures that CPU itself and returns it as ``Timed(cpu=...)``.
- **Interleaved rounds.** Every way runs once per round, over several rounds,
  after a ``gc.collect()``; the order rotates from round to round, so no way
  always runs first (with two ways, each goes first in every other round).
- **Paired ratios.** A comparison is the median, over the rounds, of the
  ratio of the two ways within the round (both saw the same load), printed
  with its range over the rounds. Per-call figures pair the ways case by
  case the same way (``per_call``).

Nothing here asserts a timing: the scripts print what they measure.
"""

from __future__ import annotations

import gc
import os
import resource
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


def cpu_now() -> float:
    """CPU seconds used so far by this process and by its waited-for children."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


@dataclass(frozen=True)
class Timed:
    """What a way returns when it measured its own CPU time (a server's, Dask workers')."""

    cpu: float
    value: Any = None


@dataclass(frozen=True)
class Ratio:
    """The median of paired ratios, with their range."""

    median: float
    low: float
    high: float
    pairs: int

    def __str__(self) -> str:
        if self.pairs == 1:
            return f"{self.median:.2f}x (1 pair)"
        return f"{self.median:.2f}x ({self.low:.2f}-{self.high:.2f} over {self.pairs} pairs)"


def ratio(numerators: Sequence[float], denominators: Sequence[float]) -> Ratio:
    """Median and range of ``a / b`` over the pairs ``(a, b)``."""
    ratios = [a / b for a, b in zip(numerators, denominators, strict=True)]
    return Ratio(statistics.median(ratios), min(ratios), max(ratios), len(ratios))


def measure(way: Callable[[], Any]) -> tuple[float, Any]:
    """Run *way* once after a collection; its CPU seconds and its value."""
    gc.collect()
    began = cpu_now()
    value = way()
    spent = cpu_now() - began
    if isinstance(value, Timed):
        return value.cpu, value.value
    return spent, value


@dataclass
class Rounds:
    """CPU seconds of each way, one per round, and each way's last value."""

    seconds: dict[str, list[float]]
    values: dict[str, Any] = field(default_factory=dict)

    def median(self, way: str) -> float:
        return statistics.median(self.seconds[way])

    def spread(self, way: str) -> tuple[float, float]:
        return min(self.seconds[way]), max(self.seconds[way])

    def ratio(self, way: str, base: str) -> Ratio:
        """Median over rounds of ``seconds(way) / seconds(base)`` within each round."""
        return ratio(self.seconds[way], self.seconds[base])

    def rate(self, way: str, count: float) -> float:
        """*count* per CPU second, at the way's median time."""
        return count / self.median(way)

    def line(self, way: str, count: float, unit: str, *, base: str | None = None) -> str:
        """One printed row: rate, time each, median seconds and range, ratio to *base*."""
        low, high = self.spread(way)
        text = (
            f"{way:<44}{self.rate(way, count):>12,.0f} {unit}/s  "
            f"{self.median(way) * 1e6 / count:9.2f} us each  "
            f"{self.median(way):7.2f} s ({low:.2f}-{high:.2f})"
        )
        if base is not None and base != way:
            text += f"  {self.ratio(way, base)} {base}"
        return text


def interleave(
    ways: Mapping[str, Callable[[], Any]],
    rounds: int,
) -> Rounds:
    """Run every way once per round, in an order that rotates from round to round."""
    names = list(ways)
    result = Rounds({name: [] for name in names})
    for number in range(rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            seconds, value = measure(ways[name])
            result.seconds[name].append(seconds)
            result.values[name] = value
    return result


def per_call(
    ways: Mapping[str, tuple[Callable[..., Any], Sequence[tuple[Any, ...]]]],
    inner: int,
) -> dict[str, list[float]]:
    """Per case and way, the CPU microseconds of one call (mean of *inner* calls).

    Each way is a function and its cases (the same cases written the way that
    function takes them, so all lists are as long). The ways run case by case,
    each *inner* times on its form of the case, the first way rotating from
    case to case, so the ratio of two ways on one case is a pair.
    """
    names = list(ways)
    counts = {len(cases) for _, cases in ways.values()}
    if len(counts) != 1:
        raise ValueError(f"every way needs as many cases (got {sorted(counts)})")
    samples: dict[str, list[float]] = {name: [] for name in names}
    clock = time.process_time
    for number in range(counts.pop()):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            fn, cases = ways[name]
            args = cases[number]
            began = clock()
            for _ in range(inner):
                fn(*args)
            samples[name].append((clock() - began) / inner * 1e6)
    return samples


def rss_mib() -> float:
    """Current resident set size in MiB (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    """This process's peak resident set size in MiB since it started its program.

    Linux's ``VmHWM`` (/proc/self/status) where there is one: ``ru_maxrss``
    keeps, across ``exec``, the peak of the process that forked it, so a
    child started by a benchmark that holds 120 MiB reports at least 120 MiB.
    Elsewhere ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
