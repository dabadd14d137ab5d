"""The disclosure ledger hashes with the project's algorithm too, and a chain that changed algorithm verifies."""

from datetime import date

import pytest
from django.db import connection

from lingtouyang.core import digest
from lingtouyang.disclosure import ledger
from lingtouyang.disclosure.models import LedgerEntry
from tests import factories as f
from tests.disclosure.conftest import draft, publish

pytestmark = pytest.mark.django_db


def test_a_ledger_begun_in_sha256_and_continued_in_sm3_verifies_and_detects_tampering(users, settings):
    if not digest.sm3_available():
        pytest.skip("this OpenSSL has no SM3")
    settings.LINGTOUYANG_HASH_ALGORITHM = "sha256"
    publish(users, draft(users["village"], "V01", date(2026, 1, 1)))
    settings.LINGTOUYANG_HASH_ALGORITHM = "sm3"
    second = publish(users, draft(users["village"], "F01", date(2026, 2, 1), title="2026年2月明白账"))
    entries = list(LedgerEntry.objects.filter(region_id=f.TANBA).order_by("seq"))
    assert [e.algorithm for e in entries] == ["sha256", "sm3"]
    assert entries[1].entry_hash == digest.digest((entries[0].entry_hash + entries[1].content_hash).encode(), "sm3")
    assert ledger.verify_village(f.TANBA).ok
    with connection.cursor() as cursor:
        cursor.execute("UPDATE disclosure_disclosure SET body = 'altered' WHERE id = %s", [second.pk])
    result = ledger.verify_village(f.TANBA)
    assert not result.ok and result.first_bad_entry == 2
