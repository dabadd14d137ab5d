"""Registrations, results and the subsidy policy through their services; every refusal changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lingtouyang.audit.models import AuditEvent
from lingtouyang.regions.models import Region
from lingtouyang.socialwork import services
from lingtouyang.socialwork.models import Registration, SubsidyRate
from lingtouyang.training.models import Programme, Session
from tests import factories as f
from tests.socialwork.conftest import LUXIAN, Setup, snapshot

pytestmark = pytest.mark.django_db
AMOUNTS = {"assistant": "200", "intermediate": "300", "senior": "500"}


def refused(call, message: str) -> None:  # noqa: ANN001
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert message in " ".join(exc.value.messages), exc.value.messages
    assert snapshot() == before


def test_a_registration_is_recorded_and_audited(setup: Setup) -> None:
    reg = setup.register()
    assert (reg.region_id, reg.exam_year, reg.level, reg.result) == (f.TANBA, 2024, "assistant", "")
    assert AuditEvent.objects.get(action="socialwork.register").changes["level"] == [None, "assistant"]


def test_bad_registrations_are_refused(setup: Setup) -> None:
    setup.register()
    refused(lambda: setup.register(), "already registered for this level in 2024")
    assert setup.register(level="intermediate").pk and setup.register(year=2025).pk  # another level, another year
    refused(lambda: setup.register(year=2007), "an exam year from 2008")
    refused(lambda: setup.register(year=timezone.localdate().year + 2), "an exam year from 2008")
    refused(lambda: setup.register(level="expert"), "no such level")
    nobody = f.make_person(f.TANBA, name="甘无职", born=date(1990, 1, 1))
    refused(lambda: setup.register(person=nobody), "holds no post now")
    for who, person in [("gulin_admin", setup.cadre), ("county", setup.other), ("township", setup.cadre)]:
        refused(lambda who=who, person=person: services.registration_create(
            acting_user=setup.users[who], person=person, exam_year=2026, level="senior"), "outside your jurisdiction")


def test_training_hours_and_session(setup: Setup) -> None:
    reg = setup.register()
    county = setup.users["county"]
    services.registration_training(acting_user=county, registration=reg, hours="24.5")
    assert Registration.objects.get(pk=reg.pk).training_hours == Decimal("24.5")
    refused(lambda: services.registration_training(acting_user=county, registration=reg, hours="-1"), "hours from 0")
    refused(lambda: services.registration_training(acting_user=county, registration=reg, hours="many"),
            "hours as a number")
    programme = Programme.objects.create(region_id=f.CITY, title="社工考前培训", topic="social_work", form="lecture",
                                         hours=Decimal(24), audience="community_cadres")
    ours = Session.objects.create(region_id=LUXIAN, programme=programme, title="泸县社工考前培训班",
                                  start_date=date(2024, 5, 1), end_date=date(2024, 5, 3), capacity=50)
    theirs = Session.objects.create(region_id=f.GULIN, programme=programme, title="古蔺县社工考前培训班",
                                    start_date=date(2024, 5, 1), end_date=date(2024, 5, 3), capacity=50)
    refused(lambda: services.registration_training(acting_user=county, registration=reg, hours=24, session=theirs),
            "a session run for this person's county")
    services.registration_training(acting_user=county, registration=reg, hours=24, session=ours)
    assert Registration.objects.get(pk=reg.pk).training_session_id == ours.pk


def test_results_and_certificates(setup: Setup) -> None:
    reg = setup.register(year=2024)
    county = setup.users["county"]

    def result(**kw: object) -> Registration:
        data = {"acting_user": county, "registration": reg, "result": "passed", "result_on": date(2024, 9, 20),
                "certificate_no": "", "certificate_date": None, **kw}
        return services.registration_result(**data)  # type: ignore[arg-type]

    refused(lambda: result(result_on=date(2023, 12, 31)), "cannot come before the exam year (2024)")
    refused(lambda: result(result_on=timezone.localdate() + timedelta(days=1)), "in the future")
    refused(lambda: result(result="failed", certificate_no="X1", certificate_date=date(2024, 12, 1)),
            "a certificate needs a pass")
    refused(lambda: result(result="absent", certificate_date=date(2024, 12, 1)), "a certificate needs a pass")
    refused(lambda: result(certificate_no="X1"), "both a number and a date")
    refused(lambda: result(certificate_no="X1", certificate_date=date(2024, 9, 1)), "on or after the result")
    refused(lambda: result(result="maybe"), "choose a result")
    refused(lambda: services.registration_result(acting_user=setup.users["gulin_admin"], registration=reg,
                                                 result="passed", result_on=date(2024, 9, 20)),
            "outside your jurisdiction")
    result(result="failed")
    assert Registration.objects.get(pk=reg.pk).result == "failed"
    result(certificate_no="S2024A0001", certificate_date=date(2024, 12, 10))
    stored = Registration.objects.get(pk=reg.pk)
    assert (stored.result, stored.certificate_no, stored.certified) == ("passed", "S2024A0001", True)
    # A certificate number is one person's.
    other = setup.register(year=2024, level="intermediate")
    refused(lambda: services.registration_result(acting_user=county, registration=other, result="passed",
                                                 result_on=date(2024, 9, 20), certificate_no="S2024A0001",
                                                 certificate_date=date(2024, 12, 10)), "already recorded")


def test_a_policy_version_is_added_never_rewritten(setup: Setup) -> None:
    county = setup.users["county"]
    today = timezone.localdate()
    first = services.policy_version_add(acting_user=county, county=setup.county, effective_from=date(2024, 1, 1),
                                        amounts=AMOUNTS, note="试行")
    assert {r.level: r.monthly_amount for r in first} == {k: Decimal(v) for k, v in AMOUNTS.items()}
    assert AuditEvent.objects.get(action="socialwork.policy_add").region_code == LUXIAN
    raise_ = {**AMOUNTS, "assistant": "300"}
    refused(lambda: services.policy_version_add(acting_user=county, county=setup.county,
                                                effective_from=date(2024, 1, 1), amounts=raise_),
            "after the latest one (2024-01-01)")
    refused(lambda: services.policy_version_add(acting_user=county, county=setup.county,
                                                effective_from=today - timedelta(days=1), amounts=raise_),
            "cannot take effect in the past")
    refused(lambda: services.policy_version_add(acting_user=county, county=setup.county, effective_from=today,
                                                amounts={"assistant": "300"}), "an amount for every level")
    refused(lambda: services.policy_version_add(acting_user=county, county=setup.county, effective_from=today,
                                                amounts={**AMOUNTS, "senior": "-1"}), "an amount from 0")
    refused(lambda: services.policy_version_add(acting_user=county, county=setup.county, effective_from=today,
                                                amounts={**AMOUNTS, "senior": "lots"}), "an amount in yuan")
    refused(lambda: services.policy_version_add(acting_user=county, county=Region.objects.get(code=f.YUSI),
                                                effective_from=today, amounts=AMOUNTS), "belongs to a county")
    for who, where in [("gulin_admin", setup.county), ("township", setup.county),
                       ("county", Region.objects.get(code=f.GULIN))]:
        refused(lambda who=who, where=where: services.policy_version_add(
            acting_user=setup.users[who], county=where, effective_from=today, amounts=AMOUNTS),
            "outside your jurisdiction")
    services.policy_version_add(acting_user=county, county=setup.county, effective_from=today, amounts=raise_)
    # The city adds versions for its counties.
    services.policy_version_add(acting_user=setup.users["city"], county=setup.county,
                                effective_from=today + timedelta(days=31), amounts=AMOUNTS)
    assert SubsidyRate.objects.filter(region_id=LUXIAN).count() == 9
    assert SubsidyRate.objects.filter(region_id=LUXIAN, effective_from=date(2024, 1, 1), level="assistant"
                                      ).get().monthly_amount == Decimal("200")
