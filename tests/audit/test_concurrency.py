"""Writers in parallel, each in its own transactions: one unbroken chain, none waiting for another's commit."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from lingtouyang.audit.chain import verify
from lingtouyang.audit.context import acting_as
from lingtouyang.audit.models import AuditEvent
from lingtouyang.audit.services import audit_record


@pytest.fixture
def reseeded(django_db_blocker):  # noqa: ANN001
    """Set up before transactional_db, so torn down after its flush: the reference data comes back."""
    yield
    from tests.browser.conftest import load_seeds

    with django_db_blocker.unblock():
        load_seeds()


def test_parallel_writers_make_one_unbroken_chain(reseeded, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the parallel case is PostgreSQL's")
    slow_started, slow_may_commit = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow() -> None:
        # Like a payroll run: a transaction that stays open while others write and seal.
        try:
            with acting_as(None, "10.0.0.1"), transaction.atomic():
                for i in range(20):
                    audit_record("test.slow", changes={"i": i})
                slow_started.set()
                assert slow_may_commit.wait(30)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    def fast(name: str) -> None:
        try:
            assert slow_started.wait(30)
            with acting_as(None, name):
                for i in range(30):
                    with transaction.atomic():  # sealed on each commit, the slow one still open
                        audit_record("test.fast", changes={"i": i})
                        audit_record("test.fast", changes={"i": i, "second": True})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow)] + [threading.Thread(target=fast, args=(f"10.0.0.{n}",))
                                                  for n in (2, 3)]
    for t in threads:
        t.start()
    for t in threads[1:]:
        t.join(60)
    # The fast writers finished and sealed while the slow transaction was still open.
    assert AuditEvent.objects.filter(seq__isnull=False).count() == 120
    slow_may_commit.set()
    threads[0].join(60)
    assert not errors, errors
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 0  # its own commit sealed the slow rows
    report = verify()
    assert report.ok, report.problems
    assert report.events == 140 and report.last_seq == 140
    slow_seqs = sorted(AuditEvent.objects.filter(action="test.slow").values_list("seq", flat=True))
    assert slow_seqs == list(range(121, 141))


def test_events_outside_a_transaction_are_sealed_at_once_and_flush_still_empties(reseeded, transactional_db):
    """Committed for real (no test transaction around it): each event is sealed as it commits. The flush after
    this test passes the triggers (that is what `reseeded` then finds)."""
    with acting_as(None, "10.0.0.9"):
        audit_record("test.autocommit")
        with transaction.atomic():
            audit_record("test.atomic")
            assert AuditEvent.objects.filter(seq__isnull=True).count() == 1
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "action")) == [
        (1, "test.autocommit"), (2, "test.atomic")]
    assert verify().ok
