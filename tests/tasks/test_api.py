"""/api/v1/tasks/, /indicators/, /indicator-values/: scoped like the pages, writes through the same services."""

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lingtouyang.regions.models import Region
from lingtouyang.tasks import services
from lingtouyang.tasks.models import IndicatorValue, Task
from tests import factories as f
from tests.tasks.conftest import snapshot

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_tasks_are_scoped_created_and_progressed(users: dict[str, Any]) -> None:
    owner = f.make_person(f.TANBA, name="甘守仁")
    township = api(users["township"])
    made = township.post(reverse("api:task-list"), {
        "region": f.TANBA, "title": "产业路建设", "category": "infrastructure", "start": "2025-01-01",
        "deadline": "2025-10-31", "owners": [owner.pk]}, format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    before = snapshot()
    bad = township.post(reverse("api:task-list"), {"region": f.TANBA, "title": "x", "category": "nope",
                                                   "start": "2025-01-01", "deadline": "2025-10-31",
                                                   "responsible": "x"}, format="json")
    assert bad.status_code == 400 and "category" in bad.json() and snapshot() == before
    done = township.post(reverse("api:task-progress", args=[pk]), {"on": "2025-05-01", "percent": 100}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "done" and len(done.json()["updates"]) == 1
    assert api(users["village"]).get(reverse("api:task-detail", args=[pk])).json()["done_on"] == "2025-05-01"
    assert api(users["village"]).post(reverse("api:task-cancel", args=[pk]), {"reason": "x"},
                                      format="json").status_code == 403
    services.task_create(acting_user=None, region=Region.objects.get(code=f.GULIN_VILLAGE), title="古蔺任务",
                         category="other", start=date(2025, 1, 1), deadline=date(2025, 2, 1), responsible="x")
    rows = api(users["county"]).get(reverse("api:task-list")).json()["results"]
    assert [r["title"] for r in rows] == ["产业路建设"]
    overdue = api(users["city"]).get(reverse("api:task-list"), {"state": "overdue"}).json()["results"]
    assert [r["title"] for r in overdue] == ["古蔺任务"]
    assert api(users["county"]).get(reverse("api:task-detail", args=[Task.objects.get(title="古蔺任务").pk])
                                    ).status_code == 404
    assert api(users["reviewer"]).get(reverse("api:task-list")).status_code == 403


def test_indicator_values(users: dict[str, Any]) -> None:
    assert [i["code"] for i in api(users["village"]).get(reverse("api:indicator-list")).json()] == [
        "roads_km", "agri_parks", "industrial_base_mu"]
    url = reverse("api:indicator-value-list")
    ok = api(users["township"]).post(url, {"indicator": "agri_parks", "region": f.TANBA, "year": 2024, "value": "1"},
                                     format="json")
    assert ok.status_code == 201 and IndicatorValue.objects.get().value == 1
    refused = api(users["township"]).post(url, {"indicator": "agri_parks", "region": f.GULIN_VILLAGE, "year": 2024,
                                                "value": "1"}, format="json")
    assert refused.status_code == 400 and IndicatorValue.objects.count() == 1
    rows = api(users["city"]).get(url, {"region": "510521", "indicator": "agri_parks"}).json()["results"]
    assert [(r["region"], r["value"]) for r in rows] == [(f.TANBA, "1.00")]
    assert api(users["county"]).get(url, {"region": "510525"}).json()["results"] == []
