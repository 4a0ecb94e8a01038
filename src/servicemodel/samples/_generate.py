"""Deterministic synthetic interactions, customers and feedback."""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Iterable, Iterator
from itertools import accumulate
from typing import Any

import pendulum

from .._time import ZONES, aware, from_micros, to_micros, zone
from .._validators import instance, integer
from ..customers import Customer
from ..feedback import CesResponse, Feedback, NpsResponse, Review
from ..interactions import (
    Assignment,
    Channel,
    Event,
    Interaction,
    Kind,
    Message,
    Priority,
    PriorityChange,
    Role,
    SatisfactionResponse,
    Status,
    StatusChange,
    Visibility,
)
from ._profile import SampleProfile

__all__ = ["customers", "feedback", "generate"]

_SEC = 1_000_000
_MIN = 60 * _SEC
_HOUR = 60 * _MIN
_DAY = 24 * _HOUR
_MAX_COUNT = 100_000_000

# Arrivals per local hour, relative (weekday and weekend shapes), and each day's volume in
# percent of the profile's daily volume (Monday first).
_WEEKDAY_SHAPE = (
    2,
    1,
    1,
    1,
    1,
    2,
    5,
    15,
    40,
    70,
    80,
    75,
    65,
    70,
    75,
    70,
    60,
    45,
    30,
    22,
    18,
    14,
    9,
    5,
)
_WEEKEND_SHAPE = (
    3,
    2,
    1,
    1,
    1,
    1,
    2,
    4,
    10,
    18,
    24,
    26,
    25,
    24,
    22,
    20,
    18,
    16,
    14,
    12,
    10,
    8,
    6,
    4,
)
_DAY_PERCENT = (115, 105, 100, 100, 90, 35, 25)

# Durations as piecewise-linear quantile tables in seconds (0th, 10th, ..., 100th percentile).
# Integer tables keep the output identical on every platform (no libm in the loop).
_BOT_DELAY = (1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 15)
_PHONE_WAIT = (5, 15, 25, 40, 60, 85, 120, 170, 240, 400, 900)
_TALK = (90, 150, 200, 250, 310, 380, 460, 560, 720, 960, 2100)
_WRAP = (10, 20, 30, 40, 50, 60, 80, 100, 130, 180, 400)
_CHAT_WAIT = (5, 15, 30, 45, 60, 90, 120, 180, 300, 480, 1200)
_CHAT_GAP = (10, 20, 30, 45, 60, 80, 100, 130, 180, 260, 600)
_CHAT_WORK = (20, 40, 60, 75, 90, 110, 130, 160, 200, 260, 480)
_ASSIGN = (30, 60, 120, 300, 600, 900, 1500, 2400, 3600, 7200, 21600)
_FIRST_REPLY = (300, 900, 1800, 3000, 4500, 7200, 10800, 18000, 28800, 57600, 172800)
_WRITTEN_WORK = (60, 120, 180, 240, 300, 360, 450, 540, 720, 960, 1800)
_CUSTOMER_REPLY = (600, 1800, 3600, 7200, 10800, 18000, 28800, 43200, 86400, 172800, 345600)
_HOLD = (1800, 3600, 7200, 10800, 14400, 21600, 28800, 43200, 86400, 172800, 345600)
_NEXT_REPLY = (300, 600, 1200, 1800, 3600, 5400, 7200, 10800, 18000, 28800, 86400)
_SOLVE_AFTER = (0, 0, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)
_REOPEN_AFTER = (3600, 7200, 14400, 28800, 43200, 86400, 129600, 172800, 259200, 345600, 432000)
_SURVEY_AFTER = (300, 600, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 129600, 172800)
_SELF_SERVE = (30, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1800)
_AUTO_CLOSE = 4 * _DAY
# Where an unresolved (backlog) ticket stops, with weights.
_UNRESOLVED = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
_UNRESOLVED_BOUNDS = (20, 60, 85, 100)

# Themes per kind (weights) and the default group index each theme goes to.
_THEMES = {
    Kind.COMPLAINT: (("billing", 30), ("delivery", 20), ("outage", 15), ("fault", 15),
                     ("staff", 10), ("cancellation", 10)),
    Kind.ENQUIRY: (("billing", 30), ("product", 30), ("delivery", 20), ("account", 20)),
    Kind.REQUEST: (("account", 25), ("cancellation", 20), ("upgrade", 25), ("refund", 15),
                   ("address", 15)),
    Kind.FEEDBACK: (("praise", 60), ("suggestion", 40)),
}  # fmt: skip
_THEME_GROUP = {
    "billing": 0, "refund": 0, "outage": 1, "fault": 1, "product": 1, "delivery": 2,
    "address": 2, "account": 3, "upgrade": 3, "staff": 3, "praise": 3, "suggestion": 3,
    "cancellation": 4,
}  # fmt: skip
_PRODUCTS = (("broadband", 35), ("mobile", 30), ("tv", 15), ("landline", 10), ("smart_home", 10))
# CSAT score weights (1..5): content, unhappy (complaint, long wait or reopened).
_CSAT_CONTENT = (4, 4, 8, 30, 54)
_CSAT_UNHAPPY = (16, 12, 16, 28, 28)
_SEGMENTS = (("consumer", 75), ("smb", 20), ("enterprise", 5))
_TIERS = (("bronze", 50), ("silver", 30), ("gold", 15), ("platinum", 5))
_WRITTEN = frozenset({Channel.EMAIL, Channel.WEB_FORM, Channel.SOCIAL})
_RECENT_CUSTOMERS = 10_000
_MASK = (1 << 64) - 1


def _check_count(count: object) -> int:
    return integer(count, field="count", low=0, high=_MAX_COUNT)


def _check_seed(seed: object) -> int:
    return integer(seed, field="seed")


def _cumulative(weights: Iterable[int]) -> tuple[int, ...]:
    return tuple(accumulate(weights))


def _below(rng: random.Random, n: int) -> int:
    """A uniform integer in [0, n): ``random()`` is C-fast and the same on every IEEE-754 platform."""
    return int(rng.random() * n)


def _pick(rng: random.Random, values: tuple[Any, ...], cumulative: tuple[int, ...]) -> Any:
    draw = int(rng.random() * cumulative[-1])
    for value, bound in zip(values, cumulative, strict=True):
        if draw < bound:
            return value
    raise AssertionError("unreachable: the draw is below the last bound")  # pragma: no cover


def _duration(rng: random.Random, table: tuple[int, ...]) -> int:
    """Draw microseconds from a decile table (whole seconds)."""
    index, fraction = divmod(int(rng.random() * 1000), 100)
    low = table[index]
    return (low + (table[index + 1] - low) * fraction // 100) * _SEC


def _mix64(*parts: int) -> int:
    """SplitMix64 over the parts: a platform-independent hash for per-customer facts."""
    state = 0x9E3779B97F4A7C15
    for part in parts:
        state = (state + (part & _MASK) + 0x9E3779B97F4A7C15) & _MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        state = z ^ (z >> 31)
    return state


def _weighted(value: int, table: tuple[tuple[str, int], ...]) -> str:
    total = sum(w for _, w in table)
    point = value % total
    for name, weight in table:
        if point < weight:
            return name
        point -= weight
    raise AssertionError("unreachable")  # pragma: no cover


def _customer_facts(seed: int, number: int) -> tuple[str, str, int, int | None]:
    """Segment, tier, days acquired before start, and days after start of churn (if any)."""
    h = _mix64(seed, number, 0xC057)
    segment = _weighted(h & 0xFFFF, _SEGMENTS)
    tier = _weighted((h >> 16) & 0xFFFF, _TIERS)
    acquired_days = 1 + (h >> 32) % 1_500
    churn = (h >> 48) & 0xFF
    churn_days = None if churn >= 20 else 1 + churn * 17  # ~8% churn within the year
    return segment, tier, acquired_days, churn_days


class _Builder:
    """Turns draws into the events of one interaction (a small state machine over time)."""

    def __init__(self, rng: random.Random, profile: SampleProfile) -> None:
        self.rng = rng
        self.profile = profile
        self.tz = zone(profile.timezone)
        self.channels = tuple(c for c, _ in profile.channels)
        self.channel_bounds = _cumulative(w for _, w in profile.channels)
        self.kinds = tuple(k for k, _ in profile.kinds)
        self.kind_bounds = _cumulative(w for _, w in profile.kinds)
        self.priorities = tuple(p for p, _ in profile.priorities)
        self.priority_bounds = _cumulative(w for _, w in profile.priorities)
        self.themes = {
            kind: (tuple(t for t, _ in table), _cumulative(w for _, w in table))
            for kind, table in _THEMES.items()
        }
        self.products = (tuple(p for p, _ in _PRODUCTS), _cumulative(w for _, w in _PRODUCTS))
        groups = profile.groups
        self.agents_by_group: list[list[str]] = [[] for _ in groups]
        for number in range(1, profile.agents + 1):
            self.agents_by_group[(number - 1) % len(groups)].append(f"A-{number:03d}")
        self.all_agents = [a for group in self.agents_by_group for a in group]
        self.csat_content = _cumulative(_CSAT_CONTENT)
        self.csat_unhappy = _cumulative(_CSAT_UNHAPPY)
        self.scores = (1, 2, 3, 4, 5)
        self.durations: dict[int, pendulum.Duration] = {}
        self.offsets = ZONES.offsets(self.tz)

    def at(self, micros: int) -> pendulum.DateTime:
        """The instant *micros* in the profile's zone, by the time layer's offset table."""
        return self.offsets.show(micros)

    def percent(self, rate: int) -> bool:
        return self.rng.random() * 100 < rate

    def work(self, micros: int) -> pendulum.Duration:
        # Work values repeat (whole seconds from tables) and Durations are immutable.
        found = self.durations.get(micros)
        if found is None:
            found = self.durations[micros] = pendulum.Duration(microseconds=micros)
        return found

    def interaction(self, number: int, customer: int, tier: str, created: int) -> Interaction:
        rng, profile = self.rng, self.profile
        channel: Channel = _pick(rng, self.channels, self.channel_bounds)
        kind: Kind = _pick(rng, self.kinds, self.kind_bounds)
        priority: Priority = _pick(rng, self.priorities, self.priority_bounds)
        theme: str = _pick(rng, *self.themes[kind])
        product: str = _pick(rng, *self.products)
        tags = {f"product:{product}", f"theme:{theme}"}
        if tier in ("gold", "platinum"):
            tags.add("vip")
        groups = profile.groups
        group_index = _THEME_GROUP[theme] % len(groups)
        pool = self.agents_by_group[group_index] or self.all_agents
        agent = pool[_below(rng, len(pool))]
        events: list[Event] = []
        t = created
        status = Status.NEW
        unhappy = kind is Kind.COMPLAINT

        at = self.at

        def set_status(moment: int, new: Status) -> None:
            nonlocal status
            if new is not status:
                events.append(StatusChange(at=at(moment), status=new))
                status = new

        def agent_reply(moment: int, work: int) -> None:
            events.append(
                Message(
                    at=at(moment),
                    author=Role.AGENT,
                    author_id=agent,
                    work=self.work(work),
                )
            )

        def finish() -> Interaction:
            return Interaction(
                id=f"T-{number:07d}",
                customer_id=f"C-{customer:07d}",
                channel=channel,
                kind=kind,
                priority=priority,
                created_at=at(created),
                tags=frozenset(tags),
                events=events,
            )

        events.append(Message(at=at(t), author=Role.CUSTOMER))
        needs_written_follow_up = False
        if channel in (Channel.PHONE, Channel.IN_PERSON):
            t += _duration(rng, _PHONE_WAIT) if channel is Channel.PHONE else 60 * _SEC
            events.append(Assignment(at=at(t), agent_id=agent, group=groups[group_index]))
            set_status(t, Status.OPEN)
            talk = _duration(rng, _TALK)
            agent_reply(t, talk + _duration(rng, _WRAP))
            t += talk
            needs_written_follow_up = not self.percent(80)
            if needs_written_follow_up:
                set_status(t, Status.PENDING)
        elif channel is Channel.CHAT:
            if self.percent(profile.bot_percent):
                t += _duration(rng, _BOT_DELAY)
                events.append(Message(at=at(t), author=Role.BOT))
            t += _duration(rng, _CHAT_WAIT)
            events.append(Assignment(at=at(t), agent_id=agent, group=groups[group_index]))
            set_status(t, Status.OPEN)
            for exchange in range(1 + _below(rng, 4)):
                if exchange:
                    t += _duration(rng, _CHAT_GAP)
                    events.append(Message(at=at(t), author=Role.CUSTOMER))
                t += _duration(rng, _CHAT_GAP)
                agent_reply(t, _duration(rng, _CHAT_WORK))
        elif channel is Channel.SELF_SERVICE:
            t += _duration(rng, _BOT_DELAY)
            events.append(Message(at=at(t), author=Role.BOT))
            if self.percent(70):
                t += _duration(rng, _SELF_SERVE)
                set_status(t, Status.SOLVED)
            else:
                needs_written_follow_up = True
        else:
            needs_written_follow_up = True
            if self.percent(profile.bot_percent):
                t += _duration(rng, _BOT_DELAY)
                events.append(Message(at=at(t), author=Role.BOT))
        if needs_written_follow_up:
            stop = (
                _pick(rng, _UNRESOLVED, _UNRESOLVED_BOUNDS)
                if self.percent(profile.unresolved_percent)
                else None
            )
            if stop is Status.NEW and status is Status.NEW:
                return finish()
            if status is Status.PENDING:
                t += _duration(rng, _CUSTOMER_REPLY)
                events.append(Message(at=at(t), author=Role.CUSTOMER))
                set_status(t, Status.OPEN)
            else:
                t += _duration(rng, _ASSIGN)
                events.append(Assignment(at=at(t), agent_id=agent, group=groups[group_index]))
                set_status(t, Status.OPEN)
            if kind is Kind.COMPLAINT and self.percent(10):
                t += _duration(rng, _BOT_DELAY)
                raised = Priority.URGENT if priority is not Priority.URGENT else Priority.HIGH
                events.append(PriorityChange(at=at(t), priority=raised))
            if stop is Status.OPEN:
                return finish()
            if self.percent(profile.note_percent):
                t += _duration(rng, _SOLVE_AFTER)
                events.append(
                    Message(
                        at=at(t),
                        author=Role.AGENT,
                        visibility=Visibility.PRIVATE,
                        author_id=agent,
                        work=self.work(_duration(rng, _WRAP)),
                    )
                )
            wait = _duration(rng, _FIRST_REPLY)
            unhappy = unhappy or wait > _DAY
            t += wait
            agent_reply(t, _duration(rng, _WRITTEN_WORK))
            if stop is Status.ON_HOLD or self.percent(profile.on_hold_percent):
                set_status(t, Status.ON_HOLD)
                if stop is Status.ON_HOLD:
                    return finish()
                t += _duration(rng, _HOLD)
                set_status(t, Status.OPEN)
                agent_reply(t, _duration(rng, _WRITTEN_WORK))
            if stop is Status.PENDING or self.percent(profile.pending_percent):
                set_status(t, Status.PENDING)
                if stop is Status.PENDING:
                    return finish()
                t += _duration(rng, _CUSTOMER_REPLY)
                events.append(Message(at=at(t), author=Role.CUSTOMER))
                set_status(t, Status.OPEN)
                t += _duration(rng, _NEXT_REPLY)
                agent_reply(t, _duration(rng, _WRITTEN_WORK))
        if status is not Status.SOLVED:
            t += _duration(rng, _SOLVE_AFTER)
            set_status(t, Status.SOLVED)
        if self.percent(profile.reopen_percent):
            unhappy = True
            t += _duration(rng, _REOPEN_AFTER)
            events.append(Message(at=at(t), author=Role.CUSTOMER))
            set_status(t, Status.OPEN)
            t += _duration(rng, _NEXT_REPLY)
            agent_reply(t, _duration(rng, _WRITTEN_WORK))
            t += _duration(rng, _SOLVE_AFTER)
            set_status(t, Status.SOLVED)
        solved = t
        if self.percent(profile.survey_percent):
            t += _duration(rng, _SURVEY_AFTER)
            score = _pick(rng, self.scores, self.csat_unhappy if unhappy else self.csat_content)
            events.append(SatisfactionResponse(at=at(t), score=score))
        if self.percent(70):
            set_status(solved + _AUTO_CLOSE, Status.CLOSED)
        return finish()


def _hour_weights(day: int, hour: int) -> tuple[int, int]:
    shape = _WEEKDAY_SHAPE if day < 5 else _WEEKEND_SHAPE
    return _DAY_PERCENT[day] * shape[hour], 100 * sum(shape)


def generate(
    count: int,
    *,
    seed: int,
    start: _dt.datetime,
    profile: SampleProfile | None = None,
) -> Iterator[Interaction]:
    """Lazily make *count* realistic, valid interactions; the same seed gives the same data.

    Arrivals follow a weekly pattern in the profile's timezone (busy weekday
    business hours, quiet nights and weekends, Mondays busiest) starting at
    *start*. Each interaction draws a channel, kind, priority and a product
    and theme tag (``product:broadband``, ``theme:billing``; ``vip`` for gold
    and platinum customers), and a life that fits its channel: calls answered
    after a wait with talk and wrap-up time as ``work``; chats with a bot
    greeting and a few exchanges; emails, web forms and social posts with a bot
    acknowledgement, an assignment to an agent of the theme's group, private
    notes, pending and on-hold periods; self-service that a bot mostly solves.
    Some are escalated, some reopened, some rated (CSAT, worse after a
    complaint, a long wait or a reopen), most closed four days after solving;
    a few written ones stay unresolved (new, open, pending or on hold).
    Customers (``C-0000001``…) return at the profile's repeat rate.

    Output depends only on (count, seed, start, profile): no clock, no
    platform-dependent floating point.

    Args:
        count: how many interactions (0 to 100,000,000).
        seed: any integer.
        start: an aware instant; the first arrivals come after it.
        profile: volumes, mixes and rates (default :class:`SampleProfile`).

    Raises:
        ValidationError: a bad count, seed or start (at call time).

    >>> import pendulum
    >>> start = pendulum.datetime(2024, 6, 3, tz="Europe/London")
    >>> first = list(generate(3, seed=7, start=start))
    >>> [i.id for i in first]
    ['T-0000001', 'T-0000002', 'T-0000003']
    >>> first == list(generate(3, seed=7, start=start))
    True
    """
    total = _check_count(count)
    rng_seed = _check_seed(seed)
    begin = to_micros(aware(start, field="start"))
    chosen = profile if profile is not None else SampleProfile()
    return _generate(total, rng_seed, begin, instance(chosen, SampleProfile, field="profile"))


def _generate(count: int, seed: int, begin: int, profile: SampleProfile) -> Iterator[Interaction]:
    rng = random.Random(seed)
    builder = _Builder(rng, profile)
    tz = builder.tz
    recent: list[int] = []
    next_customer = 0
    number = 0
    hour = begin - begin % _HOUR
    volume = profile.daily_volume
    while number < count:
        local = from_micros(hour, tz)
        weight, scale = _hour_weights(local.weekday(), local.hour)
        jitter = 700 + _below(rng, 601)
        numerator, denominator = volume * weight * jitter, scale * 1000
        arrivals = numerator // denominator + (_below(rng, denominator) < numerator % denominator)
        offsets = sorted(_below(rng, 3600) * _SEC for _ in range(arrivals))
        for offset in offsets:
            created = hour + offset
            if created < begin:
                continue
            if recent and _below(rng, 100) < profile.repeat_percent:
                customer = recent[_below(rng, len(recent))]
            else:
                next_customer += 1
                customer = next_customer
                if len(recent) < _RECENT_CUSTOMERS:
                    recent.append(customer)
                else:
                    recent[customer % _RECENT_CUSTOMERS] = customer
            number += 1
            tier = _customer_facts(seed, customer)[1]
            yield builder.interaction(number, customer, tier, created)
            if number >= count:
                return
        hour += _HOUR


def customers(count: int, *, seed: int, start: _dt.datetime) -> Iterator[Customer]:
    """Lazily make customers ``C-0000001`` to *count*, matching :func:`generate`'s ids.

    Each customer's segment, tier, acquisition (before *start*) and churn
    (about 8% churn within a year after *start*) depend only on the seed and
    the customer's number, so ``customers(n, seed=s, ...)`` covers every
    customer in ``generate(n, seed=s, ...)`` and agrees with its ``vip`` tags.

    >>> import pendulum
    >>> start = pendulum.datetime(2024, 6, 3, tz="Europe/London")
    >>> [c.id for c in customers(2, seed=7, start=start)]
    ['C-0000001', 'C-0000002']
    >>> all(c.acquired_at < start for c in customers(50, seed=7, start=start))
    True
    """
    total = _check_count(count)
    rng_seed = _check_seed(seed)
    begin = aware(start, field="start")
    return _customers(total, rng_seed, begin)


def _customers(count: int, seed: int, begin: pendulum.DateTime) -> Iterator[Customer]:
    origin = to_micros(begin)
    tz = begin.tzinfo or pendulum.UTC
    for number in range(1, count + 1):
        segment, tier, acquired_days, churn_days = _customer_facts(seed, number)
        minute = _mix64(seed, number, 0xACC) % 1440
        acquired = origin - acquired_days * _DAY + minute * _MIN
        churned = None if churn_days is None else from_micros(origin + churn_days * _DAY, tz)
        yield Customer(
            id=f"C-{number:07d}",
            acquired_at=from_micros(acquired, tz),
            segment=segment,
            tier=tier,
            churned_at=churned,
        )


_NPS_WEIGHTS = {
    False: (2, 1, 1, 2, 2, 4, 6, 14, 20, 24, 24),
    True: (8, 5, 6, 7, 8, 10, 10, 14, 12, 10, 10),
}
_CES_WEIGHTS = {False: (2, 3, 5, 10, 20, 30, 30), True: (10, 12, 14, 18, 18, 16, 12)}
_REVIEW_SOURCES = ("trustpilot", "google", "app_store")


def feedback(interactions: Iterable[Interaction], *, seed: int) -> Iterator[Feedback]:
    """Lazily make NPS, CES and review feedback that follows the given interactions.

    For each solved interaction: a CES answer about it (15%) a day after the
    solve; an NPS answer from its customer (6%) a week after contact; a public
    review (2%). Scores are lower after complaints and low CSAT. The output
    depends only on the interactions and *seed*; it comes in the order of the
    interactions (each item after its interaction).

    >>> import pendulum
    >>> start = pendulum.datetime(2024, 6, 3, tz="Europe/London")
    >>> items = list(feedback(generate(300, seed=7, start=start), seed=7))
    >>> sorted({type(f).__name__ for f in items})
    ['CesResponse', 'NpsResponse', 'Review']
    """
    rng_seed = _check_seed(seed)
    return _feedback(interactions, rng_seed)


def _feedback(interactions: Iterable[Interaction], seed: int) -> Iterator[Feedback]:
    rng = random.Random(_mix64(seed, 0xFEED))
    nps = {k: _cumulative(v) for k, v in _NPS_WEIGHTS.items()}
    ces = {k: _cumulative(v) for k, v in _CES_WEIGHTS.items()}
    stars = (1, 2, 3, 4, 5)
    for interaction in interactions:
        solved = interaction.last_solved_at()
        if solved is None:
            continue
        csat = interaction.satisfaction()
        unhappy = interaction.kind is Kind.COMPLAINT or (csat is not None and csat <= 2)
        draw = _below(rng, 1000)
        common: dict[str, Any] = {
            "customer_id": interaction.customer_id,
            "interaction_id": interaction.id,
            "channel": interaction.channel,
        }
        if draw < 150:
            yield CesResponse(
                at=solved.add(days=1),
                score=_pick(rng, tuple(range(1, 8)), ces[unhappy]),
                **common,
            )
        elif draw < 210:
            yield NpsResponse(
                at=interaction.created_at.add(days=7),
                score=_pick(rng, tuple(range(11)), nps[unhappy]),
                customer_id=interaction.customer_id,
                channel=Channel.EMAIL,
            )
        elif draw < 230:
            weights = _CSAT_UNHAPPY if unhappy else _CSAT_CONTENT
            yield Review(
                at=solved.add(days=2),
                stars=_pick(rng, stars, _cumulative(weights)),
                source=_REVIEW_SOURCES[_below(rng, len(_REVIEW_SOURCES))],
                customer_id=interaction.customer_id,
            )
