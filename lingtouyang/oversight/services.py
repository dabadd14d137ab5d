"""Every change to residents' feedback goes through these functions: validate, save, write the audit row, in
one transaction. A refusal raises ValidationError with a clear message and changes nothing.

The process (TRANSITIONS, checked by MACHINE): open → answered (the village) → closed; open → escalated (past
the village's due date: `feedback_escalate_due`, and on read, see `Thread.state_on`) → answered_by_township
(a township officer of the village's township) → closed. Hiding is moderation beside the state."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingtouyang.audit.services import audit_record
from lingtouyang.core import crypto
from lingtouyang.core.workflow import StateMachine, lock_state, require_in_scope
from lingtouyang.oversight.models import Answer, Kind, State, Thread
from lingtouyang.oversight.policy import deadlines_for
from lingtouyang.people.normalize import CellError, parse_phone
from lingtouyang.regions.models import Level, Region

TRANSITIONS = {
    (State.OPEN, State.ANSWERED), (State.OPEN, State.ESCALATED), (State.ESCALATED, State.ANSWERED_BY_TOWNSHIP),
    (State.ANSWERED, State.CLOSED), (State.ANSWERED_BY_TOWNSHIP, State.CLOSED),
}
MACHINE = StateMachine(TRANSITIONS, gettext_lazy("a thread that is “%(state)s” cannot become “%(to)s”"))
BODY_MIN, BODY_MAX = 5, 2000
ANSWER_MAX = 4000
NAME_MAX, REASON_MAX = 30, 200
# Reference numbers: 10 characters without look-alikes (0/O, 1/I/L), about 2^49 of them: not guessable, and
# short enough to read over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 10
RATE_WINDOW = 3600  # seconds


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(REFERENCE_LENGTH))


def normalise_reference(raw: str) -> str:
    """What a resident types: spaces, dashes and lower case are forgiven."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:20]


def address_hash(address: str) -> str:
    """The submitter's address as a keyed hash: enough to count a flood, nothing to read back."""
    return crypto.blind_index(f"feedback-address:{address}") if address else ""


def _rate_key(digest: str) -> str:
    return f"oversight:submissions:{digest}"


def _check_rate(digest: str) -> None:
    """At most LINGTOUYANG_FEEDBACK_PER_HOUR submissions per address per hour (a fixed window in the cache, so
    it works with locmem in tests and Redis in production)."""
    if not digest:
        return
    if (cache.get(_rate_key(digest)) or 0) >= settings.LINGTOUYANG_FEEDBACK_PER_HOUR:
        raise ValidationError(_("Too many messages from your connection in the last hour (at most %(n)d). "
                                "Please try again later.") % {"n": settings.LINGTOUYANG_FEEDBACK_PER_HOUR})


def _count_submission(digest: str) -> None:
    if not digest:
        return
    key = _rate_key(digest)
    cache.add(key, 0, RATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)


def _validate_text(errors: dict[str, list[str]], field: str, value: str, low: int, high: int) -> None:
    if len(value) < low:
        errors[field] = [_("write at least %(n)d characters") % {"n": low}]
    elif len(value) > high:
        errors[field] = [_("at most %(n)d characters") % {"n": high}]
    elif any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        errors[field] = [_("the text contains control characters")]


def feedback_submit(*, acting_user: Any = None, village: Region | None = None, disclosure: Any = None,
                    kind: str, body: str, contact_name: str = "", phone: str = "", address: str = "",
                    today: date | None = None, at: datetime | None = None) -> Thread:
    """A resident's question or complaint, about a published disclosure or about a village in general. The
    text is stored as typed (and always escaped on output); a phone number only encrypted. `at` (the moment
    of submission) is for the demo and imports; the web never passes it."""
    from lingtouyang.disclosure.models import Disclosure

    if disclosure is not None:
        if disclosure.state != Disclosure.State.PUBLISHED:
            raise ValidationError(_("this disclosure is not published"))
        village = disclosure.region
    if village is None or village.level != Level.VILLAGE:
        raise ValidationError(_("choose a village or community"))
    body, contact_name, phone = (body or "").strip(), (contact_name or "").strip(), (phone or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [_("choose a question or a complaint")]
    _validate_text(errors, "body", body, BODY_MIN, BODY_MAX)
    if contact_name:
        _validate_text(errors, "contact_name", contact_name, 1, NAME_MAX)
    if phone:
        try:
            phone = parse_phone(phone)
        except CellError as exc:
            errors["phone"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    digest = address_hash(address)
    _check_rate(digest)
    day = today or (timezone.localdate(at) if at else timezone.localdate())
    village_due, township_due = deadlines_for(village.code, day).due_dates(day)
    for _attempt in range(5):
        thread = Thread(reference=new_reference(), region=village, disclosure=disclosure, kind=kind, body=body,
                        contact_name=contact_name, phone_cipher=crypto.encrypt(phone) if phone else None,
                        submitter_hash=digest, village_due=village_due, township_due=township_due,
                        submitted_at=at or timezone.now())
        try:
            with transaction.atomic():
                thread.save()
                audit_record("feedback.submit", obj=thread, region_code=village.code, user=acting_user, changes={
                    "reference": [None, thread.reference], "kind": [None, kind],
                    "disclosure": [None, disclosure.pk if disclosure else None],
                    "contact_name": [None, contact_name or None], "phone": [None, "***" if phone else None],
                    "village_due": [None, str(village_due)], "township_due": [None, str(township_due)]})
        except IntegrityError:  # a reference already taken: draw again
            continue
        _count_submission(digest)
        return thread
    raise ValidationError(_("The message could not be saved. Please try again."))


def _escalate_if_due(thread: Thread, day: date) -> None:
    """Inside a transaction with the thread locked: store the escalation `state_on` already shows."""
    if thread.state == State.OPEN and thread.state_on(day) == State.ESCALATED:
        MACHINE.check(thread, State.ESCALATED)
        thread.state, thread.escalated_at = State.ESCALATED, timezone.now()
        thread.save(update_fields=["state", "escalated_at"])
        audit_record("feedback.escalate", obj=thread, region_code=thread.region_id,
                     changes={"state": [State.OPEN, State.ESCALATED]}, user=None)


def _answering_level(acting_user: Any, by: str | None) -> str:
    if acting_user is None:
        return by or Answer.By.VILLAGE
    region = acting_user.region
    if region is not None and region.level == Level.VILLAGE:
        return Answer.By.VILLAGE
    if region is not None and region.level == Level.TOWNSHIP:
        return Answer.By.TOWNSHIP
    raise ValidationError(_("only the village, or its township once the thread is escalated, answers"))


def feedback_answer(*, acting_user: Any, thread: Thread, body: str, by: str | None = None,
                    today: date | None = None, at: datetime | None = None) -> Answer:
    """The village answers an open thread; once escalated, only the village's township does. `by` is for the
    command line (acting_user None) only."""
    require_in_scope(acting_user, "answer_feedback", thread.region_id)
    body = (body or "").strip()
    errors: dict[str, list[str]] = {}
    _validate_text(errors, "body", body, 2, ANSWER_MAX)
    if errors:
        raise ValidationError(errors)
    level = _answering_level(acting_user, by)
    day = today or (timezone.localdate(at) if at else timezone.localdate())
    with transaction.atomic():
        lock_state(thread)
        thread.refresh_from_db()
        if thread.is_hidden:
            raise ValidationError(_("a hidden thread cannot be answered; unhide it first"))
        _escalate_if_due(thread, day)
        if thread.state == State.OPEN and level != Answer.By.VILLAGE:
            raise ValidationError(_("the village answers first; the township answers once the thread is escalated"))
        if thread.state == State.ESCALATED and level != Answer.By.TOWNSHIP:
            raise ValidationError(_("the village's time to answer has passed: the township answers now"))
        to = State.ANSWERED if thread.state == State.OPEN else State.ANSWERED_BY_TOWNSHIP
        before = MACHINE.check(thread, to)
        answer = Answer.objects.create(thread=thread, region_id=thread.region_id, by=level, author=acting_user,
                                       body=body, created_at=at or timezone.now())
        thread.state = to
        thread.save(update_fields=["state"])
        audit_record("feedback.answer", obj=thread, region_code=thread.region_id, user=acting_user,
                     changes={"state": [before, to], "answer": [None, answer.pk], "by": [None, level]})
    return answer


def feedback_close(*, acting_user: Any, thread: Thread) -> Thread:
    """An answered thread is closed by a moderator (township or county): the matter is settled."""
    require_in_scope(acting_user, "moderate_feedback", thread.region_id)
    with transaction.atomic():
        lock_state(thread)
        before = MACHINE.check(thread, State.CLOSED)
        thread.state, thread.closed_at = State.CLOSED, timezone.now()
        thread.save(update_fields=["state", "closed_at"])
        audit_record("feedback.close", obj=thread, region_code=thread.region_id, user=acting_user,
                     changes={"state": [before, State.CLOSED]})
    return thread


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("give the reason")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("at most %(n)d characters") % {"n": REASON_MAX}]})
    return reason


def feedback_hide(*, acting_user: Any, thread: Thread, reason: str) -> Thread:
    """Abuse, personal data of others, and the like: the public sees "hidden by a moderator", not the text."""
    require_in_scope(acting_user, "moderate_feedback", thread.region_id)
    reason = _reason(reason)
    with transaction.atomic():
        lock_state(thread, "hidden_at")
        if thread.hidden_at is not None:
            raise ValidationError(_("this thread is already hidden"))
        thread.hidden_at, thread.hidden_reason, thread.hidden_by = timezone.now(), reason, acting_user
        thread.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        audit_record("feedback.hide", obj=thread, region_code=thread.region_id, user=acting_user,
                     changes={"hidden": [False, True], "reason": [None, reason]})
    return thread


def feedback_unhide(*, acting_user: Any, thread: Thread, reason: str) -> Thread:
    require_in_scope(acting_user, "moderate_feedback", thread.region_id)
    reason = _reason(reason)
    with transaction.atomic():
        lock_state(thread, "hidden_at")
        if thread.hidden_at is None:
            raise ValidationError(_("this thread is not hidden"))
        before = thread.hidden_reason
        thread.hidden_at, thread.hidden_reason, thread.hidden_by = None, "", None
        thread.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        audit_record("feedback.unhide", obj=thread, region_code=thread.region_id, user=acting_user,
                     changes={"hidden": [True, False], "reason": [before, reason]})
    return thread


def feedback_escalate_due(*, acting_user: Any = None, on: date | None = None) -> int:
    """Every open, visible thread past its village due date becomes escalated: one UPDATE, one audit row naming
    the threads. Idempotent (a second run finds none). Returns how many."""
    day = on or timezone.localdate()
    stamp = timezone.now()
    with transaction.atomic():
        count = (Thread.objects.filter(state=State.OPEN, hidden_at__isnull=True, village_due__lt=day)
                 .update(state=State.ESCALATED, escalated_at=stamp))
        if not count:
            return 0
        # The audit row names the threads (by the stamp this run gave them), the first thousand of them.
        ids = Thread.objects.filter(state=State.ESCALATED, escalated_at=stamp).order_by("id").values_list("id",
                                                                                                          flat=True)
        audit_record("feedback.escalate_due", user=acting_user,
                     changes={"count": [None, count], "threads": [None, ",".join(map(str, ids[:1000]))],
                              "on": [None, str(day)]})
    return count
