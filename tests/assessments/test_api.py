"""The assessment API: schemes read, results scoped (a cadre reads their own), appeals filed and decided."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lingtouyang.assessments import services
from lingtouyang.assessments.models import Appeal, Result
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.assessments.helpers import YEAR, cadres, enter, make_scheme

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:  # noqa: ANN001
    c = APIClient()
    c.force_authenticate(user)
    return c


def _published(users: dict) -> list:
    scheme = make_scheme(cap=100)
    people = cadres(2)
    enter(scheme, people[:1], 95)
    enter(scheme, people[1:], 80)
    for action, who in [("submit", "township"), ("approve", "county"), ("publish", "county")]:
        services.township_transition(acting_user=users[who], scheme=scheme, township=Region.objects.get(code=f.YUSI),
                                     action=action)
    return people


def test_schemes_are_read_by_the_county_and_its_townships(users: dict) -> None:
    make_scheme()
    gulin = f.make_user("gulin_api", "county_admin", f.GULIN)
    rows = api(users["township"]).get(reverse("api:assessment-scheme-list")).json()
    assert [r["year"] for r in rows["results"]] == [YEAR] and len(rows["results"][0]["components"]) == 4
    assert api(gulin).get(reverse("api:assessment-scheme-list")).json()["results"] == []


def test_a_cadre_reads_only_their_own_results(users: dict) -> None:
    people = _published(users)
    cadre = f.make_user("cadre_api", "village_cadre", f.TANBA, person=people[1])
    rows = api(cadre).get(reverse("api:assessment-result-list")).json()["results"]
    assert [r["person"] for r in rows] == [people[1].pk]
    assert api(users["village"]).get(reverse("api:assessment-result-list")).json()["results"] == []  # not linked
    assert len(api(users["township"]).get(reverse("api:assessment-result-list") + f"?year={YEAR}&grade=excellent").json()["results"]) == 1
    other = Result.objects.get(person=people[0])
    assert api(cadre).get(reverse("api:assessment-result-detail", args=[other.pk])).status_code == 404


def test_appeals_through_the_api(users: dict) -> None:
    people = _published(users)
    cadre = f.make_user("cadre_api2", "village_cadre", f.TANBA, person=people[1])
    mine, theirs = Result.objects.get(person=people[1]), Result.objects.get(person=people[0])
    assert api(cadre).post(reverse("api:assessment-appeal-list"), {"result": theirs.pk, "reason": "x"}).status_code == 404
    response = api(cadre).post(reverse("api:assessment-appeal-list"), {"result": mine.pk, "reason": "年度考核分数有误"})
    assert response.status_code == 201
    appeal = Appeal.objects.get()
    assert api(users["township"]).post(reverse("api:assessment-appeal-decide", args=[appeal.pk]),
                                       {"grade": "excellent", "reason": "x"}).status_code == 400
    response = api(users["county"]).post(reverse("api:assessment-appeal-decide", args=[appeal.pk]),
                                         {"grade": "excellent", "reason": "复核后改定"})
    assert response.status_code == 200 and response.json()["state"] == "changed"
    assert Result.objects.get(pk=mine.pk).grade == "excellent"


def test_the_schema_lists_the_endpoints(users: dict) -> None:
    schema = api(users["county"]).get(reverse("api:schema")).content.decode()
    assert "/assessment-results/" in schema and "/assessment-appeals/{id}/decide/" in schema
