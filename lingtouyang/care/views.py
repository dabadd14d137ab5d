"""Pages of care records. Thin: parse, authorise (out of scope is 404), one service call, render or redirect.
Reading needs `view_management`, writing `manage_care` (township and county)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.audit.services import audit_record
from lingtouyang.care import selectors, services
from lingtouyang.care.forms import CreateForm, FollowUpForm, RecordForm
from lingtouyang.care.models import CareRecord, Kind
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404, user_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.people.models import Appointment, Person
from lingtouyang.people.selectors import person_choices

READ, WRITE = "view_management", "manage_care"


def _record(request: HttpRequest, record_id: int, capability: str = READ) -> CareRecord:
    return get_visible_or_404(CareRecord.objects.select_related("person", "region"), request.user, capability,
                              id=record_id)


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, READ)
    filters = selectors.Filters.parse(request.GET)
    page = page_of(selectors.record_list(request.user, filters), request)
    return render(request, "care/list.html", {
        "page": page, "filters": filters, "kinds": Kind.choices, "query": _query(request),
        "can_manage": request.user.has_capability(WRITE)})


@login_required
def create_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, WRITE)
    people = Person.objects.visible_to(request.user, WRITE)
    default_by = request.user.get_full_name() or request.user.get_username()
    form = CreateForm(request.POST or None, initial={"kind": request.GET.get("kind", ""), "by_whom": default_by,
                                                     "date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = people.filter(pk=data.pop("person")).first()
        try:
            if person is None:  # out of scope reads exactly like "does not exist"
                raise ValidationError({"person": _("no such person on your roster")})
            record = services.record_create(acting_user=request.user, person=person, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Care record saved."))
            return redirect("care:detail", record_id=record.pk)
    q = request.GET.get("q", "").strip()
    chosen = request.POST.get("person") or request.GET.get("person", "")
    context = {"form": form, "q": q, "found": person_choices(people, q, chosen), "chosen": chosen}
    if request.headers.get("HX-Request"):
        return render(request, "care/_found.html", context)
    return render(request, "care/form.html", context)


@login_required
def edit_view(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _record(request, record_id, WRITE)
    initial = {f: getattr(record, f) for f in services.EDITABLE}
    form = RecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_update(acting_user=request.user, record=record, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Care record saved."))
            return redirect("care:detail", record_id=record.pk)
    return render(request, "care/form.html", {"form": form, "record": record})


def _detail(request: HttpRequest, record: CareRecord, follow_up_form: FollowUpForm | None = None) -> HttpResponse:
    return render(request, "care/detail.html", {
        "r": record, "can_manage": request.user.has_capability(WRITE),
        "follow_up_form": follow_up_form or FollowUpForm(initial={"done_on": timezone.localdate()})})


@login_required
def detail_view(request: HttpRequest, record_id: int) -> HttpResponse:
    return _detail(request, _record(request, record_id))


@login_required
@require_POST
def follow_up_view(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _record(request, record_id, WRITE)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_record(acting_user=request.user, record=record, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            record.refresh_from_db()
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect("care:detail", record_id=record.pk)
    return _detail(request, record, form)


def _without_params(request: HttpRequest) -> tuple[str, int]:
    filters = selectors.Filters.parse(request.GET, default_year=True)
    assert filters.year is not None
    return filters.region or user_prefix(request.user, READ) or "", filters.year


@login_required
def without_view(request: HttpRequest) -> HttpResponse:
    """The current cadres of a region (a township, typically) with no care record this year."""
    require_capability(request, READ)
    prefix, year = _without_params(request)
    page = page_of(selectors.without_care(request.user, prefix, year), request)
    posts: dict[int, list[str]] = {}
    for a in Appointment.objects.current().filter(person__in=[p.pk for p in page.items]).order_by("post"):
        posts.setdefault(a.person_id, []).append(a.get_post_display())
    for p in page.items:
        p.current_posts = posts.get(p.pk, [])
    return render(request, "care/without.html", {
        "page": page, "region": prefix, "year": year, "query": _query(request),
        "can_manage": request.user.has_capability(WRITE), "can_export": request.user.has_capability("export")})


@login_required
def without_export(request: HttpRequest) -> HttpResponse:
    require_capability(request, READ)
    require_capability(request, "export")
    prefix, year = _without_params(request)
    people = selectors.without_care(request.user, prefix, year).values_list(
        "region_id", "region__parent__short_name", "region__short_name", "name", "id_masked")
    audit_record("export.care_without", region_code=prefix, user=request.user, changes={"year": year})
    headers = [_("Region code"), _("Township"), _("Village or community"), _("Name"), _("ID number")]
    note = _("Current cadres with no care record in %(year)d, region %(region)s") % {"year": year, "region": prefix or "–"}
    return xlsx_response(f"care-none-{year}-{prefix or 'all'}.xlsx", headers, people.iterator(), sheet=str(year),
                         note=note)
