"""An administrator changes an account's role, region or state within their jurisdiction; each change is
audited old → new; out of their jurisdiction is 404; nobody changes their own role or locks themselves out."""

from django.test import Client
from django.urls import reverse

from lingtouyang.accounts.models import User
from lingtouyang.audit.models import AuditEvent
from tests import factories


def admin(user: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def form(role: str, region: str, active: bool = True, department: str = "") -> dict[str, str]:
    data = {"action": "save", "role": role, "region": region, "department": department}
    return {**data, "is_active": "on"} if active else data


def test_the_list_links_each_account_and_shows_its_second_factor(users) -> None:  # noqa: ANN001
    page = admin(users["county"]).get(reverse("accounts:list")).content.decode()
    assert reverse("accounts:edit", args=[users["township"].pk]) in page
    assert "Two-step verification" in page


def test_a_role_change_is_saved_and_audited_old_to_new(users) -> None:  # noqa: ANN001
    target = users["township"]
    page = admin(users["county"]).get(reverse("accounts:edit", args=[target.pk]))
    assert page.status_code == 200 and "township" in page.content.decode()
    response = admin(users["county"]).post(reverse("accounts:edit", args=[target.pk]),
                                           form("village_cadre", factories.TANBA))
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.region_id) == ("village_cadre", factories.TANBA)
    event = AuditEvent.objects.get(action="account.role_change")
    assert event.actor == users["county"] and event.object_id == str(target.pk)
    assert event.changes["role"] == ["township_officer", "village_cadre"]
    assert event.changes["region_id"] == [factories.YUSI, factories.TANBA]
    assert "is_active" not in event.changes and event.region_code == factories.TANBA


def test_saving_without_a_change_writes_nothing(users) -> None:  # noqa: ANN001
    response = admin(users["county"]).post(reverse("accounts:edit", args=[users["township"].pk]),
                                           form("township_officer", factories.YUSI))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="account.role_change").exists()


def test_an_account_out_of_jurisdiction_is_404(users) -> None:  # noqa: ANN001
    far = factories.make_user("gulin-cadre", "village_cadre", factories.GULIN_VILLAGE)
    client = admin(users["county"])
    assert client.get(reverse("accounts:edit", args=[far.pk])).status_code == 404
    assert client.post(reverse("accounts:edit", args=[far.pk]), form("village_cadre", factories.TANBA)).status_code == 404
    assert client.get(reverse("accounts:edit", args=[users["city"].pk])).status_code == 404  # above, not below
    assert client.get(reverse("accounts:edit", args=[999999])).status_code == 404
    far.refresh_from_db()
    assert far.region_id == factories.GULIN_VILLAGE
    assert not AuditEvent.objects.filter(action="account.role_change").exists()


def test_a_role_or_region_beyond_the_jurisdiction_is_refused(users) -> None:  # noqa: ANN001
    client = admin(users["county"])
    target = users["township"]
    for data in [form("city_admin", factories.CITY), form("village_cadre", factories.GULIN_VILLAGE),
                 form("village_cadre", factories.YUSI),  # a township for a village role
                 form("no_such_role", factories.TANBA)]:
        response = client.post(reverse("accounts:edit", args=[target.pk]), data)
        assert response.status_code == 200, data
        assert "errorlist" in response.content.decode()
    target.refresh_from_db()
    assert (target.role, target.region_id) == ("township_officer", factories.YUSI)
    assert not AuditEvent.objects.filter(action="account.role_change").exists()


def test_nobody_changes_their_own_role_or_deactivates_themselves(users) -> None:  # noqa: ANN001
    me = users["county"]
    client = admin(me)
    response = client.post(reverse("accounts:edit", args=[me.pk]), form("county_admin", "510521000000", active=False))
    assert response.status_code == 200 and "your own account" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active
    # The department is not a privilege: that much one may change for oneself.
    response = client.post(reverse("accounts:edit", args=[me.pk]), form("county_admin", "510521000000", department="组织部"))
    assert response.status_code == 302


def test_a_regional_admin_cannot_edit_a_superuser(users) -> None:  # noqa: ANN001
    boss = factories.make_user("root-in-county", "county_admin", "510521000000", is_superuser=True)
    response = admin(users["county"]).post(reverse("accounts:edit", args=[boss.pk]),
                                           form("township_officer", factories.YUSI))
    assert response.status_code == 403
    assert User.objects.get(pk=boss.pk).role == "county_admin"


def test_roles_without_account_management_get_403(users) -> None:  # noqa: ANN001
    for who in ["township", "village", "supervisor", "reviewer"]:
        assert admin(users[who]).get(reverse("accounts:edit", args=[users["village"].pk])).status_code == 403
