"""Disclosure pages (back office): the dashboard (a village's overdue items and drafts, an official's queue),
the list, drafting, the detail page with its workflow buttons and version history, corrections, attachments,
the catalogue, compliance with its chart and Excel export, and the ledger. Thin: parse, authorise (out of
scope is 404), one service call, render or redirect. `public_attachment` needs no login and serves only
attachments of published disclosures."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import PAGE_SIZE, Page, _page_number, page_of
from lingtouyang.core.scope import CODE_LENGTH, get_visible_or_404, parse_prefix, user_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.disclosure import compliance, files, ledger, selectors, services
from lingtouyang.disclosure.forms import (
    AttachmentForm,
    ContentForm,
    CorrectionForm,
    DraftForm,
    ItemForm,
    ListForm,
    MoveForm,
    ReviseForm,
)
from lingtouyang.disclosure.models import Attachment, CatalogueItem, Disclosure, LedgerEntry, LedgerHead
from lingtouyang.regions.models import Level, Region
from lingtouyang.regions.selectors import ancestors

State = Disclosure.State
# The states each capability acts on: the user's queue on the dashboard.
QUEUE = {"draft_disclosure": [State.DRAFT, State.APPROVED], "review_disclosure": [State.SUBMITTED],
         "approve_disclosure": [State.REVIEWED, State.APPROVED]}


def _disclosure(request: HttpRequest, disclosure_pk: int, capability: str = "view_disclosure") -> Disclosure:
    return get_visible_or_404(selectors.with_content(Disclosure.objects.all()), request.user, capability,
                              pk=disclosure_pk)


def _own_village(request: HttpRequest) -> Region | None:
    region = request.user.region if request.user.region_id else None
    return region if region is not None and region.level == Level.VILLAGE else None


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- dashboard and list ----------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_disclosure")
    user, today = request.user, timezone.localdate()
    states = sorted({s for cap, ss in QUEUE.items() if user.has_capability(cap) for s in ss})
    visible = Disclosure.objects.visible_to(user)
    queue = list(visible.filter(state__in=states).select_related("item", "region").order_by("-id")[:50])
    village = _own_village(request)
    overdue = compliance.overdue_for_village(village.code, today) if village else []
    recent = visible.published().select_related("item", "region").order_by("-published_at", "-id")[:10]
    return render(request, "disclosure/home.html", {
        "queue": queue, "village": village, "overdue": overdue, "recent": recent, "today": today,
        "can_draft": village is not None and user.has_capability("draft_disclosure"),
        "can_compliance": user.has_capability("view_compliance"),
    })


@login_required
def disclosure_list(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_disclosure")
    form = ListForm(request.GET or None)
    qs = Disclosure.objects.visible_to(request.user).select_related("item", "region")
    if form.is_valid():
        prefix = parse_prefix(form.cleaned_data["region"] or "")
        if prefix is None:
            raise Http404
        qs = qs.within(prefix)
        if form.cleaned_data["item"]:
            qs = qs.filter(item__code=form.cleaned_data["item"].strip().upper())
        if form.cleaned_data["state"]:
            qs = qs.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["year"]:
            year = form.cleaned_data["year"]
            qs = qs.filter(period_start__gte=date(year, 1, 1), period_start__lte=date(year, 12, 31))
    page = page_of(qs.order_by("region_id", "-id"), request)
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(request, "disclosure/list.html", {"form": form, "page": page, "query": query})


# --- drafting --------------------------------------------------------------------------------------------


def _content(form: ContentForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"title": data["title"], "body": data["body"], "tables": data["tables"],
            "opening_balance": data["opening_balance"], "closing_balance": data["closing_balance"],
            "lines": data["lines"]}


@login_required
def create(request: HttpRequest) -> HttpResponse:
    require_capability(request, "draft_disclosure")
    village = _own_village(request)
    if village is None:
        raise Http404
    items = compliance.items_in_force(village.code, timezone.localdate())
    form = DraftForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        item = next(i for i in items if i.pk == form.cleaned_data["item"])
        try:
            d = services.disclosure_create(acting_user=request.user, village=village, item=item,
                                           period_start=form.cleaned_data["period_start"],
                                           period_label=form.cleaned_data["period_label"], **_content(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("disclosure:detail", disclosure_pk=d.pk)
    return render(request, "disclosure/form.html", {"form": form, "village": village,
                                                     "heading": _("New disclosure")})


def _initial(d: Disclosure) -> dict[str, Any]:
    import json

    return {"title": d.title, "body": d.body, "opening_balance": d.opening_balance or "",
            "closing_balance": d.closing_balance or "",
            "lines": "\n".join(f"{ln.kind}|{ln.subject}|{ln.amount}" for ln in d.lines.all()),
            "tables": json.dumps(d.tables, ensure_ascii=False) if d.tables else ""}


@login_required
def edit(request: HttpRequest, disclosure_pk: int) -> HttpResponse:
    require_capability(request, "draft_disclosure")
    d = _disclosure(request, disclosure_pk, "draft_disclosure")
    form = ContentForm(request.POST or None, initial=_initial(d))
    if request.method == "POST" and form.is_valid():
        try:
            services.disclosure_update(acting_user=request.user, disclosure=d, **_content(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("disclosure:detail", disclosure_pk=d.pk)
    return render(request, "disclosure/form.html", {"form": form, "disclosure": d, "village": d.region,
                                                     "heading": _("Edit draft")})


@login_required
def correct(request: HttpRequest, disclosure_pk: int) -> HttpResponse:
    require_capability(request, "draft_disclosure")
    d = _disclosure(request, disclosure_pk, "draft_disclosure")
    form = CorrectionForm(request.POST or None, initial=_initial(d))
    if request.method == "POST" and form.is_valid():
        try:
            fix = services.correction_create(acting_user=request.user, disclosure=d,
                                             reason=form.cleaned_data["correction_reason"], **_content(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Correction drafted: it is published after review and approval."))
            return redirect("disclosure:detail", disclosure_pk=fix.pk)
    return render(request, "disclosure/form.html", {"form": form, "disclosure": d, "village": d.region,
                                                     "heading": _("Correct a published disclosure")})


# --- detail and workflow ---------------------------------------------------------------------------------

MOVE_LABELS = {State.SUBMITTED: _("Submit for review"), State.REVIEWED: _("Reviewed: pass to the township"),
               State.APPROVED: _("Approve"), State.PUBLISHED: _("Publish")}


def _actions(user: Any, d: Disclosure) -> list[tuple[str, str]]:
    """The moves this user may make on d now (the service checks again)."""
    out = []
    for before, to in sorted(services.TRANSITIONS):
        if before != d.state:
            continue
        caps = services.RETURNERS.get(before, ()) if to == State.DRAFT else services.MOVERS.get(to, ())
        if services._can(user, caps, d.region_id):
            out.append((to, str(MOVE_LABELS.get(to, _("Return with a reason")))))
    return out


def _detail(request: HttpRequest, d: Disclosure, move_form: MoveForm | None = None,
            attachment_form: AttachmentForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    can_draft = services._can(user, ["draft_disclosure"], d.region_id) and user.has_capability("draft_disclosure")
    return render(request, "disclosure/detail.html", {
        "d": d, "actions": _actions(user, d), "move_form": move_form or MoveForm(),
        "attachment_form": attachment_form or AttachmentForm(),
        "can_attach": can_draft and d.state == State.DRAFT,
        "can_edit": can_draft and d.state == State.DRAFT,
        "can_correct": can_draft and d.is_published and not d.corrected_by.exists(),
        "versions": selectors.version_chain(d, published_only=False),
        "entry": LedgerEntry.objects.filter(disclosure=d).first(),
        "income": d.income_total(), "expense": d.expense_total(),
    }, status=status)


@login_required
def detail(request: HttpRequest, disclosure_pk: int) -> HttpResponse:
    require_capability(request, "view_disclosure")
    return _detail(request, _disclosure(request, disclosure_pk))


@login_required
@require_POST
def move(request: HttpRequest, disclosure_pk: int) -> HttpResponse:
    require_capability(request, "view_disclosure")
    d = _disclosure(request, disclosure_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _detail(request, d, move_form=form)
    to, reason = form.cleaned_data["to"], form.cleaned_data["reason"]
    try:
        if to == State.DRAFT:
            services.disclosure_return(acting_user=request.user, disclosure=d, reason=reason)
        else:
            step = {State.SUBMITTED: services.disclosure_submit, State.REVIEWED: services.disclosure_review,
                    State.APPROVED: services.disclosure_approve, State.PUBLISHED: services.disclosure_publish}
            if to not in step:
                raise ValidationError(_("no such step"))
            step[to](acting_user=request.user, disclosure=d)
    except ValidationError as exc:
        apply_errors(form, exc)
        d = _disclosure(request, disclosure_pk)
        return _detail(request, d, move_form=form)
    messages.success(request, _("Done: the disclosure is now “%(state)s”.") % {"state": d.get_state_display()})
    return redirect("disclosure:detail", disclosure_pk=d.pk)


# --- attachments -----------------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request: HttpRequest, disclosure_pk: int) -> HttpResponse:
    require_capability(request, "draft_disclosure")
    d = _disclosure(request, disclosure_pk, "draft_disclosure")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(acting_user=request.user, disclosure=d, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Attachment added."))
            return redirect("disclosure:detail", disclosure_pk=d.pk)
    return _detail(request, d, attachment_form=form)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, attachment_id: int) -> HttpResponse:
    require_capability(request, "draft_disclosure")
    att = _attachment(request, attachment_id, "draft_disclosure")
    try:
        services.attachment_remove(acting_user=request.user, attachment=att)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return _detail(request, _disclosure(request, att.disclosure_id))
    messages.success(request, _("Attachment removed."))
    return redirect("disclosure:detail", disclosure_pk=att.disclosure_id)


def _attachment(request: HttpRequest, attachment_id: int, capability: str) -> Attachment:
    att = Attachment.objects.select_related("disclosure").filter(pk=attachment_id).first()
    if att is None:
        raise Http404
    _disclosure(request, att.disclosure_id, capability)  # out of scope: 404
    return att


def _serve(att: Attachment) -> FileResponse:
    path = files.path_of(att.stored_name)
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=att.content_type, as_attachment=True, filename=att.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    require_capability(request, "view_disclosure")
    return _serve(_attachment(request, attachment_id, "view_disclosure"))


def public_attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """No login: only an attachment of a published disclosure; anything else is 404 like a missing file."""
    att = Attachment.objects.filter(pk=attachment_id, disclosure__state=State.PUBLISHED).first()
    if att is None:
        raise Http404(_("No published attachment here."))
    response = _serve(att)
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- the catalogue ---------------------------------------------------------------------------------------


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_disclosure")
    today = timezone.localdate()
    prefix = user_prefix(request.user, "view_disclosure") or ""
    in_force = {i.pk for i in compliance.items_in_force(prefix, today)}
    rows = list(selectors.catalogue_for(request.user))
    can_manage = request.user.has_capability("manage_catalogue")
    for item in rows:
        item.in_force = item.pk in in_force
        item.can_revise = can_manage and item.region_code == request.user.region_id
    return render(request, "disclosure/catalogue.html", {"rows": rows, "can_manage": can_manage, "today": today})


@login_required
def catalogue_add(request: HttpRequest) -> HttpResponse:
    require_capability(request, "manage_catalogue")
    form = ItemForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.catalogue_item_add(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Item added to the catalogue."))
            return redirect("disclosure:catalogue")
    return render(request, "disclosure/item_form.html", {"form": form, "heading": _("New catalogue item")})


@login_required
def catalogue_revise(request: HttpRequest, item_id: int) -> HttpResponse:
    require_capability(request, "manage_catalogue")
    item = get_visible_or_404(CatalogueItem.objects.all(), request.user, "manage_catalogue", pk=item_id)
    initial = {f: getattr(item, f) for f in services.ITEM_FIELDS}
    form = ReviseForm(request.POST or None, initial={**initial, "effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.catalogue_item_revise(acting_user=request.user, item=item,
                                           effective_from=data.pop("effective_from"), note=data.pop("note"),
                                           retired=data.pop("retired"), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("A new version of the item was added."))
            return redirect("disclosure:catalogue")
    return render(request, "disclosure/item_form.html", {"form": form, "item": item,
                                                          "heading": _("New version of %(item)s") % {"item": item}})


# --- compliance ------------------------------------------------------------------------------------------


def _region(request: HttpRequest, capability: str) -> Region | None:
    """The region asked for (code or prefix) or the user's own; None is the whole country. Outside: 404."""
    raw = parse_prefix(request.GET.get("region", ""))
    if raw is None:
        raise Http404
    if raw == "":
        own = user_prefix(request.user, capability)
        if own is None:
            raise Http404
        if own == "":
            return None
        raw = own
    return get_visible_or_404(Region.objects.select_related("parent"), request.user, capability,
                              code=raw.ljust(CODE_LENGTH, "0"))


def _on(request: HttpRequest) -> date:
    try:
        on = date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()
    return min(on, timezone.localdate())


@login_required
def compliance_page(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_compliance")
    region = _region(request, "view_compliance")
    prefix = region.prefix if region else ""
    on = _on(request)
    item_key = request.GET.get("item", "")[:40]
    summary = compliance.summary(prefix, on)
    number = _page_number(request.GET.get("page"))
    found = compliance.overdue_rows(prefix, on, item_key=item_key, offset=(number - 1) * PAGE_SIZE,
                                    limit=PAGE_SIZE + 1)
    page = Page(items=found[:PAGE_SIZE], number=number, has_next=len(found) > PAGE_SIZE)
    crumbs = ancestors(region, request.user) if region else []
    chart = {"title_children": _("Overdue disclosures by region"), "title_items": _("Overdue disclosures by item"),
             "children": [[c["name"], c["overdue"]] for c in summary.by_child],
             "items": [[f'{i["code"]} {i["title"]}', i["count"]] for i in summary.by_item[:15]]}
    query = urlencode({"region": prefix, "on": on.isoformat(), **({"item": item_key} if item_key else {})})
    return render(request, "disclosure/compliance.html", {
        "region": region, "prefix": prefix, "name": region.short_name if region else _("Whole country"),
        "crumbs": crumbs, "summary": summary, "page": page, "chart": chart, "on": on, "item_key": item_key,
        "query": query,
        "children": Region.objects.filter(parent=region).order_by("code") if region and region.level < 5 else [],
    })


@login_required
def compliance_export(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_compliance")
    region = _region(request, "view_compliance")
    prefix = region.prefix if region else ""
    on = _on(request)
    rows = compliance.overdue_rows(prefix, on)
    audit_record("export.disclosure_compliance", region_code=prefix, user=request.user,
                 changes={"on": on.isoformat(), "rows": len(rows)})
    headers = [_("Village or community"), _("Code"), _("Item code"), _("Item"), _("Period"), _("Due on")]
    data = ([r.village_name, r.village, r.item_code, r.item_title, r.period_label, r.due_date.isoformat()]
            for r in rows)
    note = _("Overdue disclosures in %(region)s on %(on)s") % {"region": region.short_name if region else "",
                                                                "on": on.isoformat()}
    note += "\n" + _("Scope (region code prefix): %(prefix)s") % {"prefix": prefix or _("all")}
    return xlsx_response(f"disclosure-overdue-{prefix or 'all'}-{on:%Y%m%d}.xlsx", headers, data,
                         sheet=_("Overdue"), note=note)


# --- ledger ----------------------------------------------------------------------------------------------


@login_required
def ledger_page(request: HttpRequest) -> HttpResponse:
    """A village: its chain re-computed now, its entries and published heads. Above a village: the villages
    with a ledger and their entry counts."""
    require_capability(request, "view_disclosure")
    region = _region(request, "view_disclosure")
    ctx: dict[str, Any] = {"region": region}
    if region is not None and region.level == Level.VILLAGE:
        ctx["result"] = ledger.verify_village(region.code)
        ctx["entries"] = page_of(LedgerEntry.objects.filter(region=region).select_related("disclosure")
                                 .order_by("-seq"), request)
        ctx["heads"] = LedgerHead.objects.filter(region=region).order_by("-date")[:10]
    else:
        qs = LedgerEntry.objects.visible_to(request.user)
        if region is not None:
            qs = qs.within(region.prefix)
        ctx["villages"] = page_of(qs.values("region_id", "region__short_name").annotate(
            n=Count("id"), last=Max("recorded_at")).order_by("region_id"), request)
    return render(request, "disclosure/ledger.html", ctx)


urlpatterns = [
    path("", home, name="home"),
    path("list/", disclosure_list, name="list"),
    path("new/", create, name="create"),
    path("<int:disclosure_pk>/", detail, name="detail"),
    path("<int:disclosure_pk>/edit/", edit, name="edit"),
    path("<int:disclosure_pk>/move/", move, name="move"),
    path("<int:disclosure_pk>/correct/", correct, name="correct"),
    path("<int:disclosure_pk>/attachments/", attachment_add, name="attachment_add"),
    path("attachments/<int:attachment_id>/", attachment, name="attachment"),
    path("attachments/<int:attachment_id>/remove/", attachment_remove, name="attachment_remove"),
    path("public/attachments/<int:attachment_id>/", public_attachment, name="public_attachment"),
    path("catalogue/", catalogue, name="catalogue"),
    path("catalogue/new/", catalogue_add, name="catalogue_add"),
    path("catalogue/<int:item_id>/revise/", catalogue_revise, name="catalogue_revise"),
    path("compliance/", compliance_page, name="compliance"),
    path("compliance/export/", compliance_export, name="compliance_export"),
    path("ledger/", ledger_page, name="ledger"),
]
