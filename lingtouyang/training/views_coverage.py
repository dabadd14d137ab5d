"""Training pages: coverage (the share of the current term's cadres trained, by post and region, who is
still untrained and who is overdue) and the training ledger's Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import MAX_PAGE, PAGE_SIZE, Page
from lingtouyang.core.scope import CODE_LENGTH, get_visible_or_404, parse_prefix, user_prefix
from lingtouyang.core.web import require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.people.codes import Post
from lingtouyang.regions.models import Region
from lingtouyang.regions.selectors import ancestors
from lingtouyang.training.coverage import Coverage, CoverageReport, coverage_report, untrained
from lingtouyang.training.ledger import ledger_rows


def _region(request: HttpRequest, capability: str) -> Region | None:
    """The region asked for (a code or a code prefix), or the user's own; None is the whole country,
    for an account bound to no region. Outside the user's scope: 404, as if it did not exist."""
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


def _picker(request: HttpRequest, region: Region | None, above: list[Region]) -> list[tuple[str, str]]:
    """The regions one may switch to from here, all within the user's scope: up, here, one level down."""
    choices = []
    if region is not None:
        choices += [(r.prefix, r.short_name) for r in above]
        choices.append((region.prefix, region.short_name))
    if region is None or len(region.prefix) < CODE_LENGTH:
        children = Region.objects.visible_to(request.user, "view_training").filter(
            **({"parent": region} if region is not None else {"level": 1})).order_by("code")
        choices += [(c.prefix, "· " + c.short_name) for c in children]
    return choices


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _figures(label: str, figures: Coverage, **extra: Any) -> dict[str, Any]:
    return {"label": label, "cadres": figures.cadres, "trained": figures.trained, "untrained": figures.untrained,
            "overdue": figures.overdue, "share": _pct(figures.share), **extra}


def _chart_data(report: CoverageReport) -> dict[str, Any]:
    def share(figures: Coverage) -> float | None:
        return None if figures.share is None else round(figures.share * 100, 1)

    return {
        "titles": {"children": _("Trained this term, by region (per cent)"),
                   "posts": _("Trained this term, by post (per cent)"),
                   "share": _("trained (per cent)")},
        "children": [{"name": r.region.short_name if r.region else r.code, "share": share(r.figures),
                      "untrained": r.figures.untrained} for r in report.rows if r.figures.cadres],
        "posts": [{"name": str(Post(p).label), "share": share(f)} for p, f in report.by_post.items()],
    }


def _page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_training")
    region = _region(request, "view_training")
    prefix = region.prefix if region is not None else ""
    report = coverage_report(prefix)
    overdue_only = request.GET.get("overdue") == "1"
    number = _page_number(request.GET.get("page"))
    page = Page(items=[], number=number, has_next=False)
    if report.term is not None:
        found = untrained(prefix, report.term, today=report.today, deadline=report.deadline_days,
                          overdue_only=overdue_only, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
        page = Page(items=found[:PAGE_SIZE], number=number, has_next=len(found) > PAGE_SIZE)
    crumbs = ancestors(region, request.user) if region else []
    return render(request, "training/coverage.html", {
        "region": region,
        "prefix": prefix,
        "name": region.short_name if region else _("Whole country"),
        "crumbs": crumbs,
        "picker": _picker(request, region, crumbs),
        "report": report,
        "headline": _figures(_("Total"), report.total),
        "posts": [_figures(str(Post(p).label), f) for p, f in report.by_post.items()],
        "rows": [_figures(r.region.short_name if r.region else r.code, r.figures, region=r.region, code=r.code)
                 for r in report.rows],
        "chart_data": _chart_data(report) if report.total.cadres else None,
        "page": page,
        "overdue_only": overdue_only,
        "can_export": request.user.has_capability("export"),
    })


def _year(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and 1949 < int(raw) < 2200 else None


def ledger_headers() -> list[str]:
    return [_("Name"), _("ID number"), _("Village or community"), _("Code"), _("Current post"), _("Session"),
            _("Programme"), _("Topic"), _("Form"), _("First day"), _("Last day"), _("Session hours"),
            _("Hours needed"), _("Hours attended"), _("Completed on"), _("Talent tag"), _("Withdrawn")]


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_training")
    require_capability(request, "export")
    region = _region(request, "export")
    prefix = region.prefix if region is not None else ""
    year = _year(request.GET.get("year", ""))
    name = region.short_name if region else _("Whole country")
    audit_record("export.training_ledger", obj=region, region_code=region.code if region else "", user=request.user,
                 changes={"year": year})
    note = "\n".join([
        str(_("Scope: %(name)s (%(code)s)") % {"name": name, "code": region.code if region else ""}),
        str(_("Sessions starting in %(year)s") % {"year": year}) if year else str(_("All sessions")),
        str(_("One line per enrolment of the region's people; hours needed: the programme's attendance "
              "threshold of the session's hours.")),
    ])
    suffix = f"-{year}" if year else ""
    return xlsx_response(f"{prefix or 'national'}-training-ledger{suffix}.xlsx", ledger_headers(),
                         ledger_rows(prefix, year), note=note)


urlpatterns = [
    path("coverage/", coverage, name="coverage"),
    path("coverage/ledger.xlsx", ledger_export, name="ledger_export"),
]
