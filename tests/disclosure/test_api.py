from datetime import date

import pytest
from django.db import connection
from rest_framework.test import APIClient

from lingtouyang.disclosure.models import Disclosure
from tests import factories as f
from tests.disclosure.conftest import draft, item, publish

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_public_api_shows_only_published(users):
    shown = publish(users, draft(users["village"], "S01", tables=[
        {"title": "低保", "columns": [{"label": "姓名", "kind": "name"}, {"label": "身份证号", "kind": "id_number"},
                                      {"label": "电话", "kind": "phone"}],
         "rows": [["李四", "510521198001011234", "13912345678"]]}]))
    hidden = draft(users["village"], "V01", title="尚未审核的草稿")
    body = api().get("/api/v1/public/disclosures/", {"village": f.TANBA})
    assert body.status_code == 200
    text = body.content.decode()
    assert shown.title in text and "尚未审核的草稿" not in text
    assert "510521********1234" in text and "13912345678" not in text and "198001011234" not in text
    assert api().get(f"/api/v1/public/disclosures/{hidden.pk}/").status_code == 404
    assert api().get(f"/api/v1/public/disclosures/{shown.pk}/").status_code == 200
    assert api().get("/api/v1/public/disclosures/", {"village": "x'; drop"}).status_code == 400
    # Writing is not possible without login (nor with it).
    assert api().post("/api/v1/public/disclosures/", {"title": "x"}).status_code in (401, 403, 405)


def test_public_verify_and_forged_requests(users):
    d = publish(users, draft(users["village"]))
    ok = api().get("/api/v1/public/ledger/verify/", {"village": f.TANBA})
    assert ok.status_code == 200 and ok.json()["ok"] is True and ok.json()["entries"] == 1
    head = ok.json()["head_hash"]
    assert api().get("/api/v1/public/ledger/verify/", {"village": f.TANBA, "head_hash": head}).json()["matches_your_head"]
    forged = api().get("/api/v1/public/ledger/verify/", {"village": f.TANBA, "head_hash": "f" * 64, "ok": "true"})
    assert forged.json()["matches_your_head"] is False
    assert api().get("/api/v1/public/ledger/verify/", {"village": f.TANBA, "head_hash": "<script>"}).status_code == 400
    assert api().get("/api/v1/public/ledger/verify/", {"village": "999999999999"}).status_code == 404
    assert api().get("/api/v1/public/ledger/verify/").status_code == 400
    with connection.cursor() as cur:
        cur.execute("UPDATE disclosure_disclosure SET body = 'x' WHERE id = %s", [d.pk])
    bad = api().get("/api/v1/public/ledger/verify/", {"village": f.TANBA}).json()
    assert bad["ok"] is False and bad["first_bad_entry"] == 1
    assert api().post("/api/v1/public/ledger/verify/?village=" + f.TANBA).status_code == 405


def test_back_office_api_workflow_and_scope(users):
    c = api(users["village"])
    resp = c.post("/api/v1/disclosures/", {"item": item("F01").pk, "period_start": "2026-05-01", "title": "5月明白账",
                                        "opening_balance": "10.00", "closing_balance": "5.00",
                                        "lines": [{"kind": "expense", "subject": "纸张", "amount": "5.00"}]},
                  format="json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    bad = c.post("/api/v1/disclosures/", {"item": item("F01").pk, "period_start": "2026-06-01", "title": "x",
                                       "opening_balance": "10", "closing_balance": "6", "lines": []}, format="json")
    assert bad.status_code == 400 and Disclosure.objects.count() == 1
    assert c.post(f"/api/v1/disclosures/{pk}/move/", {"to": "submitted"}).status_code == 200
    assert c.post(f"/api/v1/disclosures/{pk}/move/", {"to": "reviewed"}).status_code == 400
    assert api(users["supervisor"]).post(f"/api/v1/disclosures/{pk}/move/", {"to": "reviewed"}).status_code == 200
    other = f.make_user("other-tw", "township_officer", "510521103000")
    assert api(other).get(f"/api/v1/disclosures/{pk}/").status_code == 404
    assert api(users["township"]).post(f"/api/v1/disclosures/{pk}/move/", {"to": "approved"}).status_code == 200
    assert api(users["township"]).post(f"/api/v1/disclosures/{pk}/move/", {"to": "published"}).json()["state"] == "published"
    assert api(users["city"]).get("/api/v1/disclosure-ledger/", {"village": f.TANBA}).json()["results"][0]["seq"] == 1
    assert api(users["city"]).get("/api/v1/disclosure-catalogue/").status_code == 200
    made = api(users["county"]).post("/api/v1/disclosure-catalogue/", {
        "code": "LX7", "category": "service", "title": "县事项", "frequency": "yearly",
        "effective_from": date(2026, 1, 1).isoformat()}, format="json")
    assert made.status_code == 201 and made.json()["region_code"] == "510521000000"
    assert api(users["village"]).post("/api/v1/disclosure-catalogue/", {}, format="json").status_code == 403
