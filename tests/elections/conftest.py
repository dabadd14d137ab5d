from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.elections import services
from lingtouyang.elections.models import Election
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.review import services as review_services
from lingtouyang.review.models import Department, ReviewRound
from tests import factories as f

ELECTION_DAY = date(2026, 3, 15)
_rounds = iter(range(1, 10_000))


def review(people: Iterable[Person], *, fail: bool = False, finish: bool = True) -> ReviewRound:
    """Put people through a joint review round of their county, through the review's own services: every
    department passes them (cleared), the police fails them (`fail`), or the court has yet to decide
    (`finish` false: pending)."""
    people = list(people)
    county = Region.objects.get(code=people[0].region_id[:6] + "000000")
    police, court = Department.objects.get(name="公安"), Department.objects.get(name="法院")
    review_round = review_services.round_create(acting_user=None, region=county, name=f"换届联审{next(_rounds)}",
                                                election_date=date(2026, 3, 1), departments=[police, court])
    review_services.round_add_candidates(acting_user=None, review_round=review_round, people=people)
    review_services.round_open(acting_user=None, review_round=review_round)
    for candidate in review_round.candidates.all():
        review_services.verdict_record(acting_user=None, candidate=candidate, department=police, passed=not fail,
                                       reason="近5年内受过刑事处罚" if fail else "")
        if finish:
            review_services.verdict_record(acting_user=None, candidate=candidate, department=court, passed=True)
    return review_round


@dataclass
class World:
    users: dict[str, Any]
    tanba: list[Person]  # cleared, on 谭坝村's roster
    neighbour: Person  # cleared, on 兴隆村's roster (same township)
    unreviewed: Person  # 谭坝村, never reviewed
    failed: Person  # 谭坝村, failed by the police
    pending: Person  # 谭坝村, the court has not decided

    def election(self, kind: str = "committee", **extra: Any) -> Election:
        data = {"region": Region.objects.get(code=f.TANBA), "kind": kind, "election_date": ELECTION_DAY}
        data.update(extra)
        return services.election_create(acting_user=self.users["township"], **data)


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    """Messages are asserted in English: services run in it, and pages are asked for it."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(users) -> World:  # noqa: ANN001
    names = ["甘守仁", "柏长青", "童立本", "侯佑民", "危振邦", "齐德润"]
    tanba = [f.make_person(f.TANBA, name=n, born=date(1975 + i, 5, 17)) for i, n in enumerate(names)]
    neighbour = f.make_person(f.OTHER_YUSI_VILLAGE, name="莫怀远", born=date(1978, 1, 2))
    review([*tanba, neighbour])
    failed = f.make_person(f.TANBA, name="裘不归", born=date(1980, 2, 2))
    review([failed], fail=True)
    pending = f.make_person(f.TANBA, name="滕未决", born=date(1981, 3, 3))
    review([pending], finish=False)
    return World(users=users, tanba=tanba, neighbour=neighbour,
                 unreviewed=f.make_person(f.TANBA, name="闻未审", born=date(1982, 4, 4)), failed=failed,
                 pending=pending)
