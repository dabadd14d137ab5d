from typing import Any

import django_otp
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from lingtouyang.accounts import selectors, twofactor
from lingtouyang.accounts.forms import AccountEditForm, AccountForm, CodeForm
from lingtouyang.accounts.models import User
from lingtouyang.accounts.services import (
    totp_device_confirm,
    totp_device_remove,
    totp_verify,
    user_create,
    user_unlock,
    user_update,
)
from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import page_of
from lingtouyang.core.web import apply_errors, require_capability


class LoginView(auth_views.LoginView):
    """Django's log-in, with every success and failure in the audit trail (never the password)."""

    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        audit_record("account.login", obj=user, region_code=user.region_id or "", user=user)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        tried = (self.request.POST.get("username") or "")[:150]
        account = User.objects.filter(username=tried).only("id", "region_id").first()
        audit_record("account.login", obj=account, region_code=(account.region_id or "") if account else "",
                     changes={"username": tried}, outcome="failed")
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            audit_record("account.logout", obj=user, region_code=user.region_id or "", user=user)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = "/"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        audit_record("account.password_change", obj=user, region_code=user.region_id or "", user=user)
        return response


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    require_capability(request, "manage_accounts")
    devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    accounts = (User.objects.visible_to(request.user).select_related("region").annotate(two_step=Exists(devices))
                .order_by("region_id", "username"))
    return render(request, "accounts/list.html", {"page": page_of(accounts, request)})


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    require_capability(request, "manage_accounts")
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(acting_user=request.user, username=data["username"], role=data["role"],
                               region_code=data["region"].code if data["region"] else "", password=data["password1"],
                               department=data["department"], full_name=data["full_name"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error({"password": "password1"}.get(field, field) if field in {*form.fields, "password"} else None,
                               errors)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("accounts:list")
    return render(request, "accounts/form.html", {"form": form})


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """What django-axes answers to a locked-out log-in (AXES_LOCKOUT_CALLABLE): when to try again, and
    nothing about whether the account exists or the password was right."""
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0
    message = _("Too many failed log-ins. Log-in is locked for %(minutes)s minutes; try again later, or ask "
                "your administrator to unlock the account.") % {"minutes": minutes}
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "registration/locked_out.html", {"message": message, "minutes": minutes}, status=status)


def _next_url(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


def _to(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}" if next_url else reverse(name)


def _mark_verified(request: HttpRequest, device: Any) -> None:
    # A new session key with the raised trust, so a key seen before the code is worth nothing after it.
    request.session.cycle_key()
    django_otp.login(request, device)


@login_required
@require_http_methods(["GET", "POST"])
def two_step(request: HttpRequest) -> HttpResponse:
    """The account's own two-step verification: whether it is on, and turning it off (from a verified
    session only, so a stolen password alone cannot remove the second factor)."""
    user = request.user
    device = twofactor.confirmed_device(user)
    if request.method == "POST" and request.POST.get("action") == "remove":
        if device is not None and not twofactor.is_verified(user):
            messages.error(request, _("Enter a code from your app first; then you can turn two-step verification off."))
            return redirect(_to("accounts:two_step_verify", reverse("accounts:two_step")))
        totp_device_remove(acting_user=user, user=user)
        messages.success(request, _("Two-step verification is off. You can set it up again with a new phone."))
        return redirect("accounts:two_step")
    return render(request, "accounts/two_step.html", {
        "device": device, "verified": twofactor.is_verified(user),
        "required": user.is_superuser or user.role in settings.LINGTOUYANG_2FA_ROLES,
        "enforced": twofactor.must_use_second_factor(user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def two_step_setup(request: HttpRequest) -> HttpResponse:
    """Scan a QR code (or type the key), then confirm with the first code the app shows."""
    user = request.user
    if twofactor.confirmed_device(user) is not None:
        # A second device could otherwise be added by anyone holding only the password.
        if not twofactor.is_verified(user):
            return redirect(_to("accounts:two_step_verify", reverse("accounts:two_step")))
        messages.info(request, _("Two-step verification is already on. Turn it off first to move it to a new phone."))
        return redirect("accounts:two_step")
    key = request.session.get(twofactor.SETUP_KEY_SESSION)
    if not twofactor.is_key(key):
        key = request.session[twofactor.SETUP_KEY_SESSION] = twofactor.new_key()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_confirm(acting_user=user, key=key, code=form.cleaned_data["code"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            del request.session[twofactor.SETUP_KEY_SESSION]
            _mark_verified(request, device)
            messages.success(request, _("Two-step verification is on. From now on, log-in asks for a code from your app."))
            return redirect(_next_url(request))
    uri = twofactor.provisioning_uri(user, key)
    return render(request, "accounts/two_step_setup.html", {
        "form": form, "qr": twofactor.qr_svg(uri), "secret": twofactor.base32_secret(key),
        "next": request.GET.get("next", ""),
    })


@login_required
@require_http_methods(["GET", "POST"])
def two_step_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app, once per session."""
    user = request.user
    if twofactor.confirmed_device(user) is None:
        return redirect(_to("accounts:two_step_setup", request.GET.get("next", "")))
    if twofactor.is_verified(user):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_verify(acting_user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            _mark_verified(request, device)
            return redirect(_next_url(request))
    return render(request, "accounts/two_step_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, account_id: int) -> HttpResponse:
    """An administrator's page for one account in their jurisdiction: role, region and state; reset its
    second factor (a lost phone); lift a log-in lockout."""
    require_capability(request, "manage_accounts")
    account = get_object_or_404(User.objects.visible_to(request.user).select_related("region"), pk=account_id)
    initial = {"role": account.role, "region": account.region_id, "department": account.department,
               "is_active": account.is_active}
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = AccountEditForm(request.POST if action == "save" else None, initial=initial)
    try:
        if action == "reset_two_step":
            totp_device_remove(acting_user=request.user, user=account)
            messages.success(request, _("Two-step verification of %(name)s was reset; they set it up again at their next log-in.")
                             % {"name": account.username})
            return redirect("accounts:edit", account_id=account.pk)
        if action == "unlock":
            user_unlock(acting_user=request.user, user=account)
            messages.success(request, _("%(name)s can log in again.") % {"name": account.username})
            return redirect("accounts:edit", account_id=account.pk)
        if action == "save" and form.is_valid():
            data = form.cleaned_data
            user_update(acting_user=request.user, user=account, role=data["role"],
                        region_code=data["region"].code if data["region"] else "", is_active=data["is_active"],
                        department=data["department"])
            messages.success(request, _("Account %(name)s saved.") % {"name": account.username})
            return redirect("accounts:list")
    except ValidationError as exc:
        apply_errors(form, exc)
        account.refresh_from_db()
    return render(request, "accounts/edit.html", {
        "form": form, "account": account, "device": twofactor.confirmed_device(account),
        "locked": selectors.is_locked_out(account.username),
    })
