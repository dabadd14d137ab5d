"""The demo careers: Luzhou's first half of 2021 (7 into township leadership, 5 civil service)."""

from collections import Counter
from datetime import date

import pytest

from lingtouyang.careers import selectors
from lingtouyang.careers.demo import demo_careers
from lingtouyang.careers.models import CareerEvent
from lingtouyang.people.demo import generate, villages_without_people
from lingtouyang.people.models import Appointment
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_demo_careers_once() -> None:
    generate(villages_without_people("5105"))
    assert "7 into township leadership" in demo_careers("5105")
    events = list(CareerEvent.objects.all())
    assert Counter(e.kind for e in events) == {"township_leadership": 7, "civil_service": 5, "public_institution": 3,
                                              "resignation": 4, "dismissal": 1}
    assert all(date(2021, 1, 1) <= e.date <= date(2021, 6, 30) for e in events)
    assert all(e.reason for e in events if e.kind in ("resignation", "dismissal"))
    assert len({e.person_id for e in events}) == len(events)
    # Nobody moved up still holds a post: they left at the 2021 election.
    assert not Appointment.objects.current(date(2021, 7, 1)).filter(person__in=[e.person_id for e in events]).exists()
    city = f.make_user("city", "city_admin", f.CITY)
    report = selectors.channel_report(city, "5105", 2021)
    assert [(h["half"], h["counts"]) for h in report["halves"]] == [(1, [7, 5, 3])]
    assert demo_careers("5105") == "" and CareerEvent.objects.count() == len(events)
