"""Log-in, failed log-in and log-out are security events: each is in the audit trail, never a password."""

from django.urls import reverse

from lingtouyang.audit.models import AuditEvent
from tests import factories


def test_a_login_and_a_logout_are_recorded(client, users):
    response = client.post(reverse("login"), {"username": "township", "password": factories.PASSWORD},
                           REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.10")
    events = list(AuditEvent.objects.filter(action__startswith="account.log").order_by("id"))
    assert [(e.action, e.outcome, e.actor) for e in events] == [
        ("account.login", "ok", users["township"]), ("account.logout", "ok", users["township"])]
    assert {e.address for e in events} == {"192.0.2.10"}
    assert events[0].region_code == factories.YUSI


def test_a_failed_login_is_recorded_without_the_password(client, users):
    client.post(reverse("login"), {"username": "township", "password": "wrong-guess-123"})
    client.post(reverse("login"), {"username": "nobody", "password": "another-guess"})
    events = list(AuditEvent.objects.filter(action="account.login").order_by("id"))
    assert [(e.outcome, e.changes["username"]) for e in events] == [("failed", "township"), ("failed", "nobody")]
    assert events[0].object_id == str(users["township"].pk) and events[1].object_id == ""
    assert all("guess" not in str(e.changes) for e in events)
