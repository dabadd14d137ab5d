"""The visitor counter: one atomic increment per visit, no lost increments under concurrency."""

import multiprocessing
import threading

import pytest
from django.db import connection, connections

from lingtouyang.portal import counter
from lingtouyang.portal.models import VisitorCounter


@pytest.mark.django_db
def test_counts_one_per_visit_and_reads_without_counting(client):
    start = counter.visit_count()
    assert counter.visit_record() == start + 1
    assert client.post("/open/counter/").json() == {"count": start + 2}
    assert client.get("/open/counter/").json() == {"count": start + 2}
    assert counter.visit_count() == start + 2
    assert client.put("/open/counter/").status_code == 405


@pytest.mark.django_db
def test_a_new_name_starts_at_one():
    assert counter.visit_record("poster") == 1
    assert counter.visit_record("poster") == 2
    assert VisitorCounter.objects.get(name="poster").count == 2


def _hammer(times: int, seen: list[int], errors: list[BaseException]) -> None:
    try:
        for _ in range(times):
            seen.append(counter.visit_record())
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_threads_lose_no_increment():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a database file or server; the in-memory test database is per connection")
    start = counter.visit_count()
    seen: list[int] = []
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_hammer, args=(50, seen, errors)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert counter.visit_count() == start + 400
    # Every visit got its own number: no two saw the same count.
    assert sorted(seen) == list(range(start + 1, start + 401))


def _child(times: int, queue: "multiprocessing.Queue[list[int]]") -> None:
    connections.close_all()  # never share the parent's socket
    queue.put([counter.visit_record() for _ in range(times)])
    connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_processes_lose_no_increment():
    if connection.vendor != "postgresql":
        pytest.skip("processes against one database: PostgreSQL")
    start = counter.visit_count()
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_child, args=(60, queue)) for _ in range(5)]
    for p in procs:
        p.start()
    seen = [n for _ in procs for n in queue.get(timeout=60)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert counter.visit_count() == start + 300
    assert sorted(seen) == list(range(start + 1, start + 301))


class FakeRedis:
    """Redis's INCR semantics, enough to check the switch (real Redis is exercised by make bench-portal)."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.lock = threading.Lock()

    def incr(self, key: str) -> int:
        with self.lock:
            self.values[key] = self.values.get(key, 0) + 1
            return self.values[key]

    def get(self, key: str) -> bytes | None:
        return str(self.values[key]).encode() if key in self.values else None


@pytest.mark.django_db
def test_redis_when_configured(settings, monkeypatch):
    fake = FakeRedis()
    monkeypatch.setattr(counter, "_redis", lambda url: fake)
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    before = VisitorCounter.objects.get(name="home").count
    assert counter.visit_count() == 0
    assert [counter.visit_record() for _ in range(3)] == [1, 2, 3]
    assert counter.visit_count() == 3
    assert VisitorCounter.objects.get(name="home").count == before  # the database is left alone
