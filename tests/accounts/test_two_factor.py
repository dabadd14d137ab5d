"""The second factor (TOTP): required of administrators wherever it is switched on, offered to everyone;
set up with a QR code and confirmed with a real code; verified once per session; wrong and malformed codes
refused, throttled and audited; removed by the account itself or reset by an administrator."""

from binascii import unhexlify
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from lingtouyang.accounts import twofactor
from lingtouyang.accounts.authentication import TokenAuthentication
from lingtouyang.audit.models import AuditEvent
from tests import factories


@pytest.fixture
def required(settings) -> Any:  # noqa: ANN001
    settings.LINGTOUYANG_2FA_REQUIRED = True
    return settings


def code(key_hex: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or that many 30-second steps later)."""
    return f"{totp(unhexlify(key_hex), drift=steps_ahead):06d}"


def device_for(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def verified(client: Client) -> bool:
    return "otp_device_id" in client.session


# --- enforcement -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["city", "county"])
def test_an_administrator_without_a_device_is_sent_to_set_up(required, users, who) -> None:  # noqa: ANN001
    response = client_for(users[who]).get(reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:two_step_setup')}?next=%2Fpeople%2F"


def test_an_administrator_with_a_device_is_sent_to_verify(required, users) -> None:  # noqa: ANN001
    device_for(users["county"])
    response = client_for(users["county"]).get(reverse("accounts:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_step_verify") + "?next=")


@pytest.mark.parametrize("who", ["township", "village", "supervisor", "reviewer"])
def test_other_roles_are_not_held_up(required, users, who) -> None:  # noqa: ANN001
    response = client_for(users[who]).get(reverse("home"))
    assert not response.get("Location", "").startswith("/accounts/two-step")


def test_a_superuser_must_verify_too(required, users) -> None:  # noqa: ANN001
    boss = factories.make_user("root-admin", "", factories.CITY, is_superuser=True)
    response = client_for(boss).get(reverse("people:list"))
    assert response["Location"].startswith(reverse("accounts:two_step_setup"))


def test_nothing_is_held_up_when_switched_off(users) -> None:  # noqa: ANN001
    assert client_for(users["county"]).get(reverse("people:list")).status_code == 200


def test_an_unverified_administrator_gets_403_json_from_the_api(required, users) -> None:  # noqa: ANN001
    device_for(users["county"])
    client = client_for(users["county"])
    before = AuditEvent.objects.count()
    response = client.get(reverse("api:person-list"))
    assert response.status_code == 403
    assert "Two-step verification is required" in response.json()["detail"]
    response = client.post(reverse("api:person-list"), {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="person").exists() and AuditEvent.objects.count() >= before


def test_an_unverified_administrator_may_still_read_the_portal_change_language_and_leave(required, users) -> None:  # noqa: ANN001
    client = client_for(users["county"])
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": "/open/"}).status_code == 302
    assert client.get(reverse("accounts:two_step")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


# --- set-up ----------------------------------------------------------------------------------------


def test_setting_up_with_a_real_code_turns_it_on_and_verifies_the_session(required, users) -> None:  # noqa: ANN001
    client = client_for(users["county"])
    page = client.get(reverse("accounts:two_step_setup"), {"next": "/people/"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main>")[1]
    key = client.session[twofactor.SETUP_KEY_SESSION]
    assert twofactor.base32_secret(key) in html  # for typing in by hand
    assert not TOTPDevice.objects.exists()  # nothing stored until confirmed
    session_before = client.session.session_key

    response = client.post(reverse("accounts:two_step_setup"), {"code": code(key), "next": "/people/"})
    assert response.status_code == 302 and response["Location"] == "/people/"
    device = TOTPDevice.objects.get(user=users["county"])
    assert device.confirmed and device.key == key
    assert verified(client) and client.session.session_key != session_before  # a new key with the new trust
    assert client.get(reverse("people:list")).status_code == 200
    event = AuditEvent.objects.get(action="account.2fa_setup")
    assert (event.outcome, event.actor, event.region_code) == ("ok", users["county"], "510521000000")


def test_a_wrong_set_up_code_is_refused_and_audited(required, users) -> None:  # noqa: ANN001
    client = client_for(users["county"])
    client.get(reverse("accounts:two_step_setup"))
    key = client.session[twofactor.SETUP_KEY_SESSION]
    wrong = f"{(int(code(key)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_step_setup"), {"code": wrong})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.exists() and not verified(client)
    assert AuditEvent.objects.get(action="account.2fa_setup").outcome == "failed"


def test_a_forged_set_up_key_in_the_session_is_not_used(users) -> None:  # noqa: ANN001
    client = client_for(users["township"])
    session = client.session
    session[twofactor.SETUP_KEY_SESSION] = "not-a-key"
    session.save()
    client.get(reverse("accounts:two_step_setup"))
    assert twofactor.is_key(client.session[twofactor.SETUP_KEY_SESSION])


def test_any_account_may_turn_it_on(users) -> None:  # noqa: ANN001
    client = client_for(users["village"])
    client.get(reverse("accounts:two_step_setup"))
    key = client.session[twofactor.SETUP_KEY_SESSION]
    assert client.post(reverse("accounts:two_step_setup"), {"code": code(key)}).status_code == 302
    assert TOTPDevice.objects.filter(user=users["village"], confirmed=True).exists()


def test_a_password_alone_cannot_add_a_second_device(required, users) -> None:  # noqa: ANN001
    device_for(users["county"])
    client = client_for(users["county"])
    response = client.get(reverse("accounts:two_step_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_step_verify"))
    response = client.post(reverse("accounts:two_step_setup"), {"code": "123456"})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=users["county"]).count() == 1


# --- verification after log-in ---------------------------------------------------------------------


def log_in(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("login"), {"username": username, "password": factories.PASSWORD,
                                              "next": "/people/"})
    assert response.status_code == 302
    return client


def test_log_in_then_a_code_reaches_the_page_asked_for(required, users) -> None:  # noqa: ANN001
    device = device_for(users["county"])
    client = log_in("county")
    response = client.get("/people/")
    assert response["Location"] == f"{reverse('accounts:two_step_verify')}?next=%2Fpeople%2F"
    response = client.post(response["Location"], {"code": code(device.key), "next": "/people/"})
    assert response.status_code == 302 and response["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    assert AuditEvent.objects.filter(action="account.2fa_verify", outcome="ok", actor=users["county"]).count() == 1


def test_the_next_address_cannot_lead_off_site(required, users) -> None:  # noqa: ANN001
    device = device_for(users["county"])
    client = client_for(users["county"])
    response = client.post(reverse("accounts:two_step_verify"), {"code": code(device.key),
                                                                  "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_a_wrong_code_is_refused_audited_and_throttles_the_next(required, users) -> None:  # noqa: ANN001
    device = device_for(users["county"])
    client = client_for(users["county"])
    wrong = f"{(int(code(device.key)) + 500_000) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_step_verify"), {"code": wrong})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert not verified(client) and client.get("/people/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert AuditEvent.objects.get(action="account.2fa_verify").outcome == "failed"

    # After many wrong codes the wait is long: even the right code is not looked at.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=10, throttling_failure_timestamp=timezone.now())
    response = client.post(reverse("accounts:two_step_verify"), {"code": code(device.key)})
    assert "Too many wrong codes" in response.content.decode() and not verified(client)
    assert AuditEvent.objects.filter(action="account.2fa_verify", outcome="denied").count() == 1
    # Once the wait is over, the right code works and the count starts again.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=600))
    assert client.post(reverse("accounts:two_step_verify"), {"code": code(device.key)}).status_code == 302
    device.refresh_from_db()
    assert verified(client) and device.throttling_failure_count == 0


@pytest.mark.parametrize("bad", ["", "12ab56", "1234567890", "<script>alert(1)</script>", "' OR 1=1 --", "１２３"])
def test_a_malformed_code_is_refused_and_counted(required, users, bad) -> None:  # noqa: ANN001
    device = device_for(users["county"])
    client = client_for(users["county"])
    response = client.post(reverse("accounts:two_step_verify"), {"code": bad})
    assert response.status_code == 200 and not verified(client)
    assert "<script>alert" not in response.content.decode()
    if bad:  # an empty field is the form's "required", before any code is checked
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
        assert AuditEvent.objects.get(action="account.2fa_verify").outcome == "failed"


def test_full_width_digits_from_a_chinese_keyboard_are_accepted(required, users) -> None:  # noqa: ANN001
    device = device_for(users["county"])
    client = client_for(users["county"])
    typed = code(device.key).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.post(reverse("accounts:two_step_verify"), {"code": typed[:3] + " " + typed[3:]}).status_code == 302
    assert verified(client)


def test_a_code_is_good_once(required, users) -> None:  # noqa: ANN001
    device = device_for(users["county"])
    first, second = client_for(users["county"]), client_for(users["county"])
    used = code(device.key, steps_ahead=1)
    assert first.post(reverse("accounts:two_step_verify"), {"code": used}).status_code == 302
    response = second.post(reverse("accounts:two_step_verify"), {"code": used})
    assert response.status_code == 200 and not verified(second)


# --- removal and reset -----------------------------------------------------------------------------


def test_an_account_turns_it_off_from_a_verified_session_only(users) -> None:  # noqa: ANN001
    device = device_for(users["township"])
    client = client_for(users["township"])
    response = client.post(reverse("accounts:two_step"), {"action": "remove"})
    assert response["Location"].startswith(reverse("accounts:two_step_verify"))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    client.post(reverse("accounts:two_step_verify"), {"code": code(device.key)})
    assert client.post(reverse("accounts:two_step"), {"action": "remove"}).status_code == 302
    assert not TOTPDevice.objects.exists()
    event = AuditEvent.objects.get(action="account.2fa_remove")
    assert event.actor == users["township"] and event.object_id == str(users["township"].pk)


def test_an_administrator_resets_a_lost_phone_in_their_jurisdiction(required, users) -> None:  # noqa: ANN001
    colleague = factories.make_user("county-colleague", "county_admin", "510521000000")
    lost = device_for(colleague)
    token = Token.objects.create(user=colleague)
    theirs = client_for(colleague)
    theirs.post(reverse("accounts:two_step_verify"), {"code": code(lost.key)})
    assert theirs.get("/people/").status_code == 200

    admin = client_for(users["county"])
    own = device_for(users["county"])
    admin.post(reverse("accounts:two_step_verify"), {"code": code(own.key)})
    response = admin.post(reverse("accounts:edit", args=[colleague.pk]), {"action": "reset_two_step"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not Token.objects.filter(pk=token.pk).exists()
    # The colleague's session, verified with the lost phone, is verified no more.
    assert theirs.get("/people/")["Location"].startswith(reverse("accounts:two_step_setup"))
    event = AuditEvent.objects.get(action="account.2fa_reset")
    assert event.actor == users["county"] and event.object_id == str(colleague.pk)
    assert event.changes["devices"] == 1 and event.changes["tokens"] == 1


def test_a_reset_outside_the_jurisdiction_is_404_and_changes_nothing(users) -> None:  # noqa: ANN001
    far = factories.make_user("gulin-admin", "county_admin", factories.GULIN)
    device = device_for(far)
    response = client_for(users["county"]).post(reverse("accounts:edit", args=[far.pk]), {"action": "reset_two_step"})
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="account.2fa").exists()


def test_a_role_without_account_management_cannot_reset_anyone(users) -> None:  # noqa: ANN001
    device = device_for(users["village"])
    response = client_for(users["township"]).post(reverse("accounts:edit", args=[users["village"].pk]),
                                                  {"action": "reset_two_step"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# --- API tokens ------------------------------------------------------------------------------------


def test_an_administrator_gets_a_token_only_with_a_code(required, users) -> None:  # noqa: ANN001
    device = device_for(users["county"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("api:token")
    response = client.post(url, {"username": "county", "password": factories.PASSWORD})
    assert response.status_code == 400 and "otp_token" in response.json()
    assert not Token.objects.exists()
    response = client.post(url, {"username": "county", "password": factories.PASSWORD, "otp_token": code(device.key)})
    assert response.status_code == 200
    key = response.json()["token"]
    api = Client()
    assert api.get(reverse("api:person-list"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert AuditEvent.objects.filter(action="account.token", outcome="ok", actor=users["county"]).count() == 1
    assert AuditEvent.objects.filter(action="account.token", outcome="denied").count() == 1


def test_an_administrator_without_a_device_gets_no_token(required, users) -> None:  # noqa: ANN001
    response = Client().post(reverse("api:token"), {"username": "county", "password": factories.PASSWORD})
    assert response.status_code == 400 and not Token.objects.exists()


def test_other_roles_get_a_token_with_the_password(required, users) -> None:  # noqa: ANN001
    response = Client().post(reverse("api:token"), {"username": "township", "password": factories.PASSWORD})
    assert response.status_code == 200 and Token.objects.get(user=users["township"]).key == response.json()["token"]


def test_a_malformed_token_header_is_refused(users) -> None:  # noqa: ANN001
    for header in ["Token", "Token a b", "Token " + "f" * 40, "Token ' OR 1=1 --", "Bearer abc"]:
        response = Client().get(reverse("api:person-list"), HTTP_AUTHORIZATION=header)
        assert response.status_code in (401, 403), header


def _authenticate(header: str) -> Any:
    request = RequestFactory().get("/api/v1/people/", HTTP_AUTHORIZATION=header)
    return TokenAuthentication().authenticate(request)


@pytest.mark.parametrize("key", ["\x00", "a\x00" * 20, "g" * 40, "f" * 39, "f" * 41, "';DROP/**/TABLE/**/x;--"])
def test_the_hardened_token_check_refuses_malformed_keys_before_any_query(users, key) -> None:  # noqa: ANN001
    with CaptureQueriesContext(connection) as queries, pytest.raises(AuthenticationFailed):
        _authenticate(f"Token {key}")
    assert not [q for q in queries.captured_queries if "authtoken" in q["sql"]]
    event = AuditEvent.objects.get(action="account.token_refused")
    assert event.outcome == "denied" and event.changes == {"reason": "malformed"} and key not in str(event.changes)


def test_the_hardened_token_check_accepts_a_good_token_and_refuses_an_unknown_one(users) -> None:  # noqa: ANN001
    token = Token.objects.create(user=users["township"])
    assert _authenticate(f"Token {token.key}") == (users["township"], token)
    with pytest.raises(AuthenticationFailed):
        _authenticate("Token " + "0" * 40)
    assert AuditEvent.objects.get(action="account.token_refused").changes == {"reason": "unknown or inactive"}


def test_an_administrators_token_from_before_the_second_factor_is_refused(required, users) -> None:  # noqa: ANN001
    old = Token.objects.create(user=users["county"])
    with pytest.raises(AuthenticationFailed):
        _authenticate(f"Token {old.key}")  # no device at all
    device = device_for(users["county"])
    Token.objects.filter(pk=old.pk).update(created=device.created_at - timedelta(days=1))
    with pytest.raises(AuthenticationFailed):
        _authenticate(f"Token {old.key}")  # issued before the device existed
    Token.objects.filter(pk=old.pk).update(created=device.created_at + timedelta(seconds=1))
    assert _authenticate(f"Token {old.key}")[0] == users["county"]
    reasons = list(AuditEvent.objects.filter(action="account.token_refused").values_list("changes__reason", flat=True))
    assert reasons == ["issued without a second factor"] * 2


def test_the_api_uses_the_hardened_token_check(settings):
    classes = settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
    assert "lingtouyang.accounts.authentication.TokenAuthentication" in classes
    assert "rest_framework.authentication.TokenAuthentication" not in classes


def test_an_expired_token_is_refused_deleted_and_replaced(users, settings) -> None:  # noqa: ANN001
    settings.LINGTOUYANG_TOKEN_MAX_AGE_DAYS = 30
    response = Client().post(reverse("api:token"), {"username": "township", "password": factories.PASSWORD})
    key = response.json()["token"]
    api = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert api.get(reverse("api:person-list"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=31))
    assert api.get(reverse("api:person-list"), HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)
    assert not Token.objects.filter(key=key).exists()
    assert AuditEvent.objects.filter(action="account.token_refused", changes__reason="expired").count() == 1
    renewed = Client().post(reverse("api:token"), {"username": "township", "password": factories.PASSWORD})
    assert renewed.status_code == 200 and renewed.json()["token"] != key


def test_an_old_token_is_not_handed_out_again(users, settings) -> None:  # noqa: ANN001
    settings.LINGTOUYANG_TOKEN_MAX_AGE_DAYS = 30
    old = Token.objects.create(user=users["township"])
    Token.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=40))
    response = Client().post(reverse("api:token"), {"username": "township", "password": factories.PASSWORD})
    assert response.status_code == 200 and response.json()["token"] != old.key


def test_a_misspelt_role_in_the_second_factor_setting_stops_the_start(settings) -> None:  # noqa: ANN001
    from django.core.checks import run_checks

    settings.LINGTOUYANG_2FA_ROLES = frozenset({"county_admin", "city_admn"})
    errors = [e for e in run_checks() if e.id == "lingtouyang.E001"]
    assert len(errors) == 1 and "city_admn" in errors[0].msg
    settings.LINGTOUYANG_2FA_ROLES = frozenset({"county_admin", "city_admin"})
    assert not [e for e in run_checks() if e.id == "lingtouyang.E001"]
