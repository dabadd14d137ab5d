"""Pre-rendering of the public pages: a village's pages are written as files when it publishes (or corrects)
a disclosure, and served as files (nginx in production, the app in the demo).

Layout under settings.PORTAL_DIR, mirroring the URLs under /open/ so that nginx can serve the directory as it
is (deploy/nginx-portal.conf):

    index.html                      /open/                      home: search, counties, visitor counter
    r/<code>/index.html             /open/r/<code>/             a county's townships, a township's villages
    v/<code>/index.html             /open/v/<code>/             a village's disclosures by item and period
    v/<code>/d/<id>/index.html      /open/v/<code>/d/<id>/      one published disclosure (every version)
    v/<code>/poster/index.html      /open/v/<code>/poster/      the printable poster with the QR code

Each file is written to a temporary name in its directory and moved into place (os.replace), so a reader
sees the old page or the new one, never half of one. Pages hold no inline script and nothing about the
visitor (no session, no CSRF token): the dynamic parts — search suggestions, the counter — are small
endpoints called by static/portal/portal.js."""

from __future__ import annotations

import logging
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from lingtouyang.portal import selectors
from lingtouyang.regions.models import Level, Region

log = logging.getLogger(__name__)
LANGUAGE = "zh-hans"  # the public pages are in Simplified Chinese, whoever triggers the rendering


def portal_dir() -> Path:
    return Path(settings.PORTAL_DIR)


def home_path() -> Path:
    return portal_dir() / "index.html"


def region_path(code: str) -> Path:
    return portal_dir() / "r" / code / "index.html"


def village_path(code: str) -> Path:
    return portal_dir() / "v" / code / "index.html"


def poster_path(code: str) -> Path:
    return portal_dir() / "v" / code / "poster" / "index.html"


def disclosure_path(code: str, pk: int) -> Path:
    return portal_dir() / "v" / code / "d" / str(pk) / "index.html"


def write_atomic(path: Path, content: str) -> bool:
    """Write the file so that readers see either the old or the new bytes (same-directory rename). A page
    whose bytes did not change is left alone (a full rebuild rewrites only what changed); False then."""
    data = content.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".html")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # nginx reads it as another user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def feedback_url() -> str:
    """The residents' questions and complaints (the oversight app's public pages)."""
    return oversight_url("lookup") or "/open/feedback/"


def oversight_url(name: str, *args: object) -> str:
    """A public page of the oversight app (`oversight_public:<name>`), or "" when it has no such page."""
    try:
        return reverse(f"oversight_public:{name}", args=args)
    except NoReverseMatch:
        return ""


def _page(template: str, context: dict[str, Any]) -> str:
    with translation.override(LANGUAGE):
        return render_to_string(template, {"feedback_url": feedback_url(), **context})


def render_home() -> None:
    write_atomic(home_path(), _page("portal/home.html", {"counties": selectors.counties(settings.PORTAL_HOME_REGION)}))


def render_region(code: str) -> bool:
    """A county's or township's index page; False when the code names neither."""
    region = selectors.region_or_none(code, (Level.COUNTY, Level.TOWNSHIP))
    if region is None:
        return False
    write_atomic(region_path(code), _page("portal/region.html", {
        "region": region, "children": selectors.children(region),
        "villages_below": region.level == Level.TOWNSHIP,
    }))
    return True


def public_url(path: str) -> str:
    return settings.PORTAL_BASE_URL + path


def qr_svg(url: str, title: str) -> str:
    """The QR code as inline SVG (no script, no external file), large enough to scan from a notice board."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2, title=title, svgclass="qr", lineclass="qr-line")


def _published(low: str, high: str, pages: bool = True) -> dict[str, list[Any]]:
    """The published disclosures of the villages in [low, high], per village, newest period first (with their
    lines and attachments when their own pages are to be written)."""
    from lingtouyang.disclosure.models import Disclosure

    found: dict[str, list[Any]] = defaultdict(list)
    rows = (Disclosure.objects.published().filter(region_id__gte=low, region_id__lte=high)
            .select_related("item", "ledger_entry").order_by("region_id", "-period_start", "-id"))
    for d in rows.prefetch_related("lines", "attachments") if pages else rows:
        found[d.region_id].append(d)
    return found


def _chains(disclosures: list[Any]) -> dict[int, list[Any]]:
    """Each disclosure's published versions, oldest first (the correction chain it belongs to), from the
    village's published rows already in memory."""
    by_id = {d.pk: d for d in disclosures}
    root: dict[int, int] = {}
    for d in disclosures:
        first = d
        while first.corrects_id in by_id:
            first = by_id[first.corrects_id]
        root[d.pk] = first.pk
    groups: dict[int, list[Any]] = defaultdict(list)
    for d in disclosures:
        groups[root[d.pk]].append(d)
    chains = {}
    for members in groups.values():
        members.sort(key=lambda d: (d.version, d.pk))
        for d in members:
            chains[d.pk] = members
    return chains


def render_village(code: str) -> None:
    """Re-render every public page of the village `code` (called after a publication commits)."""
    try:
        _render_village(code)
    except Exception:
        # Called after the publication committed: a failure here must not turn the publication into an error
        # page; the page stays as it was until the next rendering (`lingtouyang render-portal`).
        log.exception("portal: rendering village %s failed", code)


def _render_village(code: str, village: Region | None = None, disclosures: list[Any] | None = None,
                    posters: bool | None = None, pages: bool = True) -> bool:
    if village is None:
        village = selectors.region_or_none(code, (Level.VILLAGE,))
        if village is None:
            return False
    if disclosures is None:
        disclosures = _published(code, code).get(code, [])
    chains = _chains(disclosures)
    replaced = {d.corrects_id for d in disclosures if d.corrects_id}
    current = [d for d in disclosures if d.pk not in replaced]
    # By item (in the catalogue's order), each item's periods newest first; and the newest few on top.
    items: dict[str, dict[str, Any]] = {}
    for d in sorted(current, key=lambda d: (d.item.sort_order, d.item.code)):
        entry = items.setdefault(d.item_key, {"item": d.item, "disclosures": []})
        entry["disclosures"].append(d)
    for entry in items.values():
        entry["disclosures"].sort(key=lambda d: (d.period_start, d.pk), reverse=True)
    context = {"village": village, "township": village.parent, "county": village.parent.parent if village.parent else None}
    village_url = reverse("portal:village", kwargs={"village_code": code})
    write_atomic(village_path(code), _page("portal/village.html", {
        **context, "latest": current[:10], "items": list(items.values()), "count": len(current),
        "ask_url": oversight_url("ask", code), "questions_url": oversight_url("village", code),
    }))
    # Without `pages`, each disclosure's own page is left to its first request (the view renders and keeps it):
    # a city's first build writes ~1,500 village pages instead of ~150,000 files.
    for d in disclosures if pages else []:
        chain = chains[d.pk]
        write_atomic(disclosure_path(code, d.pk), _page("portal/disclosure.html", {
            **context, "d": d, "chain": chain if len(chain) > 1 else [], "latest_version": chain[-1],
            "replaced": d.pk in replaced, "lines_in": [x for x in d.lines.all() if x.kind == "income"],
            "lines_out": [x for x in d.lines.all() if x.kind == "expense"],
            "ask_url": oversight_url("ask_about", d.pk),
        }))
    # The poster depends on the village's name and address only, not on what it published: made once, when
    # missing (the QR code is most of a village's rendering time). A full rebuild leaves them to the first
    # request (posters=False) unless asked to remake them all (`render-portal --posters`: True).
    if posters or (posters is None and not poster_path(code).is_file()):
        url = public_url(village_url)
        write_atomic(poster_path(code), _page("portal/poster.html", {
            **context, "url": url, "qr": qr_svg(url, f"{village.short_name} {url}"),
        }))
    return True


def render_all(prefix: str = "", posters: bool = False, pages: bool = True) -> int:
    """Every page of the villages under `prefix` (with the counties' and townships' index pages and the home
    page): the full rebuild; with `pages=False` the disclosures' own pages are left to their first request.
    Returns the number of villages rendered."""
    low, high = prefix.ljust(12, "0"), prefix.ljust(12, "9")
    render_home()
    for code in (Region.objects.filter(code__gte=low, code__lte=high, level__in=(Level.COUNTY, Level.TOWNSHIP))
                 .values_list("code", flat=True).iterator()):
        render_region(code)
    # Two queries for all the villages: the regions, and every published disclosure under the prefix.
    published = _published(low, high, pages)
    villages = 0
    for village in (Region.objects.filter(code__gte=low, code__lte=high, level=Level.VILLAGE)
                    .select_related("parent__parent").order_by("code")):
        villages += _render_village(village.code, village, published.get(village.code, []), posters, pages)
    return villages
