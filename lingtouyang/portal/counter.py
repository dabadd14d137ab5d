"""The visitor counter (网站访问人数): one atomic increment per visit, cheap enough to sit on the home page.

With REDIS_URL set the count is Redis's INCR (one round trip, no row lock); otherwise one SQL statement,
`UPDATE … SET count = count + 1 … RETURNING count`, which the database serialises on the row, so concurrent
visits are never lost (no read-modify-write in Python). A page view is not a change anyone makes to records:
it is not audited (an audit row per visit would cost more than the visit)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from lingtouyang.portal.models import VisitorCounter

HOME = "home"
_KEY = "lingtouyang:portal:visits:"


@cache
def _redis(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def visit_record(name: str = HOME) -> int:
    """Count one visit; return the count including it."""
    if settings.REDIS_URL:
        return int(_redis(settings.REDIS_URL).incr(_KEY + name))
    table = VisitorCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET count = count + 1 WHERE name = %s RETURNING count",  # noqa: S608
                       [name])
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    # The first visit ever under this name (the migration seeds `home`): create the row, then count again, so
    # that two first visits racing each other still count twice.
    with transaction.atomic():
        VisitorCounter.objects.get_or_create(name=name)
    return visit_record(name)


def visit_count(name: str = HOME) -> int:
    """The count so far, without counting."""
    if settings.REDIS_URL:
        return int(_redis(settings.REDIS_URL).get(_KEY + name) or 0)
    return VisitorCounter.objects.filter(name=name).values_list("count", flat=True).first() or 0
