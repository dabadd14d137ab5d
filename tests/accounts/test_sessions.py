"""Sessions: they end after the idle time (30 minutes by default), when the password changes (every other
session of the account), and when the account is deactivated; a forged session cookie is a stranger."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lingtouyang.audit.models import AuditEvent
from tests import factories

NEW_PASSWORD = "spring-rice-terrace-88"  # noqa: S105


def log_in(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.post(reverse("login"), {"username": username, "password": factories.PASSWORD}).status_code == 302
    return client


def signed_in(client: Client) -> bool:
    """A page that needs an account answers rather than sending to the log-in."""
    response = client.get(reverse("password_change"))
    return response.status_code == 200


def stored(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_sessions_expire_after_inactivity_and_each_request_renews_them(users) -> None:  # noqa: ANN001
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client = log_in("township")
    # Twenty-nine minutes without a request: one minute left. A request gives the full idle time again.
    Session.objects.filter(pk=stored(client).pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert signed_in(client)
    assert stored(client).expire_date > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 300)
    # Then the idle time passes with no request: the next one is a stranger's.
    Session.objects.filter(pk=stored(client).pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_session_cookie_lives_no_longer_than_the_idle_time(users) -> None:  # noqa: ANN001
    client = log_in("township")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert cookie["httponly"]


def test_a_password_change_ends_the_accounts_other_sessions(users) -> None:  # noqa: ANN001
    here, elsewhere = log_in("township"), log_in("township")
    bystander = log_in("village")
    response = here.post(reverse("password_change"), {
        "old_password": factories.PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert signed_in(here)  # the session that changed it stays (Django re-keys its session hash)
    assert not signed_in(elsewhere)  # a session somewhere else (a stolen cookie, say) ends
    assert signed_in(bystander)
    assert AuditEvent.objects.filter(action="account.password_change", actor=users["township"]).count() == 1


def test_a_forged_session_cookie_is_a_stranger_and_is_not_adopted(users) -> None:  # noqa: ANN001
    real = log_in("township")
    key = real.cookies[settings.SESSION_COOKIE_NAME].value
    for forged in ["0" * 32, key[:-1] + ("a" if key[-1] != "a" else "b"), "../../etc/passwd", "x" * 5000,
                   "' OR '1'='1"]:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = forged
        before = Session.objects.count()
        response = client.get(reverse("people:list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), forged
        assert "township" not in response.content.decode()
        issued = response.cookies.get(settings.SESSION_COOKIE_NAME)
        assert issued is None or issued.value != forged  # never takes the attacker's key as a session
        assert Session.objects.count() <= before + 1
    assert signed_in(real)


def test_a_deactivated_account_is_signed_out_at_its_next_request(users) -> None:  # noqa: ANN001
    cadre = log_in("village")
    admin = Client()
    admin.force_login(users["county"])
    response = admin.post(reverse("accounts:edit", args=[users["village"].pk]), {
        "action": "save", "role": "village_cadre", "region": factories.TANBA, "department": ""})  # unchecked: inactive
    assert response.status_code == 302
    assert not signed_in(cadre)
    assert Client().post(reverse("login"), {"username": "village", "password": factories.PASSWORD}).status_code == 200
    event = AuditEvent.objects.get(action="account.role_change")
    assert event.changes["is_active"] == [True, False]
