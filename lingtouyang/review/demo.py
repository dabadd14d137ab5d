"""Demo data: one joint review round in progress in 古蔺县, written through the services."""

from __future__ import annotations

from datetime import date

from lingtouyang.accounts.models import User
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.review import services
from lingtouyang.review.models import Department, ReviewRound

COUNTY = "510525000000"
ROUND_NAME = "古蔺县2027年村（社区）“两委”换届人选任职资格联审"
POLICE_FAIL_REASON = "近5年内因赌博受过行政拘留"


def demo_round(candidates: int = 10) -> ReviewRound | None:
    """Idempotent: a second run finds the round and adds nothing."""
    if ReviewRound.objects.filter(region_id=COUNTY, name=ROUND_NAME).exists():
        return None
    people = list(Person.objects.within("510525").order_by("id")[:candidates])
    if not people:
        return None
    departments = list(Department.objects.all())
    review_round = services.round_create(acting_user=None, region=Region.objects.get(code=COUNTY), name=ROUND_NAME,
                                         election_date=date(2027, 1, 15), departments=departments)
    services.round_add_candidates(acting_user=None, review_round=review_round, people=people)
    services.round_open(acting_user=None, review_round=review_round)
    candidates_ = list(review_round.candidates.order_by("id"))
    police = Department.objects.get(name="公安")
    officer = User.objects.filter(username="gulin-police").first()
    # Most departments are done; 信访 and 卫健 lag; 公安 has failed one and has the rest still to do.
    for department in departments:
        if department.name in ("信访", "卫健"):
            todo = candidates_[:3]
        elif department == police:
            todo = candidates_[:1]
        else:
            todo = candidates_
        for candidate in todo:
            if department == police and officer is not None:
                services.verdict_record(acting_user=officer, candidate=candidate, passed=False,
                                        reason=POLICE_FAIL_REASON)
            else:
                services.verdict_record(acting_user=None, candidate=candidate, department=department,
                                        passed=department != police, reason="" if department != police
                                        else POLICE_FAIL_REASON)
    return review_round
