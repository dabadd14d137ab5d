"""The attendance pages: the check-in page a phone opens, the projected QR code, the officers' sheet and the
session page's attendance block."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.template import RequestContext, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from lingtouyang.training import tokens
from lingtouyang.training.models import Attendance, Evaluation, Session, Sitting
from tests import factories as f
from tests.training.attendance_helpers import enrol, link, make_session, make_sitting


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
def sitting() -> Sitting:
    return make_sitting(make_session(), subject="电商直播实务")


@pytest.fixture
def cadre(users: dict[str, Any], sitting: Sitting) -> Any:
    person = f.make_person(f.TANBA, name="甘守仁")
    enrol(sitting.session, person)
    return link(users["village"], person)


def _url(sitting: Sitting, **kwargs: Any) -> str:
    return reverse("training:check_in", args=[tokens.make_token(sitting, **kwargs)])


# --- check-in ------------------------------------------------------------------------------------


def test_check_in_then_already(cadre: Any, sitting: Sitting) -> None:
    client, url = _client(cadre), _url(sitting)
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-result="ok"' in response.content.decode()
    assert "You are checked in" in response.content.decode()
    assert Attendance.objects.filter(sitting=sitting, method="qr").count() == 1
    again = client.get(_url(sitting)).content.decode()
    assert 'data-result="already"' in again and "already checked in" in again
    assert Attendance.objects.count() == 1


def test_refusals_are_shown_and_record_nothing(cadre: Any, sitting: Sitting) -> None:
    client = _client(cadre)
    expired = client.get(_url(sitting, now=timezone.now() - timedelta(minutes=5))).content.decode()
    assert 'data-result="expired"' in expired
    forged = client.get(reverse("training:check_in", args=["abc:def"])).content.decode()
    assert 'data-result="invalid"' in forged
    assert not Attendance.objects.exists()


def test_an_unlinked_cadre_is_told_why(users: dict[str, Any], sitting: Sitting) -> None:
    text = _client(users["village"]).get(_url(sitting)).content.decode()
    assert 'data-result="unlinked"' in text and "not linked to a roster entry" in text


def test_accounts_without_check_in_get_403(users: dict[str, Any], sitting: Sitting) -> None:
    for who in ("supervisor", "township", "county"):
        assert _client(users[who]).get(_url(sitting)).status_code == 403


def test_log_in_returns_to_the_code_and_counts_its_life_from_the_scan(cadre: Any, sitting: Sitting,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = _url(sitting)
    response = client.get(url)
    assert response.status_code == 302
    login = urlparse(response["Location"])
    assert login.path == reverse("login") and "next=" + url.replace(":", "%3A") in login.query
    response = client.post(response["Location"], {"username": cadre.username, "password": f.PASSWORD})
    assert response.status_code == 302 and response["Location"] == url
    # The log-in took five minutes: the code has expired by now, but was scanned in its life.
    later = timezone.now() + timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert 'data-result="ok"' in client.get(url).content.decode()
    # A code never opened before logging in gets no such grace.
    Attendance.objects.all().delete()
    stale = reverse("training:check_in", args=[tokens.make_token(sitting, later - timedelta(minutes=4))])
    assert 'data-result="expired"' in client.get(stale).content.decode()


# --- the QR page ---------------------------------------------------------------------------------


def test_the_qr_page_shows_a_working_code(users: dict[str, Any], cadre: Any, sitting: Sitting) -> None:
    response = _client(users["township"]).get(reverse("training:sitting_qr", args=[sitting.pk]))
    text = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "<svg" in text and 'data-state="open"' in text
    url = re.search(r'<p class="url">([^<]+)</p>', text).group(1)
    assert url.startswith("http://testserver/training/check-in/")
    assert 'data-result="ok"' in _client(cadre).get(urlparse(url).path).content.decode()
    fragment = _client(users["township"]).get(reverse("training:sitting_qr", args=[sitting.pk]), HTTP_HX_REQUEST="true")
    assert fragment.content.decode().startswith('<div class="qr-box') and "<html" not in fragment.content.decode()
    assert 'id="qr-present">1<' in fragment.content.decode()


def test_the_qr_page_says_when_check_in_opens(users: dict[str, Any]) -> None:
    later = make_sitting(make_session(), starts_at=timezone.now() + timedelta(hours=3))
    text = _client(users["county"]).get(reverse("training:sitting_qr", args=[later.pk])).content.decode()
    assert 'data-state="not_open"' in text


def test_renewing_voids_the_code_shown(users: dict[str, Any], cadre: Any, sitting: Sitting) -> None:
    old = _url(sitting)
    response = _client(users["township"]).post(reverse("training:sitting_qr", args=[sitting.pk]))
    assert response.status_code == 302
    sitting.refresh_from_db()
    assert sitting.token_nonce == 1
    assert 'data-result="renewed"' in _client(cadre).get(old).content.decode()


def test_officers_of_other_counties_and_cadres_get_nothing(users: dict[str, Any], sitting: Sitting) -> None:
    gulin = f.make_user("gulin-admin", "county_admin", f.GULIN)
    for name in ("training:sitting_qr", "training:sitting_sheet"):
        assert _client(gulin).get(reverse(name, args=[sitting.pk])).status_code == 404
        assert _client(users["village"]).get(reverse(name, args=[sitting.pk])).status_code == 403
    assert _client(gulin).post(reverse("training:sitting_qr", args=[sitting.pk])).status_code == 404
    sitting.refresh_from_db()
    assert sitting.token_nonce == 0


# --- the sheet -----------------------------------------------------------------------------------


def test_the_sheet_lists_and_marks_only_the_officers_people(users: dict[str, Any], sitting: Sitting) -> None:
    ours = enrol(sitting.session, f.make_person(f.TANBA, name="甘守仁"))
    theirs = enrol(sitting.session, f.make_person(f.OTHER_TOWNSHIP_VILLAGE, name="岑立新"))
    client = _client(users["township"])
    url = reverse("training:sitting_sheet", args=[sitting.pk])
    text = client.get(url).content.decode()
    assert "甘守仁" in text and "岑立新" not in text
    response = client.post(url, {"shown": [ours.pk], "present": [ours.pk]})
    assert response.status_code == 302
    assert list(Attendance.objects.values_list("enrolment_id", "method")) == [(ours.pk, "officer")]
    # A forged form naming the other township's person changes nothing.
    text = client.post(url, {"shown": [ours.pk, theirs.pk], "present": [theirs.pk]}).content.decode()
    assert "outside your jurisdiction" in text
    assert Attendance.objects.count() == 1
    client.post(url, {"shown": [ours.pk]})  # unticked: absent
    assert not Attendance.objects.exists()


def test_the_sheet_is_a_fixed_number_of_queries(users: dict[str, Any], sitting: Sitting) -> None:
    client = _client(users["county"])
    url = reverse("training:sitting_sheet", args=[sitting.pk])
    counts = []
    for size in (2, 8):
        for person in f.make_people(f.TANBA, size - Attendance.objects.count(), with_post=False, surname="李"):
            enrolment = enrol(sitting.session, person)
            Attendance.objects.create(enrolment=enrolment, sitting=sitting, method="qr", checked_in_at=timezone.now())
        with CaptureQueriesContext(connection) as ctx:
            text = client.get(url).content.decode()
        assert text.count('name="present"') == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- the session page's block ---------------------------------------------------------------------


def _block(user: Any, session: Session) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template('{% include "training/_session_attendance.html" %}').render(
        RequestContext(request, {"session": session}))


def test_the_session_block_counts_within_the_viewers_jurisdiction(users: dict[str, Any], cadre: Any,
                                                                  sitting: Sitting) -> None:
    other = enrol(sitting.session, f.make_person(f.OTHER_TOWNSHIP_VILLAGE, name="岑立新"))
    Attendance.objects.create(enrolment=other, sitting=sitting, method="officer", checked_in_at=timezone.now())
    mine = cadre.person.enrolments.get()
    Attendance.objects.create(enrolment=mine, sitting=sitting, method="qr", checked_in_at=timezone.now())
    Evaluation.objects.create(enrolment=mine, score=4)
    Evaluation.objects.create(enrolment=other, score=5)
    township = _block(users["township"], sitting.session)
    assert "1 / 1" in township and reverse("training:sitting_qr", args=[sitting.pk]) in township
    assert "4.5 of 5, rated by 2" in township
    county = _block(users["county"], sitting.session)
    assert "2 / 2" in county
    village = _block(users["village"], sitting.session)
    assert "1 / 1" in village and reverse("training:sitting_qr", args=[sitting.pk]) not in village
    assert 'id="session-rating"' not in village
    assert _block(users["reviewer"], sitting.session).strip() == ""
