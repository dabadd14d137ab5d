"""The pages of village governance: decisions and their steps, compliance checks, the overview, checklists."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lingtouyang.governance import services
from lingtouyang.governance.models import Checklist, ComplianceCheck, Decision
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.governance.conftest import snapshot

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def decision(code: str, title: str, **extra: Any) -> Decision:
    return services.decision_create(acting_user=None, region=Region.objects.get(code=code), title=title,
                                    matter=extra.pop("matter", "project"), **extra)


def test_the_list_is_scoped_and_flat(users: dict[str, Any]) -> None:
    decision(f.TANBA, "谭坝村文化广场")
    decision(f.GULIN_VILLAGE, "古蔺村道")
    village = login("village")
    text = village.get(reverse("governance:decisions")).content.decode()
    assert "谭坝村文化广场" in text and "古蔺村道" not in text
    assert login("reviewer").get(reverse("governance:decisions")).status_code == 403
    city = login("city")
    with CaptureQueriesContext(connection) as one:
        city.get(reverse("governance:decisions"))
    for i in range(8):
        decision(f.OTHER_YUSI_VILLAGE, f"决策{i}")
    with CaptureQueriesContext(connection) as many:
        city.get(reverse("governance:decisions"))
    assert len(many) == len(one)


def test_a_village_cadre_records_the_steps_on_the_page(users: dict[str, Any]) -> None:
    client = login("village")
    response = client.post(reverse("governance:decision_create"), {
        "region": f.TANBA, "title": "集体林地流转", "matter": "collective_property", "amount": "120000", "major": "on"})
    d = Decision.objects.get()
    assert response["Location"] == reverse("governance:decision", args=[d.pk])
    url = reverse("governance:decision_step", args=[d.pk])
    assert client.post(url, {"step": 1, "held_on": "2025-04-01"}).status_code == 302
    before = snapshot()
    merged = client.post(url, {"step": 1, "held_on": "2025-04-01", "merge": "on"})
    assert merged.status_code == 200 and "the next one is 2" in merged.content.decode() and snapshot() == before
    assert client.post(url, {"step": 2, "held_on": "2025-04-02"}).status_code == 302
    page = client.get(reverse("governance:decision", args=[d.pk])).content.decode()
    assert "party members&#x27; review" in page and "at least two-thirds of the party members" in page
    failed = client.post(url, {"step": 3, "held_on": "2025-04-03", "body": "party_members", "entitled": "30",
                               "present": "18", "approve": "18"})
    assert failed.status_code == 302 and Decision.objects.get().failed
    assert "failed: quorum or vote not reached" in client.get(failed["Location"]).content.decode()
    assert client.post(url, {"step": 3, "held_on": "2025-04-10", "body": "party_members", "entitled": "30",
                             "present": "25", "approve": "20"}).status_code == 302
    rep = client.post(url, {"step": 4, "held_on": "2025-04-12", "body": "representatives", "entitled": "40",
                            "present": "35", "approve": "30"})
    assert rep.status_code == 200 and "art. 24" in rep.content.decode()
    assert Decision.objects.get().steps_done == 3
    # compliance checks against the version in force on the proposal day
    v1 = Checklist.objects.get(code="power_supervision", version=1)
    first = v1.items.get(number=1)
    checks = client.post(reverse("governance:decision_checks", args=[d.pk]), {
        "checklist": v1.pk, f"item-{first.pk}": "no", f"note-{first.pk}": "未上墙公示"})
    assert checks.status_code == 302 and ComplianceCheck.objects.get().complied is False
    empty = client.post(reverse("governance:decision_checks", args=[d.pk]), {"checklist": v1.pk})
    assert empty.status_code == 200 and "answer at least one measure" in empty.content.decode()
    # the supervision committee reads and does not record
    supervisor = login("supervisor")
    assert supervisor.get(reverse("governance:decision", args=[d.pk])).status_code == 200
    assert supervisor.post(url, {"step": 4, "held_on": "2025-04-12"}).status_code == 404


def test_the_compliance_overview(users: dict[str, Any]) -> None:
    stuck = decision(f.TANBA, "停滞的决策")
    Decision.objects.filter(pk=stuck.pk).update(last_step_on=timezone.localdate() - timedelta(days=90), steps_done=2)
    failed = decision(f.OTHER_YUSI_VILLAGE, "未通过的决策")
    Decision.objects.filter(pk=failed.pk).update(failed=True, steps_done=2, last_step_on=timezone.localdate())
    decision(f.OTHER_TOWNSHIP_VILLAGE, "刚开始的决策")
    county = login("county")
    text = county.get(reverse("governance:compliance")).content.decode()
    assert "停滞的决策" in text and "未通过的决策" in text and "刚开始的决策" not in text
    assert "喻寺镇" in text and "得胜镇" in text
    township = login("township").get(reverse("governance:compliance")).content.decode()
    assert "谭坝村" in township and "罐顶山村" not in township
    assert county.get(reverse("governance:compliance"), {"region": "510525"}).status_code == 404


def test_the_city_publishes_a_new_checklist_version(users: dict[str, Any]) -> None:
    city = login("city")
    base = Checklist.objects.get(code="two_committee_rules")
    form = city.get(reverse("governance:checklist_new"), {"from": base.pk}).content.decode()
    assert "职责定位 | 村党组织是村各类组织" in form
    day = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = city.post(reverse("governance:checklist_new"), {
        "code": base.code, "name": base.name, "effective_from": day, "note": "",
        "items": "职责定位 | 新措施甲\n成员分工｜新措施乙\n无分组的措施"})
    new = Checklist.objects.get(code=base.code, version=2)
    assert response["Location"] == reverse("governance:checklist", args=[new.pk])
    assert [(i.aspect, i.text) for i in new.items.all()] == [("职责定位", "新措施甲"), ("成员分工", "新措施乙"),
                                                             ("", "无分组的措施")]
    page = city.get(reverse("governance:checklists")).content.decode()
    assert "future" in page
    assert login("county").get(reverse("governance:checklist_new")).status_code == 403
    assert "村党组织是村各类组织" in login("village").get(reverse("governance:checklist", args=[base.pk])).content.decode()
    assert date(2021, 1, 1) == base.effective_from
