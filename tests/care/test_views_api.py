"""Pages, export and API of care records: thin over the services, scoped, refusals shown."""

import io
from datetime import date

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from lingtouyang.care.models import CareRecord
from tests import factories as f
from tests.care.conftest import Setup, snapshot

pytestmark = pytest.mark.django_db


def client(setup: Setup, who: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(setup.users[who])
    return c


def api(setup: Setup, who: str) -> APIClient:
    c = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    c.force_authenticate(setup.users[who])
    return c


def test_create_page_refuses_a_negative_amount_then_records(setup: Setup) -> None:
    c = client(setup, "township")
    form = {"person": setup.cadre.pk, "kind": "hardship", "date": "2025-06-01", "by_whom": "镇党委书记",
            "amount": "-200"}
    before = snapshot()
    assert "cannot be negative" in c.post(reverse("care:create"), form).content.decode() and snapshot() == before
    response = c.post(reverse("care:create"), {**form, "amount": "2000"})
    record = CareRecord.objects.get()
    assert response["Location"] == reverse("care:detail", args=[record.pk])
    assert client(setup, "village").get(reverse("care:create")).status_code == 403
    assert client(setup, "gulin_admin").get(reverse("care:detail", args=[record.pk])).status_code == 404


def test_follow_up_page(setup: Setup) -> None:
    talk = setup.record(kind="reminder", amount=None, follow_up_due=date(2025, 7, 1))
    c = client(setup, "township")
    bad = c.post(reverse("care:follow_up", args=[talk.pk]), {"done_on": "2025-05-01", "note": "x"})
    assert "on or after the talk" in bad.content.decode()
    c.post(reverse("care:follow_up", args=[talk.pk]), {"done_on": "2025-06-10", "note": "已整改"})
    talk.refresh_from_db()
    assert talk.follow_up_done == date(2025, 6, 10)
    listed = c.get(reverse("care:list"), {"open": "1"}).content.decode()
    assert "甘关怀" not in listed  # its follow-up is done


def test_without_page_and_export(setup: Setup) -> None:
    never = f.make_person(f.OTHER_YUSI_VILLAGE, name="甘从未", born=date(1972, 1, 1))
    f.make_appointment(never)
    setup.record(date=date(2025, 3, 1))
    page = client(setup, "township").get(reverse("care:without"), {"year": 2025}).content.decode()
    table = page.split('id="without"')[1]
    assert "甘从未" in table and "甘关怀" not in table and "蒲外县" not in table
    county_page = client(setup, "county").get(reverse("care:without"),
                                              {"year": 2025, "region": f.YUSI}).content.decode()
    assert "甘从未" in county_page.split('id="without"')[1]
    response = client(setup, "township").get(reverse("care:without_export"), {"year": 2025})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == ["甘从未"]


def test_api(setup: Setup) -> None:
    body = {"person": setup.cadre.pk, "kind": "hardship", "date": "2025-06-01", "by_whom": "镇党委书记",
            "amount": "-1"}
    before = snapshot()
    response = api(setup, "township").post(reverse("api:care-record-list"), body, format="json")
    assert response.status_code == 400 and "cannot be negative" in str(response.json()) and snapshot() == before
    response = api(setup, "township").post(reverse("api:care-record-list"), {**body, "amount": "1500.5"},
                                           format="json")
    assert response.status_code == 201 and response.json()["amount"] == "1500.50"
    assert api(setup, "village").post(reverse("api:care-record-list"), body, format="json").status_code == 403
    assert api(setup, "township").post(reverse("api:care-record-list"), {**body, "person": setup.other.pk},
                                       format="json").status_code == 404
    rows = api(setup, "township").get(reverse("api:care-without-list"), {"year": 2026}).json()["results"]
    assert [r["name"] for r in rows] == ["甘关怀"]


def test_api_follow_up(setup: Setup) -> None:
    talk = setup.record(kind="reminder", amount=None, follow_up_due=date(2025, 7, 1))
    url = reverse("api:care-record-follow-up", args=[talk.pk])
    bad = api(setup, "township").post(url, {"done_on": "2025-04-01", "note": "x"}, format="json")
    assert bad.status_code == 400 and "on or after the talk" in str(bad.json())
    done = api(setup, "township").post(url, {"done_on": "2025-06-01", "note": "已整改"}, format="json")
    assert done.json()["follow_up_done"] == "2025-06-01"
    assert api(setup, "gulin_admin").post(url, {"done_on": "2025-06-01", "note": "x"}, format="json").status_code == 404
