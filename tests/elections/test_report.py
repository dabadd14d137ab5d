"""The term structure report's figures, checked against figures computed here, in Python, from the
rows themselves (not by calling the code under test)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingtouyang.elections.report import term_report
from lingtouyang.people.codes import Gender, Post, Source
from lingtouyang.people.models import Appointment, Person
from tests import factories as f

pytestmark = pytest.mark.django_db

# Written out here rather than imported: the two committees, not the supervision committee.
TWO_COMMITTEES = {"party_secretary", "party_deputy", "fulltime_deputy", "party_member", "village_director",
                  "village_deputy", "village_member", "community_director", "community_deputy", "community_member"}
DIRECTORS = {"village_director", "community_director"}
COLLEGE = {"10", "20", "30"}
LUXIAN = "510521"
DESHENG_VILLAGE = f.OTHER_TOWNSHIP_VILLAGE  # 罐顶山村, 得胜镇


def completed_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class Expected:
    members: int
    average_age: float | None
    young: int
    women: int
    college: int
    source: dict[str, int]
    education: dict[str, int]
    villages: int
    dual: int
    new: int | None
    new_migrant: int | None


def expected(prefix: str, term: int | None, previous: int | None, group: str | None = None) -> Expected:
    """One term's figures for the villages within `prefix` (and, if given, the group prefix), from the rows."""
    within = group or prefix
    every = [(a.person_id, a.region_id, a.post, a.start_date, a.term)
             for a in Appointment.objects.all() if a.region_id.startswith(within)]
    rows = [(p, r, post, s) for p, r, post, s, t in every if t == term]
    prev = {(r, p) for p, r, post, _s, t in every if previous and t == previous and post == "party_secretary"}
    people = {p.pk: p for p in Person.objects.all()}
    first: dict[int, date] = {}
    for person, _region, post, start in rows:
        if post in TWO_COMMITTEES:
            first[person] = min(first.get(person, start), start)
    ages = [completed_years(people[p].birth_date, start) for p, start in first.items()]
    secretaries = {(region, person) for person, region, post, _s in rows if post == "party_secretary"}
    directors = {(region, person) for person, region, post, _s in rows if post in DIRECTORS}
    new = {person for region, person in secretaries if (region, person) not in prev}
    source: dict[str, int] = defaultdict(int)
    education: dict[str, int] = defaultdict(int)
    for p in first:
        source[people[p].source] += 1
        education[people[p].education] += 1
    return Expected(
        members=len(first),
        average_age=sum(ages) / len(ages) if ages else None,
        young=sum(1 for a in ages if a <= 35),
        women=sum(1 for p in first if people[p].gender == Gender.FEMALE),
        college=sum(1 for p in first if people[p].education in COLLEGE),
        source=dict(source), education=dict(education),
        villages=len({region for region, _p in secretaries}),
        dual=len({region for region, person in secretaries if (region, person) in directors}),
        new=len(new) if previous else None,
        new_migrant=sum(1 for p in new if people[p].source == Source.MIGRANT_WORKER) if previous else None,
    )


def check(figures: Any, want: Expected) -> None:
    assert figures.members == want.members
    if want.average_age is None:
        assert figures.average_age is None
    else:
        assert figures.average_age == pytest.approx(want.average_age)
    assert (figures.young, figures.women, figures.college) == (want.young, want.women, want.college)
    assert {k: v for k, v in figures.source.items() if v} == want.source
    assert {k: v for k, v in figures.education.items() if v} == want.education
    assert (figures.villages, figures.dual) == (want.villages, want.dual)
    assert (figures.new_secretaries, figures.new_migrant) == (want.new, want.new_migrant)


def check_report(prefix: str) -> Any:
    report = term_report(prefix)
    check(report.current, expected(prefix, report.term, report.previous_term))
    check(report.previous, expected(prefix, report.previous_term, None))
    for row in report.rows:
        check(row.current, expected(prefix, report.term, report.previous_term, row.code))
        check(row.previous, expected(prefix, report.previous_term, None, row.code))
    # The region's figures are the sum of its rows.
    for field in ("members", "age_sum", "young", "women", "college", "villages", "dual"):
        assert getattr(report.current, field) == sum(getattr(r.current, field) for r in report.rows)
        assert getattr(report.previous, field) == sum(getattr(r.previous, field) for r in report.rows)
    return report


def person(code: str, born: date, **extra: Any) -> Person:
    return f.make_person(code, name=extra.pop("name", "测试"), born=born, **extra)


def post(who: Person, post: str, start: date, *, term: int, end: date | None = None, reason: str = "",
         code: str | None = None) -> None:
    f.make_appointment(who, region_code=code, post=post, start=start, term=term, end_date=end, end_reason=reason)


@pytest.fixture
def two_terms() -> None:
    """谭坝村: the 2016 secretary re-elected and now also director; 2016's director left. 喻寺镇's other
    village: a new secretary (a migrant worker) who is not the director. 得胜镇: a new secretary (a
    veteran), also director, where nobody held a post in 2016."""
    e16, e21, s21 = date(2016, 3, 10), date(2021, 3, 15), date(2021, 3, 20)
    a = person(f.TANBA, date(1970, 6, 15), education="60", source=Source.MIGRANT_WORKER)
    post(a, Post.PARTY_SECRETARY, e16, term=2016, end=e21, reason="换届连任")
    post(a, Post.PARTY_SECRETARY, e21, term=2021)
    post(a, Post.VILLAGE_DIRECTOR, e21, term=2021)
    b = person(f.TANBA, date(1990, 3, 15), gender=Gender.FEMALE, education="20", source=Source.GRADUATE)
    post(b, Post.PARTY_MEMBER, e21, term=2021)  # 31 on the day
    c = person(f.TANBA, date(1960, 1, 1), education="70", source=Source.OTHER)
    post(c, Post.VILLAGE_DIRECTOR, e16, term=2016, end=e21, reason="换届离任")
    d = person(f.TANBA, date(1975, 5, 5))
    post(d, Post.SUPERVISION_CHAIR, e21, term=2021)  # not one of the two committees
    e = person(f.OTHER_YUSI_VILLAGE, date(1980, 2, 1), source=Source.VETERAN)
    post(e, Post.PARTY_SECRETARY, e16, term=2016, end=s21, reason="换届离任")
    new = person(f.OTHER_YUSI_VILLAGE, date(1985, 7, 1), source=Source.MIGRANT_WORKER)
    post(new, Post.VILLAGE_MEMBER, date(2021, 6, 1), term=2021)
    post(new, Post.PARTY_SECRETARY, s21, term=2021)  # the earlier start counts: 35
    g = person(f.OTHER_YUSI_VILLAGE, date(1988, 1, 1), gender=Gender.FEMALE, education="40")
    post(g, Post.VILLAGE_DIRECTOR, s21, term=2021)
    h = person(DESHENG_VILLAGE, date(1972, 1, 1), source=Source.VETERAN)
    post(h, Post.PARTY_SECRETARY, s21, term=2021)
    post(h, Post.VILLAGE_DIRECTOR, s21, term=2021)


def test_county_report_against_the_rows(two_terms: None) -> None:
    report = check_report(LUXIAN)
    assert (report.term, report.previous_term) == (2021, 2016)
    now, before = report.current, report.previous
    # Written out as well, as a reader would count them.
    assert now.members == 5 and now.age_sum == 50 + 31 + 35 + 33 + 49
    assert round(now.average_age, 1) == 39.6 and now.young == 3 and now.women == 2
    assert (now.villages, now.dual, now.new_secretaries, now.new_migrant) == (3, 2, 2, 1)
    assert before.members == 3 and before.age_sum == 45 + 56 + 36
    assert (before.villages, before.dual, before.new_secretaries) == (2, 0, None)
    rows = {r.code: r for r in report.rows}
    assert len(rows) == 20 and rows["510521102"].current.members == 4 and rows["510521103"].current.dual == 1
    assert all(r.region is not None for r in report.rows)


def test_township_and_village_reports(two_terms: None) -> None:
    township = check_report("510521102")
    assert {r.code for r in township.rows if r.current.members} == {f.TANBA, f.OTHER_YUSI_VILLAGE}
    village = check_report(f.TANBA)
    assert [r.code for r in village.rows] == [f.TANBA]
    assert (village.current.members, village.current.dual, village.current.new_secretaries) == (2, 1, 0)


def test_a_given_term_and_no_previous_term(two_terms: None) -> None:
    first = term_report(LUXIAN, 2016)
    assert (first.term, first.previous_term) == (2016, None)
    check(first.current, expected(LUXIAN, 2016, None))
    assert first.previous.members == 0 and first.previous.average_age is None
    assert first.current.new_secretaries is None and first.current.new_migrant_share is None
    # Only 得胜镇's village has anyone, and only in 2021: nothing to compare with.
    alone = term_report("510521103")
    assert (alone.term, alone.previous_term) == (2021, None)
    assert alone.current.new_secretaries is None and alone.current.dual_share == 1


def test_a_village_with_no_secretary() -> None:
    member = person(f.TANBA, date(1980, 1, 1))
    post(member, Post.VILLAGE_MEMBER, date(2021, 3, 1), term=2021)
    report = check_report(LUXIAN)
    assert report.current.members == 1 and report.current.villages == 0 and report.current.dual_share is None


def test_an_empty_region() -> None:
    report = term_report("510525")
    assert (report.term, report.previous_term) == (None, None)
    assert report.current.members == 0 and report.current.average_age is None
    assert all(r.current.members == 0 for r in report.rows) and len(report.rows) > 0


def test_query_count_does_not_grow(two_terms: None) -> None:
    with CaptureQueriesContext(connection) as small:
        term_report(LUXIAN)
    for i in range(12):
        someone = person(DESHENG_VILLAGE, date(1970 + i, 1, 2))
        post(someone, Post.VILLAGE_MEMBER, date(2021, 3, 20), term=2021)
    with CaptureQueriesContext(connection) as large:
        term_report(LUXIAN)
    # The stale check, the rebuild of the stale villages (savepoint; on PostgreSQL a lock and fresh
    # statistics of the stale list; delete, insert, clear, release), the terms, the children and the sums.
    assert len(large.captured_queries) == len(small.captured_queries) <= 11
    with CaptureQueriesContext(connection) as unchanged:
        term_report(LUXIAN)
    assert len(unchanged.captured_queries) <= 4


VILLAGES = [f.TANBA, f.OTHER_YUSI_VILLAGE, DESHENG_VILLAGE]
POSTS = ["party_secretary", "village_director", "party_member", "village_member", "supervision_chair"]
member = st.fixed_dictionaries({
    "village": st.sampled_from(VILLAGES),
    "born": st.dates(date(1955, 1, 1), date(1995, 12, 31)),
    "woman": st.booleans(),
    "education": st.sampled_from(["10", "20", "30", "40", "60", "70", "80"]),
    "source": st.sampled_from(Source.values),
    # Posts in 2016 and 2021 (a post is taken at most once per village and term: see below).
    "posts16": st.lists(st.sampled_from(POSTS), max_size=2, unique=True),
    "posts21": st.lists(st.sampled_from(POSTS), max_size=2, unique=True),
    "day": st.integers(0, 40),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roster=st.lists(member, max_size=8))
def test_random_rosters(roster: list[dict[str, Any]]) -> None:
    Appointment.objects.all().delete()
    Person.objects.all().delete()
    taken: set[tuple[str, int, str]] = set()
    rows = []
    for i, m in enumerate(roster):
        p = Person(region_id=m["village"], name=f"随机{i}", name_pinyin="", name_initials="", birth_date=m["born"],
                   gender=Gender.FEMALE if m["woman"] else Gender.MALE, id_cipher=b"", id_index=f"x{i}",
                   id_masked="", political_status="01", education=m["education"], source=m["source"])
        p.save()
        for term, posts in ((2016, m["posts16"]), (2021, m["posts21"])):
            start = date(term, 3, 1).replace(day=1 + m["day"] % 28)
            for post_name in posts:
                single = post_name in ("party_secretary", "village_director", "supervision_chair")
                if single and (m["village"], term, post_name) in taken:
                    continue
                taken.add((m["village"], term, post_name))
                rows.append(Appointment(person=p, region_id=m["village"], post=post_name, term=term,
                                        start_date=start, end_date=date(2021, 3, 1) if term == 2016 else None))
    Appointment.objects.bulk_create(rows)
    check_report(LUXIAN)
    check_report("510521102")
