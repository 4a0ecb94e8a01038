"""Loyalty: exact points, an append-only ledger of lots, and every rule a named policy.

Points are ``int``, money is ``Decimal`` with a currency, and every instant is
an argument. A :class:`Ledger` records commands (earn, redeem, return, ...)
under named :class:`Policies`; a :class:`Programme` composes earn rules,
policies, tiers and a rewards catalogue and loads from TOML or JSON.
Points and ledgers know nothing of tickets: recognition of agents (which
may pay out through a ledger) lives in :mod:`servicemodel.team`.

>>> import pendulum
>>> from decimal import Decimal
>>> ledger = Ledger(policies=Policies(zone="Europe/Warsaw", expiry=AfterDays(days=365)))
>>> t = pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")
>>> _ = ledger.earn(member="ann", points=100, at=t, key="order-1")
>>> ledger.balance("ann", as_of=t).available
100
"""

from ._caps import Cap, CapCount, CapMode, CapOrder, CapWindow
from ._commands import Command, CommandName
from ._documents import dump_ledger, dump_programme, load_ledger, load_programme
from ._explain import Explanation
from ._ledger import Ledger
from ._money import Money, RoundingMode, largest_remainder, round_points
from ._policies import (
    ActivityKind,
    AfterDays,
    AfterInactivity,
    AfterMonths,
    CalendarPeriod,
    Consumption,
    DayCount,
    EndOfPeriod,
    ExpiredReturn,
    Expiry,
    ExpiryStart,
    NegativeBalance,
    NeverExpires,
    Pending,
    PendingReturn,
    PendingUnit,
    Policies,
    RedemptionReversal,
    ReturnAttribution,
    WhicheverFirst,
)
from ._programme import Programme
from ._purchases import Activity, EventKind, Order, OrderLine
from ._rules import (
    Basis,
    ChannelMultiplier,
    Earning,
    EarnRule,
    EarnRules,
    PerCategory,
    PerEvent,
    PerProduct,
    PerSpend,
    PromotionMultiplier,
    Rounding,
    RoundingPlace,
    RoundingStage,
    TierMultiplier,
)
from ._tiers import Catalogue, Crossing, Downgrade, Reward, Tier, TierMetric, Tiers
from ._values import (
    Allocation,
    Award,
    Balance,
    EarnLine,
    Entry,
    EntryKind,
    Expiring,
    LineShare,
    Lot,
    LotExplanation,
    LotStatus,
    Receipt,
    ReturnedLine,
    Totals,
)

__all__ = [
    "Activity",
    "ActivityKind",
    "AfterDays",
    "AfterInactivity",
    "AfterMonths",
    "Allocation",
    "Award",
    "Balance",
    "Basis",
    "CalendarPeriod",
    "Cap",
    "CapCount",
    "CapMode",
    "CapOrder",
    "CapWindow",
    "Catalogue",
    "ChannelMultiplier",
    "Command",
    "CommandName",
    "Consumption",
    "Crossing",
    "DayCount",
    "Downgrade",
    "EarnLine",
    "EarnRule",
    "EarnRules",
    "Earning",
    "EndOfPeriod",
    "Entry",
    "EntryKind",
    "EventKind",
    "ExpiredReturn",
    "Expiring",
    "Expiry",
    "ExpiryStart",
    "Explanation",
    "Ledger",
    "LineShare",
    "Lot",
    "LotExplanation",
    "LotStatus",
    "Money",
    "NegativeBalance",
    "NeverExpires",
    "Order",
    "OrderLine",
    "Pending",
    "PendingReturn",
    "PendingUnit",
    "PerCategory",
    "PerEvent",
    "PerProduct",
    "PerSpend",
    "Policies",
    "Programme",
    "PromotionMultiplier",
    "Receipt",
    "RedemptionReversal",
    "ReturnAttribution",
    "ReturnedLine",
    "Reward",
    "Rounding",
    "RoundingMode",
    "RoundingPlace",
    "RoundingStage",
    "Tier",
    "TierMetric",
    "TierMultiplier",
    "Tiers",
    "Totals",
    "WhicheverFirst",
    "dump_ledger",
    "dump_programme",
    "largest_remainder",
    "load_ledger",
    "load_programme",
    "round_points",
]
