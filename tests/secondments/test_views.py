"""The pages of secondments, as a county admin, the city and others use them."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lingtouyang.secondments import services
from lingtouyang.secondments.models import Secondment
from tests import factories as f
from tests.secondments.conftest import Setup, snapshot

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def _form(**changes: object) -> dict[str, object]:
    return {"host_place": "成都市", "host_organisation": "成都市武侯区玉林街道", "start_date": "2025-09-01",
            "end_date": "2026-02-28", "mentor_name": "陈丽华", "mentor_post": "社区党委书记", "purpose": "学习", **changes}


def test_the_list_is_scoped_and_filtered(setup: Setup) -> None:
    setup.second()
    services.secondment_create(acting_user=None, person=setup.other, host_place="成都市", host_organisation="成都某社区",
                               start_date=date(2026, 3, 1), end_date=date(2026, 6, 30))
    county = login("county").get(reverse("secondments:list")).content.decode()
    assert "甘守信" in county and "蒲守义" not in county
    city = login("city")
    assert "蒲守义" in city.get(reverse("secondments:list")).content.decode()
    for params, shown, hidden in [({"host_place": "成都市"}, "蒲守义", "甘守信"), ({"year": "2025"}, "甘守信", "蒲守义"),
                                  ({"region": "510525"}, "蒲守义", "甘守信"), ({"state": "cancelled"}, None, "甘守信")]:
        text = city.get(reverse("secondments:list"), params).content.decode()
        assert (shown is None or shown in text) and hidden not in text, params
    # The village cadre reads its own village's; the department reviewer has no training pages.
    assert "甘守信" in login("village").get(reverse("secondments:list")).content.decode()
    assert login("reviewer").get(reverse("secondments:list")).status_code == 403


def test_the_list_pages_and_its_queries_stay_flat(setup: Setup) -> None:
    client = login("county")
    setup.second()
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("secondments:list"))
    people = f.make_people(f.OTHER_YUSI_VILLAGE, 12)
    for p in people:
        setup.second(person=p)
    with CaptureQueriesContext(connection) as many:
        text = client.get(reverse("secondments:list")).content.decode()
    assert len(many) == len(one)
    assert all(p.name in text for p in people)


def test_recording_a_secondment_through_the_page(setup: Setup) -> None:
    client = login("county")
    found = client.get(reverse("secondments:create"), {"q": "甘守"}).content.decode()
    assert "甘守信" in found
    assert "蒲守义" not in client.get(reverse("secondments:create"), {"q": "蒲"}).content.decode()
    response = client.post(reverse("secondments:create"), {"person": setup.cadre.pk, **_form()})
    s = Secondment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("secondments:detail", args=[s.pk])
    assert (s.host_place, s.start_date, s.created_by.username) == ("成都市", date(2025, 9, 1), "county")
    detail = client.get(reverse("secondments:detail", args=[s.pk])).content.decode()
    assert "成都市武侯区玉林街道" in detail and "陈丽华" in detail


def test_a_refused_create_shows_the_reason_and_changes_nothing(setup: Setup) -> None:
    client = login("county")
    setup.second(start_date=date(2025, 9, 1), end_date=date(2025, 12, 1))
    before = snapshot()
    response = client.post(reverse("secondments:create"), {"person": setup.cadre.pk, **_form()})
    assert response.status_code == 200 and "already seconded" in response.content.decode()
    response = client.post(reverse("secondments:create"), {"person": setup.other.pk, **_form()})
    assert response.status_code == 200 and "no such person on your roster" in response.content.decode()
    assert snapshot() == before


def test_others_cannot_write(setup: Setup) -> None:
    s = setup.second()
    before = snapshot()
    assert login("township").post(reverse("secondments:create"), {"person": setup.cadre.pk, **_form()}
                                  ).status_code == 403
    assert login("township").get(reverse("secondments:edit", args=[s.pk])).status_code == 404
    gulin = login("gulin_admin")
    assert gulin.get(reverse("secondments:detail", args=[s.pk])).status_code == 404
    assert gulin.post(reverse("secondments:transition", args=[s.pk]), {"to": "cancelled", "reason": "x"}
                      ).status_code == 404
    assert gulin.post(reverse("secondments:evaluate", args=[s.pk]), {}).status_code == 404
    assert snapshot() == before


def test_start_evaluate_and_finish_through_the_pages(setup: Setup) -> None:
    s = setup.second()
    client = login("county")
    assert client.post(reverse("secondments:transition", args=[s.pk]), {"to": "in_progress"}).status_code == 302
    page = client.get(reverse("secondments:evaluate", args=[s.pk])).content.decode()
    assert "Mid-term evaluation" in page
    form = {"grade": "good", "comment": "认真", "on": "2025-06-01", "by": "县委组织部"}
    assert client.post(reverse("secondments:evaluate", args=[s.pk]), form).status_code == 302
    assert "Final evaluation" in client.get(reverse("secondments:evaluate", args=[s.pk])).content.decode()
    refused = client.post(reverse("secondments:evaluate", args=[s.pk]), {**form, "on": "2025-08-01"})
    assert refused.status_code == 200 and "on or after the end date" in refused.content.decode()
    assert client.post(reverse("secondments:evaluate", args=[s.pk]), {**form, "grade": "excellent",
                                                                       "on": "2025-09-05"}).status_code == 302
    stored = Secondment.objects.get(pk=s.pk)
    assert (stored.state, stored.mid_grade, stored.final_grade) == ("evaluated", "good", "excellent")
    detail = client.get(reverse("secondments:detail", args=[s.pk])).content.decode()
    assert "excellent" in detail and reverse("secondments:edit", args=[s.pk]) not in detail


def test_editing_and_cancelling_through_the_pages(setup: Setup) -> None:
    s = setup.second()
    client = login("county")
    assert client.post(reverse("secondments:edit", args=[s.pk]), _form(start_date="2025-03-01",
                                                                       end_date="2025-08-31")).status_code == 302
    assert Secondment.objects.get(pk=s.pk).host_place == "成都市"
    bad = client.post(reverse("secondments:transition", args=[s.pk]), {"to": "cancelled", "reason": ""})
    assert bad.status_code == 200 and "give the reason" in bad.content.decode()
    assert client.post(reverse("secondments:transition", args=[s.pk]), {"to": "cancelled", "reason": "调整"}
                       ).status_code == 302
    assert Secondment.objects.get(pk=s.pk).state == "cancelled"
