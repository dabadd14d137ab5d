from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.care import services
from lingtouyang.care.models import CareRecord
from lingtouyang.people.models import Person
from tests import factories as f


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """Messages are asserted in English: services run in it, and pages are asked for it."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def snapshot() -> tuple[Any, ...]:
    return list(CareRecord.objects.order_by("pk").values()), AuditEvent.objects.exclude(action__startswith="access.").count()


@dataclass
class Setup:
    users: dict[str, Any]
    cadre: Person  # a post in 谭坝村 since 2021
    other: Person  # 古蔺县

    def record(self, who: str = "township", person: Person | None = None, **data: Any) -> CareRecord:
        values = {"kind": "hardship", "date": date(2025, 6, 1), "by_whom": "镇党委书记 王某", "amount": "2000",
                  **data}
        return services.record_create(acting_user=self.users[who], person=person or self.cadre, **values)


@pytest.fixture
def setup(users: dict[str, Any]) -> Setup:
    cadre = f.make_person(f.TANBA, name="甘关怀", born=date(1970, 2, 1))
    f.make_appointment(cadre)
    other = f.make_person(f.GULIN_VILLAGE, name="蒲外县", born=date(1976, 2, 1))
    f.make_appointment(other)
    return Setup(users={**users, "gulin_admin": f.make_user("gulin_admin", "county_admin", f.GULIN)},
                 cadre=cadre, other=other)
