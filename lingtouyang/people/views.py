from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.appointments.selectors import person_history
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404, parse_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.people import rules, services
from lingtouyang.people.exporter import export_people_response
from lingtouyang.people.forms import AppointmentForm, PersonForm
from lingtouyang.people.models import Appointment, Person
from lingtouyang.people.selectors import person_list
from lingtouyang.training.models import TalentTag


@login_required
def person_list_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_people")
    q, region = request.GET.get("q", ""), parse_prefix(request.GET.get("region", ""))
    if region is None:
        messages.error(request, _("A region code has up to 12 digits."))
        region = ""
    tag = request.GET.get("tag", "")
    tag = tag if tag in TalentTag.values else ""
    page = page_of(person_list(request.user, q=q, region=region, tag=tag), request)
    template = "people/_rows.html" if request.headers.get("HX-Request") else "people/list.html"
    return render(request, template, {"page": page, "q": q, "region": region, "tag": tag,
                                      "tag_choices": TalentTag.choices})


@login_required
def person_lookup(request: HttpRequest) -> JsonResponse:
    """Search-as-you-type for people: 20 at most, never a drop-down of thousands."""
    require_capability(request, "view_people")
    rows = person_list(request.user, q=request.GET.get("q", ""))[:20] if request.GET.get("q") else []
    return JsonResponse({"results": [
        {"id": p.id, "name": p.name, "region": p.region.short_name, "id_masked": p.id_masked} for p in rows
    ]})


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_visible_or_404(Person.objects.select_related("region"), request.user, id=person_id)
    appointments = list(person.appointments.select_related("region").order_by("-start_date", "id"))
    history = person_history(request.user, person, appointments)
    talent_tags = list(person.talent_tags.order_by("earned_on", "tag"))
    return render(request, "people/detail.html", {"person": person, "appointments": appointments,
                                                  "history": history, "talent_tags": talent_tags,
                                                  "phone": person.phone_for(request.user)})


@login_required
@require_POST
def person_reveal_id(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_visible_or_404(Person.objects.all(), request.user, id=person_id)
    try:
        number = services.person_reveal_id(acting_user=request.user, person=person)
    except PermissionError as exc:  # refused, and recorded as refused by the service
        raise PermissionDenied from exc
    return HttpResponse(f'<code id="full-id">{number}</code>')


def _person_initial(person: Person) -> dict[str, Any]:
    fields = ["name", "gender", "birth_date", "ethnicity", "political_status", "education", "source"]
    # Only editors reach this form, and they see the full number (Person.phone_for).
    return {**{f: getattr(person, f) for f in fields}, "region": person.region_id, "phone": person.phone_number()}


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    require_capability(request, "edit_people")
    form = PersonForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": person.name})
            return redirect("people:detail", person_id=person.id)
    return render(request, "people/form.html", {"form": form, "person": None})


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_visible_or_404(Person.objects.select_related("region"), request.user, "edit_people", id=person_id)
    form = PersonForm(request.POST or None, initial=_person_initial(person), creating=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(acting_user=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", person_id=person.id)
    return render(request, "people/form.html", {"form": form, "person": person})


@login_required
def appointment_edit(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Corrections of the record (dates, typos). Under 村官区管 a new appointment, or the end of a current one,
    is a request the county approves (appointments app): this form cannot end or reopen one."""
    appointment = get_visible_or_404(
        Appointment.objects.select_related("person", "region"), request.user, "edit_people", id=appointment_id
    )
    initial = {f: getattr(appointment, f) for f in ["post", "start_date", "end_date", "end_reason", "term"]}
    if appointment.term == rules.term_for(appointment.start_date):
        # Derived, so shown empty: a new start date then brings its own term. One set by hand is shown,
        # comes back with the form, and is kept.
        initial["term"] = None
    form = AppointmentForm(request.POST or None, initial={**initial, "region": appointment.region_id},
                           ended=appointment.end_date is not None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None or k == "end_date"}
        try:
            services.appointment_correct(acting_user=request.user, appointment=appointment, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", person_id=appointment.person_id)
    return render(request, "people/appointment_form.html",
                  {"form": form, "person": appointment.person, "appointment": appointment})


@login_required
def person_export(request: HttpRequest) -> HttpResponse:
    require_capability(request, "export")
    region = parse_prefix(request.GET.get("region", ""))
    if region is None:
        return HttpResponseBadRequest(_("A region code has up to 12 digits."), content_type="text/plain; charset=utf-8")
    return export_people_response(request.user, q=request.GET.get("q", ""), region=region,
                                  full_id=request.GET.get("full_id") == "1")
