"""Posting recognition awards to a loyalty ledger, one member per agent.

A re-run posts nothing new (each award has an idempotency key), and an award
that a reopen took away is withdrawn.

>>> import pendulum
>>> from servicemodel.interactions import Interaction
>>> from servicemodel.loyalty import Ledger
>>> from servicemodel.team import RecognitionPolicy
>>> post_awards(Ledger(), Interaction(id="T", customer_id="C", channel="email",
...             created_at=pendulum.datetime(2025, 1, 1)), RecognitionPolicy(),
...             at=pendulum.datetime(2025, 1, 2))
()
"""

from __future__ import annotations

import datetime as _dt

import pendulum

from .._time import aware
from ..interactions import Interaction
from ..loyalty import Award, CommandName, Ledger, NegativeBalance, Receipt
from ._awards import AgentAward, _key, awards
from ._recognition_policy import RecognitionPolicy, RecognitionRule

__all__ = ["post_awards"]


def post_awards(
    ledger: Ledger,
    interaction: Interaction,
    policy: RecognitionPolicy,
    *,
    at: _dt.datetime,
    due: _dt.datetime | None = None,
) -> tuple[Receipt, ...]:
    """Post *interaction*'s awards (as of *at*) to *ledger*, one member per agent.

    Positive awards are earns; negative ones deduct what the agent has
    (never debt: ``within_balance``). An award already posted is not posted
    again (idempotency keys); one the interaction no longer gives (a reopen
    removed it) is withdrawn. Posting twice changes nothing.

    >>> import pendulum
    >>> from servicemodel.interactions import Interaction
    >>> post_awards(Ledger(), Interaction(id="T", customer_id="C", channel="email",
    ...             created_at=pendulum.datetime(2025, 1, 1)), RecognitionPolicy(),
    ...             at=pendulum.datetime(2025, 1, 2))
    ()
    """
    instant = aware(at, field="at")
    given = awards(interaction, policy, due=due, as_of=instant)
    current = {(a.rule, a.resolution): a for a in given}
    rounds = max(1, interaction.as_of(instant).resolution_count())
    receipts: list[Receipt] = []
    for rule in RecognitionRule:
        for resolution in range(1, rounds + 1):
            key = _key(interaction.id, rule, resolution)
            award = current.get((rule, resolution))
            if award is not None and not ledger.knows(key):
                receipts.append(_pay(ledger, award, at=instant))
            elif award is None and ledger.knows(key) and not ledger.knows(f"{key}:withdrawn"):
                receipts.append(_withdraw(ledger, key, rule, at=instant))
    return tuple(receipts)


def _pay(ledger: Ledger, award: AgentAward, *, at: pendulum.DateTime) -> Receipt:
    """Post one award: an earn when positive, a deduction within the balance when negative."""
    rule = f"recognition.{award.rule.value}"
    if award.points > 0:
        record = Award(rule=rule, desired=award.points, granted=award.points)
        return ledger.earn(
            member=award.agent, points=award.points, at=at, key=award.key, awards=[record]
        )
    return ledger.adjust(
        member=award.agent,
        points=award.points,
        at=at,
        key=award.key,
        reason=rule,
        shortfall=NegativeBalance.WITHIN_BALANCE,
    )


def _withdraw(ledger: Ledger, key: str, rule: RecognitionRule, *, at: pendulum.DateTime) -> Receipt:
    """Take back an award posted under *key* that the interaction no longer gives."""
    payload = ledger.command(key)
    member = payload.member
    if payload.name is CommandName.EARN:
        return ledger.return_purchase(member=member, earn=key, at=at, key=f"{key}:withdrawn")
    return ledger.adjust(
        member=member,
        points=-payload.argument("points"),
        at=at,
        key=f"{key}:withdrawn",
        reason=f"withdrawn recognition.{rule.value}",
    )
