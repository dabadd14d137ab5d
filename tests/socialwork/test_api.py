"""GET/POST /api/v1/socialwork-registrations/: scoped like the pages, writes through the same service."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lingtouyang.socialwork.models import Registration
from tests.socialwork.conftest import Setup, certify, snapshot

pytestmark = pytest.mark.django_db


def api(setup: Setup, who: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(setup.users[who])
    return client


def test_it_lists_in_scope_with_filters(setup: Setup) -> None:
    mine = setup.register(year=2024)
    certify(setup.other, "intermediate", 2023)
    rows = api(setup, "county").get(reverse("api:socialwork-registration-list")).json()["results"]
    assert [(r["id"], r["name"], r["level"]) for r in rows] == [(mine.pk, "甘守信", "assistant")]
    city = api(setup, "city")
    passed = city.get(reverse("api:socialwork-registration-list"), {"result": "passed"}).json()["results"]
    assert [(r["name"], r["certificate_no"]) for r in passed] == [("蒲守义", f"C2023intermediate{setup.other.pk}")]
    assert api(setup, "gulin_admin").get(reverse("api:socialwork-registration-detail", args=[mine.pk])
                                         ).status_code == 404
    assert api(setup, "reviewer").get(reverse("api:socialwork-registration-list")).status_code == 403


def test_it_registers_through_the_service(setup: Setup) -> None:
    url = reverse("api:socialwork-registration-list")
    body = {"person": setup.cadre.pk, "exam_year": 2025, "level": "intermediate"}
    assert api(setup, "county").post(url, body, format="json").status_code == 201
    assert Registration.objects.get().level == "intermediate"
    before = snapshot()
    again = api(setup, "county").post(url, body, format="json")
    assert again.status_code == 400 and "level" in again.json()
    assert api(setup, "county").post(url, {**body, "level": "expert"}, format="json").status_code == 400
    assert api(setup, "county").post(url, {**body, "person": setup.other.pk}, format="json").status_code == 404
    assert api(setup, "township").post(url, body, format="json").status_code == 403
    assert snapshot() == before
