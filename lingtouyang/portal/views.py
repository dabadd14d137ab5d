"""The public portal's views: no login, published data only.

The pages residents read most (home, county/township indexes, village pages, disclosures, posters) are files
written by render.py; in production nginx serves them (deploy/nginx-portal.conf) and these views are only
reached for a page not yet rendered, which they render once and serve. In the demo and tests these views
serve the files. The dynamic parts are small: search (HTML fallback and JSON), the visitor counter and the
ledger verification page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from lingtouyang.audit.middleware import client_address
from lingtouyang.core import ratelimit
from lingtouyang.portal import counter, selectors
from lingtouyang.portal import render as pages
from lingtouyang.regions.models import Level

HASH = re.compile(r"^[0-9a-f]{64}$")
# Pre-rendered pages change only when their village publishes; a minute of caching by browsers and proxies
# costs a resident at most a minute's delay.
PAGE_CACHE = "public, max-age=60"


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "portal/not_found.html", {"message": message, "feedback_url": pages.feedback_url()},
                  status=404)


def _serve(request: HttpRequest, path: Path, make: Callable[[], bool], missing: str) -> HttpResponse:
    """The pre-rendered file; rendered first when it does not exist yet (and `make` says the page exists)."""
    if not path.is_file() and not make():
        return not_found(request, missing)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return not_found(request, missing)
    response = HttpResponse(content, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = PAGE_CACHE
    return response


def _home() -> bool:
    pages.render_home()
    return True


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _serve(request, pages.home_path(), _home, "")


@require_GET
def region(request: HttpRequest, region_code: str) -> HttpResponse:
    return _serve(request, pages.region_path(region_code), lambda: pages.render_region(region_code),
                  _("There is no county or township with this code."))


def _village(code: str) -> Callable[[], bool]:
    return lambda: pages._render_village(code)


@require_GET
def village(request: HttpRequest, village_code: str) -> HttpResponse:
    return _serve(request, pages.village_path(village_code), _village(village_code),
                  _("There is no village or community with this code."))


@require_GET
def poster(request: HttpRequest, village_code: str) -> HttpResponse:
    return _serve(request, pages.poster_path(village_code), _village(village_code),
                  _("There is no village or community with this code."))


@require_GET
def disclosure(request: HttpRequest, village_code: str, disclosure_id: int) -> HttpResponse:
    """A published disclosure of this village. Anything else — a draft, one awaiting approval, another
    village's — has no file and is refused with the same message, so nothing unpublished is revealed."""
    from lingtouyang.disclosure.models import Disclosure

    def make() -> bool:
        published = Disclosure.objects.published().filter(pk=disclosure_id, region_id=village_code).exists()
        return published and pages._render_village(village_code)

    return _serve(request, pages.disclosure_path(village_code, disclosure_id), make,
                  _("This village has published no disclosure with this number. Unpublished disclosures "
                    "are not shown."))


def _search(request: HttpRequest) -> tuple[str, str, list[selectors.Place], str]:
    """(term, region code, results, error) from the query string; a bad region is refused, not ignored."""
    q = (request.GET.get("q") or "")[: selectors.TERM_MAX]
    region_code = (request.GET.get("region") or "").strip()
    within = ""
    if region_code:
        found = selectors.region_or_none(region_code, (Level.COUNTY, Level.TOWNSHIP))
        if found is None:
            return q, region_code, [], _("Choose a county or township from the list.")
        within = selectors.region_prefix(found)
    return q, region_code, selectors.search_villages(q, within), ""


SEARCH_WINDOW = 60  # seconds: LINGTOUYANG_SEARCH_PER_MINUTE per address in each


def _search_refused(request: HttpRequest) -> str:
    """The message for an address over the search limit (a script hammering the index), or ""."""
    from django.conf import settings

    if ratelimit.hit("portal-search", client_address(request), settings.LINGTOUYANG_SEARCH_PER_MINUTE,
                     SEARCH_WINDOW):
        return ""
    return _("Too many searches from your connection in the last minute. Please wait a minute and try again.")


def _refused(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(SEARCH_WINDOW)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The results page: the search form works without script."""
    from django.conf import settings

    refused = _search_refused(request)
    q, region_code, results, error = ("", "", [], refused) if refused else _search(request)
    response = render(request, "portal/search.html", {
        "q": q, "region_code": region_code, "results": results, "error": error, "limit": selectors.SEARCH_LIMIT,
        "counties": selectors.counties(settings.PORTAL_HOME_REGION), "feedback_url": pages.feedback_url(),
    }, status=429 if refused else 200)
    if refused:
        return _refused(response)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def search_json(request: HttpRequest) -> HttpResponse:
    """Suggestions as you type: at most SEARCH_LIMIT villages, each with its township, county and page."""
    refused = _search_refused(request)
    if refused:
        return _refused(JsonResponse({"error": refused, "results": []}, status=429))
    q, _region, results, error = _search(request)
    if error:
        return JsonResponse({"error": error, "results": []}, status=400)
    # Every village page's URL is the same prefix and the code: reversed once, not per result.
    prefix = reverse("portal:village", kwargs={"village_code": "0" * 12})[:-13]
    response = JsonResponse({"q": selectors.clean_term(q), "results": [
        {"code": p.code, "name": p.name, "township": p.township, "county": p.county,
         "url": f"{prefix}{p.code}/"} for p in results]})
    response["Cache-Control"] = "public, max-age=300"
    return response


@csrf_exempt  # a static page calls it: no token to send, and it changes nothing but the count itself
@require_http_methods(["GET", "POST"])
def visits(request: HttpRequest) -> JsonResponse:
    """POST: count this visit and return the count; GET: the count so far."""
    count = counter.visit_record() if request.method == "POST" else counter.visit_count()
    response = JsonResponse({"count": count})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def verify(request: HttpRequest, village_code: str) -> HttpResponse:
    """Re-compute the village's ledger now and say "intact" or which entry was altered; optionally check one
    content hash a resident holds. Reads only: nothing a visitor sends here can change anything."""
    from lingtouyang.disclosure.ledger import verify_village
    from lingtouyang.disclosure.models import LedgerEntry, LedgerHead

    village_row = selectors.region_or_none(village_code, (Level.VILLAGE,))
    if village_row is None:
        return not_found(request, _("There is no village or community with this code."))
    result = verify_village(village_code)
    raw = (request.GET.get("hash") or "").strip()
    digest, hash_error, match, match_ok = raw.lower(), "", None, False
    if raw:
        if not HASH.match(digest):
            hash_error = _("A content hash is 64 characters, each 0–9 or a–f. Copy it from the disclosure's page.")
        else:
            match = (LedgerEntry.objects.filter(region_id=village_code, content_hash=digest).first()
                     or LedgerEntry.objects.filter(region_id=village_code, entry_hash=digest).first())
            if match is None:
                hash_error = _("No entry of this village's ledger has this hash: what you hold is not what this "
                               "village published.")
            else:
                match_ok = result.ok or (result.first_bad_entry is not None and match.seq < result.first_bad_entry)
    return render(request, "portal/verify.html", {
        "village": village_row, "township": village_row.parent,
        "county": village_row.parent.parent if village_row.parent else None,
        "result": result, "head": LedgerHead.objects.filter(region_id=village_code).order_by("-date").first(),
        "hash": raw[:200], "hash_error": hash_error, "match": match, "match_ok": match_ok,
        "feedback_url": pages.feedback_url(),
    })
