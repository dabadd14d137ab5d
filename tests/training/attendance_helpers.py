"""Small factories for the attendance tests (and the permission matrix): programmes, sessions, sittings and
enrolments made with the ORM directly, since planning's services are another part's."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lingtouyang.people.models import Person
from lingtouyang.training.models import Enrolment, Programme, Session, Sitting

CITY = "510500000000"
LUXIAN = "510521000000"


def make_programme(*, region: str = CITY, title: str = "乡村振兴专题", threshold: int = 80, talent_tag: str = "",
                   hours: str = "8") -> Programme:
    return Programme.objects.create(region_id=region, title=title, topic="rural_revitalisation", form="lecture",
                                    hours=Decimal(hours), audience="all_cadres", threshold=threshold,
                                    talent_tag=talent_tag)


def make_session(*, region: str = LUXIAN, programme: Programme | None = None, title: str = "泸县村干部培训班",
                 start: datetime | None = None, state: str = Session.State.SCHEDULED) -> Session:
    day = timezone.localdate(start) if start else timezone.localdate()
    return Session.objects.create(region_id=region, programme=programme or make_programme(), title=title,
                                  start_date=day - timedelta(days=1), end_date=day + timedelta(days=2),
                                  capacity=100, state=state)


def make_sitting(session: Session, *, starts_at: datetime | None = None, hours: str = "4",
                 length: timedelta = timedelta(hours=3), subject: str = "") -> Sitting:
    """A sitting starting at `starts_at` (default: started ten minutes ago, so check-in is open)."""
    start = starts_at or timezone.now() - timedelta(minutes=10)
    return Sitting.objects.create(session=session, starts_at=start, ends_at=start + length, hours=Decimal(hours),
                                  subject=subject)


def enrol(session: Session, person: Person, **extra: Any) -> Enrolment:
    return Enrolment.objects.create(session=session, person=person, region_id=person.region_id, **extra)


def link(user: Any, person: Person) -> Any:
    user.person = person
    user.save(update_fields=["person"])
    return user
