"""The REST API end to end: tokens, the OpenAPI schema, writes with validation, pagination, filters,
and masking. Scope per role is the permission matrix's job (tests/test_permission_matrix.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.models import Appointment, Person
from tests import factories as f

PEOPLE = reverse("api:person-list")
APPOINTMENTS = reverse("api:appointment-list")
TOKEN = reverse("api:token")


def _person_url(pk: int) -> str:
    return reverse("api:person-detail", args=[pk])


def _appointment_url(pk: int) -> str:
    return reverse("api:appointment-detail", args=[pk])


def rows() -> tuple[Any, ...]:
    return (list(Person.objects.order_by("pk").values()), list(Appointment.objects.order_by("pk").values()),
            AuditEvent.objects.exclude(action__startswith="access.").count())


@pytest.fixture
def api(users) -> Client:  # noqa: ANN001
    """The township officer of 喻寺镇, signed in by token as an API client would be."""
    token = Token.objects.create(user=users["township"])
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def _post(client: Client, url: str, data: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, data, content_type="application/json")


def _new_person(**changes: Any) -> dict[str, Any]:
    number = f.id_number("510521", date(1979, 4, 2), seq=7)
    return {"name": "邝新来", "id_number": number, "ethnicity": "01", "political_status": "01", "education": "30",
            "region": f.TANBA, "phone": "13900000008", "source": "veteran", **changes}


# --- tokens --------------------------------------------------------------------------------------


def test_token_for_username_and_password_then_token_auth_works(users) -> None:  # noqa: ANN001
    f.make_person(f.TANBA, name="甘守仁")
    response = Client().post(TOKEN, {"username": "township", "password": f.PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=users["township"]).key == token

    authed = Client(HTTP_AUTHORIZATION=f"Token {token}")
    listing = authed.get(PEOPLE)
    assert listing.status_code == 200
    assert [p["name"] for p in listing.json()["results"]] == ["甘守仁"]
    assert Client().get(PEOPLE).status_code in (401, 403)


def test_wrong_password_gets_400_and_no_token(users) -> None:  # noqa: ANN001
    response = Client().post(TOKEN, {"username": "township", "password": "not-the-password"})
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.exists()


def test_a_made_up_token_is_refused(users) -> None:  # noqa: ANN001
    response = Client(HTTP_AUTHORIZATION="Token " + "0" * 40).get(PEOPLE)
    assert response.status_code in (401, 403)


# --- schema --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_schema_is_valid_openapi_3(fmt: str, api: Client) -> None:
    response = api.get(reverse("api:schema"), {"format": fmt})
    assert response.status_code == 200
    text = response.content.decode()
    schema = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # jsonschema against the OpenAPI 3 meta-schema; raises if invalid
    paths = schema["paths"]
    for path in ["/api/v1/regions/", "/api/v1/regions/{code}/", "/api/v1/people/", "/api/v1/people/{id}/",
                 "/api/v1/appointments/", "/api/v1/appointments/{id}/", "/api/v1/auth/token/"]:
        assert path in paths, path
    assert {"post", "put", "patch"} <= set(paths["/api/v1/people/{id}/"]) | set(paths["/api/v1/people/"])
    # The paginated list is described as it is served: next, previous, results, no count.
    people = schema["components"]["schemas"]["PaginatedPersonList"]["properties"]
    assert set(people) == {"next", "previous", "results"}
    # Corrections only: a new post or the end of one is an appointment request (村官区管).
    assert "post" not in paths["/api/v1/appointments/"]
    assert "post" in paths["/api/v1/appointment-requests/"]


def test_schema_generates_without_warnings() -> None:
    """Every view described, every choice set named once: drf-spectacular's warnings fail the build."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", "/dev/null")


# --- people: create and update -------------------------------------------------------------------


def test_create_a_person(api: Client) -> None:
    response = _post(api, PEOPLE, _new_person())
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert (person.name, person.region_id, person.birth_date) == ("邝新来", f.TANBA, date(1979, 4, 2))
    assert body["id_number"] == person.id_masked != _new_person()["id_number"]
    assert AuditEvent.objects.filter(action="person.create", object_id=str(person.pk)).exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": ""}, "name"),
    ({"id_number": "510521197904020000"}, "id_number"),  # wrong check character
    ({"birth_date": "1979-04-03"}, "birth_date"),  # disagrees with the ID number
    ({"gender": "2"}, "gender"),  # the ID number says male
    ({"education": "99"}, "education"),
    ({"region": "510521102000"}, "region"),  # a township, not a village
    ({"region": "510521102999"}, "region"),  # no such village
    ({"phone": "12"}, "phone"),
])
def test_create_a_person_with_a_bad_field_is_400_and_writes_nothing(api: Client, changes: dict, field: str) -> None:
    before = rows()
    response = _post(api, PEOPLE, _new_person(**changes))
    assert response.status_code == 400
    errors = response.json()
    assert field in errors and errors[field] and all(isinstance(m, str) and m for m in errors[field]), errors
    assert rows() == before


def test_create_a_person_already_on_the_roster_is_400(api: Client) -> None:
    existing = f.make_person(f.TANBA, name="甘守仁", id_number=_new_person()["id_number"], born=date(1979, 4, 2))
    before = rows()
    response = _post(api, PEOPLE, _new_person())
    assert response.status_code == 400
    assert "id_number" in response.json()
    assert rows() == before
    assert Person.objects.get(pk=existing.pk).name == "甘守仁"


def test_update_a_person_put_and_patch(api: Client) -> None:
    person = f.make_person(f.TANBA, name="甘守仁")
    put = _post(api, _person_url(person.pk), {
        "name": "甘守义", "ethnicity": "01", "political_status": "13", "education": "40", "region": f.OTHER_YUSI_VILLAGE,
    }, "put")
    assert put.status_code == 200, put.content
    person.refresh_from_db()
    assert (person.name, person.education, person.region_id) == ("甘守义", "40", f.OTHER_YUSI_VILLAGE)
    patch = _post(api, _person_url(person.pk), {"phone": "13900000001"}, "patch")
    assert patch.status_code == 200, patch.content
    person.refresh_from_db()
    assert (person.name, person.phone_number()) == ("甘守义", "13900000001")


@pytest.mark.parametrize(("method", "data", "field"), [
    ("put", {"name": "甘守义"}, "ethnicity"),  # PUT is the whole person
    ("patch", {"birth_date": "1981-01-01"}, "birth_date"),
    ("patch", {"id_number": "12345"}, "id_number"),
    ("patch", {"political_status": "xx"}, "political_status"),
    ("patch", {"region": "510521102999"}, "region"),
])
def test_update_a_person_with_a_bad_field_is_400_and_writes_nothing(api: Client, method: str, data: dict,
                                                                    field: str) -> None:
    person = f.make_person(f.TANBA, name="甘守仁", born=date(1980, 5, 17))
    before = rows()
    response = _post(api, _person_url(person.pk), data, method)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert rows() == before


# --- appointments: corrections only (村官区管: new posts and endings are requests) ---------------


def test_appointments_are_not_created_through_the_api(api: Client) -> None:
    person = f.make_person(f.TANBA, name="甘守仁")
    before = rows()
    response = _post(api, APPOINTMENTS, {"person": person.pk, "region": f.TANBA, "post": "party_secretary",
                                         "start_date": "2021-03-01"})
    assert response.status_code == 405
    assert rows() == before


def test_correct_an_appointment(api: Client) -> None:
    appointment = f.make_appointment(f.make_person(f.TANBA, name="甘守仁"), post="party_secretary")
    updated = _post(api, _appointment_url(appointment.pk), {"start_date": "2021-03-15"}, "patch")
    assert updated.status_code == 200, updated.content
    body = updated.json()
    assert (body["post"], body["start_date"], body["term"]) == ("party_secretary", "2021-03-15", 2021)
    assert Appointment.objects.get(pk=appointment.pk).start_date == date(2021, 3, 15)


def test_a_current_appointment_is_not_ended_by_a_correction(api: Client) -> None:
    appointment = f.make_appointment(f.make_person(f.TANBA, name="甘守仁"))
    before = rows()
    response = _post(api, _appointment_url(appointment.pk), {"end_date": "2023-06-30", "end_reason": "调任乡镇"},
                     "patch")
    assert response.status_code == 400
    assert "end_date" in response.json()
    assert rows() == before
    assert Appointment.objects.get(pk=appointment.pk).end_date is None


def test_an_ended_appointment_is_corrected_not_reopened(api: Client) -> None:
    appointment = f.make_appointment(f.make_person(f.TANBA, name="甘守仁"), start=date(2021, 3, 1),
                                     end_date=date(2023, 6, 30), end_reason="调任乡镇")
    fixed = _post(api, _appointment_url(appointment.pk), {"end_date": "2023-07-01"}, "patch")
    assert fixed.status_code == 200, fixed.content
    before = rows()
    for changes, field in (({"end_date": None}, "end_date"), ({"end_reason": ""}, "end_reason")):
        response = _post(api, _appointment_url(appointment.pk), changes, "patch")
        assert response.status_code == 400, (changes, response.content)
        assert field in response.json(), response.json()
    assert rows() == before
    assert Appointment.objects.get(pk=appointment.pk).end_date == date(2023, 7, 1)


@pytest.mark.parametrize(("changes", "field"), [
    ({"end_date": "2020-01-01"}, "end_date"),  # before the start
    ({"post": "community_director"}, "post"),  # a village has no residents' committee
    ({"post": "no_such_post"}, "post"),
    ({"region": "510521102000"}, "region"),  # not a village
    ({"start_date": "2021-13-01"}, "start_date"),
    ({"term": 1800}, "term"),
])
def test_a_correction_with_a_bad_field_is_400_and_writes_nothing(api: Client, changes: dict, field: str) -> None:
    appointment = f.make_appointment(f.make_person(f.TANBA, name="甘守仁"), post="party_member",
                                     start=date(2021, 3, 1), end_date=date(2023, 6, 30), end_reason="调任乡镇")
    before = rows()
    response = _post(api, _appointment_url(appointment.pk), changes, "patch")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert rows() == before


def test_a_second_current_secretary_is_400(api: Client) -> None:
    first, second = f.make_person(f.TANBA, name="甘守仁"), f.make_person(f.TANBA, name="莫怀远")
    f.make_appointment(first, post="party_secretary")
    deputy = f.make_appointment(second, post="party_deputy")
    before = rows()
    response = _post(api, _appointment_url(deputy.pk), {"post": "party_secretary"}, "patch")
    assert response.status_code == 400
    assert "post" in response.json()
    assert rows() == before


# --- lists: pagination, search, region prefix ----------------------------------------------------


def test_pagination_shape_without_count(api: Client) -> None:
    f.make_people(f.TANBA, 53, with_post=False)
    first = api.get(PEOPLE).json()
    assert set(first) == {"next", "previous", "results"}
    assert len(first["results"]) == 50 and first["previous"] is None and "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 3 and second["next"] is None and second["previous"]
    ids = [p["id"] for p in first["results"] + second["results"]]
    assert len(set(ids)) == 53
    # Past the end: an empty page, not an error.
    beyond = api.get(PEOPLE, {"page": 9}).json()
    assert beyond["results"] == [] and beyond["next"] is None


def test_search_by_name_pinyin_and_initials(api: Client) -> None:
    f.make_person(f.TANBA, name="甘守仁")
    f.make_person(f.TANBA, name="莫怀远")
    f.make_person(f.OTHER_YUSI_VILLAGE, name="甘露")

    def names(q: str) -> set[str]:
        return {p["name"] for p in api.get(PEOPLE, {"q": q}).json()["results"]}

    assert names("甘") == {"甘守仁", "甘露"}
    assert names("甘守") == {"甘守仁"}
    assert names("ganshou") == {"甘守仁"}
    assert names("gsr") == {"甘守仁"}
    assert names("MHY") == {"莫怀远"}
    assert names("zz") == set()
    assert len(names("")) == 3


def test_region_prefix_filter(api: Client) -> None:
    f.make_person(f.TANBA, name="甘守仁")
    f.make_person(f.OTHER_YUSI_VILLAGE, name="莫怀远")
    f.make_person(f.GULIN_VILLAGE, name="蒲永昌")  # outside the township officer's 喻寺镇

    def names(url: str, region: str) -> set[str]:
        body = api.get(url, {"region": region}).json()["results"]
        return {p.get("name") or p.get("region_name") for p in body}

    assert names(PEOPLE, f.TANBA) == {"甘守仁"}
    assert names(PEOPLE, "510521102") == {"甘守仁", "莫怀远"}
    assert names(PEOPLE, "5105") == {"甘守仁", "莫怀远"}  # wider than one's scope: still one's scope
    assert names(PEOPLE, "510525") == set()  # another county: nothing, not an error
    for person in Person.objects.all():
        f.make_appointment(person)
    assert names(APPOINTMENTS, f.OTHER_YUSI_VILLAGE) == {"兴隆村"}
    assert names(APPOINTMENTS, "510525") == set()


def test_regions_list_filters(api: Client) -> None:
    body = api.get(reverse("api:region-list"), {"parent": f.YUSI}).json()
    codes = [r["code"] for r in body["results"]]
    assert f.TANBA in codes and all(c.startswith("510521102") and c != f.YUSI for c in codes)
    assert [r["short_name"] for r in api.get(reverse("api:region-list"), {"q": "谭坝"}).json()["results"]] == ["谭坝村"]
    assert api.get(reverse("api:region-list"), {"parent": "510525000000"}).json()["results"] == []


# --- masking -------------------------------------------------------------------------------------


def test_full_id_numbers_never_appear_in_api_output(users) -> None:  # noqa: ANN001
    numbers = [f.id_number("510521", date(1975, 1, 1 + i), seq=i) for i in range(3)]
    people = [f.make_person(f.TANBA, name=n, id_number=num, born=date(1975, 1, 1 + i))
              for i, (n, num) in enumerate(zip(["甘守仁", "莫怀远", "岑立新"], numbers, strict=True))]
    for person in people:
        f.make_appointment(person)
    client = Client()
    client.force_login(users["city"])  # may see full numbers on the page, one at a time and audited — never here
    created = _post(client, PEOPLE, _new_person())
    numbers.append(_new_person()["id_number"])
    responses = [
        created,
        client.get(PEOPLE), client.get(PEOPLE, {"format": "json"}), client.get(_person_url(people[0].pk)),
        client.get(reverse("api:person-detail", kwargs={"pk": people[0].pk, "format": "json"})),
        _post(client, _person_url(people[1].pk), {"phone": "13900000002"}, "patch"),
        client.get(APPOINTMENTS), client.get(PEOPLE, {"q": "gan"}),
    ]
    masked = {p.id_masked for p in Person.objects.all()}
    for response in responses:
        assert response.status_code in (200, 201), response.content
        text = response.content.decode()
        for number in numbers:
            assert number not in text and number[6:14] not in text  # nor the birth date digits run
    listed = {p["id_number"] for p in client.get(PEOPLE).json()["results"]}
    assert listed == masked and all("********" in m for m in listed)
