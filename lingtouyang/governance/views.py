"""Back-office pages of village governance: checklists, decisions with their steps and compliance checks,
the compliance overview. Thin: parse, authorise (out of scope is 404), one service call, render or redirect.
A refused action shows the page again with the reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.governance import quorum, selectors, services
from lingtouyang.governance.forms import ChecklistForm, DecisionForm, StepForm
from lingtouyang.governance.models import Body, Checklist, ComplianceCheck, Decision, Matter, Step
from lingtouyang.regions.models import Region
from lingtouyang.tasks.selectors import region_or_404

READ, WRITE, CITY = "view_management", "record_decisions", "manage_checklists"


def _decision(request: HttpRequest, decision_id: int, capability: str | None = None) -> Decision:
    return get_visible_or_404(Decision.objects.select_related("region"), request.user, capability, id=decision_id)


def _rules() -> list[tuple[str, Any]]:
    return [(Body(code).label, rule.text) for code, rule in quorum.RULES.items()]


# --- checklists ---------------------------------------------------------------------------------------


@login_required
def checklists_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, READ)
    today = timezone.localdate()
    current = {c.pk for c in selectors.checklists_current(today)}
    versions = Checklist.objects.annotate(measures=Count("items")).order_by("code", "-version")
    return render(request, "governance/checklists.html", {
        "versions": versions, "current": current, "today": today, "can_manage": request.user.has_capability(CITY)})


@login_required
def checklist_view(request: HttpRequest, checklist_id: int) -> HttpResponse:
    require_capability(request, READ)
    checklist = get_object_or_404(Checklist, pk=checklist_id)
    return render(request, "governance/checklist.html", {
        "checklist": checklist, "groups": selectors.grouped_items(checklist),
        "can_manage": request.user.has_capability(CITY)})


@login_required
def checklist_new_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, CITY)
    base = None
    if (raw := request.GET.get("from", "")).isdigit():
        base = Checklist.objects.filter(pk=int(raw)).first()
    initial: dict[str, Any] = {"effective_from": timezone.localdate()}
    if base is not None:
        initial.update(code=base.code, name=base.name, items="\n".join(
            f"{i.aspect} | {i.text}" if i.aspect else i.text for i in base.items.order_by("number")))
    form = ChecklistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checklist = services.checklist_publish(acting_user=request.user, code=data["code"], name=data["name"],
                                                   effective_from=data["effective_from"], note=data["note"],
                                                   items=form.measures())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("New checklist version published."))
            return redirect("governance:checklist", checklist_id=checklist.pk)
    return render(request, "governance/checklist_form.html", {"form": form, "base": base})


# --- decisions ----------------------------------------------------------------------------------------


@login_required
def decisions_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, READ)
    filters = selectors.Filters.parse(request.GET)
    page = page_of(selectors.decision_list(request.user, filters), request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "governance/decisions.html", {
        "page": page, "filters": filters, "query": query.urlencode(), "matters": Matter.choices,
        "statuses": [("open", _("not complete")), ("complete", _("complete")), ("failed", _("failed at a meeting")),
                     ("stuck", _("stuck"))],
        "steps": Step.choices, "can_record": request.user.has_capability(WRITE)})


@login_required
def decision_create_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, WRITE)
    village = request.user.region_id if request.user.region and request.user.region.level == 5 else ""
    form = DecisionForm(request.POST or None, initial={"region": village, "major": True})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            region = Region.objects.filter(code=data.pop("region").strip()).first()
            if region is None:
                raise ValidationError({"region": _("no such region")})
            decision = services.decision_create(acting_user=request.user, region=region, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Decision entered; record its steps in order."))
            return redirect("governance:decision", decision_id=decision.pk)
    return render(request, "governance/decision_form.html", {"form": form})


def _detail(request: HttpRequest, decision: Decision, step_form: StepForm | None = None,
            checks_error: list[str] | None = None, status: int = 200) -> HttpResponse:
    next_step = decision.steps_done + 1 if decision.steps_done < 6 else None
    form = step_form or StepForm(initial={"step": next_step, "held_on": timezone.localdate()})
    if next_step:
        allowed = quorum.STEP_BODIES.get(next_step, ())
        form.fields["body"].choices = [(b, Body(b).label) for b in allowed
                                       if not (next_step == 4 and decision.matter in quorum.ASSEMBLY_ONLY
                                               and b == Body.REPRESENTATIVES)]
    shown = StepForm.STEP_FIELDS.get(next_step or 0, [])
    day = services.decision_reference_day(decision)
    answers = {c.item_id: c for c in ComplianceCheck.objects.filter(decision=decision)}
    checklists = [(c, [(aspect, [(i, answers.get(i.pk)) for i in items])
                       for aspect, items in selectors.grouped_items(c)]) for c in selectors.checklists_current(day)]
    return render(request, "governance/decision.html", {
        "d": decision, "steps": decision.steps.order_by("step", "id"), "next_step": next_step,
        "next_label": Step(next_step).label if next_step else "", "form": form, "shown": shown,
        "assembly_only": decision.matter in quorum.ASSEMBLY_ONLY, "rules": _rules(),
        "checklists": checklists, "checks_error": checks_error, "reference_day": day,
        "can_record": request.user.has_capability(WRITE)}, status=status)


@login_required
def decision_view(request: HttpRequest, decision_id: int) -> HttpResponse:
    return _detail(request, _decision(request, decision_id))


@login_required
@require_POST
def decision_step_view(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = _decision(request, decision_id, WRITE)
    form = StepForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.decision_step_record(acting_user=request.user, decision=decision, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
            decision.refresh_from_db()
        else:
            messages.success(request, _("Step recorded."))
            return redirect("governance:decision", decision_id=decision.pk)
    return _detail(request, decision, step_form=form)


def _answers(request: HttpRequest, checklist: Checklist) -> dict[int, tuple[bool, str]]:
    answers = {}
    for item in checklist.items.all():
        raw = request.POST.get(f"item-{item.pk}", "")
        if raw in ("yes", "no"):
            answers[item.pk] = (raw == "yes", request.POST.get(f"note-{item.pk}", ""))
    return answers


@login_required
@require_POST
def decision_checks_view(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = _decision(request, decision_id, WRITE)
    raw = request.POST.get("checklist", "")
    checklist = Checklist.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    try:
        if checklist is None:
            raise ValidationError(_("no such checklist"))
        services.decision_checks_record(acting_user=request.user, decision=decision, checklist=checklist,
                                        answers=_answers(request, checklist))
    except ValidationError as exc:
        return _detail(request, decision, checks_error=exc.messages)
    messages.success(request, _("Compliance checks recorded."))
    return redirect("governance:decision", decision_id=decision.pk)


@login_required
def compliance_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, READ)
    region = region_or_404(request.user, request.GET.get("region", ""))
    rows, totals = selectors.compliance_overview(request.user, region)
    page = page_of(selectors.problems(request.user, region), request)
    return render(request, "governance/compliance.html", {
        "region": region, "rows": rows, "totals": totals, "page": page, "stuck_days": selectors.STUCK_DAYS,
        "rules": _rules()})
