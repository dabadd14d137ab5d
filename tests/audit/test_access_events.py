"""Refused requests by signed-in users are security events: 403 as access.denied, a back-office 404 (an id
outside one's jurisdiction looks exactly like one that does not exist) as access.not_found."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from lingtouyang.audit.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def _refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith="access.").order_by("id"))


def test_a_403_is_recorded_with_user_address_path_and_outcome(client, users):
    client.force_login(users["village"])
    response = client.get(reverse("audit:list"), REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 403
    [event] = _refusals()
    assert (event.action, event.actor, event.actor_name, event.address, event.outcome) == (
        "access.denied", users["village"], "village", "10.20.30.40", "denied")
    assert event.changes == {"path": "/audit/", "method": "GET", "status": 403}
    assert event.region_code == users["village"].region_id
    assert event.mac  # part of the chain like any other event


def test_an_out_of_scope_object_is_recorded_as_not_found(client, users):
    outside = f.make_person(f.GULIN_VILLAGE, name="冉季平")
    client.force_login(users["county"])
    response = client.get(reverse("people:detail", args=[outside.pk]), REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 404
    [event] = _refusals()
    assert (event.action, event.actor, event.address, event.outcome) == ("access.not_found", users["county"],
                                                                        "10.1.1.1", "denied")
    assert event.changes["path"] == f"/people/{outside.pk}/"


def test_api_permission_denials_are_recorded_for_the_token_user(client, users):
    token = Token.objects.create(user=users["village"])
    response = client.post("/api/v1/people/", {}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token.key}", REMOTE_ADDR="10.5.5.5")
    assert response.status_code == 403
    [event] = _refusals()
    assert (event.action, event.actor, event.address) == ("access.denied", users["village"], "10.5.5.5")
    assert event.changes["method"] == "POST"


def test_anonymous_visitors_and_the_public_portal_are_not_recorded(client, users):
    assert client.get(reverse("audit:list")).status_code == 302  # to the log-in page
    assert client.get("/open/no-such-page/").status_code == 404
    client.force_login(users["county"])
    assert client.get("/open/no-such-page/").status_code == 404
    assert client.get("/static/no-such-file.css").status_code == 404
    assert _refusals() == []


def test_allowed_requests_are_not_recorded_as_refusals(client, users):
    client.force_login(users["county"])
    assert client.get(reverse("audit:list")).status_code == 200
    assert _refusals() == []
