from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404, parse_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.people.models import Person
from lingtouyang.people.selectors import person_choices
from lingtouyang.reserves import evidence, selectors, services
from lingtouyang.reserves import targets as target_rules
from lingtouyang.reserves.forms import MeritForm, ReserveForm, StatusForm, TargetForm
from lingtouyang.reserves.models import Merit, PoolTarget, Reserve


def _region(request: HttpRequest) -> str | None:
    region = parse_prefix(request.GET.get("region", ""))
    if region is None:
        messages.error(request, _("A region code has up to 12 digits."))
    return region


@login_required
def reserve_list_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_people")
    region, status = _region(request) or "", request.GET.get("status", "active")
    page = page_of(selectors.reserve_list(request.user, region=region, status=status), request)
    return render(request, "reserves/list.html", {"page": page, "region": region, "status": status,
                                                  "statuses": Reserve.Status.choices})


@login_required
def reserve_create(request: HttpRequest) -> HttpResponse:
    """A person from the roster, found by name, pinyin or initials as one types, into a village's pool."""
    require_capability(request, "edit_people")
    editable = Person.objects.visible_to(request.user, "edit_people")
    form = ReserveForm(request.POST or None, initial={"region": request.GET.get("region", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = editable.select_related("region").filter(pk=data["person"]).first()
        try:
            if person is None:  # out of scope reads exactly like "does not exist"
                raise ValidationError({"person": _("no such person on your roster")})
            reserve = services.reserve_add(acting_user=request.user, person=person, region=data["region"],
                                           source=data["source"] or None, posts=data["posts"],
                                           added_on=data["added_on"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s added to the reserve pool.") % {"name": person.name})
            return redirect("reserves:detail", reserve_id=reserve.pk)
    q = request.GET.get("q", "").strip()
    found = person_choices(editable, q)
    context = {"form": form, "q": q, "found": found}
    if request.headers.get("HX-Request"):
        return render(request, "reserves/_found.html", context)
    return render(request, "reserves/form.html", context)


def _detail(request: HttpRequest, reserve: Reserve, merit_form: MeritForm | None = None,
            status_form: StatusForm | None = None) -> HttpResponse:
    return render(request, "reserves/detail.html", {
        "reserve": reserve, "merits": reserve.merits.order_by("-done_on", "id"),
        "merit_form": merit_form or MeritForm(), "status_form": status_form or StatusForm(),
        "can_edit": request.user.has_capability("edit_people"),
    })


def _reserve(request: HttpRequest, reserve_id: int, capability: str = "view_people") -> Reserve:
    return get_visible_or_404(Reserve.objects.select_related("person", "region"), request.user, capability,
                              id=reserve_id)


@login_required
def reserve_detail(request: HttpRequest, reserve_id: int) -> HttpResponse:
    return _detail(request, _reserve(request, reserve_id))


@login_required
@require_POST
def reserve_status(request: HttpRequest, reserve_id: int) -> HttpResponse:
    reserve = _reserve(request, reserve_id, "edit_people")
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.reserve_set_status(acting_user=request.user, reserve=reserve, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("reserves:detail", reserve_id=reserve.pk)
    reserve.refresh_from_db()
    return _detail(request, reserve, status_form=form)


@login_required
@require_POST
def merit_add(request: HttpRequest, reserve_id: int) -> HttpResponse:
    reserve = _reserve(request, reserve_id, "edit_people")
    form = MeritForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.merit_add(acting_user=request.user, reserve=reserve, task=data["task"],
                               description=data["description"], done_on=data["done_on"], upload=data["evidence"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Merit record added."))
            return redirect("reserves:detail", reserve_id=reserve.pk)
    return _detail(request, reserve, merit_form=form)


@login_required
def merit_evidence(request: HttpRequest, merit_id: int) -> FileResponse:
    """The evidence file, to those who may see its reserve; there is no other way to it."""
    merit = get_visible_or_404(Merit.objects.select_related("reserve"), request.user, id=merit_id)
    path = evidence.path_of(merit.evidence_path) if merit.evidence_path else None
    if path is None or not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=merit.evidence_type,
                            filename=f"evidence-{merit.pk}.{path.suffix.lstrip('.')}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def shortfall(request: HttpRequest) -> HttpResponse:
    """Each village's active pool against its target; optionally only the villages that fall short."""
    require_capability(request, "view_people")
    region, short = _region(request) or "", request.GET.get("short") == "1"
    page = page_of(selectors.pool_figures(request.user, region=region, short_only=short), request)
    return render(request, "reserves/shortfall.html", {"page": page, "region": region, "short": short})


@login_required
def shortfall_export(request: HttpRequest) -> HttpResponse:
    require_capability(request, "export")
    region = parse_prefix(request.GET.get("region", ""))
    if region is None:
        return HttpResponseBadRequest(_("A region code has up to 12 digits."), content_type="text/plain; charset=utf-8")
    short = request.GET.get("short") == "1"
    user = request.user
    scope = region if region.startswith(user.scope_prefix) else user.scope_prefix
    audit_record("export.reserve_pools", region_code=scope, user=user, changes={"region": region, "short": short})
    rows = ([r.code, r.short_name, r.pool, r.target, max(r.shortfall, 0)]
            for r in selectors.pool_figures(user, region=region, short_only=short).iterator(chunk_size=2000))
    headers = [_("Code"), _("Village or community"), _("Active reserves"), _("Target"), _("Shortfall")]
    return xlsx_response(f"reserve-pools-{region or user.scope_prefix or 'all'}.xlsx", headers, rows,
                         sheet=_("Reserve pools"), note=_("Scope (region code prefix): %(prefix)s") % {"prefix": scope or _("all")})


@login_required
def pool_targets(request: HttpRequest) -> HttpResponse:
    """The target rows (every version, newest first), which are in force today, and for the city's and
    counties' admins a form to add one for their region or below."""
    require_capability(request, "view_people")
    can_set = request.user.has_capability("manage_pool_targets")
    form = TargetForm(request.POST or None, initial={"region": request.user.region_id})
    if request.method == "POST":
        require_capability(request, "manage_pool_targets")
        if form.is_valid():
            try:
                services.pool_target_set(acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("reserves:targets")
    rows = list(PoolTarget.objects.order_by("prefix", "-effective_from"))
    current = target_rules.rows_in_force(timezone.localdate(), rows)
    for row in rows:
        row.in_force = row.pk in current
    return render(request, "reserves/targets.html", {"rows": rows, "form": form, "can_set": can_set})
