"""Every change to an appointment request goes through these functions: validate, save, write the audit
row, in one transaction. A request's state changes only along policy.TRANSITIONS, checked by
`MACHINE` (the one state machine); approval re-checks everything under row locks and changes the
roster only through people.services, so the roster's own checks (overlaps, one holder) apply."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.appointments.policy import APPROVE_CAPABILITY, KINDS, REQUEST_CAPABILITY, TRANSITIONS
from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import in_prefix
from lingtouyang.core.workflow import StateMachine, lock_state, require_in_scope
from lingtouyang.people import rules
from lingtouyang.people import services as people_services
from lingtouyang.people.codes import Post
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region
from lingtouyang.review import selectors as review_selectors

Kind, State, Basis = AppointmentRequest.Kind, AppointmentRequest.State, AppointmentRequest.Basis
CLEARANCE_LABELS = {
    review_selectors.CLEARED: gettext_lazy("cleared"),
    review_selectors.FAILED: gettext_lazy("failed"),
    review_selectors.PENDING: gettext_lazy("pending"),
}
ACTIONS = {State.APPROVED: "appointment_request.approve", State.REJECTED: "appointment_request.reject",
           State.WITHDRAWN: "appointment_request.withdraw"}
MACHINE = StateMachine(TRANSITIONS, gettext_lazy("a request that is %(state)s cannot become %(to)s"))


def _require(acting_user: Any, capability: str, region_code: str) -> None:
    """The command line (acting_user None) acts everywhere; anyone else needs the capability there."""
    if acting_user is not None and capability == APPROVE_CAPABILITY and not acting_user.has_capability(capability):
        raise ValidationError(_("only the county organisation department approves or rejects requests"))
    require_in_scope(acting_user, capability, region_code, _("this village or community is outside your jurisdiction"))






def clearance_problem(person: Person) -> str | None:
    """None when the person's latest joint review cleared them; otherwise why not, naming them."""
    found = review_selectors.clearance([person.pk]).get(person.pk)
    if found is None:
        return _("%(name)s has not been through a joint qualification review; an appointment needs their "
                 "clearance") % {"name": person.name}
    if found.status != review_selectors.CLEARED:
        return _("%(name)s is not cleared by the joint qualification review: %(status)s in “%(round)s”") % {
            "name": person.name, "status": CLEARANCE_LABELS[found.status], "round": found.candidate.round.name}
    return None


def _trial(person: Person, region: Region, post: str, start_date: date, term: int | None) -> None:
    """The roster's own checks on the appointment an approval would make, without making it."""
    people_services._validate_appointment(Appointment(  # noqa: SLF001 - one rule set, the roster's
        person=person, region=region, post=post, start_date=start_date, term=term or rules.term_for(start_date)))


def _open_twin(kind: str, person: Person, region: Region, post: str, appointment: Appointment | None) -> Any:
    open_ = AppointmentRequest.objects.filter(state=State.REQUESTED)
    if appointment is not None:
        return open_.filter(appointment=appointment).first()
    return open_.filter(kind=kind, person=person, region=region, post=post).first()


def request_create(
    *, acting_user: Any, kind: str, person: Person | None = None, region: Region | None = None, post: str = "",
    term: int | None = None, start_date: date | None = None, basis: str = "", appointment: Appointment | None = None,
    end_date: date | None = None, reason: str = "", new_post: str = "",
) -> AppointmentRequest:
    """An appointment names the person, village, post, start date and basis; every other kind names the
    appointment it ends, the end date and the reason (and, for a transfer, the new post)."""
    if kind not in KINDS:
        raise ValidationError({"kind": _("choose what the request is for")})
    rule = KINDS[kind]
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if rule.ends:
        if appointment is None:
            raise ValidationError({"appointment": _("choose the appointment concerned")})
        person, region, post = appointment.person, appointment.region, appointment.post
    if person is None:
        raise ValidationError({"person": _("choose a person")})
    if region is None:
        raise ValidationError({"region": _("choose the village or community")})
    _require(acting_user, REQUEST_CAPABILITY, region.code)
    if not in_prefix(person.region_id, region.code[:6]):
        raise ValidationError({"person": _("%(name)s is not on this county's roster") % {"name": person.name}})
    if post not in Post.values:
        errors.setdefault("post", []).append(_("choose a post"))
    if rule.needs_reason and not reason:
        errors.setdefault("reason", []).append(_("say why: a dismissal, resignation or transfer needs a reason"))
    if rule.needs_clearance and (problem := clearance_problem(person)):
        errors.setdefault("person", []).append(problem)
    if rule.ends:
        assert appointment is not None
        if appointment.end_date is not None:
            errors.setdefault("appointment", []).append(
                _("this appointment has already ended (%(date)s)") % {"date": f"{appointment.end_date:%Y-%m-%d}"})
        if end_date is None:
            errors.setdefault("end_date", []).append(_("give the end date"))
        elif end_date < appointment.start_date:
            errors.setdefault("end_date", []).append(_("the end date is before the start date"))
        start_date, term, basis = None, None, ""
    else:
        new_post = ""
        if start_date is None:
            errors.setdefault("start_date", []).append(_("give the start date"))
        if basis not in Basis.values:
            errors.setdefault("basis", []).append(_("say on what basis the person is appointed"))
    if kind == Kind.TRANSFER and (not new_post or new_post == post or new_post not in Post.values):
        errors.setdefault("new_post", []).append(_("choose the new post, other than the current one"))
    if errors:
        raise ValidationError(errors)
    if rule.starts:
        day = start_date if kind == Kind.APPOINT else end_date
        assert day is not None
        _trial(person, region, new_post or post, day, term)
    if (twin := _open_twin(kind, person, region, post, appointment)) is not None:
        raise ValidationError(_("there is already a request about this awaiting approval (no. %(id)d)")
                              % {"id": twin.pk})
    request = AppointmentRequest(
        kind=kind, person=person, region=region, post=post,
        term=term or (rules.term_for(start_date) if start_date else None), start_date=start_date, basis=basis,
        appointment=appointment, end_date=end_date, reason=reason, new_post=new_post, requested_by=acting_user)
    values = {"kind": kind, "person": person.pk, "region": region.code, "post": post, "term": request.term,
              "start_date": start_date, "basis": basis, "appointment": appointment.pk if appointment else None,
              "end_date": end_date, "reason": reason, "new_post": new_post}
    try:
        with transaction.atomic():
            request.save()
            audit_record("appointment_request.create", obj=request, region_code=region.code, user=acting_user,
                         changes={k: [None, _plain(v)] for k, v in values.items() if v not in ("", None)})
    except IntegrityError as exc:  # a twin filed at the same moment
        raise ValidationError(_("there is already a request about this awaiting approval")) from exc
    return request


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _decide(request: AppointmentRequest, acting_user: Any, to: str, before: str, **changes: Any) -> None:
    request.state, request.decided_by, request.decided_at = to, acting_user, timezone.now()
    request.save(update_fields=["state", "decided_by", "decided_at", *changes])
    audit_record(ACTIONS[to], obj=request, region_code=request.region_id, user=acting_user,
                 changes={"state": [before, to], **{k: [None, v] for k, v in changes.items()}})


def request_approve(*, acting_user: Any, request: AppointmentRequest) -> AppointmentRequest:
    """Requested → approved, and the roster changes with it: the appointment made, or ended (with the
    request's reason as its reason for leaving). Anything no longer true refuses the lot."""
    _require(acting_user, APPROVE_CAPABILITY, request.region_id)
    rule = KINDS[request.kind]
    with transaction.atomic():
        lock_state(request)
        before = MACHINE.check(request, State.APPROVED)
        # One approval at a time per village, so two cannot both fill a one-holder post.
        list(Region.objects.select_for_update().filter(pk=request.region_id).values_list("pk", flat=True))
        person = Person.objects.select_related("region").get(pk=request.person_id)
        region = Region.objects.get(pk=request.region_id)
        if rule.needs_clearance and (problem := clearance_problem(person)):
            raise ValidationError(problem)
        result = None
        if rule.ends:
            appointment = Appointment.objects.select_for_update().select_related("person__region", "region").get(
                pk=request.appointment_id)
            if appointment.end_date is not None:
                raise ValidationError(_("this appointment has already ended (%(date)s)")
                                      % {"date": f"{appointment.end_date:%Y-%m-%d}"})
            people_services.appointment_update(acting_user=acting_user, appointment=appointment,
                                               end_date=request.end_date, end_reason=request.reason)
        if rule.starts:
            start = request.start_date if request.kind == Kind.APPOINT else request.end_date
            assert start is not None
            result = people_services.appointment_create(
                acting_user=acting_user, person=person, region=region, post=request.new_post or request.post,
                start_date=start, term=request.term)
        request.result = result
        _decide(request, acting_user, State.APPROVED, before, **({"result": result.pk} if result else {}))
    return request


def request_reject(*, acting_user: Any, request: AppointmentRequest, reason: str) -> AppointmentRequest:
    _require(acting_user, APPROVE_CAPABILITY, request.region_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("say why the request is rejected")})
    with transaction.atomic():
        lock_state(request)
        before = MACHINE.check(request, State.REJECTED)
        request.decision_reason = reason
        _decide(request, acting_user, State.REJECTED, before, decision_reason=reason)
    return request


def request_withdraw(*, acting_user: Any, request: AppointmentRequest) -> AppointmentRequest:
    """Only whoever filed a request takes it back (the command line may too)."""
    _require(acting_user, REQUEST_CAPABILITY, request.region_id)
    if acting_user is not None and request.requested_by_id != acting_user.pk:
        raise ValidationError(_("only whoever filed a request can withdraw it"))
    with transaction.atomic():
        lock_state(request)
        before = MACHINE.check(request, State.WITHDRAWN)
        _decide(request, acting_user, State.WITHDRAWN, before)
    return request
