"""The coverage page: figures, drill-down, the untrained list and its overdue filter, jurisdiction."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from lingtouyang.accounts.roles import Role
from tests import factories as f
from tests.training.coverage_helpers import enrol, make_session

pytestmark = pytest.mark.django_db

URL = reverse("training:coverage")


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def cadres(users: Any) -> dict[str, Any]:
    trained = f.make_person(f.TANBA, name="甘守仁")
    f.make_appointment(trained, post="party_secretary")
    late = f.make_person(f.TANBA, name="柏长青")
    f.make_appointment(late, post="village_member")
    new = f.make_person(f.OTHER_YUSI_VILLAGE, name="侯佑民")
    f.make_appointment(new, post="party_member", start=timezone.localdate() - timedelta(days=10), term=2021)
    gulin = f.make_person(f.GULIN_VILLAGE, name="滕未决")
    f.make_appointment(gulin, post="village_member")
    enrol(make_session(start=date(2021, 6, 1)), trained, completed_on=date(2021, 6, 2), attended="8")
    return {"trained": trained, "late": late, "new": new, "gulin": gulin}


def _get(client: Any, user: Any, **query: str) -> Any:
    client.force_login(user)
    return client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")


def test_the_city_sees_its_figures_by_county(client: Any, users: Any, cadres: dict[str, Any]) -> None:
    response = _get(client, users["city"])
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.total.cadres, report.total.trained, report.total.overdue) == (4, 1, 2)
    page = response.content.decode()
    assert "25.0%" in page
    rows = {r["code"]: (r["cadres"], r["trained"]) for r in response.context["rows"]}
    assert rows["510521"] == (3, 1) and rows["510525"] == (1, 0)
    assert f'href="{URL}?region=510521"' in page  # drill down to the county
    chart = json.loads(re.search(r'<script id="coverage-data" type="application/json">(.*?)</script>', page).group(1))
    assert {c["name"]: c["share"] for c in chart["children"]} == {"泸县": 33.3, "古蔺县": 0.0}
    assert "echarts.min.js" in page and "training/coverage_charts.js" in page
    names = [c.name for c in response.context["page"].items]
    assert names == ["柏长青", "滕未决", "侯佑民"]


def test_the_overdue_filter(client: Any, users: Any, cadres: dict[str, Any]) -> None:
    response = _get(client, users["city"], overdue="1")
    assert [c.name for c in response.context["page"].items] == ["柏长青", "滕未决"]
    assert "overdue" in response.content.decode()


def test_the_untrained_list_is_paged(client: Any, users: Any, cadres: dict[str, Any]) -> None:
    f.make_people(f.OTHER_TOWNSHIP_VILLAGE, 55)
    first = _get(client, users["county"])
    assert len(first.context["page"].items) == 50 and first.context["page"].has_next
    second = _get(client, users["county"], page="2")
    assert len(second.context["page"].items) == 57 - 50 and not second.context["page"].has_next
    seen = {(c.person_id, c.region_id) for c in first.context["page"].items}
    assert seen.isdisjoint({(c.person_id, c.region_id) for c in second.context["page"].items})


def test_a_township_sees_its_own_and_below(client: Any, users: Any, cadres: dict[str, Any]) -> None:
    response = _get(client, users["township"])
    assert response.context["prefix"] == "510521102"
    assert response.context["report"].total.cadres == 3
    assert _get(client, users["township"], region=f.TANBA).context["report"].total.cadres == 2


# Above, beside, a village elsewhere, no such region, not a code: all alike.
@pytest.mark.parametrize("region", ["5105", "510525", f.GULIN_VILLAGE, "510521102999", "abc"])
def test_out_of_scope_is_404(client: Any, users: Any, cadres: dict[str, Any], region: str) -> None:
    assert _get(client, users["township"], region=region).status_code == 404


def test_a_role_without_training_gets_403(client: Any, users: Any) -> None:
    assert _get(client, users["reviewer"]).status_code == 403


def test_a_superuser_without_region_sees_the_country(client: Any, cadres: dict[str, Any]) -> None:
    admin = f.make_user("root", Role.CITY_ADMIN, None, is_superuser=True)
    response = _get(client, admin)
    assert response.status_code == 200 and response.context["prefix"] == ""
    assert [r["code"] for r in response.context["rows"] if r["cadres"]] == ["51"]


def test_no_one_in_post(client: Any, users: Any) -> None:
    response = _get(client, users["city"])
    assert response.status_code == 200 and 'id="empty"' in response.content.decode()
