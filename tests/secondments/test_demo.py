"""The demo secondments: 48 community party secretaries to Shanghai and Chengdu, built once."""

from collections import Counter
from datetime import date

import pytest

from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.codes import Post
from lingtouyang.people.demo import generate, villages_without_people
from lingtouyang.people.models import Appointment
from lingtouyang.secondments.demo import demo_secondments
from lingtouyang.secondments.models import Secondment

pytestmark = pytest.mark.django_db


def test_the_demo_seconds_48_community_secretaries_once() -> None:
    generate(villages_without_people("5105"))
    today = date(2026, 11, 27)
    assert demo_secondments("5105", today) == 48
    rows = list(Secondment.objects.select_related("region"))
    assert len(rows) == 48 == len({s.person_id for s in rows})
    assert {s.region.kind for s in rows} == {"community"}
    secretaries = set(Appointment.objects.current(today).filter(post=Post.PARTY_SECRETARY)
                      .values_list("person_id", "region_id"))
    assert {(s.person_id, s.region_id) for s in rows} <= secretaries
    assert Counter(s.host_place for s in rows) == {"上海市": 24, "成都市": 24}
    assert all(date(2025, 1, 1) <= s.start_date and s.end_date <= date(2026, 12, 31) for s in rows)
    # States follow the dates: two groups evaluated, the third under way with its mid-term evaluation.
    assert Counter(s.state for s in rows) == {"evaluated": 32, "in_progress": 16}
    assert all(s.mid_grade and s.final_grade and s.final_on >= s.end_date for s in rows if s.state == "evaluated")
    assert all(s.mid_grade and not s.final_grade for s in rows if s.state == "in_progress")
    assert len({s.region_id[:6] for s in rows}) > 1  # spread over the counties
    events = AuditEvent.objects.exclude(action__startswith="access.").count()
    assert demo_secondments("5105", today) == 0  # idempotent
    assert (Secondment.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count()) == (48, events)
