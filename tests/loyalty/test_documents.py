"""Programme and ledger documents: lossless round trips and path-named problems."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import LedgerDocumentError, ProgrammeDocumentError, ServiceModelError
from servicemodel.loyalty import (
    ActivityKind,
    AfterDays,
    AfterInactivity,
    AfterMonths,
    CalendarPeriod,
    Cap,
    CapCount,
    CapMode,
    CapOrder,
    CapWindow,
    Catalogue,
    ChannelMultiplier,
    Consumption,
    Crossing,
    DayCount,
    Downgrade,
    EarnLine,
    EarnRules,
    EndOfPeriod,
    EventKind,
    ExpiredReturn,
    ExpiryStart,
    Ledger,
    NegativeBalance,
    NeverExpires,
    Pending,
    PendingReturn,
    PendingUnit,
    PerCategory,
    PerEvent,
    PerProduct,
    PerSpend,
    Policies,
    Programme,
    PromotionMultiplier,
    RedemptionReversal,
    ReturnAttribution,
    ReturnedLine,
    Reward,
    Rounding,
    RoundingMode,
    RoundingPlace,
    RoundingStage,
    Tier,
    TierMetric,
    TierMultiplier,
    Tiers,
    WhicheverFirst,
    dump_ledger,
    dump_programme,
    load_ledger,
    load_programme,
)

T0 = pendulum.datetime(2025, 1, 1, tz="Europe/Warsaw")
names = st.text("abcdefgh-_ ", min_size=1, max_size=8).map(str.strip).filter(bool)
days = st.integers(1, 1000)
conventions = st.sampled_from(DayCount)
per_lot_expiry = st.one_of(
    st.builds(NeverExpires),
    st.builds(AfterDays, days=days, convention=conventions),
    st.builds(AfterMonths, months=st.integers(1, 60), convention=conventions),
    st.builds(EndOfPeriod, period=st.sampled_from(CalendarPeriod), extra=st.integers(0, 3)),
)
inactivity = st.one_of(
    st.builds(AfterInactivity, days=days, convention=conventions),
    st.builds(
        AfterInactivity,
        months=st.integers(1, 60),
        convention=conventions,
        since=st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1))),
        activity=st.frozensets(st.sampled_from(ActivityKind)),
    ),
)
simple_expiry = st.one_of(per_lot_expiry, inactivity)
expiry = st.one_of(
    simple_expiry,
    st.builds(
        lambda rules, extra: WhicheverFirst(rules=[*rules, *extra]),
        st.lists(per_lot_expiry, min_size=1, max_size=3),
        st.lists(inactivity, max_size=1),
    ),
)
policies = st.builds(
    Policies,
    zone=st.sampled_from(["UTC", "Europe/Warsaw", "America/New_York", "Asia/Kolkata"]),
    consumption=st.sampled_from(Consumption),
    expiry=expiry,
    pending=st.builds(
        Pending,
        length=st.integers(0, 60),
        unit=st.sampled_from(PendingUnit),
        on_return=st.sampled_from(PendingReturn),
    ),
    negative_balance=st.sampled_from(NegativeBalance),
    returns=st.sampled_from(ReturnAttribution),
    reversal=st.sampled_from(RedemptionReversal),
    expiry_start=st.sampled_from(ExpiryStart),
    expired_return=st.sampled_from(ExpiredReturn),
)
factors = st.fractions(min_value=0, max_value=10, max_denominator=100)
instants = st.integers(0, 10**6).map(lambda m: T0.add(minutes=m))
rules = st.lists(
    st.one_of(
        st.builds(
            PerSpend,
            name=names,
            points=st.integers(1, 100),
            per=st.decimals(min_value=Decimal("0.01"), max_value=100, places=2),
            currency=st.sampled_from([None, "EUR", "PLN"]),
            categories=st.frozensets(names, max_size=3),
        ),
        st.builds(PerProduct, name=names, product=names, points=st.integers(1, 100)),
        st.builds(PerCategory, name=names, category=names, points=st.integers(1, 100)),
        st.builds(
            PerEvent, name=names, event=st.sampled_from(EventKind), points=st.integers(1, 100)
        ),
    ),
    max_size=4,
    unique_by=lambda r: r.name,
)
multipliers = st.lists(
    st.one_of(
        st.builds(TierMultiplier, tier=names, factor=factors),
        st.builds(ChannelMultiplier, channel=names, factor=factors),
        instants.flatmap(
            lambda start: st.builds(
                PromotionMultiplier,
                name=names,
                factor=factors,
                start=st.just(start),
                end=st.integers(1, 10**5).map(lambda m: start.add(minutes=m)),
            )
        ),
    ),
    max_size=3,
)
caps = st.lists(
    st.builds(
        Cap,
        name=names,
        limit=st.integers(0, 10_000),
        window=st.sampled_from(CapWindow),
        mode=st.sampled_from(CapMode),
        rule=st.one_of(st.none(), names),
    ),
    max_size=3,
    unique_by=lambda c: c.name,
)
earn_rules = st.builds(
    EarnRules,
    rules=rules,
    multipliers=multipliers,
    caps=caps,
    rounding=st.builds(
        Rounding,
        mode=st.sampled_from(RoundingMode),
        place=st.sampled_from(RoundingPlace),
        stage=st.sampled_from(RoundingStage),
    ),
    cap_order=st.sampled_from(CapOrder),
    cap_count=st.sampled_from(CapCount),
)
tiers = (
    st.lists(st.integers(1, 10**6), max_size=3, unique=True)
    .map(
        lambda ts: (
            [Tier(name="base", threshold=0)] + [Tier(name=f"t{t}", threshold=t) for t in sorted(ts)]
        )
    )
    .flatmap(
        lambda levels: st.builds(
            Tiers,
            levels=st.just(levels),
            metric=st.sampled_from(TierMetric),
            window_days=st.integers(0, 800),
            period=st.sampled_from(CalendarPeriod),
            crossing=st.sampled_from(Crossing),
            downgrade=st.sampled_from([Downgrade.IMMEDIATE, Downgrade.BALANCE_BASED]),
            grace_days=st.integers(0, 90),
        )
    )
)
rewards = st.lists(
    st.builds(
        Reward,
        id=names,
        cost=st.integers(1, 10**6),
        stock=st.one_of(st.none(), st.integers(0, 100)),
        available_from=st.one_of(st.none(), st.just(T0)),
    ),
    max_size=3,
    unique_by=lambda r: r.id,
)
programmes = st.builds(
    Programme,
    name=names,
    policies=policies,
    earn=earn_rules,
    tiers=st.one_of(st.none(), tiers),
    catalogue=st.builds(Catalogue, rewards=rewards),
)


@given(programmes, st.sampled_from(["toml", "json"]))
def test_programme_documents_round_trip_losslessly(
    programme: Programme, fmt: Literal["toml", "json"]
) -> None:
    text = dump_programme(programme, format=fmt)
    assert load_programme(text, format=fmt) == programme
    assert dump_programme(load_programme(text, format=fmt), format=fmt) == text


def test_programme_document_problems_are_all_collected_with_paths() -> None:
    text = """
name = "broken"
surprise = 1
[policies]
zone = "Mars/Olympus"
expiry = { type = "after_weeks", weeks = 2 }
[earn]
rules = [
  { type = "per_spend", name = "spend", per = "0" },
  { type = "per_event", name = "review", event = "tweet", points = 5 },
  { type = "per_product", product = "mug", points = "ten" },
]
[[catalogue.rewards]]
id = "mug"
cost = 10
available_from = "2025-01-01T00:00:00"
"""
    with pytest.raises(ProgrammeDocumentError) as caught:
        load_programme(text)
    problems = {p.path: p.message for p in caught.value.problems}
    assert set(problems) == {
        "surprise",
        "policies.zone",
        "policies.expiry.type",
        "earn.rules[0].per",
        "earn.rules[1].event",
        "earn.rules[2].name",
        "earn.rules[2].points",
        "catalogue.rewards[0].available_from",
    }
    assert "Mars/Olympus" in problems["policies.zone"]
    assert "'tweet'" in problems["earn.rules[1].event"]
    assert problems["earn.rules[2].name"] == "is required"
    assert "timezone-aware" in problems["catalogue.rewards[0].available_from"]


def test_documents_refuse_bad_text() -> None:
    with pytest.raises(ProgrammeDocumentError, match="invalid TOML"):
        load_programme("name = ")
    with pytest.raises(ProgrammeDocumentError, match="must be an object \\(a table\\) at the top"):
        load_programme("[1, 2]", format="json")
    with pytest.raises(ProgrammeDocumentError, match="name: is required"):
        load_programme("{}", format="json")


commands = st.lists(
    st.tuples(
        st.sampled_from(["earn", "redeem", "return", "reverse", "adjust", "activate"]),
        st.integers(1, 150),
        st.integers(0, 48),
    ),
    max_size=25,
)


@given(
    policies.filter(lambda p: p.zone == "Europe/Warsaw"),
    commands,
    st.sampled_from(["json", "toml"]),
)
def test_ledger_documents_round_trip_losslessly(
    chosen: Policies, script: list[tuple[str, int, int]], fmt: Literal["toml", "json"]
) -> None:
    ledger = Ledger(policies=chosen)
    now = T0
    earns: list[str] = []
    redemptions: list[str] = []
    for i, (name, points, hours) in enumerate(script):
        now = now.add(hours=hours)
        key = f"k{i}"
        try:
            if name == "earn":
                ledger.earn(
                    member="m",
                    points=points,
                    at=now,
                    key=key,
                    lines=[EarnLine(line="a", amount=Decimal("1.50"), points=points)],
                    tally={"spend": Decimal("1.50")},
                )
                earns.append(key)
            elif name == "redeem":
                ledger.redeem(member="m", points=points, at=now, key=key, reward="mug")
                redemptions.append(key)
            elif name == "return" and earns:
                ledger.return_purchase(
                    member="m",
                    earn=earns[points % len(earns)],
                    at=now,
                    key=key,
                    lines=[ReturnedLine(line="a", amount=Decimal("0.50"))],
                )
            elif name == "reverse" and redemptions:
                ledger.reverse_redemption(
                    member="m", redemption=redemptions[points % len(redemptions)], at=now, key=key
                )
            elif name == "activate" and earns:
                ledger.activate(member="m", earn=earns[points % len(earns)], at=now, key=key)
            elif name == "adjust":
                ledger.adjust(
                    member="m",
                    points=points - 75 or 1,
                    at=now,
                    key=key,
                    reason="fix",
                    shortfall=NegativeBalance.UNLIMITED,
                    expiry=AfterDays(days=3),
                )
        except ServiceModelError:  # refused commands are part of life; they change nothing
            pass
    text = dump_ledger(ledger, format=fmt)
    again = load_ledger(text, format=fmt)
    assert again.history("m") == ledger.history("m")
    assert again.commands() == ledger.commands()
    for probe in (now, now.add(days=2), now.add(days=400)):
        assert again.balance("m", as_of=probe) == ledger.balance("m", as_of=probe)
    assert dump_ledger(again, format=fmt) == text


def test_ledger_document_problems_name_their_command() -> None:
    text = """{"policies": {"zone": "Europe/Warsaw"}, "commands": [
      {"command": "earn", "key": "k1", "member": "m", "at": "2025-01-01T00:00:00+01:00", "points": "5"},
      {"command": "fly", "key": "k2"},
      {"command": "redeem", "key": "k3", "member": "m", "at": "yesterday", "points": 1}
    ]}"""
    with pytest.raises(LedgerDocumentError) as caught:
        load_ledger(text)
    assert [p.path for p in caught.value.problems] == [
        "commands[0].points",
        "commands[1].command",
        "commands[2].at",
    ]
    refused = """{"commands": [
      {"command": "redeem", "key": "k3", "member": "m", "at": "2025-01-01T00:00:00+01:00", "points": 1}
    ]}"""
    with pytest.raises(LedgerDocumentError, match=r"commands\[0\]: was refused on replay"):
        load_ledger(refused)


def test_numbers_with_a_point_are_exact_in_toml_json_and_mappings() -> None:
    text = (
        'name = "x"\n[earn]\nrules = [{type = "per_spend", name = "s", per = 2.5}]\n'
        'multipliers = [{type = "tier", tier = "gold", factor = 1.1}]\n'
    )
    for source in (text, dump_programme(load_programme(text), format="json")):
        programme = load_programme(source)
        assert programme.earn_rules.rules[0].per == Decimal("2.5")
        assert programme.earn_rules.multipliers[0].factor == Fraction(11, 10)
    mapping = {"name": "x", "earn": {"rules": [{"type": "per_spend", "name": "s", "per": 0.1}]}}
    assert load_programme(mapping).earn_rules.rules[0].per == Decimal("0.1")


def test_a_programme_document_names_every_issue_20_option() -> None:
    text = """
name = "club"

[policies]
zone = "Europe/Warsaw"
expiry_start = "available"
expired_return = "take_again"

[policies.expiry]
type = "after_inactivity"
months = 18
since = 2025-07-01
activity = ["earn", "redeem"]

[earn]
cap_count = "kept"

[tiers]
metric = "balance"
levels = [{name = "base", threshold = "0"}, {name = "gold", threshold = "1000"}]
"""
    programme = load_programme(text)
    expiry = programme.policies.expiry
    assert isinstance(expiry, AfterInactivity)
    assert (expiry.months, expiry.days, expiry.since) == (18, None, date(2025, 7, 1))
    assert expiry.activity == {ActivityKind.EARN, ActivityKind.REDEEM}
    assert programme.policies.expiry_start is ExpiryStart.AVAILABLE
    assert programme.policies.expired_return is ExpiredReturn.TAKE_AGAIN
    assert programme.earn_rules.cap_count is CapCount.KEPT
    assert programme.tiers is not None
    assert programme.tiers.metric is TierMetric.BALANCE
    assert load_programme(dump_programme(programme)) == programme
    assert load_programme(dump_programme(programme, format="json")) == programme
    dumped = dump_programme(programme, format="mapping")
    assert dumped["policies"]["expiry"]["since"] == "2025-07-01"
    assert dumped["policies"]["expiry"]["activity"] == ["earn", "redeem"]


@pytest.mark.parametrize(
    ("expiry", "path", "message"),
    [
        (
            {"type": "after_inactivity", "days": 30, "months": 2},
            "policies.expiry.months",
            "'days' or 'months' must be given, not both and not neither",
        ),
        (
            {"type": "after_inactivity", "days": 30, "since": "1 July"},
            "policies.expiry.since",
            "must be a date written as 'YYYY-MM-DD'",
        ),
        (
            {"type": "after_inactivity", "days": 30, "activity": ["earn", "login"]},
            "policies.expiry.activity[1]",
            "must be one of 'earn', 'redeem', 'adjust'",
        ),
    ],
)
def test_bad_inactivity_options_name_their_path(expiry: object, path: str, message: str) -> None:
    with pytest.raises(ProgrammeDocumentError) as caught:
        load_programme({"name": "x", "policies": {"expiry": expiry}})
    assert any(p.path == path and message in p.message for p in caught.value.problems), (
        caught.value.problems
    )


@given(
    zone=st.sampled_from(
        ["UTC", "Europe/Warsaw", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu"]
    ),
    instants=st.lists(
        st.integers(min_value=-3_000_000_000_000_000, max_value=8_000_000_000_000_000),
        min_size=1,
        max_size=5,
    ),
)
def test_a_commands_instant_is_written_as_astimezone_writes_it(
    zone: str, instants: list[int]
) -> None:
    from datetime import UTC, datetime, timedelta

    from servicemodel.loyalty._documents import _InstantWriter

    tz = pendulum.timezone(zone)
    writer = _InstantWriter(tz)  # one writer for the run: it keeps the last instant's era
    for micros in [*instants, *(m + 1 for m in instants)]:
        utc = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
        assert writer.text(micros) == utc.astimezone(tz).isoformat()
