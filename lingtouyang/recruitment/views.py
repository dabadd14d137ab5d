"""Back-office pages of public recruitment. Thin: parse, authorise (out of scope is 404), one service
call, render or redirect. A refused action shows the page again with the reason and changes nothing."""

import tempfile
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.recruitment import selectors, services
from lingtouyang.recruitment.forms import (
    ApplicationForm,
    CalendarDayForm,
    CampaignForm,
    CheckForm,
    ObjectionForm,
    PostForm,
    ResolveForm,
    ScoreForm,
    ScoreImportForm,
    TransitionForm,
)
from lingtouyang.recruitment.models import Application, CalendarDay, Campaign, CampaignPost, Duty, Objection
from lingtouyang.regions.models import Region

State = Campaign.State


def _campaign(request: HttpRequest, campaign_id: int, capability: str | None = None) -> Campaign:
    return get_visible_or_404(Campaign.objects.select_related("region"), request.user, capability, id=campaign_id)


def _application(request: HttpRequest, campaign_id: int, application_id: int,
                 capability: str | None = None) -> Application:
    return get_visible_or_404(Application.objects.select_related("campaign__region", "person__region",
                                                                 "campaign_post__region"),
                              request.user, capability, id=application_id, campaign_id=campaign_id)


def _error_message(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_recruitment")
    page = page_of(selectors.campaign_list(request.user), request)
    return render(request, "recruitment/list.html", {"page": page,
                                                     "can_run": request.user.has_capability("run_recruitment")})


def _campaign_data(form: CampaignForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["min_education"] = data["min_education"] or ""
    return data


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    require_capability(request, "run_recruitment")
    form = CampaignForm(request.POST or None, initial={"duties": [Duty.COLLECTIVE_ECONOMY, Duty.SPECIALTY_INDUSTRY,
                                                                  Duty.COOPERATIVES]})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(acting_user=request.user, region=request.user.region,
                                                **_campaign_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Campaign created. Add the posts offered next."))
            return redirect("recruitment:detail", campaign_id=campaign.pk)
    return render(request, "recruitment/form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, "run_recruitment")
    initial = {f: getattr(campaign, f) for f in services.CAMPAIGN_FIELDS}
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(acting_user=request.user, campaign=campaign, **_campaign_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
            campaign.refresh_from_db()
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("recruitment:detail", campaign_id=campaign.pk)
    return render(request, "recruitment/form.html", {"form": form, "campaign": campaign})


def _detail(request: HttpRequest, campaign: Campaign, *, post_form: PostForm | None = None,
            transition_form: TransitionForm | None = None, status: int = 200) -> HttpResponse:
    can_run = request.user.has_capability("run_recruitment")
    return render(request, "recruitment/detail.html", {
        "campaign": campaign, "board": selectors.board(campaign), "can_run": can_run,
        "post_form": post_form or PostForm(), "duty_choices": Duty.choices,
        "transition_form": transition_form or TransitionForm(initial={"notice_start": timezone.localdate(),
                                                                      "hire_date": timezone.localdate(),
                                                                      "duties": campaign.duties}),
    }, status=status)


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _detail(request, _campaign(request, campaign_id))


@login_required
@require_POST
def campaign_posts(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Adds a post (village, post, places), or removes one (`remove`: its id)."""
    campaign = _campaign(request, campaign_id, "run_recruitment")
    if request.POST.get("remove"):
        row = CampaignPost.objects.filter(campaign=campaign, pk=request.POST["remove"]).first() \
            if request.POST["remove"].isdigit() else None
        if row is None:
            messages.error(request, _("no such post in this campaign"))
            return _detail(request, campaign)
        try:
            services.campaign_post_remove(acting_user=request.user, campaign_post=row)
        except ValidationError as exc:
            _error_message(request, exc)
            return _detail(request, campaign)
        return redirect("recruitment:detail", campaign_id=campaign.pk)
    form = PostForm(request.POST)
    if form.is_valid():
        region = Region.objects.filter(code=form.cleaned_data["region"].strip()).first()
        try:
            if region is None:
                raise ValidationError({"region": _("choose a village or community of this county")})
            services.campaign_post_add(acting_user=request.user, campaign=campaign, region=region,
                                       post=form.cleaned_data["post"], places=form.cleaned_data["places"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Post added."))
            return redirect("recruitment:detail", campaign_id=campaign.pk)
    return _detail(request, campaign, post_form=form)


@login_required
@require_POST
def campaign_transition(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, "run_recruitment")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _detail(request, campaign, transition_form=form)
    data, to, user = form.cleaned_data, form.cleaned_data["to"], request.user
    today = timezone.localdate()
    try:
        if to == State.OPEN:
            services.campaign_open(acting_user=user, campaign=campaign)
        elif to == State.SCREENING:
            services.campaign_screen(acting_user=user, campaign=campaign)
        elif to == State.EXAMINING:
            services.campaign_examine(acting_user=user, campaign=campaign)
        elif to == State.NOTICE:
            services.campaign_notice(acting_user=user, campaign=campaign, start=data["notice_start"] or today)
        elif to == State.HIRED:
            services.campaign_hire(acting_user=user, campaign=campaign, hire_date=data["hire_date"] or today,
                                   duties=data["duties"])
        else:
            services.campaign_cancel(acting_user=user, campaign=campaign, reason=data["reason"])
    except ValidationError as exc:
        apply_errors(form, exc)
        campaign.refresh_from_db()
        return _detail(request, campaign, transition_form=form)
    messages.success(request, _("The campaign is now: %(state)s.") % {"state": campaign.get_state_display()})
    return redirect("recruitment:detail", campaign_id=campaign.pk)


@login_required
def application_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, "run_recruitment")
    posts = list(campaign.posts.select_related("region").order_by("region_id", "id"))
    form = ApplicationForm(request.POST or None, posts=posts, initial={"submitted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        post = next(p for p in posts if p.pk == form.cleaned_data["campaign_post"])
        try:
            application = services.application_create(
                acting_user=request.user, campaign=campaign, campaign_post=post,
                submitted_on=form.cleaned_data["submitted_on"], id_number=form.cleaned_data["id_number"],
                person_data=form.person_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Application %(number)s recorded for %(name)s.")
                             % {"number": application.number, "name": application.person.name})
            return redirect("recruitment:detail", campaign_id=campaign.pk)
    return render(request, "recruitment/application_form.html", {"campaign": campaign, "form": form})


def _application_page(request: HttpRequest, application: Application, *, check_form: CheckForm | None = None,
                      score_form: ScoreForm | None = None) -> HttpResponse:
    campaign = application.campaign
    row = next(r for r in selectors.board(campaign).rows if r.application.pk == application.pk)
    return render(request, "recruitment/application.html", {
        "campaign": campaign, "application": application, "row": row,
        "can_run": request.user.has_capability("run_recruitment"),
        "check_form": check_form or CheckForm(),
        "score_form": score_form or ScoreForm(initial={"written": application.written_score,
                                                       "interview": application.interview_score}),
        "objections": application.objections.order_by("id"),
    })


@login_required
def application_detail(request: HttpRequest, campaign_id: int, application_id: int) -> HttpResponse:
    return _application_page(request, _application(request, campaign_id, application_id))


@login_required
@require_POST
def application_check(request: HttpRequest, campaign_id: int, application_id: int) -> HttpResponse:
    application = _application(request, campaign_id, application_id, "run_recruitment")
    form = CheckForm(request.POST)
    if form.is_valid():
        try:
            services.application_check(acting_user=request.user, application=application, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            application.refresh_from_db()
        else:
            messages.success(request, _("Check recorded for %(name)s.") % {"name": application.person.name})
            return redirect("recruitment:detail", campaign_id=campaign_id)
    return _application_page(request, application, check_form=form)


@login_required
@require_POST
def application_scores(request: HttpRequest, campaign_id: int, application_id: int) -> HttpResponse:
    application = _application(request, campaign_id, application_id, "run_recruitment")
    form = ScoreForm(request.POST)
    if form.is_valid():
        try:
            services.score_record(acting_user=request.user, application=application,
                                  written=form.cleaned_data["written"] or None,
                                  interview=form.cleaned_data["interview"] or None)
        except ValidationError as exc:
            apply_errors(form, exc)
            application.refresh_from_db()
        else:
            messages.success(request, _("Scores recorded for %(name)s.") % {"name": application.person.name})
            return redirect("recruitment:detail", campaign_id=campaign_id)
    return _application_page(request, application, score_form=form)


@login_required
def scores_import(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, "run_recruitment")
    form = ScoreImportForm(request.POST or None, request.FILES or None)
    errors: list[services.RowError] = []
    if request.method == "POST" and form.is_valid():
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            for chunk in form.cleaned_data["file"].chunks():
                tmp.write(chunk)
            tmp.flush()
            try:
                count = services.scores_import(acting_user=request.user, campaign=campaign, path=tmp.name)
            except services.ScoreImportRejected as exc:
                errors = exc.errors
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("%(n)d rows of scores imported.") % {"n": count})
                return redirect("recruitment:detail", campaign_id=campaign.pk)
    return render(request, "recruitment/import.html", {"campaign": campaign, "form": form, "errors": errors})


@login_required
def ranking_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    return render(request, "recruitment/ranking.html", {"campaign": campaign, "board": selectors.board(campaign)})


def _number(value: Any) -> Any:
    return "" if value is None else float(value)


def _export(request: HttpRequest, campaign: Campaign, kind: str, headers: list[str], rows: list[list[Any]],
            sheet: str) -> HttpResponse:
    audit_record(f"export.recruitment_{kind}", obj=campaign, region_code=campaign.region_id, user=request.user,
                 changes={"campaign": campaign.pk, "rows": len(rows)})
    note = "\n".join([campaign.name, _("Scope (region code prefix): %(prefix)s") % {"prefix": campaign.region.prefix},
                      _("Exported by: %(who)s") % {"who": request.user.username},
                      _("ID numbers: %(mode)s") % {"mode": _("masked")}])
    return xlsx_response(f"{kind}-{campaign.pk}.xlsx", headers, rows, sheet=sheet, note=note)


@login_required
def ranking_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    require_capability(request, "export")
    headers = [_("Village or community"), _("Post"), _("Rank"), _("Application number"), _("Name"),
               _("ID number"), _("Written exam"), _("Interview"), _("Total"), _("Proposed for hire")]
    rows = [[pr.post.region.short_name, pr.post.get_post_display(), r.rank, r.application.number,
             r.application.person.name, r.application.person.id_masked, _number(r.application.written_score),
             _number(r.application.interview_score), _number(r.total), _("yes") if r.proposed else ""]
            for pr in selectors.board(campaign).ranking for r in pr.rows]
    return _export(request, campaign, "ranking", headers, rows, _("Ranking"))


@login_required
def notice_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    on_notice = selectors.notice_rows(campaign)
    open_ones = [a for a in on_notice if a.status == Application.Status.ACTIVE]
    form = ObjectionForm(request.POST or None, applications=open_ones,
                         initial={"raised_on": timezone.localdate()})
    if request.method == "POST":
        if not request.user.has_capability("run_recruitment"):
            raise PermissionDenied
        if form.is_valid():
            application = next(a for a in open_ones if a.pk == form.cleaned_data["application"])
            try:
                services.objection_record(acting_user=request.user, application=application,
                                          raised_by=form.cleaned_data["raised_by"],
                                          content=form.cleaned_data["content"],
                                          raised_on=form.cleaned_data["raised_on"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Objection recorded."))
                return redirect("recruitment:notice", campaign_id=campaign.pk)
    return render(request, "recruitment/notice.html", {
        "campaign": campaign, "on_notice": on_notice, "objections": selectors.objections(campaign),
        "form": form, "resolve_form": ResolveForm(), "can_run": request.user.has_capability("run_recruitment"),
    })


@login_required
def notice_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    require_capability(request, "export")
    headers = [_("Village or community"), _("Post"), _("Application number"), _("Name"), _("Gender"),
               _("Birth date"), _("Education"), _("Political status"), _("Source"), _("Status"), _("Note")]
    rows = [[a.campaign_post.region.short_name, a.campaign_post.get_post_display(), a.number, a.person.name,
             a.person.get_gender_display(), f"{a.person.birth_date:%Y-%m}", a.person.get_education_display(),
             a.person.get_political_status_display(), a.person.get_source_display(), a.get_status_display(),
             a.withdrawn_reason] for a in selectors.notice_rows(campaign)]
    return _export(request, campaign, "notice", headers, rows, _("Public notice"))


@login_required
@require_POST
def objection_resolve(request: HttpRequest, campaign_id: int, objection_id: int) -> HttpResponse:
    objection = get_visible_or_404(Objection.objects.select_related("application__campaign__region",
                                                                    "application__person"),
                                   request.user, "run_recruitment", id=objection_id,
                                   application__campaign_id=campaign_id)
    campaign = objection.application.campaign
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.objection_resolve(acting_user=request.user, objection=objection, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Objection resolved."))
            return redirect("recruitment:notice", campaign_id=campaign.pk)
    on_notice = selectors.notice_rows(campaign)
    return render(request, "recruitment/notice.html", {
        "campaign": campaign, "on_notice": on_notice, "objections": selectors.objections(campaign),
        "form": ObjectionForm(applications=[a for a in on_notice if a.status == Application.Status.ACTIVE]),
        "resolve_form": form, "resolving": objection.pk, "can_run": True,
    })


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    """The notice calendar's exceptions for a year; the city maintains them."""
    require_capability(request, "view_recruitment")
    can_edit = request.user.has_capability("manage_rules")
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            if "remove" in request.POST:
                day = CalendarDay.objects.filter(pk=request.POST["remove"]).first() \
                    if request.POST["remove"].isdigit() else None
                if day is not None:
                    services.calendar_day_remove(acting_user=request.user, day=day)
                    return redirect("recruitment:calendar")
            elif form.is_valid():
                data = form.cleaned_data
                services.calendar_day_set(acting_user=request.user, day=data["date"], is_workday=data["is_workday"],
                                          note=data["note"])
                messages.success(request, _("Calendar saved."))
                return redirect(f"{request.path}?year={form.cleaned_data['date'].year}")
        except ValidationError as exc:
            apply_errors(form, exc)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    days = CalendarDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)).order_by("date")
    return render(request, "recruitment/calendar.html", {
        "year": year, "days": days, "form": form, "can_edit": can_edit,
        "min_workdays": services.min_notice_workdays(timezone.localdate()),
    })
