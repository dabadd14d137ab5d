import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import get_visible_or_404
from lingtouyang.core.xlsx import xlsx_response
from lingtouyang.people.selectors import children_structure, region_figures, village_roster
from lingtouyang.regions.models import Level, Region
from lingtouyang.regions.selectors import ancestors, region_search

# The id of the form field a picked region goes into; nothing else may reach the page's script.
_ELEMENT_ID = re.compile(r"[A-Za-z][\w-]{0,60}")


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_visible_or_404(Region.objects.all(), request.user, code=code)
    can_see_people = request.user.has_capability("view_people")
    if can_see_people:
        structure_data, children = region_figures(region)
    else:
        structure_data, children = None, list(region.children.all())
    context = {
        "region": region,
        "crumbs": ancestors(region, request.user),
        "children": children,
        "structure": structure_data,
        "chart_data": _chart_data(structure_data, children) if structure_data else None,
        "roster": village_roster(region) if can_see_people and region.level == Level.VILLAGE else None,
    }
    return render(request, "regions/detail.html", context)


def _chart_data(data: dict[str, Any], children: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "titles": {
            "age": _("Age bands"),
            "education": _("Education"),
            "source": _("Source"),
            "gender": _("Gender"),
            "children": _("Cadres and average age by region"),
            "cadres": _("Cadres"),
            "average_age": _("Average age"),
        },
        "age": data["age_bands"],
        "education": data["education"],
        "source": data["source"],
        "gender": [[_("male"), data["total"] - data["women"]], [_("female"), data["women"]]],
        "children": [
            {
                "name": row["region"].short_name,
                "url": reverse("regions:detail", args=[row["region"].code]),
                "total": row["total"],
                "average_age": row["average_age"],
            }
            for row in children
        ],
    }


@login_required
def region_export(request: HttpRequest, code: str) -> HttpResponse:
    region = get_visible_or_404(Region.objects.all(), request.user, "export", code=code)
    rows = (
        (r["region"].short_name, r["region"].code, r["total"], r["average_age"], r["women"], r["party"],
         r["dual_post"], r["villages_with_secretary"])
        for r in children_structure(region)
    )
    headers = [_("Region"), _("Code"), _("Cadres"), _("Average age"), _("Women"), _("Party members"),
               _("一肩挑"), _("Villages with a secretary")]
    audit_record("export.regions", obj=region, region_code=region.code, user=request.user)
    return xlsx_response(f"{region.code}-structure.xlsx", [str(h) for h in headers], rows,
                         note=str(_("Scope: %(name)s (%(code)s)") % {"name": region.short_name, "code": region.code}))


@login_required
def region_lookup(request: HttpRequest) -> HttpResponse:
    """Search-as-you-type for villages: name, pinyin or initials; 20 at most."""
    rows = region_search(request.user, request.GET.get("q", ""), villages_only=request.GET.get("all") != "1")
    if request.headers.get("HX-Request"):
        target = request.GET.get("target", "")
        if not _ELEMENT_ID.fullmatch(target):
            target = ""
        return render(request, "regions/_suggest.html", {"regions": rows, "target": target})
    return JsonResponse({"results": [{"code": r.code, "name": r.short_name, "path": r.path} for r in rows]})
