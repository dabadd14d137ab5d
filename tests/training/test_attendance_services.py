"""Attendance services: QR check-in and its refusals, officers' marks, completion, talent tags, ratings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.audit.models import AuditEvent
from lingtouyang.training import attendance, tokens
from lingtouyang.training.models import Attendance, Enrolment, Evaluation, PersonTag, Session
from tests import factories as f
from tests.training.attendance_helpers import enrol, link, make_programme, make_session, make_sitting


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def cadre(users: dict[str, Any]) -> Any:
    """谭坝村's village cadre, linked to their roster entry 甘守仁, enrolled in a 泸县 session."""
    return link(users["village"], f.make_person(f.TANBA, name="甘守仁"))


@pytest.fixture
def session() -> Session:
    return make_session()


def _refused(code: str, **kwargs: Any) -> ValidationError:
    before = (Attendance.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())
    with pytest.raises(ValidationError) as exc:
        attendance.check_in(**kwargs)
    assert exc.value.code == code, exc.value.messages
    assert (Attendance.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count()) == before
    return exc.value


# --- the completion rule -------------------------------------------------------------------------

D1, D2, D3 = date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)


def test_completion_is_the_day_the_threshold_is_crossed() -> None:
    sittings = [(D1, Decimal(4)), (D2, Decimal(4)), (D3, Decimal(4))]
    assert attendance.completion(sittings[:1], Decimal(12), 80) == (Decimal(4), None)
    assert attendance.completion(sittings[:2], Decimal(12), 80) == (Decimal(8), None)
    assert attendance.completion(sittings, Decimal(12), 80) == (Decimal(12), D3)
    assert attendance.completion(sittings[:2], Decimal(12), 60) == (Decimal(8), D2)
    assert attendance.completion([], Decimal(0), 80) == (Decimal(0), None)


@given(st.lists(st.tuples(st.dates(), st.decimals(min_value=Decimal("0.5"), max_value=Decimal(8), places=1)),
                max_size=8),
       st.decimals(min_value=Decimal("0.5"), max_value=Decimal(60), places=1), st.integers(1, 100))
def test_completion_rule(attended: list[tuple[date, Decimal]], extra: Decimal, threshold: int) -> None:
    total = sum((h for _d, h in attended), Decimal(0)) + extra  # the session: these sittings and more
    hours, done = attendance.completion(attended, total, threshold)
    assert hours == sum((h for _d, h in attended), Decimal(0))
    assert (done is not None) == (hours * 100 >= total * threshold and bool(attended))
    if done is not None:
        first = next(i for i in range(len(attended))
                     if sum((h for _d, h in attended[:i + 1]), Decimal(0)) * 100 >= total * threshold)
        assert done == attended[first][0]


# --- check-in ------------------------------------------------------------------------------------


def test_a_cadre_checks_in_with_a_fresh_code(cadre: Any, session: Session) -> None:
    sitting = make_sitting(session)
    enrolment = enrol(session, cadre.person)
    record = attendance.check_in(acting_user=cadre, token=tokens.make_token(sitting))
    assert (record.enrolment, record.sitting, record.method, record.recorded_by) == (enrolment, sitting, "qr", cadre)
    enrolment.refresh_from_db()
    assert enrolment.attended_hours == Decimal(4)
    event = AuditEvent.objects.get(action="training.check_in")
    assert (event.actor, event.region_code, event.object_id) == (cadre, f.TANBA, str(record.pk))


def test_a_second_check_in_says_when_the_first_was(cadre: Any, session: Session) -> None:
    sitting = make_sitting(session)
    enrol(session, cadre.person)
    first = attendance.check_in(acting_user=cadre, token=tokens.make_token(sitting))
    error = _refused("already", acting_user=cadre, token=tokens.make_token(sitting))
    assert timezone.localtime(first.checked_in_at).strftime("%H:%M") in error.messages[0]


def test_refusals_record_nothing(cadre: Any, session: Session, users: dict[str, Any]) -> None:
    sitting = make_sitting(session)
    enrol(session, cadre.person)
    now = timezone.now()
    token = tokens.make_token(sitting, now)
    _refused("invalid", acting_user=cadre, token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    _refused("expired", acting_user=cadre, token=tokens.make_token(sitting, now - timedelta(minutes=3)))
    attendance.sitting_renew_code(acting_user=None, sitting=sitting)
    _refused("renewed", acting_user=cadre, token=token)
    # Someone else's account, unlinked, and an account that may not check in at all.
    _refused("unlinked", acting_user=f.make_user("other-cadre", "village_cadre", f.TANBA),
             token=tokens.make_token(sitting))
    _refused("forbidden", acting_user=link(users["supervisor"], f.make_person(f.TANBA, name="莫监督")),
             token=tokens.make_token(sitting))


def test_check_in_opens_half_an_hour_before_and_closes_at_the_end(cadre: Any, session: Session) -> None:
    now = timezone.now()
    later = make_sitting(session, starts_at=now + timedelta(minutes=31))
    soon = make_sitting(session, starts_at=now + timedelta(minutes=29))
    over = make_sitting(session, starts_at=now - timedelta(hours=4))
    enrol(session, cadre.person)
    error = _refused("not_open", acting_user=cadre, token=tokens.make_token(later), now=now)
    assert timezone.localtime(later.starts_at - timedelta(minutes=30)).strftime("%H:%M") in error.messages[0]
    _refused("over", acting_user=cadre, token=tokens.make_token(over), now=now)
    assert attendance.check_in(acting_user=cadre, token=tokens.make_token(soon), now=now).sitting == soon


def test_only_enrolled_people_check_in(cadre: Any, session: Session) -> None:
    sitting = make_sitting(session)
    _refused("not_enrolled", acting_user=cadre, token=tokens.make_token(sitting))
    enrolment = enrol(session, cadre.person, withdrawn=True)
    _refused("not_enrolled", acting_user=cadre, token=tokens.make_token(sitting))
    other = make_session(title="别的培训班")
    enrolment.delete()
    enrol(other, cadre.person)
    _refused("not_enrolled", acting_user=cadre, token=tokens.make_token(sitting))


def test_a_cancelled_session_takes_no_check_in(cadre: Any) -> None:
    session = make_session(state=Session.State.CANCELLED)
    sitting = make_sitting(session)
    enrol(session, cadre.person)
    _refused("cancelled", acting_user=cadre, token=tokens.make_token(sitting))


def test_a_code_scanned_in_its_life_counts_from_the_scan(cadre: Any, session: Session) -> None:
    """The log-in a scan led to may outlast the code: its life is counted from the scan."""
    sitting = make_sitting(session)
    enrol(session, cadre.person)
    scanned = timezone.now() - timedelta(minutes=5)
    token = tokens.make_token(sitting, scanned - timedelta(seconds=30))
    _refused("expired", acting_user=cadre, token=token)
    assert attendance.check_in(acting_user=cadre, token=token, scanned_at=scanned).sitting == sitting


# --- officers' marks -----------------------------------------------------------------------------


@pytest.fixture
def two_townships(session: Session) -> tuple[Enrolment, Enrolment]:
    """One person of 喻寺镇 (谭坝村) and one of 得胜镇 enrolled in the same 泸县 session."""
    return (enrol(session, f.make_person(f.TANBA, name="甘守仁")),
            enrol(session, f.make_person(f.OTHER_TOWNSHIP_VILLAGE, name="岑立新")))


def test_a_township_marks_its_own_people(users: dict[str, Any], session: Session, two_townships: Any) -> None:
    ours, _theirs = two_townships
    sitting = make_sitting(session)
    marked = attendance.attendance_mark(acting_user=users["township"], sitting=sitting, present=[ours.pk], absent=[])
    assert (marked.added, marked.removed) == (1, 0)
    row = Attendance.objects.get()
    assert (row.enrolment, row.method, row.recorded_by) == (ours, "officer", users["township"])
    event = AuditEvent.objects.get(action="training.attendance_mark")
    assert event.region_code == f.YUSI  # the township's own act, in its audit trail
    assert event.changes["present"] == [ours.pk]


def test_a_township_cannot_mark_another_townships_people(users: dict[str, Any], session: Session,
                                                         two_townships: Any) -> None:
    ours, theirs = two_townships
    sitting = make_sitting(session)
    with pytest.raises(ValidationError):
        attendance.attendance_mark(acting_user=users["township"], sitting=sitting, present=[ours.pk, theirs.pk],
                                   absent=[])
    assert not Attendance.objects.exists()
    marked = attendance.attendance_mark(acting_user=users["county"], sitting=sitting, present=[ours.pk, theirs.pk],
                                        absent=[])
    assert marked.added == 2


def test_a_session_of_another_county_is_out_of_reach(users: dict[str, Any]) -> None:
    session = make_session(region=f.GULIN)
    enrolment = enrol(session, f.make_person(f.GULIN_VILLAGE, name="蒲永昌"))
    with pytest.raises(ValidationError):
        attendance.attendance_mark(acting_user=users["county"], sitting=make_sitting(session), present=[enrolment.pk],
                                   absent=[])
    assert not Attendance.objects.exists()


def test_unmarking_removes_a_qr_check_in(cadre: Any, users: dict[str, Any], session: Session) -> None:
    sitting = make_sitting(session)
    enrolment = enrol(session, cadre.person)
    attendance.check_in(acting_user=cadre, token=tokens.make_token(sitting))
    marked = attendance.attendance_mark(acting_user=users["township"], sitting=sitting, present=[],
                                        absent=[enrolment.pk])
    assert (marked.added, marked.removed) == (0, 1)
    assert not Attendance.objects.exists()
    enrolment.refresh_from_db()
    assert enrolment.attended_hours == 0


def test_marks_refused(users: dict[str, Any], session: Session, two_townships: Any) -> None:
    ours, _theirs = two_townships
    officer = users["township"]
    future = make_sitting(session, starts_at=timezone.now() + timedelta(hours=2))
    with pytest.raises(ValidationError):  # not begun
        attendance.attendance_mark(acting_user=officer, sitting=future, present=[ours.pk], absent=[])
    sitting = make_sitting(session)
    with pytest.raises(ValidationError):  # both at once
        attendance.attendance_mark(acting_user=officer, sitting=sitting, present=[ours.pk], absent=[ours.pk])
    Enrolment.objects.filter(pk=ours.pk).update(withdrawn=True)
    with pytest.raises(ValidationError):  # withdrawn
        attendance.attendance_mark(acting_user=officer, sitting=sitting, present=[ours.pk], absent=[])
    with pytest.raises(ValidationError):  # a village cadre is no officer
        attendance.attendance_mark(acting_user=users["village"], sitting=sitting, present=[], absent=[ours.pk])
    assert not Attendance.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="training.").exists()


# --- completion and talent tags ------------------------------------------------------------------


def test_completion_follows_marks_and_earns_a_tag_once(users: dict[str, Any]) -> None:
    programme = make_programme(threshold=75, talent_tag="e_commerce")
    session = make_session(programme=programme)
    now = timezone.now()
    sittings = [make_sitting(session, starts_at=now - timedelta(days=d, hours=1)) for d in (2, 1, 0)]
    person = f.make_person(f.TANBA, name="甘守仁")
    enrolment = enrol(session, person)
    county = users["county"]
    for sitting in sittings[:2]:
        attendance.attendance_mark(acting_user=county, sitting=sitting, present=[enrolment.pk], absent=[])
    enrolment.refresh_from_db()
    assert (enrolment.attended_hours, enrolment.completed_on) == (Decimal(8), None)  # 8 of 12: under 75%
    attendance.attendance_mark(acting_user=county, sitting=sittings[2], present=[enrolment.pk], absent=[])
    enrolment.refresh_from_db()
    assert enrolment.completed_on == timezone.localdate(sittings[2].starts_at)
    tag = PersonTag.objects.get(person=person)
    assert (tag.tag, tag.enrolment, tag.earned_on) == ("e_commerce", enrolment, enrolment.completed_on)
    # The earliest sitting unmarked: 8 of 12 again, the completion and its tag undone.
    attendance.attendance_mark(acting_user=county, sitting=sittings[0], present=[], absent=[enrolment.pk])
    enrolment.refresh_from_db()
    assert (enrolment.attended_hours, enrolment.completed_on) == (Decimal(8), None)
    assert not PersonTag.objects.exists()
    assert AuditEvent.objects.filter(action="training.talent_tags").count() == 2


def test_a_tag_earned_twice_is_kept_while_one_completion_stands(users: dict[str, Any]) -> None:
    programme = make_programme(threshold=50, talent_tag="local_expert")
    person = f.make_person(f.TANBA, name="甘守仁")
    first, second = make_session(programme=programme), make_session(programme=programme, title="第二期")
    a, b = make_sitting(first), make_sitting(second)
    ea, eb = enrol(first, person), enrol(second, person)
    county = users["county"]
    attendance.attendance_mark(acting_user=county, sitting=a, present=[ea.pk], absent=[])
    attendance.attendance_mark(acting_user=county, sitting=b, present=[eb.pk], absent=[])
    assert PersonTag.objects.get(person=person).enrolment == ea
    attendance.attendance_mark(acting_user=county, sitting=a, present=[], absent=[ea.pk])
    assert PersonTag.objects.get(person=person).enrolment == eb  # still earned, by the other session
    attendance.attendance_mark(acting_user=county, sitting=b, present=[], absent=[eb.pk])
    assert not PersonTag.objects.exists()


def test_refresh_completion_is_a_fixed_number_of_queries(users: dict[str, Any], django_assert_max_num_queries: Any
                                                          ) -> None:
    session = make_session(programme=make_programme(threshold=50, talent_tag="manager"))
    sitting = make_sitting(session)
    people = f.make_people(f.TANBA, 12, with_post=False)
    enrolments = [enrol(session, p) for p in people]
    from lingtouyang.training.models import Attendance as A

    A.objects.bulk_create(A(enrolment=e, sitting=sitting, method="officer", checked_in_at=timezone.now())
                          for e in enrolments)
    with django_assert_max_num_queries(10):
        assert attendance.refresh_completion(e.pk for e in enrolments) == 12
    assert PersonTag.objects.count() == 12


# --- ratings -------------------------------------------------------------------------------------


def test_a_trainee_rates_a_session_attended_once(cadre: Any, session: Session) -> None:
    sitting = make_sitting(session)
    enrolment = enrol(session, cadre.person)
    with pytest.raises(ValidationError):  # not attended yet
        attendance.evaluation_submit(acting_user=cadre, enrolment=enrolment, score=5)
    attendance.check_in(acting_user=cadre, token=tokens.make_token(sitting))
    for bad in (0, 6):
        with pytest.raises(ValidationError):
            attendance.evaluation_submit(acting_user=cadre, enrolment=enrolment, score=bad)
    evaluation = attendance.evaluation_submit(acting_user=cadre, enrolment=enrolment, score=4, comment=" 很实用 ")
    assert (evaluation.score, evaluation.comment) == (4, "很实用")
    with pytest.raises(ValidationError):
        attendance.evaluation_submit(acting_user=cadre, enrolment=enrolment, score=5)
    assert Evaluation.objects.count() == 1


def test_no_one_rates_for_someone_else(cadre: Any, session: Session, users: dict[str, Any]) -> None:
    other = enrol(session, f.make_person(f.TANBA, name="别人"))
    make_sitting(session)
    with pytest.raises(ValidationError):
        attendance.evaluation_submit(acting_user=cadre, enrolment=other, score=5)
    with pytest.raises(ValidationError):
        attendance.evaluation_submit(acting_user=users["county"], enrolment=other, score=5)
    assert not Evaluation.objects.exists()


def test_renewing_voids_earlier_codes(users: dict[str, Any], cadre: Any, session: Session) -> None:
    sitting = make_sitting(session)
    enrol(session, cadre.person)
    old = tokens.make_token(sitting)
    attendance.sitting_renew_code(acting_user=users["township"], sitting=sitting)
    assert sitting.token_nonce == 1
    _refused("renewed", acting_user=cadre, token=old)
    assert attendance.check_in(acting_user=cadre, token=tokens.make_token(sitting)).sitting == sitting
    other = make_session(region=f.GULIN)
    with pytest.raises(ValidationError):
        attendance.sitting_renew_code(acting_user=users["county"], sitting=make_sitting(other))
