"""The feedback workflow: submission, deadlines, answers by the right level, escalation, moderation."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from lingtouyang.audit.models import AuditEvent
from lingtouyang.oversight import services
from lingtouyang.oversight.models import ResponsePolicy, State, Thread
from lingtouyang.oversight.policy import Deadlines, deadlines_for
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.oversight.conftest import published_disclosure, snapshot

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 2)


def test_submit_pins_sichuan_deadlines_and_audits(setup) -> None:  # noqa: ANN001
    t = setup.ask(phone="139 0000 0001".replace(" ", ""), contact_name="李大姐")
    assert t.region_id == f.TANBA and t.state == State.OPEN
    assert t.village_due == DAY + timedelta(days=10) and t.township_due == DAY + timedelta(days=30)
    assert len(t.reference) == 10 and t.reference != str(t.pk)
    assert t.phone == "13900000001" and b"13900000001" not in bytes(t.phone_cipher)
    event = AuditEvent.objects.get(action="feedback.submit")
    assert event.changes["phone"] == [None, "***"] and "13900000001" not in str(event.changes)
    assert t.submitter_hash and "203.0.113.7" not in t.submitter_hash


def test_script_is_stored_as_typed(setup) -> None:  # noqa: ANN001
    t = setup.ask(body="<script>alert(1)</script> 账目呢？")
    assert Thread.objects.get(pk=t.pk).body == "<script>alert(1)</script> 账目呢？"


@pytest.mark.parametrize(("extra", "field"), [
    ({"body": "短"}, "body"), ({"body": "长" * 2001}, "body"), ({"kind": "praise"}, "kind"),
    ({"phone": "12345"}, "phone"), ({"contact_name": "名" * 31}, "contact_name"),
    ({"body": "有控制字符\x00的文字"}, "body"),
])
def test_bad_input_refused_nothing_saved(setup, extra, field) -> None:  # noqa: ANN001
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        setup.ask(**extra)
    assert field in exc.value.message_dict
    assert snapshot() == before


def test_unpublished_disclosure_refused(setup) -> None:  # noqa: ANN001
    draft = published_disclosure(state="draft", published_at=None, title="草稿")
    with pytest.raises(ValidationError, match="not published"):
        setup.ask(disclosure=draft)


def test_village_in_general_and_not_a_township(setup) -> None:  # noqa: ANN001
    t = setup.ask(disclosure=None, village=setup.tanba)
    assert t.disclosure_id is None and t.region_id == f.TANBA
    with pytest.raises(ValidationError, match="village"):
        setup.ask(disclosure=None, village=Region.objects.get(code=f.YUSI))


def test_flood_from_one_address_refused(setup, settings) -> None:  # noqa: ANN001
    settings.LINGTOUYANG_FEEDBACK_PER_HOUR = 3
    for _i in range(3):
        setup.ask()
    before = snapshot()
    with pytest.raises(ValidationError, match="Too many messages"):
        setup.ask()
    assert snapshot() == before
    setup.ask(address="198.51.100.9")  # another address is not affected


def test_village_answers_open_thread(setup) -> None:  # noqa: ANN001
    t = setup.ask()
    answer = services.feedback_answer(acting_user=setup.users["village"], thread=t, body="已在公开栏张贴明细。",
                                      today=DAY + timedelta(days=10))
    t.refresh_from_db()
    assert t.state == State.ANSWERED and answer.by == "village" and answer.author == setup.users["village"]
    assert AuditEvent.objects.filter(action="feedback.answer", object_id=str(t.pk)).exists()


def test_township_cannot_answer_before_escalation(setup) -> None:  # noqa: ANN001
    t = setup.ask()
    before = snapshot()
    with pytest.raises(ValidationError, match="village answers first"):
        services.feedback_answer(acting_user=setup.users["township"], thread=t, body="镇里答复", today=DAY)
    assert snapshot() == before


def test_past_due_the_village_cannot_answer_the_township_does(setup) -> None:  # noqa: ANN001
    t = setup.ask()
    late = DAY + timedelta(days=11)
    assert t.state_on(late) == State.ESCALATED and t.state_on(DAY + timedelta(days=10)) == State.OPEN
    with pytest.raises(ValidationError, match="township answers now"):
        services.feedback_answer(acting_user=setup.users["village"], thread=t, body="迟到的答复", today=late)
    t.refresh_from_db()
    assert t.state == State.OPEN  # the refusal rolled back the escalation too
    services.feedback_answer(acting_user=setup.users["township"], thread=t, body="镇纪委已督促整改。", today=late)
    t.refresh_from_db()
    assert t.state == State.ANSWERED_BY_TOWNSHIP and t.escalated_at is not None
    assert list(AuditEvent.objects.filter(object_id=str(t.pk)).order_by("id").values_list("action", flat=True)) \
        == ["feedback.submit", "feedback.escalate", "feedback.answer"]


def test_out_of_scope_cannot_answer_or_moderate(setup) -> None:  # noqa: ANN001
    t = setup.ask()
    before = snapshot()
    for user in (setup.users["other_village"], setup.users["gulin_officer"], setup.users["supervisor"]):
        with pytest.raises(ValidationError, match="outside your jurisdiction"):
            services.feedback_answer(acting_user=user, thread=t, body="答复", today=DAY)
    with pytest.raises(ValidationError, match="outside your jurisdiction"):
        services.feedback_hide(acting_user=setup.users["village"], thread=t, reason="辱骂")
    assert snapshot() == before


def test_escalate_due_is_set_based_and_idempotent(setup) -> None:  # noqa: ANN001
    due = [setup.ask(address=f"10.0.0.{i}") for i in range(3)]
    fresh = setup.ask(today=DAY + timedelta(days=5))
    hidden = setup.ask(address="10.0.0.9")
    services.feedback_hide(acting_user=setup.users["township"], thread=hidden, reason="辱骂他人")
    answered = setup.ask(address="10.0.0.8")
    services.feedback_answer(acting_user=setup.users["village"], thread=answered, body="已答复", today=DAY)
    on = DAY + timedelta(days=11)
    assert set(Thread.objects.escalated_on(on)) == set(due)
    assert services.feedback_escalate_due(on=on) == 3
    assert services.feedback_escalate_due(on=on) == 0
    assert {t.pk for t in Thread.objects.filter(state=State.ESCALATED)} == {t.pk for t in due}
    assert Thread.objects.get(pk=fresh.pk).state == State.OPEN
    assert Thread.objects.get(pk=hidden.pk).state == State.OPEN
    event = AuditEvent.objects.get(action="feedback.escalate_due")
    assert event.changes["count"] == [None, 3]
    assert set(event.changes["threads"][1].split(",")) == {str(t.pk) for t in due}


def test_overdue_counts(setup) -> None:  # noqa: ANN001
    t = setup.ask()
    assert not Thread.objects.overdue_on(DAY + timedelta(days=30)).exists()
    assert list(Thread.objects.overdue_on(DAY + timedelta(days=31))) == [t]
    assert t.is_overdue(DAY + timedelta(days=31)) and not t.is_overdue(DAY + timedelta(days=30))


def test_close_after_answer_by_moderator(setup) -> None:  # noqa: ANN001
    t = setup.ask()
    with pytest.raises(ValidationError, match="cannot become"):
        services.feedback_close(acting_user=setup.users["township"], thread=t)
    services.feedback_answer(acting_user=setup.users["village"], thread=t, body="已答复", today=DAY)
    with pytest.raises(ValidationError, match="outside your jurisdiction"):
        services.feedback_close(acting_user=setup.users["village"], thread=t)
    services.feedback_close(acting_user=setup.users["county"], thread=t)
    t.refresh_from_db()
    assert t.state == State.CLOSED and t.closed_at is not None


def test_hide_and_unhide_need_reason(setup) -> None:  # noqa: ANN001
    t = setup.ask()
    with pytest.raises(ValidationError) as exc:
        services.feedback_hide(acting_user=setup.users["township"], thread=t, reason="  ")
    assert "reason" in exc.value.message_dict
    services.feedback_hide(acting_user=setup.users["township"], thread=t, reason="含辱骂内容")
    t.refresh_from_db()
    assert t.is_hidden and t.hidden_reason == "含辱骂内容"
    with pytest.raises(ValidationError, match="hidden thread cannot be answered"):
        services.feedback_answer(acting_user=setup.users["village"], thread=t, body="答复", today=DAY)
    with pytest.raises(ValidationError, match="already hidden"):
        services.feedback_hide(acting_user=setup.users["township"], thread=t, reason="再次")
    services.feedback_unhide(acting_user=setup.users["county"], thread=t, reason="误判")
    t.refresh_from_db()
    assert not t.is_hidden and t.state == State.OPEN
    assert AuditEvent.objects.filter(action__in=["feedback.hide", "feedback.unhide"]).count() == 2


def test_policy_longest_prefix_latest_version(setup) -> None:  # noqa: ANN001
    assert deadlines_for(f.TANBA, DAY) == Deadlines(10, 20)
    ResponsePolicy.objects.create(prefix="510521", village_days=7, township_days=15, effective_from=date(2026, 12, 1))
    assert deadlines_for(f.TANBA, DAY) == Deadlines(10, 20)  # not yet in force
    assert deadlines_for(f.TANBA, date(2026, 12, 1)) == Deadlines(7, 15)
    assert deadlines_for(f.GULIN_VILLAGE, date(2026, 12, 1)) == Deadlines(10, 20)
    t = setup.ask()  # submitted before: keeps the deadlines pinned then
    assert t.village_due == DAY + timedelta(days=10)


@settings(max_examples=60, deadline=None)
@given(v=st.integers(1, 60), t=st.integers(1, 60), day=st.dates(date(2020, 1, 1), date(2030, 12, 31)))
def test_due_dates_property(v: int, t: int, day: date) -> None:
    village_due, township_due = Deadlines(v, t).due_dates(day)
    assert (village_due - day).days == v and (township_due - village_due).days == t


def test_reference_normalised() -> None:
    assert services.normalise_reference(" abcd-2345 xy ") == "ABCD2345XY"
    refs = {services.new_reference() for _i in range(200)}
    assert len(refs) == 200 and all(set(r) <= set(services.REFERENCE_ALPHABET) for r in refs)
