"""Where a ledger is kept: durable stores in SQLite (built in) and PostgreSQL (an extra).

A store keeps a :class:`~servicemodel.loyalty.Ledger`'s commands and journal
in a database; :class:`StoredLedger` runs the ledger's own rules over it,
one transaction per command. URLs name the store:

- ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db``
  (options: ``?synchronous=normal`` (the default: safe against a process
  crash), ``full`` (also against a power cut: one disk flush per commit) or
  ``extra``);
- ``postgresql://user@host:port/database`` (needs ``servicemodel[postgres]``).

:func:`create_store` makes a new store with the current schema version;
:func:`open_store` opens one (refusing a store written by a newer
servicemodel, migrating an older one). :func:`export_jsonl` and
:func:`import_jsonl` move a ledger of any size to and from JSON lines, one
command per line, in flat memory.

>>> import pathlib, tempfile, pendulum
>>> from servicemodel.loyalty import Policies
>>> url = "sqlite:///" + str(pathlib.Path(tempfile.mkdtemp(), "ledger.db"))
>>> with create_store(url, policies=Policies(zone="Europe/Warsaw")) as ledger:
...     _ = ledger.earn(member="ann", points=100, key="o-1",
...                     at=pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw"))
>>> with open_store(url) as ledger:
...     ledger.version("ann")
1
"""

from __future__ import annotations

import importlib
from typing import Any, Final
from urllib.parse import urlsplit

from ...exceptions import StoreError
from .._policies import Policies
from ._codec import command_from_json, command_to_json
from ._interface import LedgerStore, StoredCommand, StoreTransaction, Written
from ._jsonl import export_jsonl, import_jsonl
from ._ledger import StoredLedger
from ._schema import SCHEMA_VERSION

__all__ = [  # noqa: RUF022 - plain sorted order, as tests/test_public_api.py checks
    "LedgerStore",
    "SCHEMA_VERSION",
    "StoreTransaction",
    "StoredCommand",
    "StoredLedger",
    "Written",
    "command_from_json",
    "command_to_json",
    "create_store",
    "export_jsonl",
    "import_jsonl",
    "open_store",
]

# URL scheme -> (module, class) of the store; PostgreSQL is imported only when asked for.
_BACKENDS: Final = {
    "sqlite": ("._sqlite", "SQLiteStore"),
    "postgresql": ("._postgres", "PostgresStore"),
    "postgres": ("._postgres", "PostgresStore"),
}


def _backend(url: object) -> Any:
    if not isinstance(url, str):
        raise StoreError(f"'url' must be a store URL string (got {url!r})", url=None)
    scheme = urlsplit(url).scheme
    if scheme not in _BACKENDS:
        raise StoreError(
            f"'url' must start with sqlite:/// or postgresql:// (got {_safe(url)!r})",
            url=_safe(url),
        )
    module, name = _BACKENDS[scheme]
    try:
        found = importlib.import_module(module, __name__)
    except ImportError as exc:
        raise StoreError(
            f"'url' {_safe(url)!r} needs PostgreSQL support, which is not installed "
            f"({exc}); install servicemodel[postgres]",
            url=_safe(url),
        ) from None
    return getattr(found, name)


def _safe(url: str) -> str:
    """*url* without a password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


def create_store(url: str, *, policies: Policies, cache: int = 10_000) -> StoredLedger:
    """Create a new, empty store at *url* for a ledger under *policies*.

    Raises:
        StoreError: a store (or any file) is already there, or the URL is not understood.

    >>> import pathlib, tempfile
    >>> url = "sqlite:///" + str(pathlib.Path(tempfile.mkdtemp(), "l.db"))
    >>> create_store(url, policies=Policies()).close()
    >>> create_store(url, policies=Policies())
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.StoreError: 'url' must name a new file to create a store (got ...
    """
    store: LedgerStore = _backend(url).create(url, policies=policies)
    return StoredLedger(store, cache=cache)


def open_store(url: str, *, cache: int = 10_000) -> StoredLedger:
    """Open the store at *url* (its schema checked, an older one migrated).

    Reads no commands: each member's state loads on first use, and at most
    *cache* members' states stay in memory.

    Raises:
        StoreNotFound: nothing at *url*.
        SchemaVersionError: a newer servicemodel wrote it, or it is not a ledger store.

    >>> open_store("sqlite:///no/such/ledger.db")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.StoreNotFound: 'url' must name an existing ledger store (got ...
    """
    store: LedgerStore = _backend(url).open(url)
    return StoredLedger(store, cache=cache)
