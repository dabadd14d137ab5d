"""Training pages, planning: the home page, the city's catalogue (bases, programmes), sessions with their
sittings, and enrolment (one by one, by rule, from an Excel list — a batch through a preview first).
Thin: parse, authorise (out of scope is 404), one service call, render or redirect."""

import tempfile
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.assessments.selectors import training_priority_ids
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404, parse_prefix, user_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.training import enrolment, selectors, services
from lingtouyang.training.forms import (
    BaseForm,
    CancelForm,
    EnrolOneForm,
    ListForm,
    ProgrammeForm,
    RuleForm,
    SessionForm,
    SittingForm,
    WithdrawForm,
)
from lingtouyang.training.models import Enrolment, Programme, Session, Sitting, Topic, TrainingBase

BATCH_KEY = "training_batch_%d"


def _shared_or_404(queryset: Any, user: Any, capability: str | None = None, **lookup: Any) -> Any:
    """Rows shared with the user (their region's and those above); otherwise 404 as if absent."""
    try:
        return queryset.shared_with(user, capability).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _error_message(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _region_or_error(code: str, field: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise ValidationError({field: _("no such region")})
    return region


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_training")
    upcoming = selectors.session_list(request.user).filter(end_date__gte=timezone.localdate(),
                                                           state=Session.State.SCHEDULED)[:5]
    return render(request, "training/home.html", {"upcoming": upcoming})


# --- the catalogue ---------------------------------------------------------------------------------


@login_required
def base_list(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_training")
    page = page_of(selectors.base_list(request.user), request)
    labels = dict(Topic.choices)
    for base in page.items:
        base.specialty_labels = [labels.get(t, t) for t in base.specialties]
    return render(request, "training/base_list.html", {
        "page": page, "can_manage": request.user.has_capability("manage_training_catalogue")})


def _base_data(form: BaseForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["region"] = _region_or_error(data["region"], "region")
    return data


@login_required
def base_create(request: HttpRequest) -> HttpResponse:
    require_capability(request, "manage_training_catalogue")
    form = BaseForm(request.POST or None, initial={"region": request.user.region_id})
    if request.method == "POST" and form.is_valid():
        try:
            base = services.base_create(acting_user=request.user, **_base_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Base %(name)s saved.") % {"name": base.name})
            return redirect("training:bases")
    return render(request, "training/base_form.html", {"form": form, "base": None, "all_levels": True})


@login_required
def base_edit(request: HttpRequest, base_id: int) -> HttpResponse:
    require_capability(request, "manage_training_catalogue")
    base = get_visible_or_404(TrainingBase.objects.select_related("region"), request.user,
                              "manage_training_catalogue", id=base_id)
    initial = {f: getattr(base, f) for f in services.BASE_FIELDS} | {"region": base.region_id}
    form = BaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.base_update(acting_user=request.user, base=base, **_base_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Base %(name)s saved.") % {"name": base.name})
            return redirect("training:bases")
    return render(request, "training/base_form.html", {"form": form, "base": base, "all_levels": True})


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_training")
    page = page_of(selectors.programme_list(request.user), request)
    return render(request, "training/programme_list.html", {
        "page": page, "can_manage": request.user.has_capability("manage_training_catalogue")})


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    require_capability(request, "manage_training_catalogue")
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(acting_user=request.user, region=request.user.region,
                                                  **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Programme %(title)s saved.") % {"title": programme.title})
            return redirect("training:programmes")
    return render(request, "training/programme_form.html", {"form": form, "programme": None})


@login_required
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    require_capability(request, "manage_training_catalogue")
    programme = get_visible_or_404(Programme.objects.select_related("region"), request.user,
                                   "manage_training_catalogue", id=programme_id)
    form = ProgrammeForm(request.POST or None, initial={f: getattr(programme, f) for f in services.PROGRAMME_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(acting_user=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Programme %(title)s saved.") % {"title": programme.title})
            return redirect("training:programmes")
    return render(request, "training/programme_form.html", {"form": form, "programme": programme})


# --- sessions ----------------------------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_training")
    region = parse_prefix(request.GET.get("region", ""))
    if region is None:
        messages.error(request, _("A region code has up to 12 digits."))
        region = ""
    raw_programme, raw_year = request.GET.get("programme", ""), request.GET.get("year", "")
    programme = int(raw_programme) if raw_programme.isdigit() else None
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    page = page_of(selectors.session_list(request.user, region=region, programme=programme, year=year), request)
    return render(request, "training/session_list.html", {
        "page": page, "region": region, "programme": programme, "year": year or "",
        "query": urlencode({"region": region, "programme": programme or "", "year": year or ""}),
        "programmes": selectors.programme_list(request.user).select_related(None).only("id", "title"),
        "can_run": request.user.has_capability("run_training")})


def _session_form(request: HttpRequest, **kwargs: Any) -> SessionForm:
    return SessionForm(request.POST or None,
                       programmes=selectors.programme_list(request.user, active_only=True).select_related(None).only("id", "title"),
                       bases=selectors.base_list(request.user, active_only=True).select_related(None).only("id", "name", "capacity"),
                       **kwargs)


def _session_data(request: HttpRequest, form: SessionForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["programme"] = _shared_or_404(Programme.objects, request.user, id=data["programme"])
    data["base"] = _shared_or_404(TrainingBase.objects, request.user, id=data["base"])
    return data


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    require_capability(request, "run_training")
    form = _session_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(acting_user=request.user, region=request.user.region,
                                              **_session_data(request, form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Session scheduled. Add its sittings next."))
            return redirect("training:session", session_id=session.pk)
    return render(request, "training/session_form.html", {"form": form, "session": None})


def _session(request: HttpRequest, session_id: int, capability: str | None = None) -> Session:
    return _shared_or_404(Session.objects.select_related("region", "programme", "base"), request.user, capability,
                          id=session_id)


@login_required
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_visible_or_404(Session.objects.select_related("region", "programme", "base"), request.user,
                                 "run_training", id=session_id)
    initial = {f: getattr(session, f) for f in services.SESSION_FIELDS} | {"programme": session.programme_id,
                                                                            "base": session.base_id}
    form = _session_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(acting_user=request.user, session=session, **_session_data(request, form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect("training:session", session_id=session.pk)
    return render(request, "training/session_form.html", {"form": form, "session": session})


def _detail(request: HttpRequest, session: Session, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    figures = selectors.with_figures(Session.objects.filter(pk=session.pk)).values("hours", "used").get()
    can_run = user.has_capability("run_training")
    can_edit = can_run and session.state == Session.State.SCHEDULED and (
        (prefix := user_prefix(user, "run_training")) is not None and session.region_id.startswith(prefix))
    can_enrol = can_run and session.state == Session.State.SCHEDULED
    return render(request, "training/session_detail.html", {
        "session": session, "sittings": selectors.session_sittings(session),
        "hours": figures["hours"], "used": figures["used"], "free": max(session.capacity - figures["used"], 0),
        "page": page_of(selectors.session_enrolments(user, session), request),
        "can_edit": can_edit, "can_enrol": can_enrol,
        "sitting_form": forms.get("sitting_form") or SittingForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "enrol_form": forms.get("enrol_form") or EnrolOneForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "rule_form": forms.get("rule_form") or RuleForm(initial={"region": user.region_id}),
        "list_form": forms.get("list_form") or ListForm(), "all_levels": True,
    }, status=status)


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    return _detail(request, _session(request, session_id))


@login_required
@require_POST
def session_sittings(request: HttpRequest, session_id: int) -> HttpResponse:
    """Adds a sitting, or removes one (`remove`: its id)."""
    session = get_visible_or_404(Session.objects.select_related("region", "programme", "base"), request.user,
                                 "run_training", id=session_id)
    if request.POST.get("remove"):
        raw = request.POST["remove"]
        sitting = Sitting.objects.filter(session=session, pk=raw).first() if raw.isdigit() else None
        try:
            if sitting is None:
                raise ValidationError(_("no such sitting in this session"))
            services.sitting_remove(acting_user=request.user, sitting=sitting)
        except ValidationError as exc:
            _error_message(request, exc)
            session.refresh_from_db()
            return _detail(request, session)
        return redirect("training:session", session_id=session.pk)
    form = SittingForm(request.POST)
    if form.is_valid():
        try:
            services.sitting_add(acting_user=request.user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            session.refresh_from_db()
        else:
            messages.success(request, _("Sitting added."))
            return redirect("training:session", session_id=session.pk)
    return _detail(request, session, sitting_form=form)


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_visible_or_404(Session.objects.select_related("region", "programme", "base"), request.user,
                                 "run_training", id=session_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.session_cancel(acting_user=request.user, session=session, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
            session.refresh_from_db()
        else:
            messages.success(request, _("Session cancelled."))
            return redirect("training:session", session_id=session.pk)
    return _detail(request, session, cancel_form=form)


# --- enrolment -----------------------------------------------------------------------------------


@login_required
@require_POST
def enrol_one(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "run_training")
    form = EnrolOneForm(request.POST)
    if form.is_valid():
        person = Person.objects.filter(pk=form.cleaned_data["person"]).first()
        try:
            if person is None:
                raise ValidationError({"person": _("not found in your jurisdiction")})
            services.enrol_one(acting_user=request.user, session=session, person=person)
        except ValidationError as exc:
            apply_errors(form, exc)
            session.refresh_from_db()
        else:
            messages.success(request, _("%(name)s enrolled.") % {"name": person.name})
            return redirect("training:session", session_id=session.pk)
    return _detail(request, session, enrol_form=form)


def _show_preview(request: HttpRequest, session: Session, preview: services.Preview, via: str,
                  what: str) -> HttpResponse:
    request.session[BATCH_KEY % session.pk] = {"via": via, "ids": preview.person_ids, "what": what}
    # Rated 优秀 in the last assessment year before the session: marked as training priority.
    priority = training_priority_ids(session.start_date.year - 1)
    return render(request, "training/enrol_preview.html", {
        "session": session, "preview": preview, "what": what, "refused": preview.refused[:500],
        "clean": preview.clean[:500], "priority": priority})


@login_required
@require_POST
def enrol_rule(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "run_training")
    form = RuleForm(request.POST)
    if form.is_valid():
        prefix = parse_prefix(form.cleaned_data["region"]) or ""
        region = Region.objects.filter(code=prefix.ljust(12, "0")).first() if prefix else None
        scope = user_prefix(request.user, "run_training")
        try:
            if region is None or scope is None or not region.code.startswith(scope):
                raise ValidationError({"region": _("choose a region within your jurisdiction")})
            ids = list(enrolment.rule_people(form.cleaned_data["kind"], region.prefix).values_list("id", flat=True))
            preview = services.enrolment_preview(acting_user=request.user, session=session, person_ids=ids)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            label = dict(enrolment.RULE_KINDS)[form.cleaned_data["kind"]]
            return _show_preview(request, session, preview, Enrolment.Via.RULE,
                                 f"{label} · {region.short_name}")
    return _detail(request, session, rule_form=form)


@login_required
def enrol_list(request: HttpRequest, session_id: int) -> HttpResponse:
    """GET: the template to fill; POST: the filled list, shown as a preview."""
    session = _session(request, session_id, "run_training")
    if request.method != "POST":
        return xlsx_response("enrolment-template.xlsx", [_("ID number"), _("Name (optional)")], [],
                             sheet=_("Enrolment"), note=_("One ID number per row, in the first column, as text."))
    form = ListForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            try:
                resolution = enrolment.resolve_id_numbers(enrolment.read_id_column(tmp.name))
            except enrolment.ListRejected as exc:
                form.add_error("file", exc.reason)
                return _detail(request, session, list_form=form)
        problems = [services.Candidate(None, "", p.label, reason=_("row %(row)d: %(reason)s")
                                       % {"row": p.row, "reason": p.reason}) for p in resolution.problems]
        try:
            preview = services.enrolment_preview(acting_user=request.user, session=session,
                                                 person_ids=resolution.person_ids, problems=problems)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _show_preview(request, session, preview, Enrolment.Via.IMPORT, upload.name[:100])
    return _detail(request, session, list_form=form)


@login_required
@require_POST
def enrol_confirm(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "run_training")
    batch = request.session.get(BATCH_KEY % session.pk)
    if not batch:
        messages.error(request, _("Nothing to confirm: make the list again."))
        return _detail(request, session)
    try:
        count = services.enrolment_confirm(acting_user=request.user, session=session, person_ids=batch["ids"],
                                           via=batch["via"])
    except ValidationError as exc:
        _error_message(request, exc)
        session.refresh_from_db()
        return _detail(request, session)
    del request.session[BATCH_KEY % session.pk]
    messages.success(request, _("%(n)d people enrolled.") % {"n": count})
    return redirect("training:session", session_id=session.pk)


@login_required
@require_POST
def enrolment_withdraw(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "run_training")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        found = get_visible_or_404(Enrolment.objects.select_related("person", "session"), request.user,
                                   "run_training", id=form.cleaned_data["enrolment"], session=session)
        try:
            services.enrolment_withdraw(acting_user=request.user, enrolment=found, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _error_message(request, exc)
        else:
            messages.success(request, _("%(name)s withdrawn.") % {"name": found.person.name})
            return redirect("training:session", session_id=session.pk)
    else:
        messages.error(request, _("say why the enrolment is withdrawn"))
    return _detail(request, session, withdraw_form=form)


urlpatterns = [
    path("", home, name="home"),
    path("bases/", base_list, name="bases"),
    path("bases/new/", base_create, name="base_create"),
    path("bases/<int:base_id>/edit/", base_edit, name="base_edit"),
    path("programmes/", programme_list, name="programmes"),
    path("programmes/new/", programme_create, name="programme_create"),
    path("programmes/<int:programme_id>/edit/", programme_edit, name="programme_edit"),
    path("sessions/", session_list, name="sessions"),
    path("sessions/new/", session_create, name="session_create"),
    path("sessions/<int:session_id>/", session_detail, name="session"),
    path("sessions/<int:session_id>/edit/", session_edit, name="session_edit"),
    path("sessions/<int:session_id>/sittings/", session_sittings, name="session_sittings"),
    path("sessions/<int:session_id>/cancel/", session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/enrol/", enrol_one, name="enrol_one"),
    path("sessions/<int:session_id>/enrol/rule/", enrol_rule, name="enrol_rule"),
    path("sessions/<int:session_id>/enrol/list/", enrol_list, name="enrol_list"),
    path("sessions/<int:session_id>/enrol/confirm/", enrol_confirm, name="enrol_confirm"),
    path("sessions/<int:session_id>/withdraw/", enrolment_withdraw, name="withdraw"),
]
