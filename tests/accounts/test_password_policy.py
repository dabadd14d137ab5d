"""The password policy: at least ten characters, not a common password, not digits only, not the user name
(nor containing it); checked wherever a password is set. And passwords are stored with Argon2."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lingtouyang.accounts.models import User
from lingtouyang.accounts.services import user_create
from lingtouyang.accounts.validators import UsernameInPasswordValidator
from tests import factories

GOOD = "river-lantern-tea-77"  # noqa: S105


def refusal(password: str, username: str = "tanba-cadre") -> list[str]:
    """The codes of the rules this password breaks for this user name (none: accepted)."""
    try:
        validate_password(password, User(username=username))
    except ValidationError as exc:
        return [e.code for e in exc.error_list]
    return []


@pytest.mark.parametrize(("password", "code"), [
    ("short-p9x", "password_too_short"),  # nine characters
    ("qwertyuiop", "password_too_common"),
    ("8305718264", "password_entirely_numeric"),
    ("tanba-cadre", "password_contains_username"),  # the user name itself
    ("TANBA-CADRE-2026!", "password_contains_username"),  # containing it, in another letter case
    ("2026tanba-cadre#x", "password_contains_username"),
])
def test_a_password_breaking_a_rule_is_refused(db, password, code) -> None:  # noqa: ANN001
    assert code in refusal(password)


def test_a_good_password_passes_every_rule(db) -> None:  # noqa: ANN001
    assert refusal(GOOD) == []


def test_a_short_user_name_is_refused_only_as_the_whole_password() -> None:
    validator = UsernameInPasswordValidator()
    validator.validate("reliable-pass-99", User(username="li"))  # "li" occurs by chance: allowed
    with pytest.raises(ValidationError):
        validator.validate("LI", User(username="li"))
    validator.validate("anything-at-all-1", None)  # no user (e.g. a form before the account exists)


def test_the_messages_are_chinese_by_default(db) -> None:  # noqa: ANN001
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as too_short:
            validate_password("short-p9x", User(username="x"))
        with pytest.raises(ValidationError) as common:
            validate_password("qwertyuiop", User(username="x"))
    assert "密码长度太短" in " ".join(too_short.value.messages)
    assert "这个密码太常见了" in " ".join(common.value.messages)


def test_creating_an_account_applies_the_policy(db, users) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as exc:
        user_create(acting_user=users["county"], username="yusi-clerk", role="township_officer",
                    region_code=factories.YUSI, password="Yusi-Clerk-2026")
    assert "password" in exc.value.message_dict
    assert not User.objects.filter(username="yusi-clerk").exists()


def test_changing_ones_password_applies_the_policy(users) -> None:  # noqa: ANN001
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(users["township"])
    before = User.objects.get(pk=users["township"].pk).password
    response = client.post(reverse("password_change"), {
        "old_password": factories.PASSWORD, "new_password1": "My-township-pw-1", "new_password2": "My-township-pw-1"})
    assert response.status_code == 200
    assert "must not contain the user name" in response.content.decode()
    assert User.objects.get(pk=users["township"].pk).password == before


# --- hashing ---------------------------------------------------------------------------------------


def _settings_outside_pytest(tmp_path, **env: str) -> list[str]:  # noqa: ANN001
    """Settings as a server loads them: a fresh interpreter, no pytest, no test override."""
    script = ("import django; django.setup(); from django.conf import settings as s; "
              "from django.contrib.auth.hashers import make_password, check_password; "
              "h = make_password('village-secret-2026'); "
              "print(s.PASSWORD_HASHERS[0]); print(h.split('$')[0]); "
              "print(check_password('village-secret-2026', h), check_password('village-secret-2025', h)); "
              "print(s.LINGTOUYANG_2FA_REQUIRED, sorted(s.LINGTOUYANG_2FA_ROLES)); print(s.SESSION_COOKIE_AGE)")
    clean = {k: v for k, v in os.environ.items()
             if k not in {"LINGTOUYANG_TESTING", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY",
                          "REQUIRE_2FA", "SESSION_IDLE_SECONDS", "DATABASE_URL"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "lingtouyang.settings", "LINGTOUYANG_VAR": str(tmp_path), **env})
    done = subprocess.run([sys.executable, "-c", script], env=clean, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")


def test_production_settings_hash_with_argon2(tmp_path) -> None:  # noqa: ANN001
    lines = _settings_outside_pytest(tmp_path)
    assert lines[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert lines[1] == "argon2"
    assert lines[2] == "True False"


def test_an_argon2_hash_verifies_and_upgrades_old_hashes(users, settings) -> None:  # noqa: ANN001
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    user = users["township"]  # made with the tests' fast hasher
    assert identify_hasher(user.password).algorithm == "md5"
    client = Client()
    response = client.post(reverse("login"), {"username": "township", "password": factories.PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    # Logging in re-hashes with the first hasher: an installation's old hashes become Argon2 over time.
    assert identify_hasher(user.password).algorithm == "argon2"
    assert check_password(factories.PASSWORD, user.password) and not check_password("wrong", user.password)
    assert factories.PASSWORD not in user.password


def test_two_step_verification_is_required_wherever_real_keys_are_set(tmp_path) -> None:  # noqa: ANN001
    import base64
    import secrets

    demo = _settings_outside_pytest(tmp_path)
    assert demo[3] == "False ['city_admin', 'county_admin']"
    keys = {"SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode()}
    assert _settings_outside_pytest(tmp_path, **keys)[3].startswith("True")
    assert _settings_outside_pytest(tmp_path, **keys, REQUIRE_2FA="false")[3].startswith("False")
    assert _settings_outside_pytest(tmp_path, REQUIRE_2FA="true")[3].startswith("True")


def test_the_idle_timeout_defaults_to_thirty_minutes_and_is_configurable(tmp_path) -> None:  # noqa: ANN001
    assert _settings_outside_pytest(tmp_path)[4] == "1800"
    assert _settings_outside_pytest(tmp_path, SESSION_IDLE_SECONDS="600")[4] == "600"
