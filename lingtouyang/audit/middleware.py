import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from lingtouyang.audit.context import acting_as


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return ""


def client_address(request: HttpRequest) -> str:
    """The client's IP address. X-Real-IP counts only when the request comes from a proxy listed in
    TRUSTED_PROXIES (e.g. the nginx in front); anyone else could write anything there."""
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    if remote and remote in settings.TRUSTED_PROXIES:
        forwarded = _valid(request.META.get("HTTP_X_REAL_IP", ""))
        if forwarded:
            return forwarded
    return remote


# Where a 404 is a resident's mistyped address, not someone probing the back office's ids.
PUBLIC_PREFIXES = ("/open/", "/static/", "/i18n/", "/favicon.ico", "/robots.txt")


class AuditContextMiddleware:
    """Who acts from where, for every audit row the request writes; and, as the request ends, a refused
    request by a logged-in user as a security event. Judged by the response's status, so every way of
    refusing counts: PermissionDenied anywhere, DRF's permission classes, CSRF, an out-of-scope 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_address(request)
        with acting_as(getattr(request, "user", None), address):
            response = self.get_response(request)
            if response.status_code in (403, 404):
                _record_refusal(request, response.status_code)
        return response


def _record_refusal(request: HttpRequest, status: int) -> None:
    path = request.path
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    # Before the user: a portal visitor's 404 then loads no session.
    if status == 404 and (path.startswith(PUBLIC_PREFIXES) or path.startswith(static)):
        return
    # DRF authenticates tokens inside the view and sets request.user there: read it now, not before.
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return
    from lingtouyang.audit.services import audit_record

    audit_record("access.denied" if status == 403 else "access.not_found", user=user,
                 region_code=getattr(user, "region_id", None) or "", outcome="denied",
                 changes={"path": path[:500], "method": request.method, "status": status})
