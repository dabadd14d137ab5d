"""The demo's requests in 泸县: one approved resignation, one rejected dismissal, one appointment of a cleared
newcomer awaiting approval — written through the services, and only once."""

import pytest

from lingtouyang.accounts.roles import Role
from lingtouyang.appointments import demo
from lingtouyang.appointments.demo import demo_requests
from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.audit.models import AuditEvent
from lingtouyang.review import selectors as review_selectors
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_demo_requests() -> None:
    assert demo_requests() == 0  # no roster, nothing to show
    f.make_people(f.TANBA, 3)
    yusi = f.make_user("yusi", Role.TOWNSHIP_OFFICER, f.YUSI)
    luxian = f.make_user("luxian", Role.COUNTY_ADMIN, "510521000000")
    assert demo_requests() == 3
    assert demo_requests() == 0  # a second run adds nothing
    requests = {r.kind: r for r in AppointmentRequest.objects.select_related("appointment", "person")}
    resign, dismiss, appoint = requests["resign"], requests["dismiss"], requests["appoint"]
    assert (resign.state, resign.decided_by, resign.requested_by) == ("approved", luxian, yusi)
    assert resign.appointment.end_reason == demo.RESIGN_REASON and resign.appointment.end_date is not None
    assert (dismiss.state, dismiss.decision_reason) == ("rejected", demo.REJECT_REASON)
    assert dismiss.appointment.end_date is None
    assert appoint.state == "requested" and appoint.person.name == demo.NEWCOMER
    assert review_selectors.clearance([appoint.person_id])[appoint.person_id].status == review_selectors.CLEARED
    assert AuditEvent.objects.filter(action__startswith="appointment_request.").count() == 5
