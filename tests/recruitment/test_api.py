"""Public recruitment in the REST API: scoped reads, writes through the services, the schema."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.recruitment.models import Application, Campaign
from tests import factories as f
from tests.recruitment.conftest import Recruit

pytestmark = pytest.mark.django_db


def api(user) -> Client:  # noqa: ANN001
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_reads_are_scoped(recruit: Recruit) -> None:
    campaign, apps = recruit.notice()
    county, city, other = (api(recruit.users[k]) for k in ("county", "city", "gulin_admin"))
    listed = county.get(reverse("api:recruitment-campaign-list")).json()["results"]
    assert [c["name"] for c in listed] == [campaign.name]
    assert {p["village"] for p in listed[0]["posts"]} == {f.TANBA, f.OTHER_YUSI_VILLAGE}
    assert city.get(reverse("api:recruitment-campaign-detail", args=[campaign.pk])).json()["state"] == "notice"
    assert other.get(reverse("api:recruitment-campaign-list")).json()["results"] == []
    assert other.get(reverse("api:recruitment-campaign-detail", args=[campaign.pk])).status_code == 404
    assert other.get(reverse("api:recruitment-application-detail", args=[apps["gan1"].pk])).status_code == 404
    rows = county.get(reverse("api:recruitment-application-list"), {"campaign": campaign.pk}).json()["results"]
    by_name = {r["name"]: r for r in rows}
    assert by_name["甘一"]["proposed"] and by_name["甘一"]["written_score"] == "80.00"
    assert by_name["老四"]["eligible"] is False
    assert by_name["老四"]["eligibility_failures"] == ["aged 51 on 2026-03-01, above the limit of 45"]
    assert "full_id" not in str(rows) and apps["gan1"].person.full_id_number() not in str(rows)
    assert api(recruit.users["township"]).get(reverse("api:recruitment-campaign-list")).status_code == 403


def test_creating_a_campaign_and_an_application(recruit: Recruit) -> None:
    county = api(recruit.users["county"])
    body = {"name": "接口招聘", "reference_date": "2026-03-01", "written_weight": 50, "interview_weight": 40}
    response = county.post(reverse("api:recruitment-campaign-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["interview_weight"] == [
        "the written exam and interview weights must add up to 100% (now 90%)"]
    body["interview_weight"] = 50
    response = county.post(reverse("api:recruitment-campaign-list"), body, content_type="application/json")
    assert response.status_code == 201 and response.json()["state"] == "draft"
    assert Campaign.objects.get().region_id == "510521000000"
    assert api(recruit.users["city"]).post(reverse("api:recruitment-campaign-list"), body,
                                           content_type="application/json").status_code == 403
    campaign = recruit.open()
    post = campaign.posts.get(region_id=f.TANBA)
    app_body = {"campaign": campaign.pk, "campaign_post": post.pk, "submitted_on": "2026-02-01", "name": "接口人",
                "id_number": f.id_number("510521", date(1987, 7, 7)), "political_status": "01", "education": "30"}
    response = county.post(reverse("api:recruitment-application-list"), app_body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["eligible"] is True and Application.objects.get().person.name == "接口人"
    response = county.post(reverse("api:recruitment-application-list"), app_body, content_type="application/json")
    assert response.status_code == 400
    response = api(recruit.users["gulin_admin"]).post(reverse("api:recruitment-application-list"), app_body,
                                                      content_type="application/json")
    assert response.status_code == 404 and Application.objects.count() == 1


def test_the_endpoints_are_in_the_schema() -> None:
    schema = Client().get(reverse("api:schema")).content.decode()
    for path in ("/api/v1/recruitment-campaigns/", "/api/v1/recruitment-campaigns/{id}/",
                 "/api/v1/recruitment-applications/", "/api/v1/recruitment-applications/{id}/"):
        assert path in schema
