"""Attendance in the REST API: scoped lists, check-in as oneself, officers' marks, trainees' ratings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from lingtouyang.training import tokens
from lingtouyang.training.models import Attendance, Evaluation, Sitting
from tests import factories as f
from tests.training.attendance_helpers import enrol, link, make_session, make_sitting


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def sitting() -> Sitting:
    return make_sitting(make_session())


@pytest.fixture
def cadre(users: dict[str, Any], sitting: Sitting) -> Any:
    person = f.make_person(f.TANBA, name="甘守仁")
    enrol(sitting.session, person)
    return link(users["village"], person)


def test_check_in_as_oneself(cadre: Any, sitting: Sitting) -> None:
    url = reverse("api:training-attendance-check-in")
    response = _api(cadre).post(url, {"token": tokens.make_token(sitting)}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["person"], response.json()["method"]) == (cadre.person_id, "qr")
    again = _api(cadre).post(url, {"token": tokens.make_token(sitting)}, format="json")
    assert again.status_code == 400 and "already checked in" in again.content.decode()
    forged = _api(cadre).post(url, {"token": "x:y"}, format="json")
    assert forged.status_code == 400
    assert Attendance.objects.count() == 1


def test_only_cadres_check_in(users: dict[str, Any], sitting: Sitting) -> None:
    url = reverse("api:training-attendance-check-in")
    assert _api(users["county"]).post(url, {"token": tokens.make_token(sitting)}, format="json").status_code == 403
    assert APIClient().post(url, {"token": tokens.make_token(sitting)}, format="json").status_code in {401, 403}


def test_marks_and_the_scoped_list(users: dict[str, Any], sitting: Sitting) -> None:
    ours = enrol(sitting.session, f.make_person(f.TANBA, name="甘守仁"))
    theirs = enrol(sitting.session, f.make_person(f.OTHER_TOWNSHIP_VILLAGE, name="岑立新"))
    url = reverse("api:training-attendance-mark")
    township = _api(users["township"])
    refused = township.post(url, {"sitting": sitting.pk, "present": [ours.pk, theirs.pk]}, format="json")
    assert refused.status_code == 400 and not Attendance.objects.exists()
    done = township.post(url, {"sitting": sitting.pk, "present": [ours.pk]}, format="json")
    assert done.status_code == 200 and done.json() == {"added": 1, "removed": 0}
    _api(users["county"]).post(url, {"sitting": sitting.pk, "present": [theirs.pk]}, format="json")
    listed = township.get(reverse("api:training-attendance-list"), {"sitting": sitting.pk}).json()["results"]
    assert [r["enrolment"] for r in listed] == [ours.pk]
    county = _api(users["county"]).get(reverse("api:training-attendance-list")).json()["results"]
    assert {r["enrolment"] for r in county} == {ours.pk, theirs.pk}
    gulin = f.make_user("gulin-admin", "county_admin", f.GULIN)
    assert _api(gulin).get(reverse("api:training-attendance-list")).json()["results"] == []
    assert _api(gulin).post(url, {"sitting": sitting.pk, "absent": [ours.pk]}, format="json").status_code == 404
    assert _api(users["village"]).post(url, {"sitting": sitting.pk, "absent": [ours.pk]},
                                       format="json").status_code == 403
    assert Attendance.objects.count() == 2


def test_a_trainee_rates_through_the_api(cadre: Any, sitting: Sitting, users: dict[str, Any]) -> None:
    enrolment = cadre.person.enrolments.get()
    url = reverse("api:training-evaluation-list")
    early = _api(cadre).post(url, {"enrolment": enrolment.pk, "score": 5}, format="json")
    assert early.status_code == 400  # not attended yet
    _api(cadre).post(reverse("api:training-attendance-check-in"), {"token": tokens.make_token(sitting)}, format="json")
    response = _api(cadre).post(url, {"enrolment": enrolment.pk, "score": 4, "comment": "好"}, format="json")
    assert response.status_code == 201 and response.json()["score"] == 4
    assert _api(users["county"]).post(url, {"enrolment": enrolment.pk, "score": 1}, format="json").status_code == 404
    assert Evaluation.objects.get().score == 4
    assert [r["score"] for r in _api(users["township"]).get(url).json()["results"]] == [4]
    assert _api(f.make_user("gulin-admin", "county_admin", f.GULIN)).get(url).json()["results"] == []
