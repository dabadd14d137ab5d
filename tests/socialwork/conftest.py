from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.accounts.roles import Role
from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.socialwork import services
from lingtouyang.socialwork.models import Registration, SubsidyRate
from tests import factories as f

LUXIAN = "510521000000"


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    with translation.override("en"):
        yield


def snapshot() -> tuple[Any, ...]:
    """Every row a certification or policy service could touch; a refusal must leave it as it was."""
    return (list(Registration.objects.order_by("pk").values()), list(SubsidyRate.objects.order_by("pk").values()),
            AuditEvent.objects.exclude(action__startswith="access.").count())


def rates(county: str, effective_from: date, assistant: int, intermediate: int, senior: int) -> None:
    """A policy version written straight to the table (tests of the engine, not of the service)."""
    amounts = {"assistant": assistant, "intermediate": intermediate, "senior": senior}
    SubsidyRate.objects.bulk_create([SubsidyRate(region_id=county, level=lv, monthly_amount=Decimal(a),
                                                 effective_from=effective_from) for lv, a in amounts.items()])


def certify(person: Person, level: str = "assistant", year: int = 2023, on: date | None = None,
            number: str | None = None) -> Registration:
    reg = services.registration_create(acting_user=None, person=person, exam_year=year, level=level)
    return services.registration_result(acting_user=None, registration=reg, result="passed",
                                        result_on=date(year, 9, 20), certificate_no=number or f"C{year}{level}{person.pk}",
                                        certificate_date=on or date(year, 12, 10))


@dataclass
class Setup:
    users: dict[str, Any]
    cadre: Person  # 甘守信, party committee member of 谭坝村 since 2021
    other: Person  # 古蔺县, out of 泸县's scope
    county: Region

    def register(self, person: Person | None = None, year: int = 2024, level: str = "assistant") -> Registration:
        return services.registration_create(acting_user=self.users["county"], person=person or self.cadre,
                                            exam_year=year, level=level)


@pytest.fixture
def setup(users) -> Setup:  # noqa: ANN001
    extra = {"gulin_admin": f.make_user("gulin_admin", Role.COUNTY_ADMIN, f.GULIN)}
    cadre = f.make_person(f.TANBA, name="甘守信", born=date(1980, 5, 17))
    f.make_appointment(cadre)
    other = f.make_person(f.GULIN_VILLAGE, name="蒲守义", born=date(1981, 5, 17))
    f.make_appointment(other)
    return Setup({**users, **extra}, cadre, other, Region.objects.get(code=LUXIAN))
