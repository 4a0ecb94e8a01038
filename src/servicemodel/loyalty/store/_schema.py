"""The stores' schema: its version, the tables, and how an older store is migrated.

``schema_version`` holds one row, the version the store was written with.
Opening a store created by an older servicemodel runs the migrations from its
version up to :data:`SCHEMA_VERSION`, in one transaction; a store written by
a newer servicemodel is refused (it may hold what this version cannot read).

Tables (SQLite types; PostgreSQL uses the same names and columns):

- ``ledger``: one row, the ledger's policies (a ledger document without commands);
- ``members``: each member's version (the number of accepted commands);
- ``commands``: each accepted command, ``key`` unique, ``(member, version)``
  unique, with the command as its ledger-document JSON;
- ``entries``: the journal, one row per entry, ``seq`` its position,
  ``command`` the command that wrote it (NULL for an activation or expiry a
  command recorded before it ran).
"""

from __future__ import annotations

from typing import Final

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SQLITE_SCHEMA"]

#: The schema version this servicemodel writes.
SCHEMA_VERSION: Final = 2

#: Version 1 of the SQLite schema, the first one.
_SQLITE_V1: Final = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE ledger (id INTEGER PRIMARY KEY CHECK (id = 1), policies TEXT NOT NULL)",
    "CREATE TABLE members ("
    " member TEXT PRIMARY KEY, version INTEGER NOT NULL CHECK (version >= 0))",
    "CREATE TABLE commands ("
    " seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, member TEXT NOT NULL,"
    " version INTEGER NOT NULL, micros INTEGER NOT NULL, command TEXT NOT NULL,"
    " UNIQUE (member, version))",
    "CREATE TABLE entries ("
    " seq INTEGER PRIMARY KEY, command INTEGER REFERENCES commands (seq),"
    " member TEXT NOT NULL, kind TEXT NOT NULL, micros INTEGER NOT NULL,"
    " points INTEGER NOT NULL, allocations TEXT NOT NULL, lot INTEGER,"
    " key TEXT, ref TEXT, note TEXT)",
)

#: Each migration takes the SQLite schema from version ``n`` to ``n + 1``.
MIGRATIONS: Final[dict[int, tuple[str, ...]]] = {
    # 1 -> 2: a member's history and state load by an index, not a scan of the journal.
    1: (
        "CREATE INDEX entries_by_member ON entries (member, seq)",
        "CREATE INDEX entries_by_command ON entries (command, seq)",
    ),
}

#: The SQLite schema at :data:`SCHEMA_VERSION`: version 1 and every migration.
SQLITE_SCHEMA: Final = (
    *_SQLITE_V1,
    *(statement for version in sorted(MIGRATIONS) for statement in MIGRATIONS[version]),
)
