"""The pages of social-work certification and of the subsidy policy."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lingtouyang.socialwork.models import Registration, SubsidyRate
from tests import factories as f
from tests.socialwork.conftest import LUXIAN, Setup, certify, rates, snapshot

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def test_the_list_is_scoped_filtered_and_flat(setup: Setup) -> None:
    setup.register(year=2024)
    certify(setup.other, "intermediate", 2023)
    county = login("county")
    text = county.get(reverse("socialwork:list")).content.decode()
    assert "甘守信" in text and "蒲守义" not in text
    city = login("city")
    for params, shown, hidden in [({"year": "2023"}, "蒲守义", "甘守信"), ({"result": "passed"}, "蒲守义", "甘守信"),
                                  ({"result": "none"}, "甘守信", "蒲守义"), ({"region": "510521"}, "甘守信", "蒲守义"),
                                  ({"level": "intermediate"}, "蒲守义", "甘守信")]:
        text = city.get(reverse("socialwork:list"), params).content.decode()
        assert shown in text and hidden not in text, params
    assert login("reviewer").get(reverse("socialwork:list")).status_code == 403
    with CaptureQueriesContext(connection) as one:
        county.get(reverse("socialwork:list"))
    for p in f.make_people(f.OTHER_YUSI_VILLAGE, 10):
        setup.register(person=p)
    with CaptureQueriesContext(connection) as many:
        county.get(reverse("socialwork:list"))
    assert len(many) == len(one)


def test_registering_training_and_result_through_the_pages(setup: Setup) -> None:
    client = login("county")
    assert "甘守信" in client.get(reverse("socialwork:create"), {"q": "gan"}).content.decode()
    response = client.post(reverse("socialwork:create"), {"person": setup.cadre.pk, "exam_year": 2024,
                                                          "level": "assistant"})
    reg = Registration.objects.get()
    assert response["Location"] == reverse("socialwork:detail", args=[reg.pk])
    again = client.post(reverse("socialwork:create"), {"person": setup.cadre.pk, "exam_year": 2024,
                                                       "level": "assistant"})
    assert again.status_code == 200 and "already registered" in again.content.decode()
    assert client.post(reverse("socialwork:training", args=[reg.pk]), {"training_hours": "32"}).status_code == 302
    missing = client.post(reverse("socialwork:training", args=[reg.pk]), {"training_hours": "8",
                                                                          "training_session": "99999"})
    assert missing.status_code == 200 and "no such training session" in missing.content.decode()
    before = snapshot()
    bad = client.post(reverse("socialwork:result", args=[reg.pk]), {"result": "failed", "result_on": "2024-09-20",
                                                                    "certificate_no": "X1",
                                                                    "certificate_date": "2024-12-10"})
    assert bad.status_code == 200 and "a certificate needs a pass" in bad.content.decode()
    early = client.post(reverse("socialwork:result", args=[reg.pk]), {"result": "passed", "result_on": "2023-09-20"})
    assert early.status_code == 200 and "before the exam year" in early.content.decode()
    assert snapshot() == before
    assert client.post(reverse("socialwork:result", args=[reg.pk]), {
        "result": "passed", "result_on": "2024-09-20", "certificate_no": "S2024A1", "certificate_date": "2024-12-10"}
    ).status_code == 302
    stored = Registration.objects.get(pk=reg.pk)
    assert (str(stored.training_hours), stored.certificate_no) == ("32.0", "S2024A1")
    assert "S2024A1" in client.get(reverse("socialwork:detail", args=[reg.pk])).content.decode()


def test_others_cannot_write(setup: Setup) -> None:
    reg = setup.register()
    before = snapshot()
    assert login("township").post(reverse("socialwork:create"), {"person": setup.cadre.pk, "exam_year": 2024,
                                                                  "level": "senior"}).status_code == 403
    assert login("township").post(reverse("socialwork:result", args=[reg.pk]),
                                  {"result": "absent", "result_on": "2024-09-20"}).status_code == 404
    gulin = login("gulin_admin")
    assert gulin.get(reverse("socialwork:detail", args=[reg.pk])).status_code == 404
    assert gulin.post(reverse("socialwork:training", args=[reg.pk]), {"training_hours": "1"}).status_code == 404
    refused = login("county").post(reverse("socialwork:create"), {"person": setup.other.pk, "exam_year": 2024,
                                                                   "level": "senior"})
    assert refused.status_code == 200 and "no such person on your roster" in refused.content.decode()
    assert login("township").post(reverse("socialwork:policy_add"), {}).status_code == 403
    assert snapshot() == before


def test_certified_social_workers_per_region(setup: Setup) -> None:
    certify(setup.cadre, "assistant", 2022)
    certify(setup.cadre, "intermediate", 2023)  # counted once, at the higher level
    certify(setup.other, "assistant", 2023)
    for p in f.make_people(f.OTHER_TOWNSHIP_VILLAGE, 2):
        certify(p, "assistant", 2024)
    setup.register(person=f.make_people(f.OTHER_YUSI_VILLAGE, 1)[0])  # registered only: not counted
    city = login("city").get(reverse("socialwork:certified"))
    table = city.context["table"]
    assert [(r.region.code, r.people, r.by_level) for r in table.rows] == [
        (LUXIAN, 3, {"intermediate": 1, "assistant": 2}), (f.GULIN, 1, {"assistant": 1})]
    assert (table.total, table.total_by_level) == (4, {"assistant": 3, "intermediate": 1, "senior": 0})
    assert "泸县" in city.content.decode()
    county = login("county").get(reverse("socialwork:certified")).context["table"]
    assert [(r.region.code, r.people) for r in county.rows] == [(f.YUSI, 1), ("510521103000", 2)]
    assert county.total == 3
    assert login("county").get(reverse("socialwork:certified"), {"region": f.GULIN}).status_code == 404
    drill = login("city").get(reverse("socialwork:certified"), {"region": "510521"}).context["table"]
    assert drill.total == 3


def test_the_policy_page_shows_the_version_in_force_and_the_history(setup: Setup) -> None:
    rates(LUXIAN, date(2024, 1, 1), 200, 300, 500)
    rates(LUXIAN, date(2025, 1, 1), 250, 350, 550)
    rates(f.GULIN, date(2024, 1, 1), 150, 250, 450)
    county = login("county").get(reverse("socialwork:policy"))
    [luxian] = county.context["policies"]
    assert {k: (str(a), d) for k, (a, d) in luxian.in_force.items()} == {
        "assistant": ("250.00", date(2025, 1, 1)), "intermediate": ("350.00", date(2025, 1, 1)),
        "senior": ("550.00", date(2025, 1, 1))}
    assert [v[0] for v in luxian.versions] == [date(2025, 1, 1), date(2024, 1, 1)]
    assert "150.00" not in county.content.decode()
    # A township reads its county's policy; the city every county's.
    assert [p.county.code for p in login("township").get(reverse("socialwork:policy")).context["policies"]] == [LUXIAN]
    city = login("city").get(reverse("socialwork:policy")).context["policies"]
    assert len(city) == 7 and sum(1 for p in city if p.versions) == 2


def test_adding_a_policy_version_through_the_page(setup: Setup) -> None:
    rates(LUXIAN, date(2024, 1, 1), 200, 300, 500)
    client = login("county")
    today = timezone.localdate()
    form = {"county": LUXIAN, "effective_from": (today - timedelta(days=3)).isoformat(), "assistant": "300",
            "intermediate": "400", "senior": "600", "note": "提标"}
    before = snapshot()
    past = client.post(reverse("socialwork:policy_add"), form)
    assert past.status_code == 200 and "in the past" in past.content.decode()
    other = client.post(reverse("socialwork:policy_add"), {**form, "county": f.GULIN,
                                                           "effective_from": today.isoformat()})
    assert other.status_code == 200 and "outside your jurisdiction" in other.content.decode()
    assert snapshot() == before
    assert client.post(reverse("socialwork:policy_add"), {**form, "effective_from": today.isoformat()}
                       ).status_code == 302
    assert SubsidyRate.objects.filter(region_id=LUXIAN, effective_from=today).count() == 3
