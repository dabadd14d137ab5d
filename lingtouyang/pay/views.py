"""Pay pages. Thin: parse, authorise (out of scope is 404), one service call, render or redirect."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import in_prefix, user_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.pay import selectors, services
from lingtouyang.pay.forms import PolicyForm, RewardForm, RunForm
from lingtouyang.pay.models import PayrollRun, Reward, Slip
from lingtouyang.people.models import Person
from lingtouyang.people.selectors import person_choices
from lingtouyang.regions.models import Region

LEDGER_HEADERS = [
    "run", "slip", "village code", "village", "name", "ID number", "post", "rule", "explanation", "amount (yuan)"]


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_pay")
    return render(request, "pay/policy_list.html", {
        "policies": selectors.policies(request.user),
        "can_manage": request.user.has_capability("manage_pay_policy")})


@login_required
def policy_add(request: HttpRequest) -> HttpResponse:
    require_capability(request, "manage_pay_policy")
    region = request.user.region
    initial = {"county": region.code if region and region.level == 3 else "",
               "effective_from": date(timezone.localdate().year, 1, 1)}
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        county = Region.objects.filter(code=data["county"].strip()).first()
        try:
            if county is None:
                raise ValidationError({"county": _("no such county")})
            services.policy_version_add(
                acting_user=request.user, county=county, effective_from=data["effective_from"],
                effective_to=data["effective_to"], deputy_share=data["deputy_share"],
                raise_percent=data["raise_percent"], raise_compounds=data["raise_compounds"],
                incentive_threshold=data["incentive_threshold"], incentive_share=data["incentive_share"],
                incentive_cap=data["incentive_cap"], rates=form.rates(), note=data["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("New pay policy version added."))
            return redirect("pay:policies")
    return render(request, "pay/policy_form.html", {"form": form})


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_pay")
    page = page_of(selectors.runs(request.user), request)
    return render(request, "pay/run_list.html", {
        "page": page, "can_run": request.user.has_capability("run_payroll")})


@login_required
def run_create(request: HttpRequest) -> HttpResponse:
    require_capability(request, "run_payroll")
    form = RunForm(request.POST or None, initial={"region": request.user.region_id,
                                                   "year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        prefix = user_prefix(request.user, "run_payroll")
        region = Region.objects.filter(code=data["region"].strip()).first()
        try:
            if region is None or prefix is None or not in_prefix(region.code, prefix):
                raise ValidationError({"region": _("no such region in your jurisdiction")})
            run = services.payroll_run(acting_user=request.user, region=region, year=data["year"],
                                       month=data["month"] or 0)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Payroll finished: %(slips)s pay slips.") % {"slips": run.slips})
            return redirect("pay:run", run_id=run.pk)
    return render(request, "pay/run_form.html", {"form": form})


def _run(request: HttpRequest, run_id: int) -> PayrollRun:
    require_capability(request, "view_pay")
    run = selectors.runs(request.user).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    townships = selectors.by_township(request.user, run)
    page = page_of(selectors.run_slips(request.user, run), request)
    return render(request, "pay/run_detail.html", {
        "run": run, "townships": townships, "page": page,
        "visible_total": sum((t["total"] for t in townships), start=0),
        "visible_slips": sum(t["slips"] for t in townships)})


@login_required
def run_export(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    require_capability(request, "export")
    audit_record("export.pay_ledger", obj=run, region_code=run.region_id, user=request.user,
                 changes={"scope": request.user.scope_prefix if request.user.region_id else ""})
    note = "\n".join([
        _("Payroll %(period)s of %(region)s, run %(run)s, finished %(finished)s.") % {
            "period": run.period, "region": run.region.name, "run": run.pk,
            "finished": timezone.localtime(run.finished_at).strftime("%Y-%m-%d %H:%M") if run.finished_at else ""},
        _("One row per line of each pay slip; each amount is rounded once, half up to 0.01 yuan."),
        _("Rows of your jurisdiction only."),
        _("Scope (region code prefix): %(prefix)s") % {"prefix": request.user.scope_prefix or _("all")}])
    return xlsx_response(f"payroll-{run.region_id}-{run.period}-{run.pk}.xlsx", LEDGER_HEADERS,
                         selectors.ledger_rows(request.user, run), sheet=_("Pay ledger"), note=note)


@login_required
def slip_detail(request: HttpRequest, slip_id: int) -> HttpResponse:
    slip = selectors.slips(request.user).select_related("run", "person", "region").filter(pk=slip_id).first()
    if slip is None:
        raise Http404
    return render(request, "pay/slip_detail.html", {"slip": slip, "lines": list(slip.lines.all())})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A cadre's own pay slips, through the account's roster entry."""
    person_id = request.user.person_id
    slips = (Slip.objects.filter(person_id=person_id).select_related("run", "region").order_by("-run__started_at")
             if person_id else Slip.objects.none())
    return render(request, "pay/mine.html", {"linked": bool(person_id), "page": page_of(slips, request)})


@login_required
def reward_list(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_pay")
    page = page_of(Reward.objects.visible_to(request.user).select_related("person", "region"), request)
    return render(request, "pay/reward_list.html", {"page": page,
                                                    "can_add": request.user.has_capability("run_payroll")})


@login_required
def reward_add(request: HttpRequest) -> HttpResponse:
    require_capability(request, "run_payroll")
    people = Person.objects.visible_to(request.user, "run_payroll")
    today = timezone.localdate()
    form = RewardForm(request.POST or None, initial={"year": today.year, "month": today.month})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = people.filter(pk=data.pop("person")).first()
        try:
            if person is None:
                raise ValidationError({"person": _("no such person on your roster")})
            services.reward_add(acting_user=request.user, person=person, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Reward recorded; it is paid with the payroll of its period."))
            return redirect("pay:rewards")
    q = request.GET.get("q", "").strip()
    chosen = request.POST.get("person") or request.GET.get("person", "")
    context = {"form": form, "q": q, "found": person_choices(people, q, chosen), "chosen": chosen}
    if request.headers.get("HX-Request"):
        return render(request, "secondments/_found.html", context)
    return render(request, "pay/reward_form.html", context)


