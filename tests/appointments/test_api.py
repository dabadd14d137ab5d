"""Appointment requests in the REST API: the same services, the same scope, the same refusals."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.people.models import Appointment
from tests import factories as f
from tests.appointments.conftest import World, review, snapshot

pytestmark = pytest.mark.django_db
State = AppointmentRequest.State


def api(who: World, username: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(who.users[username])
    return client


def test_file_approve_and_list(world: World) -> None:
    township = api(world, "township")
    response = township.post(reverse("api:appointment-request-list"), {
        "kind": "appoint", "person": world.gan.pk, "region": f.TANBA, "post": "party_secretary",
        "start_date": "2026-07-01", "basis": "by_election"}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["state"] == "requested" and response.json()["requested_by"] == "township"
    assert api(world, "township").post(reverse("api:appointment-request-approve", args=[pk])).status_code == 403
    county = api(world, "county")
    assert [r["id"] for r in county.get(reverse("api:appointment-request-list"), {"state": "requested"}).json()
            ["results"]] == [pk]
    response = county.post(reverse("api:appointment-request-approve", args=[pk]))
    assert response.status_code == 200 and response.json()["state"] == "approved"
    assert response.json()["result"] == Appointment.objects.get(person=world.gan).pk
    response = county.post(reverse("api:appointment-request-approve", args=[pk]))
    assert response.status_code == 400 and "cannot become" in str(response.json())


def test_refusals_are_400_and_change_nothing(world: World) -> None:
    review(world.gan, False)
    township, before = api(world, "township"), snapshot()
    url = reverse("api:appointment-request-list")
    response = township.post(url, {"kind": "appoint", "person": world.gan.pk, "region": f.TANBA,
                                   "post": "party_secretary", "start_date": "2026-07-01", "basis": "by_election"},
                             format="json")
    assert response.status_code == 400 and "is not cleared" in str(response.json()["person"])
    response = township.post(url, {"kind": "dismiss", "appointment": world.mo_post.pk, "end_date": "2026-06-30"},
                             format="json")
    assert response.status_code == 400 and "needs a reason" in str(response.json()["reason"])
    response = township.post(url, {"kind": "appoint", "person": world.cen.pk, "region": f.OTHER_TOWNSHIP_VILLAGE,
                                   "post": "party_secretary", "start_date": "2026-07-01", "basis": "by_election"},
                             format="json")
    assert response.status_code == 400 and "no such person on your roster" in str(response.json())
    assert snapshot() == before


def test_reject_and_withdraw(world: World) -> None:
    first, second = world.end(), world.appoint()
    county = api(world, "county")
    response = county.post(reverse("api:appointment-request-reject", args=[first.pk]), {}, format="json")
    assert response.status_code == 400 and "say why" in str(response.json())
    response = county.post(reverse("api:appointment-request-reject", args=[first.pk]), {"reason": "理由不足"},
                           format="json")
    assert response.status_code == 200 and response.json()["decision_reason"] == "理由不足"
    assert county.post(reverse("api:appointment-request-withdraw", args=[second.pk])).status_code == 400
    response = api(world, "township").post(reverse("api:appointment-request-withdraw", args=[second.pk]))
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"


def test_out_of_scope_is_404(world: World) -> None:
    request = world.appoint()
    gulin = api(world, "gulin_admin")
    assert gulin.get(reverse("api:appointment-request-detail", args=[request.pk])).status_code == 404
    assert gulin.post(reverse("api:appointment-request-approve", args=[request.pk])).status_code == 404
    assert gulin.get(reverse("api:appointment-request-list")).json()["results"] == []
    assert api(world, "village").get(reverse("api:appointment-request-list")).status_code == 403


def test_the_schema_describes_the_requests(client) -> None:  # noqa: ANN001
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/appointment-requests/" in paths and "post" in paths["/api/v1/appointment-requests/"]
    assert "/api/v1/appointment-requests/{id}/approve/" in paths
    assert "RequestInput" in schema["components"]["schemas"]
