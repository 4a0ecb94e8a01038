"""The resolution KPIs: first-contact resolution, reopen rate and self-service deflection.

>>> from servicemodel.kpi import FcrVariant
>>> FcrVariant("one_touch")
<FcrVariant.ONE_TOUCH: 'one_touch'>
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from typing import Any, Final, Self, final

from .._log._facts import log_facts
from .._validators import enum_member, instance
from ..exceptions import EmptySampleError, ValidationError
from ..interactions import Channel, Interaction, Message
from ._accumulators import Accumulator, state_counts
from ._column_readers import NAT, int_column, micros_column, text_column
from ._names import KpiName
from ._options import SEVEN_DAYS, window_micros
from ._shapes import KOfN, kn_cells, row_key
from ._stats import Rate, rate_figures, wilson_interval

__all__ = ["DeflectionVariant", "Fcr", "FcrVariant", "ReopenRate", "SelfServiceDeflection"]


class FcrVariant(enum.Enum):
    """How first-contact resolution is judged, among solved interactions.

    - ``one_touch`` (default): at most one public agent reply (Zendesk counts
      solved with zero replies too).
    - ``no_customer_follow_up``: no public customer message after the first
      agent reply and before the first solve, and never reopened.
    - ``no_repeat_within_window``: no other interaction from the same customer
      created after this one and up to ``window`` after its first solve.

    >>> FcrVariant.ONE_TOUCH.value
    'one_touch'
    """

    ONE_TOUCH = "one_touch"
    NO_CUSTOMER_FOLLOW_UP = "no_customer_follow_up"
    NO_REPEAT_WITHIN_WINDOW = "no_repeat_within_window"


def customer_follow_ups(item: Interaction) -> int:
    """Public customer messages after the first reply (:meth:`Interaction.first_reply`) and before
    the first resolution (:meth:`Interaction.first_resolution`: solved or closed), in log order."""
    first = item.first_reply()
    if first is None:
        return 0
    resolution = item.first_resolution()
    replied = False
    count = 0
    for event in item.events:
        if event is resolution:
            break
        if event is first:
            replied = True
        elif replied and isinstance(event, Message) and event.is_public_customer_message():
            count += 1
    return count


def _judged(item: Interaction, variant: FcrVariant) -> bool:
    """FCR's judgement of a solved *item* under a variant that judges it on its own."""
    if variant is _ONE_TOUCH:
        return item.agent_reply_count() <= 1
    if variant is _NO_CUSTOMER_FOLLOW_UP:
        return customer_follow_ups(item) == 0 and item.reopen_count() == 0
    raise ValidationError(
        f"'variant' must judge an interaction on its own (got {variant.value!r}, "
        "which compares a customer's interactions); use one_touch or no_customer_follow_up",
        field="variant",
        value=variant.value,
    )


@final
class Fcr(Accumulator[Rate]):
    """First-contact resolution among solved interactions, under a named :class:`FcrVariant`.

    ``window`` (default 7 days) applies to ``no_repeat_within_window``.
    Columns: ``first_solved_at`` and ``agent_replies`` (one touch);
    ``first_solved_at``, ``customer_follow_ups`` and ``reopens`` (no
    follow-up); ``customer_id``, ``created_at``, ``first_solved_at`` (no
    repeat).

    >>> import pendulum
    >>> from servicemodel import Interaction, Message, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> def ticket(replies):
    ...     events = [Message(at=t.add(minutes=m), author="agent") for m in range(replies)]
    ...     return Interaction(id="T", customer_id="C", channel="email", created_at=t,
    ...         events=[*events, StatusChange(at=t.add(hours=1), status="solved")])
    >>> acc = Fcr.empty(); acc.add_many([ticket(0), ticket(1), ticket(2)])
    >>> acc.result().value
    Fraction(2, 3)
    """

    kpi = KpiName.FCR
    item_types = (Interaction,)
    __slots__ = ("_k", "_n", "_rows", "_variant", "_window")

    def __init__(
        self,
        *,
        variant: FcrVariant | str = FcrVariant.ONE_TOUCH,
        window: _dt.timedelta | int = SEVEN_DAYS,
    ) -> None:
        super().__init__()
        self._variant = enum_member(FcrVariant, variant, field="variant")
        self._window = window_micros(window)
        self._k = 0
        self._n = 0
        self._rows: list[tuple[Any, ...]] = []

    @property
    def columns(self) -> tuple[str, ...]:  # type: ignore[override]
        """The columns the batch path reads for this variant.

        >>> Fcr.empty().columns
        ('first_solved_at', 'agent_replies')
        >>> Fcr.empty(variant="no_customer_follow_up").columns
        ('first_solved_at', 'customer_follow_ups', 'reopens')
        """
        if self._variant is FcrVariant.ONE_TOUCH:
            return ("first_solved_at", "agent_replies")
        if self._variant is FcrVariant.NO_CUSTOMER_FOLLOW_UP:
            return ("first_solved_at", "customer_follow_ups", "reopens")
        return ("customer_id", "created_at", "first_solved_at")

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value, "window": self._window}

    def _add(self, item: Interaction) -> None:
        facts = log_facts(item)
        if self._variant is _NO_REPEAT_WITHIN_WINDOW:
            self._rows.append((item.customer_id, facts.created_us, facts.first_solved_us))
            return
        if facts.first_solved_us is None:
            return
        self._n += 1
        self._k += _judged(item, self._variant)

    @classmethod
    def resolved_at_first_contact(
        cls, item: Interaction, *, variant: FcrVariant | str = FcrVariant.ONE_TOUCH
    ) -> bool:
        """Whether FCR's *variant* counts *item* as resolved at first contact.

        The one judgement ``add`` tallies, for the variants that judge an
        interaction on its own (``one_touch``, ``no_customer_follow_up``);
        agent recognition asks it too. An interaction that is not solved is
        not resolved at first contact (``False``); the KPI counts only solved
        interactions.

        Raises:
            ValidationError: *item* is not an :class:`Interaction`, or the
                variant is ``no_repeat_within_window``, which judges an
                interaction by its customer's other interactions.

        >>> import pendulum
        >>> from servicemodel import Interaction, Message, StatusChange
        >>> t = pendulum.datetime(2024, 6, 10, 9)
        >>> item = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
        ...     Message(at=t, author="agent"), Message(at=t.add(minutes=5), author="agent"),
        ...     StatusChange(at=t.add(hours=1), status="solved")])
        >>> Fcr.resolved_at_first_contact(item), Fcr.resolved_at_first_contact(
        ...     item, variant="no_customer_follow_up")
        (False, True)
        """
        instance(item, Interaction, field="item")
        chosen = enum_member(FcrVariant, variant, field="variant")
        if chosen is _NO_REPEAT_WITHIN_WINDOW:
            return _judged(item, chosen)  # refuses the variant
        return item.first_solved_at() is not None and _judged(item, chosen)

    def _trials(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        """(solved rows, solved rows judged resolved at first contact) for the count variants."""
        solved = micros_column(columns, "first_solved_at") != NAT
        if self._variant is FcrVariant.ONE_TOUCH:
            replies, _ = int_column(columns, "agent_replies", 0, 2**62)
            return solved, solved & (replies <= 1)
        follow, _ = int_column(columns, "customer_follow_ups", 0, 2**62)
        reopens, _ = int_column(columns, "reopens", 0, 2**62)
        return solved, solved & (follow == 0) & (reopens == 0)

    def _batch_cells(self, columns: Mapping[str, Any], cells: Any, count: int) -> list[Fcr]:
        if self._variant is FcrVariant.NO_REPEAT_WITHIN_WINDOW:
            return super()._batch_cells(columns, cells, count)
        trial, success = self._trials(columns)
        made = []
        for k, n in kn_cells(cells, trial, success, count):
            acc = self._bare()
            acc._k, acc._n, acc._rows = k, n, []
            made.append(acc)
        return made

    def _add_batch(self, columns: Mapping[str, Any]) -> None:
        if self._variant is not FcrVariant.NO_REPEAT_WITHIN_WINDOW:
            trial, success = self._trials(columns)
            self._n += int(trial.sum())
            self._k += int(success.sum())
            return
        customers = text_column(columns, "customer_id")
        created = micros_column(columns, "created_at")
        solved_at = micros_column(columns, "first_solved_at")
        self._rows.extend(
            (c, int(a), None if s == NAT else int(s))
            for c, a, s in zip(
                customers.tolist(), created.tolist(), solved_at.tolist(), strict=True
            )
        )

    def _absorb(self, other: Self) -> None:
        self._k += other._k
        self._n += other._n
        self._rows.extend(other._rows)

    def _state_json(self) -> Any:
        if self._variant is FcrVariant.NO_REPEAT_WITHIN_WINDOW:
            return {"rows": [list(r) for r in sorted(self._rows, key=row_key)]}
        return {"k": self._k, "n": self._n}

    def _load_state(self, state: Any) -> None:
        if self._variant is FcrVariant.NO_REPEAT_WITHIN_WINDOW:
            rows = state.get("rows") if isinstance(state, Mapping) else None
            if not isinstance(rows, list) or not all(
                isinstance(r, list) and len(r) == 3 for r in rows
            ):
                raise ValidationError(
                    f"'state' must hold [customer, created, solved] rows (got {state!r:.80})",
                    field="state",
                    value=state,
                )
            self._rows = [tuple(r) for r in rows]
            return
        k, n = state_counts(state, ("k", "n"))
        if k > n:
            raise ValidationError(
                f"'state' must hold counts k <= n (got {state!r:.80})", field="state", value=state
            )
        self._k, self._n = k, n

    def result(self) -> Rate:
        """The FCR rate among solved interactions.

        >>> Fcr.empty().result()
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: fcr needs at least one solved interaction (got 0)
        """
        return wilson_interval(*self._kn())

    def _figures(self) -> Any:
        return rate_figures(*self._kn())

    def _kn(self) -> tuple[int, int]:
        k, n = self._k, self._n
        if self._variant is FcrVariant.NO_REPEAT_WITHIN_WINDOW:
            k = n = 0
            groups: dict[Any, list[tuple[Any, ...]]] = {}
            for row in self._rows:
                groups.setdefault(row[0], []).append(row)
            for rows in groups.values():
                created = sorted(r[1] for r in rows)
                for _, start, solved in rows:
                    if solved is None:
                        continue
                    n += 1
                    import bisect

                    after = bisect.bisect_right(created, start)
                    until = bisect.bisect_right(created, solved + self._window)
                    k += after >= until
        if n == 0:
            raise EmptySampleError(f"{self.name} needs at least one solved interaction (got 0)")
        return k, n


@final
class ReopenRate(KOfN):
    """The share of solved interactions that were reopened at least once.

    Columns: ``first_solved_at``, ``reopens``.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     StatusChange(at=t.add(hours=1), status="solved"),
    ...     StatusChange(at=t.add(hours=2), status="open")])
    >>> acc = ReopenRate.empty(); acc.add(i); acc.result().value
    Fraction(1, 1)
    """

    kpi = KpiName.REOPEN_RATE
    item_types = (Interaction,)
    columns = ("first_solved_at", "reopens")
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        if item.first_solved_at() is not None:
            self._tally(item.reopen_count() > 0)

    def _trials(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        solved = micros_column(columns, "first_solved_at") != NAT
        reopens, _ = int_column(columns, "reopens", 0, 2**62)
        return solved, solved & (reopens > 0)


class DeflectionVariant(enum.Enum):
    """Self-service deflection: among self-service contacts (default) or among all contacts.

    >>> DeflectionVariant.AMONG_SELF_SERVICE.value
    'among_self_service'
    """

    AMONG_SELF_SERVICE = "among_self_service"
    AMONG_ALL_CONTACTS = "among_all_contacts"


@final
class SelfServiceDeflection(KOfN):
    """Self-service contacts that never needed a human agent reply.

    ``among_self_service`` (default): over self-service contacts;
    ``among_all_contacts``: over all contacts. Columns: ``channel``,
    ``agent_replies``.

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> bot = Interaction(id="A", customer_id="C", channel="self_service", created_at=t)
    >>> mail = Interaction(id="B", customer_id="C", channel="email", created_at=t,
    ...                    events=[Message(at=t, author="agent")])
    >>> acc = SelfServiceDeflection.empty(variant="among_all_contacts"); acc.add_many([bot, mail])
    >>> acc.result().value
    Fraction(1, 2)
    """

    kpi = KpiName.SELF_SERVICE_DEFLECTION
    item_types = (Interaction,)
    columns = ("channel", "agent_replies")
    __slots__ = ("_variant",)

    def __init__(
        self, *, variant: DeflectionVariant | str = DeflectionVariant.AMONG_SELF_SERVICE
    ) -> None:
        super().__init__()
        self._variant = enum_member(DeflectionVariant, variant, field="variant")

    def options(self) -> dict[str, Any]:
        return {"variant": self._variant.value}

    def _add(self, item: Interaction) -> None:
        selfish = item.channel is _SELF_SERVICE
        if selfish or self._variant is _AMONG_ALL_CONTACTS:
            self._tally(selfish and item.agent_reply_count() == 0)

    def _trials(self, columns: Mapping[str, Any]) -> tuple[Any, Any]:
        import numpy as np

        channel = text_column(columns, "channel")
        replies, _ = int_column(columns, "agent_replies", 0, 2**62)
        selfish = np.asarray(channel == Channel.SELF_SERVICE.value, dtype=bool)
        base = (
            selfish
            if self._variant is DeflectionVariant.AMONG_SELF_SERVICE
            else np.ones_like(selfish)
        )
        return base, selfish & (replies == 0)


# The members the per-item paths compare, held: a member looked up on its enum class
# costs the class's ``__getattr__`` hook each time (once per interaction per KPI).
_ONE_TOUCH: Final = FcrVariant.ONE_TOUCH
_NO_CUSTOMER_FOLLOW_UP: Final = FcrVariant.NO_CUSTOMER_FOLLOW_UP
_NO_REPEAT_WITHIN_WINDOW: Final = FcrVariant.NO_REPEAT_WITHIN_WINDOW
_SELF_SERVICE: Final = Channel.SELF_SERVICE
_AMONG_ALL_CONTACTS: Final = DeflectionVariant.AMONG_ALL_CONTACTS
