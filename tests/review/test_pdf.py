"""The printable joint-review form: one PDF per candidate, for those who see the round, audited."""

import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.accounts.roles import CAPABILITIES, Role
from lingtouyang.audit.models import AuditEvent
from lingtouyang.regions.models import Region
from lingtouyang.review import pdf, selectors, services
from lingtouyang.review.models import Candidate, ReviewRound
from tests import factories as f
from tests.review.conftest import LUXIAN, Review

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def pdf_text(data: bytes) -> str:
    """The text a reader sees, by poppler's pdftotext (scripts/browser-deps.sh installs poppler-utils)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext missing: as root, bash scripts/browser-deps.sh (installs poppler-utils)")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def url(candidate: Candidate, round_id: int | None = None) -> str:
    return reverse("review:candidate_pdf", args=[round_id or candidate.round_id, candidate.pk])


@pytest.fixture
def decided(review: Review) -> ReviewRound:
    """An open round of 泸县: 公安 failed 甘守仁 with a reason, 法院 has not decided yet."""
    review_round = review.open_round(people=review.people[:2])
    gan = review_round.candidates.get(person__name="甘守仁")
    services.verdict_record(acting_user=review.users["police"], candidate=gan, passed=False, reason="有涉黑线索")
    mo = review_round.candidates.get(person__name="莫怀远")
    services.verdict_record(acting_user=review.users["police"], candidate=mo, passed=True)
    services.verdict_record(acting_user=review.users["court"], candidate=mo, passed=True)
    return review_round


def test_the_form_is_a_pdf_in_chinese_with_every_department(decided: ReviewRound) -> None:
    gan = decided.candidates.get(person__name="甘守仁")
    response = login("county").get(url(gan))  # the site in English: the official form is Chinese all the same
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "inline" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for word in ("任职资格联审表", "甘守仁", "公安", "法院", "不通过", "待审", "有涉黑线索", "luxian_police",
                 "泸县", "2026-06-01", "第1版", "A01", "未通过联审"):
        assert word in text, word
    assert "第1页共1页" in "".join(text.split())  # pdftotext drops the spaces between CJK characters
    assert "莫怀远" not in text  # one candidate per form

    mo = decided.candidates.get(person__name="莫怀远")
    text = pdf_text(login("city").get(url(mo)).content)
    assert "莫怀远" in text and "通过联审" in text and "未通过" not in text and "待审" not in text


def test_id_number_masked_unless_the_viewer_may_see_it(decided: ReviewRound, monkeypatch: pytest.MonkeyPatch) -> None:
    gan = decided.candidates.select_related("person").get(person__name="甘守仁")
    full, masked = gan.person.full_id_number(), gan.person.id_masked
    text = pdf_text(login("county").get(url(gan)).content)
    assert full in text  # the county admin may see full numbers (view_full_id)
    # A role that sees the round without view_full_id (none does today) gets the masked number only.
    monkeypatch.setitem(CAPABILITIES, Role.COUNTY_ADMIN, CAPABILITIES[Role.COUNTY_ADMIN] - {"view_full_id"})
    response = login("county").get(url(gan))
    text = pdf_text(response.content)
    assert masked in text and full not in text
    assert full.encode() not in response.content
    event = AuditEvent.objects.filter(action="export.review_form").latest("id")
    assert event.changes["full_id"] is False


def test_out_of_scope_and_department_reviewers_get_404(review: Review, decided: ReviewRound) -> None:
    gan = decided.candidates.get(person__name="甘守仁")
    # Another county's admin; the county's own department reviewers (the form shows every department's
    # verdict, and a department sees only its own queue).
    for username in ("gulin_admin", "luxian_police", "luxian_court", "gulin_police"):
        assert login(username).get(url(gan)).status_code == 404, username
    # A candidate asked for under another round, even one the viewer may see, is not found.
    other = services.round_create(acting_user=review.users["county"], region=Region.objects.get(code=LUXIAN),
                                  name="另一轮", election_date=decided.election_date, departments=[review.police])
    assert login("county").get(url(gan, round_id=other.pk)).status_code == 404
    # Another county's round and candidate.
    gulin = services.round_create(acting_user=None, region=Region.objects.get(code=f.GULIN), name="古蔺联审",
                                  election_date=decided.election_date, departments=[review.police])
    [pu] = services.round_add_candidates(acting_user=None, review_round=gulin, people=[review.gulin_person])
    county = login("county")
    assert county.get(url(pu)).status_code == 404
    assert county.get(url(pu, round_id=decided.pk)).status_code == 404
    assert login("gulin_admin").get(url(pu)).status_code == 200
    assert login("city").get(url(pu)).status_code == 200  # the city sees all its counties
    assert Client().get(url(gan)).status_code == 302  # signed out: to the login page
    assert not AuditEvent.objects.filter(action="export.review_form", object_id=str(gan.pk)).exists()


def test_each_download_is_audited(decided: ReviewRound) -> None:
    gan = decided.candidates.get(person__name="甘守仁")
    client = login("county")
    for _ in range(2):
        assert client.get(url(gan)).status_code == 200
    events = list(AuditEvent.objects.filter(action="export.review_form").order_by("id"))
    assert len(events) == 2
    event = events[0]
    assert event.object_id == str(gan.pk) and event.region_code == LUXIAN
    assert event.actor.username == "county"
    assert event.changes == {"round": decided.pk, "person": gan.person_id, "full_id": True}


def test_the_round_page_links_each_candidates_form(decided: ReviewRound) -> None:
    page = login("county").get(reverse("review:detail", args=[decided.pk])).content.decode()
    for candidate in decided.candidates.all():
        assert url(candidate) in page
    assert "Print the form" in page


def test_a_draft_rounds_form_renders_pending(review: Review) -> None:
    """The pure function: no rule set pinned, no verdicts yet, a long reason wraps instead of overflowing."""
    review_round = review.round()
    [candidate] = services.round_add_candidates(acting_user=None, review_round=review_round, people=review.people[:1])
    candidate = Candidate.objects.select_related("person__region__parent", "round__region", "round__rule_set").get(
        pk=candidate.pk)
    form = selectors.candidate_form(candidate)
    assert form.status == selectors.PENDING
    data = pdf.review_form_pdf(form, id_number=candidate.person.id_masked,
                               printed_at=datetime(2026, 5, 20, 1, 30, tzinfo=UTC))
    text = pdf_text(data)
    # Printed at 01:30 UTC: the footer gives the local (China Standard) time.
    for word in ("甘守仁", "尚未确定", "待审", "公安", "法院", "2026-05-20 09:30", "无适用的自动核查项"):
        assert word in text, word
