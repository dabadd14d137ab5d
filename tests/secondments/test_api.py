"""GET/POST /api/v1/secondments/: scoped like the pages, writes through the same service."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lingtouyang.secondments import services
from lingtouyang.secondments.models import Secondment
from tests.secondments.conftest import Setup, snapshot

pytestmark = pytest.mark.django_db
BODY = {"host_place": "上海市", "host_organisation": "上海市徐汇区田林街道", "start_date": "2026-03-01",
        "end_date": "2026-08-31", "mentor_name": "陈丽华"}


def api(setup: Setup, who: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(setup.users[who])
    return client


def test_it_lists_in_scope_with_filters(setup: Setup) -> None:
    mine = setup.second()
    services.secondment_create(acting_user=None, person=setup.other, host_place="成都市", host_organisation="成都某社区",
                               start_date=date(2026, 1, 1), end_date=date(2026, 2, 1))
    rows = api(setup, "county").get(reverse("api:secondment-list")).json()["results"]
    assert [(r["id"], r["name"], r["state"]) for r in rows] == [(mine.pk, "甘守信", "planned")]
    city = api(setup, "city")
    assert len(city.get(reverse("api:secondment-list")).json()["results"]) == 2
    assert [r["name"] for r in city.get(reverse("api:secondment-list"), {"host_place": "成都市"}).json()["results"]] \
        == ["蒲守义"]
    assert api(setup, "gulin_admin").get(reverse("api:secondment-detail", args=[mine.pk])).status_code == 404
    assert api(setup, "reviewer").get(reverse("api:secondment-list")).status_code == 403


def test_it_creates_through_the_service(setup: Setup) -> None:
    response = api(setup, "county").post(reverse("api:secondment-list"), {"person": setup.cadre.pk, **BODY},
                                         format="json")
    assert response.status_code == 201, response.content
    assert Secondment.objects.get().host_organisation == "上海市徐汇区田林街道"
    before = snapshot()
    again = api(setup, "county").post(reverse("api:secondment-list"), {"person": setup.cadre.pk, **BODY},
                                      format="json")
    assert again.status_code == 400 and "start_date" in again.json()
    assert api(setup, "county").post(reverse("api:secondment-list"), {"person": setup.other.pk, **BODY},
                                     format="json").status_code == 404
    assert api(setup, "township").post(reverse("api:secondment-list"), {"person": setup.cadre.pk, **BODY},
                                       format="json").status_code == 403
    assert snapshot() == before
