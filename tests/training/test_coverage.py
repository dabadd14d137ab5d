"""Training coverage: the figures for the region, by post and by region below, the untrained list and the
overdue alerts, each checked against the same figures counted in plain Python from the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.people.models import Appointment, Person
from lingtouyang.training.coverage import POST_BITS, coverage_report, current_term, posts_of, untrained
from tests import factories as f
from tests.training.coverage_helpers import enrol, expected, make_session

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = date(2021, 3, 1)


@dataclass
class World:
    secretary: Person  # 谭坝村: secretary and director, trained
    member: Person  # 谭坝村: trained before the term only
    withdrawn: Person  # 谭坝村: completed a session but withdrawn from it
    newcomer: Person  # 谭坝村: took up the post 30 days ago, untrained, not yet overdue
    promoted: Person  # 兴隆村: member 2021 (ended), secretary since 2023, trained in 2022
    two_villages: Person  # member in 兴隆村 and in 罐顶山村, trained
    departed: Person  # 罐顶山村: left in 2024, untrained (not a current cadre)
    supervisor: Person  # 古蔺: supervision committee only (not on the two committees)
    gulin: Person  # 古蔺: untrained since 2021
    future: Person  # 古蔺: appointed from next month (not yet current)
    community: Person  # 江阳区 community: trained
    old_term: Person  # 江阳区: 2016 term only


@pytest.fixture
def world(users: Any) -> World:
    def person(code: str, name: str) -> Person:
        return f.make_person(code, name=name)

    w = World(
        secretary=person(f.TANBA, "甘守仁"), member=person(f.TANBA, "柏长青"), withdrawn=person(f.TANBA, "童立本"),
        newcomer=person(f.TANBA, "侯佑民"), promoted=person(f.OTHER_YUSI_VILLAGE, "危振邦"),
        two_villages=person(f.OTHER_YUSI_VILLAGE, "齐德润"), departed=person(f.OTHER_TOWNSHIP_VILLAGE, "莫怀远"),
        supervisor=person(f.GULIN_VILLAGE, "裘不归"), gulin=person(f.GULIN_VILLAGE, "滕未决"),
        future=person(f.GULIN_VILLAGE, "闻未审"), community=person(f.JIANGYANG_COMMUNITY, "杜若兰"),
        old_term=person(f.JIANGYANG_COMMUNITY, "卫长风"))
    a = f.make_appointment
    a(w.secretary, post="party_secretary")
    a(w.secretary, post="village_director")
    a(w.member, post="village_member")
    a(w.withdrawn, post="party_member")
    a(w.newcomer, post="village_member", start=TODAY - timedelta(days=30), term=2021)
    a(w.promoted, post="party_member", end_date=date(2023, 5, 1), end_reason="转任")
    a(w.promoted, post="party_secretary", start=date(2023, 5, 1), term=2021)
    a(w.two_villages, post="village_member")
    # The roster's services keep a person to their own village; older imported rows may not.
    Appointment.objects.create(person=w.two_villages, region_id=f.OTHER_TOWNSHIP_VILLAGE, post="party_member",
                               term=2021, start_date=START)
    a(w.departed, post="village_deputy", end_date=date(2024, 1, 1), end_reason="辞职")
    a(w.supervisor, post="supervision_chair")
    a(w.gulin, post="village_member")
    # An appointment beginning next month (as a by-election approved ahead would write it).
    Appointment.objects.create(person=w.future, region_id=f.GULIN_VILLAGE, post="village_member", term=2021,
                               start_date=TODAY + timedelta(days=30))
    a(w.community, post="community_member")
    a(w.old_term, post="community_member", start=date(2016, 3, 1), end_date=date(2021, 3, 1), term=2016,
      end_reason="换届离任")

    induction = make_session(start=date(2021, 6, 1))
    enrol(induction, w.secretary, completed_on=date(2021, 6, 2), attended="8")
    enrol(induction, w.two_villages, completed_on=date(2021, 6, 2), attended="8")
    enrol(induction, w.withdrawn, completed_on=date(2021, 6, 2), attended="8", withdrawn=True)
    enrol(induction, w.departed)  # enrolled, never came
    enrol(induction, w.gulin, attended="4")  # came to half: not complete
    enrol(make_session(start=date(2022, 4, 6)), w.promoted, completed_on=date(2022, 4, 7), attended="8")
    enrol(make_session(start=date(2020, 9, 1)), w.member, completed_on=date(2020, 9, 2), attended="8")
    enrol(make_session(start=date(2025, 9, 1), region="510502000000"), w.community, completed_on=date(2025, 9, 2),
          attended="8")
    enrol(make_session(start=date(2020, 9, 1), region="510502000000"), w.old_term, completed_on=date(2020, 9, 2))
    return w


def _figures(c: Any) -> tuple[int, int, int]:
    return (c.cadres, c.trained, c.overdue)


def test_city_figures_match_the_rows(world: World) -> None:
    report = coverage_report("5105", today=TODAY)
    exp = expected("5105", TODAY)
    assert report.term == exp.term == 2021
    # 8 cadre-villages: the secretary, member, withdrawn and newcomer (谭坝), the promoted one, the one in two
    # villages twice, 古蔺's member, the community member. Trained: secretary, promoted, the two-village one
    # (twice), the community member.
    assert _figures(report.total) == exp.total() == (9, 5, 3)
    assert report.total.share == pytest.approx(5 / 9)


def test_figures_by_post_match_the_rows(world: World) -> None:
    report = coverage_report("5105", today=TODAY)
    assert {p: _figures(c) for p, c in report.by_post.items()} == expected("5105", TODAY).by_post()
    # The 一肩挑 secretary counts under both posts; the ended party-member post of the promoted one under none.
    assert _figures(report.by_post["village_director"]) == (1, 1, 0)
    assert _figures(report.by_post["party_secretary"]) == (2, 2, 0)
    assert "supervision_chair" not in report.by_post


def test_figures_by_region_below(world: World) -> None:
    report = coverage_report("5105", today=TODAY)
    rows = {r.code: _figures(r.figures) for r in report.rows if r.figures.cadres}
    assert rows == expected("5105", TODAY).by_group(6)
    assert rows["510521"] == (7, 4, 2) and rows["510525"] == (1, 0, 1) and rows["510502"] == (1, 1, 0)
    # Every county of the city is a row, with or without cadres, named.
    assert len(report.rows) == 7 and all(r.region is not None for r in report.rows)
    county = coverage_report("510521", today=TODAY)
    assert {r.code: _figures(r.figures) for r in county.rows if r.figures.cadres} == \
        expected("510521", TODAY).by_group(9)


def test_a_village_reports_on_itself(world: World) -> None:
    report = coverage_report(f.TANBA, today=TODAY)
    assert _figures(report.total) == expected(f.TANBA, TODAY).total() == (4, 1, 2)
    assert [r.code for r in report.rows] == [f.TANBA]


def test_the_untrained_list(world: World) -> None:
    report = coverage_report("5105", today=TODAY)
    rows = untrained("5105", report.term, today=TODAY)
    assert sorted((r.person_id, r.region_id) for r in rows) == sorted(expected("5105", TODAY).untrained())
    names = [r.name for r in rows]
    assert set(names) == {"柏长青", "童立本", "侯佑民", "滕未决"}
    assert names[-1] == "侯佑民"  # longest waiting first
    newest = rows[-1]
    assert (newest.start, newest.days, newest.overdue, newest.posts) == (
        TODAY - timedelta(days=30), 30, False, ["village_member"])
    assert newest.village == "谭坝村"
    # Paged: the next page starts where the last ended.
    assert [r.name for r in untrained("5105", 2021, today=TODAY, limit=2)] + \
        [r.name for r in untrained("5105", 2021, today=TODAY, limit=2, offset=2)] == names


def test_overdue_alerts_follow_the_deadline(world: World, settings: Any) -> None:
    overdue = untrained("5105", 2021, today=TODAY, overdue_only=True)
    assert {r.name for r in overdue} == {"柏长青", "童立本", "滕未决"} and all(r.overdue for r in overdue)
    # Policy as data: a 20-day deadline makes the newcomer overdue too.
    settings.LINGTOUYANG_TRAINING_DEADLINE_DAYS = 20
    assert coverage_report("5105", today=TODAY).total.overdue == 4
    assert expected("5105", TODAY, deadline=20).total() == (9, 5, 4)
    assert len(untrained("5105", 2021, today=TODAY, overdue_only=True)) == 4


def test_a_later_day_sees_the_appointments_current_then(world: World) -> None:
    later = TODAY + timedelta(days=60)  # the future appointment has begun
    report = coverage_report("5105", today=later)
    assert _figures(report.total) == expected("5105", later).total() == (10, 5, 3)


def test_no_term_no_figures(db: Any) -> None:
    report = coverage_report("5105", today=TODAY)
    assert report.term is None and current_term("5105") is None
    assert _figures(report.total) == (0, 0, 0) and report.rows == []


@given(st.sets(st.sampled_from(list(POST_BITS))))
def test_post_sets_round_trip(posts: set[str]) -> None:
    mask = sum(POST_BITS[p] for p in posts)
    assert set(posts_of(mask)) == posts
