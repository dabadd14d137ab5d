from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from lingtouyang.audit.context import acting_as


def client_address(request: HttpRequest) -> str:
    # The proxy (nginx) in front of the app is trusted to set X-Real-IP; REMOTE_ADDR otherwise.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "")


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(getattr(request, "user", None), client_address(request)):
            return self.get_response(request)
