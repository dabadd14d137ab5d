"""Pages of careers. Thin: parse, authorise (out of scope is 404), one service call, render or redirect.
Reading needs `view_management`, writing `manage_careers` (the county)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lingtouyang.careers import selectors, services
from lingtouyang.careers.forms import CreateForm, EventForm
from lingtouyang.careers.models import CareerEvent, Kind
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404, user_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.people.models import Person
from lingtouyang.people.selectors import person_choices

READ, WRITE = "view_management", "manage_careers"


def _event(request: HttpRequest, event_id: int, capability: str = READ) -> CareerEvent:
    return get_visible_or_404(CareerEvent.objects.select_related("person", "region"), request.user, capability,
                              id=event_id)


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, READ)
    filters = selectors.Filters.parse(request.GET)
    page = page_of(selectors.event_list(request.user, filters), request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "careers/list.html", {
        "page": page, "filters": filters, "kinds": Kind.choices, "query": query.urlencode(),
        "can_manage": request.user.has_capability(WRITE)})


@login_required
def create_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, WRITE)
    people = Person.objects.visible_to(request.user, WRITE)
    form = CreateForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = people.filter(pk=data.pop("person")).first()
        try:
            if person is None:  # out of scope reads exactly like "does not exist"
                raise ValidationError({"person": _("no such person on your roster")})
            event = services.event_create(acting_user=request.user, person=person, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Career event recorded."))
            return redirect("careers:detail", event_id=event.pk)
    q = request.GET.get("q", "").strip()
    chosen = request.POST.get("person") or request.GET.get("person", "")
    context = {"form": form, "q": q, "found": person_choices(people, q, chosen), "chosen": chosen}
    if request.headers.get("HX-Request"):
        return render(request, "careers/_found.html", context)
    return render(request, "careers/form.html", context)


@login_required
def edit_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id, WRITE)
    form = EventForm(request.POST or None, initial={f: getattr(event, f) for f in services.EDITABLE})
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(acting_user=request.user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Career event saved."))
            return redirect("careers:detail", event_id=event.pk)
    return render(request, "careers/form.html", {"form": form, "event": event})


@login_required
def detail_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    return render(request, "careers/detail.html", {"e": event, "can_manage": request.user.has_capability(WRITE)})


@login_required
def report_view(request: HttpRequest) -> HttpResponse:
    """三个通道: how many went up each channel, per region one level down and per half-year."""
    require_capability(request, READ)
    filters = selectors.Filters.parse(request.GET)
    prefix = filters.region or user_prefix(request.user, READ) or ""
    report = selectors.channel_report(request.user, prefix, filters.year)
    return render(request, "careers/report.html", {"filters": filters, "report": report})


@login_required
def timeline_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's whole career, from every record the viewer may see, in date order."""
    person = get_visible_or_404(Person.objects.select_related("region"), request.user, READ, id=person_id)
    return render(request, "careers/timeline.html", {
        "person": person, "entries": selectors.timeline(request.user, person),
        "can_manage": request.user.has_capability(WRITE)})
