"""The second factor: accounts of the roles that must use one reach nothing but the second-factor
pages until this session has been verified with a one-time code."""

from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from lingtouyang.accounts import twofactor


class SecondFactorMiddleware:
    """After OTPMiddleware (which says whether this session is verified). API calls with a token are
    not seen here (DRF authenticates them inside the view): a token is only issued against a code, see
    lingtouyang.accounts.api."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def open_paths(self) -> frozenset[str]:
        """Pages an unverified session may reach: the second factor itself, and leaving."""
        names = ["accounts:two_step", "accounts:two_step_setup", "accounts:two_step_verify", "login", "logout"]
        return frozenset(reverse(name) for name in names)

    @cached_property
    def open_prefixes(self) -> tuple[str, ...]:
        # What anyone may read without an account anyway: the public portal and its API, static files,
        # the language switch.
        static = "/" + settings.STATIC_URL.lstrip("/")
        return (static, "/open/", "/api/v1/public/", "/i18n/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.LINGTOUYANG_2FA_REQUIRED:
            return self.get_response(request)
        path = request.path_info
        # Open paths first: the public portal's requests then never load a session or an account.
        if path in self.open_paths or path.startswith(self.open_prefixes):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not twofactor.must_use_second_factor(user) or twofactor.is_verified(user):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse({"detail": _("Two-step verification is required: enter a code from your app "
                                             "on the web first.")}, status=403)
        target = "accounts:two_step_verify" if twofactor.confirmed_device(user) else "accounts:two_step_setup"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(target) + (f"?{query}" if query else ""))


class PasswordAgeMiddleware:
    """A password older than LINGTOUYANG_PASSWORD_MAX_AGE_DAYS must be changed before anything else: the
    account reaches only the password page, log-out and what is public. Tokens (API) are not affected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def open_paths(self) -> frozenset[str]:
        return frozenset(reverse(name) for name in ["password_change", "login", "logout"])

    @cached_property
    def open_prefixes(self) -> tuple[str, ...]:
        static = "/" + settings.STATIC_URL.lstrip("/")
        return (static, "/open/", "/api/v1/public/", "/i18n/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path in self.open_paths or path.startswith(self.open_prefixes):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.password_expired():
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse({"detail": _("Your password has expired: change it on the web first.")},
                                status=403)
        messages.warning(request, _("Your password is more than %(days)d days old: choose a new one to go on.")
                         % {"days": settings.LINGTOUYANG_PASSWORD_MAX_AGE_DAYS})
        return HttpResponseRedirect(reverse("password_change"))
