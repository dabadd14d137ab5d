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


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(getattr(request, "user", None), client_address(request)):
            return self.get_response(request)
