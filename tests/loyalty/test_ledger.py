"""The ledger (loyalty/_ledger.py): instants, expiries, argument checks, copies.

Instants are read exactly however they are given; every lot gets its rule's
expiry, across zone transitions and midnights; queries never change the
books; a bad argument names its field and changes nothing; a ledger
survives pickling and copying.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import pickle
import zoneinfo
from decimal import Decimal
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel._time import aware, to_micros
from servicemodel.exceptions import LedgerError, ServiceModelError, ValidationError
from servicemodel.loyalty import (
    AfterDays,
    AfterInactivity,
    AfterMonths,
    CalendarPeriod,
    Command,
    DayCount,
    EarnLine,
    EndOfPeriod,
    Ledger,
    LotStatus,
    NegativeBalance,
    NeverExpires,
    Pending,
    Policies,
    WhicheverFirst,
)
from servicemodel.loyalty._clock import InstantReader, LocalClock

# Zones with DST, with transitions at midnight (Santiago, Havana, Beirut), with
# half-hour shifts (Lord Howe), odd offsets (St John's, Kolkata) and none (UTC).
ZONES = [
    "Europe/Warsaw",
    "America/New_York",
    "America/Santiago",
    "America/Havana",
    "Asia/Beirut",
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Asia/Kolkata",
    "UTC",
]
HOUR = dt.timedelta(hours=1)


@functools.cache
def transitions(zone: str, first: int = 2023, last: int = 2026) -> tuple[dt.datetime, ...]:
    """UTC instants (to the hour) at which *zone* changed its offset in years *first*-*last*."""
    tz = zoneinfo.ZoneInfo(zone)
    found = []
    t = dt.datetime(first, 1, 1, tzinfo=dt.UTC)
    before = t.astimezone(tz).utcoffset()
    while t.year <= last:
        t += HOUR
        now = t.astimezone(tz).utcoffset()
        if now != before:
            found.append(t)
            before = now
    return tuple(found) or (dt.datetime(2025, 3, 30, 1, tzinfo=dt.UTC),)


@st.composite
def wall_times(draw: st.DrawFn) -> pendulum.DateTime:
    """A pendulum wall time with a fold, often within hours of a transition (gaps, overlaps)."""
    zone = draw(st.sampled_from(ZONES))
    tz = pendulum.timezone(zone)
    if draw(st.booleans()):
        moments = transitions(zone)
        base = moments[draw(st.integers(0, len(moments) - 1))]
        minutes = draw(st.integers(-400, 400))
        naive = (base + dt.timedelta(minutes=minutes)).astimezone(tz).replace(tzinfo=None)
        naive += dt.timedelta(minutes=draw(st.sampled_from([0, 0, 30, -30, 60, -60])))
    else:
        naive = draw(
            st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1))
        )
    fold = draw(st.integers(0, 1))
    return pendulum.DateTime(
        naive.year,
        naive.month,
        naive.day,
        naive.hour,
        naive.minute,
        naive.second,
        naive.microsecond,
        tzinfo=tz,
        fold=fold,
    )


# One reader for every example, so its caches are exercised across zones and buckets.
SHARED_READER = InstantReader()


@given(wall_times())
def test_the_instant_reader_agrees_with_to_micros_for_every_wall_time_and_fold(
    value: pendulum.DateTime,
) -> None:
    expected = to_micros(value)
    assert SHARED_READER.micros(value, "at") == expected
    assert InstantReader().micros(value, "at") == expected
    assert SHARED_READER.micros(value, "at") == expected  # now from the cache


def test_the_instant_reader_reads_stdlib_and_fixed_offset_values_exactly() -> None:
    reader = InstantReader()
    warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")
    for value in (
        dt.datetime(2025, 10, 26, 2, 30, tzinfo=warsaw, fold=1),
        dt.datetime(2025, 3, 30, 2, 30, tzinfo=warsaw),
        dt.datetime(2025, 6, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=-3))),
        pendulum.datetime(2025, 6, 1, 12, tz=pendulum.FixedTimezone(5 * 3600 + 1800)),
    ):
        assert reader.micros(value, "at") == to_micros(aware(value, field="at"))


@pytest.mark.parametrize(
    "value",
    [
        pendulum.naive(2025, 1, 1),
        dt.datetime(2025, 1, 1),
        dt.date(2025, 1, 1),
        "2025-01-01T00:00:00+01:00",
        None,
    ],
)
def test_the_instant_reader_refuses_what_aware_refuses_with_the_same_message(value: Any) -> None:
    with pytest.raises(ValidationError) as expected:
        aware(value, field="as_of")
    with pytest.raises(ValidationError) as got:
        InstantReader().micros(value, "as_of")
    assert str(got.value) == str(expected.value)


DAY_BASED_RULES = [
    AfterDays(days=30),
    AfterDays(days=1, convention=DayCount.END_OF_DAY_PLUS_N),
    AfterMonths(months=1),
    AfterMonths(months=13, convention=DayCount.END_OF_DAY_PLUS_N),
    EndOfPeriod(period=CalendarPeriod.MONTH),
    EndOfPeriod(period=CalendarPeriod.QUARTER, extra=1),
    WhicheverFirst(rules=[AfterDays(days=45), EndOfPeriod(period=CalendarPeriod.MONTH, extra=1)]),
    NeverExpires(),
    # Not day based: the ledger must not reuse a day's answer for these.
    AfterDays(days=7, convention=DayCount.EXACT_INSTANT),
    WhicheverFirst(rules=[AfterMonths(months=2, convention=DayCount.EXACT_INSTANT)]),
]


@given(
    zone=st.sampled_from(ZONES),
    rule=st.sampled_from(DAY_BASED_RULES),
    steps=st.lists(st.integers(1, 26 * 60), min_size=1, max_size=40),
    start=st.integers(0, 3),
)
def test_every_lot_gets_the_expiry_its_rule_gives_even_across_transitions_and_midnights(
    zone: str, rule: Any, steps: list[int], start: int
) -> None:
    ledger = Ledger(policies=Policies(zone=zone, expiry=rule))
    clock = LocalClock(zone)
    moments = transitions(zone)
    t = pendulum.instance(moments[start % len(moments)]).in_timezone(zone).subtract(hours=30)
    for i, minutes in enumerate(steps):
        t = t.add(minutes=minutes)
        ledger.earn(member=f"m{i}", points=1, at=t, key=f"e{i}")
        (lot,) = ledger.lots(f"m{i}", as_of=t)
        expected = rule._lot_expiry(clock, to_micros(t))
        got = None if lot.expires_at is None else to_micros(lot.expires_at)
        assert got == (None if expected == 1 << 62 else expected), (t, rule)


@pytest.mark.parametrize(
    ("zone", "year"), [*((zone, 2025) for zone in ZONES), ("America/Goose_Bay", 2008)]
)
def test_lots_earned_every_twenty_minutes_around_each_transition_get_their_rules_expiry(
    zone: str, year: int
) -> None:
    # Goose Bay fell back at 00:01 in 2008: after the first minute of 2 November
    # came another hour of 1 November, so one day's instants were not contiguous.
    clock = LocalClock(zone)
    for rule in (AfterDays(days=30), EndOfPeriod(period=CalendarPeriod.MONTH)):
        ledger = Ledger(policies=Policies(zone=zone, expiry=rule))
        i = 0
        for moment in transitions(zone, year, year):
            t = pendulum.instance(moment).subtract(hours=26)
            for _ in range(52 * 3):
                t = t.add(minutes=20)
                ledger.earn(member=f"m{i}", points=1, at=t, key=f"e{i}")
                (lot,) = ledger.lots(f"m{i}", as_of=t)
                assert lot.expires_at is not None
                assert to_micros(lot.expires_at) == rule._lot_expiry(clock, to_micros(t)), (t, rule)
                i += 1


@st.composite
def command_lists(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Commands for two members: enough earns to pass the query scan budget, and the rest."""
    kinds = st.sampled_from(["earn", "earn", "earn", "redeem", "return", "reverse", "adjust"])
    return draw(
        st.lists(
            st.tuples(
                kinds,
                st.sampled_from(["ann", "bob"]),
                st.integers(0, 30 * 60),  # minutes since the previous command
                st.integers(1, 150),
                st.integers(0, 10_000),  # which earlier earn or redemption
            ),
            min_size=70,
            max_size=110,
        )
    )


def apply(ledger: Ledger, commands: list[tuple[Any, ...]], query: bool) -> list[Any]:
    """Apply *commands*; with *query*, ask balances near and far after every one."""
    t = pendulum.datetime(2025, 1, 1, tz="Europe/Warsaw")
    earns: dict[str, list[str]] = {"ann": [], "bob": []}
    redemptions: dict[str, list[str]] = {"ann": [], "bob": []}
    outcomes: list[Any] = []
    for i, (kind, member, minutes, points, pick) in enumerate(commands):
        t = t.add(minutes=minutes)
        key = f"c{i}"
        try:
            if kind == "earn":
                ledger.earn(member=member, points=points, at=t, key=key)
                earns[member].append(key)
            elif kind == "redeem":
                ledger.redeem(member=member, points=points, at=t, key=key)
                redemptions[member].append(key)
            elif kind == "return" and earns[member]:
                ref = earns[member][pick % len(earns[member])]
                ledger.return_purchase(member=member, earn=ref, at=t, key=key)
            elif kind == "reverse" and redemptions[member]:
                ref = redemptions[member][pick % len(redemptions[member])]
                ledger.reverse_redemption(member=member, redemption=ref, at=t, key=key)
            else:
                ledger.adjust(
                    member=member,
                    points=points - 60,
                    at=t,
                    key=key,
                    reason="fix",
                    shortfall=NegativeBalance.UNLIMITED,
                )
            outcomes.append("ok")
        except ServiceModelError as error:  # refusals (too few points, ...) must match too
            outcomes.append(f"{type(error).__name__}: {error}")
        if query:
            outcomes.extend(ledger.balance(member, as_of=t.add(days=d)) for d in (0, 3, 40, 400))
    return outcomes


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@settings(max_examples=25)
@given(command_lists())
def test_a_ledger_queried_after_every_command_keeps_the_same_books_as_one_never_queried(
    commands: list[tuple[Any, ...]],
) -> None:
    policies = Policies(zone="Europe/Warsaw", expiry=AfterDays(days=12))
    queried, quiet = Ledger(policies=policies), Ledger(policies=policies)
    queried_outcomes = [o for o in apply(queried, commands, query=True) if isinstance(o, str)]
    assert queried_outcomes == apply(quiet, commands, query=False)
    start = pendulum.datetime(2025, 1, 1, tz="Europe/Warsaw")
    for member in ("ann", "bob"):
        assert queried.history(member) == quiet.history(member)
        for days in (0, 5, 17, 30, 45, 60, 90, 400):
            as_of = start.add(days=days)
            balance = quiet.balance(member, as_of=as_of)
            assert queried.balance(member, as_of=as_of) == balance
            available = sum(
                lot.remaining
                for lot in quiet.lots(member, as_of=as_of)
                if lot.status is LotStatus.AVAILABLE
            )
            assert balance.available == available


def test_a_far_query_on_a_member_with_many_lots_builds_the_index_and_commands_keep_it() -> None:
    policies = Policies(zone="UTC", expiry=AfterDays(days=100))
    start = pendulum.datetime(2025, 1, 1)
    ledgers = Ledger(policies=policies), Ledger(policies=policies)
    for ledger in ledgers:
        for i in range(200):
            ledger.earn(member="ann", points=10, at=start.add(hours=i), key=f"e{i}")
    indexed, plain = ledgers
    far = start.add(days=103, hours=4)  # the lots of the first four days have expired
    assert indexed.balance("ann", as_of=far).available == 10 * (200 - 4 * 24)
    t = start.add(days=99, hours=150)
    for ledger in ledgers:
        ledger.redeem(member="ann", points=500, at=t, key="r1")
        ledger.return_purchase(member="ann", earn="e190", at=t, key="x1")
        ledger.reverse_redemption(member="ann", redemption="r1", at=t.add(hours=1), key="v1")
    for hours in range(140, 320, 7):
        as_of = start.add(days=99, hours=hours)
        assert indexed.balance("ann", as_of=as_of) == plain.balance("ann", as_of=as_of)
        available = sum(
            lot.remaining
            for lot in plain.lots("ann", as_of=as_of)
            if lot.status is LotStatus.AVAILABLE
        )
        assert indexed.balance("ann", as_of=as_of).available == available


def test_stdlib_instants_lists_and_a_expected_version_write_the_same_books() -> None:
    zone = "Europe/Warsaw"
    fast, general = (Ledger(policies=Policies(zone=zone, expiry=AfterDays(days=30))) for _ in "ab")
    t = pendulum.datetime(2025, 3, 29, 22, tz=zone)
    for i in range(30):
        t = t.add(hours=5)
        fast.earn(member="ann", points=i + 1, at=t, key=f"e{i}")
        general.earn(
            member="ann",
            points=i + 1,
            at=dt.datetime.fromisoformat(t.isoformat()).astimezone(zoneinfo.ZoneInfo(zone)),
            key=f"e{i}",
            awards=[],
            lines=[],
            tally={},
            expected_version=i if i % 2 else None,
        )
    fast.redeem(member="ann", points=100, at=t, key="r")
    general.redeem(member="ann", points=100, at=t, key="r", expected_version=30)
    assert fast.commands() == general.commands()
    assert fast.history("ann") == general.history("ann")
    later = t.add(days=40)
    assert fast.explain("ann", as_of=later).lots == general.explain("ann", as_of=later).lots


BAD_EARNS = [
    ("member", {"member": " ann"}),
    ("member", {"member": ""}),
    ("member", {"member": "a" * 257}),
    ("member", {"member": 7}),
    ("key", {"key": "k\n"}),
    ("key", {"key": None}),
    ("points", {"points": True}),
    ("points", {"points": -1}),
    ("points", {"points": 1.0}),
    ("points", {"points": 10**15 + 1}),
    ("at", {"at": pendulum.naive(2025, 1, 1)}),
    ("awards[0]", {"awards": ["not an award"]}),
]


@pytest.mark.parametrize(("field", "change"), BAD_EARNS)
def test_a_bad_earn_names_its_field_and_changes_nothing(field: str, change: dict[str, Any]) -> None:
    ledger = Ledger()
    t = pendulum.datetime(2025, 1, 1)
    ledger.earn(member="ann", points=5, at=t, key="first")
    before = (ledger.commands(), ledger.history("ann"), ledger.version("ann"))
    kwargs: dict[str, Any] = {"member": "ann", "points": 5, "at": t, "key": "k", **change}
    with pytest.raises(ValidationError) as error:
        ledger.earn(**kwargs)
    assert error.value.field == field
    assert f"'{field}' must" in str(error.value)
    assert (ledger.commands(), ledger.history("ann"), ledger.version("ann")) == before


@pytest.mark.parametrize(
    ("field", "change"),
    [*BAD_EARNS[:6], ("points", {"points": 0}), ("reward", {"reward": ""})],
)
def test_a_bad_redemption_names_its_field_and_changes_nothing(
    field: str, change: dict[str, Any]
) -> None:
    ledger = Ledger()
    t = pendulum.datetime(2025, 1, 1)
    ledger.earn(member="ann", points=5, at=t, key="first")
    before = (ledger.commands(), ledger.history("ann"), ledger.version("ann"))
    kwargs: dict[str, Any] = {"member": "ann", "points": 5, "at": t, "key": "k", **change}
    with pytest.raises(ValidationError) as error:
        ledger.redeem(**kwargs)
    assert error.value.field == field
    assert (ledger.commands(), ledger.history("ann"), ledger.version("ann")) == before


def test_a_zero_point_earn_and_lines_still_take_the_general_path() -> None:
    ledger = Ledger(policies=Policies(expiry=AfterInactivity(days=10)))
    t = pendulum.datetime(2025, 1, 1)
    assert ledger.earn(member="ann", points=0, at=t, key="capped").lot == 1
    lines = [EarnLine(line="A", amount=Decimal("10"), points=7)]
    assert ledger.earn(member="ann", points=7, at=t, key="o", lines=lines).lot == 2
    assert ledger.balance("ann", as_of=t.add(days=9)).available == 7
    assert ledger.balance("ann", as_of=t.add(days=10)).available == 0


def test_a_ledger_survives_pickling_and_copying_with_its_caches() -> None:
    policies = Policies(zone="Europe/Warsaw", expiry=AfterDays(days=30))
    ledger = Ledger(policies=policies)
    t = pendulum.datetime(2025, 1, 1, tz="Europe/Warsaw")
    for i in range(40):
        ledger.earn(member="ann", points=5, at=t.add(hours=i), key=f"e{i}")
    ledger.balance("ann", as_of=t.add(days=60))  # builds ann's index
    copies = [pickle.loads(pickle.dumps(ledger)), copy.deepcopy(ledger)]
    later = t.add(days=2)
    for other in [ledger, *copies]:
        other.redeem(member="ann", points=30, at=later, key="r")
        other.earn(member="bob", points=7, at=later, key="b")
    for other in copies:
        assert other.commands() == ledger.commands()
        for days in (0, 3, 31, 40):
            as_of = t.add(days=days)
            assert other.balance("ann", as_of=as_of) == ledger.balance("ann", as_of=as_of)


@pytest.mark.parametrize(
    "command",
    [
        lambda ledger, at: ledger.earn(member="ann", points=5, at=at, key="o-2"),
        lambda ledger, at: ledger.adjust(member="ann", points=5, at=at, key="a-1", reason="x"),
    ],
    ids=["earn", "adjust"],
)
def test_a_lot_that_would_expire_after_the_year_9999_is_refused_and_nothing_is_settled(
    command: Any,
) -> None:
    # The first lot becomes available on 9998-11-15: a later command settles that
    # activation first, so a refusal found after settling would leave it behind.
    policies = Policies(zone="UTC", expiry=AfterDays(days=365), pending=Pending(length=14))
    ledger = Ledger(policies=policies)
    ledger.earn(member="ann", points=5, at=pendulum.datetime(9998, 11, 1), key="o-1")
    before = ledger.history("ann")
    with pytest.raises(ValidationError, match="before the year 10000") as caught:
        command(ledger, pendulum.datetime(9999, 6, 1))
    assert caught.value.field == "at"
    assert ledger.history("ann") == before
    assert ledger.version("ann") == 1


def test_a_stray_award_or_returned_line_is_refused_at_its_index_and_nothing_changes() -> None:
    ledger = Ledger(policies=Policies(zone="UTC"))
    at = pendulum.datetime(2025, 1, 10)
    ledger.earn(member="ann", points=5, at=at, key="o-1")
    with pytest.raises(ValidationError, match=r"'awards\[0\]' must be an Award \(got 'x'\)"):
        ledger.earn(member="ann", points=5, at=at, key="o-2", awards=["x"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match=r"'lines\[0\]' must be a ReturnedLine"):
        ledger.return_purchase(member="ann", earn="o-1", at=at, key="ret-1", lines=[3])  # type: ignore[list-item]
    assert ledger.version("ann") == 1
    assert ledger.balance("ann", as_of=at).available == 5


def test_an_activation_of_a_lot_not_pending_names_the_instant_in_the_ledgers_zone() -> None:
    # Direct and replayed (apply hands the ledger the command's own instant): one message.
    policies = Policies(zone="Europe/Warsaw", pending=Pending(length=2))
    t = pendulum.datetime(2025, 1, 1, 10)
    ledger = Ledger(policies=policies)
    ledger.earn(member="ann", points=5, at=t, key="o")
    ledger.activate(member="ann", earn="o", at=t.add(hours=1), key="a")
    message = r"'earn' 'o' must have a pending lot at 2025-01-01 13:00:00\+01:00 \(it has not\)"
    with pytest.raises(LedgerError, match=message):
        ledger.activate(member="ann", earn="o", at=t.add(hours=2), key="a-2")
    replay = Ledger(policies=policies)
    for command in ledger.commands():
        replay.apply(command)
    again = Command.of("activate", key="a-2", member="ann", at=t.add(hours=2), earn="o")
    with pytest.raises(LedgerError, match=message):
        replay.apply(again)


def test_a_receipt_is_equal_to_the_same_command_s_receipt_from_any_ledger_and_to_nothing_else() -> (
    None
):
    from servicemodel.loyalty import Receipt

    t = pendulum.datetime(2025, 1, 10, 12, tz="Europe/Warsaw")
    first, second = Ledger(), Ledger()
    a = first.earn(member="ann", points=5, at=t, key="k")
    b = second.earn(member="ann", points=5, at=t, key="k")
    assert a.source is not b.source
    assert a == b
    assert not a != b  # noqa: SIM202 - __ne__ is its own method
    assert hash(a) == hash(b)
    assert a == Receipt(key="k", member="ann", version=1, span=(0, 1))
    assert a != second.earn(member="ann", points=5, at=t, key="k2")
    assert a != tuple(a)  # never equal to a plain tuple
    assert tuple(a) != a
    assert a != Receipt(key="k", member="ann", version=2, span=(0, 1))
    assert repr(a) == "Receipt(key='k', member='ann', version=1, span=(0, 1))"
    with pytest.raises(AttributeError):
        a.version = 2  # type: ignore[misc]
    assert [(e.kind.value, e.points) for e in a.entries] == [("earn", 5)]


def test_a_balance_is_equal_to_balances_of_the_same_points_and_never_to_a_plain_tuple() -> None:
    from servicemodel.loyalty import Balance

    t = pendulum.datetime(2025, 1, 10, 12, tz="Europe/Warsaw")
    ledger = Ledger()
    ledger.earn(member="ann", points=5, at=t, key="k")
    now = ledger.balance("ann", as_of=t)
    assert now == Balance(available=5, pending=0, debt=0)
    assert hash(now) == hash(Balance(available=5, pending=0, debt=0))
    assert now != Balance(available=5, pending=0, debt=1)
    assert now != (5, 0, 0)
    assert (5, 0, 0) != now  # noqa: SIM300 - the reflected comparison, on purpose
    assert ledger.balance("ann", as_of=t.subtract(days=1)) == Balance(
        available=0, pending=0, debt=0
    )
    assert ledger.balance("bob", as_of=t).net == 0


def test_receipts_and_balances_defer_to_other_kinds_of_value_and_have_no_order() -> None:
    from unittest import mock

    from servicemodel.loyalty import Balance

    t = pendulum.datetime(2025, 1, 10, 12, tz="Europe/Warsaw")
    ledger = Ledger()
    receipt = ledger.earn(member="ann", points=5, at=t, key="k")
    balance = ledger.balance("ann", as_of=t)
    # Anything but a tuple is asked in turn (as with an attrs class): a matcher matches.
    assert receipt == mock.ANY
    assert balance == mock.ANY
    assert not balance != mock.ANY  # noqa: SIM202 - __ne__ is its own method
    with pytest.raises(TypeError):
        _ = receipt < receipt
    with pytest.raises(TypeError):
        _ = balance <= Balance(available=6, pending=0, debt=0)
    with pytest.raises(AttributeError):
        balance.available = 1  # type: ignore[misc]


def test_a_receipt_asked_for_later_or_sent_again_is_the_first_with_its_entries() -> None:
    ledger = Ledger()
    t = pendulum.datetime(2025, 1, 1)
    ledger.earn(member="ann", points=100, at=t, key="o-1")
    first = ledger.redeem(member="ann", points=40, at=t, key="r-1")
    ledger.earn(member="bob", points=5, at=t, key="o-2")
    assert (first.key, first.member, first.version, first.span) == ("r-1", "ann", 2, (1, 2))
    for again in (
        ledger.receipt("r-1"),
        ledger.redeem(member="ann", points=40, at=t, key="r-1"),
        ledger.apply(ledger.command("r-1")),
    ):
        assert (again.key, again.member, again.version, again.span) == ("r-1", "ann", 2, (1, 2))
        assert again.entries == first.entries
        assert [(e.kind.value, e.points) for e in again.entries] == [("redeem", 40)]


@pytest.mark.parametrize("points", [True, 1.5, "3", 10**15 + 1, -(10**15) - 1])
def test_an_adjustment_s_points_must_be_an_integer_in_range_by_method_and_command(
    points: Any,
) -> None:
    ledger = Ledger()
    t = pendulum.datetime(2025, 1, 1)
    command = Command.of("adjust", key="f", member="ann", at=t, points=points, reason="x")
    for run in (
        functools.partial(ledger.adjust, member="ann", points=points, at=t, key="f", reason="x"),
        functools.partial(ledger.apply, command),
    ):
        with pytest.raises(ValidationError, match="'points' must be an integer from") as info:
            run()
        assert (info.value.field, info.value.value) == ("points", points)
    assert ledger.version("ann") == 0
    assert not ledger.knows("f")
