from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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
from lingtouyang.review.forms import CandidatesForm, CloseForm, RoundForm, VerdictForm
from lingtouyang.review.models import Candidate, ReviewRound, RuleSet

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
    if request.method == "POST" and form.is_valid():
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
    """The eligibility rules: the version in force today, or any published one (?version=)."""
    require_capability(request, "view_rules")
    versions = list(RuleSet.objects.order_by("-version"))
    wanted = request.GET.get("version", "")
    current = RuleSet.objects.current(timezone.localdate())
    shown = next((v for v in versions if str(v.version) == wanted), current or (versions[0] if versions else None))
    rule_rows = shown.rules.select_related("department").order_by("order", "id") if shown else []
    return render(request, "review/rules.html", {"versions": versions, "shown": shown, "current": current,
                                                 "rules": rule_rows})


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
