"""The pay demo: a policy per Luzhou county (compounding in some, adding in others), rewards, a finished 2025
payroll of the city in which every rule appears, 红岩村 included; once."""

import pytest
from django.db.models import Count

from lingtouyang.assessments.models import Result
from lingtouyang.economy.models import Project, ProjectCadre
from lingtouyang.pay.demo import HONGYAN, demo_pay
from lingtouyang.pay.models import Line, PayPolicy, PayrollRun, Slip
from lingtouyang.people.demo import generate, villages_without_people
from lingtouyang.people.models import Appointment
from lingtouyang.socialwork.demo import demo_policy, demo_registrations

pytestmark = pytest.mark.django_db


def test_the_demo_pays_luzhou_with_every_rule_once() -> None:
    generate(villages_without_people("5105"))
    demo_policy("5105")
    demo_registrations("5105")
    # The grades and the collective accounts are the assessment and economy demos'; a few stand in for them here.
    cadres = list(Appointment.objects.filter(region_id=HONGYAN).current().values_list("person_id", flat=True))[:3]
    for person_id in cadres:
        Result.objects.create(person_id=person_id, region_id=HONGYAN, year=2025, grade="excellent", state="published")
    project = Project.objects.create(region_id=HONGYAN, year=2025, name="茶叶加工", operating_income=860000,
                                     operating_cost=340000)
    ProjectCadre.objects.bulk_create([ProjectCadre(project=project, person_id=p) for p in cadres])
    line = demo_pay("5105")
    assert "2025 payroll of 泸州市" in line
    assert PayPolicy.objects.count() == 7
    assert {True, False} <= set(PayPolicy.objects.values_list("raise_compounds", flat=True))
    run = PayrollRun.objects.get()
    assert run.state == "finished" and run.slips == Slip.objects.filter(run=run).count() > 9000
    rules = dict(Line.objects.filter(slip__run=run).values_list("rule").annotate(n=Count("id")))
    assert set(rules) == {"basic", "performance", "incentive", "subsidy", "reward"}
    hongyan = set(Line.objects.filter(slip__run=run, slip__region_id=HONGYAN).values_list("rule", flat=True))
    assert {"basic", "performance", "incentive", "reward"} <= hongyan
    assert Line.objects.filter(slip__run=run, rule="basic", figures__terms=2).exists()  # 1.05² shows
    assert demo_pay("5105") == "" and PayrollRun.objects.count() == 1
