"""Every list runs a fixed number of queries, whatever the number of rows: measured at 5 and at 60
people, the counts must be equal and equal to the pinned number. A change that adds a query on purpose
updates the pin; a count that grows with the rows is an N+1 to fix in the view or selector."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lingtouyang.people.models import Person
from tests import factories as f

# Spread over two townships of one county, another county and an urban community.
VILLAGES = [f.TANBA, f.OTHER_YUSI_VILLAGE, f.OTHER_TOWNSHIP_VILLAGE, f.GULIN_VILLAGE, f.JIANGYANG_COMMUNITY]
SIZES = (5, 60)


def grow_to(size: int) -> None:
    """People, each with a post, round-robin over VILLAGES; the first in each village is also its
    secretary and director (一肩挑), so the 一肩挑 figures have something to count."""
    for i in range(Person.objects.count(), size):
        code = VILLAGES[i % len(VILLAGES)]
        person = f.make_person(code, name=f"王{'德智体美劳仁义礼信忠孝廉勤俭'[i % 14]}{i}",
                               born=date(1965 + i % 30, 1 + i % 12, 1 + i % 28))
        if i < len(VILLAGES):
            director = "community_director" if code == f.JIANGYANG_COMMUNITY else "village_director"
            f.make_appointment(person, post="party_secretary")
            f.make_appointment(person, post=director)
        else:
            f.make_appointment(person, post="party_member")


def _people_links(response: Any) -> int:
    return len(set(re.findall(r'href="/people/(\d+)/"', response.content.decode())))


def _results(response: Any) -> int:
    return len(response.json()["results"])


def _audit_rows(response: Any) -> int:
    return response.content.decode().count("person.create")


def _children(response: Any) -> int:
    return response.content.decode().count('<td class="num">')


# name: (url, query, queries pinned, rows shown at each size — proof the page did the work)
LISTS: dict[str, tuple[str, dict[str, str], int, Any]] = {
    "people list": (reverse("people:list"), {}, 7, _people_links),
    "people list, searched": (reverse("people:list"), {"q": "王"}, 7, _people_links),
    "people list, searched by pinyin": (reverse("people:list"), {"q": "wang", "region": "5105"}, 7, _people_links),
    "region page, city": (reverse("regions:detail", args=[f.CITY]), {}, 11, _children),
    "region page, county": (reverse("regions:detail", args=["510521000000"]), {}, 11, _children),
    "region page, township": (reverse("regions:detail", args=[f.YUSI]), {}, 11, _children),
    "region page, village": (reverse("regions:detail", args=[f.TANBA]), {}, 11, _people_links),
    "audit list": (reverse("audit:list"), {}, 7, _audit_rows),
    "API regions": (reverse("api:region-list"), {}, 7, _results),
    "API people": (reverse("api:person-list"), {}, 7, _results),
    "API people, searched": (reverse("api:person-list"), {"q": "wang"}, 7, _results),
    "API appointments": (reverse("api:appointment-list"), {}, 7, _results),
}


def assert_queries_flat(name: str, pinned: int, prepare: Callable[[int], Callable[[], Any]],
                        shown: Callable[[Any], int], *, more_rows: bool = True) -> None:
    """At each of SIZES, `prepare(size)` grows the data and returns the request to measure: the query count
    is the same at both sizes and equals `pinned`, and the page shows rows (more at the larger size, unless
    `more_rows` is False: then at least as many, e.g. a page's full set of children)."""
    counts, sizes_shown, sql = [], [], []
    for size in SIZES:
        fetch = prepare(size)
        with CaptureQueriesContext(connection) as ctx:
            response = fetch()
        assert response.status_code == 200
        counts.append(len(ctx))
        sizes_shown.append(shown(response))
        sql.append([q["sql"] for q in ctx.captured_queries])
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries at {SIZES[0]}, {counts[1]} at {SIZES[1]}:\n" + \
        "\n".join(sql[1])
    assert counts[0] == pinned, f"{name}: {counts[0]} queries, pinned {pinned}:\n" + "\n".join(sql[0])
    if more_rows:
        assert sizes_shown[1] > sizes_shown[0] > 0, f"{name}: rows shown {sizes_shown}"
    else:
        assert sizes_shown[1] >= sizes_shown[0] > 0, f"{name}: rows shown {sizes_shown}"


@pytest.mark.parametrize("name", list(LISTS))
def test_query_count_does_not_grow_with_rows(name: str, client, users) -> None:  # noqa: ANN001
    url, query, pinned, shown = LISTS[name]
    client.force_login(users["city"])

    def prepare(size: int) -> Callable[[], Any]:
        grow_to(size)
        return lambda: client.get(url, query)

    # The second size shows more rows than the first (or the page's full set of children).
    assert_queries_flat(name, pinned, prepare, shown, more_rows=False)


# --- joint review: the lists grow with rounds and candidates, not with queries ---------------------

# name: (url name, account, queries pinned, what to count in the response)
REVIEW_LISTS: dict[str, tuple[str, str, int, Any]] = {
    "review rounds": ("review:list", "county", 7, lambda r: r.content.decode().count('href="/review/')),
    "review round": ("review:detail", "county", 10, lambda r: r.content.decode().count("<br><span class=\"muted\">")),
    "review queue": ("review:queue", "reviewer", 9, lambda r: r.content.decode().count('name="candidate"')),
    "API review rounds": ("api:review-round-list", "county", 8, _results),
    "API review round": ("api:review-round-detail", "county", 11, lambda r: len(r.json()["candidates"])),
    "API review queue": ("api:review-queue-list", "reviewer", 8, _results),
    "API review verdicts": ("api:review-verdict-list", "reviewer", 8, _results),
}


def _grow_review(size: int, users: dict[str, Any]) -> Any:
    """A round of `size` candidates with verdicts, and `size // 5` more rounds, all in 泸县."""
    from lingtouyang.regions.models import Region
    from lingtouyang.review import services
    from lingtouyang.review.models import Candidate, Department, ReviewRound

    county, police = Region.objects.get(code="510521000000"), Department.objects.get(name="公安")
    grow_to(size)
    for i in range(ReviewRound.objects.count(), size // 5):
        services.round_create(acting_user=None, region=county, name=f"轮次{i}", election_date=date(2026, 6, 1),
                              departments=[police, Department.objects.get(name="法院")])
    main = ReviewRound.objects.order_by("id").first()
    main.state = "draft"  # grown between measurements: reopened to add, through the services again
    main.save(update_fields=["state"])
    taken = set(Candidate.objects.filter(round=main).values_list("person_id", flat=True))
    people = [p for p in Person.objects.within("510521").order_by("id") if p.pk not in taken]
    if people:
        services.round_add_candidates(acting_user=None, review_round=main, people=people)
    main.state = "open"
    main.save(update_fields=["state"])
    for i, candidate in enumerate(Candidate.objects.filter(round=main, verdicts__isnull=True).order_by("id")):
        if i % 2:
            services.verdict_record(acting_user=None, candidate=candidate, department=police, passed=i % 4 != 1,
                                    reason="测试")
    return main


@pytest.mark.parametrize("name", list(REVIEW_LISTS))
def test_review_query_counts_do_not_grow(name: str, client, users) -> None:  # noqa: ANN001
    from lingtouyang.accounts.roles import Role

    url_name, who, pinned, shown = REVIEW_LISTS[name]
    reviewer = f.make_user("luxian_police_q", Role.DEPT_REVIEWER, "510521000000", department="公安")
    client.force_login(reviewer if who == "reviewer" else users[who])

    def prepare(size: int) -> Callable[[], Any]:
        main = _grow_review(size, users)
        url = reverse(url_name, args=[main.pk] if url_name.endswith("detail") else [])
        return lambda: client.get(url)

    assert_queries_flat(name, pinned, prepare, shown)


# --- reserve pool: lists grow with reserves and merit records, not with queries ----------------------

def _pool_total(response: Any) -> int:
    """The active reserves summed over the villages on the page."""
    return sum(int(n) for n in re.findall(r'</a></td>\s*<td class="num">(\d+)</td>', response.content.decode()))


# name: (url name, query, queries pinned, what to count in the response)
RESERVE_LISTS: dict[str, tuple[str, dict[str, str], int, Any]] = {
    "reserves": ("reserves:list", {}, 7,
                 lambda r: len(set(re.findall(r'href="/reserves/(\d+)/"', r.content.decode())))),
    "reserve pools": ("reserves:pools", {"region": "5105"}, 8, _pool_total),
    "reserve detail": ("reserves:detail", {}, 8, lambda r: r.content.decode().count("转移群众")),
    "API reserves": ("api:reserve-list", {}, 7, _results),
    "API reserve merits": ("api:reserve-merit-list", {}, 7, _results),
}


def _grow_reserves(size: int) -> Any:
    """Each grown person in their village's pool; a merit record for every reserve, all on the first one too."""
    from lingtouyang.reserves import services
    from lingtouyang.reserves.models import Merit, Reserve

    grow_to(size)
    pooled = set(Reserve.objects.values_list("person_id", flat=True))
    for person in Person.objects.exclude(pk__in=pooled).select_related("region").order_by("id"):
        reserve = services.reserve_add(acting_user=None, person=person, region=person.region, posts=["party_secretary"])
        services.merit_add(acting_user=None, reserve=reserve, task="flood", description="转移群众", done_on=date(2023, 7, 1))
    first = Reserve.objects.order_by("id").first()
    for _ in range(Merit.objects.filter(reserve=first).count(), size // 5):
        services.merit_add(acting_user=None, reserve=first, task="flood", description="转移群众", done_on=date(2023, 7, 1))
    return first


@pytest.mark.parametrize("name", list(RESERVE_LISTS))
def test_reserve_query_counts_do_not_grow(name: str, client, users) -> None:  # noqa: ANN001
    url_name, query, pinned, shown = RESERVE_LISTS[name]
    client.force_login(users["city"])

    def prepare(size: int) -> Callable[[], Any]:
        first = _grow_reserves(size)
        url = reverse(url_name, args=[first.pk] if url_name.endswith("detail") else [])
        return lambda: client.get(url, query)

    assert_queries_flat(name, pinned, prepare, shown)


# --- the person's record: every post and every request about them, in a fixed number of queries -------


def _grow_history(size: int) -> Person:
    """One person who took up and left a post `size // 5` times, each ending asked for twice (one request
    withdrawn, one approved), all through the services."""
    from lingtouyang.appointments import services

    person = Person.objects.filter(name="甘历史").first() or f.make_person(f.TANBA, name="甘历史", born=date(1970, 1, 1))
    for year in range(2000 + person.appointments.count(), 2000 + size // 5):
        post = f.make_appointment(person, start=date(year, 1, 1))
        withdrawn = services.request_create(acting_user=None, kind="dismiss", appointment=post,
                                            end_date=date(year, 6, 30), reason="测试")
        services.request_withdraw(acting_user=None, request=withdrawn)
        approved = services.request_create(acting_user=None, kind="resign", appointment=post,
                                           end_date=date(year, 6, 30), reason="辞职")
        services.request_approve(acting_user=None, request=approved)
    return person


# 10: the person page also lists the talent tags earned in training (one query).
@pytest.mark.parametrize(("who", "pinned"), [("county", 10), ("village", 10)])
def test_person_history_query_count_does_not_grow(who: str, pinned: int, client, users) -> None:  # noqa: ANN001
    client.force_login(users[who])

    def prepare(size: int) -> Callable[[], Any]:
        person = _grow_history(size)
        return lambda: client.get(reverse("people:detail", args=[person.pk]))

    def resignations(response: Any) -> int:
        page = response.content.decode()
        return page.count("<td>辞职</td>") + page.count("· 辞职")

    assert_queries_flat(who, pinned, prepare, resignations)
