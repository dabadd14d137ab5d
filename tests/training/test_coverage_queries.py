"""The coverage page runs a fixed number of queries whatever the number of cadres, enrolments and regions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from lingtouyang.people.models import Person
from lingtouyang.training.models import Enrolment
from tests.test_query_counts import assert_queries_flat, grow_to
from tests.training.coverage_helpers import enrol, make_session

pytestmark = pytest.mark.django_db


def _untrained_rows(response: Any) -> int:
    return response.content.decode().count('href="/people/')


@pytest.mark.parametrize("region", ["5105", "510521"])
def test_coverage_queries_do_not_grow(client: Any, users: Any, region: str) -> None:
    client.force_login(users["city"])
    session = make_session(start=date(2021, 6, 1))

    def prepare(size: int) -> Callable[[], Any]:
        grow_to(size)
        enrolled = set(Enrolment.objects.values_list("person_id", flat=True))
        for i, person in enumerate(Person.objects.exclude(pk__in=enrolled).order_by("id")):
            enrol(session, person, completed_on=date(2021, 6, 2) if i % 3 == 0 else None)
        return lambda: client.get(reverse("training:coverage"), {"region": region})

    # Session, user, the region, its ancestors, the term, the children, the figures, the untrained page, the
    # picker's children, the account's region (page header); the session saved (savepoint, update, release).
    assert_queries_flat(f"coverage {region}", 13, prepare, _untrained_rows)
