"""The demo reproduces Luzhou's published 2021 figures exactly, to their published precision
(seed/luzhou-village-cadres-2021.txt): 一肩挑 99.2%, new secretaries 61.7% returned migrant workers,
average age 41.4, down 4.2 years. Only the roster's generator is run (not the whole demo command), so
that other demo data (elections, appointment requests) cannot move the figures."""

from collections import defaultdict
from datetime import date

import pytest

from lingtouyang.elections.report import term_report
from lingtouyang.people.demo import generate, villages_without_people
from lingtouyang.people.models import Appointment, Person

pytestmark = pytest.mark.django_db

LUZHOU = "5105"
TWO_COMMITTEES = {"party_secretary", "party_deputy", "fulltime_deputy", "party_member", "village_director",
                  "village_deputy", "village_member", "community_director", "community_deputy", "community_member"}


def test_city_demo_reproduces_the_published_figures() -> None:
    generate(villages_without_people(LUZHOU))
    report = term_report(LUZHOU)
    now, before = report.current, report.previous
    assert (report.term, report.previous_term) == (2021, 2016)
    assert now.villages == before.villages == 1488
    assert f"{now.dual_share * 100:.1f}" == "99.2"
    assert f"{now.new_migrant_share * 100:.1f}" == "61.7"
    assert (f"{now.average_age:.1f}", f"{before.average_age:.1f}") == ("41.4", "45.6")
    assert f"{now.average_age - before.average_age:.1f}" == "-4.2"
    # Plausible before 2021: 一肩挑 rare, older, fewer with college.
    assert 0.25 < before.dual_share < 0.35 and before.college < before.members * 0.45 < now.college

    # The same four figures counted here from the rows.
    born = dict(Person.objects.values_list("id", "birth_date"))
    source = dict(Person.objects.values_list("id", "source"))
    first: dict[tuple[int, int], date] = {}
    posts: dict[tuple[int, str], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for person, region, post, term, start in Appointment.objects.values_list(
            "person_id", "region_id", "post", "term", "start_date"):
        if post in TWO_COMMITTEES:
            first[(term, person)] = min(first.get((term, person), start), start)
        posts[(term, region)][post].add(person)

    def average_age(term: int) -> float:
        ages = [s.year - born[p].year - ((s.month, s.day) < (born[p].month, born[p].day))
                for (t, p), s in first.items() if t == term]
        return sum(ages) / len(ages)

    secretaries = {r: held["party_secretary"] for (t, r), held in posts.items() if t == 2021}
    dual = sum(1 for (t, r), held in posts.items()
               if t == 2021 and held["party_secretary"] & (held["village_director"] | held["community_director"]))
    new = [p for r, people in secretaries.items() for p in people if p not in posts[(2016, r)]["party_secretary"]]
    assert round(dual / len(secretaries) * 100, 1) == 99.2
    assert round(sum(source[p] == "migrant_worker" for p in new) / len(new) * 100, 1) == 61.7
    assert (round(average_age(2021), 1), round(average_age(2016), 1)) == (41.4, 45.6)
    assert round(average_age(2021) - average_age(2016), 1) == -4.2
