"""Passwords are changed periodically: past LINGTOUYANG_PASSWORD_MAX_AGE_DAYS an account reaches only the
password page (and log-out, and what is public) until it chooses a new one."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lingtouyang.accounts.models import User
from tests import factories

NEW_PASSWORD = "autumn-persimmon-orchard-31"  # noqa: S105


def _age(username: str, days: int) -> None:
    User.objects.filter(username=username).update(password_changed_at=timezone.now() - timedelta(days=days))


def test_setting_a_password_records_when(users) -> None:  # noqa: ANN001
    user = users["township"]
    assert user.password_changed_at is not None
    assert timezone.now() - user.password_changed_at < timedelta(minutes=5)


def test_an_old_password_sends_the_account_to_the_password_page(users, settings) -> None:  # noqa: ANN001
    settings.LINGTOUYANG_PASSWORD_MAX_AGE_DAYS = 90
    _age("township", 91)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(username="township"))
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and b"more than 90 days old" in page.content
    assert client.get("/api/v1/people/").status_code == 403
    assert client.get("/open/").status_code in (200, 302)
    # A new password lets the account back in.
    changed = client.post(reverse("password_change"), {"old_password": factories.PASSWORD,
                                                       "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert client.get(reverse("people:list")).status_code == 200


def test_a_password_within_its_age_and_the_rule_off_pass(users, settings) -> None:  # noqa: ANN001
    settings.LINGTOUYANG_PASSWORD_MAX_AGE_DAYS = 90
    _age("township", 89)
    client = Client()
    client.force_login(User.objects.get(username="township"))
    assert client.get(reverse("people:list")).status_code == 200
    _age("township", 400)
    settings.LINGTOUYANG_PASSWORD_MAX_AGE_DAYS = 0
    assert client.get(reverse("people:list")).status_code == 200


def test_an_account_from_before_the_rule_counts_from_when_it_was_made(users, settings) -> None:  # noqa: ANN001
    settings.LINGTOUYANG_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(username="county").update(password_changed_at=None,
                                                 date_joined=timezone.now() - timedelta(days=120))
    assert User.objects.get(username="county").password_expired()
    assert not User.objects.get(username="city").password_expired()
