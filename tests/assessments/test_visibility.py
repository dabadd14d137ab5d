"""A cadre sees only their own published assessment; officials their jurisdiction."""

import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.assessments import services
from lingtouyang.assessments.models import Consequence, Result
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.assessments.helpers import cadres, enter, make_scheme

pytestmark = pytest.mark.django_db


def client(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user)
    return c


def test_a_cadre_sees_their_own_result_once_published(users: dict) -> None:
    scheme = make_scheme(cap=100)
    me, colleague = cadres(2)
    enter(scheme, [me, colleague], 80)
    cadre = f.make_user("cadre_v", "village_cadre", f.TANBA, person=me)
    mine, theirs = Result.objects.get(person=me), Result.objects.get(person=colleague)
    assert not Result.objects.visible_to(cadre).exists()  # a draft is not the cadre's to see yet
    assert client(cadre).get(reverse("assessments:result", args=[mine.pk])).status_code == 404
    for action, who in [("submit", "township"), ("approve", "county"), ("publish", "county")]:
        services.township_transition(acting_user=users[who], scheme=scheme, township=Region.objects.get(code=f.YUSI),
                                     action=action)
    assert list(Result.objects.visible_to(cadre)) == [mine]
    c = client(cadre)
    assert c.get(reverse("assessments:result", args=[mine.pk])).status_code == 200
    assert c.get(reverse("assessments:result", args=[theirs.pk])).status_code == 404
    assert c.get(reverse("assessments:township", args=[scheme.pk, f.YUSI])).status_code == 404
    export = c.get(reverse("assessments:export", args=[scheme.pk]))
    assert export.status_code == 200
    assert Result.objects.visible_to(users["supervisor"]).count() == 0  # not linked to anyone
    assert Result.objects.visible_to(users["township"]).count() == 2
    assert Consequence.objects.visible_to(cadre).count() == 0


def test_lowering_and_overrides_survive_a_recompute_that_keeps_the_grade(users: dict) -> None:
    scheme = make_scheme(cap=0)
    person = cadres(1)[0]
    enter(scheme, [person], 95)
    result = Result.objects.get(person=person)
    services.result_grade_set(acting_user=users["township"], result=result, grade="excellent", override="抢险突出")
    enter(scheme, [person], 96, users["township"])  # still 优秀: the override stands
    assert Result.objects.get(pk=result.pk).quota_override == "抢险突出"
    enter(scheme, [person], 80, users["township"])  # now 称职: the override no longer applies
    result.refresh_from_db()
    assert (result.grade, result.quota_override) == ("competent", "")
