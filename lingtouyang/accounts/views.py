from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lingtouyang.accounts.forms import AccountForm
from lingtouyang.accounts.models import User
from lingtouyang.accounts.services import user_create
from lingtouyang.audit.services import audit_record
from lingtouyang.core.pagination import page_of
from lingtouyang.core.web import require_capability


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
    accounts = User.objects.visible_to(request.user).select_related("region").order_by("region_id", "username")
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
