"""Helpers for the audit trail's tests: the hash algorithm as a parameter, and raw SQL as someone with the
database's rights (and the rights to switch its triggers off) would write it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from lingtouyang.audit import guard
from lingtouyang.audit.chain import verify
from lingtouyang.audit.context import acting_as
from lingtouyang.audit.services import audit_record
from lingtouyang.core import digest


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    """The messages asserted here are the English source strings."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(params=digest.ALGORITHMS)
def algorithm(request: Any, settings: Any) -> str:
    if request.param == digest.SM3 and not digest.sm3_available():
        pytest.skip("this OpenSSL has no SM3")
    settings.LINGTOUYANG_HASH_ALGORITHM = request.param
    return request.param


def write_events(n: int, user: Any = None, address: str = "10.1.2.3") -> list[Any]:
    with acting_as(user, address):
        return [audit_record("test.event", region_code="510521102237", outcome="ok",
                             changes={"n": i, "name": ["张三", "李四"], "amount": 1.5, "whole": 2.0})
                for i in range(n)]


def sql(statement: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


@contextmanager
def triggers_off() -> Iterator[None]:
    """What an attacker with DDL rights does first; the triggers are back afterwards, as a careful one leaves
    them, so that what the tests see is the chain's evidence alone."""
    if connection.vendor == "postgresql":
        sql("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred foreign-key check
        for table in (guard.EVENTS, *guard.RECORDS):
            sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield
        for table in (guard.EVENTS, *guard.RECORDS):
            sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    else:
        for name in guard.SQLITE_TRIGGERS:
            sql(f"DROP TRIGGER {name}")
        yield
        for name, body in guard.SQLITE_TRIGGERS.items():
            sql(f"CREATE TRIGGER {name} {body}")


def intact() -> Any:
    report = verify()
    assert report.ok, report.problems
    return report
