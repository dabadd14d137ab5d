from dataclasses import dataclass
from datetime import date
from itertools import count
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.accounts.roles import Role
from lingtouyang.appointments import services
from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region
from lingtouyang.review import services as review_services
from lingtouyang.review.models import Department, ReviewRound
from tests import factories as f

LUXIAN = "510521000000"
_rounds = count(1)


def snapshot() -> tuple[Any, ...]:
    """Every row a refused change must leave as it was."""
    return (list(AppointmentRequest.objects.order_by("pk").values()), list(Appointment.objects.order_by("pk").values()),
            AuditEvent.objects.exclude(action__startswith="access.").count())


def review(person: Person, verdict: bool | None = True) -> ReviewRound:
    """The person through a joint review of their county: passed (True), failed (False) or still pending (None)."""
    county = Region.objects.get(code=person.region_id[:6] + "000000")
    police = Department.objects.get(name="公安")
    review_round = review_services.round_create(acting_user=None, region=county, name=f"联审{next(_rounds)}",
                                                election_date=date(2026, 6, 1), departments=[police])
    candidate, = review_services.round_add_candidates(acting_user=None, review_round=review_round, people=[person])
    review_services.round_open(acting_user=None, review_round=review_round)
    if verdict is not None:
        review_services.verdict_record(acting_user=None, candidate=candidate, department=police, passed=verdict,
                                       reason="" if verdict else "有违法记录")
    return review_round


@dataclass
class World:
    users: dict[str, Any]
    gan: Person  # 谭坝村, 喻寺镇, 泸县: a newcomer, cleared by the joint review
    mo: Person  # another village of 喻寺镇: on the committee (party_member since 2021)
    cen: Person  # 得胜镇, 泸县 (outside 喻寺镇), cleared
    pu: Person  # 古蔺县, cleared
    mo_post: Appointment

    def appoint(self, person: Person | None = None, who: str = "township", **extra: Any) -> AppointmentRequest:
        person = person or self.gan
        data: dict[str, Any] = {"region": person.region, "post": "party_secretary", "start_date": date(2026, 7, 1),
                                "basis": "by_election"}
        data.update(extra)
        return services.request_create(acting_user=self.users[who], kind="appoint", person=person, **data)

    def end(self, kind: str = "resign", who: str = "township", appointment: Appointment | None = None,
            **extra: Any) -> AppointmentRequest:
        data: dict[str, Any] = {"end_date": date(2026, 6, 30), "reason": "因病辞职"}
        data.update(extra)
        return services.request_create(acting_user=self.users[who], kind=kind,
                                       appointment=appointment or self.mo_post, **data)


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    """Messages are asserted in English: services run in it, and pages are asked for it."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(users) -> World:  # noqa: ANN001
    extra = {
        "gulin_admin": f.make_user("gulin_admin", Role.COUNTY_ADMIN, f.GULIN),
        "township2": f.make_user("township_colleague", Role.TOWNSHIP_OFFICER, f.YUSI),
    }
    gan = f.make_person(f.TANBA, name="甘守仁", born=date(1988, 5, 17))
    mo = f.make_person(f.OTHER_YUSI_VILLAGE, name="莫怀远", born=date(1975, 1, 2))
    cen = f.make_person(f.OTHER_TOWNSHIP_VILLAGE, name="岑立新", born=date(1970, 9, 9))
    pu = f.make_person(f.GULIN_VILLAGE, name="蒲永昌", born=date(1987, 3, 3))
    for person in (gan, cen, pu):
        review(person)
    return World(users={**users, **extra}, gan=gan, mo=mo, cen=cen, pu=pu, mo_post=f.make_appointment(mo))
