"""A cadre's own record ("my training"): enrolments, hours, tags, ratings and the certificate of completion."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.training import attendance, pdf
from lingtouyang.training.models import Attendance, Enrolment, Evaluation, PersonTag
from lingtouyang.training.selectors_attendance import certificate_enrolment
from tests import factories as f
from tests.training.attendance_helpers import enrol, link, make_programme, make_session, make_sitting


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def cadre(users: dict[str, Any]) -> Any:
    return link(users["village"], f.make_person(f.TANBA, name="甘守仁"))


def _completed(person: Any, users: dict[str, Any], title: str = "电商带头人培训班") -> Enrolment:
    session = make_session(programme=make_programme(threshold=50, talent_tag="e_commerce", title="农村电商"),
                           title=title)
    sitting = make_sitting(session)
    enrolment = enrol(session, person)
    attendance.attendance_mark(acting_user=users["county"], sitting=sitting, present=[enrolment.pk], absent=[])
    enrolment.refresh_from_db()
    assert enrolment.completed_on is not None
    return enrolment


def test_an_unlinked_account_gets_a_friendly_page(users: dict[str, Any]) -> None:
    for who in ("county", "village"):
        response = _client(users[who]).get(reverse("training:mine"))
        assert response.status_code == 200
        assert 'id="unlinked"' in response.content.decode()


def test_my_record_shows_enrolments_hours_and_tags(cadre: Any, users: dict[str, Any]) -> None:
    done = _completed(cadre.person, users)
    pending = make_session(title="基层治理专题班")
    make_sitting(pending, hours="6")
    make_sitting(pending, hours="4")
    enrol(pending, cadre.person)
    someone_else = enrol(make_session(title="别人的培训班"), f.make_person(f.TANBA, name="别人"))
    text = _client(cadre).get(reverse("training:mine")).content.decode()
    assert "电商带头人培训班" in text and "基层治理专题班" in text and "别人的培训班" not in text
    assert "0.0 of 8.0 needed (10.0 in all)" in text  # 80% of 10 hours
    assert reverse("training:certificate", args=[done.pk]) in text
    assert "rural e-commerce talent" in text.split('id="my-tags"')[1].split("</p>")[0]
    assert reverse("training:certificate", args=[someone_else.pk]) not in text


def test_a_trainee_rates_an_attended_session_once(cadre: Any, users: dict[str, Any]) -> None:
    enrolment = _completed(cadre.person, users)
    client = _client(cadre)
    url = reverse("training:evaluate", args=[enrolment.pk])
    assert f'action="{url}"' in client.get(reverse("training:mine")).content.decode()
    bad = client.post(url, {"score": "9"})
    assert bad.status_code == 200 and not Evaluation.objects.exists()
    assert client.post(url, {"score": "5", "comment": "讲得好"}).status_code == 302
    assert Evaluation.objects.get().score == 5
    text = client.get(reverse("training:mine")).content.decode()
    assert f'action="{url}"' not in text and "You have rated this session" in text
    again = client.post(url, {"score": "1"})
    assert "already rated" in again.content.decode()
    assert Evaluation.objects.get().score == 5


def test_no_rating_of_someone_elses_enrolment(cadre: Any, users: dict[str, Any]) -> None:
    other = _completed(f.make_person(f.TANBA, name="别人"), users)
    assert _client(cadre).post(reverse("training:evaluate", args=[other.pk]), {"score": "5"}).status_code == 404
    assert _client(users["county"]).post(reverse("training:evaluate", args=[other.pk]),
                                         {"score": "5"}).status_code == 404
    assert not Evaluation.objects.exists()


def test_the_certificate_for_its_owner_and_those_who_see_the_region(cadre: Any, users: dict[str, Any]) -> None:
    enrolment = _completed(cadre.person, users)
    url = reverse("training:certificate", args=[enrolment.pk])
    for client in (_client(cadre), _client(users["township"]), _client(users["city"])):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export.training_certificate").count() == 3
    for outsider in (f.make_user("gulin-admin", "county_admin", f.GULIN), users["reviewer"],
                     f.make_user("other-township", "township_officer", "510521103000")):
        assert _client(outsider).get(url).status_code in {403, 404}


def test_no_certificate_before_completion(cadre: Any) -> None:
    enrolment = enrol(make_session(), cadre.person)
    make_sitting(enrolment.session)
    assert _client(cadre).get(reverse("training:certificate", args=[enrolment.pk])).status_code == 404


def test_a_tag_is_shown_on_the_person_page_and_filters_the_roster(cadre: Any, users: dict[str, Any]) -> None:
    _completed(cadre.person, users)
    f.make_person(f.TANBA, name="没标签")
    client = _client(users["township"])
    detail = client.get(reverse("people:detail", args=[cadre.person.pk])).content.decode()
    assert "rural e-commerce talent" in detail.split('id="talent-tags"')[1].split("</td>")[0]
    tagged = client.get(reverse("people:list"), {"tag": "e_commerce"}).content.decode()
    assert "甘守仁" in tagged and "没标签" not in tagged
    everyone = client.get(reverse("people:list")).content.decode()
    assert "甘守仁" in everyone and "没标签" in everyone
    assert "没标签" not in client.get(reverse("people:list"), {"tag": "local_expert"}).content.decode()
    assert PersonTag.objects.count() == 1


def test_the_certificate_renders_in_chinese(cadre: Any, users: dict[str, Any]) -> None:
    """The PDF sets its text in the CID font, and names the person, the session, the organiser and its number."""
    enrolment = certificate_enrolment(cadre, _completed(cadre.person, users).pk)
    data = pdf.certificate_pdf(enrolment, issued_at=timezone.now())
    assert b"STSong-Light" in data
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    text = "".join(text.split())  # lines wrap anywhere in Chinese
    assert "甘守仁" in text and "电商带头人培训班" in text and "泸县" in text
    assert pdf.certificate_number(enrolment) in text
    assert Attendance.objects.count() == 1


def test_my_record_is_a_fixed_number_of_queries(cadre: Any, users: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, counts = _client(cadre), []
    for size in (1, 4):
        while Enrolment.objects.filter(person=cadre.person).count() < size:
            _completed(cadre.person, users, title=f"培训班{Enrolment.objects.count()}")
        with CaptureQueriesContext(connection) as ctx:
            text = client.get(reverse("training:mine")).content.decode()
        assert text.count('class="card enrolment"') == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
