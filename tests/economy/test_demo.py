"""The demo collective economy: 红岩村's tea processing with 4 cadres, and about three villages in ten."""

from decimal import Decimal

import pytest

from lingtouyang.economy.demo import demo_economy
from lingtouyang.economy.models import Project, ProjectCadre
from lingtouyang.people.demo import generate, villages_without_people
from lingtouyang.people.models import Appointment

pytestmark = pytest.mark.django_db


def test_the_demo_economy_once() -> None:
    generate(villages_without_people("5105"))
    line = demo_economy("5105")
    assert "红岩村" in line
    tea = Project.objects.get(region_id="510524100233", year=2025, name="茶叶加工")
    assert (tea.operating_income, tea.operating_cost, tea.net_income) == (
        Decimal("860000.00"), Decimal("340000.00"), Decimal("520000.00"))
    people = set(tea.cadres.values_list("person_id", flat=True))
    assert len(people) == 4
    assert people <= set(Appointment.objects.current().filter(region_id=tea.region_id).values_list("person_id", flat=True))
    villages_with_people = Appointment.objects.values("region_id").distinct().count()
    share = Project.objects.values("region_id").distinct().count() / villages_with_people
    assert 0.25 < share < 0.35
    nets = [p.net_income for p in Project.objects.all()]
    assert all(n >= 0 for n in nets) and any(n < 50_000 for n in nets) and any(n > 500_000 for n in nets)
    cadres = ProjectCadre.objects.count()
    assert demo_economy("5105") == "" and ProjectCadre.objects.count() == cadres
