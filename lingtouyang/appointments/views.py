from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.appointments import selectors, services
from lingtouyang.appointments.forms import AppointRequestForm, EndRequestForm, RejectForm
from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.appointments.policy import APPROVE_CAPABILITY, REQUEST_CAPABILITY
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.people.models import Appointment, Person
from lingtouyang.people.selectors import person_choices
from lingtouyang.review import selectors as review_selectors

Kind, State = AppointmentRequest.Kind, AppointmentRequest.State


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    """Requests in scope; for whoever approves them, those awaiting approval unless asked otherwise."""
    require_capability(request, REQUEST_CAPABILITY)
    approver = request.user.has_capability(APPROVE_CAPABILITY)
    state = request.GET.get("state", State.REQUESTED if approver else "")
    kind = request.GET.get("kind", "")
    page = page_of(selectors.request_list(request.user, state=state, kind=kind), request)
    return render(request, "appointments/list.html", {
        "page": page, "state": state, "kind": kind, "states": State.choices, "kinds": Kind.choices,
        "approver": approver})


def _clearance(person: Person | None) -> Any:
    return review_selectors.clearance([person.pk]).get(person.pk) if person is not None else None


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    """A request to appoint a person from the roster, found by name, pinyin or initials as one types."""
    require_capability(request, REQUEST_CAPABILITY)
    people = Person.objects.visible_to(request.user, REQUEST_CAPABILITY).select_related("region")
    chosen = people.filter(pk=request.GET["person"]).first() if request.GET.get("person", "").isdigit() else None
    form = AppointRequestForm(request.POST or None, initial={
        "person": chosen.pk if chosen else None, "region": chosen.region_id if chosen else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = people.filter(pk=data["person"]).first()
        try:
            if chosen is None:  # out of scope reads exactly like "does not exist"
                raise ValidationError({"person": _("no such person on your roster")})
            made = services.request_create(
                acting_user=request.user, kind=Kind.APPOINT, person=chosen, region=data["region"], post=data["post"],
                start_date=data["start_date"], basis=data["basis"], term=data["term"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Request filed: it awaits the county's approval."))
            return redirect("appointments:detail", request_id=made.pk)
    q = request.GET.get("q", "").strip()
    found = person_choices(people, q)
    context = {"form": form, "q": q, "found": found, "chosen": chosen, "clearance": _clearance(chosen)}
    if request.headers.get("HX-Request"):
        return render(request, "appointments/_found.html", context)
    return render(request, "appointments/form.html", context)


@login_required
def request_end(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """A request to end one appointment: dismissal, resignation or transfer, with its reason."""
    appointment = get_visible_or_404(Appointment.objects.select_related("person", "region"), request.user,
                                     REQUEST_CAPABILITY, id=appointment_id)
    wanted = request.GET.get("kind", Kind.RESIGN)
    form = EndRequestForm(request.POST or None, initial={"kind": wanted})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.request_create(acting_user=request.user, kind=data["kind"], appointment=appointment,
                                           end_date=data["end_date"], reason=data["reason"],
                                           new_post=data["new_post"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Request filed: it awaits the county's approval."))
            return redirect("appointments:detail", request_id=made.pk)
    return render(request, "appointments/end_form.html", {"form": form, "appointment": appointment})


def _request(request: HttpRequest, request_id: int, capability: str = REQUEST_CAPABILITY) -> AppointmentRequest:
    return get_visible_or_404(
        AppointmentRequest.objects.select_related("person", "region", "appointment", "requested_by", "decided_by",
                                                  "result"),
        request.user, capability, id=request_id)


def _detail(request: HttpRequest, item: AppointmentRequest, reject_form: RejectForm | None = None) -> HttpResponse:
    return render(request, "appointments/detail.html", {
        "item": item, "reject_form": reject_form or RejectForm(),
        "can_decide": item.is_open and selectors.may_approve(request.user, item),
        "can_withdraw": item.is_open and item.requested_by_id == request.user.pk,
        "clearance": _clearance(item.person) if item.kind == Kind.APPOINT else None,
    })


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _detail(request, _request(request, request_id))


def _refused(request: HttpRequest, item: AppointmentRequest, exc: ValidationError) -> HttpResponse:
    """Refused: the request as it is, with the reason."""
    for message in exc.messages:
        messages.error(request, message)
    item.refresh_from_db(fields=["state"])
    return _detail(request, item)


@login_required
@require_POST
def request_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _request(request, request_id, APPROVE_CAPABILITY)
    try:
        services.request_approve(acting_user=request.user, request=item)
    except ValidationError as exc:
        return _refused(request, item, exc)
    messages.success(request, _("Approved; the roster is updated."))
    return redirect("appointments:detail", request_id=item.pk)


@login_required
@require_POST
def request_reject(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _request(request, request_id, APPROVE_CAPABILITY)
    form = RejectForm(request.POST)
    form.is_valid()
    try:
        services.request_reject(acting_user=request.user, request=item, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        apply_errors(form, exc)
        item.refresh_from_db(fields=["state"])
        return _detail(request, item, reject_form=form)
    messages.success(request, _("Rejected."))
    return redirect("appointments:detail", request_id=item.pk)


@login_required
@require_POST
def request_withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _request(request, request_id)
    try:
        services.request_withdraw(acting_user=request.user, request=item)
    except ValidationError as exc:
        return _refused(request, item, exc)
    messages.success(request, _("Withdrawn."))
    return redirect("appointments:detail", request_id=item.pk)
