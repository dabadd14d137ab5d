from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.economy import services
from lingtouyang.economy.models import Project, ProjectCadre
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from tests import factories as f


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """Messages are asserted in English: services run in it, and pages are asked for it."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def snapshot() -> tuple[Any, ...]:
    return (list(Project.objects.order_by("pk").values()), list(ProjectCadre.objects.order_by("pk").values()),
            AuditEvent.objects.exclude(action__startswith="access.").count())


@dataclass
class Setup:
    users: dict[str, Any]
    cadre: Person  # a post in 谭坝村 since 2021
    other: Person  # a post in 古蔺县

    def project(self, who: str = "township", region: str = f.TANBA, **data: Any) -> Project:
        values = {"year": 2025, "name": "茶叶加工", "operating_income": "860000", "operating_cost": "340000", **data}
        return services.project_create(acting_user=self.users[who], region=Region.objects.get(code=region), **values)


@pytest.fixture
def setup(users: dict[str, Any]) -> Setup:
    cadre = f.make_person(f.TANBA, name="甘经营", born=date(1975, 2, 1))
    f.make_appointment(cadre)
    other = f.make_person(f.GULIN_VILLAGE, name="蒲外县", born=date(1976, 2, 1))
    f.make_appointment(other)
    return Setup(users={**users, "gulin_admin": f.make_user("gulin_admin", "county_admin", f.GULIN)},
                 cadre=cadre, other=other)
