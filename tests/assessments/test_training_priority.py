"""People rated 优秀 are marked as training priority in the training module's enrolment preview."""

import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.assessments import services
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.assessments.helpers import cadres, enter, make_scheme
from tests.training.attendance_helpers import make_session

pytestmark = pytest.mark.django_db


def test_the_enrolment_preview_marks_last_years_excellent(users: dict) -> None:
    scheme = make_scheme(cap=100)
    best, other = cadres(2)
    enter(scheme, [best], 95)
    enter(scheme, [other], 80)
    for action, who in [("submit", "township"), ("approve", "county"), ("publish", "county")]:
        services.township_transition(acting_user=users[who], scheme=scheme, township=Region.objects.get(code=f.YUSI),
                                     action=action)
    session = make_session()  # this year's: the priority is last year's (the scheme's) 优秀
    client = Client()
    client.force_login(users["county"])
    response = client.post(reverse("training:enrol_rule", args=[session.pk]),
                           {"kind": "all_cadres", "region": f.YUSI[:9]})
    text = response.content.decode()
    assert response.status_code == 200
    rows = text.split("<tr>")
    assert "tag priority" in next(r for r in rows if best.name in r)
    assert "tag priority" not in next(r for r in rows if other.name in r)
