"""The database's own refusal to change or delete audit records (defence in depth: the ORM refuses too).

PostgreSQL: triggers refuse UPDATE, DELETE and TRUNCATE on the audit tables. The one UPDATE allowed is
sealing an unsealed event (chain fields only, content untouched). DELETE and TRUNCATE pass only inside a
transaction that said `SET LOCAL lingtouyang.audit_prune = 'on'` (prune-audit; flush, which empties the
whole database).

SQLite: the same with RAISE(ABORT); the permission is a function the application registers on its own
connections, so a DELETE from any other client (the sqlite3 shell) fails.

Someone with the rights to drop or disable a trigger can still change rows; the hash chain and the MACs
(chain.py) are what show it, and verify-audit reports a missing or disabled trigger."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils.translation import gettext as _

EVENTS = "audit_auditevent"
RECORDS = ("audit_audithead", "audit_auditanchor")
SETTING = "lingtouyang.audit_prune"
SQLITE_FUNCTION = "lingtouyang_audit_prune"

_permitted: ContextVar[bool] = ContextVar("audit_prune_permitted", default=False)
# Columns of an event that no statement may change, sealing included.
_FIXED = ("id", "at", "actor_id", "actor_name", "address", "action", "object_type", "object_id", "region_code",
          "changes", "outcome", "algorithm", "mac")

PG_INSTALL = f"""
CREATE OR REPLACE FUNCTION lingtouyang_audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('{SETTING}', true) = 'on' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL
     AND ({", ".join("NEW." + c for c in _FIXED)}) IS NOT DISTINCT FROM ({", ".join("OLD." + c for c in _FIXED)}) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE FUNCTION lingtouyang_audit_record_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('{SETTING}', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {EVENTS}
  FOR EACH ROW EXECUTE FUNCTION lingtouyang_audit_event_guard();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {EVENTS}
  FOR EACH STATEMENT EXECUTE FUNCTION lingtouyang_audit_event_guard();
""" + "".join(f"""
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {t}
  FOR EACH ROW EXECUTE FUNCTION lingtouyang_audit_record_guard();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {t}
  FOR EACH STATEMENT EXECUTE FUNCTION lingtouyang_audit_record_guard();
""" for t in RECORDS)

PG_REMOVE = "".join(f"""
DROP TRIGGER IF EXISTS audit_append_only ON {t};
DROP TRIGGER IF EXISTS audit_no_truncate ON {t};
""" for t in (EVENTS, *RECORDS)) + """
DROP FUNCTION IF EXISTS lingtouyang_audit_event_guard();
DROP FUNCTION IF EXISTS lingtouyang_audit_record_guard();
"""

_ABORT = "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END"
SQLITE_TRIGGERS = {
    "audit_event_no_delete": f"BEFORE DELETE ON {EVENTS} WHEN NOT {SQLITE_FUNCTION}() {_ABORT}",
    "audit_event_no_update": f"BEFORE UPDATE ON {EVENTS} WHEN OLD.seq IS NOT NULL OR "
                             + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _FIXED) + f" {_ABORT}",
    **{f"{t}_no_delete": f"BEFORE DELETE ON {t} WHEN NOT {SQLITE_FUNCTION}() {_ABORT}" for t in RECORDS},
    **{f"{t}_no_update": f"BEFORE UPDATE ON {t} {_ABORT}" for t in RECORDS},
}
PG_TRIGGERS = {(name, t) for t in (EVENTS, *RECORDS) for name in ("audit_append_only", "audit_no_truncate")}


def install(schema_editor: Any) -> None:
    """Create the triggers (migration 0004). On SQLite, a later migration that rebuilds one of these tables
    drops its triggers: it must install them again (verify-audit reports them missing)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_INSTALL, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def remove(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_REMOVE, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created: the permission the SQLite DELETE triggers ask for, on the application's connections."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, lambda: 1 if _permitted.get() else 0)


@contextmanager
def deleting(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let the current transaction delete audit records (prune-audit, flush). PostgreSQL: SET LOCAL, gone at
    the end of the transaction; SQLite: for the statements this thread runs inside the block."""
    conn = connections[using]
    if conn.vendor == "postgresql":
        if not conn.in_atomic_block:
            raise RuntimeError("deleting audit records needs a transaction")
        with conn.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
    token = _permitted.set(True)
    try:
        yield
    finally:
        _permitted.reset(token)
        if conn.vendor == "postgresql" and conn.in_atomic_block and not conn.needs_rollback:
            with conn.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [SETTING])


def missing() -> list[str]:
    """What verify-audit says about triggers that were dropped or disabled."""
    found: set[Any]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND c.relname = ANY(%s)",
                           [[EVENTS, *RECORDS]])
            found = {(name, table) for name, table in cursor.fetchall()}
            wanted: set[Any] = PG_TRIGGERS
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            found = {row[0] for row in cursor.fetchall()}
            wanted = set(SQLITE_TRIGGERS)
        else:
            return []
    gone = sorted(str(w if isinstance(w, str) else f"{w[1]}.{w[0]}") for w in wanted - found)
    if not gone:
        return []
    return [_("the database no longer refuses changes to the audit trail: triggers missing or disabled: "
              "%(names)s") % {"names": ", ".join(gone)}]
