"""Personal data at rest and on screen: phone numbers stored only encrypted and shown in full only to those
who keep the roster; a full ID number only for a role allowed to see it, and every view of one recorded."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.models import Person
from tests import factories as f

PHONE = "13812345678"


@pytest.fixture
def person(db) -> Person:  # noqa: ANN001
    return f.make_person(f.TANBA, name="甘守仁", born=date(1980, 5, 17), phone=PHONE)


def _workbook(response) -> openpyxl.Workbook:  # noqa: ANN001
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


# --- phone numbers ---------------------------------------------------------------------------------


def test_the_phone_is_not_stored_in_clear(person) -> None:  # noqa: ANN001
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [person.pk])  # noqa: S608
        columns = [c[0] for c in cursor.description]
        row = cursor.fetchone()
    assert "phone" not in columns
    for value in row:
        raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        assert PHONE.encode() not in raw and b"12345678" not in raw
    assert dict(zip(columns, row, strict=True))["phone_masked"] == "138****5678"
    assert Person.objects.get(pk=person.pk).phone_number() == PHONE


def test_the_audit_trail_holds_the_masked_phone_only(person, users) -> None:  # noqa: ANN001
    from lingtouyang.people import services

    services.person_update(acting_user=users["township"], person=person, phone="13987654321")
    for event in AuditEvent.objects.filter(object_id=str(person.pk)):
        assert PHONE not in str(event.changes) and "13987654321" not in str(event.changes)
    assert AuditEvent.objects.get(action="person.update").changes["phone"] == ["138****5678", "139****4321"]


@pytest.mark.parametrize(("who", "full"), [("city", True), ("county", True), ("township", True),
                                           ("village", False), ("supervisor", False)])
def test_the_detail_page_shows_the_full_phone_to_those_who_keep_the_roster(client, users, person, who: str,  # noqa: ANN001
                                                                          full: bool) -> None:
    client.force_login(users[who])
    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert (PHONE in body) is full
    assert "138****5678" in body or full


@pytest.mark.parametrize(("who", "shown"), [("township", PHONE), ("village", "138****5678")])
def test_the_api_gives_the_phone_by_the_same_rule(client, users, person, who: str, shown: str) -> None:  # noqa: ANN001
    client.force_login(users[who])
    data = client.get(reverse("api:person-detail", args=[person.pk])).json()
    assert data["phone"] == shown


@pytest.mark.parametrize(("who", "shown", "mode"), [("township", PHONE, "full"), ("village", "138****5678", "masked")])
def test_the_roster_export_gives_the_phone_by_the_same_rule_and_says_so(client, users, person, who: str,  # noqa: ANN001
                                                                        shown: str, mode: str) -> None:
    from lingtouyang.people import roster_format as fmt

    client.force_login(users[who])
    with translation.override("en"):
        book = _workbook(client.get(reverse("people:export")))
        expected = _("Phone numbers: %(mode)s") % {"mode": _(mode)}
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][fmt.HEADERS.index(fmt.PHONE)] == shown
    assert expected in [r[0] for r in book.worksheets[1].iter_rows(values_only=True)]
    assert AuditEvent.objects.get(action="export.people").changes["full_phone"] is (mode == "full")


# --- full ID numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["township", "village", "supervisor"])
def test_a_role_without_view_full_id_is_refused_and_the_refusal_recorded(client, users, person, who: str) -> None:  # noqa: ANN001
    client.force_login(users[who])
    response = client.post(reverse("people:reveal_id", args=[person.pk]), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 403
    assert person.full_id_number() not in response.content.decode()
    event = AuditEvent.objects.get(action="person.view_full_id")
    assert (event.outcome, event.actor, event.object_id) == ("denied", users[who], str(person.pk))
    # …and the detail page offers no button and shows no full number.
    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert person.full_id_number() not in body and person.id_masked in body
    assert reverse("people:reveal_id", args=[person.pk]) not in body


def test_a_person_outside_the_scope_is_not_found_and_nothing_revealed(client, users, db) -> None:  # noqa: ANN001
    outside = f.make_person(f.GULIN_VILLAGE, name="蒲永昌", born=date(1980, 5, 17))
    client.force_login(users["county"])  # view_full_id, but in 泸县, not 古蔺县
    response = client.post(reverse("people:reveal_id", args=[outside.pk]))
    assert response.status_code == 404
    assert outside.full_id_number() not in response.content.decode()


def test_a_reveal_shows_the_number_and_records_who_from_where_and_whom(client, users, person) -> None:  # noqa: ANN001
    client.force_login(users["county"])
    assert client.get(reverse("people:reveal_id", args=[person.pk])).status_code == 405  # never by a link
    response = client.post(reverse("people:reveal_id", args=[person.pk]), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    assert person.full_id_number() in response.content.decode()
    event = AuditEvent.objects.get(action="person.view_full_id")
    assert (event.outcome, event.actor, event.address) == ("ok", users["county"], "198.51.100.4")
    assert (event.object_type, event.object_id, event.region_code) == ("people.person", str(person.pk), f.TANBA)
    assert person.full_id_number() not in str(event.changes)


@pytest.mark.parametrize(("who", "full"), [("county", True), ("township", False)])
def test_an_export_with_full_ids_is_recorded_as_such(client, users, person, who: str, full: bool) -> None:  # noqa: ANN001
    from lingtouyang.people import roster_format as fmt

    client.force_login(users[who])
    book = _workbook(client.get(reverse("people:export"), {"full_id": "1"}))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][fmt.HEADERS.index(fmt.ID_NUMBER)] == (person.full_id_number() if full else person.id_masked)
    event = AuditEvent.objects.get(action="export.people")
    assert event.changes["full_id"] is full and event.actor == users[who]
    assert event.region_code == users[who].region_id
