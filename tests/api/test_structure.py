"""GET /api/v1/regions/{code}/structure/: the figures the region page charts, within scope."""

from datetime import date

from django.urls import reverse

from lingtouyang.people.codes import Gender
from tests import factories


def _staff_tanba() -> None:
    secretary = factories.make_person(factories.TANBA, name="马仕彬", born=date(1980, 5, 1))
    factories.make_appointment(secretary, post="party_secretary")
    factories.make_appointment(secretary, post="village_director")
    member = factories.make_person(factories.TANBA, name="李秀英", born=date(1990, 5, 1), gender=Gender.FEMALE,
                                   political_status="13")
    factories.make_appointment(member, post="village_member")
    retired = factories.make_person(factories.TANBA, name="张退休", born=date(1970, 5, 1))
    factories.make_appointment(retired, post="village_member", end_date=date(2022, 1, 1), end_reason="辞职")


def test_it_counts_cadres_in_office_and_dual_posts(client, users):
    _staff_tanba()
    client.force_login(users["township"])
    data = client.get(reverse("api:region-structure", args=[factories.YUSI])).json()
    assert data["total"] == 2  # the one who resigned is not in office
    assert (data["women"], data["party"]) == (1, 1)
    assert (data["villages_with_secretary"], data["dual_post"]) == (1, 1)
    assert sum(n for _, n in data["age_bands"]) == 2
    tanba = next(c for c in data["children"] if c["code"] == factories.TANBA)
    assert (tanba["total"], tanba["dual_post"], tanba["name"]) == (2, 1, "谭坝村")
    others = [c for c in data["children"] if c["code"] != factories.TANBA]
    assert others and all(c["total"] == 0 for c in others)


def test_it_is_404_outside_the_jurisdiction_and_for_roles_without_the_roster(client, users):
    _staff_tanba()
    client.force_login(users["township"])
    assert client.get(reverse("api:region-structure", args=[factories.GULIN])).status_code == 404
    client.force_login(users["reviewer"])
    assert client.get(reverse("api:region-structure", args=["510521000000"])).status_code == 404
