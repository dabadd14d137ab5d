"""An address under the API that no route matches is answered in the API's own terms: JSON, and 404 — after
the same check of credentials as the routes around it (403 without an account, except under public/, which
anyone may ask), never the HTML page meant for browsers."""

from typing import Any

from rest_framework import permissions
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class NoSuchRoute(APIView):
    schema = None  # not an operation: it is what every unknown address answers

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.kwargs.get("rest", "").startswith("public/"):
            return [permissions.AllowAny()]
        return super().get_permissions()

    def get_authenticators(self) -> list[Any]:
        # The public routes take no credentials, so a bad token there is no reason to refuse.
        if self.kwargs.get("rest", "").startswith("public/"):
            return []
        return super().get_authenticators()

    def dispatch_any(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound

    get = post = put = patch = delete = head = options = dispatch_any
