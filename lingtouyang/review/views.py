from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404, in_prefix, user_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.people.models import Person
from lingtouyang.review import pdf, selectors, services
from lingtouyang.review.forms import (
    CandidatesForm,
    CloseForm,
    NewRuleFormSet,
    PublishForm,
    RoundForm,
    RuleRowFormSet,
    VerdictForm,
)
from lingtouyang.review.models import Candidate, Department, ReviewRound, RuleSet

CANDIDATE_SEARCH_LIMIT = 20


def _error_message(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def round_list_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_review")
    page = page_of(selectors.round_list(request.user), request)
    return render(request, "review/list.html", {"page": page,
                                                "can_run": request.user.has_capability("run_review")})


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    require_capability(request, "run_review")
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = services.round_create(acting_user=request.user, region=request.user.region,
                                                 **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Round created. Add the candidates next."))
            return redirect("review:candidates", round_id=review_round.pk)
    return render(request, "review/form.html", {"form": form})


def _detail(request: HttpRequest, review_round: ReviewRound) -> HttpResponse:
    return render(request, "review/detail.html", {
        "round": review_round, "matrix": selectors.round_matrix(review_round),
        "can_run": request.user.has_capability("run_review"),
    })


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    review_round = get_visible_or_404(ReviewRound.objects.select_related("region", "rule_set"), request.user,
                                      id=round_id)
    return _detail(request, review_round)


@login_required
def round_candidates(request: HttpRequest, round_id: int) -> HttpResponse:
    """Add candidates from the county's roster, found by name, pinyin or initials as one types."""
    review_round = get_visible_or_404(ReviewRound.objects.select_related("region"), request.user, "run_review",
                                      id=round_id)
    form = CandidatesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids = [int(i) for i in request.POST.getlist("people") if i.isdigit()]
        # Only people this account may see are looked up; anyone else is simply not found.
        people = list(Person.objects.visible_to(request.user).filter(pk__in=ids))
        try:
            if len(people) != len(set(ids)):
                raise ValidationError({"people": _("not on this county's roster")})
            services.round_add_candidates(acting_user=request.user, review_round=review_round, people=people,
                                          standing_for=form.cleaned_data["standing_for"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(n)d candidates added.") % {"n": len(people)})
            return redirect("review:candidates", round_id=review_round.pk)
    q = request.GET.get("q", "").strip()
    found: list[Person] = []
    if q:
        taken = Candidate.objects.filter(round=review_round).values("person_id")
        found = list(Person.objects.visible_to(request.user).within(review_round.region.prefix).search(q)
                     .exclude(pk__in=taken).select_related("region").order_by("name")[:CANDIDATE_SEARCH_LIMIT])
    context = {"round": review_round, "form": form, "q": q, "found": found,
               "candidates": review_round.candidates.select_related("person", "person__region").order_by("id")}
    if request.headers.get("HX-Request"):
        return render(request, "review/_found.html", context)
    return render(request, "review/candidates.html", context)


@login_required
@require_POST
def round_open(request: HttpRequest, round_id: int) -> HttpResponse:
    review_round = get_visible_or_404(ReviewRound.objects.select_related("region", "rule_set"), request.user,
                                      "run_review", id=round_id)
    try:
        services.round_open(acting_user=request.user, review_round=review_round)
    except ValidationError as exc:  # refused: the round as it is, with the reason
        _error_message(request, exc)
        return _detail(request, review_round)
    messages.success(request, _("The round is open; the departments can record their verdicts."))
    return redirect("review:detail", round_id=review_round.pk)


@login_required
@require_POST
def round_close(request: HttpRequest, round_id: int) -> HttpResponse:
    review_round = get_visible_or_404(ReviewRound.objects.select_related("region", "rule_set"), request.user,
                                      "run_review", id=round_id)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        services.round_close(acting_user=request.user, review_round=review_round,
                             force=form.cleaned_data.get("force", False), reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:  # refused: the round as it is, with the reason
        _error_message(request, exc)
        return _detail(request, review_round)
    messages.success(request, _("The round is closed."))
    return redirect("review:detail", round_id=review_round.pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """A department reviewer's day: the candidates still waiting for their department's verdict."""
    require_capability(request, "review_verdict")
    department = services.reviewer_department(request.user)
    form = VerdictForm(request.POST or None)
    failed_for = None
    if request.method == "POST" and not form.is_valid():
        failed_for = form.cleaned_data.get("candidate")  # the errors show on that candidate's card
    elif request.method == "POST":
        candidate = selectors.reviewer_queue(request.user, department).filter(pk=form.cleaned_data["candidate"]).first()
        if candidate is None:
            raise Http404
        try:
            services.verdict_record(acting_user=request.user, candidate=candidate,
                                    passed=form.cleaned_data["passed"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
            failed_for = candidate.pk
        else:
            messages.success(request, _("Verdict recorded for %(name)s.") % {"name": candidate.person.name})
            return redirect("review:queue")
    page = page_of(selectors.reviewer_queue(request.user, department), request)
    done = list(selectors.reviewer_done(request.user, department)[:20])
    return render(request, "review/queue.html", {"page": page, "department": department, "done": done,
                                                 "form": form, "failed_for": failed_for})


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The eligibility rules: the version in force today, or any published one (?version=), and what
    changed from another version (?against=)."""
    require_capability(request, "view_rules")
    versions = selectors.rule_versions(timezone.localdate())
    by_number = {str(v.rule_set.version): v for v in versions}
    current = next((v for v in versions if v.standing == selectors.IN_FORCE), None)
    shown = by_number.get(request.GET.get("version", "")) or current or (versions[0] if versions else None)
    against = by_number.get(request.GET.get("against", ""))
    diff = None
    if shown is not None and against is not None and against is not shown:
        diff = selectors.ruleset_diff(against.rule_set, shown.rule_set)
    rule_rows = shown.rule_set.rules.select_related("department").order_by("order", "id") if shown else []
    return render(request, "review/rules.html", {
        "versions": versions, "shown": shown, "current": current, "against": against, "diff": diff,
        "rules": rule_rows, "can_manage": request.user.has_capability("manage_rules"),
        "scheduled": [v for v in versions if v.standing == selectors.SCHEDULED]})


def _rule_changes(rows: Any, new: Any) -> dict[str, Any]:
    """The editor's rows as the service takes them: the fields changed per code, new rules, removed codes."""
    edits, removed = {}, []
    for form in rows:
        if form.cleaned_data.get("remove"):
            removed.append(form.cleaned_data["code"])
        elif form.has_changed():
            changed = {k: v for k, v in form.values().items() if k in form.changed_data}
            if changed:
                edits[form.cleaned_data["code"]] = changed
    added = [{"code": f.cleaned_data["code"].strip(), **f.values()} for f in new if f.has_changed()]
    return {"edits": edits, "added": added, "removed": removed}


def _rule_row(params: dict[str, Any], rows: Any, new: Any) -> Any:
    code = params.get("rule") or ""
    if params.get("added"):
        filled = [f for f in new if f.has_changed()]
        return next((f for f in filled if (f.cleaned_data.get("code") or "").strip() == code), None)
    return next((f for f in rows if f.cleaned_data.get("code") == code), None)


def _show_rule_errors(exc: ValidationError, rows: Any, new: Any, form: PublishForm) -> None:
    """A refusal shown where it belongs: on the rule's row and field, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.error_dict.items():
        if name != "rules":
            form.add_error(name if name in form.fields else None, [m for e in errors for m in e.messages])
            continue
        for error in errors:
            row = _rule_row(error.params or {}, rows, new)
            field = (error.params or {}).get("field")
            if row is None:
                form.add_error(None, error.messages)
            else:
                row.add_error(field if field in row.fields else None, error.messages)


@login_required
def rules_new(request: HttpRequest) -> HttpResponse:
    """The city's editor of the next version: the latest version's rules as editable rows, rows to add
    rules, the day it takes effect. "Preview" shows the differences; "Publish" publishes them."""
    require_capability(request, "manage_rules")
    latest = RuleSet.objects.order_by("-version").first()
    base = list(latest.rules.select_related("department").order_by("order", "id")) if latest else []
    data = request.POST if request.method == "POST" else None
    rows = RuleRowFormSet(data, prefix="rule", initial=[
        {"code": r.code, "text": r.text, "severity": r.severity, "department": r.department_id,
         "automatic": r.automatic, "parameter": r.parameter, "applies_to": r.applies_to, "order": r.order}
        for r in base])
    new = NewRuleFormSet(data, prefix="add")
    # One query for the departments, not one per row's select.
    departments = [("", "---------"), *Department.objects.values_list("pk", "name")]
    for row in [*rows, *new]:
        row.fields["department"].choices = departments
    today = timezone.localdate()
    form = PublishForm(data, initial={"base_version": latest.version if latest else 0,
                                      "effective_from": max(today, latest.effective_from) if latest else today})
    preview = None
    if data is not None and all([rows.is_valid(), new.is_valid(), form.is_valid()]):
        changes = _rule_changes(rows, new)
        try:
            if "preview" in request.POST:
                after = services.ruleset_check(effective_from=form.cleaned_data["effective_from"],
                                                  base_version=form.cleaned_data["base_version"], **changes)
                preview = selectors.rules_diff(base, after[1])
            else:
                rule_set = services.ruleset_publish(acting_user=request.user, note=form.cleaned_data["note"],
                                                    effective_from=form.cleaned_data["effective_from"],
                                                    base_version=form.cleaned_data["base_version"], **changes)
        except ValidationError as exc:
            _show_rule_errors(exc, rows, new, form)
        else:
            if preview is None:
                diff = selectors.ruleset_diff(latest, rule_set) if latest else None
                messages.success(request, _(
                    "Version %(v)d published, effective from %(day)s. Changed: %(changed)d, added: %(added)d, "
                    "removed: %(removed)d.") % {
                    "v": rule_set.version, "day": f"{rule_set.effective_from:%Y-%m-%d}",
                    "changed": len(diff.changed) if diff else 0, "added": len(diff.added) if diff else len(base),
                    "removed": len(diff.removed) if diff else 0})
                url = reverse("review:rules") + f"?version={rule_set.version}"
                return redirect(url + (f"&against={latest.version}" if latest else ""))
    invalid = data is not None and preview is None
    return render(request, "review/rules_new.html", {
        "latest": latest, "rows": rows, "new": new, "form": form, "preview": preview, "invalid": invalid})


@login_required
def candidate_pdf(request: HttpRequest, round_id: int, candidate_id: int) -> HttpResponse:
    """The printable joint-review form of one candidate: for those who see the round (the county running
    it, the city). Not for department reviewers: the form shows every department's verdict, and a
    department sees only its own queue. Every download is an audited export."""
    candidate = get_visible_or_404(
        Candidate.objects.select_related("person__region__parent", "round__region", "round__rule_set"),
        request.user, id=candidate_id, round_id=round_id)
    person = candidate.person
    full_prefix = user_prefix(request.user, "view_full_id")
    full_id = full_prefix is not None and in_prefix(person.region_id, full_prefix)
    form = selectors.candidate_form(candidate)
    data = pdf.review_form_pdf(form, id_number=person.full_id_number() if full_id else person.id_masked,
                               printed_at=timezone.now())
    audit_record("export.review_form", obj=candidate, region_code=candidate.round.region_id, user=request.user,
                 changes={"round": candidate.round_id, "person": person.pk, "full_id": full_id})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"联审表-{person.name}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
