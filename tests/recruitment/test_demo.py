"""The demo campaign: in its public notice on whatever day the demo is built, and built once."""

from datetime import date

import pytest
from django.utils import timezone

from lingtouyang.audit.models import AuditEvent
from lingtouyang.recruitment import selectors, services
from lingtouyang.recruitment.demo import CAMPAIGN_NAME, demo_campaign
from lingtouyang.recruitment.models import Application, Campaign, Objection
from lingtouyang.review.selectors import CLEARED, clearance

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today", [None, date(2026, 10, 5), date(2026, 2, 16), date(2026, 2, 14)])
def test_the_demo_campaign_is_in_its_notice(today: date | None) -> None:
    """Today, and days in holidays and on a worked weekend (all in the past, so that dates add up)."""
    campaign = demo_campaign(today)
    today = today or timezone.localdate()
    assert campaign is not None
    counts = (Campaign.objects.count(), Application.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())
    assert demo_campaign(today) is None  # idempotent
    assert counts == (Campaign.objects.count(), Application.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())
    campaign.refresh_from_db()
    assert campaign.name == CAMPAIGN_NAME and campaign.region_id == "510502000000"
    assert campaign.state == "notice" and campaign.notice_start <= today <= campaign.notice_end
    board = selectors.board(campaign)
    assert len(board.rows) == 10
    ineligible = {r.application.person.name: r.reasons for r in board.rows if not r.eligible}
    assert set(ineligible) == {"陈国富", "黄志强", "赵永刚", "周小兵", "吴海燕"}
    assert all(ineligible.values())  # each with its reason
    hires = services.hire_list(campaign)
    # 40% written + 60% interview: 付建军 34.6 + 53.04 = 87.64 beats 罗晓燕 32.8 + 54.12 = 86.92 (曾德明 31.8 + 50.76 = 82.56);
    # 王春梅 33.6 + 52.08 = 85.68 beats 李文斌 32.2 + 49.8 = 82.
    assert [a.person.name for a in hires] == ["付建军", "王春梅"]
    assert [(r.application.person.name, str(r.total)) for r in board.ranking[0].rows] == [
        ("付建军", "87.64"), ("罗晓燕", "86.92"), ("曾德明", "82.56")]
    assert all(c.status == CLEARED for c in clearance(a.person_id for a in hires).values())
    assert len(clearance(a.person_id for a in hires)) == 2
    objection = Objection.objects.get()
    assert objection.application.person.name == "付建军" and objection.resolution == "pending"
