"""`lingtouyang add-user`: accounts for thousands of villages can be scripted; bad input changes nothing."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from lingtouyang.accounts.models import User
from lingtouyang.audit.models import AuditEvent
from tests import factories

PASSWORD = "a-long-village-password-2026"  # noqa: S105


@pytest.fixture(autouse=True)
def _english():
    # The command speaks the installation's language (Chinese by default); match on English here.
    with translation.override("en"):
        yield


def test_messages_are_chinese_by_default(db, monkeypatch):
    monkeypatch.setenv("NEW_PW", PASSWORD)
    with translation.override("zh-hans"), pytest.raises(CommandError, match="行政区划不存在"):
        call_command("add_user", "x0", role="township_officer", region="999999999", password_env="NEW_PW")


@pytest.fixture
def password_env(monkeypatch):
    monkeypatch.setenv("NEW_PW", PASSWORD)
    return "NEW_PW"


def test_it_creates_an_account_bound_to_role_and_region(db, password_env, capsys):
    call_command("add_user", "tanba2", role="village_cadre", region=factories.TANBA, password_env=password_env)
    user = User.objects.get(username="tanba2")
    assert (user.role, user.region_id) == ("village_cadre", factories.TANBA)
    assert user.check_password(PASSWORD)
    assert PASSWORD not in user.password
    assert "谭坝村" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="account.create")
    assert event.object_id == str(user.pk) and event.region_code == factories.TANBA


def test_it_accepts_a_region_prefix(db, password_env):
    call_command("add_user", "yusi2", role="township_officer", region="510521102", password_env=password_env)
    assert User.objects.get(username="yusi2").region_id == "510521102000"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "village_cadre", "region": "510521102"}, "level"),  # a township for a village role
        ({"role": "county_admin", "region": "510523"}, "no such region"),  # 510523 does not exist
        ({"role": "township_officer", "region": "999999999"}, "no such region"),
    ],
)
def test_it_refuses_a_region_that_does_not_fit(db, password_env, kwargs, message):
    with pytest.raises(CommandError, match=message):
        call_command("add_user", "x1", password_env=password_env, **kwargs)
    assert not User.objects.filter(username="x1").exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setenv("WEAK", "12345678")
    with pytest.raises(CommandError, match="password"):
        call_command("add_user", "x2", role="village_cadre", region=factories.TANBA, password_env="WEAK")
    assert not User.objects.filter(username="x2").exists()


def test_it_refuses_a_taken_username(db, password_env):
    factories.make_user("taken", "village_cadre", factories.TANBA)
    with pytest.raises(CommandError, match="taken"):
        call_command("add_user", "taken", role="county_admin", region="510525", password_env=password_env)
    assert User.objects.get(username="taken").role == "village_cadre"


def test_it_refuses_an_empty_password_variable(db, monkeypatch):
    monkeypatch.delenv("MISSING_PW", raising=False)
    with pytest.raises(CommandError, match="MISSING_PW"):
        call_command("add_user", "x3", role="village_cadre", region=factories.TANBA, password_env="MISSING_PW")
    assert not User.objects.filter(username="x3").exists()
