"""The pages and the API of the joint review, as their users use them."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.audit.models import AuditEvent
from lingtouyang.review.models import Candidate, ReviewRound, Verdict
from tests import factories as f
from tests.review.conftest import Review

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def test_a_reviewers_day(review: Review) -> None:
    """The county opens a round; each reviewer sees only their own queue; the county sees who is cleared."""
    county = login("county")
    response = county.post(reverse("review:create"), {
        "name": "泸县2026年换届联审", "election_date": "2026-06-01",
        "departments": [review.police.pk, review.court.pk]})
    review_round = ReviewRound.objects.get(name="泸县2026年换届联审")
    assert response.status_code == 302 and response["Location"] == reverse("review:candidates", args=[review_round.pk])
    found = county.get(reverse("review:candidates", args=[review_round.pk]), {"q": "gsr"}, HTTP_HX_REQUEST="true")
    assert "甘守仁" in found.content.decode() and "莫怀远" not in found.content.decode()
    county.post(reverse("review:candidates", args=[review_round.pk]),
                {"people": [p.pk for p in review.people[:2]], "standing_for": "principal"})
    assert county.post(reverse("review:open", args=[review_round.pk])).status_code == 302
    gan, mo = Candidate.objects.filter(round=review_round).order_by("id")

    # Another county's police officer and a department not in the round see nothing.
    for other in ("gulin_police", "luxian_petitions"):
        page = login(other).get(reverse("review:queue")).content.decode()
        assert "甘守仁" not in page and "莫怀远" not in page
        assert login(other).post(reverse("review:queue"), {"candidate": gan.pk, "passed": "1"}).status_code == 404

    police = login("luxian_police")
    page = police.get(reverse("review:queue")).content.decode()
    assert "甘守仁" in page and "莫怀远" in page
    # A fail without a reason is refused and changes nothing.
    before = (Verdict.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())
    response = police.post(reverse("review:queue"), {"candidate": mo.pk, "passed": "0", "reason": ""})
    assert response.status_code == 200 and "a fail needs a reason" in response.content.decode()
    assert (Verdict.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count()) == before
    assert police.post(reverse("review:queue"), {"candidate": gan.pk, "passed": "1"}).status_code == 302
    assert police.post(reverse("review:queue"), {"candidate": mo.pk, "passed": "0", "reason": "有涉黑线索"}).status_code == 302
    page = police.get(reverse("review:queue")).content.decode()
    assert "Nothing waits for your verdict." in page and "有涉黑线索" in page
    # Already decided: no longer in the queue, so a second verdict is as unknown as another county's.
    assert police.post(reverse("review:queue"), {"candidate": gan.pk, "passed": "1"}).status_code == 404

    court = login("luxian_court")
    for candidate in (gan, mo):
        assert court.post(reverse("review:queue"), {"candidate": candidate.pk, "passed": "1"}).status_code == 302

    detail = county.get(reverse("review:detail", args=[review_round.pk])).content.decode()
    rows = dict(re.findall(r"<td>(\S+)<br>.*?</td>\s*<td>.*?<b class=\"(?:ok|bad)\">(\S+)</b>", detail, re.S))
    assert rows == {"甘守仁": "cleared", "莫怀远": "failed"}
    assert "有涉黑线索" in detail and "luxian_police" in detail
    # The city follows, read-only.
    city = login("city").get(reverse("review:detail", args=[review_round.pk])).content.decode()
    assert "甘守仁" in city and reverse("review:open", args=[review_round.pk]) not in city


def test_refused_transitions_show_the_reason_and_change_nothing(review: Review) -> None:
    review_round = review.round()
    county = login("county")
    before = AuditEvent.objects.exclude(action__startswith="access.").count()
    response = county.post(reverse("review:open", args=[review_round.pk]))
    assert response.status_code == 200 and "add at least one candidate" in response.content.decode()
    response = county.post(reverse("review:close", args=[review_round.pk]))
    assert response.status_code == 200 and "cannot become" in response.content.decode()
    review_round.refresh_from_db()
    assert review_round.state == "draft" and AuditEvent.objects.exclude(action__startswith="access.").count() == before


def test_closing_early_from_the_page(review: Review) -> None:
    review_round = review.open_round()
    county = login("county")
    assert county.post(reverse("review:close", args=[review_round.pk])).status_code == 200
    response = county.post(reverse("review:close", args=[review_round.pk]), {"force": "on", "reason": "选举推迟"})
    assert response.status_code == 302
    review_round.refresh_from_db()
    assert review_round.state == "closed" and review_round.close_reason == "选举推迟"


def test_adding_someone_from_another_county_is_refused(review: Review) -> None:
    review_round = review.round()
    before = (Candidate.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())
    response = login("county").post(reverse("review:candidates", args=[review_round.pk]),
                                    {"people": [review.gulin_person.pk], "standing_for": "principal"})
    assert response.status_code == 200 and "蒲永昌" not in response.content.decode()
    assert (Candidate.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count()) == before


def test_the_api_records_a_reviewers_own_verdicts_only(review: Review) -> None:
    review_round = review.open_round()
    candidate = review_round.candidates.order_by("id").first()
    police = login("luxian_police")
    queue = police.get(reverse("api:review-queue-list")).json()["results"]
    assert [c["name"] for c in queue] == [p.name for p in review.people]
    before = (Verdict.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())
    url = reverse("api:review-verdict-list")
    assert police.post(url, {"candidate": candidate.pk, "passed": False}, content_type="application/json").status_code == 400
    assert login("gulin_police").post(url, {"candidate": candidate.pk, "passed": True},
                                      content_type="application/json").status_code == 404
    assert login("luxian_petitions").post(url, {"candidate": candidate.pk, "passed": True},
                                          content_type="application/json").status_code == 400
    assert login("county").post(url, {"candidate": candidate.pk, "passed": True},
                                content_type="application/json").status_code == 403
    assert (Verdict.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count()) == before
    response = police.post(url, {"candidate": candidate.pk, "passed": False, "reason": "在逃"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["department"] == "公安"
    assert [v["reason"] for v in police.get(url).json()["results"]] == ["在逃"]
    detail = login("county").get(reverse("api:review-round-detail", args=[review_round.pk])).json()
    assert detail["candidates"][0]["status"] == "failed"
    assert {p["department"]: p["done"] for p in detail["progress"]} == {"公安": 1, "法院": 0}
    assert login("gulin_admin").get(reverse("api:review-round-detail", args=[review_round.pk])).status_code == 404


def test_the_rules_are_readable_and_in_the_schema(review: Review) -> None:
    rule_sets = login("luxian_police").get(reverse("api:ruleset-list")).json()["results"]
    assert rule_sets[0]["version"] == 1 and len(rule_sets[0]["rules"]) >= 10
    schema = Client().get(reverse("api:schema")).content.decode()
    for path in ("/api/v1/rule-sets/", "/api/v1/review-rounds/", "/api/v1/review-verdicts/", "/api/v1/review-queue/"):
        assert path in schema


def test_the_demo_round(review: Review) -> None:
    from lingtouyang.accounts.roles import Role
    from lingtouyang.review.demo import POLICE_FAIL_REASON, ROUND_NAME, demo_round
    from lingtouyang.review.selectors import round_matrix

    for i in range(10):
        f.make_person(f.GULIN_VILLAGE, name=f"古蔺{'一二三四五六七八九十'[i]}")
    f.make_user("gulin-police", Role.DEPT_REVIEWER, f.GULIN, department="公安")
    assert demo_round() is not None
    counts = (ReviewRound.objects.count(), Candidate.objects.count(), Verdict.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())
    assert demo_round() is None
    assert counts == (ReviewRound.objects.count(), Candidate.objects.count(), Verdict.objects.count(),
                      AuditEvent.objects.exclude(action__startswith="access.").count())
    review_round = ReviewRound.objects.get(name=ROUND_NAME)
    matrix = round_matrix(review_round)
    assert review_round.state == "open" and len(matrix.rows) == 10 and matrix.laggards
    failures = [v for row in matrix.rows for v in row.failures]
    assert [(v.department.name, v.reason, v.decided_by.username) for v in failures] == [
        ("公安", POLICE_FAIL_REASON, "gulin-police")]
    page = login("gulin-police").get(reverse("review:queue")).content.decode()
    assert page.count('name="candidate"') == 9


def test_the_rules_page_shows_the_version_in_force_and_older_ones(review: Review) -> None:
    from datetime import date

    from lingtouyang.review import services

    services.ruleset_publish(acting_user=review.users["city"], effective_from=date(2026, 1, 1),
                             edits={"A01": {"text": "书记、主任人选换届时年龄超过58周岁的", "parameter": 58}})
    police = login("luxian_police")
    page = police.get(reverse("review:rules")).content.decode()
    assert "58周岁" in page and "Version 2" in page and "in force" in page
    old = police.get(reverse("review:rules"), {"version": "1"}).content.decode()
    assert "60周岁" in old and "58周岁" not in old
    assert login("village").get(reverse("review:rules")).status_code == 403
