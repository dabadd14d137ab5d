"""The per-village figures behind the term report: the database marks a village stale on every kind
of change, the report rebuilds only stale villages, and what it rebuilds equals a rebuild from scratch."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from lingtouyang.elections import figures
from lingtouyang.elections.models import StaleVillage, VillageTermFigures
from lingtouyang.elections.report import term_report
from lingtouyang.people.codes import Gender, Post
from lingtouyang.people.models import Appointment, Person
from tests import factories as f

pytestmark = pytest.mark.django_db
LUXIAN = "510521"


def stale() -> set[str]:
    return set(StaleVillage.objects.values_list("region_id", flat=True))


def snapshot() -> dict[tuple[str, int], dict]:
    rows = VillageTermFigures.objects.values(*[field.name if field.name != "region" else "region_id"
                                               for field in VillageTermFigures._meta.fields if field.name != "id"])
    return {(r["region_id"], r["term"]): r for r in rows}


@pytest.fixture
def secretary() -> Person:
    who = f.make_person(f.TANBA, name="甲", born=date(1970, 6, 1))
    f.make_appointment(who, post=Post.PARTY_SECRETARY, start=date(2021, 3, 1), term=2021)
    other = f.make_person(f.OTHER_YUSI_VILLAGE, name="乙", born=date(1980, 6, 1))
    f.make_appointment(other, post=Post.VILLAGE_MEMBER, start=date(2021, 3, 1), term=2021)
    figures.refresh(LUXIAN)
    assert stale() == set()
    return who


def test_every_kind_of_change_marks_the_village(secretary: Person) -> None:
    secretary.education = "20"
    secretary.save()
    assert stale() == {f.TANBA}
    figures.refresh(LUXIAN)
    secretary.name = "甲改"  # not a counted attribute
    secretary.save()
    assert stale() == set()
    post = Appointment.objects.get(person=secretary)
    post.region_id = f.OTHER_TOWNSHIP_VILLAGE  # moved: both villages
    post.save()
    assert stale() == {f.TANBA, f.OTHER_TOWNSHIP_VILLAGE}
    figures.refresh(LUXIAN)
    Appointment.objects.filter(region_id=f.OTHER_YUSI_VILLAGE).delete()
    assert stale() == {f.OTHER_YUSI_VILLAGE}
    Person.objects.filter(pk=secretary.pk).update(gender=Gender.FEMALE)  # a queryset update, no signals
    assert stale() == {f.OTHER_YUSI_VILLAGE, f.OTHER_TOWNSHIP_VILLAGE}


def test_only_stale_villages_are_rebuilt(secretary: Person) -> None:
    # A figure nobody should write: if the rebuild touched this village, it would be put right.
    VillageTermFigures.objects.filter(region_id=f.OTHER_YUSI_VILLAGE).update(members=99)
    secretary.birth_date = date(1990, 6, 1)
    secretary.save()
    report = term_report(LUXIAN)
    rows = {r.code: r for r in report.rows}
    assert rows["510521102"].current.members == 100  # 1 (rebuilt) + 99 (left alone)
    assert VillageTermFigures.objects.get(region_id=f.TANBA).age_sum == 30  # 2021-03-01, born 1990-06-01


def test_a_rebuild_equals_a_rebuild_from_scratch(secretary: Person) -> None:
    successor = f.make_person(f.TANBA, name="丙", born=date(1985, 1, 1), source="veteran")
    Appointment.objects.filter(person=secretary).update(end_date=date(2026, 3, 1))
    f.make_appointment(secretary, post=Post.VILLAGE_DIRECTOR, start=date(2026, 3, 1), term=2026)
    f.make_appointment(successor, post=Post.PARTY_SECRETARY, start=date(2026, 3, 1), term=2026)
    figures.refresh(LUXIAN)
    incremental = snapshot()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM elections_villagetermfigures")
        cursor.execute("INSERT INTO elections_stalevillage (region_id) SELECT DISTINCT region_id FROM people_appointment")
    figures.refresh(LUXIAN)
    assert snapshot() == incremental
    row = incremental[(f.TANBA, 2026)]
    assert (row["previous_term"], row["members"], row["has_secretary"], row["dual"]) == (2021, 2, 1, 0)
    assert (row["new_secretaries"], row["new_migrant"]) == (1, 0)


def test_a_refresh_elsewhere_leaves_other_stale_villages(secretary: Person) -> None:
    gulin = f.make_person(f.GULIN_VILLAGE, name="丁", born=date(1975, 1, 1))
    f.make_appointment(gulin, post=Post.PARTY_SECRETARY, start=date(2021, 3, 1), term=2021)
    assert stale() == {f.GULIN_VILLAGE}
    assert figures.refresh(LUXIAN) is False
    assert stale() == {f.GULIN_VILLAGE}
    assert term_report("510525").current.members == 1
    assert stale() == set()
