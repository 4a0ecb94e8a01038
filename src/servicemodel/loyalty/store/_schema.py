"""The stores' schema: its versions, the tables of each, and the statements that migrate them.

``schema_version`` holds one row, the version the store was written with.
Opening a store written by an older servicemodel migrates it to
:data:`SCHEMA_VERSION` in one transaction (see :mod:`._migration`); a store
written by a newer servicemodel is refused (it may hold what this version
cannot read).

Version 4, the current one, changed what the ``journal`` table's
``command`` column holds: the compact form of a command (see
:mod:`._codec`) for every command written at version 4, the
ledger-document JSON for those written before (read alike; no row is
rewritten, so that the migration from version 3 is quick, and an older
servicemodel, which reads only the document JSON, refuses the store by its
version). SQLite dropped the ``members`` table: a member's version is the
``version`` of its last ``journal`` row (the ``(member, version)`` index
finds it), and the members in first-seen order are the rows of version 1.
PostgreSQL keeps ``members``, whose rows it locks.

Version 3 (SQLite types; PostgreSQL's below):

- ``ledger``: one row, the ledger's policies (a ledger document without
  commands) and, in SQLite, ``journal_end``, the last journal position given;
- ``members``: each member's version (the number of accepted commands;
  PostgreSQL only from version 4);
- ``journal``: one row per accepted command: ``seq`` its order, ``key``
  unique, ``(member, version)`` unique, the command as its ledger-document
  JSON (version 4: in the compact form), and the journal entries it wrote packed into ``entries`` (see
  :mod:`._entries`): ``first`` is the first entry's journal position,
  ``settled`` how many of them the ledger recorded before the command ran
  (activations, expiries: they belong to no command).

Versions 1 and 2 kept one row per journal entry in a table ``entries`` and
the commands in ``commands`` (version 2 added two indexes); their tables are
kept here as the input of the migrations and their tests.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "POSTGRES_SCHEMA",
    "POSTGRES_V2",
    "POSTGRES_V3",
    "POSTGRES_V3_AFTER",
    "POSTGRES_V3_BEFORE",
    "SCHEMA_VERSION",
    "SQLITE_SCHEMA",
    "SQLITE_V1",
    "SQLITE_V2",
    "SQLITE_V3",
    "SQLITE_V3_AFTER",
    "SQLITE_V3_BEFORE",
    "SQLITE_V4",
]

#: The schema version this servicemodel writes.
SCHEMA_VERSION: Final = 4

#: Version 1 of the SQLite schema, the first one.
SQLITE_V1: Final = (
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

#: SQLite, version 1 to 2: a member's history loads by an index, not a scan of the journal.
SQLITE_V2: Final = (
    "CREATE INDEX entries_by_member ON entries (member, seq)",
    "CREATE INDEX entries_by_command ON entries (command, seq)",
)

#: The SQLite ``journal`` table of version 3.
_SQLITE_JOURNAL: Final = (
    "CREATE TABLE journal ("
    " seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, member TEXT NOT NULL,"
    " version INTEGER NOT NULL CHECK (version >= 1), command TEXT NOT NULL,"
    " first INTEGER NOT NULL, settled INTEGER NOT NULL, entries BLOB NOT NULL,"
    " UNIQUE (member, version))"
)

_SQLITE_VERSION_AND_LEDGER: Final = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE ledger (id INTEGER PRIMARY KEY CHECK (id = 1), policies TEXT NOT NULL,"
    " journal_end INTEGER NOT NULL DEFAULT 0)",
)

#: Version 3 of the SQLite schema.
SQLITE_V3: Final = (
    *_SQLITE_VERSION_AND_LEDGER,
    "CREATE TABLE members ("
    " member TEXT PRIMARY KEY, version INTEGER NOT NULL CHECK (version >= 0))",
    _SQLITE_JOURNAL,
)

#: The SQLite schema at :data:`SCHEMA_VERSION`: version 3's without ``members``
#: (a member's version is its last ``journal`` row's, found by the unique index).
SQLITE_SCHEMA: Final = (*_SQLITE_VERSION_AND_LEDGER, _SQLITE_JOURNAL)

#: SQLite, version 3 to 4.
SQLITE_V4: Final = ("DROP TABLE members",)

#: SQLite, version 2 to 3 (before the rows move; the old tables go afterwards).
SQLITE_V3_BEFORE: Final = (
    _SQLITE_JOURNAL,
    "ALTER TABLE ledger ADD COLUMN journal_end INTEGER NOT NULL DEFAULT 0",
)
SQLITE_V3_AFTER: Final = (
    "UPDATE ledger SET journal_end = (SELECT coalesce(max(seq), 0) FROM entries)",
    "DROP TABLE entries",
    "DROP TABLE commands",
)

#: Version 2 of the PostgreSQL schema, its first: the SQLite tables of version 2
#: in PostgreSQL's types, and a sequence for journal positions.
POSTGRES_V2: Final = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE ledger (id INTEGER PRIMARY KEY CHECK (id = 1), policies TEXT NOT NULL)",
    "CREATE TABLE members ("
    " member TEXT PRIMARY KEY, version INTEGER NOT NULL CHECK (version >= 0))",
    "CREATE TABLE commands ("
    " seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
    " member TEXT NOT NULL, version INTEGER NOT NULL, micros BIGINT NOT NULL,"
    " command TEXT NOT NULL, UNIQUE (member, version))",
    "CREATE SEQUENCE entries_seq",
    "CREATE TABLE entries ("
    " seq BIGINT PRIMARY KEY, command BIGINT REFERENCES commands (seq),"
    " member TEXT NOT NULL, kind TEXT NOT NULL, micros BIGINT NOT NULL,"
    " points BIGINT NOT NULL, allocations TEXT NOT NULL, lot INTEGER,"
    " key TEXT, ref TEXT, note TEXT)",
    "CREATE INDEX entries_by_member ON entries (member, seq)",
    "CREATE INDEX entries_by_command ON entries (command, seq)",
)

# The advisory lock under which a command's journal positions are drawn (held for
# the draw only, not for the transaction).
_POSITIONS_LOCK: Final = 0x5E_12_1C_E1

#: PostgreSQL's ``journal`` table of version 3 (``entries`` BYTEA), its index by
#: position, and ``journal_positions(n)``: the first of *n* consecutive journal
#: positions, drawn from the sequence ``entries_seq`` under a short lock, so that
#: no other command's positions fall between them.
_POSTGRES_JOURNAL: Final = (
    "CREATE TABLE journal ("
    " seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
    " member TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1),"
    " command TEXT NOT NULL, first BIGINT NOT NULL, settled INTEGER NOT NULL,"
    " entries BYTEA NOT NULL, UNIQUE (member, version))",
    "CREATE INDEX journal_by_position ON journal (first, seq)",
    "CREATE FUNCTION journal_positions(n integer) RETURNS bigint LANGUAGE plpgsql AS $$"
    " DECLARE first bigint;"
    f" BEGIN PERFORM pg_advisory_lock({_POSITIONS_LOCK});"
    " first := nextval('entries_seq');"
    " IF n > 1 THEN PERFORM setval('entries_seq', first + n - 1); END IF;"
    f" PERFORM pg_advisory_unlock({_POSITIONS_LOCK}); RETURN first;"
    f" EXCEPTION WHEN OTHERS OR query_canceled THEN"
    f" PERFORM pg_advisory_unlock({_POSITIONS_LOCK}); RAISE;"
    " END $$",
)

#: Version 3 of the PostgreSQL schema (version 4 has the same tables).
POSTGRES_V3: Final = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE ledger (id INTEGER PRIMARY KEY CHECK (id = 1), policies TEXT NOT NULL)",
    "CREATE TABLE members ("
    " member TEXT PRIMARY KEY, version INTEGER NOT NULL CHECK (version >= 0))",
    "CREATE SEQUENCE entries_seq",
    *_POSTGRES_JOURNAL,
)

#: The PostgreSQL schema at :data:`SCHEMA_VERSION`.
POSTGRES_SCHEMA: Final = POSTGRES_V3

#: PostgreSQL, version 2 to 3 (before the rows move; the old tables go afterwards).
POSTGRES_V3_BEFORE: Final = (
    "LOCK TABLE members, commands, entries IN ACCESS EXCLUSIVE MODE",
    *_POSTGRES_JOURNAL,
)
POSTGRES_V3_AFTER: Final = (
    "SELECT setval(pg_get_serial_sequence('journal', 'seq'),"
    " (SELECT coalesce(max(seq), 0) + 1 FROM journal), false)",
    "DROP TABLE entries",
    "DROP TABLE commands",
)
