"""The training catalogue and sessions: who may write what, and the checks on places, days and sittings.
The `Plan` helper and its fixture are shared by the other planning and enrolment tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.accounts.roles import Role
from lingtouyang.audit.models import AuditEvent
from lingtouyang.regions.models import Region
from lingtouyang.training import selectors, services
from lingtouyang.training.models import Programme, Session, TrainingBase
from tests import factories as f

LUXIAN = "510521000000"
DAY1, DAY3 = date(2026, 6, 1), date(2026, 6, 3)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone())


@dataclass
class Plan:
    users: dict[str, Any]
    base: TrainingBase
    programme: Programme

    def session(self, *, who: str = "county", start: date = DAY1, end: date = DAY3, capacity: int = 10,
                title: str = "泸县新任书记培训班", **extra: Any) -> Session:
        user = self.users[who]
        return services.session_create(acting_user=user, region=user.region, programme=self.programme,
                                       base=extra.pop("base", self.base), title=title, start_date=start,
                                       end_date=end, capacity=capacity, **extra)

    def sitting(self, session: Session, day: date = DAY1, start: int = 9, end: int = 12, hours: str = "3",
                who: str = "county") -> Any:
        return services.sitting_add(acting_user=self.users[who], session=session, starts_at=at(day, start),
                                    ends_at=at(day, end), hours=Decimal(hours), subject="乡村振兴", teacher="李老师")


def make_plan(users: dict[str, Any]) -> Plan:
    """The city's party school (50 places) and a programme of the city, for the named users and 古蔺's admin."""
    extra = {"gulin_admin": f.make_user("gulin_admin", Role.COUNTY_ADMIN, f.GULIN)}
    all_users = {**users, **extra}
    city = Region.objects.get(code=f.CITY)
    with translation.override("en"):
        base = services.base_create(acting_user=all_users["city"], region=city, name="泸州市委党校", host="市委党校",
                                    capacity=50, kind="party_school", specialties=["party_building"])
        programme = services.programme_create(acting_user=all_users["city"], region=city, title="新任村党组织书记示范培训",
                                              topic="party_building", form="centralised", hours=Decimal("24"),
                                              audience="new_secretaries", threshold=80, talent_tag="")
    return Plan(all_users, base, programme)


@pytest.fixture
def plan(users: dict[str, Any]) -> Plan:
    return make_plan(users)


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


# --- the catalogue ---------------------------------------------------------------------------------


def test_the_city_registers_a_base_and_it_is_audited(plan: Plan) -> None:
    event = AuditEvent.objects.filter(action="training.base_create").get()
    assert event.object_id == str(plan.base.pk)
    assert event.changes["capacity"] == [None, 50]


def test_a_county_cannot_register_a_base(plan: Plan) -> None:
    with pytest.raises(ValidationError, match="outside your jurisdiction"):
        services.base_create(acting_user=plan.users["county"], region=Region.objects.get(code=LUXIAN),
                             name="泸县基地", host="泸县党校", capacity=30)
    assert TrainingBase.objects.count() == 1


def test_a_base_needs_a_capacity_and_a_unique_name(plan: Plan) -> None:
    city = Region.objects.get(code=f.CITY)
    with pytest.raises(ValidationError) as exc:
        services.base_create(acting_user=plan.users["city"], region=city, name="泸州市委党校", host="x", capacity=0)
    assert "capacity" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.base_create(acting_user=plan.users["city"], region=city, name="泸州市委党校", host="x", capacity=5)
    assert "name" in exc.value.message_dict


def test_editing_a_base_is_audited_with_the_change(plan: Plan) -> None:
    services.base_update(acting_user=plan.users["city"], base=plan.base, capacity=80, active=False)
    plan.base.refresh_from_db()
    assert (plan.base.capacity, plan.base.active) == (80, False)
    assert AuditEvent.objects.get(action="training.base_update").changes == {"capacity": [50, 80],
                                                                            "active": [True, False]}


def test_a_refused_edit_changes_nothing(plan: Plan) -> None:
    with pytest.raises(ValidationError):
        services.base_update(acting_user=plan.users["city"], base=plan.base, capacity=0)
    assert TrainingBase.objects.get(pk=plan.base.pk).capacity == 50
    assert plan.base.capacity == 50


def test_the_city_catalogue_is_shared_down_but_not_sideways(plan: Plan) -> None:
    luxian_base = services.base_create(acting_user=plan.users["city"], region=Region.objects.get(code=LUXIAN),
                                       name="泸县现场教学点", host="泸县", capacity=20, kind="field_site")
    county, gulin, village = plan.users["county"], plan.users["gulin_admin"], plan.users["village"]
    assert set(selectors.base_list(county)) == {plan.base, luxian_base}
    assert set(selectors.base_list(village)) == {plan.base, luxian_base}
    assert set(selectors.base_list(gulin)) == {plan.base}
    assert list(selectors.programme_list(gulin)) == [plan.programme]
    assert list(selectors.base_list(plan.users["reviewer"])) == []


def test_a_programme_threshold_is_a_share(plan: Plan) -> None:
    with pytest.raises(ValidationError) as exc:
        services.programme_update(acting_user=plan.users["city"], programme=plan.programme, threshold=0)
    assert "threshold" in exc.value.message_dict
    services.programme_update(acting_user=plan.users["city"], programme=plan.programme, threshold=90,
                              talent_tag="local_expert")
    assert Programme.objects.get(pk=plan.programme.pk).talent_tag == "local_expert"


def test_a_county_cannot_edit_the_city_programme(plan: Plan) -> None:
    with pytest.raises(ValidationError, match="outside your jurisdiction"):
        services.programme_update(acting_user=plan.users["county"], programme=plan.programme, hours=Decimal(1))


# --- sessions --------------------------------------------------------------------------------------


def test_a_county_schedules_a_session_of_the_city_programme(plan: Plan) -> None:
    session = plan.session()
    assert session.region_id == LUXIAN and session.state == "scheduled"
    assert session.created_by == plan.users["county"]
    assert AuditEvent.objects.filter(action="training.session_create", object_id=str(session.pk)).exists()


def test_places_must_be_positive_and_fit_the_base(plan: Plan) -> None:
    with pytest.raises(ValidationError) as exc:
        plan.session(capacity=51)
    assert "the base holds 50 trainees" in exc.value.message_dict["capacity"][0]
    with pytest.raises(ValidationError) as exc:
        plan.session(capacity=0)
    assert "capacity" in exc.value.message_dict
    assert not Session.objects.exists()


def test_the_last_day_is_not_before_the_first(plan: Plan) -> None:
    with pytest.raises(ValidationError) as exc:
        plan.session(start=DAY3, end=DAY1)
    assert "end_date" in exc.value.message_dict


def test_a_programme_of_another_county_cannot_be_used(plan: Plan) -> None:
    gulin = Region.objects.get(code=f.GULIN)
    theirs = services.programme_create(acting_user=None, region=gulin, title="古蔺电商", topic="e_commerce",
                                       form="lecture", hours=Decimal(8), audience="all_cadres")
    with pytest.raises(ValidationError) as exc:
        services.session_create(acting_user=plan.users["county"], region=plan.users["county"].region,
                                programme=theirs, base=plan.base, title="x", start_date=DAY1, end_date=DAY3,
                                capacity=5)
    assert "programme" in exc.value.message_dict


def test_a_township_cannot_schedule(plan: Plan) -> None:
    with pytest.raises(ValidationError, match="outside your jurisdiction"):
        plan.session(who="township")


def test_the_session_hours_are_the_sum_of_its_sittings(plan: Plan) -> None:
    session = plan.session()
    plan.sitting(session, DAY1, 9, 12, "3")
    plan.sitting(session, DAY1, 14, 17, "2.5")
    plan.sitting(session, DAY3, 9, 11, "2")
    assert services.session_hours(session) == Decimal("7.5")
    assert selectors.with_figures(Session.objects.filter(pk=session.pk)).get().hours == Decimal("7.5")


def test_a_sitting_falls_within_the_session_days(plan: Plan) -> None:
    session = plan.session()
    with pytest.raises(ValidationError) as exc:
        plan.sitting(session, DAY3 + timedelta(days=1))
    assert "starts_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        plan.sitting(session, DAY1 - timedelta(days=1))
    assert "starts_at" in exc.value.message_dict
    assert not session.sittings.exists()


def test_sittings_do_not_overlap_but_may_touch(plan: Plan) -> None:
    session = plan.session()
    plan.sitting(session, DAY1, 9, 12)
    with pytest.raises(ValidationError, match="overlaps"):
        plan.sitting(session, DAY1, 11, 13, "2")
    plan.sitting(session, DAY1, 12, 13, "1")
    assert session.sittings.count() == 2


def test_a_sitting_cannot_count_more_hours_than_it_lasts(plan: Plan) -> None:
    with pytest.raises(ValidationError) as exc:
        plan.sitting(plan.session(), DAY1, 9, 10, "2")
    assert "hours" in exc.value.message_dict


def test_moving_the_days_cannot_strand_a_sitting(plan: Plan) -> None:
    session = plan.session()
    plan.sitting(session, DAY3)
    with pytest.raises(ValidationError) as exc:
        services.session_update(acting_user=plan.users["county"], session=session, end_date=DAY1 + timedelta(days=1))
    assert "end_date" in exc.value.message_dict
    assert Session.objects.get(pk=session.pk).end_date == DAY3
    assert session.end_date == DAY3


def test_cancelling_needs_a_reason_and_freezes_the_session(plan: Plan) -> None:
    session = plan.session()
    with pytest.raises(ValidationError):
        services.session_cancel(acting_user=plan.users["county"], session=session, reason=" ")
    services.session_cancel(acting_user=plan.users["county"], session=session, reason="疫情")
    session.refresh_from_db()
    assert (session.state, session.cancel_reason) == ("cancelled", "疫情")
    assert AuditEvent.objects.get(action="training.session_cancelled").changes["reason"] == [None, "疫情"]
    with pytest.raises(ValidationError, match="cannot be changed"):
        plan.sitting(session)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.session_update(acting_user=plan.users["county"], session=session, title="新名")
    with pytest.raises(ValidationError, match="cannot become"):
        services.session_cancel(acting_user=plan.users["county"], session=session, reason="again")


def test_a_finished_session_cannot_be_changed(plan: Plan) -> None:
    session = plan.session()
    services.session_finish(acting_user=plan.users["county"], session=session)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.session_update(acting_user=plan.users["county"], session=session, capacity=5)
    with pytest.raises(ValidationError, match="cannot become"):
        services.session_cancel(acting_user=plan.users["county"], session=session, reason="x")


def test_another_county_cannot_change_the_session(plan: Plan) -> None:
    session = plan.session()
    with pytest.raises(ValidationError, match="outside your jurisdiction"):
        services.session_update(acting_user=plan.users["gulin_admin"], session=session, capacity=5)
    with pytest.raises(ValidationError, match="outside your jurisdiction"):
        services.session_cancel(acting_user=plan.users["gulin_admin"], session=session, reason="x")


def test_sessions_list_upcoming_first(plan: Plan) -> None:
    today = timezone.localdate()
    past = plan.session(start=today - timedelta(days=30), end=today - timedelta(days=29), title="past")
    later = plan.session(start=today + timedelta(days=20), end=today + timedelta(days=21), title="later")
    soon = plan.session(start=today + timedelta(days=2), end=today + timedelta(days=3), title="soon")
    older = plan.session(start=today - timedelta(days=90), end=today - timedelta(days=89), title="older")
    assert list(selectors.session_list(plan.users["county"])) == [soon, later, past, older]
    assert list(selectors.session_list(plan.users["county"], year=(today - timedelta(days=90)).year)).count(older) == 1


def test_a_county_session_is_seen_below_and_above_but_not_by_another_county(plan: Plan) -> None:
    session = plan.session()
    for who in ("city", "county", "township", "village"):
        assert list(selectors.session_list(plan.users[who])) == [session], who
    assert list(selectors.session_list(plan.users["gulin_admin"])) == []


# --- the overlap rule ------------------------------------------------------------------------------

_spans = st.lists(st.tuples(st.integers(0, 100), st.integers(1, 20)).map(lambda t: (t[0], t[0] + t[1])),
                  max_size=8)


@given(_spans)
def test_overlapping_agrees_with_comparing_every_pair(spans: list[tuple[int, int]]) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    times = [(base + timedelta(hours=a), base + timedelta(hours=b)) for a, b in spans]
    brute = any(a[0] < b[1] and b[0] < a[1] for i, a in enumerate(times) for b in times[i + 1:])
    assert services.overlapping(times) == brute
