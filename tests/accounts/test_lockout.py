"""Brute force: repeated failed log-ins lock the account name and, separately, the address (django-axes);
while locked the right password is refused too, and every lockout is in the audit trail."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from lingtouyang.audit.models import AuditEvent
from tests import factories

WRONG = "wrong-guess-2026"  # noqa: S105


@pytest.fixture
def limit(settings) -> int:  # noqa: ANN001
    return settings.AXES_FAILURE_LIMIT


def attempt(username: str, password: str, address: str, client: Client | None = None) -> object:
    client = client or Client(HTTP_ACCEPT_LANGUAGE="en")
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_failure_limit_is_five_with_a_half_hour_cool_off(settings) -> None:  # noqa: ANN001
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME * 60 == 30
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AXES_CLIENT_IP_CALLABLE == "lingtouyang.audit.middleware.client_address"


def test_an_account_is_locked_after_repeated_failures_from_any_addresses(users, limit) -> None:  # noqa: ANN001
    for n in range(limit - 1):
        assert attempt("township", WRONG, f"192.0.2.{n + 1}").status_code == 200  # the form again, with its error
    locked = attempt("township", WRONG, "192.0.2.99")
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()

    # The right password, from an address never seen before: still refused, and nobody is signed in.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    refused = attempt("township", factories.PASSWORD, "198.51.100.7", client)
    assert refused.status_code == 429 and not signed_in(client)
    # Another account from another address is not affected.
    other = Client()
    assert attempt("village", factories.PASSWORD, "198.51.100.8", other).status_code == 302 and signed_in(other)

    events = list(AuditEvent.objects.filter(action="account.lockout").order_by("id"))
    assert len(events) == 2  # the lock, and the refused right password
    assert {(e.outcome, e.object_id, e.region_code, e.changes["username"]) for e in events} == {
        ("locked", str(users["township"].pk), factories.YUSI, "township")}
    assert [e.address for e in events] == ["192.0.2.99", "198.51.100.7"]
    assert all("wrong-guess" not in str(e.changes) and factories.PASSWORD not in str(e.changes) for e in events)


@pytest.fixture
def address_limit(settings) -> int:  # noqa: ANN001
    return settings.LINGTOUYANG_LOGIN_ADDRESS_FAILURE_LIMIT


def test_an_office_sharing_one_address_is_not_locked_by_a_few_typing_mistakes(users, limit) -> None:  # noqa: ANN001
    address = "203.0.113.4"
    for name in ["township", "county", "city", "village", "reviewer"][:limit]:
        attempt(name, WRONG, address)
    colleague = Client()
    assert attempt("supervisor", factories.PASSWORD, address, colleague).status_code == 302
    assert signed_in(colleague)


def test_an_address_is_locked_after_repeated_failures_on_any_accounts(users, address_limit) -> None:  # noqa: ANN001
    assert address_limit == 20
    address = "203.0.113.5"
    for n in range(address_limit):
        attempt(f"nobody-{n}", WRONG, address)  # never the same name twice: only the address adds up
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert attempt("supervisor", factories.PASSWORD, address, client).status_code == 429
    assert not signed_in(client)
    # The same account from another address logs in: it was the address that was locked, not the account.
    elsewhere = Client()
    assert attempt("supervisor", factories.PASSWORD, "203.0.113.6", elsewhere).status_code == 302
    assert signed_in(elsewhere)
    assert AuditEvent.objects.filter(action="account.lockout", outcome="locked", address=address).count() == 2


def test_the_lockout_page_names_no_account_and_no_reason(users, limit) -> None:  # noqa: ANN001
    for _n in range(limit):
        response = attempt("nobody-at-all", WRONG, "192.0.2.50")
    page = response.content.decode()
    assert response.status_code == 429
    assert "nobody-at-all" not in page and "Wrong user name or password" not in page
    assert AuditEvent.objects.get(action="account.lockout").object_id == ""  # no such account, still recorded


def test_the_lockout_page_is_in_the_users_language(users, limit) -> None:  # noqa: ANN001
    for _n in range(limit):
        response = Client().post(reverse("login"), {"username": "township", "password": WRONG},
                                 REMOTE_ADDR="192.0.2.51")
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()


def test_a_spoofed_forwarding_header_does_not_dodge_the_address_lock(users, address_limit) -> None:  # noqa: ANN001
    """X-Real-IP counts only from a trusted proxy; a client writing its own gets locked all the same."""
    for n in range(address_limit):
        Client().post(reverse("login"), {"username": f"nobody-{n}", "password": WRONG}, REMOTE_ADDR="192.0.2.60",
                      HTTP_X_REAL_IP=f"10.0.0.{n}", HTTP_X_FORWARDED_FOR=f"10.1.0.{n}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.60"}
    response = Client().post(reverse("login"), {"username": "township", "password": factories.PASSWORD},
                             REMOTE_ADDR="192.0.2.60", HTTP_X_REAL_IP="10.9.9.9")
    assert response.status_code == 429


def test_attempts_during_a_lockout_do_not_prolong_it(users, limit) -> None:  # noqa: ANN001
    for _n in range(limit):
        attempt("township", WRONG, "192.0.2.70")
    before = list(AccessAttempt.objects.values_list("attempt_time", "failures_since_start"))
    for _n in range(3):
        assert attempt("township", WRONG, "192.0.2.70").status_code == 429
    assert list(AccessAttempt.objects.values_list("attempt_time", "failures_since_start")) == before


def test_a_lockout_ends_after_the_cool_off(users, limit) -> None:  # noqa: ANN001
    from datetime import timedelta

    for _n in range(limit):
        attempt("township", WRONG, "192.0.2.80")
    # Thirty-one minutes later, as far as the stored attempts can tell.
    for row in AccessAttempt.objects.all():
        row.attempt_time -= timedelta(minutes=31)
        row.save(update_fields=["attempt_time"])
    client = Client()
    assert attempt("township", factories.PASSWORD, "192.0.2.80", client).status_code == 302
    assert signed_in(client)


def test_the_token_api_is_locked_the_same_way(users, limit) -> None:  # noqa: ANN001
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("api:token")
    for _n in range(limit):
        client.post(url, {"username": "township", "password": WRONG}, REMOTE_ADDR="192.0.2.90")
    response = client.post(url, {"username": "township", "password": factories.PASSWORD}, REMOTE_ADDR="192.0.2.91")
    assert response.status_code == 429
    assert "token" not in response.json() and "Too many failed log-ins" in response.json()["detail"]
    assert AuditEvent.objects.filter(action="account.lockout", outcome="locked").exists()


def test_an_administrator_unlocks_an_account_early(users, limit) -> None:  # noqa: ANN001
    for _n in range(limit):
        attempt("township", WRONG, "192.0.2.100")
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(users["county"])
    page = admin.get(reverse("accounts:edit", args=[users["township"].pk]))
    assert "Locked after repeated failed log-ins" in page.content.decode()
    response = admin.post(reverse("accounts:edit", args=[users["township"].pk]), {"action": "unlock"})
    assert response.status_code == 302
    client = Client()
    assert attempt("township", factories.PASSWORD, "192.0.2.101", client).status_code == 302 and signed_in(client)
    event = AuditEvent.objects.get(action="account.unlock")
    assert event.actor == users["county"] and event.object_id == str(users["township"].pk)


def test_behind_the_trusted_proxy_each_client_address_counts_apart(users, settings, address_limit) -> None:  # noqa: ANN001
    settings.TRUSTED_PROXIES = frozenset({"10.0.0.1"})
    for n in range(address_limit):
        Client().post(reverse("login"), {"username": f"nobody-{n}", "password": WRONG}, REMOTE_ADDR="10.0.0.1",
                      HTTP_X_REAL_IP="198.51.100.20")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.20"}
    locked, other = Client(), Client()
    assert locked.post(reverse("login"), {"username": "township", "password": factories.PASSWORD},
                       REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.20").status_code == 429
    assert other.post(reverse("login"), {"username": "township", "password": factories.PASSWORD},
                      REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.21").status_code == 302


def test_the_unlock_command_lifts_a_lockout_and_is_audited(users, limit, capsys) -> None:  # noqa: ANN001
    from django.core.management import CommandError, call_command

    for _n in range(limit):
        attempt("township", WRONG, "192.0.2.110")
    call_command("unlock_account", "township")
    assert "can log in again" in capsys.readouterr().out
    client = Client()
    assert attempt("township", factories.PASSWORD, "192.0.2.111", client).status_code == 302 and signed_in(client)
    event = AuditEvent.objects.get(action="account.unlock")
    assert event.address == "cli" and event.changes["attempts"] == 1
    with pytest.raises(CommandError, match="no account"):
        call_command("unlock_account", "nobody-here")
