"""The assessment on Dask: a state per partition, merged exactly, the same report as one pass."""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from ...customers import Customer
from ...exceptions import ValidationError
from ...feedback import Feedback
from ...interactions import Interaction
from ...kpi import Period
from .._service_model import ServiceModel
from ._assess import AssessmentState
from ._results import Assessment

_Source = TypeVar("_Source")


def _fold(spec: Mapping[str, Any], interactions: Iterable[Interaction]) -> AssessmentState:
    state = AssessmentState(**spec)
    state.add_many(interactions)
    return state


def _merge_all(states: Iterable[AssessmentState]) -> AssessmentState:
    merged: AssessmentState | None = None
    for state in states:
        merged = state if merged is None else merged.merge(state)
    if merged is None:  # pragma: no cover - a bag always has a partition
        raise ValidationError("'bag' must have at least one partition (got 0)", field="bag")
    return merged


@contextlib.contextmanager
def _scheduler(scheduler: Any, address: str | None) -> Iterator[Any]:
    """What ``compute`` runs on: *scheduler* as given, or a client of the cluster at *address*."""
    if address is None:
        yield scheduler
        return
    if scheduler is not None:
        raise ValidationError(
            f"give 'scheduler' or 'address', not both (got {scheduler!r} and {address!r})",
            field="address",
            value=address,
        )
    if not isinstance(address, str) or not address:
        raise ValidationError(
            f"'address' must be a scheduler address such as 'tcp://10.0.0.5:8786' (got {address!r})",
            field="address",
            value=address,
        )
    from distributed import Client

    with Client(address, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        yield client


def assess_bag(
    model: ServiceModel,
    bag: Any,
    *,
    as_of: _dt.datetime,
    period: Period | str = Period.MONTH,
    customers: Iterable[Customer] = (),
    feedback: Iterable[Feedback] = (),
    scheduler: Any = None,
    address: str | None = None,
    num_workers: int | None = None,
) -> Assessment:
    """Assess *model* over a Dask bag of interactions: the report of :func:`assess`, bit for bit.

    Each partition is folded into an :class:`AssessmentState` where it lies;
    the states are merged in a tree and :meth:`AssessmentState.result` judges
    the merged state. A merge is exact, associative and commutative, so the
    assessment equals the one-pass :func:`assess` over the same interactions,
    whatever the partitions, their order and the scheduler. Feedback and
    customers are small and stay with the caller (customers travel to each
    task). Needs the ``dask`` extra; a cluster also needs ``distributed``.

    Args:
        model: the service model.
        bag: a ``dask.bag.Bag`` of interactions.
        as_of: the report instant, as for :func:`assess`.
        period: the KPI period, as for :func:`assess`.
        customers: customer records, as for :func:`assess`.
        feedback: survey answers and reviews, as for :func:`assess`.
        scheduler: what ``compute`` runs on: ``"sync"``, ``"threads"``,
            ``"processes"`` (the bag default when ``None``), or a
            ``distributed.Client``.
        address: the address of a ``dask.distributed`` scheduler (``tcp://...``)
            to run on instead; a client is opened and closed around the work.
        num_workers: workers of the local ``threads``/``processes`` schedulers.

    Raises:
        ValidationError: a bad argument (checked here, before any work), or a bad
            interaction (raised from the task that read it).
        EmptySampleError: no interaction was created at or before *as_of*.

    >>> import dask.bag as db
    >>> import pendulum
    >>> from servicemodel import samples
    >>> from servicemodel.model import ServiceModel, assess
    >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat", "phone"])
    >>> data = list(samples.generate(300, seed=3, start=pendulum.datetime(2024, 1, 1)))
    >>> as_of = pendulum.datetime(2024, 3, 1)
    >>> bag = db.from_sequence(data, npartitions=3)
    >>> assess_bag(model, bag, as_of=as_of, scheduler="sync").to_json() == assess(
    ...     model, data, as_of=as_of).to_json()
    True
    """
    customers = tuple(customers)
    spec: dict[str, Any] = {
        "model": model,
        "as_of": as_of,
        "period": period,
        "customers": customers,
    }
    total = AssessmentState(**spec)  # fail fast, in this process
    total.add_feedback(feedback)
    reduced = bag.reduction(functools.partial(_fold, spec), _merge_all, split_every=8)
    options: dict[str, Any] = {}
    if num_workers is not None:
        options["num_workers"] = num_workers
    with _scheduler(scheduler, address) as chosen:
        if chosen is not None:
            options["scheduler"] = chosen
        state: AssessmentState = reduced.compute(**options)
    return total.merge(state).result()


def assess_files(
    model: ServiceModel,
    sources: Sequence[_Source],
    *,
    read: Callable[[_Source], Iterable[Interaction]],
    as_of: _dt.datetime,
    period: Period | str = Period.MONTH,
    customers: Iterable[Customer] = (),
    feedback: Iterable[Feedback] = (),
    scheduler: Any = None,
    address: str | None = None,
    num_workers: int | None = None,
) -> Assessment:
    """Assess *model* over a partitioned data set on Dask: one partition per source.

    Each task streams its source through *read* (a file per partition:
    ``servicemodel.io.read_interactions``; the parts of one JSONL file:
    ``servicemodel.io.read_part`` over ``servicemodel.io.split_jsonl``), so no
    partition is held in memory, and the states are merged as by
    :func:`assess_bag`. The model layer does not import the I/O layer, so the
    reader is passed in. Arguments and errors are those of :func:`assess_bag`.

    >>> import pathlib, tempfile, pendulum
    >>> from servicemodel import samples
    >>> from servicemodel.io import read_interactions, write_interactions
    >>> from servicemodel.model import ServiceModel
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> data = list(samples.generate(300, seed=3, start=pendulum.datetime(2024, 1, 1)))
    >>> for part in range(3):
    ...     _ = write_interactions(data[part::3], folder / f"part-{part}.jsonl")
    >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat", "phone"])
    >>> result = assess_files(model, sorted(folder.glob("*.jsonl")), read=read_interactions,
    ...                       as_of=pendulum.datetime(2024, 3, 1), scheduler="sync")
    >>> result.interactions
    300
    """
    import dask.bag as db

    listed = list(sources)
    if not listed:
        raise ValidationError(
            "'sources' must name at least one file or part (got none)", field="sources", value=[]
        )
    bag = db.from_sequence(listed, npartitions=len(listed)).map(read).flatten()  # type: ignore[no-untyped-call]
    return assess_bag(
        model,
        bag,
        as_of=as_of,
        period=period,
        customers=customers,
        feedback=feedback,
        scheduler=scheduler,
        address=address,
        num_workers=num_workers,
    )
