"""The training ledger export: one line per enrolment of the region's people, with what the ledger shows."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.training import ledger
from tests import factories as f
from tests.training.coverage_helpers import enrol, make_session

pytestmark = pytest.mark.django_db

URL = reverse("training:ledger_export")


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def rows(users: Any) -> dict[str, Any]:
    secretary = f.make_person(f.TANBA, name="甘守仁")
    f.make_appointment(secretary, post="party_secretary")
    f.make_appointment(secretary, post="village_director")
    member = f.make_person(f.OTHER_TOWNSHIP_VILLAGE, name="柏长青")
    f.make_appointment(member, post="village_member")
    gulin = f.make_person(f.GULIN_VILLAGE, name="滕未决")
    tagged = make_session(start=date(2026, 5, 11), hours=("3.0", "3.0", "2.0", "2.0"), tag="local_expert",
                          topic="industry", form="field_visit")
    induction = make_session(start=date(2021, 6, 1))
    enrol(tagged, secretary, completed_on=date(2026, 5, 12), attended="8.0")
    enrol(tagged, member, attended="3.0")
    enrol(induction, secretary, completed_on=date(2021, 6, 2), attended="8.0")
    enrol(induction, member, withdrawn=True)
    enrol(make_session(start=date(2026, 3, 2), region="510525000000"), gulin, completed_on=date(2026, 3, 3),
          attended="8.0")
    return {"tagged": tagged, "induction": induction}


def _sheet(response: Any) -> list[tuple]:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_the_county_ledger(client: Any, users: Any, rows: dict[str, Any]) -> None:
    client.force_login(users["county"])
    sheet = _sheet(client.get(URL, {"region": "510521"}, HTTP_ACCEPT_LANGUAGE="en"))
    header, lines = sheet[0], sheet[1:]
    assert header[:5] == ("Name", "ID number", "Village or community", "Code", "Current post")
    assert len(lines) == 4  # 古蔺's cadre is another county's
    by_key = {(line[0], line[5]): dict(zip(header, line, strict=True)) for line in lines}
    line = by_key[("甘守仁", rows["tagged"].title)]
    assert line["Village or community"] == "谭坝村" and line["Code"] == f.TANBA
    assert line["Current post"] == "party organisation secretary, villagers' committee director"
    assert (line["Topic"], line["Form"], line["Talent tag"]) == ("industry development", "field visit", "local expert")
    assert (line["First day"], line["Last day"]) == ("2026-05-11", "2026-05-14")
    assert (line["Session hours"], line["Hours needed"], line["Hours attended"]) == (10, 8, 8)
    assert line["Completed on"] == "2026-05-12" and line["Withdrawn"] is None
    other = by_key[("柏长青", rows["tagged"].title)]
    assert other["Completed on"] is None and other["Hours attended"] == 3
    assert by_key[("柏长青", rows["induction"].title)]["Withdrawn"] == "yes"
    assert AuditEvent.objects.filter(action="export.training_ledger", region_code="510521000000").exists()


def test_one_year(client: Any, users: Any, rows: dict[str, Any]) -> None:
    client.force_login(users["city"])
    lines = _sheet(client.get(URL, {"region": "5105", "year": "2026"}))[1:]
    assert sorted(line[0] for line in lines) == ["柏长青", "滕未决", "甘守仁"]


def test_a_township_cannot_export_the_county(client: Any, users: Any, rows: dict[str, Any]) -> None:
    client.force_login(users["township"])
    assert client.get(URL, {"region": "510521"}).status_code == 404
    assert len(_sheet(client.get(URL))) == 1 + 2  # its own: 谭坝村's secretary, twice


def test_without_training_403(client: Any, users: Any) -> None:
    client.force_login(users["reviewer"])
    assert client.get(URL).status_code == 403


def test_the_ledger_streams_in_batches(rows: dict[str, Any], monkeypatch: Any, django_assert_max_num_queries: Any) -> None:
    """Batches of two lines: the same lines as one batch, a bounded number of queries per batch."""
    whole = list(ledger.ledger_rows("5105"))
    monkeypatch.setattr(ledger, "BATCH", 2)
    with django_assert_max_num_queries(3 * 3 + 1):  # 5 lines: 3 batches of ≤ 3 queries, and the cursor
        assert list(ledger.ledger_rows("5105")) == whole
    assert len(whole) == 5 and all(line[15] in ("", "local expert") for line in whole)
