"""The main pages answer for a logged-in user and show what they should."""

from django.urls import reverse

from tests import factories


def test_region_page_shows_structure_and_children(client, users):
    factories.make_person(factories.TANBA, name="马仕彬")
    client.force_login(users["city"])
    response = client.get(reverse("regions:detail", args=[factories.CITY]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "泸县" in body and "古蔺县" in body


def test_village_roster_marks_dual_post(client, users):
    from datetime import date

    from lingtouyang.people import services
    from lingtouyang.regions.models import Region

    person = factories.make_person(factories.TANBA, name="马仕彬")
    village = Region.objects.get(code=factories.TANBA)
    for post in ("party_secretary", "village_director"):
        services.appointment_create(acting_user=None, person=person, region=village, post=post, start_date=date(2021, 3, 1))
    client.force_login(users["village"])
    body = client.get(reverse("regions:detail", args=[factories.TANBA])).content.decode()
    assert "马仕彬" in body
    assert "一肩挑" in body


def test_audit_list_shows_changes_as_old_and_new(client, users):
    from lingtouyang.people import services

    person = factories.make_person(factories.TANBA, name="马仕彬", phone="13800000000")
    services.person_update(acting_user=users["county"], person=person, phone="13900000000")
    client.force_login(users["county"])
    body = client.get(reverse("audit:list")).content.decode()
    # Phone numbers are kept encrypted; the trail holds their masked form only.
    assert "phone: 138****0000 → 139****0000" in body
    assert "13900000000" not in body
