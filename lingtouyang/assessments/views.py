"""Assessment pages: schemes (county), a township's results and its score grid and Excel import (township
officer), the workflow (submit, return, approve, publish), a result with its grade, consequences and appeal,
appeals (county), a cadre's own results, the grade distribution chart and the export. Thin: parse,
authorise (out of scope is 404), one service call, render or redirect."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.assessments import engine, importing, pdf, selectors, services
from lingtouyang.assessments.forms import (
    ComponentForm,
    ConsequenceForm,
    DecideForm,
    GradeForm,
    ImportForm,
    ReasonForm,
    SchemeForm,
)
from lingtouyang.assessments.models import (
    Appeal,
    AppealState,
    Component,
    Consequence,
    Grade,
    Result,
    ResultState,
    Scheme,
    Score,
)
from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404, user_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.regions.models import Level, Region

IMPORT_KEY = "assessment_import_%d_%s"


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year - 1


def _scheme(request: HttpRequest, assessment_scheme: int) -> Scheme:
    scheme = selectors.scheme_visible(request.user, assessment_scheme)
    if scheme is None:
        raise Http404
    return scheme


def _township(request: HttpRequest, scheme: Scheme, code: str, capability: str = "view_assessment") -> Region:
    """A township of the scheme's county within the user's jurisdiction for `capability`; otherwise 404."""
    prefix = user_prefix(request.user, capability)
    town = Region.objects.filter(code=code, level=Level.TOWNSHIP, parent_id=scheme.region_id).first()
    # Village accounts see their own result only (models.OwnRowsQuerySet), never a township's list.
    if town is None or prefix is None or not town.code.startswith(prefix):
        raise Http404
    return town


# --- home, schemes -------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_assessment")
    year = _year(request)
    prefix = user_prefix(request.user, "view_assessment") or ""
    # A village's few cadres would be identifiable in its figures: village accounts see none.
    totals, children = selectors.distribution(prefix, year) if len(prefix) < 12 else ([0] * 4, [])
    labels = [str(label) for label in Grade.labels]
    chart = {"labels": labels, "totals": totals, "children": children,
             "titles": {"totals": _("Grades %(year)d") % {"year": year}, "children": _("Grades by region")}}
    return render(request, "assessments/home.html", {
        "year": year, "schemes": selectors.scheme_list(request.user)[:50], "totals": zip(labels, totals, strict=True),
        "children": children, "chart": chart, "labels": labels,
        "can_define": request.user.has_capability("manage_assessment_scheme")})


@login_required
def scheme_create(request: HttpRequest) -> HttpResponse:
    require_capability(request, "manage_assessment_scheme")
    form = SchemeForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        county = Region.objects.filter(code=request.user.region_id[:6].ljust(12, "0")).first()
        try:
            if county is None or request.user.region.level != Level.COUNTY:
                raise ValidationError(_("a scheme belongs to a county: a county administrator defines it"))
            scheme = services.scheme_create(acting_user=request.user, region=county, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Scheme saved. Add its components next."))
            return redirect("assessments:scheme", assessment_scheme=scheme.pk)
    return render(request, "assessments/scheme_form.html", {"form": form, "scheme": None})


@login_required
def scheme_edit(request: HttpRequest, assessment_scheme: int) -> HttpResponse:
    scheme = get_visible_or_404(Scheme.objects.select_related("region"), request.user, "manage_assessment_scheme",
                                id=assessment_scheme)
    initial = {f: getattr(scheme, f) for f in services.SCHEME_FIELDS} | {"year": scheme.year}
    form = SchemeForm(request.POST or None, initial=initial)
    form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.SCHEME_FIELDS}
        try:
            services.scheme_update(acting_user=request.user, scheme=scheme, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Scheme saved."))
            return redirect("assessments:scheme", assessment_scheme=scheme.pk)
    return render(request, "assessments/scheme_form.html", {"form": form, "scheme": scheme})


def _scheme_page(request: HttpRequest, scheme: Scheme, component_form: ComponentForm | None = None,
                 status: int = 200) -> HttpResponse:
    user = request.user
    prefix = user_prefix(user, "view_assessment") or ""
    can_define = (user.has_capability("manage_assessment_scheme")
                  and scheme.region_id.startswith(user_prefix(user, "manage_assessment_scheme") or "-"))
    return render(request, "assessments/scheme_detail.html", {
        "scheme": scheme, "components": scheme.components.all(), "townships": selectors.townships(scheme, prefix) if len(prefix) < 12 else [],
        "labels": [str(label) for label in Grade.labels], "ready": services.scheme_ready(scheme),
        "can_define": can_define, "frozen": scheme.components.filter(scores__isnull=False).exists(),
        "component_form": component_form or ComponentForm(), "can_export": user.has_capability("export"),
    }, status=status)


@login_required
def scheme_detail(request: HttpRequest, assessment_scheme: int) -> HttpResponse:
    return _scheme_page(request, _scheme(request, assessment_scheme))


@login_required
@require_POST
def components(request: HttpRequest, assessment_scheme: int) -> HttpResponse:
    """Adds a component, or removes one (`remove`: its id)."""
    scheme = get_visible_or_404(Scheme.objects.select_related("region"), request.user, "manage_assessment_scheme",
                                id=assessment_scheme)
    if request.POST.get("remove"):
        raw = request.POST["remove"]
        found = Component.objects.filter(scheme=scheme, pk=raw).first() if raw.isdigit() else None
        try:
            if found is None:
                raise ValidationError(_("no such component in this scheme"))
            services.component_remove(acting_user=request.user, component=found)
        except ValidationError as exc:
            _errors(request, exc)
            return _scheme_page(request, scheme)
        return redirect("assessments:scheme", assessment_scheme=scheme.pk)
    form = ComponentForm(request.POST)
    if form.is_valid():
        try:
            services.component_add(acting_user=request.user, scheme=scheme, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Component added."))
            return redirect("assessments:scheme", assessment_scheme=scheme.pk)
    return _scheme_page(request, scheme, form)


@login_required
def export(request: HttpRequest, assessment_scheme: int) -> HttpResponse:
    """The scheme's results within the user's jurisdiction, one row per person (audited)."""
    require_capability(request, "export")
    scheme = _scheme(request, assessment_scheme)
    prefix = user_prefix(request.user, "view_assessment") or ""
    comps = list(scheme.components.all())
    rows = Result.objects.visible_to(request.user).filter(year=scheme.year).select_related("person", "region")
    scores: dict[tuple[int, int], int] = {}
    for pid, cid, points in (Score.objects.visible_to(request.user).filter(component__scheme=scheme)
                             .values_list("person_id", "component_id", "points")):
        scores[(pid, cid)] = points
    grades = {k: str(v) for k, v in Grade.choices}
    states = {k: str(v) for k, v in ResultState.choices}
    audit_record("export.assessment_results", obj=scheme, region_code=prefix, user=request.user,
                 changes={"year": scheme.year, "rows": rows.count()})
    return xlsx_response(
        f"assessment-{scheme.region_id[:6]}-{scheme.year}.xlsx",
        [_("Name"), _("ID number"), _("Village or community"), *[c.name for c in comps], _("Weighted score"),
         _("Computed grade"), _("Grade"), _("State"), _("Reason the grade differs"), _("Reason for exceeding the cap")],
        ([r.person.name, r.person.id_masked, r.region.short_name,
          *[engine.points_text(scores.get((r.person_id, c.pk))) for c in comps],
          "" if r.score is None else str(r.score), grades.get(r.computed_grade, ""), grades.get(r.grade, ""),
          states.get(r.state, r.state), r.grade_note, r.quota_override] for r in rows.iterator(chunk_size=2000)),
        sheet=_("Assessment"), note="\n".join([
            _("Assessment %(year)d, %(county)s") % {"year": scheme.year, "county": scheme.region.short_name},
            _("Scope (region code prefix): %(prefix)s") % {"prefix": prefix or _("all")}]))


# --- a township: results, grid, import, workflow ------------------------------------------------------------


def _township_page(request: HttpRequest, scheme: Scheme, town: Region, status: int = 200) -> HttpResponse:
    user = request.user
    enter_prefix = user_prefix(user, "enter_scores")
    approve_prefix = user_prefix(user, "approve_assessment")
    can_enter = enter_prefix is not None and town.code.startswith(enter_prefix)
    can_approve = approve_prefix is not None and town.code.startswith(approve_prefix)
    figures = services.township_figures(scheme, town.prefix)
    states = {s for s in ResultState.values if figures[s]}
    return render(request, "assessments/township.html", {
        "scheme": scheme, "town": town, "figures": figures, "results": selectors.township_results(scheme, town),
        "components": list(scheme.components.all()), "state": states.pop() if len(states) == 1 else "",
        "can_enter": can_enter, "can_approve": can_approve, "ready": services.scheme_ready(scheme),
        "reason_form": ReasonForm(), "import_form": ImportForm(), "Grade": Grade, "ResultState": ResultState,
    }, status=status)


@login_required
def township(request: HttpRequest, assessment_scheme: int, assessment_township: str) -> HttpResponse:
    require_capability(request, "view_assessment")
    scheme = _scheme(request, assessment_scheme)
    return _township_page(request, scheme, _township(request, scheme, assessment_township))


@login_required
def grid(request: HttpRequest, assessment_scheme: int, assessment_township: str, assessment_component: int) -> HttpResponse:
    """Scores of one component for everyone assessed in the township; saved all or nothing."""
    require_capability(request, "enter_scores")
    scheme = _scheme(request, assessment_scheme)
    town = _township(request, scheme, assessment_township, "enter_scores")
    component = Component.objects.filter(scheme=scheme, pk=assessment_component).first()
    if component is None:
        raise Http404
    rows = selectors.grid_rows(scheme, town, component)
    errors: dict[int, str] = {}
    if request.method == "POST":
        entries = []
        for row in rows:
            if not row["editable"]:
                continue
            raw = request.POST.get(f"s{row['person'].pk}", "").strip()
            row["value"] = raw
            if raw == "":
                if row["points"] is not None:
                    entries.append((row["person"].pk, component.pk, None))
                continue
            try:
                points = engine.to_points(raw)
            except engine.BadScore:
                errors[row["person"].pk] = _("a score is a number from 0 to 100 with at most two decimals")
                continue
            if points != row["points"]:
                entries.append((row["person"].pk, component.pk, points))
        if errors:
            messages.error(request, _("%(n)d scores are not valid: nothing was saved") % {"n": len(errors)})
        else:
            try:
                services.scores_record(acting_user=request.user, scheme=scheme, township=town, entries=entries)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("%(n)d scores saved; the township's grades are recomputed.")
                                 % {"n": len(entries)})
                return redirect("assessments:grid", assessment_scheme=scheme.pk, assessment_township=town.code,
                                assessment_component=component.pk)
    for row in rows:
        row["error"] = errors.get(row["person"].pk, "")
    return render(request, "assessments/grid.html", {
        "scheme": scheme, "town": town, "component": component, "rows": rows,
        "components": list(scheme.components.all())}, status=400 if errors else 200)


@login_required
def score_import(request: HttpRequest, assessment_scheme: int, assessment_township: str) -> HttpResponse:
    """GET: the template to fill; POST: the filled list, shown as a preview."""
    require_capability(request, "enter_scores")
    scheme = _scheme(request, assessment_scheme)
    town = _township(request, scheme, assessment_township, "enter_scores")
    if request.method != "POST":
        return xlsx_response("scores-template.xlsx", [_("ID number"), _("Component"), _("Score")],
                             [], sheet=_("Scores"),
                             note=_("One score per row: ID number (as text), the component's name as in the "
                                    "scheme (%(names)s), the score from 0 to 100.")
                             % {"names": ", ".join(scheme.components.values_list("name", flat=True))})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _errors(request, ValidationError(form.errors["file"]))
        return _township_page(request, scheme, town, status=400)
    upload = form.cleaned_data["file"]
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            preview = importing.check_rows(scheme, town, importing.read_rows(tmp.name))
        except importing.ListRejected as exc:
            messages.error(request, exc.reason)
            return _township_page(request, scheme, town, status=400)
    request.session[IMPORT_KEY % (scheme.pk, town.code)] = preview.entries
    return render(request, "assessments/import_preview.html", {
        "scheme": scheme, "town": town, "preview": preview, "name": upload.name[:100],
        "clean": preview.clean[:500], "refused": preview.refused[:500]})


@login_required
@require_POST
def import_confirm(request: HttpRequest, assessment_scheme: int, assessment_township: str) -> HttpResponse:
    require_capability(request, "enter_scores")
    scheme = _scheme(request, assessment_scheme)
    town = _township(request, scheme, assessment_township, "enter_scores")
    entries = request.session.get(IMPORT_KEY % (scheme.pk, town.code))
    if not entries:
        messages.error(request, _("Nothing to confirm: upload the list again."))
        return _township_page(request, scheme, town)
    try:
        count = services.scores_record(acting_user=request.user, scheme=scheme, township=town,
                                       entries=[tuple(e) for e in entries], via="import")
    except ValidationError as exc:
        _errors(request, exc)
        return _township_page(request, scheme, town)
    del request.session[IMPORT_KEY % (scheme.pk, town.code)]
    messages.success(request, _("%(n)d scores imported; the township's grades are recomputed.") % {"n": count})
    return redirect("assessments:township", assessment_scheme=scheme.pk, assessment_township=town.code)


@login_required
@require_POST
def transition(request: HttpRequest, assessment_scheme: int, assessment_township: str) -> HttpResponse:
    action = request.POST.get("action", "")
    require_capability(request, "view_assessment")
    scheme = _scheme(request, assessment_scheme)
    town = _township(request, scheme, assessment_township)
    try:
        if action not in services.TRANSITIONS:
            raise ValidationError(_("no such step"))
        count = services.township_transition(acting_user=request.user, scheme=scheme, township=town, action=action,
                                             reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
        return _township_page(request, scheme, town)
    messages.success(request, _("%(n)d results are now “%(state)s”.")
                     % {"n": count, "state": ResultState(services.TRANSITIONS[action][1]).label})
    return redirect("assessments:township", assessment_scheme=scheme.pk, assessment_township=town.code)


# --- one result ----------------------------------------------------------------------------------------------


def _result_page(request: HttpRequest, result: Result, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    enter_prefix = user_prefix(user, "enter_scores")
    can_enter = enter_prefix is not None and result.region_id.startswith(enter_prefix)
    comps = list(result.scheme.components.all()) if result.scheme_id else []
    by_component = dict(Score.objects.filter(person_id=result.person_id, component__in=comps)
                        .values_list("component_id", "points"))
    rows = [(c, engine.points_text(by_component.get(c.pk))) for c in comps]
    appeal = Appeal.objects.filter(result=result).first()
    approve_prefix = user_prefix(user, "approve_assessment")
    return render(request, "assessments/result.html", {
        "result": result, "rows": rows, "appeal": appeal,
        "consequences": Consequence.objects.filter(result=result),
        "can_grade": can_enter and result.state == ResultState.DRAFT and bool(result.computed_grade),
        "can_criticise": can_enter and result.state == ResultState.PUBLISHED and result.grade == Grade.INCOMPETENT,
        "can_decide": (appeal is not None and appeal.state == AppealState.OPEN and approve_prefix is not None
                       and result.region_id.startswith(approve_prefix)),
        "grade_form": forms.get("grade_form") or GradeForm(initial={"grade": result.grade,
                                                                     "reason": result.grade_note,
                                                                     "override": result.quota_override}),
        "consequence_form": forms.get("consequence_form") or ConsequenceForm(),
        "decide_form": forms.get("decide_form") or DecideForm(initial={"grade": result.grade}),
    }, status=status)


def _result(request: HttpRequest, assessment_result: int, capability: str | None = None) -> Result:
    return get_visible_or_404(Result.objects.select_related("person", "region", "scheme"), request.user, capability,
                              id=assessment_result)


@login_required
def result_detail(request: HttpRequest, assessment_result: int) -> HttpResponse:
    return _result_page(request, _result(request, assessment_result))


@login_required
def form_pdf(request: HttpRequest, assessment_result: int) -> HttpResponse:
    """The annual assessment form, for the cadre (their own, published) or those who see the result (audited)."""
    result = _result(request, assessment_result)
    data = pdf.assessment_form_pdf(result, printed_at=timezone.now())
    audit_record("export.assessment_form", obj=result, region_code=result.region_id, user=request.user,
                 changes={"person": result.person_id, "year": result.year})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="assessment-{result.year}-{result.pk}.pdf"'
    return response


@login_required
@require_POST
def result_grade(request: HttpRequest, assessment_result: int) -> HttpResponse:
    result = _result(request, assessment_result, "enter_scores")
    form = GradeForm(request.POST)
    if form.is_valid():
        try:
            services.result_grade_set(acting_user=request.user, result=result, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Grade saved."))
            return redirect("assessments:result", assessment_result=result.pk)
    return _result_page(request, result, grade_form=form)


@login_required
@require_POST
def consequence_add(request: HttpRequest, assessment_result: int) -> HttpResponse:
    result = _result(request, assessment_result, "enter_scores")
    form = ConsequenceForm(request.POST)
    if form.is_valid():
        try:
            services.consequence_record(acting_user=request.user, result=result, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect("assessments:result", assessment_result=result.pk)
    return _result_page(request, result, consequence_form=form)


# --- appeals ----------------------------------------------------------------------------------------------


@login_required
def appeals(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_assessment")
    state = request.GET.get("state", AppealState.OPEN)
    qs = Appeal.objects.visible_to(request.user).select_related("result__person", "region")
    if state in AppealState.values:
        qs = qs.filter(state=state)
    return render(request, "assessments/appeals.html", {
        "page": page_of(qs.order_by("-filed_on", "-id"), request), "state": state, "states": AppealState.choices})


@login_required
@require_POST
def appeal_decide(request: HttpRequest, assessment_appeal: int) -> HttpResponse:
    appeal = get_visible_or_404(Appeal.objects.select_related("result"), request.user, "approve_assessment",
                                id=assessment_appeal)
    form = DecideForm(request.POST)
    result = _result(request, appeal.result_id)
    if form.is_valid():
        try:
            services.appeal_decide(acting_user=request.user, appeal=appeal, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Appeal decided."))
            return redirect("assessments:result", assessment_result=appeal.result_id)
    return _result_page(request, result, decide_form=form)


# --- a cadre's own ----------------------------------------------------------------------------------------


def _mine(request: HttpRequest, forms: dict[int, ReasonForm] | None = None, status: int = 200) -> HttpResponse:
    person_id = request.user.person_id
    if person_id is None:
        return render(request, "assessments/mine_unlinked.html", status=status)
    rows = selectors.my_results(person_id)
    today = timezone.localdate()
    forms = forms or {}
    for r in rows:
        r.can_appeal = r.appeal_row is None and r.deadline is not None and today <= r.deadline
        r.form = forms.get(r.pk) or (ReasonForm(auto_id=f"ap{r.pk}_%s") if r.can_appeal else None)
    return render(request, "assessments/mine.html", {"rows": rows, "person": request.user.person,
                                                     "days": services.appeal_days()}, status=status)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return _mine(request)


@login_required
@require_POST
def appeal_file(request: HttpRequest, assessment_result: int) -> HttpResponse:
    person_id = request.user.person_id
    result = Result.objects.filter(pk=assessment_result, person_id=person_id).first() if person_id else None
    if result is None:
        raise Http404
    form = ReasonForm(request.POST, auto_id=f"ap{result.pk}_%s")
    if form.is_valid():
        try:
            services.appeal_file(acting_user=request.user, result=result, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your appeal was filed; the county will decide and give its reason."))
            return redirect("assessments:mine")
    return _mine(request, {result.pk: form}, status=400)


urlpatterns = [
    path("", home, name="home"),
    path("schemes/new/", scheme_create, name="scheme_create"),
    path("schemes/<int:assessment_scheme>/", scheme_detail, name="scheme"),
    path("schemes/<int:assessment_scheme>/edit/", scheme_edit, name="scheme_edit"),
    path("schemes/<int:assessment_scheme>/components/", components, name="components"),
    path("schemes/<int:assessment_scheme>/export/", export, name="export"),
    path("schemes/<int:assessment_scheme>/townships/<str:assessment_township>/", township, name="township"),
    path("schemes/<int:assessment_scheme>/townships/<str:assessment_township>/scores/<int:assessment_component>/", grid, name="grid"),
    path("schemes/<int:assessment_scheme>/townships/<str:assessment_township>/import/", score_import, name="import"),
    path("schemes/<int:assessment_scheme>/townships/<str:assessment_township>/import/confirm/", import_confirm, name="import_confirm"),
    path("schemes/<int:assessment_scheme>/townships/<str:assessment_township>/transition/", transition, name="transition"),
    path("results/<int:assessment_result>/", result_detail, name="result"),
    path("results/<int:assessment_result>/form.pdf", form_pdf, name="form_pdf"),
    path("results/<int:assessment_result>/grade/", result_grade, name="result_grade"),
    path("results/<int:assessment_result>/consequences/", consequence_add, name="consequence_add"),
    path("appeals/", appeals, name="appeals"),
    path("appeals/<int:assessment_appeal>/decide/", appeal_decide, name="appeal_decide"),
    path("mine/", mine, name="mine"),
    path("mine/<int:assessment_result>/appeal/", appeal_file, name="appeal_file"),
]
