"""Care records through their services: every rule, and every refusal leaves everything as it was."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lingtouyang.audit.models import AuditEvent
from lingtouyang.care import services
from tests import factories as f
from tests.care.conftest import Setup, snapshot

pytestmark = pytest.mark.django_db


def refused(call, message: str) -> None:  # noqa: ANN001
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert message in " ".join(exc.value.messages), exc.value.messages
    assert snapshot() == before


def test_hardship_assistance_is_recorded_with_its_amount_and_audited(setup: Setup) -> None:
    r = setup.record()
    assert (r.amount, r.region_id, r.kind) == (Decimal("2000.00"), f.TANBA, "hardship")
    assert AuditEvent.objects.get(action="care_record.create").changes["amount"] == [None, "2000.00"]


def test_amounts(setup: Setup) -> None:
    refused(lambda: setup.record(amount=""), "needs the amount")
    refused(lambda: setup.record(amount="0"), "needs the amount")
    refused(lambda: setup.record(amount="-100"), "cannot be negative")
    refused(lambda: setup.record(amount="12.345"), "at most two decimals")
    refused(lambda: setup.record(amount="lots"), "at most two decimals")
    refused(lambda: setup.record(kind="reminder", amount="10", follow_up_due=date(2025, 7, 1)), "has no amount")
    assert setup.record(kind="condolence", amount="").amount is None  # optional for a visit
    assert setup.record(kind="condolence", amount="500.5").amount == Decimal("500.50")


def test_reminder_talks_need_a_follow_up_date(setup: Setup) -> None:
    refused(lambda: setup.record(kind="reminder", amount=None), "needs a follow-up date")
    refused(lambda: setup.record(kind="reminder", amount=None, follow_up_due=date(2025, 5, 1)), "on or after")
    refused(lambda: setup.record(kind="condolence", amount=None, follow_up_due=date(2025, 7, 1)),
            "only a reminder talk")


def test_other_bad_input(setup: Setup) -> None:
    refused(lambda: setup.record(by_whom=" "), "say who")
    refused(lambda: setup.record(date=timezone.localdate() + timedelta(days=1)), "cannot be dated in the future")
    refused(lambda: setup.record(kind="gift"), "choose the kind")
    refused(lambda: setup.record(note="x" * 501), "at most 500 characters")


def test_scope_and_capability(setup: Setup) -> None:
    for who, person in [("township", setup.other), ("county", setup.other), ("village", setup.cadre),
                        ("supervisor", setup.cadre), ("city", setup.cadre), ("gulin_admin", setup.cadre)]:
        refused(lambda who=who, person=person: setup.record(who=who, person=person), "outside your jurisdiction")
    assert setup.record(who="county").pk


def test_follow_up_of_a_reminder_talk(setup: Setup) -> None:
    talk = setup.record(kind="reminder", amount=None, follow_up_due=date(2025, 7, 1))
    township = setup.users["township"]
    refused(lambda: services.follow_up_record(acting_user=township, record=talk, done_on=date(2025, 5, 1),
                                              note="ok"), "on or after the talk")
    refused(lambda: services.follow_up_record(acting_user=township, record=talk, done_on=date(2025, 6, 20),
                                              note=" "), "say what the follow-up found")
    visit = setup.record(kind="condolence", amount=None)
    refused(lambda: services.follow_up_record(acting_user=township, record=visit, done_on=date(2025, 6, 20),
                                              note="x"), "only a reminder talk")
    services.follow_up_record(acting_user=township, record=talk, done_on=date(2025, 6, 20), note="已整改")
    talk.refresh_from_db()
    assert (talk.follow_up_done, talk.follow_up_note) == (date(2025, 6, 20), "已整改")
    assert AuditEvent.objects.get(action="care_record.follow_up").changes["follow_up_note"] == [None, "已整改"]


def test_update_keeps_kind_and_person_and_a_refusal_leaves_the_row(setup: Setup) -> None:
    r = setup.record()
    services.record_update(acting_user=setup.users["county"], record=r, amount="3000", kind="reminder")
    r.refresh_from_db()
    assert (r.amount, r.kind) == (Decimal("3000.00"), "hardship")
    refused(lambda: services.record_update(acting_user=setup.users["county"], record=r, amount="-1"),
            "cannot be negative")
    assert r.amount == Decimal("3000.00")
