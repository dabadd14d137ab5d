"""Enrolment: one by one, by rule and from an Excel list — the refusals (scope, duplicates, clashes,
capacity), the set-based confirm and its single audit row, withdrawal."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.core.xlsx import write_xlsx
from lingtouyang.people.models import Person
from lingtouyang.training import enrolment, services
from lingtouyang.training.models import Enrolment
from tests import factories as f
from tests.training.test_planning_services import DAY3, Plan, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(users: dict[str, Any]) -> Plan:
    return make_plan(users)


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    with translation.override("en"):
        yield
T1, T2 = date(2021, 3, 1), date(2024, 3, 1)


def person(code: str, name: str, born: date = date(1980, 1, 1)) -> Person:
    return f.make_person(code, name=name, born=born)


def post(p: Person, post_name: str, term: int, start: date, end: date | None = None) -> None:
    extra: dict[str, Any] = {"end_date": end, "end_reason": "换届"} if end else {}
    f.make_appointment(p, post=post_name, start=start, term=term, **extra)


# --- one by one ------------------------------------------------------------------------------------


def test_one_person_is_enrolled_in_their_village_and_audited(plan: Plan) -> None:
    session, gan = plan.session(), person(f.TANBA, "甘一")
    row = services.enrol_one(acting_user=plan.users["county"], session=session, person=gan)
    assert (row.region_id, row.via, row.enrolled_by) == (f.TANBA, "individual", plan.users["county"])
    assert AuditEvent.objects.filter(action="training.enrol", object_id=str(row.pk)).count() == 1


def test_someone_outside_the_jurisdiction_reads_as_not_found(plan: Plan) -> None:
    session, outsider = plan.session(), person(f.GULIN_VILLAGE, "蒲外人")
    with pytest.raises(ValidationError, match="not found in your jurisdiction"):
        services.enrol_one(acting_user=plan.users["county"], session=session, person=outsider)
    assert not Enrolment.objects.exists()


def test_twice_is_refused(plan: Plan) -> None:
    session, gan = plan.session(), person(f.TANBA, "甘一")
    services.enrol_one(acting_user=plan.users["county"], session=session, person=gan)
    with pytest.raises(ValidationError, match="already enrolled"):
        services.enrol_one(acting_user=plan.users["county"], session=session, person=gan)


def test_a_clash_on_overlapping_days_is_refused_unless_cancelled(plan: Plan) -> None:
    first, gan = plan.session(title="第一期"), person(f.TANBA, "甘一")
    services.enrol_one(acting_user=plan.users["county"], session=first, person=gan)
    overlapping = plan.session(start=DAY3, end=DAY3 + timedelta(days=2), title="第二期")
    with pytest.raises(ValidationError, match="第一期"):
        services.enrol_one(acting_user=plan.users["county"], session=overlapping, person=gan)
    after = plan.session(start=DAY3 + timedelta(days=3), end=DAY3 + timedelta(days=4), title="第三期")
    services.enrol_one(acting_user=plan.users["county"], session=after, person=gan)
    services.session_cancel(acting_user=plan.users["county"], session=first, reason="改期")
    services.enrol_one(acting_user=plan.users["county"], session=overlapping, person=gan)


def test_a_full_session_refuses(plan: Plan) -> None:
    session = plan.session(capacity=1)
    services.enrol_one(acting_user=plan.users["county"], session=session, person=person(f.TANBA, "甘一"))
    with pytest.raises(ValidationError, match="full"):
        services.enrol_one(acting_user=plan.users["county"], session=session, person=person(f.TANBA, "甘二"))


def test_withdrawing_needs_a_reason_frees_the_place_and_allows_coming_back(plan: Plan) -> None:
    session, gan = plan.session(capacity=1), person(f.TANBA, "甘一")
    row = services.enrol_one(acting_user=plan.users["county"], session=session, person=gan)
    with pytest.raises(ValidationError):
        services.enrolment_withdraw(acting_user=plan.users["county"], enrolment=row, reason="")
    services.enrolment_withdraw(acting_user=plan.users["county"], enrolment=row, reason="生病")
    assert AuditEvent.objects.get(action="training.withdraw").changes["reason"] == [None, "生病"]
    with pytest.raises(ValidationError, match="withdrawn already"):
        services.enrolment_withdraw(acting_user=plan.users["county"], enrolment=row, reason="again")
    other = services.enrol_one(acting_user=plan.users["county"], session=session, person=person(f.TANBA, "甘二"))
    services.enrolment_withdraw(acting_user=plan.users["county"], enrolment=other, reason="x")
    again = services.enrol_one(acting_user=plan.users["county"], session=session, person=gan)
    assert again.pk == row.pk and not again.withdrawn


def test_enrolment_in_a_cancelled_session_is_refused(plan: Plan) -> None:
    session = plan.session()
    services.session_cancel(acting_user=plan.users["county"], session=session, reason="x")
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.enrol_one(acting_user=plan.users["county"], session=session, person=person(f.TANBA, "甘一"))


def test_a_county_sends_its_people_to_a_city_session(plan: Plan) -> None:
    session = plan.session(who="city", title="全市示范班")
    row = services.enrol_one(acting_user=plan.users["county"], session=session, person=person(f.TANBA, "甘一"))
    assert row.session == session
    with pytest.raises(ValidationError, match="not found"):
        services.enrol_one(acting_user=plan.users["gulin_admin"], session=session, person=person(f.TANBA, "甘二"))


def test_places_may_not_fall_below_the_enrolled(plan: Plan) -> None:
    session = plan.session(capacity=3)
    for name in ("甘一", "甘二"):
        services.enrol_one(acting_user=plan.users["county"], session=session, person=person(f.TANBA, name))
    with pytest.raises(ValidationError) as exc:
        services.session_update(acting_user=plan.users["county"], session=session, capacity=1)
    assert "2 people are enrolled" in exc.value.message_dict["capacity"][0]


# --- by rule ---------------------------------------------------------------------------------------


@pytest.fixture
def terms(db: Any) -> dict[str, Person]:
    """Two terms in 泸县: 谭坝村 kept its secretary, the next village got a new one, a village of
    another township had only a member in 2021 and a new secretary since; 古蔺 has one secretary."""
    people = {
        "kept": person(f.TANBA, "甘留任"), "old": person(f.OTHER_YUSI_VILLAGE, "莫卸任"),
        "new": person(f.OTHER_YUSI_VILLAGE, "莫新任"), "new2": person(f.OTHER_TOWNSHIP_VILLAGE, "岑新任"),
        "member": person(f.OTHER_TOWNSHIP_VILLAGE, "岑委员"), "gulin": person(f.GULIN_VILLAGE, "蒲书记"),
        "director": person(f.TANBA, "甘主任"),
    }
    post(people["kept"], "party_secretary", 2021, T1, T2 - timedelta(days=1))
    post(people["kept"], "party_secretary", 2024, T2)
    post(people["old"], "party_secretary", 2021, T1, T2 - timedelta(days=1))
    post(people["new"], "party_member", 2021, T1, T2 - timedelta(days=1))
    post(people["new"], "party_secretary", 2024, T2)
    post(people["member"], "party_member", 2021, T1, T2 - timedelta(days=1))
    post(people["new2"], "party_secretary", 2024, T2)
    post(people["gulin"], "party_secretary", 2024, T2)
    post(people["director"], "village_director", 2024, T2)
    return people


def _names(kind: str, prefix: str) -> set[str]:
    return set(enrolment.rule_people(kind, prefix).values_list("name", flat=True))


def test_new_term_secretaries_are_those_not_secretary_in_the_term_before(terms: dict[str, Person]) -> None:
    assert _names("new_secretaries", "510521") == {"莫新任", "岑新任"}
    assert _names("new_secretaries", "510521102") == {"莫新任"}


def test_a_village_without_a_term_before_has_no_new_secretary(terms: dict[str, Person]) -> None:
    assert _names("new_secretaries", "510525") == set()
    assert _names("secretaries", "510525") == {"蒲书记"}


def test_secretaries_and_two_committee_members_of_the_current_term(terms: dict[str, Person]) -> None:
    assert _names("secretaries", "510521") == {"甘留任", "莫新任", "岑新任"}
    assert _names("all_cadres", "510521") == {"甘留任", "莫新任", "岑新任", "甘主任"}
    assert _names("community_cadres", "510521") == set()


def test_community_cadres_are_the_communities_members(plan: Plan) -> None:
    resident = person(f.JIANGYANG_COMMUNITY, "江社区")
    post(resident, "community_director", 2024, T2)
    post(person(f.TANBA, "甘村委"), "village_member", 2024, T2)
    assert _names("community_cadres", "5105") == {"江社区"}


def test_a_rule_batch_previews_then_enrols_in_one_go(plan: Plan, terms: dict[str, Person]) -> None:
    session, county = plan.session(capacity=5), plan.users["county"]
    other = plan.session(title="另一期")
    services.enrol_one(acting_user=county, session=other, person=terms["new2"])
    ids = list(enrolment.rule_people("secretaries", "510521").values_list("id", flat=True))
    preview = services.enrolment_preview(acting_user=county, session=session, person_ids=ids)
    assert {c.name for c in preview.clean} == {"甘留任", "莫新任"}
    assert [(c.name, c.reason) for c in preview.refused] == [("岑新任", "enrolled in “另一期” on overlapping days")]
    assert not Enrolment.objects.filter(session=session).exists()  # a preview changes nothing
    before = AuditEvent.objects.exclude(action__startswith="access.").count()
    assert services.enrolment_confirm(acting_user=county, session=session, person_ids=ids) == 2
    assert set(session.enrolments.values_list("person__name", "via", "region_id")) == {
        ("甘留任", "rule", f.TANBA), ("莫新任", "rule", f.OTHER_YUSI_VILLAGE)}
    event = AuditEvent.objects.get(action="training.enrol", object_type="training.session", object_id=str(session.pk))
    assert event.changes == {"via": "rule", "enrolled": 2, "refused": 1}
    assert AuditEvent.objects.exclude(action__startswith="access.").count() == before + 1


def test_a_batch_larger_than_the_free_places_is_refused_whole(plan: Plan, terms: dict[str, Person]) -> None:
    session, county = plan.session(capacity=3), plan.users["county"]
    services.enrol_one(acting_user=county, session=session, person=person(f.TANBA, "甘先到"))
    ids = list(enrolment.rule_people("all_cadres", "510521").values_list("id", flat=True))
    preview = services.enrolment_preview(acting_user=county, session=session, person_ids=ids)
    assert preview.over_capacity and preview.free == 2 and len(preview.clean) == 4
    with pytest.raises(ValidationError, match="only 2 places are free"):
        services.enrolment_confirm(acting_user=county, session=session, person_ids=ids)
    assert session.enrolments.count() == 1


def test_a_batch_restores_earlier_withdrawals(plan: Plan, terms: dict[str, Person]) -> None:
    session, county = plan.session(), plan.users["county"]
    row = services.enrol_one(acting_user=county, session=session, person=terms["kept"])
    services.enrolment_withdraw(acting_user=county, enrolment=row, reason="x")
    ids = list(enrolment.rule_people("secretaries", "510521102").values_list("id", flat=True))
    assert services.enrolment_confirm(acting_user=county, session=session, person_ids=ids) == 2
    row.refresh_from_db()
    assert not row.withdrawn and row.via == "rule"


def test_the_confirm_checks_again(plan: Plan, terms: dict[str, Person]) -> None:
    """Between the preview and the confirm someone enrolled one of them elsewhere."""
    session, county = plan.session(), plan.users["county"]
    ids = [terms["kept"].pk, terms["new"].pk]
    services.enrolment_preview(acting_user=county, session=session, person_ids=ids)
    services.enrol_one(acting_user=county, session=plan.session(title="别处"), person=terms["kept"])
    assert services.enrolment_confirm(acting_user=county, session=session, person_ids=ids) == 1


# --- from an Excel list ----------------------------------------------------------------------------


def _list(tmp_path: Path, values: list[Any]) -> Path:
    path = tmp_path / "list.xlsx"
    write_xlsx(path, ["身份证号", "姓名"], [[v, ""] for v in values])
    return path


def test_an_excel_list_resolves_by_id_number(plan: Plan, tmp_path: Path) -> None:
    number_in = f.id_number("510521", date(1981, 2, 3))
    number_out = f.id_number("510525", date(1982, 2, 3))
    inside = f.make_person(f.TANBA, name="甘名单", born=date(1981, 2, 3), id_number=number_in)
    f.make_person(f.GULIN_VILLAGE, name="蒲名单", born=date(1982, 2, 3), id_number=number_out)
    unknown = f.id_number("510521", date(1983, 1, 1))
    path = _list(tmp_path, [number_in, number_out, unknown, "12345", number_in.lower()])
    resolution = enrolment.resolve_id_numbers(enrolment.read_id_column(path))
    assert resolution.rows == 5
    assert [(p.row, p.reason.split(" (")[0]) for p in resolution.problems] == [
        (4, "not on the roster"), (5, "an ID number has 18 characters; this one has 5"),
        (6, "appears more than once in the list")]
    preview = services.enrolment_preview(acting_user=plan.users["county"], session=plan.session(),
                                         person_ids=resolution.person_ids)
    assert [c.person_id for c in preview.clean] == [inside.pk]
    assert [(c.name, c.reason) for c in preview.refused] == [("", "not found in your jurisdiction")]
    assert services.enrolment_confirm(acting_user=plan.users["county"], session=preview.session,
                                      person_ids=resolution.person_ids, via="import") == 1


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(enrolment.ListRejected, match="not an .xlsx"):
        enrolment.read_id_column(path)


def test_an_empty_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(enrolment.ListRejected, match="no rows"):
        enrolment.read_id_column(_list(tmp_path, []))
