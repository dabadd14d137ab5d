"""Pages and API of careers: thin over the services, scoped, refusals shown and nothing written."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from lingtouyang.careers.models import CareerEvent
from tests.careers.conftest import Setup, snapshot

pytestmark = pytest.mark.django_db


def client(setup: Setup, who: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(setup.users[who])
    return c


def api(setup: Setup, who: str) -> APIClient:
    c = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    c.force_authenticate(setup.users[who])
    return c


def test_create_page_records_and_may_end_posts(setup: Setup) -> None:
    c = client(setup, "county")
    found = c.get(reverse("careers:create"), {"q": "甘"}, HTTP_HX_REQUEST="true").content.decode()
    assert setup.cadre.name in found
    before = snapshot()
    form = {"person": setup.cadre.pk, "kind": "dismissal", "date": "2021-04-01", "destination": "", "reason": ""}
    response = c.post(reverse("careers:create"), form)
    assert "needs a reason" in response.content.decode() and snapshot() == before
    response = c.post(reverse("careers:create"), {**form, "reason": "违反村规民约", "end_posts": "on"})
    event = CareerEvent.objects.get()
    assert response["Location"] == reverse("careers:detail", args=[event.pk]) and event.ended_posts == 1
    assert client(setup, "township").get(reverse("careers:create")).status_code == 403
    listed = client(setup, "village").get(reverse("careers:list")).content.decode()
    assert setup.cadre.name in listed
    assert client(setup, "gulin_admin").get(reverse("careers:detail", args=[event.pk])).status_code == 404


def test_api(setup: Setup) -> None:
    body = {"person": setup.cadre.pk, "kind": "civil_service", "date": "2021-05-01", "destination": ""}
    before = snapshot()
    response = api(setup, "county").post(reverse("api:career-event-list"), body, format="json")
    assert response.status_code == 400 and "destination" in response.json() and snapshot() == before
    response = api(setup, "county").post(reverse("api:career-event-list"), {**body, "destination": "泸县喻寺镇人民政府"},
                                         format="json")
    assert response.status_code == 201 and response.json()["region"] == setup.cadre.region_id
    assert api(setup, "county").post(reverse("api:career-event-list"), {**body, "person": setup.other.pk},
                                     format="json").status_code == 404
    assert api(setup, "township").post(reverse("api:career-event-list"), body, format="json").status_code == 403
    rows = api(setup, "village").get(reverse("api:career-event-list"), {"year": 2021}).json()["results"]
    assert [r["kind"] for r in rows] == ["civil_service"]
    pk = rows[0]["id"]
    changed = api(setup, "county").patch(reverse("api:career-event-detail", args=[pk]), {"note": "定向考录"},
                                         format="json")
    assert changed.json()["note"] == "定向考录" and CareerEvent.objects.get().date == date(2021, 5, 1)
