"""Every change to attendance goes through these functions: a cadre's QR check-in, an officer's marks,
the renewal of a sitting's code, a trainee's rating of a session; each re-derives completion and the
talent tags completion earns (`refresh_completion`), in the same transaction, and is audited.

Refusals raise ValidationError with a reason (and a `code` the pages use to choose how to show it) and
change nothing."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import PREFIX_LENGTHS, user_prefix
from lingtouyang.training import tokens
from lingtouyang.training.models import Attendance, Enrolment, Evaluation, PersonTag, Session, Sitting

OPENS_BEFORE = timedelta(minutes=30)  # check-in opens this long before a sitting starts, and closes at its end
COMMENT_MAX = 1000


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _outside() -> ValidationError:
    return ValidationError(_("this is outside your jurisdiction"), code="outside")


def _audit_region(acting_user: Any, capability: str, code: str) -> str:
    """Where an officer's action is recorded: the object's region when it is within theirs, or else their own
    (a township marking its villages' people at a county's session is the township's act)."""
    prefix = user_prefix(acting_user, capability) if acting_user is not None else None
    if prefix is None or code.startswith(prefix):
        return code
    return prefix


def _common_region(codes: Iterable[str]) -> str:
    """The narrowest region prefix holding all these codes (for one audit row about several people)."""
    common = os.path.commonprefix(list(codes))
    levels = [n for n in PREFIX_LENGTHS.values() if n <= len(common)]
    return common[:levels[-1]] if levels else ""


def _can_mark(acting_user: Any, session_id: int) -> bool:
    if acting_user is None:
        return True
    return Session.objects.shared_with(acting_user, "mark_attendance").filter(pk=session_id).exists()


# --- completion: one rule ----------------------------------------------------------------------


def completion(attended: Sequence[tuple[date, Decimal]], session_hours: Decimal,
               threshold: int) -> tuple[Decimal, date | None]:
    """Hours attended and the completion date, from the sittings attended in time order (day, hours):
    complete once `attended * 100 >= session_hours * threshold`, on the day of the sitting that crossed it.
    No sitting attended, no completion."""
    total = Decimal(0)
    done: date | None = None
    for day, hours in attended:
        total += hours
        if done is None and total * 100 >= session_hours * threshold:
            done = day
    return total, done


def refresh_completion(enrolment_ids: Iterable[int]) -> int:
    """Recomputes attended hours and completion of these enrolments with a few grouped queries and one
    UPDATE, then awards (or withdraws) the talent tags whose completion changed. Returns how many
    enrolments changed. Callers hold the transaction."""
    ids = sorted(set(enrolment_ids))
    if not ids:
        return 0
    enrolments = list(Enrolment.objects.filter(pk__in=ids).select_related("session__programme").only(
        "id", "person_id", "region_id", "session_id", "attended_hours", "completed_on",
        "session__programme__threshold", "session__programme__talent_tag"))
    session_hours = dict(Sitting.objects.filter(session_id__in={e.session_id for e in enrolments})
                         .values("session_id").annotate(hours=Sum("hours")).values_list("session_id", "hours"))
    attended: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for enrolment_id, starts_at, hours in (Attendance.objects.filter(enrolment_id__in=ids)
                                           .order_by("sitting__starts_at", "sitting_id")
                                           .values_list("enrolment_id", "sitting__starts_at", "sitting__hours")):
        attended[enrolment_id].append((timezone.localdate(starts_at), hours))
    changed, won, lost = [], [], []
    for e in enrolments:
        programme = e.session.programme
        hours, done = completion(attended[e.pk], session_hours.get(e.session_id) or Decimal(0), programme.threshold)
        if (hours, done) == (e.attended_hours, e.completed_on):
            continue
        if programme.talent_tag and (done is None) != (e.completed_on is None):
            (lost if done is None else won).append(e)
        e.attended_hours, e.completed_on = hours, done
        changed.append(e)
    Enrolment.objects.bulk_update(changed, ["attended_hours", "completed_on"])
    _retag(won, lost)
    return len(changed)


def _retag(won: list[Enrolment], lost: list[Enrolment]) -> None:
    """A tag earned by an enrolment no longer complete goes; each person keeps or gets a tag while any of
    their complete enrolments awards it (the earliest completion is the one recorded as earning it)."""
    if not won and not lost:
        return
    removed = list(PersonTag.objects.filter(enrolment_id__in=[e.pk for e in lost]).values_list("person_id", "tag"))
    if removed:
        PersonTag.objects.filter(enrolment_id__in=[e.pk for e in lost]).delete()
    pairs = {(e.person_id, e.session.programme.talent_tag) for e in [*won, *lost]}
    people = {person for person, _tag in pairs}
    held = set(PersonTag.objects.filter(person_id__in=people).values_list("person_id", "tag"))
    earning = (Enrolment.objects.filter(person_id__in=people, completed_on__isnull=False,
                                        session__programme__talent_tag__in={tag for _p, tag in pairs})
               .order_by("completed_on", "id")
               .values_list("id", "person_id", "session__programme__talent_tag", "completed_on"))
    new: dict[tuple[int, str], PersonTag] = {}
    for enrolment_id, person_id, tag, done in earning:
        key = (person_id, tag)
        if key in pairs and key not in held and key not in new:
            new[key] = PersonTag(person_id=person_id, tag=tag, enrolment_id=enrolment_id, earned_on=done)
    PersonTag.objects.bulk_create(new.values(), ignore_conflicts=True)
    gone = sorted(set(removed) - set(new))
    if new or gone:
        audit_record("training.talent_tags", region_code=_common_region(e.region_id for e in [*won, *lost]),
                     changes={"awarded": [list(k) for k in sorted(new)], "withdrawn": [list(k) for k in gone]})


# --- check-in ------------------------------------------------------------------------------------


def check_in(*, acting_user: Any, token: str, now: datetime | None = None,
             scanned_at: datetime | None = None) -> Attendance:
    """Records that the account's own roster entry came to the sitting the code names. `scanned_at`: when a
    code still in its life was first opened, before the log-in it led to (the life is checked then; the
    sitting's times now)."""
    now = now or timezone.now()
    if acting_user is None or not acting_user.has_capability("check_in"):
        raise ValidationError(_("Your account may not check in to training."), code="forbidden")
    if acting_user.person_id is None:
        raise ValidationError(_("Your account is not linked to a roster entry, so it cannot check in. "
                                "Ask your township's organisation officer to link it."), code="unlinked")
    claim = tokens.read_token(token, scanned_at or now)
    with transaction.atomic():
        sitting = Sitting.objects.select_related("session").filter(pk=claim.sitting_id).first()
        if sitting is None:
            raise ValidationError(_("This is not a valid check-in code. Scan the code shown at the session."),
                                  code="invalid")
        if sitting.token_nonce != claim.nonce:
            raise ValidationError(_("This check-in code has been replaced by a new one. Scan the code shown on "
                                    "the screen now."), code="renewed")
        _check_open(sitting, now)
        enrolment = (Enrolment.objects.select_for_update()
                     .filter(session_id=sitting.session_id, person_id=acting_user.person_id, withdrawn=False).first())
        if enrolment is None:
            raise ValidationError(_("You are not enrolled in “%(session)s”, so you cannot check in to it.")
                                  % {"session": sitting.session.title}, code="not_enrolled")
        found = Attendance.objects.filter(enrolment=enrolment, sitting=sitting).first()
        if found is not None:
            raise _already(found)
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(enrolment=enrolment, sitting=sitting, method=Attendance.Method.QR,
                                                       checked_in_at=now, recorded_by=acting_user)
        except IntegrityError as exc:  # the same person, twice at once
            raise _already(Attendance.objects.get(enrolment=enrolment, sitting=sitting)) from exc
        audit_record("training.check_in", obj=attendance, region_code=enrolment.region_id, user=acting_user,
                     changes={"sitting": sitting.pk, "enrolment": enrolment.pk, "method": Attendance.Method.QR})
        refresh_completion([enrolment.pk])
    return attendance


def _already(found: Attendance) -> ValidationError:
    return ValidationError(_("You have already checked in to this sitting, at %(time)s.")
                           % {"time": _when(found.checked_in_at)}, code="already")


def _check_open(sitting: Sitting, now: datetime) -> None:
    if sitting.session.state == Session.State.CANCELLED:
        raise ValidationError(_("This session was cancelled."), code="cancelled")
    if now < sitting.starts_at - OPENS_BEFORE:
        raise ValidationError(_("Check-in for this sitting opens at %(time)s.")
                              % {"time": _when(sitting.starts_at - OPENS_BEFORE)}, code="not_open")
    if now > sitting.ends_at:
        raise ValidationError(_("This sitting ended at %(time)s; check-in is closed.")
                              % {"time": _when(sitting.ends_at)}, code="over")


# --- officers' marks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Marked:
    added: int
    removed: int


def attendance_mark(*, acting_user: Any, sitting: Sitting, present: Iterable[int], absent: Iterable[int],
                    now: datetime | None = None) -> Marked:
    """Marks these enrolments present at the sitting and those absent (removing their rows, a QR check-in
    included), all or nothing. An officer marks only the people of their own jurisdiction, at a session
    shared with it; people marked present need to be enrolled and not withdrawn."""
    now = now or timezone.now()
    present, absent = set(present), set(absent)
    if present & absent:
        raise ValidationError(_("Someone cannot be both present and absent."), code="both")
    prefix = "" if acting_user is None else user_prefix(acting_user, "mark_attendance")
    if prefix is None or not _can_mark(acting_user, sitting.session_id):
        raise _outside()
    session = sitting.session
    if session.state == Session.State.CANCELLED:
        raise ValidationError(_("This session was cancelled."), code="cancelled")
    if present and now < sitting.starts_at - OPENS_BEFORE:
        raise ValidationError(_("This sitting has not begun; attendance can be marked from %(time)s.")
                              % {"time": _when(sitting.starts_at - OPENS_BEFORE)}, code="not_open")
    with transaction.atomic():
        rows = {e.pk: e for e in Enrolment.objects.select_for_update().filter(session_id=session.pk,
                                                                              pk__in=present | absent)
                .within(prefix).only("id", "withdrawn", "region_id")}
        if (present | absent) - rows.keys():
            raise ValidationError(_("Some of these people are not enrolled in this session, or are outside your "
                                    "jurisdiction."), code="outside")
        if any(rows[pk].withdrawn for pk in present):
            raise ValidationError(_("Someone who withdrew from the session cannot be marked present."),
                                  code="withdrawn")
        existing = set(Attendance.objects.filter(sitting=sitting, enrolment_id__in=present | absent)
                       .values_list("enrolment_id", flat=True))
        added, removed = sorted(present - existing), sorted(absent & existing)
        Attendance.objects.bulk_create([
            Attendance(enrolment_id=pk, sitting=sitting, method=Attendance.Method.OFFICER, checked_in_at=now,
                       recorded_by=acting_user) for pk in added])
        if removed:
            Attendance.objects.filter(sitting=sitting, enrolment_id__in=removed).delete()
        if added or removed:
            audit_record("training.attendance_mark", obj=sitting, user=acting_user,
                         region_code=_audit_region(acting_user, "mark_attendance", session.region_id),
                         changes={"session": session.pk, "present": added, "absent": removed})
            refresh_completion([*added, *removed])
    return Marked(len(added), len(removed))


def sitting_renew_code(*, acting_user: Any, sitting: Sitting) -> Sitting:
    """A new code for the sitting: every code shown or photographed before stops working."""
    if not _can_mark(acting_user, sitting.session_id):
        raise _outside()
    with transaction.atomic():
        Sitting.objects.filter(pk=sitting.pk).update(token_nonce=F("token_nonce") + 1)
        before = sitting.token_nonce
        sitting.refresh_from_db(fields=["token_nonce"])
        audit_record("training.renew_code", obj=sitting, user=acting_user,
                     region_code=_audit_region(acting_user, "mark_attendance", sitting.session.region_id),
                     changes={"token_nonce": [before, sitting.token_nonce]})
    return sitting


# --- evaluation ----------------------------------------------------------------------------------


def evaluation_submit(*, acting_user: Any, enrolment: Enrolment, score: int, comment: str = "") -> Evaluation:
    """A trainee rates a session they attended (at least one sitting), once."""
    if acting_user is None or acting_user.person_id is None or enrolment.person_id != acting_user.person_id:
        raise ValidationError(_("You can only rate your own training."), code="forbidden")
    comment = comment.strip()
    errors = {}
    if not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = [_("Choose a rating from 1 to 5.")]
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_("At most %(n)d characters.") % {"n": COMMENT_MAX}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        list(Enrolment.objects.select_for_update().filter(pk=enrolment.pk).values_list("pk", flat=True))
        if not Attendance.objects.filter(enrolment=enrolment).exists():
            raise ValidationError(_("You can rate a session once you have attended at least one of its sittings."),
                                  code="not_attended")
        if Evaluation.objects.filter(enrolment=enrolment).exists():
            raise ValidationError(_("You have already rated this session."), code="already")
        evaluation = Evaluation.objects.create(enrolment=enrolment, score=score, comment=comment)
        audit_record("training.evaluate", obj=evaluation, region_code=enrolment.region_id, user=acting_user,
                     changes={"session": enrolment.session_id, "enrolment": enrolment.pk, "score": score})
    return evaluation
