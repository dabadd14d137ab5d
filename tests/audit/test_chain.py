"""The hash chain: sealing, verifying, and each way of tampering by raw SQL, under SHA-256 and SM3."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lingtouyang.audit import chain
from lingtouyang.audit.models import AppendOnlyError, AuditEvent, AuditHead
from lingtouyang.core import digest
from tests.audit.conftest import intact, sql, triggers_off, write_events

pytestmark = pytest.mark.django_db


def test_events_are_written_with_their_mac_and_sealed_in_order(algorithm, users):
    events = write_events(5, users["county"])
    assert all(e.seq is None and e.algorithm == algorithm and len(e.mac) == 64 for e in events)
    assert chain.seal() == 5
    rows = list(AuditEvent.objects.order_by("seq").values("id", "seq", "prev_hash", "entry_hash"))
    assert [r["id"] for r in rows] == [e.pk for e in events]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["prev_hash"] == digest.GENESIS
    assert all(b["prev_hash"] == a["entry_hash"] for a, b in zip(rows, rows[1:], strict=False))
    report = intact()
    assert (report.events, report.last_seq, report.head) == (5, 5, rows[-1]["entry_hash"])
    assert chain.seal() == 0


def test_the_hash_is_the_configured_algorithms(algorithm):
    write_events(1)
    chain.seal()
    row = AuditEvent.objects.values(*chain.ROW_FIELDS).get()
    head = f"1|{digest.GENESIS}|{algorithm}|{row['mac']}|".encode()
    assert row["entry_hash"] == digest.digest(head + chain.content(row), algorithm)


def test_a_chain_that_changed_algorithm_half_way_still_verifies(settings):
    if not digest.sm3_available():
        pytest.skip("this OpenSSL has no SM3")
    settings.LINGTOUYANG_HASH_ALGORITHM = "sha256"
    write_events(3)
    chain.seal()
    settings.LINGTOUYANG_HASH_ALGORITHM = "sm3"
    write_events(3)
    assert intact().events == 6
    assert list(AuditEvent.objects.order_by("seq").values_list("algorithm", flat=True)) == ["sha256"] * 3 + ["sm3"] * 3


def test_sealing_runs_when_the_writing_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        write_events(4)
        assert not AuditEvent.objects.filter(seq__isnull=False).exists()
    assert len(callbacks) == 1  # one seal per transaction, not per event
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4]


def test_a_rolled_back_transaction_leaves_no_event_and_no_gap(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        write_events(2)
        with pytest.raises(RuntimeError), transaction.atomic():
            write_events(2)
            raise RuntimeError
        write_events(1)
    assert intact().events == 3


def test_sealing_reads_and_writes_a_batch_per_statement(django_assert_max_num_queries):
    write_events(50)
    # savepoint, lock (PostgreSQL), unsealed rows, last link, one UPDATE, release; nothing per row.
    with django_assert_max_num_queries(8):
        assert chain.seal(batch=1000) == 50
    write_events(30)
    assert chain.seal(batch=10) == 30
    assert intact().events == 80


# --- the application and the database refuse -------------------------------------------------------------


def test_the_orm_refuses_updates_and_deletes():
    event = write_events(1)[0]
    event.outcome = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(outcome="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    chain.seal()
    head = AuditHead.objects.get(seq=intact().last_seq)
    with pytest.raises(AppendOnlyError):
        head.delete()
    with pytest.raises(AppendOnlyError):
        AuditHead.objects.all().update(seq=0)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET outcome = 'changed'",
    "UPDATE audit_auditevent SET seq = seq + 100",
    "UPDATE audit_auditevent SET entry_hash = 'x'",
    "DELETE FROM audit_auditevent",
    "UPDATE audit_audithead SET seq = 99",
    "DELETE FROM audit_audithead",
])
def test_the_database_refuses_changes_to_sealed_events_and_heads(statement):
    write_events(2)
    intact()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)
    assert AuditEvent.objects.count() == 2 and AuditHead.objects.count() == 1


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET outcome = 'changed'",
    "UPDATE audit_auditevent SET changes = '{}'",
    "UPDATE audit_auditevent SET mac = 'x'",
    "DELETE FROM audit_auditevent",
])
def test_the_database_refuses_changing_an_unsealed_event_too(statement):
    write_events(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)


def test_truncate_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    write_events(1)
    sql("SET CONSTRAINTS ALL IMMEDIATE")  # or TRUNCATE stops at the deferred foreign-key check first
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("TRUNCATE audit_auditevent")


def test_a_dropped_or_disabled_trigger_is_reported():
    write_events(1)
    if connection.vendor == "postgresql":
        sql("SET CONSTRAINTS ALL IMMEDIATE")
        sql("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
    else:
        sql("DROP TRIGGER audit_event_no_update")
    report = chain.verify()
    assert not report.ok
    assert "triggers missing or disabled" in report.problems[0]


# --- tampering behind the application's back -------------------------------------------------------------

TAMPER = {
    "at": "UPDATE audit_auditevent SET at = at - interval '1 hour' WHERE seq = 3",
    "actor_id": "UPDATE audit_auditevent SET actor_id = NULL WHERE seq = 3",
    "actor_name": "UPDATE audit_auditevent SET actor_name = 'someone' WHERE seq = 3",
    "address": "UPDATE audit_auditevent SET address = '10.9.9.9' WHERE seq = 3",
    "action": "UPDATE audit_auditevent SET action = 'person.view' WHERE seq = 3",
    "object_type": "UPDATE audit_auditevent SET object_type = 'people.person' WHERE seq = 3",
    "object_id": "UPDATE audit_auditevent SET object_id = '7' WHERE seq = 3",
    "region_code": "UPDATE audit_auditevent SET region_code = '510525000000' WHERE seq = 3",
    "changes": """UPDATE audit_auditevent SET changes = '{"n": 99}' WHERE seq = 3""",
    "outcome": "UPDATE audit_auditevent SET outcome = 'failed' WHERE seq = 3",
    "algorithm": "UPDATE audit_auditevent SET algorithm = CASE algorithm WHEN 'sm3' THEN 'sha256' ELSE 'sm3' END "
                 "WHERE seq = 3",
    "mac": "UPDATE audit_auditevent SET mac = (SELECT mac FROM audit_auditevent WHERE seq = 2) WHERE seq = 3",
    "prev_hash": "UPDATE audit_auditevent SET prev_hash = (SELECT prev_hash FROM audit_auditevent WHERE seq = 2) "
                 "WHERE seq = 3",
    "entry_hash": "UPDATE audit_auditevent SET entry_hash = prev_hash WHERE seq = 3",
    "seq": "UPDATE audit_auditevent SET seq = 30 WHERE seq = 3",
}


@pytest.mark.parametrize("column", sorted(TAMPER))
def test_an_update_of_any_column_by_raw_sql_is_detected(algorithm, users, column):
    write_events(5, users["county"])
    intact()
    statement = TAMPER[column]
    if connection.vendor == "sqlite":
        statement = statement.replace("at - interval '1 hour'", "datetime(at, '-1 hour')")
    with triggers_off():
        assert sql(statement) == 1
    report = chain.verify()
    assert not report.ok
    assert any("position 3" in p or "positions 3 to" in p for p in report.problems), report.problems


def test_deleting_a_middle_event_is_detected(algorithm):
    write_events(6)
    intact()
    with triggers_off():
        assert sql("DELETE FROM audit_auditevent WHERE seq IN (3, 4)") == 2
    report = chain.verify()
    assert report.problems == ["events at positions 3 to 4 are missing (deleted)"]
    assert report.events == 4


def test_deleting_the_first_event_is_detected(algorithm):
    write_events(3)
    chain.seal()
    with triggers_off():
        sql("DELETE FROM audit_auditevent WHERE seq = 1")
    assert chain.verify().problems == ["events at positions 1 to 1 are missing (deleted)"]


def test_deleting_events_from_the_end_is_detected_by_the_recorded_head(algorithm):
    write_events(6)
    assert intact().last_seq == 6
    with triggers_off():
        assert sql("DELETE FROM audit_auditevent WHERE seq >= 5") == 2
    report = chain.verify()
    assert len(report.problems) == 1
    assert "the chain ends at position 4 but reached position 6" in report.problems[0]


def test_deleting_the_end_under_new_events_is_detected_by_the_recorded_head(algorithm):
    write_events(6)
    intact()
    with triggers_off():
        sql("DELETE FROM audit_auditevent WHERE seq >= 5")
    write_events(2)  # sealed as positions 5 and 6 again, with other hashes
    report = chain.verify()
    assert len(report.problems) == 1
    assert "no longer passes through the head" in report.problems[0] and "(position 6)" in report.problems[0]


def test_deleting_the_end_and_its_head_leaves_the_printed_head_as_the_witness(algorithm):
    write_events(4)
    printed = intact().head
    with triggers_off():
        sql("DELETE FROM audit_auditevent WHERE seq = 4")
        sql("DELETE FROM audit_audithead")
    report = intact()
    # What the database alone shows is a shorter chain; the head kept elsewhere no longer matches it.
    assert report.head != printed and report.last_seq == 3


def _forged(seq: int | None, prev: str = "", entry: str = "", mac: str = "", algorithm: str = "sha256") -> None:
    sql("INSERT INTO audit_auditevent (at, actor_name, address, action, object_type, object_id, region_code, changes, "
        "outcome, algorithm, mac, seq, prev_hash, entry_hash) VALUES (%s, 'county', '10.1.2.3', 'person.delete', "
        "'', '', '510521102237', '{}', 'ok', %s, %s, %s, %s, %s)",
        [timezone.now() - timedelta(seconds=5), algorithm, mac, seq, prev, entry])


def test_an_event_inserted_by_raw_sql_is_detected_even_once_sealed(algorithm):
    write_events(3)
    intact()
    _forged(None, mac="f" * 64, algorithm=algorithm)  # unsealed: the next seal takes it into the chain…
    write_events(1)
    report = chain.verify()
    # …but its MAC, which needs the application's key, does not verify.
    forged = AuditEvent.objects.get(seq=4).pk
    assert report.problems == [f"event at position 4 (id {forged}): altered, or not written by the application"]


def test_an_event_appended_with_a_correct_hash_is_detected(algorithm):
    write_events(3)
    last = intact()
    row = {"at": timezone.now() - timedelta(seconds=5), "actor_id": None, "actor_name": "county", "address": "10.1.2.3",
           "action": "person.delete", "object_type": "", "object_id": "", "region_code": "510521102237",
           "changes": {}, "outcome": "ok", "algorithm": algorithm, "mac": digest.mac(b"guessed key", b"", algorithm)}
    entry = chain.entry_hash(row, 4, last.head)
    sql("INSERT INTO audit_auditevent (at, actor_name, address, action, object_type, object_id, region_code, "
        "changes, outcome, algorithm, mac, seq, prev_hash, entry_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, "
        "%s, %s, 4, %s, %s)",
        [row["at"], row["actor_name"], row["address"], row["action"], "", "", row["region_code"], "{}", "ok",
         algorithm, row["mac"], last.head, entry])
    report = chain.verify()
    assert len(report.problems) == 1 and "position 4" in report.problems[0]


def test_a_forged_head_is_reported():
    write_events(2)
    intact()
    sql("INSERT INTO audit_audithead (recorded_at, seq, entry_hash, mac) VALUES (%s, 2, %s, %s)",
        [timezone.now(), "0" * 64, "0" * 64])
    report = chain.verify()
    assert any("was not written by the application" in p for p in report.problems)


def test_json_numbers_come_back_as_they_were_hashed():
    """PostgreSQL's jsonb gives 1e16 back as 10000000000000000 and keeps 1.0; the MAC must not care."""
    with transaction.atomic():
        write_events(1)
    from lingtouyang.audit.services import audit_record

    audit_record("test.numbers", changes={"big": 1e16, "tiny": 1.5e-7, "one": 1.0, "keys": {2: (1, 2)}, "z": "\u00e9"})
    assert intact().events == 2
    stored = AuditEvent.objects.get(action="test.numbers").changes
    assert json.loads(json.dumps(stored))["keys"] == {"2": [1, 2]}


def test_events_left_unsealed_are_reported(monkeypatch):
    """If sealing stops working (a failing on-commit seal, a broken job), events pile up outside the chain."""
    fields = chain.stamp({"at": timezone.now() - timedelta(minutes=5), "actor_id": None, "actor_name": "cli",
                          "address": "cli", "action": "test.old", "object_type": "", "object_id": "",
                          "region_code": "", "changes": {}, "outcome": "ok"})
    AuditEvent.objects.create(**fields)
    write_events(1)  # just written: within the minute sealing may take
    monkeypatch.setattr(chain, "seal", lambda **kwargs: 0)
    assert chain.verify().problems == ["1 events older than a minute are not sealed into the chain"]
