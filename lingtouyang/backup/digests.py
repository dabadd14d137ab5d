"""One hash per table, the same function on the machine that makes a backup and the one that restores it:
every row in primary-key order, serialised canonically, fed to SHA-256 a batch at a time (a table of millions
of rows is never held whole). It takes a DB-API cursor: on SQLite a plain sqlite3 connection without Django's
type converters (so that both sides read the same stored values), on PostgreSQL a connection made by Django's
backend (so that both sides decode the same types the same way)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

ALGORITHM = "sha256"
BATCH = 5_000


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return "hex:" + bytes(value).hex()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(cursor: Any, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                       "AND table_type = 'BASE TABLE' ORDER BY table_name")
    return [row[0] for row in cursor.fetchall()]


def _order_columns(cursor: Any, vendor: str, table: str) -> list[str]:
    """The primary key's columns; a table without one is ordered by every column."""
    if vendor == "sqlite":
        cursor.execute(f"PRAGMA table_info({_quote(table)})")
        info = cursor.fetchall()  # cid, name, type, notnull, default, pk (1-based position in the key, 0 if not)
        key = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
        return key or [row[1] for row in info]
    cursor.execute("""
        SELECT k.column_name FROM information_schema.table_constraints c
        JOIN information_schema.key_column_usage k
          ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema AND k.table_name = c.table_name
        WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = current_schema() AND c.table_name = %s
        ORDER BY k.ordinal_position""", [table])
    key = [row[0] for row in cursor.fetchall()]
    if key:
        return key
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                   "AND table_name = %s ORDER BY ordinal_position", [table])
    return [row[0] for row in cursor.fetchall()]


def table_digest(cursor: Any, vendor: str, table: str, *, max_id: int | None = None) -> tuple[int, str]:
    """(rows, hex digest) of one table; with max_id, only the rows whose id is at most that (an append-only
    table compared with an earlier copy of itself)."""
    order = ", ".join(_quote(c) for c in _order_columns(cursor, vendor, table))
    where = f" WHERE id <= {int(max_id)}" if max_id is not None else ""
    cursor.execute(f"SELECT * FROM {_quote(table)}{where} ORDER BY {order}")  # noqa: S608 - names from the catalogue
    columns = [d[0] for d in cursor.description]
    h = hashlib.sha256(json.dumps(columns).encode())
    rows = 0
    while batch := cursor.fetchmany(BATCH):
        for row in batch:
            h.update(json.dumps(list(row), default=_plain, ensure_ascii=False, sort_keys=True,
                                separators=(",", ":")).encode())
            h.update(b"\n")
        rows += len(batch)
    return rows, h.hexdigest()


def database_digests(cursor: Any, vendor: str) -> dict[str, dict[str, Any]]:
    return {table: dict(zip(("rows", "sha256"), table_digest(cursor, vendor, table), strict=True))
            for table in table_names(cursor, vendor)}
