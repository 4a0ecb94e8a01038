"""Ledger commands as typed values: what was asked of a ledger, by name and arguments.

A :class:`Command` is what a ledger keeps for idempotency and replays: its
name (a :class:`CommandName`), its idempotency key, the member, the instant
and the command's own arguments. Stores write commands down and read them
back; JSON lines hold one command each.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Iterable
from typing import Any, Final, TypeVar, final

import attrs
import pendulum

from .._time import aware, from_micros, to_micros, zone
from .._validators import enum_member, is_collection
from ._policies import ADJUST_SHORTFALL
from ._values import _Micros

__all__ = ["COMMAND_FIELDS", "Command", "CommandName", "command_call"]

_R = TypeVar("_R")


class CommandName(enum.Enum):
    """The commands a ledger accepts, named as its methods.

    >>> CommandName("reverse_redemption")
    <CommandName.REVERSE_REDEMPTION: 'reverse_redemption'>
    """

    EARN = "earn"
    ACTIVATE = "activate"
    REDEEM = "redeem"
    REVERSE_REDEMPTION = "reverse_redemption"
    RETURN_PURCHASE = "return_purchase"
    ADJUST = "adjust"


#: Each command's own arguments, in the order the ledger keeps them.
COMMAND_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "earn": ("points", "awards", "lines", "expiry", "tally"),
    "activate": ("earn",),
    "redeem": ("points", "reward"),
    "reverse_redemption": ("redemption",),
    "return_purchase": ("earn", "lines", "tally"),
    "adjust": ("points", "reason", "shortfall", "expiry"),
}

_EPOCH: Final = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


def _instant(at: _dt.datetime) -> int:
    """A command's instant (an aware datetime) as epoch microseconds.

    The micros a command already holds come back as they are (``attrs.evolve``
    passes them to ``at``), marked as the ledger's own.
    """
    if isinstance(at, _Micros):
        return at
    return _Micros(to_micros(aware(at, field="at")))


def _pairs(arguments: Iterable[tuple[str, Any]]) -> tuple[tuple[str, Any], ...]:
    """A command's arguments as a tuple (a list is accepted)."""
    if not is_collection(arguments):
        from ..exceptions import ValidationError

        raise ValidationError(
            f"'arguments' must be a collection of (name, value) pairs (got {arguments!r})",
            field="arguments",
            value=arguments,
        )
    return tuple(arguments)


def _command_name(value: object) -> CommandName:
    """A command's name as a :class:`CommandName` (the member or its value).

    >>> _command_name("redeem")
    <CommandName.REDEEM: 'redeem'>
    """
    return enum_member(CommandName, value, field="name")


@final
@attrs.frozen(kw_only=True)
class Command:
    """One ledger command: its name, key, member, instant and arguments.

    :attr:`at` is the command's instant, in ``zone``; it is given as an
    aware datetime (``at=``), whichever way the command is built.
    ``arguments`` are the command's own arguments as ``(name, value)`` pairs
    in the order of :data:`COMMAND_FIELDS`; an argument left at its default
    is still listed (``None`` or ``()``, and an adjustment's ``shortfall``
    ``NegativeBalance.REFUSE``, as the ledger method's defaults). :meth:`of`
    builds them from keywords. The values are checked when a ledger runs the command, as the
    method of its name checks them.
    :meth:`Ledger.apply <servicemodel.loyalty.Ledger.apply>` runs a command,
    :meth:`Ledger.commands <servicemodel.loyalty.Ledger.commands>` lists the
    accepted ones.

    >>> import pendulum
    >>> t = pendulum.datetime(2025, 1, 1)
    >>> c = Command.of("redeem", key="r-1", member="ann", at=t, points=40)
    >>> c.name, c.argument("points"), c.argument("reward")
    (<CommandName.REDEEM: 'redeem'>, 40, None)
    """

    name: CommandName = attrs.field(converter=_command_name)
    key: str
    member: str
    _micros: int = attrs.field(alias="at", converter=_instant)
    arguments: tuple[tuple[str, Any], ...] = attrs.field(default=(), converter=_pairs)
    zone: str = attrs.field(default="UTC", eq=False, repr=False)

    @arguments.validator
    def _check_arguments(self, _: Any, arguments: tuple[tuple[str, Any], ...]) -> None:
        fields = COMMAND_FIELDS[self.name.value]
        names = tuple(p[0] for p in arguments if isinstance(p, tuple) and len(p) == 2)
        if names != fields or len(arguments) != len(fields):
            from ..exceptions import ValidationError

            raise ValidationError(
                f"'arguments' must be the (name, value) pairs of {', '.join(fields)} in this "
                f"order, for command {self.name.value!r} (got {arguments!r}); "
                "Command.of builds them from keywords",
                field="arguments",
                value=arguments,
            )

    @classmethod
    def of(
        cls,
        name: str | CommandName,
        *,
        key: str,
        member: str,
        at: _dt.datetime,
        zone: str = "UTC",
        **arguments: Any,
    ) -> Command:
        """Build a command from keyword arguments (missing ones take their defaults).

        *at* is the command's instant, an aware datetime; *zone* the zone
        :attr:`at` shows it in. A missing argument takes the default of the
        ledger method of the command's name (an adjustment's ``shortfall`` is
        ``NegativeBalance.REFUSE``); one without a default (an earn's
        ``points``) is ``None``, which the ledger refuses when it runs the
        command.

        Raises:
            ValidationError: *at* is not an aware datetime, or an argument the
                command does not take.

        >>> import pendulum
        >>> t = pendulum.datetime(2025, 1, 1)
        >>> Command.of("activate", key="a", member="ann", at=t, earn="o-1").arguments
        (('earn', 'o-1'),)
        >>> Command.of("adjust", key="f", member="ann", at=t, points=-5, reason="x").argument(
        ...     "shortfall"
        ... )
        <NegativeBalance.REFUSE: 'refuse'>
        """
        command_name = _command_name(name)
        fields = COMMAND_FIELDS[command_name.value]
        unknown = sorted(set(arguments) - set(fields))
        if unknown:
            from ..exceptions import ValidationError

            raise ValidationError(
                f"'{unknown[0]}' is not an argument of command {command_name.value!r} "
                f"(it takes {', '.join(fields)})",
                field=unknown[0],
                value=arguments[unknown[0]],
            )
        return cls(
            name=command_name,
            key=key,
            member=member,
            at=at,
            arguments=tuple(
                (field, _normal(command_name, field, arguments.get(field))) for field in fields
            ),
            zone=zone,
        )

    def argument(self, name: str) -> Any:
        """Return the argument *name* (``None`` when the command has no such argument).

        >>> import pendulum
        >>> t = pendulum.datetime(2025, 1, 1)
        >>> Command.of("earn", key="k", member="m", at=t, points=5).argument("points")
        5
        """
        for field, value in self.arguments:
            if field == name:
                return value
        return None

    @property
    def at(self) -> pendulum.DateTime:
        """The command's instant in its zone.

        >>> import pendulum
        >>> t = pendulum.datetime(2025, 1, 1, 12, tz="Europe/Warsaw")
        >>> Command.of("earn", key="k", member="m", at=t, points=1).at
        DateTime(2025, 1, 1, 11, 0, 0, tzinfo=Timezone('UTC'))
        """
        return from_micros(self._micros, zone(self.zone))

    def call(self) -> dict[str, Any]:
        """The keyword arguments of the ledger method that runs this command (``at`` in UTC).

        >>> import pendulum
        >>> t = pendulum.datetime(2025, 1, 1)
        >>> sorted(Command.of("redeem", key="r", member="m", at=t, points=3).call())
        ['at', 'key', 'member', 'points', 'reward']
        """
        # The command's call (see command_call) made to a function that names what it is
        # given: the arguments a ledger's method gets (``at`` the instant as the command
        # holds it).
        kwargs: dict[str, Any] = _KEYWORDS[self.name._value_](None, self)
        kwargs["at"] = _EPOCH + _dt.timedelta(microseconds=self._micros)
        return kwargs


def _tally_mapping(tally: Any) -> Any:
    """A command's tally (sorted ``(name, amount)`` pairs) as the mapping a ledger method takes.

    Anything but pairs is passed on as it is, for the method's check to say what is wrong.
    """
    if type(tally) is tuple:
        try:
            return dict(tally)
        except (TypeError, ValueError):
            pass
    return tally


#: How a command's call passes an argument that the ledger takes in another form than
#: the command holds it: no tally pairs are no tally (``None``, which the ledger takes
#: without checking a mapping; asked inline, as most earns have none).
_PASSED: Final = {"tally": "None if tally == () else _tally_mapping(tally)"}


def command_call(name: str, body: Callable[..., _R]) -> Callable[[Any, Command], _R]:
    """The function ``call(ledger, command)`` that runs *body* with a command *name*'s arguments.

    *body* is called positionally: ``body(ledger, key, member, at, *arguments,
    expected_version)``, with the command's key, member and instant (epoch
    microseconds, as the command holds it), its own arguments in the order
    of :data:`COMMAND_FIELDS` and no expected version (``None``). Made from
    :data:`COMMAND_FIELDS` (as attrs makes a class's ``__init__`` from its
    fields), so that the order of a command's arguments is written once: it
    unpacks the command's ``(name, value)`` pairs (their names and order are
    checked when the command is built). The ledger's method of the command's
    name calls the same *body* (issue 19: a command reaches it without a
    keyword call).

    >>> import pendulum
    >>> c = Command.of("activate", key="a", member="ann", at=pendulum.datetime(1970, 1, 1), earn="o")
    >>> command_call("activate", lambda *given: given)("ledger", c)
    ('ledger', 'a', 'ann', 0, 'o', None)
    """
    fields = COMMAND_FIELDS[name]
    pairs = "".join(f"(_, {field}), " for field in fields)
    passed = "".join(f", {_PASSED.get(field, field)}" for field in fields)
    source = (
        "def call(ledger, command):\n"
        f"    {pairs}= command.arguments\n"
        f"    return body(ledger, command.key, command.member, command._micros{passed}, None)\n"
    )
    namespace: dict[str, Any] = {"_tally_mapping": _tally_mapping, "body": body}
    exec(compile(source, f"<call of {name}>", "exec"), namespace)
    call: Callable[[Any, Command], _R] = namespace["call"]
    return call


def _keywords(name: str) -> Callable[..., dict[str, Any]]:
    """A body for :func:`command_call` that returns the keyword arguments it was given by name."""
    names = ("key", "member", "at", *COMMAND_FIELDS[name], "expected_version")

    def keywords(_ledger: object, *values: Any) -> dict[str, Any]:
        given = dict(zip(names, values, strict=True))
        del given["expected_version"]  # a command has none
        return given

    return keywords


#: Each command name's call made to :func:`_keywords` (see :meth:`Command.call`).
_KEYWORDS: Final = {name: command_call(name, _keywords(name)) for name in COMMAND_FIELDS}


def _normal(name: CommandName, field: str, value: Any) -> Any:
    """An argument as the ledger keeps it (tuples for collections, sorted tally pairs)."""
    if field == "tally":
        if value is None:
            return ()
        items = value.items() if hasattr(value, "items") else value
        return tuple(sorted((str(k), v) for k, v in items))
    if field == "awards":
        return () if value is None else tuple(value)
    if field == "shortfall":
        return ADJUST_SHORTFALL if value is None else value
    if field == "lines":
        # An earn's lines default to none; a return's None means "every line".
        if value is None:
            return () if name is CommandName.EARN else None
        return tuple(value)
    return value


def command_of_payload(payload: tuple[Any, ...], key: str, zone_name: str) -> Command:
    """The :class:`Command` of a ledger's kept payload ``(name, member, micros, *arguments)``."""
    name, member, micros, *rest = payload
    return Command(
        name=CommandName(name),
        key=key,
        member=member,
        at=_EPOCH + _dt.timedelta(microseconds=micros),
        arguments=tuple(zip(COMMAND_FIELDS[name], rest, strict=True)),
        zone=zone_name,
    )


def payload_of(command: Command) -> tuple[Any, ...]:
    """The payload a ledger keeps for *command* (what idempotency compares)."""
    return (command.name.value, command.member, command._micros, *(v for _, v in command.arguments))
