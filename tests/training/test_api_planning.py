"""The training plan in the REST API: scoped reads, writes through the same services, the schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.training.models import Enrolment, Session, TrainingBase
from tests import factories as f
from tests.training.test_planning_services import Plan, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(users: dict[str, Any]) -> Plan:
    return make_plan(users)


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    with translation.override("en"):
        yield


def api(user) -> Client:  # noqa: ANN001
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_the_catalogue_is_read_below_and_written_by_the_city(plan: Plan) -> None:
    county, city = api(plan.users["county"]), api(plan.users["city"])
    assert [b["name"] for b in county.get(reverse("api:training-base-list")).json()["results"]] == ["泸州市委党校"]
    assert county.get(reverse("api:training-programme-detail", args=[plan.programme.pk])).json()["hours"] == "24.0"
    payload = {"name": "古蔺基地", "host": "古蔺党校", "capacity": 20, "kind": "party_school", "region": f.GULIN}
    assert county.post(reverse("api:training-base-list"), payload, content_type="application/json").status_code == 403
    created = city.post(reverse("api:training-base-list"), payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["region"] == f.GULIN
    base = TrainingBase.objects.get(name="古蔺基地")
    assert county.get(reverse("api:training-base-detail", args=[base.pk])).status_code == 404
    patched = city.patch(reverse("api:training-base-detail", args=[base.pk]), {"capacity": 0},
                         content_type="application/json")
    assert patched.status_code == 400 and "capacity" in patched.json()
    assert api(plan.users["reviewer"]).get(reverse("api:training-base-list")).status_code == 403


def test_a_programme_is_created_for_the_city(plan: Plan) -> None:
    response = api(plan.users["city"]).post(reverse("api:training-programme-list"), {
        "title": "电商带头人", "topic": "e_commerce", "form": "field_visit", "hours": "12", "audience": "all_cadres",
        "threshold": 70, "talent_tag": "e_commerce"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["region"] == f.CITY


def test_a_session_is_created_with_its_sittings(plan: Plan) -> None:
    client = api(plan.users["county"])
    response = client.post(reverse("api:training-session-list"), {
        "programme": plan.programme.pk, "base": plan.base.pk, "title": "接口班", "start_date": "2026-06-01",
        "end_date": "2026-06-02", "capacity": 20, "sittings": [
            {"starts_at": "2026-06-01T09:00:00+08:00", "ends_at": "2026-06-01T12:00:00+08:00", "hours": "3"},
            {"starts_at": "2026-06-02T09:00:00+08:00", "ends_at": "2026-06-02T11:00:00+08:00", "hours": "2"}]},
        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region"] == "510521000000" and body["hours"] == "5.0" and len(body["sittings"]) == 2
    listed = api(plan.users["township"]).get(reverse("api:training-session-list")).json()["results"]
    assert [s["title"] for s in listed] == ["接口班"]


def test_a_refused_sitting_leaves_no_session(plan: Plan) -> None:
    response = api(plan.users["county"]).post(reverse("api:training-session-list"), {
        "programme": plan.programme.pk, "base": plan.base.pk, "title": "坏班", "start_date": "2026-06-01",
        "end_date": "2026-06-01", "capacity": 20, "sittings": [
            {"starts_at": "2026-06-05T09:00:00+08:00", "ends_at": "2026-06-05T12:00:00+08:00", "hours": "3"}]},
        content_type="application/json")
    assert response.status_code == 400 and "starts_at" in response.json()
    assert not Session.objects.exists()


def test_sessions_are_updated_and_cancelled_by_their_county(plan: Plan) -> None:
    session = plan.session()
    url = reverse("api:training-session-detail", args=[session.pk])
    assert api(plan.users["county"]).patch(url, {"capacity": 60}, content_type="application/json").status_code == 400
    assert api(plan.users["county"]).patch(url, {"capacity": 12}, content_type="application/json").json()[
        "capacity"] == 12
    assert api(plan.users["gulin_admin"]).patch(url, {"capacity": 5},
                                                content_type="application/json").status_code == 404
    cancel = api(plan.users["county"]).post(reverse("api:training-session-cancel", args=[session.pk]),
                                            {"reason": "改期"}, content_type="application/json")
    assert cancel.json()["state"] == "cancelled"


def test_enrol_and_withdraw_through_the_api(plan: Plan) -> None:
    session, gan = plan.session(), f.make_person(f.TANBA, name="甘接口")
    client = api(plan.users["county"])
    url = reverse("api:training-enrolment-list")
    created = client.post(url, {"session": session.pk, "person": gan.pk}, content_type="application/json")
    assert created.status_code == 201 and created.json()["village"] == f.TANBA
    again = client.post(url, {"session": session.pk, "person": gan.pk}, content_type="application/json")
    assert again.status_code == 400 and "already enrolled" in str(again.json())
    outsider = f.make_person(f.GULIN_VILLAGE, name="蒲接口")
    refused = client.post(url, {"session": session.pk, "person": outsider.pk}, content_type="application/json")
    assert refused.status_code == 400 and "蒲接口" not in refused.content.decode()
    rows = api(plan.users["township"]).get(url, {"session": session.pk}).json()["results"]
    assert [r["name"] for r in rows] == ["甘接口"]
    assert api(plan.users["gulin_admin"]).get(url).json()["results"] == []
    enrolment = Enrolment.objects.get()
    withdraw = reverse("api:training-enrolment-withdraw", args=[enrolment.pk])
    assert client.post(withdraw, {}, content_type="application/json").status_code == 400
    assert client.post(withdraw, {"reason": "生病"}, content_type="application/json").json()["withdrawn"] is True
    assert AuditEvent.objects.filter(action="training.withdraw").count() == 1


def test_the_schema_names_the_endpoints(plan: Plan) -> None:
    schema = api(plan.users["county"]).get(reverse("api:schema"), {"format": "json"}).json()
    for path in ("/api/v1/training-bases/", "/api/v1/training-programmes/", "/api/v1/training-sessions/",
                 "/api/v1/training-enrolments/", "/api/v1/training-enrolments/{id}/withdraw/"):
        assert path in schema["paths"], path
