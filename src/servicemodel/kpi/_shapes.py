"""Accumulator shapes several KPI families share: k-of-n rates, and the order of JSON rows.

>>> from servicemodel.kpi import ReopenRate
>>> issubclass(ReopenRate, KOfN)
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Self

from ..exceptions import EmptySampleError, ValidationError
from ._accumulators import Accumulator, cell_counts, state_counts
from ._stats import Rate, wilson_interval


class KOfN(Accumulator[Rate]):
    """Integer successes k out of n."""

    __slots__ = ("_k", "_n")

    def __init__(self) -> None:
        super().__init__()
        self._k = 0
        self._n = 0

    def _absorb(self, other: Self) -> None:
        self._k += other._k
        self._n += other._n

    def _state_json(self) -> Any:
        return {"k": self._k, "n": self._n}

    def _load_state(self, state: Any) -> None:
        k, n = state_counts(state, ("k", "n"))
        if k > n:
            raise ValidationError(
                f"'state' must hold counts k <= n (got {state!r:.80})", field="state", value=state
            )
        self._k, self._n = k, n

    def _tally(self, success: bool) -> None:
        self._n += 1
        self._k += success

    def _trials(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:  # pragma: no cover
        """(mask of the rows that are trials, mask of the trials that succeed)."""
        raise NotImplementedError

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        trial, success = self._trials(columns)
        self._n += int(trial.sum())
        self._k += int(success.sum())

    def _batch_cells(self, columns: Mapping[str, Any], cells: Any, count: int) -> list[Self]:
        trial, success = self._trials(columns)
        made = []
        for k, n in kn_cells(cells, trial, success, count):
            acc = self._bare()
            acc._k, acc._n = k, n
            made.append(acc)
        return made

    def result(self) -> Rate:
        """The rate k/n with its 95% Wilson interval.

        Raises:
            EmptySampleError: no trial has been counted yet.

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> from servicemodel.kpi import SelfServiceDeflection
        >>> t = pendulum.datetime(2024, 6, 10)
        >>> acc = SelfServiceDeflection.empty()
        >>> acc.add(Interaction(id="A", customer_id="C", channel="self_service", created_at=t))
        >>> rate = acc.result()
        >>> rate.value, rate.n, rate.interval.low < rate.interval.high == 1
        (Fraction(1, 1), 1, True)
        """
        if self._n == 0:
            raise EmptySampleError(f"{self.name} needs at least one observation (got 0)")
        return wilson_interval(self._k, self._n)


def kn_cells(cells: Any, trial: Any, success: Any, count: int) -> Iterable[tuple[int, int]]:
    """(successes, trials) per cell; *success* is a subset of *trial*."""
    return zip(cell_counts(cells, success, count), cell_counts(cells, trial, count), strict=True)


def row_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((x is None, x) for x in row)
