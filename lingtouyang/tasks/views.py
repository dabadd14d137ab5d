"""Back-office pages of key tasks and indicators. Thin: parse, authorise (out of scope is 404), one service
call, render or redirect. A refused action shows the page again with the reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.people.models import Person
from lingtouyang.people.selectors import person_choices
from lingtouyang.regions.models import Region
from lingtouyang.tasks import selectors, services
from lingtouyang.tasks.forms import CancelForm, IndicatorForm, ProgressForm, TaskForm, ValueForm
from lingtouyang.tasks.models import Category, Indicator, State, Task

READ, WRITE = "view_management", "manage_tasks"


def _task(request: HttpRequest, task_id: int, capability: str | None = None) -> Task:
    return get_visible_or_404(Task.objects.select_related("region").prefetch_related("owners__region"),
                              request.user, capability, id=task_id)


def _list(request: HttpRequest, overdue: bool) -> HttpResponse:
    require_capability(request, READ)
    filters = selectors.Filters.parse(request.GET)
    if overdue:
        filters.state = selectors.OVERDUE
    page = page_of(selectors.task_list(request.user, filters), request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "tasks/list.html", {
        "page": page, "filters": filters, "overdue": overdue, "query": query.urlencode(), "today": timezone.localdate(),
        "states": [*State.choices, (selectors.OVERDUE, _("overdue"))], "categories": Category.choices,
        "counts": selectors.task_counts(request.user, filters.region),
        "can_manage": request.user.has_capability(WRITE)})


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    return _list(request, overdue=False)


@login_required
def overdue_view(request: HttpRequest) -> HttpResponse:
    return _list(request, overdue=True)


def _owners(request: HttpRequest) -> list[Person]:
    ids = [int(v) for v in request.POST.getlist("owners") if v.isdigit()]
    found = list(Person.objects.visible_to(request.user, WRITE).filter(pk__in=ids).select_related("region"))
    if len(found) != len(set(ids)):
        raise ValidationError({"owners": _("no such person on your roster")})
    return found


def _form_page(request: HttpRequest, form: TaskForm, task: Task | None, owners: list[Person]) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    people = Person.objects.visible_to(request.user, WRITE)
    context = {"form": form, "task": task, "owners": owners, "q": q, "all_levels": True,
               "found": [p for p in person_choices(people, q) if p not in owners]}
    if request.headers.get("HX-Request"):
        return render(request, "tasks/_found.html", context)
    return render(request, "tasks/form.html", context)


@login_required
def create_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, WRITE)
    today = timezone.localdate()
    form = TaskForm(request.POST or None, initial={"region": request.user.region_id, "start": today})
    owners: list[Person] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            owners = _owners(request)
            region = Region.objects.filter(code=data.pop("region").strip()).first()
            if region is None:
                raise ValidationError({"region": _("no such region")})
            task = services.task_create(acting_user=request.user, region=region, owners=owners, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Task added."))
            return redirect("tasks:detail", task_id=task.pk)
    return _form_page(request, form, None, owners)


@login_required
def edit_view(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task(request, task_id, WRITE)
    owners = list(task.owners.all())
    form = TaskForm(request.POST or None, initial={
        "region": task.region_id, "title": task.title, "category": task.category, "responsible": task.responsible,
        "start": task.start, "deadline": task.deadline})
    form.fields["region"].disabled = True  # a task stays in its region
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("region")
        try:
            owners = _owners(request)
            services.task_update(acting_user=request.user, task=task, owners=owners, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
            task.refresh_from_db()
        else:
            messages.success(request, _("Task saved."))
            return redirect("tasks:detail", task_id=task.pk)
    return _form_page(request, form, task, owners)


def _detail(request: HttpRequest, task: Task, progress_form: ProgressForm | None = None,
            cancel_form: CancelForm | None = None) -> HttpResponse:
    return render(request, "tasks/detail.html", {
        "task": task, "updates": task.updates.order_by("-on", "-id"), "today": timezone.localdate(),
        "can_manage": request.user.has_capability(WRITE),
        "progress_form": progress_form or ProgressForm(initial={"on": timezone.localdate(), "percent": task.progress}),
        "cancel_form": cancel_form or CancelForm()})


@login_required
def detail_view(request: HttpRequest, task_id: int) -> HttpResponse:
    return _detail(request, _task(request, task_id))


@login_required
@require_POST
def progress_view(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task(request, task_id, WRITE)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.task_progress(acting_user=request.user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            task.refresh_from_db()
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("tasks:detail", task_id=task.pk)
    return _detail(request, task, progress_form=form)


@login_required
@require_POST
def cancel_view(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task(request, task_id, WRITE)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.task_cancel(acting_user=request.user, task=task, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
            task.refresh_from_db()
        else:
            messages.success(request, _("Task cancelled."))
            return redirect("tasks:detail", task_id=task.pk)
    return _detail(request, task, cancel_form=form)


# --- indicators ---------------------------------------------------------------------------------------


def _chart_data(figures: selectors.IndicatorFigures) -> dict[str, Any]:
    return {"titles": {"added": _("added in the year"), "running": _("cumulative total"), "level": _("total")},
            "series": [{"name": s.indicator.name, "unit": s.indicator.unit, "cumulative": s.indicator.cumulative,
                        "years": s.years, "added": [float(v) for v in s.added],
                        "running": [float(v) for v in s.running]} for s in figures.series]}


def _indicators_page(request: HttpRequest, value_form: ValueForm | None = None,
                     indicator_form: IndicatorForm | None = None) -> HttpResponse:
    require_capability(request, READ)
    region = selectors.region_or_404(request.user, request.GET.get("region", ""))
    figures = selectors.indicator_figures(request.user, region)
    indicators = list(Indicator.objects.all())
    form = value_form or ValueForm(initial={"region": region.code, "year": timezone.localdate().year})
    form.fields["indicator"].widget.choices = [(i.pk, str(i)) for i in indicators]
    is_city = request.user.has_capability(WRITE) and len(request.user.scope_prefix) <= 4
    return render(request, "tasks/indicators.html", {
        "region": region, "figures": figures, "indicators": indicators, "chart_data": _chart_data(figures),
        "can_manage": request.user.has_capability(WRITE), "value_form": form, "is_city": is_city,
        "indicator_form": indicator_form or IndicatorForm(), "all_levels": True})


@login_required
def indicators_view(request: HttpRequest) -> HttpResponse:
    return _indicators_page(request)


@login_required
@require_POST
def value_record_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, WRITE)
    form = ValueForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            indicator = Indicator.objects.filter(pk=data["indicator"]).first()
            region = Region.objects.filter(code=data["region"].strip()).first()
            if indicator is None:
                raise ValidationError({"indicator": _("no such indicator")})
            if region is None:
                raise ValidationError({"region": _("no such region")})
            services.indicator_value_record(acting_user=request.user, indicator=indicator, region=region,
                                            year=data["year"], month=data["month"] or 0, value=data["value"],
                                            note=data["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Value recorded."))
            return redirect(f"{reverse('tasks:indicators')}?region={region.prefix}")
    return _indicators_page(request, value_form=form)


@login_required
@require_POST
def indicator_create_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, WRITE)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Indicator added."))
            return redirect("tasks:indicators")
    return _indicators_page(request, indicator_form=form)


@login_required
def indicators_export_view(request: HttpRequest) -> HttpResponse:
    """The indicators' table as .xlsx: per region one level down, and per year for the region; audited."""
    require_capability(request, "export")
    require_capability(request, READ)
    region = selectors.region_or_404(request.user, request.GET.get("region", ""))
    figures = selectors.indicator_figures(request.user, region)
    headers = [_("Region code"), _("Region"), _("Indicator"), _("Unit"), _("Period"), _("Value")]
    rows: list[list[Any]] = []
    for s in figures.series:
        for year, added, running in zip(s.years, s.added, s.running, strict=True):
            rows.append([region.code, region.short_name, s.indicator.name, s.indicator.unit, str(year),
                         float(running if s.indicator.cumulative else added)])
    for row in figures.rows:
        code = row.region.code if row.region else region.code
        for s in figures.series:
            if s.indicator.pk in row.totals:
                rows.append([code, row.label, s.indicator.name, s.indicator.unit, _("total"),
                             float(row.totals[s.indicator.pk])])
    audit_record("export.indicators", region_code=region.code, user=request.user, changes={"rows": len(rows)})
    note = _("Indicators of %(region)s: for each year the cumulative total (or a level's total), then each "
             "region below with its total.") % {"region": region.short_name}
    note += "\n" + _("Scope (region code prefix): %(prefix)s") % {"prefix": region.prefix or _("all")}
    return xlsx_response(f"indicators-{region.code}.xlsx", headers, rows, sheet=_("Indicators"), note=note)
