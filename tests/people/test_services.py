"""person_create, person_update, person_reveal_id, appointment_create, appointment_update: every
rule refuses with ValidationError and writes nothing; every change writes exactly one audit row."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from lingtouyang.audit.models import AppendOnlyError, AuditEvent
from lingtouyang.people import services
from lingtouyang.people.codes import Gender, Post
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region
from tests import factories
from tests.people.conftest import counts

COMMUNITY_IN_YUSI = "510521102005"  # 兴顺社区, 喻寺镇




def region(code: str) -> Region:
    return Region.objects.get(code=code)


def person_data(code: str = factories.TANBA, **extra):
    data = {
        "name": "张三", "gender": Gender.MALE, "birth_date": date(1985, 3, 1), "ethnicity": "01",
        "political_status": "01", "education": "30", "region": region(code), "phone": "13800000000",
        "source": "migrant_worker",
    }
    data.update(extra)
    return data


def audit_text(event: AuditEvent) -> str:
    """Every column of an audit row as one string, to search for what must never be there."""
    values = model_to_dict(event)
    values["changes"] = json.dumps(event.changes, ensure_ascii=False)
    return " ".join(str(v) for v in values.values())


def refused(call, field: str, *, contains: str = "", **kwargs) -> ValidationError:
    """Calls the service, expects a ValidationError on `field`, and checks that nothing was written."""
    before = counts()
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)
    assert field in exc.value.message_dict, exc.value.message_dict
    if contains:
        assert any(contains in m for m in exc.value.message_dict[field]), exc.value.message_dict
    assert counts() == before
    return exc.value


# person_create ----------------------------------------------------------------------------

def test_it_creates_a_person_and_writes_one_audit_row(users):
    number = factories.id_number("510521", date(1985, 3, 1), Gender.MALE)
    before = counts()
    person = services.person_create(acting_user=users["township"], id_number=number, **person_data())
    assert counts() == (before[0] + 1, before[1], before[2] + 1)
    assert person.id_masked == number[:6] + "********" + number[14:]
    assert person.full_id_number() == number
    assert person.name_pinyin == "zhangsan" and person.name_initials == "zs"
    event = AuditEvent.objects.get(action="person.create")
    assert event.actor == users["township"]
    assert event.object_id == str(person.pk)
    assert event.region_code == factories.TANBA
    assert event.changes["name"] == [None, "张三"]
    assert event.changes["region"] == [None, factories.TANBA]
    assert event.changes["birth_date"] == [None, "1985-03-01"]
    assert number not in audit_text(event)


def test_it_fills_birth_date_and_gender_from_the_id_number(users):
    number = factories.id_number("510521", date(1990, 7, 9), Gender.FEMALE)
    data = person_data(name="李四")
    del data["birth_date"], data["gender"]
    person = services.person_create(acting_user=users["township"], id_number=number, **data)
    person.refresh_from_db()
    assert person.birth_date == date(1990, 7, 9)
    assert person.gender == Gender.FEMALE


def test_it_normalises_the_phone_and_the_id_number(users):
    number = factories.id_number("510521", date(1985, 3, 1), Gender.MALE)
    typed = " ".join(number[i : i + 6] for i in range(0, 18, 6)).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    person = services.person_create(acting_user=users["township"], id_number=typed,
                                    **person_data(phone="+86 138 0000 1111"))
    person.refresh_from_db()
    assert person.phone_number() == "13800001111"
    assert person.full_id_number() == number


def test_it_rejects_a_wrong_check_character(users):
    number = factories.id_number("510521")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    refused(services.person_create, "id_number", contains="check character", acting_user=users["township"],
            id_number=wrong, **person_data())


def test_it_rejects_a_malformed_id_number(users):
    refused(services.person_create, "id_number", contains="18 characters", acting_user=users["township"],
            id_number="51052119850301", **person_data())


def test_it_rejects_a_birth_date_that_disagrees_with_the_id_number(users):
    number = factories.id_number("510521", date(1985, 3, 1))
    refused(services.person_create, "birth_date", contains="1985-03-01", acting_user=users["township"],
            id_number=number, **person_data(birth_date=date(1985, 3, 2)))


def test_it_rejects_a_gender_that_disagrees_with_the_id_number(users):
    number = factories.id_number("510521", date(1985, 3, 1), Gender.MALE)
    refused(services.person_create, "gender", contains="gender does not agree", acting_user=users["township"],
            id_number=number, **person_data(gender=Gender.FEMALE))


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    day = today.replace(day=28) if (today.month, today.day) == (2, 29) else today
    return day.replace(year=day.year - years) + timedelta(days=days)


# Dates are computed when the test runs, not when it is collected: a run may cross midnight (Beijing time).
@pytest.mark.parametrize("age", [(10, 0), (18, 1), (76, 0), (95, 0)], ids=["10", "17", "76", "95"])
def test_it_rejects_an_implausible_age(users, age):
    born = years_ago(*age)
    number = factories.id_number("510521", born)
    refused(services.person_create, "id_number", contains="not plausible", acting_user=users["township"],
            id_number=number, **person_data(birth_date=born))


@pytest.mark.parametrize("age", [18, 75], ids=["18", "75"])
def test_it_accepts_the_youngest_and_the_oldest_plausible_age(users, age):
    born = years_ago(age)
    person = services.person_create(acting_user=users["township"], id_number=factories.id_number("510521", born),
                                    **person_data(birth_date=born))
    assert person.pk is not None


@pytest.mark.parametrize("phone", ["12345", "1380000000", "0830-123", "telephone"])
def test_it_rejects_a_bad_phone(users, phone):
    refused(services.person_create, "phone", contains="not a mobile number", acting_user=users["township"],
            id_number=factories.id_number("510521"), **person_data(phone=phone))


def test_it_rejects_a_missing_name(users):
    refused(services.person_create, "name", acting_user=users["township"],
            id_number=factories.id_number("510521"), **person_data(name="  "))


@pytest.mark.parametrize("code", [factories.YUSI, "510521000000", factories.CITY])
def test_it_rejects_a_region_that_is_not_a_village(users, code):
    refused(services.person_create, "region", contains="not a village", acting_user=users["county"],
            id_number=factories.id_number("510521"), **person_data(code))


def test_it_rejects_a_village_outside_the_users_jurisdiction(users):
    refused(services.person_create, "region", contains="outside your jurisdiction", acting_user=users["township"],
            id_number=factories.id_number("510525"), **person_data(factories.GULIN_VILLAGE))


def test_it_rejects_a_user_whose_role_may_not_edit(users):
    refused(services.person_create, "region", contains="outside your jurisdiction", acting_user=users["village"],
            id_number=factories.id_number("510521"), **person_data())


def test_it_rejects_an_id_number_already_on_the_roster(users):
    number = factories.id_number("510521")
    services.person_create(acting_user=users["township"], id_number=number, **person_data())
    refused(services.person_create, "id_number", contains="already on the roster", acting_user=users["township"],
            id_number=number.lower(), **person_data(name="李四"))


# person_update ----------------------------------------------------------------------------

@pytest.fixture
def person(users):
    return factories.make_person(factories.TANBA, name="张三", born=date(1985, 3, 1), gender=Gender.MALE)


def test_it_updates_and_audits_only_the_changed_fields(users, person):
    before = counts()
    services.person_update(acting_user=users["township"], person=person, name="张三丰", phone="0830-1234567")
    assert counts() == (before[0], before[1], before[2] + 1)
    person.refresh_from_db()
    assert person.name == "张三丰" and person.name_pinyin == "zhangsanfeng"
    assert person.phone_number() == "0830-1234567"
    event = AuditEvent.objects.filter(action="person.update").get()
    assert event.changes == {"name": ["张三", "张三丰"], "phone": ["138****0000", "083*****4567"]}
    assert event.actor == users["township"]


def test_it_records_that_the_id_number_changed_but_never_the_number(users, person):
    old = person.full_id_number()
    new = factories.id_number("510521", date(1985, 3, 1), Gender.MALE)
    services.person_update(acting_user=users["county"], person=person, id_number=new)
    person.refresh_from_db()
    assert person.full_id_number() == new
    assert person.id_masked == new[:6] + "********" + new[14:]
    event = AuditEvent.objects.filter(action="person.update").get()
    assert event.changes == {"id_number": ["***", "***"]}
    for row in AuditEvent.objects.all():
        assert old not in audit_text(row) and new not in audit_text(row)


def _unchanged(person: Person) -> None:
    saved = Person.objects.get(pk=person.pk)
    assert (saved.name, saved.gender, saved.birth_date, saved.phone_number(), saved.region_id, saved.id_index) == (
        "张三", Gender.MALE, date(1985, 3, 1), "13800000000", factories.TANBA, person.id_index)


def test_update_rejects_a_wrong_check_character(users, person):
    number = factories.id_number("510521")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    refused(services.person_update, "id_number", contains="check character", acting_user=users["township"],
            person=Person.objects.get(pk=person.pk), id_number=wrong)
    _unchanged(person)


def test_update_rejects_a_gender_that_disagrees_with_the_stored_id_number(users, person):
    refused(services.person_update, "gender", acting_user=users["township"],
            person=Person.objects.get(pk=person.pk), gender=Gender.FEMALE)
    _unchanged(person)


def test_update_rejects_a_birth_date_that_disagrees_with_the_stored_id_number(users, person):
    refused(services.person_update, "birth_date", acting_user=users["township"],
            person=Person.objects.get(pk=person.pk), birth_date=date(1986, 3, 1))
    _unchanged(person)


def test_update_rejects_a_new_id_number_that_disagrees_with_the_birth_date_given(users, person):
    new = factories.id_number("510521", date(1990, 1, 1), Gender.MALE)
    refused(services.person_update, "birth_date", acting_user=users["township"],
            person=Person.objects.get(pk=person.pk), id_number=new, birth_date=date(1985, 3, 1))
    _unchanged(person)


def test_update_rejects_a_bad_phone(users, person):
    refused(services.person_update, "phone", acting_user=users["township"],
            person=Person.objects.get(pk=person.pk), phone="110")
    _unchanged(person)


def test_update_rejects_an_id_number_held_by_someone_else(users, person):
    other = factories.make_person(factories.TANBA, name="李四", born=date(1990, 1, 1))
    refused(services.person_update, "id_number", contains="already on the roster", acting_user=users["township"],
            person=Person.objects.get(pk=person.pk), id_number=other.full_id_number(), birth_date=date(1990, 1, 1))
    _unchanged(person)


def test_update_rejects_a_person_outside_the_users_jurisdiction(users):
    outsider = factories.make_person(factories.GULIN_VILLAGE, name="王五")
    refused(services.person_update, "region", contains="outside your jurisdiction", acting_user=users["township"],
            person=outsider, name="王六")
    assert Person.objects.get(pk=outsider.pk).name == "王五"


def test_update_rejects_moving_a_person_out_of_the_users_jurisdiction(users, person):
    refused(services.person_update, "region", contains="outside your jurisdiction", acting_user=users["township"],
            person=Person.objects.get(pk=person.pk), region=region(factories.GULIN_VILLAGE))
    _unchanged(person)


def test_update_rejects_moving_a_person_to_a_township(users, person):
    refused(services.person_update, "region", contains="not a village", acting_user=users["township"],
            person=Person.objects.get(pk=person.pk), region=region(factories.YUSI))
    _unchanged(person)


# person_reveal_id -------------------------------------------------------------------------

def test_reveal_gives_the_full_number_and_audits_the_view(users, person):
    before = AuditEvent.objects.exclude(action__startswith="access.").count()
    number = services.person_reveal_id(acting_user=users["county"], person=person)
    assert number == person.full_id_number()
    assert AuditEvent.objects.exclude(action__startswith="access.").count() == before + 1
    event = AuditEvent.objects.filter(action="person.view_full_id").get()
    assert event.actor == users["county"]
    assert event.object_id == str(person.pk)
    assert number not in audit_text(event)


@pytest.mark.parametrize("role", ["township", "village", "supervisor", "reviewer"])
def test_reveal_is_refused_to_roles_without_view_full_id(users, person, role):
    with pytest.raises(PermissionError):
        services.person_reveal_id(acting_user=users[role], person=person)
    # The refused attempt is recorded as such; no successful view is.
    events = AuditEvent.objects.filter(action="person.view_full_id")
    assert [e.outcome for e in events] == ["denied"]
    assert events[0].actor == users[role]


def test_reveal_is_refused_outside_the_users_jurisdiction(users):
    outsider = factories.make_person(factories.GULIN_VILLAGE, name="王五")
    with pytest.raises(PermissionError):
        services.person_reveal_id(acting_user=users["county"], person=outsider)  # 泸县 admin, 古蔺县 person
    assert [e.outcome for e in AuditEvent.objects.filter(action="person.view_full_id")] == ["denied"]


# appointment_create -----------------------------------------------------------------------

def test_it_creates_an_appointment_and_audits_it(users, person):
    before = counts()
    appointment = services.appointment_create(acting_user=users["township"], person=person, region=region(factories.TANBA),
                                              post=Post.PARTY_SECRETARY, start_date=date(2021, 3, 15))
    assert counts() == (before[0], before[1] + 1, before[2] + 1)
    assert appointment.term == 2021
    event = AuditEvent.objects.filter(action="appointment.create").get()
    assert event.object_id == str(appointment.pk)
    assert event.changes == {"person": [None, person.pk], "region": [None, factories.TANBA],
                             "post": [None, "party_secretary"], "term": [None, 2021],
                             "start_date": [None, "2021-03-15"]}


@pytest.mark.parametrize("start, term", [(date(2021, 1, 1), 2021), (date(2020, 12, 31), 2016),
                                         (date(2016, 1, 1), 2016), (date(2015, 12, 31), 2011)])
def test_the_term_is_the_election_year_of_the_start_date(users, person, start, term):
    appointment = services.appointment_create(acting_user=None, person=person, region=region(factories.TANBA),
                                              post=Post.VILLAGE_MEMBER, start_date=start)
    assert appointment.term == term


def test_it_makes_one_person_both_secretary_and_director(users, person):
    for post in (Post.PARTY_SECRETARY, Post.VILLAGE_DIRECTOR):
        services.appointment_create(acting_user=users["township"], person=person, region=region(factories.TANBA),
                                    post=post, start_date=date(2021, 3, 15))
    assert set(person.appointments.values_list("post", flat=True)) == {"party_secretary", "village_director"}


def test_it_rejects_a_villagers_committee_director_in_a_community(users):
    resident = factories.make_person(COMMUNITY_IN_YUSI, name="赵六")
    refused(services.appointment_create, "post", contains="a community has a residents' committee",
            acting_user=users["township"], person=resident, region=region(COMMUNITY_IN_YUSI),
            post=Post.VILLAGE_DIRECTOR, start_date=date(2021, 3, 15))


def test_it_rejects_a_residents_committee_director_in_a_village(users, person):
    refused(services.appointment_create, "post", contains="a village has a villagers' committee",
            acting_user=users["township"], person=person, region=region(factories.TANBA),
            post=Post.COMMUNITY_DIRECTOR, start_date=date(2021, 3, 15))


def test_it_rejects_an_appointment_in_a_township(users, person):
    refused(services.appointment_create, "region", contains="not a village", acting_user=users["township"],
            person=person, region=region(factories.YUSI), post=Post.PARTY_SECRETARY, start_date=date(2021, 3, 15))


def test_it_rejects_a_second_current_party_secretary(users, person):
    services.appointment_create(acting_user=users["township"], person=person, region=region(factories.TANBA),
                                post=Post.PARTY_SECRETARY, start_date=date(2021, 3, 15))
    rival = factories.make_person(factories.TANBA, name="李四", born=date(1980, 5, 5))
    refused(services.appointment_create, "post", contains="already has a holder of this post", acting_user=users["township"],
            person=rival, region=region(factories.TANBA), post=Post.PARTY_SECRETARY, start_date=date(2022, 1, 1))


def test_a_former_secretary_does_not_block_a_new_one(users, person):
    old = services.appointment_create(acting_user=None, person=person, region=region(factories.TANBA),
                                      post=Post.PARTY_SECRETARY, start_date=date(2016, 3, 1))
    services.appointment_update(acting_user=None, appointment=old, end_date=date(2021, 3, 1), end_reason="换届")
    successor = factories.make_person(factories.TANBA, name="李四", born=date(1980, 5, 5))
    services.appointment_create(acting_user=users["township"], person=successor, region=region(factories.TANBA),
                                post=Post.PARTY_SECRETARY, start_date=date(2021, 3, 15))
    assert Appointment.objects.current().filter(region_id=factories.TANBA, post="party_secretary").get().person == successor


def test_a_secretary_elsewhere_does_not_block(users, person):
    services.appointment_create(acting_user=users["township"], person=person, region=region(factories.TANBA),
                                post=Post.PARTY_SECRETARY, start_date=date(2021, 3, 15))
    neighbour = factories.make_person(factories.OTHER_YUSI_VILLAGE, name="李四", born=date(1980, 5, 5))
    services.appointment_create(acting_user=users["township"], person=neighbour, region=region(factories.OTHER_YUSI_VILLAGE),
                                post=Post.PARTY_SECRETARY, start_date=date(2021, 3, 15))
    assert Appointment.objects.current().filter(post="party_secretary").count() == 2


def test_it_rejects_an_end_before_the_start(users, person):
    refused(services.appointment_create, "end_date", contains="before the start", acting_user=users["township"],
            person=person, region=region(factories.TANBA), post=Post.VILLAGE_MEMBER, start_date=date(2021, 3, 15),
            end_date=date(2021, 3, 14))


def test_it_rejects_an_appointment_outside_the_users_jurisdiction(users):
    outsider = factories.make_person(factories.GULIN_VILLAGE, name="王五")
    refused(services.appointment_create, "region", contains="outside your jurisdiction", acting_user=users["township"],
            person=outsider, region=region(factories.GULIN_VILLAGE), post=Post.VILLAGE_MEMBER,
            start_date=date(2021, 3, 15))


# appointment_update -----------------------------------------------------------------------

@pytest.fixture
def secretary(person):
    return services.appointment_create(acting_user=None, person=person, region=region(factories.TANBA),
                                       post=Post.PARTY_SECRETARY, start_date=date(2021, 3, 15))


def _still_open(appointment: Appointment) -> None:
    saved = Appointment.objects.get(pk=appointment.pk)
    assert (saved.post, saved.region_id, saved.start_date, saved.end_date, saved.end_reason) == (
        "party_secretary", factories.TANBA, date(2021, 3, 15), None, "")


def test_it_ends_an_appointment_and_audits_the_change(users, secretary):
    before = counts()
    services.appointment_update(acting_user=users["township"], appointment=secretary, end_date=date(2023, 6, 30),
                                end_reason="辞职")
    assert counts() == (before[0], before[1], before[2] + 1)
    event = AuditEvent.objects.filter(action="appointment.update").get()
    assert event.changes == {"end_date": [None, "2023-06-30"], "end_reason": ["", "辞职"]}
    assert not Appointment.objects.current().filter(pk=secretary.pk).exists()


def test_it_rejects_an_end_without_a_reason(users, secretary):
    refused(services.appointment_update, "end_reason", contains="say why", acting_user=users["township"],
            appointment=Appointment.objects.get(pk=secretary.pk), end_date=date(2023, 6, 30), end_reason="  ")
    _still_open(secretary)


def test_update_rejects_an_end_before_the_start(users, secretary):
    refused(services.appointment_update, "end_date", contains="before the start", acting_user=users["township"],
            appointment=Appointment.objects.get(pk=secretary.pk), end_date=date(2020, 1, 1), end_reason="辞职")
    _still_open(secretary)


def test_update_rejects_a_post_that_does_not_fit_the_village(users, secretary):
    refused(services.appointment_update, "post", contains="a village has a villagers' committee",
            acting_user=users["township"], appointment=Appointment.objects.get(pk=secretary.pk),
            post=Post.COMMUNITY_DIRECTOR)
    _still_open(secretary)


def test_update_rejects_reopening_a_secretary_when_the_village_has_another(users, secretary):
    services.appointment_update(acting_user=None, appointment=secretary, end_date=date(2022, 1, 1), end_reason="调动")
    successor = factories.make_person(factories.TANBA, name="李四", born=date(1980, 5, 5))
    services.appointment_create(acting_user=None, person=successor, region=region(factories.TANBA),
                                post=Post.PARTY_SECRETARY, start_date=date(2022, 1, 1))
    refused(services.appointment_update, "post", contains="already has a holder of this post", acting_user=users["township"],
            appointment=Appointment.objects.get(pk=secretary.pk), end_date=None, end_reason="")
    assert Appointment.objects.get(pk=secretary.pk).end_date == date(2022, 1, 1)


def test_update_rejects_a_user_outside_the_jurisdiction(users):
    outsider = factories.make_person(factories.GULIN_VILLAGE, name="王五")
    appointment = services.appointment_create(acting_user=None, person=outsider, region=region(factories.GULIN_VILLAGE),
                                              post=Post.VILLAGE_MEMBER, start_date=date(2021, 3, 15))
    refused(services.appointment_update, "region", contains="outside your jurisdiction", acting_user=users["township"],
            appointment=appointment, end_date=date(2023, 1, 1), end_reason="辞职")
    assert Appointment.objects.get(pk=appointment.pk).end_date is None


def test_update_rejects_moving_an_appointment_out_of_the_jurisdiction(users, secretary):
    refused(services.appointment_update, "region", contains="outside your jurisdiction", acting_user=users["township"],
            appointment=Appointment.objects.get(pk=secretary.pk), region=region(factories.GULIN_VILLAGE))
    _still_open(secretary)


# The audit trail is append-only -----------------------------------------------------------

@pytest.fixture
def event(person):
    return AuditEvent.objects.filter(action="person.create").get()


def test_an_audit_event_cannot_be_saved_again(event):
    event.action = "nothing.happened"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "person.create"


def test_an_audit_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_events_cannot_be_updated_in_bulk(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing.happened")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(outcome="denied")
    event.action = "nothing.happened"
    with pytest.raises(AppendOnlyError), transaction.atomic():  # bulk_update's own atomic has no savepoint
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "person.create"


def test_audit_events_cannot_be_deleted_in_bulk(event):
    before = AuditEvent.objects.exclude(action__startswith="access.").count()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.exclude(action__startswith="access.").count() == before


def test_an_audit_event_cannot_be_rewritten_through_update_or_create(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "nothing.happened"})
    assert AuditEvent.objects.get(pk=event.pk).action == "person.create"


# An appointment is in the holder's own village -------------------------------------------

def test_it_rejects_an_appointment_in_another_village_than_the_persons(users):
    outsider = factories.make_person(factories.JIANGYANG_COMMUNITY, name="江阳人")  # 江阳区, not 泸县
    refused(services.appointment_create, "region", contains="registered in another village",
            acting_user=None, person=outsider, region=region(factories.TANBA), post=Post.PARTY_SECRETARY,
            start_date=date(2021, 3, 15))
    assert not Appointment.objects.within(factories.TANBA).exists()


def test_it_rejects_an_appointment_in_a_neighbouring_village_within_the_users_jurisdiction(users, person):
    refused(services.appointment_create, "region", contains="change their village first",
            acting_user=users["township"], person=person, region=region(factories.OTHER_YUSI_VILLAGE),
            post=Post.VILLAGE_MEMBER, start_date=date(2021, 3, 15))


def test_update_rejects_moving_an_appointment_to_another_village(users, secretary):
    refused(services.appointment_update, "region", contains="registered in another village",
            acting_user=users["township"], appointment=Appointment.objects.get(pk=secretary.pk),
            region=region(factories.OTHER_YUSI_VILLAGE))
    _still_open(secretary)


def test_a_person_holding_a_post_cannot_be_moved_to_another_village(users, secretary):
    person = Person.objects.get(pk=secretary.person_id)
    refused(services.person_update, "region", contains="end it before changing their village",
            acting_user=users["township"], person=person, region=region(factories.OTHER_YUSI_VILLAGE))
    assert Person.objects.get(pk=person.pk).region_id == factories.TANBA


def test_a_person_whose_posts_ended_can_be_moved_and_the_history_stays(users, secretary):
    services.appointment_update(acting_user=None, appointment=secretary, end_date=date(2023, 6, 30), end_reason="调动")
    person = Person.objects.get(pk=secretary.person_id)
    services.person_update(acting_user=users["township"], person=person, region=region(factories.OTHER_YUSI_VILLAGE))
    assert Person.objects.get(pk=person.pk).region_id == factories.OTHER_YUSI_VILLAGE
    # The ended post stays where it was held; it can be corrected, not reopened there.
    old = Appointment.objects.get(pk=secretary.pk)
    services.appointment_update(acting_user=users["township"], appointment=old, end_reason="调任")
    assert Appointment.objects.get(pk=secretary.pk).end_reason == "调任"
    refused(services.appointment_update, "region", contains="registered in another village",
            acting_user=users["township"], appointment=Appointment.objects.get(pk=secretary.pk),
            end_date=None, end_reason="")
    # In the new village, a new appointment is the way.
    services.appointment_create(acting_user=users["township"], person=person, region=region(factories.OTHER_YUSI_VILLAGE),
                                post=Post.VILLAGE_MEMBER, start_date=date(2023, 7, 1))


# Dates: one holder at a time, one post once at a time -------------------------------------

def test_it_rejects_the_same_post_twice_for_one_person_at_overlapping_dates(users, person):
    services.appointment_create(acting_user=None, person=person, region=region(factories.TANBA),
                                post=Post.VILLAGE_MEMBER, start_date=date(2021, 3, 15))
    refused(services.appointment_create, "post", contains="this person already holds this post at overlapping dates",
            acting_user=users["township"], person=person, region=region(factories.TANBA), post=Post.VILLAGE_MEMBER,
            start_date=date(2019, 1, 1), end_date=date(2021, 6, 1), end_reason="换届")


def test_it_rejects_a_second_secretary_appointment_of_the_same_person(users, secretary):
    refused(services.appointment_create, "post", contains="this person already holds this post",
            acting_user=users["township"], person=Person.objects.get(pk=secretary.person_id),
            region=region(factories.TANBA), post=Post.PARTY_SECRETARY, start_date=date(2022, 1, 1))


def test_the_same_post_again_after_the_first_ended_is_accepted(users, person):
    first = services.appointment_create(acting_user=None, person=person, region=region(factories.TANBA),
                                        post=Post.VILLAGE_MEMBER, start_date=date(2016, 3, 1),
                                        end_date=date(2021, 3, 1), end_reason="换届")
    again = services.appointment_create(acting_user=users["township"], person=person, region=region(factories.TANBA),
                                        post=Post.VILLAGE_MEMBER, start_date=date(2021, 3, 1))
    assert {first.term, again.term} == {2016, 2021}


def test_it_rejects_secretaries_whose_past_terms_overlap(users, person):
    # Neither is current today, so a check of "current holders" lets this through.
    services.appointment_create(acting_user=None, person=person, region=region(factories.TANBA),
                                post=Post.PARTY_SECRETARY, start_date=date(2016, 3, 1), end_date=date(2019, 3, 1),
                                end_reason="辞职")
    rival = factories.make_person(factories.TANBA, name="李四", born=date(1980, 5, 5))
    error = refused(services.appointment_create, "post", contains="already has a holder of this post at overlapping dates",
                    acting_user=users["township"], person=rival, region=region(factories.TANBA),
                    post=Post.PARTY_SECRETARY, start_date=date(2018, 1, 1), end_date=date(2020, 1, 1),
                    end_reason="辞职")
    assert "张三 (2016-03-01 – 2019-03-01)" in error.message_dict["post"][0]


def test_it_rejects_a_past_secretary_whose_term_runs_into_the_current_ones(users, secretary):
    rival = factories.make_person(factories.TANBA, name="李四", born=date(1980, 5, 5))
    refused(services.appointment_create, "post", contains="already has a holder of this post",
            acting_user=users["township"], person=rival, region=region(factories.TANBA),
            post=Post.PARTY_SECRETARY, start_date=date(2019, 1, 1), end_date=date(2021, 6, 1), end_reason="换届")


def test_a_successor_may_start_the_day_the_predecessor_ended(users, person):
    services.appointment_create(acting_user=None, person=person, region=region(factories.TANBA),
                                post=Post.PARTY_SECRETARY, start_date=date(2016, 3, 1), end_date=date(2021, 3, 1),
                                end_reason="换届")
    successor = factories.make_person(factories.TANBA, name="李四", born=date(1980, 5, 5))
    services.appointment_create(acting_user=users["township"], person=successor, region=region(factories.TANBA),
                                post=Post.PARTY_SECRETARY, start_date=date(2021, 3, 1))
    assert Appointment.objects.filter(region_id=factories.TANBA, post=Post.PARTY_SECRETARY).count() == 2


def test_a_predecessor_ending_after_the_successor_started_is_refused(users, person):
    old = services.appointment_create(acting_user=None, person=person, region=region(factories.TANBA),
                                      post=Post.PARTY_SECRETARY, start_date=date(2016, 3, 1))
    services.appointment_update(acting_user=None, appointment=old, end_date=date(2021, 3, 1), end_reason="换届")
    successor = factories.make_person(factories.TANBA, name="李四", born=date(1980, 5, 5))
    services.appointment_create(acting_user=None, person=successor, region=region(factories.TANBA),
                                post=Post.PARTY_SECRETARY, start_date=date(2021, 3, 1))
    refused(services.appointment_update, "post", contains="李四 (2021-03-01 –)", acting_user=users["township"],
            appointment=Appointment.objects.get(pk=old.pk), end_date=date(2021, 3, 2))


@pytest.mark.parametrize("start, end, other_start, other_end, expected", [
    (date(2030, 1, 1), None, date(2021, 3, 15), None, True),  # a second secretary from 2030, one open-ended
    (date(2021, 3, 1), None, date(2016, 3, 1), date(2021, 3, 1), False),  # the day the predecessor ended
    (date(2021, 2, 28), None, date(2016, 3, 1), date(2021, 3, 1), True),
    (date(2018, 1, 1), date(2020, 1, 1), date(2016, 3, 1), date(2019, 3, 1), True),
    (date(2019, 3, 1), date(2020, 1, 1), date(2016, 3, 1), date(2019, 3, 1), False),
    (date(2010, 1, 1), date(2016, 3, 1), date(2016, 3, 1), None, False),
    (date(2030, 1, 1), None, date(2021, 3, 15), date(2030, 1, 2), True),  # a planned end after the start
])
def test_terms_overlap_when_they_share_a_day(start, end, other_start, other_end, expected):
    from lingtouyang.people.rules import overlaps

    assert overlaps(start, end, other_start, other_end) is expected
    assert overlaps(other_start, other_end, start, end) is expected


def test_it_rejects_a_start_date_in_the_future(users, person):
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused(services.appointment_create, "start_date", contains="in the future", acting_user=users["township"],
            person=person, region=region(factories.TANBA), post=Post.VILLAGE_MEMBER, start_date=tomorrow)


def test_it_rejects_a_start_date_before_the_birth_date(users, person):
    refused(services.appointment_create, "start_date", contains="before the birth date", acting_user=users["township"],
            person=person, region=region(factories.TANBA), post=Post.VILLAGE_MEMBER, start_date=date(1985, 2, 28))


def test_update_rejects_moving_the_start_before_the_birth_date(users, secretary):
    refused(services.appointment_update, "start_date", contains="before the birth date", acting_user=users["township"],
            appointment=Appointment.objects.get(pk=secretary.pk), start_date=date(1980, 1, 1))
    _still_open(secretary)


# The term follows the start date ----------------------------------------------------------

def test_a_new_start_date_brings_its_term(users, secretary):
    services.appointment_update(acting_user=users["township"], appointment=secretary, start_date=date(2019, 5, 1))
    saved = Appointment.objects.get(pk=secretary.pk)
    assert (saved.start_date, saved.term) == (date(2019, 5, 1), 2016)
    event = AuditEvent.objects.filter(action="appointment.update").get()
    assert event.changes == {"start_date": ["2021-03-15", "2019-05-01"], "term": [2021, 2016]}


def test_a_term_given_with_the_new_start_date_is_kept(users, secretary):
    services.appointment_update(acting_user=users["township"], appointment=secretary, start_date=date(2019, 5, 1),
                                term=2021)
    assert Appointment.objects.get(pk=secretary.pk).term == 2021


def test_an_empty_term_is_derived_and_other_changes_keep_the_term(users, secretary):
    services.appointment_update(acting_user=None, appointment=secretary, term=2016)
    services.appointment_update(acting_user=None, appointment=Appointment.objects.get(pk=secretary.pk),
                                end_date=date(2023, 6, 30), end_reason="辞职", term=None)
    assert Appointment.objects.get(pk=secretary.pk).term == 2016


def _edit_form(appointment: Appointment, **changes) -> dict:
    data = {"region": appointment.region_id, "post": appointment.post, "start_date": appointment.start_date,
            "end_date": "", "end_reason": "", "term": ""}
    data.update(changes)
    return data


def test_the_edit_page_leaves_a_derived_term_empty_so_a_new_start_brings_its_own(client, users, secretary):
    from django.urls import reverse

    client.force_login(users["township"])
    url = reverse("people:appointment_edit", args=[secretary.pk])
    assert 'name="term" value=' not in client.get(url).content.decode()
    client.post(url, _edit_form(secretary, start_date="2019-05-01"))
    assert Appointment.objects.get(pk=secretary.pk).term == 2016


def test_the_edit_page_shows_and_keeps_a_term_set_by_hand(client, users, person):
    from django.urls import reverse

    appointment = services.appointment_create(acting_user=None, person=person, region=region(factories.TANBA),
                                              post=Post.VILLAGE_MEMBER, start_date=date(2021, 3, 15), term=2016)
    client.force_login(users["township"])
    url = reverse("people:appointment_edit", args=[appointment.pk])
    assert 'name="term" value="2016"' in client.get(url).content.decode()
    client.post(url, _edit_form(appointment, start_date="2021-04-01", term="2016"))
    saved = Appointment.objects.get(pk=appointment.pk)
    assert (saved.start_date, saved.term) == (date(2021, 4, 1), 2016)
