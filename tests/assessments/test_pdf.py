"""The annual assessment form: a PDF in Chinese for the cadre and those who see the result, audited."""

import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.assessments import services
from lingtouyang.assessments.models import Result
from lingtouyang.audit.models import AuditEvent
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.assessments.helpers import cadres, enter, make_scheme

pytestmark = pytest.mark.django_db


def test_the_form_is_a_chinese_pdf_for_its_cadre(users: dict) -> None:
    scheme = make_scheme(cap=100)
    me, other = cadres(2)
    enter(scheme, [me, other], 91)
    for action, who in [("submit", "township"), ("approve", "county"), ("publish", "county")]:
        services.township_transition(acting_user=users[who], scheme=scheme, township=Region.objects.get(code=f.YUSI),
                                     action=action)
    cadre = f.make_user("cadre_pdf", "village_cadre", f.TANBA, person=me)
    c = Client()
    c.force_login(cadre)
    response = c.get(reverse("assessments:form_pdf", args=[Result.objects.get(person=me).pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=response.content, capture_output=True,
                              check=True).stdout.decode("utf-8")
        assert me.name in text and "91.00" in text
    assert AuditEvent.objects.filter(action="export.assessment_form").count() == 1
    assert c.get(reverse("assessments:form_pdf", args=[Result.objects.get(person=other).pk])).status_code == 404
