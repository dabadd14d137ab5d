"""The demo certification: 513 certified social workers, mostly community cadres; a policy per county."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.demo import generate, villages_without_people
from lingtouyang.socialwork.demo import RAISING_COUNTY, demo_policy, demo_registrations
from lingtouyang.socialwork.models import Registration, SubsidyRate
from lingtouyang.socialwork.policy import monthly_subsidies, policy_in_force

pytestmark = pytest.mark.django_db


def test_the_demo_certifies_513_and_sets_a_policy_per_county_once() -> None:
    generate(villages_without_people("5105"))
    today = date(2026, 11, 27)
    assert demo_policy("5105") == 7 * 3 + 3
    assert demo_registrations("5105", today) == 513
    certified = Registration.objects.certified()
    assert certified.values("person").distinct().count() == 513
    assert certified.filter(certificate_date__gt=today).count() == 0
    kinds = Counter(certified.values_list("person_id", "region__kind").distinct().values_list("region__kind",
                                                                                             flat=True))
    assert kinds["community"] > kinds["village"] > 0
    results = Counter(Registration.objects.values_list("result", flat=True))
    assert results["failed"] > 0 and results["absent"] > 0
    assert len(set(Registration.objects.values_list("exam_year", flat=True))) >= 4
    assert len(set(certified.values_list("region_id", flat=True).distinct())) > 50
    assert {c[:6] for c in certified.values_list("region_id", flat=True)} == {
        c[:6] for c in SubsidyRate.objects.values_list("region_id", flat=True)}
    # 龙马潭区 raised its rates in 2026; the others pay 200/300/500.
    assert policy_in_force(RAISING_COUNTY, today)["assistant"][0] == Decimal("300")
    assert policy_in_force("510521000000", today)["assistant"][0] == Decimal("200")
    # Nearly all are still on duty, so the pay module's call gives most of them an amount.
    paid = monthly_subsidies(certified.values_list("person_id", flat=True), today)
    assert sum(1 for v in paid.values() if v > 0) == 513
    events = AuditEvent.objects.exclude(action__startswith="access.").count()
    assert (demo_policy("5105"), demo_registrations("5105", today)) == (0, 0)  # idempotent
    assert AuditEvent.objects.exclude(action__startswith="access.").count() == events
