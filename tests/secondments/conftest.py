from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.accounts.roles import Role
from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.models import Person
from lingtouyang.secondments import services
from lingtouyang.secondments.models import Secondment
from tests import factories as f


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    """Messages are asserted in English: services run in it, and pages are asked for it."""
    with translation.override("en"):
        yield


def snapshot() -> tuple[Any, ...]:
    """Every row a secondment service could touch; a refusal must leave it as it was."""
    return (list(Secondment.objects.order_by("pk").values()), AuditEvent.objects.exclude(action__startswith="access.").count())


@dataclass
class Setup:
    users: dict[str, Any]
    cadre: Person  # 甘守信, party secretary of 谭坝村 since 2021
    other: Person  # 古蔺县, out of 泸县's scope

    def second(self, person: Person | None = None, **extra: Any) -> Secondment:
        data: dict[str, Any] = {"host_place": "上海市", "host_organisation": "上海市浦东新区陆家嘴街道",
                                "start_date": date(2025, 3, 1), "end_date": date(2025, 8, 31),
                                "mentor_name": "王建国", "mentor_post": "社区党委书记", "purpose": "学习社区治理经验"}
        data.update(extra)
        return services.secondment_create(acting_user=self.users["county"], person=person or self.cadre, **data)

    def started(self, **extra: Any) -> Secondment:
        s = self.second(**extra)
        return services.secondment_start(acting_user=self.users["county"], secondment=s, on=s.start_date)

    def mid(self, s: Secondment, on: date = date(2025, 6, 1)) -> Secondment:
        return services.secondment_evaluate_mid(acting_user=self.users["county"], secondment=s, grade="good",
                                                comment="积极", on=on, by="县委组织部")


@pytest.fixture
def setup(users) -> Setup:  # noqa: ANN001
    extra = {"gulin_admin": f.make_user("gulin_admin", Role.COUNTY_ADMIN, f.GULIN)}
    cadre = f.make_person(f.TANBA, name="甘守信", born=date(1980, 5, 17))
    f.make_appointment(cadre, post="party_secretary")
    other = f.make_person(f.GULIN_VILLAGE, name="蒲守义", born=date(1981, 5, 17))
    f.make_appointment(other, post="party_secretary")
    return Setup({**users, **extra}, cadre, other)
