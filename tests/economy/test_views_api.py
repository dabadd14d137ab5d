"""Pages, export and API of the collective economy: thin over the services, scoped, refusals shown."""

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from lingtouyang.economy.models import Project
from tests import factories as f
from tests.economy.conftest import Setup, snapshot

pytestmark = pytest.mark.django_db


def client(setup: Setup, who: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(setup.users[who])
    return c


def api(setup: Setup, who: str) -> APIClient:
    c = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    c.force_authenticate(setup.users[who])
    return c


def _world(setup: Setup) -> dict[str, Any]:
    tea = setup.project(name="茶叶加工")
    setup.project(name="民宿", operating_income="100000", operating_cost="90000")
    setup.project(region=f.OTHER_YUSI_VILLAGE, name="养鱼", operating_income="40000", operating_cost="0")
    setup.project(who="gulin_admin", region=f.GULIN_VILLAGE, name="蒲外项目")
    return {"tea": tea}


def test_totals_sum_villages_sort_and_subtotal_townships(setup: Setup) -> None:
    _world(setup)
    page = client(setup, "county").get(reverse("economy:totals"), {"year": 2025}).content.decode()
    assert "530,000.00" in page and "40,000.00" in page and "570,000.00" in page  # 谭坝村, the other, 喻寺镇
    assert "蒲外项目" not in page and "古蔺" not in page
    ordered = client(setup, "county").get(reverse("economy:totals"), {"year": 2025, "order": "-net"}).content.decode()
    assert ordered.index("40,000.00</td>") < ordered.index("530,000.00</td>")
    above = client(setup, "county").get(reverse("economy:totals"), {"year": 2025, "min_net": "50000"}).content.decode()
    villages = above.split('id="villages"')[1]
    assert "530,000.00" in villages and "40,000.00</td>" not in villages


def test_create_refuses_a_negative_income_with_its_reason(setup: Setup) -> None:
    before = snapshot()
    response = client(setup, "township").post(reverse("economy:create"), {
        "region": f.TANBA, "year": 2025, "name": "茶叶加工", "operating_income": "-1", "operating_cost": "0"})
    assert response.status_code == 200 and "cannot be negative" in response.content.decode()
    assert snapshot() == before
    response = client(setup, "township").post(reverse("economy:create"), {
        "region": f.GULIN_VILLAGE, "year": 2025, "name": "x", "operating_income": "1", "operating_cost": "0"})
    assert "no such village or community in your jurisdiction" in response.content.decode()
    response = client(setup, "township").post(reverse("economy:create"), {
        "region": f.TANBA, "year": 2025, "name": "茶叶加工", "operating_income": "860000", "operating_cost": "340000"})
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("economy:detail", args=[project.pk])


def test_detail_finds_and_adds_cadres(setup: Setup) -> None:
    tea = _world(setup)["tea"]
    c = client(setup, "township")
    found = c.get(reverse("economy:detail", args=[tea.pk]), {"q": "甘"}, HTTP_HX_REQUEST="true").content.decode()
    assert setup.cadre.name in found
    c.post(reverse("economy:cadre_add", args=[tea.pk]), {"person": setup.cadre.pk})
    assert list(tea.cadres.values_list("person_id", flat=True)) == [setup.cadre.pk]
    refused = c.post(reverse("economy:cadre_add", args=[tea.pk]), {"person": setup.other.pk}).content.decode()
    assert "no such person on your roster" in refused
    page = client(setup, "village").get(reverse("economy:detail", args=[tea.pk])).content.decode()
    assert setup.cadre.name in page and "cadre_add" not in page
    assert client(setup, "gulin_admin").get(reverse("economy:detail", args=[tea.pk])).status_code == 404


def test_export_holds_the_villages(setup: Setup) -> None:
    _world(setup)
    response = client(setup, "county").get(reverse("economy:export"), {"year": 2025})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [f.TANBA, f.OTHER_YUSI_VILLAGE]
    assert client(setup, "reviewer").get(reverse("economy:export")).status_code == 403


def test_api_creates_refuses_and_lists(setup: Setup) -> None:
    body = {"region": f.TANBA, "year": 2025, "name": "茶叶加工", "operating_income": "-860000",
            "operating_cost": "340000"}
    before = snapshot()
    response = api(setup, "township").post(reverse("api:economy-project-list"), body, format="json")
    assert response.status_code == 400 and "cannot be negative" in str(response.json()["operating_income"])
    assert snapshot() == before
    response = api(setup, "township").post(reverse("api:economy-project-list"),
                                           {**body, "operating_income": "860000"}, format="json")
    assert response.status_code == 201 and response.json()["net_income"] == "520000.00"
    pk = response.json()["id"]
    added = api(setup, "township").post(reverse("api:economy-project-add-cadre", args=[pk]),
                                        {"person": setup.cadre.pk}, format="json")
    assert added.json()["cadres"] == [setup.cadre.pk]
    assert api(setup, "village").post(reverse("api:economy-project-list"), body, format="json").status_code == 403
    assert api(setup, "gulin_admin").get(reverse("api:economy-project-detail", args=[pk])).status_code == 404
    rows = api(setup, "city").get(reverse("api:economy-village-total-list"), {"year": 2025}).json()["results"]
    assert rows == [{"region": f.TANBA, "village": "谭坝村", "township": "喻寺镇", "projects": 1,
                     "income": "860000.00", "cost": "340000.00", "net": "520000.00"}]


def test_delete_needs_confirming(setup: Setup) -> None:
    tea = _world(setup)["tea"]
    c = client(setup, "township")
    assert "tick the box" in c.post(reverse("economy:delete", args=[tea.pk])).content.decode()
    assert Project.objects.filter(pk=tea.pk).exists()
    response = c.post(reverse("economy:delete", args=[tea.pk]), {"confirm": "1"})
    assert response.status_code == 302 and not Project.objects.filter(pk=tea.pk).exists()


def test_api_corrects_and_deletes(setup: Setup) -> None:
    tea = setup.project()
    c = api(setup, "county")
    bad = c.patch(reverse("api:economy-project-detail", args=[tea.pk]), {"operating_cost": "-3"}, format="json")
    assert bad.status_code == 400 and "cannot be negative" in str(bad.json())
    fixed = c.patch(reverse("api:economy-project-detail", args=[tea.pk]), {"operating_cost": "360000"}, format="json")
    assert fixed.json()["net_income"] == "500000.00" and fixed.json()["region"] == f.TANBA
    assert c.delete(reverse("api:economy-project-detail", args=[tea.pk])).status_code == 204
    assert not Project.objects.exists()
