"""Valid documents and records the fuzzers start from (the mutation seeds)."""

from __future__ import annotations

import functools
import io
import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pendulum

from servicemodel.io import write_customers, write_feedback, write_interactions
from servicemodel.loyalty import (
    AfterDays,
    AfterMonths,
    Cap,
    CapWindow,
    Catalogue,
    EarnLine,
    EarnRules,
    EventKind,
    Ledger,
    NegativeBalance,
    Pending,
    PerEvent,
    PerSpend,
    Policies,
    Programme,
    PromotionMultiplier,
    ReturnedLine,
    Reward,
    Tier,
    TierMetric,
    TierMultiplier,
    Tiers,
    WhicheverFirst,
    dump_ledger,
    dump_programme,
)
from servicemodel.samples import customers, feedback, generate

ROOT = Path(__file__).resolve().parents[2]
MODEL_FILES = (
    "docs/examples/hybrid.toml",
    "docs/examples/proactive.toml",
    "docs/examples/reactive.toml",
    "docs/examples/self_service.toml",
    "src/servicemodel/samples/sample_model.toml",
)


@functools.cache
def model_documents() -> tuple[dict[str, Any], ...]:
    return tuple(tomllib.loads((ROOT / name).read_text("utf-8")) for name in MODEL_FILES)


@functools.cache
def policy_documents() -> tuple[dict[str, Any], ...]:
    return tuple(doc["sla"] for doc in model_documents() if "sla" in doc)


T0 = pendulum.datetime(2025, 1, 10, 14, tz="Europe/Warsaw")
START = pendulum.datetime(2024, 6, 3, tz="Europe/London")


def _programme() -> Programme:
    return Programme(
        name="coffee-club",
        policies=Policies(
            zone="Europe/Warsaw",
            expiry=WhicheverFirst(rules=[AfterDays(days=365), AfterMonths(months=6)]),
            pending=Pending(length=14),
            negative_balance=NegativeBalance.UNLIMITED,
        ),
        earn=EarnRules(
            rules=[
                PerSpend(name="spend", per=Decimal("2.50"), currency="PLN"),
                PerEvent(name="signup", event=EventKind.SIGN_UP, points=50),
            ],
            multipliers=[
                TierMultiplier(tier="gold", factor=2),
                PromotionMultiplier(
                    name="summer", factor=Decimal("1.5"), start=T0, end=T0.add(days=30)
                ),
            ],
            caps=[Cap(name="daily", limit=500, window=CapWindow.DAY)],
        ),
        tiers=Tiers(
            levels=[Tier(name="member", threshold=0), Tier(name="gold", threshold=2000)],
            metric=TierMetric.POINTS_ROLLING,
            window_days=365,
        ),
        catalogue=Catalogue(rewards=[Reward(id="free-coffee", cost=40, stock=3)]),
    )


@functools.cache
def programme_documents() -> tuple[dict[str, Any], ...]:
    return (json.loads(dump_programme(_programme(), format="json")),)


def _ledger() -> Ledger:
    ledger = Ledger(policies=Policies(zone="Europe/Warsaw", expiry=AfterDays(days=30)))
    ledger.earn(
        member="ann",
        points=120,
        at=T0,
        key="o-1",
        lines=[EarnLine(line="1", amount=Decimal("29.99"), points=120)],
        tally={"spend": Decimal("29.99")},
    )
    ledger.redeem(member="ann", points=40, at=T0.add(days=1), key="r-1", reward="mug")
    ledger.return_purchase(
        member="ann",
        earn="o-1",
        at=T0.add(days=2),
        key="ret-1",
        lines=[ReturnedLine(line="1", amount=Decimal("10.00"))],
    )
    ledger.reverse_redemption(member="ann", redemption="r-1", at=T0.add(days=3), key="rev-1")
    ledger.adjust(
        member="bob",
        points=-5,
        at=T0,
        key="adj-1",
        reason="fix",
        shortfall=NegativeBalance.UNLIMITED,
    )
    return ledger


@functools.cache
def ledger_documents() -> tuple[dict[str, Any], ...]:
    return (json.loads(dump_ledger(_ledger(), format="json")),)


RUBRIC: dict[str, Any] = {
    "name": "chat",
    "criteria": [
        {"name": "empathy", "weight": 0.5, "scale": 4, "description": "Warm and clear"},
        {"name": "accuracy", "weight": "1/4", "auto_fail_at": 0},
        {"name": "process", "weight": 0.25, "scale": 2},
    ],
}
PROFILES: dict[str, Any] = {
    "profiles": [
        {"role": "tier1", "description": "First line", "requirements": {"empathy": 3}},
        {"role": "tier2", "requirements": {"empathy": 4, "product:router": 2}},
    ]
}


def _lines(write: Any, items: Any, **options: Any) -> list[str]:
    buffer = io.StringIO()
    write(items, buffer, **options)
    return buffer.getvalue().splitlines()


@functools.cache
def interaction_lines() -> tuple[str, ...]:
    return tuple(_lines(write_interactions, generate(12, seed=7, start=START), format="jsonl"))


@functools.cache
def interaction_csv() -> str:
    buffer = io.StringIO()
    write_interactions(generate(6, seed=7, start=START), buffer, format="csv")
    return buffer.getvalue()


@functools.cache
def feedback_lines() -> tuple[str, ...]:
    return tuple(_lines(write_feedback, feedback(generate(200, seed=3, start=START), seed=3)))


@functools.cache
def customer_lines() -> tuple[str, ...]:
    start = pendulum.datetime(2023, 1, 1)
    return tuple(_lines(write_customers, customers(8, seed=5, start=start)))
