import pytest
from django.utils import translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.models import Appointment, Person


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English here; tests of the Chinese wording override it themselves."""
    with translation.override("en"):
        yield


def counts() -> tuple[int, int, int]:
    """People, appointments and audit rows: what a refused change must leave as it was."""
    return Person.objects.count(), Appointment.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count()
