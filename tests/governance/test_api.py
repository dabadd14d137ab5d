"""/api/v1/decisions/ and /checklists/: scoped like the pages, writes through the same services."""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lingtouyang.governance.models import Checklist, Decision
from tests import factories as f
from tests.governance.conftest import snapshot

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_decision_through_the_api(users: dict[str, Any]) -> None:
    village = api(users["village"])
    made = village.post(reverse("api:decision-list"), {"region": f.TANBA, "title": "村道维修", "matter": "project",
                                                       "amount": "30000"}, format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    step = reverse("api:decision-step", args=[pk])
    assert village.post(step, {"step": 1, "held_on": "2025-05-01"}, format="json").status_code == 200
    before = snapshot()
    wrong = village.post(step, {"step": 3, "held_on": "2025-05-02", "body": "party_members", "entitled": 10,
                                "present": 9, "approve": 9}, format="json")
    assert wrong.status_code == 400 and "step" in wrong.json() and snapshot() == before
    village.post(step, {"step": 2, "held_on": "2025-05-02"}, format="json")
    body = village.post(step, {"step": 3, "held_on": "2025-05-03", "body": "party_members", "entitled": 10,
                               "present": 7, "approve": 6}, format="json").json()
    assert body["steps_done"] == 3 and body["steps"][-1]["passed"] is True
    v1 = Checklist.objects.get(code="two_committee_rules", version=1)
    item = v1.items.get(number=10)
    checked = village.post(reverse("api:decision-checks", args=[pk]), {
        "checklist": v1.pk, "answers": [{"item": item.pk, "complied": True, "note": "程序完整"}]}, format="json")
    assert checked.status_code == 200 and checked.json()["checks"] == [{"item": item.pk, "complied": True,
                                                                        "note": "程序完整"}]
    assert api(users["supervisor"]).get(reverse("api:decision-detail", args=[pk])).status_code == 200
    assert api(users["supervisor"]).post(step, {"step": 4, "held_on": "2025-05-04"},
                                         format="json").status_code == 403
    other = Decision.objects.create(region_id=f.OTHER_YUSI_VILLAGE, title="邻村", matter="project")
    assert village.get(reverse("api:decision-detail", args=[other.pk])).status_code == 404
    assert [d["id"] for d in api(users["township"]).get(reverse("api:decision-list")).json()["results"]] == [
        pk, other.pk]  # by village code


def test_checklists_are_read_by_all_and_published_by_the_city(users: dict[str, Any]) -> None:
    rows = api(users["village"]).get(reverse("api:checklist-list")).json()["results"]
    assert {(r["code"], len(r["items"])) for r in rows} == {("two_committee_rules", 17), ("power_supervision", 15)}
    body = {"code": "power_supervision", "name": "x", "effective_from": "2099-01-01",
            "items": [{"aspect": "", "text": "新措施"}]}
    assert api(users["county"]).post(reverse("api:checklist-list"), body, format="json").status_code == 403
    made = api(users["city"]).post(reverse("api:checklist-list"), body, format="json")
    assert made.status_code == 201 and made.json()["version"] == 2
