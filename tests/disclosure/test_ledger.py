from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from lingtouyang.disclosure import ledger, services
from lingtouyang.disclosure.models import AppendOnlyError, Disclosure, FinanceLine, LedgerEntry, LedgerHead
from tests import factories as f
from tests.disclosure.conftest import draft, publish

pytestmark = pytest.mark.django_db


def _three(users):
    a = publish(users, draft(users["village"], "V01", date(2026, 1, 1)))
    b = publish(users, draft(users["village"], "F01", date(2026, 2, 1), title="2026年2月明白账"))
    c = publish(users, draft(users["village"], "V01", date(2026, 4, 1), title="第二季度"))
    return a, b, c


def test_publication_appends_a_chained_entry(users):
    a, b, c = _three(users)
    entries = list(LedgerEntry.objects.filter(region_id=f.TANBA).order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == ledger.GENESIS
    assert entries[1].prev_hash == entries[0].entry_hash
    assert entries[2].entry_hash == ledger.chain(entries[1].entry_hash, entries[2].content_hash)
    result = ledger.verify_village(f.TANBA)
    assert result.ok and result.entries == 3 and result.first_bad_entry is None
    assert result.head_hash == entries[2].entry_hash


def test_raw_sql_change_of_a_body_is_detected_and_named(users):
    a, b, c = _three(users)
    with connection.cursor() as cur:
        cur.execute("UPDATE disclosure_disclosure SET body = %s WHERE id = %s", ["被篡改的内容", b.pk])
    result = ledger.verify_village(f.TANBA)
    assert not result.ok
    assert result.first_bad_entry == 2
    assert str(b.pk) in result.reason


def test_raw_sql_change_of_a_finance_line_is_detected(users):
    a, b, c = _three(users)
    line = FinanceLine.objects.filter(disclosure=b).first()
    with connection.cursor() as cur:
        cur.execute("UPDATE disclosure_financeline SET amount = %s WHERE id = %s", ["9999.00", line.pk])
    assert ledger.verify_village(f.TANBA).first_bad_entry == 2


def test_rewriting_hashes_behind_the_back_is_caught_by_the_published_head(users):
    a, b, c = _three(users)
    LedgerHead.objects.create(region_id=f.TANBA, date=timezone.localdate(), entries=3,
                              head_hash=LedgerEntry.objects.get(region_id=f.TANBA, seq=3).entry_hash)
    # The forger changes the body and recomputes every hash after it.
    with connection.cursor() as cur:
        cur.execute("UPDATE disclosure_disclosure SET title = %s WHERE id = %s", ["伪造", b.pk])
    b = Disclosure.objects.get(pk=b.pk)
    prev = LedgerEntry.objects.get(region_id=f.TANBA, seq=1).entry_hash
    for seq, d in ((2, b), (3, c)):
        body = ledger.content_hash(d, d.lines.all(), d.attachments.all())
        new = ledger.chain(prev, body)
        with connection.cursor() as cur:
            cur.execute("UPDATE disclosure_ledgerentry SET content_hash = %s, prev_hash = %s, entry_hash = %s "
                        "WHERE region_id = %s AND seq = %s", [body, prev, new, f.TANBA, seq])
        prev = new
    result = ledger.verify_village(f.TANBA)
    assert not result.ok and result.first_bad_entry == 3
    assert timezone.localdate().isoformat() in result.reason


def test_deleted_entry_and_unlisted_publication_are_detected(users):
    a, b, c = _three(users)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM disclosure_ledgerentry WHERE region_id = %s AND seq = 3", [f.TANBA])
    result = ledger.verify_village(f.TANBA)
    assert not result.ok and result.first_bad_entry == 3 and str(c.pk) in result.reason
    with connection.cursor() as cur:
        cur.execute("DELETE FROM disclosure_ledgerentry WHERE region_id = %s AND seq = 1", [f.TANBA])
    assert ledger.verify_village(f.TANBA).first_bad_entry == 1


def test_published_rows_refuse_orm_changes(published):
    published.title = "改"
    with pytest.raises(AppendOnlyError):
        published.save()
    with pytest.raises(AppendOnlyError):
        Disclosure.objects.filter(pk=published.pk).update(title="改")
    with pytest.raises(AppendOnlyError):
        Disclosure.objects.filter(pk=published.pk).delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(disclosure=published).update(content_hash="0")
    entry = LedgerEntry.objects.get(disclosure=published)
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert Disclosure.objects.get(pk=published.pk).title != "改"


def test_correction_chain(users, published):
    fix = services.correction_create(acting_user=users["village"], disclosure=published,
                                     reason="计划第三项金额有误", body="更正后的全年计划")
    assert fix.version == 2 and fix.corrects == published and fix.state == Disclosure.State.DRAFT
    publish(users, fix)
    assert list(Disclosure.objects.published().current().filter(region_id=f.TANBA)) == [fix]
    entry = LedgerEntry.objects.get(disclosure=fix)
    assert entry.seq == 2
    assert ledger.verify_village(f.TANBA).ok
    from lingtouyang.disclosure.selectors import version_chain
    assert version_chain(fix) == [published, fix] == version_chain(published)
    with pytest.raises(Exception, match="correction|更正"):
        services.correction_create(acting_user=users["village"], disclosure=published, reason="again")


def test_heads_and_commands(users, capsys):
    _three(users)
    yesterday = timezone.localdate() - timedelta(days=1)
    # The publications above were today: yesterday's head covers none of them.
    assert ledger.publish_heads(timezone.localdate()) == 1
    assert ledger.publish_heads(timezone.localdate()) == 0
    head = LedgerHead.objects.get(region_id=f.TANBA, date=timezone.localdate())
    assert head.entries == 3
    assert not LedgerHead.objects.filter(date=yesterday, entries__gt=0).exists()
    call_command("verify_ledger", "--region", "510521")
    assert "1" in capsys.readouterr().out
    with connection.cursor() as cur:
        cur.execute("UPDATE disclosure_disclosure SET body = 'x' WHERE region_id = %s", [f.TANBA])
    with pytest.raises(SystemExit):
        call_command("verify_ledger")
    assert f.TANBA in capsys.readouterr().out
    call_command("publish_ledger_heads", "--date", date(2026, 1, 1).isoformat())
