"""Training pages: attendance. The QR code an officer projects at a sitting and the check-in page a cadre's
phone opens from it; the officers' attendance sheet; a cadre's own record ("my training") with their
ratings and certificates of completion. Thin: parse, authorise (out of scope is 404), one service call."""

from __future__ import annotations

from datetime import datetime, timedelta

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lingtouyang.audit.services import audit_record
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.training import attendance, pdf, tokens
from lingtouyang.training import selectors_attendance as selectors
from lingtouyang.training.models import Attendance, Enrolment

# Codes first opened (still in their life) by a visitor not yet logged in: the log-in it leads to may take
# longer than a code lives, so the code's life is counted from that first opening.
SCANNED = "training_check_in_scanned"
LOGIN_GRACE = timedelta(minutes=10)


class EvaluationForm(forms.Form):
    score = forms.TypedChoiceField(label=gettext_lazy("Your rating"), coerce=int,
                                   choices=[(n, str(n)) for n in range(1, 6)], widget=forms.RadioSelect)
    comment = forms.CharField(label=gettext_lazy("Comment (optional)"), required=False,
                              max_length=attendance.COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))


# --- check-in ------------------------------------------------------------------------------------


def _remember_scan(request: HttpRequest, token: str, now: datetime) -> None:
    try:
        tokens.read_token(token, now)
    except ValidationError:
        return
    seen = dict(request.session.get(SCANNED, {}))
    seen.setdefault(token, now.isoformat())
    request.session[SCANNED] = dict(list(seen.items())[-5:])


def _scanned_at(request: HttpRequest, token: str, now: datetime) -> datetime | None:
    raw = request.session.get(SCANNED, {}).get(token)
    if not raw:
        return None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when if now - LOGIN_GRACE <= when <= now else None


def check_in(request: HttpRequest, token: str) -> HttpResponse:
    """What a cadre's phone opens from the QR code: checks the account's own roster entry in, and says so
    in large type. The scan is the act (no second tap), so this GET records; the code's short life and
    signature bound what a link can do."""
    now = timezone.now()
    if not request.user.is_authenticated:
        _remember_scan(request, token, now)
        return redirect_to_login(request.get_full_path())
    require_capability(request, "check_in")
    try:
        record = attendance.check_in(acting_user=request.user, token=token, now=now,
                                     scanned_at=_scanned_at(request, token, now))
    except ValidationError as exc:
        return render(request, "training/checkin.html", {"ok": False, "code": getattr(exc, "code", None),
                                                         "message": exc.messages[0]})
    enrolment = Enrolment.objects.select_related("session__programme").annotate(
        session_hours=selectors.session_hours()).get(pk=record.enrolment_id)
    return render(request, "training/checkin.html", {
        "ok": True, "attendance": record, "sitting": record.sitting, "enrolment": enrolment,
        "needed_hours": selectors.needed_hours(enrolment.session_hours, enrolment.session.programme.threshold)})


# --- the officer's pages: QR code and sheet -------------------------------------------------------


def _qr_context(request: HttpRequest, sitting_id: int) -> dict[str, object]:
    sitting = selectors.markable_sitting(request.user, sitting_id)
    now = timezone.now()
    token = tokens.make_token(sitting, now)
    url = request.build_absolute_uri(reverse("training:check_in", args=[token]))
    opens = sitting.starts_at - attendance.OPENS_BEFORE
    state = "not_open" if now < opens else "over" if now > sitting.ends_at else "open"
    return {"sitting": sitting, "session": sitting.session, "url": url, "state": state, "opens": opens,
            "svg": segno.make(url, error="m").svg_inline(scale=10, border=2, omitsize=True, dark="#111"),
            "expires": now + tokens.TOKEN_LIFE, "refresh": tokens.REFRESH,
            "present": Attendance.objects.filter(sitting=sitting).count()}


@login_required
@require_http_methods(["GET", "POST"])
def sitting_qr(request: HttpRequest, sitting_id: int) -> HttpResponse:
    """The page an officer projects at a sitting: a large QR code that changes every minute. POST renews the
    code, voiding every code shown before (a photo of it passed around)."""
    require_capability(request, "mark_attendance")
    if request.method == "POST":
        sitting = selectors.markable_sitting(request.user, sitting_id)
        try:
            attendance.sitting_renew_code(acting_user=request.user, sitting=sitting)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("A new code is shown. Every code shown before no longer works."))
        return redirect("training:sitting_qr", sitting_id=sitting.pk)
    context = _qr_context(request, sitting_id)
    template = "training/sitting_qr_code.html" if request.headers.get("HX-Request") else "training/sitting_qr.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


def _ids(values: list[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit()}


@login_required
def sitting_sheet(request: HttpRequest, sitting_id: int) -> HttpResponse:
    """Who came to a sitting, for the people of the officer's jurisdiction: tick present, untick absent."""
    require_capability(request, "mark_attendance")
    sitting = selectors.markable_sitting(request.user, sitting_id)
    if request.method == "POST":
        shown, present = _ids(request.POST.getlist("shown")), _ids(request.POST.getlist("present"))
        try:
            marked = attendance.attendance_mark(acting_user=request.user, sitting=sitting, present=present,
                                                absent=shown - present)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Attendance saved: %(added)d marked present, %(removed)d marked absent.")
                             % {"added": marked.added, "removed": marked.removed})
            return redirect("training:sitting_sheet", sitting_id=sitting.pk)
    rows = selectors.sheet(request.user, sitting)
    return render(request, "training/sitting_sheet.html", {
        "sitting": sitting, "session": sitting.session, "rows": rows,
        "present": sum(1 for r in rows if r.method)})


# --- a cadre's own record ----------------------------------------------------------------------


def _mine(request: HttpRequest, forms_by_enrolment: dict[int, EvaluationForm] | None = None,
          status: int = 200) -> HttpResponse:
    person_id = request.user.person_id
    if person_id is None:
        return render(request, "training/mine_unlinked.html", status=status)
    rows = selectors.my_enrolments(person_id)
    forms_by_enrolment = forms_by_enrolment or {}
    for row in rows:
        # A refused rating shows again with its reason, even when the refusal is that one was already made.
        row.form = forms_by_enrolment.get(row.pk) or (
            EvaluationForm(auto_id=f"ev{row.pk}_%s") if row.attended_any and not row.rated else None)
    return render(request, "training/mine.html", {
        "rows": rows, "tags": selectors.person_tags(person_id), "person": request.user.person}, status=status)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return _mine(request)


@login_required
@require_POST
def evaluate(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    person_id = request.user.person_id
    enrolment = Enrolment.objects.filter(pk=enrolment_id, person_id=person_id).first() if person_id else None
    if enrolment is None:
        raise Http404
    form = EvaluationForm(request.POST, auto_id=f"ev{enrolment.pk}_%s")
    if form.is_valid():
        try:
            attendance.evaluation_submit(acting_user=request.user, enrolment=enrolment,
                                         score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
            return redirect("training:mine")
    return _mine(request, {enrolment.pk: form})


@login_required
def certificate(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """The certificate of completion, for the cadre who completed, or those who see their region's training."""
    enrolment = selectors.certificate_enrolment(request.user, enrolment_id)
    data = pdf.certificate_pdf(enrolment, issued_at=timezone.now())
    audit_record("export.training_certificate", obj=enrolment, region_code=enrolment.region_id, user=request.user,
                 changes={"session": enrolment.session_id, "person": enrolment.person_id})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"结业证书-{enrolment.person.name}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("mine/", mine, name="mine"),
    path("mine/<int:enrolment_id>/evaluate/", evaluate, name="evaluate"),
    path("enrolments/<int:enrolment_id>/certificate.pdf", certificate, name="certificate"),
    path("check-in/<str:token>/", check_in, name="check_in"),
    path("sittings/<int:sitting_id>/qr/", sitting_qr, name="sitting_qr"),
    path("sittings/<int:sitting_id>/sheet/", sitting_sheet, name="sitting_sheet"),
]
