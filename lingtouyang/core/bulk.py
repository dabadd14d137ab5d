"""Set-based writes for batch paths (import, demo data, later payroll): PostgreSQL COPY, or one
executemany on SQLite. Callers hold the transaction; rows are tuples in `columns` order."""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Model

SQLITE_BATCH = 5_000


def table_columns(model: type[Model], fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    table = model._meta.db_table
    columns = table_columns(model, fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 - names from models
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= SQLITE_BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def allocate_ids(model: type[Model], n: int) -> list[int]:
    """Primary keys for n new rows, reserved before the rows exist so that children can point at
    them in the same batch. Call inside the writing transaction."""
    if n == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the IMMEDIATE transaction holds the write lock, so max+1.. is ours.
        cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + n))


def analyze(*models: type[Model]) -> None:
    """Fresh planner statistics after a bulk write: autovacuum may be off (it is on some servers)
    or minutes late, and plans made on an empty table's statistics stay wrong until then."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@contextmanager
def indexes_deferred(*models: type[Model]) -> Iterator[None]:
    """A bulk load into empty tables on PostgreSQL: the models' own indexes and constraints
    (Meta.indexes, Meta.constraints) are dropped, then built once at the end from sorted data instead
    of being updated at random row by row, which past the server's buffers writes each index page
    again and again (and a full-page image of it to the WAL after every checkpoint). Primary keys and
    foreign keys stay. Call inside the load's transaction: DDL is transactional there, so a load that
    fails or is interrupted leaves the tables as they were, indexes included."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_deferred() needs the load's transaction around it")
    with connection.cursor() as cursor:
        # Foreign keys checked at each statement's end, as the rows arrive: CREATE INDEX refuses to run
        # while deferred checks are pending, and millions of them would wait in memory until the end.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        for model in models:
            for constraint in model._meta.constraints:
                editor.remove_constraint(model, constraint)
            for index in model._meta.indexes:
                editor.remove_index(model, index)
    yield
    with connection.schema_editor() as editor:
        for model in models:
            for index in model._meta.indexes:
                editor.add_index(model, index)
            for constraint in model._meta.constraints:
                editor.add_constraint(model, constraint)
