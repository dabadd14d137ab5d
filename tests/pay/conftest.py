from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.accounts.roles import Role
from lingtouyang.assessments.models import Result
from lingtouyang.audit.models import AuditEvent
from lingtouyang.economy.models import Project, ProjectCadre
from lingtouyang.pay import services
from lingtouyang.pay.models import Line, PayPolicy, PayrollRun, PolicyRate, Reward, Slip
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from tests import factories as f

LUXIAN = "510521000000"
PERFORMANCE = {"excellent": 15456, "competent": 12000, "basic": 8000, "incompetent": 0}
INCENTIVE = {"excellent": 100, "competent": 80, "basic": 50, "incompetent": 0}


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    with translation.override("en"):
        yield


def basic_rates(secretary: int = 2000, director: int = 2000, member: int = 1200, chair: int = 1500) -> dict[str, Any]:
    return {"party_secretary": secretary, "party_member": member, "village_director": director,
            "village_member": member, "community_director": director, "community_member": member,
            "supervision_chair": chair, "supervision_member": member}


def policy(county: str = LUXIAN, *, start: date = date(2025, 1, 1), end: date | None = None, user: Any = None,
           **extra: Any) -> PayPolicy:
    rates = {"basic": extra.pop("basic", basic_rates()), "performance": extra.pop("performance", PERFORMANCE),
             "incentive": extra.pop("incentive", INCENTIVE)}
    return services.policy_version_add(acting_user=user, county=Region.objects.get(code=county),
                                       effective_from=start, effective_to=end, rates=rates, **extra)


def grade(person: Person, year: int, value: str, state: str = "published") -> Result:
    return Result.objects.create(person=person, region_id=person.region_id, year=year, grade=value, state=state)


def project(village: str, year: int, income: Any, cost: Any, cadres: list[Person], name: str = "茶叶加工") -> Project:
    p = Project.objects.create(region_id=village, year=year, name=name, operating_income=Decimal(income),
                               operating_cost=Decimal(cost))
    ProjectCadre.objects.bulk_create([ProjectCadre(project=p, person=c) for c in cadres])
    return p


def snapshot() -> tuple[Any, ...]:
    """Every row a pay service could write; a refusal must leave it as it was."""
    return (list(PayPolicy.objects.order_by("pk").values()), PolicyRate.objects.count(), Reward.objects.count(),
            PayrollRun.objects.count(), Slip.objects.count(), Line.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())


@dataclass
class World:
    users: dict[str, Any]
    secretary: Person  # 谭坝村 party secretary, 2016 and 2021 terms (re-elected once)
    deputy: Person  # 谭坝村 deputy secretary since 2021
    member: Person  # 谭坝村 villagers' committee member since 2021
    other: Person  # 古蔺县, outside 泸县


@pytest.fixture
def world(users) -> World:  # noqa: ANN001
    users = {**users, "gulin_admin": f.make_user("gulin_admin", Role.COUNTY_ADMIN, f.GULIN)}
    secretary = f.make_person(f.TANBA, name="甘守仁", born=date(1975, 5, 17))
    f.make_appointment(secretary, post="party_secretary", term=2016, start=date(2016, 3, 1),
                       end_date=date(2021, 2, 28), end_reason="换届连任")
    f.make_appointment(secretary, post="party_secretary", term=2021, start=date(2021, 3, 1))
    deputy = f.make_person(f.TANBA, name="甘守义", born=date(1980, 5, 17))
    f.make_appointment(deputy, post="party_deputy", term=2021, start=date(2021, 3, 1))
    member = f.make_person(f.TANBA, name="甘守礼", born=date(1985, 5, 17))
    f.make_appointment(member, post="village_member", term=2021, start=date(2021, 3, 1))
    other = f.make_person(f.GULIN_VILLAGE, name="蒲守义", born=date(1981, 5, 17))
    f.make_appointment(other, post="party_secretary", term=2021, start=date(2021, 3, 1))
    return World(users, secretary, deputy, member, other)
