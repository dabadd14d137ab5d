"""`lingtouyang rotate-keys`: every encrypted column moves to the current key and cipher, nothing is lost,
a second run does nothing, a stopped run leaves every row readable and the next run finishes, and the
application reads (and writes) meanwhile."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.core import crypto
from lingtouyang.core.management.commands import rotate_keys
from lingtouyang.oversight.models import Thread
from lingtouyang.oversight.services import feedback_submit
from lingtouyang.people import services
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from tests import factories as f


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The command speaks the active language; these tests read its English."""
    with translation.override("en"):
        yield


@pytest.fixture
def old_key(settings) -> str:  # noqa: ANN001
    key = crypto.generate_key()
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = key, []
    settings.LINGTOUYANG_FIELD_CIPHER = "aes-gcm"
    return key


@pytest.fixture
def roster(db, old_key) -> list[Person]:  # noqa: ANN001
    """Five people with phones, one without, and a resident's question with a phone: all under the old key."""
    people = [f.make_person(f.TANBA, name=f"轮换{i}", born=date(1980 + i, 1, 1 + i), phone=f"1390000000{i}")
              for i in range(5)]
    people.append(f.make_person(f.TANBA, name="无电话", born=date(1990, 2, 2), phone=""))
    cache.clear()  # the submission rate limit counts per address, across tests
    feedback_submit(village=Region.objects.get(code=f.TANBA), kind="question", body="请问村里道路维修的资金从哪里来？",
                    phone="13911112222", address="203.0.113.7", today=date(2026, 11, 2))
    return people


def _new_key(settings, old: str) -> str:  # noqa: ANN001
    new = crypto.generate_key()
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = new, [old]
    return new


def _plain() -> dict[str, Any]:
    """Every encrypted value in clear, by row: what a rotation must leave exactly as it was."""
    values: dict[str, Any] = {}
    for p in Person.objects.order_by("pk"):
        values[f"person-{p.pk}"] = (p.full_id_number(), p.phone_number(), p.phone_masked, p.id_index)
    for t in Thread.objects.order_by("pk"):
        values[f"thread-{t.pk}"] = t.phone
    return values


def _blobs() -> list[bytes]:
    out = [bytes(b) for pair in Person.objects.values_list("id_cipher", "phone_cipher") for b in pair if b is not None]
    return out + [bytes(b) for b in Thread.objects.values_list("phone_cipher", flat=True) if b is not None]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def test_rows_under_the_old_key_all_move_to_the_new_one(settings, roster, old_key) -> None:  # noqa: ANN001
    before = _plain()
    _new_key(settings, old_key)
    assert not any(crypto.is_current(b) for b in _blobs())
    output = _run("--batch-size", "2")
    header = crypto.key_ring().header
    assert len(_blobs()) == 5 * 2 + 1 + 1  # id and phone of five, the id of one, the resident's phone
    assert all(b[:3] == header for b in _blobs())
    assert _plain() == before
    assert "people.person.id_cipher: 6 of 6 rows rewritten" in output
    assert "people.person.phone_cipher: 5 of 6 rows rewritten" in output
    assert "oversight.thread.phone_cipher: 1 of 1 rows rewritten" in output
    event = AuditEvent.objects.get(action="security.rotate_keys")
    assert event.outcome == "ok"
    assert event.changes["people.person.id_cipher"] == "6/6"
    assert event.changes["key_id"] == header[1:].hex() and event.changes["dry_run"] is False
    # Once done, the old key can go: everything reads without it.
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    assert _plain() == before


def test_a_second_run_changes_nothing(settings, roster, old_key) -> None:  # noqa: ANN001
    _new_key(settings, old_key)
    _run()
    blobs = _blobs()
    output = _run()
    assert _blobs() == blobs  # not even re-encrypted under a fresh nonce
    assert "people.person.id_cipher: 0 of 6 rows rewritten" in output
    assert AuditEvent.objects.filter(action="security.rotate_keys").count() == 2


def test_a_dry_run_counts_and_writes_nothing(settings, roster, old_key) -> None:  # noqa: ANN001
    _new_key(settings, old_key)
    blobs = _blobs()
    output = _run("--dry-run")
    assert _blobs() == blobs
    assert "people.person.phone_cipher: 5 of 6 rows to rewrite" in output
    event = AuditEvent.objects.get(action="security.rotate_keys")
    assert event.changes["dry_run"] is True and event.changes["people.person.phone_cipher"] == "5/6"


def test_a_stopped_run_leaves_every_row_readable_and_the_next_one_finishes(settings, roster, old_key,  # noqa: ANN001
                                                                           monkeypatch) -> None:
    before = _plain()
    _new_key(settings, old_key)
    real_write, calls = rotate_keys._write, []

    def write_once_then_fail(model: Any, objs: Any, fields: Any) -> None:
        if calls:
            raise RuntimeError("power cut")
        calls.append(len(objs))
        real_write(model, objs, fields)

    monkeypatch.setattr(rotate_keys, "_write", write_once_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        _run("--batch-size", "2")
    header = crypto.key_ring().header
    done = [b for b in _blobs() if b[:3] == header]
    assert len(done) == 4  # the first batch of two people, both columns; nothing of the failed batch
    assert _plain() == before  # every row reads, under either key
    failed = AuditEvent.objects.get(action="security.rotate_keys")
    assert failed.outcome == "error" and failed.changes["people.person.id_cipher"] == "2/4"

    monkeypatch.setattr(rotate_keys, "_write", real_write)
    output = _run("--batch-size", "2")
    assert all(b[:3] == header for b in _blobs())
    assert _plain() == before
    assert "people.person.id_cipher: 4 of 6 rows rewritten" in output


def test_the_application_reads_and_writes_during_a_rotation(settings, roster, old_key, users, client,  # noqa: ANN001
                                                            monkeypatch) -> None:
    """Between batches the detail pages show every phone in full; a phone changed by a user in the middle
    of a batch is the one kept, never overwritten with its older value."""
    _new_key(settings, old_key)
    client.force_login(users["township"])
    target = roster[3]
    real_needs, seen = rotate_keys._needs, []

    def needs_then_user_edits(row: Any, columns: Any, index: Any, tally: Any) -> bool:
        result = real_needs(row, columns, index, tally)
        if row[0] == target.pk and not seen:
            # The page was read without a lock; a user saves a new number before the batch is written.
            seen.append(True)
            services.person_update(acting_user=users["township"], person=Person.objects.get(pk=target.pk),
                                   phone="13700001111")
        return result

    pages: list[bool] = []

    def progress(line: str) -> None:
        for p in Person.objects.exclude(phone_cipher=None):
            body = client.get(reverse("people:detail", args=[p.pk])).content.decode()
            pages.append(p.phone_number() in body)

    monkeypatch.setattr(rotate_keys, "_needs", needs_then_user_edits)
    tally = rotate_keys.rotate_model(Person, ["id_cipher", "phone_cipher"], batch=2, dry_run=False, progress=progress)
    assert seen and pages and all(pages)
    assert Person.objects.get(pk=target.pk).phone_number() == "13700001111"
    assert all(crypto.is_current(b) for b in _blobs()[:11])
    assert tally.rows == 6


@pytest.mark.skipif(not crypto.sm4_available(), reason="no SM4-GCM in this OpenSSL")
def test_switching_to_sm4_is_a_rotation_with_the_same_key(settings, roster) -> None:  # noqa: ANN001
    before = _plain()
    settings.LINGTOUYANG_FIELD_CIPHER = "sm4-gcm"
    _run()
    assert {b[0] for b in _blobs()} == {crypto.VERSION_SM4_GCM}
    assert _plain() == before
    assert AuditEvent.objects.get(action="security.rotate_keys").changes["cipher"] == "sm4-gcm"
    settings.LINGTOUYANG_FIELD_CIPHER = "aes-gcm"
    _run()
    assert {b[0] for b in _blobs()} == {crypto.VERSION_AES_GCM}
    assert _plain() == before


def test_rows_in_the_layout_before_key_ids_are_rewritten(roster) -> None:  # noqa: ANN001
    """Rows written before the key ring (version 1, no key id) move to the current layout."""
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from django.conf import settings as dj

    key = crypto.decode_key(dj.FIELD_ENCRYPTION_KEY)
    person = roster[0]
    nonce = os.urandom(12)
    legacy = bytes([1]) + nonce + AESGCM(key).encrypt(nonce, person.full_id_number().encode(), None)
    Person.objects.filter(pk=person.pk).update(id_cipher=legacy)
    before = _plain()
    output = _run()
    assert "people.person.id_cipher: 1 of 6 rows rewritten" in output
    assert _plain() == before and all(crypto.is_current(b) for b in _blobs())


def test_blind_indexes_are_recomputed_and_duplicates_caught_meanwhile(settings, roster) -> None:  # noqa: ANN001
    numbers = {p.pk: p.full_id_number() for p in roster}
    old = settings.BLIND_INDEX_KEY
    settings.BLIND_INDEX_KEY, settings.BLIND_INDEX_OLD_KEY = crypto.generate_key(), old
    # Before the recompute: a second entry with a number on the roster is still refused (old index found).
    with pytest.raises(ValidationError):
        f.make_person(f.TANBA, name="重复者", born=date(1980, 1, 1), id_number=numbers[roster[0].pk])
    output = _run("--blind-index", "--batch-size", "4")
    assert "people.person.id_index: 6 of 6 rows rewritten" in output
    for pk, index in Person.objects.values_list("pk", "id_index"):
        assert index == crypto.blind_index(numbers[pk])
    settings.BLIND_INDEX_OLD_KEY = ""
    with pytest.raises(ValidationError):
        f.make_person(f.TANBA, name="重复者", born=date(1980, 1, 1), id_number=numbers[roster[0].pk])
    assert "people.person.id_index: 0 of 6" in _run("--blind-index")


def test_generate_prints_a_usable_key(db) -> None:  # noqa: ANN001
    out = io.StringIO()
    call_command("rotate_keys", "--generate", stdout=out)
    assert len(crypto.decode_key(out.getvalue().strip())) == 32
