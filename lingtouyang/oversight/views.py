"""Back-office pages of residents' feedback. Thin: parse, authorise (out of scope is 404), one service call,
render or redirect. A refused action shows the page again with the reason and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404, in_prefix, user_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.oversight import selectors, services
from lingtouyang.oversight.forms import AnswerForm, ModerateForm
from lingtouyang.oversight.models import Answer, Kind, State, Thread
from lingtouyang.regions.models import Level


def _thread(request: HttpRequest, thread_id: int, capability: str | None = None) -> Thread:
    return get_visible_or_404(Thread.objects.select_related("region", "disclosure", "hidden_by"), request.user,
                              capability, id=thread_id)


def _may(request: HttpRequest, capability: str, thread: Thread) -> bool:
    prefix = user_prefix(request.user, capability)
    return prefix is not None and in_prefix(thread.region_id, prefix)


def _answering_level(request: HttpRequest) -> str | None:
    region = request.user.region
    if region is None:
        return None
    return {Level.VILLAGE: Answer.By.VILLAGE, Level.TOWNSHIP: Answer.By.TOWNSHIP}.get(region.level)


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_disclosure")
    filters = selectors.Filters.parse(request.GET)
    page = page_of(selectors.thread_list(request.user, filters), request)
    query = request.GET.copy()
    query.pop("page", None)
    views = [("", _("all")), ("awaiting", _("awaiting an answer")), ("escalated", _("escalated")),
             ("overdue", _("overdue")), *State.choices, ("hidden", _("hidden"))]
    return render(request, "oversight/inbox.html", {
        "page": page, "filters": filters, "views": views, "kinds": Kind.choices, "query": query.urlencode(),
        "counts": selectors.counts(request.user, filters.region), "today": timezone.localdate()})


def _detail(request: HttpRequest, thread: Thread, answer_form: AnswerForm | None = None,
            moderate_form: ModerateForm | None = None, status: int = 200) -> HttpResponse:
    state = thread.current_state
    level = _answering_level(request)
    can_answer = (not thread.is_hidden and _may(request, "answer_feedback", thread)
                  and ((state == State.OPEN and level == Answer.By.VILLAGE)
                       or (state == State.ESCALATED and level == Answer.By.TOWNSHIP)))
    can_moderate = _may(request, "moderate_feedback", thread)
    return render(request, "oversight/thread.html", {
        "t": thread, "state": state, "answers": thread.answers.select_related("author"),
        "can_answer": can_answer, "can_moderate": can_moderate,
        # The phone number only for those who act on the thread.
        "show_phone": can_moderate or _may(request, "answer_feedback", thread),
        "answer_form": answer_form or AnswerForm(), "moderate_form": moderate_form or ModerateForm(),
        "overdue": thread.is_overdue()}, status=status)


@login_required
def thread_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _detail(request, _thread(request, thread_id))


@login_required
@require_POST
def answer_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread(request, thread_id, "answer_feedback")
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_answer(acting_user=request.user, thread=thread, body=form.cleaned_data["body"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Answer published."))
            return redirect("oversight:thread", thread_id=thread.pk)
    thread.refresh_from_db()
    return _detail(request, thread, answer_form=form)


@login_required
@require_POST
def moderate_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread(request, thread_id, "moderate_feedback")
    form = ModerateForm(request.POST)
    if form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action == "hide":
                services.feedback_hide(acting_user=request.user, thread=thread, reason=reason)
            elif action == "unhide":
                services.feedback_unhide(acting_user=request.user, thread=thread, reason=reason)
            else:
                services.feedback_close(acting_user=request.user, thread=thread)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("oversight:thread", thread_id=thread.pk)
    thread.refresh_from_db()
    return _detail(request, thread, moderate_form=form)


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    """The filtered inbox as .xlsx (no phone numbers: they stay on the thread's page)."""
    require_capability(request, "export")
    require_capability(request, "view_disclosure")
    filters = selectors.Filters.parse(request.GET)
    today = timezone.localdate()
    rows = ((t.reference, t.region_id, t.region.short_name, t.get_kind_display(), str(State(t.state_on(today)).label),
             _("yes") if t.is_hidden else "", t.submitted_at.astimezone().strftime("%Y-%m-%d %H:%M"),
             str(t.village_due), str(t.township_due), _("yes") if t.is_overdue(today) else "",
             t.disclosure.title if t.disclosure_id else "", t.contact_name, t.body)
            for t in selectors.thread_list(request.user, filters, today).iterator(chunk_size=2000))
    headers = [_("Reference number"), _("Region code"), _("Village or community"), _("Kind"), _("State"),
               _("Hidden"), _("Submitted at"), _("Village to answer by"), _("Township to answer by"), _("Overdue"),
               _("Disclosure"), _("Name"), _("Question or complaint")]
    audit_record("export.feedback", region_code=filters.region or request.user.scope_prefix, user=request.user,
                 changes={"filters": [None, f"region={filters.region} show={filters.show} kind={filters.kind}"]})
    note = _("Scope (region code prefix): %(prefix)s") % {"prefix": filters.region or request.user.scope_prefix or _("all")}
    return xlsx_response(f"feedback-{filters.region or request.user.scope_prefix or 'all'}.xlsx", headers, rows,
                         sheet=_("Feedback"), note=note)
