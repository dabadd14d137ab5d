from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.audit.models import AuditEvent
from lingtouyang.careers import services
from lingtouyang.careers.models import CareerEvent
from lingtouyang.people.models import Appointment, Person
from tests import factories as f


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """Messages are asserted in English: services run in it, and pages are asked for it."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def snapshot() -> tuple[Any, ...]:
    """Every row a career service could touch, the roster's included."""
    return (list(CareerEvent.objects.order_by("pk").values()), list(Appointment.objects.order_by("pk").values()),
            list(AppointmentRequest.objects.order_by("pk").values()), AuditEvent.objects.exclude(action__startswith="access.").count())


@dataclass
class Setup:
    users: dict[str, Any]
    cadre: Person  # party secretary of 谭坝村 since 2021
    post: Appointment
    other: Person  # 古蔺县

    def event(self, who: str = "county", person: Person | None = None, **data: Any) -> CareerEvent:
        values = {"kind": "township_leadership", "date": date(2021, 4, 1), "destination": "泸县喻寺镇党委",
                  **data}
        return services.event_create(acting_user=self.users[who], person=person or self.cadre, **values)


@pytest.fixture
def setup(users: dict[str, Any]) -> Setup:
    cadre = f.make_person(f.TANBA, name="甘上进", born=date(1980, 2, 1))
    post = f.make_appointment(cadre, post="party_secretary", start=date(2018, 3, 1))
    other = f.make_person(f.GULIN_VILLAGE, name="蒲外县", born=date(1976, 2, 1))
    f.make_appointment(other)
    return Setup(users={**users, "gulin_admin": f.make_user("gulin_admin", "county_admin", f.GULIN)},
                 cadre=cadre, post=post, other=other)
