"""The term structure report (换届 "两升一降"): page and Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import CODE_LENGTH, get_visible_or_404, parse_prefix, user_prefix
from lingtouyang.core.web import require_capability
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.elections.report import (
    AGE_BANDS,
    ReportRow,
    TermFigures,
    TermReport,
    band_label,
    term_report,
)
from lingtouyang.people.codes import EDUCATION_CHOICES, Source
from lingtouyang.regions.models import Region
from lingtouyang.regions.selectors import ancestors


def _term(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and 1949 < int(raw) < 2200 else None


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


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _change(after: float | None, before: float | None, *, points: bool) -> dict[str, Any]:
    """The change as shown: sign, arrow and class (red up, green down, as Chinese readers expect)."""
    if after is None or before is None:
        return {"text": "–", "direction": ""}
    delta = round((after - before) * (100 if points else 1), 1)
    if delta == 0:
        return {"text": "0.0", "direction": "same"}
    text = f"{delta:+.1f}".replace("-", "−")
    if points:
        text = _("%(value)s pp") % {"value": text}
    return {"text": text, "direction": "up" if delta > 0 else "down"}


def _count_change(after: int, before: int | None) -> dict[str, Any]:
    if before is None:
        return {"text": "–", "direction": ""}
    delta = after - before
    return {"text": f"{delta:+,}".replace("-", "−") if delta else "0",
            "direction": "up" if delta > 0 else "down" if delta < 0 else "same"}


def _comparison(report: TermReport) -> list[dict[str, Any]]:
    after, before = report.current, report.previous
    rows = [
        (_("Members of the two committees"), f"{before.members:,}" if report.previous_term else "–",
         f"{after.members:,}", _count_change(after.members, before.members if report.previous_term else None)),
        (_("Average age"), _num(before.average_age), _num(after.average_age),
         _change(after.average_age, before.average_age, points=False)),
        (_("Aged 35 or under"), _pct(before.young_share), _pct(after.young_share),
         _change(after.young_share, before.young_share, points=True)),
        (_("Women"), _pct(before.women_share), _pct(after.women_share),
         _change(after.women_share, before.women_share, points=True)),
        (_("College and above"), _pct(before.college_share), _pct(after.college_share),
         _change(after.college_share, before.college_share, points=True)),
        (_("Secretary also director (一肩挑)"), _pct(before.dual_share), _pct(after.dual_share),
         _change(after.dual_share, before.dual_share, points=True)),
    ]
    return [{"label": label, "before": b, "after": a, "change": c} for label, b, a, c in rows]


def _mix(after: dict[str, int], before: dict[str, int], names: list[tuple[str, str]], a_total: int,
         b_total: int) -> list[dict[str, Any]]:
    out = []
    for code, name in names:
        a = after.get(code, 0) / a_total if a_total else None
        b = before.get(code, 0) / b_total if b_total else None
        out.append({"label": name, "before": _pct(b), "after": _pct(a), "change": _change(a, b, points=True)})
    return out


def _row(row: ReportRow) -> dict[str, Any]:
    a, b = row.current, row.previous
    return {
        "region": row.region, "code": row.code,
        "name": row.region.short_name if row.region else row.code,
        "members": a.members, "members_before": b.members,
        "age": _num(a.average_age), "age_before": _num(b.average_age),
        "age_change": _change(a.average_age, b.average_age, points=False),
        "young": _pct(a.young_share), "young_before": _pct(b.young_share),
        "women": _pct(a.women_share), "women_before": _pct(b.women_share),
        "college": _pct(a.college_share), "college_before": _pct(b.college_share),
        "dual": _pct(a.dual_share), "dual_before": _pct(b.dual_share),
        "new_secretaries": "–" if a.new_secretaries is None else a.new_secretaries,
        "new_migrant": _pct(a.new_migrant_share),
    }


def _source_names() -> list[tuple[str, str]]:
    return [(code, str(Source(code).label)) for code in Source.values]


def _chart_data(report: TermReport) -> dict[str, Any]:
    after, before = report.current, report.previous
    bands = [band_label(low, high) for low, high in AGE_BANDS]

    def share(part: float | None) -> float | None:
        return None if part is None else round(part * 100, 1)

    return {
        "terms": [str(report.previous_term or "–"), str(report.term or "–")],
        "titles": {
            "age": _("Age bands at the start of the term"),
            "source": _("Source (per cent of members)"),
            "dual": _("一肩挑 and average age"),
            "dual_label": _("一肩挑 (per cent)"),
            "average_age": _("Average age"),
            "children": _("Average age by region, before and after"),
        },
        "age": {"labels": bands, "before": [before.bands.get(b, 0) for b in bands],
                "after": [after.bands.get(b, 0) for b in bands]},
        "source": {"labels": [name for _c, name in _source_names()],
                   "before": [share(before.source.get(c, 0) / before.members if before.members else None)
                              for c, _n in _source_names()],
                   "after": [share(after.source.get(c, 0) / after.members if after.members else None)
                             for c, _n in _source_names()]},
        "dual": [share(before.dual_share), share(after.dual_share)],
        "average_age": [None if before.average_age is None else round(before.average_age, 1),
                        None if after.average_age is None else round(after.average_age, 1)],
        "children": [{"name": r.region.short_name if r.region else r.code,
                      "before": None if r.previous.average_age is None else round(r.previous.average_age, 1),
                      "after": None if r.current.average_age is None else round(r.current.average_age, 1)}
                     for r in report.rows if r.current.members or r.previous.members],
    }


def _picker(request: HttpRequest, region: Region | None) -> list[tuple[str, str]]:
    """The regions one may switch to from here, all within the user's scope: up, here, one level down."""
    choices = []
    if region is not None:
        for r in ancestors(region, request.user):
            choices.append((r.prefix, r.short_name))
        choices.append((region.prefix, region.short_name))
    if region is None or len(region.prefix) < CODE_LENGTH:
        children = Region.objects.visible_to(request.user).filter(
            **({"parent": region} if region is not None else {"level": 1})).order_by("code")
        choices += [(c.prefix, "· " + c.short_name) for c in children]
    return choices


@login_required
def report(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_people")
    region = _region(request, "view_people")
    prefix = region.prefix if region is not None else ""
    data = term_report(prefix, _term(request.GET.get("term", "")))
    after, before = data.current, data.previous
    return render(request, "elections/report.html", {
        "region": region,
        "prefix": prefix,
        "name": region.short_name if region else _("Whole country"),
        "crumbs": ancestors(region, request.user) if region else [],
        "picker": _picker(request, region),
        "report": data,
        "comparison": _comparison(data),
        "sources": _mix(after.source, before.source, _source_names(), after.members, before.members),
        "education": _mix(after.education, before.education, EDUCATION_CHOICES, after.members, before.members),
        "rows": [_row(r) for r in data.rows],
        "headline": {
            "dual": _pct(after.dual_share), "new_migrant": _pct(after.new_migrant_share),
            "age": _num(after.average_age), "age_change": _change(after.average_age, before.average_age, points=False),
        },
        "chart_data": _chart_data(data) if after.members or before.members else None,
        "can_export": request.user.has_capability("export"),
        "detail_url": reverse("regions:detail", args=[region.code]) if region else "",
    })


def _export_rows(data: TermReport) -> list[list[Any]]:
    def line(name: str, code: str, a: TermFigures, b: TermFigures) -> list[Any]:
        def r(value: float | None, scale: int = 100) -> float | None:
            return None if value is None else round(value * scale, 1)

        change = (None if a.average_age is None or b.average_age is None
                  else round(a.average_age - b.average_age, 1))
        return [name, code, b.members, a.members, r(b.average_age, 1), r(a.average_age, 1), change,
                r(b.young_share), r(a.young_share), r(b.women_share), r(a.women_share),
                r(b.college_share), r(a.college_share), b.villages, b.dual, r(b.dual_share),
                a.villages, a.dual, r(a.dual_share), a.new_secretaries, a.new_migrant, r(a.new_migrant_share)]

    rows = [line(_("Total"), data.prefix, data.current, data.previous)]
    rows += [line(r.region.short_name if r.region else r.code, r.code, r.current, r.previous) for r in data.rows]
    return rows


@login_required
def report_export(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_people")
    require_capability(request, "export")
    region = _region(request, "export")
    prefix = region.prefix if region is not None else ""
    data = term_report(prefix, _term(request.GET.get("term", "")))
    before, after = str(data.previous_term or "–"), str(data.term or "–")
    headers = [_("Region"), _("Code"),
               _("Members (%(term)s)") % {"term": before}, _("Members (%(term)s)") % {"term": after},
               _("Average age (%(term)s)") % {"term": before}, _("Average age (%(term)s)") % {"term": after},
               _("Change in average age"),
               _("Aged 35 or under (%(term)s, per cent)") % {"term": before},
               _("Aged 35 or under (%(term)s, per cent)") % {"term": after},
               _("Women (%(term)s, per cent)") % {"term": before}, _("Women (%(term)s, per cent)") % {"term": after},
               _("College and above (%(term)s, per cent)") % {"term": before},
               _("College and above (%(term)s, per cent)") % {"term": after},
               _("Villages with a secretary (%(term)s)") % {"term": before},
               _("Villages with 一肩挑 (%(term)s)") % {"term": before}, _("一肩挑 (%(term)s, per cent)") % {"term": before},
               _("Villages with a secretary (%(term)s)") % {"term": after},
               _("Villages with 一肩挑 (%(term)s)") % {"term": after}, _("一肩挑 (%(term)s, per cent)") % {"term": after},
               _("New secretaries"), _("of whom returned migrant workers"),
               _("Returned migrant workers among new secretaries (per cent)")]
    name = region.short_name if region else _("Whole country")
    audit_record("export.term_report", obj=region, region_code=region.code if region else "", user=request.user,
                 changes={"term": data.term, "previous_term": data.previous_term})
    note = "\n".join([
        str(_("Scope: %(name)s (%(code)s)") % {"name": name, "code": region.code if region else ""}),
        str(_("Term %(term)s compared with term %(previous)s; village two committees (not the supervision "
              "committee); ages at the start of each person's term.") % {"term": after, "previous": before}),
    ])
    return xlsx_response(f"{prefix or 'national'}-term-{after}.xlsx", [str(h) for h in headers],
                         _export_rows(data), note=note)
