"""The training demo at city scale: 26 bases, the 2021 term fully trained (新一届村(社区)干部培训率已达100%), a
year of sessions whose completion agrees with the attendance by the rule, tags for completed tag
programmes, and a second run that adds nothing."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from lingtouyang.people.demo import generate, villages_without_people
from lingtouyang.training.coverage import coverage_report
from lingtouyang.training.demo import demo_training
from lingtouyang.training.models import (
    Attendance,
    Enrolment,
    Evaluation,
    PersonTag,
    Session,
    Sitting,
    TrainingBase,
)

pytestmark = pytest.mark.django_db

LUZHOU = "5105"


def test_city_demo() -> None:
    generate(villages_without_people(LUZHOU))
    added = demo_training(LUZHOU)
    assert added["bases"] == TrainingBase.objects.count() == 26
    names = set(TrainingBase.objects.values_list("name", flat=True))
    assert {"四川长征干部学院四渡赤水分院", "泸州市乡村振兴党员学院", "泸州职业技术学院", "四川化工职业技术学院"} <= names
    assert TrainingBase.objects.filter(kind="party_school").count() == 7
    assert TrainingBase.objects.filter(kind="field_site", region__level=5).count() == 13

    report = coverage_report(LUZHOU)
    assert report.term == 2021 and report.total.cadres > 7000
    assert report.total.trained == report.total.cadres and report.total.share == 1.0
    assert all(r.figures.trained == r.figures.cadres for r in report.rows)

    # Completion agrees with the attendance, by the rule, for every enrolment.
    hours = defaultdict(Decimal)
    for session, h in Sitting.objects.values_list("session_id", "hours"):
        hours[session] += h
    sitting_of = dict(Sitting.objects.values_list("id", "starts_at"))
    attended = defaultdict(list)
    for enrolment, sitting in Attendance.objects.values_list("enrolment_id", "sitting_id"):
        attended[enrolment].append(sitting)
    sitting_hours = dict(Sitting.objects.values_list("id", "hours"))
    rows = Enrolment.objects.values_list("id", "session_id", "attended_hours", "completed_on",
                                         "session__programme__threshold")
    for pk, session, attended_hours, completed_on, threshold in rows:
        running, crossed = Decimal(0), None
        for sitting in sorted(attended[pk], key=sitting_of.get):
            running += sitting_hours[sitting]
            if crossed is None and running * 100 >= hours[session] * threshold:
                crossed = timezone.localdate(sitting_of[sitting])
        assert (attended_hours, completed_on) == (running, crossed), pk

    # A year of sessions, some still to come (no attendance yet), some finished with evaluations.
    today = timezone.localdate()
    upcoming = Session.objects.filter(start_date__gt=today)
    assert upcoming.exists() and not Attendance.objects.filter(sitting__session__in=upcoming).exists()
    assert Session.objects.filter(start_date__year=today.year, state="finished").count() > 20
    assert Evaluation.objects.exists()
    # Tags: earned by completing a programme that awards them, once per person and tag.
    tags = list(PersonTag.objects.select_related("enrolment__session__programme"))
    assert len(tags) > 50
    assert all(t.enrolment.completed_on == t.earned_on and t.enrolment.session.programme.talent_tag == t.tag
               for t in tags)
    assert {t.tag for t in tags} == {"local_expert", "farm_scholar", "industry_leader", "e_commerce", "manager"}

    counts = (TrainingBase.objects.count(), Session.objects.count(), Enrolment.objects.count(),
              Attendance.objects.count(), PersonTag.objects.count())
    assert demo_training(LUZHOU) == {"bases": 0, "sessions": 0, "enrolments": 0}
    assert counts == (TrainingBase.objects.count(), Session.objects.count(), Enrolment.objects.count(),
                      Attendance.objects.count(), PersonTag.objects.count())
