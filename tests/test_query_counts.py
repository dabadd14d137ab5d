"""Every list runs a fixed number of queries, whatever the number of rows: measured at 5 and at 60
people, the counts must be equal and equal to the pinned number. A change that adds a query on purpose
updates the pin; a count that grows with the rows is an N+1 to fix in the view or selector."""

from __future__ import annotations

import re
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


@pytest.mark.parametrize("name", list(LISTS))
def test_query_count_does_not_grow_with_rows(name: str, client, users) -> None:  # noqa: ANN001
    url, query, pinned, shown = LISTS[name]
    client.force_login(users["city"])
    counts, sizes_shown, sql = [], [], []
    for size in SIZES:
        grow_to(size)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, query)
        assert response.status_code == 200
        counts.append(len(ctx))
        sizes_shown.append(shown(response))
        sql.append([q["sql"] for q in ctx.captured_queries])
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries at {SIZES[0]} people, {counts[1]} at {SIZES[1]}:\n" + \
        "\n".join(sql[1])
    assert counts[0] == pinned, f"{name}: {counts[0]} queries, pinned {pinned}:\n" + "\n".join(sql[0])
    # The second size showed more rows than the first (or the page's full set of children).
    assert sizes_shown[1] >= sizes_shown[0] > 0, f"{name}: rows shown {sizes_shown}"
