"""The pages of public recruitment, as a county admin and the city use them."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lingtouyang.audit.models import AuditEvent
from lingtouyang.core.xlsx import write_xlsx
from lingtouyang.people.models import Person
from lingtouyang.recruitment.models import Application, CalendarDay, Campaign, Objection
from tests import factories as f
from tests.recruitment.conftest import NOTICE_START, Recruit

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def _campaign_form(**changes: object) -> dict[str, object]:
    return {"name": "泸县2026年专职副书记招聘", "reference_date": "2026-03-01", "max_age": "45", "min_education": "60",
            "required_sources": ["migrant_worker"], "party_member_required": "on", "manual_conditions": "",
            "written_weight": "40", "interview_weight": "60", "interview_ratio": "", "notice_workdays": "5",
            "duties": ["collective_economy"], "term": "", **changes}


def test_the_list_is_scoped(recruit: Recruit) -> None:
    recruit.campaign(name="泸县的招聘")
    text = login("county").get(reverse("recruitment:list")).content.decode()
    assert "泸县的招聘" in text
    assert "泸县的招聘" in login("city").get(reverse("recruitment:list")).content.decode()
    assert "泸县的招聘" not in login("jiangyang_admin").get(reverse("recruitment:list")).content.decode()
    assert login("township").get(reverse("recruitment:list")).status_code == 403


def test_another_countys_campaign_is_404(recruit: Recruit) -> None:
    campaign, apps = recruit.notice()
    other = login("gulin_admin")
    for name, args in [("detail", [campaign.pk]), ("ranking", [campaign.pk]), ("notice", [campaign.pk]),
                       ("ranking_export", [campaign.pk]), ("application", [campaign.pk, apps["gan1"].pk])]:
        assert other.get(reverse(f"recruitment:{name}", args=args)).status_code == 404, name
    assert other.post(reverse("recruitment:transition", args=[campaign.pk]), {"to": "cancelled", "reason": "x"}
                      ).status_code == 404
    # The city sees it, but does not run it.
    city = login("city")
    assert city.get(reverse("recruitment:detail", args=[campaign.pk])).status_code == 200
    assert city.post(reverse("recruitment:transition", args=[campaign.pk]), {"to": "cancelled", "reason": "x"}
                     ).status_code == 404
    assert Campaign.objects.get(pk=campaign.pk).state == "notice"


def test_creating_a_campaign_and_its_posts(recruit: Recruit) -> None:
    client = login("county")
    response = client.post(reverse("recruitment:create"), _campaign_form())
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("recruitment:detail", args=[campaign.pk])
    assert campaign.region_id == "510521000000" and campaign.required_sources == ["migrant_worker"]
    response = client.post(reverse("recruitment:posts", args=[campaign.pk]),
                           {"region": f.TANBA, "post": "fulltime_deputy", "places": "2"})
    assert response.status_code == 302
    assert campaign.posts.get().places == 2
    response = client.post(reverse("recruitment:posts", args=[campaign.pk]),
                           {"region": f.GULIN_VILLAGE, "post": "fulltime_deputy", "places": "1"})
    assert response.status_code == 200
    assert "choose a village or community of this county" in response.content.decode()
    assert campaign.posts.count() == 1
    response = client.post(reverse("recruitment:edit", args=[campaign.pk]), _campaign_form(max_age="40"))
    assert response.status_code == 302 and Campaign.objects.get().max_age == 40


@pytest.mark.parametrize(("changes", "message"), [
    ({"written_weight": "50", "interview_weight": "60"},
     "the written exam and interview weights must add up to 100% (now 110%)"),
    ({"notice_workdays": "3"}, "the public notice must last at least 5 working days (policy); 3 is too short"),
])
def test_a_bad_campaign_is_refused_with_the_reason(recruit: Recruit, changes: dict, message: str) -> None:
    response = login("county").post(reverse("recruitment:create"), _campaign_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Campaign.objects.exists()


def test_transitions_from_the_page(recruit: Recruit) -> None:
    campaign = recruit.campaign()
    client = login("county")
    url = reverse("recruitment:transition", args=[campaign.pk])
    response = client.post(url, {"to": "screening"})
    assert response.status_code == 200
    assert "a campaign that is “draft” cannot become “eligibility screening”" in response.content.decode()
    assert client.post(url, {"to": "open"}).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).state == "open"
    response = client.post(url, {"to": "cancelled", "reason": ""})
    assert "say why the campaign is cancelled" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).state == "open"


def test_adding_applications_from_the_page(recruit: Recruit) -> None:
    campaign = recruit.open()
    post = campaign.posts.get(region_id=f.TANBA)
    client = login("county")
    url = reverse("recruitment:application_create", args=[campaign.pk])
    number = f.id_number("510521", date(1986, 5, 5))
    form = {"campaign_post": post.pk, "id_number": number, "submitted_on": "2026-02-01", "name": "新来者",
            "ethnicity": "01", "political_status": "01", "education": "30", "phone": "", "source": "migrant_worker"}
    assert client.post(url, form).status_code == 302
    application = Application.objects.get()
    assert application.person.name == "新来者" and application.person.region_id == f.TANBA
    assert application.auto_failures == []
    response = client.post(url, form)
    assert response.status_code == 200 and "新来者 has already applied in this campaign" in response.content.decode()
    bad = {**form, "id_number": "510521198605050000"}
    response = client.post(url, bad)
    assert response.status_code == 200 and Application.objects.count() == 1
    detail = client.get(reverse("recruitment:detail", args=[campaign.pk])).content.decode()
    assert "新来者" in detail and application.person.id_masked in detail and number not in detail


def test_scores_from_the_page(recruit: Recruit) -> None:
    campaign, apps = recruit.examining()
    client = login("county")
    url = reverse("recruitment:scores", args=[campaign.pk, apps["gan1"].pk])
    response = client.post(url, {"written": "100.5", "interview": ""})
    assert response.status_code == 200
    assert "a score is between 0 and 100 (got 100.5)" in response.content.decode()
    assert Application.objects.get(pk=apps["gan1"].pk).written_score is None
    assert client.post(url, {"written": "88.5", "interview": "90"}).status_code == 302
    assert str(Application.objects.get(pk=apps["gan1"].pk).written_score) == "88.50"


def _scores_file(tmp_path, rows: list[list[object]]) -> SimpleUploadedFile:  # noqa: ANN001
    path = tmp_path / "scores.xlsx"
    write_xlsx(path, ["身份证号或报名序号", "笔试", "面试"], rows)
    return SimpleUploadedFile("scores.xlsx", path.read_bytes())


def test_importing_scores_is_all_or_nothing(recruit: Recruit, tmp_path) -> None:  # noqa: ANN001
    campaign, apps = recruit.examining()
    client = login("county")
    url = reverse("recruitment:scores_import", args=[campaign.pk])
    gan1, gan2, mo3, old4 = apps["gan1"], apps["gan2"], apps["mo3"], apps["old4"]
    rows = [[gan1.person.full_id_number(), "80", "90"], [gan2.number, "101", "80"], ["999999", "70", "70"],
            [old4.number, "60", "60"], [mo3.number, "70", "75"]]
    response = client.post(url, {"file": _scores_file(tmp_path, rows)})
    assert response.status_code == 200
    text = response.content.decode()
    assert "a score is between 0 and 100 (got 101)" in text
    assert "no application in this campaign has the number or ID number “999999”" in text
    assert "老四 is not eligible; no scores are recorded" not in text  # refused before any score is tried
    assert [e.row for e in response.context["errors"]] == [3, 4]
    assert not Application.objects.filter(written_score__isnull=False).exists()
    rows = [[gan1.person.full_id_number(), "80", "90"], [gan2.number, "85", "80"], [old4.number, "60", ""],
            [mo3.number, "70", "75"]]
    response = client.post(url, {"file": _scores_file(tmp_path, rows)})
    assert [(e.row, e.reason) for e in response.context["errors"]] == [(4, "老四 is not eligible; no scores are recorded")]
    assert not Application.objects.filter(written_score__isnull=False).exists()
    rows = [[gan1.person.full_id_number(), "80", "90"], [gan2.number, 85, 80], [mo3.number, "70", "75"]]
    response = client.post(url, {"file": _scores_file(tmp_path, rows)})
    assert response.status_code == 302
    got = {a.person.name: (str(a.written_score), str(a.interview_score))
           for a in Application.objects.filter(written_score__isnull=False)}
    assert got == {"甘一": ("80.00", "90.00"), "甘二": ("85.00", "80.00"), "莫三": ("70.00", "75.00")}
    assert AuditEvent.objects.filter(action="recruitment.scores_import").count() == 1


def test_a_file_that_is_not_a_workbook_is_refused(recruit: Recruit) -> None:
    campaign, _apps = recruit.examining()
    response = login("county").post(reverse("recruitment:scores_import", args=[campaign.pk]),
                                    {"file": SimpleUploadedFile("scores.xlsx", b"not a workbook")})
    assert response.status_code == 200
    assert "This is not an .xlsx file." in response.content.decode()
    assert not AuditEvent.objects.filter(action="recruitment.scores_import").exists()


def test_the_ranking_page_and_its_export(recruit: Recruit) -> None:
    campaign, apps = recruit.notice()
    client = login("city")
    text = client.get(reverse("recruitment:ranking", args=[campaign.pk])).content.decode()
    assert text.index("甘一") < text.index("甘二") and "86.00" in text and "82.00" in text
    response = client.get(reverse("recruitment:ranking_export", args=[campaign.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [(r[2], r[4], r[8], r[9]) for r in rows[1:]] == [(1, "甘一", 86, "yes"), (2, "甘二", 82, None),
                                                             (1, "莫三", 73, "yes")]
    assert rows[1][5] == apps["gan1"].person.id_masked  # masked
    event = AuditEvent.objects.get(action="export.recruitment_ranking")
    assert event.actor.username == "city" and event.region_code == "510521000000"


def test_the_notice_page_objections_and_the_hire(recruit: Recruit) -> None:
    campaign, apps = recruit.notice()
    recruit.review(apps["gan1"].person, apps["mo3"].person)
    client = login("county")
    notice = reverse("recruitment:notice", args=[campaign.pk])
    text = client.get(notice).content.decode()
    assert "2026-03-02" in text and "2026-03-09" in text and "甘一" in text and "甘二" not in text
    response = client.post(notice, {"application": apps["gan1"].pk, "raised_by": "村民张某", "raised_on": "2026-03-03",
                                    "content": "长期不在村"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    transition = reverse("recruitment:transition", args=[campaign.pk])
    response = client.post(transition, {"to": "hired", "hire_date": "2026-03-10", "duties": ["cooperatives"]})
    assert response.status_code == 200
    assert "1 objections are still unresolved; resolve them before hiring" in response.content.decode()
    resolve = reverse("recruitment:objection_resolve", args=[campaign.pk, objection.pk])
    response = client.post(resolve, {"upheld": "0", "reason": ""})
    assert response.status_code == 200 and Objection.objects.get().resolution == "pending"
    assert client.post(resolve, {"upheld": "0", "reason": "经核实在村"}).status_code == 302
    response = client.post(transition, {"to": "hired", "hire_date": "2026-03-09", "duties": ["cooperatives"]})
    assert "the public notice runs until 2026-03-09; hire after it has ended" in response.content.decode()
    assert client.post(transition, {"to": "hired", "hire_date": "2026-03-10", "duties": ["cooperatives"]}
                       ).status_code == 302
    hired = Application.objects.filter(status="hired").order_by("id")
    assert [(a.person.name, a.duties) for a in hired] == [("甘一", ["cooperatives"]), ("莫三", ["cooperatives"])]
    response = client.get(reverse("recruitment:notice_export", args=[campaign.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    names = [r[3] for r in list(book.worksheets[0].iter_rows(values_only=True))[1:]]
    assert names == ["甘一", "莫三"]
    assert AuditEvent.objects.filter(action="export.recruitment_notice").count() == 1


def test_the_calendar_is_kept_by_the_city(recruit: Recruit) -> None:
    text = login("county").get(reverse("recruitment:calendar"), {"year": "2026"}).content.decode()
    assert "2026-10-10" in text and "国庆节调休上班" in text
    assert login("county").post(reverse("recruitment:calendar"), {"date": "2026-12-31", "is_workday": "0"}
                                ).status_code == 403
    response = login("city").post(reverse("recruitment:calendar"), {"date": "2026-12-31", "is_workday": "0",
                                                                     "note": "临时调整"})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2026, 12, 31)).is_workday is False
    assert AuditEvent.objects.filter(action="recruitment.calendar_set").count() == 1


def test_the_application_page_checks_by_hand(recruit: Recruit) -> None:
    campaign = recruit.open(manual_conditions="在外务工3年以上")
    a = recruit.apply(campaign, "甘一")
    from lingtouyang.recruitment import services

    services.campaign_screen(acting_user=recruit.users["county"], campaign=campaign)
    client = login("county")
    page = client.get(reverse("recruitment:application", args=[campaign.pk, a.pk])).content.decode()
    assert "在外务工3年以上" in page
    url = reverse("recruitment:check", args=[campaign.pk, a.pk])
    response = client.post(url, {"passed": "0", "reason": ""})
    assert response.status_code == 200 and "a fail needs a reason" in response.content.decode()
    assert client.post(url, {"passed": "1", "reason": ""}).status_code == 302
    assert Application.objects.get(pk=a.pk).manual_passed is True
    assert Person.objects.filter(name="甘一").count() == 1


def test_the_chinese_pages_render(recruit: Recruit) -> None:
    campaign, _apps = recruit.notice()
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(recruit.users["county"])
    for name in ("detail", "ranking", "notice"):
        assert client.get(reverse(f"recruitment:{name}", args=[campaign.pk])).status_code == 200
    assert NOTICE_START.isoformat() in client.get(reverse("recruitment:notice", args=[campaign.pk])).content.decode()


def test_pages_and_lists_run_a_fixed_number_of_queries(recruit: Recruit) -> None:
    """Measured with 2 and with 8 applications: a count that grows with the rows is an N+1."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campaign = recruit.open()
    client = login("county")
    urls = [reverse("recruitment:detail", args=[campaign.pk]), reverse("recruitment:ranking", args=[campaign.pk]),
            reverse("recruitment:list"), reverse("api:recruitment-application-list")]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    for i in range(2):
        recruit.apply(campaign, f"甲{i}", born=date(1980 + i, 1, 1))
    small = counts()
    for i in range(6):
        recruit.apply(campaign, f"乙{i}", village=f.OTHER_YUSI_VILLAGE, born=date(1981 + i, 2, 2))
    assert counts() == small
    assert "乙5" in client.get(urls[0]).content.decode()
