import pytest

from lingtouyang.disclosure import compliance, ledger
from lingtouyang.disclosure.demo import demo_disclosure
from lingtouyang.disclosure.models import Disclosure, FinanceLine
from lingtouyang.disclosure.rules import reconciles
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_demo_builds_a_verifiable_year(users):
    from django.utils import timezone

    line = demo_disclosure("510521102")
    assert "disclosure:" in line
    assert demo_disclosure("510521102") == ""  # once
    results = ledger.verify_region("510521102")
    assert results and all(r.ok for r in results), [r for r in results if not r.ok][:1]
    draft = Disclosure.objects.get(region_id=f.TANBA, state="submitted")
    assert draft.created_by == users["village"] or draft.created_by is None
    for d in Disclosure.objects.published().filter(item__is_finance=True, region_id=f.TANBA)[:20]:
        lines = [(ln.kind, ln.amount) for ln in FinanceLine.objects.filter(disclosure=d)]
        assert reconciles(d.opening_balance, d.closing_balance, lines)
    lists = Disclosure.objects.published().filter(item__code="S01").first()
    assert "********" in lists.tables[0]["rows"][0][1]
    summary = compliance.summary("510521102", timezone.localdate())
    assert 0 < summary.villages_overdue < summary.villages
