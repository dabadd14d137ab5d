"""The planning pages as the city, a county and a township use them: catalogue, sessions, sittings,
enrolment one by one, by rule and from a list (preview, then confirm), withdrawal."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lingtouyang.core.xlsx import write_xlsx
from lingtouyang.training import services
from lingtouyang.training.models import Enrolment, Programme, Session, TrainingBase
from tests import factories as f
from tests.training.test_planning_services import DAY1, Plan, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(users: dict[str, Any]) -> Plan:
    return make_plan(users)


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    with translation.override("en"):
        yield


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def test_the_home_page_links_the_parts(plan: Plan) -> None:
    text = login("county").get(reverse("training:home")).content.decode()
    for name in ("training:sessions", "training:programmes", "training:bases", "training:coverage",
                 "secondments:list", "socialwork:list"):
        assert f'href="{reverse(name)}"' in text, name
    assert reverse("training:mine") not in text.split("<main>")[1]


def test_the_home_page_shows_my_training_to_a_cadre_with_a_record(plan: Plan) -> None:
    cadre = f.make_person(f.TANBA, name="甘学员")
    plan.users["village"].person = cadre
    plan.users["village"].save()
    text = login("village").get(reverse("training:home")).content.decode()
    assert f'href="{reverse("training:mine")}"' in text.split("<main>")[1]


def test_the_city_registers_a_base_through_the_page(plan: Plan) -> None:
    response = login("city").post(reverse("training:base_create"), {
        "name": "叙永县现场教学点", "host": "叙永县委组织部", "kind": "field_site", "region": "510524000000",
        "address": "叙永镇", "capacity": "40", "specialties": ["industry", "rural_revitalisation"], "active": "on"})
    assert response.status_code == 302
    base = TrainingBase.objects.get(name="叙永县现场教学点")
    assert base.specialties == ["industry", "rural_revitalisation"] and base.region_id == "510524000000"
    text = login("county").get(reverse("training:bases")).content.decode()
    assert "泸州市委党校" in text and "叙永县现场教学点" not in text  # 叙永's, not 泸县's


def test_a_refused_base_shows_why(plan: Plan) -> None:
    response = login("city").post(reverse("training:base_create"), {
        "name": "泸州市委党校", "host": "x", "kind": "other", "region": f.CITY, "capacity": "10"})
    assert response.status_code == 200
    assert "already has a base of this name" in response.content.decode()


def test_a_county_cannot_open_the_catalogue_forms(plan: Plan) -> None:
    client = login("county")
    assert client.get(reverse("training:base_create")).status_code == 403
    assert client.get(reverse("training:programme_edit", args=[plan.programme.pk])).status_code == 403


def test_the_city_edits_a_programme(plan: Plan) -> None:
    response = login("city").post(reverse("training:programme_edit", args=[plan.programme.pk]), {
        "title": "新任书记培训", "topic": "party_building", "form": "lecture", "hours": "16", "audience": "secretaries",
        "threshold": "75", "talent_tag": "", "description": "", "active": "on"})
    assert response.status_code == 302
    assert Programme.objects.get(pk=plan.programme.pk).threshold == 75


def test_a_county_schedules_a_session_and_adds_sittings(plan: Plan) -> None:
    client = login("county")
    response = client.post(reverse("training:session_create"), {
        "title": "泸县第一期", "programme": plan.programme.pk, "base": plan.base.pk, "start_date": "2026-06-01",
        "end_date": "2026-06-02", "capacity": "30"})
    session = Session.objects.get(title="泸县第一期")
    assert response["Location"] == reverse("training:session", args=[session.pk])
    url = reverse("training:session_sittings", args=[session.pk])
    assert client.post(url, {"starts_at": "2026-06-01T09:00", "ends_at": "2026-06-01T12:00", "hours": "3",
                             "subject": "党建", "teacher": "王"}).status_code == 302
    refused = client.post(url, {"starts_at": "2026-06-01T11:00", "ends_at": "2026-06-01T13:00", "hours": "2"})
    assert refused.status_code == 200 and "overlaps another" in refused.content.decode()
    page = client.get(reverse("training:session", args=[session.pk])).content.decode()
    assert "党建" in page and "<b>3.0</b>" in page


def test_places_over_the_base_capacity_are_refused_on_the_form(plan: Plan) -> None:
    response = login("county").post(reverse("training:session_create"), {
        "title": "太大", "programme": plan.programme.pk, "base": plan.base.pk, "start_date": "2026-06-01",
        "end_date": "2026-06-02", "capacity": "51"})
    assert response.status_code == 200 and "the base holds 50 trainees" in response.content.decode()
    assert not Session.objects.exists()


def test_a_township_sees_the_session_but_cannot_run_it(plan: Plan) -> None:
    session = plan.session()
    client = login("township")
    page = client.get(reverse("training:session", args=[session.pk])).content.decode()
    assert session.title in page and "enrol-rule" not in page
    assert client.get(reverse("training:session_edit", args=[session.pk])).status_code in (403, 404)
    assert client.post(reverse("training:enrol_one", args=[session.pk]), {}).status_code in (403, 404)


def test_another_county_gets_404(plan: Plan) -> None:
    session = plan.session()
    assert login("gulin_admin").get(reverse("training:session", args=[session.pk])).status_code == 404


def test_cancel_with_a_reason(plan: Plan) -> None:
    session = plan.session()
    client = login("county")
    assert client.post(reverse("training:session_cancel", args=[session.pk]), {"reason": ""}).status_code == 200
    assert client.post(reverse("training:session_cancel", args=[session.pk]), {"reason": "暴雨"}).status_code == 302
    assert Session.objects.get(pk=session.pk).state == "cancelled"


def test_enrol_one_and_withdraw(plan: Plan) -> None:
    session, gan = plan.session(), f.make_person(f.TANBA, name="甘一")
    client = login("county")
    assert client.post(reverse("training:enrol_one", args=[session.pk]), {"person": gan.pk}).status_code == 302
    again = client.post(reverse("training:enrol_one", args=[session.pk]), {"person": gan.pk})
    assert "already enrolled" in again.content.decode()
    outsider = f.make_person(f.GULIN_VILLAGE, name="蒲外")
    refused = client.post(reverse("training:enrol_one", args=[session.pk]), {"person": outsider.pk}).content.decode()
    assert "not found in your jurisdiction" in refused and "蒲外" not in refused
    row = Enrolment.objects.get(session=session)
    response = client.post(reverse("training:withdraw", args=[session.pk]), {"enrolment": row.pk, "reason": "病"})
    assert response.status_code == 302 and Enrolment.objects.get(pk=row.pk).withdrawn


def test_enrol_by_rule_previews_then_confirms(plan: Plan) -> None:
    session = plan.session(capacity=3)
    people = f.make_people(f.TANBA, 2)  # each a current party committee member
    client = login("county")
    preview = client.post(reverse("training:enrol_rule", args=[session.pk]), {"kind": "all_cadres",
                                                                             "region": "510521102237"})
    text = preview.content.decode()
    assert preview.status_code == 200 and 'id="confirm"' in text
    assert all(p.name in text for p in people)
    assert not Enrolment.objects.exists()
    response = client.post(reverse("training:enrol_confirm", args=[session.pk]))
    assert response.status_code == 302
    assert Enrolment.objects.filter(session=session, via="rule").count() == 2


def test_a_rule_region_outside_the_jurisdiction_is_refused(plan: Plan) -> None:
    session = plan.session()
    response = login("county").post(reverse("training:enrol_rule", args=[session.pk]),
                                    {"kind": "secretaries", "region": f.GULIN})
    assert response.status_code == 200 and "choose a region within your jurisdiction" in response.content.decode()


def test_a_rule_batch_over_capacity_cannot_be_confirmed(plan: Plan) -> None:
    session = plan.session(capacity=1)
    f.make_people(f.TANBA, 2)
    client = login("county")
    text = client.post(reverse("training:enrol_rule", args=[session.pk]),
                       {"kind": "all_cadres", "region": "510521"}).content.decode()
    assert 'id="over-capacity"' in text and 'id="confirm"' not in text
    response = client.post(reverse("training:enrol_confirm", args=[session.pk]))
    assert response.status_code == 200 and "only 1 places are free" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_the_list_template_downloads(plan: Plan) -> None:
    response = login("county").get(reverse("training:enrol_list", args=[plan.session().pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.worksheets[0]["A1"].value == "ID number"


def test_enrol_from_an_excel_list(plan: Plan, tmp_path: Any) -> None:
    session = plan.session()
    number = f.id_number("510521", date(1981, 2, 3))
    f.make_person(f.TANBA, name="甘名单", born=date(1981, 2, 3), id_number=number)
    path = tmp_path / "l.xlsx"
    write_xlsx(path, ["身份证号"], [[number], ["510521198101010000"]])
    client = login("county")
    upload = SimpleUploadedFile("名单.xlsx", path.read_bytes())
    text = client.post(reverse("training:enrol_list", args=[session.pk]), {"file": upload}).content.decode()
    assert "甘名单" in text and "row 3" in text
    assert client.post(reverse("training:enrol_confirm", args=[session.pk])).status_code == 302
    assert Enrolment.objects.get(session=session).via == "import"


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_session_page_costs_the_same_whatever_the_enrolment(plan: Plan) -> None:
    session, client = plan.session(capacity=40), login("county")
    url = reverse("training:session", args=[session.pk])
    people = f.make_people(f.TANBA, 30, with_post=False)
    services.enrolment_confirm(acting_user=None, session=session, person_ids=[p.pk for p in people[:3]])
    small = _count_queries(client, url)
    services.enrolment_confirm(acting_user=None, session=session, person_ids=[p.pk for p in people[3:]])
    assert _count_queries(client, url) == small


def test_the_session_list_costs_the_same_whatever_the_number(plan: Plan) -> None:
    client, url = login("county"), reverse("training:sessions")
    for i in range(2):
        plan.session(title=f"期{i}", start=date(2026, 1 + i, 1), end=date(2026, 1 + i, 2))
    small = _count_queries(client, url)
    for i in range(2, 12):
        plan.session(title=f"期{i}", start=date(2026, 1 + i % 12, 3), end=date(2026, 1 + i % 12, 4))
    assert _count_queries(client, url) == small
    assert _count_queries(client, url + "?year=2026&region=510521&programme=" + str(plan.programme.pk)) == small


def test_the_session_list_filters(plan: Plan) -> None:
    plan.session(title="今年班", start=DAY1, end=DAY1)
    plan.session(title="去年班", start=date(2025, 6, 1), end=date(2025, 6, 1))
    text = login("city").get(reverse("training:sessions") + "?year=2025").content.decode()
    assert "去年班" in text and "今年班" not in text
