"""The collective economy through its services: every rule, and every refusal leaves everything as it was."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lingtouyang.audit.models import AuditEvent
from lingtouyang.economy import services
from lingtouyang.economy.models import ProjectCadre
from tests import factories as f
from tests.economy.conftest import Setup, snapshot

pytestmark = pytest.mark.django_db


def refused(call, message: str) -> None:  # noqa: ANN001
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert message in " ".join(exc.value.messages), exc.value.messages
    assert snapshot() == before


def test_a_project_is_recorded_with_its_net_income_and_audited(setup: Setup) -> None:
    p = setup.project()
    assert (p.operating_income, p.operating_cost, p.net_income) == (Decimal(860000), Decimal(340000), Decimal(520000))
    event = AuditEvent.objects.get(action="economy_project.create")
    assert event.region_code == f.TANBA and event.changes["operating_income"] == [None, "860000.00"]


def test_negative_or_malformed_figures_are_refused_with_a_reason(setup: Setup) -> None:
    refused(lambda: setup.project(operating_income="-1"), "cannot be negative")
    refused(lambda: setup.project(operating_cost=Decimal("-0.01")), "cannot be negative")
    refused(lambda: setup.project(operating_income="abc"), "in yuan")
    refused(lambda: setup.project(operating_income="1.005"), "at most two decimals")
    refused(lambda: setup.project(operating_income=""), "in yuan")


def test_other_bad_input_is_refused(setup: Setup) -> None:
    refused(lambda: setup.project(name="  "), "name the project")
    refused(lambda: setup.project(year=1999), "the year is between")
    refused(lambda: setup.project(year=timezone.localdate().year + 1), "the year is between")
    refused(lambda: setup.project(region=f.YUSI), "choose a village or community")
    setup.project()
    refused(lambda: setup.project(), "already has a project of this name")


def test_scope_and_capability(setup: Setup) -> None:
    for who, region in [("township", f.GULIN_VILLAGE), ("county", f.GULIN_VILLAGE), ("village", f.TANBA),
                        ("supervisor", f.TANBA), ("city", f.TANBA)]:
        refused(lambda who=who, region=region: setup.project(who=who, region=region), "outside your jurisdiction")
    assert setup.project(who="county").pk


def test_update_is_audited_and_a_refusal_leaves_the_row(setup: Setup) -> None:
    p = setup.project()
    services.project_update(acting_user=setup.users["county"], project=p, operating_cost="360000")
    p.refresh_from_db()
    assert p.net_income == Decimal(500000)
    assert AuditEvent.objects.get(action="economy_project.update").changes == {
        "operating_cost": ["340000.00", "360000.00"]}
    refused(lambda: services.project_update(acting_user=setup.users["county"], project=p, operating_income="-5"),
            "cannot be negative")
    assert p.operating_income == Decimal("860000.00")  # the object handed in is restored too


def test_cadres_must_have_held_a_post_in_the_village_that_year(setup: Setup) -> None:
    p = setup.project()
    township = setup.users["township"]
    services.cadre_add(acting_user=township, project=p, person=setup.cadre)
    assert list(ProjectCadre.objects.values_list("person_id", flat=True)) == [setup.cadre.pk]
    refused(lambda: services.cadre_add(acting_user=township, project=p, person=setup.cadre), "already named")
    nobody = f.make_person(f.TANBA, name="甘无职", born=date(1990, 1, 1))
    refused(lambda: services.cadre_add(acting_user=township, project=p, person=nobody), "held no post")
    late = f.make_person(f.TANBA, name="甘晚到", born=date(1990, 1, 1))
    f.make_appointment(late, post="village_member", start=date(2026, 1, 5))
    refused(lambda: services.cadre_add(acting_user=township, project=p, person=late), "held no post")
    # Someone whose post ended during the year still ran the year's project.
    early = f.make_person(f.TANBA, name="甘早退", born=date(1960, 1, 1))
    f.make_appointment(early, post="village_member", start=date(2021, 3, 1), end_date=date(2025, 4, 30),
                       end_reason="辞职")
    services.cadre_add(acting_user=township, project=p, person=early)
    services.cadre_remove(acting_user=township, project=p, person=setup.cadre)
    assert list(ProjectCadre.objects.values_list("person_id", flat=True)) == [early.pk]
    refused(lambda: services.cadre_remove(acting_user=township, project=p, person=setup.cadre), "is not named")
    assert AuditEvent.objects.filter(action__startswith="economy_project.cadre_").count() == 3


def test_the_year_cannot_move_away_from_its_cadres(setup: Setup) -> None:
    p = setup.project()
    services.cadre_add(acting_user=None, project=p, person=setup.cadre)
    refused(lambda: services.project_update(acting_user=None, project=p, year=2024), "remove them before")


def test_delete_takes_the_cadres_and_is_audited(setup: Setup) -> None:
    p = setup.project()
    services.cadre_add(acting_user=None, project=p, person=setup.cadre)
    services.project_delete(acting_user=setup.users["township"], project=p)
    assert not ProjectCadre.objects.exists()
    assert AuditEvent.objects.get(action="economy_project.delete").changes["cadres"] == [[setup.cadre.pk], None]
