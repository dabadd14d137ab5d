"""Checklists, decisions and their steps and compliance checks through their services; every refusal changes
nothing."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lingtouyang.audit.models import AuditEvent
from lingtouyang.governance import services
from lingtouyang.governance.models import Checklist, ComplianceCheck, Decision, DecisionStep
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.governance.conftest import snapshot

pytestmark = pytest.mark.django_db


def refused(call: Callable[[], Any], message: str) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert message in " ".join(exc.value.messages), exc.value.messages
    assert snapshot() == before


def make_decision(user: Any, code: str = f.TANBA, **changes: Any) -> Decision:
    data: dict[str, Any] = {"region": Region.objects.get(code=code), "title": "村集体茶园承包",
                            "matter": "collective_property", "amount": "80000"}
    data.update(changes)
    return services.decision_create(acting_user=user, **data)


def step(user: Any, d: Decision, n: int, day: date, **extra: Any) -> DecisionStep:
    return services.decision_step_record(acting_user=user, decision=d, step=n, held_on=day, **extra)


def run_all(user: Any, d: Decision) -> None:
    step(user, d, 1, date(2025, 3, 1))
    step(user, d, 2, date(2025, 3, 3))
    step(user, d, 3, date(2025, 3, 5), body="party_members", entitled=30, present=25, approve=20)
    step(user, d, 4, date(2025, 3, 8), body="villagers_households", entitled=300, present=220, approve=180)
    step(user, d, 5, date(2025, 3, 9), place="村务公开栏")
    step(user, d, 6, date(2025, 6, 1), place="村务公开栏、微信群")


def test_the_default_checklists_are_data() -> None:
    rules = Checklist.objects.get(code="two_committee_rules")
    assert rules.items.count() == 17 and rules.version == 1
    assert list(rules.items.values_list("aspect", flat=True).distinct().order_by()) != []
    assert len({i.aspect for i in rules.items.all()}) == 5
    assert Checklist.objects.get(code="power_supervision").items.count() == 15


def test_a_decision_goes_through_six_steps(users: dict[str, Any]) -> None:
    village = users["village"]  # the village's own cadre records
    d = make_decision(village)
    run_all(village, d)
    d.refresh_from_db()
    assert (d.steps_done, d.failed, d.complete, d.last_step_on) == (6, False, True, date(2025, 6, 1))
    assert AuditEvent.objects.filter(action="decision.step").count() == 6
    refused(lambda: step(village, d, 6, date(2025, 6, 2), place="x"), "every step of this decision is recorded")


def test_steps_out_of_order_or_bad_are_refused(users: dict[str, Any]) -> None:
    township = users["township"]
    d = make_decision(township)
    refused(lambda: step(township, d, 3, date(2025, 3, 1), body="party_members", entitled=3, present=3, approve=3),
            "steps are recorded in order: the next one is 1")
    step(township, d, 1, date(2025, 3, 1))
    refused(lambda: step(township, d, 2, date(2025, 2, 1)), "cannot come earlier")
    refused(lambda: step(township, d, 2, timezone.localdate() + timedelta(days=1)), "in the future")
    refused(lambda: step(township, d, 2, date(2025, 3, 2), merge=True), "only the proposal can be merged")
    step(township, d, 2, date(2025, 3, 2))
    refused(lambda: step(township, d, 3, date(2025, 3, 3), body="representatives", entitled=3, present=3, approve=3),
            "choose the meeting that voted")
    refused(lambda: step(township, d, 3, date(2025, 3, 3), body="party_members", entitled=3, present=4, approve=3),
            "no more can be present")
    refused(lambda: step(township, d, 3, date(2025, 3, 3), body="party_members", entitled="x", present=4, approve=3),
            "a whole number")
    step(township, d, 3, date(2025, 3, 3), body="party_members", entitled=30, present=21, approve=16)
    # Disposal of collective property is for the villagers' meeting (art. 24), not the representatives'.
    refused(lambda: step(township, d, 4, date(2025, 3, 4), body="representatives", entitled=40, present=40,
                         approve=40), "art. 24")
    step(township, d, 4, date(2025, 3, 4), body="villagers_adults", entitled=900, present=600, approve=400)
    refused(lambda: step(township, d, 5, date(2025, 3, 5)), "this field is required")  # where published
    neighbour = make_decision(users["county"], code=f.OTHER_YUSI_VILLAGE)
    refused(lambda: step(users["village"], neighbour, 1, date(2025, 3, 1)), "outside your jurisdiction")
    refused(lambda: make_decision(users["supervisor"]), "outside your jurisdiction")  # reads, does not record
    refused(lambda: make_decision(township, code=f.YUSI), "a decision belongs to a village")
    refused(lambda: make_decision(township, matter="x"), "choose what the decision is about")
    refused(lambda: make_decision(township, amount="-5"), "an amount in yuan")


def test_a_failed_meeting_is_recorded_and_may_be_held_again(users: dict[str, Any]) -> None:
    township = users["township"]
    d = make_decision(township, matter="project")
    step(township, d, 1, date(2025, 3, 1))
    step(township, d, 2, date(2025, 3, 2))
    row = step(township, d, 3, date(2025, 3, 3), body="party_members", entitled=30, present=19, approve=19)
    d.refresh_from_db()
    assert (row.passed, d.failed, d.steps_done) == (False, True, 2)
    refused(lambda: step(township, d, 4, date(2025, 3, 4), body="representatives", entitled=40, present=30,
                         approve=20), "the next one is 3")
    step(township, d, 3, date(2025, 3, 10), body="party_members", entitled=30, present=20, approve=16)
    step(township, d, 4, date(2025, 3, 12), body="representatives", entitled=45, present=30, approve=16)
    d.refresh_from_db()
    assert (d.failed, d.steps_done, d.steps.count()) == (False, 4, 5)


def test_merge_needs_one_person_in_both_top_posts(users: dict[str, Any]) -> None:
    township = users["township"]
    d = make_decision(township)
    secretary = f.make_person(f.TANBA, name="甘守仁")
    f.make_appointment(secretary, post="party_secretary", start=date(2021, 3, 1))
    refused(lambda: step(township, d, 1, date(2025, 3, 1), merge=True), "only where the party secretary is also the director")
    f.make_appointment(secretary, post="village_director", start=date(2021, 3, 1))
    assert services.holds_both_top_posts(f.TANBA, date(2025, 3, 1))
    assert not services.holds_both_top_posts(f.TANBA, date(2021, 2, 1))
    step(township, d, 1, date(2025, 3, 1), merge=True)
    d.refresh_from_db()
    assert d.steps_done == 2 and d.steps.get(step=2).merged


def test_checklist_versions_are_published_never_edited(users: dict[str, Any]) -> None:
    city = users["city"]
    items = [("职责定位", "新措施一"), ("", "新措施二")]
    today = timezone.localdate()
    refused(lambda: services.checklist_publish(acting_user=users["county"], code="power_supervision", name="x",
                                               effective_from=today, items=items), "kept by the city")
    refused(lambda: services.checklist_publish(acting_user=city, code="power_supervision", name="x",
                                               effective_from=today - timedelta(days=1), items=items),
            "cannot take effect in the past")
    refused(lambda: services.checklist_publish(acting_user=city, code="power_supervision", name="x",
                                               effective_from=today, items=[("", " ")]), "at least one measure")
    v2 = services.checklist_publish(acting_user=city, code="power_supervision", name="村级权力监督制约措施（修订）",
                                    effective_from=today, items=items)
    assert (v2.version, v2.items.count()) == (2, 2)
    assert Checklist.objects.get(code="power_supervision", version=1).items.count() == 15
    assert AuditEvent.objects.get(action="checklist.publish").changes["version"] == [1, 2]


def test_compliance_checks_against_the_version_in_force(users: dict[str, Any]) -> None:
    township = users["township"]
    d = make_decision(township)
    step(township, d, 1, date(2025, 3, 1))
    v1 = Checklist.objects.get(code="power_supervision", version=1)
    first, second = list(v1.items.order_by("number")[:2])
    n = services.decision_checks_record(acting_user=township, decision=d, checklist=v1,
                                        answers={first.pk: (True, ""), second.pk: (False, "未公示")})
    assert n == 2 and ComplianceCheck.objects.filter(decision=d, complied=False).count() == 1
    services.decision_checks_record(acting_user=township, decision=d, checklist=v1,
                                    answers={second.pk: (True, "已补公示")})
    assert ComplianceCheck.objects.get(decision=d, item=second).note == "已补公示"
    assert ComplianceCheck.objects.count() == 2
    other = Checklist.objects.get(code="two_committee_rules").items.first()
    refused(lambda: services.decision_checks_record(acting_user=township, decision=d, checklist=v1,
                                                    answers={other.pk: (True, "")}), "not measures of this checklist")
    refused(lambda: services.decision_checks_record(acting_user=township, decision=d, checklist=v1, answers={}),
            "answer at least one measure")
    v2 = services.checklist_publish(acting_user=users["city"], code="power_supervision", name="修订",
                                    effective_from=timezone.localdate(), items=[("", "新措施")])
    refused(lambda: services.decision_checks_record(acting_user=township, decision=d, checklist=v2,
                                                    answers={v2.items.get().pk: (True, "")}), "the version in force")
