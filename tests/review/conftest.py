from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.accounts.roles import Role
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.review import services
from lingtouyang.review.models import Department, ReviewRound
from tests import factories as f

LUXIAN = "510521000000"
ELECTION = date(2026, 6, 1)


@dataclass
class Review:
    users: dict[str, Any]
    people: list[Person]
    gulin_person: Person
    police: Department
    court: Department
    petitions: Department

    def round(self, **extra: Any) -> ReviewRound:
        data = {"name": "泸县换届联审", "election_date": ELECTION, "departments": [self.police, self.court]}
        data.update(extra)
        return services.round_create(acting_user=self.users["county"], region=Region.objects.get(code=LUXIAN), **data)

    def open_round(self, people: list[Person] | None = None, **extra: Any) -> ReviewRound:
        review_round = self.round(**extra)
        services.round_add_candidates(acting_user=self.users["county"], review_round=review_round,
                                      people=people or self.people)
        return services.round_open(acting_user=self.users["county"], review_round=review_round)


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    """Messages are asserted in English: services run in it, and pages are asked for it."""
    with translation.override("en"):
        yield


@pytest.fixture
def review(users) -> Review:  # noqa: ANN001
    people = [f.make_person(f.TANBA, name="甘守仁", born=date(1980, 5, 17)),
              f.make_person(f.OTHER_YUSI_VILLAGE, name="莫怀远", born=date(1975, 1, 2)),
              f.make_person(f.OTHER_TOWNSHIP_VILLAGE, name="岑立新", born=date(1970, 9, 9))]
    extra = {
        "police": f.make_user("luxian_police", Role.DEPT_REVIEWER, LUXIAN, department="公安"),
        "court": f.make_user("luxian_court", Role.DEPT_REVIEWER, LUXIAN, department="法院"),
        "petitions": f.make_user("luxian_petitions", Role.DEPT_REVIEWER, LUXIAN, department="信访"),
        "gulin_police": f.make_user("gulin_police", Role.DEPT_REVIEWER, f.GULIN, department="公安"),
        "gulin_admin": f.make_user("gulin_admin", Role.COUNTY_ADMIN, f.GULIN),
    }
    return Review(users={**users, **extra}, people=people,
                  gulin_person=f.make_person(f.GULIN_VILLAGE, name="蒲永昌"),
                  police=Department.objects.get(name="公安"), court=Department.objects.get(name="法院"),
                  petitions=Department.objects.get(name="信访"))
