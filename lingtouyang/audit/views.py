from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lingtouyang.audit.chain import ROW_FIELDS, event_json
from lingtouyang.audit.models import AuditEvent
from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import page_of
from lingtouyang.core.web import require_capability
from lingtouyang.core.xlsx import xlsx_response


def _events(request: HttpRequest):  # type: ignore[no-untyped-def]
    require_capability(request, "view_audit")
    qs = AuditEvent.objects.visible_to(request.user).order_by("-id")
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    obj = request.GET.get("object", "").strip()
    if obj:
        qs = qs.filter(object_id=obj)
    return qs


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    page = page_of(_events(request), request)
    return render(request, "audit/list.html", {"page": page, "action": request.GET.get("action", ""),
                                                "object": request.GET.get("object", "")})


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    events = _events(request)
    audit_record("export.audit", region_code=request.user.scope_prefix, user=request.user,
                 changes={"action": request.GET.get("action", "")})
    rows = ((e.at.isoformat(), e.actor_name, e.address, e.action, e.object_type, e.object_id, e.region_code,
             "\n".join(e.changes_lines()), e.outcome) for e in events.iterator(chunk_size=2000))
    headers = [_("time"), _("user"), _("address"), _("action"), _("object type"), _("object"), _("region"),
               _("changes"), _("outcome")]
    return xlsx_response("audit.xlsx", [str(h) for h in headers], rows,
                         note=str(_("Scope (region code prefix): %(prefix)s") % {"prefix": request.user.scope_prefix}))


@login_required
def audit_export_jsonl(request: HttpRequest) -> StreamingHttpResponse:
    """The same rows as the .xlsx, one JSON object per line with the chain fields, for a log system."""
    events = _events(request)
    audit_record("export.audit", region_code=request.user.scope_prefix, user=request.user,
                 changes={"action": request.GET.get("action", ""), "format": "jsonl"})
    lines = (event_json(row) + "\n" for row in events.order_by("id").values(*ROW_FIELDS).iterator(chunk_size=2000))
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.jsonl"'
    # Every line is an event, so the scope travels beside them (as the .xlsx states it in its second sheet).
    response["X-Export-Scope"] = request.user.scope_prefix or "all"
    return response
