"""Back-office pages of social-work certification and its subsidy policy. Thin: parse, authorise (out of
scope is 404), one service call, render or redirect. A refused action shows the page again with the reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404, in_prefix, parse_prefix, user_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.people.models import Person
from lingtouyang.people.selectors import person_choices
from lingtouyang.regions.models import Region
from lingtouyang.socialwork import selectors, services
from lingtouyang.socialwork.forms import PolicyForm, RegistrationForm, ResultForm, TrainingForm
from lingtouyang.socialwork.models import Level, Registration, Result
from lingtouyang.training.models import Session


def _registration(request: HttpRequest, registration_id: int, capability: str | None = None) -> Registration:
    return get_visible_or_404(Registration.objects.select_related("person", "region", "training_session"),
                              request.user, capability, id=registration_id)


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_training")
    filters = selectors.Filters.parse(request.GET)
    page = page_of(selectors.registration_list(request.user, filters), request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "socialwork/list.html", {
        "page": page, "filters": filters, "results": [*Result.choices, (selectors.RESULT_NONE, _("no result yet"))],
        "levels": Level.choices, "query": query.urlencode(),
        "can_manage": request.user.has_capability("manage_certification")})


@login_required
def create_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "manage_certification")
    people = Person.objects.visible_to(request.user, "manage_certification")
    form = RegistrationForm(request.POST or None, initial={"exam_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = people.filter(pk=data.pop("person")).first()
        try:
            if person is None:
                raise ValidationError({"person": _("no such person on your roster")})
            registration = services.registration_create(acting_user=request.user, person=person, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Registration recorded."))
            return redirect("socialwork:detail", registration_id=registration.pk)
    q = request.GET.get("q", "").strip()
    chosen = request.POST.get("person") or request.GET.get("person", "")
    found = person_choices(people, q, chosen)
    context = {"form": form, "q": q, "found": found, "chosen": chosen}
    if request.headers.get("HX-Request"):
        return render(request, "secondments/_found.html", context)
    return render(request, "socialwork/form.html", context)


def _detail(request: HttpRequest, registration: Registration, *, training_form: TrainingForm | None = None,
            result_form: ResultForm | None = None) -> HttpResponse:
    r = registration
    return render(request, "socialwork/detail.html", {
        "r": r, "can_manage": request.user.has_capability("manage_certification"),
        "training_form": training_form or TrainingForm(initial={"training_hours": r.training_hours,
                                                                "training_session": r.training_session_id}),
        "result_form": result_form or ResultForm(initial={
            "result": r.result or Result.PASSED, "result_on": r.result_on or timezone.localdate(),
            "certificate_no": r.certificate_no, "certificate_date": r.certificate_date}),
    })


@login_required
def detail_view(request: HttpRequest, registration_id: int) -> HttpResponse:
    return _detail(request, _registration(request, registration_id))


@login_required
@require_POST
def training_view(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = _registration(request, registration_id, "manage_certification")
    form = TrainingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        session = None
        try:
            if data["training_session"]:
                session = (Session.objects.shared_with(request.user).select_related("region")
                           .filter(pk=data["training_session"]).first())
                if session is None:
                    raise ValidationError({"training_session": _("no such training session")})
            services.registration_training(acting_user=request.user, registration=registration,
                                           hours=data["training_hours"], session=session)
        except ValidationError as exc:
            apply_errors(form, exc)
            registration.refresh_from_db()
        else:
            messages.success(request, _("Training recorded."))
            return redirect("socialwork:detail", registration_id=registration.pk)
    return _detail(request, registration, training_form=form)


@login_required
@require_POST
def result_view(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = _registration(request, registration_id, "manage_certification")
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            services.registration_result(acting_user=request.user, registration=registration, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            registration.refresh_from_db()
        else:
            messages.success(request, _("Result recorded."))
            return redirect("socialwork:detail", registration_id=registration.pk)
    return _detail(request, registration, result_form=form)


def _region_or_404(request: HttpRequest) -> Region:
    """?region= (a code in the user's jurisdiction), or the user's own region."""
    prefix = user_prefix(request.user, "view_training")
    raw = parse_prefix(request.GET.get("region", ""))
    if prefix is None or raw is None:
        raise Http404
    if not raw:
        region = request.user.region or Region.objects.filter(parent__isnull=True).order_by("code").first()
    else:
        region = Region.objects.filter(code=raw.ljust(12, "0")).first()
    if region is None or not in_prefix(region.code, prefix):
        raise Http404
    return region


@login_required
def certified_view(request: HttpRequest) -> HttpResponse:
    """Certified social workers per region one level down (a city: its counties), with the total."""
    require_capability(request, "view_training")
    region = _region_or_404(request)
    table = selectors.certified_by_region(request.user, region)
    return render(request, "socialwork/certified.html", {"table": table, "levels": Level.choices})


def _policy_page(request: HttpRequest, form: PolicyForm | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    can_manage = request.user.has_capability("manage_subsidy_policy")
    initial = {"county": request.user.region_id if request.user.region and request.user.region.level == 3 else "",
               "effective_from": today}
    return render(request, "socialwork/policy.html", {
        "policies": selectors.policies(request.user, today), "today": today, "levels": Level.choices,
        "can_manage": can_manage, "form": form or PolicyForm(initial=initial)}, status=status)


@login_required
def policy_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_training")
    return _policy_page(request)


@login_required
@require_POST
def policy_add(request: HttpRequest) -> HttpResponse:
    require_capability(request, "manage_subsidy_policy")
    form = PolicyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        county = Region.objects.filter(code=data["county"].strip()).first()
        try:
            if county is None:
                raise ValidationError({"county": _("no such county")})
            services.policy_version_add(acting_user=request.user, county=county,
                                        effective_from=data["effective_from"],
                                        amounts={lv: data[lv] for lv in Level.values}, note=data["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("New policy version added."))
            return redirect("socialwork:policy")
    return _policy_page(request, form)
