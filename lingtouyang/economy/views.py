"""Pages of the collective economy. Thin: parse, authorise (out of scope is 404), one service call, render or
redirect. Reading needs `view_management`, writing `manage_economy`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404, user_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.economy import selectors, services
from lingtouyang.economy.forms import CadreForm, CreateForm, ProjectForm
from lingtouyang.economy.models import Project
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region

READ, WRITE = "view_management", "manage_economy"


def _project(request: HttpRequest, project_id: int, capability: str = READ) -> Project:
    return get_visible_or_404(Project.objects.select_related("region", "region__parent"), request.user, capability,
                              id=project_id)


def _query(request: HttpRequest, drop: str = "page") -> str:
    query = request.GET.copy()
    query.pop(drop, None)
    return query.urlencode()


@login_required
def totals_view(request: HttpRequest) -> HttpResponse:
    """Per region and year: each village's net operating income (sortable), the townships' subtotals."""
    require_capability(request, READ)
    filters = selectors.Filters.parse(request.GET)
    subtotals = selectors.township_subtotals(request.user, filters)
    page = page_of(selectors.village_totals(request.user, filters), request)
    return render(request, "economy/totals.html", {
        "filters": filters, "page": page, "subtotals": subtotals, "total": selectors.totals(subtotals),
        "orders": [("net", _("net income, highest first")), ("-net", _("net income, lowest first")),
                   ("income", _("income, highest first")), ("cost", _("cost, highest first")),
                   ("code", _("region code"))],
        "query": _query(request), "can_manage": request.user.has_capability(WRITE),
        "can_export": request.user.has_capability("export")})


@login_required
def totals_export(request: HttpRequest) -> HttpResponse:
    require_capability(request, READ)
    require_capability(request, "export")
    filters = selectors.Filters.parse(request.GET)
    rows = ([r["region_id"], r["region__parent__short_name"], r["region__short_name"], r["projects"],
             *(selectors.yuan(r[k]) for k in ("income", "cost", "net"))]
            for r in selectors.village_totals(request.user, filters).iterator())
    audit_record("export.economy_totals", region_code=user_prefix(request.user, READ) or "", user=request.user,
                 changes={"region": filters.region, "year": filters.year})
    headers = [_("Region code"), _("Township"), _("Village or community"), _("Projects"),
               _("Operating income (yuan)"), _("Operating cost (yuan)"), _("Net income (yuan)")]
    note = "\n".join([
        _("Collective economy %(year)d, region %(region)s") % {"year": filters.year, "region": filters.region or "–"},
        _("Scope (region code prefix): %(prefix)s") % {"prefix": filters.region or user_prefix(request.user, READ) or _("all")}])
    return xlsx_response(f"economy-{filters.year}-{filters.region or 'all'}.xlsx", headers, rows,
                         sheet=str(filters.year), note=note)


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    require_capability(request, READ)
    filters = selectors.Filters.parse(request.GET)
    page = page_of(selectors.projects(request.user, filters), request)
    return render(request, "economy/projects.html", {"filters": filters, "page": page, "query": _query(request),
                                                     "can_manage": request.user.has_capability(WRITE)})


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    require_capability(request, WRITE)
    initial = {"region": request.GET.get("region", ""), "year": selectors.Filters.parse(request.GET).year}
    form = CreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("region").strip()
        region = Region.objects.visible_to(request.user, WRITE).filter(code=code).first()
        try:
            if region is None:  # out of scope reads exactly like "does not exist"
                raise ValidationError({"region": _("no such village or community in your jurisdiction")})
            project = services.project_create(acting_user=request.user, region=region, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Project recorded."))
            return redirect("economy:detail", project_id=project.pk)
    return render(request, "economy/form.html", {"form": form})


@login_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, WRITE)
    form = ProjectForm(request.POST or None, initial={f: getattr(project, f) for f in services.FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(acting_user=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect("economy:detail", project_id=project.pk)
    return render(request, "economy/form.html", {"form": form, "project": project})


def _detail(request: HttpRequest, project: Project, cadre_form: CadreForm | None = None) -> HttpResponse:
    cadres = list(Person.objects.filter(pk__in=project.cadres.values("person_id")).select_related("region")
                  .order_by("name", "id"))
    can_manage = request.user.has_capability(WRITE)
    q = request.GET.get("q", "").strip()
    found: list[Person] = []
    if can_manage and q:
        held = Appointment.objects.filter(services.held_posts_in(project.region_id, project.year)).values("person_id")
        found = list(Person.objects.visible_to(request.user, WRITE).filter(pk__in=held).search(q)
                     .exclude(pk__in=[c.pk for c in cadres]).select_related("region").order_by("name", "id")[:20])
    context = {"p": project, "cadres": cadres, "found": found, "q": q, "can_manage": can_manage,
               "cadre_form": cadre_form or CadreForm()}
    if request.headers.get("HX-Request"):
        return render(request, "economy/_found.html", context)
    return render(request, "economy/detail.html", context)


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    return _detail(request, _project(request, project_id))


@login_required
@require_POST
def project_delete(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, WRITE)
    region, year = project.region_id, project.year
    if request.POST.get("confirm") != "1":  # a stray POST deletes nothing
        messages.error(request, _("tick the box to confirm the deletion"))
        return _detail(request, project)
    try:
        services.project_delete(acting_user=request.user, project=project)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("economy:detail", project_id=project_id)
    messages.success(request, _("Project deleted."))
    return redirect(f"{redirect('economy:projects').url}?region={region}&year={year}")


@login_required
@require_POST
def cadre_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, WRITE)
    form = CadreForm(request.POST)
    if form.is_valid():
        person = Person.objects.visible_to(request.user, WRITE).filter(pk=form.cleaned_data["person"]).first()
        try:
            if person is None:
                raise ValidationError({"person": _("no such person on your roster")})
            services.cadre_add(acting_user=request.user, project=project, person=person)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Cadre added."))
            return redirect("economy:detail", project_id=project.pk)
    return _detail(request, project, form)


@login_required
@require_POST
def cadre_remove(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, WRITE)
    form = CadreForm(request.POST)
    if form.is_valid():
        person = Person.objects.visible_to(request.user, WRITE).filter(pk=form.cleaned_data["person"]).first()
        try:
            if person is None:
                raise ValidationError({"person": _("no such person on your roster")})
            services.cadre_remove(acting_user=request.user, project=project, person=person)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Cadre removed."))
            return redirect("economy:detail", project_id=project.pk)
    return _detail(request, project, form)
