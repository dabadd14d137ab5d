"""The three-channel report and a person's whole career as one timeline."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.care import services as care_services
from lingtouyang.careers import selectors
from lingtouyang.secondments import services as secondment_services
from tests import factories as f
from tests.careers.conftest import Setup

pytestmark = pytest.mark.django_db


def client(setup: Setup, who: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(setup.users[who])
    return c


def test_channel_report_counts_per_region_and_half_year(setup: Setup) -> None:
    people = f.make_people(f.TANBA, 4, surname="甘") + f.make_people(f.OTHER_TOWNSHIP_VILLAGE, 2, surname="岑")
    setup.event(person=people[0], date=date(2021, 2, 1))
    setup.event(person=people[1], kind="civil_service", date=date(2021, 6, 30))
    setup.event(person=people[2], kind="public_institution", date=date(2021, 7, 1))
    setup.event(person=people[3], kind="resignation", destination="", reason="外出务工", date=date(2021, 3, 1))
    setup.event(person=people[4], date=date(2021, 5, 1))
    setup.event(person=people[5], kind="civil_service", date=date(2022, 1, 10))
    setup.event(person=setup.other, who="gulin_admin", date=date(2021, 3, 1))
    report = selectors.channel_report(setup.users["county"], "510521")
    assert [(h["year"], h["half"], h["counts"]) for h in report["halves"]] == [
        (2022, 1, [0, 1, 0]), (2021, 2, [0, 0, 1]), (2021, 1, [2, 1, 0])]
    first_half = [(r["name"], r["counts"]) for r in report["rows"] if (r["year"], r["half"]) == (2021, 1)]
    assert first_half == [("喻寺镇", [1, 1, 0]), ("得胜镇", [1, 0, 0])]
    assert [h["year"] for h in selectors.channel_report(setup.users["city"], "", 2022)["halves"]] == [2022]
    page = client(setup, "township").get(reverse("careers:report")).content.decode()
    assert "谭坝村" in page and "得胜镇" not in page  # a township's report is by village, its own only


def test_timeline_merges_every_record_in_date_order(setup: Setup) -> None:
    secondment_services.secondment_create(acting_user=None, person=setup.cadre, host_place="上海市",
                                          host_organisation="上海市静安区临汾路街道", start_date=date(2020, 3, 1),
                                          end_date=date(2020, 8, 31))
    care_services.record_create(acting_user=None, person=setup.cadre, kind="condolence", date=date(2021, 1, 20),
                                by_whom="镇党委书记", amount="500")
    setup.event(end_posts=True)
    entries = selectors.timeline(setup.users["county"], setup.cadre)
    assert [(e.on, e.what) for e in entries] == [
        (date(2018, 3, 1), "post taken up"), (date(2020, 3, 1), "secondment began"),
        (date(2021, 1, 20), "condolence visit"), (date(2021, 4, 1), "post left"),
        (date(2021, 4, 1), "into township leadership")]
    page = client(setup, "village").get(reverse("careers:timeline", args=[setup.cadre.pk])).content.decode()
    assert "上海市静安区临汾路街道" in page and "泸县喻寺镇党委" in page
    assert client(setup, "gulin_admin").get(reverse("careers:timeline", args=[setup.cadre.pk])).status_code == 404
    assert client(setup, "reviewer").get(reverse("careers:timeline", args=[setup.cadre.pk])).status_code == 404
    person_page = client(setup, "village").get(reverse("people:detail", args=[setup.cadre.pk])).content.decode()
    assert reverse("careers:timeline", args=[setup.cadre.pk]) in person_page


def _timeline_queries(setup: Setup, person) -> int:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        selectors.timeline(setup.users["county"], person)
    return len(queries)


def test_timeline_runs_a_fixed_number_of_queries(setup: Setup) -> None:
    _timeline_queries(setup, setup.cadre)  # the account's region, read once and kept on it
    few = _timeline_queries(setup, setup.cadre)
    for i in range(5):
        care_services.record_create(acting_user=None, person=setup.cadre, kind="condolence", date=date(2022, 1, 1 + i),
                                    by_whom="镇党委书记")
        f.make_appointment(setup.cadre, post="village_member", start=date(2010 + i, 1, 1), end_date=date(2010 + i, 6, 1),
                           end_reason="调整")
    setup.event(date=date(2021, 4, 1))
    assert _timeline_queries(setup, setup.cadre) == few
    assert len(selectors.timeline(setup.users["county"], setup.cadre)) == 1 + 10 + 5 + 1
